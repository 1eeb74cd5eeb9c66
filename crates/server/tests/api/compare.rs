//! `GET /api/compare` on the corpus index: two documents named by number in any spelling, their
//! tasks aligned with a word-level diff, every clause in one row; 400 for a missing parameter and
//! 404 naming an unknown document, both as JSON errors.

use axum::http::StatusCode;

use super::{enc, fixture, get};

#[tokio::test]
async fn two_documents_compare_by_number_in_any_spelling() {
    let f = fixture();
    let answer = get(
        &f.app,
        &format!("/api/compare?a={}&b={}", enc("20/NQ-TW"), enc("kl 69")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["a"]["number"], "20-NQ/TW");
    assert_eq!(json["b"]["number"], "69-KL/TW");
    let rows = json["rows"].as_array().unwrap();
    let counts = &json["counts"];
    let n = |k: &str| counts[k].as_u64().unwrap() as usize;
    assert_eq!(
        n("kept") + n("reworded") + n("new") + n("dropped"),
        rows.len()
    );
    assert!(n("reworded") >= 5, "{counts}");
    // Every task and target of B is in exactly one row, in B's order.
    let b_ids: Vec<&str> = rows.iter().filter_map(|r| r["b"]["id"].as_str()).collect();
    assert_eq!(b_ids.len(), 19, "{b_ids:?}");
    assert!(b_ids.windows(2).all(|w| w[0] != w[1]));
    // The closing task of both is aligned: the Propaganda Board reports on the implementation.
    let last = rows
        .iter()
        .find(|r| r["b"]["id"] == "69-kl-tw.2024-01-11/7.p5")
        .unwrap();
    assert_eq!(last["status"], "reworded");
    assert_eq!(last["a"]["id"], "20-nq-tw.ha-noi.2012-11-01/c.p4");
    let diff = last["diff"].as_array().unwrap();
    let ops: Vec<&str> = diff.iter().map(|d| d["op"].as_str().unwrap()).collect();
    assert!(
        ops.contains(&"equal") && ops.contains(&"inserted"),
        "{ops:?}"
    );
    assert!(
        diff.iter()
            .any(|d| d["op"] == "equal" && d["text"].as_str().unwrap().contains("Ban Tuyên giáo")),
        "{diff:?}"
    );
    // A's runs (equal in A's spelling, deleted) give A's clause back, B's runs B's.
    for row in rows.iter().filter(|r| r["status"] == "reworded") {
        let runs = row["diff"].as_array().unwrap();
        let side = |keep: &str, equal_key: &str| -> String {
            runs.iter()
                .filter(|r| r["op"] == "equal" || r["op"] == keep)
                .map(|r| {
                    let key = if r["op"] == "equal" {
                        equal_key
                    } else {
                        "text"
                    };
                    r[key].as_str().unwrap().to_string()
                })
                .collect()
        };
        assert_eq!(
            side("deleted", "a_text"),
            row["a"]["text"].as_str().unwrap()
        );
        assert_eq!(side("inserted", "text"), row["b"]["text"].as_str().unwrap());
    }
    assert!(
        json["status_labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p[0] == "reworded" && p[1] == "Sửa đổi")
    );
}

#[tokio::test]
async fn a_document_with_itself_is_kept_with_its_targets_unchanged() {
    let f = fixture();
    let answer = get(
        &f.app,
        &format!("/api/compare?a=57-nq-tw.2024-12-22&b={}", enc("57-NQ/TW")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["counts"]["reworded"], 0);
    assert_eq!(json["counts"]["new"], 0);
    assert!(json["counts"]["kept"].as_u64().unwrap() >= 30);
    let targets = json["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    assert!(targets.iter().all(|t| t["change"] == "same"), "{targets:?}");
}

#[tokio::test]
async fn a_missing_parameter_is_400_and_an_unknown_document_404() {
    let f = fixture();
    for uri in [
        "/api/compare",
        "/api/compare?a=57-NQ/TW",
        "/api/compare?b=57-NQ/TW&a=",
    ] {
        let answer = get(&f.app, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(answer.json()["code"], "bad_request", "{uri}");
        assert!(
            answer.json()["message"]
                .as_str()
                .unwrap()
                .contains("missing parameter"),
            "{uri}: {}",
            answer.text()
        );
    }
    let answer = get(&f.app, "/api/compare?a=57-NQ/TW&b=03/NQ-CP&c=1").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = get(&f.app, "/api/compare?a=57-NQ/TW&b=99-NQ/TW").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text());
    assert_eq!(answer.json()["code"], "not_found");
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("99-NQ/TW"),
        "{}",
        answer.text()
    );
}
