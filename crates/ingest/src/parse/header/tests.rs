//! Unit tests of the header reader, one small text for each layout.

use super::*;
use crate::parse::lines::{furniture, split};

fn head(text: &str) -> Header {
    let lines = split(text);
    let furn = furniture(&lines);
    parse(&lines, &furn, text)
}

/// Kind, number, date, place, issuer, title of a header.
fn fields(h: &Header) -> [Option<String>; 6] {
    [
        h.kind.map(|k| k.as_str().to_string()),
        h.number.clone(),
        h.date.clone(),
        h.place.clone(),
        h.issuer.clone(),
        h.title.clone(),
    ]
}

fn some(v: [&str; 6]) -> [Option<String>; 6] {
    v.map(|s| (!s.is_empty()).then(|| s.to_string()))
}

#[test]
fn interleaved_columns() {
    let h = head(
        "UBND TỈNH LÀO CAI\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG\nĐộc lập - Tự do - Hạnh phúc\nSố: 12/KH-SCT\nLào Cai, ngày 23 tháng 4 năm 2026\nKẾ HOẠCH\nKiểm tra cấp giấy chứng nhận\n\nCăn cứ Luật số 42/2024/QH15;",
    );
    assert_eq!(
        fields(&h),
        some([
            "plan",
            "12/KH-SCT",
            "2026-04-23",
            "Lào Cai",
            "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG",
            "Kiểm tra cấp giấy chứng nhận"
        ])
    );
    assert_eq!(h.kind_name.as_deref(), Some("KẾ HOẠCH"));
    assert_eq!(h.lines.len(), 8);
}

#[test]
fn columns_side_by_side() {
    let h = head(
        "  UBND TỈNH LÀO CAI             CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n SỞ CÔNG THƯƠNG                  Độc lập - Tự do - Hạnh phúc\n\n  Số: 1894 /TB-SCT               Lào Cai, ngày 09 tháng 4 năm 2026\n\n         THÔNG BÁO\n   Kết quả kiểm tra việc chấp hành\n\n   Thực hiện Quyết định số 1050/QĐ-SCT.",
    );
    assert_eq!(
        fields(&h),
        some([
            "notice",
            "1894/TB-SCT",
            "2026-04-09",
            "Lào Cai",
            "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG",
            "Kết quả kiểm tra việc chấp hành"
        ])
    );
}

#[test]
fn table_cells() {
    let h = head(
        "| BỘ CÔNG THƯƠNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n| Số: 38/2025/TT-BCT | Hà Nội, ngày 19 tháng 6 năm 2025 |\nTHÔNG TƯ\nSửa đổi quy định phân cấp\nCăn cứ Luật Tổ chức Chính phủ;",
    );
    assert_eq!(
        fields(&h),
        some([
            "circular",
            "38/2025/TT-BCT",
            "2025-06-19",
            "Hà Nội",
            "BỘ CÔNG THƯƠNG",
            "Sửa đổi quy định phân cấp"
        ])
    );
}

#[test]
fn blank_draft_number_and_day() {
    let h = head(
        "UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nSố:           /KH-SCT\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nLào Cai, ngày        tháng 4năm 2026\nĐỀ ÁN\nPhát triển cụm công nghiệp",
    );
    assert_eq!(h.number, None);
    assert_eq!(h.blank_number.as_deref(), Some("/KH-SCT"));
    assert_eq!(h.date, None);
    assert_eq!(h.place.as_deref(), Some("Lào Cai"));
    assert_eq!(h.kind, Some(DocKind::Scheme));
    assert_eq!(kind_from_number("/KH-SCT"), Some(DocKind::Plan));
}

#[test]
fn number_and_date_split_across_lines() {
    let h = head(
        "VĂN PHÒNG CHÍNH\nPHỦ\nCỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM\nSố:\n659/TB-VPCP\nHà Nội, ngày 29\ntháng 11 năm 2025\nTHÔNG BÁO\nKẾT LUẬN CỦA PHÓ THỦ TƯỚNG\nNgày 28 tháng 11 năm 2025, tại Trụ sở Chính phủ.",
    );
    assert_eq!(
        fields(&h),
        some([
            "notice",
            "659/TB-VPCP",
            "2025-11-29",
            "Hà Nội",
            "VĂN PHÒNG CHÍNH PHỦ",
            "KẾT LUẬN CỦA PHÓ THỦ TƯỚNG"
        ])
    );
    assert_eq!(h.body_start, 10);
}

#[test]
fn an_unknown_kind_is_kept_as_written() {
    let h = head(
        "BỘ NGOẠI GIAO\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 02/2023/TB-LPQT\nHà Nội, ngày 07 tháng 3 năm 2023\nBẢN GHI NHỚ\nVề hợp tác",
    );
    assert_eq!(h.kind, None);
    assert_eq!(h.kind_name.as_deref(), Some("BẢN GHI NHỚ"));
    assert_eq!(h.title.as_deref(), Some("Về hợp tác"));
}

#[test]
fn a_letter_without_kind_line_takes_its_subject_as_title() {
    let h = head(
        "Công Văn Số 402-CV/VPĐU\n\nĐẢNG ỦY CHÍNH PHỦ\nVĂN PHÒNG\n*\nSố 402-CV/VPĐU\nV/v xin ý kiến dự thảo báo cáo\n\nĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, ngày 25 tháng 5 năm 2025\n\nKính gửi:",
    );
    assert_eq!(
        fields(&h),
        some([
            "official_letter",
            "402-CV/VPĐU",
            "2025-05-25",
            "Hà Nội",
            "ĐẢNG ỦY CHÍNH PHỦ VĂN PHÒNG",
            "V/v xin ý kiến dự thảo báo cáo"
        ])
    );
    assert_eq!(h.body_start, 10);
}

#[test]
fn a_kind_line_with_its_subject_on_the_same_line() {
    let h = head(
        "ĐẢNG ỦY TỈNH\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 5-TB/ĐU\nNinh Bình, ngày 2 tháng 3 năm 2026\nTHÔNG BÁO KẾT LUẬN Của Thường trực Tỉnh ủy\n\n1. Đánh giá",
    );
    assert_eq!(h.kind, Some(DocKind::Notice));
    assert_eq!(h.kind_name.as_deref(), Some("THÔNG BÁO KẾT LUẬN"));
    assert_eq!(h.title.as_deref(), Some("Của Thường trực Tỉnh ủy"));
    assert_eq!(h.place.as_deref(), Some("Ninh Bình"));
}

#[test]
fn kinds_from_type_codes() {
    for (n, k) in [
        ("634/TB-VPCP", DocKind::Notice),
        ("3260-KH/ĐĐQH15", DocKind::Plan),
        ("45-HD/BTCTW", DocKind::Guidance),
        ("12-ĐA/TU", DocKind::Scheme),
        ("444/TTr-UBND", DocKind::Proposal),
        ("- CV/ĐU", DocKind::OfficialLetter),
        ("158/2025/NĐ-CP", DocKind::Decree),
        ("02/2025/TT-BLĐTBXH", DocKind::Circular),
        ("69/2025/QH15", DocKind::Law),
    ] {
        assert_eq!(kind_from_number(n), Some(k), "{n}");
    }
}

#[test]
fn iso_dates() {
    assert_eq!(iso_date("2020", "10", "15").as_deref(), Some("2020-10-15"));
    assert_eq!(iso_date("2025", "4", "6").as_deref(), Some("2025-04-06"));
    assert_eq!(iso_date("2025", "13", "6"), None);
}

#[test]
fn mottos_with_slips_name_no_issuer() {
    assert_eq!(
        strip_mottos("BỘ NỘI VỤ CỘNG HÒAXÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "BỘ NỘI VỤ"
    );
    assert_eq!(strip_mottos("CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "");
    assert_eq!(strip_mottos("Độc lập - Tự do - Hạnh Phúc"), "");
    assert_eq!(strip_mottos("HỘI CHỦ NGHĨA VIỆT NAM"), "");
    assert_eq!(strip_mottos("ĐẢNG ỦY KHỐI"), "ĐẢNG ỦY KHỐI");
}

#[test]
fn a_column_in_one_cell_still_gives_its_parts() {
    let h = head(
        "| BỘ CÔNG THƯƠNG Số: 38/2025/TT-BCT | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hà Nội, ngày 19 tháng 6 năm 2025 |\nTHÔNG TƯ\nSửa đổi quy định\nCăn cứ Luật;",
    );
    assert_eq!(
        fields(&h),
        some([
            "circular",
            "38/2025/TT-BCT",
            "2025-06-19",
            "Hà Nội",
            "BỘ CÔNG THƯƠNG",
            "Sửa đổi quy định"
        ])
    );
}

#[test]
fn a_stray_line_above_the_header_does_not_hide_it() {
    let h = head(
        "Dự thảo 2\nTỈNH ỦY NINH BÌNH\n*\nSố 12-NQ/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nNinh Bình, ngày 3 tháng 2 năm 2026\nNGHỊ QUYẾT\nVề phát triển\n\n1. Mục tiêu",
    );
    assert_eq!(h.number.as_deref(), Some("12-NQ/TU"));
    assert_eq!(h.issuer.as_deref(), Some("TỈNH ỦY NINH BÌNH"));
    assert_eq!(h.lines[0], "Dự thảo 2");
    assert_eq!(kind_from_number("05-TT/TW"), None);
    assert_eq!(kind_from_number("05/2025/TT-BCT"), Some(DocKind::Circular));
}

#[test]
fn a_law_header_as_word_gives_it() {
    // The two-column table of a Word law, the national name and motto one paragraph split only
    // by line breaks the extractor drops.
    let h = head(
        "| QUỐC HỘI------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc --------------- |\n| Luật số: 69/2025/QH15 | Hà Nội, ngày 14 tháng 6 năm 2025 |\nLUẬT\nHÓA CHẤT\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
    );
    assert_eq!(
        fields(&h),
        some([
            "law",
            "69/2025/QH15",
            "2025-06-14",
            "Hà Nội",
            "QUỐC HỘI",
            "HÓA CHẤT"
        ])
    );
}

#[test]
fn a_column_read_right_to_left_and_a_draft_stamp() {
    let h = head(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 3 tháng 5 năm 2026\nBỘ CÔNG THƯƠNG\nSố: 12/2026/TT-BCT\nDỰ THẢO\nTHÔNG  TƯ\nQuy định về an toàn\nCăn cứ Luật;",
    );
    assert_eq!(
        fields(&h),
        some([
            "circular",
            "12/2026/TT-BCT",
            "2026-05-03",
            "Hà Nội",
            "BỘ CÔNG THƯƠNG",
            "Quy định về an toàn"
        ])
    );
    assert_eq!(h.kind_name.as_deref(), Some("THÔNG TƯ"));
}

#[test]
fn a_number_on_the_kind_line() {
    let h = head(
        "HỘI ĐỒNG NHÂN DÂN\nTỈNH NINH BÌNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nNinh Bình, ngày 10 tháng 7 năm 2025\nNGHỊ QUYẾT SỐ 15/NQ-HĐND\nVề giá đất\n\nĐiều 1. Phạm vi",
    );
    assert_eq!(h.number.as_deref(), Some("15/NQ-HĐND"));
    assert_eq!(h.title.as_deref(), Some("Về giá đất"));
    assert_eq!(
        h.issuer.as_deref(),
        Some("HỘI ĐỒNG NHÂN DÂN TỈNH NINH BÌNH")
    );
}

/// The shortcut the search of attached headers takes reads a line as `classify` does, on every
/// line of the corpus and the development set, and on mottos alone, beside text or cut.
#[test]
fn a_bare_motto_is_what_classify_reads_as_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines: Vec<String> = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CỘNG   HÒA XÃ HỘI CHỦ NGHĨA VIỆT   NAM",
        "VIỆT NAM",
        " VIỆT  NAM ",
        "VIỆT NAM ĐẢNG CỘNG SẢN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CỘNG HÒA XÃ",
        "NGHỊ QUYẾT",
        "độc lập",
    ]
    .map(String::from)
    .to_vec();
    for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
        for entry in std::fs::read_dir(dir).expect("folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                let text = std::fs::read_to_string(&path).expect("text");
                lines.extend(text.lines().map(String::from));
            }
        }
    }
    for t in &lines {
        let by_classify =
            may_be_motto(t) && matches!(classify(t), Item::Motto(ref r) if r.is_empty());
        assert_eq!(is_bare_motto(t), by_classify, "{t}");
    }
}
