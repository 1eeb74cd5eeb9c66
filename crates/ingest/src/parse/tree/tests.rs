//! Tests of `tree.rs`.
use super::*;

fn tree(text: &str) -> Tree {
    let lines = crate::parse::lines::split(text);
    let furn = crate::parse::lines::furniture(&lines);
    let body = crate::parse::blocks::split(text, &lines, &furn, 0);
    build(&body.blocks, text, "doc")
}

fn paths(t: &Tree) -> Vec<String> {
    t.sections.iter().map(|s| s.path.join("/")).collect()
}

#[test]
fn a_row_split_by_a_page_break_goes_on_its_row_and_rows_carry_their_assignee() {
    let t = tree(
        "Điều 1. Danh mục nhiệm vụ\n\
         | STT | Nhiệm vụ | Cơ quan chủ trì |\n\
         |---|---|---|\n\
         | 1 | Xây dựng đề án về | Bộ Y |\n\
         | STT | Nhiệm vụ | Cơ quan chủ trì |\n\
         | | bảo hiểm y tế toàn dân | tế |\n\
         | 2 | Nhiệm vụ khác | Bộ Tài chính |\n\
         | | Trong đó: nhóm một | Sở Y tế |\n",
    );
    let rows: Vec<&Clause> = t
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Row)
        .collect();
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|c| c.cells.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        cells,
        [
            vec!["STT", "Nhiệm vụ", "Cơ quan chủ trì"],
            vec!["1", "Xây dựng đề án về bảo hiểm y tế toàn dân", "Bộ Y tế"],
            vec!["STT", "Nhiệm vụ", "Cơ quan chủ trì"],
            vec!["2", "Nhiệm vụ khác", "Bộ Tài chính"],
            // A sub-row starts in capitals: a row of its own.
            vec!["", "Trong đó: nhóm một", "Sở Y tế"],
        ]
    );
    let assignees: Vec<Option<&str>> = rows.iter().map(|c| c.assignee.as_deref()).collect();
    assert_eq!(
        assignees,
        [
            None,
            Some("Bộ Y tế"),
            None,
            Some("Bộ Tài chính"),
            Some("Sở Y tế")
        ]
    );
    // No word is lost: the continuation's words are in the row's text.
    assert!(
        rows[1].text.contains("bảo hiểm y tế toàn dân"),
        "{}",
        rows[1].text
    );
}

#[test]
fn levels_follow_the_scheme_stack() {
    let t = tree(
        "A- Đánh giá\nI. Kết quả\n1. Mục tiêu\nNội dung.\n1.1. Chi tiết\nNội dung.\n2. Nhiệm vụ\nNội dung.\nII. Phương hướng\nNội dung.\nB. Thông qua báo cáo\nNội dung.",
    );
    assert_eq!(
        paths(&t),
        ["A", "A/I", "A/I/1", "A/I/1/1.1", "A/I/2", "A/II", "B"]
    );
}

#[test]
fn item_lists_restart_under_each_heading_and_annexes_restart_the_tree() {
    let t = tree(
        "4.1. Nhiệm vụ trọng tâm\n(1) Một.\n(2) Hai.\n4.2. Các đột phá\n(1) Ba.\nPhụ lục I\nDANH MỤC\nI. CHUNG\n1. Một việc cần làm ngay\n\nNội dung.",
    );
    assert_eq!(
        paths(&t),
        ["4.1", "4.2", "Phụ lục I", "Phụ lục I/I", "Phụ lục I/I/1"]
    );
    let ids: Vec<&str> = t.clauses.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids[..3], ["doc/4-1.p1", "doc/4-1.p2", "doc/4-2.p1"]);
    assert!(t.clauses[..3].iter().all(|c| c.kind == ClauseKind::Task));
}

#[test]
fn numbered_paragraphs_in_an_article_are_clauses() {
    let t = tree(
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n1. Khoản một.\na) Điểm a;\n2. Khoản hai.\nĐiều 2. Hiệu lực\nNghị quyết có hiệu lực.",
    );
    assert_eq!(
        paths(&t),
        ["Chương I", "Chương I/Điều 1", "Chương I/Điều 2"]
    );
    let labels: Vec<Option<&str>> = t.clauses.iter().map(|c| c.label.as_deref()).collect();
    assert_eq!(labels, [Some("1."), Some("a)"), Some("2."), None]);
    assert!(t.clauses.iter().all(|c| c.kind == ClauseKind::Article));
}

#[test]
fn a_list_of_numbered_paragraphs_stays_a_list() {
    let t = tree(
        "I- QUAN ĐIỂM\n1. Phát triển khoa học là đột phá quan trọng hàng đầu.\n2. Tăng cường sự lãnh đạo toàn diện của Đảng.\nII- MỤC TIÊU\n1. Đến năm 2030\n- Kinh phí đạt 2% GDP.",
    );
    assert_eq!(paths(&t), ["I", "II", "II/1"]);
    assert_eq!(t.clauses[0].label.as_deref(), Some("1."));
    let target = t.clauses.last().expect("target");
    assert_eq!(target.kind, ClauseKind::Target);
    assert_eq!(target.group.as_deref(), Some("Đến năm 2030"));
}

#[test]
fn a_numbered_item_never_opens_a_section_with_an_empty_heading() {
    let t = tree(
        "III. NHIỆM VỤ\n\
         6. Hỗ trợ doanh nghiệp\n- Xây dựng cơ chế.\n\
         7. Nghiên cứu đề xuất bổ sung chức năng cho các đại diện của Việt Nam tại nước ngoài theo quy định của pháp luật nhằm phát huy vai trò kết nối, hỗ trợ các doanh nghiệp công nghệ số tiếp cận thị trường, đối tác và nguồn lực quốc tế, đồng thời theo dõi, tổng hợp thông tin về chính sách, thị trường và báo cáo định kỳ.\n\
         8. Quy hoạch chức danh cao hơn.\n- Chỉ quy hoạch chức danh cao hơn.\n\
         9. Tuyên truyền, quán triệt, nâng cao nhận thức, đột phá về đổi mới tư duy, xác định quyết tâm chính trị mạnh mẽ, quyết liệt lãnh đạo, chỉ đạo, tạo xung lực mới, khí thế mới trong toàn xã hội về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia\n- Tổ chức tuyên truyền.",
    );
    // A paragraph with nothing under it, among headed siblings: a labelled clause. One
    // short sentence, or a long line that does not end as a sentence, over its items:
    // their heading.
    assert_eq!(paths(&t), ["III", "III/6", "III/8", "III/9"]);
    assert!(t.sections.iter().all(|s| !s.heading.is_empty()));
    assert_eq!(t.sections[2].heading, "Quy hoạch chức danh cao hơn.");
    assert!(t.sections[3].heading.ends_with("chuyển đổi số quốc gia"));
    let seven = t.clauses.iter().find(|c| c.label.as_deref() == Some("7."));
    assert_eq!(
        seven.map(|c| c.section_path.clone()),
        Some(vec!["III".to_string()])
    );
    assert!(seven.is_some_and(|c| c.text.starts_with("Nghiên cứu đề xuất")));
}

#[test]
fn a_lead_in_after_a_numbered_paragraph_types_its_own_items_only() {
    let long = "Cơ bản thống nhất với các nội dung đề xuất của Bộ Chính trị và Đề án về phương án sáp nhập đơn vị hành chính cấp tỉnh, không tổ chức cấp huyện, sáp nhập đơn vị hành chính cấp xã và tổ chức chính quyền địa phương hai cấp trong cả nước.";
    let t = tree(&format!(
        "1. {long}\nTiếp tục thực hiện các nhiệm vụ, giải pháp sau:\n- Rà soát quy hoạch.\n\
         a) Sắp xếp bộ máy.\n- Tinh gọn đầu mối.\n2. Thông qua Báo cáo của Bộ Chính trị."
    ));
    let v: Vec<(Option<&str>, &str)> = t
        .clauses
        .iter()
        .map(|c| (c.label.as_deref(), c.kind.as_str()))
        .collect();
    assert_eq!(
        v,
        [
            (Some("1."), "paragraph"),
            (None, "paragraph"),
            (Some("-"), "task"),
            (Some("a)"), "task"),
            (Some("-"), "task"),
            (Some("2."), "paragraph"),
        ]
    );
}

#[test]
fn a_long_article_heading_over_its_khoan_is_its_heading() {
    let heading = "Sửa đổi, bổ sung một số điều của Thông tư số 23/2024/TT-BCT ngày 07 tháng 11 năm 2024 của Bộ trưởng Bộ Công Thương quy định về quản lý an toàn trong hoạt động dầu khí và hoạt động khác có liên quan của các tổ chức, cá nhân";
    let t = tree(&format!(
        "Điều 1. {heading}\n1. Sửa đổi khoản 1 Điều 3.\nĐiều 2. Ban hành kèm theo Quyết định này Kế hoạch.\nĐiều 3. Hiệu lực thi hành.\n1. Thông tư này có hiệu lực."
    ));
    let headings: Vec<&str> = t.sections.iter().map(|s| s.heading.as_str()).collect();
    // An article's body (`Điều 2. Ban hành …`) stays its clause.
    assert_eq!(headings, [heading, "", "Hiệu lực thi hành."]);
}

#[test]
fn slugs_are_url_safe() {
    assert_eq!(slug("09-NQ/ĐH"), "09-nq-dh");
    assert_eq!(slug("Điều 3"), "dieu-3");
    assert_eq!(slug("3.2"), "3-2");
    assert_eq!(slug("12/2021/NQ-HĐND"), "12-2021-nq-hdnd");
}

#[test]
fn headings_with_body_split_at_first_sentence() {
    let t = "Tích cực, chủ động hội nhập kinh tế quốc tế. Tiếp tục mở rộng quan hệ.";
    assert_eq!(sentence_split(t), Some(10));
    assert_eq!(sentence_split("Tăng 1.5 lần"), None);
}

#[test]
fn quantities_are_not_years() {
    assert!(has_quantity("đạt 90% trở lên"));
    assert!(has_quantity("tăng gấp 1,8 lần"));
    assert!(has_quantity("Giảm 1/3 số hộ nghèo"));
    assert!(has_quantity("đạt 14 bác sĩ"));
    assert!(!has_quantity("đến năm 2030"));
    assert!(!has_quantity(
        "thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024"
    ));
    assert!(!has_quantity("theo Điều 3 của Nghị quyết 20-NQ/TW"));
}

/// One search for all keywords reads a heading as a search for each keyword did, on every
/// line of the corpus and the development set.
#[test]
fn one_keyword_search_is_the_first_of_all() {
    let by_each = |heading: &str| {
        let window = fold_words(words(heading).take(KEYWORD_WINDOW).map(|(_, w)| w));
        HEADING_KEYWORDS
            .iter()
            .filter_map(|&(k, c)| window.find(k).map(|at| (at, c)))
            .min_by_key(|&(at, _)| at)
            .map(|(_, c)| c)
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut with_keyword = 0;
    for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
        for entry in std::fs::read_dir(dir).expect("folder") {
            let path = entry.expect("entry").path();
            if !path.extension().is_some_and(|e| e == "txt" || e == "md") {
                continue;
            }
            for line in std::fs::read_to_string(&path).expect("text").lines() {
                assert_eq!(heading_ctx(line), by_each(line), "{line}");
                with_keyword += usize::from(by_each(line).is_some());
            }
        }
    }
    assert!(with_keyword > 100, "{with_keyword} lines with a keyword");
}

#[test]
fn heading_contexts() {
    assert_eq!(
        heading_ctx("Các nhiệm vụ và giải pháp chủ yếu"),
        Some(Ctx::Task)
    );
    assert_eq!(heading_ctx("Các chỉ tiêu cơ bản"), Some(Ctx::Target));
    assert_eq!(
        heading_ctx("Về mục tiêu, nhiệm vụ và các giải pháp chủ yếu"),
        Some(Ctx::Target)
    );
    assert_eq!(
        heading_ctx("Về đánh giá kết quả thực hiện"),
        Some(Ctx::Neutral)
    );
    assert_eq!(heading_ctx("Tăng cường công tác xây dựng Đảng"), None);
}

fn clause_view(t: &Tree) -> Vec<(String, &'static str, Option<String>, Option<String>)> {
    t.clauses
        .iter()
        .map(|c| {
            (
                c.text.clone(),
                c.kind.as_str(),
                c.assignee.clone(),
                c.group.clone(),
            )
        })
        .collect()
}

#[test]
fn roman_parts_hold_the_articles_of_a_regulation() {
    let t = tree(
        "I- QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nNội dung một.\nĐiều 2. Đối tượng\nNội dung hai.\n\
         II- QUY ĐỊNH CỤ THỂ\nĐiều 3. Trách nhiệm\nNội dung ba.\nĐiều 4. Quyền\nNội dung bốn.",
    );
    assert_eq!(
        paths(&t),
        ["I", "I/Điều 1", "I/Điều 2", "II", "II/Điều 3", "II/Điều 4"]
    );
    // An article that opens a document keeps later roman items inside it.
    let t = tree("Điều 1. Phê duyệt Đề án\nI. MỤC TIÊU\nNội dung.\nĐiều 2. Hiệu lực\nNội dung.");
    assert_eq!(paths(&t), ["Điều 1", "Điều 1/I", "Điều 2"]);
}

#[test]
fn tasks_under_an_assignee_heading_say_who_must_do_them() {
    let t = tree(
        "II. NHIỆM VỤ\n4. Ủy ban nhân dân các tỉnh, thành phố\na) Rà soát quy hoạch.\nb) Báo cáo kết quả.\n\
         5. Bộ Nội vụ chủ trì, phối hợp với các bộ:\na) Hướng dẫn sắp xếp.\n\
         6. Về chuyển đổi số\na) Giao Bộ Công an chủ trì xây dựng cơ sở dữ liệu.\nb) Phát triển hạ tầng.",
    );
    let who: Vec<Option<&str>> = t.clauses.iter().map(|c| c.assignee.as_deref()).collect();
    assert_eq!(
        who,
        [
            Some("Ủy ban nhân dân các tỉnh, thành phố"),
            Some("Ủy ban nhân dân các tỉnh, thành phố"),
            Some("Bộ Nội vụ"),
            Some("Bộ Công an"),
            None
        ]
    );
    assert!(t.clauses.iter().all(|c| c.kind == ClauseKind::Task));
}

#[test]
fn an_item_that_names_a_body_heads_the_dashes_below_it() {
    let t = tree(
        "III. TỔ CHỨC THỰC HIỆN\na) Tổ đảng ở Thường trực Ủy ban Kinh tế\n- Chủ trì thẩm tra dự án luật.\n\
         - Giám sát việc thực hiện.\nb) Các Đoàn đại biểu Quốc hội\n- Tiếp xúc cử tri.\nc) Tổng kết việc thực hiện.\n- Báo cáo.",
    );
    let who: Vec<Option<&str>> = t.clauses.iter().map(|c| c.assignee.as_deref()).collect();
    assert_eq!(
        who,
        [
            Some("Tổ đảng ở Thường trực Ủy ban Kinh tế"),
            Some("Tổ đảng ở Thường trực Ủy ban Kinh tế"),
            Some("Tổ đảng ở Thường trực Ủy ban Kinh tế"),
            Some("Các Đoàn đại biểu Quốc hội"),
            Some("Các Đoàn đại biểu Quốc hội"),
            None,
            None
        ]
    );
}

#[test]
fn timeframe_items_group_the_targets_below_them() {
    let t = tree(
        "II. MỤC TIÊU\n2. Chỉ tiêu cụ thể\na) Giai đoạn 1 (2026 - 2028)\n- Tăng trưởng GRDP đạt 10%/năm.\n\
         b) Giai đoạn 2 (2029 - 2030)\n- Tỷ lệ đô thị hóa đạt 60%.",
    );
    let v = clause_view(&t);
    assert_eq!(v[0].1, "paragraph", "{v:?}");
    assert_eq!(v[1].1, "target", "{v:?}");
    assert_eq!(v[1].3.as_deref(), Some("Giai đoạn 1 (2026 - 2028)"));
    assert_eq!(v[3].3.as_deref(), Some("Giai đoạn 2 (2029 - 2030)"));
}

#[test]
fn aims_principles_duties_and_footnotes_are_no_tasks() {
    let t = tree(
        "III. NHIỆM VỤ, GIẢI PHÁP\n1. Mục đích, yêu cầu\na) Quán triệt đầy đủ.\n2. Nhiệm vụ cụ thể\na) Xây dựng đề án.\n\
         ¹ Nghị quyết số 57-NQ/TW ngày 22/12/2024.",
    );
    let kinds: Vec<&str> = t.clauses.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, ["paragraph", "task", "paragraph"]);
    let t = tree("Điều 5. Nhiệm vụ và quyền hạn của Sở\n1. Tham mưu cho Ủy ban.\n2. Hướng dẫn.");
    assert!(
        t.clauses.iter().all(|c| c.kind == ClauseKind::Article),
        "{:?}",
        clause_view(&t)
    );
}

#[test]
fn a_target_paragraph_opening_with_its_timeframe_is_a_target_of_that_group() {
    let t = tree(
        "2.2. Chỉ tiêu\n\nGiai đoạn 2026 - 2030: Tốc độ tăng trưởng GRDP từ 10%/năm trở lên.\n\nGiai đoạn 2031 - 2035: Tốc độ tăng trưởng GRDP từ 10%/năm trở lên.\n\nPhấn đấu trở thành trung tâm kinh tế của vùng.\n",
    );
    let kinds: Vec<(ClauseKind, Option<&str>)> = t
        .clauses
        .iter()
        .map(|c| (c.kind, c.group.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ClauseKind::Target, Some("Giai đoạn 2026 - 2030")),
            (ClauseKind::Target, Some("Giai đoạn 2031 - 2035")),
            (ClauseKind::Paragraph, None),
        ]
    );
}
