//! Lines of a stored text: their spans, page furniture, item and heading markers, and the
//! wrap width that tells a hard-wrapped line from the end of a paragraph.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// One line of the stored text, trimmed on both sides; `start..end` is the trimmed span.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// Byte offset of the first non-space character.
    pub start: usize,
    /// Byte offset just past the last non-space character.
    pub end: usize,
    /// The trimmed text.
    pub text: &'a str,
}

impl Line<'_> {
    /// Whether the line has no text.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Splits a stored text into lines with their trimmed spans.
pub(crate) fn split(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    // `text.split('\n')`, with the line breaks found by a SIMD search.
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    for raw in ends.map(|end| {
        let raw = &text[from..end];
        from = end + 1;
        raw
    }) {
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let start = offset + lead;
        out.push(Line {
            start,
            end: start + trimmed.len(),
            text: trimmed,
        });
        offset += raw.len() + 1;
    }
    out
}

static GAZETTE_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^CÔNG BÁO\s*/\s*Số").expect("valid regex"));
static RE_STAMP_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Người ký|Ký bởi)\s*:").expect("valid regex"));
static RE_STAMP_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Email|Cơ quan|Thời gian ký|Ngày ký)\s*:").expect("valid regex")
});
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,4}|-\s*\d{1,4}\s*-|Trang \d{1,4})$").expect("valid regex")
});

/// Whether a line is a running head of the Official Gazette (`CÔNG BÁO/Số …`); the pattern
/// only for the lines that start like one (most lines are asked, few are heads).
fn is_gazette_head(t: &str) -> bool {
    (t.starts_with("CÔNG BÁO") && GAZETTE_HEAD.is_match(t))
        // The Gazette's note at the foot of an issue that a document goes on in the next one.
        || (t.starts_with("(Xem tiếp Công báo") && t.ends_with(')'))
}

/// Whether a line is a page number (`12`, `- 3 -`, `Trang 4`); the pattern only for the lines
/// that start like one.
fn is_page_number(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == 'T') && PAGE_NUMBER.is_match(t)
}

/// Marks the lines that are page furniture: running Official Gazette heads (`CÔNG BÁO/Số …`),
/// the page numbers printed next to them, and the Gazette's own section titles.
pub(crate) fn furniture(lines: &[Line<'_>]) -> Vec<bool> {
    let mut furn: Vec<bool> = lines.iter().map(|l| is_gazette_head(l.text)).collect();
    let gazette = furn.iter().any(|&f| f);
    for i in 0..lines.len() {
        let t = lines[i].text;
        if !is_page_number(t) {
            continue;
        }
        // `- 3 -` is a page number anywhere; a bare number only next to a running head, since
        // tables carry bare row numbers too.
        if t.starts_with('-') || t.starts_with("Trang") || near_head(lines, i) {
            furn[i] = true;
        }
    }
    // An extraction may print a page's number twice or thrice (`6`, `6`, then the head): the
    // same number on the non-blank lines right before or after one found is the same furniture.
    // Only the same text: a table's row numbers (`1`, `2`, `3`) follow each other, never repeat.
    for i in 0..lines.len() {
        if !furn[i] || !is_page_number(lines[i].text) {
            continue;
        }
        let same = |l: &&Line<'_>| l.text == lines[i].text;
        for j in (0..i).rev().filter(|&j| !lines[j].is_blank()) {
            if !same(&&lines[j]) {
                break;
            }
            furn[j] = true;
        }
        for j in (i + 1..lines.len()).filter(|&j| !lines[j].is_blank()) {
            if !same(&&lines[j]) {
                break;
            }
            furn[j] = true;
        }
    }
    // The stamp of a digital signature printed into the text (`Người ký: …`, `Ký bởi: …`, then
    // `Email:`, `Cơ quan:`, `Thời gian ký:`/`Ngày ký:`).
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].text;
        if (t.starts_with("Người ký") || t.starts_with("Ký bởi")) && RE_STAMP_START.is_match(t)
        {
            furn[i] = true;
            let mut j = i + 1;
            while j < lines.len() && j <= i + 4 && RE_STAMP_LINE.is_match(lines[j].text) {
                furn[j] = true;
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    if gazette {
        for (i, l) in lines.iter().enumerate() {
            if matches!(
                l.text,
                "VĂN BẢN PHÁP LUẬT KHÁC"
                    | "VĂN BẢN QUY PHẠM PHÁP LUẬT"
                    | "VĂN BẢN HỢP NHẤT"
                    | "ĐIỀU ƯỚC QUỐC TẾ"
            ) {
                furn[i] = true;
            }
        }
    }
    furn
}

/// Marks the running heads and feet of a paged source: lines among the first or last two of a
/// page whose text, digits aside (`Trang 3`, `CÔNG BÁO/Số 286 … 17`), comes back on at least a
/// third of the pages (and three). `page_starts` are the pages' start offsets; empty when the
/// source has no pages, and then nothing is marked.
pub(crate) fn running_heads(lines: &[Line<'_>], page_starts: &[usize]) -> Vec<bool> {
    let mut marks = vec![false; lines.len()];
    if page_starts.len() < 2 {
        return marks;
    }
    let shape = |t: &str| -> String {
        t.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    // The candidate lines of each page: its first and last two non-blank lines.
    let mut candidates: Vec<Vec<usize>> = Vec::with_capacity(page_starts.len());
    let mut page = 0;
    let mut on_page: Vec<usize> = Vec::new();
    let edges = |on_page: &[usize]| -> Vec<usize> {
        let n = on_page.len();
        let mut v: Vec<usize> = on_page.iter().take(2).copied().collect();
        v.extend(on_page.iter().skip(n.saturating_sub(2).max(2)).copied());
        v
    };
    for (i, l) in lines.iter().enumerate() {
        while page + 1 < page_starts.len() && l.start >= page_starts[page + 1] {
            candidates.push(edges(&on_page));
            on_page.clear();
            page += 1;
        }
        if !l.is_blank() {
            on_page.push(i);
        }
    }
    candidates.push(edges(&on_page));
    let mut pages_with: std::collections::HashMap<String, usize> = Default::default();
    for c in &candidates {
        let mut seen: Vec<String> = c.iter().map(|&i| shape(lines[i].text)).collect();
        seen.sort();
        seen.dedup();
        for s in seen {
            *pages_with.entry(s).or_default() += 1;
        }
    }
    let need = (candidates.len() / 3).max(3);
    // A note in brackets that every page repeats is a form's stamp box (`(Ký, đóng dấu, họ
    // tên)`), the document's words, not a running head.
    let bracketed = |t: &str| {
        let t = t.trim();
        t.starts_with('(') && t.ends_with(')')
    };
    for (page, c) in candidates.iter().enumerate() {
        for &i in c {
            if (!bracketed(lines[i].text)
                && pages_with
                    .get(&shape(lines[i].text))
                    .is_some_and(|&n| n >= need))
                || numbers_its_page(lines[i].text, page + 1)
            {
                marks[i] = true;
            }
        }
    }
    marks
}

/// Whether a line at the top or foot of page `page` (counted from 1) is that page's number:
/// a short text has too few pages for its numbers to repeat as running heads do, yet `2` alone
/// atop its second page is no clause. One off is allowed (a cover page left unnumbered, or
/// numbered from 0).
fn numbers_its_page(t: &str, page: usize) -> bool {
    if !PAGE_NUMBER.is_match(t) {
        return false;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse::<usize>()
        .is_ok_and(|n| n + 1 >= page && n <= page + 1)
}

/// Whether a running head is within two non-blank lines of line `i`.
fn near_head(lines: &[Line<'_>], i: usize) -> bool {
    let before = lines[..i]
        .iter()
        .rev()
        .filter(|l| !l.is_blank())
        .take(2)
        .any(|l| is_gazette_head(l.text));
    let after = lines[i + 1..]
        .iter()
        .filter(|l| !l.is_blank())
        .take(2)
        .any(|l| is_gazette_head(l.text));
    before || after
}

/// A numbering scheme, of a section heading or of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    /// `Phụ lục I`: an annex; resets the tree.
    Annex,
    /// `Phần I`.
    Part,
    /// `Chương I`.
    Chapter,
    /// `Mục 1`.
    Division,
    /// `Điều 1.`.
    Article,
    /// `A-`, `B.`.
    Letter,
    /// `I.`, `II-`.
    Roman,
    /// `1.`, `2-`.
    Number,
    /// `1.1.`.
    Number2,
    /// `1.1.1.`.
    Number3,
    /// `(1)`, `(a)`.
    Paren,
    /// `a)`, `a.`.
    Alpha,
    /// `-`, `–`.
    Dash,
    /// `+`.
    Plus,
    /// `•`.
    Bullet,
    /// `Một là`, `Hai là`.
    Word,
    /// The number of a table row standing on its own line (`1`, `12`), in a table that
    /// arrived one cell a line.
    Row,
}

impl Scheme {
    /// Whether the scheme numbers sections (as opposed to items, which are always clauses).
    pub fn is_section(self) -> bool {
        matches!(
            self,
            Scheme::Annex
                | Scheme::Part
                | Scheme::Chapter
                | Scheme::Division
                | Scheme::Article
                | Scheme::Letter
                | Scheme::Roman
                | Scheme::Number
                | Scheme::Number2
                | Scheme::Number3
        )
    }

    /// Whether the scheme's label stands on a line of its own and its heading follows on the next
    /// lines (`Chương I` / `QUY ĐỊNH CHUNG`).
    pub fn heading_below(self) -> bool {
        matches!(
            self,
            Scheme::Annex | Scheme::Part | Scheme::Chapter | Scheme::Division | Scheme::Article
        )
    }
}

/// A numbering marker at the start of a line.
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    /// The scheme.
    pub scheme: Scheme,
    /// The label as written, without trailing punctuation for sections (`3.2`, `Điều 3`,
    /// `Chương I`) and with it for items (`(5)`, `a)`, `-`, `Một là`).
    pub label: String,
    /// Byte offset in the line's text where the text after the marker starts.
    pub rest: usize,
}

static RE_ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]+|\d{1,2}|[A-Z]))?\s*$")
        .expect("valid regex")
});
/// `Phụ lục 1: DANH MỤC …`, `Phụ lục: DANH SÁCH …`: an annex's label with its upper-case title
/// on the same line.
static RE_ANNEX_TITLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?(?:[IVXLC]+|\d{1,2}|[A-Z]))?)\s*[:.\-–]\s*")
        .expect("valid regex")
});
static RE_PART_CHAPTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+([IVXLC]+|\d{1,3}|(?i:thứ\s+(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)))\b\s*[.:\-–]?\s*",
    )
        .expect("valid regex")
});
/// A part lettered `A`, `B` (`PHẦN A. MẪU BIỂU …`): the letter must be followed by a stop, so
/// that `Phần A của biểu` stays a sentence.
static RE_PART_LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(Phần|PHẦN)\s+([A-Z])\s*[.:\-–]\s*").expect("valid regex"));
static RE_ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Điều|ĐIỀU)\s+(\d{1,3}[a-z]?)\s*(?:[.:]\s*|$)").expect("valid regex")
});
static RE_NUM3: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})(?:\.|\s*[-–])?\s+(?:\p{Lu}|\p{Ll}|[“\x22(])")
        .expect("valid regex")
});
static RE_NUM2: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}\.\d{1,2})(?:\.|\s*[-–])?\s+(?:\p{Lu}|[“\x22(])").expect("valid regex")
});
static RE_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,3})(?:\s*\.\s*|\s*[-–]\s+)(?:\p{Lu}|[“\x22(]|\p{Ll})").expect("valid regex")
});
static RE_ROMAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([IVX]{1,5})\s*[.\-–]\s*(?:\p{Lu}|[“\x22(])").expect("valid regex")
});
static RE_LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-H])\s*[.\-–]\s+\p{Lu}").expect("valid regex"));
static RE_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\((\d{1,3}|[a-zđ])\)\s*").expect("valid regex"));
static RE_ALPHA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-zđ])\)\s*").expect("valid regex"));
/// A point lettered with a dot (`a. Học viên …`): a capital must follow, as a sentence.
static RE_ALPHA_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-zđ])\.\s+\p{Lu}").expect("valid regex"));
static RE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là\s*[,:]?\s*").expect("valid regex")
});

/// `Phụ lục 1: TITLE`, `Phụ lục: Danh sách …`: an annex's label with its title on the same line,
/// in any case (as a marker only in upper case, see [`marker`]; the body splitter takes a title
/// in sentence case when its `(Kèm theo …)` line follows).
pub(crate) fn titled_annex(t: &str) -> Option<Marker> {
    let c = captures_if(&RE_ANNEX_TITLED, t)?;
    let m = c.get(0).expect("whole match");
    t[m.end()..]
        .starts_with(char::is_uppercase)
        .then(|| Marker {
            scheme: Scheme::Annex,
            label: c[1].split_whitespace().collect::<Vec<_>>().join(" "),
            rest: m.end(),
        })
}

/// Finds the numbering marker at the start of a trimmed line, if any.
// Long on purpose: one case a scheme, in order of precedence, each behind a cheap test of the
// first characters; the order is the rule, and split up it would hide it.
pub(crate) fn marker(t: &str) -> Option<Marker> {
    let first = t.chars().next()?;
    if first == '-' || first == '–' || first == '—' || first == '+' || first == '•' {
        // A run of dashes is a separator, not an item.
        if t.chars().all(|c| matches!(c, '-' | '–' | '—' | '_' | ' ')) {
            return None;
        }
        let scheme = match first {
            '+' => Scheme::Plus,
            '•' => Scheme::Bullet,
            _ => Scheme::Dash,
        };
        let after = &t[first.len_utf8()..];
        let rest = t.len() - after.trim_start().len();
        return Some(Marker {
            scheme,
            label: first.to_string(),
            rest,
        });
    }
    if (first == 'P') && RE_ANNEX.is_match(t) {
        // As written: `Phụ lục II`, `PHỤ LỤC`.
        let label = t.split_whitespace().collect::<Vec<_>>().join(" ");
        return Some(Marker {
            scheme: Scheme::Annex,
            label,
            rest: t.len(),
        });
    }
    if let Some(mk) = (first == 'P')
        .then(|| titled_annex(t))
        .flatten()
        .filter(|mk| is_upper(&t[mk.rest..]))
    {
        return Some(mk);
    }
    // Cheap prefix checks first: a failing `captures` still costs a pass over the line.
    let head_word = ["Phần", "PHẦN", "Chương", "CHƯƠNG", "Mục", "MỤC"]
        .iter()
        .any(|w| t.starts_with(w));
    if let Some(c) = head_word
        .then(|| captures_if(&RE_PART_CHAPTER, t))
        .flatten()
        .filter(|c| !cuts_number(t, c.get(2).map_or(0, |m| m.end())))
        .or_else(|| head_word.then(|| captures_if(&RE_PART_LETTER, t)).flatten())
    {
        let word = &c[1];
        let scheme = match word.chars().next() {
            Some('P') => Scheme::Part,
            Some('C') => Scheme::Chapter,
            _ => Scheme::Division,
        };
        // `Mục tiêu` is not `Mục 1`: the regex already demands a number after the word.
        let m = c.get(0).expect("whole match");
        return Some(Marker {
            scheme,
            label: format!("{word} {}", &c[2]),
            rest: m.end(),
        });
    }
    let article = t.starts_with("Điều") || t.starts_with("ĐIỀU");
    if let Some(c) = article
        .then(|| captures_if(&RE_ARTICLE, t))
        .flatten()
        .filter(|c| !cuts_number(t, c.get(2).map_or(0, |m| m.end())))
    {
        let m = c.get(0).expect("whole match");
        return Some(Marker {
            scheme: Scheme::Article,
            label: format!("Điều {}", &c[2]),
            rest: m.end(),
        });
    }
    if first.is_ascii_digit() {
        // `1.2.3` needs three groups of digits, `1.2` two: most numbered lines skip a pattern.
        let groups = dotted_groups(t);
        for (re, scheme, needs) in [
            (&*RE_NUM3, Scheme::Number3, 3),
            (&*RE_NUM2, Scheme::Number2, 2),
            (&*RE_NUM, Scheme::Number, 1),
        ] {
            if let Some(c) = (groups >= needs).then(|| captures_if(re, t)).flatten() {
                let label = c.get(1).expect("group");
                let rest = rest_after_label(t, label.end());
                return Some(Marker {
                    scheme,
                    label: label.as_str().to_string(),
                    rest,
                });
            }
        }
        return None;
    }
    // A roman numeral or a letter, then punctuation: the patterns only for lines so shaped.
    let punct_after = |rest: &str| rest.trim_start().starts_with(['.', '-', '–']);
    let roman =
        matches!(first, 'I' | 'V' | 'X') && punct_after(t.trim_start_matches(['I', 'V', 'X']));
    if let Some(c) = roman.then(|| captures_if(&RE_ROMAN, t)).flatten() {
        let label = c.get(1).expect("group");
        return Some(Marker {
            scheme: Scheme::Roman,
            label: label.as_str().to_string(),
            rest: rest_after_label(t, label.end()),
        });
    }
    let letter = ('A'..='H').contains(&first) && punct_after(&t[1..]);
    if let Some(c) = letter.then(|| captures_if(&RE_LETTER, t)).flatten() {
        let label = c.get(1).expect("group");
        return Some(Marker {
            scheme: Scheme::Letter,
            label: label.as_str().to_string(),
            rest: rest_after_label(t, label.end()),
        });
    }
    if let Some(c) = (first == '(').then(|| captures_if(&RE_PAREN, t)).flatten() {
        let m = c.get(0).expect("whole match");
        return Some(Marker {
            scheme: Scheme::Paren,
            label: format!("({})", &c[1]),
            rest: m.end(),
        });
    }
    let alpha = t.chars().nth(1) == Some(')');
    if let Some(c) = alpha.then(|| captures_if(&RE_ALPHA, t)).flatten() {
        let m = c.get(0).expect("whole match");
        return Some(Marker {
            scheme: Scheme::Alpha,
            label: format!("{})", &c[1]),
            rest: m.end(),
        });
    }
    let alpha_dot = t.chars().nth(1) == Some('.');
    if let Some(c) = alpha_dot.then(|| captures_if(&RE_ALPHA_DOT, t)).flatten() {
        return Some(Marker {
            scheme: Scheme::Alpha,
            label: format!("{}.", &c[1]),
            rest: rest_after_label(t, c.get(1).expect("group").end()),
        });
    }
    // `Một là`: ` là` within the first words; the search reads no further than that.
    let head = (12..t.len())
        .find(|&i| t.is_char_boundary(i))
        .unwrap_or(t.len());
    let word = t[..head].find(" là").is_some_and(|at| at <= 8);
    if let Some(c) = word.then(|| captures_if(&RE_WORD, t)).flatten() {
        let m = c.get(0).expect("whole match");
        return Some(Marker {
            scheme: Scheme::Word,
            label: format!("{} là", &c[1]),
            rest: m.end(),
        });
    }
    None
}

/// `re`'s captures in `t`, asked only when `re` matches: the lazy DFA answers whether it
/// matches, and a failed search for captures, in a slower engine, costs several times more.
pub(crate) fn captures_if<'t>(re: &Regex, t: &'t str) -> Option<Captures<'t>> {
    if re.is_match(t) { re.captures(t) } else { None }
}

/// How many groups of digits joined by single dots a text starts with (`1.2.3. …` → 3,
/// `12. …` → 1): a numbered scheme's pattern needs as many. Any numeric character counts, as
/// the patterns' `\d` is Unicode's.
fn dotted_groups(t: &str) -> usize {
    let mut chars = t.chars().peekable();
    let mut groups = 0;
    loop {
        let mut digits = 0;
        while chars.next_if(|c| c.is_numeric()).is_some() {
            digits += 1;
        }
        if digits == 0 {
            return groups;
        }
        groups += 1;
        if chars.next_if_eq(&'.').is_none() {
            return groups;
        }
    }
}

/// Whether a label ending at `end` would cut a number in two (`Chương 3.1`, `Điều 2,5`): the
/// words of the text and of the label must stay the same words.
fn cuts_number(t: &str, end: usize) -> bool {
    let mut rest = t[end..].chars();
    matches!(rest.next(), Some('.' | ',')) && rest.next().is_some_and(|c| c.is_ascii_digit())
}

/// The offset after a section label's punctuation (`.`, `-`, `–`) and spaces.
fn rest_after_label(t: &str, label_end: usize) -> usize {
    let after = t[label_end..].trim_start_matches([' ', '\t']);
    let after = after
        .strip_prefix(['.', '-', '–'])
        .unwrap_or(after)
        .trim_start_matches([' ', '\t']);
    t.len() - after.len()
}

/// Whether a text has letters and none of them is lower case (`QUY ĐỊNH CHUNG`, `2025`-free
/// headings); digits and punctuation do not count.
pub(crate) fn is_upper(t: &str) -> bool {
    let mut letters = false;
    for c in t.chars() {
        if c.is_lowercase() {
            return false;
        }
        letters |= c.is_alphabetic();
    }
    letters
}

/// Whether a line is a separator rule (`-----`, `_____`, `*`).
pub(crate) fn is_separator(t: &str) -> bool {
    // A lone `=` is a formula's sign on a line of its own, not a rule.
    !t.is_empty()
        && t.trim() != "="
        && t.chars()
            .all(|c| matches!(c, '-' | '–' | '—' | '_' | '*' | '=' | ' ' | '.'))
}

/// Whether a text ends a sentence or a lead-in: `.`, `:`, `;`, `!`, `?`, ignoring closing
/// quotes, brackets and the `./.` end mark.
pub(crate) fn ends_terminal(t: &str) -> bool {
    let t = t.trim_end_matches(['”', '"', '’', ')', ']', ' ', '/']);
    t.ends_with(['.', ':', ';', '!', '?', '…'])
}

/// Whether a text starts with a lower-case letter (the continuation of a wrapped sentence).
pub(crate) fn starts_lower(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_lowercase)
}

/// How a text is hard-wrapped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wrap {
    /// The typical full line, in characters (90th percentile of line lengths).
    pub width: usize,
    /// The longest line a wrapping tool allowed (99th percentile).
    pub max: usize,
    /// Whether the wrap is greedy (a tool filling each line to `max`): then a line broke at a
    /// wrap exactly when the next word would not have fit on it.
    pub greedy: bool,
    /// How many characters short of `width` a wrapped line may end although the next word
    /// would have fit, as proportional type allows (from the document's own sure wraps).
    pub slack: usize,
}

/// The wrap of a hard-wrapped text, or `None` when lines are whole paragraphs.
pub(crate) fn wrap_width(lines: &[Line<'_>]) -> Option<Wrap> {
    // Each line's length in characters, counted once.
    let counts: Vec<usize> = lines.iter().map(|l| l.text.chars().count()).collect();
    let mut lens: Vec<usize> = lines
        .iter()
        .zip(&counts)
        .filter(|(l, _)| !l.is_blank())
        .map(|(_, &n)| n)
        .collect();
    if lens.len() < 10 {
        return None;
    }
    lens.sort_unstable();
    let width = lens[lens.len() * 9 / 10];
    let max = lens[lens.len() * 99 / 100];
    if width > 110 {
        return None;
    }
    // Greedy when, at the breaks that are surely wraps (the next line goes on in lower case),
    // the next word almost never had room.
    let (mut wraps, mut roomy) = (0usize, 0usize);
    let mut short: Vec<usize> = Vec::new();
    for (pair, &a_len) in lines.windows(2).zip(&counts) {
        let (a, b) = (pair[0].text, pair[1].text);
        if a.is_empty() || !starts_lower(b) || ends_terminal(a) {
            continue;
        }
        wraps += 1;
        let word = b.split_whitespace().next().map_or(0, |w| w.chars().count());
        let len = a_len + 1 + word;
        if len <= max {
            roomy += 1;
        }
        short.push(width.saturating_sub(len));
    }
    // The slack is what the shortest tenth of the sure wraps fell short by; table cells one a
    // line (far shorter) say nothing about type, hence the cap.
    short.sort_unstable();
    let slack = short.get(short.len() * 9 / 10).copied().unwrap_or(0).min(8);
    Some(Wrap {
        width: width.max(20),
        max,
        greedy: wraps >= 5 && roomy * 20 <= wraps,
        slack,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t: &str) -> Option<(Scheme, String, String)> {
        marker(t).map(|m| (m.scheme, m.label, t[m.rest..].to_string()))
    }

    #[test]
    fn recognises_every_numbering_scheme() {
        let cases = [
            (
                "Phần I. NHỮNG VẤN ĐỀ CHUNG",
                Scheme::Part,
                "Phần I",
                "NHỮNG VẤN ĐỀ CHUNG",
            ),
            ("Chương I", Scheme::Chapter, "Chương I", ""),
            (
                "PHẦN B. MẪU BIỂU NGÀNH",
                Scheme::Part,
                "PHẦN B",
                "MẪU BIỂU NGÀNH",
            ),
            ("PHẦN THỨ NHẤT", Scheme::Part, "PHẦN THỨ NHẤT", ""),
            (
                "CHƯƠNG II: TỔ CHỨC",
                Scheme::Chapter,
                "CHƯƠNG II",
                "TỔ CHỨC",
            ),
            ("Mục 2. Quyền hạn", Scheme::Division, "Mục 2", "Quyền hạn"),
            ("Điều 3. Hiệu lực", Scheme::Article, "Điều 3", "Hiệu lực"),
            ("Điều 12.", Scheme::Article, "Điều 12", ""),
            ("A- Tán thành", Scheme::Letter, "A", "Tán thành"),
            ("B. Thông qua", Scheme::Letter, "B", "Thông qua"),
            ("a. Về hồ sơ", Scheme::Alpha, "a.", "Về hồ sơ"),
            ("đ. Học viên", Scheme::Alpha, "đ.", "Học viên"),
            ("I. Về đánh giá", Scheme::Roman, "I", "Về đánh giá"),
            (
                "IV- TỔ CHỨC THỰC HIỆN",
                Scheme::Roman,
                "IV",
                "TỔ CHỨC THỰC HIỆN",
            ),
            (
                "1. Mục tiêu tổng quát",
                Scheme::Number,
                "1",
                "Mục tiêu tổng quát",
            ),
            ("2- Những hạn chế", Scheme::Number, "2", "Những hạn chế"),
            ("3.2. Đẩy mạnh", Scheme::Number2, "3.2", "Đẩy mạnh"),
            ("2.1- Đổi mới", Scheme::Number2, "2.1", "Đổi mới"),
            ("1.1.2. Xây dựng", Scheme::Number3, "1.1.2", "Xây dựng"),
            ("(5) Tốc độ tăng", Scheme::Paren, "(5)", "Tốc độ tăng"),
            ("a) Nhiều cấp uỷ", Scheme::Alpha, "a)", "Nhiều cấp uỷ"),
            ("- Ban Bí thư", Scheme::Dash, "-", "Ban Bí thư"),
            ("+ Tăng cường", Scheme::Plus, "+", "Tăng cường"),
            ("• Dữ liệu", Scheme::Bullet, "•", "Dữ liệu"),
            (
                "Một là, thường xuyên",
                Scheme::Word,
                "Một là",
                "thường xuyên",
            ),
            ("Phụ lục II", Scheme::Annex, "Phụ lục II", ""),
            (
                "Phụ lục 1: DANH MỤC NHIỆM VỤ",
                Scheme::Annex,
                "Phụ lục 1",
                "DANH MỤC NHIỆM VỤ",
            ),
            ("Phụ lục: DANH SÁCH", Scheme::Annex, "Phụ lục", "DANH SÁCH"),
        ];
        for (line, scheme, label, rest) in cases {
            assert_eq!(
                m(line),
                Some((scheme, label.to_string(), rest.to_string())),
                "{line}"
            );
        }
    }

    /// The cheap tests before the numbering patterns hold wherever a pattern matches: on every
    /// line of the corpus and the development set and on labels with other digits.
    #[test]
    fn every_line_a_pattern_matches_passes_its_cheap_test() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut lines: Vec<String> = [
            "1.٢.3. Xây",
            "1.2- Đổi",
            "IV - TỔ",
            "B .  Thông",
            "Bảy là, x",
        ]
        .map(String::from)
        .to_vec();
        for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    let text = std::fs::read_to_string(&path).expect("text");
                    lines.extend(text.lines().map(|l| l.trim().to_string()));
                }
            }
        }
        let punct_after = |rest: &str| rest.trim_start().starts_with(['.', '-', '–']);
        let mut matched = 0;
        for t in &lines {
            let t = t.as_str();
            if RE_NUM3.is_match(t) || RE_NUM2.is_match(t) {
                let needs = if RE_NUM3.is_match(t) { 3 } else { 2 };
                assert!(dotted_groups(t) >= needs, "{t}");
                matched += 1;
            }
            if RE_ROMAN.is_match(t) {
                assert!(punct_after(t.trim_start_matches(['I', 'V', 'X'])), "{t}");
            }
            if RE_LETTER.is_match(t) {
                assert!(punct_after(&t[1..]), "{t}");
            }
            if RE_WORD.is_match(t) {
                let head = (12..t.len())
                    .find(|&i| t.is_char_boundary(i))
                    .unwrap_or(t.len());
                assert!(t[..head].contains(" là"), "{t}");
            }
        }
        assert!(matched > 40, "{matched} lines numbered 1.1 or 1.1.1");
    }

    #[test]
    fn ignores_what_only_looks_like_a_marker() {
        for line in [
            "Mục tiêu tổng quát",
            "2020 - 2025",
            "1.000 tỷ đồng",
            "-----",
            "Chương trình hành động",
            "Điều lệ Đảng",
            "Năm 2025 là",
            "Chương 3.1.",
            "Điều 2,5 lần",
            "Phần A của biểu",
        ] {
            assert!(marker(line).is_none(), "{line}");
        }
    }

    #[test]
    fn finds_gazette_furniture() {
        let text = "CÔNG BÁO/Số 238/Ngày 21-04-2026\n92\n\nCHÍNH PHỦ\n7\nDữ liệu";
        let lines = split(text);
        let f = furniture(&lines);
        assert_eq!(f, vec![true, true, false, false, false, false]);
    }

    /// Every section banner of the Gazette is furniture in a Gazette print, the treaties' one too.
    #[test]
    fn gazette_section_banners_are_furniture() {
        let text = "68\nCÔNG BÁO/Số 577 + 578/Ngày 07-3-2023\nĐIỀU ƯỚC QUỐC TẾ\nVĂN BẢN HỢP NHẤT\nĐIỀU ƯỚC";
        let f = furniture(&split(text));
        assert_eq!(f, vec![true, true, true, true, false]);
        // Outside a Gazette print the same words are text.
        assert_eq!(
            furniture(&split("ĐIỀU ƯỚC QUỐC TẾ\nDữ liệu")),
            vec![false, false]
        );
    }

    #[test]
    fn running_heads_of_a_paged_source_are_furniture() {
        let mut text = String::new();
        let mut starts = Vec::new();
        let bodies = [
            ("Mở đầu về kinh tế.", "Tiếp theo về đầu tư."),
            ("Về văn hóa, xã hội.", "Giáo dục và y tế."),
            ("Về quốc phòng.", "An ninh trật tự."),
            ("Về đối ngoại.", "Hội nhập quốc tế."),
        ];
        for (p, (a, b)) in bodies.iter().enumerate() {
            starts.push(text.len());
            text.push_str(&format!("BÁO CÁO TỔNG KẾT\n{a}\n{b}\nTrang {}\n", p + 1));
        }
        let lines = split(&text);
        let marks = running_heads(&lines, &starts);
        let marked: Vec<&str> = lines
            .iter()
            .zip(&marks)
            .filter(|(_, m)| **m)
            .map(|(l, _)| l.text)
            .collect();
        assert_eq!(marked.len(), 8, "{marked:?}");
        assert!(
            marked
                .iter()
                .all(|t| t.starts_with("BÁO CÁO") || t.starts_with("Trang"))
        );
        // Without pages nothing is marked.
        assert!(!running_heads(&lines, &[]).contains(&true));
    }
}
