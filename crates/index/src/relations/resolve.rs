//! Finding the document of the index a reference names: by its number however spelt (the keys of
//! `vankien_ingest::docnum`, the same a typed query meets), agreeing on kind, year and date where
//! both sides give them; a document cited by name (a law by its name and date, `Điều lệ Đảng`) by
//! its kind and title. A reference that fits no document, or several, stays unresolved: the page
//! shows it as written.

use std::collections::HashMap;

use vankien_ingest::DocKind;
use vankien_ingest::docnum::DocNumber;
use vankien_ingest::normalize::{folded_key, words};
use vankien_ingest::relations::Reference;

use crate::DocSummary;
use crate::store::{number_of, year_of};

/// Long names and the short form a citation uses for them (`Điều lệ Đảng` is the statute of the
/// `Đảng Cộng sản Việt Nam`), folded.
const SHORT_NAMES: [(&str, &str); 1] = [("dang cong san viet nam", "dang")];

/// The documents of an index, by the keys references are looked up with.
pub(crate) struct Resolver<'a> {
    by_number: HashMap<String, Vec<&'a DocSummary>>,
    by_raw_number: HashMap<String, Vec<&'a DocSummary>>,
    by_name: HashMap<String, Vec<&'a DocSummary>>,
}

impl<'a> Resolver<'a> {
    /// The keys of `docs`.
    pub fn new(docs: impl IntoIterator<Item = &'a DocSummary>) -> Resolver<'a> {
        let mut r = Resolver {
            by_number: HashMap::new(),
            by_raw_number: HashMap::new(),
            by_name: HashMap::new(),
        };
        for doc in docs {
            if let Some(n) = number_of(doc.number.as_deref(), &doc.source) {
                for key in n.index_keys(Some(doc.kind)) {
                    r.by_number.entry(key).or_default().push(doc);
                }
            }
            if let Some(number) = doc.number.as_deref() {
                let key = Reference::raw_number_key(number);
                r.by_raw_number.entry(key).or_default().push(doc);
            }
            for key in name_keys(doc) {
                r.by_name.entry(key).or_default().push(doc);
            }
        }
        r
    }

    /// The one document `reference`, made by `citing`, names; `None` when none or several fit.
    pub fn resolve(&self, reference: &Reference, citing: &DocSummary) -> Option<&'a DocSummary> {
        if reference.number.is_some() {
            self.by_number(reference, citing)
        } else {
            self.by_name(reference, citing)
        }
    }

    fn by_number(&self, reference: &Reference, citing: &DocSummary) -> Option<&'a DocSummary> {
        let parsed = reference.doc_number();
        let candidates = match parsed.as_ref().and_then(DocNumber::query_key) {
            Some(key) => self.by_number.get(&key),
            None => {
                let written = reference.number.as_deref()?;
                self.by_raw_number.get(&Reference::raw_number_key(written))
            }
        }?;
        let year = parsed.as_ref().and_then(|n| n.year.as_deref());
        let fits = |d: &&DocSummary| {
            d.id != citing.id
                && kinds_agree(reference, d)
                && dates_agree(reference.date.as_deref(), d.date.as_deref())
                && year.is_none_or(|y| years_agree(y, d))
        };
        only(candidates.iter().copied().filter(fits))
    }

    fn by_name(&self, reference: &Reference, citing: &DocSummary) -> Option<&'a DocSummary> {
        let key = reference.name_key()?;
        let candidates = self.by_name.get(&key)?;
        let fits = |d: &&DocSummary| d.id != citing.id && kinds_agree(reference, d);
        if let Some(date) = reference.date.as_deref() {
            let dated = |d: &&DocSummary| fits(d) && dates_agree(Some(date), d.date.as_deref());
            return only(candidates.iter().copied().filter(dated));
        }
        // No date: the latest that the citing document could cite (`Căn cứ Điều lệ Đảng` names
        // the statute in force when it was written).
        let before = |d: &&DocSummary| match (d.date.as_deref(), citing.date.as_deref()) {
            (Some(d), Some(c)) => d <= c,
            _ => true,
        };
        candidates
            .iter()
            .copied()
            .filter(|d| fits(d) && before(d))
            .max_by(|a, b| a.date.cmp(&b.date))
    }
}

/// The one item of `it`, or `None` for none or several.
fn only<'a>(mut it: impl Iterator<Item = &'a DocSummary>) -> Option<&'a DocSummary> {
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// A reference's kind and a document's agree, or one of them is unknown.
fn kinds_agree(reference: &Reference, doc: &DocSummary) -> bool {
    match reference.kind {
        Some(k) => k == doc.kind || doc.kind == DocKind::Other,
        None => true,
    }
}

/// Two dates agree: equal, or equal in the part both give (a year alone).
fn dates_agree(cited: Option<&str>, doc: Option<&str>) -> bool {
    match (cited, doc) {
        (Some(c), Some(d)) => {
            let n = c.len().min(d.len());
            c[..n] == d[..n]
        }
        _ => true,
    }
}

/// A number's year agrees with the document's number or, failing that, its date.
fn years_agree(year: &str, doc: &DocSummary) -> bool {
    let numbered = number_of(doc.number.as_deref(), &doc.source).and_then(|n| n.year);
    match numbered {
        Some(y) => y == year,
        None => year_of(doc.date.as_deref()).is_none_or(|y| y.to_string() == year),
    }
}

/// The keys a document is cited by name with: its kind and its title, folded (`luat hoa chat`),
/// the title without a remark in brackets or its own kind repeated, and the short forms of
/// [`SHORT_NAMES`].
fn name_keys(doc: &DocSummary) -> Vec<String> {
    let Some(title) = doc.title.as_deref() else {
        return Vec::new();
    };
    let title = title.split('(').next().unwrap_or(title);
    let folded = |s: &str| -> Vec<String> { words(s).map(|(_, w)| folded_key(w)).collect() };
    let kind = folded(doc.kind.vietnamese());
    let mut title_words = folded(title);
    if title_words.starts_with(&kind) {
        title_words.drain(..kind.len());
    }
    if title_words.is_empty() {
        return Vec::new();
    }
    let key = format!("{} {}", kind.join(" "), title_words.join(" "));
    let mut keys = vec![key.clone()];
    for (long, short) in SHORT_NAMES {
        if key.contains(long) {
            keys.push(key.replace(long, short));
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, kind: DocKind, number: Option<&str>, title: &str, date: &str) -> DocSummary {
        DocSummary {
            id: id.into(),
            number: number.map(String::from),
            kind,
            title: Some(title.into()),
            issuer: None,
            signer: None,
            date: Some(date.into()),
            clauses: 1,
            source: format!("{id}.txt"),
        }
    }

    fn numbered(kind: Option<DocKind>, kind_name: &str, number: &str) -> Reference {
        Reference {
            text: format!("{kind_name} số {number}"),
            kind,
            kind_name: Some(kind_name.into()),
            number: Some(number.into()),
            date: None,
            issuer: None,
            name: None,
        }
    }

    fn named(kind: Option<DocKind>, kind_name: &str, name: &str, date: Option<&str>) -> Reference {
        Reference {
            text: format!("{kind_name} {name}"),
            kind,
            kind_name: Some(kind_name.into()),
            number: None,
            date: date.map(String::from),
            issuer: None,
            name: Some(name.into()),
        }
    }

    #[test]
    fn numbers_meet_in_any_spelling_and_never_a_different_document() {
        let docs = [
            doc(
                "57-nq-tw",
                DocKind::Resolution,
                Some("57-NQ/TW"),
                "Đột phá",
                "2024-12-22",
            ),
            doc(
                "57-nq-cp",
                DocKind::Resolution,
                Some("57/NQ-CP"),
                "Chương trình",
                "2025-03-01",
            ),
            doc(
                "09-2021",
                DocKind::Resolution,
                Some("09/2021/NQ-HĐND"),
                "Cũ",
                "2021-09-23",
            ),
            doc(
                "09-2025",
                DocKind::Resolution,
                Some("09/2025/NQ-HĐND"),
                "Mới",
                "2025-09-23",
            ),
            doc(
                "citing",
                DocKind::Plan,
                Some("1/KH-UBND"),
                "Kế hoạch",
                "2026-01-01",
            ),
        ];
        let r = Resolver::new(&docs);
        let citing = &docs[4];
        let at = |reference: Reference| r.resolve(&reference, citing).map(|d| d.id.as_str());
        let res = Some(DocKind::Resolution);
        for written in ["57-NQ/TW", "57/NQ-TW", "57-nq/tw"] {
            assert_eq!(at(numbered(res, "Nghị quyết", written)), Some("57-nq-tw"));
        }
        assert_eq!(
            at(numbered(res, "Nghị quyết", "57/NQ-CP")),
            Some("57-nq-cp")
        );
        // Two documents numbered 57: the serial alone names neither.
        assert_eq!(at(numbered(res, "Nghị quyết", "57")), None);
        // A law numbered 57 is no resolution numbered 57.
        assert_eq!(
            at(numbered(Some(DocKind::Law), "Luật", "57/2014/QH13")),
            None
        );
        assert_eq!(
            at(numbered(res, "Nghị quyết", "9/2021/NQ-HĐND")),
            Some("09-2021")
        );
        assert_eq!(
            at(numbered(res, "Nghị quyết", "09/2025/NQ-HĐND")),
            Some("09-2025")
        );
        assert_eq!(at(numbered(res, "Nghị quyết", "09/2019/NQ-HĐND")), None);
        // A date that disagrees names another document.
        let mut dated = numbered(res, "Nghị quyết", "57-NQ/TW");
        dated.date = Some("2019-01-01".into());
        assert_eq!(at(dated), None);
        // A document does not cite itself.
        assert_eq!(
            at(numbered(Some(DocKind::Plan), "Kế hoạch", "1/KH-UBND")),
            None
        );
    }

    #[test]
    fn laws_and_statutes_by_name() {
        let docs = [
            doc(
                "law-2025",
                DocKind::Law,
                Some("69/2025/QH15"),
                "HÓA CHẤT",
                "2025-06-14",
            ),
            doc(
                "law-2007",
                DocKind::Law,
                Some("06/2007/QH12"),
                "Luật Hóa chất",
                "2007-11-21",
            ),
            doc(
                "statute",
                DocKind::Statute,
                None,
                "ĐẢNG CỘNG SẢN VIỆT NAM (Đại hội XI thông qua)",
                "2011-01-19",
            ),
            doc(
                "citing",
                DocKind::Regulation,
                Some("384-QĐ/TW"),
                "Kết nối",
                "2025-11-19",
            ),
        ];
        let r = Resolver::new(&docs);
        let at = |reference: Reference, citing: &DocSummary| {
            r.resolve(&reference, citing).map(|d| d.id.as_str())
        };
        let law = Some(DocKind::Law);
        let citing = &docs[3];
        let chem = |date| named(law, "Luật", "Hóa chất", date);
        assert_eq!(at(chem(Some("2025-06-14")), citing), Some("law-2025"));
        assert_eq!(at(chem(Some("2007-11-21")), citing), Some("law-2007"));
        assert_eq!(at(chem(Some("2013-01-01")), citing), None);
        // Without a date: the one in force when the citing document was written.
        assert_eq!(at(chem(None), citing), Some("law-2025"));
        let older = doc("old", DocKind::Decree, None, "Nghị định", "2005-01-01");
        assert_eq!(at(chem(None), &older), None);
        assert_eq!(at(chem(None), &docs[0]), Some("law-2007"));
        let statute = named(Some(DocKind::Statute), "Điều lệ", "Đảng", None);
        assert_eq!(at(statute, citing), Some("statute"));
        assert_eq!(at(named(law, "Luật", "Hóa", None), citing), None);
    }
}
