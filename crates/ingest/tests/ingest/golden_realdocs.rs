//! Golden files of the development set (`tests/realdocs/`): every Markdown, Word (`.docx`,
//! `.doc`), text and PDF file, read through `parse_bytes` as `vankien ingest` reads it, compared
//! with `tests/golden-realdocs/<file name>.json`. Each golden was reviewed by hand against its
//! source; `tests/golden-realdocs/REVIEW.md` says what was checked and the defects found. A PDF
//! that cannot be read (no text layer, or a text layer whose fonts map glyphs to no character)
//! has no golden: it must be refused with an error that names OCR as the way.
//! `UPDATE_GOLDEN=1 cargo test -p vankien-ingest --test ingest golden_realdocs` rewrites the
//! files; review the diff against the sources before committing it.

use std::path::{Path, PathBuf};

use crate::golden_file::check_golden;

fn realdocs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden-realdocs")
}

/// The file names of the development set: every `.md` (but the set's README), `.docx`, `.doc`,
/// `.txt` and `.pdf`, sorted.
fn golden_sources() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(realdocs_dir())
        .expect("realdocs directory")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| {
            n != "README.md"
                && [".md", ".docx", ".doc", ".txt", ".pdf"]
                    .iter()
                    .any(|x| n.ends_with(x))
        })
        .collect();
    names.sort();
    names
}

#[test]
fn golden_files_match_for_the_development_set() {
    let names = golden_sources();
    assert_eq!(names.len(), 38, "the development set's files: {names:?}");
    let mut failures = Vec::new();
    let mut refused = Vec::new();
    for name in &names {
        let bytes = vankien_ingest::read_bytes(&realdocs_dir().join(name)).expect("readable");
        // The file name only, so that the golden files do not depend on where the tree lives.
        match vankien_ingest::parse_bytes(&bytes, name) {
            Ok(doc) => {
                let path = golden_dir().join(format!("{name}.json"));
                failures.extend(check_golden(name, &path, &doc));
            }
            Err(err) if name.ends_with(".pdf") && err.to_string().contains("OCR") => {
                refused.push(name.as_str());
            }
            Err(err) => failures.push(format!("{name}: not read: {err}")),
        }
    }
    // The PDFs without a usable text layer, refused by name (their text versions have goldens).
    assert_eq!(
        refused,
        [
            "02-2023-TB-LPQT-no-text-layer.pdf",
            "1050-QD-SCT-2026-LaoCai.pdf",
            "1105-KH-DKT-2026-LaoCai.pdf",
            "1894-TB-SCT-2026-LaoCai.pdf",
        ],
        "the PDFs refused"
    );
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite, then review):\n{}",
        failures.join("\n")
    );
}

/// Every golden file belongs to a file of the set: none is left behind by a renamed source.
#[test]
fn no_golden_file_without_its_source() {
    let names = golden_sources();
    let orphans: Vec<String> = std::fs::read_dir(golden_dir())
        .expect("golden-realdocs directory")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter_map(|g| g.strip_suffix(".json").map(str::to_string))
        .filter(|src| !names.contains(src))
        .collect();
    assert!(
        orphans.is_empty(),
        "golden files without a source: {orphans:?}"
    );
}
