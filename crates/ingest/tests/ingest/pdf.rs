//! PDF extraction on real files: the Official Gazette PDFs of `tests/realdocs/` against the text
//! extraction kept beside each, their tables as rows of cells (the expected cells typed by hand
//! from the pages as printed), the scan and the corrupt text layers refused with their reasons,
//! and damaged, encrypted and oversized files refused without a panic or a hang.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use vankien_ingest::formats::{self, Extracted, Format, MAX_PAGES};
use vankien_ingest::normalize::{exact_key, normalize_text, words};
use vankien_ingest::{Clause, ClauseKind, Document, IngestError};

/// The Gazette PDFs with a text layer, and their page counts (from `qpdf --show-npages`).
const GAZETTE: [(&str, usize); 6] = [
    ("844-QD-TTg-2026", 15),
    ("982-QD-TTg-2026", 23),
    ("122-NQ-CP-2026", 21),
    ("109-NQ-CP-2026", 67),
    ("158-2025-ND-CP", 60),
    ("02-2025-TT-BLDTBXH", 95),
];

fn realdocs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(stem: &str, ext: &str) -> Vec<u8> {
    let path = realdocs().join(format!("{stem}.{ext}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn extract(stem: &str) -> Result<Extracted, IngestError> {
    formats::extract(&read(stem, "pdf"), &format!("{stem}.pdf"))
}

/// The exact keys of a text's words, in order.
fn keys(text: &str) -> Vec<String> {
    let text = normalize_text(text);
    words(&text).map(|(_, w)| exact_key(w)).collect()
}

/// The share of the reference's words (as a multiset) found in `got`, and the share of its
/// word bigrams (consecutive pairs, as a multiset) found there: the second drops when words come
/// out of order, glued or split.
fn kept(reference: &str, got: &str) -> (f64, f64) {
    fn share<T: std::hash::Hash + Eq>(want: Vec<T>, have: Vec<T>) -> f64 {
        let total = want.len().max(1);
        let mut bag: HashMap<T, usize> = HashMap::new();
        for h in have {
            *bag.entry(h).or_default() += 1;
        }
        let found = want
            .into_iter()
            .filter(|w| match bag.get_mut(w) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .count();
        found as f64 / total as f64
    }
    let (r, g) = (keys(reference), keys(got));
    let pairs = |v: &[String]| -> Vec<(String, String)> {
        v.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect()
    };
    let bigrams = share(pairs(&r), pairs(&g));
    (share(r, g), bigrams)
}

fn reason(result: Result<Extracted, IngestError>) -> String {
    match result {
        Ok(e) => panic!("extracted {} pages, wanted a refusal", e.pages.len()),
        Err(e @ IngestError::Unreadable { .. }) => e.to_string(),
        Err(e) => panic!("wanted IngestError::Unreadable, got {e:?}"),
    }
}

#[test]
fn gazette_pdfs_keep_their_words_in_order_page_by_page() {
    for (stem, pages) in GAZETTE {
        let got = extract(stem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.format, Format::Pdf);
        assert!(got.paged, "{stem}");
        assert_eq!(got.pages.len(), pages, "{stem}: pages");
        for (i, page) in got.pages.iter().enumerate() {
            // The last page of 02/2025 is blank in the source too (pdftotext gives nothing).
            if (stem, i + 1) == ("02-2025-TT-BLDTBXH", 95) {
                assert!(page.is_empty(), "{page:?}");
                continue;
            }
            assert!(
                words(page).next().is_some(),
                "{stem}: page {} has no words",
                i + 1
            );
        }
        let reference = String::from_utf8(read(stem, "txt")).expect("utf-8 reference");
        let (words_kept, bigrams_kept) = kept(&reference, &got.pages.join("\n"));
        eprintln!(
            "{stem}: words kept {:.2}%, bigrams kept {:.2}%",
            words_kept * 100.0,
            bigrams_kept * 100.0
        );
        assert!(words_kept >= 0.99, "{stem}: words kept {words_kept:.4}");
        assert!(
            bigrams_kept >= 0.99,
            "{stem}: bigrams kept {bigrams_kept:.4}"
        );
    }
}

/// Parses a Gazette PDF of `tests/realdocs/`.
fn parsed(stem: &str) -> Document {
    vankien_ingest::read_file(&realdocs().join(format!("{stem}.pdf")))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The row clause of `doc` whose first cell is `first` and whose second starts with `second`,
/// on page `page`.
fn row<'a>(doc: &'a Document, page: u32, first: &str, second: &str) -> &'a Clause {
    let (first, second) = (normalize_text(first), normalize_text(second));
    let found: Vec<&Clause> = doc
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Row && c.pages.is_some_and(|p| p[0] == page))
        .filter(|c| c.cells.first() == Some(&first))
        .filter(|c| {
            c.cells
                .get(1)
                .map_or(second.is_empty(), |s| s.starts_with(&second))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{}: rows starting {first:?} | {second:?} on page {page}: {:#?}",
        doc.source,
        found.iter().map(|c| &c.cells).collect::<Vec<_>>()
    );
    found[0]
}

/// Checks that a row of `doc` holds `cells`, as printed on `page`.
fn assert_row(doc: &Document, page: u32, cells: &[&str]) {
    let got = row(doc, page, cells[0], cells.get(1).copied().unwrap_or(""));
    let want: Vec<String> = cells.iter().map(|c| normalize_text(c)).collect();
    assert_eq!(got.cells, want, "{}", doc.source);
    assert_eq!(got.pages, Some([page, page]), "{}: {:?}", doc.source, want);
}

#[test]
fn the_task_tables_of_844_and_982_come_as_rows_of_cells() {
    let doc = parsed("844-QD-TTg-2026");
    let head = [
        "STT",
        "Tên nhiệm vụ cụ thể",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kết quả",
        "Thời gian hoàn thành",
    ];
    // The head row is printed again on each of the nine pages of the table.
    let heads: Vec<u32> = doc
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Row && c.cells == head)
        .map(|c| c.pages.unwrap()[0])
        .collect();
    assert_eq!(heads, (7..=15).collect::<Vec<u32>>());
    assert_row(
        &doc,
        7,
        &[
            "I. Đổi mới mạnh mẽ tư duy và hành động trong lãnh đạo, chỉ đạo và tổ chức thực hiện công tác chăm sóc sức khoẻ nhân dân",
        ],
    );
    // Rows 1 and 2 are printed without a border between them.
    assert_row(
        &doc,
        7,
        &[
            "1.",
            "Tăng cường lãnh đạo, chỉ đạo xây dựng và tổ chức thực hiện hiệu quả các chủ trương, chính sách, pháp luật, chương trình, kế hoạch về bảo hiểm y tế.",
            "Các bộ ở Trung ương, Ủy ban nhân dân cấp tỉnh ở địa phương",
            "Các cơ quan, tổ chức, đơn vị khác có liên quan.",
            "Văn bản chỉ đạo",
            "Thường xuyên",
        ],
    );
    assert_row(
        &doc,
        7,
        &[
            "2.",
            "Đưa các chỉ tiêu bao phủ về bảo hiểm y tế vào nghị quyết, chương trình, kế hoạch phát triển kinh tế - xã hội hằng năm và dài hạn của địa phương",
            "Ủy ban nhân dân các cấp",
            "Các cơ quan, tổ chức, đơn vị có liên quan.",
            "Các chỉ tiêu được đưa vào các Nghị quyết, chương trình, kế hoạch",
            "Hằng năm và từng giai đoạn",
        ],
    );
    assert_row(
        &doc,
        7,
        &[
            "3.",
            "Bố trí ngân sách địa phương và huy động mọi nguồn lực phù hợp để hỗ trợ thêm mức đóng cho người dân tham gia bảo hiểm y tế",
            "Ủy ban nhân dân cấp tỉnh trình Hội đồng nhân dân cùng cấp",
            "Các cơ quan, tổ chức, đơn vị có liên quan.",
            "Nghị quyết hỗ trợ mức đóng cho các nhóm đối tượng",
            "Hằng năm và từng giai đoạn",
        ],
    );

    let doc = parsed("982-QD-TTg-2026");
    assert_row(&doc, 13, &["1.", "Rà soát, hoàn thiện thể chế"]);
    assert_row(
        &doc,
        13,
        &[
            "1.1",
            "Nghiên cứu, rà soát, sửa đổi, bổ sung và đơn giản hóa các quy định, thủ tục hành chính liên quan đến hoạt động đầu tư, kinh doanh, xuất khẩu sản phẩm, dịch vụ công nghệ số.",
            "Bộ Tài chính",
            "Bộ Khoa học và Công nghệ Cơ quan, tổ chức và doanh nghiệp liên quan",
            "Cơ chế, chính sách được ban hành",
            "Nhiệm vụ thường xuyên",
        ],
    );
    assert_row(
        &doc,
        13,
        &[
            "1.2",
            "Nghiên cứu, xây dựng cơ chế tài chính, tín dụng khuyến khích M&A doanh nghiệp công nghệ số vươn ra toàn cầu.",
            "Bộ Tài chính",
            "Bộ Khoa học và Công nghệ Cơ quan, tổ chức và doanh nghiệp liên quan",
            "Cơ chế, chính sách được ban hành",
            "Quý IV/2026",
        ],
    );
}

#[test]
fn the_long_tables_of_109_keep_each_cell_apart_on_portrait_and_landscape_pages() {
    let doc = parsed("109-NQ-CP-2026");
    assert_row(&doc, 23, &["I", "VỀ KINH TẾ", "", "", ""]);
    assert_row(
        &doc,
        23,
        &[
            "1",
            "Tốc độ tăng trưởng GDP bình quân/năm (%)",
            "Phấn đấu ≥ 10,0",
            "1. Bộ Tài chính đầu mối tham mưu điều hành kịch bản tăng trưởng thực hiện công tác thống kê. 2. Các bộ, cơ quan, địa phương, các tập đoàn, tổng công ty, doanh nghiệp nhà nước theo chức năng, nhiệm vụ được giao.",
            "Các đơn vị có liên quan.",
        ],
    );
    assert_row(
        &doc,
        23,
        &[
            "4",
            "Tỉ lệ nội địa hóa một số ngành công nghiệp chủ lực đến năm 2030 (%)",
            "40 - 45",
            "Bộ Công Thương",
            "Bộ Tài chính, Bộ Khoa học và Công nghệ, các bộ, cơ quan, địa phương, Tập đoàn kinh tế, Tổng công ty và các đơn vị có liên quan.",
        ],
    );
    assert_row(
        &doc,
        30,
        &[
            "57",
            "Tỉ lệ che phủ rừng (%)",
            "42",
            "Bộ Nông nghiệp và Môi trường",
            "Các bộ, cơ quan, địa phương, đơn vị có liên quan.",
        ],
    );
    // A landscape page of the programme's task table.
    assert_row(
        &doc,
        40,
        &[
            "36",
            "Xây dựng Chiến lược phát triển các ngành dịch vụ theo hướng hiện đại hóa hệ sinh thái dịch vụ, phát triển một số ngành, sản phẩm dịch vụ có lợi thế cạnh tranh",
            "2026",
            "Bộ Tài chính",
            "Bộ Công Thương, Bộ Văn hóa, Thể thao và Du lịch, các bộ, cơ quan, địa phương và các đơn vị có liên quan",
        ],
    );
    assert_row(
        &doc,
        40,
        &[
            "37",
            "Xây dựng Đề án phát triển du lịch với các giải pháp đột phá để đạt mục tiêu thu hút 45 - 50 triệu lượt khách du lịch quốc tế vào năm 2030",
            "2026",
            "Bộ Văn hóa, Thể thao và Du lịch",
            "Các bộ, cơ quan, địa phương và các đơn vị có liên quan",
        ],
    );
}

#[test]
fn the_report_forms_of_02_2025_keep_their_columns_turned_or_not() {
    let doc = parsed("02-2025-TT-BLDTBXH");
    // A list of forms on a page turned a quarter; rows 8 and 9 are printed without a border
    // between them.
    assert_row(
        &doc,
        6,
        &[
            "STT",
            "Ký hiệu biểu",
            "Tên biểu",
            "Đơn vị chịu trách nhiệm thu thập, tổng hợp",
            "Kỳ báo cáo",
        ],
    );
    assert_row(
        &doc,
        6,
        &[
            "8",
            "109/LĐVL-Cơ sở",
            "Lao động làm việc có thời hạn ở nước ngoài kết thúc hợp đồng về nước",
            "Cục Quản lý lao động ngoài nước",
            "Năm",
        ],
    );
    assert_row(
        &doc,
        6,
        &[
            "9",
            "110-111/LĐVL-Sở",
            "Tai nạn lao động",
            "Cục An toàn lao động",
            "Năm",
        ],
    );
    assert_row(
        &doc,
        6,
        &[
            "12",
            "114-115/LĐVL-Cơ sở",
            "Cho thuê lại lao động",
            "Cục Quan hệ lao động và tiền lương",
            "Năm",
        ],
    );
    // Form 201/GDNN-Sở: a head of four rows; the last names every column.
    let each = ["Tổng số", "Công lập", "TW quản lý"];
    let mut head = vec!["Chỉ tiêu", "Mã số", "Tổng số"];
    for _ in 0..4 {
        head.extend(each);
    }
    assert_row(&doc, 30, &head);
    let mut numbers = vec!["A".to_string(), "B".to_string()];
    numbers.extend((1..=13).map(|n| n.to_string()));
    let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
    assert_row(&doc, 30, &numbers);
    let mut total = vec!["Tổng số", "100"];
    total.extend([""; 13]);
    assert_row(&doc, 30, &total);
    // Form 119/LĐVL-Sở: its column heads turned upright, each in its column.
    assert_row(
        &doc,
        29,
        &[
            "Chỉ tiêu Phân tổ",
            "Mã số",
            "Tổng số vụ tranh chấp",
            "Tranh chấp cá nhân",
            "Tranh chấp TT về quyền",
            "Tranh chấp TT về lợ ích",
            "Tổng",
            "Trong KCN",
            "Tổng",
            "Trong KCN",
            "Tổng",
            "Trong KCN",
            "Nguyên nhân",
            "Hòa giải viên lao động",
            "Hội đồng trọng tài lao động",
            "Tòa án nhân dân",
        ],
    );
}

#[test]
fn the_list_of_forms_of_158_is_a_table_and_122_has_none() {
    let doc = parsed("158-2025-ND-CP");
    assert_row(&doc, 57, &["1", "Mẫu số 01", "Đơn đề nghị xác nhận"]);
    assert_row(&doc, 57, &["2", "Mẫu số 02", "Giấy xác nhận"]);
    assert_row(
        &doc,
        57,
        &["3", "Mẫu số 03", "Đơn đề nghị giải quyết chế độ tử tuất"],
    );
    // Its head row, right below the annex title (the parser reads it into the title).
    let page = &extract("158-2025-ND-CP").unwrap().pages[56];
    assert!(
        page.lines()
            .any(|l| l == "| STT | Số thứ tự mẫu | Tên mẫu |"),
        "{page}"
    );
    let got = extract("122-NQ-CP-2026").unwrap();
    assert!(got.pages.iter().all(|p| !p.contains('|')));
}

/// The tables of an extraction, each as its rows' cells: runs of pipe lines, a run that opens
/// a page (after its running head and number) going on with a table that closed the page
/// before.
fn tables(pages: &[String]) -> Vec<Vec<Vec<String>>> {
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    // Whether the last line read was a table row.
    let mut in_table = false;
    for page in pages {
        let content = page.lines().filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("CÔNG BÁO") && !t.chars().all(|c| c.is_ascii_digit())
        });
        for line in content {
            let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else {
                in_table = false;
                continue;
            };
            if !in_table {
                tables.push(Vec::new());
            }
            in_table = true;
            let cells = inner.split('|').map(|c| c.trim().to_string()).collect();
            tables.last_mut().unwrap().push(cells);
        }
    }
    tables
}

#[test]
fn tables_are_counted_whole_across_page_breaks() {
    // How many tables each file prints (its annexes, as printed), and for those whose rows all
    // share the head's columns, where a row spans them (a section heading) instead.
    let want: [(&str, Option<usize>, Option<usize>); 6] = [
        ("844-QD-TTg-2026", Some(1), Some(1)),
        ("982-QD-TTg-2026", Some(1), Some(2)),
        ("109-NQ-CP-2026", Some(4), Some(2)),
        ("122-NQ-CP-2026", Some(0), None),
        ("158-2025-ND-CP", Some(1), Some(3)),
        ("02-2025-TT-BLDTBXH", None, None),
    ];
    // A head of several rows names every column only in its last: its first row's cells and
    // the widest row's are both counted.
    println!(
        "{:<22} {:>6} {:>5} {:>16} {:>18}",
        "file", "tables", "rows", "as many cells as", "as the widest row"
    );
    println!("{:>52}", "the first row");
    for (stem, tables_wanted, spanning) in want {
        let got = extract(stem).unwrap();
        let found = tables(&got.pages);
        let rows: usize = found.iter().map(Vec::len).sum();
        let matching: usize = found
            .iter()
            .map(|t| t.iter().filter(|r| r.len() == t[0].len()).count())
            .sum();
        let widest: usize = found
            .iter()
            .map(|t| {
                let w = t.iter().map(Vec::len).max().unwrap_or(0);
                t.iter().filter(|r| r.len() == w).count()
            })
            .sum();
        println!(
            "{stem:<22} {:>6} {rows:>5} {matching:>16} {widest:>18}",
            found.len()
        );
        if let Some(n) = tables_wanted {
            assert_eq!(found.len(), n, "{stem}: tables");
        }
        if let Some(most) = spanning {
            for t in &found {
                for r in t {
                    assert!(
                        r.len() == t[0].len() || r.len() <= most,
                        "{stem}: a row of {} cells under a head of {}: {r:?}",
                        r.len(),
                        t[0].len()
                    );
                }
            }
        }
    }
}

#[test]
fn running_heads_stand_on_lines_of_their_own() {
    // The parser drops `CÔNG BÁO/Số …` heads only when they stand alone on a line.
    let got = extract("844-QD-TTg-2026").unwrap();
    let mut heads = 0;
    for page in &got.pages {
        for line in page.lines() {
            if let Some(at) = line.find("CÔNG BÁO/Số") {
                heads += 1;
                assert!(
                    at == 0 || line[..at].trim().chars().all(|c| c.is_ascii_digit()),
                    "a running head glued to text: {line:?}"
                );
            }
        }
    }
    assert!(heads >= 14, "{heads} running heads in 15 pages");
}

#[test]
fn a_scan_is_refused_with_advice_to_run_ocr() {
    let why = reason(extract("02-2023-TB-LPQT-no-text-layer"));
    assert!(
        why.starts_with(
            "02-2023-TB-LPQT-no-text-layer.pdf: cannot read this pdf file: no text layer on "
        ),
        "{why}"
    );
    assert!(why.contains("of 17 pages (a scanned document)"), "{why}");
    assert!(why.contains("run OCR first"), "{why}");
}

#[test]
fn corrupt_text_layers_are_refused_never_indexed() {
    for stem in [
        "1050-QD-SCT-2026-LaoCai",
        "1105-KH-DKT-2026-LaoCai",
        "1894-TB-SCT-2026-LaoCai",
    ] {
        let why = reason(extract(stem));
        assert!(why.contains("the text layer is garbled"), "{stem}: {why}");
        assert!(why.contains("Word or text version"), "{stem}: {why}");
    }
}

#[test]
fn read_file_gives_a_paged_document() {
    let doc = vankien_ingest::read_file(&realdocs().join("158-2025-ND-CP.pdf")).unwrap();
    assert_eq!(doc.format, "pdf");
    assert_eq!(doc.page_count, Some(60));
    assert!(doc.clauses.len() > 100, "{} clauses", doc.clauses.len());
    assert!(doc.clauses.iter().all(|c| c.pages.is_some()));
    let last = doc
        .clauses
        .iter()
        .filter_map(|c| c.pages)
        .map(|p| p[1])
        .max();
    assert!(last > Some(30), "clauses end on page {last:?}");
}

/// Extracts, asserting that it takes no longer than a few seconds and panics not.
fn survives(bytes: &[u8], what: &str) -> Result<Extracted, IngestError> {
    // CPU time, not the wall clock: a shared machine must not fail it, a hang still does.
    let (result, took) = crate::cpu::timed(|| formats::extract(bytes, "bad.pdf"));
    assert!(took < Duration::from_secs(20), "{what}: took {took:?}");
    if let Err(e) = &result {
        assert!(
            matches!(e, IngestError::Unreadable { .. })
                && e.to_string()
                    .starts_with("bad.pdf: cannot read this pdf file: "),
            "{what}: {e:?}"
        );
    }
    result
}

#[test]
fn truncated_files_are_refused_or_read_never_a_panic() {
    let bytes = read("1894-TB-SCT-2026-LaoCai", "pdf");
    let mut refused = 0;
    let steps = 97;
    for i in 0..steps {
        // From the `%PDF-` header on (shorter, the bytes are not recognised as a PDF).
        let len = 16 + (bytes.len() - 16) * i / steps;
        if survives(&bytes[..len], &format!("truncated to {len}")).is_err() {
            refused += 1;
        }
    }
    // Cut before the cross-reference table nothing can be found.
    assert!(
        refused >= steps / 2,
        "{refused} of {steps} truncations refused"
    );
    let why = reason(formats::extract(&bytes[..bytes.len() / 3], "bad.pdf"));
    assert!(why.contains("damaged or truncated"), "{why}");
}

#[test]
fn flipped_bytes_never_panic() {
    let bytes = read("844-QD-TTg-2026", "pdf");
    // A cheap deterministic generator: the positions and values cover the whole file.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..24 {
        let mut bad = bytes.clone();
        for _ in 0..(1 + round % 8) {
            let at = (next() % bad.len() as u64) as usize;
            bad[at] = next() as u8;
        }
        let _ = survives(&bad, &format!("flip round {round}"));
    }
}

#[test]
fn garbage_after_the_header_is_refused() {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let why = reason(survives(&bytes, "garbage"));
    assert!(why.contains("damaged or truncated"), "{why}");
    let why = reason(survives(b"%PDF-", "header only"));
    assert!(why.contains("damaged or truncated"), "{why}");
}

#[test]
fn encrypted_files_open_with_an_empty_password_or_are_refused() {
    // Made with qpdf from a one-page PDF (see tests/fixtures/pdf-README.md).
    for name in [
        "pdf-encrypted-empty-password-aes256.pdf",
        "pdf-encrypted-empty-password-rc4.pdf",
    ] {
        let got = formats::extract(&fixture(name), name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.pages.len(), 1);
        assert!(
            got.pages[0].contains("The quick brown fox jumps over the lazy dog"),
            "{name}: {:?}",
            got.pages[0]
        );
    }
    let why = reason(formats::extract(
        &fixture("pdf-encrypted-password.pdf"),
        "pdf-encrypted-password.pdf",
    ));
    assert!(why.contains("encrypted"), "{why}");
    assert!(why.contains("qpdf --decrypt"), "{why}");
}

/// A valid PDF of `pages` pages, each with one line of text in Helvetica.
fn synthetic_pdf(pages: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let body = format!(
            "BT /F1 11 Tf 72 770 Td (Page {} of a long file) Tj ET",
            i + 1
        );
        objects.push(format!(
            "<< /Length {} >>\nstream\n{body}\nendstream",
            body.len()
        ));
    }
    pdf_of(&objects)
}

/// A PDF of the given objects (numbered from 1; the first is the catalog).
fn pdf_of(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", k + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A one-page PDF in Helvetica drawing `content` (a content stream).
fn one_page(content: &str) -> Vec<u8> {
    pdf_of(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ])
}

/// A paragraph of thirty words at the top of the page, so that it is not taken for a scan.
const PARAGRAPH: &str = "BT /F1 11 Tf 72 780 Td (The quick brown fox jumps over the lazy dog \
    and the dog sleeps on while the fox runs far away into the green woods to find its den \
    before night) Tj ET";

/// Text at (`x`, `y`) in Helvetica 11.
fn show(text: &str, x: u32, y: u32) -> String {
    format!("BT /F1 11 Tf {x} {y} Td ({text}) Tj ET ")
}

#[test]
fn a_table_drawn_with_even_odd_filled_borders_comes_out_as_rows() {
    // Borders as Word draws them: rectangles half a point wide, filled with `f*`, which
    // pdf-extract does not report; the second row's cell wraps over two lines.
    let mut content = format!("{PARAGRAPH} 0 g ");
    for y in [700, 680, 640] {
        content.push_str(&format!("72 {y} 300 0.5 re f* "));
    }
    for x in [72, 172, 372] {
        content.push_str(&format!("{x} 640 0.5 60 re f* "));
    }
    content.push_str(&show("Number", 76, 686));
    content.push_str(&show("Task", 176, 686));
    content.push_str(&show("1.", 76, 666));
    content.push_str(&show("Build the index", 176, 666));
    content.push_str(&show("of every clause", 176, 652));
    content.push_str(&show("After the table", 72, 600));
    let got = survives(&one_page(&content), "ruled table").unwrap();
    let lines: Vec<&str> = got.pages[0].lines().collect();
    assert_eq!(
        lines[1..],
        [
            "| Number | Task |",
            "| 1. | Build the index of every clause |",
            "After the table"
        ]
    );
}

#[test]
fn a_page_of_endless_borders_is_read_in_time_without_tables() {
    // Thousands of lines each way: more pairs to compare than a real page has by far.
    let mut content = format!("{PARAGRAPH} 0 g ");
    for k in 0..2100 {
        let at = 50.0 + f64::from(k) * 3.0;
        content.push_str(&format!(
            "50 {at:.2} 6400 0.1 re f {at:.2} 50 0.1 6400 re f "
        ));
    }
    content.push_str(&show("Inside", 300, 300));
    let got = survives(&one_page(&content), "endless borders").unwrap();
    assert!(!got.pages[0].contains('|'), "{}", got.pages[0]);
    assert!(got.pages[0].ends_with("Inside"), "{}", got.pages[0]);
}

#[test]
fn a_form_that_draws_itself_is_refused_not_a_stack_overflow() {
    // pdf-extract follows `Do` without a depth limit; the form has no resources of its own, so
    // it inherits the page's, where its name points to itself.
    let form = "BT /F1 11 Tf 72 770 Td (again) Tj ET /X1 Do";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R \
         >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Length 7 >>\nstream\n/X1 Do\nendstream".to_string(),
        format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length {} >>\nstream\n{form}\nendstream",
            form.len()
        ),
    ];
    let why = reason(survives(&pdf_of(&objects), "self-drawing form"));
    assert!(why.contains("draws a form that draws itself"), "{why}");
}

#[test]
fn pages_the_decoder_fails_on_are_not_taken_for_a_scan() {
    // Text shown before any font is set: pdf-extract panics on it.
    let content = "BT 72 770 Td (no font set) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let why = reason(survives(&pdf_of(&objects), "no font"));
    assert!(
        why.contains("its text could not be decoded on 1 of 1 pages"),
        "{why}"
    );
}

#[test]
fn more_than_max_pages_is_refused() {
    let why = reason(survives(&synthetic_pdf(MAX_PAGES + 1), "long"));
    assert!(
        why.contains(&format!(
            "{} pages, more than the {MAX_PAGES} allowed",
            MAX_PAGES + 1
        )),
        "{why}"
    );
    // The same file one page shorter is not refused for its length (but, with a few words a
    // page, as a scan): the limit is where it says.
    let why = reason(survives(&synthetic_pdf(MAX_PAGES), "at the limit"));
    assert!(why.contains("no text layer"), "{why}");
}
