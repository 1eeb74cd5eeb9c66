//! The judged queries of `tests/relevance/queries.tsv` and the word-by-word comparison that
//! decides whether a text holds a judged passage. Shared by the relevance test and the search
//! benchmark (which samples the queries' shapes).

use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;
use vankien_ingest::normalize::{exact_key, folded_key, words};

/// What a judged query is meant to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The document itself: any of its clauses (for FTS5, any of its lines).
    Doc,
    /// A clause holding one of these passages.
    Passages(Vec<String>),
}

/// One judged query.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Line number in the TSV file, to name the query in messages.
    pub line: usize,
    /// `unaccented`, `upper`, `nfd`, `tone`, `d`, `ambiguous`, `phrase`, `number`, `topic`,
    /// `abbreviation`, `question` (a question as people type it) or `kind` (words naming a
    /// clause kind).
    pub category: String,
    /// The query as the user types it (already decomposed to NFD when the row asks for it).
    pub query: String,
    /// Whether the query was decomposed to NFD.
    pub nfd: bool,
    /// The intended document's file name in `corpus/`, or `None` for any document.
    pub file: Option<String>,
    /// What counts as a relevant answer.
    pub expect: Expect,
}

/// The path of the judged queries file.
pub fn queries_path() -> PathBuf {
    crate::workspace_root().join("crates/index/tests/relevance/queries.tsv")
}

/// The repository's `corpus/` folder.
pub fn corpus_dir() -> PathBuf {
    crate::corpus_dir()
}

/// Reads and parses the judged queries; panics with the line on a malformed row (the file is
/// part of the test).
pub fn load() -> Vec<Judged> {
    let path = queries_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text)
}

/// Parses the TSV text of the judged queries.
pub fn parse(text: &str) -> Vec<Judged> {
    let mut out = Vec::new();
    for (i, row) in text.lines().enumerate() {
        if row.trim().is_empty() || row.starts_with('#') || row.starts_with("category\t") {
            continue;
        }
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(
            cols.len(),
            5,
            "queries.tsv line {}: want 5 columns: {row}",
            i + 1
        );
        let nfd = match cols[1] {
            "0" => false,
            "1" => true,
            other => panic!(
                "queries.tsv line {}: nfd must be 0 or 1, not {other}",
                i + 1
            ),
        };
        let query = if nfd {
            cols[3].nfd().collect()
        } else {
            cols[3].to_string()
        };
        let expect = if cols[4] == "=doc" {
            Expect::Doc
        } else {
            Expect::Passages(cols[4].split(" | ").map(str::to_string).collect())
        };
        out.push(Judged {
            line: i + 1,
            category: cols[0].to_string(),
            query,
            nfd,
            file: (cols[2] != "*").then(|| cols[2].to_string()),
            expect,
        });
    }
    out
}

/// The exact keys of the words of `text`: the form in which passages are compared, so that
/// case, NFC/NFD, tone placement, punctuation and line breaks do not matter, diacritics do.
pub fn exact_words(text: &str) -> Vec<String> {
    words(text).map(|(_, w)| exact_key(w)).collect()
}

/// The folded keys of the words of `text` (no diacritics, `đ` as `d`).
pub fn folded_words(text: &str) -> Vec<String> {
    words(text).map(|(_, w)| folded_key(w)).collect()
}

/// Whether `needle` occurs as a run of consecutive words in `hay`.
pub fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The lines (from 1) of `source` that hold part of an occurrence of `passage`, compared on
/// exact keys; a passage may run across line breaks.
pub fn passage_lines(source: &str, passage: &str) -> Vec<u32> {
    let needle = exact_words(passage);
    let mut keys = Vec::new();
    let mut line_of = Vec::new();
    for (i, line) in source.split('\n').enumerate() {
        for (_, w) in words(line) {
            keys.push(exact_key(w));
            line_of.push(i as u32 + 1);
        }
    }
    let mut lines = Vec::new();
    if needle.is_empty() || needle.len() > keys.len() {
        return lines;
    }
    for start in 0..=keys.len() - needle.len() {
        if keys[start..start + needle.len()] == needle[..] {
            lines.extend_from_slice(&line_of[start..start + needle.len()]);
        }
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// The phrases of a query: its `"quoted"` parts.
pub fn phrases(query: &str) -> Vec<&str> {
    query
        .split('"')
        .enumerate()
        .filter(|(i, s)| i % 2 == 1 && !s.trim().is_empty())
        .map(|(_, s)| s)
        .collect()
}
