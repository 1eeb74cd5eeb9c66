//! End-to-end tests against the real `vankien` binary: plain HTTP checks (health, search, a tag that
//! survives SIGKILL and restarts), a folder of real documents in every format ingested and served
//! (bad files named), a real headless Chromium driving the page through search, tagging, a
//! reload and a sector filter, and rendering the relations block of `web/relations.js`.
//!
//! The binary is not built here: see `vankien_tests::vankien_bin` (build it first with
//! `cargo build -p vankien-cli`). The browser test needs Debian's `chromium` and
//! `chromium-driver`; without them it prints `SKIPPED: …` and passes, unless
//! `VANKIEN_REQUIRE_BROWSER=1`, which turns their absence into a failure (CI sets it).

use std::fmt::Display;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use vankien_ingest::normalize::{folded_key, words};
use vankien_tests::{
    Server, add_annotator, agent, clause_path, encode_component, free_port, target_dir,
};

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

// ------------------------------------------------------------------------------------------------
// The browser test.

/// Chromium and chromedriver, if installed (`$CHROME_BIN` and `$CHROMEDRIVER` override).
fn find_browser() -> Option<(PathBuf, PathBuf)> {
    let first = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(var) {
            return Some(PathBuf::from(p)).filter(|p| p.is_file());
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        names.iter().find_map(|name| {
            std::env::split_paths(&path)
                .chain([
                    PathBuf::from("/usr/bin"),
                    PathBuf::from("/usr/lib/chromium"),
                ])
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    let chromium = first(
        "CHROME_BIN",
        &["chromium", "chromium-browser", "google-chrome"],
    )?;
    let driver = first("CHROMEDRIVER", &["chromedriver"])?;
    Some((chromium, driver))
}

/// A running chromedriver; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(binary: &Path, log: &Path) -> Driver {
        let port = free_port();
        let out = File::create(log).expect("create chromedriver log");
        let err = out.try_clone().expect("clone chromedriver log");
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn chromedriver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = agent();
        let started = Instant::now();
        loop {
            if let Ok(mut res) = http.get(format!("{}/status", driver.url)).call()
                && res.status() == 200
                && res
                    .body_mut()
                    .read_json::<Value>()
                    .is_ok_and(|v| v["value"]["ready"] == true)
            {
                return driver;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver not ready after 30 s; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Says something on the real stderr, past the test harness's output capture.
fn loud(message: &str) {
    let _ = writeln!(std::io::stderr(), "\n{message}\n");
}

type Step<T> = Result<T, String>;

/// Adds what was being done to a WebDriver error.
trait Context<T> {
    fn ctx(self, what: &str) -> Step<T>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Step<T> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

const WAIT: Duration = Duration::from_secs(20);

async fn wait_css(c: &Client, css: &str) -> Step<Element> {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .ctx(&format!("wait for {css}"))
}

/// Clicks the element `css` finds.
async fn click(c: &Client, css: &str) -> Step<()> {
    c.find(Locator::Css(css))
        .await
        .ctx(&format!("find {css}"))?
        .click()
        .await
        .ctx(&format!("click {css}"))
}

/// Polls a script until it returns something `ok` accepts; returns the last value either way.
async fn poll(c: &Client, script: &str, ok: impl Fn(&Value) -> bool) -> Step<Value> {
    let started = Instant::now();
    loop {
        let value = c.execute(script, vec![]).await.ctx("run a script")?;
        if ok(&value) || started.elapsed() > WAIT {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn screenshot(c: &Client, path: &Path) -> Step<()> {
    let png = c.screenshot().await.ctx("take a screenshot")?;
    std::fs::write(path, png).ctx(&format!("write {}", path.display()))?;
    loud(&format!("screenshot saved to {}", path.display()));
    Ok(())
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

    // 3. Sign in with the token.
    click(c, r#"[data-testid="login-button"]"#).await?;
    let token_input = wait_css(c, r#"[data-testid="token-input"]"#).await?;
    token_input.send_keys(token).await.ctx("type the token")?;
    click(c, r#"[data-testid="token-save"]"#).await?;
    wait_css(c, "#auth-signed-in:not([hidden])").await?;

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
    wait_css(c, &chip_css).await?;
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
    Ok(())
}

#[test]
fn browser_finds_tags_reloads_and_filters_a_clause() {
    let required = std::env::var("VANKIEN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some((chromium, chromedriver)) = find_browser() else {
        assert!(
            !required,
            "VANKIEN_REQUIRE_BROWSER=1 but chromium or chromedriver was not found \
             (apt-get install -y chromium chromium-driver)"
        );
        loud(
            "==================================================================\n\
             SKIPPED: chromium not found (need `chromium` and `chromedriver`;\n\
             apt-get install -y chromium chromium-driver). The browser test did\n\
             not run. Set VANKIEN_REQUIRE_BROWSER=1 to make this a failure.\n\
             ==================================================================",
        );
        return;
    };

    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let server = Server::start(&tmp.path().join("index"), &data);
    let token = add_annotator(&data, "tester");
    let driver = Driver::start(&chromedriver, &tmp.path().join("chromedriver.log"));
    let profile = tmp.path().join("chromium-profile");
    let shots = target_dir();
    // A failure screenshot of an earlier run would mislead.
    let _ = std::fs::remove_file(shots.join("e2e-failure.png"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let outcome: Step<()> = runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .ctx("start a Chromium session")?;
        let result = tokio::time::timeout(
            Duration::from_secs(300),
            drive(&client, &server.base, &token, &shots),
        )
        .await
        .unwrap_or_else(|_| Err("the browser session took more than 5 minutes".into()));
        if result.is_err() {
            let _ = screenshot(&client, &shots.join("e2e-failure.png")).await;
        }
        // Closing the session makes chromedriver stop Chromium.
        let _ = client.close().await;
        result
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

/// Imports `web/relations.js` as the served page would, renders the relations of two corpus
/// documents and one hostile answer, and reports what the browser built.
const RELATIONS_SCRIPT: &str = r#"
    const done = arguments[arguments.length - 1];
    (async () => {
        const m = await import('/static/relations.js');
        const list = await (await fetch('/api/documents')).json();
        const id = (file) => list.documents.find((d) => d.source === file).id;
        const resolution = id('57-NQ-TW.txt');
        const programme = id('03-NQ-CP.txt');
        const render = async (docId) => {
            const box = document.createElement('div');
            document.body.append(box);
            const url = `/api/documents/${encodeURIComponent(docId)}/relations`;
            m.renderRelations(box, await (await fetch(url)).json());
            return box;
        };
        const back = await render(resolution);
        const out = await render(programme);
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
            resolution, programme,
            heading: back.querySelector('h3').textContent,
            incoming: [...back.querySelectorAll('.relations-incoming h4')].map((h) => h.textContent),
            hrefs: [...back.querySelectorAll('a.relation-doc')].map((a) => a.getAttribute('href')),
            unresolved: out.querySelectorAll('.relation-text').length,
            outgoingLinks: [...out.querySelectorAll('a.relation-doc')].map((a) => a.getAttribute('href')),
            hostileElements: hostile.querySelectorAll('img, b').length,
            hostileText: hostile.textContent,
            statusHref: hostile.querySelector('.relation-status a').getAttribute('href'),
            pwned: window.pwned === 1,
        });
    })().catch((e) => done({ error: String(e) }));
"#;

async fn check_relations_block(c: &Client, base: &str) -> Step<()> {
    c.goto(&format!("{base}/")).await.ctx("open the page")?;
    let r = c
        .execute_async(RELATIONS_SCRIPT, vec![])
        .await
        .ctx("render the relations")?;
    check!(r["error"].is_null(), "the module failed: {r}");
    let (resolution, programme) = (r["resolution"].as_str(), r["programme"].as_str());
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
    let to_programme = format!("#/doc/{}", programme.unwrap_or_default());
    check!(
        r["hrefs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|h| h == to_programme.as_str())),
        "57-NQ/TW links to 03/NQ-CP at {to_programme}: {r}"
    );
    let to_resolution = format!("#/doc/{}", resolution.unwrap_or_default());
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
    check!(
        r["hostileElements"] == 0 && r["pwned"] == false,
        "markup in an answer became elements: {r}"
    );
    check!(
        r["hostileText"]
            .as_str()
            .is_some_and(|t| t.contains("<img src=x") && t.contains("<b>nhãn</b>")),
        "markup in an answer is shown as text: {r}"
    );
    check!(r["statusHref"] == "#/x/a%20b", "docHref is used: {r}");
    Ok(())
}

#[test]
fn browser_renders_the_relations_block_from_the_api_as_text() {
    let required = std::env::var("VANKIEN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some((chromium, chromedriver)) = find_browser() else {
        assert!(
            !required,
            "VANKIEN_REQUIRE_BROWSER=1 but chromium was not found"
        );
        loud("SKIPPED: chromium not found; the relations block was not rendered.");
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&tmp.path().join("index"), &tmp.path().join("data"));
    let driver = Driver::start(&chromedriver, &tmp.path().join("chromedriver.log"));
    let profile = tmp.path().join("chromium-profile");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let outcome: Step<()> = runtime.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .ctx("start a Chromium session")?;
        let result = tokio::time::timeout(
            Duration::from_secs(120),
            check_relations_block(&client, &server.base),
        )
        .await
        .unwrap_or_else(|_| Err("the browser session took more than 2 minutes".into()));
        let _ = client.close().await;
        result
    });
    if let Err(err) = outcome {
        panic!("relations block: {err}\nserver log:\n{}", server.log_text());
    }
}
