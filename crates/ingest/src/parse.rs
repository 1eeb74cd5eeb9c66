//! The structure parser: header metadata, section tree, clauses, closing parts.
//!
//! The stages, each in its own module: `lines` (spans, furniture, numbering markers),
//! `header` (kind, number, issuer, place, date, title, term), `blocks` (re-flow of wrapped
//! lines into paragraphs; tables one cell a line; recipients, signature, enacting formula) and
//! `tree` (levels by the scheme stack, clause kinds, target groups, ids). The parser never
//! fails: what it cannot read becomes a diagnostic.
//!
//! Ids: the document id is the slugged number, place and date (`09-nq-dh.thai-binh.2020-10-15`), or the file
//! stem when there is no number; a clause id is `<document id>/<section path>.p<n>`, the section
//! labels slugged and joined by `.` and `n` the clause's ordinal in its section
//! (`09-nq-dh.thai-binh.2020-10-15/a.ii.2.p5`), or `<document id>/p<n>` before the first section. Ids depend
//! only on the text, so re-ingesting it gives the same ids.
//!
//! Every word of the source lands in exactly one field: a header line
//! ([`Document::header`](crate::model::Document::header)), a section label or heading, a clause
//! label or text, a recipient, a signature line or a furniture line. Only the words `Nơi nhận`
//! that introduce the recipients are the field's name.

mod blocks;
mod header;
mod lines;
mod tree;

use std::path::Path;

use crate::formats::{Extracted, Format};
use crate::model::{DocKind, Document, page_of};
use crate::normalize::normalize_text;

/// Parses a decoded (not yet normalized) text into a document. Never fails: problems become
/// [`Document::diagnostics`]. `source` names the file; `encoding` is recorded as given.
///
/// Every span in the result is a byte range of [`Document::text`], the normalized text.
pub fn parse(raw: &str, source: &str, encoding: &str) -> Document {
    parse_extracted(
        Extracted::unpaged(Format::Text, encoding, raw.to_string()),
        source,
    )
}

/// Parses the text a format's extractor found (see [`crate::formats`]): its pages are normalized
/// one by one and joined by a line break, so that every clause can name its pages.
pub fn parse_extracted(src: Extracted, source: &str) -> Document {
    let mut text = String::new();
    let mut page_starts = Vec::new();
    for (i, page) in src.pages.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        page_starts.push(text.len());
        text.push_str(&normalize_text(page));
    }
    if !src.paged {
        page_starts.clear();
    }
    let mut doc = parse_text(text, source, &src.encoding);
    doc.format = src.format.as_str().to_string();
    doc.diagnostics.splice(0..0, src.diagnostics);
    if !page_starts.is_empty() {
        doc.page_count = u32::try_from(page_starts.len()).ok();
        let pages = |span: [usize; 2]| {
            let first = page_of(&page_starts, span[0])?;
            let last = page_of(&page_starts, span[1].saturating_sub(1).max(span[0]))?;
            Some([first, last])
        };
        for c in &mut doc.clauses {
            c.pages = pages(c.span);
        }
        for s in &mut doc.sections {
            s.pages = pages(s.span);
        }
        doc.page_starts = page_starts;
    }
    doc
}

/// Parses a stored (normalized) text.
fn parse_text(text: String, source: &str, encoding: &str) -> Document {
    let all = lines::split(&text);
    let furn = lines::furniture(&all);
    let mut head = header::parse(&all, &furn, &text);
    let mut diagnostics = std::mem::take(&mut head.diagnostics);
    let stem = Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if head.number.is_none() {
        match header::number_from_stem(&stem) {
            Some(n) => {
                diagnostics.push(format!(
                    "no number found in the header; `{n}` inferred from the file name"
                ));
                head.number = Some(n);
            }
            None => diagnostics.push("no number found".to_string()),
        }
    }
    let kind = head
        .kind
        .or_else(|| head.number.as_deref().and_then(header::kind_from_number));
    if head.kind.is_none() {
        diagnostics.push(match kind {
            Some(k) => format!(
                "no title line names the kind; `{}` taken from the number",
                k.as_str()
            ),
            None => "no title line names the kind".to_string(),
        });
    }
    if head.date.is_none() {
        diagnostics.push("no date found".to_string());
    }
    if head.issuer.is_none() {
        diagnostics.push("no issuing body found".to_string());
    }
    let id = document_id(
        head.number.as_deref(),
        head.place.as_deref(),
        head.date.as_deref(),
        &stem,
    );
    let mut body = blocks::split(&all, &furn, head.body_start);
    let built = tree::build(&body.blocks, &text, &id);
    if built.sections.is_empty() {
        diagnostics.push("no numbered sections found".to_string());
    }
    let mut header_lines = head.lines;
    header_lines.append(&mut body.formulas);
    let mut furniture: Vec<String> = (0..head.body_start.min(all.len()))
        .filter(|&i| furn[i])
        .map(|i| all[i].text.to_string())
        .collect();
    furniture.append(&mut body.furniture);
    Document {
        id,
        kind: kind.unwrap_or(DocKind::Other),
        kind_name: None,
        number: head.number,
        issuer: head.issuer,
        place: head.place,
        date: head.date,
        title: head.title,
        term: head.term,
        encoding: encoding.to_string(),
        source: source.to_string(),
        format: Format::Text.as_str().to_string(),
        page_count: None,
        sections: built.sections,
        clauses: built.clauses,
        header: header_lines,
        recipients: body.recipients,
        signature: body.signature,
        furniture,
        diagnostics,
        text,
        page_starts: Vec::new(),
    }
}

/// The document id: the number, the place of issue (standing for the issuer: two provinces'
/// congresses both issue a `09-NQ/ĐH`) and the date, slugged and joined by dots
/// (`09-nq-dh.thai-binh.2020-10-15`); the file stem stands in for a missing number. URL-safe:
/// `[a-z0-9._-]`.
fn document_id(
    number: Option<&str>,
    place: Option<&str>,
    date: Option<&str>,
    stem: &str,
) -> String {
    let mut id = match number.map(tree::slug).filter(|s| !s.is_empty()) {
        Some(n) => n,
        None => {
            let s = tree::slug(stem);
            if s.is_empty() {
                "document".to_string()
            } else {
                s
            }
        }
    };
    for part in [place.map(tree::slug), date.map(str::to_string)]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
    {
        id.push('.');
        id.push_str(&part);
    }
    id
}
