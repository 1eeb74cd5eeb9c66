//! Shared fixtures: the corpus, and one index of it built once per test run.

use std::path::Path;
use std::sync::OnceLock;

use vankien_index::{Hit, Index, IngestOptions, SearchRequest, SearchResults};
use vankien_ingest::normalize;

pub use vankien_testkit::{corpus_dir, corpus_file, ingest_paths};

/// An index of the whole corpus, built once per test run under the target's temporary dir.
pub fn corpus_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vankien-corpus-index");
        let _ = std::fs::remove_dir_all(&dir);
        let index = Index::open_or_create(&dir).expect("create index");
        let report = ingest_paths(
            &index,
            &[corpus_dir()],
            &IngestOptions::default(),
            &mut |_| {},
        )
        .expect("ingest corpus");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        assert_eq!(report.added.len(), 14, "{report:?}");
        index
    })
}

/// The id of the document read from the corpus file `name`.
pub fn doc_id_of(index: &Index, name: &str) -> String {
    index
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| d.source.ends_with(name))
        .unwrap_or_else(|| panic!("no document from {name}"))
        .id
}

/// Runs a query with default options and `limit` hits.
pub fn search(index: &Index, query: &str, limit: usize) -> SearchResults {
    index
        .search(&SearchRequest {
            query: query.into(),
            limit,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// The folded keys of a text's words.
pub fn folded_words(text: &str) -> Vec<String> {
    normalize::words(text)
        .map(|(_, w)| normalize::folded_key(w))
        .collect()
}

/// The exact keys of a text's words.
pub fn exact_words(text: &str) -> Vec<String> {
    normalize::words(text)
        .map(|(_, w)| normalize::exact_key(w))
        .collect()
}

/// Whether `text` contains the words of `phrase` contiguously, compared by folded key.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let t = folded_words(text);
    let p = folded_words(phrase);
    !p.is_empty() && t.windows(p.len()).any(|w| w == p.as_slice())
}

/// Clause ids of the hits.
pub fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.clause_id.as_str()).collect()
}

/// A snippet with its marks as `<mark>…</mark>` (not escaped): what a test looks for.
pub fn marked(s: &vankien_index::Snippet) -> String {
    s.render(str::to_string, |m| format!("<mark>{m}</mark>"))
}
