//! Target extraction benchmark: reads the targets of every parsed `corpus/*.txt` over and over on
//! one core and prints the time a corpus takes, beside the parse of the same files, to decide
//! whether extraction belongs at ingestion or at request time.
//!
//! Run with `cargo bench -p vankien-ingest --bench targets`. `VANKIEN_BENCH_SECS` sets how long
//! each measurement runs (by default, 3 seconds).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use common::{Run, measure};

mod common;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("read corpus/")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let docs: Vec<_> = paths
        .iter()
        .map(|p| vankien_ingest::read_file(p).expect("corpus file parses"))
        .collect();
    let bytes: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect();
    let secs: f64 = std::env::var("VANKIEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(secs);
    let clauses: usize = docs.iter().map(|d| d.clauses.len()).sum();
    let targets: usize = docs
        .iter()
        .map(|d| vankien_ingest::targets::extract(d).len())
        .sum();
    println!(
        "{} documents, {clauses} clauses, {targets} targets, {:.1} s a measurement",
        docs.len(),
        budget.as_secs_f64()
    );
    let run = measure(budget, || {
        for doc in &docs {
            black_box(vankien_ingest::targets::extract(black_box(doc)));
        }
    });
    report("targets::extract (all documents)", &run);
    let run = measure(budget, || {
        for (name, b) in &bytes {
            black_box(vankien_ingest::parse_bytes(black_box(b), name).unwrap());
        }
    });
    report("parse_bytes (all documents)", &run);
}

/// Prints the time of one round of `run`.
fn report(what: &str, run: &Run) {
    let wall = run.wall.as_secs_f64() / run.rounds as f64 * 1e3;
    match run.cpu {
        Some(cpu) if !cpu.is_zero() => println!(
            "{what:<36} {wall:>8.2} ms a corpus wall {:>8.2} ms cpu",
            cpu.as_secs_f64() / run.rounds as f64 * 1e3
        ),
        _ => println!("{what:<36} {wall:>8.2} ms a corpus wall"),
    }
}
