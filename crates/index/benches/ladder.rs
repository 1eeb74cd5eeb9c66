//! The ladders from bare tantivy to vankien: what each part of the page's query costs in the
//! engine itself, on the same clauses, and what each part of vankien's ingest costs, in one run.
//!
//! ```text
//! cargo bench -p vankien-index --bench ladder                     # the search benchmark's 2,000
//! VANKIEN_BENCH_DOCS=20000 cargo bench -p vankien-index --bench ladder
//! cargo bench -p vankien-index --bench ladder -- /some/dir        # the search benchmark's folder
//! VANKIEN_LADDER=ingest cargo bench -p vankien-index --bench ladder # only the ingest's rungs (or `queries`)
//! ```
//!
//! It reads what the search benchmark (`benches/search.rs`) leaves in its folder (`work-<docs>`
//! and `corpus-<docs>` in `<target>/vankien-bench`, `VANKIEN_BENCH_DIR` or the folder given, as
//! there: `vankien-index`, `queries.txt`, `typing.txt`, the corpus), so that benchmark runs first
//! with the same `VANKIEN_BENCH_DOCS`. Expected runtime after the release build: about two minutes
//! at 2,000 documents, 15 to 20 at 20,000 (the queries' rungs 8–9, the ingest's about 7).
//!
//! The issue's query aim sets the page's request beside bare tantivy's top 10 with an exact count
//! on the folded text of the same clauses. Between the two stand parts of the query the page
//! needs, each of which tantivy alone can run as a stock query: each word also in its clause's
//! headings, the exact spelling of an accented word, the proximity of the words typed together (a
//! phrase boost, as one boolean query scores it), and the 200 best clauses a grouped page ranks
//! its documents from. Each rung adds one part to the one before, with tantivy's own collectors
//! (top N and an exact count), and is timed over the benchmark's queries; as you type, the rung
//! that matters is the last word as a prefix (tantivy's regex query over the term dictionary),
//! which the as-you-type reference leaves out. Every rung searches a query's segments at once, one
//! per core, as vankien's index does (tantivy's multithread executor). A side step shows the bare
//! rungs without the count (tantivy then skips what cannot make its top 10 where it can). The
//! rungs are run in turn, two rounds, each query's time the better of its two; every ratio is to
//! the first rung of its table. The ingest's ladder is `ladder/ingest.rs`.

#[path = "search/bare.rs"]
#[allow(dead_code)]
mod bare;
#[path = "ladder/ingest.rs"]
mod ingest;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{IndexReader, Term};
use vankien_index::{Index, SearchRequest};
use vankien_ingest::normalize::{exact_key, folded_key, words};

/// The allocator of the `vankien` binary, as in the search benchmark.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

pub(crate) type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Weights of the page's query (`src/query/build.rs`, `src/query/proximity.rs`): a word in the
/// headings, the exact spelling, the run as a phrase. Copies, kept private there: they set the
/// stock queries' scores, not the work the rungs time, which is the same whatever they are.
const CONTEXT_BOOST: f32 = 0.3;
const EXACT_BOOST: f32 = 2.0;
const PHRASE_BOOST: f32 = 2.0;
/// The clauses a grouped page ranks its documents from (`src/group.rs`).
const WINDOW: usize = 200;
/// Queries run before timing, to fault in the index files.
const WARMUP: usize = 20;
/// Rounds over every rung; each query's time is its best.
const ROUNDS: usize = 2;

/// The fields of a vankien index the rungs query.
struct Fields {
    folded: Field,
    ctx: Field,
    exact: Field,
}

/// What one rung's query holds.
#[derive(Clone, Copy)]
struct Parts {
    headings: bool,
    exact: bool,
    proximity: bool,
    /// The last loose word as a prefix of any word.
    prefix: bool,
}

const BARE: Parts = Parts {
    headings: false,
    exact: false,
    proximity: false,
    prefix: false,
};

/// One word of a query: its folded and exact keys.
struct Word {
    folded: String,
    exact: String,
}

impl Word {
    fn accented(&self) -> bool {
        self.folded != self.exact
    }
}

/// The words of a stretch of a query.
fn words_of(text: &str) -> Vec<Word> {
    words(text)
        .map(|(_, w)| Word {
            folded: folded_key(w),
            exact: exact_key(w),
        })
        .collect()
}

/// The stock tantivy query of `query` with `parts`: every loose word required (a term, or a
/// union of its text, headings and exact terms), every quoted phrase required on the folded
/// text, and each loose run of two words or more as an optional phrase boost.
fn ladder_query(f: &Fields, query: &str, parts: Parts) -> Option<Box<dyn Query>> {
    let term = |field: Field, k: &str, boost: f32| -> Box<dyn Query> {
        let q = Box::new(TermQuery::new(
            Term::from_field_text(field, k),
            IndexRecordOption::WithFreqs,
        ));
        match boost == 1.0 {
            true => q,
            false => Box::new(BoostQuery::new(q, boost)),
        }
    };
    // The words of each stretch between quotes: odd ones are quoted phrases.
    let segments: Vec<Vec<Word>> = query.split('"').map(words_of).collect();
    // The stretch of the last loose word, the one a user is still typing.
    let last_loose = segments
        .iter()
        .enumerate()
        .rev()
        .find(|(i, ws)| i % 2 == 0 && !ws.is_empty())
        .map(|(i, _)| i);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (i, ws) in segments.iter().enumerate() {
        if i % 2 == 1 && ws.len() > 1 {
            let terms = ws
                .iter()
                .map(|w| Term::from_field_text(f.folded, &w.folded))
                .collect();
            clauses.push((Occur::Must, Box::new(PhraseQuery::new(terms))));
            continue;
        }
        for (j, w) in ws.iter().enumerate() {
            if parts.prefix && Some(i) == last_loose && j + 1 == ws.len() {
                let pattern = format!("{}.*", escaped(&w.folded));
                let q = RegexQuery::from_pattern(&pattern, f.folded).ok()?;
                clauses.push((Occur::Must, Box::new(q)));
                continue;
            }
            let mut either: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, term(f.folded, &w.folded, 1.0))];
            if parts.headings {
                either.push((Occur::Should, term(f.ctx, &w.folded, CONTEXT_BOOST)));
            }
            if either.len() == 1 {
                clauses.push((Occur::Must, either.pop()?.1));
            } else {
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
            }
            if parts.exact && w.accented() {
                clauses.push((Occur::Should, term(f.exact, &w.exact, EXACT_BOOST)));
            }
        }
        if parts.proximity && i % 2 == 0 && ws.len() > 1 {
            let terms = ws
                .iter()
                .map(|w| Term::from_field_text(f.folded, &w.folded))
                .collect();
            let phrase = Box::new(PhraseQuery::new(terms));
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(phrase, PHRASE_BOOST)),
            ));
        }
    }
    let required = clauses.iter().any(|(o, _)| *o == Occur::Must);
    required.then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// `key` with every character a regex gives a meaning to escaped.
fn escaped(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How a rung runs one query: whether it found anything.
type RunQuery<'a> = Box<dyn Fn(&str) -> Res<bool> + 'a>;

/// A rung: its name and how one query runs.
struct Rung<'a> {
    name: &'static str,
    run: RunQuery<'a>,
}

/// The stock rung of `parts` with tantivy's top `limit`, and an exact count when `count`
/// (without, tantivy's block-WAND may skip what cannot make the top, where every part is a
/// term's scorer).
fn stock<'a>(
    name: &'static str,
    reader: &'a IndexReader,
    f: &'a Fields,
    parts: Parts,
    limit: usize,
    count: bool,
) -> Rung<'a> {
    Rung {
        name,
        run: Box::new(move |q| {
            let Some(query) = ladder_query(f, q, parts) else {
                return Ok(false);
            };
            let searcher = reader.searcher();
            let top = TopDocs::with_limit(limit).order_by_score();
            let hits = match count {
                true => searcher.search(&*query, &(top, Count))?.0,
                false => searcher.search(&*query, &top)?,
            };
            Ok(!hits.is_empty())
        }),
    }
}

/// The page's first request (`benches/search.rs`, `page_request`).
fn page<'a>(name: &'static str, index: &'a Index) -> Rung<'a> {
    Rung {
        name,
        run: Box::new(move |q| {
            let request = SearchRequest {
                query: q.to_string(),
                limit: 10,
                group: true,
                ..SearchRequest::default()
            };
            Ok(index.search(&request)?.total > 0)
        }),
    }
}

/// Each rung's time for each query, in ms: the best of [`ROUNDS`], the rungs in turn.
fn time_rungs(rungs: &[Rung<'_>], queries: &[String]) -> Vec<Vec<f64>> {
    let mut best = vec![vec![f64::INFINITY; queries.len()]; rungs.len()];
    for round in 0..ROUNDS {
        for (r, rung) in rungs.iter().enumerate() {
            eprintln!("ladder: round {}, {} …", round + 1, rung.name);
            for q in queries.iter().take(WARMUP) {
                let _ = (rung.run)(q);
            }
            for (i, q) in queries.iter().enumerate() {
                let t = Instant::now();
                let _ = (rung.run)(q);
                best[r][i] = best[r][i].min(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    best
}

/// Mean, p50, p90 and p99 of `ms`.
fn stats(ms: &[f64]) -> [f64; 4] {
    let mut v = ms.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return [0.0; 4];
    }
    let pct = |p: f64| v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1];
    [
        v.iter().sum::<f64>() / v.len() as f64,
        pct(0.5),
        pct(0.9),
        pct(0.99),
    ]
}

fn print_table(title: &str, rungs: &[Rung<'_>], times: &[Vec<f64>]) {
    println!();
    println!("{title}");
    println!(
        "{:<58} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "rung (ms; ratio to the first rung)", "mean", "p50", "p90", "p99", "×mean", "×p99"
    );
    let first = stats(&times[0]);
    for (rung, t) in rungs.iter().zip(times) {
        let s = stats(t);
        println!(
            "{:<58} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            rung.name,
            s[0],
            s[1],
            s[2],
            s[3],
            s[0] / first[0],
            s[3] / first[3]
        );
    }
}

fn read_lines(path: &std::path::Path) -> Res<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run the search benchmark first)", path.display()))?;
    Ok(text.lines().map(str::to_string).collect())
}

fn run() -> Res<()> {
    // The search benchmark's folder: the argument, `VANKIEN_BENCH_DIR`, or
    // `<target>/vankien-bench`, as there.
    let base = match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("VANKIEN_BENCH_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_exe()?
                .ancestors()
                .nth(3)
                .ok_or("cannot find the target directory; pass a directory")?
                .join("vankien-bench"),
        },
    };
    let docs = std::env::var("VANKIEN_BENCH_DOCS").unwrap_or_else(|_| "2000".into());
    let work = base.join(format!("work-{docs}"));
    // `VANKIEN_LADDER=queries` or `ingest` runs only those rungs.
    let only = std::env::var("VANKIEN_LADDER").unwrap_or_default();
    // The queries' rungs, their indexes closed before the ingest's.
    if only != "ingest" {
        let queries = read_lines(&work.join("queries.txt"))?;
        let typing = read_lines(&work.join("typing.txt"))?;
        let dir = work.join("vankien-index");
        let mut raw = tantivy::Index::open_in_dir(&dir)
            .map_err(|e| format!("{}: {e} (run the search benchmark first)", dir.display()))?;
        // As vankien's index: a query's segments searched at once, one per core.
        raw.set_default_multithread_executor()?;
        let schema = raw.schema();
        let f = Fields {
            folded: schema.get_field("text_folded")?,
            ctx: schema.get_field("ctx_folded")?,
            exact: schema.get_field("text_exact")?,
        };
        let reader = raw.reader()?;
        let index = Index::open(&dir)?;
        let clauses = reader.searcher().num_docs();
        println!(
            "ladder: {} ({clauses} clauses), {} queries, {} as-you-type prefixes; each query the best \
         of {ROUNDS} rounds",
            work.display(),
            queries.len(),
            typing.len()
        );

        let headings = Parts {
            headings: true,
            ..BARE
        };
        let exact = Parts {
            exact: true,
            ..headings
        };
        let proximity = Parts {
            proximity: true,
            ..exact
        };
        let stock_rungs = |list: &[(&'static str, Parts, usize, bool)]| -> Vec<Rung<'_>> {
            list.iter()
                .map(|&(name, parts, limit, count)| stock(name, &reader, &f, parts, limit, count))
                .collect()
        };
        let mut rungs = stock_rungs(&[
            (
                "bare: folded text, top 10 + count (the aim's reference)",
                BARE,
                10,
                true,
            ),
            ("  (the same without the count)", BARE, 10, false),
            ("+ each word in its headings too", headings, 10, true),
            ("+ the exact spelling of accented words", exact, 10, true),
            (
                "+ the words typed together as a phrase boost",
                proximity,
                10,
                true,
            ),
            (
                "+ the 200 best clauses (a grouped page's window)",
                proximity,
                WINDOW,
                true,
            ),
        ]);
        rungs.push(page("vankien: the page's first request", &index));
        let times = time_rungs(&rungs, &queries);
        print_table(
            "queries: each rung adds one part to the rung above it (one in parentheses is a side step)",
            &rungs,
            &times,
        );

        let prefix = |p: Parts| Parts { prefix: true, ..p };
        let mut rungs = stock_rungs(&[
            (
                "bare as typed, top 10 + count (the aim's reference)",
                BARE,
                10,
                true,
            ),
            (
                "bare, the last word as a prefix (regex over the terms)",
                prefix(BARE),
                10,
                true,
            ),
            ("  (the same without the count)", prefix(BARE), 10, false),
            (
                "+ headings, exact spelling, phrase boost",
                prefix(proximity),
                10,
                true,
            ),
            ("+ the 200 best clauses", prefix(proximity), WINDOW, true),
        ]);
        rungs.push(page("vankien: the page's first request", &index));
        let times = time_rungs(&rungs, &typing);
        print_table(
            "as you type: each prefix as sent while typing (one in parentheses is a side step)",
            &rungs,
            &times,
        );
    }

    if only == "queries" {
        return Ok(());
    }
    let corpus = base.join(format!("corpus-{docs}")).join("docs");
    let (bytes, timed) = ingest::rungs(&corpus, &work.join("ladder-ingest"))?;
    println!();
    println!(
        "ingest of {} ({:.1} MB): vankien's parsing and each field alone, to vankien's ingest",
        corpus.display(),
        bytes as f64 / 1e6
    );
    println!(
        "{:<72} {:>8} {:>8} {:>10}",
        "rung (each indexing rung adds one part to the rung above it)", "s", "MB/s", "×bare MB/s"
    );
    let rate = |secs: f64| bytes as f64 / 1e6 / secs;
    for t in &timed {
        println!(
            "{:<72} {:>8.2} {:>8.2} {:>10.2}",
            t.name,
            t.secs,
            rate(t.secs),
            rate(t.secs) / rate(timed[0].secs)
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ladder: {e}");
            ExitCode::FAILURE
        }
    }
}
