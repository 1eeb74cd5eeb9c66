//! Word (`.docx`) and OpenDocument (`.odt`) extraction on the real files of `tests/realdocs/`
//! and their `.odt` conversions in `tests/fixtures/odt/`: words kept against an independent
//! extraction (pandoc's, in `tests/fixtures/reference/`), Word's automatic numbering, the header's
//! lines, tables as pipe rows, and hostile or broken archives refused with an error naming the file.

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use vankien_ingest::formats::{self, Extracted, Format, MAX_UNPACKED_BYTES};
use vankien_ingest::normalize::{exact_key, words};

/// The five Word files of the development set.
const STEMS: [&str; 5] = [
    "69-2025-QH15-Luat-Hoa-chat",
    "07-CT-TTg-2012",
    "2242-KH-SCT-2026-LaoCai",
    "TB-VPUBND-2026-LaoCai-ket-luan-CCN",
    "1894-TB-SCT-2026-LaoCai",
];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn realdoc(stem: &str) -> PathBuf {
    tests_dir().join("realdocs").join(format!("{stem}.docx"))
}

fn odt(stem: &str) -> PathBuf {
    tests_dir().join("fixtures/odt").join(format!("{stem}.odt"))
}

fn reference(stem: &str) -> String {
    let path = tests_dir()
        .join("fixtures/reference")
        .join(format!("{stem}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn extract(path: &Path) -> Extracted {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    formats::extract(&bytes, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(e: &Extracted) -> String {
    e.pages.concat()
}

/// The multiset of exact word keys of a text.
fn bag(text: &str) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for (_, w) in words(text) {
        *bag.entry(exact_key(w)).or_insert(0) += 1;
    }
    bag
}

/// The share of `of`'s words (as a multiset) that `within` has, and the words missing.
fn kept(of: &str, within: &str) -> (f64, Vec<String>) {
    let have = bag(within);
    let want = bag(of);
    let total: usize = want.values().sum();
    let mut missing = Vec::new();
    let mut found = 0;
    for (word, n) in &want {
        let h = have.get(word).copied().unwrap_or(0);
        found += h.min(*n);
        if h < *n {
            missing.push(format!("{word}×{}", n - h));
        }
    }
    missing.sort();
    (found as f64 / total.max(1) as f64, missing)
}

/// Checks words kept in both directions: the reference's words found in ours, and ours (the
/// automatic numbering labels aside, which some references lack) found in the reference.
fn assert_words_kept(name: &str, ours: &str, reference: &str, labels: usize) {
    let (share, missing) = kept(reference, ours);
    println!(
        "{name}: {:.2}% of the reference's words kept",
        share * 100.0
    );
    assert!(
        share >= 0.995,
        "{name}: only {:.2}% of the reference's words kept; missing {missing:?}",
        share * 100.0
    );
    let (back, extra) = kept(ours, reference);
    let ours_total = bag(ours).values().sum::<usize>();
    let unmatched = ((1.0 - back) * ours_total as f64).round() as usize;
    println!(
        "{name}: {:.2}% of our words in the reference ({unmatched} not, {labels} labels added)",
        back * 100.0
    );
    assert!(
        unmatched.saturating_sub(labels) as f64 <= 0.005 * ours_total as f64,
        "{name}: {unmatched} of our {ours_total} words are not in the reference: {extra:?}"
    );
}

/// The number of automatic labels a docx or odt extraction reports adding.
fn labels_added(e: &Extracted) -> usize {
    e.diagnostics
        .iter()
        .filter(|d| d.contains("labels"))
        .filter_map(|d| d.split_whitespace().nth(1)?.parse::<usize>().ok())
        .sum()
}

#[test]
fn docx_words_are_kept() {
    for stem in STEMS {
        let e = extract(&realdoc(stem));
        assert_eq!(e.format, Format::Docx, "{stem}");
        assert!(!e.paged);
        assert_words_kept(stem, &text(&e), &reference(stem), labels_added(&e));
    }
}

#[test]
fn odt_words_are_kept() {
    for stem in STEMS {
        let e = extract(&odt(stem));
        assert_eq!(e.format, Format::Odt, "{stem}");
        assert_words_kept(
            &format!("{stem}.odt"),
            &text(&e),
            &reference(stem),
            labels_added(&e),
        );
    }
}

/// The lines of an extraction, trimmed.
fn lines(e: &Extracted) -> Vec<String> {
    text(e).lines().map(|l| l.trim().to_string()).collect()
}

#[test]
fn the_national_name_and_motto_are_separate_lines() {
    // In the Luật's header table the name, motto and rule are one paragraph split by w:br.
    for e in [extract(&realdoc(STEMS[0])), extract(&odt(STEMS[0]))] {
        let lines = lines(&e);
        let name = lines
            .iter()
            .position(|l| l.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
            .expect("the national name");
        let motto = lines
            .iter()
            .position(|l| l.contains("Độc lập - Tự do - Hạnh phúc"))
            .expect("the motto");
        assert_ne!(name, motto, "{:?}", &lines[..5]);
        assert!(!lines[name].contains("Độc lập"), "{}", lines[name]);
    }
    let docx = lines(&extract(&realdoc(STEMS[0])));
    assert_eq!(docx[0], "| QUỐC HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |");
    assert_eq!(docx[1], "| ------- | Độc lập - Tự do - Hạnh phúc |");
    assert_eq!(
        docx[3],
        "| Luật số: 69/2025/QH15 | Hà Nội, ngày 14 tháng 6 năm 2025 |"
    );
}

#[test]
fn word_automatic_numbering_is_put_back() {
    // 2242's task table numbers its TT column with w:numPr (numId 7 → abstractNum 2, level 0:
    // decimal, "%1.", start 1): the cells hold no text, Word shows 1. to 9.
    let e = extract(&realdoc("2242-KH-SCT-2026-LaoCai"));
    let lines = lines(&e);
    for (n, task) in [
        (1, "Rà soát việc đáp ứng các điều kiện của học viên"),
        (2, "Xây dựng bài kiểm tra, đáp án"),
        (5, "Rà soát vào điểm"),
        (9, "Trình ký chứng chỉ"),
    ] {
        let prefix = format!("| {n}. | {task} |");
        assert!(
            lines.iter().any(|l| l.starts_with(&prefix)),
            "no row {prefix} in {lines:#?}"
        );
    }
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.contains("9 automatic list labels")),
        "{:?}",
        e.diagnostics
    );
    // The same numbers from the odt's list styles (pandoc wrote one list a cell, each with its
    // start value).
    let o = lines_of_odt("2242-KH-SCT-2026-LaoCai");
    assert!(
        o.iter()
            .any(|l| l.starts_with("| 9. | Trình ký chứng chỉ |")),
        "{o:#?}"
    );
    // The other files number by hand: no label is invented.
    for stem in [STEMS[0], STEMS[1], STEMS[3], STEMS[4]] {
        let e = extract(&realdoc(stem));
        assert_eq!(labels_added(&e), 0, "{stem}: {:?}", e.diagnostics);
    }
}

fn lines_of_odt(stem: &str) -> Vec<String> {
    lines(&extract(&odt(stem)))
}

#[test]
fn tables_are_pipe_rows() {
    let lines = lines(&extract(&realdoc("2242-KH-SCT-2026-LaoCai")));
    assert!(lines.contains(&"| TT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú |".to_string()));
    // A cell's paragraphs are joined by a space: the row stays one line.
    assert!(lines.contains(
        &"| 3. | Tổ chức kiểm tra | Đỗ Mạnh Cường Vũ Việt Linh Nguyễn Thị Loan | |".to_string()
    ));
    assert_eq!(
        lines[..3],
        [
            "| UBND TỈNH LÀO CAI | | CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM |",
            "| SỞ CÔNG THƯƠNG | | Độc lập - Tự do - Hạnh phúc |",
            "| Số: /KH-SCT | | Lào Cai, ngày tháng 4 năm 2026 |",
        ]
    );
}

#[test]
fn read_file_on_docx_and_odt() {
    let doc = vankien_ingest::read_file(&realdoc("07-CT-TTg-2012")).expect("docx reads");
    assert_eq!(doc.format, "docx");
    let doc = vankien_ingest::read_file(&odt("07-CT-TTg-2012")).expect("odt reads");
    assert_eq!(doc.format, "odt");
}

/// A zip of the given members, deflated.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, data) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The error message of extracting `bytes`, which must fail.
fn refused(bytes: &[u8], name: &str) -> String {
    match formats::extract(bytes, name) {
        Ok(e) => panic!(
            "{name} was read: {:?}",
            &text(&e)[..text(&e).len().min(200)]
        ),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(name), "{msg}");
            msg
        }
    }
}

#[test]
fn a_zip_bomb_is_refused() {
    // A document.xml of a single paragraph a little over the cap: 64 MiB of text deflates to
    // about 64 KiB.
    let cap = usize::try_from(MAX_UNPACKED_BYTES).unwrap();
    let mut xml = Vec::with_capacity(cap + 4096);
    xml.extend_from_slice(
        b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
          <w:body><w:p><w:r><w:t>",
    );
    xml.resize(cap + 1024, b'a');
    xml.extend_from_slice(b"</w:t></w:r></w:p></w:body></w:document>");
    let bomb = zip_of(&[("word/document.xml", &xml)]);
    drop(xml);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let msg = refused(&bomb, "bomb.docx");
    assert!(msg.contains("zip bomb"), "{msg}");

    // Spread over the parts the reader reads, each under the one-member cap: the cap over all
    // members still holds.
    let quarter = vec![b' '; cap / 4 + 1];
    let all: Vec<(&str, &[u8])> = vec![
        ("word/document.xml", b"<w:document/>".as_slice()),
        ("word/styles.xml", &quarter),
        ("word/numbering.xml", &quarter),
        ("word/footnotes.xml", &quarter),
        ("word/endnotes.xml", &quarter),
    ];
    let spread = zip_of(&all);
    let msg = refused(&spread, "spread.docx");
    assert!(msg.contains("zip bomb"), "{msg}");
}

#[test]
fn archives_that_are_not_word_files_are_refused_by_name() {
    let msg = refused(&zip_of(&[("xl/workbook.xml", b"<x/>")]), "book.xlsx");
    assert!(msg.contains("not a Word or OpenDocument text"), "{msg}");
    assert!(msg.contains(".xlsx"), "{msg}");
    let msg = refused(&zip_of(&[("readme.txt", b"hello")]), "plain.zip");
    assert!(msg.contains("no word/document.xml"), "{msg}");
    // A Word package that lost its body.
    let msg = refused(
        &zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/styles.xml", b"<w:styles/>"),
        ]),
        "bodiless.docx",
    );
    assert!(msg.contains("no word/document.xml"), "{msg}");
    // Malformed XML in the body.
    let msg = refused(
        &zip_of(&[("word/document.xml", b"<w:document><w:body><w:p>")]),
        "malformed.docx",
    );
    assert!(
        msg.contains("word/document.xml is not well-formed XML"),
        "{msg}"
    );
    // A DTD (entity expansion) is refused, not expanded.
    let msg = refused(
        &zip_of(&[(
            "word/document.xml",
            b"<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><d>&b;</d>",
        )]),
        "dtd.docx",
    );
    assert!(msg.contains("not well-formed"), "{msg}");
    // A Word file with no text at all (a scan pasted in as pictures looks the same).
    let msg = refused(
        &zip_of(&[(
            "word/document.xml",
            b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
              <w:body><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p></w:body></w:document>",
        )]),
        "blank.docx",
    );
    assert!(msg.contains("no text"), "{msg}");
    // An odt without content.xml.
    let msg = refused(
        &zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text")]),
        "empty.odt",
    );
    assert!(msg.contains("no content.xml"), "{msg}");
}

#[test]
fn truncated_and_damaged_files_fail_cleanly() {
    for path in [
        realdoc("2242-KH-SCT-2026-LaoCai"),
        odt("2242-KH-SCT-2026-LaoCai"),
    ] {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Every truncation point in steps, and the last bytes one by one: an error, not a panic.
        // (Fewer than 4 bytes do not even say `PK\x03\x04`: those are not recognised as a zip.)
        let mut cuts: Vec<usize> = (4..bytes.len()).step_by(97).collect();
        cuts.extend(bytes.len().saturating_sub(64)..bytes.len());
        for cut in cuts {
            let short = &bytes[..cut];
            if let Ok(e) = formats::extract(short, &name) {
                panic!(
                    "{name} cut at {cut} of {} was read: {} bytes",
                    bytes.len(),
                    text(&e).len()
                );
            }
        }
        // Byte flips: either read (a flipped byte in a stored name or padding may be harmless)
        // or refused with the file's name; never a panic.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..400 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut flipped = bytes.clone();
            let at = (state % bytes.len() as u64) as usize;
            flipped[at] ^= 1 << (state >> 61);
            if let Err(e) = formats::extract(&flipped, &name) {
                assert!(e.to_string().starts_with(&name), "{e}");
            }
        }
    }
}

#[test]
fn nested_lists_are_numbered_as_word_and_libreoffice_show_them() {
    // Read off lists.docx's numbering.xml: numId 1001 decimal `%1.`, 1002 lowerLetter `%2)`,
    // 1003 lowerRoman `%3.`, 1004 bullets, 1005 decimal `%1)` from 4, 1006 decimal `(%1)`.
    let expected = [
        "Kế hoạch thử đánh số tự động",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Kiểm tra kỹ thuật an toàn.",
        "b) Đảm bảo kỳ kiểm tra nghiêm túc.",
        "i. Học viên đủ điều kiện.",
        "ii. Đề kiểm tra đúng nội dung.",
        "c) Công khai kết quả.",
        "2. Yêu cầu",
        "- Đúng thành phần đã đăng ký.",
        "- Khách quan, công bằng.",
        "3. Tổ chức thực hiện",
        "Đoạn văn xen giữa hai danh sách.",
        "4) Danh sách tiếp tục từ bốn",
        "5) Mục năm",
        "(1) Một trong ngoặc",
        "(2) Hai trong ngoặc",
        "A. Phần A",
        "B. Phần B",
    ];
    let dir = tests_dir().join("fixtures/lists");
    for name in ["lists.docx", "lists.odt"] {
        let e = extract(&dir.join(name));
        assert_eq!(lines(&e), expected, "{name}");
        assert_eq!(labels_added(&e), 14, "{name}: {:?}", e.diagnostics);
    }
}

#[test]
fn a_damaged_auxiliary_part_costs_its_feature_not_the_document() {
    let bytes = zip_of(&[
        (
            "word/document.xml",
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
              <w:body><w:p><w:r><w:t>Vẫn đọc được</w:t></w:r></w:p></w:body></w:document>"
                .as_bytes(),
        ),
        (
            "word/styles.xml",
            b"<w:styles>\xFF\xFE</w:styles>".as_slice(),
        ),
    ]);
    let e = formats::extract(&bytes, "styles.docx").expect("read without its styles");
    assert_eq!(text(&e), "Vẫn đọc được\n");
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.contains("word/styles.xml is not valid UTF-8")),
        "{:?}",
        e.diagnostics
    );
}
