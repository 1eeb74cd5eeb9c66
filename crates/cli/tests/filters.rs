//! The real `vankien` binary's search filters: a value that does not exist is an error naming the
//! valid ones with exit code 2 (a usage error), known values typed loosely pass, a parent sector
//! is accepted, and `vankien sectors` lists the ids `--sector` takes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn vankien(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vankien"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run vankien")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[test]
fn unknown_filter_values_exit_2_naming_the_valid_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    for f in ["60-NQ-TW.txt", "03-NQ-CP.txt"] {
        std::fs::copy(corpus_dir().join(f), docs.join(f)).unwrap();
    }
    let ingest = vankien(
        &[
            "ingest",
            "--index",
            index.to_str().unwrap(),
            "--data",
            "data",
            "docs",
        ],
        tmp.path(),
    );
    assert!(ingest.status.success(), "{}", text(&ingest.stderr));
    let corpus = corpus_dir();
    let search = |extra: &[&str]| {
        let mut args = vec![
            "search",
            "--index",
            index.to_str().unwrap(),
            "--corpus",
            corpus.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        args.push("can bo");
        vankien(&args, tmp.path())
    };
    for (extra, says) in [
        (&["--sector", "no-such"][..], "xay-dung-dang"),
        (&["--doc", "99-NQ/TW"][..], "60-NQ/TW"),
        (&["--issuer", "bo ngoai giao"][..], "CHÍNH PHỦ"),
        (&["--signer", "nguyen van a"][..], "Tô Lâm"),
        (&["--clause-kind", "nope"][..], "task"),
        (&["--kind", "nope"][..], "resolution"),
    ] {
        let out = search(extra);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.contains("unknown") && err.contains(says),
            "{extra:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{extra:?}");
    }
    for extra in [
        &["--sector", "xay-dung-dang"][..],
        &["--doc", "nq 60"][..],
        &["--signer", "TO LAM"][..],
        &["--issuer", "chinh phu"][..],
    ] {
        let out = search(extra);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{extra:?}: {}",
            text(&out.stderr)
        );
    }
    let out = search(&["--signer", "to lam"]);
    assert!(text(&out.stdout).contains("60-NQ/TW"));
    assert!(!text(&out.stdout).contains("03/NQ-CP"));
}

#[test]
fn sectors_lists_ids_and_names_with_sub_sectors_indented() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus_dir();
    let out = vankien(
        &["sectors", "--corpus", corpus.to_str().unwrap()],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    assert!(
        listing.lines().any(|l| l == "xay-dung-dang\tXây dựng Đảng"),
        "{listing}"
    );
    assert!(
        listing
            .lines()
            .any(|l| l == "  cong-tac-can-bo\tCông tác cán bộ"),
        "{listing}"
    );
    let json = vankien(
        &["sectors", "--corpus", corpus.to_str().unwrap(), "--json"],
        tmp.path(),
    );
    let first: serde_json::Value =
        serde_json::from_str(text(&json.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "xay-dung-dang");
}
