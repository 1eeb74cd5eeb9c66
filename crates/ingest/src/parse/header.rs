//! The header and title block: document kind, number, issuing body, place, date, title and term,
//! read from a two-column header that may arrive flattened and split across lines.

use std::sync::LazyLock;

use regex::Regex;

use super::lines::{Line, ends_terminal, is_separator, is_upper, marker};
use crate::model::DocKind;

/// What the header gave, and where the body starts.
#[derive(Debug, Default)]
pub(crate) struct Header {
    pub kind: Option<DocKind>,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub place: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub term: Option<String>,
    /// Index of the first body line.
    pub body_start: usize,
    /// Header and title lines, as written.
    pub lines: Vec<String>,
    pub diagnostics: Vec<String>,
}

/// Title lines that name the document kind, upper case as printed.
const KIND_TITLES: [(&str, DocKind); 10] = [
    ("NGHỊ QUYẾT", DocKind::Resolution),
    ("KẾT LUẬN", DocKind::Conclusion),
    ("QUY ĐỊNH", DocKind::Regulation),
    ("ĐIỀU LỆ", DocKind::Statute),
    ("CHỈ THỊ", DocKind::Directive),
    ("QUYẾT ĐỊNH", DocKind::Decision),
    ("CHƯƠNG TRÌNH HÀNH ĐỘNG", DocKind::ActionProgramme),
    ("BÁO CÁO", DocKind::Report),
    ("BÁO CÁO CHÍNH TRỊ", DocKind::Report),
    ("QUY CHẾ", DocKind::Regulation),
];

/// Phrases of the right-hand column that name no issuer.
const MOTTOS: [&str; 5] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ĐỘC LẬP - TỰ DO - HẠNH PHÚC",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
];

static RE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)Số\s*:?\s*(\d[\p{L}\p{N}/\-.]*[\p{L}\p{N}])").expect("valid regex")
});
static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(.+?)\s*,\s*)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
        .expect("valid regex")
});
static RE_TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)nhiệm kỳ\s+(\d{4})\s*[-–]\s*(\d{4})").expect("valid regex"));
static RE_SENTENCE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
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
static RE_PASSED_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"thông qua ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
        .expect("valid regex")
});

/// Reads the header of `lines` (furniture already marked in `furn`).
pub(crate) fn parse(lines: &[Line<'_>], furn: &[bool], text: &str) -> Header {
    let mut h = Header::default();
    let content = |i: usize| !lines[i].is_blank() && !furn[i];
    let limit = lines.len().min(80);
    let kind_line = (0..limit).filter(|&i| content(i)).find_map(|i| {
        KIND_TITLES
            .iter()
            .find(|(t, _)| lines[i].text == *t)
            .map(|&(_, k)| (i, k))
    });
    match kind_line {
        Some((k, kind)) => {
            h.kind = Some(kind);
            let pre: Vec<usize> = (0..k).filter(|&i| content(i)).collect();
            read_columns(lines, &pre, &mut h);
            for &i in &pre {
                h.lines.push(lines[i].text.to_string());
            }
            h.lines.push(lines[k].text.to_string());
            read_title_block(lines, furn, k + 1, &mut h);
        }
        None => {
            let first = (0..lines.len()).find(|&i| content(i));
            if let Some(i) = first.filter(|&i| RE_SENTENCE_TITLE.is_match(lines[i].text)) {
                read_sentence_title(lines[i].text, &mut h);
                h.lines.push(lines[i].text.to_string());
                h.body_start = i + 1;
            } else {
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
                    h.diagnostics.push(
                        "kind, number, date, issuer and title taken from the preface".to_string(),
                    );
                }
            }
        }
    }
    if h.date.is_none()
        && let Some(c) = RE_PASSED_ON.captures(text)
    {
        h.date = iso_date(&c[3], &c[2], &c[1]);
        h.diagnostics.push(
            "no date in the header: date taken from the closing `thông qua ngày …` formula"
                .to_string(),
        );
    }
    h
}

/// Reads number, place, date and issuer from the lines before the kind line.
fn read_columns(lines: &[Line<'_>], pre: &[usize], h: &mut Header) {
    let mut used = vec![false; pre.len()];
    // Number: `Số 09-NQ/ĐH`, `Số: 03/NQ-CP`, or `Số:` with the number on the next line.
    for j in 0..pre.len() {
        let t = lines[pre[j]].text;
        if !(t.starts_with("Số") || t.contains(" Số")) {
            continue;
        }
        let joined = match pre.get(j + 1) {
            Some(&n) if t.trim_end().ends_with(':') || t.trim() == "Số" => {
                used[j + 1] = true;
                format!("{t} {}", lines[n].text)
            }
            _ => t.to_string(),
        };
        if let Some(c) = RE_NUMBER.captures(&joined) {
            h.number = Some(c[1].trim_end_matches('.').to_string());
            used[j] = true;
            // A flattened line can carry the left column before `Số`.
            let before = t[..t.find("Số").unwrap_or(0)].trim();
            if !before.is_empty() {
                used[j] = false;
            }
            break;
        }
        used[j] = false;
        if j + 1 < pre.len() {
            used[j + 1] = false;
        }
    }
    // Place and date, also split over two lines (`Hà Nội, ngày 19` / `tháng 11 năm 2025`,
    // `Thành phố Huế,` / `ngày 18 tháng 11 năm 2025`).
    for j in 0..pre.len() {
        let t = lines[pre[j]].text;
        if !t.contains("ngày") {
            continue;
        }
        let from = t.find(|c: char| !c.is_whitespace()).unwrap_or(0);
        let mut joined = t[from..].to_string();
        let mut next_used = false;
        if let Some(&n) = pre.get(j + 1)
            && !RE_DATE.is_match(&joined)
        {
            joined = format!("{joined} {}", lines[n].text);
            next_used = true;
        }
        // The date may follow a flattened left column on the same line; try each `, ngày`.
        let Some(c) = RE_DATE.captures(&joined) else {
            continue;
        };
        h.date = iso_date(&c[4], &c[3], &c[2]);
        let mut place = c.get(1).map(|m| m.as_str().trim().to_string());
        if place.is_none() && j > 0 && lines[pre[j - 1]].text.ends_with(',') && !used[j - 1] {
            place = Some(
                lines[pre[j - 1]]
                    .text
                    .trim_end_matches(',')
                    .trim()
                    .to_string(),
            );
            used[j - 1] = true;
        }
        if let Some(p) = &place {
            // A flattened line: keep only the words after the motto or issuer.
            let p = strip_mottos(p);
            h.place = Some(p.trim().to_string()).filter(|p| !p.is_empty());
        }
        used[j] = true;
        if next_used {
            used[j + 1] = true;
        }
        break;
    }
    // Issuer: what is left, without mottos and separators.
    let mut parts: Vec<&str> = Vec::new();
    for (j, &i) in pre.iter().enumerate() {
        let t = lines[i].text;
        if used[j] || is_separator(t) {
            continue;
        }
        let t = match t.find("Số") {
            Some(at) if at > 0 && RE_NUMBER.is_match(&t[at..]) => t[..at].trim(),
            _ => t,
        };
        parts.push(t);
    }
    let joined = parts.join(" ");
    let mut issuer = strip_mottos(&joined);
    // The Gazette prints the issuer twice (`CHÍNH PHỦ CHÍNH PHỦ`).
    let words: Vec<&str> = issuer.split_whitespace().collect();
    if words.len() >= 2
        && words.len().is_multiple_of(2)
        && words[..words.len() / 2] == words[words.len() / 2..]
    {
        issuer = words[..words.len() / 2].join(" ");
    }
    if !issuer.is_empty() {
        h.issuer = Some(issuer);
    }
}

/// Removes the national and Party mottos from a flattened header text; collapses spaces.
fn strip_mottos(s: &str) -> String {
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for m in MOTTOS {
        s = s.replace(m, " ");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the title block after the kind line: subject lines, the restated issuing body, the term.
fn read_title_block(lines: &[Line<'_>], furn: &[bool], from: usize, h: &mut Header) {
    let mut title: Vec<&str> = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    let mut i = from;
    let mut in_paren = false;
    let mut last_sentence_open = false;
    let mut sentence_lines = 0;
    while i < lines.len() {
        let l = &lines[i];
        if l.is_blank() || furn[i] {
            i += 1;
            continue;
        }
        let t = l.text;
        if is_separator(t) {
            h.lines.push(t.to_string());
            i += 1;
            // A rule under the title closes the block, unless the restated body follows.
            let next = (i..lines.len()).find(|&j| !lines[j].is_blank() && !furn[j]);
            match next {
                Some(j) if is_upper(lines[j].text) && marker(lines[j].text).is_none() => {
                    taken.push(j);
                    h.lines.push(lines[j].text.to_string());
                    if h.issuer.is_none() {
                        h.issuer = Some(lines[j].text.to_string());
                    }
                    i = j + 1;
                }
                _ => {}
            }
            break;
        }
        let opens_body = marker(t).is_some()
            || t.starts_with("Căn cứ")
            || t.starts_with("QUYẾT NGHỊ")
            || t.starts_with("Xét ")
            || t.starts_with("Nơi nhận");
        if opens_body && !in_paren {
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
            taken.push(i);
            h.lines.push(t.to_string());
            i += 1;
            break;
        }
        last_sentence_open = !is_upper(t) && !ends_terminal(t);
        title.push(t);
        taken.push(i);
        h.lines.push(t.to_string());
        i += 1;
    }
    h.body_start = i;
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
fn read_sentence_title(t: &str, h: &mut Header) {
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

/// `2020`, `10`, `15` → `2020-10-15`; `None` for an impossible date.
pub(crate) fn iso_date(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The document number the corpus file name encodes (`57-NQ-TW` → `57-NQ/TW`,
/// `198-2025-QH15` → `198/2025/QH15`), for documents whose header lost it.
pub(crate) fn number_from_stem(stem: &str) -> Option<String> {
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

/// The kind a number's type code names (`NQ` → resolution, `KL` → conclusion …).
pub(crate) fn kind_from_number(number: &str) -> Option<DocKind> {
    let upper = number.to_uppercase();
    let codes = upper.split(['-', '/']).collect::<Vec<_>>();
    codes.iter().find_map(|c| match *c {
        "NQ" => Some(DocKind::Resolution),
        "KL" => Some(DocKind::Conclusion),
        "CT" => Some(DocKind::Directive),
        "CTR" => Some(DocKind::ActionProgramme),
        "QĐI" | "QĐ" | "QD" => Some(if upper.ends_with("/TW") {
            DocKind::Regulation
        } else {
            DocKind::Decision
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_file_stems() {
        assert_eq!(number_from_stem("57-NQ-TW").as_deref(), Some("57-NQ/TW"));
        assert_eq!(
            number_from_stem("198-2025-QH15").as_deref(),
            Some("198/2025/QH15")
        );
        assert_eq!(number_from_stem("Dieu-le-Dang-2011"), None);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date("2020", "10", "15").as_deref(), Some("2020-10-15"));
        assert_eq!(iso_date("2025", "4", "6").as_deref(), Some("2025-04-06"));
        assert_eq!(iso_date("2025", "13", "6"), None);
    }
}
