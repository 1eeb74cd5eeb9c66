//! Document numbers: parse `57-NQ/TW`, `12/2021/NQ-HĐND`, `1659/NQ-UBTVQH15` and the ways users
//! type them (`57/NQ-TW`, `57 NQ TW`, `nq 57`, `NQ57`, `nghị quyết 57`, `Đ` as `D`) into one
//! normalized key, so that the index and the query path compare numbers, not spellings.
//!
//! A number has a serial (`57`), sometimes a year (`2021`), a kind code (`NQ` nghị quyết, `KL`
//! kết luận, `QĐ` quyết định or quy định …) and an issuer code (`TW`, `HĐND`, `UBTVQH15` …).
//! Every part is folded (`đ` → `d`, lower case) and the serial loses its leading zeros.

use std::ops::Range;

use crate::model::DocKind;
use crate::normalize::{folded_key, words};

/// Kind codes as they appear in numbers (folded), and the canonical code each stands for.
/// `QĐi` (Party regulation) and `QĐ` are the same code to a user.
const KIND_CODES: [(&str, &str); 16] = [
    ("nq", "nq"),
    ("ct", "ct"),
    ("kl", "kl"),
    ("qd", "qd"),
    ("qdi", "qd"),
    ("ctr", "ctr"),
    ("kh", "kh"),
    ("bc", "bc"),
    ("tb", "tb"),
    ("hd", "hd"),
    ("nd", "nd"),
    ("tt", "tt"),
    ("qc", "qc"),
    ("ql", "ql"),
    ("ttr", "ttr"),
    ("dl", "dl"),
];

/// Kind names as users type them (folded words) and their code.
const KIND_WORDS: [(&[&str], &str); 13] = [
    (&["nghi", "quyet"], "nq"),
    (&["chi", "thi"], "ct"),
    (&["ket", "luan"], "kl"),
    (&["quyet", "dinh"], "qd"),
    (&["quy", "dinh"], "qd"),
    (&["chuong", "trinh", "hanh", "dong"], "ctr"),
    (&["chuong", "trinh"], "ctr"),
    (&["ke", "hoach"], "kh"),
    (&["bao", "cao"], "bc"),
    (&["thong", "bao"], "tb"),
    (&["huong", "dan"], "hd"),
    (&["nghi", "dinh"], "nd"),
    (&["thong", "tu"], "tt"),
];

/// Issuer codes seen in numbers (folded). Codes of the form letters + term number (`qh15`,
/// `ubtvqh15`) are recognized by shape as well.
const ISSUERS: [&str; 22] = [
    "tw", "bct", "bbt", "tu", "hu", "qu", "du", "dh", "hdnd", "ubnd", "cp", "ttg", "qh", "ubtvqh",
    "btc", "bnv", "mttq", "bch", "tdlv", "dgd", "dtn", "tp",
];

/// A parsed document number; every part folded, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNumber {
    /// The serial without leading zeros: `57`, `1659`, `9`.
    pub serial: String,
    /// The year when the number carries one: `2021` in `12/2021/NQ-HĐND`.
    pub year: Option<String>,
    /// The canonical kind code (`nq`, `kl`, `qd` …), when the number carries one.
    pub kind: Option<String>,
    /// The issuer code (`tw`, `hdnd`, `ubtvqh15` …), when the number carries one.
    pub issuer: Option<String>,
}

impl DocNumber {
    /// Parses a number as written in a header or typed by a user (`57-NQ/TW`, `Số 09-NQ/ĐH`,
    /// `nghị quyết 175`, `NQ20`). `None` when the text is not a number.
    pub fn parse(s: &str) -> Option<DocNumber> {
        let toks = tokens(s);
        let mut toks: &[String] = &toks;
        if toks.first().is_some_and(|t| t == "so") {
            toks = &toks[1..];
        }
        let (found, used) = match_at(toks, 0, true)?;
        (used == toks.len()).then_some(found)
    }

    /// The one normalized key: `57.nq.tw`, `12.nq.hdnd`, `198.qh15`.
    pub fn key(&self) -> String {
        let mut key = self.serial.clone();
        for part in [&self.kind, &self.issuer].into_iter().flatten() {
            key.push('.');
            key.push_str(part);
        }
        key
    }

    /// Every key a document with this number is found by: serial + kind, serial + kind + issuer,
    /// serial + issuer. `kind` stands in for a kind code the number lacks (`198/2025/QH15` is a
    /// resolution).
    pub fn index_keys(&self, kind: Option<DocKind>) -> Vec<String> {
        let kind_code = self
            .kind
            .clone()
            .or_else(|| kind.and_then(kind_code).map(str::to_string));
        let mut keys = Vec::new();
        if let Some(k) = &kind_code {
            keys.push(format!("{}.{k}", self.serial));
            if let Some(i) = &self.issuer {
                keys.push(format!("{}.{k}.{i}", self.serial));
            }
        }
        if let Some(i) = &self.issuer {
            keys.push(format!("{}.{i}", self.serial));
        }
        keys
    }

    /// The most specific key a query for this number looks up: the same shapes as
    /// [`DocNumber::index_keys`], so a typed number and an indexed one meet.
    pub fn query_key(&self) -> Option<String> {
        match (&self.kind, &self.issuer) {
            (Some(k), Some(i)) => Some(format!("{}.{k}.{i}", self.serial)),
            (Some(k), None) => Some(format!("{}.{k}", self.serial)),
            (None, Some(i)) => Some(format!("{}.{i}", self.serial)),
            (None, None) => None,
        }
    }

    /// The folded words a citation of this number is written with, in order (`57 nq tw`).
    pub fn citation_words(&self) -> Vec<String> {
        let mut out = vec![self.serial.clone()];
        out.extend(self.year.clone());
        out.extend(self.kind.clone());
        out.extend(self.issuer.clone());
        out
    }
}

/// The normalized key of a document number as written or typed, if it looks like one:
/// `20-NQ/TW`, `20/NQ-TW`, `20 NQ TW` all give `20.nq.tw`.
pub fn number_key(s: &str) -> Option<String> {
    DocNumber::parse(s).map(|n| n.key())
}

/// The kind code documents of a kind are numbered with (`Resolution` → `nq`).
pub fn kind_code(kind: DocKind) -> Option<&'static str> {
    Some(match kind {
        DocKind::Resolution => "nq",
        DocKind::Directive => "ct",
        DocKind::Conclusion => "kl",
        DocKind::Regulation | DocKind::Decision => "qd",
        DocKind::ActionProgramme => "ctr",
        DocKind::Report => "bc",
        DocKind::Notice => "tb",
        DocKind::Plan => "kh",
        DocKind::Guidance => "hd",
        DocKind::Scheme => "da",
        DocKind::Proposal => "ttr",
        DocKind::OfficialLetter => "cv",
        DocKind::Decree => "nd",
        DocKind::Circular => "tt",
        // A law's number names the issuing legislature (`69/2025/QH15`), not its kind.
        DocKind::Statute | DocKind::Law | DocKind::Other => return None,
    })
}

/// Finds the document numbers in a query. `words` are the folded keys of the query's words in
/// order (see [`query_tokens`]); each hit gives the range of words it covers and the number.
pub fn find_numbers(words: &[String]) -> Vec<(Range<usize>, DocNumber)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match match_at(words, i, false) {
            Some((n, used)) => {
                out.push((i..i + used, n));
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

/// The folded tokens of a text for number matching: the folded words, with a serial glued to its
/// kind code split apart (`NQ20` → `nq 20`, `1659NQ` → `1659 nq`).
pub fn query_tokens(s: &str) -> Vec<String> {
    tokens(s)
}

fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, w) in words(s) {
        let f = folded_key(w);
        split_glued(&f, &mut out);
    }
    out
}

/// Splits `nq20` into `nq`, `20` and `1659nq` into `1659`, `nq`; leaves `qh15` and `2021` whole.
fn split_glued(tok: &str, out: &mut Vec<String>) {
    let alpha_end = tok
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(tok.len());
    if alpha_end > 0 && alpha_end < tok.len() {
        let (a, d) = tok.split_at(alpha_end);
        if canonical_kind(a).is_some() && d.chars().all(|c| c.is_ascii_digit()) {
            out.push(a.to_string());
            out.push(d.to_string());
            return;
        }
    }
    let digit_end = tok.find(|c: char| !c.is_ascii_digit()).unwrap_or(tok.len());
    if digit_end > 0 && digit_end < tok.len() {
        let (d, rest) = tok.split_at(digit_end);
        if rest.chars().all(|c| c.is_ascii_alphanumeric()) {
            let mut sub = Vec::new();
            split_glued(rest, &mut sub);
            if sub.first().is_some_and(|a| canonical_kind(a).is_some()) {
                out.push(d.to_string());
                out.extend(sub);
                return;
            }
        }
    }
    out.push(tok.to_string());
}

fn canonical_kind(tok: &str) -> Option<&'static str> {
    KIND_CODES
        .iter()
        .find(|(code, _)| *code == tok)
        .map(|(_, c)| *c)
}

fn is_serial(tok: &str) -> bool {
    !tok.is_empty() && tok.len() <= 6 && tok.chars().all(|c| c.is_ascii_digit())
}

fn is_year(tok: &str) -> bool {
    tok.len() == 4 && (tok.starts_with("19") || tok.starts_with("20")) && is_serial(tok)
}

/// Whether `tok` is an issuer code: a known one, or letters followed by a term number
/// (`qh15`, `ubtvqh15`). `loose` (a written header) accepts any short letter code.
fn is_issuer(tok: &str, loose: bool) -> bool {
    if ISSUERS.contains(&tok) {
        return true;
    }
    let alpha_end = tok
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(tok.len());
    let (a, d) = tok.split_at(alpha_end);
    let shaped = (2..=8).contains(&a.len())
        && !d.is_empty()
        && d.len() <= 2
        && d.chars().all(|c| c.is_ascii_digit());
    shaped
        || (loose && (2..=8).contains(&tok.len()) && tok.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A kind at `toks[i..]`: a code (`nq`) or a name (`nghi quyet`); its code and words used.
fn kind_at(toks: &[String], i: usize) -> Option<(&'static str, usize)> {
    let tok = toks.get(i)?;
    if let Some(code) = canonical_kind(tok) {
        return Some((code, 1));
    }
    KIND_WORDS.iter().find_map(|(name, code)| {
        let end = i + name.len();
        (end <= toks.len() && toks[i..end].iter().zip(name.iter()).all(|(a, b)| a == b))
            .then_some((*code, name.len()))
    })
}

fn strip_zeros(serial: &str) -> String {
    let s = serial.trim_start_matches('0');
    if s.is_empty() { "0".into() } else { s.into() }
}

/// Matches a number starting at `toks[i]`; the number and how many tokens it used.
///
/// Shapes: `SERIAL [YEAR] KIND [ISSUER]`, `SERIAL YEAR ISSUER` (`198/2025/QH15`) and, typed,
/// `KIND [so] SERIAL [YEAR] [ISSUER]` (`nq 20`, `nghi quyet so 175`, `nq 20 tw`).
fn match_at(toks: &[String], i: usize, loose: bool) -> Option<(DocNumber, usize)> {
    let first = toks.get(i)?;
    if is_serial(first) {
        let mut j = i + 1;
        let mut year = None;
        if toks.get(j).is_some_and(|t| is_year(t)) {
            year = Some(toks[j].clone());
            j += 1;
        }
        if let Some((code, n)) = kind_at(toks, j).filter(|&(_, n)| n == 1) {
            j += n;
            let mut issuer = None;
            if let Some(t) = toks.get(j).filter(|t| is_issuer(t, loose)) {
                issuer = Some(t.clone());
                j += 1;
            }
            let number = DocNumber {
                serial: strip_zeros(first),
                year,
                kind: Some(code.into()),
                issuer,
            };
            return Some((number, j - i));
        }
        if year.is_some()
            && let Some(t) = toks.get(j).filter(|t| is_issuer(t, loose))
        {
            let number = DocNumber {
                serial: strip_zeros(first),
                year,
                kind: None,
                issuer: Some(t.clone()),
            };
            return Some((number, j + 1 - i));
        }
        return None;
    }
    let (code, n) = kind_at(toks, i)?;
    let mut j = i + n;
    if toks.get(j).is_some_and(|t| t == "so") {
        j += 1;
    }
    let serial = toks.get(j).filter(|t| is_serial(t))?;
    j += 1;
    let mut year = None;
    if toks.get(j).is_some_and(|t| is_year(t)) {
        year = Some(toks[j].clone());
        j += 1;
    }
    // `nghị quyết số 57-NQ/TW`: the name, then the number written in full.
    let mut code = code;
    if let Some((written, 1)) = kind_at(toks, j) {
        code = written;
        j += 1;
    }
    let mut issuer = None;
    if let Some(t) = toks.get(j).filter(|t| is_issuer(t, loose)) {
        issuer = Some(t.clone());
        j += 1;
    }
    let number = DocNumber {
        serial: strip_zeros(serial),
        year,
        kind: Some(code.into()),
        issuer,
    };
    Some((number, j - i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_numbers() {
        for (written, key) in [
            ("20-NQ/TW", "20.nq.tw"),
            ("Số 09-NQ/ĐH", "9.nq.dh"),
            ("12/2021/NQ-HĐND", "12.nq.hdnd"),
            ("63/2025/NQ-HĐND", "63.nq.hdnd"),
            ("1659/NQ-UBTVQH15", "1659.nq.ubtvqh15"),
            ("384-QĐ/TW", "384.qd.tw"),
            ("08-QĐi/TW", "8.qd.tw"),
            ("69-KL/TW", "69.kl.tw"),
            ("03/NQ-CP", "3.nq.cp"),
            ("198/2025/QH15", "198.qh15"),
            ("15-CTr/TU", "15.ctr.tu"),
        ] {
            assert_eq!(number_key(written).as_deref(), Some(key), "{written}");
        }
    }

    #[test]
    fn typed_spellings_meet_the_written_key() {
        for typed in [
            "20-NQ/TW", "20/NQ-TW", "20 NQ TW", "20-nq-tw", "20.NQ.TW", "20NQ/TW", "20nq tw",
        ] {
            assert_eq!(number_key(typed).as_deref(), Some("20.nq.tw"), "{typed}");
        }
        for typed in [
            "1659 NQ UBTVQH15",
            "1659NQ-UBTVQH15",
            "1659-NQ-UBTVQH15",
            "1659nq ubtvqh15",
        ] {
            assert_eq!(
                number_key(typed).as_deref(),
                Some("1659.nq.ubtvqh15"),
                "{typed}"
            );
        }
        for typed in ["12/2021/NQ-HDND", "12 2021 nq hdnd", "12/2021/NQ-HĐND"] {
            assert_eq!(number_key(typed).as_deref(), Some("12.nq.hdnd"), "{typed}");
        }
        assert_eq!(number_key("09-NQ/DH").as_deref(), Some("9.nq.dh"));
        assert_eq!(number_key("384-QD/TW").as_deref(), Some("384.qd.tw"));
        for typed in [
            "nq 20",
            "NQ20",
            "nghị quyết 20",
            "nghi quyet 20",
            "NGHỊ QUYẾT SỐ 20",
        ] {
            assert_eq!(number_key(typed).as_deref(), Some("20.nq"), "{typed}");
        }
        assert_eq!(number_key("nq 20 tw").as_deref(), Some("20.nq.tw"));
        assert_eq!(number_key("kết luận 69").as_deref(), Some("69.kl"));
    }

    #[test]
    fn index_keys_cover_every_query_key() {
        let written = DocNumber::parse("20-NQ/TW").unwrap();
        let keys = written.index_keys(Some(DocKind::Resolution));
        for typed in ["20/NQ-TW", "nq 20", "NQ20", "nghị quyết 20", "20 NQ TW"] {
            let q = DocNumber::parse(typed).unwrap().query_key().unwrap();
            assert!(keys.contains(&q), "{typed}: {q} in {keys:?}");
        }
        let qh = DocNumber::parse("198/2025/QH15").unwrap();
        let keys = qh.index_keys(Some(DocKind::Resolution));
        assert!(keys.contains(&"198.nq".to_string()), "{keys:?}");
        assert!(keys.contains(&"198.qh15".to_string()), "{keys:?}");
        let q = DocNumber::parse("nghị quyết 198")
            .unwrap()
            .query_key()
            .unwrap();
        assert!(keys.contains(&q));
    }

    #[test]
    fn not_numbers() {
        for s in [
            "",
            "nông thôn mới",
            "2025",
            "20",
            "tw",
            "nghị quyết",
            "năm 2020",
        ] {
            assert_eq!(number_key(s), None, "{s}");
        }
    }

    #[test]
    fn numbers_inside_queries() {
        let toks = query_tokens("thực hiện Nghị quyết số 57-NQ/TW về khoa học");
        let found = find_numbers(&toks);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1.query_key().as_deref(), Some("57.nq.tw"));
        assert_eq!(
            &toks[found[0].0.clone()],
            ["nghi", "quyet", "so", "57", "nq", "tw"]
        );
        let toks = query_tokens("20 NQ TW khoa học");
        let found = find_numbers(&toks);
        assert_eq!(found[0].0, 0..3);
        // A kind code needs a serial: plain words are no number.
        assert!(find_numbers(&query_tokens("nông thôn mới 2025")).is_empty());
    }
}
