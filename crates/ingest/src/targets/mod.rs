//! Targets across documents: each target statement of a document read into its indicator (as
//! written, and normalised to a key of the taxonomy in `indicators.tsv` so that the same indicator
//! in two documents lines up), its value or range, unit, comparator, change, and the years it is
//! set for.
//!
//! [`extract`] reads a parsed [`Document`]: its target clauses (the parser's `target` kind), the
//! clauses under a `Mục tiêu` or `chỉ tiêu` heading, and the clauses that set a quantity for a
//! year (`đến năm 2030`, `phấn đấu`, `mục tiêu`) wherever they stand. A clause may hold several
//! statements (split at `;` and sentence ends) and a statement several targets (`đạt 1,5% GDP vào
//! năm 2015, trên 2% GDP vào năm 2020`). Extraction is deterministic and reads only the document;
//! every text path folds (NFC or NFD, either tone placement, `đ`, case, no diacritics).

mod period;
mod quantity;
mod statement;
mod taxonomy;
mod tokens;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use period::Period;
pub use taxonomy::{Indicator, Taxonomy, folded_words};

use crate::{ClauseKind, Document};

/// How a target's value binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// Reach the value (`đạt`, `chiếm`, `là`), or a range (`8 - 10%`).
    Eq,
    /// At least (`trở lên`, `tối thiểu`, `ít nhất`, `không dưới`).
    Ge,
    /// More than (`trên`, `hơn`, `vượt`).
    Gt,
    /// At most (`tối đa`, `không quá`, `trở xuống`).
    Le,
    /// Less than (`dưới`, `thấp hơn`).
    Lt,
    /// About (`khoảng`, `gần`, `xấp xỉ`).
    About,
    /// Among the first N (`thuộc nhóm 50 nước dẫn đầu`).
    Top,
}

impl Comparator {
    /// Every comparator, in a fixed order.
    pub const ALL: [Comparator; 7] = [
        Comparator::Eq,
        Comparator::Ge,
        Comparator::Gt,
        Comparator::Le,
        Comparator::Lt,
        Comparator::About,
        Comparator::Top,
    ];

    /// The identifier used in JSON (`ge` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "eq",
            Comparator::Ge => "ge",
            Comparator::Gt => "gt",
            Comparator::Le => "le",
            Comparator::Lt => "lt",
            Comparator::About => "about",
            Comparator::Top => "top",
        }
    }

    /// The sign shown before a value (`≥`, `~`, `top`).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ge => "≥",
            Comparator::Gt => ">",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
            Comparator::About => "~",
            Comparator::Top => "top",
        }
    }

    /// Parses the identifier of [`Comparator::as_str`].
    pub fn parse(s: &str) -> Option<Comparator> {
        Comparator::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The change a value is an amount of (`tăng 10%/năm`, `giảm 1/3`); a target without one is a
/// level (`đạt 30%`, `giảm còn 22%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// `tăng`, `thêm`, `tăng gấp`.
    Increase,
    /// `giảm`, `cắt giảm`, `rút ngắn`.
    Decrease,
}

impl Change {
    /// The identifier used in JSON (`increase`, `decrease`).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Increase => "increase",
            Change::Decrease => "decrease",
        }
    }
}

/// One target of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The indicator as the document writes it (`Tỷ lệ đô thị hoá`).
    pub indicator_text: String,
    /// The indicator's key in the taxonomy (`urbanisation_rate`); `None` for an indicator
    /// outside it, which is kept as written.
    pub indicator: Option<String>,
    /// How the value binds.
    pub comparator: Comparator,
    /// The change the value is an amount of; `None` for a level.
    pub change: Option<Change>,
    /// The value, or the low end of a range.
    pub low: f64,
    /// The high end of a range; equal to `low` for one value.
    pub high: f64,
    /// The value as written (`1 - 1,5`, `9,0`).
    pub value_text: String,
    /// The unit in its canonical form: `%`, `%/năm`, `% GDP`, `triệu đồng`, `lần`, `phần` (a
    /// fraction), a counted noun (`doanh nghiệp`, `bác sĩ/vạn dân`), or empty.
    pub unit: String,
    /// The years the target is set for, where the document says so.
    pub period: Option<Period>,
    /// The clause's timeframe group (`Bình quân giai đoạn 2021-2025`), if it has one.
    pub group: Option<String>,
    /// The statement the target was read from, as written.
    pub statement: String,
    /// The clause it was read from.
    pub clause_id: String,
    /// The byte range of the statement in the clause's text.
    pub span: [usize; 2],
    /// The byte range of the value and its unit in the clause's text.
    pub value_span: [usize; 2],
    /// The document's id.
    pub doc_id: String,
    /// The document's number as written (`09-NQ/ĐH`).
    pub doc_number: Option<String>,
    /// The document's place of issue (`Thái Bình`).
    pub place: Option<String>,
    /// The document's date of issue, ISO `YYYY-MM-DD`.
    pub doc_date: Option<String>,
}

impl Target {
    /// The Vietnamese name of the target's indicator in the taxonomy, if it has a key.
    pub fn indicator_name(&self) -> Option<&'static str> {
        let key = self.indicator.as_deref()?;
        Taxonomy::get().indicator(key).map(|i| i.name.as_str())
    }
}

/// The version of the extraction's rules (this module's code). Bump it with any change to what
/// [`extract`] finds: the test `the_fingerprint_follows_the_rules` fails until it is bumped.
const RULES_VERSION: u32 = 2;

/// What [`extract`] gives for a document besides the document itself: the version of its rules
/// and the taxonomy compiled into the binary. Targets stored with another fingerprint (an index
/// built by an older binary) are read from the document again.
pub fn fingerprint() -> &'static str {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        h.update(&RULES_VERSION.to_le_bytes());
        h.update(taxonomy::INDICATORS_TSV.as_bytes());
        h.finalize().to_hex()[..16].to_string()
    })
}

/// Every target of `doc`, in document order.
pub fn extract(doc: &Document) -> Vec<Target> {
    let mut out = Vec::new();
    let mut heading_aims = HashMap::default();
    for clause in &doc.clauses {
        // Most clauses hold no number at all: they are passed over before any work.
        if !clause.text.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let headings = headings_of(doc, &clause.section_path);
        let toks = tokens::tokenize(&clause.text);
        if !is_candidate(clause.kind, &toks, &headings, &mut heading_aims) {
            continue;
        }
        let fallback = clause
            .group
            .as_deref()
            .and_then(period::period_of_line)
            .or_else(|| {
                headings
                    .iter()
                    .rev()
                    .find_map(|h| period::period_of_line(h))
            });
        for found in statement::read(&clause.text, &toks, fallback) {
            out.push(Target {
                indicator_text: found.indicator_text,
                indicator: found.indicator.map(|i| i.key.clone()),
                comparator: found.comparator,
                change: found.change,
                low: found.low,
                high: found.high,
                value_text: found.value_text,
                unit: found.unit,
                period: found.period,
                group: clause.group.clone(),
                statement: clause.text[found.span.clone()].to_string(),
                clause_id: clause.id.clone(),
                span: [found.span.start, found.span.end],
                value_span: [found.value_span.start, found.value_span.end],
                doc_id: doc.id.clone(),
                doc_number: doc.number.clone(),
                place: doc.place.clone(),
                doc_date: doc.date.clone(),
            });
        }
    }
    out
}

/// The headings of the sections enclosing a clause, from the root.
fn headings_of<'a>(doc: &'a Document, path: &[String]) -> Vec<&'a str> {
    (1..=path.len())
        .filter_map(|n| {
            doc.sections
                .iter()
                .find(|s| s.path == path[..n])
                .map(|s| s.heading.as_str())
        })
        .collect()
}

/// Whether `toks` say they aim at something: `mục tiêu`, `chỉ tiêu`, `phấn đấu`.
fn aims(toks: &[tokens::Token]) -> bool {
    toks.windows(2).any(|w| {
        ((w[0].word("mục") || w[0].word("chỉ")) && w[1].word("tiêu"))
            || (w[0].word("phấn") && w[1].word("đấu"))
    })
}

/// Whether a clause may state targets: a target clause, a clause under a heading of targets
/// (`Mục tiêu`, `chỉ tiêu`), or one whose text sets something for a year or says it aims at it
/// (`đến năm 2030`, `vào năm 2015`, `phấn đấu`, `mục tiêu`). Tasks and articles that state
/// incentives or standards (`giảm 50% số thuế phải nộp`) are none of these.
fn is_candidate(
    kind: ClauseKind,
    toks: &[tokens::Token],
    headings: &[&str],
    heading_aims: &mut HashMap<tokens::Address, bool, tokens::ByAddress>,
) -> bool {
    if kind == ClauseKind::Target {
        return true;
    }
    // A heading is read once a document (found by its address in the document), not once a clause.
    headings.iter().any(|h| {
        *heading_aims
            .entry(tokens::address(h))
            .or_insert_with(|| aims(&tokens::tokenize(h)))
    }) || aims(toks)
        || period::mentions(toks)
            .iter()
            .any(|m| m.role == period::Role::Deadline)
}

#[cfg(test)]
mod fingerprint_tests {
    /// The hash of the rules' code as of [`super::RULES_VERSION`] (this test module left out).
    const RULES_HASH: &str = "49e9918da3694b55";

    /// Stored targets are trusted while the fingerprint holds: a change to the rules' code must
    /// bump `RULES_VERSION`, or an index would keep serving targets the new rules do not find.
    #[test]
    fn the_fingerprint_follows_the_rules() {
        let this = include_str!("mod.rs");
        let code = this
            .split("\n#[cfg(test)]\nmod fingerprint_tests")
            .next()
            .unwrap();
        let mut h = blake3::Hasher::new();
        for part in [
            code,
            include_str!("period.rs"),
            include_str!("quantity.rs"),
            include_str!("statement.rs"),
            include_str!("taxonomy.rs"),
            include_str!("tokens.rs"),
        ] {
            h.update(part.as_bytes());
        }
        let now = h.finalize().to_hex()[..16].to_string();
        assert_eq!(
            now, RULES_HASH,
            "the rules of target extraction changed: bump RULES_VERSION in targets/mod.rs, then \
             set RULES_HASH to the new hash"
        );
    }
}
