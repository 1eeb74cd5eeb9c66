//! Comparing two documents: their tasks and targets aligned one to one, each pair kept or
//! reworded (with a word-level diff), each clause left over new (only in B) or dropped (only in
//! A), and the targets' values set side by side by indicator (`8%` → `10%`).
//!
//! The pieces: `words.rs` (a clause's words and their folded keys, through the project's one
//! normalization), `similarity.rs` (TF-IDF cosine over folded words and word pairs, weights from
//! the two documents), `matching.rs` (greedy one-to-one matching above a threshold), `diff.rs`
//! (equal, inserted and deleted runs of words) and `targets.rs` (value changes by indicator).
//! The threshold and the measure were chosen on the hand-judged alignments of
//! `tests/compare/gold-*.tsv` (README, "Comparing two documents").

mod diff;
mod matching;
mod similarity;
mod targets;
mod words;

use serde::Serialize;
use vankien_index::{DocSummary, Index};
use vankien_ingest::DocKind;
use vankien_ingest::docnum::DocNumber;
use vankien_ingest::{ClauseKind, Document};

use crate::LibraryError;

pub use diff::{DiffOp, DiffRun};
pub use targets::{TargetChange, TargetSide, ValueChange};

/// How two documents are compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareConfig {
    /// The least similarity (cosine, 0 to 1) for two clauses to be aligned. By default,
    /// [`DEFAULT_THRESHOLD`].
    pub threshold: f64,
}

/// The threshold measured best on the judged pairs (README, "Comparing two documents").
pub const DEFAULT_THRESHOLD: f64 = 0.15;

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// What happened to a clause from A to B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The same words after normalization (exact keys).
    Kept,
    /// Aligned, with other words.
    Reworded,
    /// Only in B.
    New,
    /// Only in A.
    Dropped,
}

impl Status {
    /// The identifier used in JSON (`kept` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::Reworded => "reworded",
            Status::New => "new",
            Status::Dropped => "dropped",
        }
    }

    /// The Vietnamese label (`Giữ nguyên` …).
    pub fn vietnamese(self) -> &'static str {
        match self {
            Status::Kept => "Giữ nguyên",
            Status::Reworded => "Sửa đổi",
            Status::New => "Mới",
            Status::Dropped => "Bỏ",
        }
    }
}

/// A clause of one side, as the comparison shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseSide {
    /// The clause id.
    pub id: String,
    /// Its kind (`task` or `target`).
    pub kind: ClauseKind,
    /// Its item label as written, if any.
    pub label: Option<String>,
    /// The labels of its sections, from the root.
    pub section_path: Vec<String>,
    /// Its text.
    pub text: String,
}

/// One row of the comparison: a pair, or a clause of one side alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What happened.
    pub status: Status,
    /// The clause of A (`None` for a new clause).
    pub a: Option<ClauseSide>,
    /// The clause of B (`None` for a dropped clause).
    pub b: Option<ClauseSide>,
    /// The pair's similarity (`None` for a clause alone).
    pub score: Option<f64>,
    /// For a reworded pair, the words of A and B as runs: equal, deleted (A only), inserted (B
    /// only); empty otherwise.
    pub diff: Vec<DiffRun>,
}

/// How many rows of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Pairs with the same words.
    pub kept: usize,
    /// Pairs with other words.
    pub reworded: usize,
    /// Clauses only in B.
    pub new: usize,
    /// Clauses only in A.
    pub dropped: usize,
}

/// A document compared, as the comparison names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocSide {
    /// Document id.
    pub id: String,
    /// Number as written.
    pub number: Option<String>,
    /// Kind.
    pub kind: DocKind,
    /// Title.
    pub title: Option<String>,
    /// Date of issue, ISO.
    pub date: Option<String>,
}

impl DocSide {
    fn of(doc: &Document) -> DocSide {
        DocSide {
            id: doc.id.clone(),
            number: doc.number.clone(),
            kind: doc.kind,
            title: doc.title.clone(),
            date: doc.date.clone(),
        }
    }
}

/// Two documents compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Document A.
    pub a: DocSide,
    /// Document B.
    pub b: DocSide,
    /// The threshold used.
    pub threshold: f64,
    /// Rows by status.
    pub counts: Counts,
    /// The rows in reading order: B's order, each dropped clause of A after the row of the
    /// aligned clause of A before it.
    pub rows: Vec<Row>,
    /// The targets of the same indicator in both documents, in A's order.
    pub targets: Vec<TargetChange>,
}

/// The clauses compared: tasks and targets.
pub fn compared(doc: &Document) -> Vec<&vankien_ingest::Clause> {
    doc.clauses
        .iter()
        .filter(|c| matches!(c.kind, ClauseKind::Task | ClauseKind::Target))
        .collect()
}

/// The aligned pairs of two documents' compared clauses (see [`compared`]): indices into each
/// list and the pair's similarity, one to one, in A's order.
pub fn align(a: &Document, b: &Document, config: &CompareConfig) -> Vec<(usize, usize, f64)> {
    let (ca, cb) = (compared(a), compared(b));
    let wa: Vec<_> = ca
        .iter()
        .map(|c| words::ClauseWords::new(&c.text))
        .collect();
    let wb: Vec<_> = cb
        .iter()
        .map(|c| words::ClauseWords::new(&c.text))
        .collect();
    let scores = similarity::matrix(&wa, &wb);
    let mut pairs = matching::greedy(&scores, config.threshold);
    pairs.sort_by_key(|p| p.0);
    pairs
}

/// Compares two parsed documents (A the earlier, B the later, as the caller names them).
pub fn compare(a: &Document, b: &Document, config: &CompareConfig) -> Comparison {
    let (ca, cb) = (compared(a), compared(b));
    let pairs = align(a, b, config);
    let side = |c: &vankien_ingest::Clause| ClauseSide {
        id: c.id.clone(),
        kind: c.kind,
        label: c.label.clone(),
        section_path: c.section_path.clone(),
        text: c.text.clone(),
    };
    let mut partner_of_a = vec![None; ca.len()];
    let mut partner_of_b = vec![None; cb.len()];
    for &(i, j, s) in &pairs {
        partner_of_a[i] = Some((j, s));
        partner_of_b[j] = Some((i, s));
    }
    // Each row's place: (B position, 0 for B's own rows, 1 for a dropped clause after it, A
    // position). A dropped clause follows the B row of the nearest aligned clause before it.
    let mut keyed: Vec<((isize, u8, usize), Row)> = Vec::new();
    let mut counts = Counts::default();
    for (j, c) in cb.iter().enumerate() {
        let row = match partner_of_b[j] {
            Some((i, score)) => {
                let (wa, wb) = (
                    words::ClauseWords::new(&ca[i].text),
                    words::ClauseWords::new(&c.text),
                );
                let kept = wa.exact == wb.exact;
                if kept {
                    counts.kept += 1;
                } else {
                    counts.reworded += 1;
                }
                Row {
                    status: if kept { Status::Kept } else { Status::Reworded },
                    a: Some(side(ca[i])),
                    b: Some(side(c)),
                    score: Some(round(score)),
                    diff: if kept {
                        Vec::new()
                    } else {
                        diff::runs(&wa, &wb)
                    },
                }
            }
            None => {
                counts.new += 1;
                Row {
                    status: Status::New,
                    a: None,
                    b: Some(side(c)),
                    score: None,
                    diff: Vec::new(),
                }
            }
        };
        keyed.push(((j as isize, 0, 0), row));
    }
    let mut last_b: isize = -1;
    for (i, c) in ca.iter().enumerate() {
        match partner_of_a[i] {
            Some((j, _)) => last_b = j as isize,
            None => {
                counts.dropped += 1;
                keyed.push((
                    (last_b, 1, i),
                    Row {
                        status: Status::Dropped,
                        a: Some(side(c)),
                        b: None,
                        score: None,
                        diff: Vec::new(),
                    },
                ));
            }
        }
    }
    keyed.sort_by_key(|(k, _)| *k);
    Comparison {
        a: DocSide::of(a),
        b: DocSide::of(b),
        threshold: config.threshold,
        counts,
        rows: keyed.into_iter().map(|(_, r)| r).collect(),
        targets: targets::changes(a, b),
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The document of `index` that `name` names: its id, or its number in any spelling
/// (`57-NQ/TW`, `57/NQ-TW`, `nq 57`). `None` when no document has it.
pub fn find_document(index: &Index, name: &str) -> Result<Option<DocSummary>, LibraryError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let docs = index.documents()?;
    if let Some(d) = docs.iter().find(|d| d.id.eq_ignore_ascii_case(name)) {
        return Ok(Some(d.clone()));
    }
    let Some(key) = DocNumber::parse(name).and_then(|n| n.query_key()) else {
        return Ok(None);
    };
    // A document without a number in its header is known by its file's name (`20-NQ-TW.txt`),
    // as the index knows it.
    let number = |d: &DocSummary| {
        d.number.as_deref().and_then(DocNumber::parse).or_else(|| {
            let stem = std::path::Path::new(&d.source).file_stem()?.to_str()?;
            DocNumber::parse(stem)
        })
    };
    Ok(docs
        .into_iter()
        .find(|d| number(d).is_some_and(|n| n.index_keys(Some(d.kind)).contains(&key))))
}

/// Compares the documents of `index` named `a` and `b` (ids or numbers): an unknown one is
/// [`LibraryError::UnknownDocument`].
pub fn compare_in(
    index: &Index,
    a: &str,
    b: &str,
    config: &CompareConfig,
) -> Result<Comparison, LibraryError> {
    let load = |name: &str| -> Result<Document, LibraryError> {
        let unknown = || LibraryError::UnknownDocument(name.to_string());
        let summary = find_document(index, name)?.ok_or_else(unknown)?;
        index.document(&summary.id)?.ok_or_else(unknown)
    };
    let (a, b) = (load(a)?, load(b)?);
    Ok(compare(&a, &b, config))
}
