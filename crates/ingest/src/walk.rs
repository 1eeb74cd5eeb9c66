//! Finding the files of an ingestion: named files as they are, folders walked in a stable order,
//! hidden files and READMEs passed over, missing paths reported.

use std::path::{Path, PathBuf};

/// A file to ingest, as the caller found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Its path.
    pub path: PathBuf,
    /// Whether the user named it (rather than it being found in a folder): a named file is read
    /// whatever it holds, a found one is passed over when it is plainly not a document.
    pub named: bool,
}

/// The files under `paths`, in a stable order (each folder's entries sorted by name), and the
/// paths that could not be read, with the reason. A file named by the user is always a
/// candidate; a file found in a folder is one unless it is hidden or a README (which describes a
/// folder, not a document of it). What a candidate holds (PDF, Word, text …) is decided by its
/// content when it is read, never by its name.
pub fn find_files(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, &mut failed);
            files.extend(
                found
                    .into_iter()
                    .map(|path| SourceFile { path, named: false }),
            );
        } else if p.exists() {
            files.push(SourceFile {
                path: p.clone(),
                named: true,
            });
        } else {
            failed.push((p.display().to_string(), "no such file or directory".into()));
        }
    }
    (files, failed)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_readme(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().starts_with("readme"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, failed: &mut Vec<(String, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            failed.push((dir.display().to_string(), e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if is_hidden(&p) {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, failed);
        } else if !is_readme(&p) {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_in_order_without_hidden_files_or_readmes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/.git")).unwrap();
        for f in [
            "b/2.txt",
            "b/1.pdf",
            "a.txt",
            ".hidden.txt",
            "README.md",
            "b/.git/x",
            "b/ReadMe",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let named = root.join("README.md");
        let missing = root.join("nope.txt");
        let (files, failed) = find_files(&[root.to_path_buf(), named.clone(), missing.clone()]);
        let found: Vec<(String, bool)> = files
            .iter()
            .map(|f| {
                let rel = f.path.strip_prefix(root).unwrap().display().to_string();
                (rel, f.named)
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("a.txt".to_string(), false),
                ("b/1.pdf".to_string(), false),
                ("b/2.txt".to_string(), false),
                // A README named by the user is read.
                ("README.md".to_string(), true),
            ]
        );
        assert_eq!(
            failed,
            vec![(
                missing.display().to_string(),
                "no such file or directory".to_string()
            )]
        );
    }
}
