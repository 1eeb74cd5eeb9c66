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

/// What `bytes` are when they are plainly not a document at all (an image, an archive, a
/// program, a database), recognised by their magic numbers: a folder walk skips such files and
/// names them, instead of counting them as documents that failed.
pub fn not_a_document(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 16] = [
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"BM", "a BMP image"),
        (b"\x7FELF", "a program"),
        (b"MZ", "a Windows program"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-zip archive"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"ID3", "an MP3 file"),
        (b"OggS", "an Ogg file"),
        (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    ];
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("a WebP image");
    }
    // Data beside documents (a sector list, a manifest) is JSON: a document never parses as it.
    let trimmed = bytes.trim_ascii_start();
    if (trimmed.starts_with(b"{") || trimmed.starts_with(b"["))
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
    {
        return Some("JSON data");
    }
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|&(_, what)| what)
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
            Ok(form_feed_pages(Extracted::unpaged(
                Format::Text,
                d.encoding,
                d.text,
            )))
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

/// A text whose pages are set apart by form feeds (what `pdftotext` and many scanners' OCR write
/// between a PDF's pages) keeps them as pages, so that a page's number or running head is
/// furniture and every clause can name its pages; an empty last page (a feed at the very end)
/// is dropped. A text without a form feed (or with more than [`MAX_PAGES`]) is left as it is.
fn form_feed_pages(mut e: Extracted) -> Extracted {
    let [text] = e.pages.as_slice() else {
        return e;
    };
    if !text.contains('\u{c}') {
        return e;
    }
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    while pages.len() > 1 && pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    // Past the most pages a document may have, the feeds are not pages but noise.
    if pages.len() > 1 && pages.len() <= MAX_PAGES {
        e.pages = pages;
        e.paged = true;
    }
    e
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
    fn images_and_programs_are_not_documents() {
        assert_eq!(
            not_a_document(b"\x89PNG\r\n\x1a\nrest"),
            Some("a PNG image")
        );
        assert_eq!(not_a_document(b"\xFF\xD8\xFF\xE0"), Some("a JPEG image"));
        assert_eq!(not_a_document(b"%PDF-1.7"), None);
        assert_eq!(not_a_document(b" {\"a\": [1]}\n"), Some("JSON data"));
        assert_eq!(not_a_document(b"{ not json"), None);
        assert_eq!(not_a_document("Nghị quyết".as_bytes()), None);
    }

    #[test]
    fn a_text_with_form_feeds_keeps_its_pages() {
        let e = extract(
            "Trang một\n\u{c}   2\nTrang hai\n\u{c}\n".as_bytes(),
            "t.txt",
        )
        .unwrap();
        assert!(e.paged);
        assert_eq!(e.pages, ["Trang một\n", "   2\nTrang hai\n"]);
        let plain = extract("Không có trang\n".as_bytes(), "t.txt").unwrap();
        assert!(!plain.paged);
        assert_eq!(plain.pages, ["Không có trang\n"]);
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
