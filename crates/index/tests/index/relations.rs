//! Relations between documents on a real index: the hand-judged citations of `relations.tsv`
//! (precision and recall of the relation and of the resolved document, with thresholds), a
//! citation that resolves once the document it names is ingested later, and a law cited by its
//! name and date.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use vankien_index::{Index, IngestOptions};
use vankien_ingest::docnum::DocNumber;
use vankien_ingest::normalize::{folded_key, words};
use vankien_ingest::relations::{Citation, Reference, Relation};
use vankien_testkit::workspace_root;

use crate::common::{corpus_file, ingest_paths};

/// The development set's folder.
fn realdocs() -> PathBuf {
    workspace_root().join("crates/ingest/tests/realdocs")
}

/// `corpus/…` or `realdocs/…` of the judged file, as a path.
fn judged_path(file: &str) -> PathBuf {
    match file.strip_prefix("realdocs/") {
        Some(name) => realdocs().join(name),
        None => workspace_root().join(file),
    }
}

/// An index of the corpus and the development set (its text files, Markdown and Word files; the
/// PDFs whose text sits beside them are left to the `.txt`), built once per run.
fn judged_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut paths = vec![workspace_root().join("corpus")];
        let mut names: Vec<PathBuf> = std::fs::read_dir(realdocs())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                let name = p.file_name().unwrap().to_str().unwrap();
                matches!(ext, "md" | "txt" | "docx" | "doc")
                    && name != "README.md"
                    && !name.contains("no-text-layer")
            })
            .collect();
        names.sort();
        paths.extend(names);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vankien-relations-index");
        vankien_testkit::index_of(&dir, &paths)
    })
}

/// The id of the document read from `path`.
fn doc_id(index: &Index, path: &Path) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    index
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| Path::new(&d.source).file_name().and_then(|n| n.to_str()) == Some(name))
        .unwrap_or_else(|| panic!("no document from {name}"))
        .id
}

/// One judged citation.
#[derive(Debug, Clone)]
struct Judged {
    file: String,
    place: String,
    reference: String,
    relation: Relation,
    target: Option<String>,
    /// Judged from a document whose extraction had not been looked at.
    held_out: bool,
}

fn judged() -> Vec<Judged> {
    let text =
        std::fs::read_to_string(workspace_root().join("crates/index/tests/index/relations.tsv"))
            .unwrap();
    let mut held_out = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("# --- held out ---") {
            held_out = true;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "five fields: {line}");
        out.push(Judged {
            file: f[0].into(),
            place: f[1].into(),
            reference: f[2].into(),
            relation: Relation::parse(f[3]).unwrap_or_else(|| panic!("type of {line}")),
            target: (f[4] != "-").then(|| f[4].to_string()),
            held_out,
        });
    }
    out
}
fn folded_words(s: &str) -> Vec<String> {
    words(s).map(|(_, w)| folded_key(w)).collect()
}

/// Whether a citation's reference is the judged one: the same number (key and year), or a name
/// that opens with the judged words (and the judged date).
fn same_reference(judged: &str, r: &Reference) -> bool {
    let (written, date) = match judged.split_once('@') {
        Some((w, d)) => (w, Some(d)),
        None => (judged, None),
    };
    let number_of = |n: &DocNumber| format!("{}@{:?}", n.key(), n.year);
    if written.chars().any(|c| c.is_ascii_digit()) {
        return match (DocNumber::parse(written), r.doc_number()) {
            (Some(a), Some(b)) => number_of(&a) == number_of(&b),
            (None, None) => r.number.as_deref().is_some_and(|n| {
                Reference::raw_number_key(n) == Reference::raw_number_key(written)
            }),
            _ => false,
        };
    }
    let Some(name) = r.name_key() else {
        return false;
    };
    let name: Vec<&str> = name.split(' ').collect();
    name.starts_with(
        &folded_words(written)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    ) && date.is_none_or(|d| r.date.as_deref() == Some(d))
}

/// The citations the index reads at a judged place of a document.
fn at_place(index: &Index, doc: &str, place: &str) -> Vec<(Citation, Option<String>)> {
    let all = index.citations(doc).unwrap().expect("the document");
    let document = index.document(doc).unwrap().unwrap();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let keep: Box<dyn Fn(&Citation) -> bool> = if place == "title" {
        Box::new(|c: &Citation| c.clause_id.is_none() && c.heading.is_none())
    } else if let Some(opening) = place.strip_prefix("clause: ") {
        let first = document
            .clauses
            .iter()
            .position(|c| squash(&c.text).starts_with(&squash(opening)))
            .unwrap_or_else(|| panic!("{doc}: no clause opens with {opening}"));
        // A paragraph the parser cut at a hard-wrapped line goes on in the next clause: the
        // place is the paragraph, up to the end of its sentence within its section.
        let mut ids = Vec::new();
        let section = &document.clauses[first].section_path;
        for c in &document.clauses[first..] {
            if c.section_path != *section {
                break;
            }
            ids.push(c.id.clone());
            let last = c.text.trim_end().chars().last().unwrap_or('.');
            if matches!(last, '.' | ';' | ':' | '!' | '?' | '”' | '"') {
                break;
            }
        }
        Box::new(move |c: &Citation| c.clause_id.as_ref().is_some_and(|id| ids.contains(id)))
    } else if let Some(opening) = place.strip_prefix("heading: ") {
        let section = document
            .sections
            .iter()
            .find(|s| squash(&s.heading).starts_with(&squash(opening)))
            .unwrap_or_else(|| panic!("{doc}: no heading opens with {opening}"));
        let path = section.path.clone();
        Box::new(move |c: &Citation| c.heading.as_ref() == Some(&path))
    } else {
        panic!("unknown place {place}");
    };
    all.into_iter()
        .filter(|(c, _)| keep(c))
        .map(|(c, d)| (c, d.map(|d| d.id)))
        .collect()
}

/// Precision and recall of the relation and target read at the judged places.
struct Scores {
    judged: usize,
    read: usize,
    correct: usize,
    misses: Vec<String>,
}

impl Scores {
    fn precision(&self) -> f64 {
        self.correct as f64 / self.read.max(1) as f64
    }

    fn recall(&self) -> f64 {
        self.correct as f64 / self.judged.max(1) as f64
    }
}

/// Compares what the index reads at each judged place with the judged citations: a citation
/// is right when its reference, relation and resolved document all are.
fn score(index: &Index, judged: &[Judged]) -> Scores {
    let id_of = |file: &str| doc_id(index, &judged_path(file));
    // The judged places, each with its citations, in the file's order.
    let mut places: Vec<((String, String), Vec<&Judged>)> = Vec::new();
    for j in judged {
        let key = (j.file.clone(), j.place.clone());
        match places.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(j),
            None => places.push((key, vec![j])),
        }
    }
    let mut s = Scores {
        judged: judged.len(),
        read: 0,
        correct: 0,
        misses: Vec::new(),
    };
    for ((file, place), list) in &places {
        let mut read = at_place(index, &id_of(file), place);
        s.read += read.len();
        for j in list {
            let Some(i) = read
                .iter()
                .position(|(c, _)| same_reference(&j.reference, &c.reference))
            else {
                s.misses
                    .push(format!("{file} {place}: {} not read", j.reference));
                continue;
            };
            let (c, target) = read.remove(i);
            let expected = j.target.as_deref().map(id_of);
            if c.relation == j.relation && target == expected {
                s.correct += 1;
            } else {
                s.misses.push(format!(
                    "{file} {place}: {} read as {:?} → {target:?}, judged {:?} → {expected:?}",
                    j.reference, c.relation, j.relation
                ));
            }
        }
        for (c, _) in read {
            s.misses.push(format!(
                "{file} {place}: {} ({:?}) read, not judged",
                c.reference.text, c.relation
            ));
        }
    }
    s
}

#[test]
fn hand_judged_citations_are_read_and_resolved() {
    let index = judged_index();
    let judged = judged();
    assert!(judged.len() >= 40, "at least 40 judged citations");
    let (held_out, development): (Vec<Judged>, Vec<Judged>) =
        judged.into_iter().partition(|j| j.held_out);
    for (name, set, floor) in [
        ("development", &development, 0.9),
        ("held out", &held_out, 0.75),
    ] {
        let s = score(index, set);
        println!(
            "{name}: judged {}, read {}, right {}: precision {:.3}, recall {:.3}",
            s.judged,
            s.read,
            s.correct,
            s.precision(),
            s.recall()
        );
        for m in &s.misses {
            println!("  {m}");
        }
        assert!(s.precision() >= floor, "{name}: {:#?}", s.misses);
        assert!(s.recall() >= floor, "{name}: {:#?}", s.misses);
    }
}

/// A fresh index in its own temporary folder.
fn fresh_index(name: &str) -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(&dir.path().join(name)).unwrap();
    (dir, index)
}

fn ingest(index: &Index, paths: &[PathBuf]) {
    let report = ingest_paths(index, paths, &IngestOptions::default(), &mut |_| {}).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

#[test]
fn a_citation_resolves_once_its_document_is_ingested() {
    let (_dir, index) = fresh_index("late");
    ingest(&index, &[corpus_file("03-NQ-CP.txt")]);
    let plan = doc_id(&index, &corpus_file("03-NQ-CP.txt"));
    let before = index.relations(&plan).unwrap().unwrap();
    let implements = |r: &vankien_index::DocRelations| {
        r.outgoing
            .iter()
            .find(|l| l.relation == Relation::Implements)
            .cloned()
            .expect("03/NQ-CP implements 57-NQ/TW")
    };
    assert_eq!(implements(&before).document, None, "not in the index yet");
    assert_eq!(
        implements(&before).reference.number.as_deref(),
        Some("57-NQ/TW")
    );
    ingest(&index, &[corpus_file("57-NQ-TW.txt")]);
    let resolution = doc_id(&index, &corpus_file("57-NQ-TW.txt"));
    let after = index.relations(&plan).unwrap().unwrap();
    assert_eq!(
        implements(&after).document.map(|d| d.id),
        Some(resolution.clone())
    );
    let incoming = index.relations(&resolution).unwrap().unwrap().incoming;
    let from_plan: Vec<Relation> = incoming
        .iter()
        .filter(|l| l.document.as_ref().is_some_and(|d| d.id == plan))
        .map(|l| l.relation)
        .collect();
    assert_eq!(from_plan, [Relation::Cites, Relation::Implements]);
    assert_eq!(
        index
            .relation_counts(&resolution)
            .unwrap()
            .unwrap()
            .incoming,
        2
    );
    assert!(index.relations("no-such-document").unwrap().is_none());
}

#[test]
fn a_law_cited_by_name_and_date_resolves_and_a_replaced_document_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let law = realdocs().join("69-2025-QH15-Luat-Hoa-chat.docx");
    let decree = dir.path().join("nghi-dinh.txt");
    std::fs::write(
        &decree,
        "CHÍNH PHỦ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n\
         Số: 300/2026/NĐ-CP\n\nHà Nội, ngày 20 tháng 12 năm 2026\n\nNGHỊ ĐỊNH\n\
         Quy định chi tiết một số điều của Luật Hóa chất\n\nCăn cứ Luật Hóa chất ngày 14 tháng 6 \
         năm 2025;\n\nChính phủ ban hành Nghị định.\n\nĐiều 1. Hiệu lực\n\nNghị định này có \
         hiệu lực từ ngày 01 tháng 01 năm 2027 và thay thế Nghị định số 113/2017/NĐ-CP.\n",
    )
    .unwrap();
    let old = dir.path().join("113-2017.txt");
    std::fs::write(
        &old,
        "CHÍNH PHỦ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n\
         Số: 113/2017/NĐ-CP\n\nHà Nội, ngày 09 tháng 10 năm 2017\n\nNGHỊ ĐỊNH\n\
         Quy định chi tiết và hướng dẫn thi hành một số điều của Luật Hóa chất\n\n\
         Điều 1. Phạm vi\n\nNghị định này quy định chi tiết.\n",
    )
    .unwrap();
    let index = Index::open_or_create(&dir.path().join("index")).unwrap();
    ingest(&index, &[law.clone(), decree.clone(), old.clone()]);
    let law_id = doc_id(&index, &law);
    let decree_id = doc_id(&index, &decree);
    let old_id = doc_id(&index, &old);
    let rel = index.relations(&decree_id).unwrap().unwrap();
    let to = |relation| {
        rel.outgoing
            .iter()
            .find(|l| l.relation == relation)
            .and_then(|l| l.document.as_ref())
            .map(|d| d.id.clone())
    };
    assert_eq!(to(Relation::Cites), Some(law_id.clone()));
    assert_eq!(to(Relation::Guides), Some(law_id.clone()));
    assert_eq!(to(Relation::Replaces), Some(old_id.clone()));
    let replaced = index.relations(&old_id).unwrap().unwrap();
    assert_eq!(replaced.replaced_by.map(|d| d.id), Some(decree_id.clone()));
    assert_eq!(replaced.repealed_by, None);
    // The old decree guides the law by name too; without a date it names the law in force in
    // 2017, and the index holds only the law of 2025: unresolved.
    let old_rel = index.relations(&old_id).unwrap().unwrap();
    let guides: Vec<_> = old_rel
        .outgoing
        .iter()
        .filter(|l| l.relation == Relation::Guides)
        .collect();
    assert_eq!(guides.len(), 1, "{old_rel:?}");
    assert_eq!(guides[0].document, None);
}
