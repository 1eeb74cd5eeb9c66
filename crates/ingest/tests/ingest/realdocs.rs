//! The header of every text-readable document of the development set (`tests/realdocs/`): kind,
//! number, date, place, issuer and the title's first words, written by hand from reading each
//! source (never from the parser's output), checked field by field; no header line may become a
//! clause, no word is lost, and ids are distinct across the set.
//!
//! [`WORD_AND_PDF`] holds the rows, also by hand, of the Word files (`.docx`, `.doc`) and the
//! PDFs with a sound text layer, each read through its extractor; the `.txt` extraction beside
//! each PDF is checked too. Not listed: the PDFs whose text layer is corrupt (1050, 1105, 1894) or
//! missing (02/2023/TB-LPQT), which the extractor refuses (see `pdf.rs`).
//!
//! `cargo test -p vankien-ingest --test ingest realdocs -- --nocapture` prints the tables.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use vankien_ingest::Document;
use vankien_ingest::normalize::words;

/// The expected header of one document.
struct Expected {
    file: &'static str,
    kind: &'static str,
    number: Option<&'static str>,
    date: Option<&'static str>,
    place: Option<&'static str>,
    issuer: Option<&'static str>,
    /// The first words of the title, as written.
    title: Option<&'static str>,
}

/// Shorthand for a row of the table.
const fn row(
    file: &'static str,
    kind: &'static str,
    number: Option<&'static str>,
    date: Option<&'static str>,
    place: Option<&'static str>,
    issuer: Option<&'static str>,
    title: Option<&'static str>,
) -> Expected {
    Expected {
        file,
        kind,
        number,
        date,
        place,
        issuer,
        title,
    }
}

const HN: Option<&str> = Some("Hà Nội");
const LC: Option<&str> = Some("Lào Cai");
const BCH_BTGDV: Option<&str> = Some("BAN CHẤP HÀNH TRUNG ƯƠNG BAN TUYÊN GIÁO VÀ DÂN VẬN");

/// Read by hand from each source.
const EXPECTED: [Expected; 22] = [
    row(
        "07-KL-VPTW-2025.md",
        "conclusion",
        Some("07-KL/VPTW"),
        Some("2025-12-01"),
        HN,
        Some("BAN CHẤP HÀNH TRUNG ƯƠNG VĂN PHÒNG"),
        Some("CỦA ĐỒNG CHÍ CHÁNH VĂN PHÒNG"),
    ),
    row(
        "09-CT-UBND-2025-CanTho.md",
        "directive",
        Some("09/CT-UBND"),
        Some("2025-11-18"),
        Some("Cần Thơ"),
        Some("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ"),
        Some("VỀ TĂNG CƯỜNG CÔNG TÁC"),
    ),
    row(
        "1147-QD-BTGDVTW-2025.md",
        "decision",
        Some("1147-QĐ/BTGDVTW"),
        Some("2025-12-01"),
        HN,
        BCH_BTGDV,
        Some("BAN HÀNH QUY CHẾ"),
    ),
    row(
        "144-KH-UBND-2025-BacNinh.md",
        "plan",
        Some("144/KH-UBND"),
        Some("2025-11-24"),
        Some("Bắc Ninh"),
        Some("ỦY BAN NHÂN DÂN TỈNH BẮC NINH"),
        Some("PHÁT TRIỂN KINH TẾ SỐ"),
    ),
    // The site rebuilt the header: no issuing-body block, the kind line names the issuer.
    row(
        "16-NQ-TW-2026-DongNai.md",
        "resolution",
        Some("16-NQ/TW"),
        Some("2026-07-21"),
        HN,
        None,
        Some("CỦA BỘ CHÍNH TRỊ"),
    ),
    row(
        "3260-KH-DDQH15-2025.md",
        "plan",
        Some("3260-KH/ĐĐQH15"),
        Some("2025-01-10"),
        HN,
        Some("BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG ĐOÀN QUỐC HỘI"),
        Some("khai thực hiện Nghị quyết"),
    ),
    row(
        "37-HD-BTGDVTW-2025.md",
        "guidance",
        Some("37-HD/BTGDVTW"),
        Some("2025-11-19"),
        HN,
        BCH_BTGDV,
        Some("VỀ VIỆC ĐỔI MỚI"),
    ),
    // A letter has no kind line: the kind comes from the `Công Văn Số …` heading, the title is
    // its `V/v` subject.
    row(
        "402-CV-VPDU-2025-DangUyChinhPhu.md",
        "official_letter",
        Some("402-CV/VPĐU"),
        Some("2025-05-25"),
        HN,
        Some("ĐẢNG ỦY CHÍNH PHỦ VĂN PHÒNG"),
        Some("V/v xin ý kiến dự thảo"),
    ),
    row(
        "45-HD-BTCTW-2025.md",
        "guidance",
        Some("45-HD/BTCTW"),
        Some("2025-11-21"),
        HN,
        Some("BAN CHẤP HÀNH TRUNG ƯƠNG BAN TỔ CHỨC"),
        Some("MỘT SỐ NỘI DUNG QUY ĐỊNH"),
    ),
    row(
        "634-TB-VPCP-2025.md",
        "notice",
        Some("634/TB-VPCP"),
        Some("2025-11-22"),
        HN,
        Some("VĂN PHÒNG CHÍNH PHỦ"),
        Some("KẾT LUẬN CỦA THỦ TƯỚNG"),
    ),
    row(
        "659-TB-VPCP-2025.md",
        "notice",
        Some("659/TB-VPCP"),
        Some("2025-11-29"),
        HN,
        Some("VĂN PHÒNG CHÍNH PHỦ"),
        Some("KẾT LUẬN CỦA PHÓ THỦ TƯỚNG"),
    ),
    row(
        "82-2025-NQ-HDND-HaNoi.md",
        "resolution",
        Some("82/2025/NQ-HĐND"),
        Some("2025-11-27"),
        HN,
        Some("HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI"),
        Some("VỀ VIỆC QUY ĐỊNH NỘI DUNG CHI"),
    ),
    // Running heads only: there is no header to read.
    row(
        "02-2023-TB-LPQT-no-text-layer.txt",
        "other",
        // Only the Gazette's running heads are text: the number comes from the file name.
        Some("02/2023/TB-LPQT"),
        None,
        None,
        None,
        None,
    ),
    row(
        "02-2025-TT-BLDTBXH.txt",
        "circular",
        Some("02/2025/TT-BLĐTBXH"),
        Some("2025-01-10"),
        HN,
        Some("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
        Some("Quy định Chế độ báo cáo"),
    ),
    // `Số: 1050 /QĐ-SCT`: the stray space before the slash is not part of the number.
    row(
        "1050-QD-SCT-2026-LaoCai.txt",
        "decision",
        Some("1050/QĐ-SCT"),
        Some("2026-03-06"),
        LC,
        Some("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG"),
        Some("Kiểm tra việc chấp hành"),
    ),
    row(
        "109-NQ-CP-2026.txt",
        "resolution",
        Some("109/NQ-CP"),
        Some("2026-04-16"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Cập nhật, bổ sung Chương trình"),
    ),
    // The issuing block names the decision that set the inspection team up (`SỐ 1050/QĐ-SCT`,
    // upper case, is part of it, not the number).
    row(
        "1105-KH-DKT-2026-LaoCai.txt",
        "plan",
        Some("1105/KH-ĐKT"),
        Some("2026-03-10"),
        LC,
        Some("SỞ CÔNG THƯƠNG ĐOÀN KIỂM TRA THEO QUYẾT ĐỊNH SỐ 1050/QĐ-SCT"),
        Some("Kiểm tra việc chấp hành"),
    ),
    row(
        "122-NQ-CP-2026.txt",
        "resolution",
        Some("122/NQ-CP"),
        Some("2026-05-06"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Phiên họp Chính phủ thường kỳ"),
    ),
    row(
        "158-2025-ND-CP.txt",
        "decree",
        Some("158/2025/NĐ-CP"),
        Some("2025-06-25"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Quy định chi tiết và hướng dẫn"),
    ),
    // `CỘNG HÕA` (sic) is still the motto.
    row(
        "1894-TB-SCT-2026-LaoCai.txt",
        "notice",
        Some("1894/TB-SCT"),
        Some("2026-04-09"),
        LC,
        Some("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG"),
        Some("Kết quả kiểm tra việc"),
    ),
    row(
        "844-QD-TTg-2026.txt",
        "decision",
        Some("844/QĐ-TTg"),
        Some("2026-05-13"),
        HN,
        Some("THỦ TƯỚNG CHÍNH PHỦ"),
        Some("Ban hành Kế hoạch hành động"),
    ),
    row(
        "982-QD-TTg-2026.txt",
        "decision",
        Some("982/QĐ-TTg"),
        Some("2026-06-04"),
        HN,
        Some("THỦ TƯỚNG CHÍNH PHỦ"),
        Some("Phê duyệt Đề án hỗ trợ"),
    ),
];

/// Read by hand from the Word files' XML and the PDFs' text; checked once `read_file` reads them.
const WORD_AND_PDF: [Expected; 12] = [
    row(
        "07-CT-TTg-2012.docx",
        "directive",
        Some("07/CT-TTg"),
        Some("2012-03-02"),
        HN,
        Some("THỦ TƯỚNG CHÍNH PHỦ"),
        Some("VỀ VIỆC CHẤN CHỈNH CÔNG TÁC"),
    ),
    // The unsigned draft: number and day blank, `tháng 4năm`.
    row(
        "1894-TB-SCT-2026-LaoCai.docx",
        "notice",
        None,
        None,
        LC,
        Some("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG"),
        Some("Kết quả kiểm tra việc chấp hành"),
    ),
    row(
        "2242-KH-SCT-2026-LaoCai.docx",
        "plan",
        None,
        None,
        LC,
        Some("UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG"),
        Some("Kiểm tra, cấp Giấy chứng nhận"),
    ),
    row(
        "38-2025-TT-BCT.doc",
        "circular",
        Some("38/2025/TT-BCT"),
        Some("2025-06-19"),
        HN,
        Some("BỘ CÔNG THƯƠNG"),
        Some("SỬA ĐỔI, BỔ SUNG MỘT SỐ QUY ĐỊNH"),
    ),
    // `Luật số: 69/2025/QH15`; the issuer cell is `QUỐC HỘI` and a rule.
    row(
        "69-2025-QH15-Luat-Hoa-chat.docx",
        "law",
        Some("69/2025/QH15"),
        Some("2025-06-14"),
        HN,
        Some("QUỐC HỘI"),
        Some("HÓA CHẤT"),
    ),
    row(
        "TB-VPUBND-2026-LaoCai-ket-luan-CCN.docx",
        "notice",
        None,
        None,
        LC,
        Some("UBND TỈNH LÀO CAI VĂN PHÒNG"),
        Some("Kết luận của đồng chí Nguyễn Tuấn Anh"),
    ),
    row(
        "02-2025-TT-BLDTBXH.pdf",
        "circular",
        Some("02/2025/TT-BLĐTBXH"),
        Some("2025-01-10"),
        HN,
        Some("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
        Some("Quy định Chế độ báo cáo"),
    ),
    row(
        "109-NQ-CP-2026.pdf",
        "resolution",
        Some("109/NQ-CP"),
        Some("2026-04-16"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Cập nhật, bổ sung Chương trình"),
    ),
    row(
        "122-NQ-CP-2026.pdf",
        "resolution",
        Some("122/NQ-CP"),
        Some("2026-05-06"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Phiên họp Chính phủ thường kỳ"),
    ),
    row(
        "158-2025-ND-CP.pdf",
        "decree",
        Some("158/2025/NĐ-CP"),
        Some("2025-06-25"),
        HN,
        Some("CHÍNH PHỦ"),
        Some("Quy định chi tiết và hướng dẫn"),
    ),
    row(
        "844-QD-TTg-2026.pdf",
        "decision",
        Some("844/QĐ-TTg"),
        Some("2026-05-13"),
        HN,
        Some("THỦ TƯỚNG CHÍNH PHỦ"),
        Some("Ban hành Kế hoạch hành động"),
    ),
    row(
        "982-QD-TTg-2026.pdf",
        "decision",
        Some("982/QĐ-TTg"),
        Some("2026-06-04"),
        HN,
        Some("THỦ TƯỚNG CHÍNH PHỦ"),
        Some("Phê duyệt Đề án hỗ trợ"),
    ),
];

fn realdocs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs")
}

/// Spaces collapsed, for comparing text that wrapped.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fields of one document that differ from the table: (field, expected, found).
fn wrong_fields(e: &Expected, d: &Document) -> Vec<(&'static str, String, String)> {
    let show = |v: Option<&str>| v.map_or("—".to_string(), str::to_string);
    let mut wrong = Vec::new();
    let mut check = |field, ok: bool, want: Option<&str>, got: Option<&str>| {
        if !ok {
            wrong.push((field, show(want), show(got)));
        }
    };
    check(
        "kind",
        d.kind.as_str() == e.kind,
        Some(e.kind),
        Some(d.kind.as_str()),
    );
    check(
        "number",
        d.number.as_deref() == e.number,
        e.number,
        d.number.as_deref(),
    );
    check(
        "date",
        d.date.as_deref() == e.date,
        e.date,
        d.date.as_deref(),
    );
    check(
        "place",
        d.place.as_deref() == e.place,
        e.place,
        d.place.as_deref(),
    );
    let issuer = d.issuer.as_deref().map(squash);
    check(
        "issuer",
        issuer.as_deref() == e.issuer,
        e.issuer,
        d.issuer.as_deref(),
    );
    let title_ok = match (e.title, d.title.as_deref()) {
        (None, None) => true,
        (Some(w), Some(t)) => squash(t).starts_with(w),
        _ => false,
    };
    check("title", title_ok, e.title, d.title.as_deref());
    wrong
}

#[test]
fn headers_of_the_development_set() {
    let mut failures = Vec::new();
    let mut ids = HashSet::new();
    println!(
        "{:<38} {:^6} {:^6} {:^6} {:^6} {:^6} {:^6}",
        "document", "kind", "number", "date", "place", "issuer", "title"
    );
    for e in &EXPECTED {
        let path = realdocs_dir().join(e.file);
        let d = vankien_ingest::read_file(&path).expect("a readable document");
        let wrong = wrong_fields(e, &d);
        let mark = |f: &str| {
            if wrong.iter().any(|w| w.0 == f) {
                "WRONG"
            } else {
                "ok"
            }
        };
        println!(
            "{:<38} {:^6} {:^6} {:^6} {:^6} {:^6} {:^6}",
            e.file,
            mark("kind"),
            mark("number"),
            mark("date"),
            mark("place"),
            mark("issuer"),
            mark("title")
        );
        for (f, want, got) in &wrong {
            failures.push(format!("{}: {f}: expected `{want}`, found `{got}`", e.file));
        }
        assert!(
            ids.insert(d.id.clone()),
            "{}: id `{}` is not distinct",
            e.file,
            d.id
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_header_line_becomes_a_clause() {
    let header_line = Regex::new(
        r"^(?:BAN CHẤP HÀNH\b|Số\s*:?\s*[\d/.…-]|CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM$|Độc lập - Tự do|[^,\d]{2,40}, ngày\s+(?:\d{1,2}\s+)?tháng)",
    )
    .expect("valid regex");
    let mut found = Vec::new();
    for e in &EXPECTED {
        let d = vankien_ingest::read_file(&realdocs_dir().join(e.file)).expect("readable");
        for c in &d.clauses {
            // A form to fill in (a certificate in an annex) has a header of its own to fill.
            let form = c.text.contains("……") || c.text.contains(".....");
            if header_line.is_match(&c.text) && !form {
                found.push(format!("{}: {}: {}", e.file, c.id, c.text));
            }
        }
    }
    assert!(
        found.is_empty(),
        "header lines read as clauses:\n{}",
        found.join("\n")
    );
}

/// Headers in the other shapes Markdown gives them, end to end through `parse_bytes`.
#[test]
fn markdown_headers_of_other_shapes() {
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "| UBND TỈNH BẮC NINH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc |\n|---|---|\n| Số: 12/KH-UBND | *Bắc Ninh, ngày 1 tháng 2 năm 2025* |\n\n## KẾ HOẠCH\n\n**Phát triển kinh tế số**\n\n## I. MỤC TIÊU\n\n1\\. Tăng trưởng.\n",
            "plan",
            "12/KH-UBND",
            "UBND TỈNH BẮC NINH",
        ),
        (
            "> **TỈNH ỦY NINH BÌNH**\n> \\*\n> Số 5-TB/TU\n\n**ĐẢNG CỘNG SẢN VIỆT NAM**\n\n_Ninh Bình, ngày 2 tháng 3 năm 2026_\n\n# THÔNG BÁO KẾT LUẬN\n\nCủa Ban Thường vụ Tỉnh ủy\n\n1. Đánh giá chung.\n",
            "notice",
            "5-TB/TU",
            "TỈNH ỦY NINH BÌNH",
        ),
        (
            "---\ntitle: Tờ trình\n---\n\n**SỞ TÀI CHÍNH**\n\nSố:      /TTr-STC\n\n**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n\n*Hà Nội, ngày      tháng 5 năm 2026*\n\n**TỜ TRÌNH**\n\nVề việc phê duyệt dự toán\n\nKính gửi: Ủy ban nhân dân thành phố.\n",
            "proposal",
            "",
            "SỞ TÀI CHÍNH",
        ),
    ];
    for (md, kind, number, issuer) in cases {
        let d = vankien_ingest::parse_bytes(md.as_bytes(), "case.md").expect("parses");
        assert_eq!(d.format, "markdown", "{md}");
        assert_eq!(d.kind.as_str(), kind, "{md}");
        assert_eq!(d.number.as_deref().unwrap_or(""), number, "{md}");
        assert_eq!(d.issuer.as_deref(), Some(issuer), "{md}");
        assert!(d.date.is_some() || number.is_empty(), "{md}");
        assert!(d.title.is_some(), "{md}");
        assert!(
            d.place
                .as_deref()
                .is_some_and(|p| p.chars().all(|c| c.is_alphabetic() || c == ' ')),
            "{md}"
        );
    }
}

/// Every word of each document's text lands in a field (header, sections, clauses, recipients,
/// signature, furniture): the header reader and the attached headers lose nothing. Only the
/// words `Nơi nhận` that name the recipients list, and `Kính gửi` before the addressees, are a
/// field's name, not its content.
#[test]
fn no_word_of_the_development_set_is_lost() {
    let mut lost = Vec::new();
    for e in &EXPECTED {
        let d = vankien_ingest::read_file(&realdocs_dir().join(e.file)).expect("readable");
        let mut count: HashMap<&str, i64> = HashMap::new();
        for (_, w) in words(&d.text) {
            *count.entry(w).or_default() += 1;
        }
        let mut fields: Vec<&str> = d.header.iter().map(String::as_str).collect();
        for s in &d.sections {
            fields.extend([s.label.as_str(), s.heading.as_str()]);
        }
        for c in &d.clauses {
            fields.extend(c.label.as_deref());
            fields.push(&c.text);
        }
        fields.extend(
            d.addressees
                .iter()
                .chain(&d.recipients)
                .chain(&d.signature)
                .chain(&d.furniture)
                .map(String::as_str),
        );
        for f in fields {
            for (_, w) in words(f) {
                if let Some(n) = count.get_mut(w) {
                    *n -= 1;
                }
            }
        }
        // `Kính gửi:` names the addressees' field, once.
        if !d.addressees.is_empty() {
            for w in ["Kính", "gửi"] {
                if let Some(n) = count.get_mut(w) {
                    *n -= 1;
                }
            }
        }
        let missing: Vec<_> = count
            .into_iter()
            .filter(|&(w, n)| n > 0 && w != "Nơi" && w != "nhận")
            .collect();
        if !missing.is_empty() {
            lost.push(format!("{}: {missing:?}", e.file));
        }
    }
    assert!(lost.is_empty(), "words lost:\n{}", lost.join("\n"));
}

/// The rows of [`WORD_AND_PDF`], for the files an extractor already reads.
#[test]
fn headers_of_the_word_and_pdf_files() {
    let mut failures = Vec::new();
    for e in &WORD_AND_PDF {
        match vankien_ingest::read_file(&realdocs_dir().join(e.file)) {
            Ok(d) => {
                let wrong = wrong_fields(e, &d);
                println!(
                    "{:<40} {}",
                    e.file,
                    if wrong.is_empty() {
                        "all right"
                    } else {
                        "WRONG"
                    }
                );
                for (f, want, got) in wrong {
                    failures.push(format!("{}: {f}: expected `{want}`, found `{got}`", e.file));
                }
            }
            Err(err) => failures.push(format!("{}: not read: {err}", e.file)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
