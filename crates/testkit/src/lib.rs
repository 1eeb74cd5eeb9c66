//! Fixtures shared by the tests and benchmarks of every vankien crate, so that each builds its
//! corpus index, finds the repository's folders and runs the FTS5 peer the same way. Dev-only:
//! no shipped crate depends on it.
//!
//! The index crate's own unit tests (`crates/index/src/testing.rs`) cannot use it: a unit test
//! compiles the crate itself, and this crate's `Index` would be another type.

pub mod fts5;
pub mod judged;

use std::path::{Path, PathBuf};

use vankien_index::{Index, IndexError, IngestEvent, IngestOptions, IngestReport, NoTags};

/// The repository's root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root")
}

/// The repository's `corpus/` folder.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("corpus")
}

/// One corpus file.
pub fn corpus_file(name: &str) -> PathBuf {
    corpus_dir().join(name)
}

/// Ingests files and folders into `index` as the library does (folders walked by the ingest
/// crate), without tags: paths that cannot be read are reported as failed.
pub fn ingest_paths(
    index: &Index,
    paths: &[PathBuf],
    opts: &IngestOptions,
    on_event: &mut dyn FnMut(IngestEvent),
) -> Result<IngestReport, IndexError> {
    index.ingest_found(
        vankien_ingest::find_files(paths),
        opts,
        &mut NoTags,
        on_event,
    )
}

/// A new index in `dir` (emptied first) of `paths`, every file of which must ingest.
pub fn index_of(dir: &Path, paths: &[PathBuf]) -> Index {
    let _ = std::fs::remove_dir_all(dir);
    let index = Index::open_or_create(dir).expect("create the index");
    let report = ingest_paths(&index, paths, &IngestOptions::default(), &mut |_| {})
        .expect("ingest the files");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    index
}

/// The records of an RFC 4180 text (an export, without its byte-order mark): quoted fields may
/// hold commas, doubled quotes and line breaks; records end with CRLF or LF. Panics on a text
/// that ends inside a record.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty() && !quoted,
        "the CSV ends inside a record"
    );
    rows
}
