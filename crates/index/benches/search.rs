//! The search benchmark: vankien against the SQLite FTS5 peer on a scaled corpus, in one run.
//!
//! ```text
//! cargo bench -p vankien-index --bench search                          # full: 2,000 documents, ~140 MB
//! VANKIEN_BENCH_DOCS=200 cargo bench -p vankien-index --bench search   # quick check, ~14 MB
//! cargo bench -p vankien-index --bench search -- /some/dir             # corpus and indexes there
//! VANKIEN_BENCH_GENERATE_ONLY=1 cargo bench -p vankien-index --bench search   # corpus and queries only
//! ```
//!
//! With `VANKIEN_BENCH_GENERATE_ONLY=1` the run only generates (or reuses) the corpus, writes the
//! queries (`queries.txt`, `typing.txt` in the work folder) and prints the corpus's folder
//! (holding `MANIFEST` and `docs/`) as the one line of its standard output, for
//! `scripts/bench-load.sh` and `scripts/bench-typing.sh`.
//!
//! Expected runtime on the 2-core machine, after the release build: 3 to 5 minutes for the full
//! run (measured 3 min 2 s and 4 min 36 s while other builds kept the load average near 12: about
//! 10 s to generate the corpus, a minute for vankien to ingest it, a minute or two for the queries
//! of both systems); the quick check takes about 30 seconds. The generated corpus is kept (by
//! default in `<target>/vankien-bench/corpus-<docs>/`)
//! and reused by the next run with the same size.
//!
//! The run: generate the corpus (`search/generate.rs`) or reuse it; draw 1,000 mixed queries
//! with a seeded RNG (the judged queries of the relevance suite, and words of the generated
//! corpus: accented, unaccented, upper case, NFD, quoted phrases, document numbers); then, each
//! in its own child process so that its peak memory (VmHWM) is its own, ingest the corpus and run
//! the queries (top 10, implicit AND; bm25 for FTS5) with vankien and with FTS5. The table gives
//! per system ingest throughput (parse + index for vankien, read + insert lines for FTS5), mean,
//! p50 and p99 query latency, index size on disk and peak memory, and the ratios FTS5/vankien.
//! Two more children run a reference, bare tantivy (`search/bare.rs`): one folded field, one
//! document per line as FTS5, tantivy's own top-10 collector; then the same queries over the
//! folded field of the index the vankien child built, one document per clause, its segments
//! searched on every core as vankien's own index searches them. Their rows show
//! how fast the index library alone ingests and answers the same queries here, with and without
//! counting every match (vankien's `total` counts them).
//!
//! A last table gives the figures of the scale issue (issue 14) beside their references: the
//! page's own first request (ten documents grouped, the total exact up to 10,000, no facets), its
//! second (the facets and the exact total alone), the page's one request before the counts
//! (grouped, facets), and the top 20 clauses with facets, each against bare tantivy's top 10
//! with an exact count on vankien's clauses; the page's first request
//! as a user types (every prefix of 40 of the queries, `typing.txt` in the work folder) against
//! bare tantivy on the same prefixes; ingest against FTS5 and bare tantivy; peak memory.
//! `scripts/bench-all.sh DOCS` runs this benchmark and the HTTP one for one corpus size.

#[path = "search/bare.rs"]
mod bare;
#[path = "search/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;
use vankien_index::{FileReads, Index, IngestOptions, NoTags, SearchRequest};
use vankien_ingest::normalize::{folded_key, normalize_text, words};
use vankien_testkit::{fts5, judged};

/// The allocator of the `vankien` binary, for every system of the run alike (FTS5's SQLite
/// allocates through it too).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Queries per system.
const QUERIES: usize = 1_000;
/// Queries run before timing, to fault in the index files.
const WARMUP: usize = 20;
/// Results per query.
const TOP: usize = 10;
/// The bare reference's writer budget: that of vankien's batch writer (`BATCH_WRITER_BYTES` in
/// `src/ingest.rs`), with as many threads.
const BARE_BUDGET: usize = 400_000_000;

fn main() -> ExitCode {
    // cargo passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..])
    } else {
        parent(args.first().map(PathBuf::from))
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("search bench: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Generates or reuses the corpus, draws the queries, runs both children, prints the table.
fn parent(dir: Option<PathBuf>) -> Res<()> {
    let docs: usize = match std::env::var("VANKIEN_BENCH_DOCS") {
        Ok(v) => v
            .parse()
            .map_err(|_| format!("VANKIEN_BENCH_DOCS={v}: not a number"))?,
        Err(_) => generate::Config::default().docs,
    };
    let base = match dir.or_else(|| std::env::var_os("VANKIEN_BENCH_DIR").map(PathBuf::from)) {
        Some(d) => d,
        None => default_dir()?,
    };
    let cfg = generate::Config {
        docs,
        ..generate::Config::default()
    };
    let corpus = base.join(format!("corpus-{docs}"));
    let t = Instant::now();
    let generated = generate::generate_or_reuse(&judged::corpus_dir(), &corpus, &cfg)?;
    eprintln!(
        "corpus: {} documents, {:.1} MB in {} ({:.1} s)",
        generated.files.len(),
        mb(generated.bytes),
        corpus.display(),
        t.elapsed().as_secs_f64()
    );

    let queries = draw_queries(&generated, cfg.seed)?;
    let work = base.join(format!("work-{docs}"));
    std::fs::create_dir_all(&work)?;
    let queries_file = work.join("queries.txt");
    let text: String = queries.iter().map(|(_, q)| format!("{q}\n")).collect();
    std::fs::write(&queries_file, text)?;
    let typing_file = work.join("typing.txt");
    let typed: String = typing_queries(&queries)
        .iter()
        .map(|q| format!("{q}\n"))
        .collect();
    std::fs::write(&typing_file, typed)?;

    // The HTTP load benchmarks need the corpus and the queries only.
    if std::env::var("VANKIEN_BENCH_GENERATE_ONLY").is_ok_and(|v| !v.is_empty() && v != "0") {
        println!("{}", corpus.display());
        return Ok(());
    }

    let exe = std::env::current_exe()?;
    let mut results = Vec::new();
    // The vankien child leaves its index for the bare-clauses one.
    for system in ["vankien", "fts5", "bare", "bare-clauses"] {
        let work_done = match system {
            "bare-clauses" => "querying vankien's index",
            _ => "ingesting and querying",
        };
        eprintln!("{system}: {work_done} …");
        let out = Command::new(&exe)
            .arg("--child")
            .arg(system)
            .arg(corpus.join("docs"))
            .arg(&work)
            .arg(&queries_file)
            .arg(&typing_file)
            .stderr(std::process::Stdio::inherit())
            .output()?;
        if !out.status.success() {
            return Err(format!("{system} child failed: {}", out.status).into());
        }
        let line = String::from_utf8(out.stdout)?;
        results.push(serde_json::from_str::<Value>(line.trim())?);
    }
    print_table(&generated, &queries, &results[0], &results[1]);
    print_reference(&results[1], &results[2], &results[3], generated.bytes);
    print_scale(
        &generated,
        &results[0],
        &results[1],
        &results[2],
        &results[3],
    );
    Ok(())
}

/// `<target>/vankien-bench`, from the benchmark's own path `<target>/release/deps/search-…`.
fn default_dir() -> Res<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .nth(3)
        .ok_or("cannot find the target directory; pass a directory")?;
    Ok(target.join("vankien-bench"))
}

/// Draws the mixed queries, each with its shape: the judged queries, and words of the generated
/// corpus typed in the ways users type them.
fn draw_queries(generated: &generate::Generated, seed: u64) -> Res<Vec<(&'static str, String)>> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let judged: Vec<String> = judged::load().into_iter().map(|q| q.query).collect();
    // Lines of a sample of the generated documents, as stored text (NFC), with enough words.
    let mut lines: Vec<Vec<String>> = Vec::new();
    for path in generated.files.choose_multiple(&mut rng, 300) {
        let text = normalize_text(&std::fs::read_to_string(path)?);
        for line in text.lines() {
            let ws: Vec<String> = words(line).map(|(_, w)| w.to_string()).collect();
            if ws.len() >= 6 {
                lines.push(ws);
            }
        }
    }
    let mut out = Vec::with_capacity(QUERIES);
    while out.len() < QUERIES {
        let ws = lines
            .choose(&mut rng)
            .ok_or("no lines in the generated corpus")?;
        let len = rng.random_range(2..=4);
        let start = rng.random_range(0..=ws.len() - len);
        let window = ws[start..start + len].join(" ");
        let roll = rng.random_range(0..100);
        let q = match roll {
            0..15 => (
                "judged",
                judged.choose(&mut rng).ok_or("no judged queries")?.clone(),
            ),
            15..40 => ("accented", window),
            40..60 => {
                let folded: Vec<String> = ws[start..start + len]
                    .iter()
                    .map(|w| folded_key(w))
                    .collect();
                ("unaccented", folded.join(" "))
            }
            60..70 => ("phrase", format!("\"{window}\"")),
            70..80 => {
                let number = generated.numbers.choose(&mut rng).ok_or("no numbers")?;
                let n = number.split(['-', '/']).next().unwrap_or(number);
                let typed = match rng.random_range(0..4) {
                    0 => number.clone(),
                    1 => format!("nq {n}"),
                    2 => format!("nghị quyết {n}"),
                    _ => number.replace(['-', '/'], " "),
                };
                ("number", typed)
            }
            80..85 => ("upper", window.to_uppercase()),
            85..90 => ("nfd", window.nfd().collect()),
            _ => ("one word", ws[start].clone()),
        };
        out.push(q);
    }
    Ok(out)
}

/// How many of the mixed queries are typed letter by letter for the as-you-type figures.
const TYPED: usize = 40;

/// The as-you-type requests: the first [`TYPED`] accented or unaccented queries, each typed
/// letter by letter, every prefix (from two characters, the page's debounce aside) one request,
/// as a user who types steadily sends them.
fn typing_queries(queries: &[(&str, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let typed = queries
        .iter()
        .filter(|(shape, _)| matches!(*shape, "accented" | "unaccented"))
        .take(TYPED);
    for (_, q) in typed {
        let chars: Vec<char> = q.chars().collect();
        for end in 2..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            if !prefix.ends_with(' ') {
                out.push(prefix);
            }
        }
    }
    out
}

/// The page's own first search request (`web/js/search.js`): ten documents, their best clauses
/// grouped under each, the total (exact up to 10,000, a lower bound past it) and the documents
/// the query names; no facets.
fn page_request(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        limit: 10,
        group: true,
        ..SearchRequest::default()
    }
}

/// The page's second request, sent once the first is shown: the counts alone (the facets, the
/// exact total, the number of documents).
fn counts_request(q: &str) -> SearchRequest {
    SearchRequest {
        facets: true,
        exact_total: true,
        counts_only: true,
        ..page_request(q)
    }
}

/// The page's one request before the counts moved to a second one (the evening of
/// 2026-12-04): grouped, with the facets and the exact total.
fn old_page_request(q: &str) -> SearchRequest {
    SearchRequest {
        facets: true,
        exact_total: true,
        ..page_request(q)
    }
}

/// The request of the issue's query aim: the top 20 clauses with the total and the facets.
fn top20_request(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        limit: 20,
        facets: true,
        ..SearchRequest::default()
    }
}

/// A child: ingests `corpus` with one system in `work`, runs the queries, prints one JSON line.
fn child(args: &[String]) -> Res<()> {
    let [system, corpus, work, queries, typing] = args else {
        return Err("usage: --child SYSTEM CORPUS WORK QUERIES TYPING".into());
    };
    let typing: Vec<String> = std::fs::read_to_string(typing)?
        .lines()
        .map(str::to_string)
        .collect();
    // The latencies of the issue's scale figures: the page's request, the top 20 with facets,
    // and the page's request as the user types (for the bare reference: top 10 with a count).
    let mut scale = json!({});
    let corpus = PathBuf::from(corpus);
    let work = PathBuf::from(work);
    let queries: Vec<String> = std::fs::read_to_string(queries)?
        .lines()
        .map(str::to_string)
        .collect();
    let anon = AnonPeak::start();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()))
        .sum::<Result<_, _>>()?;

    // Queries answered relaxed (no clause has every word; FTS5 never relaxes).
    let mut relaxed = 0;
    // The bare reference's latencies when it also counts every match (vankien's total).
    let mut with_total = None;
    // The anonymous peak at the end of the ingest, read where VmHWM is.
    let mut anon_ingest = 0;
    let (ingest_secs, units, index_bytes, hwm_ingest, timed) = match system.as_str() {
        "vankien" => {
            let dir = work.join("vankien-index");
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            let t = Instant::now();
            // As `vankien ingest` does: the files read, not mapped, while ingesting; then opened
            // mapped for the queries, as the server opens them.
            let index = Index::open_or_create_reading(&dir, FileReads::Buffered)?;
            let (files, _) = vankien_ingest::find_files(std::slice::from_ref(&corpus));
            let report =
                index.ingest_files(&files, &IngestOptions::default(), &mut NoTags, &mut |_| {})?;
            let secs = t.elapsed().as_secs_f64();
            if !report.failed.is_empty() {
                eprintln!(
                    "vankien: {} files failed, e.g. {:?}",
                    report.failed.len(),
                    report.failed[0]
                );
            }
            let docs = index.documents()?.len();
            let units = json!({"documents": docs, "clauses": report.clauses});
            let size = dir_size(&dir)?;
            let hwm = vm_hwm_kib();
            anon_ingest = anon.kib();
            drop(index);
            let index = Index::open(&dir)?;
            // Whether each call was relaxed: the warm-up calls come first, the timed ones last.
            let mut was_relaxed = Vec::with_capacity(WARMUP + queries.len());
            let timed = time_queries(&queries, |q| {
                let request = SearchRequest {
                    query: q.to_string(),
                    limit: TOP,
                    ..SearchRequest::default()
                };
                let result = index.search(&request);
                was_relaxed.push(result.as_ref().is_ok_and(|r| r.relaxed.is_some()));
                result.map(|r| !r.hits.is_empty())
            });
            let first_timed = was_relaxed.len().saturating_sub(queries.len());
            relaxed = was_relaxed[first_timed..].iter().filter(|&&r| r).count();
            let run = |req: &SearchRequest| index.search(req).map(|r| r.total > 0);
            scale = json!({
                "page_us": time_queries(&queries, |q| run(&page_request(q))).latencies_us,
                "counts_us": time_queries(&queries, |q| run(&counts_request(q))).latencies_us,
                "old_page_us": time_queries(&queries, |q| run(&old_page_request(q))).latencies_us,
                "top20_us": time_queries(&queries, |q| run(&top20_request(q))).latencies_us,
                "typing_us": time_queries(&typing, |q| run(&page_request(q))).latencies_us,
            });
            (secs, units, size, hwm, timed)
        }
        "fts5" => {
            let path = work.join("fts5.sqlite3");
            if path.exists() {
                std::fs::remove_file(&path)?;
            }
            let t = Instant::now();
            let mut fts = fts5::Fts5::create(Some(&path))?;
            let mut texts = Vec::with_capacity(files.len());
            for f in &files {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                texts.push((name.unwrap_or_default(), std::fs::read_to_string(f)?));
            }
            let rows = fts.insert_docs(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))?;
            drop(texts);
            let secs = t.elapsed().as_secs_f64();
            let units = json!({"documents": files.len(), "rows": rows});
            let size = std::fs::metadata(&path)?.len();
            let hwm = vm_hwm_kib();
            anon_ingest = anon.kib();
            let timed = time_queries(&queries, |q| fts.search(q, TOP).map(|r| !r.is_empty()));
            (secs, units, size, hwm, timed)
        }
        "bare" => {
            let dir = work.join("bare-tantivy");
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            let t = Instant::now();
            let mut bare = bare::Bare::create(&dir)?;
            let mut texts = Vec::with_capacity(files.len());
            for f in &files {
                texts.push(std::fs::read_to_string(f)?);
            }
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
            let rows = bare.insert_docs(texts.iter().map(String::as_str), threads, BARE_BUDGET)?;
            drop(texts);
            let secs = t.elapsed().as_secs_f64();
            let units = json!({"documents": files.len(), "rows": rows});
            let size = dir_size(&dir)?;
            let hwm = vm_hwm_kib();
            anon_ingest = anon.kib();
            let timed = time_queries(&queries, |q| bare.search(q, TOP, false));
            with_total = Some(time_queries(&queries, |q| bare.search(q, TOP, true)).latencies_us);
            (secs, units, size, hwm, timed)
        }
        "bare-clauses" => {
            // No ingest: the clauses of the index the vankien child left in `work`, opened in
            // this process of their own so that they do not add to vankien's peak memory.
            let dir = work.join("vankien-index");
            let on_clauses = bare::OnClauses::open(&dir)?;
            let size = dir_size(&dir)?;
            let timed = time_queries(&queries, |q| on_clauses.search(q, TOP, false));
            let total = time_queries(&queries, |q| on_clauses.search(q, TOP, true));
            with_total = Some(total.latencies_us);
            scale = json!({
                "typing_us": time_queries(&typing, |q| on_clauses.search(q, TOP, true)).latencies_us,
            });
            (0.0, json!({}), size, vm_hwm_kib(), timed)
        }
        other => return Err(format!("unknown system {other}").into()),
    };
    let out = json!({
        "system": system,
        "bytes": bytes,
        "ingest_secs": ingest_secs,
        "units": units,
        "index_bytes": index_bytes,
        "hwm_ingest_kib": hwm_ingest,
        "hwm_kib": vm_hwm_kib(),
        "anon_ingest_kib": anon_ingest,
        "anon_kib": anon.kib(),
        "latencies_us": timed.latencies_us,
        "empty": timed.empty,
        "refused": timed.refused,
        "relaxed": relaxed,
        "latencies_with_total_us": with_total,
        "scale": scale,
    });
    println!("{out}");
    Ok(())
}

/// What the timed queries gave.
struct Timed {
    /// Each query's time, in µs, in the order of the queries.
    latencies_us: Vec<f64>,
    /// Queries that found nothing.
    empty: usize,
    /// Queries the system answered with an error (for FTS5, a MATCH syntax error).
    refused: usize,
}

/// Runs the first [`WARMUP`] queries untimed (to fault in the index files), then every query
/// timed. `run` answers whether a query found anything.
fn time_queries<E>(queries: &[String], mut run: impl FnMut(&str) -> Result<bool, E>) -> Timed {
    for q in queries.iter().take(WARMUP) {
        let _ = run(q);
    }
    let mut timed = Timed {
        latencies_us: Vec::with_capacity(queries.len()),
        empty: 0,
        refused: 0,
    };
    for q in queries {
        let t = Instant::now();
        let result = run(q);
        timed.latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
        match result {
            Ok(true) => {}
            Ok(false) => timed.empty += 1,
            Err(_) => timed.refused += 1,
        }
    }
    timed
}

/// The process's peak resident set (VmHWM of /proc/self/status), in KiB.
fn vm_hwm_kib() -> u64 {
    status_kib("VmHWM:")
}

/// One line of /proc/self/status, in KiB (0 where there is none).
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The peak of the process's anonymous resident memory (RssAnon: its heap and stacks, what it
/// cannot give back to the kernel), sampled every 10 ms by a thread of its own. VmHWM also counts
/// the pages of the index files mapped into the process (clean page cache the kernel may drop at
/// any time), which grow with what the queries touch; the two are reported side by side.
struct AnonPeak(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl AnonPeak {
    fn start() -> AnonPeak {
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let sampled = std::sync::Arc::clone(&peak);
        std::thread::spawn(move || {
            loop {
                sampled.fetch_max(rss_anon_kib(), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        });
        AnonPeak(peak)
    }

    /// The peak so far, in KiB, with a last sample taken now.
    fn kib(&self) -> u64 {
        let now = rss_anon_kib();
        self.0
            .fetch_max(now, std::sync::atomic::Ordering::Relaxed)
            .max(now)
    }
}

/// The process's anonymous resident memory now (RssAnon of /proc/self/status), in KiB.
fn rss_anon_kib() -> u64 {
    status_kib("RssAnon:")
}

/// Total size of the files under `dir`.
fn dir_size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Mean, p50 and p99 of latencies in µs, as milliseconds.
fn stats(v: &Value) -> (f64, f64, f64) {
    stats_of(v, "latencies_us")
}

/// [`stats`] of the latencies under `key`.
fn stats_of(v: &Value, key: &str) -> (f64, f64, f64) {
    let mut lat: Vec<f64> = v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    if lat.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mean = lat.iter().sum::<f64>() / lat.len() as f64;
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    (mean / 1e3, pct(0.50) / 1e3, pct(0.99) / 1e3)
}

fn print_table(
    generated: &generate::Generated,
    queries: &[(&str, String)],
    ours: &Value,
    theirs: &Value,
) {
    let bytes = generated.bytes;
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let rate = |v: &Value| mb(bytes) / f(v, "ingest_secs");
    let (om, o50, o99) = stats(ours);
    let (tm, t50, t99) = stats(theirs);
    let size = |v: &Value| f(v, "index_bytes") / 1e6;
    let mem = |v: &Value, k: &str| f(v, k) / 1024.0;
    println!();
    println!(
        "search benchmark: {} documents, {:.1} MB of text, {} queries (top {TOP}, implicit AND), {} cores",
        generated.files.len(),
        mb(bytes),
        queries.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "vankien indexed {}; FTS5 {}",
        ours["units"], theirs["units"]
    );
    println!(
        "{:<28} {:>12} {:>12} {:>14}  aim (index issue)",
        "", "vankien", "FTS5", "FTS5/vankien"
    );
    // `aim` says what the issue asks of the row and whether this run meets it.
    let row = |name: &str, a: f64, b: f64, aim: &str, met: Option<bool>| {
        let mark = match met {
            Some(true) => " (met)",
            Some(false) => " (NOT met)",
            None => "",
        };
        println!(
            "{name:<28} {a:>12.3} {b:>12.3} {:>14.2}  {aim}{mark}",
            b / a
        );
    };
    let (oi, ti) = (f(ours, "ingest_secs"), f(theirs, "ingest_secs"));
    row("ingest time (s)", oi, ti, "", None);
    row(
        "ingest (MB/s)",
        rate(ours),
        rate(theirs),
        "vankien >= 2x FTS5",
        Some(rate(ours) >= 2.0 * rate(theirs)),
    );
    row(
        "query mean (ms)",
        om,
        tm,
        "FTS5/vankien >= 50",
        Some(tm >= 50.0 * om),
    );
    row("query p50 (ms)", o50, t50, "", None);
    row("query p99 (ms)", o99, t99, "", None);
    row("index size (MB)", size(ours), size(theirs), "", None);
    let (or, tr) = (size(ours) / mb(bytes), size(theirs) / mb(bytes));
    row(
        "index size / text",
        or,
        tr,
        "vankien <= 1.5",
        Some(or <= 1.5),
    );
    let (oh, th) = (mem(ours, "hwm_ingest_kib"), mem(theirs, "hwm_ingest_kib"));
    row("peak RSS after ingest (MiB)", oh, th, "", None);
    let (ow, tw) = (mem(ours, "hwm_kib"), mem(theirs, "hwm_kib"));
    row(
        "peak RSS, whole run (MiB)",
        ow,
        tw,
        "vankien <= 1024",
        Some(ow <= 1024.0),
    );
    for (name, key) in [
        ("queries with no hit", "empty"),
        ("queries refused", "refused"),
        ("queries relaxed", "relaxed"),
    ] {
        println!("{name:<28} {:>12} {:>12}", f(ours, key), f(theirs, key));
    }
    // Mean latency per query shape, to show where the time goes.
    let lat = |v: &Value| -> Vec<f64> {
        v["latencies_us"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (ol, tl) = (lat(ours), lat(theirs));
    let mut shapes: Vec<&str> = queries.iter().map(|(s, _)| *s).collect();
    shapes.sort_unstable();
    shapes.dedup();
    println!("\nmean query time by shape (ms):");
    for shape in shapes {
        let idx: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].0 == shape)
            .collect();
        let mean =
            |l: &[f64]| idx.iter().filter_map(|&i| l.get(i)).sum::<f64>() / idx.len() as f64 / 1e3;
        let (a, b) = (mean(&ol), mean(&tl));
        println!(
            "  {:<26} {:>12.3} {:>12.3} {:>14.2}   ({} queries)",
            shape,
            a,
            b,
            b / a,
            idx.len()
        );
    }
    println!(
        "(peak RSS is VmHWM of each system's own child process; ingest time includes reading the files)"
    );
}

/// The reference rows: bare tantivy beside FTS5, to show how far the index library alone goes
/// on this machine: its ingest of the lines (`search/bare.rs`), and the same queries, top 10 by
/// BM25 with the hits' texts read, over those lines and over vankien's own clauses (the folded
/// field of vankien's index), each without and with counting every match (vankien's `total`
/// counts them).
fn print_reference(theirs: &Value, bare: &Value, clauses: &Value, bytes: u64) {
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let rate = |v: &Value| mb(bytes) / f(v, "ingest_secs");
    println!();
    println!(
        "reference: bare tantivy, one folded field; no exact spelling, headings, proximity, \
         number keys, filters or snippets"
    );
    println!(
        "bare tantivy indexed {} (the lines, as FTS5)",
        bare["units"]
    );
    println!(
        "{:<40} {:>12} {:>12} {:>10}",
        "", "bare", "FTS5", "FTS5/bare"
    );
    let row =
        |name: &str, a: f64, b: f64| println!("{name:<40} {a:>12.3} {b:>12.3} {:>10.2}", b / a);
    row("ingest (MB/s)", rate(bare), rate(theirs));
    row(
        "index size (MB)",
        f(bare, "index_bytes") / 1e6,
        f(theirs, "index_bytes") / 1e6,
    );
    let (tm, t50, t99) = stats(theirs);
    for (what, v, key) in [
        ("lines, top 10", bare, "latencies_us"),
        ("lines, top 10 + total", bare, "latencies_with_total_us"),
        ("clauses, top 10", clauses, "latencies_us"),
        (
            "clauses, top 10 + total",
            clauses,
            "latencies_with_total_us",
        ),
    ] {
        let (m, p50, p99) = stats_of(v, key);
        row(&format!("{what}: query mean (ms)"), m, tm);
        row("  p50 (ms)", p50, t50);
        row("  p99 (ms)", p99, t99);
    }
    println!(
        "(in the MB/s row FTS5/x is below 1 where x is faster: the ingest aim asks vankien for \
         0.5 or less, the query aim for a mean ratio of 50 or more)"
    );
}

/// The figures of the scale issue (issue 14), each beside its reference from this same run: the
/// page's request and the top 20 against bare tantivy's top 10 with an exact count on vankien's
/// clauses, as-you-type, ingest against FTS5 and bare tantivy, and peak memory.
fn print_scale(
    generated: &generate::Generated,
    ours: &Value,
    fts5: &Value,
    bare: &Value,
    clauses: &Value,
) {
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let rate = |v: &Value| mb(generated.bytes) / f(v, "ingest_secs");
    let typed = ours["scale"]["typing_us"].as_array().map_or(0, Vec::len);
    println!();
    println!(
        "scale (issue 14): {} documents, {:.1} MB, {} clauses; reference: bare tantivy top 10 \
         with an exact count on vankien's clauses; {typed} as-you-type requests",
        generated.files.len(),
        mb(generated.bytes),
        ours["units"]["clauses"]
    );
    println!(
        "{:<36} {:>10} {:>10} {:>8}  aim",
        "", "vankien", "reference", "ratio"
    );
    let row = |name: &str, a: f64, b: f64, aim: &str, met: Option<bool>| {
        let mark = match met {
            Some(true) => " (met)",
            Some(false) => " (NOT met)",
            None => "",
        };
        println!("{name:<36} {a:>10.3} {b:>10.3} {:>8.2}  {aim}{mark}", a / b);
    };
    let (rm, _, r99) = stats_of(clauses, "latencies_with_total_us");
    for (name, key) in [
        ("page request (group, no facets)", "page_us"),
        ("2nd request (facets, exact total)", "counts_us"),
        ("page, one request (history)", "old_page_us"),
        ("top 20 + facets", "top20_us"),
        ("top 10, no facets (history)", "latencies_us"),
    ] {
        let (m, _, p99) = if key == "latencies_us" {
            stats(ours)
        } else {
            stats_of(&ours["scale"], key)
        };
        let aim = "vankien/bare <= 1.25";
        row(
            &format!("{name}: mean (ms)"),
            m,
            rm,
            aim,
            Some(m <= 1.25 * rm),
        );
        row("  p99 (ms)", p99, r99, "", None);
    }
    let (tm, _, t99) = stats_of(&ours["scale"], "typing_us");
    let (bm, _, b99) = stats_of(&clauses["scale"], "typing_us");
    row("as you type, page request: mean (ms)", tm, bm, "", None);
    row("  p99 (ms)", t99, b99, "p99 < 50 ms", Some(t99 < 50.0));
    let ingest = rate(ours);
    row(
        "ingest (MB/s) vs FTS5",
        ingest,
        rate(fts5),
        "vankien/FTS5 >= 1",
        Some(ingest >= rate(fts5)),
    );
    row(
        "ingest (MB/s) vs bare tantivy",
        ingest,
        rate(bare),
        "vankien/bare >= 0.8",
        Some(ingest >= 0.8 * rate(bare)),
    );
    let mib = |v: &Value, k: &str| f(v, k) / 1024.0;
    let (hi, hw) = (mib(ours, "hwm_ingest_kib"), mib(ours, "hwm_kib"));
    row(
        "peak RSS, ingest (MiB) vs FTS5",
        hi,
        mib(fts5, "hwm_ingest_kib"),
        "vankien <= 1024",
        Some(hi <= 1024.0),
    );
    row(
        "peak RSS, ingest + queries (MiB)",
        hw,
        mib(fts5, "hwm_kib"),
        "vankien <= 1024",
        Some(hw <= 1024.0),
    );
    let (ai, aw) = (mib(ours, "anon_ingest_kib"), mib(ours, "anon_kib"));
    row(
        "  of it heap (RssAnon), ingest (MiB)",
        ai,
        mib(fts5, "anon_ingest_kib"),
        "(heap alone) <= 1024",
        Some(ai <= 1024.0),
    );
    row(
        "  of it heap (RssAnon), + queries (MiB)",
        aw,
        mib(fts5, "anon_kib"),
        "(heap alone) <= 1024",
        Some(aw <= 1024.0),
    );
    println!(
        "(ratio = vankien / reference; the reference of the ingest rows is FTS5 or bare tantivy \
         indexing the same files' lines; of the as-you-type row, bare tantivy's top 10 with a count \
         on the same prefixes, as typed, with no completion of the last word; peak RSS is VmHWM, \
         which counts the index files mapped into the process (page cache the kernel may drop), \
         its heap the peak of RssAnon sampled every 10 ms; serving memory and HTTP figures are in \
         scripts/bench-load.sh)"
    );
}
