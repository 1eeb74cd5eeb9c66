//! Hostile and careless requests against the real server process: token checks that tell nothing
//! and are capped, exports safe for spreadsheets, and answers that name no server folder.

use std::ffi::OsStr;

use vankien_tests::{
    Server, add_annotator, clause_path, corpus_dir, encode_component, run_vankien,
};

/// A server on a copy of two corpus documents, in a temporary folder kept as long as it runs.
fn served() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for f in ["69-KL-TW.txt", "57-NQ-TW.txt", "sectors.json"] {
        std::fs::copy(corpus_dir().join(f), corpus.join(f)).unwrap();
    }
    let server = Server::start_with(&dir.path().join("index"), &dir.path().join("data"), &corpus);
    (dir, server)
}

#[test]
fn a_wrong_token_is_refused_alike_for_a_known_or_unknown_id_and_capped() {
    let (dir, server) = served();
    let token = add_annotator(&dir.path().join("data"), "lan");
    let hit = server.get(&format!(
        "/api/search?q={}",
        encode_component("chuyển đổi số")
    ));
    let clause_id = hit.json["hits"][0]["clause_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("{}/sectors/chuyen-doi-so", clause_path(&clause_id));

    // vk_<16 hex id>_<64 hex secret>: the same id with another secret, and another id.
    let known_id_wrong_secret = format!("{}{}", &token[..20], "0".repeat(64));
    let unknown_id = format!("vk_{}_{}", "f".repeat(16), &token[20..]);
    assert_ne!(known_id_wrong_secret, token);
    let wrong = server.put(&path, Some(&known_id_wrong_secret));
    let unknown = server.put(&path, Some(&unknown_id));
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    assert_eq!(
        (unknown.status, &unknown.json),
        (401, &wrong.json),
        "the same answer"
    );

    // The right token still works while failures are counted.
    let put = server.put(&path, Some(&token));
    assert_eq!(put.status, 201, "{}", put.text);

    // Past the cap, further checks from this client are refused without hashing anything.
    let mut capped = None;
    for _ in 0..30 {
        let r = server.put(&path, Some(&unknown_id));
        if r.status == 429 {
            capped = Some(r);
            break;
        }
        assert_eq!(r.status, 401, "{}", r.text);
    }
    let capped = capped.expect("failed token checks are capped");
    assert_eq!(capped.json["code"], "too_many_attempts", "{}", capped.text);
}

#[test]
fn an_export_neutralises_formula_cells_and_answers_name_no_server_folder() {
    let (dir, server) = served();
    let data = dir.path().join("data");
    // A user name may start with `@`: in a spreadsheet that cell would be a formula.
    let token = add_annotator(&data, "@lan");
    let hit = server.get(&format!("/api/search?q={}", encode_component("kinh tế")));
    let clause_id = hit.json["hits"][0]["clause_id"]
        .as_str()
        .unwrap()
        .to_string();
    let put = server.put(
        &format!("{}/sectors/kinh-te-tu-nhan", clause_path(&clause_id)),
        Some(&token),
    );
    assert_eq!(put.status, 201, "{}", put.text);

    let csv = server.get("/api/annotations/export?format=csv");
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.text.contains("'@lan"), "{}", csv.text);
    assert!(!csv.text.contains(",@lan"), "{}", csv.text);
    let filtered = server.get("/api/annotations/export?format=csv&annotator=%40lan");
    assert_eq!(filtered.status, 200);
    assert_eq!(filtered.text.lines().count(), 2, "{}", filtered.text);
    let bad = server.get("/api/annotations/export?format=csv&since=yesterday");
    assert_eq!(bad.status, 400, "{}", bad.text);

    let folder = dir.path().display().to_string();
    for path in [
        "/api/documents",
        &clause_path(&clause_id),
        "/api/annotations/export",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(
            !r.text.contains(&folder),
            "{path} names {folder}: {}",
            r.text
        );
    }
    let list = server.get("/api/documents");
    for d in list.json["documents"].as_array().unwrap() {
        let source = d["source"].as_str().unwrap();
        assert!(!source.contains('/'), "{source}");
    }

    // A backup of that store holds the odd name as it is.
    let file = dir.path().join("b.sqlite3");
    let out = run_vankien(
        &[
            OsStr::new("backup"),
            file.as_os_str(),
            OsStr::new("--data"),
            data.as_os_str(),
        ],
        &[],
    );
    assert!(out.status.success());
}
