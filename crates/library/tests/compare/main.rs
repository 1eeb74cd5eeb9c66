//! The aligner of `vankien_library::compare` measured against alignments judged by hand
//! (`gold-*.tsv`, each with a header saying how): precision (the share of the aligner's pairs
//! that a reader accepts, `same` or `related`) and recall (the share of the one-to-one `same`
//! pairs it finds), per pair of corpus documents, each held above a floor a little under what
//! was measured (README, "Comparing two documents").

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use vankien_library::compare::{self, CompareConfig, Status};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus")
        .join(name)
}

fn parse(name: &str) -> vankien_ingest::Document {
    let path = corpus(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    vankien_ingest::parse_bytes(&bytes, &path.to_string_lossy()).expect("parse")
}

struct Gold {
    /// Pairs a reader accepts (`same` and `related`), as places (the clause id after the
    /// document id).
    accepted: HashSet<(String, String)>,
    /// The one-to-one answer.
    same: HashSet<(String, String)>,
}

fn gold(file: &str) -> Gold {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/compare")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("gold file");
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(lines.next(), Some("a\tb\tjudgement"), "header of {file}");
    let (mut accepted, mut same) = (HashSet::new(), HashSet::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{file}: {line}");
        let pair = (cols[0].to_string(), cols[1].to_string());
        match cols[2] {
            "same" => {
                same.insert(pair.clone());
            }
            "related" => {}
            other => panic!("{file}: unknown judgement {other}"),
        }
        accepted.insert(pair);
    }
    Gold { accepted, same }
}

fn place(id: &str) -> String {
    id.split_once('/').map_or(id, |(_, p)| p).to_string()
}

/// Precision and recall of the aligner on one pair of documents.
fn measure(a: &str, b: &str, file: &str) -> (f64, f64, usize) {
    let (da, db) = (parse(a), parse(b));
    let gold = gold(file);
    let (ca, cb) = (compare::compared(&da), compare::compared(&db));
    let places_a: HashSet<String> = ca.iter().map(|c| place(&c.id)).collect();
    let places_b: HashSet<String> = cb.iter().map(|c| place(&c.id)).collect();
    for (x, y) in &gold.accepted {
        assert!(
            places_a.contains(x),
            "{file}: {x} is no task or target of {a}"
        );
        assert!(
            places_b.contains(y),
            "{file}: {y} is no task or target of {b}"
        );
    }
    let predicted: HashSet<(String, String)> = compare::align(&da, &db, &CompareConfig::default())
        .into_iter()
        .map(|(i, j, _)| (place(&ca[i].id), place(&cb[j].id)))
        .collect();
    let right = predicted.intersection(&gold.accepted).count();
    let found = predicted.intersection(&gold.same).count();
    let precision = right as f64 / predicted.len().max(1) as f64;
    let recall = found as f64 / gold.same.len() as f64;
    println!(
        "{a} → {b}: {} pairs aligned, {right} accepted; {found} of {} one-to-one gold pairs found: precision {precision:.2}, recall {recall:.2}",
        predicted.len(),
        gold.same.len()
    );
    (precision, recall, predicted.len())
}

#[test]
fn resolution_and_the_conclusion_that_continues_it() {
    let (p, r, n) = measure("20-NQ-TW.txt", "69-KL-TW.txt", "gold-20-NQ-TW-69-KL-TW.tsv");
    assert!(n > 0);
    assert!(p >= 0.60, "precision {p:.2}");
    assert!(r >= 0.50, "recall {r:.2}");
}

#[test]
fn resolution_and_the_government_programme_that_implements_it() {
    let (p, r, n) = measure("57-NQ-TW.txt", "03-NQ-CP.txt", "gold-57-NQ-TW-03-NQ-CP.tsv");
    assert!(n > 0);
    assert!(p >= 0.55, "precision {p:.2}");
    assert!(r >= 0.65, "recall {r:.2}");
}

#[test]
fn a_document_with_itself_is_all_kept() {
    let d = parse("57-NQ-TW.txt");
    let c = compare::compare(&d, &d, &CompareConfig::default());
    let n = compare::compared(&d).len();
    assert_eq!(c.counts.kept, n);
    assert_eq!(c.counts.reworded + c.counts.new + c.counts.dropped, 0);
    assert!(c.rows.iter().all(|r| r.status == Status::Kept));
    assert!(!c.targets.is_empty(), "57-NQ/TW sets targets");
    assert!(
        c.targets
            .iter()
            .all(|t| t.change == compare::ValueChange::Same)
    );
}

#[test]
fn every_clause_is_in_one_row_and_rows_follow_b() {
    let (da, db) = (parse("20-NQ-TW.txt"), parse("69-KL-TW.txt"));
    let c = compare::compare(&da, &db, &CompareConfig::default());
    let ids_a: Vec<&str> = c
        .rows
        .iter()
        .filter_map(|r| r.a.as_ref())
        .map(|s| s.id.as_str())
        .collect();
    let ids_b: Vec<&str> = c
        .rows
        .iter()
        .filter_map(|r| r.b.as_ref())
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids_a.len(), compare::compared(&da).len());
    assert_eq!(ids_a.iter().collect::<HashSet<_>>().len(), ids_a.len());
    let want_b: Vec<&str> = compare::compared(&db)
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids_b, want_b, "B's clauses in B's order");
    let total = c.counts.kept + c.counts.reworded + c.counts.new + c.counts.dropped;
    assert_eq!(total, c.rows.len());
    for r in c.rows.iter().filter(|r| r.status == Status::Reworded) {
        assert!(!r.diff.is_empty());
        assert!(r.diff.iter().any(|d| d.op != compare::DiffOp::Equal));
    }
}

#[test]
fn a_changed_target_value_is_reported() {
    let a = parse("57-NQ-TW.txt");
    let text = std::fs::read_to_string(corpus("57-NQ-TW.txt")).unwrap();
    assert!(text.contains("đạt tối thiểu 30% GDP"));
    let changed = text.replace("đạt tối thiểu 30% GDP", "đạt tối thiểu 35% GDP");
    let b = vankien_ingest::parse_bytes(changed.as_bytes(), "57-NQ-TW.txt").unwrap();
    let c = compare::compare(&a, &b, &CompareConfig::default());
    let moved: Vec<_> = c
        .targets
        .iter()
        .filter(|t| t.change != compare::ValueChange::Same)
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!((moved[0].a.low, moved[0].b.low), (30.0, 35.0));
    assert_eq!(moved[0].change, compare::ValueChange::Up);
    assert_eq!(c.counts.reworded, 1, "the clause that holds it is reworded");
}
