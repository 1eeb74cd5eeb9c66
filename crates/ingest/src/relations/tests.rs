//! Shapes of citations, each in a small document run through the real parser: every relation
//! type, a `Căn cứ` list of several laws, numbers in any spelling, a verb inside a long clause,
//! lists under a lead-in, and what is no relation (the document's own number, `Nghị quyết này`).

use unicode_normalization::UnicodeNormalization;

use super::*;
use crate::parse::parse;

/// A state resolution with `body` after its `QUYẾT NGHỊ:` line and `basis` as its preamble.
fn state_doc(basis: &str, body: &str) -> Document {
    let text = format!(
        "HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
         Độc lập - Tự do - Hạnh phúc\n\nSố: 12/2026/NQ-HĐND\n\nHà Nội, ngày 10 tháng 3 năm 2026\n\n\
         NGHỊ QUYẾT\nVề chính sách hỗ trợ\n\nHỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI\n\n{basis}\n\n\
         QUYẾT NGHỊ:\n\n{body}\n"
    );
    parse(&text, "test.txt", "utf-8")
}

/// What `doc` cites, as (relation, number or name) pairs.
fn cited(doc: &Document) -> Vec<(Relation, String)> {
    extract(doc)
        .into_iter()
        .map(|c| {
            let r = c.reference;
            let what = r.number.or(r.name).unwrap_or(r.text);
            (c.relation, what)
        })
        .collect()
}

fn pairs(list: &[(Relation, &str)]) -> Vec<(Relation, String)> {
    list.iter().map(|(r, s)| (*r, s.to_string())).collect()
}

#[test]
fn a_basis_list_of_several_laws_cites_each() {
    let doc = state_doc(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2025;\n\n\
         Căn cứ Luật Tổ chức Quốc hội số 57/2014/QH13 đã được sửa đổi, bổ sung một số điều theo \
         Luật số 65/2020/QH14 và Luật số 62/2025/QH15;\n\n\
         Căn cứ các Luật của Quốc hội: Luật Giao dịch điện tử số 20/2023/QH15, ngày 22/6/2023; \
         Luật Dữ liệu số 60/2024/QH15, ngày 30/11/2024;\n\n\
         Căn cứ Nghị định số 18/2023/NĐ-CP của Chính phủ sửa đổi, bổ sung một số điều của Nghị \
         định số 39/2021/NĐ-CP ngày 30 tháng 12 năm 2021 của Chính phủ;\n\n\
         Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
        "Điều 1. Phạm vi\n\nNghị quyết này quy định chính sách hỗ trợ.",
    );
    let citations = extract(&doc);
    assert_eq!(
        cited(&doc),
        pairs(&[
            (Relation::Cites, "Tổ chức chính quyền địa phương"),
            (Relation::Cites, "57/2014/QH13"),
            (Relation::Cites, "65/2020/QH14"),
            (Relation::Cites, "62/2025/QH15"),
            (Relation::Cites, "20/2023/QH15"),
            (Relation::Cites, "60/2024/QH15"),
            (Relation::Cites, "18/2023/NĐ-CP"),
            // Inside the title of the decree cited: a mention.
            (Relation::Mentions, "39/2021/NĐ-CP"),
            (Relation::Cites, "nước Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ])
    );
    let law = &citations[0].reference;
    assert_eq!(law.kind, Some(crate::DocKind::Law));
    assert_eq!(law.date.as_deref(), Some("2025-06-19"));
    assert!(citations.iter().all(|c| c.clause_id.is_some()));
    assert_eq!(
        citations[8].reference.kind_name.as_deref(),
        Some("Hiến pháp")
    );
}

#[test]
fn each_relation_type_from_its_verb() {
    let doc = state_doc(
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;",
        "Điều 1. Thực hiện\n\n\
         Các sở, ngành tổ chức triển khai thực hiện có hiệu quả Nghị quyết số 57-NQ/TW và quán \
         triệt Kết luận số 69-KL/TW.\n\n\
         Điều 2. Hướng dẫn\n\n\
         Quy định chi tiết khoản 3 Điều 5 của Quyết định số 35/2025/QĐ-TTg như sau:\n\n\
         Ủy ban nhân dân thành phố hướng dẫn thực hiện Quyết định số 36/2025/QĐ-TTg.\n\n\
         Điều 3. Sửa đổi\n\n\
         Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Nghị quyết số \
         11/2022/NQ-HĐND.\n\n\
         Điều 4. Hiệu lực thi hành\n\n\
         1. Nghị quyết này có hiệu lực từ ngày 01 tháng 4 năm 2026 và thay thế Nghị quyết số \
         09/2021/NQ-HĐND ngày 23 tháng 9 năm 2021 của Hội đồng nhân dân Thành phố.\n\n\
         2. Bãi bỏ Nghị quyết số 03/2017/NQ-HĐND.\n\n\
         3. Bãi bỏ khoản 2 Điều 5 của Nghị quyết số 04/2018/NQ-HĐND.",
    );
    assert_eq!(
        cited(&doc),
        pairs(&[
            (Relation::Cites, "57-NQ/TW"),
            (Relation::Implements, "57-NQ/TW"),
            (Relation::Implements, "69-KL/TW"),
            (Relation::Guides, "35/2025/QĐ-TTg"),
            // A task for another body to guide it: the document itself does not.
            (Relation::Mentions, "36/2025/QĐ-TTg"),
            (Relation::Amends, "11/2022/NQ-HĐND"),
            (Relation::Replaces, "09/2021/NQ-HĐND"),
            (Relation::Repeals, "03/2017/NQ-HĐND"),
            // A part repealed: an amendment.
            (Relation::Amends, "04/2018/NQ-HĐND"),
        ])
    );
}

#[test]
fn a_verb_inside_a_long_clause_governs_its_reference_only() {
    let doc = state_doc(
        "Căn cứ Luật Ngân sách nhà nước số 89/2025/QH15;",
        "Điều 1. Nhiệm vụ\n\n\
         Trên cơ sở nội dung Nghị quyết số 57-NQ/TW của Bộ Chính trị, Chương trình hành động của \
         Chính phủ, các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh theo chức năng, nhiệm vụ \
         xây dựng và tổ chức thực hiện kế hoạch thực hiện Nghị quyết số 57-NQ/TW và Chương trình \
         hành động của Chính phủ trong tháng 01 năm 2025, báo cáo theo Quyết định số \
         1562/QĐ-TTg.",
    );
    assert_eq!(
        cited(&doc),
        pairs(&[
            (Relation::Cites, "89/2025/QH15"),
            (Relation::Mentions, "57-NQ/TW"),
            (Relation::Implements, "57-NQ/TW"),
            (Relation::Mentions, "1562/QĐ-TTg"),
        ])
    );
}

#[test]
fn acts_in_another_voice_are_mentions() {
    let doc = state_doc(
        "Căn cứ Luật Thủ đô số 39/2024/QH15;",
        "Điều 1. Nhiệm vụ\n\n\
         Sở Tư pháp nghiên cứu, đề xuất sửa đổi, bổ sung Nghị quyết số 05/2020/NQ-HĐND.\n\n\
         Quyết định số 929/QĐ-TTg ngày 15/5/2025 thay thế Quyết định số 598/QĐ-TTg.\n\n\
         Cơ bản thống nhất nội dung sửa đổi, bổ sung Chỉ thị số 35-CT/TW.",
    );
    let relations: Vec<Relation> = cited(&doc).into_iter().map(|(r, _)| r).collect();
    assert_eq!(
        relations,
        [
            Relation::Cites,
            Relation::Mentions,
            Relation::Mentions,
            Relation::Mentions,
            Relation::Mentions
        ]
    );
}

#[test]
fn a_lead_in_acts_on_the_items_of_its_list() {
    let doc = state_doc(
        "Căn cứ Luật Bảo hiểm xã hội ngày 29 tháng 6 năm 2024;",
        "Điều 9. Hiệu lực thi hành\n\n\
         1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025.\n\n\
         2. Kể từ ngày Nghị định này có hiệu lực thi hành, các Nghị định sau đây hết hiệu lực thi \
         hành:\n\n\
         a) Nghị định số 115/2015/NĐ-CP ngày 11 tháng 11 năm 2015 của Chính phủ quy định chi tiết \
         một số điều của Luật Bảo hiểm xã hội;\n\n\
         b) Khoản 2 Điều 3 của Nghị định số 135/2020/NĐ-CP ngày 18 tháng 11 năm 2020 của Chính \
         phủ.\n\n\
         3. Các bộ tổ chức thực hiện theo Nghị định số 20/2021/NĐ-CP.",
    );
    assert_eq!(
        cited(&doc),
        pairs(&[
            (Relation::Cites, "Bảo hiểm xã hội"),
            (Relation::Repeals, "115/2015/NĐ-CP"),
            (Relation::Amends, "135/2020/NĐ-CP"),
            (Relation::Mentions, "20/2021/NĐ-CP"),
        ])
    );
}

#[test]
fn the_title_says_what_the_document_does() {
    let text = "CHÍNH PHỦ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n\
        Số: 03/NQ-CP\n\nHà Nội, ngày 09 tháng 01 năm 2025\n\nNGHỊ QUYẾT\n\
        Ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22 \
        tháng 12 năm 2024 của Bộ Chính trị\n\nCHÍNH PHỦ\n\n\
        Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n\nQUYẾT NGHỊ:\n\n\
        Điều 1. Ban hành kèm theo Nghị quyết này Chương trình hành động.\n";
    let doc = parse(text, "03.txt", "utf-8");
    let citations = extract(&doc);
    let first = &citations[0];
    assert_eq!(first.relation, Relation::Implements);
    assert_eq!(first.reference.number.as_deref(), Some("57-NQ/TW"));
    assert_eq!(first.reference.issuer.as_deref(), Some("Bộ Chính trị"));
    assert_eq!(first.clause_id, None, "said in the title");
    // The guidance's kind line reads with its title.
    let guide = "BAN CHẤP HÀNH TRUNG ƯƠNG\nBAN TỔ CHỨC\n*\nSố 45-HD/BTCTW\n\n\
        ĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, ngày 21 tháng 11 năm 2025\n\nHƯỚNG DẪN\n\
        MỘT SỐ NỘI DUNG QUY ĐỊNH SỐ 377-QĐ/TW NGÀY 08/10/2025 CỦA BỘ CHÍNH TRỊ\n\n\
        I. Về phân cấp\n\n1. Các cấp ủy thực hiện đầy đủ trách nhiệm.\n";
    let doc = parse(guide, "45.txt", "utf-8");
    assert_eq!(cited(&doc), pairs(&[(Relation::Guides, "377-QĐ/TW")]));
}

#[test]
fn the_documents_own_number_and_self_references_are_no_relations() {
    let text = "Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về tiếp tục thực hiện Nghị \
        quyết số 20-NQ/TW, ngày 01/11/2012 của Ban Chấp hành Trung ương Đảng khoá XI\n\n\
        1. Các cấp uỷ quán triệt Kết luận này và Nghị quyết này; Kết luận số 69-KL/TW được phổ \
        biến rộng rãi.\n";
    let doc = parse(text, "69-KL-TW.txt", "utf-8");
    assert_eq!(cited(&doc), pairs(&[(Relation::Implements, "20-NQ/TW")]));
    let doc = state_doc(
        "Căn cứ Luật Thủ đô số 39/2024/QH15;",
        "Điều 1. Nghị quyết này áp dụng từ năm 2026. Nghị quyết số 12/2026/NQ-HĐND được công bố.",
    );
    assert_eq!(cited(&doc), pairs(&[(Relation::Cites, "39/2024/QH15")]));
}

#[test]
fn any_spelling_of_the_text_reads_alike() {
    let body = "Điều 1. Các sở tổ chức thực hiện Nghị quyết số 57-NQ/TW và thay thế Quyết định số \
                20/2020/QĐ-UBND.";
    let basis = "Căn cứ Luật Thủ đô số 39/2024/QH15;";
    let expected = cited(&state_doc(basis, body));
    assert_eq!(expected.len(), 3, "{expected:?}");
    let no_marks = "Dieu 1. Cac so to chuc thuc hien Nghi quyet so 57-NQ/TW va thay the Quyet dinh \
                    so 20/2020/QD-UBND.";
    let upper = body.to_uppercase();
    let nfd: String = body.nfd().collect();
    for variant in [no_marks, &upper, &nfd] {
        let found = cited(&state_doc(basis, variant));
        let relations: Vec<Relation> = found.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            relations,
            [Relation::Cites, Relation::Implements, Relation::Mentions],
            "{variant}: {found:?}"
        );
    }
    // In the document's own voice the replacement reads the same without diacritics too.
    let own = "Dieu 1. Nghi quyet nay thay the Quyet dinh so 20/2020/QD-UBND.";
    let found = cited(&state_doc(basis, own));
    assert_eq!(found[1].0, Relation::Replaces, "{found:?}");
}

#[test]
fn laws_named_by_a_verb_count_and_names_alone_do_not() {
    let doc = state_doc(
        "Căn cứ Luật Thủ đô số 39/2024/QH15;",
        "Điều 1. Phạm vi\n\n\
         Nghị quyết này quy định chi tiết một số điều của Luật Thủ đô về tài chính.\n\n\
         Việc quản lý thực hiện theo Luật Đất đai và Luật Nhà ở.",
    );
    assert_eq!(
        cited(&doc),
        pairs(&[
            (Relation::Cites, "39/2024/QH15"),
            (Relation::Guides, "Thủ đô"),
        ])
    );
}
