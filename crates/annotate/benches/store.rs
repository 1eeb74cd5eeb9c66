//! A benchmark, not a test: prints how fast the store writes tags (each one fsynced), checks
//! tokens and re-attaches the tags of a real document, on a file in the target directory.
//!
//! Run with `cargo bench -p vankien-annotate`.

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use vankien_annotate::{ClauseRef, Role, Store};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn row(what: &str, n: usize, total: Duration, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "{what:<44} {n:>6} ops  {:>9.0} ops/s  p50 {:>8.3} ms  p99 {:>8.3} ms",
        n as f64 / total.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
}

fn clause(n: usize) -> ClauseRef {
    ClauseRef {
        clause_id: format!("bench/c{n}"),
        doc_id: "bench".into(),
        doc_number: Some("01-NQ/TW".into()),
        section_path: vec!["I".into(), "2".into()],
        text: format!("Đẩy mạnh chuyển đổi số trong cơ quan nhà nước, điều khoản số {n}."),
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    store
        .load_sectors(&root.join("corpus/sectors.json"))
        .unwrap();
    let sectors: Vec<String> = store.sectors().unwrap().into_iter().map(|s| s.id).collect();
    println!("store in {} (WAL, synchronous=FULL)", dir.path().display());

    // One writer, each tag its own fsynced transaction.
    let (user, token) = store.add_user("mot", Role::Annotator).unwrap();
    let n = 500;
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        store
            .tag(&user, &clause(i), &sectors[i % sectors.len()])
            .unwrap();
        lat.push(t.elapsed());
    }
    row("tag, 1 thread", n, start.elapsed(), lat);

    // Eight annotators at once.
    let threads = 8;
    let per = 100;
    let barrier = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (store, barrier, sectors) = (store.clone(), barrier.clone(), sectors.clone());
            let (user, _) = store
                .add_user(&format!("nguoi-{t}"), Role::Annotator)
                .unwrap();
            std::thread::spawn(move || {
                barrier.wait();
                (0..per)
                    .map(|i| {
                        let t0 = Instant::now();
                        store
                            .tag(&user, &clause(i * 7 + t), &sectors[(i + t) % sectors.len()])
                            .unwrap();
                        t0.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let lat: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    row("tag, 8 threads", threads * per, start.elapsed(), lat);

    // Tokens: one indexed read and a blake3 hash, whatever the outcome. A wrong secret for a
    // known id and an unknown id should cost the same: compare their rows.
    let n = 20_000;
    let wrong = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('0') { '1' } else { '0' }
    );
    let unknown = format!("vk_{}{}", "f".repeat(16), &token[19..]);
    for (what, t, ok) in [
        ("authenticate, right token", &token, true),
        ("authenticate, known id, wrong secret", &wrong, false),
        ("authenticate, unknown id", &unknown, false),
    ] {
        let mut lat = Vec::with_capacity(n);
        let start = Instant::now();
        for _ in 0..n {
            let t0 = Instant::now();
            assert_eq!(store.authenticate(t).is_ok(), ok);
            lat.push(t0.elapsed());
        }
        row(what, n, start.elapsed(), lat);
    }

    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let t0 = Instant::now();
        store
            .tags_for_clause(&format!("bench/c{}", i % 500))
            .unwrap();
        lat.push(t0.elapsed());
    }
    row("tags_for_clause", n, start.elapsed(), lat);

    let start = Instant::now();
    let map = store.sector_map().unwrap();
    row(
        "sector_map (whole store)",
        1,
        start.elapsed(),
        vec![start.elapsed()],
    );
    println!("  {} tagged clauses", map.len());

    // Re-attachment: every clause of the largest document tagged, then the document re-ingested
    // unchanged (all kept) and with a paragraph inserted at the top (most ids shift).
    let doc = vankien_ingest::read_file(&root.join("corpus/175-NQ-CP.txt")).unwrap();
    for c in &doc.clauses {
        let r = ClauseRef::from_clause(&doc.id, doc.number.as_deref(), c);
        store.tag(&user, &r, "chuyen-doi-so").unwrap();
    }
    let t0 = Instant::now();
    let report = store.reattach(&doc.id, &doc.clauses).unwrap();
    let d = t0.elapsed();
    row(
        &format!("reattach {} clauses, unchanged", doc.clauses.len()),
        1,
        d,
        vec![d],
    );
    println!("  {report:?}");
    let mut shifted = doc.clauses.clone();
    shifted.insert(0, shifted[0].clone());
    shifted[0].text = "Một đoạn mới ở đầu văn bản.".into();
    let n_clauses = shifted.len();
    for (i, c) in shifted.iter_mut().enumerate() {
        c.id = format!("{}/p{}", doc.id, n_clauses - i);
    }
    let t0 = Instant::now();
    let report = store.reattach(&doc.id, &shifted).unwrap();
    let d = t0.elapsed();
    row(
        &format!("reattach {} clauses, all ids changed", doc.clauses.len()),
        1,
        d,
        vec![d],
    );
    println!("  {report:?}");
}
