//! Finding the references to other documents in a piece of text, and what each gives of its
//! target: a kind (`Nghị quyết`, `Luật` …), a number however spelt (`57-NQ/TW`, `66- NQ/TW`,
//! `Quy định 377`), a date (`ngày 22 tháng 12 năm 2024`, `ngày 22/12/2024`), an issuer (`của Bộ
//! Chính trị`) and, for a law cited without a number, its name (`Luật Tổ chức Chính phủ`).
//!
//! A reference is a kind followed by a number; a bare number whose code names a kind
//! (`19-NQ/TW` in a list); or a document cited by name (a law, the constitution, a statute) with a
//! date or a number. Without a number or a date a name counts only where the shape says it is a
//! document: an item of a `Căn cứ` preamble, or the object of a relation verb (the caller decides,
//! from [`Found::weak`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::text::{Phrase, Tok, Word, WordSet, gap_before};
use crate::docnum::DocNumber;
use crate::model::DocKind;
use crate::normalize::{folded_key, words};

/// A reference to another document as the text writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The reference as written, from its kind to its issuer: `Nghị quyết số 57-NQ/TW ngày
    /// 22/12/2024 của Bộ Chính trị`, `Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015`.
    pub text: String,
    /// The kind of the document, when the text names one that vankien knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DocKind>,
    /// The kind as a reader names it (`Nghị quyết`, `Hiến pháp`, `Quy chế`), also for kinds
    /// outside [`DocKind`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_name: Option<String>,
    /// The number as written, without the spaces a transcription left in it (`66-NQ/TW`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The date of the document, ISO (`2024-12-22`), or its year alone (`2013`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The issuing body as written after `của` (`Bộ Chính trị`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The name a document is cited by where it has no number (`Tổ chức Chính phủ` of a law,
    /// `Đảng` of the Party statute, `làm việc …` of a working regulation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Reference {
    /// The reference's number, parsed: `57-NQ/TW` → `57.nq.tw`; the kind named before a bare
    /// serial stands in for its code (`Quy định 377` → `377.qd`).
    pub fn doc_number(&self) -> Option<DocNumber> {
        let number = self.number.as_deref()?;
        DocNumber::parse(number).or_else(|| {
            let kind = self.kind_name.as_deref()?;
            DocNumber::parse(&format!("{kind} {number}"))
        })
    }

    /// The key a number is compared by when it does not parse as a [`DocNumber`] (numbers with
    /// several issuer codes, `83/BKHCN-BTTTT-VP`): its folded words, the serial without leading
    /// zeros, joined by dots.
    pub fn raw_number_key(number: &str) -> String {
        let mut parts: Vec<String> = words(number).map(|(_, w)| folded_key(w)).collect();
        if let Some(first) = parts.first_mut() {
            let trimmed = first.trim_start_matches('0');
            *first = if trimmed.is_empty() { "0" } else { trimmed }.to_string();
        }
        parts.join(".")
    }

    /// The name's folded words, with the kind's before them (`luat to chuc chinh phu`): how a
    /// reference by name is compared.
    pub fn name_key(&self) -> Option<String> {
        let name = self.name.as_deref()?;
        let mut out = String::new();
        for part in [self.kind_name.as_deref().unwrap_or(""), name] {
            for (_, w) in words(part) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&folded_key(w));
            }
        }
        Some(out)
    }
}

/// A reference found in a text, with the words it covers.
#[derive(Debug, Clone)]
pub(super) struct Found {
    /// Index of its first word (the kind, or the number of a bare one).
    pub start: usize,
    /// Index after its last word (the number, date or issuer).
    pub end: usize,
    pub reference: Reference,
    /// A name without number or date that is not an item of a `Căn cứ` preamble: a reference
    /// only when a relation verb governs it.
    pub weak: bool,
}

/// A kind of document as the text names it.
struct Head {
    phrase: Phrase,
    kind: Option<DocKind>,
    name: &'static str,
    /// Cited by name, without a number (laws, the constitution, statutes, regulations).
    named: bool,
}

/// The kinds, the longest names first so that `Chương trình hành động` wins over `Chương trình`.
static HEADS: LazyLock<Vec<Head>> = LazyLock::new(|| {
    use DocKind::*;
    let table: [(&str, Option<DocKind>, bool); 27] = [
        ("Chương trình hành động", Some(ActionProgramme), false),
        ("Thông báo kết luận", Some(Notice), false),
        ("Thông tư liên tịch", Some(Circular), false),
        ("Kế hoạch hành động", Some(Plan), false),
        ("Nghị quyết", Some(Resolution), false),
        ("Nghị định", Some(Decree), false),
        ("Quyết định", Some(Decision), false),
        ("Quy định", Some(Regulation), false),
        ("Chỉ thị", Some(Directive), false),
        ("Kết luận", Some(Conclusion), false),
        ("Thông tư", Some(Circular), false),
        ("Thông báo", Some(Notice), false),
        ("Bộ luật", Some(Law), true),
        ("Luật", Some(Law), true),
        ("Pháp lệnh", None, true),
        ("Hiến pháp", None, true),
        ("Điều lệ", Some(Statute), true),
        ("Quy chế", None, true),
        ("Hướng dẫn", Some(Guidance), false),
        ("Kế hoạch", Some(Plan), false),
        ("Chương trình", Some(ActionProgramme), false),
        ("Công văn", Some(OfficialLetter), false),
        ("Tờ trình", Some(Proposal), false),
        ("Đề án", Some(Scheme), false),
        ("Báo cáo", Some(Report), false),
        ("Văn bản", None, false),
        ("Thông tri", None, false),
    ];
    table
        .into_iter()
        .map(|(name, kind, named)| Head {
            phrase: Phrase::new(name),
            kind,
            name,
            named,
        })
        .collect()
});

/// The folded first word of every kind's name.
static HEAD_FIRST_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    HEADS
        .iter()
        .filter_map(|h| h.name.split_whitespace().next())
        .map(folded_key)
        .collect()
});

/// Whether a text that is no `Căn cứ` preamble, title or heading may hold a reference: a number
/// with a code (`57-NQ/TW`, `66- NQ/TW`, `202/2025/QH15`), a serial after `số`, or a word with a
/// capital that opens the name of a kind cited by name (`Luật`, `Điều lệ` …). Most clauses have
/// none (a year range, a date, a percentage are no references) and are not read further; a serial
/// after a kind without `số` (`Quy định 377`) is read only beside one of these.
pub(super) fn may_refer(text: &str) -> bool {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return has_named_head(text);
    }
    coded_number(text) || serial_after_so(text) || has_named_head(text)
}

/// Whether `text` has digits, then `/` or `-` (a space may follow), then a letter.
fn coded_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let mut j = i;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j < b.len() && matches!(b[j], b'/' | b'-') {
                let mut k = j + 1;
                if k < b.len() && b[k] == b' ' {
                    k += 1;
                }
                if text[k..].chars().next().is_some_and(char::is_alphabetic) {
                    return true;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

/// Whether a word `số` precedes a number in `text`.
fn serial_after_so(text: &str) -> bool {
    let mut previous = "";
    for (_, w) in words(text) {
        if w.as_bytes()[0].is_ascii_digit() && LEX.so.is_word(previous) {
            return true;
        }
        previous = w;
    }
    false
}

/// Whether `text` names, with a capital, a kind cited by name (`Luật`, `Điều lệ` …). A stored
/// text is NFC, so the names are looked for as written: with their diacritics, in upper case,
/// or without diacritics.
fn has_named_head(text: &str) -> bool {
    NAMED_HEADS.is_match(text)
}

/// The names of the kinds cited by name, in the spellings [`has_named_head`] looks for.
static NAMED_HEADS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    for head in HEADS.iter().filter(|h| h.named) {
        let upper = head.name.to_uppercase();
        let plain = crate::normalize::fold_exact(head.name);
        let mut capital = plain.clone();
        capital[..1].make_ascii_uppercase();
        patterns.extend([head.name.to_string(), upper, capital, plain.to_uppercase()]);
    }
    aho_corasick::AhoCorasick::new(patterns).expect("plain patterns")
});

/// Words that end an issuer or a name: what follows them is the cited document's subject, not
/// its issuer (`của Chính phủ quy định về …`).
static ISSUER_STOPS: LazyLock<WordSet> = LazyLock::new(|| {
    WordSet::new(
        "về sửa bổ hướng thực triển phê tại theo đã được là để nhằm tiếp ký trong đối cho gắn \
         ngày số năm nay này kèm",
    )
});

/// Words that end a name cited without a number (`Luật Tổ chức Chính phủ` `đã được sửa đổi`).
static NAME_STOPS: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new("của đã được tại theo này về nhằm để"));

/// Units of time: a serial before one counts time (`Kế hoạch 5 năm`), it numbers no document.
static DURATIONS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new("năm tháng ngày tuần lần"));

struct Lexicon {
    so: Word,
    ngay: Word,
    thang: Word,
    nam: Word,
    cua: Word,
    va: Word,
    vao: Word,
    cac: Word,
    phap: Word,
    su: Word,
    sua_doi: Phrase,
    can_cu: Phrase,
    ban_hanh: Phrase,
    /// Verbs that open the subject of a cited document after its issuer (`của Chính phủ quy
    /// định …`), where their first word alone could be part of a name (`Ủy ban`).
    issuer_verbs: Vec<Phrase>,
}

static LEX: LazyLock<Lexicon> = LazyLock::new(|| Lexicon {
    so: Word::new("số"),
    ngay: Word::new("ngày"),
    thang: Word::new("tháng"),
    nam: Word::new("năm"),
    cua: Word::new("của"),
    va: Word::new("và"),
    vao: Word::new("vào"),
    cac: Word::new("các"),
    phap: Word::new("pháp"),
    su: Word::new("sư"),
    sua_doi: Phrase::new("sửa đổi"),
    can_cu: Phrase::new("căn cứ"),
    ban_hanh: Phrase::new("ban hành"),
    issuer_verbs: ["ban hành", "quy định", "điều chỉnh"]
        .into_iter()
        .map(Phrase::new)
        .collect(),
});

/// Whether a kind's name ends just before word `end` (`Nghị quyết` in `Nghị quyết này`).
pub(super) fn head_ends_at(toks: &[Tok], end: usize) -> bool {
    HEADS.iter().any(|h| h.phrase.ends_at(toks, end))
}

/// The kind named at word `i`, if any.
fn head_at(toks: &[Tok], i: usize) -> Option<&'static Head> {
    // Most words open no kind: one lookup answers for them.
    if !HEAD_FIRST_WORDS.contains(toks[i].folded.as_str()) {
        return None;
    }
    let head = HEADS.iter().find(|h| h.phrase.at(toks, i))?;
    // `pháp luật` (the law in general) and `luật sư` (a lawyer) are no laws.
    if head.name == "Luật" {
        let after_phap = i > 0 && LEX.phap.is(&toks[i - 1]);
        let lawyer = toks.get(i + 1).is_some_and(|t| LEX.su.is(t));
        if after_phap || lawyer {
            return None;
        }
    }
    Some(head)
}

/// A number written from word `k` on: words joined by `/`, `-` (also with a stray space after
/// it, `66- NQ/TW`). Returns the word after it and the number without spaces.
fn number_run(text: &str, toks: &[Tok], k: usize) -> Option<(usize, String)> {
    if !toks.get(k)?.starts_with_digit() {
        return None;
    }
    let mut end = k + 1;
    while end < toks.len() && end - k < 8 {
        let gap = gap_before(text, toks, end);
        if matches!(gap, "/" | "-" | "–" | "- " | "/ " | "." | "_") {
            // A `.` joins only codes (`20.NQ.TW` is rare but a date `22.12.2024` is not a
            // number): not digits after digits.
            if gap == "." && toks[end].is_digits() {
                break;
            }
            end += 1;
        } else {
            break;
        }
    }
    let mut written = String::new();
    for i in k..end {
        if i > k {
            written.push_str(gap_before(text, toks, i).trim());
        }
        written.push_str(&text[toks[i].range.clone()]);
    }
    Some((end, drop_footnote(&written)))
}

/// Drops a footnote marker glued to an issuer code (`66-NQ/TW1` → `66-NQ/TW`): one digit. The
/// bodies of the National Assembly carry the legislature's number, two digits since the
/// eleventh (`QH15`, `UBTVQH15`, `UBPLTP15`).
fn drop_footnote(number: &str) -> String {
    let Some(at) = number.rfind(['/', '-']) else {
        return number.to_string();
    };
    let last = &number[at + 1..];
    let digits = last.len() - last.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let letters = &last[..last.len() - digits];
    if digits == 1 && letters.chars().any(char::is_alphabetic) {
        number[..number.len() - digits].to_string()
    } else {
        number.to_string()
    }
}

/// Whether a number without a kind before it is a reference: its code names a kind and an
/// issuer (`19-NQ/TW`), or it has a year and an issuer (`65/2020/QH14`).
fn bare_number_is_reference(number: &str) -> bool {
    if !number.contains(['/', '-']) || !number.chars().any(char::is_alphabetic) {
        return false;
    }
    DocNumber::parse(number)
        .is_some_and(|n| n.issuer.is_some() && (n.kind.is_some() || n.year.is_some()))
}

/// A date at word `k` (after an optional `,` or `(`): `ngày 22 tháng 12 năm 2024`, `ngày
/// 22/12/2024`, or a year alone, `năm 2013`. Returns the word after it and the date.
fn date_at(text: &str, toks: &[Tok], k: usize) -> Option<(usize, String)> {
    let t = toks.get(k)?;
    if LEX.nam.is(t) {
        let y = toks.get(k + 1).filter(|y| y.is_year())?;
        return Some((k + 2, y.folded.clone()));
    }
    if !LEX.ngay.is(t) {
        return None;
    }
    // `22.12.2024` is one word.
    let day_tok = toks.get(k + 1)?;
    if day_tok.folded.contains('.') {
        let parts: Vec<&str> = day_tok.folded.split('.').collect();
        if let [d, m, y] = parts[..] {
            return iso(d, m, y).map(|date| (k + 2, date));
        }
        return None;
    }
    let d = &day_tok.folded;
    if toks.get(k + 2).is_some_and(|w| LEX.thang.is(w)) {
        let m = &toks.get(k + 3)?.folded;
        if !toks.get(k + 4).is_some_and(|w| LEX.nam.is(w)) {
            return None;
        }
        let y = &toks.get(k + 5)?.folded;
        return iso(d, m, y).map(|date| (k + 6, date));
    }
    let sep = gap_before(text, toks, k + 2).trim();
    let same = sep == gap_before(text, toks, k + 3).trim();
    if same && matches!(sep, "/" | "-" | ".") {
        let (m, y) = (&toks.get(k + 2)?.folded, &toks.get(k + 3)?.folded);
        return iso(d, m, y).map(|date| (k + 4, date));
    }
    None
}

fn iso(d: &str, m: &str, y: &str) -> Option<String> {
    let d: u32 = d.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    let y: u32 = y.parse().ok()?;
    let valid = (1..=31).contains(&d) && (1..=12).contains(&m) && (1945..2100).contains(&y);
    valid.then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// An issuer at word `k`: `của` and a name opening with a capital, up to the cited document's
/// subject (`về …`, `quy định …`) or a punctuation mark. Returns the word after it and the name.
fn issuer_at(text: &str, toks: &[Tok], k: usize) -> Option<(usize, String)> {
    if !toks.get(k).is_some_and(|t| LEX.cua.is(t)) || !toks.get(k + 1)?.upper {
        return None;
    }
    let mut end = k + 1;
    while end < toks.len() && end - k <= 12 {
        let t = &toks[end];
        let gap = gap_before(text, toks, end);
        let joined = gap.chars().all(|c| c == ' ' || c == '-' || c == '&');
        if end > k + 1 && (!joined || head_at(toks, end).is_some()) {
            break;
        }
        if LEX.va.is(t) {
            // `Bộ Khoa học và Công nghệ` goes on; `… và Nghị quyết số …` does not.
            let next = toks.get(end + 1);
            if !next.is_some_and(|n| n.upper && head_at(toks, end + 1).is_none()) {
                break;
            }
        } else if end > k + 1 && !t.upper {
            let verb = LEX.issuer_verbs.iter().any(|v| v.at(toks, end));
            if ISSUER_STOPS.has(t) || verb {
                break;
            }
        }
        end += 1;
    }
    (end > k + 1).then(|| {
        (
            end,
            text[toks[k + 1].range.start..toks[end - 1].range.end].into(),
        )
    })
}

/// A name at word `j` after a kind cited by name: words up to a number, a date, a punctuation
/// mark or a word that opens the rest of the sentence. A name that opens with `sửa đổi` (an
/// amending law) runs on over commas and `của` to its number or date. Returns the word after it.
fn name_end(text: &str, toks: &[Tok], j: usize) -> usize {
    let amending = LEX.sua_doi.at(toks, j);
    let longest = if amending { 30 } else { 16 };
    let mut m = j;
    while m < toks.len() && m - j < longest {
        let t = &toks[m];
        if m > j {
            let gap = gap_before(text, toks, m);
            let stop = gap.contains([';', '.', ':', '(', ')', '\n', '"', '“', '”'])
                || (gap.contains(',') && !amending);
            if stop {
                break;
            }
        }
        let number_follows = toks.get(m + 1).is_some_and(Tok::starts_with_digit);
        if (LEX.so.is(t) && number_follows) || date_at(text, toks, m).is_some() {
            break;
        }
        // `và` joins two documents (`Luật Đất đai và Luật Nhà ở`), or two words of one name
        // (`Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân`).
        let joins_another = LEX.va.is(t)
            && toks
                .get(m + 1)
                .is_some_and(|n| n.upper && head_at(toks, m + 1).is_some());
        let stop = if LEX.va.is(t) {
            joins_another && !amending
        } else {
            NAME_STOPS.has(t) && !(amending && LEX.cua.is(t))
        };
        if stop {
            break;
        }
        // Another document named with a capital (`văn bản` inside a name is a word).
        if m > j && t.upper && head_at(toks, m).is_some() && !amending {
            break;
        }
        m += 1;
    }
    m
}

/// Whether word `i` opens an item of a `Căn cứ` preamble: it follows `Căn cứ (vào)`, or a `;` or
/// `:` that ends the previous item.
fn opens_basis_item(text: &str, toks: &[Tok], i: usize) -> bool {
    if i >= 2 && LEX.can_cu.ends_at(toks, i) {
        return true;
    }
    if i >= 3 && LEX.vao.is(&toks[i - 1]) && LEX.can_cu.ends_at(toks, i - 1) {
        return true;
    }
    i > 0 && gap_before(text, toks, i).contains([';', ':'])
}

/// Every reference in `text` (words `toks`), in order. `basis`: the text is an item list of a
/// `Căn cứ` preamble, whose items may name a document without number or date.
pub(super) fn find_all(text: &str, toks: &[Tok], basis: bool) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let found = match head_at(toks, i) {
            Some(head) => headed(text, toks, i, head, basis),
            None => bare(text, toks, i),
        };
        match found {
            Some(f) => {
                i = f.end.max(i + 1);
                out.push(f);
            }
            None => i += 1,
        }
    }
    out
}

/// A reference with no kind before it: a number whose code names one.
fn bare(text: &str, toks: &[Tok], i: usize) -> Option<Found> {
    // Part of a longer number or a date is no number of its own.
    if i > 0 && matches!(gap_before(text, toks, i), "/" | "-" | ".") {
        return None;
    }
    let (end, number) = number_run(text, toks, i)?;
    if !bare_number_is_reference(&number) {
        return None;
    }
    let kind_code = DocNumber::parse(&number).and_then(|n| n.kind);
    let head = kind_code.and_then(|code| {
        HEADS
            .iter()
            .find(|h| h.kind.and_then(crate::docnum::kind_code) == Some(code.as_str()) && !h.named)
    });
    let mut reference = Reference {
        text: String::new(),
        kind: head.and_then(|h| h.kind),
        kind_name: head.map(|h| h.name.to_string()),
        number: Some(number),
        date: None,
        issuer: None,
        name: None,
    };
    let end = tail(text, toks, end, &mut reference);
    reference.text = text[toks[i].range.start..toks[end - 1].range.end].to_string();
    Some(Found {
        start: i,
        end,
        reference,
        weak: false,
    })
}

/// A reference opening with a kind at word `i`.
fn headed(text: &str, toks: &[Tok], i: usize, head: &Head, basis: bool) -> Option<Found> {
    let j = i + head.phrase.len();
    let mut reference = Reference {
        text: String::new(),
        kind: head.kind,
        kind_name: Some(head.name.to_string()),
        number: None,
        date: None,
        issuer: None,
        name: None,
    };
    let mut end;
    // A law is cited by its name, then its number (`Luật Thủ đô số 39/2024/QH15`); other kinds
    // by their number, a few words qualifying the kind (`Báo cáo thẩm tra số …`).
    let numbered = if head.named {
        None
    } else {
        number_after(text, toks, j)
    };
    if let Some((k, number)) = numbered {
        reference.number = Some(number);
        end = k;
    } else {
        let item = basis && opens_basis_item(text, toks, i) && (toks[i].upper || !toks[i].plain);
        let after_generic = i > 0 && LEX.cac.is(&toks[i - 1]);
        // Outside a `Căn cứ` item a name is a document's only with a capital: `kỷ luật`,
        // `điều lệ của hội`, `hiến pháp` are words.
        if !item && !toks[i].upper {
            return None;
        }
        // `Quyết định ban hành …` is a verb; `Luật Ban hành văn bản …` a name.
        let issuing = LEX.ban_hanh.at(toks, j) && !toks[j].upper;
        if !(head.named || item) || after_generic || issuing {
            return None;
        }
        let name_to = name_end(text, toks, j);
        if name_to > j {
            let name = &text[toks[j].range.start..toks[name_to - 1].range.end];
            reference.name = Some(name.to_string());
        }
        end = name_to;
        if let Some((k, number)) = number_at(text, toks, end) {
            reference.number = Some(number);
            end = k;
        }
        let dated = date_at(text, toks, end).is_some();
        if reference.number.is_none() && !dated && !item && reference.name.is_none() {
            return None;
        }
    }
    end = tail(text, toks, end, &mut reference);
    let weak = reference.number.is_none()
        && reference.date.is_none()
        && !(basis && opens_basis_item(text, toks, i));
    reference.text = text[toks[i].range.start..toks[end - 1].range.end].to_string();
    Some(Found {
        start: i,
        end,
        reference,
        weak,
    })
}

/// A number after a kind: `số 57-NQ/TW`, `1562/QĐ-TTg`, `thẩm tra số 417/BC-UBPLTP15` (a few
/// words may qualify the kind before `số`), or a bare serial (`Quy định 377`, `Nghị quyết số
/// 57`). Returns the word after it and the number.
fn number_after(text: &str, toks: &[Tok], j: usize) -> Option<(usize, String)> {
    for skip in 0..=3 {
        let k = j + skip;
        let Some(t) = toks.get(k) else { break };
        let with_so = LEX.so.is(t);
        let at = if with_so { k + 1 } else { k };
        if let Some((end, number)) = number_run(text, toks, at) {
            let serial_only = !number.chars().any(char::is_alphabetic) && !number.contains('/');
            // A serial alone is a number only after `số` or right after the kind, and never a
            // year (`Kế hoạch 2026`).
            let duration = toks.get(end).is_some_and(|w| DURATIONS.has(w));
            let plausible = !serial_only
                || (with_so || skip == 0)
                    && !toks[at].is_year()
                    && toks[at].folded.len() <= 5
                    && !duration;
            if plausible && (skip == 0 || with_so) {
                return Some((end, number));
            }
        }
        // The qualifying words are lower case, never punctuation-separated, never a number.
        if skip > 0 && (t.upper || t.starts_with_digit()) {
            break;
        }
        if k > j && gap_before(text, toks, k) != " " {
            break;
        }
        if with_so {
            break;
        }
    }
    None
}

/// A number at word `k`, after `số` or not (`Luật Thủ đô số 39/2024/QH15`): no words between.
fn number_at(text: &str, toks: &[Tok], k: usize) -> Option<(usize, String)> {
    let at = if toks.get(k).is_some_and(|t| LEX.so.is(t)) {
        k + 1
    } else {
        k
    };
    let (end, number) = number_run(text, toks, at)?;
    number
        .chars()
        .any(char::is_alphabetic)
        .then_some((end, number))
}

/// The date and the issuer after a reference's number or name (each after an optional `,`,
/// `(`): fills them in and returns the word after the last.
fn tail(text: &str, toks: &[Tok], mut end: usize, reference: &mut Reference) -> usize {
    let opens = |k: usize| {
        let gap = gap_before(text, toks, k).trim();
        matches!(gap, "" | "," | "(")
    };
    if end < toks.len()
        && opens(end)
        && let Some((k, date)) = date_at(text, toks, end)
    {
        reference.date = Some(date);
        end = k;
    }
    if end < toks.len()
        && matches!(gap_before(text, toks, end).trim(), "" | "," | ")")
        && let Some((k, issuer)) = issuer_at(text, toks, end)
    {
        reference.issuer = Some(issuer);
        end = k;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::text::tokens;
    use super::*;

    fn refs(text: &str, basis: bool) -> Vec<Reference> {
        find_all(text, &tokens(text), basis)
            .into_iter()
            .map(|f| f.reference)
            .collect()
    }

    #[test]
    fn a_numbered_reference_gives_its_parts() {
        let r = &refs(
            "Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị về đột phá",
            true,
        )[0];
        assert_eq!(
            r.text,
            "Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị"
        );
        assert_eq!(r.kind, Some(DocKind::Resolution));
        assert_eq!(r.number.as_deref(), Some("57-NQ/TW"));
        assert_eq!(r.date.as_deref(), Some("2024-12-22"));
        assert_eq!(r.issuer.as_deref(), Some("Bộ Chính trị"));
        assert_eq!(r.doc_number().unwrap().key(), "57.nq.tw");
        let r = &refs(
            "Xét Tờ trình số 444/TTr-UBND ngày 24 tháng 11 năm 2025 của Ủy ban nhân dân Thành phố \
             về việc đề nghị",
            false,
        )[0];
        assert_eq!(r.issuer.as_deref(), Some("Ủy ban nhân dân Thành phố"));
    }

    #[test]
    fn numbers_in_any_spelling() {
        for (text, key) in [
            ("theo Nghị quyết số 57/NQ-TW ngày 22/12/2024", "57.nq.tw"),
            ("theo nghi quyet so 57-nq/tw", "57.nq.tw"),
            ("theo Nghị quyết số 66- NQ/TW1 của Bộ Chính trị", "66.nq.tw"),
            ("theo Chương trình số 12- CTr/BCĐ3", "12.ctr.bcd"),
            ("nêu tại Quy định 377 như sau", "377.qd"),
            ("Quyết định 1562/QĐ-TTg, ngày 18/7/2025", "1562.qd.ttg"),
            ("Báo cáo thẩm tra số 417/BC-UBPLTP15", "417.bc.ubpltp15"),
        ] {
            let found = refs(text, false);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].doc_number().unwrap().key(), key, "{text}");
        }
        // A term number stays: `UBTVQH15` is the committee of the 15th legislature.
        let r = &refs(
            "Nghị quyết số 76/2025/UBTVQH15 ngày 14 tháng 4 năm 2025",
            false,
        )[0];
        assert_eq!(r.number.as_deref(), Some("76/2025/UBTVQH15"));
        assert_eq!(r.date.as_deref(), Some("2025-04-14"));
    }

    #[test]
    fn laws_by_name_and_date() {
        let r = &refs(
            "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
            true,
        )[0];
        assert_eq!(r.kind, Some(DocKind::Law));
        assert_eq!(r.name.as_deref(), Some("Tổ chức Chính phủ"));
        assert_eq!(r.date.as_deref(), Some("2015-06-19"));
        assert_eq!(r.name_key().as_deref(), Some("luat to chuc chinh phu"));
        let amending = &refs(
            "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức \
             chính quyền địa phương ngày 22 tháng 11 năm 2019;",
            true,
        );
        assert_eq!(amending.len(), 1, "{amending:?}");
        assert_eq!(amending[0].date.as_deref(), Some("2019-11-22"));
        let issuing = &refs(
            "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;",
            true,
        );
        assert_eq!(issuing.len(), 1, "{issuing:?}");
        assert_eq!(
            issuing[0].name.as_deref(),
            Some("Ban hành văn bản quy phạm pháp luật")
        );
        let election = &refs(
            "Căn cứ Luật Bầu cử đại biểu Quốc hội và Đại biểu Hội đồng nhân dân số 85/2015/QH13;",
            true,
        );
        assert_eq!(election.len(), 1, "{election:?}");
        assert_eq!(election[0].number.as_deref(), Some("85/2015/QH13"));
        let numbered = &refs("Căn cứ Luật Thủ đô số 39/2024/QH15;", true)[0];
        assert_eq!(numbered.name.as_deref(), Some("Thủ đô"));
        assert_eq!(numbered.number.as_deref(), Some("39/2024/QH15"));
        // `công nghệ số` is a name, not a number.
        let digital = &refs(
            "Căn cứ Luật Công nghiệp công nghệ số ngày 14 tháng 6 năm 2025;",
            true,
        );
        assert_eq!(digital[0].name.as_deref(), Some("Công nghiệp công nghệ số"));
    }

    #[test]
    fn not_references() {
        for text in [
            "Nghị quyết này có hiệu lực thi hành kể từ ngày ký.",
            "tuân thủ pháp luật về đất đai năm 2024",
            "giai đoạn 2021-2025 và 2026 - 2030",
            "Kế hoạch 2026 của tỉnh",
            "Mẫu số 01/TB và Phụ lục số 6",
            "các Luật của Quốc hội",
            "ý kiến của luật sư năm 2020",
            "khen thưởng, kỷ luật trong việc thực hiện",
            "thực hiện Kế hoạch 5 năm 2021-2025",
        ] {
            assert!(
                refs(text, false).is_empty(),
                "{text}: {:?}",
                refs(text, false)
            );
        }
    }

    #[test]
    fn clauses_that_may_refer_are_told_from_the_rest() {
        for text in [
            "thực hiện Nghị quyết số 57-NQ/TW",
            "theo Nghị quyết số 66- NQ/TW",
            "Luật số 65/2020/QH14",
            "Nghị quyết số 57 của Bộ Chính trị",
            "theo quy định của Luật Đất đai",
        ] {
            assert!(may_refer(text), "{text}");
        }
        for text in [
            "Tăng trưởng bình quân 7,5%/năm giai đoạn 2021-2025, đến ngày 22/12/2024.",
            "theo quy định của pháp luật về đất đai",
            "Hoàn thành trước năm 2030 với 15 - 20 dự án.",
        ] {
            assert!(!may_refer(text), "{text}");
        }
    }

    #[test]
    fn bare_numbers_in_a_list() {
        let found = refs("các Nghị quyết số 18-NQ/TW, 19-NQ/TW và 20-NQ/TW", false);
        let keys: Vec<String> = found
            .iter()
            .map(|r| r.doc_number().unwrap().key())
            .collect();
        assert_eq!(keys, ["18.nq.tw", "19.nq.tw", "20.nq.tw"]);
        assert_eq!(found[1].kind, Some(DocKind::Resolution));
    }
}
