//! Text extraction for Word documents (`.docx`, Office Open XML): the body's paragraphs with
//! Word's automatic numbering put back, tables as pipe rows, text boxes, and the footnotes and
//! endnotes appended at the end.
//!
//! What Word shows is what is kept: deleted revisions (`w:del`, `w:moveFrom`) and field codes
//! (`w:instrText`) are dropped, inserted revisions and field results kept. XML is read with
//! `roxmltree`, which refuses a DTD, so that entity expansion cannot blow up.

pub(super) mod numbering;
pub(super) mod out;

use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

use self::numbering::{NumPr, Numbering, child, num_pr, val, w};
use self::out::{Block, Lines, fold_into_cell, render};
use super::zip::Archive;
use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a docx file.
pub(super) fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    let mut archive = Archive::open(bytes).map_err(|r| unreadable(file, Format::Docx, r))?;
    let extracted = extract_archive(&mut archive).map_err(|r| unreadable(file, Format::Docx, r))?;
    if extracted.pages.iter().all(|p| p.trim().is_empty()) {
        return Err(unreadable(file, Format::Docx, NO_TEXT));
    }
    Ok(extracted)
}

/// Why a Word or OpenDocument file without any text is refused: indexing it would store an empty
/// document, and it is most often a scan pasted in as pictures.
pub(super) const NO_TEXT: &str =
    "the document has no text (only pictures, a scan pasted in?, or nothing at all)";

/// Extracts the text of an opened docx archive; the error is the reason it cannot be read.
pub(super) fn extract_archive(archive: &mut Archive<'_>) -> Result<Extracted, String> {
    let main = main_part(archive)?;
    let Some(document) = archive.read_text(&main)? else {
        return Err(not_a_word_file(archive));
    };
    // The other parts sit beside the main one (`word/`), under their conventional names.
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let part = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let mut diagnostics = Vec::new();
    let styles = archive.read_optional(&part("styles.xml"), &mut diagnostics)?;
    let numbering = archive.read_optional(&part("numbering.xml"), &mut diagnostics)?;
    let footnotes = archive.read_optional(&part("footnotes.xml"), &mut diagnostics)?;
    let endnotes = archive.read_optional(&part("endnotes.xml"), &mut diagnostics)?;

    let styles_doc = optional_xml("styles.xml", styles.as_deref(), &mut diagnostics);
    let numbering_doc = optional_xml("numbering.xml", numbering.as_deref(), &mut diagnostics);
    let footnotes_doc = optional_xml("footnotes.xml", footnotes.as_deref(), &mut diagnostics);
    let endnotes_doc = optional_xml("endnotes.xml", endnotes.as_deref(), &mut diagnostics);
    let doc = parse_xml(&main, &document)?;

    let mut reader = Reader {
        styles: styles_doc.as_ref().map(Styles::parse).unwrap_or_default(),
        numbering: numbering_doc
            .as_ref()
            .map(Numbering::parse)
            .unwrap_or_default(),
        footnotes: notes_by_id(footnotes_doc.as_ref(), "footnote"),
        endnotes: notes_by_id(endnotes_doc.as_ref(), "endnote"),
        notes: Vec::new(),
        footnote_count: 0,
        endnote_count: 0,
        deletions: 0,
        text_boxes: 0,
        alt_chunks: 0,
        depth: 0,
    };
    let body = doc
        .root_element()
        .children()
        .find(|c| w(c) == Some("body"))
        .ok_or_else(|| format!("{main} has no w:body"))?;
    let mut blocks = Vec::new();
    reader.blocks(body, &mut blocks);
    let text = render(&blocks, &reader.notes);

    if reader.numbering.labelled > 0 {
        diagnostics.push(format!(
            "docx: {} automatic list labels (1., a), I., bullets) computed from numbering.xml",
            reader.numbering.labelled
        ));
    }
    if !reader.numbering.unknown_formats.is_empty() {
        diagnostics.push(format!(
            "docx: list number formats written as decimal: {}",
            reader.numbering.unknown_formats.join(", ")
        ));
    }
    if reader.deletions > 0 {
        diagnostics.push(format!(
            "docx: {} deleted revisions (tracked changes) left out",
            reader.deletions
        ));
    }
    if reader.alt_chunks > 0 {
        diagnostics.push(format!(
            "docx: {} embedded documents (w:altChunk, imported HTML or RTF) not read",
            reader.alt_chunks
        ));
    }
    if reader.text_boxes > 0 {
        diagnostics.push(format!(
            "docx: the text of {} text boxes kept after their paragraphs",
            reader.text_boxes
        ));
    }
    if reader.footnote_count + reader.endnote_count > 0 {
        diagnostics.push(format!(
            "docx: {} footnotes and {} endnotes appended at the end, marked [n] in the text",
            reader.footnote_count, reader.endnote_count
        ));
    }
    let mut extracted = Extracted::unpaged(Format::Docx, "utf-8", text);
    extracted.diagnostics = diagnostics;
    Ok(extracted)
}

/// The name of the main document part: from the package relationships, else Word's usual one.
fn main_part(archive: &mut Archive<'_>) -> Result<String, String> {
    const DEFAULT: &str = "word/document.xml";
    if archive.contains(DEFAULT) {
        return Ok(DEFAULT.to_string());
    }
    let Some(rels) = archive.read_text("_rels/.rels")? else {
        return Err(not_a_word_file(archive));
    };
    let doc = parse_xml("_rels/.rels", &rels)?;
    let target = doc
        .descendants()
        .filter(|n| n.has_tag_name("Relationship"))
        .find(|n| {
            n.attribute("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
        })
        .and_then(|n| n.attribute("Target"))
        .map(|t| t.trim_start_matches('/').to_string());
    match target {
        Some(t) if archive.contains(&t) => Ok(t),
        _ => Err(not_a_word_file(archive)),
    }
}

/// Why an archive without a Word body is refused, saying what it seems to be.
fn not_a_word_file(archive: &Archive<'_>) -> String {
    let names = archive.names();
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let what = if has("xl/") {
        " (an Excel workbook, .xlsx?)"
    } else if has("ppt/") {
        " (a PowerPoint presentation, .pptx?)"
    } else if has("[Content_Types].xml") {
        " (an Office file without its word/document.xml: damaged?)"
    } else {
        ""
    };
    format!(
        "a zip archive that is not a Word or OpenDocument text{what}: no word/document.xml among \
         its {} members",
        names.len()
    )
}

/// Parses one XML part; the error names the part and the position.
pub(super) fn parse_xml<'i>(name: &str, text: &'i str) -> Result<Document<'i>, String> {
    // DTDs are refused (the default): Word never writes one, and entities could expand.
    Document::parse_with_options(text, ParsingOptions::default())
        .map_err(|e| format!("{name} is not well-formed XML: {e}"))
}

/// An auxiliary part, parsed: a damaged one costs its feature (numbering, notes), not the
/// document, and is reported.
fn optional_xml<'i>(
    name: &str,
    text: Option<&'i str>,
    diagnostics: &mut Vec<String>,
) -> Option<Document<'i>> {
    match parse_xml(name, text?) {
        Ok(doc) => Some(doc),
        Err(e) => {
            diagnostics.push(format!("docx: {e}; read without it"));
            None
        }
    }
}

/// The notes of `footnotes.xml` or `endnotes.xml` by id, separators left out.
fn notes_by_id<'a, 'i>(doc: Option<&'a Document<'i>>, name: &str) -> HashMap<String, Node<'a, 'i>> {
    let mut notes = HashMap::new();
    let Some(doc) = doc else { return notes };
    for node in doc.root_element().children() {
        if w(&node) != Some(name) {
            continue;
        }
        let kind = node
            .attributes()
            .find(|a| a.name() == "type")
            .map(|a| a.value());
        if matches!(
            kind,
            Some("separator" | "continuationSeparator" | "continuationNotice")
        ) {
            continue;
        }
        if let Some(id) = node.attributes().find(|a| a.name() == "id") {
            notes.insert(id.value().to_string(), node);
        }
    }
    notes
}

/// The paragraph styles: what each says about numbering, and what it is based on.
#[derive(Debug, Default)]
struct Styles {
    /// Style id → (based on, its own `w:numPr`).
    styles: HashMap<String, (Option<String>, Option<NumPr>)>,
    /// The default paragraph style.
    default: Option<String>,
}

impl Styles {
    /// Reads `styles.xml`.
    fn parse(doc: &Document<'_>) -> Styles {
        let mut styles = Styles::default();
        for node in doc.root_element().children() {
            if w(&node) != Some("style") {
                continue;
            }
            let attr = |name: &str| {
                node.attributes()
                    .find(|a| a.name() == name)
                    .map(|a| a.value())
            };
            if attr("type").is_some_and(|t| t != "paragraph") {
                continue;
            }
            let Some(id) = attr("styleId") else { continue };
            if attr("default").is_some_and(|d| d == "1" || d == "true") {
                styles.default = Some(id.to_string());
            }
            let based_on = child(&node, "basedOn").and_then(|b| val(&b).map(str::to_string));
            let numbering = child(&node, "pPr")
                .and_then(|p| child(&p, "numPr"))
                .map(|n| num_pr(&n));
            styles.styles.insert(id.to_string(), (based_on, numbering));
        }
        styles
    }

    /// The numbering a style gives (its own or inherited), with the style that gave it.
    fn numbering(&self, style: &str) -> Option<(NumPr, String)> {
        let mut id = style;
        let mut merged = NumPr::default();
        let mut from = None;
        // Walk up `w:basedOn`, bounded: a cycle in a damaged file must not hang.
        for _ in 0..16 {
            let (based_on, own) = self.styles.get(id)?;
            if let Some(own) = own {
                if merged.num_id.is_none() {
                    merged.num_id.clone_from(&own.num_id);
                    from.get_or_insert_with(|| id.to_string());
                }
                if merged.level.is_none() {
                    merged.level = own.level;
                }
            }
            if merged.num_id.is_some() && merged.level.is_some() {
                break;
            }
            match based_on {
                Some(b) => id = b,
                None => break,
            }
        }
        merged.num_id.as_ref()?;
        Some((merged, from.unwrap_or_else(|| style.to_string())))
    }

    /// The list a style carries (for numbering definitions linked to a style).
    fn list_of(&self, style: &str) -> Option<String> {
        self.numbering(style).and_then(|(n, _)| n.num_id)
    }
}

/// The walk over a document's body.
struct Reader<'a, 'i> {
    styles: Styles,
    numbering: Numbering,
    footnotes: HashMap<String, Node<'a, 'i>>,
    endnotes: HashMap<String, Node<'a, 'i>>,
    /// The notes met so far, as lines `[n] text`.
    notes: Vec<String>,
    footnote_count: u32,
    endnote_count: u32,
    deletions: usize,
    text_boxes: usize,
    alt_chunks: usize,
    /// How deep in text boxes and notes the walk is (a text box may hold a text box).
    depth: usize,
}

/// How deep text boxes, notes and tables may nest before their content is skipped: roxmltree
/// already bounds the XML's depth; this bounds the walk's own recursion.
const MAX_DEPTH: usize = 64;

impl<'a, 'i> Reader<'a, 'i> {
    /// The block-level content of `parent` (a body, a cell, a text box, a note).
    fn blocks(&mut self, parent: Node<'a, 'i>, out: &mut Vec<Block>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for node in parent.children() {
            match w(&node) {
                Some("p") => self.paragraph(node, out),
                Some("tbl") => self.table(node, out),
                // Containers whose content is shown.
                Some("sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" | "smartTag") => {
                    self.blocks(node, out);
                }
                Some("del" | "moveFrom") => self.deletions += 1,
                // Content imported whole from another file (HTML, RTF): not read.
                Some("altChunk") => self.alt_chunks += 1,
                None if node.tag_name().name() == "AlternateContent" => {
                    if let Some(choice) = alternative(node) {
                        self.blocks(choice, out);
                    }
                }
                _ => {}
            }
        }
        self.depth -= 1;
    }

    /// A paragraph: its numbering label, its text, then the text boxes it anchors.
    fn paragraph(&mut self, p: Node<'a, 'i>, out: &mut Vec<Block>) {
        let mut lines = Lines::new();
        if let Some(label) = self.label(p) {
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

    /// The automatic numbering label of a paragraph, if it has one.
    fn label(&mut self, p: Node<'a, 'i>) -> Option<String> {
        let ppr = child(&p, "pPr");
        let own = ppr
            .and_then(|ppr| child(&ppr, "numPr"))
            .map(|n| num_pr(&n))
            .unwrap_or_default();
        let style = ppr
            .and_then(|ppr| child(&ppr, "pStyle"))
            .and_then(|s| val(&s).map(str::to_string))
            .or_else(|| self.styles.default.clone());
        let inherited = style.as_deref().and_then(|s| self.styles.numbering(s));
        let num_id = own
            .num_id
            .clone()
            .or_else(|| inherited.as_ref().and_then(|(n, _)| n.num_id.clone()))?;
        if num_id == "0" {
            return None;
        }
        let level = own
            .level
            .or_else(|| inherited.as_ref().and_then(|(n, _)| n.level))
            .or_else(|| {
                // A style's list without a level: the level that names the style.
                let (_, from) = inherited.as_ref()?;
                self.numbering.level_of_style(&num_id, from)
            })
            .unwrap_or(0);
        let styles = &self.styles;
        self.numbering
            .next_label(&num_id, level, &|s| styles.list_of(s))
    }

    /// The inline content of a paragraph (or a container inside one) into `lines`; the text
    /// boxes found go to `anchored`.
    fn inline(&mut self, node: Node<'a, 'i>, lines: &mut Lines, anchored: &mut Vec<Block>) {
        for c in node.children() {
            match w(&c) {
                Some("r") => self.run(c, lines, anchored),
                Some(
                    "hyperlink" | "smartTag" | "ins" | "moveTo" | "sdt" | "sdtContent"
                    | "customXml" | "fldSimple" | "dir" | "bdo",
                ) => self.inline(c, lines, anchored),
                Some("del" | "moveFrom") => self.deletions += 1,
                None if c.tag_name().name() == "AlternateContent" => {
                    if let Some(choice) = alternative(c) {
                        self.inline(choice, lines, anchored);
                    }
                }
                // Office Math: its text runs (`m:t`), so that no word is lost.
                None if matches!(c.tag_name().name(), "oMath" | "oMathPara") => {
                    for t in c.descendants().filter(|d| d.tag_name().name() == "t") {
                        lines.push_str(t.text().unwrap_or(""));
                    }
                }
                _ => {}
            }
        }
    }

    /// One run: text, tabs, breaks, note references, and drawings holding text boxes.
    fn run(&mut self, r: Node<'a, 'i>, lines: &mut Lines, anchored: &mut Vec<Block>) {
        for c in r.children() {
            match w(&c) {
                Some("t") => lines.push_str(c.text().unwrap_or("")),
                Some("tab" | "ptab") => lines.push('\t'),
                Some("br" | "cr") => lines.line_break(),
                Some("noBreakHyphen") => lines.push('-'),
                Some("sym") => {
                    if let Some(ch) = symbol(c) {
                        lines.push(ch);
                    }
                }
                Some("footnoteReference") => {
                    self.footnote_count += 1;
                    let marker = format!("[{}]", self.footnote_count);
                    self.note(c, &marker, true);
                    lines.push_str(&marker);
                }
                Some("endnoteReference") => {
                    self.endnote_count += 1;
                    let marker =
                        format!("[{}]", numbering::roman(self.endnote_count).to_lowercase());
                    self.note(c, &marker, false);
                    lines.push_str(&marker);
                }
                Some("drawing" | "pict" | "object") => self.text_boxes_in(c, anchored),
                Some("ruby") => {
                    if let Some(base) = child(&c, "rubyBase") {
                        self.inline(base, lines, anchored);
                    }
                }
                None if c.tag_name().name() == "AlternateContent" => {
                    if let Some(choice) = alternative(c) {
                        self.run(choice, lines, anchored);
                    }
                }
                // `w:instrText` (field codes), `w:delText` and run properties are not shown.
                _ => {}
            }
        }
    }

    /// The text boxes inside a drawing, as blocks after the paragraph that anchors them.
    fn text_boxes_in(&mut self, drawing: Node<'a, 'i>, anchored: &mut Vec<Block>) {
        // `mc:AlternateContent` inside a drawing holds the same box twice: take one choice.
        let mut stack = vec![drawing];
        while let Some(node) = stack.pop() {
            for c in node.children().rev() {
                if w(&c) == Some("txbxContent") {
                    self.text_boxes += 1;
                    self.blocks(c, anchored);
                } else if c.tag_name().name() == "AlternateContent" {
                    if let Some(choice) = alternative(c) {
                        stack.push(choice);
                    }
                } else if c.is_element() {
                    stack.push(c);
                }
            }
        }
    }

    /// Records the note a reference points at, as a line at the end of the text.
    fn note(&mut self, reference: Node<'a, 'i>, marker: &str, foot: bool) {
        let id = reference
            .attributes()
            .find(|a| a.name() == "id")
            .map(|a| a.value());
        let notes = if foot {
            &self.footnotes
        } else {
            &self.endnotes
        };
        let Some(node) = id.and_then(|id| notes.get(id)).copied() else {
            return;
        };
        if self.depth > MAX_DEPTH {
            return;
        }
        let mut blocks = Vec::new();
        self.blocks(node, &mut blocks);
        let mut text = Lines::new();
        fold_into_cell(&mut text, blocks);
        let body = text.joined();
        self.notes
            .push(format!("{marker} {body}").trim_end().to_string());
    }

    /// A table: a row per `w:tr`, each cell's content folded into one cell.
    fn table(&mut self, tbl: Node<'a, 'i>, out: &mut Vec<Block>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let mut rows = Vec::new();
        collect(tbl, "tr", &mut rows);
        for tr in rows {
            // A row deleted as a tracked change.
            if child(&tr, "trPr").and_then(|p| child(&p, "del")).is_some() {
                self.deletions += 1;
                continue;
            }
            let mut cells = Vec::new();
            collect(tr, "tc", &mut cells);
            let mut row = Vec::with_capacity(cells.len());
            for tc in cells {
                let mut blocks = Vec::new();
                self.blocks(tc, &mut blocks);
                let mut cell = Lines::new();
                fold_into_cell(&mut cell, blocks);
                row.push(cell);
            }
            out.push(Block::Row(row));
        }
        self.depth -= 1;
    }
}

/// The `name` children of `parent` (rows of a table, cells of a row), looking through the
/// content controls and custom XML that may wrap them.
fn collect<'a, 'i>(parent: Node<'a, 'i>, name: &str, out: &mut Vec<Node<'a, 'i>>) {
    for c in parent.children() {
        match w(&c) {
            Some(n) if n == name => out.push(c),
            Some("sdt" | "sdtContent" | "customXml" | "ins" | "moveTo") => collect(c, name, out),
            _ => {}
        }
    }
}

/// The branch of an `mc:AlternateContent` to read: the first `mc:Choice` (Word writes its
/// modern form there, a text box as `wps:txbx`), else the `mc:Fallback` (the same content for old
/// readers, as VML); never both, which would repeat the text.
fn alternative<'a, 'i>(node: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    let branch = |name: &str| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
    };
    branch("Choice").or_else(|| branch("Fallback"))
}

/// The character of a `w:sym`, unless it is a symbol-font glyph (private use area) with no
/// Unicode meaning.
fn symbol(node: Node<'_, '_>) -> Option<char> {
    let code = node
        .attributes()
        .find(|a| a.name() == "char")
        .and_then(|a| u32::from_str_radix(a.value(), 16).ok())?;
    let ch = char::from_u32(code)?;
    (!('\u{E000}'..='\u{F8FF}').contains(&ch)).then_some(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
        xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
        xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" \
        xmlns:v=\"urn:schemas-microsoft-com:vml\" \
        xmlns:m=\"http://schemas.openxmlformats.org/officeDocument/2006/math\"";

    /// The text of a docx made of these parts (the body's content, then other parts by name).
    fn text_of(body: &str, parts: &[(&str, String)]) -> (String, Vec<String>) {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        w.start_file("word/document.xml", options).unwrap();
        write!(w, "<w:document {NS}><w:body>{body}</w:body></w:document>").unwrap();
        for (name, xml) in parts {
            w.start_file(*name, options).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let mut archive = Archive::open(&bytes).unwrap();
        let e = extract_archive(&mut archive).unwrap();
        (e.pages.concat(), e.diagnostics)
    }

    fn p(inner: &str) -> String {
        format!("<w:p>{inner}</w:p>")
    }

    fn r(text: &str) -> String {
        format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    #[test]
    fn revisions_fields_breaks_and_symbols() {
        let body = [
            p(&format!(
                "{}<w:del><w:r><w:delText>bỏ đi </w:delText></w:r></w:del><w:ins>{}</w:ins>",
                r("Giữ "),
                r("thêm vào")
            )),
            // A complex field: the code is dropped, the result kept.
            p(&format!(
                "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
                 <w:r><w:instrText> PAGE \\* MERGEFORMAT </w:instrText></w:r>\
                 <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}\
                 <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
                r("Trang "),
                r("3")
            )),
            p(&format!(
                "<w:fldSimple w:instr=\" DATE \">{}</w:fldSimple>",
                r("14/6/2025")
            )),
            p(&format!(
                "{}<w:r><w:br/><w:t>Độc lập</w:t><w:tab/><w:t>Tự do</w:t>\
                 <w:noBreakHyphen/><w:t>x</w:t><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/>\
                 <w:sym w:font=\"Arial\" w:char=\"00A7\"/></w:r>",
                r("VIỆT NAM")
            )),
            "<w:p/><w:p/>".to_string(),
            p(&format!(
                "<w:hyperlink w:history=\"1\">{}</w:hyperlink>",
                r("liên kết")
            )),
            p(&format!(
                "<m:oMath><m:r><m:t>x</m:t></m:r><m:r><m:t>=2</m:t></m:r></m:oMath>{}",
                r(" công thức")
            )),
        ]
        .concat();
        let (text, diagnostics) = text_of(&body, &[]);
        assert_eq!(
            text,
            "Giữ thêm vào\nTrang 3\n14/6/2025\nVIỆT NAM\nĐộc lập\tTự do-x§\n\nliên kết\n\
             x=2 công thức\n"
        );
        assert!(
            diagnostics
                .iter()
                .any(|d| d.contains("1 deleted revisions")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn text_boxes_are_kept_once_and_notes_go_to_the_end() {
        let text_box = format!(
            "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx>\
             <w:txbxContent>{}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>\
             <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent>\
             </v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>",
            p(&r("Trong khung")),
            p(&r("Trong khung"))
        );
        let body = [
            p(&format!("{}{text_box}", r("Đoạn có khung"))),
            p(&format!(
                "{}<w:r><w:footnoteReference w:id=\"2\"/></w:r>{}\
                 <w:r><w:endnoteReference w:id=\"1\"/></w:r>",
                r("Luật"),
                r(" này")
            )),
        ]
        .concat();
        let footnotes = format!(
            "<w:footnotes {NS}><w:footnote w:type=\"separator\" w:id=\"-1\">{}</w:footnote>\
             <w:footnote w:id=\"2\">{}</w:footnote></w:footnotes>",
            p(&r("_____")),
            p(&format!(
                "<w:r><w:footnoteRef/></w:r>{}",
                r(" Sửa đổi năm 2025.")
            ))
        );
        let endnotes = format!(
            "<w:endnotes {NS}><w:endnote w:id=\"1\">{}</w:endnote></w:endnotes>",
            p(&r("Ghi chú cuối."))
        );
        let (text, diagnostics) = text_of(
            &body,
            &[
                ("word/footnotes.xml", footnotes),
                ("word/endnotes.xml", endnotes),
            ],
        );
        assert_eq!(
            text,
            "Đoạn có khung\nTrong khung\nLuật[1] này[i]\n\n[1] Sửa đổi năm 2025.\n[i] Ghi chú cuối.\n"
        );
        assert!(
            diagnostics
                .iter()
                .any(|d| d.contains("1 footnotes and 1 endnotes")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn tables_nest_and_merge_into_pipe_rows() {
        let cell = |inner: &str| format!("<w:tc><w:tcPr/>{inner}</w:tc>");
        let nested = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell(&p(&r("a"))),
            cell(&p(&r("b"))),
            cell(&p(&r("c"))),
            cell(&p(&r("d|e")))
        );
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr><w:trPr><w:del/></w:trPr>{}</w:tr>\
             <w:tr><w:sdt><w:sdtContent>{}</w:sdtContent></w:sdt>{}</w:tr></w:tbl>",
            cell(&p(&r("Số TT"))),
            cell(&format!("{}{}", p(&r("Nội dung")), nested)),
            cell(&p(&r("dòng đã xóa"))),
            cell(&p(&r("1"))),
            // A vertically merged continuation: an empty cell.
            "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        );
        let (text, _) = text_of(&body, &[]);
        assert_eq!(text, "| Số TT | Nội dung a b c d/e |\n| 1 | |\n");
    }

    #[test]
    fn numbering_comes_from_the_paragraph_or_its_style() {
        let styles = format!(
            "<w:styles {NS}>\
             <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"/>\
             <w:style w:type=\"paragraph\" w:styleId=\"Dieu\"><w:basedOn w:val=\"Normal\"/>\
               <w:pPr><w:numPr><w:numId w:val=\"3\"/></w:numPr></w:pPr></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"DieuCon\"><w:basedOn w:val=\"Dieu\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"Khoan\">\
               <w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr></w:style>\
             </w:styles>"
        );
        let numbering = format!(
            "<w:numbering {NS}>\
             <w:abstractNum w:abstractNumId=\"0\">\
               <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>\
                 <w:lvlText w:val=\"Điều %1.\"/><w:pStyle w:val=\"Dieu\"/></w:lvl>\
               <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>\
                 <w:lvlText w:val=\"%2.\"/></w:lvl></w:abstractNum>\
             <w:abstractNum w:abstractNumId=\"1\"><w:numStyleLink w:val=\"Dieu\"/></w:abstractNum>\
             <w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"4\"><w:abstractNumId w:val=\"1\"/></w:num>\
             </w:numbering>"
        );
        let styled = |style: &str, text: &str| {
            p(&format!(
                "<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}",
                r(text)
            ))
        };
        let body = [
            styled("Dieu", "Phạm vi điều chỉnh"),
            styled("Khoan", "Khoản một"),
            styled("Khoan", "Khoản hai"),
            styled("DieuCon", "Đối tượng áp dụng"),
            styled("Khoan", "Khoản một lại"),
            // Numbering removed on the paragraph (numId 0) though its style has it.
            p(&format!(
                "<w:pPr><w:pStyle w:val=\"Dieu\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr>{}",
                r("Không số")
            )),
            // A list whose definition is linked to the style's list: shares its counters.
            p(&format!(
                "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"4\"/></w:numPr></w:pPr>{}",
                r("Giải thích từ ngữ")
            )),
            // An unknown list: no label, no panic.
            p(&format!(
                "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"77\"/></w:numPr></w:pPr>{}",
                r("Danh sách lạ")
            )),
        ]
        .concat();
        let (text, _) = text_of(
            &body,
            &[
                ("word/styles.xml", styles),
                ("word/numbering.xml", numbering),
            ],
        );
        assert_eq!(
            text,
            "Điều 1. Phạm vi điều chỉnh\n1. Khoản một\n2. Khoản hai\nĐiều 2. Đối tượng áp dụng\n\
             1. Khoản một lại\nKhông số\nĐiều 3. Giải thích từ ngữ\nDanh sách lạ\n"
        );
    }

    #[test]
    fn a_damaged_numbering_part_costs_only_the_numbers() {
        let body = p(&format!(
            "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{}",
            r("Vẫn đọc được")
        ));
        let (text, diagnostics) =
            text_of(&body, &[("word/numbering.xml", "<w:numbering".to_string())]);
        assert_eq!(text, "Vẫn đọc được\n");
        assert!(
            diagnostics
                .iter()
                .any(|d| d.contains("numbering.xml is not well-formed XML")),
            "{diagnostics:?}"
        );
    }
}
