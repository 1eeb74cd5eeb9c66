//! From blocks to the section tree and clauses: levels by the scheme stack, headings that carry
//! their body, clause kinds, target groups and stable ids.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::assign::{assignee_column, cell_body, clause_assignee, heading_assignee, opening_body};
use super::blocks::Block;
use super::lines::{Scheme, ends_terminal};
use crate::model::{Clause, ClauseKind, Section};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::normalize::{folded_key, words};

mod levels;

/// The tree built from the blocks.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub sections: Vec<Section>,
    pub clauses: Vec<Clause>,
}

/// What a heading says its clauses are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Task,
    Target,
    Neutral,
}

/// Keywords of headings (folded, lower case) and what they make of the clauses below.
const HEADING_KEYWORDS: [(&str, Ctx); 29] = [
    // Duties and powers, functions and duties (`Nhiệm vụ và quyền hạn của giảng viên`, `Chức
    // năng, nhiệm vụ`) are a body's standing duties, not tasks: listed before `nhiem vu`, which
    // would match at the same place.
    ("nhiem vu va quyen han", Ctx::Neutral),
    ("nhiem vu quyen han", Ctx::Neutral),
    ("chuc nang nhiem vu", Ctx::Neutral),
    ("nhiem vu", Ctx::Task),
    ("giai phap", Ctx::Task),
    ("dot pha", Ctx::Task),
    ("to chuc thuc hien", Ctx::Task),
    ("trach nhiem thi hanh", Ctx::Task),
    ("chuong trinh hanh dong", Ctx::Task),
    // Statistical indicators a report collects (`MẪU BIỂU … CÁC CHỈ TIÊU THỐNG KÊ`) are no
    // targets: listed before `chi tieu`, which would match at the same place.
    ("chi tieu thong", Ctx::Neutral),
    ("chi tieu", Ctx::Target),
    ("muc tieu", Ctx::Target),
    ("danh gia", Ctx::Neutral),
    ("tinh hinh", Ctx::Neutral),
    ("quan diem", Ctx::Neutral),
    ("ket qua", Ctx::Neutral),
    ("nguyen nhan", Ctx::Neutral),
    ("bai hoc", Ctx::Neutral),
    ("pham vi", Ctx::Neutral),
    ("doi tuong", Ctx::Neutral),
    ("giai thich tu ngu", Ctx::Neutral),
    ("hieu luc", Ctx::Neutral),
    ("vi tri", Ctx::Neutral),
    // Aims and principles of a plan are no tasks, even under a task heading.
    ("muc dich", Ctx::Neutral),
    ("yeu cau", Ctx::Neutral),
    ("nguyen tac", Ctx::Neutral),
    // Rights are no tasks either, nor is a statute's closing article (entry into force,
    // transition, repeals): its assignments are tasks by their own words (`… chịu trách nhiệm
    // thi hành`). Shortfalls (`tồn tại, hạn chế`) are not listed: a lead-in names them as the
    // reason for the tasks it opens.
    ("quyen han", Ctx::Neutral),
    ("dieu khoan thi hanh", Ctx::Neutral),
    ("dieu khoan chuyen tiep", Ctx::Neutral),
];

/// How many leading words of a heading are searched for keywords: a long heading that mentions
/// `nhiệm vụ` in passing is not about tasks.
const KEYWORD_WINDOW: usize = 10;

/// The longest first sentence a heading that carries its body keeps as the heading.
const MAX_HEADING_WORDS: usize = 40;

static RE_PERCENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d\s*%").expect("valid regex"));
/// Numbers that are no quantity: document numbers, dates, years, article and item references.
static RE_NOT_QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:[Ss]ố|ngày)\s+\d[\p{L}\p{N}/\-.]*|\d+\s*[-/]\s*\p{L}[\p{L}\p{N}/\-]*|\d{1,2}/\d{1,2}/\d{4}|tháng\s+\d{1,2}|(?-u:\b)(?:19|20)\d{2}(?-u:\b)|(?:Điều|khoản|điểm|Chương|[Mm]ục|Phụ lục|khóa|khoá|lần thứ|Quý)\s+[\dIVXL]+|\(\d{1,3}\)|(?-u:\b)\d{1,3}\.\s",
    )
    .expect("valid regex")
});
static RE_TIMEFRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:Hằng năm|Hàng năm|Bình quân|Đến năm|Đến hết năm|Giai đoạn|Trong giai đoạn|Năm \d{4}|Tầm nhìn|Phấn đấu đến năm|Đến \d{4}|Sau năm)",
    )
    .expect("valid regex")
});
static RE_BASIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Căn cứ|Xét|Theo đề nghị)\b").expect("valid regex"));

/// Words folded for keyword matching (lower case, no diacritics, `đ` as `d`), joined by spaces.
/// A per-character fold: tone placement does not matter here, and it allocates once.
fn fold_words<'a>(ws: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in ws {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars().flat_map(char::to_lowercase) {
            match c {
                'đ' => out.push('d'),
                c if c.is_ascii() => out.push(c),
                c => {
                    let mut base = None;
                    decompose_canonical(c, |d| {
                        base.get_or_insert(d);
                    });
                    if let Some(b) = base.filter(|b| !is_combining_mark(*b)) {
                        out.push(b);
                    }
                }
            }
        }
    }
    out
}

/// What a heading makes of its clauses: the keyword that comes first in its opening words.
fn heading_ctx(heading: &str) -> Option<Ctx> {
    // All keywords in one search: the leftmost match, and at one place the keyword listed
    // first, as taking each keyword's first place and the least of them would.
    static KEYWORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(HEADING_KEYWORDS.map(|(k, _)| k))
            .expect("valid patterns")
    });
    let window = fold_words(words(heading).take(KEYWORD_WINDOW).map(|(_, w)| w));
    KEYWORDS
        .find(&window)
        .map(|m| HEADING_KEYWORDS[m.pattern().as_usize()].1)
}

/// Whether a text states a quantity: a percentage, a decimal, a fraction, a count — a year alone
/// is no quantity.
fn has_quantity(t: &str) -> bool {
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    RE_PERCENT.is_match(t)
        || RE_NOT_QUANTITY
            .replace_all(t, " ")
            .chars()
            .any(|c| c.is_ascii_digit())
}

/// Whether a text block is a timeframe group line of targets (`Bình quân giai đoạn 2021-2025:`).
fn is_group_line(t: &str) -> bool {
    t.ends_with(':') && t.split_whitespace().count() <= 14 && RE_TIMEFRAME.is_match(t)
}

/// Superscript digits that open a footnote printed in the text (`¹ Nghị quyết số …`).
const SUPERSCRIPTS: [char; 10] = ['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰'];

/// Whether a text opens with a bracketed note number (`[1] Nghị quyết số …`), as a footnote
/// copied into the text does.
pub(super) fn is_bracket_note(t: &str) -> bool {
    t.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .is_some_and(|(n, rest)| {
            (1..=3).contains(&n.len())
                && n.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with(' ')
        })
}

/// Whether an item's text is only a timeframe (`Giai đoạn 1 (2026 - 2028)`, `Đến năm 2030`):
/// it groups the targets below it.
fn is_timeframe_item(t: &str) -> bool {
    RE_TIMEFRAME.is_match(t)
        && t.split_whitespace().count() <= 10
        && !t.trim_end_matches(':').contains(['.', ';', ','])
}

/// The timeframe a paragraph opens with as its lead-in (`Giai đoạn 2026 - 2030:`, `Đến năm
/// 2030:`), without its colon.
fn timeframe_lead(t: &str) -> Option<String> {
    let (lead, _) = t.split_once(": ")?;
    is_timeframe_item(lead).then(|| lead.to_string())
}

/// Whether an article's heading is about carrying the document out (`Tổ chức thực hiện`,
/// `Trách nhiệm thi hành`), whose clauses are tasks.
fn is_execution(heading: &str) -> bool {
    let f = fold_words(words(heading).map(|(_, w)| w));
    f.contains("to chuc thuc hien") || f.contains("trach nhiem thi hanh")
}

/// Whether a numbered text reads as a heading: short and not ended as a sentence, or a lead-in.
fn heading_like(t: &str) -> bool {
    // Counting stops past the longest lead-in: a long paragraph needs no exact count.
    let words = |limit: usize| t.split_whitespace().take(limit + 1).count() <= limit;
    let end = t.trim_end_matches(['”', '"', ')', ' ']);
    if end.ends_with(':') {
        return words(60);
    }
    !end.ends_with(['.', ';', ',', '!', '?']) && words(MAX_HEADING_WORDS + 10)
}

/// Splits a heading that carries its body at the end of its first sentence, if that sentence is
/// short enough to be a heading: returns the word count of the heading part.
fn sentence_split(t: &str) -> Option<usize> {
    first_sentence(t).filter(|&n| n <= MAX_HEADING_WORDS)
}

/// Whether a numbered text that is neither [`heading_like`] nor split at a short first sentence
/// still heads the section its list makes it: only over a body (`body`), and then when items
/// or headings follow it (`sub_items`: its first sentence, however long, is its heading), when
/// it does not end as a sentence (a long heading line), or when it is one short sentence
/// (`1.1. Quy hoạch cấp ủy gắn với quy hoạch chức danh.` over its paragraphs). A long paragraph
/// followed by paragraphs only is a labelled clause.
pub(super) fn heads_its_body(t: &str, body: bool, sub_items: bool) -> bool {
    let end = t.trim_end_matches(['”', '"', ')', ' ']);
    let one_short_sentence = end.ends_with(['.', '!', '?'])
        && first_sentence(t).is_none()
        && t.split_whitespace().take(MAX_HEADING_WORDS + 1).count() <= MAX_HEADING_WORDS;
    // A heading line ends on a word (or its bracket), not on punctuation or a cut (`số 52-`).
    let unended = end.chars().last().is_some_and(char::is_alphanumeric);
    body && (sub_items || unended || one_short_sentence)
}

/// The word count of a text's first sentence, where a sentence ends before the next starts
/// (`. ` and a capital, not after a digit); `None` for a text of one sentence.
fn first_sentence(t: &str) -> Option<usize> {
    let bytes = t.as_bytes();
    let mut n_words = 0;
    let mut in_word = false;
    for (i, c) in t.char_indices() {
        let word_char = !c.is_whitespace();
        if word_char && !in_word {
            n_words += 1;
        }
        in_word = word_char;
        if c == '.' && bytes.get(i + 1) == Some(&b' ') {
            let next = t[i + 2..].chars().next();
            let prev_digit = t[..i].chars().last().is_some_and(|p| p.is_ascii_digit());
            if next.is_some_and(char::is_uppercase) && !prev_digit {
                return Some(n_words);
            }
        }
    }
    None
}

/// The byte offset in `text` of the start of the word after the first `n` words of
/// `text[from..to]`, or `to`.
fn offset_after_words(text: &str, from: usize, to: usize, n: usize) -> usize {
    let slice = &text[from..to];
    // Count whitespace-separated words, the way the re-flowed text counts them.
    let mut count = 0;
    let mut in_word = false;
    for (i, c) in slice.char_indices() {
        let word_char = !c.is_whitespace();
        if word_char && !in_word {
            if count == n {
                return from + i;
            }
            count += 1;
        }
        in_word = word_char;
    }
    to
}

/// A URL-safe slug: folded, lower case, `[a-z0-9]` runs joined by `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for (_, w) in words(s) {
        let f = folded_key(w);
        for c in f.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Builds the tree. `doc_id` prefixes clause ids.
pub(crate) fn build(blocks: &[Block], text: &str, doc_id: &str) -> Tree {
    // Which numbered blocks are sections is settled first (each list following its majority,
    // see `levels`), from the blocks' places alone; the tree is then built once.
    build_with(blocks, text, doc_id, &levels::majorities(blocks))
}

struct Builder<'a> {
    text: &'a str,
    doc_id: &'a str,
    tree: Tree,
    /// Open sections: (scheme, section index).
    stack: Vec<(Scheme, usize)>,
    /// Per section: its id key, its context, its lead-in context.
    keys: Vec<String>,
    ctx: Vec<Option<Ctx>>,
    lead: Vec<Option<Ctx>>,
    doc_lead: Option<Ctx>,
    /// A lead-in outside every section after the preamble (`… các nhiệm vụ, giải pháp sau:`
    /// after a numbered paragraph) sets `doc_lead` for its own items only: `Some` while they
    /// last, holding the scheme of the item it follows (`5.`), whose next item (`6.`), like any
    /// heading, ends them.
    lead_list: Option<Option<Scheme>>,
    /// The scheme of the last item outside every section.
    top_scheme: Option<Scheme>,
    used_keys: HashSet<String>,
    ordinals: HashMap<Option<usize>, usize>,
    group: Option<String>,
    /// Per section: the body its heading names, if it is an assignee heading.
    assignee: Vec<Option<String>>,
    /// The body an item that is an assignee heading names (`a) Tổ đảng ở …`), with its label's
    /// scheme: the dash items after it are its tasks, until the next item of that scheme.
    item_assignee: Option<(Option<Scheme>, String)>,
    /// In a table whose header row names who must carry each row out (`Cơ quan chủ trì`): that
    /// column and the header's number of cells; the rows with as many cells carry its body.
    row_assignee: Option<(usize, usize)>,
    /// In a table: its first row (the header, which a PDF repeats atop each page) and the clause
    /// index of its last row that is not a header, which a row split by a page break continues.
    table: Option<(Vec<String>, Option<usize>)>,
    /// The assignee column of the row being read (its clause index and cells, then the answer):
    /// [`Builder::row_assignee`] and [`Builder::note_row`] both ask it of a row.
    column: Option<((usize, *const String), Option<usize>)>,
}

fn build_with(blocks: &[Block], text: &str, doc_id: &str, force: &HashMap<usize, bool>) -> Tree {
    let mut b = Builder {
        text,
        doc_id,
        tree: Tree::default(),
        stack: Vec::new(),
        keys: Vec::new(),
        ctx: Vec::new(),
        lead: Vec::new(),
        doc_lead: None,
        lead_list: None,
        top_scheme: None,
        used_keys: HashSet::new(),
        ordinals: HashMap::new(),
        group: None,
        assignee: Vec::new(),
        item_assignee: None,
        row_assignee: None,
        table: None,
        column: None,
    };
    for (bi, block) in blocks.iter().enumerate() {
        let Some(place) = levels::place(blocks, bi, &b.stack, force, false) else {
            let label = block.marker.as_ref().map(|m| m.label.clone());
            b.clause(block, label, block.span[0], &block.text);
            continue;
        };
        b.stack.truncate(place.parent_len);
        match block.marker.as_ref().filter(|_| place.section) {
            Some(m) => b.section(block, &m.label, m.scheme, (place.body, place.sub_items)),
            None => b.clause(
                block,
                Some(block.written_label.clone()),
                block.span[0],
                &block.text,
            ),
        }
    }
    b.tree
}

impl Builder<'_> {
    /// Opens the section of `block`; `body` says whether blocks under it follow it, `sub_items`
    /// whether they start with an item or heading.
    fn section(
        &mut self,
        block: &Block,
        label: &str,
        scheme: Scheme,
        (body, sub_items): (bool, bool),
    ) {
        let text = &block.text;
        let (heading, body) =
            if block.synthetic_annex || scheme.heading_below() && scheme != Scheme::Article {
                (text.clone(), None)
            } else if scheme == Scheme::Article {
                // An article's own heading (`Phạm vi điều chỉnh`, `Hiệu lực thi hành.`); a sentence
                // or a lead-in after `Điều N.` is its body.
                let n = text.split_whitespace().count();
                let short_sentence = text.ends_with('.') && n <= 6;
                // A long one, unended, over its body (`Điều 1. Sửa đổi, bổ sung một số điều của
                // Thông tư số …`), is its heading too.
                let bare = !ends_terminal(text) && (n <= MAX_HEADING_WORDS || body);
                // One sentence ended with a period right over its khoản is its heading.
                let titled = sub_items && text.ends_with('.') && first_sentence(text).is_none();
                if text.is_empty() || bare || short_sentence || titled {
                    (text.clone(), None)
                } else {
                    (String::new(), Some(0))
                }
            } else if heading_like(text) {
                (text.clone(), None)
            } else if let Some(n) = sentence_split(text) {
                let head: Vec<&str> = text.split_whitespace().take(n).collect();
                (head.join(" "), Some(n))
            } else if !body {
                // One paragraph with nothing under it (a roman or letter item: a numbered one is
                // then a clause, see `levels::place`), kept whole as the section's clause.
                (String::new(), Some(0))
            } else if let Some(n) = first_sentence(text) {
                // Over its body (see `levels::place`): its first sentence, however long, is its
                // heading.
                let head: Vec<&str> = text.split_whitespace().take(n).collect();
                (head.join(" "), Some(n))
            } else {
                // One sentence over its body, or a long heading line.
                (text.clone(), None)
            };
        let parent_key = self.stack.last().map(|&(_, s)| self.keys[s].clone());
        let mut key = match &parent_key {
            Some(p) => format!("{p}.{}", slug(label)),
            None => slug(label),
        };
        if key.is_empty() || key.ends_with('.') {
            key.push('s');
        }
        if self.used_keys.contains(&key) {
            let mut n = 2;
            while self.used_keys.contains(&format!("{key}_{n}")) {
                n += 1;
            }
            key = format!("{key}_{n}");
        }
        self.used_keys.insert(key.clone());
        let mut path: Vec<String> = self
            .stack
            .iter()
            .map(|&(_, s)| self.tree.sections[s].label.clone())
            .collect();
        path.push(label.to_string());
        let head_end = match body {
            Some(n) => offset_after_words(self.text, block.body_start, block.span[1], n),
            None => block.span[1],
        };
        let head_end = self.text[..head_end].trim_end().len().max(block.span[0]);
        let idx = self.tree.sections.len();
        self.tree.sections.push(Section {
            label: label.to_string(),
            heading: heading.clone(),
            path,
            span: [block.span[0], head_end],
            pages: None,
        });
        self.keys.push(key);
        // An article on `nhiệm vụ, quyền hạn` lists duties, not tasks.
        let ctx = heading_ctx(&heading)
            .filter(|&c| !(scheme == Scheme::Article && c == Ctx::Task && !is_execution(&heading)));
        self.ctx.push(ctx);
        self.lead.push(None);
        // Parts, chapters and annexes title a whole stretch of text, never one body's tasks.
        let names = !matches!(
            scheme,
            Scheme::Annex | Scheme::Part | Scheme::Chapter | Scheme::Division
        );
        // A numbered item over its tasks whose first sentence is its heading names its body as
        // a task item does (`2. Các tỉnh ủy, thành ủy … cụ thể hóa hướng dẫn này …`).
        let named = heading_assignee(&heading).or_else(|| {
            (block.may_head && heading.ends_with('.'))
                .then(|| opening_body(&heading))
                .flatten()
        });
        self.assignee
            .push(named.filter(|_| names && !block.synthetic_annex));
        self.item_assignee = None;
        if self.lead_list.is_some() || scheme == Scheme::Annex {
            // A heading ends a lead-in's list outside the sections; an annex restarts the text.
            self.end_lead_list();
        }
        self.stack.push((scheme, idx));
        self.group = (RE_TIMEFRAME.is_match(&heading) && heading.split_whitespace().count() <= 12)
            .then(|| heading.trim_end_matches(':').to_string());
        if let Some(n) = body {
            let rest: Vec<&str> = text.split_whitespace().skip(n).collect();
            if !rest.is_empty() {
                let start = offset_after_words(self.text, block.body_start, block.span[1], n);
                let synthetic = Block {
                    span: [start, block.span[1]],
                    ..block.clone()
                };
                self.clause(&synthetic, None, start, &rest.join(" "));
            }
        }
    }

    /// Ends the context a lead-in outside the sections set.
    fn end_lead_list(&mut self) {
        self.doc_lead = None;
        self.lead_list = None;
    }

    /// The context of the innermost section that has one, or of a lead-in line.
    fn context(&self) -> Option<Ctx> {
        for &(_, s) in self.stack.iter().rev() {
            if let Some(c) = self.ctx[s].or(self.lead[s]) {
                return Some(c);
            }
        }
        self.doc_lead
    }

    fn clause(&mut self, block: &Block, label: Option<String>, start: usize, text: &str) {
        if text.is_empty() && label.is_none() {
            return;
        }
        let in_article = self.stack.iter().any(|&(s, _)| s == Scheme::Article);
        let preamble = self.tree.sections.is_empty();
        let top_item = block
            .marker
            .as_ref()
            .map(|m| m.scheme)
            .filter(|_| label.is_some() && self.stack.is_empty());
        if let Some(scheme) = top_item {
            // The next item of the list a lead-in followed ends what the lead-in set.
            if self.lead_list == Some(Some(scheme)) {
                self.end_lead_list();
            }
            self.top_scheme = Some(scheme);
        }
        let ctx = self.context();
        // A timeframe line groups the targets after it, also as an item (`a) Giai đoạn 1
        // (2026 - 2028)`) under a target heading.
        let is_group = is_group_line(text)
            || (label.is_some() && ctx == Some(Ctx::Target) && is_timeframe_item(text));
        let footnote = text.starts_with(SUPERSCRIPTS) || is_bracket_note(text);
        // `Trên đây là Chỉ thị về …, yêu cầu …`: the closing formula speaks for the whole
        // document, not for the last item it stands under.
        let closing = label.is_none() && text.starts_with("Trên đây là");
        let is_row = !block.cells.is_empty()
            || block
                .marker
                .as_ref()
                .is_some_and(|m| m.scheme == Scheme::Row);
        if is_row && self.continue_row(block, text) {
            return;
        }
        // `Giai đoạn 2026 - 2030: Tốc độ tăng trưởng … 10%/năm …`: a paragraph that opens with
        // its own timeframe, its group.
        let own_group = (label.is_none() && ctx == Some(Ctx::Target))
            .then(|| timeframe_lead(text))
            .flatten();
        let kind = if is_row {
            ClauseKind::Row
        } else if block.form {
            ClauseKind::Form
        } else if label.as_deref().is_some_and(|l| l.ends_with(" là")) {
            ClauseKind::Lesson
        } else if preamble && !block.after_formula && RE_BASIS.is_match(text) {
            ClauseKind::Basis
        } else if is_group || footnote || closing {
            ClauseKind::Paragraph
        } else {
            match ctx {
                Some(Ctx::Task) => ClauseKind::Task,
                Some(Ctx::Target)
                    if (label.is_some() || self.group.is_some() || own_group.is_some())
                        && has_quantity(text) =>
                {
                    ClauseKind::Target
                }
                _ if in_article => ClauseKind::Article,
                _ => ClauseKind::Paragraph,
            }
        };
        self.lead_in(text, is_group, label.is_some(), in_article);
        let (id, section_path) = self.next_clause_id();
        let group = (kind == ClauseKind::Target)
            .then(|| own_group.or_else(|| self.group.clone()))
            .flatten();
        let (own, assignee) = self.assignee(
            block,
            label.is_some(),
            text,
            footnote || is_row || block.form || closing,
        );
        let assignee = assignee.or_else(|| self.row_assignee(is_row, &block.cells));
        // A clause that assigns a task is a task, wherever it stands.
        let kind = if own.is_some() && kind == ClauseKind::Paragraph {
            ClauseKind::Task
        } else {
            kind
        };
        // A task item that opens with its body and the body's verb (`- Bộ Y tế tăng cường …`)
        // names who must do it, before what it inherits.
        let assignee = match kind {
            ClauseKind::Task if own.is_none() && label.is_some() && !is_row && !footnote => {
                opening_body(text).or(assignee)
            }
            _ => assignee,
        };
        let end = block.span[1].max(start);
        self.note_row(is_row, &block.cells);
        self.tree.clauses.push(Clause {
            id,
            kind,
            label,
            group,
            section_path,
            text: text.to_string(),
            span: [start, end],
            assignee,
            cells: block.cells.clone(),
            pages: None,
        });
    }

    /// Notes what a clause sets for the clauses after it: a timeframe line (`is_group`) the
    /// group of the targets under it, a lead-in ending with a colon the context (tasks).
    fn lead_in(&mut self, text: &str, is_group: bool, labelled: bool, in_article: bool) {
        if is_group {
            self.group = Some(text.trim_end_matches(':').trim().to_string());
        } else if !labelled && text.ends_with(':') {
            // A lead-in (`… các nhiệm vụ, giải pháp sau:`) sets the context of what follows.
            let c = heading_ctx(text).or_else(|| {
                // `… thực hiện tốt các nhiệm vụ, giải pháp sau:`: anywhere in the lead-in.
                let all = fold_words(words(text).map(|(_, w)| w));
                (all.contains("nhiem vu") || all.contains("giai phap")).then_some(Ctx::Task)
            });
            // In a statute or law, `Đảng viên có nhiệm vụ:` lists duties, not tasks.
            if c == Some(Ctx::Task) && !in_article {
                match self.stack.last() {
                    Some(&(_, s)) => self.lead[s] = Some(Ctx::Task),
                    None => {
                        self.doc_lead = Some(Ctx::Task);
                        let preamble = self.tree.sections.is_empty() && self.top_scheme.is_none();
                        self.lead_list = (!preamble).then_some(self.top_scheme);
                    }
                }
            }
        }
    }

    /// The id of the next clause in the innermost open section, and that section's path.
    fn next_clause_id(&mut self) -> (String, Vec<String>) {
        let section = self.stack.last().map(|&(_, s)| s);
        let ord = self.ordinals.entry(section).or_insert(0);
        *ord += 1;
        // `<document id>/<section key>.p<n>`, written into one string.
        let key_len = section.map_or(0, |s| self.keys[s].len());
        let mut id = String::with_capacity(self.doc_id.len() + key_len + 8);
        id.push_str(self.doc_id);
        id.push('/');
        if let Some(s) = section {
            id.push_str(&self.keys[s]);
            id.push('.');
        }
        // Writing into a String never fails.
        let _ = write!(id, "p{ord}");
        let section_path = match section {
            Some(s) => self.tree.sections[s].path.clone(),
            None => Vec::new(),
        };
        (id, section_path)
    }

    /// [`assignee_column`] of the row being read, worked out once a row.
    fn assignee_column(&mut self, cells: &[String]) -> Option<usize> {
        let row = (self.tree.clauses.len(), cells.as_ptr());
        if let Some((at, col)) = self.column
            && at == row
        {
            return col;
        }
        let col = assignee_column(cells);
        self.column = Some((row, col));
        col
    }

    /// Keeps track of the table a row belongs to, before the row's clause is pushed: its first
    /// row, and its last row that is not a header; anything but a row ends the table.
    fn note_row(&mut self, is_row: bool, cells: &[String]) {
        if !is_row || cells.is_empty() {
            self.table = None;
            return;
        }
        let index = self.tree.clauses.len();
        let Some((first, _)) = &self.table else {
            self.table = Some((cells.to_vec(), None));
            return;
        };
        if first.as_slice() != cells
            && self.assignee_column(cells).is_none()
            && let Some((_, last)) = &mut self.table
        {
            *last = Some(index);
        }
    }

    /// A row split by a page break: no number in its first cell, and its first words in lower
    /// case, as a sentence goes on (a sub-row, `Trong đó: …`, `- Công nghiệp`, starts otherwise).
    /// Its cells go on the table's last row with as many cells, past a header the page repeated;
    /// returns whether it did (then the row is no clause of its own).
    fn continue_row(&mut self, block: &Block, text: &str) -> bool {
        let cells = &block.cells;
        let first_words = cells.iter().map(|c| c.trim()).find(|c| !c.is_empty());
        if cells.len() < 2
            || !cells[0].trim().is_empty()
            || !first_words.is_some_and(|c| c.chars().next().is_some_and(char::is_lowercase))
        {
            return false;
        }
        let Some((_, Some(at))) = self.table else {
            return false;
        };
        let row = &mut self.tree.clauses[at];
        if row.cells.len() != cells.len() {
            return false;
        }
        for (cell, more) in row.cells.iter_mut().zip(cells) {
            let more = more.trim();
            if !more.is_empty() {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(more);
            }
        }
        row.text.push(' ');
        row.text.push_str(text);
        row.span[1] = row.span[1].max(block.span[1]);
        if let Some((col, n)) = self.row_assignee.filter(|&(_, n)| n == cells.len()) {
            debug_assert_eq!(n, row.cells.len());
            row.assignee = cell_body(&row.cells[col]).or(row.assignee.take());
        }
        true
    }

    /// Who must carry out a table row: the cell of its table's `Cơ quan chủ trì` column, when
    /// the row has as many cells as that header (a row that spans the table, `I. …`, has none).
    /// A header row sets the column; anything but a row ends the table.
    fn row_assignee(&mut self, is_row: bool, cells: &[String]) -> Option<String> {
        if !is_row {
            self.row_assignee = None;
            return None;
        }
        if let Some(col) = self.assignee_column(cells) {
            self.row_assignee = Some((col, cells.len()));
            return None;
        }
        let (col, n) = self.row_assignee?;
        if cells.len() != n {
            return None;
        }
        cell_body(&cells[col])
    }

    /// Who must carry out a clause: its own assignee (returned first), or the one it inherits
    /// from an item above it or from the nearest section that names a body; none for a
    /// footnote or a table row (`no_assignee`). Also opens or closes the item whose dash items
    /// inherit its assignee.
    fn assignee(
        &mut self,
        block: &Block,
        labelled: bool,
        text: &str,
        no_assignee: bool,
    ) -> (Option<String>, Option<String>) {
        // Who must do it: the clause itself (`Giao Bộ X …`), an item that heads its dash items,
        // or the nearest section whose heading names a body.
        let scheme = block.marker.as_ref().map(|m| m.scheme);
        let dash = matches!(scheme, Some(Scheme::Dash | Scheme::Plus | Scheme::Bullet));
        if !dash
            && self
                .item_assignee
                .as_ref()
                .is_some_and(|(s, _)| *s == scheme || scheme.is_none())
        {
            self.item_assignee = None;
        }
        let own = clause_assignee(text);
        if labelled
            && !dash
            && own.is_none()
            && !no_assignee
            && let Some(body) = heading_assignee(text).filter(|_| !text.ends_with('.'))
        {
            self.item_assignee = Some((scheme, body));
        }
        let inherited = self
            .item_assignee
            .as_ref()
            .map(|(_, b)| b.clone())
            .or_else(|| {
                self.stack
                    .iter()
                    .rev()
                    .find_map(|&(_, s)| self.assignee[s].clone())
            });
        let assignee = if no_assignee {
            None
        } else {
            own.clone().or(inherited)
        };
        (own, assignee)
    }
}

#[cfg(test)]
mod tests;
