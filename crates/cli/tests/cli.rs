//! End-to-end tests of the `vankien` binary's `parse` subcommand: the real built binary on real
//! corpus files and on bad input (empty, binary, undecodable, missing, a directory, oversize, a
//! mixed batch).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "cli/compare.rs"]
mod compare;
#[path = "cli/targets.rs"]
mod targets;
mod team;
#[path = "cli/trends.rs"]
mod trends;

/// A file of the corpus.
fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus")
        .join(name)
}

/// Runs the built `vankien` with `args`.
fn vankien(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vankien"))
        .args(args)
        .output()
        .expect("run vankien")
}

/// `vankien ingest` of the corpus files `files` into an index in `dir` (its store beside it);
/// the index's path.
fn index_of(dir: &Path, files: &[&str]) -> String {
    let index = dir.join("index").display().to_string();
    let data = dir.join("data").display().to_string();
    let paths: Vec<String> = files
        .iter()
        .map(|f| corpus(f).display().to_string())
        .collect();
    let mut args = vec!["ingest", "--index", &index, "--data", &data];
    args.extend(paths.iter().map(String::as_str));
    let out = vankien(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    index
}

/// Runs `vankien parse` with `args`.
fn parse(args: &[&Path], json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vankien"));
    cmd.arg("parse");
    if json {
        cmd.arg("--json");
    }
    cmd.args(args);
    cmd.output().expect("run vankien")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

/// Asserts that `out` failed with exit code 1, printed nothing on stdout, and said exactly one
/// line on stderr: `vankien: <file>: <message…>`.
fn assert_refused(out: &Output, file: &Path, message: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(stdout(out), "");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let expected = format!("vankien: {}: {message}", file.display());
    assert!(
        err.starts_with(&expected),
        "expected {expected:?}, got {err:?}"
    );
}

/// Writes `bytes` to `name` in `dir`.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn summary_of_the_seed_resolution() {
    let seed = corpus("thai-binh-09-NQ-DH-2020.txt");
    let out = parse(&[&seed], false);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(text.starts_with(&format!("{}\n", seed.display())), "{text}");
    for field in [
        "id",
        "kind",
        "number",
        "date",
        "encoding",
        "sections",
        "clauses",
        "recipients",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(field)),
            "no {field} line in:\n{text}"
        );
    }
    assert!(text.contains("  encoding    utf-8\n"), "{text}");
}

#[test]
fn json_lines_follow_the_contract() {
    let files = [
        corpus("thai-binh-09-NQ-DH-2020.txt"),
        corpus("20-NQ-TW.txt"),
    ];
    let out = parse(&[&files[0], &files[1]], true);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "one JSON object per file, one per line");
    for (line, file) in lines.iter().zip(&files) {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in [
            "id",
            "kind",
            "number",
            "issuer",
            "place",
            "date",
            "title",
            "encoding",
            "sections",
            "clauses",
            "recipients",
            "diagnostics",
        ] {
            assert!(doc.get(key).is_some(), "{}: no {key}", file.display());
        }
        assert_eq!(doc["source"], file.display().to_string());
        assert_eq!(doc["encoding"], "utf-8");
        // The stored text is not part of the contract (it is large, and spans point into it).
        assert!(doc.get("text").is_none());
        let clauses = doc["clauses"].as_array().unwrap();
        assert!(!clauses.is_empty());
        for c in clauses {
            for key in ["id", "kind", "label", "group", "section_path", "text"] {
                assert!(c.get(key).is_some(), "clause without {key}: {c}");
            }
        }
        for s in doc["sections"].as_array().unwrap() {
            for key in ["label", "heading", "path"] {
                assert!(s.get(key).is_some(), "section without {key}: {s}");
            }
        }
        // The JSON is the serde form of the model: it reads back into a Document.
        let back: vankien_ingest::Document = serde_json::from_str(line).unwrap();
        assert_eq!(back.clauses.len(), clauses.len());
    }
}

#[test]
fn utf16_file_is_read_and_its_encoding_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(corpus("thai-binh-09-NQ-DH-2020.txt")).unwrap();
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(seed.encode_utf16().flat_map(u16::to_be_bytes));
    let path = write(dir.path(), "seed-utf16be.txt", &bytes);
    let out = parse(&[&path], true);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim_end()).unwrap();
    assert_eq!(doc["encoding"], "utf-16be");
}

#[test]
fn empty_and_blank_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"");
    assert_refused(&parse(&[&empty], false), &empty, "empty file");
    let blank = write(dir.path(), "blank.txt", b" \r\n\t\n  \n");
    assert_refused(&parse(&[&blank], true), &blank, "empty file");
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..=255u8).cycle().take(4096));
    let path = write(dir.path(), "picture.txt", &png);
    assert_refused(&parse(&[&path], false), &path, "cannot decode: binary data");
    let pdf = write(
        dir.path(),
        "scan.pdf",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n",
    );
    // A damaged PDF is read as a PDF, whatever its name, and refused as one.
    assert_refused(&parse(&[&pdf], false), &pdf, "cannot read this pdf file: ");
}

#[test]
fn undecodable_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Real text with a stray byte: the error says where.
    let seed = std::fs::read_to_string(corpus("69-KL-TW.txt")).unwrap();
    let at = (2000..).find(|&i| seed.is_char_boundary(i)).unwrap();
    let mut bytes = seed.into_bytes();
    bytes.insert(at, 0xC0);
    let path = write(dir.path(), "broken.txt", &bytes);
    let out = parse(&[&path], true);
    assert_refused(&out, &path, "cannot decode: invalid utf-8");
    assert!(
        stderr(&out).contains(&format!("at byte offset {at}")),
        "{}",
        stderr(&out)
    );
    // Bytes that are no Vietnamese encoding at all (Latin-1 French).
    let french = b"Le comit\xE9 a d\xE9cid\xE9 que la r\xE9union aura lieu \xE0 Gen\xE8ve.\n";
    let path = write(dir.path(), "french.txt", french);
    assert_refused(
        &parse(&[&path], false),
        &path,
        "cannot decode: not utf-8 (byte 0xE9 at offset 8) and not recognisably Vietnamese",
    );
}

#[test]
fn missing_path_and_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-file.txt");
    assert_refused(&parse(&[&missing], false), &missing, "cannot read: ");
    assert_refused(
        &parse(&[dir.path()], false),
        dir.path(),
        "not a regular file (a directory)",
    );
}

#[test]
fn oversize_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    // A sparse file: the size check comes before any byte is read.
    file.set_len(vankien_ingest::MAX_FILE_BYTES + 1).unwrap();
    assert_refused(
        &parse(&[&path], false),
        &path,
        &format!(
            "too large: {} bytes, the limit is {} bytes",
            vankien_ingest::MAX_FILE_BYTES + 1,
            vankien_ingest::MAX_FILE_BYTES
        ),
    );
}

#[test]
fn mixed_batch_parses_the_good_and_names_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    let good1 = corpus("69-KL-TW.txt");
    let empty = write(dir.path(), "empty.txt", b"");
    let missing = dir.path().join("missing.txt");
    let binary = write(
        dir.path(),
        "data.bin",
        &[0u8, 1, 2, 3, 0, 0, 7, 8, 9, 0, 255, 254],
    );
    let good2 = corpus("60-NQ-TW.txt");
    let out = parse(&[&good1, &empty, &missing, &binary, &good2], true);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let errors: Vec<&str> = err.lines().collect();
    assert_eq!(errors.len(), 3, "{err}");
    assert!(errors[0].starts_with(&format!("vankien: {}: empty file", empty.display())));
    assert!(errors[1].starts_with(&format!("vankien: {}: cannot read", missing.display())));
    assert!(errors[2].starts_with(&format!(
        "vankien: {}: cannot decode: binary data",
        binary.display()
    )));
    let sources: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
        .collect();
    assert_eq!(
        sources,
        [
            format!("{:?}", good1.display().to_string()),
            format!("{:?}", good2.display().to_string())
        ]
    );
    // All good: exit code 0.
    assert!(parse(&[&good1, &good2], false).status.success());
}

#[test]
fn legacy_font_encodings_are_read_and_named() {
    // Real legacy text as it shows in Latin-1: the national motto and a basis line in TCVN3
    // (`.VnTime`) and in VNI, as they head old state documents.
    let latin1 = |s: &str| -> Vec<u8> {
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let tcvn3 = write(
        dir.path(),
        "tcvn3.txt",
        &latin1(
            "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n\
             C¨n cø NghÞ ®Þnh sè 15/CP\n",
        ),
    );
    let vni = write(
        dir.path(),
        "vni.txt",
        &latin1("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\n"),
    );
    let out = parse(&[&tcvn3, &vni], true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs[0]["encoding"], "tcvn3");
    assert_eq!(docs[1]["encoding"], "vni");
    let all = |d: &serde_json::Value| d.to_string();
    assert!(
        all(&docs[0]).contains("Căn cứ Nghị định số 15/CP"),
        "{}",
        all(&docs[0])
    );
    assert!(
        all(&docs[1]).contains("Độc lập - Tự do - Hạnh phúc"),
        "{}",
        all(&docs[1])
    );
}
