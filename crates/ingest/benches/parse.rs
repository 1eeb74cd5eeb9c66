//! Parse benchmark: decodes, normalizes and parses every `corpus/*.txt` over and over on one core
//! and prints the throughput in MB/s of input bytes.
//!
//! Run with `cargo bench -p vankien-ingest --bench parse`. `VANKIEN_BENCH_SECS` sets how long
//! each measurement runs (by default, 3 seconds).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("read corpus/")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read corpus file");
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus/*.txt");
    let secs: f64 = std::env::var("VANKIEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(secs);
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();

    // Warm up once, and make sure every file parses.
    for (name, bytes) in &files {
        vankien_ingest::parse_bytes(bytes, name).expect("corpus file parses");
    }

    let (rounds, elapsed) = measure(budget, || {
        for (name, bytes) in &files {
            black_box(vankien_ingest::parse_bytes(black_box(bytes), name).unwrap());
        }
    });
    let mbps = (total * rounds) as f64 / elapsed.as_secs_f64() / 1e6;
    println!(
        "parse_bytes (decode + normalize + parse): {} files, {:.1} KB, {rounds} rounds in {:.2} s: {mbps:.1} MB/s",
        files.len(),
        total as f64 / 1e3,
        elapsed.as_secs_f64()
    );

    // The stages apart, to see which one costs.
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| {
            (
                n.clone(),
                vankien_ingest::decode::decode(b, n).unwrap().text,
            )
        })
        .collect();
    let (rounds, elapsed) = measure(budget, || {
        for (name, bytes) in &files {
            black_box(vankien_ingest::decode::decode(black_box(bytes), name).unwrap());
        }
    });
    report("decode", total * rounds, elapsed);
    let (rounds, elapsed) = measure(budget, || {
        for (_, text) in &texts {
            black_box(vankien_ingest::normalize::normalize_text(black_box(text)));
        }
    });
    report("normalize", total * rounds, elapsed);
    let (rounds, elapsed) = measure(budget, || {
        for (name, text) in &texts {
            black_box(vankien_ingest::parse::parse(black_box(text), name, "utf-8"));
        }
    });
    report("parse (incl. normalize)", total * rounds, elapsed);

    for (name, bytes) in &files {
        let (rounds, elapsed) = measure(budget / 10, || {
            black_box(vankien_ingest::parse_bytes(black_box(bytes), name).unwrap());
        });
        report(&format!("  {name}"), bytes.len() * rounds, elapsed);
    }
}

/// Runs `f` until `budget` has passed; returns the rounds and the time they took.
fn measure(budget: Duration, mut f: impl FnMut()) -> (usize, Duration) {
    let start = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || start.elapsed() < budget {
        f();
        rounds += 1;
    }
    (rounds, start.elapsed())
}

fn report(what: &str, bytes: usize, elapsed: Duration) {
    println!(
        "{what:<40} {:>8.1} MB/s",
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
}
