//! Sector suggestions over HTTP, in-process on the real corpus: `GET
//! /api/clauses/{clause_id}/suggestions` answers from the taxonomy's words before any tag,
//! learns from tags written over HTTP, never suggests a sector the clause carries, never writes
//! a tag itself, and answers 404 for a clause the index lacks.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::Value;
use vankien_library::suggest;

use common::*;

const DOC: &str = "35-2025-nq-hdnd.thanh-pho-hue.2025-11-18";
const ENVIRONMENT: &str = "tai-nguyen-moi-truong-thien-tai-bien-doi-khi-hau";

fn fixture_with_keywords() -> Fixture {
    let f = fixture();
    let corpus = root().join("corpus");
    let sectors = f.store.sectors().unwrap();
    let keywords = suggest::read_keywords(&corpus.join(suggest::KEYWORDS_FILE), &sectors).unwrap();
    f.state.library().suggester().set_keywords(keywords);
    f
}

async fn suggestions(f: &Fixture, clause_id: &str) -> Vec<Value> {
    let answer = get(&f.app, &format!("/api/clauses/{clause_id}/suggestions")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["clause_id"], clause_id.replace("%2F", "/"));
    let list = json["suggestions"].as_array().expect("a list").clone();
    assert!(list.len() <= 5, "{list:?}");
    for s in &list {
        assert!(
            s["sector"].is_string() && s["sector_name"].is_string(),
            "{s}"
        );
        assert!(s["score"].as_f64().is_some_and(|x| x > 0.0), "{s}");
        assert!(s["why"].as_str().is_some_and(|w| !w.is_empty()), "{s}");
    }
    list
}

fn sectors_of(list: &[Value]) -> Vec<&str> {
    list.iter().map(|s| s["sector"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn suggestions_learn_from_tags_and_never_tag() {
    let f = fixture_with_keywords();
    let clause = format!("{DOC}/chuong-i.dieu-1.p106");
    // Before any tag: the taxonomy's words (`rừng phòng hộ` is forestry's).
    let before = suggestions(&f, &clause).await;
    assert_eq!(sectors_of(&before)[0], "lam-nghiep", "{before:?}");
    assert!(
        before[0]["why"].as_str().unwrap().contains("từ khóa"),
        "{before:?}"
    );
    assert!(!sectors_of(&before).contains(&ENVIRONMENT));

    // Three rows of the same table tagged over HTTP: the model learns them at the next request,
    // and says which tagged clauses the suggestion comes from.
    let tagged: Vec<String> = ["p102", "p103", "p104"]
        .iter()
        .map(|p| format!("{DOC}/chuong-i.dieu-1.{p}"))
        .collect();
    for id in &tagged {
        let answer = with_token(&f.app, Method::PUT, &tag_uri(id, ENVIRONMENT), Some(&f.lan)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    }
    let after = suggestions(&f, &clause).await;
    let learnt = after
        .iter()
        .find(|s| s["sector"] == ENVIRONMENT)
        .unwrap_or_else(|| panic!("{ENVIRONMENT} not learnt: {after:?}"));
    let why = learnt["why"].as_str().unwrap();
    assert!(tagged.iter().any(|id| why.contains(id.as_str())), "{why}");

    // Asking tagged nothing; a suggestion applied by the annotator is suggested no more.
    assert!(f.store.clause_sectors(&clause).unwrap().is_empty());
    let answer = with_token(
        &f.app,
        Method::PUT,
        &tag_uri(&clause, ENVIRONMENT),
        Some(&f.lan),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let applied = suggestions(&f, &clause).await;
    assert!(!sectors_of(&applied).contains(&ENVIRONMENT), "{applied:?}");

    // The clause id percent-encoded is the same clause.
    let encoded = suggestions(&f, &clause.replace('/', "%2F")).await;
    assert_eq!(sectors_of(&encoded), sectors_of(&applied));
}

#[tokio::test]
async fn suggestions_have_no_write_path_and_unknown_clauses_are_404() {
    let f = fixture_with_keywords();
    get(&f.app, &format!("/api/clauses/{DOC}/nope/suggestions"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let clause = format!("{DOC}/chuong-i.dieu-1.p106");
    for method in [Method::PUT, Method::POST, Method::DELETE] {
        let answer = with_token(
            &f.app,
            method.clone(),
            &format!("/api/clauses/{clause}/suggestions"),
            Some(&f.admin),
        )
        .await;
        assert!(!answer.status.is_success(), "{method}: {}", answer.status);
    }
    assert!(f.store.sector_map().unwrap().is_empty());
    // The clause route itself still answers the clause.
    let answer = get(&f.app, &format!("/api/clauses/{clause}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["clause"]["id"], clause.as_str());
}
