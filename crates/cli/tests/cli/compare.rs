//! `vankien compare` as a real process on an index that `vankien ingest` built: the text with
//! its statuses and diff marks, the API's JSON with `--json`, documents named by number in any
//! spelling, and exit code 2 naming a document the index does not hold.

use super::{corpus, stderr, stdout, vankien};

#[test]
fn compare_prints_text_and_json_and_refuses_an_unknown_document() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index").display().to_string();
    let data = dir.path().join("data").display().to_string();
    let files = ["20-NQ-TW.txt", "69-KL-TW.txt"].map(|f| corpus(f).display().to_string());
    let out = vankien(&[
        "ingest", "--index", &index, "--data", &data, &files[0], &files[1],
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = vankien(&["compare", "--index", &index, "nq 20", "69/KL-TW"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("A: 20-NQ/TW"), "{text}");
    assert!(text.contains("reworded,"), "{text}");
    assert!(
        text.contains("[reworded] 20-nq-tw.ha-noi.2012-11-01/c.p4 → 69-kl-tw.2024-01-11/7.p5"),
        "{text}"
    );
    assert!(text.contains("{+") && text.contains("[-"), "{text}");
    assert!(text.contains("[new] 69-kl-tw.2024-01-11/"), "{text}");
    assert!(
        text.contains("[dropped] 20-nq-tw.ha-noi.2012-11-01/"),
        "{text}"
    );

    let out = vankien(&[
        "compare", "--index", &index, "--json", "20-NQ/TW", "69-KL/TW",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["b"]["id"], "69-kl-tw.2024-01-11");
    let rows = json["rows"].as_array().unwrap();
    let c = &json["counts"];
    let total: u64 = ["kept", "reworded", "new", "dropped"]
        .iter()
        .map(|k| c[*k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, rows.len());

    for (a, b, unknown) in [
        ("57-NQ/TW", "69-KL/TW", "57-NQ/TW"),
        ("20-NQ/TW", "nope", "nope"),
    ] {
        let out = vankien(&["compare", "--index", &index, a, b]);
        assert_eq!(out.status.code(), Some(2), "{a} {b}");
        let err = stderr(&out);
        assert!(err.contains(&format!("no document `{unknown}`")), "{err}");
        assert!(out.stdout.is_empty());
    }
}
