//! Harness of the end-to-end tests: runs the real `vankien` binary (`serve`, `user add`) in
//! temporary directories and talks plain HTTP to it. The tests themselves are in `tests/e2e.rs`.
//!
//! The harness builds nothing. It runs the `vankien` binary found, in this order, at
//! `$VANKIEN_BIN`, or beside the test executable's profile directory (`target/debug/vankien` when
//! the test runs as `target/debug/deps/e2e-…`). Build it first with the same profile and target
//! directory as the tests: `cargo build -p vankien-cli && cargo test -p vankien-tests`.

use std::fs::File;
use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

/// How long a server may take to build the index of `corpus/` and answer `/api/health`.
pub const START_TIMEOUT: Duration = Duration::from_secs(180);

pub use vankien_testkit::{corpus_dir, workspace_root};

/// The cargo profile directory the running test executable was built into (`target/debug`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // target/<profile>/deps/<test>-<hash>
    exe.parent()
        .and_then(Path::parent)
        .expect("the test executable lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// The cargo target directory (`target/`, or `$CARGO_TARGET_DIR`), where artefacts such as the
/// browser test's screenshot are written.
pub fn target_dir() -> PathBuf {
    let profile = profile_dir();
    profile.parent().map(Path::to_path_buf).unwrap_or(profile)
}

/// The `vankien` binary to test: `$VANKIEN_BIN`, else `<target>/<profile>/vankien`.
///
/// Panics with the command to run when it is missing: a missing binary is a failure, never a skip.
pub fn vankien_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("VANKIEN_BIN") {
        let bin = PathBuf::from(bin);
        assert!(bin.is_file(), "VANKIEN_BIN={} is not a file", bin.display());
        return bin;
    }
    let bin = profile_dir().join(format!("vankien{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "the vankien binary is missing at {}: build it first with the same profile and target \
         directory as the tests, e.g. `cargo build -p vankien-cli && cargo test -p vankien-tests` \
         (or set VANKIEN_BIN)",
        bin.display()
    );
    static STALE_CHECK: Once = Once::new();
    STALE_CHECK.call_once(|| warn_if_stale(&bin));
    bin
}

/// Says loudly when the binary is older than a source file it embeds or is built from: the tests
/// would then check yesterday's program.
fn warn_if_stale(bin: &Path) {
    let Ok(built) = bin.metadata().and_then(|m| m.modified()) else {
        return;
    };
    let root = workspace_root();
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    let mut visit = vec![root.join("crates"), root.join("web")];
    while let Some(dir) = visit.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit.push(path);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified())
                && newest.as_ref().is_none_or(|(t, _)| modified > *t)
            {
                newest = Some((modified, path));
            }
        }
    }
    if let Some((modified, path)) = newest
        && modified > built
    {
        eprintln!(
            "WARNING: {} is older than {}; run `cargo build -p vankien-cli` to test the current code",
            bin.display(),
            path.display()
        );
    }
}

/// A free TCP port on 127.0.0.1 (bound and released; the tiny race is acceptable in tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// An HTTP agent that returns 4xx/5xx responses instead of errors, with a timeout.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// A status and a parsed JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The body as JSON, or `Value::Null`.
    pub json: Value,
    /// The body as text.
    pub text: String,
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Reply {
    let mut res = result.unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = res.status().as_u16();
    let text = res
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("{what}: read body: {e}"));
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, json, text }
}

/// A running `vankien serve` child process; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Where the server's stdout and stderr go.
    pub log: PathBuf,
    agent: ureq::Agent,
}

impl Server {
    /// Starts `vankien serve` on a free port with the given index and data directories and the
    /// workspace corpus, and waits until `/api/health` answers 200.
    pub fn start(index: &Path, data: &Path) -> Server {
        Server::start_with(index, data, &corpus_dir())
    }

    /// [`Server::start`] with another corpus folder.
    pub fn start_with(index: &Path, data: &Path, corpus: &Path) -> Server {
        Server::start_with_args(index, data, corpus, &[])
    }

    /// [`Server::start_with`] with more arguments of `vankien serve`.
    pub fn start_with_args(index: &Path, data: &Path, corpus: &Path, more: &[&str]) -> Server {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = data
            .parent()
            .unwrap_or(data)
            .join(format!("serve-{port}.log"));
        let out = File::create(&log).expect("create server log");
        let err = out.try_clone().expect("clone server log");
        let child = Command::new(vankien_bin())
            .arg("serve")
            .arg("--index")
            .arg(index)
            .arg("--data")
            .arg(data)
            .arg("--corpus")
            .arg(corpus)
            .arg("--addr")
            .arg(addr.to_string())
            .args(more)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn vankien serve");
        let mut server = Server {
            child,
            base: format!("http://{addr}"),
            log,
            agent: agent(),
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&mut self) {
        let started = Instant::now();
        let url = format!("{}/api/health", self.base);
        loop {
            if let Some(status) = self.child.try_wait().expect("poll server") {
                panic!(
                    "vankien serve exited with {status} before it was healthy; its log:\n{}",
                    self.log_text()
                );
            }
            if let Ok(res) = self.agent.get(&url).call()
                && res.status() == 200
            {
                eprintln!(
                    "vankien serve healthy at {} after {:.1} s",
                    self.base,
                    started.elapsed().as_secs_f64()
                );
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "vankien serve not healthy after {START_TIMEOUT:?}; its log:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the server printed so far.
    pub fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }

    /// Kills the server with SIGKILL (no chance to flush or shut down) and reaps it.
    pub fn kill9(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        // `Child::kill` sends SIGKILL on Unix.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `GET <base><path>`.
    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, None)
    }

    /// `GET <base><path>` with, if given, a bearer token.
    pub fn get_with(&self, path: &str, token: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.get(&url);
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        reply(req.call(), &format!("GET {url}"))
    }

    /// `PUT <base><path>` with an empty body and, if given, a bearer token.
    pub fn put(&self, path: &str, token: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.put(&url);
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        reply(req.send_empty(), &format!("PUT {url}"))
    }

    /// `DELETE <base><path>` with, if given, a bearer token.
    pub fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.delete(&url);
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        reply(req.call(), &format!("DELETE {url}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// Runs `vankien ARGS…` with extra environment variables and waits for it.
pub fn run_vankien(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(vankien_bin());
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run vankien")
}

/// Runs `vankien user add NAME --role annotator --data DIR` and returns the token: the last word
/// of its output.
pub fn add_annotator(data: &Path, name: &str) -> String {
    add_user(data, name, "annotator")
}

/// Creates a user of `role` (`annotator`, `reviewer`, `admin`) with `vankien user add` and
/// returns their token.
pub fn add_user(data: &Path, name: &str, role: &str) -> String {
    let out = Command::new(vankien_bin())
        .args(["user", "add", name, "--role", role, "--data"])
        .arg(data)
        .output()
        .expect("run vankien user add");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "vankien user add failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .split_whitespace()
        .last()
        .unwrap_or_else(|| panic!("vankien user add printed no token:\n{stdout}"))
        .to_string()
}

/// Percent-encodes one URL path segment or query value (everything but unreserved characters).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The API path of a clause: each `/`-separated segment of its id encoded, separators kept (the
/// same rule as the page's `encodeSegments`).
pub fn clause_path(clause_id: &str) -> String {
    let segments: Vec<String> = clause_id.split('/').map(encode_component).collect();
    format!("/api/clauses/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_paths_keep_separators_and_encode_the_rest() {
        assert_eq!(
            clause_path("09-nq-dh.tinh-thai-binh.2020-10-15/a.ii.2.t3"),
            "/api/clauses/09-nq-dh.tinh-thai-binh.2020-10-15/a.ii.2.t3"
        );
        assert_eq!(clause_path("a b/c?d#e"), "/api/clauses/a%20b/c%3Fd%23e");
        assert_eq!(encode_component("nông thôn"), "n%C3%B4ng%20th%C3%B4n");
    }
}
