//! The structure parser: header metadata, section tree, clauses, closing parts.
//!
//! The stages, each in its own module: `lines` (spans, furniture, a paged source's running heads,
//! numbering markers), `header` (kind, number, issuer, place, date, title, term, read from the
//! layout; attached documents' headers), `blocks` (re-flow of wrapped lines into paragraphs,
//! each doubtful break decided from the evidence `joins` gathers in the document; tables as rows;
//! forms; recipients, signature, enacting formula) and `tree` (levels by the scheme stack, clause
//! kinds, target groups, ids, and through `assign` who must carry each clause out). The parser
//! never fails: what it cannot read becomes a diagnostic.
//!
//! Ids: the document id is the slugged number, place and date (`09-nq-dh.thai-binh.2020-10-15`);
//! without a number, the kind, place or issuer and date; with neither number nor date, the file
//! stem and a hash of the text (see `document_id`); a clause id is `<document id>/<section path>.p<n>`, the section
//! labels slugged and joined by `.` and `n` the clause's ordinal in its section
//! (`09-nq-dh.thai-binh.2020-10-15/a.ii.2.p5`), or `<document id>/p<n>` before the first section. Ids depend
//! only on the text, so re-ingesting it gives the same ids.
//!
//! Every word of the source lands in exactly one field: a header line
//! ([`Document::header`](crate::model::Document::header)), a section label or heading, a clause
//! label or text, a recipient, a signature line or a furniture line. Only the words `Nơi nhận`
//! that introduce the recipients are the field's name.

mod apart;
mod assign;
mod blocks;
mod body_words;
mod flat_table;
mod header;
mod joins;
mod lines;
mod tree;

use std::path::Path;

use crate::formats::{Extracted, Format};
use crate::model::{DocKind, Document, page_of};
use crate::normalize::normalize_text;

/// Parses a decoded (not yet normalized) text into a document. Never fails: problems become
/// [`Document::diagnostics`]. `source` names the file; `encoding` is recorded as given.
///
/// Every span in the result is a byte range of [`Document::text`], the normalized text.
pub fn parse(raw: &str, source: &str, encoding: &str) -> Document {
    parse_extracted(
        Extracted::unpaged(Format::Text, encoding, raw.to_string()),
        source,
    )
}

/// Parses the text a format's extractor found (see [`crate::formats`]): its pages are normalized
/// one by one and joined by a line break, so that every clause can name its pages.
pub fn parse_extracted(src: Extracted, source: &str) -> Document {
    let (text, page_starts) = stored_text(&src);
    let mut doc = parse_text(text, source, &src.encoding, &page_starts);
    doc.format = src.format.as_str().to_string();
    doc.diagnostics.splice(0..0, src.diagnostics);
    if !page_starts.is_empty() {
        doc.page_count = u32::try_from(page_starts.len()).ok();
        let pages = |span: [usize; 2]| {
            let first = page_of(&page_starts, span[0])?;
            let last = page_of(&page_starts, span[1].saturating_sub(1).max(span[0]))?;
            Some([first, last])
        };
        for c in &mut doc.clauses {
            c.pages = pages(c.span);
        }
        for s in &mut doc.sections {
            s.pages = pages(s.span);
        }
        doc.page_starts = page_starts;
    }
    doc
}

/// The stored text of an extracted document, the text every span points into: its pages
/// normalized one by one and joined by a line break; and where each page starts in it (empty when
/// the source has no pages).
pub fn stored_text(src: &Extracted) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut page_starts = Vec::new();
    for (i, page) in src.pages.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        page_starts.push(text.len());
        text.push_str(&normalize_text(page));
    }
    if !src.paged {
        page_starts.clear();
    }
    (text, page_starts)
}

/// Parses a stored (normalized) text.
fn parse_text(text: String, source: &str, encoding: &str, page_starts: &[usize]) -> Document {
    let all = lines::split(&text);
    let mut furn = lines::furniture(&all);
    for (f, running) in furn.iter_mut().zip(lines::running_heads(&all, page_starts)) {
        *f |= running;
    }
    let mut head = header::parse(&all, &furn, &text);
    let mut diagnostics = std::mem::take(&mut head.diagnostics);
    let stem = Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = head.kind.or_else(|| {
        head.number
            .as_deref()
            .or(head.blank_number.as_deref())
            .and_then(header::kind_from_number)
    });
    missing_in_header(&head, kind, &mut diagnostics);
    let id = document_id(
        &IdParts {
            number: head.number.as_deref(),
            kind: kind.map(DocKind::as_str).or(head.kind_name.as_deref()),
            issuer: head.issuer.as_deref(),
            place: head.place.as_deref(),
            date: head.date.as_deref(),
        },
        &stem,
        &text,
    );
    // A number the header lacks may stand in the file name (`198-2025-QH15.txt`): users type
    // it, so the document keeps it as its number, said in a diagnostic; the id above never
    // comes from the file name.
    if head.number.is_none()
        && head.blank_number.is_none()
        && let Some(n) = number_from_stem(&stem)
    {
        diagnostics.push(format!(
            "no number in the text; `{n}` taken from the file name"
        ));
        head.number = Some(n);
    }
    // Headers of attached documents (a report sent with a letter, the forms of a regulation):
    // the body parser skips them. One after the closing parts opens an annex headed by its
    // title; any other is kept as header lines, not clauses.
    let attached = header::attached_headers(&all, &furn, head.body_start);
    let mut body = blocks::split_attached(&text, &all, &furn, head.body_start, &attached);
    let mut attached_lines = Vec::new();
    for (k, a) in attached.iter().enumerate() {
        if body.annexed.contains(&k) {
            continue;
        }
        diagnostics.push(a.summary.clone());
        for i in a.header.clone() {
            if furn[i] || all[i].is_blank() {
                continue;
            }
            let l = all[i].text;
            attached_lines.push(l.to_string());
            // It came back as furniture: it is a header line.
            if let Some(p) = body.furniture.iter().position(|f| f == l) {
                body.furniture.remove(p);
            }
        }
    }
    let built = tree::build(&body.blocks, &text, &id);
    if built.sections.is_empty() {
        diagnostics.push("no numbered sections found".to_string());
    }
    let mut header_lines = head.lines;
    header_lines.append(&mut body.formulas);
    header_lines.append(&mut attached_lines);
    let mut furniture: Vec<String> = (0..head.body_start.min(all.len()))
        .filter(|&i| furn[i])
        .map(|i| all[i].text.to_string())
        .collect();
    furniture.append(&mut body.furniture);
    Document {
        id,
        kind: kind.unwrap_or(DocKind::Other),
        kind_name: head.kind_name,
        number: head.number,
        issuer: head.issuer,
        place: head.place,
        date: head.date,
        title: head.title,
        term: head.term,
        encoding: encoding.to_string(),
        source: source.to_string(),
        format: Format::Text.as_str().to_string(),
        page_count: None,
        sections: built.sections,
        clauses: built.clauses,
        header: header_lines,
        addressees: body.addressees,
        recipients: body.recipients,
        signature: body.signature,
        furniture,
        diagnostics,
        text,
        page_starts: Vec::new(),
    }
}

/// Says in `diagnostics` what the header lacks: its number, the kind (`kind` is the one taken
/// from the number, if any), its date and its issuing body.
fn missing_in_header(head: &header::Header, kind: Option<DocKind>, diagnostics: &mut Vec<String>) {
    if head.number.is_none() && head.blank_number.is_none() {
        diagnostics.push("no number found".to_string());
    }
    if head.kind.is_none() {
        diagnostics.push(match kind {
            Some(k) => format!(
                "no title line names the kind; `{}` taken from the number",
                k.as_str()
            ),
            None => "no title line names the kind".to_string(),
        });
    }
    if head.date.is_none() {
        diagnostics.push("no date found".to_string());
    }
    if head.issuer.is_none() {
        diagnostics.push("no issuing body found".to_string());
    }
}

/// What a document id is made of.
struct IdParts<'a> {
    number: Option<&'a str>,
    kind: Option<&'a str>,
    issuer: Option<&'a str>,
    place: Option<&'a str>,
    date: Option<&'a str>,
}

/// The document id, from the text only, never from the file name when the header has a number:
///
/// - with a number: the number, the place of issue (standing for the issuer: two provinces'
///   congresses both issue a `09-NQ/ĐH`) and the date, slugged and joined by dots
///   (`09-nq-dh.thai-binh.2020-10-15`);
/// - without a number but with a date: the kind, the place (else the issuing body) and the date
///   (`plan.lao-cai.2026-04-23`, `statute.ha-noi.2011-01-19`), so that two drafts named alike
///   with different texts do not share an id;
/// - with neither: the file stem and a short hash of the text (`draft-kh.3f9a0c12`).
///
/// URL-safe: `[a-z0-9._-]`.
fn document_id(p: &IdParts<'_>, stem: &str, text: &str) -> String {
    let slug = |s: Option<&str>| s.map(tree::slug).filter(|s| !s.is_empty());
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = slug(p.number) {
        parts.push(n);
        parts.extend(slug(p.place));
        parts.extend(p.date.map(str::to_string));
    } else if let Some(d) = p.date {
        parts.push(slug(p.kind).unwrap_or_else(|| "document".to_string()));
        parts.extend(slug(p.place).or_else(|| slug(p.issuer)));
        parts.push(d.to_string());
    } else {
        parts.push(slug(Some(stem)).unwrap_or_else(|| "document".to_string()));
        parts.push(format!("{:08x}", fnv1a(text) as u32));
    }
    parts.join(".")
}

/// The 64-bit FNV-1a hash of a text: stable across runs and platforms, unlike std's hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The document number the corpus file name encodes (`57-NQ-TW` → `57-NQ/TW`,
/// `198-2025-QH15` → `198/2025/QH15`), for documents whose header lost it.
fn number_from_stem(stem: &str) -> Option<String> {
    let parts: Vec<&str> = stem.split(['-', '_']).collect();
    if parts.len() < 2 || !parts[0].chars().all(|c| c.is_ascii_digit()) || parts[0].is_empty() {
        return None;
    }
    let is_year =
        |p: &str| p.len() == 4 && p.starts_with("20") && p.chars().all(|c| c.is_ascii_digit());
    if is_year(parts[1]) {
        // State style: `12/2021/NQ-HĐND`, `198/2025/QH15`.
        let rest = parts[2..]
            .iter()
            .take(2)
            .copied()
            .collect::<Vec<_>>()
            .join("-");
        return (!rest.is_empty()).then(|| format!("{}/{}/{}", parts[0], parts[1], rest));
    }
    if parts.len() >= 3 {
        // Party style: `57-NQ/TW`.
        return Some(format!("{}-{}/{}", parts[0], parts[1], parts[2]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(
        number: Option<&'a str>,
        kind: Option<&'a str>,
        place: Option<&'a str>,
        date: Option<&'a str>,
    ) -> IdParts<'a> {
        IdParts {
            number,
            kind,
            issuer: Some("SỞ CÔNG THƯƠNG"),
            place,
            date,
        }
    }

    #[test]
    fn a_document_attached_after_the_signature_is_an_annex() {
        let text = "CHÍNH PHỦ\nSố: 109/NQ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\
            Hà Nội, ngày 16 tháng 4 năm 2026\nNGHỊ QUYẾT\nBan hành Chương trình hành động\n\
            Điều 1. Ban hành kèm theo Nghị quyết này Chương trình hành động.\n\
            Điều 2. Bộ trưởng chịu trách nhiệm thi hành Nghị quyết này./.\n\
            TM. CHÍNH PHỦ\nTHỦ TƯỚNG\nLê Minh Hưng\n\n\
            CHÍNH PHỦ\n_________\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n\
            CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ\nThực hiện Kết luận số 18-KL/TW\n\
            (Kèm theo Nghị quyết số 109/NQ-CP\nngày 16 tháng 4 năm 2026 của Chính phủ)\n\
            I. MỤC ĐÍCH, YÊU CẦU\n1. Bảo đảm sự lãnh đạo của Đảng.\nII. NHIỆM VỤ\n1. Hoàn thiện thể chế.";
        let doc = parse(text, "109.txt", "utf-8");
        let paths: Vec<String> = doc.sections.iter().map(|s| s.path.join("/")).collect();
        assert_eq!(
            paths,
            ["Điều 1", "Điều 2", "Phụ lục", "Phụ lục/I", "Phụ lục/II"]
        );
        assert_eq!(
            doc.sections[2].heading,
            "CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ Thực hiện Kết luận số 18-KL/TW \
             (Kèm theo Nghị quyết số 109/NQ-CP ngày 16 tháng 4 năm 2026 của Chính phủ)"
        );
        // Its header is neither the document's nor a diagnostic; the signature stays whole.
        assert!(!doc.header.iter().any(|l| l.contains("CHƯƠNG TRÌNH")));
        assert_eq!(doc.header.iter().filter(|l| *l == "CHÍNH PHỦ").count(), 1);
        assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
        assert_eq!(
            doc.signature,
            ["TM. CHÍNH PHỦ", "THỦ TƯỚNG", "Lê Minh Hưng"]
        );
        assert_eq!(doc.number.as_deref(), Some("109/NQ-CP"));
    }

    #[test]
    fn an_attached_header_before_the_closing_parts_stays_header_lines() {
        let text = "BỘ NỘI VỤ\nSố: 12/CV-BNV\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\
            Hà Nội, ngày 2 tháng 3 năm 2026\nKính gửi: Văn phòng Chính phủ\n\
            Bộ Nội vụ gửi kèm báo cáo sau đây.\n\n\
            BỘ NỘI VỤ\nSố: 15/BC-BNV\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\
            Hà Nội, ngày 1 tháng 3 năm 2026\nBÁO CÁO\nKết quả thực hiện\n\
            1. Kết quả.\nNội dung.\nNơi nhận:\n- Như trên.\nBỘ TRƯỞNG\nNguyễn Văn A";
        let doc = parse(text, "12.txt", "utf-8");
        assert!(
            doc.header.iter().any(|l| l == "Số: 15/BC-BNV"),
            "{:?}",
            doc.header
        );
        assert!(
            doc.diagnostics
                .iter()
                .any(|d| d.contains("attached document")),
            "{:?}",
            doc.diagnostics
        );
        assert!(!doc.sections.iter().any(|s| s.label == "Phụ lục"));
    }

    #[test]
    fn ids_come_from_the_text_never_from_the_file_name() {
        let with_number = parts(
            Some("09-NQ/ĐH"),
            Some("resolution"),
            Some("Thái Bình"),
            Some("2020-10-15"),
        );
        assert_eq!(
            document_id(&with_number, "whatever-57-NQ-TW", "t"),
            "09-nq-dh.thai-binh.2020-10-15"
        );
        let draft = parts(None, Some("plan"), Some("Lào Cai"), Some("2026-04-23"));
        assert_eq!(
            document_id(&draft, "KH-2242", "t"),
            "plan.lao-cai.2026-04-23"
        );
        let no_place = parts(None, Some("notice"), None, Some("2026-06-19"));
        assert_eq!(
            document_id(&no_place, "x", "t"),
            "notice.so-cong-thuong.2026-06-19"
        );
        // Neither number nor date: two files named alike with different texts differ.
        let bare = parts(None, None, None, None);
        let a = document_id(&bare, "du-thao", "văn bản một");
        let b = document_id(&bare, "du-thao", "văn bản hai");
        assert!(a.starts_with("du-thao.") && a != b, "{a} {b}");
        assert_eq!(a, document_id(&bare, "du-thao", "văn bản một"));
    }
}
