//! From lines to blocks: re-flows hard-wrapped lines into paragraphs and headings, one
//! numbering marker a block; the lines that are not running text are set apart in `apart.rs`.

use std::sync::LazyLock;

use regex::Regex;

use super::apart::is_formula;
use super::flat_table::RowNumbers;
use super::header::Attached;
use super::joins::Evidence;
use super::lines::{
    Line, Marker, Scheme, Wrap, ends_terminal, is_separator, is_upper, marker, starts_lower,
    titled_annex, wrap_width,
};

/// A paragraph or heading of the body: one marker (or none) and the re-flowed text after it.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// The numbering marker the block starts with.
    pub marker: Option<Marker>,
    /// The label as written (`1.`, `(5)`, `a)`), for items and numbered paragraphs.
    pub written_label: String,
    /// The re-flowed text after the marker.
    pub text: String,
    /// Span of the whole block in the stored text, marker included.
    pub span: [usize; 2],
    /// Byte offset where the text after the marker starts.
    pub body_start: usize,
    /// Whether the block is an annex that the source gives no `Phụ lục` line for.
    pub synthetic_annex: bool,
    /// Whether an enacting formula (`QUYẾT NGHỊ`) came before this block.
    pub after_formula: bool,
    /// Whether the block may be a heading: a section marker, but not a numbered paragraph
    /// (khoản) directly inside an article.
    pub may_head: bool,
    /// The cells of a table row, in order (a `| a | b |` line, or the cells of a table that
    /// arrived one cell a line); empty for other blocks.
    pub cells: Vec<String>,
    /// Whether the block is a form to fill in (`1. Họ và tên: ……`): its numbered fields are one
    /// block, never sections.
    pub form: bool,
}

impl Block {
    /// A block of one line that starts with no marker (a table row or cell, a line of its own).
    pub(super) fn unmarked(text: &str, start: usize, end: usize, after_formula: bool) -> Block {
        Block {
            marker: None,
            written_label: String::new(),
            text: text.to_string(),
            span: [start, end],
            body_start: start,
            synthetic_annex: false,
            after_formula,
            may_head: false,
            cells: Vec::new(),
            form: false,
        }
    }

    /// A block that starts with marker `mk`, written `label`, its text not read yet.
    fn marked(mk: Marker, label: String, span: [usize; 2], body_start: usize) -> Block {
        Block {
            marker: Some(mk),
            written_label: label,
            text: String::new(),
            span,
            body_start,
            synthetic_annex: false,
            after_formula: false,
            may_head: false,
            cells: Vec::new(),
            form: false,
        }
    }

    /// Takes the heading lines `taken` as the block's text.
    fn take_heading(&mut self, lines: &[Line<'_>], taken: &[usize]) {
        if let (Some(&first), Some(&last)) = (taken.first(), taken.last()) {
            self.text = join(taken.iter().map(|&k| lines[k].text));
            self.body_start = lines[first].start;
            self.span[1] = lines[last].end;
        }
    }
}

/// The body split into blocks and closing parts.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub blocks: Vec<Block>,
    /// The `Kính gửi:` lines before the body.
    pub addressees: Vec<String>,
    pub recipients: Vec<String>,
    /// How many `Nơi nhận` lines introduced the recipients.
    pub recipient_markers: usize,
    pub signature: Vec<String>,
    pub furniture: Vec<String>,
    /// Formula lines (`QUYẾT NGHỊ:`), kept with the header lines.
    pub formulas: Vec<String>,
    /// The attached headers (indices into those given to [`split_attached`]) the body took:
    /// after the closing parts as annexes, or inside a form as its own header.
    pub annexed: Vec<usize>,
}

static RE_NUMERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[IVXLC]+|\d{1,3})$").expect("valid regex"));

/// Which part of the body the lines are in.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Paragraphs, headings, rows and forms.
    Body,
    /// The recipients, after `Nơi nhận`.
    Recipients,
    /// The signature block, after a title such as `TM. CHÍNH PHỦ`.
    Signature,
}

/// Splits the body lines `from..` of `lines`, cut from `text`, into blocks and closing parts.
#[cfg(test)]
pub(crate) fn split(text: &str, lines: &[Line<'_>], furn: &[bool], from: usize) -> Body {
    split_attached(text, lines, furn, from, &[])
}

/// [`split`], knowing the headers of attached documents (`attached`, in order): the body skips
/// their lines, but one after the recipients or the signature opens an annex, headed by its
/// title (see [`Splitter::attached_annex`]), and one inside a form is the form's own header
/// (see [`Splitter::template_form`]).
pub(crate) fn split_attached(
    text: &str,
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
    attached: &[Attached],
) -> Body {
    let mut body_furn = furn.to_vec();
    for a in attached {
        body_furn[a.header.clone()].fill(true);
    }
    let mut s = Splitter::new(text, lines, &body_furn, from);
    s.page_furn = furn;
    s.attached = attached;
    let mut i = from;
    while i < lines.len() {
        i = s.line(i);
    }
    s.close();
    s.body
}

/// A split under way: the blocks and closing parts so far, and what the lines read so far leave
/// open. Each method takes one kind of line, and returns the index to go on from, or `None`
/// when the line is not of its kind.
pub(super) struct Splitter<'s, 'l> {
    pub(super) lines: &'s [Line<'l>],
    /// The lines the body skips: page furniture and the headers of attached documents.
    pub(super) furn: &'s [bool],
    /// Page furniture alone (running heads, page numbers).
    pub(super) page_furn: &'s [bool],
    /// How the body is wrapped, if it is.
    wrap: Option<Wrap>,
    /// The document's evidence for doubtful breaks; none when line lengths alone decide.
    evidence: Option<Evidence<'s>>,
    pub(super) body: Body,
    pub(super) mode: Mode,
    /// Whether the recipients or signature just ended: body after them is an annex.
    pub(super) annex_pending: bool,
    /// Whether the signature block has its signer's name.
    pub(super) signed: bool,
    /// Whether the signature's column stands beside the recipients (`Nơi nhận:      KT. GIÁM
    /// ĐỐC`), its lines split off theirs.
    pub(super) side_signature: bool,
    /// Whether the open block is a statistical report form, taking every line up to its end.
    pub(super) in_sheet: bool,
    /// Whether a report sheet's ruled table is under way: the lines after it are the sheet's.
    pub(super) sheet_table: bool,
    /// Whether the open block is a form an annex gives to fill in, taking every line up to its
    /// end, its own closing parts too.
    pub(super) in_template: bool,
    /// The column of `Nơi nhận` in a closing table written between pipes, while its rows last.
    pub(super) closing_col: Option<usize>,
    /// Whether the lines are the cells of a table, and how its rows are numbered so far.
    pub(super) table: bool,
    pub(super) rows: RowNumbers,
    /// Whether an enacting formula came before.
    pub(super) after_formula: bool,
    /// The last section scheme above numbered paragraphs: `1.` right under `Điều` is a khoản.
    parent_scheme: Option<Scheme>,
    /// The open block, as (block, index of its last line).
    pub(super) open: Option<(Block, usize)>,
    /// Whether a blank line came since the last line taken.
    pub(super) gap: bool,
    /// Whether the body sets its paragraphs apart by blank lines ([`blank_paragraphs`]): a
    /// line break without one is then a wrap.
    blank_paras: bool,
    /// Whether the open block started after a blank line.
    open_after_gap: bool,
    /// The headers of attached documents, and the next one not yet reached.
    pub(super) attached: &'s [Attached],
    next_attached: usize,
    /// The markers [`blank_paragraphs`] read, by line, for [`Splitter::line`] to take.
    markers: Vec<Option<Option<Marker>>>,
}

impl<'s, 'l> Splitter<'s, 'l> {
    fn new(text: &'s str, lines: &'s [Line<'l>], furn: &'s [bool], from: usize) -> Self {
        let wrap = wrap_width(&lines[from.min(lines.len())..]);
        // A greedy wrap decides every break by line length alone: no evidence needed.
        let evidence = wrap
            .filter(|w| !w.greedy)
            .map(|_| Evidence::new(text, lines, furn, from));
        let (blank_paras, markers) = blank_paragraphs(lines, furn, from);
        Splitter {
            lines,
            furn,
            page_furn: furn,
            wrap,
            evidence,
            body: Body::default(),
            mode: Mode::Body,
            annex_pending: false,
            signed: false,
            side_signature: false,
            in_sheet: false,
            in_template: false,
            sheet_table: false,
            closing_col: None,
            table: false,
            rows: RowNumbers::default(),
            after_formula: false,
            parent_scheme: None,
            open: None,
            gap: false,
            blank_paras,
            open_after_gap: false,
            attached: &[],
            next_attached: 0,
            markers,
        }
    }

    /// Takes line `i` (and any lines that go with it); returns the index to go on from. The
    /// order of the tries is the order of precedence: the closing parts first, running text last.
    fn line(&mut self, i: usize) -> usize {
        if let Some(next) = self.template_form(i) {
            return next;
        }
        if let Some(next) = self.attached_annex(i) {
            return next;
        }
        let l = self.lines[i];
        if self.furn[i] {
            self.body.furniture.push(l.text.to_string());
            return i + 1;
        }
        if l.is_blank() {
            self.gap = true;
            return i + 1;
        }
        if !l.text.starts_with('|') && self.closing_col.take().is_some() {
            // Body after a closing table, as after the signature, is an annex.
            self.annex_pending = true;
        }
        let taken = self
            .recipients_start(i)
            .or_else(|| self.addressees(i))
            .or_else(|| self.signature_start(i))
            .or_else(|| self.closing_line(i))
            .or_else(|| self.formula(i))
            .or_else(|| self.report_sheet(i))
            .or_else(|| self.pipe_row(i))
            .or_else(|| self.rule(i))
            .or_else(|| self.form_field(i))
            .or_else(|| self.article_split_from_number(i))
            .or_else(|| self.heading_split_from_number(i));
        if let Some(next) = taken {
            return next;
        }
        let m = self.markers[i]
            .take()
            .unwrap_or_else(|| marker(l.text))
            .or_else(|| self.annex_over_bracket(i));
        self.table_cell(i, m.as_ref())
            .or_else(|| self.table_head(i))
            .or_else(|| self.synthetic_annex(i, m.as_ref()))
            .unwrap_or_else(|| self.running_line(i, m))
    }

    /// `Phụ lục 1: Danh mục nhiệm vụ` with its title in sentence case: an annex's label when a
    /// bracketed line (`(Kèm theo …)`) follows it, as under an annex's title.
    fn annex_over_bracket(&self, i: usize) -> Option<Marker> {
        let t = self.lines[i].text;
        if !t.starts_with('P') || ends_terminal(t) {
            return None;
        }
        let mk = titled_annex(t)?;
        let j = (i + 1..self.lines.len().min(i + 3)).find(|&j| !self.lines[j].is_blank())?;
        (!self.furn[j] && self.lines[j].text.starts_with('(')).then_some(mk)
    }

    /// Pushes the open block, if any.
    pub(super) fn close(&mut self) {
        if let Some((mut b, _)) = self.open.take() {
            if needs_collapse(&b.text) {
                b.text = collapse_spaces(&b.text);
            }
            self.body.blocks.push(b);
        }
    }

    /// The non-blank line within two of `i`, if it is no furniture: where a label's number goes.
    fn number_line(&self, i: usize) -> Option<usize> {
        let j = (i + 1..self.lines.len().min(i + 3)).find(|&j| !self.lines[j].is_blank())?;
        (!self.furn[j]).then_some(j)
    }

    /// `Điều` / `4. Tên điều`: an article's label split from its number by a hard wrap.
    fn article_split_from_number(&mut self, i: usize) -> Option<usize> {
        let (l, lines) = (self.lines[i], self.lines);
        let t = l.text;
        if !matches!(t, "Điều" | "ĐIỀU") {
            return None;
        }
        let j = self.number_line(i)?;
        let mk =
            marker(&format!("{t} {}", lines[j].text)).filter(|mk| mk.scheme == Scheme::Article)?;
        self.close();
        // The marker was read from `Điều 4. …`: its text starts that many bytes, less the
        // label and the space, into the number's line.
        let rest = mk.rest.saturating_sub(t.len() + 1).min(lines[j].text.len());
        let label = mk.label.clone();
        let mut block = Block::marked(mk, label, [l.start, lines[j].end], lines[j].start + rest);
        block.text = lines[j].text[rest..].to_string();
        block.after_formula = self.after_formula;
        block.may_head = true;
        self.open = Some((block, j));
        self.parent_scheme = Some(Scheme::Article);
        self.gap = false;
        Some(j + 1)
    }

    /// `Chương` / `III`: a label split from its number by a hard wrap, its heading below.
    fn heading_split_from_number(&mut self, i: usize) -> Option<usize> {
        let (l, lines) = (self.lines[i], self.lines);
        let t = l.text;
        if !matches!(t, "Chương" | "CHƯƠNG" | "Phần" | "PHẦN" | "Mục" | "MỤC") {
            return None;
        }
        let j = self.number_line(i)?;
        if !RE_NUMERAL.is_match(lines[j].text) {
            return None;
        }
        let mk = marker(&format!("{t} {}", lines[j].text))?;
        self.close();
        let (taken, next) = heading_lines(
            lines,
            self.furn,
            j + 1,
            Heading::Section,
            &mut self.body.furniture,
        );
        let label = mk.label.clone();
        let mut block = Block::marked(mk, label, [l.start, lines[j].end], lines[j].end);
        block.after_formula = self.after_formula;
        block.take_heading(lines, &taken);
        self.body.blocks.push(block);
        self.gap = false;
        Some(next.max(j + 1))
    }

    /// Body after the recipients or the signature with no `Phụ lục` line: an annex all the
    /// same, its heading lines its title.
    fn synthetic_annex(&mut self, i: usize, m: Option<&Marker>) -> Option<usize> {
        if !self.annex_pending {
            return None;
        }
        self.annex_pending = false;
        if m.is_some_and(|m| m.scheme == Scheme::Annex) {
            return None;
        }
        self.close();
        let lines = self.lines;
        // The title stops where an attached document's header starts: that opens its own annex.
        let stop = self
            .attached
            .get(self.next_attached)
            .map_or(lines.len(), Attached::start)
            .max(i);
        let (taken, next) = heading_lines(
            &lines[..stop],
            &self.furn[..stop],
            i,
            Heading::Unlabelled,
            &mut self.body.furniture,
        );
        if taken.is_empty() {
            return None;
        }
        self.push_annex_title(&taken);
        self.gap = false;
        Some(next)
    }

    /// Pushes an annex with no `Phụ lục` line of its own, headed by the lines `taken`.
    fn push_annex_title(&mut self, taken: &[usize]) {
        let lines = self.lines;
        let (Some(&first), Some(&last)) = (taken.first(), taken.last()) else {
            return;
        };
        let mk = Marker {
            scheme: Scheme::Annex,
            label: "Phụ lục".to_string(),
            rest: 0,
        };
        let span = [lines[first].start, lines[last].end];
        let mut block = Block::marked(mk, String::new(), span, lines[first].start);
        block.text = join(taken.iter().map(|&j| lines[j].text));
        block.synthetic_annex = true;
        block.after_formula = self.after_formula;
        self.body.blocks.push(block);
    }

    /// The header of a document attached after the recipients or the signature (a programme
    /// or plan a decision issues, the forms of a decree), starting at line `i`: an annex, headed
    /// by the attached document's title (its kind line, title block and `(Kèm theo …)` line);
    /// its other header lines (issuer, motto, number, place and date, rules) are furniture. An
    /// attached header before any closing part is left to the caller (header lines).
    fn attached_annex(&mut self, i: usize) -> Option<usize> {
        while self
            .attached
            .get(self.next_attached)
            .is_some_and(|a| a.start() < i)
        {
            self.next_attached += 1;
        }
        let a = self.attached.get(self.next_attached)?;
        if a.start() != i {
            return None;
        }
        let k = self.next_attached;
        self.next_attached += 1;
        let closed = self.body.recipient_markers > 0 || !self.body.signature.is_empty();
        if !closed || a.title.is_empty() {
            return None;
        }
        self.close();
        self.mode = Mode::Body;
        self.annex_pending = false;
        self.table = false;
        self.closing_col = None;
        self.body.annexed.push(k);
        let lines = self.lines;
        let mut taken = Vec::new();
        for (j, l) in lines.iter().enumerate().take(a.end()).skip(a.start()) {
            let t = l.text;
            if l.is_blank() {
                continue;
            }
            if a.title.contains(&j) && !is_separator(t) {
                taken.push(j);
            } else {
                self.body.furniture.push(t.to_string());
            }
        }
        if !taken.is_empty() {
            self.push_annex_title(&taken);
            self.parent_scheme = Some(Scheme::Annex);
        }
        self.gap = false;
        Some(a.end())
    }

    /// A line of running text: it opens a block when it starts with a marker, else goes on the
    /// open block or opens one of its own.
    fn running_line(&mut self, i: usize, m: Option<Marker>) -> usize {
        let m = m.filter(|mk| !self.marker_mid_sentence(i, mk));
        match m {
            Some(mk) => self.marked_line(i, mk),
            None => {
                self.unmarked_line(i);
                self.gap = false;
                i + 1
            }
        }
    }

    /// Whether marker `mk` of line `i` only looks like one, the line going on a sentence.
    fn marker_mid_sentence(&self, i: usize, mk: &Marker) -> bool {
        let Some((_, last)) = &self.open else {
            return false;
        };
        let (t, prev) = (self.lines[i].text, self.lines[*last].text);
        if self.gap || ends_terminal(prev) {
            return false;
        }
        // A dash that starts a wrapped line mid-sentence (`kinh tế` / `- xã hội`) is no item.
        (mk.scheme == Scheme::Dash && starts_lower(&t[mk.rest..]) && !prev.ends_with(','))
        // `… tại khoản 3` / `Điều 1.`: a reference wrapped onto its own line is no article.
            || (mk.scheme == Scheme::Article && t[mk.rest..].is_empty())
        // `… tại điểm a), b), c),` / `d) khoản 1, Điều 10 …`: a list of points referred to,
        // wrapped before its last one, is no point.
            || (mk.scheme == Scheme::Alpha && refers_to_points(prev))
    }

    /// A line that starts with marker `mk`: a new block, with its heading lines when the
    /// scheme puts its heading below the label.
    fn marked_line(&mut self, i: usize, mk: Marker) -> usize {
        let (l, lines) = (self.lines[i], self.lines);
        let t = l.text;
        self.close();
        let scheme = mk.scheme;
        let numbered = matches!(scheme, Scheme::Number | Scheme::Number2 | Scheme::Number3);
        if scheme.is_section() && !numbered {
            self.parent_scheme = Some(scheme);
        }
        let rest = mk.rest;
        let label = t[..rest].trim().to_string();
        let mut block = Block::marked(mk, label, [l.start, l.end], l.start + rest);
        block.text = t[rest..].to_string();
        block.after_formula = self.after_formula;
        block.may_head =
            scheme.is_section() && !(numbered && self.parent_scheme == Some(Scheme::Article));
        self.open_after_gap = self.gap;
        self.gap = false;
        if scheme == Scheme::Annex && !block.text.is_empty() {
            // `Phụ lục 1: DANH MỤC …` / `(Kèm theo …)`: the title on the label's line, the
            // bracketed lines under it.
            let (taken, next) = bracketed_lines(lines, self.furn, i + 1, &mut self.body.furniture);
            for &j in &taken {
                block.text.push(' ');
                block.text.push_str(&collapse_spaces(lines[j].text));
                block.span[1] = lines[j].end;
            }
            self.body.blocks.push(block);
            return next;
        }
        // An article's heading below its label joins it like a wrapped line instead.
        if scheme.heading_below() && scheme != Scheme::Article && block.text.is_empty() {
            // `Chương I` / `QUY ĐỊNH CHUNG`; `Phụ lục I` / title / `(Kèm theo …)`.
            let kind = if scheme == Scheme::Annex {
                Heading::Annex
            } else {
                Heading::Section
            };
            let (taken, next) =
                heading_lines(lines, self.furn, i + 1, kind, &mut self.body.furniture);
            block.take_heading(lines, &taken);
            self.body.blocks.push(block);
            return next;
        }
        self.open = Some((block, i));
        i + 1
    }

    /// A line without a marker: it goes on the open block when [`should_join`] says the break
    /// was a wrap, else it opens a block of its own.
    fn unmarked_line(&mut self, i: usize) {
        let l = self.lines[i];
        let t = l.text;
        if let Some((b, last)) = self.open.as_mut()
            && should_join(
                b,
                (*last, self.lines[*last].text),
                (i, t),
                self.gap,
                (
                    self.blank_paras,
                    self.open_after_gap && b.span[0] == self.lines[*last].start,
                ),
                self.wrap,
                self.evidence.as_mut(),
            )
        {
            // A word cut at its hyphen (`NĐ-` / `CP`) is one word again.
            let cut = b.text.ends_with('-') && !b.text.ends_with(" -");
            if !b.text.is_empty() && !cut {
                b.text.push(' ');
            }
            b.text.push_str(t);
            b.span[1] = l.end;
            *last = i;
        } else {
            self.close();
            self.open_after_gap = self.gap;
            self.open = Some((Block::unmarked(t, l.start, l.end, self.after_formula), i));
        }
    }
}

/// Whether line `t` continues the open block whose last line is `prev` (each with its index),
/// from the evidence of the document: its line lengths (`wrap`), sentence ends, and how it
/// writes the words at the break ([`Evidence`]).
fn should_join(
    b: &Block,
    (prev_at, prev): (usize, &str),
    (at, t): (usize, &str),
    gap: bool,
    (blank_paras, prev_first): (bool, bool),
    wrap: Option<Wrap>,
    evidence: Option<&mut Evidence<'_>>,
) -> bool {
    // `Điều 2.` / `Thay thế, bãi bỏ …`: the article's heading or first sentence.
    if b.text.is_empty()
        && b.marker
            .as_ref()
            .is_some_and(|m| m.scheme == Scheme::Article)
    {
        return true;
    }
    let article = b
        .marker
        .as_ref()
        .is_some_and(|m| m.scheme == Scheme::Article);
    if article
        && !b.text.is_empty()
        && b.text.len() < prev.len()
        && t.starts_with(char::is_uppercase)
        && !breaks_off(prev)
    {
        // `Điều 6. Đăng ký tham gia bảo hiểm xã hội …` / `Việc đăng ký …`: an article's heading
        // on its label's line, and its first sentence. (A heading that wraps goes on in lower
        // case, or after a word that asks for the next.)
        return false;
    }
    if blank_paras && prev_first && !gap && !ends_terminal(prev) {
        // Paragraphs set apart by blank lines: a line right below the first line of one goes
        // on it (`1.1. Chịu trách nhiệm trước` / `Bộ Chính trị, Ban Bí thư …`).
        return true;
    }
    if gap {
        // A wrapped sentence can lose its line to a blank (`… thành phố trực t` / `` / `phát triển`).
        return starts_lower(t) && !ends_terminal(prev);
    }
    if starts_lower(t) {
        return true;
    }
    // A value on its own line (`1.5`), or a number cut from its sentence (`… năm` / `2021 của`).
    if t.len() < 24 && !t.chars().any(char::is_alphabetic) {
        return true;
    }
    if !ends_terminal(prev) && t.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    if prev.ends_with('-') && !prev.ends_with(" -") && prev.len() > 1 {
        // A number or compound cut at its hyphen (`Nghị định số 217/2025/NĐ-` / `CP ngày …`).
        return true;
    }
    // An upper-case heading wrapped over two lines.
    if !ends_terminal(prev) && b.may_head && t.contains(' ') && is_upper(t) && is_upper(&b.text) {
        return true;
    }
    if !gap && breaks_off(prev) {
        // `Ngày 28 tháng 11 năm 2025, tại` / `Trụ sở Chính phủ, …`, `1. Các đồng chí Bộ
        // trưởng,` / `Thủ trưởng cơ quan …`: neither a sentence nor a heading ends on a comma
        // or on a word that asks for the next (`của`, `và`, `tại`), however short the line.
        return true;
    }
    let last = prev.rsplit(' ').next().unwrap_or("");
    if last.len() <= 6 && last.ends_with(')') && (marker(last).is_some() || is_roman_label(last)) {
        // `… bắt đầu thực hiện: (1)` / `Cung cấp hạ tầng …`, `…; (ii)` / `Chỉ đạo …`: an
        // inline item's label, its text on the next line.
        return true;
    }
    let Some(wrap) = wrap else {
        // Lines are whole paragraphs: an upper-case start after a finished line is a new one.
        return false;
    };
    let prev_len = prev.chars().count();
    if wrap.greedy {
        // A tool filled each line: the line broke at a wrap exactly when the next word would
        // not have fit on it (a sentence can end at a wrap too). Two characters of slack: the
        // tool may have counted the combining marks of NFD letters that are composed now.
        let word = t.split_whitespace().next().map_or(0, |w| w.chars().count());
        let fits = prev_len + 1 + word + 2 <= wrap.max;
        return !fits && (!ends_terminal(prev) || prev.ends_with('.'));
    }
    let Some(evidence) = evidence else {
        // Gathered for every wrap that is not greedy.
        return false;
    };
    if ends_terminal(prev) {
        return false;
    }
    if t.starts_with('“') {
        // `… ban hành Nghị quyết` / `“Quy định mức chuẩn …”`: a quoted name goes on a sentence.
        return true;
    }
    if b.text.matches('“').count() > b.text.matches('”').count() {
        // Inside a quotation (`thay thế cụm từ “Sở Lao động` / `Thương binh và Xã hội” …`).
        return true;
    }
    if b.may_head && prev.ends_with('”') {
        // A heading that ends on the name it quotes (`1. Biểu số 101/LĐVL - Sở “Người … được
        // hỗ trợ”` / `Mục đích và đối tượng …`) is whole: what follows is under it.
        return false;
    }
    // Wrapped by hand, by a converter or by typesetting: a sentence does not end without
    // punctuation, so a line without it goes on when the next word would not have fit on it
    // (with the slack that proportional type leaves), or when the line is long; a heading's
    // last line is shorter still.
    let word = t.split_whitespace().next().map_or(0, |w| w.chars().count());
    let full = prev_len + 1 + word + wrap.slack > wrap.width;
    let ratio = if b.may_head { 15 } else { 11 };
    let long = full || prev_len * 20 >= wrap.width * ratio;
    // The document's evidence, asked only where it decides (a question may cost a search of
    // the body): a phrase it writes whole elsewhere (`Văn phòng` / `Trung ương Đảng …`) goes
    // on; after a long line, a word it writes in lower case inside sentences starts one here
    // (`… thời gian tới` / `Thời gian tới, dự báo …`: the line before was a heading or a last
    // line).
    if evidence.recurring_heading(at) {
        return false;
    }
    if long {
        !evidence.starts_sentence(prev_at, at) || evidence.pair_seen(prev_at, at)
    } else {
        evidence.pair_seen(prev_at, at)
    }
}

/// Whether a word is an inline item label in small roman numerals (`(ii)`, `(iv)`), which
/// documents use to count the parts of one paragraph.
fn is_roman_label(w: &str) -> bool {
    w.strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .is_some_and(|n| {
            !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| matches!(b, b'i' | b'v' | b'x'))
        })
}

/// The words that ask for the next one: a line ending on one of them (in lower case) is cut
/// in the middle of its sentence. Prepositions, conjunctions and the plural and possessive
/// markers; not one that also ends phrases (`năm sau`, `nêu trên`, `vừa qua`, `tự do`, `công
/// bằng`), nor a word that may end a name or heading (`nước`, `dân`, `vụ`).
const ASKS_FOR_MORE: &[&str] = &[
    "của", "và", "các", "những", "tại", "với", "về", "cho", "theo", "trong", "từ", "đến", "để",
    "nhằm", "hoặc", "là", "thuộc", "giữa", "khi", "mà", "như", "bởi",
];

/// Whether a line breaks off in the middle of its sentence: it ends on a comma, or on a word
/// that asks for the next ([`ASKS_FOR_MORE`]).
fn breaks_off(prev: &str) -> bool {
    let t = prev.trim_end();
    if t.ends_with(',') {
        return true;
    }
    let last = t.rsplit(' ').next().unwrap_or("");
    t.contains(' ') && ASKS_FOR_MORE.contains(&last)
}

/// Whether a body sets its paragraphs apart by blank lines: nine in ten of its labelled lines
/// (`1.`, `a)`, `-`, at least eight) follow a blank line. The count leaves out what is not the
/// body's running text: furniture, table rows, and the `Nơi nhận` list up to the blank after it.
/// Beside the answer, the markers it read, by line (`None` where it read none): the splitter
/// reads each line's marker once.
fn blank_paragraphs(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
) -> (bool, Vec<Option<Option<Marker>>>) {
    let mut markers = vec![None; lines.len()];
    let (mut after_blank, mut labelled) = (0usize, 0usize);
    let (mut prev_blank, mut in_recipients) = (true, false);
    for (k, (l, _)) in lines
        .iter()
        .zip(furn)
        .enumerate()
        .skip(from)
        .filter(|(_, (_, f))| !**f)
    {
        if l.is_blank() {
            (prev_blank, in_recipients) = (true, false);
            continue;
        }
        let t = l.text;
        if t.trim_start_matches(|c: char| !c.is_alphabetic())
            .starts_with("Nơi nhận")
        {
            in_recipients = true;
        }
        if !in_recipients && !t.starts_with('|') {
            let m = marker(t);
            if m.is_some() {
                labelled += 1;
                after_blank += usize::from(prev_blank);
            }
            markers[k] = Some(m);
        }
        prev_blank = false;
    }
    (labelled >= 8 && after_blank * 10 >= labelled * 9, markers)
}

/// Collects the heading lines below a label or at the head of an annex: upper-case lines,
/// bracketed `(Kèm theo …)` lines and, for annexes, one sentence-case subject. Returns the line
/// indices taken and the index to continue from.
fn heading_lines(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
    kind: Heading,
    furniture: &mut Vec<String>,
) -> (Vec<usize>, usize) {
    let annex = kind != Heading::Section;
    let mut taken = Vec::new();
    let mut in_paren = false;
    let mut sentences = 0;
    let mut sentence_open = false;
    let mut blanks = 0;
    let mut j = from;
    let first = (from..lines.len()).find(|&k| !furn[k] && !lines[k].is_blank());
    let first = first.unwrap_or(lines.len());
    while j < lines.len() {
        let l = lines[j];
        if furn[j] {
            furniture.push(l.text.to_string());
            j += 1;
            continue;
        }
        if l.is_blank() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            j += 1;
            continue;
        }
        let t = l.text;
        if in_paren {
            taken.push(j);
            in_paren = !t.contains(')');
            j += 1;
            continue;
        }
        if is_separator(t) {
            if annex && !taken.is_empty() {
                furniture.push(t.to_string());
                j += 1;
            }
            break;
        }
        // `Nơi nhận` always opens the recipients, never goes on a heading; a table row under an
        // annex's title (`| TT | Chỉ tiêu | Chủ trì |`, or `TT` alone opening the column heads
        // of a table flattened one cell a line) is its table's header, not the subject.
        if marker(t).is_some()
            || is_formula(t)
            || t.starts_with("Nơi nhận")
            || t.starts_with('|')
            || matches!(t, "TT" | "STT")
        {
            break;
        }
        if annex && t.starts_with('(') {
            taken.push(j);
            in_paren = !t.contains(')');
        } else if is_upper(t) && (annex || taken.len() < 3) {
            taken.push(j);
        } else if annex && sentence_open && starts_lower(t) {
            taken.push(j);
            sentence_open = !ends_terminal(t);
        } else if kind == Heading::Annex && taken.is_empty() && j == first && is_title_line(t) {
            // `Phụ lục I` / `Cách tính, quy đổi giờ chuẩn`: a title in sentence case right
            // under the label, short and not a sentence.
            taken.push(j);
            sentences += 1;
        } else if annex && !taken.is_empty() && sentences == 0 {
            taken.push(j);
            sentences += 1;
            sentence_open = !ends_terminal(t);
        } else {
            break;
        }
        blanks = 0;
        j += 1;
    }
    // Lines skipped on the way (blanks, furniture already recorded) stay consumed.
    (taken, j)
}

/// Whose heading [`heading_lines`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Heading {
    /// A chapter's or part's (`Chương I` / `QUY ĐỊNH CHUNG`): upper-case lines.
    Section,
    /// An annex's under its `Phụ lục` line: its title, in upper case or a short line in
    /// sentence case, and the bracketed lines.
    Annex,
    /// An annex's with no `Phụ lục` line (body after the signature): upper-case title lines and
    /// the bracketed lines; a first line in sentence case is body text.
    Unlabelled,
}

/// Whether a line ends inside a reference to points (`… tại điểm a), b), c),`, `… quy định tại
/// điểm`): the point label on the next line is part of it.
fn refers_to_points(prev: &str) -> bool {
    let t = prev.trim_end();
    if t.ends_with(" điểm") {
        return true;
    }
    let Some(body) = t.strip_suffix("),") else {
        return false;
    };
    // The line's last words are point labels (`a), b), c),`) after `điểm`.
    let mut chars = body.chars().rev();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == 'đ')
        && chars.next() == Some(' ')
        && t.rfind("điểm").is_some_and(|at| t.len() - at < 40)
}

/// The most characters of an annex's title in sentence case.
const MAX_TITLE_CHARS: usize = 160;

/// Whether a line can be an annex's title in sentence case: short, opening with a capital, not
/// ending a sentence or a lead-in, no leader to fill in.
fn is_title_line(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase)
        && t.chars().count() <= MAX_TITLE_CHARS
        && !ends_terminal(t)
        && !t.ends_with([':', ';', ','])
        && !t.contains("..")
        && !t.contains('…')
}

/// The bracketed lines (`(Kèm theo …)`, over a few lines) right under line `from - 1`, if any:
/// the line indices taken and the index to continue from.
fn bracketed_lines(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
    furniture: &mut Vec<String>,
) -> (Vec<usize>, usize) {
    let Some(j) = (from..lines.len().min(from + 2)).find(|&j| !lines[j].is_blank()) else {
        return (Vec::new(), from);
    };
    if furn[j] || !lines[j].text.starts_with('(') {
        return (Vec::new(), from);
    }
    let Some(close) = (j..lines.len().min(j + 4)).find(|&c| lines[c].text.contains(')')) else {
        return (Vec::new(), from);
    };
    let mut taken = Vec::new();
    for k in j..=close {
        if furn[k] {
            furniture.push(lines[k].text.to_string());
        } else if !lines[k].is_blank() {
            taken.push(k);
        }
    }
    (taken, close + 1)
}

/// Whether a text has white space other than single spaces between words. Lines are trimmed and
/// joined by one space, so most blocks have none; a byte scan spares them a copy. (The stored
/// text has no odd spaces left: normalization made them plain.)
fn needs_collapse(t: &str) -> bool {
    // Searches rather than a byte loop: one SIMD search for the three bytes, and str's
    // `contains` of two spaces a vectorized search; a loop with an exit at every byte of a long
    // block costs several times more.
    let b = t.as_bytes();
    b.first() == Some(&b' ')
        || b.last() == Some(&b' ')
        || memchr::memchr3(b'\t', b'\n', b'\r', b).is_some()
        || t.contains("  ")
}

/// The text with every run of white space made one space, trimmed.
pub(crate) fn collapse_spaces(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for w in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Joins lines with single spaces.
fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
