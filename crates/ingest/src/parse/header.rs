//! The header and title block: document kind, number, issuing body, place, date, title and term.
//!
//! Read from the header's layout, not from a list of kinds: the issuing-body block (upper-case
//! lines, a rule or `*` under it), the `Số …` line (also a draft's blank number), the motto
//! block, the place-and-date line, then the kind line and the title block under it. The two
//! columns may arrive line after line, interleaved, flattened side by side with runs of spaces,
//! or as the cells of pipe rows; each line is read piece by piece (see `pieces`). A kind the
//! list does not know is kept as written (`kind_name`), its kind `other`; the number's type code
//! is the fallback kind.
use std::sync::LazyLock;

use regex::Regex;

use super::lines::{Line, is_separator, is_upper, marker};
use crate::model::DocKind;

mod attached;
mod title;

pub(crate) use attached::{Attached, attached_headers};
use title::{RE_SENTENCE_TITLE, no_header, read_sentence_title, read_title_block};

/// What the header gave, and where the body starts.
#[derive(Debug, Default)]
pub(crate) struct Header {
    pub kind: Option<DocKind>,
    /// The kind line (or the kind words of a `Công văn số …` line) as written.
    pub kind_name: Option<String>,
    pub number: Option<String>,
    /// The type code of a number left blank in a draft (`Số:      /KH-SCT` → `/KH-SCT`).
    pub blank_number: Option<String>,
    pub issuer: Option<String>,
    pub place: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub term: Option<String>,
    /// Index of the first body line.
    pub body_start: usize,
    /// Index of the kind line, where the header has one: its title block starts there.
    pub kind_line: Option<usize>,
    /// Header and title lines, as written.
    pub lines: Vec<String>,
    pub diagnostics: Vec<String>,
}

/// Kind words as printed (upper case), longest first where one starts another.
const KIND_TITLES: [(&str, DocKind); 23] = [
    ("CHƯƠNG TRÌNH HÀNH ĐỘNG", DocKind::ActionProgramme),
    ("BÁO CÁO CHÍNH TRỊ", DocKind::Report),
    ("THÔNG BÁO KẾT LUẬN", DocKind::Notice),
    ("THÔNG TƯ LIÊN TỊCH", DocKind::Circular),
    ("NGHỊ QUYẾT", DocKind::Resolution),
    ("KẾT LUẬN", DocKind::Conclusion),
    ("QUY ĐỊNH", DocKind::Regulation),
    ("ĐIỀU LỆ", DocKind::Statute),
    ("CHỈ THỊ", DocKind::Directive),
    ("QUYẾT ĐỊNH", DocKind::Decision),
    ("BÁO CÁO", DocKind::Report),
    // A programme without `hành động` (`CHƯƠNG TRÌNH CÔNG TÁC`): numbered `CTr` like one.
    ("CHƯƠNG TRÌNH", DocKind::ActionProgramme),
    ("QUY CHẾ", DocKind::Regulation),
    ("THÔNG BÁO", DocKind::Notice),
    ("KẾ HOẠCH", DocKind::Plan),
    ("HƯỚNG DẪN", DocKind::Guidance),
    ("ĐỀ ÁN", DocKind::Scheme),
    ("TỜ TRÌNH", DocKind::Proposal),
    ("CÔNG VĂN", DocKind::OfficialLetter),
    ("NGHỊ ĐỊNH", DocKind::Decree),
    ("THÔNG TƯ", DocKind::Circular),
    ("BỘ LUẬT", DocKind::Law),
    ("LUẬT", DocKind::Law),
];

/// The national and Party mottos of the right-hand column, which name no issuer: whole, or the
/// pieces a narrow column breaks them into (`CỘNG HÒA XÃ` / `HỘI CHỦ NGHĨA VIỆT NAM`), with the
/// spellings and slips real headers have (`CỘNG HOÀ`, `CỘNG HÕA`, `HÒAXÃ`, `Hạnh Phúc`).
static RE_MOTTO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"C[ỘÔO]NG\s*H[OÒÕÓ][AÀ]\s*X[ÃA]\s*H[ỘÔO]I\s*CH[ỦU]\s*NGH[ĨI]A\s*VI[ỆÊE]T\s*NAM",
        r"|(?i:độc\s*lập\s*[-–]\s*tự\s*do\s*[-–]\s*hạnh\s*phúc)",
        r"|ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM",
        r"|C[ỘÔO]NG\s*H[OÒÕÓ][AÀ](?:\s*X[ÃA](?:\s*H[ỘÔO]I)?)?",
        r"|(?:(?:X[ÃA]\s*)?H[ỘÔO]I\s*)?CH[ỦU]\s*NGH[ĨI]A\s*VI[ỆÊE]T\s*NAM",
        r"|ĐẢNG\s*CỘNG\s*SẢN",
    ))
    .expect("valid regex")
});

/// `Số 09-NQ/ĐH`, `Số: 03/NQ-CP`, `Số:` alone, and the kind-prefixed `Luật số: 69/2025/QH15`.
static RE_NUMBER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\p{Lu}\p{Ll}*(?:\s+\p{Ll}+)?\s+số\s*:|Số(?:\s*:|\s))\s*(.*)$|^Số\s*:?$")
        .expect("valid regex")
});
static RE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d[\p{L}\p{N}/\-.]*[\p{L}\p{N}]|^\d+").expect("valid regex"));
static RE_SLASH_SPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*([/-])\s*").expect("valid regex"));
static RE_RULE_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[-_–—*=]{3,}").expect("valid regex"));
static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:([^,\d]{2,40}?)\s*,\s*)?ngày\s*(\d{1,2})?\s*(?:/|tháng)\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})",
    )
    .expect("valid regex")
});
/// A date line cut after `ngày` or its day (`Hà Nội, ngày 19` / `tháng 11 năm 2025`), or a place
/// waiting for its date (`Thành phố Huế,`).
static RE_DATE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[^,\d]{2,40}?\s*,\s*ngày(?:\s+\d{1,2})?|ngày(?:\s+\d{1,2})?|[^,\d]{2,40},)\s*$",
    )
    .expect("valid regex")
});
static RE_COLUMNS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{3,}").expect("valid regex"));
static RE_LABEL_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Người ký|Ngày ký|Nơi ban hành|Loại văn bản|Số hiệu)\s*:\s*\S")
        .expect("valid regex")
});
static RE_PASSED_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"thông qua ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
        .expect("valid regex")
});

/// What one piece of a header line is.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A motto phrase, with what is left of the text beside it (a flattened issuer).
    Motto(String),
    /// `Số …`: the number as written, or the blank draft's type code, or nothing yet (`Số:`).
    Number(Option<String>, Option<String>),
    /// A place-and-date line: place, ISO date (`None` for a blank day).
    Date(Option<String>, Option<String>),
    /// The start of a date line whose rest is on the next line.
    DateStart,
    /// `V/v …`: the subject of an official letter.
    Subject,
    /// A rule or the Party star.
    Separator,
    /// `Người ký: …` and other labelled metadata lines of a rebuilt header.
    Label,
    /// An upper-case text: an issuing body, or the kind line.
    Upper,
    /// Anything else: the header has ended.
    Other,
}

/// The pieces of a header line: the cells of a pipe row, the columns of a line flattened side
/// by side (runs of three spaces or more), else the line itself.
fn pieces(t: &str) -> Vec<String> {
    let t = t.trim();
    let raw: Vec<&str> = if t.len() > 1 && t.starts_with('|') && t.ends_with('|') {
        t[1..t.len() - 1].split('|').collect()
    } else {
        RE_COLUMNS.split(t).collect()
    };
    let mut out = Vec::new();
    for p in raw.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
        // A cell or a column joined with single spaces can still hold two elements: the motto
        // beside the issuer, or `Số …` / the place and date after the issuer's upper-case words.
        let mut last = 0;
        for m in RE_MOTTO.find_iter(p) {
            split_after_upper(&p[last..m.start()], &mut out);
            out.push(m.as_str().to_string());
            last = m.end();
        }
        split_after_upper(&p[last..], &mut out);
    }
    out
}

/// Pushes `seg`, cut in two where upper-case words are followed by a number or a place-and-date
/// (`BỘ CÔNG THƯƠNG Số: 38/2025/TT-BCT`, `THÀNH PHỐ HÀ NỘI Hà Nội, ngày 27 …`).
fn split_after_upper(seg: &str, out: &mut Vec<String>) {
    let seg = seg.trim();
    if seg.is_empty() {
        return;
    }
    let cut = seg
        .char_indices()
        .filter(|&(b, c)| b > 0 && !c.is_whitespace() && seg[..b].ends_with(char::is_whitespace))
        .map(|(b, _)| b)
        .find(|&b| {
            seg[b..]
                .split_whitespace()
                .next()
                .is_some_and(|w| w.chars().any(char::is_lowercase))
        })
        .filter(|&b| is_upper(&seg[..b]))
        .filter(|&b| {
            matches!(
                classify(&seg[b..]),
                Item::Number(..) | Item::Date(..) | Item::DateStart
            )
        });
    match cut {
        Some(b) => {
            out.push(seg[..b].trim().to_string());
            out.push(seg[b..].to_string());
        }
        None => out.push(seg.to_string()),
    }
}

/// Whether a line may hold a motto: every motto has an upper-case `NG` (CỘNG, ĐẢNG, NGHĨA),
/// `độc`/`ĐỘC`, or is `VIỆT NAM`. Most lines have none of them and skip the motto pattern, which
/// the search for attached headers would otherwise run on every line of a document.
fn may_be_motto(p: &str) -> bool {
    // Two SIMD searches for bytes that are rare in running text, each hint tried where one
    // stands, rather than four searches of the line (each costs its setup): `N` and `V` start
    // three hints; `ộ` and `Ộ` (`E1 BB 99`, `E1 BB 98`) end in bytes few letters have.
    let b = p.as_bytes();
    memchr::memchr2_iter(b'N', b'V', b).any(|at| {
        let rest = &b[at..];
        rest.starts_with(b"NG") || rest.starts_with("VIỆT NAM".as_bytes())
    }) || memchr::memchr2_iter(0x98, 0x99, b).any(|at| {
        at >= 2
            && (b[at - 2..].starts_with("ộc".as_bytes())
                || b[at - 2..].starts_with("ỘC".as_bytes()))
    })
}

/// Whether a piece is a motto and nothing else: what [`classify`] reads as [`Item::Motto`] with
/// nothing beside it. Its first step alone, for the search of attached headers, which asks it of
/// every body line: most lines with a hint hold no motto phrase, and then only `VIỆT NAM` alone
/// is one (see [`strip_mottos`]).
pub(super) fn is_bare_motto(p: &str) -> bool {
    if !may_be_motto(p) || p.trim().is_empty() {
        return false;
    }
    if !RE_MOTTO.is_match(p) {
        return p.split_whitespace().eq(["VIỆT", "NAM"]);
    }
    strip_mottos(p).is_empty()
}

/// Classifies one piece of a header line.
fn classify(p: &str) -> Item {
    if may_be_motto(p) {
        let bare = strip_mottos(p);
        if bare.len() < p.split_whitespace().collect::<Vec<_>>().join(" ").len() {
            return Item::Motto(bare);
        }
    }
    if let Some(c) = RE_NUMBER_LINE.captures(p) {
        let v = c.get(1).map_or("", |m| m.as_str()).trim();
        if v.is_empty() {
            return Item::Number(None, None);
        }
        // `1050 /QĐ-SCT`: a stray space around the slash is not part of the number.
        let joined = RE_SLASH_SPACE.replace_all(v, "$1");
        if let Some(m) = RE_NUMBER.find(&joined) {
            return Item::Number(Some(m.as_str().trim_end_matches('.').to_string()), None);
        }
        // A draft's blank number, kept as written: `/KH-SCT`, `- CV/ĐU`, `.../CN`.
        if v.starts_with(['/', '-', '.', '…']) && v.chars().any(char::is_uppercase) {
            return Item::Number(None, Some(v.to_string()));
        }
    }
    if let Some(c) = RE_DATE.captures(p) {
        let date = c.get(2).and_then(|d| iso_date(&c[4], &c[3], d.as_str()));
        let place = c.get(1).map(|m| m.as_str().trim().to_string());
        return Item::Date(place, date);
    }
    if RE_DATE_START.is_match(p) && !is_upper(p) {
        return Item::DateStart;
    }
    if p.starts_with("V/v") || p.starts_with("V/V") {
        return Item::Subject;
    }
    if is_separator(p) {
        return Item::Separator;
    }
    if RE_LABEL_VALUE.is_match(p) {
        return Item::Label;
    }
    if is_upper(p) && marker(p).is_none() {
        return Item::Upper;
    }
    Item::Other
}

/// The kind words a line starts with: the kind, the words as written and the rest of the line.
/// Upper-case kind words head a kind line (`THÔNG BÁO`, `NGHỊ QUYẾT CỦA BỘ CHÍNH TRỊ`,
/// `THÔNG BÁO Kết luận của …`); `with_number` also accepts sentence case followed by `số`
/// (`Công Văn Số 402-CV/VPĐU`), a heading some transcriptions put above the header.
fn kind_words(t: &str, with_number: bool) -> Option<(DocKind, String, String)> {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.strip_prefix("DỰ THẢO ").unwrap_or(&t);
    // A phrase starts with the line's first letter in upper case: the other phrases need no
    // upper-case copy of the line's head.
    let first: String = t
        .chars()
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .collect();
    for (phrase, kind) in KIND_TITLES {
        if !phrase.starts_with(first.as_str()) {
            continue;
        }
        let n = phrase.chars().count();
        let head: String = t.chars().take(n).collect();
        if head.to_uppercase() != phrase {
            continue;
        }
        let rest = &t[head.len()..];
        if !(rest.is_empty() || rest.starts_with([' ', ':'])) {
            continue;
        }
        let rest = rest.trim_start_matches(':').trim();
        let numbered = ["số ", "Số ", "SỐ "].iter().any(|p| rest.starts_with(p));
        if head == phrase || (with_number && numbered) {
            return Some((kind, head, rest.to_string()));
        }
    }
    None
}

/// The number at the start of the rest of a kind line (`SỐ 15/NQ-HĐND VỀ …`) and what follows it.
fn number_after_kind(rest: &str) -> Option<(String, String)> {
    let after = ["số ", "Số ", "SỐ "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))?
        .trim_start_matches([':', ' ']);
    let m = RE_NUMBER.find(after)?;
    Some((
        m.as_str().trim_end_matches('.').to_string(),
        after[m.end()..].trim().to_string(),
    ))
}

/// Reads the header of `lines` (furniture already marked in `furn`).
///
/// The header is read from its layout, not from a list of kinds: the issuing body (upper-case
/// lines), the `Số …` line, the motto, the place-and-date line, in any order and whether the
/// two columns arrive line after line, side by side or as table cells; then the kind line, the
/// first upper-case line after them that is none of those (or any line that starts with known
/// kind words), and the title block under it.
pub(crate) fn parse(lines: &[Line<'_>], furn: &[bool], text: &str) -> Header {
    let mut h = Header::default();
    let content: Vec<usize> = (0..lines.len().min(150))
        .filter(|&i| !lines[i].is_blank() && !furn[i])
        .collect();
    if let Some(&first) = content.first()
        && RE_SENTENCE_TITLE.is_match(lines[first].text)
    {
        read_sentence_title(lines[first].text, &mut h);
        h.lines.push(lines[first].text.to_string());
        h.body_start = first + 1;
        return finish(h, text);
    }
    let mut r = HeaderBlock::default();
    let mut p = 0;
    while p < content.len() {
        match r.line(lines, &content, p, &mut h) {
            Some(next) => p = next,
            None => break,
        }
    }
    let found = r.motto || r.number || r.date || h.kind.is_some() || r.kind_line.is_some();
    if !found {
        return no_header(lines, furn, text, h);
    }
    r.finish(lines, furn, &mut h);
    if let Some(b) = &h.blank_number {
        h.diagnostics
            .push(format!("the number is left blank (a draft): `Số {b}`"));
    }
    finish(h, text)
}

/// The header block read so far, line by line: which parts it has shown, and the lines it took.
#[derive(Debug, Default)]
struct HeaderBlock {
    /// The upper-case lines of the issuing body.
    issuer: Vec<String>,
    motto: bool,
    number: bool,
    date: bool,
    /// The `V/v …` subject of an official letter.
    subject: Option<String>,
    /// The index of the kind line, once found.
    kind_line: Option<usize>,
    /// What follows the kind words on the kind line: the start of the title.
    kind_rest: String,
    /// The indices of the lines taken as the header's.
    taken: Vec<usize>,
}

impl HeaderBlock {
    /// Reads line `content[p]`; returns the position in `content` to go on from, or `None`
    /// when the header block has ended.
    fn line(
        &mut self,
        lines: &[Line<'_>],
        content: &[usize],
        p: usize,
        h: &mut Header,
    ) -> Option<usize> {
        let i = content[p];
        let t = lines[i].text;
        // A kind line ends the header block, whichever column it came after.
        if self.kind_line.is_none() && pieces(t).len() <= 1 && self.kind(i, t, h) {
            return Some(p + 1);
        }
        let (items, joined_next) = items(lines, content, p);
        if !self.is_header_line(&items) {
            return self.not_header_line(lines, content, p, &items, h);
        }
        self.record(items, h);
        self.taken.push(i);
        if joined_next {
            self.taken.push(content[p + 1]);
            return Some(p + 2);
        }
        Some(p + 1)
    }

    /// Reads line `i` as the kind line if it is one; returns whether it was.
    fn kind(&mut self, i: usize, t: &str, h: &mut Header) -> bool {
        if let Some((kind, name, rest)) = kind_words(t, false) {
            h.kind = Some(kind);
            h.kind_name = Some(name);
            // `NGHỊ QUYẾT SỐ 15/NQ-HĐND …`: the number, then what follows is the title's.
            self.kind_rest = match number_after_kind(&rest) {
                Some((n, after)) => {
                    h.number = h.number.take().or(Some(n));
                    self.number = true;
                    after
                }
                None => rest,
            };
            self.kind_line = Some(i);
            self.taken.push(i);
            return true;
        }
        if let Some((kind, name, rest)) = kind_words(t, true)
            && !self.number
        {
            // `Công Văn Số 402-CV/VPĐU` above the header: kind and number, the header follows.
            h.kind = Some(kind);
            h.kind_name = Some(name);
            if let Item::Number(n, _) = classify(&rest) {
                h.number = n;
                self.number = h.number.is_some();
            }
            self.taken.push(i);
            return true;
        }
        false
    }

    /// Whether every piece of a line still belongs to the header block.
    fn is_header_line(&self, items: &[(Item, String)]) -> bool {
        // Under the kind line only a number, a date or a labelled line (a rebuilt header) still
        // belong to the header block; a motto-like line there is the title's
        // (`ĐIỀU LỆ` / `ĐẢNG CỘNG SẢN VIỆT NAM`), and rules are the title block's to read.
        let after_kind = self.kind_line.is_some();
        items.iter().all(|(it, s)| match it {
            _ if after_kind => matches!(it, Item::Number(..) | Item::Date(..) | Item::Label),
            Item::Upper => {
                self.kind_line.is_none()
                    && !(self.date || self.number && self.motto)
                    && kind_words(s, false).is_none()
            }
            Item::Other | Item::DateStart => false,
            Item::Label => self.kind_line.is_some() || self.number || self.date,
            _ => true,
        })
    }

    /// A line that is no part of the header block as such: still the header's when it is an
    /// issuer line or a kind outside the list, or a stray line above the header; else the
    /// header block has ended (`None`).
    fn not_header_line(
        &mut self,
        lines: &[Line<'_>],
        content: &[usize],
        p: usize,
        items: &[(Item, String)],
        h: &mut Header,
    ) -> Option<usize> {
        let i = content[p];
        let t = lines[i].text;
        let upper_kind = self.kind_line.is_none()
            && (self.date || self.number && self.motto)
            && items.len() == 1
            && items[0].0 == Item::Upper;
        // Not the kind line but the header's, when the next line is a header part (an
        // issuer after the date in a column read right to left) or the kind line itself (a
        // `DỰ THẢO` stamp above it).
        let next = content.get(p + 1).map(|&n| lines[n].text);
        let next_is_header = next.is_some_and(|n| {
            kind_words(n, false).is_some()
                || pieces(n).iter().any(|s| {
                    matches!(
                        classify(s),
                        Item::Number(..) | Item::Motto(_) | Item::Date(..)
                    )
                })
        });
        if upper_kind && next_is_header {
            if next.is_none_or(|n| kind_words(n, false).is_none()) {
                self.issuer.push(t.to_string());
            }
            self.taken.push(i);
            return Some(p + 1);
        }
        if upper_kind {
            // A kind outside the list (`ĐIỀU ƯỚC QUỐC TẾ`): kept as written.
            h.kind_name = Some(t.to_string());
            self.kind_line = Some(i);
            self.taken.push(i);
            return Some(p + 1);
        }
        // A stray line above the header (`Dự thảo 2`, a file label) does not hide it; it
        // stays a header line if a header follows, and the body's if none does.
        let nothing_yet =
            !(self.motto || self.number || self.date || h.kind.is_some()) && self.issuer.is_empty();
        if nothing_yet && p < 2 {
            self.taken.push(i);
            return Some(p + 1);
        }
        None
    }

    /// Records what the pieces of a header line give.
    fn record(&mut self, items: Vec<(Item, String)>, h: &mut Header) {
        for (it, s) in items {
            match it {
                Item::Motto(rest) => {
                    self.motto = true;
                    if !rest.is_empty() && !is_separator(&rest) && self.kind_line.is_none() {
                        self.issuer.push(rest);
                    }
                }
                Item::Number(n, blank) => {
                    if h.number.is_none() && n.is_some() {
                        h.number = n;
                    }
                    if blank.is_some() && h.number.is_none() {
                        h.blank_number = blank;
                    }
                    self.number = true;
                }
                Item::Date(place, d) => {
                    if !self.date {
                        h.place = place.filter(|p| !p.is_empty());
                        h.date = d;
                    }
                    self.date = true;
                }
                Item::Subject => self.subject = Some(s),
                Item::Upper => self.issuer.push(s),
                _ => {}
            }
        }
    }

    /// Gives `h` the issuer, the header lines and the title, and says where the body starts.
    fn finish(self, lines: &[Line<'_>], furn: &[bool], h: &mut Header) {
        // A place on the line before a date line that had none (`Thành phố Huế,`).
        set_issuer(&self.issuer, h);
        let mut taken = self.taken;
        taken.sort_unstable();
        taken.dedup();
        let last = taken.last().copied().unwrap_or(0);
        for &i in &taken {
            h.lines.push(lines[i].text.to_string());
        }
        let mut title_from = last + 1;
        h.kind_line = self.kind_line;
        if self.kind_line.is_none() {
            // No kind line (an official letter): the header ends with its last line; the `V/v`
            // subject is the title.
            h.body_start = title_from;
            h.title = self.subject;
        } else {
            title_from = title_from.max(self.kind_line.map_or(0, |k| k + 1));
            read_title_block(lines, furn, title_from, h);
            let title = [Some(self.kind_rest), h.title.take()]
                .into_iter()
                .flatten()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            h.title = Some(title).filter(|t| !t.is_empty()).or(self.subject);
        }
    }
}

/// The pieces of header line `content[p]`, classified, with a date or number cut at its end
/// completed from the next line; and whether that took the whole next line.
fn items(lines: &[Line<'_>], content: &[usize], p: usize) -> (Vec<(Item, String)>, bool) {
    let t = lines[content[p]].text;
    let mut items: Vec<(Item, String)> = Vec::new();
    for s in pieces(t) {
        // A blank left in a draft splits one piece in two (`Số:      /KH-SCT`,
        // `ngày        tháng 4 năm 2026`): join them back.
        if let Some(last) = items.last_mut()
            && matches!(last.0, Item::DateStart | Item::Number(None, None))
        {
            let j = format!("{} {s}", last.1);
            if let c @ (Item::Date(..) | Item::Number(..)) = classify(&j) {
                *last = (c, j);
                continue;
            }
        }
        items.push((classify(&s), s));
    }
    // A date or a number cut at the end of the line continues on the next one.
    let mut joined_next = false;
    if let Some(last) = items.last_mut()
        && matches!(last.0, Item::DateStart | Item::Number(None, None))
        && let Some(&n) = content.get(p + 1)
    {
        let next = pieces(lines[n].text);
        let cont = next.last().map_or("", String::as_str);
        let j = format!("{} {cont}", last.1);
        let c = classify(&j);
        if matches!(c, Item::Date(..) | Item::Number(..)) && c != Item::Number(None, None) {
            *last = (c, j);
            joined_next = next.len() == 1;
        }
    }
    (items, joined_next)
}

/// The issuing body from the upper-case lines of the left column.
fn set_issuer(parts: &[String], h: &mut Header) {
    let joined = parts.join(" ");
    let mut issuer = strip_mottos(&joined);
    // A rule run into the last word of a cell (`QUỐC HỘI-------`).
    issuer = RE_RULE_RUN.replace_all(&issuer, " ").into_owned();
    issuer = issuer
        .split_whitespace()
        // Rules and the Party star, not the dash inside `LAO ĐỘNG - THƯƠNG BINH`.
        .filter(|w| !(is_separator(w) && (w.chars().count() >= 3 || *w == "*")))
        .collect::<Vec<_>>()
        .join(" ");
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

/// The date of a closing `thông qua ngày …` formula when the header had none.
fn finish(mut h: Header, text: &str) -> Header {
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

/// Removes the national and Party mottos from a flattened header text; collapses spaces.
fn strip_mottos(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = RE_MOTTO.replace_all(&s, " ");
    // `VIỆT NAM` alone is the second line of `ĐẢNG CỘNG SẢN` / `VIỆT NAM`.
    if s.trim() == "VIỆT NAM" {
        return String::new();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `2020`, `10`, `15` → `2020-10-15`; `None` for an impossible date.
pub(crate) fn iso_date(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The kind a number's type code names (`NQ` → resolution, `TB` → notice, `NĐ` → decree …), also
/// of a draft's blank number (`/KH-SCT`).
pub(crate) fn kind_from_number(number: &str) -> Option<DocKind> {
    let upper = number.to_uppercase();
    let codes = upper
        .split(['-', '/'])
        .map(|c| c.trim().trim_matches('.'))
        .collect::<Vec<_>>();
    // Party numbers put the type code after a dash and the issuer after the slash (`57-NQ/TW`);
    // state numbers after the slash (`01/NQ-CP`).
    let party = upper.split_once('-').is_some_and(|(serial, rest)| {
        serial.chars().all(|c| c.is_ascii_digit()) && rest.contains('/')
    });
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
        "TB" => Some(DocKind::Notice),
        "KH" => Some(DocKind::Plan),
        "HD" => Some(DocKind::Guidance),
        "ĐA" | "DA" => Some(DocKind::Scheme),
        "TTR" => Some(DocKind::Proposal),
        "CV" => Some(DocKind::OfficialLetter),
        "NĐ" | "ND" => Some(DocKind::Decree),
        // In a Party number (`05-TT/TW`) `TT` is a thông tri, which has no kind of its own.
        "TT" | "TTLT" if !party => Some(DocKind::Circular),
        "BC" => Some(DocKind::Report),
        // `69/2025/QH15`: a law, when nothing else names the kind (the Assembly's resolutions
        // carry a kind line).
        c if c.starts_with("QH") && c[2..].chars().all(|d| d.is_ascii_digit()) => {
            Some(DocKind::Law)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests;
