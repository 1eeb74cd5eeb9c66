//! What the index stores and how a parsed [`Document`] becomes tantivy documents: one per clause
//! (searchable text, filters, facets, hit metadata) and one record per document (its summary and
//! citations as a fast column, and the full document as JSON, so that `document()` works without
//! the source file); and the record's head read back from its column ([`read_head`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;
use vankien_ingest::docnum::DocNumber;
use vankien_ingest::relations::Citation;
use vankien_ingest::{Clause, ClauseKind, DocKind, Document};

use crate::schema::{FLAG_LEAD, Fields, REC_CLAUSE, REC_DOC, label_key};
use crate::{DocSummary, IndexError};

/// Everything a hit shows about a clause besides its text and its document's number and title
/// (those come from the document list, not repeated on every clause), stored as JSON with
/// short keys (it is stored once per clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseMeta {
    /// Clause id.
    #[serde(rename = "c")]
    pub clause_id: String,
    /// Document id.
    #[serde(rename = "d")]
    pub doc_id: String,
    /// Document kind.
    #[serde(rename = "dk")]
    pub doc_kind: DocKind,
    /// Labels of the enclosing sections.
    #[serde(rename = "s")]
    pub section_path: Vec<String>,
    /// Clause kind.
    #[serde(rename = "k")]
    pub kind: ClauseKind,
    /// Item label.
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Timeframe group.
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Span in the document's stored text.
    #[serde(rename = "p")]
    pub span: [usize; 2],
    /// Who must carry the clause out, where the document says so.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The cells of a table row.
    #[serde(rename = "x", default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// First and last page, where the source has pages.
    #[serde(rename = "pg", default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
    /// Sector ids tagged on the clause (the mirror of the annotation store).
    #[serde(rename = "t", default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
}

impl ClauseMeta {
    /// Rebuilds the model's clause from the metadata and the stored text.
    pub fn to_clause(&self, text: String) -> Clause {
        Clause {
            id: self.clause_id.clone(),
            kind: self.kind,
            label: self.label.clone(),
            group: self.group.clone(),
            section_path: self.section_path.clone(),
            text,
            span: self.span,
            assignee: self.assignee.clone(),
            cells: self.cells.clone(),
            pages: self.pages,
        }
    }
}

/// The full document as stored on its record: the model skips `text` in JSON, so it rides beside;
/// clause texts are left empty (they are stored on the clause documents).
#[derive(Debug, Serialize, Deserialize)]
pub struct DocRecord {
    /// The parsed document (without its text).
    pub document: Document,
    /// The document's stored text; empty in newer indexes (see [`crate::Index::document_text`]).
    pub text: String,
}

/// The most bytes of a record's head one value of its column holds: tantivy cuts a value at 64 KiB
/// without a word, and a document with hundreds of references or targets passes that. A head is
/// stored as pieces, each led by its number (two bytes, big-endian, so the pieces sort in order).
pub(crate) const HEAD_PIECE: usize = 60_000;

/// A record's head as its column stores it: its JSON compressed by lz4 (`lz4_flex`, the size
/// first). The column is dictionary-encoded, and tantivy's dictionary writer keeps a copy of the
/// last value of every block while it writes a segment, which for heads is nearly every head: the
/// two merges of a batch at 20,000 documents held 326 MB of JSON at once (the peak RSS of
/// `vankien ingest` up to 947 MiB). Compressed: 69 MB. Measured on those heads (docs/benchmarks.md,
/// 2026-12-05 late): lz4 4.7x smaller, all 20,000 decompressed in 85 ms (an index open reads every
/// head); zstd level 1 6.2x, but 352 ms.
pub(crate) fn pack_head(head: &RecordHead) -> Vec<u8> {
    lz4_flex::compress_prepend_size(&serde_json::to_vec(head).expect("record head serializes"))
}

/// What opening an index reads of each document record: the document's summary and its
/// references to other documents, read from its text at ingestion (see `crate::relations`). It is
/// a fast column of the record ([`Fields::head`]): reading the records themselves cost a pass over
/// the whole store, seconds at 20,000 documents, on every open and every ingestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordHead {
    /// The document's summary.
    pub summary: DocSummary,
    /// The document's citations.
    pub citations: Vec<Citation>,
    /// The document's targets (`vankien_ingest::targets`), read at ingestion: the targets page
    /// reads them here instead of every document (45 s at 20,000 documents). `None` in heads
    /// written before they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<StoredTargets>,
}

/// A document's targets as read at ingestion, with the fingerprint of the rules that read them
/// (`vankien_ingest::targets::fingerprint`): a binary whose rules or taxonomy differ reads the
/// document again instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTargets {
    /// The fingerprint of the rules and taxonomy that read them.
    pub fingerprint: String,
    /// The targets, in document order.
    pub list: Vec<vankien_ingest::targets::Target>,
}

/// The summary of a document.
pub fn summary(doc: &Document) -> DocSummary {
    DocSummary {
        id: doc.id.clone(),
        number: doc.number.clone(),
        kind: doc.kind,
        title: doc.title.clone(),
        issuer: doc.issuer.clone(),
        signer: vankien_ingest::signer(&doc.signature).map(|s| s.name),
        date: doc.date.clone(),
        clauses: doc.clauses.len(),
        source: doc.source.clone(),
    }
}

/// The year of an ISO date (`2020-10-15` → 2020).
pub fn year_of(date: Option<&str>) -> Option<i64> {
    let y = date?.get(..4)?;
    y.parse().ok()
}

/// The document's number, parsed: from the header, else from the source file's name
/// (`20-NQ-TW.txt`), which is how the corpus names its files.
pub fn doc_number(doc: &Document) -> Option<DocNumber> {
    number_of(doc.number.as_deref(), &doc.source)
}

/// A document's number, parsed, from its number as written or else its source file's name: see
/// [`doc_number`].
pub fn number_of(number: Option<&str>, source: &str) -> Option<DocNumber> {
    if let Some(n) = number.and_then(DocNumber::parse) {
        return Some(n);
    }
    let stem = std::path::Path::new(source).file_stem()?.to_str()?;
    let toks = vankien_ingest::docnum::query_tokens(stem);
    vankien_ingest::docnum::find_numbers(&toks)
        .into_iter()
        .next()
        .map(|(_, n)| n)
}

/// The headings text each clause of `doc` is indexed with (the `ctx_folded` field), in clause
/// order: public for the ingest's benchmark, which indexes the same text field by field.
pub fn clause_contexts(doc: &Document) -> Vec<String> {
    let parts = DocParts::new(doc);
    (0..doc.clauses.len()).map(|i| parts.context(i)).collect()
}

/// Precomputed per-document parts of every clause document.
pub struct DocParts<'a> {
    doc: &'a Document,
    number_keys: Vec<String>,
    year: Option<i64>,
    headings: HashMap<&'a [String], &'a str>,
}

impl<'a> DocParts<'a> {
    /// Prepares the shared parts of `doc`'s clause documents.
    pub fn new(doc: &'a Document) -> Self {
        let number_keys = doc_number(doc)
            .map(|n| n.index_keys(Some(doc.kind)))
            .unwrap_or_default();
        let headings = doc
            .sections
            .iter()
            .map(|s| (s.path.as_slice(), s.heading.as_str()))
            .collect();
        DocParts {
            doc,
            number_keys,
            year: year_of(doc.date.as_deref()),
            headings,
        }
    }

    /// The clause document of clause `i`, tagged with `sectors`.
    pub fn clause_doc(&self, f: &Fields, i: usize, sectors: &[String]) -> TantivyDocument {
        let doc = self.doc;
        let clause = &doc.clauses[i];
        let mut d = TantivyDocument::new();
        d.add_text(f.rec, REC_CLAUSE);
        d.add_text(f.doc_id, &doc.id);
        d.add_text(f.clause_id, &clause.id);
        d.add_text(f.doc_kind, doc.kind.as_str());
        d.add_text(f.clause_kind, clause.kind.as_str());
        for key in &self.number_keys {
            d.add_text(f.docnum, key);
        }
        if i == 0 {
            d.add_text(f.flags, FLAG_LEAD);
        }
        d.add_facet(f.facets, Facet::from_path(["doc", doc.id.as_str()]));
        d.add_facet(f.facets, Facet::from_path(["kind", clause.kind.as_str()]));
        if let Some(y) = self.year {
            d.add_i64(f.year, y);
            d.add_facet(
                f.facets,
                Facet::from_path(["year".to_string(), y.to_string()]),
            );
        }
        for s in sectors {
            d.add_facet(f.facets, Facet::from_path(["sector", s.as_str()]));
        }
        if let Some(a) = clause.assignee.as_deref().filter(|a| !a.trim().is_empty()) {
            d.add_text(f.assignee, a);
            d.add_facet(f.facets, Facet::from_path(["assignee", a.trim()]));
        }
        let section: Vec<String> = clause.section_path.iter().map(|l| label_key(l)).collect();
        if !section.is_empty() {
            d.add_facet(f.section, Facet::from_path(section));
        }
        d.add_text(f.text_exact, &clause.text);
        d.add_text(f.text_folded, &clause.text);
        let ctx = self.context(i);
        if !ctx.is_empty() {
            d.add_text(f.ctx_folded, &ctx);
        }
        d.add_text(f.text, &clause.text);
        let meta = ClauseMeta {
            clause_id: clause.id.clone(),
            doc_id: doc.id.clone(),
            doc_kind: doc.kind,
            section_path: clause.section_path.clone(),
            kind: clause.kind,
            label: clause.label.clone(),
            group: clause.group.clone(),
            span: clause.span,
            assignee: clause.assignee.clone(),
            cells: clause.cells.clone(),
            pages: clause.pages,
            sectors: sectors.to_vec(),
        };
        d.add_text(
            f.meta,
            serde_json::to_string(&meta).expect("meta serializes"),
        );
        d
    }

    /// The context of clause `i`: the headings of its enclosing sections and its group; on the
    /// first clause also the document's kind, number and title, so a search for a document by
    /// name lands on its opening.
    fn context(&self, i: usize) -> String {
        let doc = self.doc;
        let clause = &doc.clauses[i];
        let mut parts: Vec<&str> = Vec::new();
        for n in 1..=clause.section_path.len() {
            if let Some(h) = self.headings.get(&clause.section_path[..n]) {
                parts.push(h);
            }
        }
        if let Some(g) = &clause.group {
            parts.push(g);
        }
        if i == 0 {
            parts.push(doc.kind.vietnamese());
            parts.extend(doc.number.as_deref());
            parts.extend(doc.title.as_deref());
        }
        parts.join("\n")
    }

    /// The document's record: its summary and citations, and the full document as JSON.
    pub fn record_doc(&self, f: &Fields) -> TantivyDocument {
        let doc = self.doc;
        let mut d = TantivyDocument::new();
        d.add_text(f.rec, REC_DOC);
        d.add_text(f.doc_id, &doc.id);
        let head = RecordHead {
            summary: summary(doc),
            citations: vankien_ingest::relations::extract(doc),
            targets: Some(StoredTargets {
                fingerprint: vankien_ingest::targets::fingerprint().to_string(),
                list: vankien_ingest::targets::extract(doc),
            }),
        };
        for (i, piece) in pack_head(&head).chunks(HEAD_PIECE).enumerate() {
            let mut value = Vec::with_capacity(2 + piece.len());
            value.extend_from_slice(&u16::try_from(i).expect("a head under 3.9 GB").to_be_bytes());
            value.extend_from_slice(piece);
            d.add_bytes(f.head, &value);
        }
        // Clause texts are stored on the clause documents already: not twice.
        let mut document = doc.clone();
        for c in &mut document.clauses {
            c.text.clear();
        }
        // Nor the stored text: it is a third of the index's size and is derived from the source
        // file, which `Index::document_text` re-reads (checked against its content hash) when asked.
        let record = DocRecord {
            document,
            text: String::new(),
        };
        d.add_text(
            f.doc_json,
            serde_json::to_string(&record).expect("document serializes"),
        );
        d
    }
}

/// The column of record heads of `segment`. Opened once a segment, not once a head: opening
/// reads the column's dictionary, which an index whose files are read and not mapped
/// ([`FileReads::Buffered`]) reads from the disk each time.
pub(crate) fn heads_column(
    segment: &tantivy::SegmentReader,
) -> Result<tantivy::columnar::BytesColumn, IndexError> {
    segment
        .fast_fields()
        .bytes("head")?
        .ok_or_else(|| IndexError::Data("the index has no record heads column".to_string()))
}

/// The head of the document record `doc` of the column `heads` ([`heads_column`]), as JSON,
/// into `bytes`: its pieces ([`HEAD_PIECE`]) put back in order and decompressed (lz4,
/// [`pack_head`]).
pub(crate) fn read_head(
    heads: &tantivy::columnar::BytesColumn,
    doc: tantivy::DocId,
    bytes: &mut Vec<u8>,
) -> Result<(), IndexError> {
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    for ord in heads.term_ords(doc) {
        let mut piece = Vec::new();
        heads
            .ord_to_bytes(ord, &mut piece)
            .map_err(tantivy::TantivyError::from)?;
        pieces.push(piece);
    }
    if pieces.is_empty() {
        return Err(IndexError::Data(
            "a document record without its head".to_string(),
        ));
    }
    pieces.sort_unstable();
    let mut packed = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for (i, piece) in pieces.iter().enumerate() {
        match piece.split_at_checked(2) {
            Some((number, data))
                if usize::from(u16::from_be_bytes([number[0], number[1]])) == i =>
            {
                packed.extend_from_slice(data)
            }
            _ => {
                return Err(IndexError::Data(
                    "a record's head has a piece missing".to_string(),
                ));
            }
        }
    }
    // The size the head says it has, checked before it is allocated: lz4 cannot expand a block
    // more than 255 times, so a larger size is damage, not a head.
    let size = packed
        .first_chunk::<4>()
        .map(|n| u32::from_le_bytes(*n) as usize);
    if size.is_none_or(|n| n > 255 * packed.len()) {
        return Err(IndexError::Data(
            "a record's head is damaged (its size)".to_string(),
        ));
    }
    *bytes = lz4_flex::decompress_size_prepended(&packed)
        .map_err(|e| IndexError::Data(format!("a record's head does not decompress: {e}")))?;
    Ok(())
}

/// A record's head (or a part of it), parsed.
pub(crate) fn parse_head<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, IndexError> {
    serde_json::from_slice(bytes).map_err(|e| IndexError::Data(format!("a record's head: {e}")))
}

#[cfg(test)]
mod head_tests {
    use super::*;

    /// The heads column of a one-document index whose head is `value` (one piece).
    fn column_of(value: &[u8]) -> (tantivy::Index, tantivy::columnar::BytesColumn) {
        let mut schema = tantivy::schema::Schema::builder();
        let head = schema.add_bytes_field("head", tantivy::schema::FAST);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut piece = vec![0, 0];
        piece.extend_from_slice(value);
        writer.add_document(tantivy::doc!(head => piece)).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let column = heads_column(searcher.segment_reader(0)).unwrap();
        (index, column)
    }

    #[test]
    fn a_damaged_head_is_an_error_not_an_allocation_of_its_claimed_size() {
        let good = lz4_flex::compress_prepend_size(br#"{"summary":1}"#);
        let (_i, column) = column_of(&good);
        let mut bytes = Vec::new();
        read_head(&column, 0, &mut bytes).unwrap();
        assert_eq!(bytes, br#"{"summary":1}"#);
        // Claims 4 GB.
        let mut huge = good.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let (_i, column) = column_of(&huge);
        let err = read_head(&column, 0, &mut bytes).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
        // Claims less than the block holds.
        let mut wrong = good.clone();
        wrong[..4].copy_from_slice(&5u32.to_le_bytes());
        let (_i, column) = column_of(&wrong);
        let err = read_head(&column, 0, &mut bytes).unwrap_err();
        assert!(err.to_string().contains("decompress"), "{err}");
        let (_i, column) = column_of(&[1, 2]);
        assert!(read_head(&column, 0, &mut bytes).is_err());
    }
}
