//! Whether a PDF's text layer is worth indexing: refuses scans (pages that are images, with at
//! most a running head as text) and text layers whose fonts map glyphs to the wrong characters.

use unicode_normalization::UnicodeNormalization;

use crate::normalize::words;

/// A page with fewer words than this has, in effect, no text layer: a Gazette running head
/// (`CÔNG BÁO/Số 405 + 406/Ngày 07-03-2023 3`) and a section banner stay under it, while a
/// page of body text has a few hundred.
const NEARLY_EMPTY_WORDS: usize = 25;

/// The share of garbled words (see [`garbled`]) past which the whole text layer is refused. Real
/// documents have none, or a stray one (a Cyrillic `а` typed for a Latin `a`); a corrupt layer
/// has them in every line.
const GARBLED_SHARE: f64 = 0.01;

/// The share of drawn glyphs that the fonts map to no character past which the text layer is
/// refused: a good layer maps every glyph; the Ghostscript-rewritten Lào Cai PDFs leave about a
/// third of them without one (and the rest partly wrong).
const UNDECODED_SHARE: f64 = 0.02;

/// Counts of the glyphs a document draws.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Drawn {
    /// All glyphs drawn.
    pub glyphs: usize,
    /// Those that the fonts map to no character.
    pub undecoded: usize,
}

/// Whether a page's text is so short that the page must be an image.
pub(super) fn nearly_empty(text: &str) -> bool {
    words(text).take(NEARLY_EMPTY_WORDS).count() < NEARLY_EMPTY_WORDS
}

/// Checks the pages' text, giving the reason to refuse the file when it is no text layer at all
/// or a garbled one.
pub(super) fn check(pages: &[String], drawn: Drawn) -> Result<(), String> {
    let empty = pages.iter().filter(|p| nearly_empty(p)).count();
    // Most pages, not all: a scan keeps its running heads as text, and a real document may
    // end on a page with only a signature.
    if empty * 2 > pages.len() {
        return Err(format!(
            "no text layer on {empty} of {} pages (a scanned document); run OCR first (for \
             example ocrmypdf) and ingest its output",
            pages.len()
        ));
    }
    if drawn.undecoded as f64 > UNDECODED_SHARE * drawn.glyphs as f64 {
        return Err(format!(
            "the text layer is garbled: {} of {} glyphs drawn map to no character (the fonts \
             lack or break their ToUnicode maps, so words lose letters); ingest the Word or text \
             version of the document, or OCR the PDF (for example ocrmypdf --force-ocr) and \
             ingest its output",
            drawn.undecoded, drawn.glyphs
        ));
    }
    let mut total = 0usize;
    let mut bad = 0usize;
    let mut examples: Vec<&str> = Vec::new();
    for page in pages {
        for (_, word) in words(page) {
            total += 1;
            if garbled(word) {
                bad += 1;
                if examples.len() < 3 && !examples.contains(&word) {
                    examples.push(word);
                }
            }
        }
    }
    if bad >= 3 && bad as f64 > GARBLED_SHARE * total as f64 {
        return Err(format!(
            "the text layer is garbled: {bad} of {total} words mix Latin letters with \
             Cyrillic or other letters no Vietnamese word has (such as {}), so its fonts map \
             glyphs to the wrong characters; ingest the Word or text version of the document, \
             or OCR the PDF (for example ocrmypdf --force-ocr) and ingest its output",
            examples
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

/// Whether a word mixes letters or digits of the Latin script (with the Vietnamese letters) and
/// letters of another script or block: `Ӝ1`, `OұS`, `ĈӝF`. A word wholly in another script (a
/// Russian name, a Chinese term) is not garbled.
pub(super) fn garbled(word: &str) -> bool {
    let mut latin = false;
    let mut other = false;
    for c in word.nfd() {
        if is_latin(c) {
            latin = true;
        } else if c.is_alphanumeric() {
            other = true;
        }
    }
    latin && other
}

/// Whether `c` (decomposed) is an ASCII letter or digit, a Latin-1 or Latin Extended-A letter, a
/// Vietnamese `ơ`/`ư`, a Latin Extended Additional letter, or a combining mark.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '\u{00C0}'..='\u{017F}' | '\u{01A0}' | '\u{01A1}' | '\u{01AF}' | '\u{01B0}'
        )
        || matches!(c, '\u{1E00}'..='\u{1EFF}' | '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_foreign_words_are_not_garbled_mixtures_are() {
        for w in [
            "Nghị",
            "quyết",
            "ĐẢNG",
            "Ưu",
            "tiên",
            "2026",
            "Москва",
            "café",
            "13a",
        ] {
            assert!(!garbled(w), "{w}");
        }
        for w in ["Ӝ1", "OұS", "ĈӝF", "Ƭ1", "7ӌ1"] {
            assert!(garbled(w), "{w}");
        }
    }

    #[test]
    fn most_pages_empty_is_a_scan() {
        let body = "Điều 1. ".repeat(40);
        let head = "CÔNG BÁO/Số 405 + 406/Ngày 07-03-2023 3".to_string();
        let err = check(
            &[head.clone(), head.clone(), body.clone()],
            Drawn::default(),
        )
        .unwrap_err();
        assert!(err.starts_with("no text layer on 2 of 3 pages"), "{err}");
        assert!(check(&[body.clone(), head], Drawn::default()).is_ok());
    }

    #[test]
    fn a_garbled_layer_is_refused_and_one_stray_letter_is_not() {
        let garbage = "UBND 7ӌ1+ LÀO CAI &Ӝ1* HÒA XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM ".repeat(10);
        let mut body = "Căn cứ Luật Tổ chức chính quyền địa phương của Chính phủ ".repeat(40);
        // The real typo of 1050/QĐ-SCT: a Cyrillic `а` in `củа`.
        body.push_str("củа Chính phủ");
        assert!(
            check(&[garbage], Drawn::default())
                .unwrap_err()
                .contains("garbled")
        );
        assert!(check(&[body.clone()], Drawn::default()).is_ok());
        let drawn = |undecoded| Drawn {
            glyphs: 1000,
            undecoded,
        };
        assert!(check(&[body.clone()], drawn(5)).is_ok());
        assert!(
            check(&[body], drawn(300))
                .unwrap_err()
                .contains("map to no character")
        );
    }
}
