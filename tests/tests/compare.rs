//! Comparing two documents in a real browser, against the real binary: from the document view of
//! 20-NQ/TW, "So sánh với…" chooses 69-KL/TW; the comparison shows both side by side, each row
//! with its status, a reworded pair's deleted words on A's side and inserted words on B's, new
//! and dropped clauses with an empty side; a bad address says what is wrong in Vietnamese.

#[macro_use]
mod browser;

use std::time::Duration;

use browser::*;
use fantoccini::Client;
use serde_json::Value;
use vankien_tests::{Server, target_dir};

fn doc_id(server: &Server, number: &str) -> String {
    let docs = server.get("/api/documents").json;
    let list = docs.as_array().or(docs["documents"].as_array()).cloned();
    list.unwrap_or_default()
        .iter()
        .find(|d| d["number"] == number)
        .and_then(|d| d["id"].as_str())
        .unwrap_or_else(|| panic!("{number} is in the corpus"))
        .to_string()
}

async fn drive(
    c: &Client,
    base: &str,
    a: &str,
    b: &str,
    first_reworded: (String, String),
) -> Step<()> {
    // 1. The document view offers the other documents to compare with.
    c.goto(&format!("{base}/#/doc/{a}"))
        .await
        .ctx("open 20-NQ/TW")?;
    wait_css(c, &format!("#doc-compare option[value='{b}']")).await?;
    c.execute(
        "const s = document.getElementById('doc-compare'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        vec![Value::from(b)],
    )
    .await
    .ctx("choose 69-KL/TW")?;

    // 2. The comparison, side by side.
    wait_css(c, "#view-compare:not([hidden]) [data-testid=compare-row]").await?;
    let hash = c
        .execute("return location.hash;", vec![])
        .await
        .ctx("hash")?;
    let hash = hash.as_str().unwrap_or_default().to_string();
    check!(
        hash.starts_with("#/compare?")
            && hash.contains(&format!("a={a}"))
            && hash.contains(&format!("b={b}")),
        "the address names both documents: {hash}"
    );
    let head = poll(c, &text_of("#compare-b-name"), |v| {
        v.as_str().is_some_and(|s| s.contains("69-KL/TW"))
    })
    .await?;
    check!(
        head.as_str().unwrap_or_default().contains("69-KL/TW"),
        "B is named: {head}"
    );
    let summary = c
        .execute(&text_of("#compare-summary"), vec![])
        .await
        .ctx("summary")?;
    check!(
        summary.as_str().unwrap_or_default().contains("Sửa đổi:"),
        "the counts are labelled in Vietnamese: {summary}"
    );
    // Each row: a status, A's side and B's side; every task of B is on some row.
    let rows = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=compare-row]')].map(r => [r.dataset.status, r.querySelector('[data-testid=compare-status]').textContent, r.querySelector('[data-testid=compare-a]').classList.contains('is-empty'), r.querySelector('[data-testid=compare-b]').classList.contains('is-empty')]);",
            vec![],
        )
        .await
        .ctx("rows")?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    check!(rows.len() >= 19, "at least B's 19 tasks: {}", rows.len());
    let with_b = rows.iter().filter(|r| r[3] == false).count();
    check!(with_b == 19, "each of B's 19 tasks once: {with_b}");
    for r in &rows {
        let (status, a_empty, b_empty) = (r[0].as_str().unwrap_or(""), r[2] == true, r[3] == true);
        let ok = match status {
            "new" => a_empty && !b_empty && r[1] == "Mới",
            "dropped" => !a_empty && b_empty && r[1] == "Bỏ",
            "reworded" => !a_empty && !b_empty && r[1] == "Sửa đổi",
            "kept" => !a_empty && !b_empty,
            _ => false,
        };
        check!(ok, "a row's sides agree with its status: {r}");
    }
    // A reworded pair: deleted words on A's side only, inserted on B's only.
    let marks = c
        .execute(
            "const r = document.querySelector('[data-testid=compare-row][data-status=reworded]'); return r ? [r.querySelectorAll('[data-testid=compare-a] del').length, r.querySelectorAll('[data-testid=compare-a] ins').length, r.querySelectorAll('[data-testid=compare-b] ins').length, r.querySelectorAll('[data-testid=compare-b] del').length] : null;",
            vec![],
        )
        .await
        .ctx("diff marks")?;
    check!(
        marks
            .as_array()
            .is_some_and(|m| m[0].as_u64() > Some(0) || m[2].as_u64() > Some(0))
            && marks[1] == 0
            && marks[3] == 0,
        "a reworded row marks A's deleted and B's inserted words: {marks}"
    );
    // Its two sides read as the two clauses as written, the marks included.
    let sides = c
        .execute(
            "const r = document.querySelector('[data-testid=compare-row][data-status=reworded]'); return [r.querySelector('[data-testid=compare-a] .compare-text').textContent, r.querySelector('[data-testid=compare-b] .compare-text').textContent];",
            vec![],
        )
        .await
        .ctx("reworded sides")?;
    check!(
        sides[0] == first_reworded.0.as_str() && sides[1] == first_reworded.1.as_str(),
        "the sides of the first reworded row are A's and B's clauses: {sides} vs {first_reworded:?}"
    );
    screenshot(c, &target_dir().join("e2e-screenshot-compare.png")).await?;

    // 3. A document the index does not hold: the page says so.
    c.goto(&format!("{base}/#/compare?a={a}&b=99-NQ%2FTW"))
        .await
        .ctx("open a bad comparison")?;
    let status = poll(c, &text_of("#compare-status"), |v| {
        v.as_str()
            .is_some_and(|s| !s.is_empty() && !s.contains("Đang"))
    })
    .await?;
    let rows = c
        .execute(
            "return document.querySelectorAll('[data-testid=compare-row]').length;",
            vec![],
        )
        .await
        .ctx("rows after the error")?;
    check!(rows == 0, "no rows for a bad comparison: {rows}");
    check!(
        status.as_str().is_some_and(|s| !s.is_empty()),
        "an error is shown: {status}"
    );
    Ok(())
}

#[test]
fn two_documents_compare_side_by_side_from_the_document_view() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&tmp.path().join("index"), &tmp.path().join("data"));
    let (a, b) = (doc_id(&server, "20-NQ/TW"), doc_id(&server, "69-KL/TW"));
    let api = server.get(&format!("/api/compare?a={a}&b={b}")).json;
    let row = api["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["status"] == "reworded"))
        .cloned()
        .unwrap_or_else(|| panic!("a reworded row: {api}"));
    let text = |side: &str| row[side]["text"].as_str().unwrap_or_default().to_string();
    let first_reworded = (text("a"), text("b"));
    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let shot = target_dir().join("e2e-compare-failure.png");
    let outcome: Step<()> = browser.run(Duration::from_secs(120), &shot, async |c| {
        drive(c, &server.base, &a, &b, first_reworded).await
    });
    if let Err(err) = outcome {
        panic!(
            "compare browser test failed: {err}\nserver log:\n{}",
            server.log_text()
        );
    }
}
