//! Formats benchmark: extracts and parses every file of `tests/realdocs/` that is not plain text
//! (PDF, DOCX, ODT, DOC, HTML, as `formats::sniff` recognises them) over and over on one core, and
//! prints the throughput in MB/s of input bytes and pages/s per format and per file.
//!
//! Run with `cargo bench -p vankien-ingest --bench formats`. `VANKIEN_BENCH_SECS` sets how long
//! each format's measurement runs (by default, 3 seconds). Files whose extraction fails (a scan,
//! a corrupt text layer, a format not supported yet) are skipped, with the reason printed. Pages
//! are the document's pages where the format has them, else one a file. Beside wall-clock
//! figures it prints MB per second of CPU time of the benchmark thread (from
//! `/proc/thread-self/schedstat`, on Linux), which stays true on a busy machine.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use common::{Run, measure};

mod common;

use vankien_ingest::formats::{self, Format};

/// One file to measure: its name, bytes and pages.
struct File {
    name: String,
    bytes: Vec<u8>,
    pages: usize,
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/realdocs/")
        .map(|e| e.expect("realdocs entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let secs: f64 = std::env::var("VANKIEN_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(secs);

    // Group by the recognised format; check once that each file extracts, and count its pages.
    let mut groups: BTreeMap<&'static str, Vec<File>> = BTreeMap::new();
    for path in paths {
        let bytes = std::fs::read(&path).expect("read realdocs file");
        let format = formats::sniff(&bytes);
        if format == Format::Text {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match formats::extract(&bytes, &name) {
            Ok(extracted) => {
                let pages = if extracted.paged {
                    extracted.pages.len()
                } else {
                    1
                };
                groups
                    .entry(format.as_str())
                    .or_default()
                    .push(File { name, bytes, pages });
            }
            Err(e) => println!("skipped: {e}"),
        }
    }
    println!("{:.1} s a measurement", budget.as_secs_f64());
    for (format, files) in &groups {
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        let pages: usize = files.iter().map(|f| f.pages).sum();
        let run = measure(budget, || {
            for f in files {
                black_box(vankien_ingest::parse_bytes(black_box(&f.bytes), &f.name).unwrap());
            }
        });
        report(
            &format!("{format} ({} files, {pages} pages)", files.len()),
            bytes,
            pages,
            &run,
        );
        // Extraction alone, to see what the parser adds.
        let run = measure(budget, || {
            for f in files {
                black_box(formats::extract(black_box(&f.bytes), &f.name).unwrap());
            }
        });
        report("  extract only", bytes, pages, &run);
        for f in files {
            let run = measure(budget / 10, || {
                black_box(vankien_ingest::parse_bytes(black_box(&f.bytes), &f.name).unwrap());
            });
            report(&format!("  {}", f.name), f.bytes.len(), f.pages, &run);
        }
    }
}

/// Prints the throughput of `run` over `bytes` bytes and `pages` pages a round: wall-clock MB/s
/// and pages/s, and the same per second of CPU time where known.
fn report(what: &str, bytes: usize, pages: usize, run: &Run) {
    let rounds = run.rounds as f64;
    let wall = run.wall.as_secs_f64();
    let mb = bytes as f64 * rounds / 1e6;
    let pg = pages as f64 * rounds;
    let line = format!(
        "{what:<44} {:>7.2} MB/s {:>7.0} pages/s wall",
        mb / wall,
        pg / wall
    );
    match run.cpu {
        Some(cpu) if !cpu.is_zero() => println!(
            "{line}  {:>7.2} MB/s {:>7.0} pages/s cpu ({:.0}% of a core)",
            mb / cpu.as_secs_f64(),
            pg / cpu.as_secs_f64(),
            100.0 * cpu.as_secs_f64() / wall
        ),
        _ => println!("{line}"),
    }
}
