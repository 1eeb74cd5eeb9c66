//! Parse benchmark: decodes, normalizes and parses every `corpus/*.txt` over and over on one core
//! and prints the throughput in MB/s of input bytes.
//!
//! Run with `cargo bench -p vankien-ingest --bench parse`. `VANKIEN_BENCH_SECS` sets how long
//! each measurement runs (by default, 3 seconds). Beside wall-clock MB/s it prints MB per second
//! of CPU time of the benchmark thread (from `/proc/thread-self/schedstat`, on Linux), which
//! stays true on a busy machine where other processes share the core.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use common::{Run, measure};

mod common;

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

    println!(
        "{} files, {:.1} KB, {:.1} s a measurement",
        files.len(),
        total as f64 / 1e3,
        budget.as_secs_f64()
    );
    let run = measure(budget, || {
        for (name, bytes) in &files {
            black_box(vankien_ingest::parse_bytes(black_box(bytes), name).unwrap());
        }
    });
    report("parse_bytes (all stages)", total, &run);

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
    let run = measure(budget, || {
        for (name, bytes) in &files {
            black_box(vankien_ingest::decode::decode(black_box(bytes), name).unwrap());
        }
    });
    report("  decode", total, &run);
    let run = measure(budget, || {
        for (_, text) in &texts {
            black_box(vankien_ingest::normalize::normalize_text(black_box(text)));
        }
    });
    report("  normalize", total, &run);
    let run = measure(budget, || {
        for (name, text) in &texts {
            black_box(vankien_ingest::parse::parse(black_box(text), name, "utf-8"));
        }
    });
    report("  parse (incl. normalize)", total, &run);

    for (name, bytes) in &files {
        let run = measure(budget / 10, || {
            black_box(vankien_ingest::parse_bytes(black_box(bytes), name).unwrap());
        });
        report(&format!("  {name}"), bytes.len(), &run);
    }
}

/// Prints the throughput of `run` over `bytes` bytes a round.
fn report(what: &str, bytes: usize, run: &Run) {
    let total = (bytes * run.rounds) as f64;
    let wall = total / run.wall.as_secs_f64() / 1e6;
    match run.cpu {
        Some(cpu) if !cpu.is_zero() => println!(
            "{what:<32} {wall:>8.1} MB/s wall {:>8.1} MB/s cpu ({:.0}% of a core)",
            total / cpu.as_secs_f64() / 1e6,
            100.0 * cpu.as_secs_f64() / run.wall.as_secs_f64()
        ),
        _ => println!("{what:<32} {wall:>8.1} MB/s wall"),
    }
}
