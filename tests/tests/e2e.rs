//! End-to-end tests against the real `vankien` binary: plain HTTP checks (health, search, a tag that
//! survives SIGKILL and restarts), a folder of real documents in every format ingested and served
//! (bad files named), a real headless Chromium driving the page through search, tagging, a
//! reload and a sector filter, the search's trend charts and export links (`e2e/trends.rs`),
//! the document view's relations block, the page's first page before its counts, with a
//! total that is a lower bound (`e2e/counts.rs`), and a search the server refused as too busy,
//! sent again (`e2e/busy.rs`, against a server in this process whose permits the test holds).
//!
//! The binary is not built here: see `vankien_tests::vankien_bin` (build it first with
//! `cargo build -p vankien-cli`). The browser test needs Debian's `chromium` and
//! `chromium-driver`; without them it prints `SKIPPED: …` and passes, unless
//! `VANKIEN_REQUIRE_BROWSER=1`, which turns their absence into a failure (CI sets it).

#[macro_use]
mod browser;
#[path = "e2e/busy.rs"]
mod busy;
#[path = "e2e/counts.rs"]
mod counts;
#[path = "e2e/trends.rs"]
mod trends;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use browser::*;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use vankien_ingest::normalize::{folded_key, words};
use vankien_tests::{Server, add_annotator, clause_path, encode_component, target_dir};

/// The query typed without diacritics: it must find `nông thôn mới`.
const QUERY: &str = "nong thon moi";
/// How a sector is found in the picker, again without diacritics.
const SECTOR_QUERY: &str = "nong nghiep";

/// Folds a phrase word by word with the project's one normalization module.
fn fold_phrase(text: &str) -> String {
    words(text)
        .map(|(_, w)| folded_key(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn search_path(q: &str, extra: &str) -> String {
    format!("/api/search?q={}&limit=50{extra}", encode_component(q))
}

/// The texts inside `<mark>…</mark>` of a snippet.
fn marked_words(snippet: &str) -> Vec<String> {
    snippet
        .split("<mark>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</mark>").map(|(m, _)| m.to_string()))
        .collect()
}

/// The sectors of `GET /api/sectors` (a list, or an object with a `sectors` list).
fn sectors(server: &Server) -> Vec<Value> {
    let reply = server.get("/api/sectors");
    assert_eq!(reply.status, 200, "GET /api/sectors: {}", reply.text);
    let list = match &reply.json {
        Value::Array(list) => list.clone(),
        other => other["sectors"].as_array().cloned().unwrap_or_default(),
    };
    assert!(!list.is_empty(), "no sectors: {}", reply.text);
    list
}

/// The agriculture sector (`Nông nghiệp, nông thôn và thủy sản`), found by its folded name.
fn agriculture_sector(server: &Server) -> String {
    let all = sectors(server);
    let found = all
        .iter()
        .find(|s| fold_phrase(s["name"].as_str().unwrap_or_default()).contains(SECTOR_QUERY));
    let sector = found.unwrap_or_else(|| panic!("no sector named nông nghiệp in {all:?}"));
    sector["id"].as_str().expect("sector id").to_string()
}

/// The users who hold a live tag `sector_id` on `clause_id`, from `GET /api/clauses/{id}`.
fn taggers(server: &Server, clause_id: &str, sector_id: &str) -> Vec<String> {
    let reply = server.get(&clause_path(clause_id));
    assert_eq!(reply.status, 200, "GET clause {clause_id}: {}", reply.text);
    let tags = reply.json["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("no tags list in {}", reply.text));
    tags.iter()
        .filter(|t| t["sector"] == sector_id || t["sector_id"] == sector_id)
        .map(|t| {
            assert!(
                t["at"].as_str().is_some_and(|at| !at.is_empty()),
                "a tag without a time: {t}"
            );
            t["user"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

/// The clause ids a search for [`QUERY`] filtered by `sector_id` returns; checks every hit carries
/// the sector.
fn filtered_hits(server: &Server, sector_id: &str) -> Vec<String> {
    let path = search_path(QUERY, &format!("&sector={}", encode_component(sector_id)));
    let reply = server.get(&path);
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
    let hits = reply.json["hits"].as_array().cloned().unwrap_or_default();
    for hit in &hits {
        let sectors = hit["sectors"].as_array().cloned().unwrap_or_default();
        assert!(
            sectors.iter().any(|s| s == sector_id),
            "a hit outside sector {sector_id}: {hit}"
        );
    }
    hits.iter()
        .map(|h| h["clause_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The development set's files, in the ingest crate's test fixtures.
fn realdoc(name: &str) -> PathBuf {
    vankien_tests::workspace_root()
        .join("crates/ingest/tests/realdocs")
        .join(name)
}

#[test]
fn a_folder_of_real_documents_in_every_format_is_ingested_served_and_bad_files_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // A PDF, a Word file, a Word 97 file and a portal's Markdown, named as a user might: the
    // content decides what each is.
    for (from, to) in [
        ("122-NQ-CP-2026.pdf", "nghi-quyet-122.pdf"),
        ("07-CT-TTg-2012.docx", "chi-thi-07.docx"),
        ("38-2025-TT-BCT.doc", "thong-tu-38.doc"),
        ("659-TB-VPCP-2025.md", "thong-bao-659.txt"),
        ("02-2023-TB-LPQT-no-text-layer.pdf", "thong-bao-scan.pdf"),
    ] {
        std::fs::copy(realdoc(from), docs.join(to)).unwrap();
    }
    let docx = std::fs::read(realdoc("07-CT-TTg-2012.docx")).unwrap();
    std::fs::write(docs.join("broken.docx"), &docx[..docx.len() / 2]).unwrap();
    std::fs::write(docs.join("scan.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();

    let index = tmp.path().join("index");
    let data = tmp.path().join("data");
    let out = Command::new(vankien_tests::vankien_bin())
        .arg("ingest")
        .arg("--index")
        .arg(&index)
        .arg("--data")
        .arg(&data)
        .arg(&docs)
        .output()
        .expect("run vankien ingest");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Failed files make the exit code 1; every skipped or failed file is named with why.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = |file: &str| {
        stderr
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no line names {file}:\n{stderr}"))
            .to_string()
    };
    assert!(
        line("scan.png").starts_with("vankien: skipped ")
            && line("scan.png").ends_with("not a document (a PNG image)"),
        "{stderr}"
    );
    let scan = line("thong-bao-scan.pdf");
    assert!(
        scan.starts_with("vankien: failed ")
            && scan.contains("no text layer")
            && scan.contains("OCR"),
        "{scan}"
    );
    assert!(
        line("broken.docx").contains("cannot read this docx file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 added") && stderr.contains("1 skipped, 2 failed"),
        "{stderr}"
    );

    // Served: each document with its format; the PDF's clauses with their pages, the tasks of
    // an assignee heading with who must do them.
    let server = Server::start(&index, &data);
    let list = server.get("/api/documents");
    assert_eq!(list.status, 200, "{}", list.text);
    // The server also serves the bundled corpus (`--corpus`): keep the folder's documents, by
    // their file names (answers never show the server's folders).
    let names: Vec<String> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let ids: Vec<String> = list.json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["source"]
                .as_str()
                .is_some_and(|s| names.iter().any(|n| n == s))
        })
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4, "{}", list.text);
    let mut formats = Vec::new();
    for id in &ids {
        let doc = server.get(&format!("/api/documents/{}", encode_component(id)));
        assert_eq!(doc.status, 200, "{}", doc.text);
        formats.push(doc.json["document"]["format"].as_str().unwrap().to_string());
        if doc.json["document"]["format"] == "pdf" {
            assert_eq!(doc.json["document"]["number"], "122/NQ-CP");
            assert!(doc.json["document"]["page_count"].as_u64().unwrap() > 1);
            let clauses = doc.json["clauses"].as_array().unwrap();
            assert!(
                clauses.iter().all(|c| c["pages"].is_array()),
                "a clause without pages"
            );
            let last = clauses.last().unwrap()["pages"][1].as_u64().unwrap();
            assert!(last > 1, "every clause on page 1");
            assert!(
                clauses
                    .iter()
                    .any(|c| c["assignee"] == "Bộ Tài chính" && c["kind"] == "task"),
                "no task of Bộ Tài chính"
            );
        }
    }
    formats.sort();
    assert_eq!(formats, ["doc", "docx", "markdown", "pdf"]);
    // Found by search, typed without diacritics, in the PDF's words.
    let hits = server.get(&search_path("bo tai chinh chu tri", ""));
    assert_eq!(hits.status, 200, "{}", hits.text);
    assert!(hits.json["total"].as_u64().unwrap() > 0, "{}", hits.text);
}

#[test]
fn http_search_finds_clauses_without_diacritics_and_a_tag_survives_sigkill() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let index = tmp.path().join("index");
    let data = tmp.path().join("data");
    let server = Server::start(&index, &data);

    let health = server.get("/api/health");
    assert_eq!(health.status, 200, "health: {}", health.text);

    // The page and its files are served by the binary itself.
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains(r#"<html lang="vi">"#),
        "not the page: {}",
        page.text
    );
    assert!(page.text.contains("/static/app.js"));
    for file in ["app.js", "app.css"] {
        let reply = server.get(&format!("/static/{file}"));
        assert_eq!(reply.status, 200, "/static/{file}");
        assert!(reply.text.len() > 1000, "/static/{file} is nearly empty");
    }

    // Searching without diacritics finds clauses with them, and marks the matched words.
    let reply = server.get(&search_path(QUERY, ""));
    assert_eq!(reply.status, 200, "search: {}", reply.text);
    let total = reply.json["total"].as_u64().expect("total");
    let hits = reply.json["hits"].as_array().expect("hits").clone();
    assert!(
        total >= 1 && !hits.is_empty(),
        "nothing found for {QUERY}: {}",
        reply.text
    );
    let query_words: Vec<&str> = QUERY.split(' ').collect();
    let first = &hits[0];
    let snippet = first["snippet"].as_str().expect("snippet");
    let marks = marked_words(snippet);
    assert!(
        !marks.is_empty(),
        "no <mark> in the best hit's snippet: {snippet}"
    );
    for m in &marks {
        let folded = fold_phrase(m);
        assert!(
            folded.split(' ').all(|w| query_words.contains(&w)),
            "marked {m:?} (folded {folded:?}) is not a query word"
        );
    }
    assert!(
        fold_phrase(first["text"].as_str().expect("text")).contains(QUERY),
        "the best hit does not contain the phrase: {first}"
    );
    for facet in ["doc", "kind", "sector", "year"] {
        assert!(
            reply.json["facets"][facet].is_array(),
            "facet {facet} missing: {}",
            reply.text
        );
    }
    let clause_id = first["clause_id"].as_str().expect("clause_id").to_string();

    // Writing needs a valid token.
    let token = add_annotator(&data, "tester");
    let sector_id = agriculture_sector(&server);
    let tag_path = format!(
        "{}/sectors/{}",
        clause_path(&clause_id),
        encode_component(&sector_id)
    );
    assert_eq!(
        server.put(&tag_path, None).status,
        401,
        "a tag without a token"
    );
    assert_eq!(
        server.put(&tag_path, Some("not-a-token")).status,
        401,
        "a tag with a bad token"
    );
    assert!(taggers(&server, &clause_id, &sector_id).is_empty());

    // As the page asks: answered once search shows the tag, so the filter right after finds it.
    let put = server.put(&format!("{tag_path}?wait=true"), Some(&token));
    assert!(is_success(put.status), "tag: {} {}", put.status, put.text);
    assert_eq!(put.json["mirrored"], true, "{}", put.text);
    assert_eq!(taggers(&server, &clause_id, &sector_id), ["tester"]);
    assert!(filtered_hits(&server, &sector_id).contains(&clause_id));

    // SIGKILL right after the acknowledged write, then restart on the same directories.
    server.kill9();
    let server = Server::start(&index, &data);
    assert_eq!(
        taggers(&server, &clause_id, &sector_id),
        ["tester"],
        "the tag did not survive SIGKILL"
    );
    assert!(
        filtered_hits(&server, &sector_id).contains(&clause_id),
        "after SIGKILL the sector filter lost the clause"
    );

    // A fresh index (deleted or rebuilt) never touches annotations: the mirror is rebuilt.
    server.kill9();
    let fresh_index = tmp.path().join("index-rebuilt");
    let server = Server::start(&fresh_index, &data);
    assert_eq!(taggers(&server, &clause_id, &sector_id), ["tester"]);
    assert!(
        filtered_hits(&server, &sector_id).contains(&clause_id),
        "a rebuilt index lost the sector of a tagged clause"
    );

    // Undoing the tag is durable too.
    let del = server.delete(&tag_path, Some(&token));
    assert!(is_success(del.status), "untag: {} {}", del.status, del.text);
    assert!(taggers(&server, &clause_id, &sector_id).is_empty());
    server.kill9();
    let server = Server::start(&fresh_index, &data);
    assert!(
        taggers(&server, &clause_id, &sector_id).is_empty(),
        "the untag was lost"
    );
    assert!(!filtered_hits(&server, &sector_id).contains(&clause_id));
}

/// What the result list shows: the hash, whether a search is running, and for each result its
/// clause id and sector chips.
const RESULTS_SCRIPT: &str = r#"
    const results = document.querySelector('[data-testid="results"]');
    return {
        hash: location.hash,
        busy: results.getAttribute('aria-busy') === 'true',
        status: document.querySelector('[data-testid="result-count"]').textContent,
        hits: [...document.querySelectorAll('[data-testid="result-item"]')].map((e) => ({
            id: e.getAttribute('data-clause-id'),
            sectors: [...e.querySelectorAll('[data-testid="result-sector-chip"]')]
                .map((s) => s.getAttribute('data-sector-id')),
        })),
    };
"#;

/// The browser session: search, open, sign in, tag, reload, filter.
async fn drive(c: &Client, base: &str, token: &str, shots: &Path) -> Step<()> {
    c.goto(&format!("{base}/")).await.ctx("open the page")?;
    let lang = c
        .find(Locator::Css("html"))
        .await
        .ctx("html")?
        .attr("lang")
        .await
        .ctx("lang")?;
    check!(
        lang.as_deref() == Some("vi"),
        "the page is not in Vietnamese: lang={lang:?}"
    );

    // 1. Type without diacritics; results arrive as we type, with the matched words marked.
    let input = wait_css(c, r#"[data-testid="search-input"]"#).await?;
    input.send_keys(QUERY).await.ctx("type the query")?;
    let mark = wait_css(c, r#"[data-testid="result-item"] mark"#).await?;
    let marked = fold_phrase(&mark.text().await.ctx("mark text")?);
    check!(
        marked.split(' ').all(|w| QUERY.split(' ').any(|q| q == w)),
        "the highlighted word {marked:?} is not a query word"
    );
    let status = c
        .find(Locator::Css(r#"[data-testid="result-count"]"#))
        .await
        .ctx("result count")?
        .text()
        .await
        .ctx("result count text")?;
    check!(
        status.starts_with("Tìm thấy"),
        "result count says {status:?}"
    );
    let url = c.current_url().await.ctx("url")?;
    check!(
        url.fragment().is_some_and(|f| f.contains("q=nong")),
        "the query is not in the URL: {url}"
    );

    // 2. Open the document of the first highlighted result, at that clause.
    let item = c
        .find(Locator::Css(r#"[data-testid="result-item"]:has(mark)"#))
        .await
        .ctx("a result with a highlight")?;
    let clause_id = item
        .attr("data-clause-id")
        .await
        .ctx("clause id")?
        .ok_or("a result without data-clause-id")?;
    check!(
        !clause_id.contains(['"', '\\']),
        "clause id {clause_id:?} cannot go into a CSS selector"
    );
    item.find(Locator::Css(r#"[data-testid="result-doc-link"]"#))
        .await
        .ctx("result doc link")?
        .click()
        .await
        .ctx("open the document")?;
    let clause_css = format!(r#"[data-testid="clause"][data-clause-id="{clause_id}"]"#);
    wait_css(c, &format!("{clause_css}.is-target")).await?;
    let title = wait_css(c, r#"[data-testid="doc-title"]"#)
        .await?
        .text()
        .await
        .ctx("title")?;
    check!(!title.trim().is_empty(), "the document has no title");

    // 3. A reader who is not signed in sees no tagging controls. A wrong token is refused at
    //    once, with a message; the right one signs in and the header says who.
    let controls = c
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"tag-button\"], \
             [data-testid=\"history-button\"]')].filter((b) => !b.hidden).length;",
            vec![],
        )
        .await
        .ctx("count tagging controls")?;
    check!(controls == 0, "a reader sees {controls} tagging controls");
    click(c, r#"[data-testid="login-button"]"#).await?;
    let token_input = wait_css(c, r#"[data-testid="token-input"]"#).await?;
    token_input
        .send_keys("vk_0000_not-a-token")
        .await
        .ctx("type a wrong token")?;
    click(c, r#"[data-testid="token-save"]"#).await?;
    let refused = poll(c, &text_of(r#"[data-testid="auth-error"]"#), |v| {
        v.as_str().is_some_and(|t| !t.is_empty())
    })
    .await?;
    check!(
        refused.as_str().is_some_and(|t| t.contains("Mã truy cập")),
        "a wrong token reads {refused}"
    );
    let still_out = c
        .execute(
            "return document.getElementById('auth-signed-in').hidden;",
            vec![],
        )
        .await
        .ctx("signed-in box")?;
    check!(still_out == true, "a wrong token signed in");
    token_input.clear().await.ctx("clear the token")?;
    token_input.send_keys(token).await.ctx("type the token")?;
    click(c, r#"[data-testid="token-save"]"#).await?;
    wait_css(c, "#auth-signed-in:not([hidden])").await?;
    let who = poll(c, &text_of(r#"[data-testid="auth-state"]"#), |v| {
        v.as_str().is_some_and(|t| t.contains("tester"))
    })
    .await?;
    check!(
        who.as_str().is_some_and(|t| t.contains("người gắn nhãn")),
        "the header says {who}"
    );

    // 4. Tag the clause with the keyboard: type the sector without diacritics, Enter.
    click(c, &format!(r#"{clause_css} [data-testid="tag-button"]"#)).await?;
    let picker = wait_css(
        c,
        &format!(r#"{clause_css} [data-testid="sector-picker-input"]"#),
    )
    .await?;
    picker.send_keys(SECTOR_QUERY).await.ctx("filter sectors")?;
    let option = wait_css(c, r#"[data-testid="sector-option"]"#).await?;
    let sector_id = option
        .attr("data-sector-id")
        .await
        .ctx("sector id")?
        .ok_or("an option without data-sector-id")?;
    let option_text = fold_phrase(&option.text().await.ctx("option text")?);
    check!(
        option_text.contains(SECTOR_QUERY),
        "the first option for {SECTOR_QUERY:?} is {option_text:?}"
    );
    let options = c
        .find_all(Locator::Css(r#"[data-testid="sector-option"]"#))
        .await
        .ctx("options")?;
    for o in &options {
        let text = fold_phrase(&o.text().await.ctx("option text")?);
        check!(
            text.contains(SECTOR_QUERY),
            "the filter let {text:?} through"
        );
    }
    screenshot(c, &shots.join("e2e-screenshot-picker.png")).await?;
    picker
        .send_keys(&Key::Enter.to_string())
        .await
        .ctx("press Enter")?;
    let chip_css =
        format!(r#"{clause_css} [data-testid="sector-chip"][data-sector-id="{sector_id}"]"#);
    let by = wait_css(c, &format!(r#"{chip_css} [data-testid="chip-by"]"#))
        .await?
        .text()
        .await
        .ctx("who tagged")?;
    check!(by == "tester", "the chip says it was tagged by {by:?}");
    picker
        .send_keys(&Key::Escape.to_string())
        .await
        .ctx("press Escape")?;
    let hidden = poll(
        c,
        r#"return document.querySelector('[data-testid="sector-picker"]').hidden;"#,
        |v| v == true,
    )
    .await?;
    check!(hidden == true, "Escape did not close the picker");

    // 5. Who tagged it, and when.
    click(
        c,
        &format!(r#"{clause_css} [data-testid="history-button"]"#),
    )
    .await?;
    let history = wait_css(
        c,
        &format!(r#"{clause_css} [data-testid="tag-history-item"]"#),
    )
    .await?
    .text()
    .await
    .ctx("history text")?;
    check!(
        history.contains("tester"),
        "the history does not name the tagger: {history:?}"
    );

    // 6. Reload: the chip and the history come from the server now.
    c.refresh().await.ctx("reload")?;
    wait_css(c, &format!("{clause_css}.is-target")).await?;
    wait_css(c, &chip_css).await?;
    click(
        c,
        &format!(r#"{clause_css} [data-testid="history-button"]"#),
    )
    .await?;
    wait_css(
        c,
        &format!(r#"{clause_css} [data-testid="tag-history-item"]"#),
    )
    .await?;
    screenshot(c, &shots.join("e2e-screenshot.png")).await?;

    // 7. Search again and filter by the sector: the clause is there, and only tagged clauses.
    let input = wait_css(c, r#"[data-testid="search-input"]"#).await?;
    input.clear().await.ctx("clear the search box")?;
    input.send_keys(QUERY).await.ctx("type the query again")?;
    wait_css(c, r#"[data-testid="result-item"]"#).await?;
    let option_css = format!(r#"[data-testid="filter-sector"] option[value="{sector_id}"]"#);
    wait_css(c, &option_css).await?;
    c.find(Locator::Css(r#"[data-testid="filter-sector"]"#))
        .await
        .ctx("sector filter")?
        .select_by_value(&sector_id)
        .await
        .ctx("choose the sector filter")?;
    let sector_param = format!("sector={}", encode_component(&sector_id));
    let shown = poll(c, RESULTS_SCRIPT, |v| {
        v["hash"]
            .as_str()
            .is_some_and(|h| h.contains(&sector_param))
            && v["busy"] == false
            && v["hits"].as_array().is_some_and(|hits| {
                hits.iter().any(|h| h["id"] == clause_id.as_str())
                    && hits.iter().all(|h| {
                        h["sectors"]
                            .as_array()
                            .is_some_and(|s| s.contains(&json!(sector_id)))
                    })
            })
    })
    .await?;
    let hits = shown["hits"].as_array().cloned().unwrap_or_default();
    check!(
        hits.iter().any(|h| h["id"] == clause_id.as_str()),
        "filtering by {sector_id} did not show {clause_id}: {shown}"
    );
    check!(
        hits.iter().all(|h| h["sectors"]
            .as_array()
            .is_some_and(|s| s.contains(&json!(sector_id)))),
        "filtering by {sector_id} showed untagged clauses: {shown}"
    );
    screenshot(c, &shots.join("e2e-screenshot-search.png")).await?;

    // 8. Back undoes the filter: the state lives in the URL.
    c.back().await.ctx("go back")?;
    let back = poll(c, RESULTS_SCRIPT, |v| {
        v["hash"]
            .as_str()
            .is_some_and(|h| h.contains("q=") && !h.contains("sector="))
            && v["busy"] == false
    })
    .await?;
    check!(
        back["hash"]
            .as_str()
            .is_some_and(|h| !h.contains("sector=")),
        "Back did not remove the filter: {back}"
    );

    // 9. The clause's permalink opens it; undoing the tag removes the chip, also after a reload.
    let permalink = c
        .find(Locator::Css(&format!(
            r#"[data-testid="result-item"][data-clause-id="{clause_id}"] [data-testid="result-doc-link"]"#
        )))
        .await
        .ctx("the result's link")?
        .attr("href")
        .await
        .ctx("href")?
        .ok_or("a result link without href")?;
    check!(
        permalink.starts_with("#/clause/"),
        "not a clause permalink: {permalink}"
    );
    c.goto(&format!("{base}/{permalink}"))
        .await
        .ctx("open the permalink")?;
    wait_css(c, &format!("{clause_css}.is-target")).await?;
    click(c, &format!(r#"{chip_css} [data-testid="chip-remove"]"#)).await?;
    let chip_count = format!(
        "return document.querySelectorAll('{}').length;",
        chip_css.replace('\'', "\\'")
    );
    let left = poll(c, &chip_count, |v| v == 0).await?;
    check!(left == 0, "the chip stayed after undoing the tag");
    c.refresh().await.ctx("reload after undo")?;
    wait_css(c, &format!("{clause_css}.is-target")).await?;
    let left = c.execute(&chip_count, vec![]).await.ctx("count chips")?;
    check!(left == 0, "the undone tag came back after a reload");

    // 10. A query that no clause has in full: the page says so and shows the nearest clauses.
    c.goto(&format!("{base}/"))
        .await
        .ctx("open the page again")?;
    let input = wait_css(c, r#"[data-testid="search-input"]"#).await?;
    input
        .send_keys(&format!("{QUERY} xyzzy"))
        .await
        .ctx("type a query with an unknown word")?;
    let count_script = r#"const s = document.querySelector('[data-testid="result-count"]');
        return [s ? s.textContent : '', document.querySelectorAll('[data-testid="result-item"]').length];"#;
    let relaxed = poll(c, count_script, |v| {
        v[0].as_str()
            .is_some_and(|t| t.starts_with("Không có kết quả nào chứa đủ"))
    })
    .await?;
    check!(
        relaxed[0].as_str().is_some_and(|t| t.contains("4 từ")) && relaxed[1].as_u64() > Some(0),
        "the relaxed search reads {relaxed}"
    );

    // 11. Half a word typed: the clauses with the words it starts, and the page says so.
    input.clear().await.ctx("clear the search box")?;
    input
        .send_keys("nong thon m")
        .await
        .ctx("type an unfinished word")?;
    let typing = poll(c, count_script, |v| {
        v[0].as_str()
            .is_some_and(|t| t.contains("bắt đầu bằng “m”"))
    })
    .await?;
    check!(
        typing[1].as_u64() > Some(0),
        "the unfinished query shows no results: {typing}"
    );
    drive_targets(c, base).await
}

/// What the targets page shows: its rows' indicators, the sort of its first column, the chart's
/// points and the CSV link.
const TARGETS_SCRIPT: &str = r#"
    const rows = [...document.querySelectorAll('[data-testid="target-row"]')];
    return {
        rows: rows.length,
        indicators: [...new Set(rows.map((r) => r.getAttribute('data-indicator')))],
        first: rows.length ? rows[0].querySelector('.name').textContent : '',
        sort: document.querySelector('th[aria-sort]').getAttribute('aria-sort'),
        points: document.querySelectorAll('[data-testid="chart-point"]').length,
        csv: document.querySelector('[data-testid="target-csv"]').getAttribute('href'),
        error: document.querySelector('[data-testid="target-error"]').hidden ? '' : 'shown',
    };
"#;

/// Step 12, the targets page, reached from the main page's header: the table, a sort by a
/// header, one indicator across documents in the table and the chart, and its CSV.
async fn drive_targets(c: &Client, base: &str) -> Step<()> {
    c.goto(&format!("{base}/"))
        .await
        .ctx("open the main page")?;
    click(c, r#"[data-testid="targets-link"]"#).await?;
    wait_css(c, r#"[data-testid="target-row"]"#).await?;
    let page = poll(c, TARGETS_SCRIPT, |v| v["rows"].as_u64() > Some(50)).await?;
    check!(
        page["rows"].as_u64() > Some(50) && page["error"] == "",
        "the targets page shows {page}"
    );
    click(c, r#"th button[data-sort="indicator"]"#).await?;
    let sorted = poll(c, TARGETS_SCRIPT, |v| v["sort"] == "ascending").await?;
    check!(
        sorted["sort"] == "ascending",
        "the table did not sort: {sorted}"
    );
    let select = wait_css(c, r#"[data-testid="target-indicator"]"#).await?;
    select
        .select_by_value("digital_economy_share")
        .await
        .ctx("choose an indicator")?;
    let one = poll(c, TARGETS_SCRIPT, |v| {
        v["indicators"] == json!(["digital_economy_share"]) && v["points"].as_u64() >= Some(4)
    })
    .await?;
    check!(
        one["indicators"] == json!(["digital_economy_share"]) && one["points"].as_u64() >= Some(4),
        "one indicator across documents reads {one}"
    );
    check!(
        one["csv"].as_str().is_some_and(
            |h| h.contains("indicator=digital_economy_share") && h.contains("format=csv")
        ),
        "the CSV link is {}",
        one["csv"]
    );
    let csv = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               fetch(document.querySelector('[data-testid="target-csv"]').href)
                   .then((r) => r.text()).then(done, (e) => done(String(e)));"#,
            vec![],
        )
        .await
        .ctx("download the CSV")?;
    // `Response.text()` drops the byte-order mark the server sends.
    let csv = csv.as_str().unwrap_or("").trim_start_matches('\u{feff}');
    check!(
        csv.starts_with("indicator,")
            && csv.lines().count() > 4
            && csv
                .lines()
                .skip(1)
                .all(|l| l.starts_with("digital_economy_share,")),
        "the CSV reads {csv:?}"
    );
    Ok(())
}

/// The portal's navigation: a number typed answers with its document's card, hits come grouped
/// by document with a link to the rest of each, a filter alone browses, and a PDF's document
/// view shows its pages, signer, original file and print button.
async fn drive_navigation(c: &Client, base: &str, pdf_doc: &str, shots: &Path) -> Step<()> {
    // 1. A number in another spelling: the document's card first, then hits by document.
    c.goto(&format!("{base}/")).await.ctx("open the page")?;
    let input = wait_css(c, r#"[data-testid="search-input"]"#).await?;
    input.send_keys("nq 57").await.ctx("type a number")?;
    let card = wait_css(c, r#"[data-testid="doc-card"]"#).await?;
    let card_text = card.text().await.ctx("card text")?;
    check!(
        card_text.contains("57-NQ/TW"),
        "the card reads {card_text:?}"
    );
    let groups = c
        .find_all(Locator::Css(r#"[data-testid="result-group"]"#))
        .await
        .ctx("groups")?;
    check!(!groups.is_empty(), "no hits grouped by document");
    let first_doc = groups[0].attr("data-doc-id").await.ctx("group doc")?;
    check!(
        first_doc
            .as_deref()
            .is_some_and(|d| d.starts_with("57-nq-tw")),
        "the number's own document does not lead: {first_doc:?}"
    );
    screenshot(c, &shots.join("e2e-screenshot-groups.png")).await?;

    // 2. "n more in this document": the search narrowed to that document, clause by clause.
    click(
        c,
        r#"[data-testid="result-group"] [data-testid="group-more"]"#,
    )
    .await?;
    let narrowed = poll(c, RESULTS_SCRIPT, |v| {
        v["hash"].as_str().is_some_and(|h| h.contains("doc="))
            && v["busy"] == false
            && v["hits"].as_array().is_some_and(|h| h.len() > 3)
    })
    .await?;
    let groups_left = c
        .execute(
            "return document.querySelectorAll('[data-testid=\"result-group\"]').length;",
            vec![],
        )
        .await
        .ctx("count groups")?;
    check!(
        groups_left == 0,
        "inside one document hits are not grouped: {narrowed}"
    );

    // 3. A filter alone browses: every task, no query typed.
    c.goto(&format!("{base}/#/search?kind=task"))
        .await
        .ctx("browse tasks")?;
    let browsed = poll(c, RESULTS_SCRIPT, |v| {
        v["hash"].as_str().is_some_and(|h| h.contains("kind=task"))
            && v["busy"] == false
            && v["status"].as_str().is_some_and(|t| t.contains("văn bản"))
    })
    .await?;
    check!(
        browsed["status"]
            .as_str()
            .is_some_and(|t| t.starts_with("Tìm thấy")),
        "browsing tasks reads {browsed}"
    );
    let badges = c
        .execute(
            &text_of(r#"[data-testid="result-item"] [data-testid="kind-badge"]"#),
            vec![],
        )
        .await
        .ctx("a badge")?;
    check!(badges == "nhiệm vụ", "a browsed task is badged {badges}");

    // 4. A PDF's document view: pages on clauses, the signer, the original, a print button.
    c.goto(&format!("{base}/#/doc/{}", encode_component(pdf_doc)))
        .await
        .ctx("open the PDF document")?;
    let pages = wait_css(c, r#"[data-testid="clause-pages"]"#).await?;
    let pages_text = pages.text().await.ctx("pages text")?;
    check!(
        pages_text.starts_with("tr. "),
        "a clause of a PDF shows {pages_text:?} for its pages"
    );
    let meta = wait_css(c, "#doc-meta").await?.text().await.ctx("meta")?;
    check!(
        meta.contains("Người ký") && meta.contains("Số trang"),
        "the document's header lacks its signer or pages: {meta:?}"
    );
    let source = wait_css(c, r#"[data-testid="doc-source"]:not([hidden])"#).await?;
    let href = source
        .attr("href")
        .await
        .ctx("source href")?
        .unwrap_or_default();
    check!(
        href.ends_with("/source"),
        "the original file's link is {href:?}"
    );
    wait_css(c, r#"[data-testid="doc-print"]"#).await?;
    wait_css(c, r#"[data-testid="doc-signer"] .signer-name"#).await?;
    screenshot(c, &shots.join("e2e-screenshot-pdf.png")).await?;

    // 5. The keys: `?` lists them, `j` goes to the first clause, `1` tags it with the sector on
    //    key 1, `u` undoes that.
    let keys = |k: &'static str| async move {
        c.active_element()
            .await
            .ctx("the focused element")?
            .send_keys(k)
            .await
            .ctx(&format!("press {k}"))
    };
    keys("?").await?;
    wait_css(c, r#"[data-testid="keys-help"]:not([hidden])"#).await?;
    let first_key = c
        .execute(&text_of(r#"[data-testid="keys-sectors"] li"#), vec![])
        .await
        .ctx("key 1")?;
    let sector_on_1 = first_key
        .as_str()
        .map(|t| t.trim_start_matches('1').trim().to_string())
        .unwrap_or_default();
    check!(!sector_on_1.is_empty(), "no sector on key 1");
    click(c, r#"[data-testid="keys-close"]"#).await?;
    // On a loaded machine the focus may still be on the closing list's button when the key is
    // sent ("element not interactable"): the key goes once the list is hidden.
    wait_css(c, r#"[data-testid="keys-help"][hidden]"#).await?;
    keys("j").await?;
    let current = wait_css(c, r#"[data-testid="clause"].is-current"#).await?;
    let current_id = current
        .attr("data-clause-id")
        .await
        .ctx("current clause")?
        .ok_or("a clause without an id")?;
    let chips_of = format!(
        "return [...document.querySelectorAll('[data-clause-id=\"{current_id}\"] [data-testid=\"sector-chip\"] > span:first-child')].map((s) => s.textContent);"
    );
    keys("1").await?;
    let tagged = poll(c, &chips_of, |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|t| t == sector_on_1.as_str()))
    })
    .await?;
    check!(
        tagged.as_array().is_some_and(|a| a.len() == 1),
        "key 1 gave the chips {tagged}"
    );
    keys("u").await?;
    let undone = poll(c, &chips_of, |v| v.as_array().is_some_and(Vec::is_empty)).await?;
    check!(undone == json!([]), "undo left {undone}");
    Ok(())
}

/// Hands a Gazette PDF to the running server (`vankien ingest` while it serves) and gives its id.
fn ingest_a_pdf(server: &Server, index: &Path, data: &Path) -> String {
    let out = Command::new(vankien_tests::vankien_bin())
        .arg("ingest")
        .arg("--index")
        .arg(index)
        .arg("--data")
        .arg(data)
        .arg(realdoc("122-NQ-CP-2026.pdf"))
        .output()
        .expect("run vankien ingest");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = server.get("/api/documents").json;
    let docs = list.as_array().or(list["documents"].as_array()).cloned();
    docs.unwrap_or_default()
        .iter()
        .find(|d| d["number"] == "122/NQ-CP")
        .and_then(|d| d["id"].as_str())
        .expect("the PDF is served")
        .to_string()
}

#[test]
fn browser_finds_tags_reloads_and_filters_a_clause() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };

    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let server = Server::start(&tmp.path().join("index"), &data);
    let token = add_annotator(&data, "tester");
    let pdf_doc = ingest_a_pdf(&server, &tmp.path().join("index"), &data);
    let (resolution, programme) = (
        served_id(&server, "57-NQ-TW.txt"),
        served_id(&server, "03-NQ-CP.txt"),
    );
    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let shots = target_dir();
    // A failure screenshot of an earlier run would mislead.
    let _ = std::fs::remove_file(shots.join("e2e-failure.png"));

    let shot = shots.join("e2e-failure.png");
    let outcome: Step<()> = browser.run(Duration::from_secs(300), &shot, async |c| {
        drive(c, &server.base, &token, &shots).await?;
        drive_navigation(c, &server.base, &pdf_doc, &shots).await?;
        trends::drive_trends(c, &server.base, &shots).await?;
        drive_relations(c, &server.base, &resolution, &programme).await
    });
    if let Err(err) = outcome {
        panic!(
            "browser test failed: {err}\nserver log:\n{}",
            server.log_text()
        );
    }
}

// ------------------------------------------------------------------------------------------------
// The relations block, in the browser.

/** What the document view's relations block shows, once it has loaded. */
const RELATIONS_SCRIPT: &str = r#"
    const box = document.querySelector('[data-testid="doc-relations"]');
    const list = (css) => [...box.querySelectorAll(css)];
    return {
        hidden: box.hidden,
        title: document.querySelector('[data-testid="doc-title"]').textContent,
        kicker: document.getElementById('doc-kicker').textContent,
        heading: (box.querySelector('h3') || {}).textContent || '',
        incoming: list('.relations-incoming h4').map((h) => h.textContent),
        incomingLinks: list('.relations-incoming a.relation-doc').map((a) => a.getAttribute('href')),
        outgoingLinks: list('.relations-outgoing a.relation-doc').map((a) => a.getAttribute('href')),
        unresolved: list('.relation-text').length,
    };
"#;

/** The relations module fed a hostile answer: markup must stay text. */
const HOSTILE_RELATIONS_SCRIPT: &str = r#"
    const done = arguments[arguments.length - 1];
    (async () => {
        const m = await import('/static/js/relations.js');
        const hostile = document.createElement('div');
        document.body.append(hostile);
        m.renderRelations(hostile, {
            outgoing: [{ type: 'mentions', type_label: '<b>nhãn</b>', verb: 'dẫn chiếu',
                reference: { text: '<img src=x onerror="window.pwned=1">' },
                document: null, clause_ids: [] }],
            incoming: [],
            status: { replaced_by: { id: 'a b', kind_label: 'Nghị quyết', number: '1/NQ-CP' } },
        }, { docHref: (i) => `#/x/${encodeURIComponent(i)}` });
        done({
            elements: hostile.querySelectorAll('img, b').length,
            text: hostile.textContent,
            statusHref: hostile.querySelector('.relation-status a').getAttribute('href'),
            pwned: window.pwned === 1,
        });
    })().catch((e) => done({ error: String(e) }));
"#;

/// Opens 57-NQ/TW: its relations block lists who implements and cites it, with a link to
/// 03/NQ-CP; following the link opens 03/NQ-CP, whose block links back and shows the laws it cites
/// (not in the index) as text. Then the module is fed markup, which stays text.
async fn drive_relations(c: &Client, base: &str, resolution: &str, programme: &str) -> Step<()> {
    c.goto(&format!("{base}/#/doc/{}", encode_component(resolution)))
        .await
        .ctx("open 57-NQ/TW")?;
    let to_programme = format!("#/doc/{}", encode_component(programme));
    let r = poll(c, RELATIONS_SCRIPT, |v| {
        v["hidden"] == false && v["incomingLinks"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await?;
    check!(r["heading"] == "Văn bản liên quan", "heading: {r}");
    let incoming: Vec<&str> = r["incoming"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    check!(
        incoming.iter().any(|h| h.starts_with("Văn bản thực hiện"))
            && incoming
                .iter()
                .any(|h| h.starts_with("Văn bản lấy làm căn cứ")),
        "57-NQ/TW lists who implements and cites it: {r}"
    );
    check!(
        r["incomingLinks"]
            .as_array()
            .is_some_and(|a| a.iter().any(|h| h == to_programme.as_str())),
        "57-NQ/TW links to 03/NQ-CP at {to_programme}: {r}"
    );

    // Follow the link: the programme opens, and its block links back.
    let link = c
        .find(Locator::Css(&format!(
            r#"[data-testid="doc-relations"] a[href="{to_programme}"]"#
        )))
        .await
        .ctx("the link to 03/NQ-CP")?;
    link.click().await.ctx("follow the link")?;
    let to_resolution = format!("#/doc/{}", encode_component(resolution));
    let r = poll(c, RELATIONS_SCRIPT, |v| {
        v["kicker"].as_str().is_some_and(|k| k.contains("03/NQ-CP"))
            && v["outgoingLinks"].as_array().is_some_and(|a| !a.is_empty())
    })
    .await?;
    check!(
        r["outgoingLinks"]
            .as_array()
            .is_some_and(|a| a.iter().any(|h| h == to_resolution.as_str())),
        "03/NQ-CP links to 57-NQ/TW: {r}"
    );
    check!(
        r["unresolved"].as_u64() >= Some(2),
        "the laws 03/NQ-CP cites are shown as text: {r}"
    );

    let h = c
        .execute_async(HOSTILE_RELATIONS_SCRIPT, vec![])
        .await
        .ctx("render a hostile answer")?;
    check!(h["error"].is_null(), "the module failed: {h}");
    check!(
        h["elements"] == 0 && h["pwned"] == false,
        "markup in an answer became elements: {h}"
    );
    check!(
        h["text"]
            .as_str()
            .is_some_and(|t| t.contains("<img src=x") && t.contains("<b>nhãn</b>")),
        "markup in an answer is shown as text: {h}"
    );
    check!(h["statusHref"] == "#/x/a%20b", "docHref is used: {h}");
    Ok(())
}

/// The id of the served document ingested from `file`.
fn served_id(server: &Server, file: &str) -> String {
    let list: Value = server.get("/api/documents").json;
    list["documents"]
        .as_array()
        .and_then(|docs| docs.iter().find(|d| d["source"] == file))
        .and_then(|d| d["id"].as_str())
        .unwrap_or_else(|| panic!("{file} is not served"))
        .to_string()
}

/// The page shows the first page of a search before its counts, saying `hơn N kết quả` while
/// its total is a lower bound, then fills the facets and the exact total from its second
/// request: a server that counts exactly only the first match (`--exact-up-to 1`), over the
/// corpus and 30 copies of one of its documents.
#[test]
fn browser_shows_the_first_page_then_its_counts() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    counts::corpus_with_copies(&corpus).expect("write the corpus");
    let server = Server::start_with_args(
        &tmp.path().join("index"),
        &tmp.path().join("data"),
        &corpus,
        &["--exact-up-to", "1"],
    );
    let q = encode_component(counts::QUERY);
    let exact = server.get(&format!("/api/search?q={q}&group=true&exact_total=true"));
    let first = server.get(&format!("/api/search?q={q}&group=true&facets=false"));
    assert_eq!(first.json["total_exact"], false, "{}", first.text);
    let exact_total = exact.json["total"].as_u64().expect("a total");
    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let shot = target_dir().join("e2e-counts-failure.png");
    let outcome: Step<()> = browser.run(Duration::from_secs(120), &shot, async |c| {
        counts::drive_counts(c, &server.base, exact_total).await
    });
    if let Err(err) = outcome {
        panic!(
            "browser test failed: {err}\nserver log:\n{}",
            server.log_text()
        );
    }
}

#[test]
fn browser_sends_a_search_again_when_the_server_is_too_busy() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let shot = target_dir().join("e2e-busy-failure.png");
    let outcome: Step<()> = runtime.block_on(async {
        let server = busy::InProcess::start(tmp.path()).await;
        (browser.session(Duration::from_secs(120), &shot, async |c| {
            busy::drive_busy(c, &server).await
        }))
        .await
    });
    if let Err(err) = outcome {
        panic!("browser test failed: {err}");
    }
}
