//! Rewrites the glyph widths of CID fonts into the one form pdf-extract reads right.
//!
//! A CID font lists its widths (`/W`, ISO 32000-1, 9.7.4.3) in two forms, mixed at will:
//! `c [w1 w2 …]`, widths of consecutive CIDs from `c`, and `c_first c_last w`, one width for a
//! range. pdf-extract 0.12 reads the second form wrongly (it takes `c_first` for all three
//! numbers, so the range is empty) and gives those glyphs the default width, a whole em: each
//! glyph after one of them on a line is then placed too far right. Adobe's PDF Library writes
//! ranges for digits and common letters (109/NQ-CP: `19 28 500`, the digits), so lines drift by
//! several letters, words split and table cells miss their columns. Rewriting every range as
//! the first form before extraction gives pdf-extract the widths the file states.

use lopdf::{Document, Object, ObjectId};

/// The most widths one font may list once ranges are spelled out (a CID is two bytes).
const MAX_WIDTHS: usize = 1 << 16;

/// Rewrites the `/W` arrays of the CID fonts of `doc` with every range spelled out.
pub(super) fn spell_out_ranges(doc: &mut Document) {
    let mut rewrites: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for (&id, object) in &doc.objects {
        let Ok(dict) = object.as_dict() else {
            continue;
        };
        let cid_font = matches!(
            dict.get(b"Subtype").and_then(Object::as_name),
            Ok(b"CIDFontType0" | b"CIDFontType2")
        );
        if !cid_font {
            continue;
        }
        let Ok((_, w)) = dict.get(b"W").and_then(|o| doc.dereference(o)) else {
            continue;
        };
        let Ok(w) = w.as_array() else {
            continue;
        };
        if let Some(spelled) = spelled_out(doc, w) {
            rewrites.push((id, spelled));
        }
    }
    for (id, w) in rewrites {
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(id) {
            dict.set("W", Object::Array(w));
        }
    }
}

/// `w` with each range `c_first c_last w` written `c_first [w w …]`, and references resolved;
/// `None` when it has no range (nothing to rewrite) or is malformed.
fn spelled_out(doc: &Document, w: &[Object]) -> Option<Vec<Object>> {
    let number = |o: &Object| -> Option<f64> {
        let o = doc.dereference(o).ok()?.1;
        o.as_float().map(f64::from).ok()
    };
    let mut out = Vec::with_capacity(w.len());
    let mut spelled = 0usize;
    let mut ranges = false;
    let mut i = 0;
    while i < w.len() {
        let first = number(&w[i])?;
        let next = doc.dereference(w.get(i + 1)?).ok()?.1;
        if let Ok(widths) = next.as_array() {
            let widths: Vec<Object> = widths
                .iter()
                .map(|o| number(o).map(|n| Object::Real(n as f32)))
                .collect::<Option<_>>()?;
            spelled += widths.len();
            out.push(Object::Integer(first as i64));
            out.push(Object::Array(widths));
            i += 2;
        } else {
            let last = number(next)?;
            let width = number(w.get(i + 2)?)?;
            if last < first {
                return None;
            }
            let n = (last - first) as usize + 1;
            spelled += n;
            if spelled > MAX_WIDTHS {
                return None;
            }
            ranges = true;
            out.push(Object::Integer(first as i64));
            out.push(Object::Array(vec![Object::Real(width as f32); n]));
            i += 3;
        }
        if spelled > MAX_WIDTHS {
            return None;
        }
    }
    ranges.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn ranges_are_spelled_out_and_lists_kept() {
        let mut doc = Document::with_version("1.7");
        let w = vec![
            3.into(),
            Object::Array(vec![250.into()]),
            19.into(),
            21.into(),
            500.into(),
        ];
        let font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "W" => Object::Array(w),
        });
        spell_out_ranges(&mut doc);
        let dict = doc.get_dictionary(font).unwrap();
        let w = dict.get(b"W").unwrap().as_array().unwrap();
        let widths = |o: &Object| -> Vec<f32> {
            o.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_float().unwrap())
                .collect()
        };
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].as_i64().unwrap(), 3);
        assert_eq!(widths(&w[1]), vec![250.0]);
        assert_eq!(w[2].as_i64().unwrap(), 19);
        assert_eq!(widths(&w[3]), vec![500.0; 3]);
    }

    #[test]
    fn a_huge_or_broken_range_is_left_alone() {
        let mut doc = Document::with_version("1.7");
        for w in [
            vec![0.into(), 10_000_000.into(), 500.into()],
            vec![5.into(), 2.into(), 500.into()],
            vec![5.into()],
        ] {
            let font = doc.add_object(dictionary! {
                "Subtype" => "CIDFontType0",
                "W" => Object::Array(w.clone()),
            });
            spell_out_ranges(&mut doc);
            let kept = doc.get_dictionary(font).unwrap().get(b"W").unwrap();
            assert_eq!(kept.as_array().unwrap().len(), w.len());
        }
    }
}
