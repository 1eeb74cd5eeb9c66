//! The structure the parser finds in every readable document of the development set
//! (`tests/realdocs/`, every format), measured against the document's own numbering: each line of
//! the stored text that starts with a numbering label (`Điều 3.`, `Chương II`, `II.`, `2.1.`,
//! `a)`, `(3)`) must open a section or a labelled clause. The labels are found by a pattern of
//! their own here, independent of the parser's, so a label the parser drops, glues to the line
//! before or reads as a plain paragraph counts as missed. Files that cannot be read (a scan,
//! a corrupt text layer) are listed with the reason.
//!
//! `cargo test -p vankien-ingest --test ingest structure -- --nocapture` prints the table.

use std::collections::HashSet;
use std::path::Path;

use regex::Regex;
use vankien_ingest::{ClauseKind, Document};

/// A numbering label at the start of a line, as the glossary lists them.
fn label_pattern() -> Regex {
    Regex::new(
        r"^(?:(?:Điều|ĐIỀU)\s+\d{1,3}[a-z]?[.:]|(?:Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+(?:[IVXLC]+|\d{1,2})\b|[IVX]{1,5}[.\-–]\s|\d{1,2}(?:\.\d{1,2}){0,2}\.\s|[a-zđ]\)\s|\(\d{1,3}\)\s)",
    )
    .expect("valid regex")
}

/// Per document: labelled lines in the stored text, and how many of them open a section, a
/// labelled clause or a table row (a group row, `I. …`, has no label of its own). A labelled
/// line inside a row (`1. Bộ Tài chính đầu mối` in a cell) is the cell's text, not the outline's,
/// and is not counted; nor is one inside a form (`1. Họ và tên: ……`, a report sheet's `1. Chia
/// theo giới tính`), which is one block.
fn labels_found(doc: &Document, re: &Regex) -> (usize, usize, Vec<String>) {
    let rows: Vec<[usize; 2]> = doc
        .clauses
        .iter()
        .filter(|c| matches!(c.kind, ClauseKind::Row | ClauseKind::Form))
        .map(|c| c.span)
        .collect();
    let starts: HashSet<usize> = doc
        .sections
        .iter()
        .map(|s| s.span[0])
        .chain(
            doc.clauses
                .iter()
                .filter(|c| c.label.is_some() || c.kind == ClauseKind::Row)
                .map(|c| c.span[0]),
        )
        .collect();
    let in_a_cell = |at: usize| rows.iter().any(|r| r[0] < at && at < r[1]);
    let (mut total, mut found) = (0, 0);
    let mut missed = Vec::new();
    let mut offset = 0;
    for line in doc.text.split('\n') {
        let lead = line.len() - line.trim_start().len();
        let t = line.trim();
        if re.is_match(t) && !in_a_cell(offset + lead) {
            total += 1;
            if starts.contains(&(offset + lead)) {
                found += 1;
            } else {
                missed.push(t.chars().take(50).collect());
            }
        }
        offset += line.len() + 1;
    }
    (total, found, missed)
}

#[test]
fn structure_of_the_development_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("README")
        })
        .collect();
    files.sort();
    let re = label_pattern();
    let (mut all_total, mut all_found) = (0, 0);
    println!(
        "{:<40} {:>8} {:>8} {:>7} {:>6} {:>6} {:>5} {:>9} {:>13}",
        "document",
        "format",
        "sections",
        "clauses",
        "tasks",
        "target",
        "rows",
        "assignees",
        "labels found"
    );
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = match vankien_ingest::read_file(path) {
            Ok(d) => d,
            Err(e) => {
                let why = e.to_string();
                println!(
                    "{name:<40} refused: {}",
                    why.rsplit(": ").next().unwrap_or(&why)
                );
                continue;
            }
        };
        let count = |k: ClauseKind| doc.clauses.iter().filter(|c| c.kind == k).count();
        let assigned = doc.clauses.iter().filter(|c| c.assignee.is_some()).count();
        let (total, found, missed) = labels_found(&doc, &re);
        all_total += total;
        all_found += found;
        println!(
            "{name:<40} {:>8} {:>8} {:>7} {:>6} {:>6} {:>5} {:>9} {:>7}/{:<5}",
            doc.format,
            doc.sections.len(),
            doc.clauses.len(),
            count(ClauseKind::Task),
            count(ClauseKind::Target),
            count(ClauseKind::Row),
            assigned,
            found,
            total
        );
        for m in missed.iter().take(3) {
            println!("    missed: {m}");
        }
    }
    let share = all_found as f64 / all_total.max(1) as f64;
    println!(
        "labels found: {all_found} of {all_total} ({:.1}%)",
        100.0 * share
    );
    assert!(all_total > 1000, "the set has thousands of labelled lines");
    assert!(
        share >= 0.9,
        "only {:.1}% of labelled lines found",
        100.0 * share
    );
}
