//! Formats: recognise what a file holds by its content (never by its name) and extract its text,
//! page by page where the format has pages, for the parser.
//!
//! Every extractor returns raw text (the parser normalizes it) in one convention: one paragraph
//! or heading a line, a blank line between paragraphs where the source marks them, and a table
//! row as one line of cells between pipes (`| 1 | Bộ Nội vụ | 2026 |`), so that the parser reads
//! tables the same way whatever the format. Hostile input (zip bombs, damaged or encrypted files,
//! thousands of pages) is refused with an [`IngestError`] naming the file, never a panic.

mod doc;
mod docx;
mod html;
mod markdown;
mod odt;
mod pdf;
mod zip;

use crate::IngestError;
use crate::decode;

/// What a file holds, as recognised from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text, in any encoding [`decode`] reads.
    Text,
    /// Markdown (a legal portal's crawl, a transcription), recognised after decoding by its shape
    /// and converted to plain text.
    Markdown,
    /// An HTML page (for example one saved from a legal portal).
    Html,
    /// A PDF with a text layer.
    Pdf,
    /// A Word document (Office Open XML, `.docx`).
    Docx,
    /// An OpenDocument text (`.odt`).
    Odt,
    /// A legacy Word 97–2003 document (`.doc`), read through an installed converter.
    Doc,
}

impl Format {
    /// The identifier used in JSON (`text`, `markdown`, `html`, `pdf`, `docx`, `odt`, `doc`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Doc => "doc",
        }
    }
}

/// The text of one document file, as its extractor found it.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// What the file was.
    pub format: Format,
    /// The text encoding it was decoded from (`utf-8`, `windows-1258`, `tcvn3` …); for PDF and
    /// the XML formats, the encoding of their text (`utf-8`, `utf-16le`, or the PDF's own).
    pub encoding: String,
    /// The raw (not yet normalized) text, one entry a page where the format has pages ([`paged`]),
    /// else one entry in all.
    ///
    /// [`paged`]: Extracted::paged
    pub pages: Vec<String>,
    /// Whether `pages` are the source's real pages (PDF), so that clauses can name theirs.
    pub paged: bool,
    /// What the extractor noticed and worked around (kept as the document's diagnostics).
    pub diagnostics: Vec<String>,
}

impl Extracted {
    /// A text without pages.
    pub fn unpaged(format: Format, encoding: impl Into<String>, text: String) -> Extracted {
        Extracted {
            format,
            encoding: encoding.into(),
            pages: vec![text],
            paged: false,
            diagnostics: Vec::new(),
        }
    }
}

/// The most pages a document may have: the longest real resolutions with annexes run to a few
/// hundred; past this a file is refused rather than read for minutes.
pub const MAX_PAGES: usize = 2000;

/// The most bytes an archive-based format (`.docx`, `.odt`) may unpack to, over all the members
/// read: a zip bomb of a few kilobytes unpacks to gigabytes.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// Recognises the format of `bytes` from their content.
pub fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip::sniff(bytes);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Format::Doc;
    }
    if looks_like_html(bytes) {
        return Format::Html;
    }
    Format::Text
}

/// Recognises the format of `bytes` and extracts the text; `file` names the input in errors.
pub fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    match sniff(bytes) {
        // Markdown is text with markup: only its shape after decoding tells it apart.
        Format::Text | Format::Markdown => {
            let d = decode::decode(bytes, file)?;
            if markdown::looks_like_markdown(&d.text) {
                let c = markdown::convert(&d.text);
                let mut e = Extracted::unpaged(Format::Markdown, d.encoding, c.text);
                e.diagnostics = c.diagnostics;
                return Ok(e);
            }
            Ok(Extracted::unpaged(Format::Text, d.encoding, d.text))
        }
        Format::Html => html::extract(bytes, file),
        Format::Pdf => pdf::extract(bytes, file),
        Format::Docx => docx::extract(bytes, file),
        Format::Odt => odt::extract(bytes, file),
        Format::Doc => doc::extract(bytes, file),
    }
}

/// An error for a file of `format` that cannot be read, with why.
pub(crate) fn unreadable(file: &str, format: Format, reason: impl Into<String>) -> IngestError {
    IngestError::Unreadable {
        file: file.to_string(),
        format: format.as_str(),
        reason: reason.into(),
    }
}

/// Whether the bytes start (after a BOM and white space) like an HTML page.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lower: Vec<u8> = head[start..]
        .iter()
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<?xml") && find(&lower, b"<html").is_some())
        || (lower.starts_with(b"<!--") && find(&lower, b"<html").is_some())
}

/// The first offset of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Format::Doc);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff(b"<html lang=\"vi\">"), Format::Html);
        assert_eq!(sniff("NGHỊ QUYẾT\n".as_bytes()), Format::Text);
        assert_eq!(sniff(b"a <b>bold</b> text"), Format::Text);
    }

    #[test]
    fn markdown_is_told_from_text_after_decoding() {
        let md = extract(
            "**NGHỊ QUYẾT**\n\n## I. MỤC TIÊU\n\n1\\. Tăng trưởng".as_bytes(),
            "a",
        )
        .expect("reads");
        assert_eq!(md.format, Format::Markdown);
        assert_eq!(md.pages, ["NGHỊ QUYẾT\n\nI. MỤC TIÊU\n\n1. Tăng trưởng"]);
        let text = extract("NGHỊ QUYẾT\n\nI. MỤC TIÊU\n- a\n+ b".as_bytes(), "b").expect("reads");
        assert_eq!(text.format, Format::Text);
    }
}
