//! Target extraction measured against hand-judged samples: `tests/targets/judged.tsv` (target
//! statements of seven corpus documents, written from reading them; the rules were written while
//! reading the same documents) and `tests/targets/heldout.tsv` (five real documents of
//! `tests/realdocs/` the rules were not written from). Each gives the precision and recall of the
//! statements found, and of each one's indicator key, value, unit, comparator and year, each held
//! to a floor. `cargo test -p vankien-ingest --test ingest targets -- --nocapture` prints the
//! figures and every disagreement.

use std::collections::BTreeMap;
use std::path::Path;

use vankien_ingest::targets::{self, Target};
use vankien_ingest::{Clause, Document};

/// One judged target statement.
#[derive(Debug)]
struct Judged {
    file: String,
    cue: String,
    key: Option<String>,
    low: f64,
    high: f64,
    unit: String,
    comparator: String,
    change: Option<String>,
    year: Option<i32>,
}

/// A judged sample: target statements, and the (file, cue) of clauses judged to state none.
fn judged(name: &str) -> (Vec<Judged>, Vec<(String, String)>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/targets")
        .join(name);
    let tsv = std::fs::read_to_string(&path).expect("read judged.tsv");
    let (mut targets, mut none) = (Vec::new(), Vec::new());
    for line in tsv.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let dash = |s: &str| (s != "-").then(|| s.to_string());
        match cols.as_slice() {
            [file, cue, "none"] => none.push((file.to_string(), cue.to_string())),
            [file, cue, key, value, unit, comparator, change, year] => {
                let (low, high) = match value.split_once("..") {
                    Some((l, h)) => (l.parse().unwrap(), h.parse().unwrap()),
                    None => (value.parse().unwrap(), value.parse().unwrap()),
                };
                targets.push(Judged {
                    file: file.to_string(),
                    cue: cue.to_string(),
                    key: dash(key),
                    low,
                    high,
                    unit: dash(unit).unwrap_or_default(),
                    comparator: comparator.to_string(),
                    change: dash(change),
                    year: dash(year).map(|y| y.parse().unwrap()),
                });
            }
            other => panic!("judged.tsv: a line of {} columns: {line}", other.len()),
        }
    }
    (targets, none)
}

/// The byte range of `cue` in `text`, white space collapsed on both sides.
fn find_cue(text: &str, cue: &str) -> Option<std::ops::Range<usize>> {
    // `text` with each run of white space as one space, and where each of its bytes came from.
    let (mut flat, mut from) = (String::new(), Vec::new());
    let mut space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if !space {
                flat.push(' ');
                from.push(i);
            }
            space = true;
            continue;
        }
        space = false;
        flat.push(c);
        from.extend(i..i + c.len_utf8());
    }
    let cue = cue.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = flat.find(&cue)?;
    Some(from[start]..from[start + cue.len() - 1] + 1)
}

/// The first clause of `doc` that holds `cue`.
fn clause_of<'a>(doc: &'a Document, cue: &str) -> &'a Clause {
    let found = doc
        .clauses
        .iter()
        .find(|c| find_cue(&c.text, cue).is_some());
    found.unwrap_or_else(|| panic!("cue {cue:?} is in no clause of {}", doc.source))
}

/// Counts for one field: correct answers, answers given, answers judged.
#[derive(Debug, Default)]
struct Score {
    correct: usize,
    given: usize,
    judged: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.correct as f64 / self.given.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.correct as f64 / self.judged.max(1) as f64
    }
}

/// The floors of one sample: precision and recall of statements, key, value, unit, comparator
/// and year.
type Floors = [(f64, f64); 6];

#[test]
fn extraction_meets_its_floors_on_the_judged_corpus_sample() {
    let floors = [
        (0.95, 0.95),
        (0.95, 0.95),
        (0.95, 0.95),
        (0.95, 0.95),
        (0.95, 0.95),
        (0.95, 0.95),
    ];
    let report = measure("judged.tsv", "../../corpus", 60, 6, floors);
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn extraction_meets_its_floors_on_the_held_out_sample() {
    let floors = [
        (0.95, 0.85),
        (0.90, 0.90),
        (0.95, 0.85),
        (0.95, 0.85),
        (0.95, 0.85),
        (0.95, 0.85),
    ];
    let report = measure("heldout.tsv", "tests/realdocs", 40, 4, floors);
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// Measures extraction on the sample `name` of the files in `dir`, which must hold at least
/// `statements` target statements of `documents` documents; prints the figures and the
/// disagreements, and returns what falls below `floors` (with the disagreements).
fn measure(
    name: &str,
    dir: &str,
    statements: usize,
    documents: usize,
    floors: Floors,
) -> Vec<String> {
    let (judged, none) = judged(name);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut docs: BTreeMap<String, (Document, Vec<Target>)> = BTreeMap::new();
    for file in judged
        .iter()
        .map(|j| &j.file)
        .chain(none.iter().map(|(f, _)| f))
    {
        if !docs.contains_key(file) {
            let doc = vankien_ingest::read_file(&corpus.join(file)).expect("corpus file parses");
            let found = targets::extract(&doc);
            docs.insert(file.clone(), (doc, found));
        }
    }
    assert!(
        judged.len() >= statements,
        "the sample has {} target statements",
        judged.len()
    );
    let files: std::collections::BTreeSet<&str> = judged.iter().map(|j| j.file.as_str()).collect();
    assert!(
        files.len() >= documents,
        "the sample covers {} documents",
        files.len()
    );

    // Every clause judged, and the targets found in them.
    let mut judged_clauses: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (file, cue) in judged
        .iter()
        .map(|j| (&j.file, &j.cue))
        .chain(none.iter().map(|(f, c)| (f, c)))
    {
        let clause = clause_of(&docs[file].0, cue);
        *judged_clauses
            .entry((file.clone(), clause.id.clone()))
            .or_default() += 0;
    }
    let mut matched: Vec<Option<&Target>> = Vec::new();
    let mut used: Vec<*const Target> = Vec::new();
    for j in &judged {
        let (doc, found) = &docs[&j.file];
        let clause = clause_of(doc, &j.cue);
        let cue = find_cue(&clause.text, &j.cue).unwrap();
        let hit = found.iter().find(|t| {
            t.clause_id == clause.id
                && t.value_span[0] < cue.end
                && cue.start < t.value_span[1]
                && !used.contains(&(*t as *const Target))
        });
        if let Some(t) = hit {
            used.push(t);
        }
        matched.push(hit);
    }
    let extracted: Vec<&Target> = docs
        .iter()
        .flat_map(|(file, (_, found))| {
            found
                .iter()
                .filter(|t| judged_clauses.contains_key(&(file.clone(), t.clause_id.clone())))
        })
        .collect();

    let mut statements = Score {
        given: extracted.len(),
        judged: judged.len(),
        ..Score::default()
    };
    let (mut key, mut value, mut unit, mut comparator, mut year) = (
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
    );
    key.given = extracted.iter().filter(|t| t.indicator.is_some()).count();
    key.judged = judged.iter().filter(|j| j.key.is_some()).count();
    for s in [&mut value, &mut unit, &mut comparator] {
        s.given = extracted.len();
        s.judged = judged.len();
    }
    let mut report = Vec::new();
    for (j, hit) in judged.iter().zip(&matched) {
        let Some(t) = hit else {
            report.push(format!("MISSED  {} | {}", j.file, j.cue));
            if j.year.is_some() {
                year.judged += 1;
            }
            continue;
        };
        statements.correct += 1;
        let mut wrong = Vec::new();
        if j.key.is_some() && t.indicator == j.key {
            key.correct += 1;
        } else if j.key != t.indicator {
            wrong.push(format!("key {:?} (judged {:?})", t.indicator, j.key));
        }
        if (t.low - j.low).abs() < 1e-3 && (t.high - j.high).abs() < 1e-3 {
            value.correct += 1;
        } else {
            wrong.push(format!(
                "value {}..{} (judged {}..{})",
                t.low, t.high, j.low, j.high
            ));
        }
        if t.unit == j.unit {
            unit.correct += 1;
        } else {
            wrong.push(format!("unit {:?} (judged {:?})", t.unit, j.unit));
        }
        let change = t.change.map(|c| c.as_str().to_string());
        if t.comparator.as_str() == j.comparator && change == j.change {
            comparator.correct += 1;
        } else {
            wrong.push(format!(
                "comparator {} {:?} (judged {} {:?})",
                t.comparator.as_str(),
                change,
                j.comparator,
                j.change
            ));
        }
        if let Some(y) = j.year {
            year.judged += 1;
            year.given += 1;
            if t.period.and_then(|p| p.to) == Some(y) {
                year.correct += 1;
            } else {
                wrong.push(format!(
                    "year {:?} (judged {y})",
                    t.period.and_then(|p| p.to)
                ));
            }
        }
        if !wrong.is_empty() {
            report.push(format!(
                "WRONG   {} | {} | {}",
                j.file,
                j.cue,
                wrong.join("; ")
            ));
        }
    }
    for t in &extracted {
        if !used.contains(&(*t as *const Target)) {
            report.push(format!(
                "EXTRA   {} | {} | {} {} {}",
                t.clause_id,
                t.statement,
                t.comparator.as_str(),
                t.value_text,
                t.unit
            ));
        }
    }
    for line in &report {
        println!("{line}");
    }
    println!(
        "{name}: {} target statements in {} documents, {} clauses ({} judged to hold none)",
        judged.len(),
        files.len(),
        judged_clauses.len(),
        none.len()
    );
    let scores = [
        ("statements", &statements),
        ("indicator key", &key),
        ("value", &value),
        ("unit", &unit),
        ("comparator", &comparator),
        ("year", &year),
    ];
    let mut failed = Vec::new();
    for ((name, s), (p, r)) in scores.into_iter().zip(floors) {
        println!(
            "{name:>14}: precision {:.3} ({}/{}), recall {:.3} ({}/{})",
            s.precision(),
            s.correct,
            s.given,
            s.recall(),
            s.correct,
            s.judged
        );
        if s.precision() < p || s.recall() < r {
            failed.push(format!(
                "{name} below its floor (precision {p}, recall {r})"
            ));
        }
    }
    if !failed.is_empty() {
        failed.extend(report);
    }
    failed
}
