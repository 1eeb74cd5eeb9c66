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
    ingest_all(&index, &paths);
    (dir, index)
}

/// Ingests `paths` into `index` in one batch; every one of them must be added.
pub(crate) fn ingest_all(index: &Index, paths: &[std::path::PathBuf]) {
    let (files, _) = vankien_ingest::find_files(paths);
    let report = index
        .ingest_files(&files, &IngestOptions::default(), &mut NoTags, &mut |_| {})
        .unwrap();
    assert_eq!(report.added.len(), paths.len(), "{:?}", report.failed);
}

/// The search benchmark's generator of documents in the shape of the corpus's (seeded: the same
/// bytes every run).
#[path = "../benches/search/generate.rs"]
#[allow(dead_code)]
mod generate;

/// An index of `docs` documents of the search benchmark's generator, written under the returned
/// folder and ingested `batch` at a time (a segment or more a batch, kept as written: the walk's
/// tests need several of unlike size), and the count of segments.
pub(crate) fn generated_index(docs: usize, batch: usize) -> (tempfile::TempDir, Index, usize) {
    let dir = tempfile::tempdir().unwrap();
    let files = generated_files(dir.path(), docs);
    let index = Index::open_or_create(&dir.path().join("index")).unwrap();
    crate::segments::keeping(|| {
        for chunk in files.chunks(batch) {
            ingest_all(&index, chunk);
        }
    });
    let segments = index.inner().reader.searcher().segment_readers().len();
    (dir, index, segments)
}

/// `docs` documents of the search benchmark's generator, written under `dir`.
pub(crate) fn generated_files(dir: &Path, docs: usize) -> Vec<std::path::PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let cfg = generate::Config { docs, seed: 2020 };
    generate::generate_or_reuse(&corpus, &dir.join("corpus"), &cfg)
        .unwrap()
        .files
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
