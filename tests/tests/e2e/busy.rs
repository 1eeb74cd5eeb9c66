//! The search page when the server sheds load, in a real Chromium: a search refused with 503
//! `overloaded` is sent again after the server's `Retry-After`, saying so, and shows its results
//! once the server has room; refused every time, it gives up after its retries with the reason
//! and a button that asks again.
//!
//! The server runs in this process (the real router, index and store, over real HTTP), so that
//! the test can hold every one of its search permits: a real overload, as deterministic as a
//! test needs, where a crowd of requests from outside would be a race with the clock.

use std::path::Path;
use std::sync::Arc;

use fantoccini::Client;
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use vankien_library::{Holder, Library};
use vankien_server::{AppState, ServerConfig, serve_on};

use crate::browser::*;

/// Searched first, with the server free: loads the page's sectors and shows it works.
const FIRST: &str = "nong thon moi";
/// Searched while every permit is held, then freed.
const FREED: &str = "chuyen doi so";
/// Searched while every permit stays held.
const REFUSED: &str = "khoa hoc cong nghe";

/// A server of the workspace corpus in this process; its state holds the search permits.
pub struct InProcess {
    pub base: String,
    pub state: AppState,
}

impl InProcess {
    /// Indexes the corpus into `dir` and serves it on a free port, on the current runtime.
    pub async fn start(dir: &Path) -> InProcess {
        let index_dir = dir.join("index");
        drop(vankien_testkit::index_of(
            &index_dir,
            &[vankien_testkit::corpus_dir()],
        ));
        let holder = Holder {
            pid: std::process::id(),
            role: "serve".into(),
            socket: None,
        };
        let (library, _) =
            Library::open(&index_dir, &dir.join("data"), &holder).expect("open the index");
        library
            .store()
            .load_sectors(&vankien_testkit::corpus_dir().join("sectors.json"))
            .expect("load the sectors");
        let state = AppState::new(Arc::new(library), ServerConfig::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        tokio::spawn(serve_on(listener, state.clone(), std::future::pending()));
        InProcess { base, state }
    }

    /// Takes every permit of the blocking jobs (searches, reads of documents and sectors): the
    /// server answers them 503 `overloaded` until the permits are dropped.
    pub async fn hold_every_permit(&self) -> OwnedSemaphorePermit {
        let limiter: Arc<Semaphore> = self.state.blocking_limiter();
        let n = self.state.config().blocking_permits as u32;
        limiter.acquire_many_owned(n).await.expect("the permits")
    }
}

/// Records each text the status line takes, with its `data-busy` and whether it is an error.
const WATCH_SCRIPT: &str = r#"
    window.__seen = [];
    const status = document.querySelector('[data-testid="result-count"]');
    const note = () => window.__seen.push({
        text: status.textContent,
        busy: status.dataset.busy || '',
        error: status.classList.contains('is-error'),
        groups: document.querySelectorAll('[data-testid="result-group"]').length,
    });
    new MutationObserver(note).observe(status, {
        childList: true, characterData: true, subtree: true,
        attributes: true, attributeFilter: ['data-busy', 'class'],
    });
    return true;
"#;

async fn open_search(c: &Client, q: &str) -> Step<()> {
    let hash = format!("#/search?q={}", q.replace(' ', "%20"));
    c.execute(&format!("location.hash = '{hash}'; return true;"), vec![])
        .await
        .ctx("open a search")?;
    Ok(())
}

/// Watches the status line afresh, takes every permit of `server`, and opens a search of `q`:
/// the server refuses it until the permits returned are dropped.
async fn search_refused(c: &Client, server: &InProcess, q: &str) -> Step<OwnedSemaphorePermit> {
    c.execute(WATCH_SCRIPT, vec![])
        .await
        .ctx("watch the status")?;
    let held = server.hold_every_permit().await;
    open_search(c, q).await?;
    Ok(held)
}

/// What the status line and the results are now.
const NOW: &str = r#"
    const status = document.querySelector('[data-testid="result-count"]');
    return {
        text: status.textContent,
        busy: status.dataset.busy || '',
        error: status.classList.contains('is-error'),
        groups: document.querySelectorAll('[data-testid="result-group"]').length,
        waiting: document.getElementById('results').getAttribute('aria-busy') === 'true',
        again: !!document.querySelector('[data-testid="search-again"]'),
    };
"#;

/// Whether a search's answer is shown: its results, the request done.
fn shown(now: &Value) -> bool {
    now["waiting"] == false && now["groups"].as_u64().is_some_and(|n| n > 0)
}

fn seen(c: &Value) -> Vec<Value> {
    c.as_array().cloned().unwrap_or_default()
}

/// Drives the page against `server`: a search while the server is free, one refused then
/// freed, one refused until the page gives up, then asked again by its button.
pub async fn drive_busy(c: &Client, server: &InProcess) -> Step<()> {
    c.goto(&format!("{}/", server.base))
        .await
        .ctx("open the page")?;
    wait_css(c, r#"[data-testid="search-input"]"#).await?;
    open_search(c, FIRST).await?;
    let now = poll(c, NOW, shown).await?;
    check!(
        now["groups"].as_u64().is_some_and(|n| n > 0) && now["busy"] == "",
        "the search with the server free showed no results: {now}"
    );

    // Refused, then freed: the page says it will search again, and does.
    let held = search_refused(c, server, FREED).await?;
    let now = poll(c, NOW, |v| v["busy"] == "1").await?;
    check!(
        now["busy"] == "1"
            && now["text"]
                .as_str()
                .is_some_and(|t| t.contains("Máy chủ đang bận") && t.contains("lần 1/3")),
        "a refused search did not say it would search again: {now}"
    );
    check!(
        now["error"] == false && now["waiting"] == true,
        "while it waits, the page shows no error and the results as still coming: {now}"
    );
    drop(held);
    let now = poll(c, NOW, shown).await?;
    check!(
        now["groups"].as_u64().is_some_and(|n| n > 0)
            && now["error"] == false
            && now["busy"] == ""
            && now["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Tìm thấy")),
        "the search sent again once the server was free showed no results: {now}"
    );
    let history = seen(
        &c.execute("return window.__seen;", vec![])
            .await
            .ctx("read")?,
    );
    check!(
        !history.iter().any(|s| s["error"] == true),
        "the page showed an error before its retry succeeded: {history:?}"
    );

    // Refused every time: three retries, each said, then the reason and a button.
    let held = search_refused(c, server, REFUSED).await?;
    let now = poll(c, NOW, |v| v["again"] == true).await?;
    check!(
        now["error"] == true
            && now["groups"] == 0
            && now["text"]
                .as_str()
                .is_some_and(|t| t.contains("Máy chủ đang bận") && t.contains("3 lần")),
        "a search refused every time did not end with the reason and a button: {now}"
    );
    let history = seen(
        &c.execute("return window.__seen;", vec![])
            .await
            .ctx("read")?,
    );
    let attempts: Vec<&str> = history
        .iter()
        .filter_map(|s| s["busy"].as_str())
        .filter(|b| !b.is_empty())
        .fold(Vec::new(), |mut v, b| {
            if v.last() != Some(&b) {
                v.push(b);
            }
            v
        });
    check!(
        attempts == ["1", "2", "3"],
        "the page did not say each of its three retries in turn: {attempts:?} in {history:?}"
    );
    drop(held);
    click(c, r#"[data-testid="search-again"]"#).await?;
    let now = poll(c, NOW, shown).await?;
    check!(
        now["groups"].as_u64().is_some_and(|n| n > 0) && now["error"] == false,
        "the button did not search again once the server was free: {now}"
    );
    Ok(())
}
