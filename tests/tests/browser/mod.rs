//! The browser tests' harness: finds Chromium and chromedriver, runs a driver, and the small
//! waits and checks every browser test uses (shared by `e2e.rs` and `team.rs`).
#![allow(dead_code)]

use std::fmt::Display;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use vankien_tests::{agent, free_port};

/// Chromium and chromedriver, if installed (`$CHROME_BIN` and `$CHROMEDRIVER` override).
pub fn find_browser() -> Option<(PathBuf, PathBuf)> {
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
pub struct Driver {
    child: Child,
    /// Where it listens.
    pub url: String,
}

impl Driver {
    pub fn start(binary: &Path, log: &Path) -> Driver {
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
pub fn loud(message: &str) {
    let _ = writeln!(std::io::stderr(), "\n{message}\n");
}

pub type Step<T> = Result<T, String>;

/// Adds what was being done to a WebDriver error.
pub trait Context<T> {
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

pub const WAIT: Duration = Duration::from_secs(20);

pub async fn wait_css(c: &Client, css: &str) -> Step<Element> {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .ctx(&format!("wait for {css}"))
}

/// Clicks the element `css` finds.
pub async fn click(c: &Client, css: &str) -> Step<()> {
    c.find(Locator::Css(css))
        .await
        .ctx(&format!("find {css}"))?
        .click()
        .await
        .ctx(&format!("click {css}"))
}

/// Polls a script until it returns something `ok` accepts; returns the last value either way.
pub async fn poll(c: &Client, script: &str, ok: impl Fn(&Value) -> bool) -> Step<Value> {
    let started = Instant::now();
    loop {
        let value = c.execute(script, vec![]).await.ctx("run a script")?;
        if ok(&value) || started.elapsed() > WAIT {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn screenshot(c: &Client, path: &Path) -> Step<()> {
    let png = c.screenshot().await.ctx("take a screenshot")?;
    std::fs::write(path, png).ctx(&format!("write {}", path.display()))?;
    loud(&format!("screenshot saved to {}", path.display()));
    Ok(())
}

/// The text of the first element matching `css`, or `""`, as a script's result.
pub fn text_of(css: &str) -> String {
    format!(
        "const n = document.querySelector('{}'); return n ? n.textContent : '';",
        css.replace('\'', "\\'")
    )
}

/// Opens a headless Chromium session through `driver`, with its profile in `profile`.
pub async fn session(chromium: &Path, driver: &Driver, profile: &Path) -> Step<Client> {
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
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .ctx("start a Chromium session")
}

/// Chromium driven through a chromedriver of its own, its log and the profile in one folder.
pub struct Browser {
    chromium: PathBuf,
    driver: Driver,
    profile: PathBuf,
}

impl Browser {
    /// Starts `chromedriver` for `chromium`, its log and Chromium's profile in `dir`.
    pub fn start(chromium: &Path, chromedriver: &Path, dir: &Path) -> Browser {
        Browser {
            chromium: chromium.to_path_buf(),
            driver: Driver::start(chromedriver, &dir.join("chromedriver.log")),
            profile: dir.join("chromium-profile"),
        }
    }

    /// Runs `drive` in a new session ([`Browser::session`]) on a runtime of its own.
    pub fn run<T>(
        &self,
        limit: Duration,
        shot: &Path,
        drive: impl AsyncFnOnce(&Client) -> Step<T>,
    ) -> Step<T> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime")
            .block_on(self.session(limit, shot, drive))
    }

    /// Opens a session, runs `drive` in it for at most `limit` on the current runtime, saves a
    /// screenshot to `shot` when it fails, and closes the session, which makes chromedriver stop
    /// Chromium.
    pub async fn session<T>(
        &self,
        limit: Duration,
        shot: &Path,
        drive: impl AsyncFnOnce(&Client) -> Step<T>,
    ) -> Step<T> {
        let client = session(&self.chromium, &self.driver, &self.profile).await?;
        let result = tokio::time::timeout(limit, drive(&client))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "the browser session took more than {} s",
                    limit.as_secs()
                ))
            });
        if result.is_err() {
            let _ = screenshot(&client, shot).await;
        }
        let _ = client.close().await;
        result
    }
}

/// Chromium and chromedriver, or `None` after saying loudly that the browser test is skipped;
/// with `VANKIEN_REQUIRE_BROWSER=1` their absence is a failure.
pub fn browser_or_skip() -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var("VANKIEN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let found = find_browser();
    if found.is_none() {
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
    }
    found
}
