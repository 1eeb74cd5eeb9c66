//! Helpers of this crate's unit tests: an index of some files of the real corpus, and every hit
//! of a query with its score.

use std::path::Path;

use tantivy::DocAddress;
use tantivy::collector::TopDocs;
use tantivy::query::Query;

use crate::{Index, IngestOptions, NoTags};

/// A new index in a temporary folder (kept as long as the returned guard) of the corpus files
/// `files`, every one of which must ingest.
pub(crate) fn corpus_index(files: &[&str]) -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(dir.path()).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let paths: Vec<_> = files.iter().map(|f| corpus.join(f)).collect();
    let (files_found, _) = vankien_ingest::find_files(&paths);
    let report = index
        .ingest_files(
            &files_found,
            &IngestOptions::default(),
            &mut NoTags,
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(report.added.len(), files.len(), "{:?}", report.failed);
    (dir, index)
}

/// Every (address, score) `q` matches, in address order.
pub(crate) fn every_hit(index: &Index, q: &dyn Query) -> Vec<(DocAddress, f32)> {
    let searcher = index.inner().reader.searcher();
    let top = TopDocs::with_limit(1_000_000).order_by_score();
    let mut hits: Vec<(DocAddress, f32)> = searcher
        .search(q, &top)
        .unwrap()
        .into_iter()
        .map(|(s, a)| (a, s))
        .collect();
    hits.sort_by_key(|h| h.0);
    hits
}
