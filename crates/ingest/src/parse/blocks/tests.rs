//! Tests of `blocks.rs`.
use super::*;
use crate::parse::lines::{furniture, split as split_lines};

fn blocks(text: &str) -> Body {
    let lines = split_lines(text);
    let furn = furniture(&lines);
    split(text, &lines, &furn, 0)
}

fn texts(body: &Body) -> Vec<(String, String)> {
    body.blocks
        .iter()
        .map(|b| (b.written_label.clone(), b.text.clone()))
        .collect()
}

#[test]
fn a_text_needs_collapsing_where_its_spaces_are_not_single() {
    let by_passes = |t: &str| {
        let b = t.as_bytes();
        b.first() == Some(&b' ')
            || b.last() == Some(&b' ')
            || b.iter().any(|&c| c == b'\t' || c == b'\n' || c == b'\r')
            || b.windows(2).any(|w| w == b"  ")
    };
    for t in [
        "", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\rb", "ạ b", "a b c ",
    ] {
        assert_eq!(needs_collapse(t), by_passes(t), "{t:?}");
    }
}

#[test]
fn lines_without_blank_lines_split_at_labels_and_sentence_ends() {
    let body = blocks(
        "3.1. Tăng cường công tác xây dựng Đảng\nThực hiện đồng bộ.\nTiếp tục đổi mới.\n(1) Tốc độ tăng 10%.\n(2) Năng suất",
    );
    assert_eq!(
        texts(&body),
        [
            ("3.1.".into(), "Tăng cường công tác xây dựng Đảng".into()),
            (String::new(), "Thực hiện đồng bộ.".into()),
            (String::new(), "Tiếp tục đổi mới.".into()),
            ("(1)".into(), "Tốc độ tăng 10%.".into()),
            ("(2)".into(), "Năng suất".into()),
        ]
    );
}

#[test]
fn wrapped_sentences_join_and_keep_their_span() {
    let text =
        "Căn cứ Luật Tổ chức chính\nquyền địa phương số 72/2025/QH15;\n\nCăn cứ Luật Thủ đô;";
    let body = blocks(text);
    assert_eq!(body.blocks.len(), 2);
    assert_eq!(
        body.blocks[0].text,
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;"
    );
    let [a, b] = body.blocks[0].span;
    assert_eq!(
        &text[a..b],
        "Căn cứ Luật Tổ chức chính\nquyền địa phương số 72/2025/QH15;"
    );
}

#[test]
fn a_short_line_broken_off_at_a_comma_or_a_preposition_goes_on() {
    // The first line of a paragraph left short (its indent), the next opening with a name:
    // a line ending on `tại` or a comma is no sentence's end and no heading.
    let body = blocks(
        "Ngày 28 tháng 11 năm 2025, tại\nTrụ sở Chính phủ, Phó Thủ tướng đã chủ trì cuộc họp.\n\
         1. Các đồng chí Bộ trưởng,\nThủ trưởng cơ quan ngang Bộ chỉ đạo thực hiện.\n\
         2. Kết quả đạt được\nNhiều chỉ tiêu vượt kế hoạch.",
    );
    assert_eq!(
        texts(&body),
        [
            (
                String::new(),
                "Ngày 28 tháng 11 năm 2025, tại Trụ sở Chính phủ, Phó Thủ tướng đã chủ trì cuộc họp."
                    .into()
            ),
            (
                "1.".into(),
                "Các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang Bộ chỉ đạo thực hiện.".into()
            ),
            ("2.".into(), "Kết quả đạt được".into()),
            (String::new(), "Nhiều chỉ tiêu vượt kế hoạch.".into()),
        ]
    );
}

#[test]
fn an_annex_titled_on_its_label_line_takes_its_bracketed_line() {
    let body = blocks(
        "Điều 2. Hiệu lực.\nGIÁM ĐỐC\nPhụ lục: DANH SÁCH CÁC ĐƠN VỊ\n(Kèm theo Quyết định số 1050/QĐ-SCT)\nTT Đơn vị",
    );
    let annex = body
        .blocks
        .iter()
        .find(|b| b.marker.as_ref().is_some_and(|m| m.scheme == Scheme::Annex));
    assert_eq!(
        annex.map(|b| b.text.as_str()),
        Some("DANH SÁCH CÁC ĐƠN VỊ (Kèm theo Quyết định số 1050/QĐ-SCT)")
    );
    assert_eq!(
        body.blocks.last().map(|b| b.text.as_str()),
        Some("TT Đơn vị")
    );
}

#[test]
fn an_annex_titled_in_sentence_case_needs_its_bracketed_line() {
    let body = blocks(
        "1. Nội dung.\nPhụ lục 2: Danh mục nhiệm vụ trọng tâm\n(Kèm theo Kế hoạch số 12/KH-UBND)\n1. Việc một.\nPhụ lục 3: Xem chi tiết tại trang điện tử\n2. Việc hai.",
    );
    let annexes: Vec<&str> = body
        .blocks
        .iter()
        .filter(|b| b.marker.as_ref().is_some_and(|m| m.scheme == Scheme::Annex))
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(
        annexes,
        ["Danh mục nhiệm vụ trọng tâm (Kèm theo Kế hoạch số 12/KH-UBND)"]
    );
}

#[test]
fn a_stamp_note_opens_and_goes_on_the_signature() {
    let body = blocks(
        "Trân trọng./.\nNơi nhận:\n- Như trên.\n(Đã ký)\nCHÁNH VĂN PHÒNG\nTrần Văn Sơn\n(Dấu của VĂN PHÒNG)\n---\nI. MỤC TIÊU",
    );
    assert_eq!(
        body.signature,
        [
            "(Đã ký)",
            "CHÁNH VĂN PHÒNG",
            "Trần Văn Sơn",
            "(Dấu của VĂN PHÒNG)"
        ]
    );
    assert_eq!(body.recipients, ["Như trên."]);
}

#[test]
fn body_after_the_signature_is_an_annex() {
    let body = blocks(
        "TM. CHÍNH PHỦ\nTHỦ TƯỚNG\nPhạm Minh Chính\n\nCHƯƠNG TRÌNH HÀNH ĐỘNG\n(Kèm theo Nghị quyết số 03/NQ-CP)\n\nI. MỤC TIÊU",
    );
    assert!(body.blocks[0].synthetic_annex);
    assert_eq!(
        body.blocks[0].text,
        "CHƯƠNG TRÌNH HÀNH ĐỘNG (Kèm theo Nghị quyết số 03/NQ-CP)"
    );
    assert_eq!(body.blocks[1].written_label, "I.");
}

#[test]
fn paragraphs_set_apart_by_blank_lines_keep_their_wrapped_first_line() {
    // A source that sets every paragraph apart by a blank line and breaks its first line
    // short (45-HD/BTCTW): the line below it goes on, whatever word it opens with.
    let pairs = [
        (
            "1. Chịu trách nhiệm trước",
            "Bộ Chính trị, Ban Bí thư về các nội dung được phân cấp.",
        ),
        (
            "- Đồng chí Nguyễn Văn A,",
            "Chủ nhiệm Ủy ban Y của Quốc hội, là cán bộ thuộc diện quản lý.",
        ),
        (
            "- Đồng chí Nguyễn Văn C,",
            "Chủ tịch hội quần chúng được Đảng giao nhiệm vụ.",
        ),
        (
            "+ Đồng chí Nguyễn Văn X,",
            "Ủy viên Ban Thường vụ Tỉnh ủy A nhiệm kỳ 2025-2030.",
        ),
        (
            "+ Đồng chí Nguyễn Văn Y,",
            "Vụ trưởng thuộc Bộ C được giới thiệu quy hoạch.",
        ),
        (
            "2. Ví dụ: Theo quy định,",
            "Ban Tuyên giáo và Dân vận Tỉnh ủy A có 03 phó trưởng ban.",
        ),
        ("3. Ví dụ: Đồng chí Nguyễn", "Văn D là Giám đốc Sở X."),
        (
            "4. Phát huy vai trò chủ đạo của",
            "Nhà nước trong đầu tư hạ tầng số.",
        ),
    ];
    let mut text = String::from("Mở đầu.\n\n");
    for (first, second) in pairs {
        text += &format!("{first}\n{second}\n\n");
    }
    text += "5. Câu trọn vẹn.\nCâu mới.\n";
    let body = blocks(&text);
    for (first, second) in pairs {
        let joined = format!("{} {second}", &first[first.find(' ').unwrap() + 1..]);
        assert!(
            body.blocks.iter().any(|b| b.text == joined),
            "{joined:?} in {:?}",
            texts(&body)
        );
    }
    // A line after a finished sentence is still a paragraph of its own.
    assert!(
        body.blocks.iter().any(|b| b.text == "Câu mới."),
        "{:?}",
        texts(&body)
    );
}

#[test]
fn a_table_under_an_annex_title_keeps_its_header_row() {
    let body = blocks(
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn A\n\nPHỤ LỤC\n\nPHÂN CÔNG THỰC HIỆN CÁC CHỈ TIÊU\n\n(Ban hành kèm theo Kế hoạch số 144/KH-UBND)\n\n| TT | Chỉ tiêu | Chủ trì |\n| 1 | Kinh tế số chiếm 45% GRDP. | Sở Tài chính |",
    );
    let annex = body
        .blocks
        .iter()
        .find(|b| b.synthetic_annex || b.marker.is_some());
    let heading = &annex.expect("annex").text;
    assert!(!heading.contains('|'), "{heading}");
    let rows: Vec<&Vec<String>> = body
        .blocks
        .iter()
        .map(|b| &b.cells)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "{:?}", texts(&body));
    assert_eq!(rows[0], &["TT", "Chỉ tiêu", "Chủ trì"]);
}

#[test]
fn a_label_split_from_its_number_is_rejoined() {
    let body = blocks("Chương\nIII\n\nĐIỀU KHOẢN THI HÀNH\n\nĐiều 4. Điều\nkhoản thi hành");
    let m = body.blocks[0].marker.as_ref().expect("marker");
    assert_eq!(m.label, "Chương III");
    assert_eq!(body.blocks[0].text, "ĐIỀU KHOẢN THI HÀNH");
    assert_eq!(body.blocks[1].text, "Điều khoản thi hành");
}

#[test]
fn an_article_label_split_from_its_number_is_one_article() {
    let body =
        blocks("Điều 3. Hiệu lực\nNội dung ba.\nĐiều\n4. Trách nhiệm thi hành\nNội dung bốn.");
    let labels: Vec<&str> = body
        .blocks
        .iter()
        .filter_map(|b| b.marker.as_ref().map(|m| m.label.as_str()))
        .collect();
    assert_eq!(labels, ["Điều 3", "Điều 4"]);
    let four = body
        .blocks
        .iter()
        .find(|b| b.marker.as_ref().is_some_and(|m| m.label == "Điều 4"))
        .unwrap();
    assert!(four.text.starts_with("Trách nhiệm thi hành"), "{four:?}");
}

#[test]
fn a_wrapped_reference_to_points_is_no_point_but_a_point_after_it_is() {
    let body = blocks(
        "1. Thu hồi giấy chứng nhận trong trường hợp tại điểm a), b), c),\nd) khoản 1, Điều 10 của Quy chế này.\na) Học viên được cấp lại.\nb. Về thể thức: theo mẫu.",
    );
    assert_eq!(
        texts(&body),
        [
            (
                "1.".to_string(),
                "Thu hồi giấy chứng nhận trong trường hợp tại điểm a), b), c), d) khoản 1, Điều 10 của Quy chế này."
                    .to_string()
            ),
            ("a)".to_string(), "Học viên được cấp lại.".to_string()),
            ("b.".to_string(), "Về thể thức: theo mẫu.".to_string()),
        ]
    );
}

#[test]
fn an_inline_label_in_small_roman_numerals_at_a_line_end_goes_on() {
    let body = blocks(
        "- Số lượng: (i) Ủy viên ban chấp hành là 75 người; (ii)\nỦy viên ban thường vụ là 23 người.",
    );
    assert_eq!(
        texts(&body),
        [(
            "-".to_string(),
            "Số lượng: (i) Ủy viên ban chấp hành là 75 người; (ii) Ủy viên ban thường vụ là 23 người."
                .to_string()
        )]
    );
}

#[test]
fn an_articles_heading_ends_its_line_unless_it_goes_on_in_lower_case() {
    let body = blocks(
        "Điều 6. Đăng ký tham gia bảo hiểm xã hội và cấp sổ bảo hiểm xã hội\nViệc đăng ký được thực hiện như sau:\nĐiều 7. Trách nhiệm của cơ quan bảo hiểm xã hội trong việc cấp\nsổ bảo hiểm xã hội",
    );
    let t = texts(&body);
    assert_eq!(
        t[0].1,
        "Đăng ký tham gia bảo hiểm xã hội và cấp sổ bảo hiểm xã hội"
    );
    assert_eq!(t[1].1, "Việc đăng ký được thực hiện như sau:");
    assert_eq!(
        t[2].1,
        "Trách nhiệm của cơ quan bảo hiểm xã hội trong việc cấp sổ bảo hiểm xã hội"
    );
}

#[test]
fn a_number_cut_at_its_hyphen_goes_on() {
    let body = blocks(
        "- Tổ chức kiểm tra theo Nghị định số 217/2025/NĐ-\nCP ngày 05/8/2025 của Chính phủ.\n- Bảo đảm tính chính xác.",
    );
    assert_eq!(
        texts(&body)[0].1,
        "Tổ chức kiểm tra theo Nghị định số 217/2025/NĐ-CP ngày 05/8/2025 của Chính phủ."
    );
}
