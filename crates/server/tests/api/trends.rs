//! Trends and exports of a search on the corpus index: the year and issuer facets count every
//! matching clause exactly (a facet value used as a filter gives its count), and
//! `GET /api/search/export` gives every matching clause, in the page's order, as CSV or JSON
//! lines, with the search's filters, its counts in headers, and the same 400s as the search.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use serde_json::Value;
use vankien_index::SearchRequest;

use super::{enc, fixture, get};

/// `(value, count)` of a facet of a search answer.
fn facet(json: &Value, name: &str) -> BTreeMap<String, u64> {
    json["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no {name} facet in {json}"))
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn year_and_issuer_facets_count_every_match_and_filter_to_their_count() {
    let f = fixture();
    let json = get(&f.app, "/api/search?q=chuyen+doi+so&group=true")
        .await
        .json();
    let total = json["total"].as_u64().unwrap();
    let (years, issuers, docs) = (
        facet(&json, "year"),
        facet(&json, "issuer"),
        facet(&json, "doc"),
    );
    assert!(years.len() >= 3 && issuers.len() >= 3, "{json}");
    // Every corpus document has a date and an issuer: each facet adds up to the total.
    assert_eq!(years.values().sum::<u64>(), total);
    assert_eq!(issuers.values().sum::<u64>(), total);
    assert_eq!(docs.values().sum::<u64>(), total);
    // An issuer of two documents is one value, as its documents write it.
    assert!(issuers.contains_key("Bộ Chính trị"), "{issuers:?}");
    // Each value, as a filter, gives its count: a bar of the chart is what a click shows.
    for (year, n) in &years {
        let answer = get(&f.app, &format!("/api/search?q=chuyen+doi+so&year={year}")).await;
        assert_eq!(answer.json()["total"].as_u64(), Some(*n), "year {year}");
    }
    for (issuer, n) in &issuers {
        let answer = get(
            &f.app,
            &format!("/api/search?q=chuyen+doi+so&issuer={}", enc(issuer)),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.json()["total"].as_u64(), Some(*n), "issuer {issuer}");
    }
    // QUỐC HỘI is a whole issuer, not also the words inside ỦY BAN THƯỜNG VỤ QUỐC HỘI.
    let json = get(&f.app, "/api/search?q=nghi+quyet&issuer=quoc+hoi&limit=100")
        .await
        .json();
    let numbers: std::collections::BTreeSet<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["doc_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers.into_iter().collect::<Vec<_>>(),
        ["198/2025/QH15"],
        "{json}"
    );
    let json = get(&f.app, "/api/search?q=nghi+quyet&issuer=thuong+vu+quoc+hoi")
        .await
        .json();
    assert!(
        json["total"].as_u64().unwrap() > 0,
        "words inside a name still filter"
    );
}

#[tokio::test]
async fn the_csv_export_holds_every_matching_clause_in_the_pages_order() {
    let f = fixture();
    let search = get(&f.app, "/api/search?q=chuyen+doi+so&year=2025&limit=100")
        .await
        .json();
    let total = search["total"].as_u64().unwrap() as usize;
    assert!(total > 100, "more than a page: {total}");
    let answer = get(
        &f.app,
        "/api/search/export?format=csv&q=chuyen+doi+so&year=2025",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert!(
        answer
            .header(header::CONTENT_DISPOSITION)
            .starts_with("attachment;")
    );
    assert_eq!(
        answer.header("x-total-count".parse().unwrap()),
        total.to_string()
    );
    assert_eq!(
        answer.header("x-export-rows".parse().unwrap()),
        total.to_string()
    );
    assert!(answer.headers.get("x-export-truncated").is_none());
    let text = answer.text();
    let body = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    assert!(body.contains("\r\n"), "CRLF line ends");
    let rows = vankien_testkit::parse_csv(body);
    let head = &rows[0];
    assert_eq!(
        head,
        &vankien_server::search_export::CSV_COLUMNS.map(String::from)
    );
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows = &rows[1..];
    assert_eq!(rows.len(), total);
    // Best first, as the page: the first page's clauses in the same order.
    let page: Vec<&str> = search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["clause_id"].as_str().unwrap())
        .collect();
    let exported: Vec<&str> = rows.iter().map(|r| r[col("clause_id")].as_str()).collect();
    assert_eq!(&exported[..page.len()], &page[..]);
    let unique: std::collections::HashSet<&&str> = exported.iter().collect();
    assert_eq!(unique.len(), total, "each clause once");
    for r in rows {
        assert_eq!(r[col("year")], "2025", "{r:?}");
        assert!(r[col("doc_date")].starts_with("2025-"), "{r:?}");
        assert!(
            !r[col("text")].is_empty() && !r[col("issuer")].is_empty(),
            "{r:?}"
        );
        assert!(
            [
                "task",
                "target",
                "lesson",
                "basis",
                "article",
                "row",
                "paragraph"
            ]
            .contains(&r[col("kind")].as_str())
        );
    }
    // A row's text is the clause's own, whole.
    let first = &rows[0];
    let clause = get(&f.app, &format!("/api/clauses/{}", first[col("clause_id")]))
        .await
        .json();
    assert_eq!(
        clause["clause"]["text"].as_str(),
        Some(first[col("text")].as_str())
    );
    assert_eq!(
        clause["clause"]["section_path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("/"),
        first[col("section_path")]
    );
}

#[tokio::test]
async fn the_jsonl_export_takes_every_filter_of_the_search() {
    let f = fixture();
    let filters = "q=can+bo&kind=task&issuer=chinh+phu";
    let search = get(&f.app, &format!("/api/search?{filters}")).await.json();
    let total = search["total"].as_u64().unwrap() as usize;
    assert!(total > 0, "{search}");
    let answer = get(
        &f.app,
        &format!("/api/search/export?format=jsonl&{filters}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        "application/x-ndjson; charset=utf-8"
    );
    let text = answer.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect();
    assert_eq!(lines.len(), total);
    for l in &lines {
        assert_eq!(l["kind"], "task", "{l}");
        assert_eq!(l["kind_label"], "nhiệm vụ", "{l}");
        assert_eq!(l["issuer"], "CHÍNH PHỦ", "{l}");
        assert!(
            l["section_path"].is_array() && l["sectors"].is_array(),
            "{l}"
        );
        for key in [
            "doc_id",
            "doc_number",
            "doc_kind",
            "doc_date",
            "year",
            "clause_id",
            "text",
        ] {
            assert!(l.get(key).is_some(), "{key} in {l}");
        }
    }
    // No query, a filter alone: browses, as the search does.
    let json = get(&f.app, "/api/search?kind=lesson").await.json();
    let answer = get(&f.app, "/api/search/export?kind=lesson").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.text().lines().count() as u64,
        json["total"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn the_export_refuses_what_the_search_refuses() {
    let f = fixture();
    let answer = get(
        &f.app,
        "/api/search/export?format=csv&q=dang&issuer=bo+ngoai+giao",
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "unknown_filter");
    let valid = answer.json()["valid"].clone();
    assert!(
        valid
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "Bộ Chính trị"),
        "{valid}"
    );
    get(&f.app, "/api/search/export?q=dang&sector=no-such-sector")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "unknown_filter");
    for bad in [
        "format=xlsx&q=dang",
        "q=dang&limit=10",
        "q=dang&offset=10",
        "q=dang&kind=speech",
    ] {
        get(&f.app, &format!("/api/search/export?{bad}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    get(&f.app, "/api/search/export?format=csv")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "query_empty");
    get(&f.app, "/api/search/export?q=%22dang")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "query_unbalanced_quote");
}

#[tokio::test]
async fn an_export_past_its_maximum_is_the_best_clauses_and_says_how_many_match() {
    let f = fixture();
    let req = SearchRequest {
        query: "phát triển".into(),
        ..SearchRequest::default()
    };
    let library = f.state.library().clone();
    let all = library.matches(&req, usize::MAX).unwrap();
    assert!(all.len() > 20 && !all.truncated());
    let five = library.matches(&req, 5).unwrap();
    assert_eq!((five.total, five.len()), (all.total, 5));
    assert!(five.truncated());
    let ids = |m: &vankien_index::Matches, n: usize| -> Vec<String> {
        m.rows(0..n)
            .unwrap()
            .into_iter()
            .map(|r| r.clause_id)
            .collect()
    };
    assert_eq!(ids(&five, 10), ids(&all, 5), "the best five, and no more");
    // Read in pieces, the rows are the same as read at once.
    let pieces: Vec<String> = (0..all.len())
        .step_by(7)
        .flat_map(|start| ids_range(&all, start..start + 7))
        .collect();
    assert_eq!(pieces, ids(&all, all.len()));
}

fn ids_range(m: &vankien_index::Matches, range: std::ops::Range<usize>) -> Vec<String> {
    m.rows(range)
        .unwrap()
        .into_iter()
        .map(|r| r.clause_id)
        .collect()
}

/// The sectors column of the JSON lines export of `q` for clause `clause`, as `token` sees it.
async fn exported_sectors(f: &super::Fixture, q: &str, clause: &str, token: Option<&str>) -> Value {
    let answer = super::with_token(
        &f.app,
        axum::http::Method::GET,
        &format!("/api/search/export?q={}", enc(q)),
        token,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer
        .text()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["clause_id"] == clause)
        .unwrap_or_else(|| panic!("{clause} not exported"))["sectors"]
        .clone()
}

#[tokio::test]
async fn an_export_holds_back_others_tags_on_a_blind_clause_as_the_search_does() {
    let f = fixture();
    let q = "chuyen doi so";
    let hit = super::first_hit(&f.app, q).await;
    let (clause, doc) = (
        hit["clause_id"].as_str().unwrap(),
        hit["doc_id"].as_str().unwrap(),
    );
    let body = serde_json::json!({"doc_id": doc, "users": ["lan", "minh"], "blind": true});
    let request = axum::http::Request::post("/api/assignments")
        .header(header::AUTHORIZATION, format!("Bearer {}", f.admin))
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let made = super::send(&f.app, request).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let put = super::with_token(
        &f.app,
        axum::http::Method::PUT,
        &super::tag_uri(clause, "du-lich"),
        Some(&f.minh),
    )
    .await;
    assert!(put.status.is_success(), "{}", put.text());

    assert_eq!(
        exported_sectors(&f, q, clause, Some(&f.minh)).await,
        serde_json::json!(["du-lich"]),
        "the tagger sees her own tag"
    );
    assert_eq!(
        exported_sectors(&f, q, clause, Some(&f.lan)).await,
        serde_json::json!([]),
        "the other annotator of the blind assignment does not"
    );
    assert_eq!(
        exported_sectors(&f, q, clause, None).await,
        serde_json::json!([]),
        "nor does an anonymous reader"
    );
    assert_eq!(
        exported_sectors(&f, q, clause, Some(&f.admin)).await,
        serde_json::json!(["du-lich"]),
        "an admin sees every tag"
    );
}
