//! Golden files of the 14 corpus documents (`tests/golden/<stem>.json`, the parsed document as
//! pretty JSON), the explicit checks of the seed resolution, and the invariants every parsed
//! corpus document keeps: nothing lost, ids unique, URL-safe and stable, spans true.
//!
//! `UPDATE_GOLDEN=1 cargo test -p vankien-ingest --test ingest` rewrites the golden files; review
//! the diff by reading it against the source before committing it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::golden_file::check_golden;
use vankien_ingest::normalize::words;
use vankien_ingest::parse::parse;
use vankien_ingest::{ClauseKind, DocKind, Document};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The stems of the corpus documents, sorted.
fn corpus_stems() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|e| {
            let p = e.expect("dir entry").path();
            (p.extension().is_some_and(|x| x == "txt"))
                .then(|| p.file_stem().expect("stem").to_string_lossy().into_owned())
        })
        .collect();
    stems.sort();
    stems
}

/// Parses one corpus document (all are UTF-8), named by its file name only so that the golden
/// files do not depend on where the repository lives.
fn parse_corpus(stem: &str) -> Document {
    let name = format!("{stem}.txt");
    let raw = std::fs::read_to_string(corpus_dir().join(&name)).expect("corpus file");
    parse(&raw, &name, "utf-8")
}

#[test]
fn golden_files_match_for_all_corpus_documents() {
    let stems = corpus_stems();
    assert_eq!(stems.len(), 14, "the corpus has 14 documents");
    let failures: Vec<String> = stems
        .iter()
        .filter_map(|s| {
            let path = golden_dir().join(format!("{s}.json"));
            check_golden(s, &path, &parse_corpus(s))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_GOLDEN=1 to rewrite, then review):\n{}",
        failures.join("\n")
    );
}

#[test]
fn seed_resolution_is_recovered_completely() {
    let doc = parse_corpus("thai-binh-09-NQ-DH-2020");
    assert_eq!(doc.kind, DocKind::Resolution);
    assert_eq!(doc.number.as_deref(), Some("09-NQ/ĐH"));
    assert_eq!(doc.date.as_deref(), Some("2020-10-15"));
    assert_eq!(doc.place.as_deref(), Some("Thái Bình"));
    assert_eq!(doc.term.as_deref(), Some("2020 - 2025"));
    assert_eq!(doc.id, "09-nq-dh.thai-binh.2020-10-15");
    assert_eq!(
        doc.issuer.as_deref(),
        Some("ĐẠI HỘI ĐẠI BIỂU ĐẢNG BỘ TỈNH THÁI BÌNH LẦN THỨ XX")
    );

    let paths: Vec<String> = doc.sections.iter().map(|s| s.path.join("/")).collect();
    assert_eq!(
        paths,
        [
            "A",
            "A/I",
            "A/II",
            "A/II/1",
            "A/II/2",
            "A/II/3",
            "A/II/3/3.1",
            "A/II/3/3.2",
            "A/II/3/3.3",
            "A/II/3/3.4",
            "A/II/4",
            "A/II/4/4.1",
            "A/II/4/4.2",
            "B",
            "C",
            "D",
            "E",
        ]
    );
    let s33 = &doc.sections[8];
    assert!(
        s33.heading
            .starts_with("Tích cực, chủ động hội nhập kinh tế quốc tế")
    );
    assert!(
        s33.heading.ends_with("đối ngoại Nhân dân."),
        "{}",
        s33.heading
    );

    let targets: Vec<_> = doc
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Target)
        .collect();
    assert_eq!(targets.len(), 23);
    let labels: Vec<&str> = targets.iter().filter_map(|c| c.label.as_deref()).collect();
    let expected: Vec<String> = (1..=23).map(|n| format!("({n})")).collect();
    assert_eq!(labels, expected);
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for t in &targets {
        assert_eq!(t.section_path, ["A", "II", "2"]);
        let g = t.group.as_deref().expect("every target has a group");
        match groups.last_mut() {
            Some((last, n)) if *last == g => *n += 1,
            _ => groups.push((g, 1)),
        }
    }
    assert_eq!(
        groups,
        [
            ("Hằng năm", 2),
            ("Bình quân giai đoạn 2021-2025", 5),
            ("Đến năm 2025", 13),
            ("Đến năm 2030 và tầm nhìn đến năm 2045", 3),
        ]
    );
    assert!(targets[2].text.starts_with("Tốc độ tăng tổng sản phẩm"));

    let lessons: Vec<_> = doc
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Lesson)
        .collect();
    let lesson_labels: Vec<&str> = lessons.iter().filter_map(|c| c.label.as_deref()).collect();
    assert_eq!(
        lesson_labels,
        ["Một là", "Hai là", "Ba là", "Bốn là", "Năm là"]
    );

    // Every clause under 3.1–3.4 and 4.1–4.2 is a task, and each of them has some.
    for sub in ["3.1", "3.2", "3.3", "3.4", "4.1", "4.2"] {
        let under: Vec<_> = doc
            .clauses
            .iter()
            .filter(|c| c.section_path.last().map(String::as_str) == Some(sub))
            .collect();
        assert!(!under.is_empty(), "no clauses under {sub}");
        assert!(
            under.iter().all(|c| c.kind == ClauseKind::Task),
            "non-task clause under {sub}"
        );
    }
    let under = |sub: &str| {
        doc.clauses
            .iter()
            .filter(|c| c.section_path.last().map(String::as_str) == Some(sub))
            .count()
    };
    assert_eq!(under("4.1"), 5);
    assert_eq!(under("4.2"), 3);
    assert_eq!(under("3.3"), 1);
    assert!(
        doc.clauses
            .iter()
            .all(|c| c.section_path.first().map(String::as_str) != Some("I")
                || c.kind != ClauseKind::Task)
    );

    assert_eq!(doc.recipients.len(), 6);
    assert_eq!(
        doc.recipients[0],
        "Ban Bí thư Trung ương Đảng (để báo cáo),"
    );
    assert_eq!(doc.recipients[5], "Lưu Văn phòng Tỉnh uỷ.");
}

/// Words of every field a parsed document puts text in.
fn field_words(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |s: &str| out.extend(words(s).map(|(_, w)| w.to_string()));
    for l in &doc.header {
        add(l);
    }
    for s in &doc.sections {
        // A section the source gives no label line for (an annex after the signature) carries
        // a label of the parser's own; only labels written in the source count.
        let label: Vec<&str> = words(&s.label).map(|(_, w)| w).collect();
        let written: Vec<&str> = words(&doc.text[s.span[0]..s.span[1]])
            .map(|(_, w)| w)
            .take(label.len())
            .collect();
        if label == written {
            add(&s.label);
        }
        add(&s.heading);
    }
    for c in &doc.clauses {
        if let Some(l) = &c.label {
            add(l);
        }
        add(&c.text);
    }
    for l in doc
        .recipients
        .iter()
        .chain(&doc.signature)
        .chain(&doc.furniture)
    {
        add(l);
    }
    out
}

/// The `Nơi nhận` lines introduce the recipients field: their two words are the field's name.
fn discount_recipient_markers(doc: &Document, count: &mut HashMap<String, i64>) {
    let markers = doc
        .text
        .lines()
        .filter(|l| l.trim_start().starts_with("Nơi nhận"))
        .count() as i64
        // A line read as part of the header is accounted for there.
        - doc.header.iter().filter(|l| l.starts_with("Nơi nhận")).count() as i64;
    for w in ["Nơi", "nhận"] {
        *count.entry(w.to_string()).or_default() -= markers;
    }
}

#[test]
fn nothing_is_lost() {
    for stem in corpus_stems() {
        let doc = parse_corpus(&stem);
        let mut count: HashMap<String, i64> = HashMap::new();
        for (_, w) in words(&doc.text) {
            *count.entry(w.to_string()).or_default() += 1;
        }
        discount_recipient_markers(&doc, &mut count);
        for w in field_words(&doc) {
            *count.entry(w).or_default() -= 1;
        }
        let mut off: Vec<(String, i64)> = count.into_iter().filter(|&(_, n)| n != 0).collect();
        off.sort();
        assert!(
            off.is_empty(),
            "{stem}: words lost (positive) or invented (negative): {off:?}"
        );
    }
}

#[test]
fn ids_are_unique_url_safe_and_stable() {
    for stem in corpus_stems() {
        let doc = parse_corpus(&stem);
        let url_safe = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        };
        assert!(url_safe(&doc.id), "{stem}: document id {:?}", doc.id);
        let mut seen = HashSet::new();
        for c in &doc.clauses {
            let (prefix, local) = c.id.split_once('/').expect("doc id / path");
            assert_eq!(prefix, doc.id);
            assert!(url_safe(local), "{stem}: clause id {:?}", c.id);
            assert!(
                seen.insert(c.id.clone()),
                "{stem}: duplicate clause id {}",
                c.id
            );
        }
        let again = parse_corpus(&stem);
        let ids = |d: &Document| d.clauses.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&doc), ids(&again), "{stem}: ids change between runs");
    }
}

#[test]
fn spans_point_at_their_text() {
    for stem in corpus_stems() {
        let doc = parse_corpus(&stem);
        let t = &doc.text;
        for c in &doc.clauses {
            let [a, b] = c.span;
            assert!(a <= b && b <= t.len(), "{stem}: span out of range {}", c.id);
            assert!(t.is_char_boundary(a) && t.is_char_boundary(b));
            let in_span: Vec<&str> = words(&t[a..b]).map(|(_, w)| w).collect();
            let mut expected: Vec<&str> = Vec::new();
            if let Some(l) = &c.label {
                expected.extend(words(l).map(|(_, w)| w));
            }
            expected.extend(words(&c.text).map(|(_, w)| w));
            // A paragraph can run over a page break: the running head inside its span is
            // furniture, not clause text.
            let furniture: HashSet<&str> = doc
                .furniture
                .iter()
                .flat_map(|f| words(f).map(|(_, w)| w))
                .collect();
            let mut rest = expected.iter().peekable();
            for w in &in_span {
                if rest.peek() == Some(&w) {
                    rest.next();
                } else {
                    assert!(
                        furniture.contains(w),
                        "{stem}: clause {} span has {w:?} outside its text",
                        c.id
                    );
                }
            }
            assert!(
                rest.peek().is_none(),
                "{stem}: clause {} text beyond its span",
                c.id
            );
        }
        for s in &doc.sections {
            let [a, b] = s.span;
            assert!(a <= b && b <= t.len() && t.is_char_boundary(a) && t.is_char_boundary(b));
            assert_eq!(s.path.last(), Some(&s.label));
        }
    }
}

#[test]
fn odd_documents_parse_with_diagnostics() {
    for raw in [
        "",
        "\n\n\n",
        "NGHỊ QUYẾT",
        "Số:",
        "Nơi nhận:",
        "1.\n1.1.\n(1)\na)\n-\nĐiều\nChương I\nPhụ lục",
        "TM. CHÍNH PHỦ\n\nI. MỤC TIÊU\n1. Một\n2.",
        "Hà Nội, ngày 31 tháng 2 năm 2025\nNGHỊ QUYẾT\n---",
    ] {
        let doc = parse(raw, "odd.txt", "utf-8");
        assert!(!doc.diagnostics.is_empty(), "{raw:?}: no diagnostics");
        assert!(!doc.id.is_empty());
    }
    let doc = parse("Một đoạn văn bản không có tiêu đề.", "x.txt", "utf-8");
    assert_eq!(doc.clauses.len(), 1);
    assert!(doc.diagnostics.iter().any(|d| d.contains("no number")));
}

/// Pieces that exercise every rule of the parser: labels of each scheme, header and closing
/// lines, furniture, wrapped words, NFD marks, odd spaces.
const PIECES: &[&str] = &[
    "\n",
    "\n\n",
    " ",
    "\t",
    "NGHỊ QUYẾT",
    "Số: 12/2021/NQ-HĐND",
    "Số:",
    "Hà Nội, ngày 15",
    "tháng 10 năm 2020",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "QUYẾT NGHỊ:",
    "Phần I",
    "Chương",
    "II",
    "Mục 2.",
    "Điều 3.",
    "Điều",
    "A-",
    "B.",
    "I.",
    "IV-",
    "1.",
    "2-",
    "3.1.",
    "1.1.2.",
    "(5)",
    "a)",
    "đ)",
    "-",
    "+",
    "•",
    "Một là,",
    "Căn cứ Luật;",
    "Xét Tờ trình",
    "Hằng năm:",
    "Bình quân giai đoạn 2021-2025:",
    "nhiệm vụ",
    "giải pháp",
    "chỉ tiêu",
    "đạt 90%",
    "Nơi nhận:",
    "- Lưu: VT.",
    "TM. CHÍNH PHỦ",
    "THỦ TƯỚNG",
    "Nguyễn Văn A",
    "Phụ lục I",
    "Mẫu số 01",
    "(Kèm theo",
    ")",
    "CÔNG BÁO/Số 1/Ngày 01-01-2024",
    "45",
    "Người ký: X",
    "Email: y",
    "-----",
    "Tăng cường",
    "phát triển.",
    "kinh tế",
    "Đảng",
    "Hoá",
    "\u{301}",
    "\u{a0}",
    "\r\n",
    "…",
    "“",
    "”",
    ":",
    ";",
    ".",
    ",",
    "TT",
    "STT",
    "1",
    "2",
    "70",
];

/// A case `arbitrary_documents_parse` found: a `Nơi nhận` line below an annex's first line was
/// read as the rest of its heading, not as the recipients it opens.
#[test]
fn recipients_never_continue_an_annex_heading() {
    let doc = parse("Nơi nhận: \n II \r\n Nơi nhận:", "x.txt", "utf-8");
    let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
    assert!(
        headings.iter().all(|h| !h.contains("Nơi nhận")),
        "{headings:?}"
    );
    let mut count: HashMap<String, i64> = HashMap::new();
    for (_, w) in words(&doc.text) {
        *count.entry(w.to_string()).or_default() += 1;
    }
    discount_recipient_markers(&doc, &mut count);
    for w in field_words(&doc) {
        *count.entry(w).or_default() -= 1;
    }
    assert!(count.values().all(|&n| n == 0), "{count:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any arrangement of the pieces parses without panic into a document whose spans are
    /// true, whose clause ids are unique and URL-safe, and that loses no word.
    #[test]
    fn arbitrary_documents_parse(picks in proptest::collection::vec(0..PIECES.len(), 0..120)) {
        let raw: String = picks.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let doc = parse(&raw, "x.txt", "utf-8");
        let mut seen = HashSet::new();
        for c in &doc.clauses {
            proptest::prop_assert!(c.span[0] <= c.span[1] && c.span[1] <= doc.text.len());
            proptest::prop_assert!(doc.text.is_char_boundary(c.span[0]));
            proptest::prop_assert!(doc.text.is_char_boundary(c.span[1]));
            proptest::prop_assert!(seen.insert(c.id.clone()), "duplicate id {}", c.id);
            proptest::prop_assert!(c.id.chars().all(|ch| ch.is_ascii_lowercase()
                || ch.is_ascii_digit() || "._-/".contains(ch)), "id {}", c.id);
        }
        for s in &doc.sections {
            proptest::prop_assert!(s.span[0] <= s.span[1] && s.span[1] <= doc.text.len());
        }
        let mut count: HashMap<String, i64> = HashMap::new();
        for (_, w) in words(&doc.text) {
            *count.entry(w.to_string()).or_default() += 1;
        }
        discount_recipient_markers(&doc, &mut count);
        for w in field_words(&doc) {
            *count.entry(w).or_default() -= 1;
        }
        let off: Vec<_> = count.into_iter().filter(|&(_, n)| n != 0).collect();
        proptest::prop_assert!(off.is_empty(), "{raw:?}: {off:?}");
    }
}
