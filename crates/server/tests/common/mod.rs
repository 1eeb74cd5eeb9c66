//! The fixtures of the server's HTTP tests: a real tantivy index of the real corpus (built once
//! per test binary, copied per test), a real SQLite store with three users, and helpers to send
//! requests in-process (`tower::ServiceExt::oneshot`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;
use vankien_annotate::{Role, Store};
use vankien_library::{Holder, Library};
use vankien_server::{AppState, ServerConfig, router};

/// The workspace root.
pub fn root() -> PathBuf {
    vankien_testkit::workspace_root()
}

/// The index of the real corpus, built once per run of this test binary; each test copies it.
pub static BASE_INDEX: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vankien-server-api-index");
    // Rebuilt on every run: a leftover from an older schema must not be reused.
    let index = vankien_testkit::index_of(&dir, &[vankien_testkit::corpus_dir()]);
    assert!(index.documents().unwrap().len() >= 14);
    dir
});

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A server on its own copy of the index and its own store, with three users.
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub app: Router,
    pub state: AppState,
    pub store: Arc<Store>,
    /// Token of `lan`, an annotator.
    pub lan: String,
    /// Token of `minh`, another annotator.
    pub minh: String,
    /// Token of `admin`, an admin.
    pub admin: String,
}

pub fn fixture() -> Fixture {
    fixture_with(ServerConfig::default())
}

pub fn fixture_with(config: ServerConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    copy_dir(&BASE_INDEX, &index_dir);
    let holder = Holder {
        pid: std::process::id(),
        role: "serve".into(),
        socket: None,
    };
    let (library, _) = Library::open(&index_dir, &dir.path().join("data"), &holder)
        .expect("open the copied index and a new store");
    let store = library.store().clone();
    store
        .load_sectors(&root().join("corpus/sectors.json"))
        .expect("load the sectors");
    let (_, lan) = store.add_user("lan", Role::Annotator).unwrap();
    let (_, minh) = store.add_user("minh", Role::Annotator).unwrap();
    let (_, admin) = store.add_user("admin", Role::Admin).unwrap();
    let state = AppState::new(Arc::new(library), config);
    Fixture {
        _dir: dir,
        app: router(state.clone()),
        state,
        store,
        lan,
        minh,
        admin,
    }
}

/// An answer, its body read.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }

    /// Checks the answer is a JSON error with this status and code.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.header(header::CONTENT_TYPE)
                .starts_with("application/json"),
            "{:?}",
            self.headers
        );
        let json = self.json();
        assert_eq!(json["code"], code, "{json}");
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{json}"
        );
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("read the body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn with_token(app: &Router, method: Method, uri: &str, token: Option<&str>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

/// Percent-encodes a query-string value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first hit of a search, which must have one.
pub async fn first_hit(app: &Router, q: &str) -> Value {
    let answer = get(app, &format!("/api/search?q={}", enc(q))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    json["hits"][0].clone()
}

/// A tag write that answers once search shows it (`?wait=true`, as the page asks).
pub fn tag_uri(clause_id: &str, sector: &str) -> String {
    format!("/api/clauses/{clause_id}/sectors/{sector}?wait=true")
}

// ---------------------------------------------------------------------------------------------
