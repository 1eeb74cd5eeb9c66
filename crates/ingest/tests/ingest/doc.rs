//! The real Word 97–2003 document read end to end through the installed converter: every word
//! LibreOffice finds in it is kept (LibreOffice's text is the independent reference, made once and
//! kept as a fixture). The converter must be installed (`apt-get install antiword catdoc`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use vankien_ingest::normalize::{normalize_text, words};

/// The words of a text, lower-cased, with how often each occurs.
fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (_, w) in words(&normalize_text(text)) {
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_real_doc_keeps_every_word() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let reference =
        std::fs::read_to_string(dir.join("fixtures/doc/38-2025-TT-BCT.libreoffice.txt")).unwrap();
    let started = Instant::now();
    let doc = vankien_ingest::read_file(&dir.join("realdocs/38-2025-TT-BCT.doc"))
        .unwrap_or_else(|e| panic!("{e} (is antiword installed? apt-get install antiword catdoc)"));
    let elapsed = started.elapsed();
    assert_eq!(doc.format, "doc");
    assert_eq!(doc.encoding, "utf-8");
    let got = word_counts(&doc.text);
    let want = word_counts(&reference);
    let total: usize = want.values().sum();
    let kept: usize = want
        .iter()
        .map(|(w, n)| (*n).min(got.get(w).copied().unwrap_or(0)))
        .sum();
    let share = kept as f64 / total as f64;
    println!(
        "38/2025/TT-BCT.doc: {kept}/{total} words kept ({:.2}%), read and parsed in {elapsed:?}",
        share * 100.0
    );
    assert!(share >= 0.995, "only {kept}/{total} words kept");
}
