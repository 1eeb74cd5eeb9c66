//! The portal's navigation over HTTP, in-process on the real corpus: a number query answers with
//! its document first, hits come grouped by document, filters refuse values that do not exist
//! (with the valid ones), a parent sector takes in its sub-sectors, filters alone browse, and a
//! document comes with its signer and its original file.

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode, header};
use serde_json::Value;
use vankien_library::{Holder, Library};
use vankien_server::{AppState, ServerConfig, router};

use common::*;

#[tokio::test]
async fn a_number_in_any_spelling_answers_with_its_document_first() {
    let f = fixture();
    for q in ["57-NQ/TW", "57/NQ-TW", "nq 57", "Nghị quyết số 57-NQ/TW"] {
        let answer = get(&f.app, &format!("/api/search?q={}&group=true", enc(q))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let json = answer.json();
        let cards = json["documents"].as_array().expect("document cards");
        assert_eq!(cards.len(), 1, "{q}: {cards:?}");
        assert_eq!(cards[0]["number"], "57-NQ/TW", "{q}");
        assert_eq!(cards[0]["kind_label"], "Nghị quyết");
        let groups = json["groups"]["groups"].as_array().unwrap();
        assert_eq!(
            groups[0]["doc_number"], "57-NQ/TW",
            "{q}: its own clauses lead"
        );
    }
    // A query without a number has no card; a second page has none either.
    let json = get(&f.app, "/api/search?q=n%C3%B4ng+th%C3%B4n+m%E1%BB%9Bi")
        .await
        .json();
    assert!(json.get("documents").is_none(), "{json}");
    let json = get(&f.app, "/api/search?q=nq+57&offset=10").await.json();
    assert!(json.get("documents").is_none(), "{json}");
}

#[tokio::test]
async fn hits_grouped_by_document_say_how_many_more_each_holds() {
    let f = fixture();
    let flat = get(&f.app, "/api/search?q=chuyen+doi+so&limit=100")
        .await
        .json();
    let answer = get(&f.app, "/api/search?q=chuyen+doi+so&group=true&limit=5").await;
    assert_eq!(answer.status, StatusCode::OK);
    let json = answer.json();
    assert_eq!(
        json["total"], flat["total"],
        "the clause count is unchanged"
    );
    assert!(
        json["hits"].as_array().unwrap().is_empty(),
        "hits live in groups"
    );
    let per_doc: std::collections::HashMap<String, u64> = flat["facets"]["doc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let groups = json["groups"]["groups"].as_array().unwrap();
    assert_eq!(
        json["groups"]["total"].as_u64().unwrap() as usize,
        per_doc.len()
    );
    assert_eq!(groups.len(), 5);
    let mut seen = std::collections::HashSet::new();
    for g in groups {
        let doc = g["doc_id"].as_str().unwrap();
        assert!(seen.insert(doc.to_string()), "{doc} twice");
        let hits = g["hits"].as_array().unwrap();
        assert!((1..=3).contains(&hits.len()), "{g}");
        assert!(hits.iter().all(|h| h["doc_id"] == doc), "{g}");
        assert_eq!(g["matches"].as_u64().unwrap(), per_doc[doc], "{doc}");
        assert_eq!(
            g["more"].as_u64().unwrap(),
            per_doc[doc] - hits.len() as u64,
            "{doc}"
        );
        let short = g["short_title"].as_str().unwrap();
        assert!(short.chars().count() <= 91, "{short}");
    }
    // The best clause of the whole search leads the first group.
    assert_eq!(
        groups[0]["hits"][0]["clause_id"],
        flat["hits"][0]["clause_id"]
    );
    // The next page holds the next documents.
    let next = get(
        &f.app,
        "/api/search?q=chuyen+doi+so&group=true&limit=5&offset=5",
    )
    .await
    .json();
    for g in next["groups"]["groups"].as_array().unwrap() {
        assert!(
            !seen.contains(g["doc_id"].as_str().unwrap()),
            "{} on two pages",
            g["doc_id"]
        );
    }
}

/// The error of an unknown filter value: 400 `unknown_filter`, with the valid values.
fn valid_values(answer: &Answer) -> Vec<String> {
    answer.assert_error(StatusCode::BAD_REQUEST, "unknown_filter");
    answer.json()["valid"]
        .as_array()
        .expect("the valid values")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn unknown_filter_values_are_refused_with_the_valid_ones() {
    let f = fixture();
    let sector = get(&f.app, "/api/search?q=dang&sector=no-such-sector").await;
    assert!(valid_values(&sector).contains(&"xay-dung-dang".to_string()));
    let doc = get(&f.app, "/api/search?q=dang&doc=99-NQ%2FTW").await;
    assert!(valid_values(&doc).contains(&"57-NQ/TW".to_string()));
    let issuer = get(&f.app, "/api/search?q=dang&issuer=bo+ngoai+giao").await;
    assert!(valid_values(&issuer).contains(&"Bộ Chính trị".to_string()));
    let signer = get(&f.app, "/api/search?q=dang&signer=nguyen+van+a").await;
    assert!(valid_values(&signer).contains(&"Tô Lâm".to_string()));
    // Known values, typed without diacritics and in any case, pass.
    for ok in [
        "sector=xay-dung-dang",
        "doc=nq+57",
        "issuer=BO+CHINH+TRI",
        "signer=to+lam",
    ] {
        let answer = get(&f.app, &format!("/api/search?q=dang&{ok}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{ok}: {}", answer.text());
    }
}

#[tokio::test]
async fn issuer_and_signer_narrow_to_their_documents() {
    let f = fixture();
    let json = get(&f.app, "/api/search?q=can+bo&signer=to+lam&limit=100")
        .await
        .json();
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["doc_number"] == "60-NQ/TW"), "{json}");
    let json = get(&f.app, "/api/search?q=can+bo&issuer=chinh+phu&limit=100")
        .await
        .json();
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h["doc_number"].as_str().unwrap().ends_with("NQ-CP")),
        "{json}"
    );
}

#[tokio::test]
async fn a_parent_sector_takes_in_its_sub_sectors_and_browses_without_a_query() {
    let f = fixture();
    let hit = first_hit(&f.app, "quy hoạch cán bộ").await;
    let clause = hit["clause_id"].as_str().unwrap();
    let put = with_token(
        &f.app,
        Method::PUT,
        &tag_uri(clause, "cong-tac-can-bo"),
        Some(&f.lan),
    )
    .await;
    assert!(put.status.is_success(), "{}", put.text());
    for sector in ["cong-tac-can-bo", "xay-dung-dang"] {
        // No query: a sector alone browses its clauses.
        let answer = get(&f.app, &format!("/api/search?sector={sector}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let json = answer.json();
        let ids: Vec<&str> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["clause_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [clause], "{sector}");
    }
    // A sibling sub-sector does not.
    let json = get(&f.app, "/api/search?sector=kiem-tra-giam-sat-dang")
        .await
        .json();
    assert_eq!(json["total"], 0);
}

#[tokio::test]
async fn a_document_names_its_signer_and_offers_its_original_file() {
    let f = fixture();
    let json = get(&f.app, "/api/documents?").await.json();
    let docs = json
        .as_array()
        .or(json["documents"].as_array())
        .unwrap()
        .clone();
    let id = docs
        .iter()
        .find(|d| d["number"] == "03/NQ-CP")
        .map(|d| d["id"].as_str().unwrap().to_string())
        .unwrap();
    let doc = get(&f.app, &format!("/api/documents/{id}")).await.json();
    let meta = &doc["document"];
    assert_eq!(meta["signer"]["name"], "Nguyễn Hòa Bình", "{meta}");
    assert_eq!(meta["signer"]["title"], "PHÓ THỦ TƯỚNG");
    assert!(meta["recipients"].as_array().unwrap().len() > 3);
    let url = meta["source_url"].as_str().expect("the original is there");
    let file = get(&f.app, url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.body,
        std::fs::read(vankien_testkit::corpus_dir().join("03-NQ-CP.txt")).unwrap()
    );
    let disposition = file.header(header::CONTENT_DISPOSITION);
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("03-NQ-CP.txt"), "{disposition}");
    get(&f.app, "/api/documents/no-such-doc/source")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn an_original_file_changed_since_ingestion_is_not_handed_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("69-KL-TW.txt");
    std::fs::copy(vankien_testkit::corpus_dir().join("69-KL-TW.txt"), &file).unwrap();
    let index = dir.path().join("index");
    drop(vankien_testkit::index_of(
        &index,
        std::slice::from_ref(&file),
    ));
    let holder = Holder {
        pid: std::process::id(),
        role: "serve".into(),
        socket: None,
    };
    let (library, _) = Library::open(&index, &dir.path().join("data"), &holder).unwrap();
    let app = router(AppState::new(Arc::new(library), ServerConfig::default()));
    let list: Value = get(&app, "/api/documents").await.json();
    let docs = list
        .as_array()
        .or(list["documents"].as_array())
        .unwrap()
        .clone();
    let id = docs[0]["id"].as_str().unwrap().to_string();
    let url = format!("/api/documents/{id}/source");
    assert_eq!(get(&app, &url).await.status, StatusCode::OK);
    std::fs::write(&file, "Một văn bản khác.").unwrap();
    get(&app, &url)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let doc = get(&app, &format!("/api/documents/{id}")).await.json();
    assert!(doc["document"].get("source_url").is_none(), "{doc}");
}

#[tokio::test]
async fn tasks_filter_by_the_body_that_must_do_them() {
    let f = fixture();
    let json = get(&f.app, "/api/search?kind=task&limit=100").await.json();
    let bodies = json["facets"]["assignee"]
        .as_array()
        .expect("assignee facet");
    assert!(
        !bodies.is_empty(),
        "no task of the corpus names its body: {json}"
    );
    let body = bodies[0]["value"].as_str().unwrap().to_string();
    let count = bodies[0]["count"].as_u64().unwrap();
    // Typed without diacritics and in lower case, the body's name still filters.
    let typed = vankien_testkit::judged::folded_words(&body).join(" ");
    let answer = get(
        &f.app,
        &format!("/api/search?kind=task&limit=100&assignee={}", enc(&typed)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert!(json["total"].as_u64().unwrap() >= count, "{body}: {json}");
    for hit in json["hits"].as_array().unwrap() {
        let clause = get(
            &f.app,
            &format!("/api/clauses/{}", hit["clause_id"].as_str().unwrap()),
        )
        .await
        .json();
        let assignee = clause["clause"]["assignee"].as_str().unwrap_or_default();
        assert!(
            vankien_testkit::judged::folded_words(assignee)
                .join(" ")
                .contains(&typed),
            "{assignee:?} is not {body:?}"
        );
    }
    let unknown = get(&f.app, "/api/search?kind=task&assignee=bo+khong+co").await;
    assert!(valid_values(&unknown).contains(&body));
}
