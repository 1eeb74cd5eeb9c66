//! Markdown as it arrives — legal-portal crawls, hand-made transcriptions, rebuilt pages with
//! YAML front matter — converted to the plain text the parser reads.
//!
//! A line-based converter, not a CommonMark parser: measured on the nine `.md` files of the
//! development set, `pulldown-cmark` reads an indented `      ## ĐẢNG CỘNG SẢN VIỆT NAM` as a
//! code block (keeping the `##`), a `**` that opens at the end of a line as a literal `**`, and
//! a dash rule under a header line as a setext underline (dropping the rule the header reader
//! needs), and it has no notion of the portals' one-cell-a-line tables; this converter keeps
//! one source line as one output line so that wrapped lines still look wrapped.
//!
//! What it does, line by line: drops YAML front matter (into a diagnostic: its title is the
//! site's, not the document's), code fences, heading `#`s, blockquote `>`, emphasis markers
//! (`**`, `__`, and a `*` that opens or closes italics, also when the pair spans lines),
//! backslash escapes, link and image syntax and separator rows of tables; turns `*` bullets into
//! `- ` (a `+` is kept: in these documents it is the document's own item marker, a level under
//! `-`), `<br>` into a line break and decodes HTML entities. The one exception to one line for
//! one line: a heading or label emphasised as a whole and wrapped by the word processor
//! (`**PHỤ` / `LỤC I**`) is one line, as the emphasis shows it was one. Pipe tables stay pipe rows (the
//! parser's table convention). Portal crawls write a table one cell fragment a line between lone
//! `|` lines (`||` ends a row): a run of at least three rows of cells becomes pipe rows; a
//! shorter one (the two-column header, the recipients-and-signature block) is a layout table,
//! written out cell by cell with a blank line between cells. Text before the header's motto
//! block that carries a portal's metadata table (`**Số hiệu:**` | value …) is portal chrome: it
//! goes to the diagnostics, not the body.

use std::sync::LazyLock;

use regex::Regex;

/// The plain text of a Markdown source and what the conversion noticed.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    /// The text, one output line for each source line, except tables one cell a line, which
    /// become one line a row.
    pub text: String,
    /// What was dropped and why.
    pub diagnostics: Vec<String>,
}

/// The most lines one cell fragment of a portal table may have: past it the lone `|` ended the
/// table and what follows is body text.
const MAX_CELL_LINES: usize = 40;

static RE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,12}#{1,6}(?:\s+|$)").expect("valid regex"));
static RE_CLOSING_HASHES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+#+\s*$").expect("valid regex"));
static RE_BLOCKQUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:>\s?)+").expect("valid regex"));
static RE_STAR_BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\s+(\S)").expect("valid regex"));
/// A numbering label at the start of a list item's text (`a)`, `(1)`, `2.`, `1.2.`, `II.`).
static RE_OWN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[a-zđ]\)|\((?:\d{1,3}|[a-zđ])\)|\d{1,2}(?:\.\d{1,2}){0,2}\.|[IVX]{1,4}\.)\s")
        .expect("valid regex")
});
static RE_FENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:```|~~~)").expect("valid regex"));
static RE_TABLE_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$").expect("valid regex")
});
static RE_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--.*?-->").expect("valid regex"));
static RE_BR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("valid regex"));
static RE_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").expect("valid regex"));
static RE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("valid regex"));
static RE_AUTOLINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<((?:https?|mailto):[^>\s]+)>").expect("valid regex"));
static RE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:b|i|u|em|strong|span|sup|sub|p|div|font|small|mark)\b[^>]*>")
        .expect("valid regex")
});
static RE_ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});").expect("valid regex")
});
static RE_EMPHASIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*|(?:^|[^_])__(?:[^_]|$)").expect("valid regex"));
static RE_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\[.\-*_#()\[\]+!]").expect("valid regex"));
static RE_YAML_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[\w-]+\s*:|\s+\S|-\s|\s*$|#)").expect("valid regex"));

/// Whether a decoded text looks like Markdown by its shape: front matter, `**`/`__` emphasis,
/// `#` headings, `*` bullets, lone `|` cell fragments of a portal table, backslash escapes.
/// Plain pipe rows alone are not a sign: they are the parser's own table convention.
pub(crate) fn looks_like_markdown(text: &str) -> bool {
    // Front matter opens with `---`; the lines are cut only for a text that does.
    if text.starts_with("---") && front_matter_end(&lines_of(text)).is_some() {
        return true;
    }
    let (mut emphasis, mut headings, mut bullets, mut pipes, mut escapes) = (0, 0, 0, 0, 0);
    // The first 2,000 lines (`text.lines().take(2000)`); of them, only those with a byte that
    // every sign needs (`*`, `_`, `#`, `\`, `|`), found by SIMD searches: most lines of a plain
    // text have none.
    let bytes = text.as_bytes();
    let head = memchr::memchr_iter(b'\n', bytes)
        .nth(1999)
        .map_or(bytes, |end| &bytes[..end]);
    let find = |from: usize, found: fn(&[u8]) -> Option<usize>| {
        found(&head[from..]).map_or(head.len(), |at| from + at)
    };
    let stars = |h: &[u8]| memchr::memchr3(b'*', b'_', b'#', h);
    let others = |h: &[u8]| memchr::memchr2(b'\\', b'|', h);
    let (mut next_star, mut next_other) = (find(0, stars), find(0, others));
    while next_star.min(next_other) < head.len() {
        let hit = next_star.min(next_other);
        let start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |at| at + 1);
        let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |at| hit + at);
        let mut l = &text[start..end];
        if end < bytes.len() {
            // `lines` drops the carriage return of a `\r\n`.
            l = l.strip_suffix('\r').unwrap_or(l);
        }
        pipes += usize::from(l.trim() == "|");
        emphasis += usize::from(RE_EMPHASIS.is_match(l));
        headings += usize::from(RE_HEADING.is_match(l) && l.trim_start().len() > 1);
        bullets += usize::from(RE_STAR_BULLET.is_match(l));
        escapes += usize::from(RE_ESCAPE.is_match(l));
        let next = (end + 1).min(head.len());
        if next_star < next {
            next_star = find(next, stars);
        }
        if next_other < next {
            next_other = find(next, others);
        }
    }
    let signs = [emphasis, headings, bullets, pipes, escapes];
    // `*` bullets alone are no sign: plain documents use `* Về kinh tế:` as an item marker.
    emphasis >= 3 || pipes >= 3 || escapes >= 3 || signs.iter().filter(|&&n| n > 0).count() >= 2
}

/// The lines of a text, without a trailing carriage return.
fn lines_of(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches('\r')).collect()
}

/// The index of the closing `---` of YAML front matter at the top, if there is front matter.
fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let end = lines
        .iter()
        .enumerate()
        .skip(1)
        .take(200)
        .find(|(_, l)| matches!(l.trim_end(), "---" | "..."))?
        .0;
    // Every line between must read as YAML, and at least one as a `key: value`.
    let body = &lines[1..end];
    (body.iter().all(|l| RE_YAML_LINE.is_match(l)) && body.iter().any(|l| l.contains(':')))
        .then_some(end)
}

/// Converts Markdown to the plain text the parser reads.
pub(crate) fn convert(md: &str) -> Converted {
    let lines = lines_of(md);
    let mut out = Converted::default();
    let mut start = 0;
    if let Some(end) = front_matter_end(&lines) {
        out.diagnostics.push(format!(
            "markdown: YAML front matter dropped ({} lines, the site's metadata, not document text): {}",
            end + 1,
            lines[1..end]
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        start = end + 1;
    }
    if let Some(h) = chrome_end(&lines, start) {
        let dropped: Vec<String> = lines[start..h]
            .iter()
            .map(|l| inline(l))
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && l != "|" && l != "#")
            .collect();
        out.diagnostics.push(format!(
            "markdown: portal text before the header dropped ({} lines: a banner and a metadata table): {}",
            h - start,
            dropped.join(" | ")
        ));
        start = h;
    }
    let mut lines = lines;
    if let Some(f) = footer_start(&lines, start) {
        let dropped: Vec<String> = lines[f..]
            .iter()
            .map(|l| inline(l).trim().to_string())
            .filter(|l| !l.is_empty() && l != "|")
            .collect();
        out.diagnostics.push(format!(
            "markdown: portal text after the document dropped ({} lines: the page's footer): {}",
            lines.len() - f,
            dropped.join(" | ")
        ));
        lines.truncate(f);
    }
    let mut text: Vec<String> = Vec::with_capacity(lines.len());
    let (mut data_tables, mut layout_tables) = (0, 0);
    let mut i = start;
    while i < lines.len() {
        let raw = lines[i];
        if raw.trim() == "|" {
            let (end, rows) = fragment_table(&lines, i);
            if is_data_table(&rows) {
                data_tables += 1;
                write_data_table(&rows, &mut text);
            } else {
                layout_tables += 1;
                write_layout_table(&rows, &mut text);
            }
            i = end;
            continue;
        }
        i = convert_line(&lines, i, &mut text);
    }
    if data_tables + layout_tables > 0 {
        out.diagnostics.push(format!(
            "markdown: {} tables one cell fragment a line: {data_tables} read as pipe rows, {layout_tables} as layout (cells one after another)",
            data_tables + layout_tables
        ));
    }
    out.text = text.join("\n");
    out
}

/// Converts the line at `i` outside a cell-fragment table, or the emphasised heading that opens
/// there with the lines it wraps onto, onto `out`; returns the index to go on from.
fn convert_line(lines: &[&str], i: usize, out: &mut Vec<String>) -> usize {
    let (converted, next) = match emphasis_run_end(lines, i) {
        Some(end) => {
            let joined: Vec<&str> = lines[i..=end].iter().map(|l| l.trim()).collect();
            (block_line(&joined.join(" ")), end + 1)
        }
        None => (block_line(lines[i]), i + 1),
    };
    if let Some(l) = converted {
        out.extend(l.split('\n').map(str::to_string));
    }
    next
}

/// The most source lines one emphasised heading or label may span to be read as one line.
const MAX_RUN_LINES: usize = 3;
/// The most characters of text such a run may hold: past it, it is an emphasised paragraph, whose
/// line breaks the parser's own joining reads.
const MAX_RUN_CHARS: usize = 250;

/// Where an emphasis run that opens line `i` and is not closed on it closes, when it is a heading
/// or label a word processor wrapped (`**PHỤ` / `LỤC I**`, `**8. Giám đốc` / `Sở, Thủ trưởng …**`,
/// `*Mẫu 1: Kế hoạch bồi dưỡng` / `toàn khóa*`): at most [`MAX_RUN_LINES`] lines without a blank
/// or table line among them, at most [`MAX_RUN_CHARS`] characters of text. An upper-case line
/// whose run goes on in lower case is a header's kind line over its subject: not joined.
fn emphasis_run_end(lines: &[&str], i: usize) -> Option<usize> {
    let first = RE_HEADING.replace(lines[i], "");
    let marker = opens_run(first.trim())?;
    let mut chars = 0;
    for (j, line) in lines.iter().enumerate().skip(i).take(MAX_RUN_LINES) {
        let t = line.trim();
        if j > i && (t.is_empty() || t.starts_with('|')) {
            return None;
        }
        let plain = inline(t);
        chars += plain.chars().count();
        if chars > MAX_RUN_CHARS {
            return None;
        }
        if j > i && markers(t, marker) % 2 == 1 {
            let upper =
                |s: &str| s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase);
            let head = inline(first.trim());
            let rest: String = lines[i + 1..=j].iter().map(|l| inline(l)).collect();
            if upper(&head) && rest.chars().any(char::is_lowercase) {
                return None;
            }
            return Some(j);
        }
    }
    None
}

/// The emphasis marker (`**` or `*`) of a run the trimmed line `t` opens and does not close.
fn opens_run(t: &str) -> Option<&'static str> {
    if t.starts_with("**") {
        return (markers(t, "**") % 2 == 1).then_some("**");
    }
    let after = t.strip_prefix('*')?;
    let opens = after.chars().next().is_some_and(|c| !c.is_whitespace());
    (opens && markers(t, "*") % 2 == 1).then_some("*")
}

/// How many emphasis markers of a kind the line holds: `**` runs, or single `*` that touch a
/// word or a line's end (not `(*)`, not a `*` between spaces, not the stars of a `**`), as
/// [`strip_emphasis`] judges them.
fn markers(t: &str, marker: &str) -> usize {
    if marker == "**" {
        return t.matches("**").count();
    }
    let chars: Vec<char> = t.chars().collect();
    let mut n = 0;
    let mut k = 0;
    while k < chars.len() {
        if chars[k] != '*' {
            k += 1;
            continue;
        }
        let mut run = 1;
        while chars.get(k + run) == Some(&'*') {
            run += 1;
        }
        if run == 1 {
            let prev = k.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(k + 1).copied();
            let lone =
                prev.is_some_and(char::is_whitespace) && next.is_some_and(char::is_whitespace);
            let note = prev == Some('(') && next == Some(')');
            if !lone && !note {
                n += 1;
            }
        }
        k += run;
    }
    n
}

/// Converts one line outside a cell-fragment table; `None` for a line that is only markup.
fn block_line(raw: &str) -> Option<String> {
    if RE_FENCE.is_match(raw) {
        return None;
    }
    let mut l = RE_BLOCKQUOTE.replace(raw, "").into_owned();
    if RE_HEADING.is_match(&l) {
        l = RE_HEADING.replace(&l, "").into_owned();
        l = RE_CLOSING_HASHES.replace(&l, "").into_owned();
        if l.trim().is_empty() {
            return None;
        }
    }
    let t = l.trim();
    if t.starts_with('|') && t.len() > 1 && t.ends_with('|') {
        if RE_TABLE_SEPARATOR.is_match(t) {
            return None;
        }
        let cells: Vec<String> = t[1..t.len() - 1]
            .split('|')
            .map(|c| inline(c).split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        return Some(format!("| {} |", cells.join(" | ")));
    }
    if let Some(m) = RE_STAR_BULLET.captures(&l).and_then(|c| c.get(1)) {
        let item = inline(&l[m.start()..]);
        // `*   **a) Tại Trung ương:**`: a list item that writes its own label is labelled by it.
        if RE_OWN_LABEL.is_match(&item) {
            return Some(item);
        }
        return Some(format!("- {item}"));
    }
    markup_only(t).map_or_else(|| Some(inline(&l)), |star| star.map(str::to_string))
}

/// For a line of only emphasis markers and spaces: `Some(Some("*"))` for an odd run of stars (the
/// star under a Party issuer, written bold as `***`), `Some(None)` for pure markup (`**`, `** **`,
/// `__`); `None` for any other line.
fn markup_only(t: &str) -> Option<Option<&'static str>> {
    if t.is_empty() || !t.chars().all(|c| matches!(c, '*' | '_' | ' ')) {
        return None;
    }
    if t.chars().filter(|&c| c == '_').count() >= 3 {
        return None; // a fill-in rule, not markup
    }
    let stars = t.chars().filter(|&c| c == '*').count();
    Some((stars % 2 == 1 && !t.contains(' ')).then_some("*"))
}

/// Converts the inline markup of a line: links, images, emphasis, escapes, tags, entities.
fn inline(s: &str) -> String {
    // A backslash or two spaces at the end of a line are a hard break: the line ends anyway.
    let s = s.strip_suffix('\\').unwrap_or(s);
    let s = RE_COMMENT.replace_all(s, "");
    let s = RE_BR.replace_all(&s, "\n");
    let s = RE_IMAGE.replace_all(&s, "");
    let s = RE_LINK.replace_all(&s, "$1");
    let s = RE_AUTOLINK.replace_all(&s, "$1");
    let s = RE_TAG.replace_all(&s, "");
    let s = strip_emphasis(&s);
    RE_ENTITY
        .replace_all(&s, |c: &regex::Captures<'_>| {
            entity(&c[1]).map_or_else(|| c[0].to_string(), |ch| ch.to_string())
        })
        .into_owned()
}

/// The character an HTML entity names.
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        _ => return None,
    })
}

/// Removes emphasis markers and resolves backslash escapes. Runs of two or more `*` and pairs of
/// `_` are always markup (documents never write them); a single `*` is markup when it opens or
/// closes italics — touching a word on one side — and text when it stands alone or in `(*)`.
/// Each marker is judged by itself, so a pair that spans lines is removed on both lines.
fn strip_emphasis(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c != '*' && c != '_' {
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + n).copied();
        let markup = match (c, n) {
            ('*', 1) => {
                // Between spaces inside a line it is text (`3 * 4`); at either end of a line
                // next to a space it closes or opens italics with a stray space (`2025 *`).
                let lone =
                    prev.is_some_and(char::is_whitespace) && next.is_some_and(char::is_whitespace);
                let note = prev == Some('(') && next == Some(')');
                !lone && !note
            }
            ('*', _) => true,
            ('_', 2) => true,
            // `_italic_`: at a word's edge, never inside one (`khoan_10_1`).
            ('_', 1) => {
                let edge = |c: Option<char>| {
                    c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation())
                };
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                !(word(prev) && word(next)) && (edge(prev) != edge(next))
            }
            _ => false,
        };
        if !markup {
            out.extend(std::iter::repeat_n(c, n));
        }
        i += n;
    }
    out
}

/// One row of a cell-fragment table: its cells, each the converted lines of the cell.
type Row = Vec<Vec<String>>;

/// Reads a portal table written one cell fragment a line, from the lone `|` at `from`: returns
/// the index after it and its rows. A lone `|` ends a cell; two or more in a row end the row and
/// start the next. The table ends after a row as wide as the one before when no `|` follows, or
/// when no `|` comes within [`MAX_CELL_LINES`] lines.
fn fragment_table(lines: &[&str], from: usize) -> (usize, Vec<Row>) {
    let is_pipe = |i: usize| lines.get(i).is_some_and(|l| l.trim() == "|");
    let mut rows: Vec<Row> = Vec::new();
    let mut row: Row = Vec::new();
    let mut i = from;
    let mut end = from + 1;
    // `i` sits on a pipe.
    while is_pipe(i) {
        let mut run = 0;
        while is_pipe(i) {
            run += 1;
            i += 1;
        }
        end = i;
        if run >= 2 && !row.is_empty() {
            rows.push(std::mem::take(&mut row));
        }
        // A row as wide as the widest before it is complete: without a pipe next, the table
        // ends. (Merged cells make rows narrower than the widest; never wider.)
        let width = rows.iter().map(Vec::len).max().unwrap_or(usize::MAX);
        if run == 1 && !row.is_empty() && row.len() >= width {
            break;
        }
        let Some(next_pipe) = (i..lines.len().min(i + MAX_CELL_LINES + 1)).find(|&j| is_pipe(j))
        else {
            break;
        };
        // Text set apart from the pipe by two blank lines or more is not a cell but body text
        // between two tables (a form's title between its predecessor's table and its own).
        let blank = |l: &&&str| l.trim().is_empty() || markup_only(l.trim()) == Some(None);
        let leading = lines[i..next_pipe].iter().take_while(blank).count();
        if leading >= 2 && i + leading < next_pipe {
            break;
        }
        let mut cell: Vec<String> = Vec::new();
        let cell_lines = &lines[i..next_pipe];
        let mut k = 0;
        while k < cell_lines.len() {
            k = convert_line(cell_lines, k, &mut cell);
        }
        row.push(cell);
        i = next_pipe;
    }
    if !row.is_empty() {
        rows.push(row);
    }
    (end, rows)
}

/// Whether a cell-fragment table holds data (three rows or more with two cells or more), as
/// opposed to a layout table (a header or a signature block side by side).
fn is_data_table(rows: &[Row]) -> bool {
    rows.iter().filter(|r| r.len() >= 2).count() >= 3
}

/// Writes a data table as pipe rows, one line a row, the lines of a cell joined by spaces. When
/// the first row has more cells than the rows after it, its leading cells were not part of the
/// table (paragraphs between two tables the crawl did not mark): they are written as lines.
fn write_data_table(rows: &[Row], out: &mut Vec<String>) {
    let mut widths: Vec<usize> = rows.iter().skip(1).map(Vec::len).collect();
    widths.sort_unstable();
    let typical = widths.get(widths.len() / 2).copied().unwrap_or(0);
    for (r, row) in rows.iter().enumerate() {
        let mut cells: &[Vec<String>] = row;
        if r == 0 && typical >= 2 && row.len() > typical {
            // The table's own header cells are short; the paragraphs before it are not. Split
            // after the last long cell, else keep as many cells as the rows below have.
            let split = row
                .iter()
                .rposition(|c| c.len() >= 3)
                .map(|p| p + 1)
                .filter(|&p| row.len() - p >= 2)
                .unwrap_or(row.len() - typical);
            let (lead, rest) = row.split_at(split);
            write_layout_table(&[lead.to_vec()], out);
            cells = rest;
        }
        let joined: Vec<String> = cells
            .iter()
            .map(|c| c.join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if joined.iter().all(String::is_empty) {
            continue;
        }
        out.push(format!("| {} |", joined.join(" | ")));
    }
}

/// Writes a layout table cell after cell, each cell's lines as they were, a blank line between.
fn write_layout_table(rows: &[Row], out: &mut Vec<String>) {
    for cell in rows.iter().flatten() {
        if cell.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(String::new());
        out.extend(cell.iter().cloned());
    }
    out.push(String::new());
}

/// Where the header starts when the text before it is a portal's chrome: a line of the motto
/// block (`CỘNG HÒA XÃ HỘI…`, `ĐẢNG CỘNG SẢN…`) is found, and the text before its table row holds
/// a metadata table (at least three `**Label:**` cells, each followed by a lone `|`). `None` when
/// the text starts with the document.
fn chrome_end(lines: &[&str], from: usize) -> Option<usize> {
    let motto = (from..lines.len().min(from + 400)).find(|&i| {
        let t = inline(lines[i]);
        let t = t.trim().trim_start_matches('#').trim();
        ["CỘNG HÒA XÃ", "CỘNG HOÀ XÃ", "CỘNG HÕA XÃ", "ĐẢNG CỘNG SẢN"]
            .iter()
            .any(|m| t.starts_with(m))
    })?;
    // The header's row starts after the last pair of lone pipes before the motto (the issuer cell
    // sits between that row start and the motto cell).
    let is_pipe = |i: usize| lines[i].trim() == "|";
    let row_start = (from + 1..motto)
        .rev()
        .find(|&i| is_pipe(i) && is_pipe(i - 1))?;
    let labels = (from..row_start)
        .filter(|&i| {
            let t = inline(lines[i]);
            let t = t.trim();
            t.ends_with(':') && t.chars().count() <= 40 && i + 1 < row_start && is_pipe(i + 1)
        })
        .count();
    (labels >= 3).then_some(row_start)
}

static RE_HEADER_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Số\s*:?\s*(\d[\p{L}\p{N}/\-.]*[\p{L}\p{N}])").expect("valid regex")
});

/// Where a portal's footer starts: after the body, a line that names the document by its own
/// header number (`Thông báo 659/TB-VPCP năm 2025 …`), a heading within the next lines, and a
/// table of at least three `**Label:**` cells (the page's contact block) before the end. `None`
/// when the text ends with the document.
fn footer_start(lines: &[&str], from: usize) -> Option<usize> {
    let number = lines[from..lines.len().min(from + 200)]
        .iter()
        .find_map(|l| {
            let l = inline(l);
            RE_HEADER_NUMBER
                .captures(l.trim())
                .map(|c| c[1].to_string())
        })?;
    let labels_after = |i: usize| {
        (i..lines.len().saturating_sub(1))
            .filter(|&j| {
                let t = inline(lines[j]);
                let t = t.trim();
                t.ends_with(':') && t.chars().count() <= 40 && lines[j + 1].trim() == "|"
            })
            .count()
    };
    (from + 20..lines.len()).find(|&i| {
        let t = inline(lines[i]);
        let t = t.trim();
        let names_itself = t
            .char_indices()
            .take_while(|&(b, _)| b <= 40)
            .any(|(b, _)| t[b..].starts_with(&number))
            && !t.starts_with("Số");
        names_itself
            && (i + 1..lines.len().min(i + 6)).any(|j| RE_HEADING.is_match(lines[j]))
            && labels_after(i) >= 3
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_is_removed_also_across_lines() {
        let c = convert(
            "**I. Về\nphân cấp quản lý**\n*Hà Nội, ngày 19\ntháng 11 năm 2025*\nchỉ tiêu (*) và 3 * 4\n_Ninh Bình_, khoan_10_1",
        );
        assert_eq!(
            c.text,
            "I. Về phân cấp quản lý\nHà Nội, ngày 19 tháng 11 năm 2025\nchỉ tiêu (*) và 3 * 4\nNinh Bình, khoan_10_1"
        );
    }

    #[test]
    fn a_wrapped_emphasised_heading_is_one_line_and_a_paragraph_keeps_its_lines() {
        let c = convert(concat!(
            "**PHỤ\nLỤC I**\n\n",
            "**1.****\n**Các cơ quan quản lý nhà nước, tổ chức, cá nhân liên\nquan có trách nhiệm.**\n\n",
            "**NGHỊ QUYẾT\nVề phát triển khoa học**\n\n",
            "**Đoạn văn in đậm\nqua\nbốn\ndòng**\n\n",
            "**Mở\n\nđóng**",
        ));
        assert_eq!(
            c.text,
            concat!(
                "PHỤ LỤC I\n\n",
                "1. Các cơ quan quản lý nhà nước, tổ chức, cá nhân liên\nquan có trách nhiệm.\n\n",
                "NGHỊ QUYẾT\nVề phát triển khoa học\n\n",
                "Đoạn văn in đậm\nqua\nbốn\ndòng\n\n",
                "Mở\n\nđóng",
            )
        );
    }

    #[test]
    fn blocks_lose_their_markup() {
        let md = "      ## ĐẢNG CỘNG SẢN VIỆT NAM\n> quoted\n*   a task\n*   **b) Tại địa phương:**\n+ kept plus\n1\\. first\n[Luật](http://x/y) ![logo](a.png)\nA<br>B &amp; C\n```\n__Nơi nhận: __\n** **\n***";
        let c = convert(md);
        assert_eq!(
            c.text,
            "ĐẢNG CỘNG SẢN VIỆT NAM\nquoted\n- a task\nb) Tại địa phương:\n+ kept plus\n1. first\nLuật \nA\nB & C\nNơi nhận: \n*"
        );
    }

    #[test]
    fn hard_breaks_and_comments_leave_no_trace() {
        let c = convert("**Số: 5/TB**\\\n<!-- trang 1 -->Hà Nội, ngày 1 tháng 1 năm 2025  ");
        assert_eq!(c.text, "Số: 5/TB\nHà Nội, ngày 1 tháng 1 năm 2025  ");
    }

    #[test]
    fn pipe_tables_stay_rows_without_separators() {
        let c = convert("| STT | Nội dung |\n|---|:---:|\n| 1 | **Bộ** Nội vụ |");
        assert_eq!(c.text, "| STT | Nội dung |\n| 1 | Bộ Nội vụ |");
    }

    #[test]
    fn front_matter_goes_to_the_diagnostics() {
        let c = convert("---\ntitle: \"Nghị quyết\"\ntags:\n  - a\n---\n\n# NGHỊ QUYẾT");
        assert_eq!(c.text.trim(), "NGHỊ QUYẾT");
        assert!(c.diagnostics[0].contains("title: \"Nghị quyết\""));
    }

    #[test]
    fn a_fragment_header_is_a_layout_and_a_long_table_rows() {
        let md = "|\nBAN CHẤP HÀNH\n**BAN TỔ CHỨC**\n*****\n|\n**ĐẢNG CỘNG SẢN\nVIỆT NAM**\n|\n|\nSố 45-HD/BTCTW\n|\n*Hà Nội, ngày 21 tháng 11 năm 2025*\n|\n**HƯỚNG DẪN**";
        let c = convert(md);
        let lines: Vec<&str> = c.text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "BAN CHẤP HÀNH",
                "BAN TỔ CHỨC",
                "*",
                "ĐẢNG CỘNG SẢN VIỆT NAM",
                "Số 45-HD/BTCTW",
                "Hà Nội, ngày 21 tháng 11 năm 2025",
                "HƯỚNG DẪN"
            ]
        );
        let table =
            "|\n**STT**\n|\n**Nội dung**\n|\n|\n1\n|\nChi hội\nnghị\n|\n|\n2\n|\nKhác\n|\nSau bảng";
        let c = convert(&format!("{table}\n"));
        assert_eq!(
            c.text,
            "| STT | Nội dung |\n| 1 | Chi hội nghị |\n| 2 | Khác |\nSau bảng\n"
        );
    }

    #[test]
    fn portal_chrome_before_the_header_is_dropped() {
        let md = "|\n|\nBản quyền **\nCỔNG**.\n|\n|\nĐang tải văn bản...\n#\n**Số hiệu:**\n|\n1/NQ\n|\n|\n**Loại văn bản:**\n|\nNghị quyết\n|\n**Nơi ban hành:**\n|\nHà Nội\n|\n|\n**CHÍNH PHỦ**\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n|\n|\nSố: 1/NQ-CP\n|\nHà Nội, ngày 1 tháng 1 năm 2025\n|\nNGHỊ QUYẾT";
        let c = convert(md);
        assert!(!c.text.contains("Đang tải"), "{}", c.text);
        assert!(c.text.contains("CHÍNH PHỦ") && c.text.contains("Số: 1/NQ-CP"));
        assert!(c.diagnostics.iter().any(|d| d.contains("Đang tải văn bản")));
    }

    #[test]
    fn a_portal_footer_after_the_document_is_dropped() {
        let mut md = String::from("Số: 5/TB-VPCP\nHà Nội, ngày 1 tháng 1 năm 2025\nTHÔNG BÁO\n");
        for i in 0..25 {
            md.push_str(&format!("Nội dung {i}.\n"));
        }
        md.push_str("Thông báo 5/TB-VPCP năm 2025 về việc\n## Văn bản liên quan\n**Địa chỉ:**\n|\nPhố\n|\n**Điện thoại:**\n|\n1\n|\n**E-mail:**\n|\na\n|\n");
        let c = convert(&md);
        assert!(c.text.ends_with("Nội dung 24."), "{}", c.text);
        assert!(c.diagnostics[0].contains("Văn bản liên quan"));
    }

    #[test]
    fn markdown_is_recognised_by_its_shape() {
        assert!(looks_like_markdown("---\ntitle: x\n---\ntext"));
        assert!(looks_like_markdown("|\nA\n|\nB\n|\n|\nC"));
        assert!(looks_like_markdown("**NGHỊ QUYẾT**\n# I. A\ntext"));
        assert!(!looks_like_markdown(
            "NGHỊ QUYẾT\n| 1 | Bộ |\n- a\n+ b\n_____"
        ));
        assert!(!looks_like_markdown(
            "* Về kinh tế:\n* Về xã hội:\n* Về môi trường:\n(*) ghi chú"
        ));
    }
}
