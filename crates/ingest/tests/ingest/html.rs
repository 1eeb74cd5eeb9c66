//! HTML pages saved from legal portals: three synthetic pages (`tests/fixtures/html/`, real
//! document texts wrapped in portal chrome; see the README there) must give back the document's
//! words and none of the chrome's, and hostile pages must neither panic nor hang.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vankien_ingest::normalize::{normalize_text, words};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html")
}

/// The words of a text, lower-cased, with how often each occurs.
fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (_, w) in words(&normalize_text(text)) {
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// How many of `want`'s words (counted with repeats) `got` has.
fn kept(want: &HashMap<String, usize>, got: &HashMap<String, usize>) -> usize {
    want.iter()
        .map(|(w, n)| (*n).min(got.get(w).copied().unwrap_or(0)))
        .sum()
}

fn check_page(stem: &str, encoding: &str) {
    let dir = fixtures();
    let wrapped = std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap();
    let chrome = std::fs::read_to_string(dir.join(format!("{stem}.chrome.txt"))).unwrap();
    let started = Instant::now();
    let doc = vankien_ingest::read_file(&dir.join(format!("{stem}.html")))
        .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    assert_eq!(doc.format, "html", "{stem}");
    assert_eq!(doc.encoding, encoding, "{stem}");
    let got = word_counts(&doc.text);
    let want = word_counts(&wrapped);
    let total: usize = want.values().sum();
    let kept_words = kept(&want, &got);
    let output: usize = got.values().sum();
    let extra = output - kept(&got, &want);
    println!(
        "{stem}: {kept_words}/{total} document words kept ({:.2}%), {extra} other words in the \
         output, read and parsed in {elapsed:?}",
        kept_words as f64 * 100.0 / total as f64
    );
    assert!(
        kept_words as f64 >= 0.995 * total as f64,
        "{stem}: only {kept_words}/{total} words kept"
    );
    let text = normalize_text(&doc.text).to_lowercase();
    for phrase in chrome.lines().filter(|l| !l.trim().is_empty()) {
        let phrase = normalize_text(phrase).to_lowercase();
        assert!(
            !text.contains(&phrase),
            "{stem}: chrome `{phrase}` in the output"
        );
    }
}

#[test]
fn thuvienphapluat_like_page() {
    check_page("tvpl-659-TB-VPCP-2025", "utf-8");
}

#[test]
fn vbpl_like_page_in_windows_1258() {
    check_page("vbpl-82-2025-NQ-HDND-HaNoi", "windows-1258");
}

#[test]
fn provincial_portal_without_a_known_container() {
    check_page("portal-09-CT-UBND-2025-CanTho", "utf-8");
}

/// Parses a hostile page: it may be refused, never panic, and must finish in seconds.
fn survives(name: &str, html: &str) {
    // CPU time, not the wall clock: a shared machine must not fail it, a hang still does.
    let (result, elapsed) =
        crate::cpu::timed(|| vankien_ingest::parse_bytes(html.as_bytes(), name));
    if let Err(e) = &result {
        assert!(e.to_string().starts_with(name), "{e}");
    }
    println!(
        "{name}: {} in {elapsed:?}",
        if result.is_ok() { "read" } else { "refused" }
    );
    assert!(elapsed < Duration::from_secs(20), "{name}: {elapsed:?}");
}

#[test]
fn hostile_pages_neither_panic_nor_hang() {
    let head = "<!DOCTYPE html><html><body>";
    survives(
        "deep-div.html",
        &format!("{head}{}x", "<div>".repeat(100_000)),
    );
    survives(
        "deep-span.html",
        &format!("{head}{}x", "<span><i>".repeat(100_000)),
    );
    survives(
        "deep-li.html",
        &format!("{head}{}x", "<ul><li>".repeat(100_000)),
    );
    survives(
        "deep-table.html",
        &format!("{head}{}x", "<table><tr><td>".repeat(30_000)),
    );
    survives(
        "huge-attribute.html",
        &format!("{head}<p class=\"{}\">x</p>", "a".repeat(10_000_000)),
    );
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    survives(
        "many-attributes.html",
        &format!("{head}<p{attributes}>x</p>"),
    );
    survives(
        "unclosed.html",
        &format!("{head}{}", "<div><p><span><a href=x>text ".repeat(30_000)),
    );
    survives(
        "unclosed-quote.html",
        &format!("{head}<p title=\"{}", "x ".repeat(1_000_000)),
    );
    survives(
        "unclosed-comment.html",
        &format!("{head}<!-- {}", "<p>".repeat(100_000)),
    );
    survives(
        "misnested.html",
        &format!("{head}{}", "<a><p><b><table><a>x</b></p>".repeat(10_000)),
    );
    survives(
        "only-tags.html",
        &format!("{head}{}", "<br><hr><img>".repeat(200_000)),
    );
}
