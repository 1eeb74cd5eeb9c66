//! `GET /api/targets` on the corpus index: targets across documents lined up by indicator, the
//! filters, the facets, the CSV, and the 400 with the valid values for a filter naming nothing.

use axum::http::{StatusCode, header};

use super::{enc, fixture, get};

#[tokio::test]
async fn targets_line_up_across_documents_by_indicator() {
    let f = fixture();
    let answer = get(&f.app, "/api/targets").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    let targets = json["targets"].as_array().unwrap();
    assert_eq!(json["total"].as_u64(), Some(targets.len() as u64));
    assert!(targets.len() >= 80, "{}", targets.len());

    // A limit keeps the first rows and the count of all of them.
    let first = get(&f.app, "/api/targets?limit=5").await.json();
    assert_eq!(first["total"], json["total"]);
    assert_eq!(first["targets"].as_array().unwrap()[..], targets[..5]);
    assert_eq!(first["facets"], json["facets"]);
    for bad in ["limit=0", "limit=100001", "limit=five"] {
        let answer = get(&f.app, &format!("/api/targets?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.text().contains("limit"), "{bad}: {}", answer.text());
    }

    // The share of the digital economy in GDP, in two documents, lined up by its key.
    let answer = get(&f.app, "/api/targets?indicator=digital_economy_share").await;
    let json = answer.json();
    let rows: Vec<(String, f64, String, i64)> = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["doc_number"].as_str().unwrap().to_string(),
                t["low"].as_f64().unwrap(),
                t["unit"].as_str().unwrap().to_string(),
                t["year_to"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("57-NQ/TW".into(), 30.0, "% GDP".into(), 2030)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("175/NQ-CP".into(), 20.0, "% GDP".into(), 2025)),
        "{rows:?}"
    );
    assert_eq!(json["targets"][0]["indicator_name"], "Tỷ trọng kinh tế số");

    // One target as a whole: Thái Bình's urbanisation.
    let answer = get(&f.app, "/api/targets?indicator=urbanisation_rate").await;
    let t = &answer.json()["targets"][0];
    assert_eq!(t["indicator_text"], "Tỷ lệ đô thị hoá");
    assert_eq!(
        (t["comparator"].as_str(), t["comparator_symbol"].as_str()),
        (Some("ge"), Some("≥"))
    );
    assert_eq!(
        (t["low"].as_f64(), t["high"].as_f64()),
        (Some(30.0), Some(30.0))
    );
    assert_eq!(
        (t["unit"].as_str(), t["year_to"].as_i64()),
        (Some("%"), Some(2025))
    );
    assert_eq!(t["place"], "Thái Bình");
    assert_eq!(t["group"], "Đến năm 2025");
    assert!(
        t["clause_id"]
            .as_str()
            .unwrap()
            .starts_with(t["doc_id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn filters_combine_and_fold_and_facets_list_every_value() {
    let f = fixture();
    let all = get(&f.app, "/api/targets").await.json();
    let facets = &all["facets"];
    for name in ["indicators", "documents", "places", "years"] {
        let values = facets[name].as_array().unwrap();
        assert!(!values.is_empty(), "{name}");
        let sum: u64 = values.iter().map(|v| v["count"].as_u64().unwrap()).sum();
        if name == "indicators" || name == "documents" {
            assert_eq!(
                sum,
                all["total"].as_u64().unwrap(),
                "{name}: every target counted once"
            );
        }
    }
    // A place and a year, typed without diacritics; a document by its number however typed.
    let answer = get(&f.app, "/api/targets?place=thai+binh&year=2045")
        .await
        .json();
    let targets = answer["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    assert!(
        targets
            .iter()
            .all(|t| t["place"] == "Thái Bình" && t["year_to"] == 2045)
    );
    assert_eq!(
        answer["facets"], all["facets"],
        "facets are those of every target"
    );
    let by_number = get(&f.app, &format!("/api/targets?doc={}", enc("57/NQ-TW")))
        .await
        .json();
    let by_id = get(&f.app, "/api/targets?doc=57-nq-tw.2024-12-22")
        .await
        .json();
    assert_eq!(by_number["total"], by_id["total"]);
    assert!(
        by_id["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["doc_number"] == "57-NQ/TW")
    );
    // Free text on the indicator, in any spelling; `none` for the indicators outside the taxonomy.
    for q in ["đô thị hóa", "ĐÔ THỊ HOÁ", "do thi hoa"] {
        let answer = get(&f.app, &format!("/api/targets?q={}", enc(q)))
            .await
            .json();
        assert_eq!(answer["total"], 1, "{q}");
    }
    let none = get(&f.app, "/api/targets?indicator=none").await.json();
    let rows = none["targets"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|t| t["indicator"].is_null()));
}

#[tokio::test]
async fn unknown_filter_values_answer_400_with_the_valid_ones() {
    let f = fixture();
    for (uri, listed) in [
        ("/api/targets?indicator=nonsense", "urbanisation_rate"),
        ("/api/targets?doc=99-NQ%2FTW", "57-nq-tw.2024-12-22"),
        ("/api/targets?place=Atlantis", "Thái Bình"),
        ("/api/targets?year=1999", "2030"),
        ("/api/targets?format=xml", "csv"),
    ] {
        let answer = get(&f.app, uri).await;
        answer.assert_error(StatusCode::BAD_REQUEST, "bad_request");
        let message = answer.json()["message"].as_str().unwrap().to_string();
        assert!(
            message.contains("valid: ") && message.contains(listed),
            "{uri}: {message}"
        );
    }
    for uri in [
        "/api/targets?year=20",
        "/api/targets?colour=red",
        "/api/targets?q=a&q=b",
    ] {
        get(&f.app, uri)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
}

#[tokio::test]
async fn targets_download_as_csv_with_the_same_rows() {
    let f = fixture();
    let json = get(&f.app, "/api/targets?indicator=rnd_spending")
        .await
        .json();
    let answer = get(&f.app, "/api/targets?indicator=rnd_spending&format=csv").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert!(
        answer
            .header(header::CONTENT_DISPOSITION)
            .contains("vankien-targets.csv")
    );
    let text = answer.text();
    let mut lines = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark")
        .lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("indicator,indicator_name,indicator_text,comparator")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, json["total"].as_u64().unwrap());
    assert!(
        rows.iter().all(|r| r.starts_with("rnd_spending,")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains(",gt,,2,2,2,% GDP,,2020,20-NQ/TW,")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn the_targets_page_and_its_files_are_served() {
    let f = fixture();
    let page = get(&f.app, "/targets").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let html = page.text();
    assert!(html.contains("<html lang=\"vi\">") && html.contains("Chỉ tiêu qua các văn kiện"));
    assert!(html.contains(r#"<script type="module" src="/static/targets.js">"#));
    for (file, kind) in [
        ("targets.js", "text/javascript"),
        ("targets.css", "text/css"),
    ] {
        let answer = get(&f.app, &format!("/static/{file}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        assert!(
            answer.header(header::CONTENT_TYPE).starts_with(kind),
            "{file}"
        );
    }
    let main = get(&f.app, "/").await.text();
    assert!(
        main.contains(r#"href="/targets""#),
        "the main page links the targets page"
    );
}
