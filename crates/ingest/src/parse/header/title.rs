//! The title block under the kind line, and the headers that are one sentence (`Kết luận số
//! 69-KL/TW ngày … của … về …`) or a news preface naming the document.

use std::sync::LazyLock;

use regex::Regex;

use super::{Header, finish, iso_date};
use crate::model::DocKind;
use crate::parse::lines::{Line, ends_terminal, is_separator, is_upper, marker, starts_lower};

static RE_TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)nhiệm kỳ\s+(\d{4})\s*[-–]\s*(\d{4})").expect("valid regex"));
pub(super) static RE_SENTENCE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(Nghị quyết|Kết luận|Quy định|Chỉ thị|Quyết định|Chương trình hành động)\s+số\s+(\d[\p{L}\p{N}/\-.]*[\p{L}\p{N}])",
    )
    .expect("valid regex")
});
static RE_PREFACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(Nghị quyết|Kết luận|Quy định|Chỉ thị|Quyết định)\s+số\s+(\d[\p{L}\p{N}/\-.]*[\p{L}\p{N}])\s*\(?\s*ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*\)?\s*của\s+(.+?)\s+(về\s+.+)$",
    )
    .expect("valid regex")
});
static RE_SLASH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})").expect("valid regex")
});
static RE_OF_ISSUER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bcủa\s+(.+?)\s+về\b").expect("valid regex"));
/// A text with no header block: a sentence title, a news preface, or nothing.
pub(super) fn no_header(lines: &[Line<'_>], furn: &[bool], text: &str, mut h: Header) -> Header {
    let content = |i: usize| !lines[i].is_blank() && !furn[i];
    h.diagnostics
        .push("no header found: the text starts with its body".to_string());
    // A news preface that names the document (`… ban hành Nghị quyết số 57-NQ/TW
    // (ngày 22/12/2024) của Bộ Chính trị về …`) stands in for the header.
    let preface = (0..lines.len())
        .filter(|&i| content(i))
        .take(3)
        .find_map(|i| RE_PREFACE.captures(lines[i].text));
    if let Some(c) = preface {
        h.kind = kind_from_word(&c[1]);
        h.number = Some(c[2].trim_end_matches('.').to_string());
        h.date = iso_date(&c[5], &c[4], &c[3]);
        h.issuer = Some(c[6].to_string());
        h.title = Some(format!("{} {}", &c[1], c[7].trim_end_matches(['.', ' '])));
        h.diagnostics
            .push("kind, number, date, issuer and title taken from the preface".to_string());
    }
    finish(h, text)
}

/// Reads the title block after the kind line: subject lines, the restated issuing body, the term.
pub(super) fn read_title_block(lines: &[Line<'_>], furn: &[bool], from: usize, h: &mut Header) {
    let mut title: Vec<&str> = Vec::new();
    let mut i = from;
    let mut in_paren = false;
    let mut last_sentence_open = false;
    let mut sentence_lines = 0;
    let mut gap = false;
    while i < lines.len() {
        let l = &lines[i];
        if l.is_blank() || furn[i] {
            gap |= l.is_blank();
            i += 1;
            continue;
        }
        let t = l.text;
        // After a blank line, a sentence-case line under a title opens the body (`Thực hiện …`);
        // a line in lower case (`nhiệm kỳ 2020 - 2025`) or after a comma still continues it.
        let continues = starts_lower(t) || title.last().is_some_and(|l| l.ends_with(','));
        if gap && !title.is_empty() && !is_upper(t) && !continues && !in_paren {
            break;
        }
        gap = false;
        if is_separator(t) {
            i = rule_under_title(lines, furn, i, h);
            break;
        }
        if opens_body(t) && !in_paren {
            break;
        }
        // An upper-case line under a sentence-case title names the enacting authority
        // (`GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH LÀO CAI`, `CHÍNH PHỦ`): a header line, not the title's.
        if is_upper(t) && !in_paren && !title.is_empty() && title.iter().all(|l| !is_upper(l)) {
            h.lines.push(t.to_string());
            if h.issuer.is_none() {
                h.issuer = Some(t.to_string());
            }
            i += 1;
            break;
        }
        // A sentence-case subject continues while it has not ended with a full stop.
        let accept = in_paren
            || t.starts_with('(')
            || !t.chars().any(char::is_lowercase)
            || title.is_empty()
            || (last_sentence_open && sentence_lines < 5);
        if !accept {
            break;
        }
        if !is_upper(t) {
            sentence_lines += 1;
        }
        if t.starts_with('(') {
            in_paren = true;
        }
        if in_paren && t.contains(')') {
            // `(… thông qua ngày …)` closes the title; an upper-case line after it heads the
            // preamble (`ĐẢNG VÀ NHỮNG VẤN ĐỀ CƠ BẢN …` in the Party statute).
            title.push(t);
            h.lines.push(t.to_string());
            i += 1;
            break;
        }
        last_sentence_open = !is_upper(t) && !ends_terminal(t);
        title.push(t);
        h.lines.push(t.to_string());
        i += 1;
    }
    h.body_start = i;
    set_title(title, h);
}

/// A rule (line `i`) under the title: it closes the title block, and takes the restated issuing
/// body if one follows. Returns the index the body starts at.
fn rule_under_title(lines: &[Line<'_>], furn: &[bool], i: usize, h: &mut Header) -> usize {
    h.lines.push(lines[i].text.to_string());
    // A rule under the title closes the block, unless the restated body follows.
    let next = (i + 1..lines.len()).find(|&j| !lines[j].is_blank() && !furn[j]);
    match next {
        Some(j) if is_upper(lines[j].text) && marker(lines[j].text).is_none() => {
            h.lines.push(lines[j].text.to_string());
            if h.issuer.is_none() {
                h.issuer = Some(lines[j].text.to_string());
            }
            j + 1
        }
        _ => i + 1,
    }
}

/// Whether a line opens the body, not the title: a numbered line, the preamble's `Căn cứ …`,
/// `Xét …`, the formula, the recipients or the addressee.
fn opens_body(t: &str) -> bool {
    marker(t).is_some()
        || t.starts_with("Căn cứ")
        || t.starts_with("QUYẾT NGHỊ")
        || t.starts_with("Xét ")
        || t.starts_with("Nơi nhận")
        || t.starts_with("Kính gửi")
}

/// Sets the title from the title lines, less a last line that restates the issuing body, and
/// the term it names.
fn set_title(mut title: Vec<&str>, h: &mut Header) {
    // The last title line may restate the issuing body (`CHÍNH PHỦ`, `QUỐC HỘI`).
    if title.len() >= 2 {
        let last = title[title.len() - 1];
        let same = h
            .issuer
            .as_deref()
            .is_some_and(|iss| iss.eq_ignore_ascii_case(last) || iss.to_uppercase() == last);
        let short_body =
            h.issuer.is_none() && is_upper(last) && last.split_whitespace().count() <= 6;
        if same || short_body {
            title.pop();
            if h.issuer.is_none() {
                h.issuer = Some(last.to_string());
            }
        }
    }
    let joined = title.iter().map(|t| t.trim()).collect::<Vec<_>>().join(" ");
    let joined = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(c) = RE_TERM.captures(&joined) {
        h.term = Some(format!("{} - {}", &c[1], &c[2]));
    }
    if !joined.is_empty() {
        h.title = Some(joined.trim_end_matches([',', ' ']).to_string());
    }
}

/// Reads a one-line sentence title: `Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về …`.
pub(super) fn read_sentence_title(t: &str, h: &mut Header) {
    let Some(c) = RE_SENTENCE_TITLE.captures(t) else {
        return;
    };
    h.kind = kind_from_word(&c[1]);
    h.number = Some(c[2].trim_end_matches('.').to_string());
    if let Some(d) = RE_SLASH_DATE.captures(t) {
        h.date = iso_date(&d[3], &d[2], &d[1]);
    }
    if let Some(i) = RE_OF_ISSUER.captures(t) {
        h.issuer = Some(i[1].to_string());
    }
    h.title = Some(t.to_string());
}

/// The kind a sentence-case kind word names (`Nghị quyết` → resolution).
fn kind_from_word(word: &str) -> Option<DocKind> {
    Some(match word {
        "Nghị quyết" => DocKind::Resolution,
        "Kết luận" => DocKind::Conclusion,
        "Quy định" => DocKind::Regulation,
        "Chỉ thị" => DocKind::Directive,
        "Quyết định" => DocKind::Decision,
        "Chương trình hành động" => DocKind::ActionProgramme,
        _ => return None,
    })
}
