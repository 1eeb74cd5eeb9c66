//! The relevance suite: the judged queries of `tests/relevance/queries.tsv` run against a real
//! vankien index of `corpus/` and against the SQLite FTS5 peer (one row per source line,
//! `unicode61 remove_diacritics 2`, bm25), side by side.
//!
//! For each query the rank of the first relevant answer in the top 10 gives its reciprocal rank;
//! the test prints MRR and success@1 per category for both systems
//! (`cargo test -p vankien-index --test index relevance -- --nocapture` shows the table) and
//! asserts the aims of the index issue on the queries it judged (every category but
//! `question` and `kind`): vankien MRR at least 0.97 on the seed document's queries and 0.95
//! on the whole corpus, every phrase query exact, every exact-spelling query of the
//! ambiguous-fold category won at rank 1. Questions as people type them (`question`) and
//! queries naming a clause kind (`kind`) have their own aims ([`ASKED_AIM`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use vankien_index::{Index, IngestOptions, SearchRequest};
use vankien_ingest::Document;

use vankien_testkit::fts5::{self, Fts5};
use vankien_testkit::judged::{self, Expect, Judged};

/// How many answers are looked at: the first page of results.
const TOP: usize = 10;
/// The seed document, whose queries have the stricter aim.
const SEED: &str = "thai-binh-09-NQ-DH-2020.txt";
/// The categories of queries as people ask them: questions with their particles, and words
/// naming a clause kind.
const ASKED: [&str; 2] = ["question", "kind"];
/// The aims on each of [`ASKED`]: vankien's MRR at least the first, and above FTS5's by at
/// least the second (FTS5, requiring every word, particles included, answers almost none).
const ASKED_AIM: (f64, f64) = (0.75, 0.4);

/// The corpus files: (file name, text as read).
fn corpus_files() -> Vec<(String, String)> {
    let dir = judged::corpus_dir();
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8(bytes).expect("corpus files are UTF-8");
            let text = text.trim_start_matches('\u{feff}').to_string();
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    files
}

/// The outcome of one query on one system.
#[derive(Debug, Clone)]
struct Outcome {
    /// Rank (from 1) of the first relevant answer in the top 10.
    rank: Option<usize>,
    /// What came first, to explain a miss.
    first: String,
}

impl Outcome {
    fn rr(&self) -> f64 {
        self.rank.map_or(0.0, |r| 1.0 / r as f64)
    }
}

/// vankien's side: the index, the doc id of each corpus file, and the parsed documents (for the
/// headings of hits).
struct Vankien {
    index: Index,
    doc_of_file: HashMap<String, String>,
    docs: HashMap<String, Document>,
}

impl Vankien {
    /// Indexes the corpus files by name, the same files the FTS5 peer reads.
    fn build(dir: &std::path::Path, files: &[(String, String)]) -> Vankien {
        let index = Index::open_or_create(dir).expect("create index");
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(name, _)| judged::corpus_dir().join(name))
            .collect();
        let report =
            crate::common::ingest_paths(&index, &paths, &IngestOptions::default(), &mut |_| {})
                .expect("ingest corpus");
        assert!(
            report.failed.is_empty(),
            "corpus files failed: {:?}",
            report.failed
        );
        let mut doc_of_file = HashMap::new();
        let mut docs = HashMap::new();
        for summary in index.documents().expect("documents") {
            let file = PathBuf::from(&summary.source)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let doc = index
                .document(&summary.id)
                .expect("document")
                .expect("listed document exists");
            doc_of_file.insert(file, summary.id.clone());
            docs.insert(summary.id.clone(), doc);
        }
        Vankien {
            index,
            doc_of_file,
            docs,
        }
    }

    /// The heading of the section a hit sits in, if any: a passage may be the heading line of a
    /// section whose body is the hit.
    fn heading(&self, doc_id: &str, section_path: &[String]) -> String {
        self.docs
            .get(doc_id)
            .and_then(|d| d.sections.iter().find(|s| s.path == section_path))
            .map(|s| s.heading.clone())
            .unwrap_or_default()
    }

    /// The exactness failures of a phrase query over all its hits (up to 1,000).
    fn check_phrase_exact(&self, q: &Judged) -> Vec<String> {
        let request = SearchRequest {
            query: q.query.clone(),
            limit: 1000,
            ..SearchRequest::default()
        };
        let results =
            match std::panic::catch_unwind(AssertUnwindSafe(|| self.index.search(&request))) {
                Ok(Ok(results)) => results,
                _ => {
                    return vec![format!(
                        "line {}: phrase query {:?} failed",
                        q.line, q.query
                    )];
                }
            };
        let mut failures = Vec::new();
        let needles: Vec<Vec<String>> = judged::phrases(&q.query)
            .into_iter()
            .map(judged::folded_words)
            .collect();
        let holds = |text: &str| {
            let words = judged::folded_words(text);
            needles.iter().all(|n| judged::contains_run(&words, n))
        };
        for hit in &results.hits {
            let text = format!(
                "{} {}",
                self.heading(&hit.doc_id, &hit.section_path),
                hit.text
            );
            if !holds(&text) {
                failures.push(format!(
                    "line {}: phrase query {:?} returned a hit without the phrase: {}: {}",
                    q.line,
                    q.query,
                    hit.clause_id,
                    clip(&hit.text)
                ));
            }
        }
        let returned: HashSet<&str> = results.hits.iter().map(|h| h.clause_id.as_str()).collect();
        for doc in self.docs.values() {
            for clause in &doc.clauses {
                if holds(&clause.text) && !returned.contains(clause.id.as_str()) {
                    failures.push(format!(
                        "line {}: phrase query {:?} missed a clause that holds the phrase: {}: {}",
                        q.line,
                        q.query,
                        clause.id,
                        clip(&clause.text)
                    ));
                }
            }
        }
        failures
    }

    fn run(&self, q: &Judged) -> Result<Outcome, String> {
        let request = SearchRequest {
            query: q.query.clone(),
            limit: TOP,
            ..SearchRequest::default()
        };
        // A panic inside search is a failure of this query, reported with the others.
        let results =
            match std::panic::catch_unwind(AssertUnwindSafe(|| self.index.search(&request))) {
                Ok(Ok(results)) => results,
                Ok(Err(e)) => return Err(format!("line {}: {:?} failed: {e}", q.line, q.query)),
                Err(_) => return Err(format!("line {}: {:?} panicked", q.line, q.query)),
            };
        let want_doc = q.file.as_ref().map(|f| {
            self.doc_of_file
                .get(f)
                .unwrap_or_else(|| panic!("line {}: no document from {f}", q.line))
                .clone()
        });
        let passages: Vec<Vec<String>> = match &q.expect {
            Expect::Doc => Vec::new(),
            Expect::Passages(p) => p.iter().map(|p| judged::exact_words(p)).collect(),
        };
        let mut rank = None;
        for (i, hit) in results.hits.iter().enumerate() {
            let text = format!(
                "{} {}",
                self.heading(&hit.doc_id, &hit.section_path),
                hit.text
            );
            let in_doc = want_doc.as_ref().is_none_or(|d| *d == hit.doc_id);
            let relevant = in_doc
                && match q.expect {
                    Expect::Doc => true,
                    Expect::Passages(_) => {
                        let words = judged::exact_words(&text);
                        passages.iter().any(|p| judged::contains_run(&words, p))
                    }
                };
            if relevant && rank.is_none() {
                rank = Some(i + 1);
            }
        }
        let first = results
            .hits
            .first()
            .map(|h| format!("{} {}", h.clause_id, clip(&h.text)))
            .unwrap_or_else(|| "(no hit)".into());
        Ok(Outcome { rank, first })
    }
}

/// The FTS5 side: the table and, per query, the relevant lines.
struct Peer {
    fts: Fts5,
    sources: Vec<(String, String)>,
}

impl Peer {
    fn build(sources: Vec<(String, String)>) -> Peer {
        let mut fts = Fts5::create(None).expect("fts5 table");
        fts.insert_docs(sources.iter().map(|(f, t)| (f.as_str(), t.as_str())))
            .expect("insert lines");
        Peer { fts, sources }
    }

    fn run(&self, q: &Judged) -> Outcome {
        let hits = self
            .fts
            .search(&q.query, TOP)
            .unwrap_or_else(|e| panic!("line {}: fts5 {:?} failed: {e}", q.line, q.query));
        // The relevant (file, line) pairs; None = any line of the file.
        let mut relevant: HashMap<&str, Option<Vec<u32>>> = HashMap::new();
        for (file, text) in &self.sources {
            if q.file.as_ref().is_some_and(|f| f != file) {
                continue;
            }
            match &q.expect {
                Expect::Doc => {
                    relevant.insert(file, None);
                }
                Expect::Passages(ps) => {
                    let lines: Vec<u32> = ps
                        .iter()
                        .flat_map(|p| judged::passage_lines(text, p))
                        .collect();
                    relevant.insert(file, Some(lines));
                }
            }
        }
        let rank = hits
            .iter()
            .position(|h| match relevant.get(h.doc.as_str()) {
                Some(None) => true,
                Some(Some(lines)) => lines.contains(&h.line_no),
                None => false,
            })
            .map(|i| i + 1);
        let first = hits
            .first()
            .map(|h| format!("{}:{} {}", h.doc, h.line_no, clip(&h.text)))
            .unwrap_or_else(|| "(no hit)".into());
        Outcome { rank, first }
    }
}

fn clip(s: &str) -> String {
    let s: String = s.chars().take(70).collect();
    s.replace('\n', " ")
}

/// MRR and success@1 of a set of outcomes.
fn score(outcomes: &[&Outcome]) -> (f64, f64) {
    let n = outcomes.len().max(1) as f64;
    let mrr = outcomes.iter().map(|o| o.rr()).sum::<f64>() / n;
    let s1 = outcomes.iter().filter(|o| o.rank == Some(1)).count() as f64 / n;
    (mrr, s1)
}

#[test]
fn relevance_against_fts5() {
    let queries = judged::load();
    assert!(queries.len() >= 80, "only {} judged queries", queries.len());
    let questions = queries.iter().filter(|q| q.category == "question").count();
    assert!(questions >= 30, "only {questions} judged questions");
    let sources = corpus_files();

    // The judgments themselves: every passage occurs in its document (or somewhere, for `*`).
    for q in &queries {
        if let Some(f) = &q.file {
            assert!(
                sources.iter().any(|(name, _)| name == f),
                "line {}: no corpus file {f}",
                q.line
            );
        }
        if let Expect::Passages(ps) = &q.expect {
            for p in ps {
                let found = sources
                    .iter()
                    .filter(|(name, _)| q.file.as_ref().is_none_or(|f| f == name))
                    .any(|(_, text)| !judged::passage_lines(text, p).is_empty());
                assert!(found, "line {}: passage {p:?} is not in the corpus", q.line);
            }
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let vankien = Vankien::build(dir.path(), &sources);
    let peer = Peer::build(sources);

    let mut rows: Vec<(&Judged, Outcome, Outcome)> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for q in &queries {
        let ours = match vankien.run(q) {
            Ok(outcome) => outcome,
            Err(e) => {
                failures.push(e.clone());
                Outcome {
                    rank: None,
                    first: e,
                }
            }
        };
        let theirs = peer.run(q);
        // Every phrase query is exact: all its hits (not only the first page) hold the phrase
        // (folded, in the clause or its heading), and every clause whose text holds it is a hit.
        if !judged::phrases(&q.query).is_empty() {
            failures.extend(vankien.check_phrase_exact(q));
        }
        if q.category == "ambiguous" && ours.rank != Some(1) {
            failures.push(format!(
                "line {}: exact-spelling query {:?} not won (rank {:?}); first: {}",
                q.line, q.query, ours.rank, ours.first
            ));
        }
        rows.push((q, ours, theirs));
    }

    // The table: per category, the seed, and everything.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (q, _, _)) in rows.iter().enumerate() {
        groups.entry(q.category.clone()).or_default().push(i);
    }
    // The index issue's aims hold on the categories it judged.
    let judged: Vec<usize> = (0..rows.len())
        .filter(|&i| !ASKED.contains(&rows[i].0.category.as_str()))
        .collect();
    let seed: Vec<usize> = judged
        .iter()
        .copied()
        .filter(|&i| rows[i].0.file.as_deref() == Some(SEED))
        .collect();
    let all: Vec<usize> = (0..rows.len()).collect();
    let mut table = String::new();
    writeln!(
        table,
        "\n{:<16} {:>4}  {:>11} {:>9}  {:>11} {:>9}",
        "queries", "n", "vankien MRR", "FTS5 MRR", "vankien S@1", "FTS5 S@1"
    )
    .unwrap();
    let mut line = |name: &str, idx: &[usize]| -> (f64, f64, f64) {
        let ours: Vec<&Outcome> = idx.iter().map(|&i| &rows[i].1).collect();
        let theirs: Vec<&Outcome> = idx.iter().map(|&i| &rows[i].2).collect();
        let (m1, s1) = score(&ours);
        let (m2, s2) = score(&theirs);
        writeln!(
            table,
            "{name:<16} {:>4}  {m1:>11.3} {m2:>9.3}  {s1:>11.3} {s2:>9.3}",
            idx.len()
        )
        .unwrap();
        (m1, s1, m2)
    };
    let mut asked = Vec::new();
    for (name, idx) in &groups {
        let (ours, _, theirs) = line(name, idx);
        if ASKED.contains(&name.as_str()) {
            asked.push((name.clone(), ours, theirs));
        }
    }
    let (seed_mrr, _, _) = line("seed (09-NQ/ĐH)", &seed);
    let (all_mrr, _, _) = line("all judged", &judged);
    line("all", &all);
    println!("{table}");
    println!("queries vankien does not answer first (rank, query, first hit):");
    for (q, ours, theirs) in &rows {
        if ours.rank != Some(1) {
            println!(
                "  line {:>3} [{}] {:?}: vankien {:?}, fts5 {:?}; vankien first: {}",
                q.line, q.category, q.query, ours.rank, theirs.rank, ours.first
            );
        }
    }

    if seed_mrr < 0.97 {
        failures.push(format!("seed MRR {seed_mrr:.3} < 0.97"));
    }
    if all_mrr < 0.95 {
        failures.push(format!("corpus MRR {all_mrr:.3} < 0.95"));
    }
    failures.extend(asked_failures(&asked));
    assert!(failures.is_empty(), "{}\n{}", table, failures.join("\n"));
}

/// The misses of the aims on the categories of [`ASKED`], given each one's (name, vankien MRR,
/// FTS5 MRR).
fn asked_failures(asked: &[(String, f64, f64)]) -> Vec<String> {
    assert_eq!(asked.len(), ASKED.len(), "every asked category has queries");
    let (least, ahead) = ASKED_AIM;
    asked
        .iter()
        .filter(|(_, ours, theirs)| *ours < least || ours - theirs < ahead)
        .map(|(name, ours, theirs)| {
            format!("{name}: vankien MRR {ours:.3}, FTS5 {theirs:.3}: the aim is {least} and {ahead} ahead")
        })
        .collect()
}

/// The peer's query building: words quoted, phrases kept, no FTS5 syntax from the user.
#[test]
fn fts5_peer_quotes_words_and_keeps_phrases() {
    assert_eq!(
        fts5::match_expression("57-NQ/TW \"đào tạo nghề\" nông").as_deref(),
        Some("\"57-NQ/TW\" \"đào tạo nghề\" \"nông\"")
    );
    assert_eq!(fts5::match_expression(" - / "), None);
    assert_eq!(
        fts5::match_expression("a\"b").as_deref(),
        Some("\"a\" \"b\"")
    );
}

/// The peer folds diacritics, ranks lines, and takes `NOT OR` as words, not syntax.
#[test]
fn fts5_peer_finds_lines_without_diacritics() {
    let mut fts = Fts5::create(None).unwrap();
    fts.insert_docs([("a.txt", "Xây dựng nông thôn mới\n\nđào tạo nghề")])
        .unwrap();
    let hits = fts.search("nong thon", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].doc.as_str(), hits[0].line_no), ("a.txt", 1));
    assert!(fts.search("NOT OR", 10).unwrap().is_empty());
}
