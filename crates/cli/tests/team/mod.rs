//! The team verbs of the `vankien` binary on a real index and store: a reviewer made with
//! `user add`, `assign`, `import` of a JSONL export, and `agreement` over what was imported.

use std::path::Path;
use std::process::{Command, Output};

use super::{corpus, stderr, stdout};

fn vankien(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vankien"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run vankien")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn assign_import_and_agreement_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let seed = corpus("thai-binh-09-NQ-DH-2020.txt");
    ok(vankien(d, &["ingest", seed.to_str().unwrap()]));
    let out = ok(vankien(d, &["user", "add", "thu", "--role", "reviewer"]));
    assert!(out.contains("created reviewer thu"), "{out}");
    let doc_id = "09-nq-dh.thai-binh.2020-10-15";
    let index = vankien_index::Index::open(&d.join("index")).unwrap();
    let clauses: Vec<String> = index
        .document(doc_id)
        .unwrap()
        .expect("the seed resolution")
        .clauses
        .iter()
        .take(4)
        .map(|c| c.id.clone())
        .collect();
    drop(index);

    // Assign, blind, to two annotators who do not exist yet: refused; then made by the import.
    let refused = vankien(
        d,
        &[
            "assign", doc_id, "--user", "an", "--user", "binh", "--blind",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("unknown user: an"),
        "{}",
        stderr(&refused)
    );

    // Two annotators' decisions as an export would hold them: they agree on clause 0, differ on
    // clause 1; a reviewer accepted one.
    let line = |clause: &str, sector: &str, who: &str, extra: &str| {
        format!(
            r#"{{"clause_id":"{clause}","sector":"{sector}","annotator":"{who}","at":"2026-01-0{}T00:00:00.000Z"{extra}}}"#,
            clause.len() % 9 + 1
        )
    };
    let accepted =
        r#","status":"accepted","reviewer":"thu","reviewed_at":"2026-02-01T00:00:00.000Z""#;
    let jsonl = [
        line(&clauses[0], "du-lich", "an", accepted),
        line(&clauses[0], "du-lich", "binh", accepted),
        line(&clauses[1], "thuy-loi", "an", ""),
        line(&clauses[1], "quoc-phong", "binh", ""),
        line("no-such-doc/1", "du-lich", "an", ""),
    ]
    .join("\n");
    std::fs::write(d.join("export.jsonl"), jsonl).unwrap();
    let corpus_dir = seed.parent().unwrap().to_str().unwrap().to_string();
    let out = vankien(d, &["import", "export.jsonl", "--corpus", &corpus_dir]);
    // One record names no clause of the index: reported, the rest imported, exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-doc/1"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 4 tag(s)"),
        "{}",
        stdout(&out)
    );

    let out = ok(vankien(
        d,
        &[
            "assign", doc_id, "--user", "an", "--user", "binh", "--blind",
        ],
    ));
    assert_eq!(out.lines().count(), 2, "{out}");
    let list = ok(vankien(d, &["assign", "--list"]));
    assert!(list.lines().all(|l| l.ends_with("blind")), "{list}");

    let json = ok(vankien(d, &["agreement", "--doc", doc_id, "--json"]));
    let a: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(a["clauses"], 2);
    assert_eq!(a["annotators"], serde_json::json!(["an", "binh"]));
    // du-lich: both yes on clause 0, both no on clause 1: κ = 1.
    let du_lich = a["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sector"] == "du-lich")
        .unwrap();
    assert_eq!(du_lich["kappa"], 1.0);
    let table = ok(vankien(d, &["agreement", "--doc", doc_id]));
    assert!(
        table.contains("2 clause(s) decided by at least two of an, binh"),
        "{table}"
    );
    assert!(table.lines().any(|l| l.starts_with("overall")), "{table}");
}
