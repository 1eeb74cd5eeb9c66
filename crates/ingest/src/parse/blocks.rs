//! From lines to blocks: re-flows hard-wrapped lines into paragraphs, and sets apart the
//! closing parts (recipients, signature), the enacting formula and page furniture.

use std::sync::LazyLock;

use regex::Regex;

use super::joins::Evidence;
use super::lines::{
    Line, Marker, Scheme, Wrap, ends_terminal, is_separator, is_upper, marker, starts_lower,
    wrap_width,
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
    fn unmarked(text: &str, start: usize, end: usize, after_formula: bool) -> Block {
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
}

/// The body split into blocks and closing parts.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub blocks: Vec<Block>,
    pub recipients: Vec<String>,
    /// How many `Nơi nhận` lines introduced the recipients.
    pub recipient_markers: usize,
    pub signature: Vec<String>,
    pub furniture: Vec<String>,
    /// Formula lines (`QUYẾT NGHỊ:`), kept with the header lines.
    pub formulas: Vec<String>,
}

static RE_ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}$").expect("valid regex"));
static RE_NUMERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[IVXLC]+|\d{1,3})$").expect("valid regex"));
static RE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:TM|T/M|T\.M|KT|K/T|Q|TL|TUQ)\.?\s+\p{Lu}|(?:PHÓ )?(?:THỦ TƯỚNG|CHỦ TỊCH|BÍ THƯ|TỔNG BÍ THƯ|CHỦ NHIỆM|BỘ TRƯỞNG|TRƯỞNG BAN|GIÁM ĐỐC|CHÁNH VĂN PHÒNG)(?: \p{Lu}[\p{Lu} ]*)?$)",
    )
    .expect("valid regex")
});

/// Whether a line opens a signature block (`TM. CHÍNH PHỦ`, `T/M BỘ CHÍNH TRỊ`, `CHỦ TỊCH`).
fn is_signature_start(t: &str) -> bool {
    RE_SIGNATURE.is_match(t)
}

/// Whether a line continues a signature block: a title, `[đã ký]`, or a person's name.
fn is_signature_line(t: &str) -> bool {
    if is_signature_start(t) {
        return true;
    }
    if marker(t).is_some() || is_formula(t) {
        return false;
    }
    let lower = t.to_lowercase();
    if lower == "[đã ký]" || lower == "(đã ký)" || lower == "đã ký" {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || ends_terminal(t) {
        return false;
    }
    if is_upper(t) && words.len() <= 8 {
        return true;
    }
    words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase) && !w.chars().any(|c| c.is_ascii_digit())
    })
}

/// Whether a marker ends a table: a heading, or an item a cell does not start with.
fn ends_table(scheme: Scheme) -> bool {
    scheme.is_section() || scheme == Scheme::Alpha || scheme == Scheme::Word
}

/// Whether a line is an enacting formula (`QUYẾT NGHỊ:`, `QUYẾT ĐỊNH:`).
fn is_formula(t: &str) -> bool {
    let bare = t.trim_end_matches([':', ' ', '.']);
    // `QUY ĐỊNH` and `KẾT LUẬN` alone are titles (of an annex); with a colon they enact.
    matches!(bare, "QUYẾT NGHỊ" | "QUYẾT ĐỊNH")
        || (matches!(bare, "QUY ĐỊNH" | "BAN HÀNH" | "KẾT LUẬN") && t.ends_with(':'))
}

#[derive(Debug, PartialEq, Eq)]
enum Mode {
    Body,
    Recipients,
    Signature,
}

/// Splits the body lines `from..` into blocks and closing parts.
pub(crate) fn split(lines: &[Line<'_>], furn: &[bool], from: usize) -> Body {
    let mut body = Body::default();
    let wrap = wrap_width(&lines[from.min(lines.len())..]);
    // A greedy wrap decides every break by line length alone: no evidence needed.
    let evidence = wrap
        .filter(|w| !w.greedy)
        .map(|_| Evidence::gather(lines, furn, from));
    let mut mode = Mode::Body;
    let mut annex_pending = false;
    // Whether the signature block has its signer's name.
    let mut signed = false;
    // The column of `Nơi nhận` in a closing table written between pipes, while its rows last.
    let mut closing_col: Option<usize> = None;
    // Whether the lines are the cells of a table, and the row number expected next.
    let mut table = false;
    let mut next_row = 1;
    let mut after_formula = false;
    // The last section scheme above numbered paragraphs: `1.` right under `Điều` is a khoản.
    let mut parent_scheme: Option<Scheme> = None;
    // The open block, as (block, index of its last line).
    let mut open: Option<(Block, usize)> = None;
    let mut gap = false;
    let mut i = from;
    while i < lines.len() {
        let l = lines[i];
        if furn[i] {
            body.furniture.push(l.text.to_string());
            i += 1;
            continue;
        }
        if l.is_blank() {
            gap = true;
            i += 1;
            continue;
        }
        let t = l.text;
        if !t.starts_with('|') {
            closing_col = None;
        }
        if let Some(rest) = t.strip_prefix("Nơi nhận") {
            close(&mut open, &mut body);
            mode = Mode::Recipients;
            table = false;
            body.recipient_markers += 1;
            let rest = rest.trim_start_matches([':', ' ']);
            if !rest.is_empty() {
                body.recipients.push(strip_dash(rest).to_string());
            }
            i += 1;
            continue;
        }
        if is_signature_start(t) && (mode != Mode::Body || !t.contains(" là ")) {
            close(&mut open, &mut body);
            mode = Mode::Signature;
            table = false;
            signed = false;
            body.signature.push(t.to_string());
            i += 1;
            continue;
        }
        match mode {
            Mode::Recipients => {
                if t.starts_with(['-', '–', '+', '•']) {
                    body.recipients.push(strip_dash(t).to_string());
                    i += 1;
                    continue;
                }
                // A recipient wrapped after a comma (`Tỉnh ủy, HĐND,` / `UBND …`) goes on too.
                if let Some(last) = body.recipients.last_mut()
                    && (starts_lower(t)
                        || last.ends_with(',')
                        || (!last.ends_with([';', '.']) && !is_upper(t)))
                {
                    last.push(' ');
                    last.push_str(t);
                    i += 1;
                    continue;
                }
                mode = Mode::Body;
                annex_pending = true;
            }
            Mode::Signature => {
                // After the signer's name only another title (a second signature) goes on.
                let stamp = t.to_lowercase().contains("đã ký");
                if !t.chars().any(char::is_alphanumeric) {
                    // A bracket or mark of the signature stamp (`[`, `(…)`) between its lines.
                    body.signature.push(t.to_string());
                    i += 1;
                    continue;
                }
                if is_signature_line(t) && (!signed || is_signature_start(t)) {
                    signed = !is_upper(t) && !stamp && !is_signature_start(t);
                    body.signature.push(t.to_string());
                    i += 1;
                    continue;
                }
                mode = Mode::Body;
                annex_pending = true;
            }
            Mode::Body => {}
        }
        if is_formula(t) {
            close(&mut open, &mut body);
            body.formulas.push(t.to_string());
            after_formula = true;
            gap = false;
            i += 1;
            continue;
        }
        if let Some(cells) = pipe_cells(t) {
            // A table row written between pipes: one block, its cells kept apart. A rule row
            // (`|---|---|`) or a row of empty cells is furniture.
            close(&mut open, &mut body);
            if closing_col.is_none() {
                closing_col = cells.iter().position(|c| c.starts_with("Nơi nhận"));
                if closing_col.is_some() {
                    body.recipient_markers += 1;
                } else if cells.iter().any(|c| is_signature_start(c))
                    && cells.iter().all(|c| c.is_empty() || is_signature_line(c))
                {
                    // A signature block laid out in a table, with no recipients (a law).
                    closing_col = Some(usize::MAX);
                }
            }
            if let Some(col) = closing_col {
                // The closing table of a Word file: recipients in the `Nơi nhận` column, the
                // signature block beside them.
                for (k, cell) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                    if k == col {
                        let rest = cell.strip_prefix("Nơi nhận").unwrap_or(cell);
                        // A cell's paragraphs arrive joined: `A (b/c); - B; - Lưu: VT.`
                        for r in rest.trim_start_matches([':', ' ']).split("; -") {
                            let r = strip_dash(r.trim());
                            if !r.is_empty() {
                                let end = if r.ends_with(['.', ';']) { "" } else { ";" };
                                body.recipients.push(format!("{r}{end}"));
                            }
                        }
                    } else {
                        body.signature.push(cell.clone());
                    }
                }
            } else if cells.iter().any(|c| !is_separator(c) && !c.is_empty()) {
                let mut row = Block::unmarked(&cells.join(" | "), l.start, l.end, after_formula);
                row.cells = cells;
                body.blocks.push(row);
            } else {
                body.furniture.push(t.to_string());
            }
            table = false;
            gap = false;
            i += 1;
            continue;
        }
        // An empty cell (`-`) of a table that arrived one cell a line is a cell, not a rule.
        if is_separator(t) && !(table && t.chars().count() <= 2) {
            close(&mut open, &mut body);
            body.furniture.push(t.to_string());
            i += 1;
            continue;
        }
        if !table && is_form_field(t) {
            // A form to fill in (`1. Họ và tên: ……`, `Đơn vị: ……`): its fields are one block,
            // whatever numbering they carry.
            match open.as_mut() {
                Some((b, last)) if b.form => {
                    b.text.push(' ');
                    b.text.push_str(t);
                    b.span[1] = l.end;
                    *last = i;
                }
                _ => {
                    close(&mut open, &mut body);
                    let mut form = Block::unmarked(t, l.start, l.end, after_formula);
                    form.form = true;
                    open = Some((form, i));
                }
            }
            gap = false;
            i += 1;
            continue;
        }
        // `Điều` / `4. Tên điều`: an article's label split from its number by a hard wrap.
        if matches!(t, "Điều" | "ĐIỀU")
            && let Some(j) = (i + 1..lines.len().min(i + 3)).find(|&j| !lines[j].is_blank())
            && !furn[j]
            && let Some(mk) =
                marker(&format!("{t} {}", lines[j].text)).filter(|mk| mk.scheme == Scheme::Article)
        {
            close(&mut open, &mut body);
            // The marker was read from `Điều 4. …`: its text starts that many bytes, less the
            // label and the space, into the number's line.
            let rest = mk.rest.saturating_sub(t.len() + 1).min(lines[j].text.len());
            let rest_text = &lines[j].text[rest..];
            open = Some((
                Block {
                    written_label: mk.label.clone(),
                    text: rest_text.to_string(),
                    span: [l.start, lines[j].end],
                    body_start: lines[j].start + rest,
                    marker: Some(mk),
                    synthetic_annex: false,
                    after_formula,
                    may_head: true,
                    cells: Vec::new(),
                    form: false,
                },
                j,
            ));
            parent_scheme = Some(Scheme::Article);
            gap = false;
            i = j + 1;
            continue;
        }
        // `Chương` / `III`: a label split from its number by a hard wrap.
        if matches!(t, "Chương" | "CHƯƠNG" | "Phần" | "PHẦN" | "Mục" | "MỤC")
            && let Some(j) = (i + 1..lines.len().min(i + 3)).find(|&j| !lines[j].is_blank())
            && !furn[j]
            && RE_NUMERAL.is_match(lines[j].text)
            && let Some(mk) = marker(&format!("{t} {}", lines[j].text))
        {
            close(&mut open, &mut body);
            let (taken, next) = heading_lines(lines, furn, j + 1, false, &mut body.furniture);
            let mut block = Block {
                written_label: mk.label.clone(),
                text: String::new(),
                span: [l.start, lines[j].end],
                body_start: lines[j].end,
                marker: Some(mk),
                synthetic_annex: false,
                after_formula,
                may_head: false,
                cells: Vec::new(),
                form: false,
            };
            if let Some(&lastj) = taken.last() {
                block.text = join(taken.iter().map(|&k| lines[k].text));
                block.body_start = lines[taken[0]].start;
                block.span[1] = lines[lastj].end;
            }
            body.blocks.push(block);
            gap = false;
            i = next.max(j + 1);
            continue;
        }
        let mut m = marker(t);
        // A table flattened one cell a line (`TT` / `Tên nhiệm vụ` / … / `1` / cells / `2` …):
        // each numbered row becomes one block, its cells joined, until a heading or item that
        // cannot be a cell ends the table.
        if table && m.as_ref().is_some_and(|mk| ends_table(mk.scheme)) {
            table = false;
        }
        if table {
            // Row numbers run in sequence (a few may be lost to the flattening); other bare
            // numbers are cell values or stray page numbers.
            let row = RE_ROW
                .is_match(t)
                .then(|| t.parse::<u32>().ok())
                .flatten()
                .filter(|n| (next_row..=next_row + 3).contains(n));
            if matches!(t, "TT" | "STT") {
                // The header row again, on a new page.
                close(&mut open, &mut body);
                let mut head = Block::unmarked(t, l.start, l.end, after_formula);
                head.cells.push(t.to_string());
                open = Some((head, i));
            } else if let Some(n) = row {
                next_row = n + 1;
                close(&mut open, &mut body);
                open = Some((
                    Block {
                        marker: Some(Marker {
                            scheme: Scheme::Row,
                            label: t.to_string(),
                            rest: t.len(),
                        }),
                        written_label: t.to_string(),
                        text: String::new(),
                        span: [l.start, l.end],
                        body_start: l.end,
                        synthetic_annex: false,
                        after_formula,
                        may_head: false,
                        cells: vec![t.to_string()],
                        form: false,
                    },
                    i,
                ));
            } else if let Some((b, last)) = open.as_mut() {
                if !b.text.is_empty() {
                    b.text.push(' ');
                }
                b.text.push_str(t);
                b.cells.push(t.to_string());
                b.span[1] = l.end;
                *last = i;
            }
            gap = false;
            i += 1;
            continue;
        }
        if matches!(t, "TT" | "STT") && !annex_pending {
            // The header row: one block of column names, then the rows.
            close(&mut open, &mut body);
            table = true;
            next_row = 1;
            let mut head = Block::unmarked(t, l.start, l.end, after_formula);
            head.cells.push(t.to_string());
            open = Some((head, i));
            gap = false;
            i += 1;
            continue;
        }
        if annex_pending {
            annex_pending = false;
            if m.as_ref().is_none_or(|m| m.scheme != Scheme::Annex) {
                // Body after the signature with no `Phụ lục` line: an annex all the same.
                close(&mut open, &mut body);
                let (taken, next) = heading_lines(lines, furn, i, true, &mut body.furniture);
                if !taken.is_empty() {
                    let first = lines[taken[0]];
                    let last = lines[*taken.last().expect("non-empty")];
                    body.blocks.push(Block {
                        marker: Some(Marker {
                            scheme: Scheme::Annex,
                            label: "Phụ lục".to_string(),
                            rest: 0,
                        }),
                        written_label: String::new(),
                        text: join(taken.iter().map(|&j| lines[j].text)),
                        span: [first.start, last.end],
                        body_start: first.start,
                        synthetic_annex: true,
                        after_formula,
                        may_head: false,
                        cells: Vec::new(),
                        form: false,
                    });
                    gap = false;
                    i = next;
                    continue;
                }
            }
        }
        // A dash that starts a wrapped line mid-sentence (`kinh tế` / `- xã hội`) is no item.
        if let (Some(mk), Some((_, last))) = (&m, &open)
            && mk.scheme == Scheme::Dash
            && !gap
            && starts_lower(&t[mk.rest..])
            && !ends_terminal(lines[*last].text)
            && !lines[*last].text.ends_with(',')
        {
            m = None;
        }
        // `… tại khoản 3` / `Điều 1.`: a reference wrapped onto its own line is no article.
        if let (Some(mk), Some((_, last))) = (&m, &open)
            && mk.scheme == Scheme::Article
            && !gap
            && t[mk.rest..].is_empty()
            && !ends_terminal(lines[*last].text)
        {
            m = None;
        }
        match m {
            Some(mk) => {
                close(&mut open, &mut body);
                let rest_text = &t[mk.rest..];
                let scheme = mk.scheme;
                let numbered = matches!(scheme, Scheme::Number | Scheme::Number2 | Scheme::Number3);
                if scheme.is_section() && !numbered {
                    parent_scheme = Some(scheme);
                }
                let may_head =
                    scheme.is_section() && !(numbered && parent_scheme == Some(Scheme::Article));
                let block = Block {
                    written_label: t[..mk.rest].trim().to_string(),
                    text: rest_text.to_string(),
                    span: [l.start, l.end],
                    body_start: l.start + mk.rest,
                    marker: Some(mk),
                    synthetic_annex: false,
                    after_formula,
                    may_head,
                    cells: Vec::new(),
                    form: false,
                };
                // An article's heading below its label joins it like a wrapped line instead.
                if scheme.heading_below() && scheme != Scheme::Article && rest_text.is_empty() {
                    // `Chương I` / `QUY ĐỊNH CHUNG`; `Phụ lục I` / title / `(Kèm theo …)`.
                    let annex = scheme == Scheme::Annex;
                    let (taken, next) =
                        heading_lines(lines, furn, i + 1, annex, &mut body.furniture);
                    let mut block = block;
                    if let Some(&lastj) = taken.last() {
                        block.text = join(taken.iter().map(|&j| lines[j].text));
                        block.body_start = lines[taken[0]].start;
                        block.span[1] = lines[lastj].end;
                    }
                    body.blocks.push(block);
                    gap = false;
                    i = next;
                    continue;
                }
                open = Some((block, i));
            }
            None => {
                let join_it = match &open {
                    Some((b, last)) => {
                        should_join(b, lines[*last].text, t, gap, wrap, evidence.as_ref())
                    }
                    None => false,
                };
                if join_it {
                    let (b, last) = open.as_mut().expect("open block");
                    if !b.text.is_empty() {
                        b.text.push(' ');
                    }
                    b.text.push_str(t);
                    b.span[1] = l.end;
                    *last = i;
                } else {
                    close(&mut open, &mut body);
                    open = Some((Block::unmarked(t, l.start, l.end, after_formula), i));
                }
            }
        }
        gap = false;
        i += 1;
    }
    close(&mut open, &mut body);
    body
}

/// Whether line `t` continues the open block whose last line is `prev`, from the evidence of
/// the document: its line lengths (`wrap`), sentence ends, and how it writes the words at the
/// break ([`Evidence`]).
fn should_join(
    b: &Block,
    prev: &str,
    t: &str,
    gap: bool,
    wrap: Option<Wrap>,
    evidence: Option<&Evidence>,
) -> bool {
    // `Điều 2.` / `Thay thế, bãi bỏ …`: the article's heading or first sentence.
    if b.text.is_empty()
        && b.marker
            .as_ref()
            .is_some_and(|m| m.scheme == Scheme::Article)
    {
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
    // An upper-case heading wrapped over two lines.
    if !ends_terminal(prev) && b.may_head && t.contains(' ') && is_upper(t) && is_upper(&b.text) {
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
    if !ends_terminal(prev) && evidence.pair_seen(prev, t) {
        // `Văn phòng` / `Trung ương Đảng …`: a phrase the document writes whole elsewhere.
        return true;
    }
    let last = prev.rsplit(' ').next().unwrap_or("");
    if last.len() <= 5 && last.ends_with(')') && marker(last).is_some() {
        // `… bắt đầu thực hiện: (1)` / `Cung cấp hạ tầng …`: an inline item's label, its text
        // on the next line.
        return true;
    }
    if t.starts_with('“') && !ends_terminal(prev) {
        // `… ban hành Nghị quyết` / `“Quy định mức chuẩn …”`: a quoted name goes on a sentence.
        return true;
    }
    if b.text.matches('“').count() > b.text.matches('”').count() && !ends_terminal(prev) {
        // Inside a quotation (`thay thế cụm từ “Sở Lao động` / `Thương binh và Xã hội” …`).
        return true;
    }
    if !ends_terminal(prev) && evidence.starts_sentence(prev, t) {
        // `… thời gian tới` / `Thời gian tới, dự báo …`: a word the document writes in lower
        // case inside sentences starts one here; the line before was a heading or a last line.
        return false;
    }
    // Wrapped by hand, by a converter or by typesetting: a sentence does not end without
    // punctuation, so a line without it goes on when the next word would not have fit on it
    // (with the slack that proportional type leaves), or when the line is long; a heading's
    // last line is shorter still.
    let word = t.split_whitespace().next().map_or(0, |w| w.chars().count());
    let full = prev_len + 1 + word + wrap.slack > wrap.width;
    let ratio = if b.may_head { 15 } else { 11 };
    !ends_terminal(prev) && (full || prev_len * 20 >= wrap.width * ratio)
}

/// Collects the heading lines below a label or at the head of an annex: upper-case lines,
/// bracketed `(Kèm theo …)` lines and, for annexes, one sentence-case subject. Returns the line
/// indices taken and the index to continue from.
fn heading_lines(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
    annex: bool,
    furniture: &mut Vec<String>,
) -> (Vec<usize>, usize) {
    let mut taken = Vec::new();
    let mut in_paren = false;
    let mut sentences = 0;
    let mut sentence_open = false;
    let mut blanks = 0;
    let mut j = from;
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
        // `Nơi nhận` always opens the recipients, never goes on a heading.
        if marker(t).is_some() || is_formula(t) || t.starts_with("Nơi nhận") {
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

static RE_LEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"…{2,}|\.{5,}|_{5,}").expect("valid regex"));

/// Whether a line is a field of a form to fill in: a label followed by a dotted leader
/// (`Họ và tên: ……………`, `Chương trình: ………`).
fn is_form_field(t: &str) -> bool {
    // Most lines have no leader at all: two cheap substring checks spare them the pattern.
    (t.contains("……") || t.contains("....") || t.contains("_____"))
        && RE_LEADER.find(t).is_some_and(|m| m.start() > 0)
}

/// The cells of a table row written between pipes (`| 1 | Bộ Nội vụ | 2026 |`), trimmed; `None`
/// for any other line.
fn pipe_cells(t: &str) -> Option<Vec<String>> {
    let inner = t.strip_prefix('|')?.strip_suffix('|')?;
    if inner.is_empty() {
        return None;
    }
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// Pushes the open block, if any.
fn close(open: &mut Option<(Block, usize)>, body: &mut Body) {
    if let Some((mut b, _)) = open.take() {
        if needs_collapse(&b.text) {
            b.text = collapse_spaces(&b.text);
        }
        body.blocks.push(b);
    }
}

/// Whether a text has white space other than single spaces between words. Lines are trimmed and
/// joined by one space, so most blocks have none; a byte scan spares them a copy. (The stored
/// text has no odd spaces left: normalization made them plain.)
fn needs_collapse(t: &str) -> bool {
    let b = t.as_bytes();
    b.first() == Some(&b' ')
        || b.last() == Some(&b' ')
        || b.iter().any(|&c| c == b'\t' || c == b'\n' || c == b'\r')
        || b.windows(2).any(|w| w == b"  ")
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

/// A recipient line without its leading dash.
fn strip_dash(t: &str) -> &str {
    t.trim_start_matches(['-', '–', '+', '•', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::{furniture, split as split_lines};

    fn blocks(text: &str) -> Body {
        let lines = split_lines(text);
        let furn = furniture(&lines);
        split(&lines, &furn, 0)
    }

    fn texts(body: &Body) -> Vec<(String, String)> {
        body.blocks
            .iter()
            .map(|b| (b.written_label.clone(), b.text.clone()))
            .collect()
    }

    #[test]
    fn lines_without_blank_lines_split_at_labels_and_sentence_ends() {
        let body = blocks(
            "3.1. Tăng cường công tác xây dựng Đảng\nThực hiện đồng bộ.\nTiếp tục đổi mới.\n(1) Tốc độ tăng 10%.\n(2) Năng suất",
        );
        assert_eq!(
            texts(&body),
            [
                ("3.1.".into(), "Tăng cường công tác xây dựng Đảng".into()),
                (String::new(), "Thực hiện đồng bộ.".into()),
                (String::new(), "Tiếp tục đổi mới.".into()),
                ("(1)".into(), "Tốc độ tăng 10%.".into()),
                ("(2)".into(), "Năng suất".into()),
            ]
        );
    }

    #[test]
    fn wrapped_sentences_join_and_keep_their_span() {
        let text =
            "Căn cứ Luật Tổ chức chính\nquyền địa phương số 72/2025/QH15;\n\nCăn cứ Luật Thủ đô;";
        let body = blocks(text);
        assert_eq!(body.blocks.len(), 2);
        assert_eq!(
            body.blocks[0].text,
            "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;"
        );
        let [a, b] = body.blocks[0].span;
        assert_eq!(
            &text[a..b],
            "Căn cứ Luật Tổ chức chính\nquyền địa phương số 72/2025/QH15;"
        );
    }

    #[test]
    fn closing_parts_are_set_apart() {
        let body = blocks(
            "Điều 3. Hiệu lực.\n\nNơi nhận:\n- Chính phủ;\n- Các Bộ, cơ quan ngang Bộ,\ncơ quan thuộc CP;\n- Lưu: VT.\nTM. ỦY BAN THƯỜNG VỤ QUỐC HỘI\nCHỦ TỊCH\n\nTrần Thanh Mẫn",
        );
        assert_eq!(
            body.recipients,
            [
                "Chính phủ;",
                "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc CP;",
                "Lưu: VT."
            ]
        );
        assert_eq!(
            body.signature,
            [
                "TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI",
                "CHỦ TỊCH",
                "Trần Thanh Mẫn"
            ]
        );
        assert_eq!(body.blocks.len(), 1);
    }

    #[test]
    fn body_after_the_signature_is_an_annex() {
        let body = blocks(
            "TM. CHÍNH PHỦ\nTHỦ TƯỚNG\nPhạm Minh Chính\n\nCHƯƠNG TRÌNH HÀNH ĐỘNG\n(Kèm theo Nghị quyết số 03/NQ-CP)\n\nI. MỤC TIÊU",
        );
        assert!(body.blocks[0].synthetic_annex);
        assert_eq!(
            body.blocks[0].text,
            "CHƯƠNG TRÌNH HÀNH ĐỘNG (Kèm theo Nghị quyết số 03/NQ-CP)"
        );
        assert_eq!(body.blocks[1].written_label, "I.");
    }

    #[test]
    fn a_label_split_from_its_number_is_rejoined() {
        let body = blocks("Chương\nIII\n\nĐIỀU KHOẢN THI HÀNH\n\nĐiều 4. Điều\nkhoản thi hành");
        let m = body.blocks[0].marker.as_ref().expect("marker");
        assert_eq!(m.label, "Chương III");
        assert_eq!(body.blocks[0].text, "ĐIỀU KHOẢN THI HÀNH");
        assert_eq!(body.blocks[1].text, "Điều khoản thi hành");
    }

    #[test]
    fn pipe_rows_are_rows_with_their_cells() {
        let body = blocks(
            "PHỤ LỤC\n| STT | Nhiệm vụ | Cơ quan chủ trì |\n|---|---|---|\n| 1 | Xây dựng đề án | Bộ Nội vụ |",
        );
        let rows: Vec<&Vec<String>> = body
            .blocks
            .iter()
            .map(|b| &b.cells)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], &["1", "Xây dựng đề án", "Bộ Nội vụ"]);
        assert_eq!(body.furniture, ["|---|---|---|"]);
    }

    #[test]
    fn a_table_one_cell_a_line_keeps_its_empty_cells() {
        let body = blocks("TT\nNội dung\nGhi chú\n1\nHội nghị\n-\n2\nTập huấn\nCấp xã");
        let rows: Vec<&Vec<String>> = body.blocks.iter().map(|b| &b.cells).collect();
        assert_eq!(rows[1], &["1", "Hội nghị", "-"]);
        assert_eq!(rows[2], &["2", "Tập huấn", "Cấp xã"]);
        assert!(body.furniture.is_empty());
    }

    #[test]
    fn a_form_is_one_block() {
        let body =
            blocks("Mẫu 1\n1. Họ và tên: ……………\n2. Đơn vị công tác: ……………\n3. Chương trình: ………");
        let forms: Vec<&Block> = body.blocks.iter().filter(|b| b.form).collect();
        assert_eq!(forms.len(), 1, "{:?}", body.blocks);
        assert!(forms[0].text.contains("Chương trình"));
    }

    #[test]
    fn an_article_label_split_from_its_number_is_one_article() {
        let body =
            blocks("Điều 3. Hiệu lực\nNội dung ba.\nĐiều\n4. Trách nhiệm thi hành\nNội dung bốn.");
        let labels: Vec<&str> = body
            .blocks
            .iter()
            .filter_map(|b| b.marker.as_ref().map(|m| m.label.as_str()))
            .collect();
        assert_eq!(labels, ["Điều 3", "Điều 4"]);
        let four = body
            .blocks
            .iter()
            .find(|b| b.marker.as_ref().is_some_and(|m| m.label == "Điều 4"))
            .unwrap();
        assert!(four.text.starts_with("Trách nhiệm thi hành"), "{four:?}");
    }

    #[test]
    fn a_recipient_wrapped_after_a_comma_goes_on() {
        let body = blocks("Nội dung.\nNơi nhận:\n- Tỉnh ủy, HĐND,\nUBND tỉnh;\n- Lưu VT.");
        assert_eq!(body.recipients, ["Tỉnh ủy, HĐND, UBND tỉnh;", "Lưu VT."]);
    }

    #[test]
    fn a_closing_table_gives_recipients_and_signature() {
        let body = blocks(
            "Nội dung.\n| Nơi nhận: | THỦ TƯỚNG |\n| - Ban Bí thư; | |\n| - Lưu: VT. | Nguyễn Văn A |",
        );
        assert_eq!(body.recipients, ["Ban Bí thư;", "Lưu: VT."]);
        assert_eq!(body.signature, ["THỦ TƯỚNG", "Nguyễn Văn A"]);
        assert_eq!(body.blocks.len(), 1);
        let body = blocks("Nội dung.\n| Nơi nhận: - A (b/c); - Lưu: VT. | GIÁM ĐỐC |");
        assert_eq!(body.recipients, ["A (b/c);", "Lưu: VT."]);
        let body = blocks("Điều 48. Hiệu lực.\n| | CHỦ TỊCH QUỐC HỘI |\n| | Trần Thanh Mẫn |");
        assert_eq!(body.signature, ["CHỦ TỊCH QUỐC HỘI", "Trần Thanh Mẫn"]);
    }
}
