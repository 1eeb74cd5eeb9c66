//! The one golden-file helper: compares a parsed document's pretty JSON with its golden file, or
//! rewrites the file when `UPDATE_GOLDEN` is set. Used by the corpus goldens (`golden.rs`) and the
//! development-set goldens (`golden_realdocs.rs`).

use std::path::Path;

use vankien_ingest::Document;

/// Compares `doc` with the golden file `path`; rewrites it when `UPDATE_GOLDEN` is set. Returns a
/// description of the mismatch (named by `name`), if any: the first line that differs.
pub fn check_golden(name: &str, path: &Path, doc: &Document) -> Option<String> {
    let actual = serde_json::to_string_pretty(doc).expect("serialize") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &actual).expect("write golden file");
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{name}: differs from {} at line {} (expected {:?}, got {:?})",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}
