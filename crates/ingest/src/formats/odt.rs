//! Text extraction for OpenDocument texts (`.odt`): `content.xml`'s headings and paragraphs,
//! lists with the labels their list style draws, tables as pipe rows, frames' text boxes, and the
//! notes appended at the end, in the convention the docx reader writes (see [`super::docx`]).

use std::collections::HashMap;

use roxmltree::{Document, Node};

use super::docx::numbering::{letters, roman};
use super::docx::out::{Block, Lines, fold_into_cell, render};
use super::docx::{NO_TEXT, parse_xml};
use super::zip::Archive;
use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// The OpenDocument text namespace.
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
/// The OpenDocument table namespace.
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
/// The OpenDocument style namespace.
const STYLE: &str = "urn:oasis:names:tc:opendocument:xmlns:style:1.0";
/// The OpenDocument office namespace.
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
/// The OpenDocument drawing namespace.
const DRAW: &str = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";

/// How many times a repeated table row or cell is written at most: spreadsheets saved as text
/// repeat an empty row a million times.
const MAX_REPEAT: usize = 100;

/// How deep lists, tables and frames may nest before their content is skipped.
const MAX_DEPTH: usize = 64;

/// Extracts the text of an odt file.
pub(super) fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    let fail = |r: String| unreadable(file, Format::Odt, r);
    let mut archive = Archive::open(bytes).map_err(fail)?;
    if let Some(manifest) = archive
        .read_text("META-INF/manifest.xml")
        .map_err(|e| fail(e.into()))?
        && manifest.contains("encryption-data")
    {
        return Err(fail(
            "the document is encrypted (password-protected); save it without a password".into(),
        ));
    }
    let content = archive
        .read_text("content.xml")
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail("no content.xml in the archive".into()))?;
    let mut diagnostics = Vec::new();
    let styles = archive
        .read_optional("styles.xml", &mut diagnostics)
        .map_err(fail)?;
    let styles_doc = match styles.as_deref().map(|s| parse_xml("styles.xml", s)) {
        Some(Ok(doc)) => Some(doc),
        Some(Err(e)) => {
            diagnostics.push(format!("odt: {e}; read without it"));
            None
        }
        None => None,
    };
    let doc = parse_xml("content.xml", &content).map_err(fail)?;

    let mut list_styles = HashMap::new();
    if let Some(s) = &styles_doc {
        read_list_styles(s, &mut list_styles);
    }
    // The document's own (automatic) list styles win over the shared ones of the same name.
    read_list_styles(&doc, &mut list_styles);

    let body = doc
        .root_element()
        .children()
        .find(|c| is(c, OFFICE, "body"))
        .and_then(|b| b.children().find(|c| is(c, OFFICE, "text")))
        .ok_or_else(|| {
            fail("content.xml has no office:body/office:text (not a text document)".into())
        })?;
    let mut reader = Reader::new(list_styles);
    let mut blocks = Vec::new();
    reader.blocks(body, &mut blocks);
    let text = render(&blocks, &reader.notes);
    if text.trim().is_empty() {
        return Err(fail(NO_TEXT.into()));
    }
    if reader.labelled > 0 {
        diagnostics.push(format!(
            "odt: {} list labels computed from the list styles",
            reader.labelled
        ));
    }
    let mut extracted = Extracted::unpaged(Format::Odt, "utf-8", text);
    extracted.diagnostics = diagnostics;
    Ok(extracted)
}

/// Whether `node` is the element `name` of namespace `ns`.
fn is(node: &Node<'_, '_>, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(ns) && node.tag_name().name() == name
}

/// An attribute by namespace and name.
fn attr<'a>(node: &Node<'a, '_>, ns: &str, name: &str) -> Option<&'a str> {
    node.attribute((ns, name))
}

/// How one level of a list style labels its items.
#[derive(Debug, Clone)]
struct LevelStyle {
    /// `style:num-format`: `1`, `a`, `A`, `i`, `I`, empty for none; `None` for a bullet.
    format: Option<String>,
    /// `style:num-letter-sync`: letters as aa, bb (else aa, ab as a spreadsheet's columns).
    letter_sync: bool,
    prefix: String,
    suffix: String,
    start: u32,
    /// `text:display-levels`: how many levels' numbers the label shows.
    display: usize,
}

impl Default for LevelStyle {
    /// A level the style does not define: counted, but drawn without a label.
    fn default() -> Self {
        LevelStyle {
            format: Some(String::new()),
            letter_sync: false,
            prefix: String::new(),
            suffix: String::new(),
            start: 1,
            display: 1,
        }
    }
}

/// The name under which the document's heading numbering (`text:outline-style`) is kept among
/// the list styles (no list style can be named so: style names are XML names).
const OUTLINE: &str = " outline";

/// The most list levels ODF has.
const LEVELS: usize = 10;

/// Reads every `text:list-style` of a document into `out`, by name.
fn read_list_styles(doc: &Document<'_>, out: &mut HashMap<String, Vec<LevelStyle>>) {
    let styles = doc
        .descendants()
        .filter(|n| is(n, TEXT, "list-style") || is(n, TEXT, "outline-style"));
    for style in styles {
        let name = if is(&style, TEXT, "outline-style") {
            Some(OUTLINE)
        } else {
            attr(&style, STYLE, "name")
        };
        let Some(name) = name else {
            continue;
        };
        let mut levels = vec![LevelStyle::default(); LEVELS];
        for lvl in style.children().filter(Node::is_element) {
            let level = attr(&lvl, TEXT, "level")
                .and_then(|l| l.parse::<usize>().ok())
                .filter(|l| (1..=LEVELS).contains(l));
            let Some(level) = level else { continue };
            let number =
                is(&lvl, TEXT, "list-level-style-number") || is(&lvl, TEXT, "outline-level-style");
            levels[level - 1] = LevelStyle {
                format: number.then(|| attr(&lvl, STYLE, "num-format").unwrap_or("").to_string()),
                letter_sync: attr(&lvl, STYLE, "num-letter-sync") == Some("true"),
                prefix: attr(&lvl, STYLE, "num-prefix").unwrap_or("").to_string(),
                suffix: attr(&lvl, STYLE, "num-suffix").unwrap_or("").to_string(),
                start: attr(&lvl, TEXT, "start-value")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1),
                display: attr(&lvl, TEXT, "display-levels")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1),
            };
        }
        out.insert(name.to_string(), levels);
    }
}

/// A number in an ODF format.
fn format_number(n: u32, format: &str, letter_sync: bool) -> String {
    match format {
        "a" | "A" => {
            let s = if letter_sync { letters(n) } else { columns(n) };
            if format == "A" { s.to_uppercase() } else { s }
        }
        "i" => roman(n).to_lowercase(),
        "I" => roman(n),
        "" => String::new(),
        _ => n.to_string(),
    }
}

/// Letters counted as spreadsheet columns: a … z, aa, ab (LibreOffice's default).
fn columns(mut n: u32) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    out.iter().rev().collect()
}

/// The counters of one list (a top-level `text:list` and the lists nested in it).
#[derive(Debug, Clone, Default)]
struct ListState {
    counters: [Option<u32>; LEVELS],
}

/// The walk over `office:text`.
struct Reader {
    list_styles: HashMap<String, Vec<LevelStyle>>,
    /// Lists by `xml:id`, for `text:continue-list`.
    lists: HashMap<String, ListState>,
    /// The last top-level list, for `text:continue-numbering`.
    last_list: Option<ListState>,
    /// The counters of the headings' outline numbering.
    outline: ListState,
    notes: Vec<String>,
    labelled: usize,
    depth: usize,
}

impl Reader {
    /// A reader of a document whose list styles are `list_styles`, before its first block.
    fn new(list_styles: HashMap<String, Vec<LevelStyle>>) -> Reader {
        Reader {
            list_styles,
            lists: HashMap::new(),
            last_list: None,
            outline: ListState::default(),
            notes: Vec::new(),
            labelled: 0,
            depth: 0,
        }
    }

    /// Block-level content: headings, paragraphs, lists, tables, sections.
    fn blocks(&mut self, parent: Node<'_, '_>, out: &mut Vec<Block>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for node in parent.children().filter(Node::is_element) {
            let tag = node.tag_name();
            match (tag.namespace(), tag.name()) {
                (Some(TEXT), "p") => self.paragraph(node, None, out),
                (Some(TEXT), "h") => {
                    let label = self.heading_label(node);
                    self.paragraph(node, label, out);
                }
                (Some(TEXT), "list") => self.top_list(node, out),
                (Some(TABLE), "table") => self.table(node, out),
                // A frame anchored to the page sits beside the paragraphs.
                (Some(DRAW), "frame" | "a" | "g" | "custom-shape" | "rect") => {
                    self.frame(node, out);
                }
                // Sections, indexes (a table of contents' text), inserted changes.
                (
                    Some(TEXT),
                    "section" | "index-body" | "table-of-content" | "illustration-index"
                    | "alphabetical-index" | "user-index" | "object-index" | "table-index"
                    | "bibliography" | "index-title",
                ) => self.blocks(node, out),
                // Deleted text of tracked changes, forms, declarations: not shown.
                _ => {}
            }
        }
        self.depth -= 1;
    }

    /// A paragraph or heading, with a list label before it.
    fn paragraph(&mut self, p: Node<'_, '_>, label: Option<String>, out: &mut Vec<Block>) {
        let mut lines = Lines::new();
        if let Some(label) = label {
            lines.push_str(&label);
            lines.push(' ');
        }
        let mut anchored = Vec::new();
        self.inline(p, &mut lines, &mut anchored);
        if lines.is_blank() {
            out.push(Block::Blank);
        } else {
            out.push(Block::Para(lines));
        }
        out.extend(anchored);
    }

    /// A top-level list: new counters, unless it continues an earlier list.
    fn top_list(&mut self, list: Node<'_, '_>, out: &mut Vec<Block>) {
        let mut state = match attr(&list, TEXT, "continue-list") {
            Some(id) => self.lists.get(id).cloned().unwrap_or_default(),
            None if attr(&list, TEXT, "continue-numbering") == Some("true") => {
                self.last_list.clone().unwrap_or_default()
            }
            None => ListState::default(),
        };
        let style = attr(&list, TEXT, "style-name").unwrap_or("").to_string();
        self.list(list, 0, &style, &mut state, out);
        if let Some(id) = list.attribute(("http://www.w3.org/XML/1998/namespace", "id")) {
            self.lists.insert(id.to_string(), state.clone());
        }
        self.last_list = Some(state);
    }

    /// The items of a list at `level` (0-based), numbered with `style` unless the list names
    /// its own.
    fn list(
        &mut self,
        list: Node<'_, '_>,
        level: usize,
        style: &str,
        state: &mut ListState,
        out: &mut Vec<Block>,
    ) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let style = attr(&list, TEXT, "style-name").unwrap_or(style).to_string();
        let level = level.min(LEVELS - 1);
        for item in list.children().filter(Node::is_element) {
            let numbered = is(&item, TEXT, "list-item");
            if !numbered && !is(&item, TEXT, "list-header") {
                continue;
            }
            let mut label = if numbered {
                let start = attr(&item, TEXT, "start-value").and_then(|s| s.parse().ok());
                self.label(&style, level, start, state)
            } else {
                None
            };
            let mut labelled = false;
            for c in item.children().filter(Node::is_element) {
                if is(&c, TEXT, "p") || is(&c, TEXT, "h") {
                    labelled |= label.is_some();
                    self.paragraph(c, label.take(), out);
                } else if is(&c, TEXT, "list") {
                    self.list(c, level + 1, &style, state, out);
                } else if is(&c, TABLE, "table") {
                    self.table(c, out);
                }
            }
            // An item without a paragraph (as pandoc writes an empty numbered cell): the label
            // alone, as the source showed it.
            if let Some(label) = label.filter(|_| !labelled) {
                let mut lines = Lines::new();
                lines.push_str(&label);
                out.push(Block::Para(lines));
            }
        }
        self.depth -= 1;
    }

    /// The outline number of a heading outside lists (`text:outline-level` numbered by the
    /// document's `text:outline-style`), if the style numbers that level.
    fn heading_label(&mut self, h: Node<'_, '_>) -> Option<String> {
        let level = attr(&h, TEXT, "outline-level")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|l| (1..=LEVELS).contains(l))?;
        if attr(&h, TEXT, "is-list-header") == Some("true")
            || !self.list_styles.contains_key(OUTLINE)
        {
            return None;
        }
        let start = (attr(&h, TEXT, "restart-numbering") == Some("true"))
            .then(|| attr(&h, TEXT, "start-value").and_then(|s| s.parse().ok()))
            .flatten();
        let mut state = std::mem::take(&mut self.outline);
        let label = self.label(OUTLINE, level - 1, start, &mut state);
        self.outline = state;
        label
    }

    /// Advances the list's counter at `level` and returns the item's label.
    fn label(
        &mut self,
        style: &str,
        level: usize,
        start: Option<u32>,
        state: &mut ListState,
    ) -> Option<String> {
        let levels = self.list_styles.get(style);
        let this = levels.map(|l| l[level].clone()).unwrap_or_default();
        let value = match (start, state.counters[level]) {
            (Some(s), _) => s,
            (None, Some(v)) => v.saturating_add(1),
            (None, None) => this.start,
        };
        state.counters[level] = Some(value);
        for deeper in state.counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        let levels = levels?;
        if this.format.is_none() {
            self.labelled += 1;
            return Some("-".to_string());
        }
        let display = this.display.clamp(1, level + 1);
        let mut numbers = Vec::new();
        let shown = levels
            .iter()
            .enumerate()
            .take(level + 1)
            .skip(level + 1 - display);
        for (l, style) in shown {
            let n = if l == level {
                value
            } else {
                state.counters[l].unwrap_or(style.start)
            };
            let f = style.format.as_deref().unwrap_or("1");
            numbers.push(format_number(n, f, style.letter_sync));
        }
        let label = format!("{}{}{}", this.prefix, numbers.join("."), this.suffix);
        let label = label.trim().to_string();
        if label.is_empty() {
            return None;
        }
        self.labelled += 1;
        Some(label)
    }

    /// Inline content of a paragraph: text with its spaces, tabs and breaks, notes, frames.
    fn inline(&mut self, node: Node<'_, '_>, lines: &mut Lines, anchored: &mut Vec<Block>) {
        for c in node.children() {
            if c.is_text() {
                push_collapsed(lines, c.text().unwrap_or(""));
                continue;
            }
            if !c.is_element() {
                continue;
            }
            let tag = c.tag_name();
            match (tag.namespace(), tag.name()) {
                (Some(TEXT), "s") => {
                    let n = attr(&c, TEXT, "c")
                        .and_then(|n| n.parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(MAX_REPEAT);
                    for _ in 0..n {
                        lines.push(' ');
                    }
                }
                (Some(TEXT), "tab") => lines.push('\t'),
                (Some(TEXT), "line-break") => lines.line_break(),
                (Some(TEXT), "note") => self.note(c, lines),
                (
                    Some(TEXT),
                    "tracked-changes"
                    | "change"
                    | "bookmark"
                    | "bookmark-start"
                    | "bookmark-end"
                    | "reference-mark"
                    | "reference-mark-start"
                    | "reference-mark-end"
                    | "soft-page-break"
                    | "change-start"
                    | "change-end",
                )
                | (Some(OFFICE), "annotation" | "annotation-end") => {}
                (Some(TEXT), "ruby") => {
                    if let Some(base) = c.children().find(|b| is(b, TEXT, "ruby-base")) {
                        self.inline(base, lines, anchored);
                    }
                }
                (Some(DRAW), "frame" | "a" | "g" | "custom-shape" | "rect" | "text-box") => {
                    self.frame(c, anchored);
                }
                (Some(DRAW), _) => {}
                // Spans, links, fields (page numbers, dates) and anything else: their text.
                _ => self.inline(c, lines, anchored),
            }
        }
    }

    /// The text boxes in a frame or shape, as blocks after the paragraph.
    fn frame(&mut self, node: Node<'_, '_>, anchored: &mut Vec<Block>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for c in node.children().filter(Node::is_element) {
            if is(&c, DRAW, "text-box") {
                self.blocks(c, anchored);
            } else if c.tag_name().namespace() == Some(DRAW) {
                self.frame(c, anchored);
            } else if is(&c, TEXT, "p") || is(&c, TEXT, "list") {
                // Shapes hold their text directly.
                let mut wrapper = Vec::new();
                if is(&c, TEXT, "p") {
                    self.paragraph(c, None, &mut wrapper);
                } else {
                    self.top_list(c, &mut wrapper);
                }
                anchored.extend(wrapper);
            }
        }
        self.depth -= 1;
    }

    /// A footnote or endnote: its citation in the text, its body at the end.
    fn note(&mut self, note: Node<'_, '_>, lines: &mut Lines) {
        let citation = note
            .children()
            .find(|c| is(c, TEXT, "note-citation"))
            .map(|c| {
                c.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>()
            })
            .unwrap_or_default();
        let marker = format!("[{}]", citation.trim());
        lines.push_str(&marker);
        if let Some(body) = note.children().find(|c| is(c, TEXT, "note-body")) {
            let mut blocks = Vec::new();
            self.blocks(body, &mut blocks);
            let mut text = Lines::new();
            fold_into_cell(&mut text, blocks);
            self.notes
                .push(format!("{marker} {}", text.joined()).trim_end().to_string());
        }
    }

    /// A table: a pipe row per row, through header rows and row groups.
    fn table(&mut self, table: Node<'_, '_>, out: &mut Vec<Block>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let mut rows = Vec::new();
        collect_rows(table, &mut rows);
        for row in rows {
            let mut cells = Vec::new();
            for cell in row.children().filter(Node::is_element) {
                let covered = is(&cell, TABLE, "covered-table-cell");
                if !covered && !is(&cell, TABLE, "table-cell") {
                    continue;
                }
                let mut blocks = Vec::new();
                self.blocks(cell, &mut blocks);
                let mut lines = Lines::new();
                fold_into_cell(&mut lines, blocks);
                let repeat = repeat(&cell, "number-columns-repeated", lines.is_blank());
                for _ in 0..repeat {
                    cells.push(lines.clone());
                }
            }
            let blank = cells.iter().all(Lines::is_blank);
            for _ in 0..repeat(&row, "number-rows-repeated", blank) {
                out.push(Block::Row(cells.clone()));
            }
        }
        self.depth -= 1;
    }
}

/// How many times to write a repeated row or cell: empty ones once, others up to a cap.
fn repeat(node: &Node<'_, '_>, name: &str, blank: bool) -> usize {
    let n = attr(node, TABLE, name)
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    if blank { 1 } else { n.min(MAX_REPEAT) }
}

/// The rows of a table, in order, through `table:table-header-rows`, `table:table-rows` and
/// `table:table-row-group`.
fn collect_rows<'a, 'i>(node: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
    for c in node.children().filter(Node::is_element) {
        if is(&c, TABLE, "table-row") {
            out.push(c);
        } else if is(&c, TABLE, "table-header-rows")
            || is(&c, TABLE, "table-rows")
            || is(&c, TABLE, "table-row-group")
        {
            collect_rows(c, out);
        }
    }
}

/// Appends ODF text: white space (spaces, tabs, newlines of the XML) collapses to one space.
fn push_collapsed(lines: &mut Lines, text: &str) {
    let mut space = false;
    for ch in text.chars() {
        if matches!(ch, ' ' | '\t' | '\n' | '\r') {
            space = true;
            continue;
        }
        if space {
            lines.push(' ');
            space = false;
        }
        lines.push(ch);
    }
    if space {
        lines.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_odf_formats() {
        assert_eq!(format_number(4, "I", false), "IV");
        assert_eq!(format_number(3, "a", false), "c");
        assert_eq!(format_number(28, "a", false), "ab");
        assert_eq!(format_number(28, "a", true), "bb");
        assert_eq!(format_number(2, "A", false), "B");
        assert_eq!(format_number(7, "1", false), "7");
        assert_eq!(format_number(7, "", false), "");
    }

    fn text_of(body: &str, styles: &str) -> String {
        let xml = format!(
            "<office:document-content xmlns:office=\"{OFFICE}\" xmlns:text=\"{TEXT}\" \
             xmlns:style=\"{STYLE}\" xmlns:table=\"{TABLE}\" xmlns:draw=\"{DRAW}\">\
             <office:automatic-styles>{styles}</office:automatic-styles>\
             <office:body><office:text>{body}</office:text></office:body></office:document-content>"
        );
        let doc = Document::parse(&xml).unwrap();
        let mut list_styles = HashMap::new();
        read_list_styles(&doc, &mut list_styles);
        let mut reader = Reader::new(list_styles);
        let body = doc.descendants().find(|n| is(n, OFFICE, "text")).unwrap();
        let mut blocks = Vec::new();
        reader.blocks(body, &mut blocks);
        render(&blocks, &reader.notes)
    }

    #[test]
    fn lists_are_numbered_from_their_style() {
        let styles = "<text:list-style style:name=\"L1\">\
            <text:list-level-style-number text:level=\"1\" style:num-format=\"I\" style:num-suffix=\".\"/>\
            <text:list-level-style-number text:level=\"2\" style:num-format=\"1\" style:num-suffix=\".\" text:display-levels=\"2\"/>\
            <text:list-level-style-number text:level=\"3\" style:num-format=\"a\" style:num-suffix=\")\"/>\
            </text:list-style>";
        let body = "<text:list text:style-name=\"L1\">\
            <text:list-item><text:p>MỤC ĐÍCH</text:p>\
              <text:list><text:list-item><text:p>Mục đích</text:p>\
                <text:list><text:list-item><text:p>một</text:p></text:list-item>\
                <text:list-item><text:p>hai</text:p></text:list-item></text:list>\
              </text:list-item><text:list-item><text:p>Yêu cầu</text:p></text:list-item></text:list>\
            </text:list-item>\
            <text:list-item><text:p>NỘI DUNG</text:p></text:list-item></text:list>\
            <text:list text:style-name=\"L1\" text:continue-numbering=\"true\">\
            <text:list-item><text:p>TỔ CHỨC</text:p></text:list-item></text:list>\
            <text:list text:style-name=\"L1\">\
            <text:list-item text:start-value=\"5\"><text:p>lại</text:p></text:list-item></text:list>";
        assert_eq!(
            text_of(body, styles),
            "I. MỤC ĐÍCH\nI.1. Mục đích\na) một\nb) hai\nI.2. Yêu cầu\nII. NỘI DUNG\n\
             III. TỔ CHỨC\nV. lại\n"
        );
    }

    #[test]
    fn headings_are_numbered_from_the_outline_style() {
        let styles = "<text:outline-style style:name=\"Outline\">\
            <text:outline-level-style text:level=\"1\" style:num-format=\"I\" style:num-prefix=\"Chương \"/>\
            <text:outline-level-style text:level=\"2\" style:num-format=\"1\" style:num-prefix=\"Điều \" style:num-suffix=\".\"/>\
            <text:outline-level-style text:level=\"3\" style:num-format=\"\"/>\
            </text:outline-style>";
        let body = "<text:h text:outline-level=\"1\">QUY ĐỊNH CHUNG</text:h>\
            <text:h text:outline-level=\"2\">Phạm vi</text:h>\
            <text:h text:outline-level=\"3\">Không số</text:h>\
            <text:h text:outline-level=\"2\">Đối tượng</text:h>\
            <text:h text:outline-level=\"1\">HÓA CHẤT</text:h>\
            <text:h text:outline-level=\"2\">Phân loại</text:h>\
            <text:h text:outline-level=\"1\" text:is-list-header=\"true\">PHỤ LỤC</text:h>";
        assert_eq!(
            text_of(body, styles),
            "Chương I QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\nKhông số\nĐiều 2. Đối tượng\n\
             Chương II HÓA CHẤT\nĐiều 1. Phân loại\nPHỤ LỤC\n"
        );
    }

    #[test]
    fn spaces_tabs_breaks_tables_and_notes() {
        let body = "<text:h>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<text:line-break/>Độc lập - Tự do - Hạnh phúc</text:h>\
            <text:p>a<text:s text:c=\"3\"/>b<text:tab/>c\n   d<text:note><text:note-citation>1</text:note-citation>\
            <text:note-body><text:p>Chú thích.</text:p></text:note-body></text:note></text:p>\
            <table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>TT</text:p></table:table-cell>\
            <table:table-cell><text:p>Nội dung | x</text:p></table:table-cell></table:table-row></table:table-header-rows>\
            <table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"1000\"/></table:table-row>\
            <table:table-row><table:table-cell><text:p>1</text:p><text:p>2</text:p></table:table-cell><table:covered-table-cell/></table:table-row>\
            </table:table>";
        assert_eq!(
            text_of(body, ""),
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\na   b\tc d[1]\n\
             | TT | Nội dung / x |\n| 1 2 | |\n\n[1] Chú thích.\n"
        );
    }
}
