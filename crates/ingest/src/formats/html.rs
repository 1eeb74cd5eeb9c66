//! Text extraction for HTML pages, such as documents saved from the legal portals: the document's
//! content without the site's navigation, menus, footers, scripts, related-document lists and
//! advertising.
//!
//! The page is parsed by `scraper` (html5ever, the WHATWG parser of Servo): portal pages are
//! sloppy, and the standard's recovery (implied `</p>` and `</li>`, misnested tags, tables) is
//! what browsers show. html5ever is quadratic on some hostile input (100 000 nested `<div>`s take
//! half a minute, a tag with 200 000 attributes a minute): a linear pre-scan refuses such pages
//! before parsing ([`hostile`]).
//!
//! The content is, in order of trust: a content container of a known portal (thuvienphapluat.vn
//! `#divContentDoc` and `.content1`, vbpl.vn `#toanvancontent` and `.toanvancontent`,
//! chinhphu.vn and vanban.chinhphu.vn `.fulltext`), else `article` or `main`, else the element
//! whose paragraphs hold the most text with the fewest links (as Readability scores them).
//! Everywhere, `nav`, `header`, `footer`, `aside`, `script`, `style`, `noscript`, `form`,
//! `iframe` and similar, hidden elements, elements whose id or class names site chrome (`menu`,
//! `breadcrumb`, `related` …) and lists made only of links are dropped.
//!
//! Output: one block (`p`, `div` text, `h1`–`h6`, `li` …) a line with a blank line between
//! blocks, `br` a line break, a data table's rows as `| cell | cell |` lines. A table used for
//! layout (one cell a row, or holding other tables) is read as blocks.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::{Extracted, Format, unreadable};
use crate::{IngestError, decode};

/// The deepest nesting of elements the pre-scan lets through; real pages nest a few dozen deep.
const MAX_DEPTH: usize = 2000;

/// The most attributes one tag may have; real tags have a handful.
const MAX_ATTRIBUTES: usize = 500;

/// The content containers of known portals, most specific first.
const CONTAINERS: [&str; 7] = [
    "#divContentDoc",
    "#toanvancontent",
    ".toanvancontent",
    ".content1",
    ".fulltext",
    "article",
    "main",
];

/// The least text (non-space characters) a container must hold to be taken for the document: a
/// portal's empty placeholder of the same class is not the document.
const MIN_CONTENT_CHARS: usize = 200;

/// Elements that are never a document's content.
const DROPPED: [&str; 20] = [
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "iframe",
    "template", "svg", "button", "select", "textarea", "input", "object", "embed", "canvas",
    "head", "menu",
];

/// Words of ids and classes that name site chrome (compared whole: `main-menu` has `menu`,
/// `menubar` has not).
const CHROME_WORDS: [&str; 27] = [
    "nav",
    "navbar",
    "navigation",
    "menu",
    "mainmenu",
    "submenu",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "sidebar",
    "related",
    "lienquan",
    "banner",
    "ads",
    "advert",
    "advertisement",
    "quangcao",
    "share",
    "social",
    "comments",
    "login",
    "search",
    "cookie",
    "popup",
    "toolbar",
    "tags",
    "copyright",
];

/// Elements that end a line of text before and after them.
const BLOCKS: [&str; 34] = [
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "td",
    "th",
    "ul",
];

/// Elements whose text is a paragraph for the content score.
const PARAGRAPHS: [&str; 13] = [
    "p",
    "td",
    "li",
    "pre",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dd",
    "dt",
];

/// Extracts the text of an HTML page's document.
pub(super) fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    let (html, encoding) = decode_page(bytes, file)?;
    if let Some(reason) = hostile(&html) {
        return Err(unreadable(file, Format::Html, reason));
    }
    let page = Html::parse_document(&html);
    let stats = Stats::of(&page);
    let (root, how) = content_root(&page, &stats);
    let mut text = render(&page, root, &stats);
    if text.trim().is_empty() {
        return Err(unreadable(file, Format::Html, "no text in the page"));
    }
    let mut encoding = encoding;
    let mut diagnostics = vec![how];
    // Old pages were typed in a TCVN3 (`.VnTime`) or VNI font and declared Latin-1, or were
    // saved as Unicode from such text (`NghÞ quyÕt`): read the font's letters, as [`decode`]
    // does for text files. Declared as a single-byte code page, the page's bytes are the font's.
    if let Some(d) = decode::font_in_unicode(&text) {
        let font = d.encoding.trim_end_matches("-as-unicode");
        diagnostics.push(format!("typed in a {font} font: read as its letters"));
        encoding = if encoding == "windows-1252" {
            font.to_string()
        } else {
            d.encoding.to_string()
        };
        text = d.text;
    }
    let mut extracted = Extracted::unpaged(Format::Html, encoding, text);
    extracted.diagnostics = diagnostics;
    Ok(extracted)
}

/// Decodes a page: a byte-order mark decides; else a `<meta charset>` or `http-equiv` declaration
/// in the first 4 KiB; else (or when a page declared UTF-8 is not) the text detector of
/// [`decode`], which also reads Windows-1258, TCVN3 and VNI.
fn decode_page(bytes: &[u8], file: &str) -> Result<(String, String), IngestError> {
    let name = |e: &'static encoding_rs::Encoding| e.name().to_ascii_lowercase();
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            return Err(IngestError::Undecodable {
                file: file.to_string(),
                reason: format!("invalid {} after its byte-order mark", name(encoding)),
            });
        }
        return Ok((text.into_owned(), name(encoding)));
    }
    if let Some(encoding) = declared_charset(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let text = encoding.decode_without_bom_handling(bytes).0.into_owned();
        return Ok((text, name(encoding)));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "utf-8".into()));
    }
    let d = decode::decode(bytes, file)?;
    Ok((d.text, d.encoding.to_string()))
}

/// The encoding a page declares in a `<meta charset=…>` or `<meta http-equiv="Content-Type"
/// content="…; charset=…">` in its first 4 KiB. UTF-16 declared in a page read as bytes is
/// UTF-8, as the HTML standard says (a UTF-16 page has a byte-order mark).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head: Vec<u8> = bytes[..bytes.len().min(4096)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let mut at = 0;
    while let Some(meta) = super::find(&head[at..], b"<meta") {
        let start = at + meta;
        let end = head[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |p| start + p);
        let tag = &head[start..end];
        if let Some(cs) = super::find(tag, b"charset") {
            let value = tag[cs + 7..]
                .iter()
                .skip_while(|b| b.is_ascii_whitespace())
                .skip_while(|&&b| b == b'=')
                .skip_while(|b| b.is_ascii_whitespace() || **b == b'"' || **b == b'\'')
                .take_while(|b| !b.is_ascii_whitespace() && !b"\"';>/".contains(b))
                .copied()
                .collect::<Vec<u8>>();
            if let Some(encoding) = encoding_rs::Encoding::for_label(&value) {
                return Some(
                    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        encoding
                    },
                );
            }
        }
        at = end;
    }
    None
}

/// Why a page is refused before parsing, if it is: nested deeper than [`MAX_DEPTH`] or with a tag
/// of more than [`MAX_ATTRIBUTES`] attributes, which would make the parser quadratic.
///
/// A linear scan of the tags: comments, doctypes and the raw text of `script` and `style` are
/// skipped; void elements, self-closed tags and elements whose end tag may be left out (`p`,
/// `li`, `td` …, closed by the parser) do not count as nesting.
fn hostile(html: &str) -> Option<String> {
    const NOT_NESTING: [&str; 28] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen", "p", "li", "td", "th", "tr", "dt", "dd", "option",
        "optgroup", "tbody", "thead", "tfoot", "colgroup",
    ];
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|&c| c == b'<') {
        i += lt + 1;
        if b[i..].starts_with(b"!--") {
            i = super::find(&b[i..], b"-->").map_or(b.len(), |p| i + p + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            if matches!(b.get(i), Some(b'!' | b'?')) {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(b.len(), |p| i + p + 1);
            }
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        // The attributes: names between white space, values quoted or not.
        let mut j = name_start + name_len;
        let mut attributes = 0usize;
        let mut self_closed = false;
        while j < b.len() && b[j] != b'>' {
            match b[j] {
                b'"' | b'\'' => {
                    let quote = b[j];
                    j = b[j + 1..]
                        .iter()
                        .position(|&c| c == quote)
                        .map_or(b.len(), |p| j + p + 2);
                    continue;
                }
                b'/' => self_closed = true,
                c if c.is_ascii_whitespace() => {}
                b'=' => {}
                _ => {
                    self_closed = false;
                    if j > 0
                        && (b[j - 1].is_ascii_whitespace() || b[j - 1] == b'"' || b[j - 1] == b'\'')
                    {
                        attributes += 1;
                    }
                }
            }
            j += 1;
        }
        i = j.min(b.len());
        if attributes > MAX_ATTRIBUTES {
            return Some(format!(
                "a <{name}> tag with more than {MAX_ATTRIBUTES} attributes; not a saved page"
            ));
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closed && !NOT_NESTING.contains(&name.as_str()) {
            depth += 1;
            if depth > MAX_DEPTH {
                return Some(format!(
                    "elements nested more than {MAX_DEPTH} deep; not a saved page"
                ));
            }
            // Raw text: a `<` in a script is not a tag.
            if matches!(
                name.as_str(),
                "script" | "style" | "textarea" | "title" | "xmp"
            ) {
                let end = format!("</{name}");
                let lower_from = i;
                i = find_ascii_case_insensitive(&b[lower_from..], end.as_bytes())
                    .map_or(b.len(), |p| lower_from + p);
            }
        }
    }
    None
}

/// The first offset of `needle` (lower-case ASCII) in `hay`, ignoring ASCII case.
fn find_ascii_case_insensitive(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// What the page's elements hold, counted once: non-space characters of text and of link text,
/// over what is not dropped.
struct Stats {
    /// Every element not dropped, with its counts.
    text: HashMap<NodeId, Counts>,
    /// The elements dropped (their content goes with them).
    dropped: HashSet<NodeId>,
    /// Every node inside a dropped element, or dropped itself.
    excluded: HashSet<NodeId>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Non-space characters of text.
    text: usize,
    /// Of those, inside links.
    link: usize,
}

impl Stats {
    /// Counts every element's text in one pass (iterative: pages may nest deep).
    fn of(page: &Html) -> Stats {
        let mut text = HashMap::new();
        let mut dropped = HashSet::new();
        let mut stack: Vec<Counts> = Vec::new();
        let mut links = 0usize;
        let mut skipping: Option<NodeId> = None;
        for edge in page.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Element(e) => {
                            if is_dropped(e) {
                                dropped.insert(node.id());
                                skipping = Some(node.id());
                                continue;
                            }
                            links += usize::from(e.name() == "a");
                            stack.push(Counts::default());
                        }
                        Node::Text(t) => {
                            let n = t.chars().filter(|c| !c.is_whitespace()).count();
                            if let Some(top) = stack.last_mut() {
                                top.text += n;
                                if links > 0 {
                                    top.link += n;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                        continue;
                    }
                    if skipping.is_some() {
                        continue;
                    }
                    if let Node::Element(e) = node.value() {
                        links -= usize::from(e.name() == "a");
                        let counts = stack.pop().unwrap_or_default();
                        if let Some(parent) = stack.last_mut() {
                            parent.text += counts.text;
                            parent.link += counts.link;
                        }
                        text.insert(node.id(), counts);
                    }
                }
            }
        }
        let mut stats = Stats {
            text,
            dropped,
            excluded: HashSet::new(),
        };
        stats.drop_link_lists(page);
        stats.excluded = stats.exclude(page);
        stats
    }

    /// The nodes in dropped subtrees, found in one pass.
    fn exclude(&self, page: &Html) -> HashSet<NodeId> {
        let mut excluded = HashSet::new();
        let mut inside: Option<NodeId> = None;
        for edge in page.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if inside.is_none() && self.dropped.contains(&node.id()) {
                        inside = Some(node.id());
                    }
                    if inside.is_some() {
                        excluded.insert(node.id());
                    }
                }
                Edge::Close(node) => {
                    if inside == Some(node.id()) {
                        inside = None;
                    }
                }
            }
        }
        excluded
    }

    fn counts(&self, id: NodeId) -> Counts {
        self.text.get(&id).copied().unwrap_or_default()
    }

    /// Drops lists made of links (menus, "related documents"): a list or block of at least three
    /// items nearly all of which are a link and nothing else. A clause citing documents is not
    /// such a list: its items have words of their own (`Căn cứ`, `;`).
    fn drop_link_lists(&mut self, page: &Html) {
        let mut found = Vec::new();
        for node in page.tree.nodes() {
            let Some(e) = ElementRef::wrap(node) else {
                continue;
            };
            // Not `p` or `td`: a paragraph that only cites documents is still text.
            if !matches!(e.value().name(), "ul" | "ol" | "div" | "section" | "dl")
                || self.dropped.contains(&node.id())
            {
                continue;
            }
            let items: Vec<Counts> = e
                .children()
                .filter(|c| c.value().is_element() && !self.dropped.contains(&c.id()))
                .map(|c| self.counts(c.id()))
                .filter(|c| c.text > 0)
                .collect();
            let whole_links = items
                .iter()
                .filter(|c| c.link > 0 && c.text - c.link <= 3)
                .count();
            let own = self.counts(node.id());
            // Separators between links (`|`, `·`) are the only other text a menu has.
            let between = own.text - items.iter().map(|c| c.text).sum::<usize>().min(own.text);
            if items.len() >= 3 && whole_links * 5 >= items.len() * 4 && between <= 2 * items.len()
            {
                found.push(node.id());
            }
        }
        self.dropped.extend(found);
    }
}

/// Whether an element is never content: a dropped kind, hidden, or named as chrome.
fn is_dropped(e: &scraper::node::Element) -> bool {
    if DROPPED.contains(&e.name()) || e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    let names = e.id().into_iter().chain(e.classes());
    names
        .flat_map(|n| n.split(|c: char| !c.is_ascii_alphanumeric()))
        .any(|w| CHROME_WORDS.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

/// The element that holds the document, and how it was chosen (a diagnostic).
fn content_root(page: &Html, stats: &Stats) -> (NodeId, String) {
    // Neither dropped itself nor inside something dropped.
    let kept = |id: NodeId| !stats.excluded.contains(&id);
    for css in CONTAINERS {
        let selector = Selector::parse(css).expect("a valid selector");
        let best = page
            .select(&selector)
            .filter(|e| kept(e.id()))
            .max_by_key(|e| stats.counts(e.id()).text);
        if let Some(e) = best
            && stats.counts(e.id()).text >= MIN_CONTENT_CHARS
        {
            return (e.id(), format!("html: the document is the page's `{css}`"));
        }
    }
    // Readability: a paragraph's own words score for its parent, and half for its grandparent.
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for node in page.tree.nodes() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        let paragraph = PARAGRAPHS.contains(&e.value().name())
            || (e.value().name() == "div"
                && e.children()
                    .any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty())));
        if !paragraph || !kept(node.id()) {
            continue;
        }
        let c = stats.counts(node.id());
        let own = (c.text - c.link) as f64;
        if own < 25.0 {
            continue;
        }
        if let Some(parent) = node.parent() {
            *scores.entry(parent.id()).or_default() += own;
            if let Some(grand) = parent.parent() {
                *scores.entry(grand.id()).or_default() += own / 2.0;
            }
        }
    }
    let density = |id: NodeId| {
        let c = stats.counts(id);
        if c.text == 0 {
            1.0
        } else {
            c.link as f64 / c.text as f64
        }
    };
    let best = scores
        .iter()
        .filter(|(id, _)| page.tree.get(**id).is_some_and(|n| n.value().is_element()))
        .map(|(id, s)| (*id, s * (1.0 - density(*id))))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    let Some((mut root, _)) = best else {
        let body = page
            .select(&Selector::parse("body").expect("a valid selector"))
            .next()
            .map_or(page.tree.root().id(), |b| b.id());
        return (
            body,
            "html: no paragraphs found; the whole page is read".into(),
        );
    };
    // The document's header and signature often sit beside its body: take the parent while it
    // adds little text (a quarter at most) and no link at all (a page's boxes have links).
    while let Some(parent) = page.tree.get(root).and_then(|n| n.parent()) {
        let is_top = parent
            .value()
            .as_element()
            .is_none_or(|e| matches!(e.name(), "body" | "html"));
        let (p, c) = (stats.counts(parent.id()), stats.counts(root));
        if is_top || p.text * 4 > c.text * 5 || p.link > c.link {
            break;
        }
        root = parent.id();
    }
    let name = page
        .tree
        .get(root)
        .and_then(|n| n.value().as_element().map(describe))
        .unwrap_or_default();
    (
        root,
        format!("html: the document is the page's {name}, chosen by its text and links"),
    )
}

/// An element as a CSS-like name: `div#main.content`.
fn describe(e: &scraper::node::Element) -> String {
    let mut s = e.name().to_string();
    if let Some(id) = e.id() {
        s.push('#');
        s.push_str(id);
    }
    for class in e.classes() {
        s.push('.');
        s.push_str(class);
    }
    s
}

/// How a table is read: as rows of cells, or (a layout table) as blocks.
fn is_data_table(table: ElementRef) -> bool {
    let mut rows = 0;
    let mut wide = 0;
    for node in table.descendants() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        match e.value().name() {
            "table" if node.id() != table.id() => return false,
            "tr" => {
                rows += 1;
                let cells = e
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .count();
                wide += usize::from(cells >= 2);
            }
            _ => {}
        }
    }
    rows > 0 && wide > 0
}

/// The text being written: paragraphs, and the table rows and cells open.
struct Writer {
    out: String,
    line: String,
    /// Data tables open (innermost last): the row being read, and the cell.
    tables: Vec<(Vec<String>, Option<String>)>,
    /// Whether the last thing written was a table row (rows follow each other without a blank
    /// line).
    after_row: bool,
    /// Inside `pre`: white space is kept.
    pre: usize,
}

impl Writer {
    fn target(&mut self) -> &mut String {
        match self.tables.last_mut() {
            Some((_, Some(cell))) => cell,
            _ => &mut self.line,
        }
    }

    fn in_cell(&self) -> bool {
        matches!(self.tables.last(), Some((_, Some(_))))
    }

    fn text(&mut self, t: &str) {
        if self.pre > 0 && !self.in_cell() {
            self.line.push_str(t);
            return;
        }
        let target = self.target();
        for (i, word) in t.split(char::is_whitespace).enumerate() {
            if i > 0 && !target.is_empty() && !target.ends_with([' ', '\n']) {
                target.push(' ');
            }
            target.push_str(word);
        }
    }

    fn line_break(&mut self) {
        let in_cell = self.in_cell();
        let target = self.target();
        target.truncate(target.trim_end_matches(' ').len());
        target.push(if in_cell { ' ' } else { '\n' });
    }

    /// Ends the paragraph being written (in a cell: a space).
    fn block(&mut self) {
        if self.in_cell() {
            let cell = self.target();
            if !cell.is_empty() && !cell.ends_with(' ') {
                cell.push(' ');
            }
            return;
        }
        let line = std::mem::take(&mut self.line);
        let lines: Vec<&str> = line
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return;
        }
        self.separate(false);
        self.out.push_str(&lines.join("\n"));
    }

    /// Starts a new paragraph or row in the output.
    fn separate(&mut self, row: bool) {
        if !self.out.is_empty() {
            self.out
                .push_str(if row && self.after_row { "\n" } else { "\n\n" });
        }
        self.after_row = row;
    }

    fn row(&mut self, cells: &[String]) {
        if cells.iter().all(String::is_empty) {
            return;
        }
        self.separate(true);
        self.out.push_str(&format!("| {} |", cells.join(" | ")));
    }
}

/// Writes the text of `root` and what it holds.
fn render(page: &Html, root: NodeId, stats: &Stats) -> String {
    let Some(root) = page.tree.get(root) else {
        return String::new();
    };
    let mut w = Writer {
        out: String::new(),
        line: String::new(),
        tables: Vec::new(),
        after_row: false,
        pre: 0,
    };
    let mut data_tables: HashSet<NodeId> = HashSet::new();
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                if node.id() != root.id() && stats.dropped.contains(&node.id()) {
                    skipping = Some(node.id());
                    continue;
                }
                match node.value() {
                    Node::Text(t) => w.text(t),
                    Node::Element(e) => {
                        let name = e.name();
                        if name == "br" {
                            w.line_break();
                            continue;
                        }
                        if name == "pre" {
                            w.pre += 1;
                        }
                        let data_table = name == "table"
                            && ElementRef::wrap(node).is_some_and(is_data_table)
                            && !w.in_cell();
                        if data_table {
                            w.block();
                            data_tables.insert(node.id());
                            w.tables.push((Vec::new(), None));
                            continue;
                        }
                        let in_table = !w.tables.is_empty();
                        match name {
                            "tr" if in_table => w.tables.last_mut().expect("a table").0.clear(),
                            "td" | "th" if in_table => {
                                w.tables.last_mut().expect("a table").1 = Some(String::new());
                            }
                            _ if BLOCKS.contains(&name) => w.block(),
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                let Node::Element(e) = node.value() else {
                    continue;
                };
                let name = e.name();
                if data_tables.contains(&node.id()) {
                    w.tables.pop();
                    w.after_row = true;
                    continue;
                }
                if name == "pre" {
                    w.pre = w.pre.saturating_sub(1);
                }
                let in_table = !w.tables.is_empty();
                match name {
                    "td" | "th" if in_table => {
                        let table = w.tables.last_mut().expect("a table");
                        if let Some(cell) = table.1.take() {
                            table.0.push(cell.trim().replace('|', "/"));
                        }
                    }
                    "tr" if in_table => {
                        let cells = std::mem::take(&mut w.tables.last_mut().expect("a table").0);
                        w.row(&cells);
                    }
                    _ if BLOCKS.contains(&name) => w.block(),
                    _ => {}
                }
            }
        }
    }
    w.block();
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract(html.as_bytes(), "t.html").unwrap().pages.remove(0)
    }

    #[test]
    fn blocks_breaks_and_tables() {
        let html = "<html><body><main><h1>NGHỊ QUYẾT</h1><p>Điều 1.   Một\n hai</p>\
                    <p>dòng một<br>dòng hai</p><ul><li>a) thứ nhất</li><li>b) thứ hai</li></ul>\
                    <table><tr><th>STT</th><th>Nội dung</th></tr><tr><td>1</td><td>Chi <b>tiền</b> \
                    a|b</td></tr></table><p>Nơi nhận: các bộ, ngành, địa phương, và nhiều cơ quan \
                    khác nữa cho đủ chữ để vượt ngưỡng hai trăm ký tự của vùng nội dung.</p>\
                    <p>Thêm một đoạn văn dài để vùng nội dung đủ hai trăm ký tự không kể khoảng \
                    trắng, như một văn bản thật vẫn có.</p></main></body></html>";
        let t = text(html);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            &lines[..11],
            [
                "NGHỊ QUYẾT",
                "",
                "Điều 1. Một hai",
                "",
                "dòng một",
                "dòng hai",
                "",
                "a) thứ nhất",
                "",
                "b) thứ hai",
                "",
            ]
        );
        assert_eq!(
            &lines[11..13],
            ["| STT | Nội dung |", "| 1 | Chi tiền a/b |"]
        );
    }

    #[test]
    fn charset_declarations() {
        let body = "<p>Nghị quyết</p>";
        let page = |meta: &str, text: &[u8]| {
            let mut b = format!("<html><head>{meta}</head><body>").into_bytes();
            b.extend_from_slice(text);
            b.extend_from_slice(b"</body></html>");
            b
        };
        // `ị` and `ế` as Windows-1258 writes them: a base letter and a combining tone byte.
        let w1258 = b"<p>Nghi\xF2 quy\xEA\xECt</p>".to_vec();
        for meta in [
            "<meta charset=\"windows-1258\">",
            "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1258\">",
            "<meta charset=windows-1258 />",
        ] {
            let (html, enc) = decode_page(&page(meta, &w1258), "t").unwrap();
            assert_eq!(enc, "windows-1258");
            assert!(html.nfc_contains("Nghị quyết"), "{html}");
        }
        let (_, enc) = decode_page(&page("<meta charset=utf-8>", body.as_bytes()), "t").unwrap();
        assert_eq!(enc, "utf-8");
        // UTF-16 by its byte-order mark; a declared utf-16 in a byte page is utf-8.
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                String::from_utf8(page("", body.as_bytes()))
                    .unwrap()
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let x = extract(&utf16, "t").unwrap();
        assert_eq!(
            (x.encoding.as_str(), x.pages[0].as_str()),
            ("utf-16le", "Nghị quyết")
        );
        let (_, enc) = decode_page(&page("<meta charset=utf-16>", body.as_bytes()), "t").unwrap();
        assert_eq!(enc, "utf-8");
        // Undeclared and not UTF-8: the text detector reads Windows-1258.
        let (html, enc) = decode_page(&page("", &w1258), "t").unwrap();
        assert_eq!(enc, "windows-1258");
        assert!(html.nfc_contains("Nghị quyết"));
    }

    trait NfcContains {
        fn nfc_contains(&self, s: &str) -> bool;
    }

    impl NfcContains for String {
        fn nfc_contains(&self, s: &str) -> bool {
            use unicode_normalization::UnicodeNormalization;
            self.nfc().collect::<String>().contains(s)
        }
    }

    #[test]
    fn pages_typed_in_a_tcvn3_font_are_read() {
        let text = "Céng hoµ x· héi chñ nghÜa ViÖt Nam. C¨n cø NghÞ ®Þnh sè 15/CP ";
        let want = "Cộng hoà xã hội chủ nghĩa Việt Nam. Căn cứ Nghị định số 15/CP";
        let body = format!(
            "<body><p><font face=\".VnTime\">{}</font></p></body>",
            text.repeat(5)
        );
        // Declared Latin-1: the bytes are TCVN3.
        let mut latin1 = b"<html><head><meta charset=iso-8859-1></head>".to_vec();
        latin1.extend(body.chars().map(|c| u8::try_from(u32::from(c)).unwrap()));
        let x = extract(&latin1, "t").unwrap();
        assert_eq!(x.encoding, "tcvn3");
        assert!(x.pages[0].starts_with(want), "{}", x.pages[0]);
        // Saved as UTF-8 from such text.
        let utf8 = format!("<html><head><meta charset=utf-8></head>{body}");
        let x = extract(utf8.as_bytes(), "t").unwrap();
        assert_eq!(x.encoding, "tcvn3-as-unicode");
        assert!(x.pages[0].starts_with(want), "{}", x.pages[0]);
        // A French page declared Latin-1 stays French.
        let french = b"<html><head><meta charset=iso-8859-1></head><body><p>Le comit\xE9 a d\xE9cid\xE9 \xE0 Gen\xE8ve.</p></body>";
        let x = extract(french, "t").unwrap();
        assert_eq!(
            (x.encoding.as_str(), x.pages[0].as_str()),
            ("windows-1252", "Le comité a décidé à Genève.")
        );
    }

    #[test]
    fn link_lists_are_dropped_but_citations_kept() {
        let para = "<p>Căn cứ <a href=x>Luật Tổ chức Chính phủ số 63/2025/QH15</a>;</p>";
        let html = format!(
            "<html><body><div id=x><div>{}</div><p>{}</p><ul><li><a href=1>Văn bản một</a></li>\
             <li><a href=2>Văn bản hai</a></li><li><a href=3>Văn bản ba</a></li></ul>\
             <div><a href=a>Trang chủ</a> | <a href=b>Văn bản</a> | <a href=c>Liên hệ</a></div>\
             </div></body></html>",
            para.repeat(4),
            "Điều 1. Nội dung chính của văn bản ".repeat(10)
        );
        let t = text(&html);
        assert_eq!(t.matches("Căn cứ Luật Tổ chức Chính phủ").count(), 4, "{t}");
        assert!(
            !t.contains("Văn bản một") && !t.contains("Trang chủ"),
            "{t}"
        );
    }

    #[test]
    fn hostile_pages_are_refused_quickly() {
        let cases = [
            "<div>".repeat(100_000),
            "<ul><li>".repeat(100_000),
            format!(
                "<div {}>x</div>",
                (0..200_000).map(|i| format!("a{i}=1 ")).collect::<String>()
            ),
            "<div><p><span><a href=x>".repeat(30_000),
        ];
        for html in cases {
            let started = std::time::Instant::now();
            let err = extract(html.as_bytes(), "t.html").unwrap_err().to_string();
            assert!(err.contains("not a saved page"), "{err}");
            assert!(started.elapsed().as_secs() < 5);
        }
        // Deep but allowed, and formatting soup the parser handles fast: read, not refused.
        for html in [
            "<b>".repeat(100_000) + "x",
            "<p>".repeat(100_000) + "x",
            "<table><tr><td>".repeat(20_000) + "x",
            "<a><p><a>".repeat(20_000),
            "<div>".repeat(1_500) + "x",
        ] {
            let started = std::time::Instant::now();
            let _ = extract(html.as_bytes(), "t.html");
            assert!(started.elapsed().as_secs() < 10);
        }
    }

    #[test]
    fn scripts_in_the_prescan_do_not_count() {
        let html = format!(
            "<html><script>{}</script><body><p>x</p></body></html>",
            "if (a <div) {} ".repeat(5000)
        );
        assert!(hostile(&html).is_none());
    }
}
