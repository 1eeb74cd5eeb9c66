//! Embeds the page (`web/` at the workspace root) into the server: writes a table of every file
//! of `web/` with its bytes and an ETag into `$OUT_DIR/web_files.rs`.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let web = manifest.join("../../web");
    // A directory here makes cargo rerun this script when any file below it changes.
    println!("cargo:rerun-if-changed={}", web.display());
    let mut files = Vec::new();
    collect(&web, "", &mut files, 0);
    files.sort();
    let mut out =
        String::from("/// Every file of `web/`: (name relative to `web/`, bytes, ETag).\n");
    out.push_str("pub static FILES: &[(&str, &[u8], &str)] = &[\n");
    for (name, path) in &files {
        let bytes = std::fs::read(path).expect("read a file of web/");
        let mut hasher = DefaultHasher::new();
        hasher.write(&bytes);
        let etag = format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len());
        let abs = path.canonicalize().expect("canonicalize a file of web/");
        writeln!(
            out,
            "    ({name:?}, include_bytes!({:?}), {etag:?}),",
            abs.display().to_string()
        )
        .expect("write to a string");
        println!("cargo:rerun-if-changed={}", path.display());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("web_files.rs");
    std::fs::write(dest, out).expect("write web_files.rs");
}

/// Collects the regular files under `dir` (at most three levels deep), skipping hidden ones and
/// names that are not plain `[A-Za-z0-9._-]`, so that a URL maps to at most one file.
fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let plain = !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() && depth < 3 {
            collect(&path, &format!("{prefix}{name}/"), files, depth + 1);
        } else if meta.is_file() {
            files.push((format!("{prefix}{name}"), path));
        }
    }
}
