//! The tantivy schema: one document per clause (with its document's metadata and its place in the
//! section tree) and one record per source document (the full parsed [`Document`] as JSON).
//!
//! [`Document`]: vankien_ingest::Document

use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analyzer;

/// The schema version this build reads and writes. Bump it with any change to the fields or the
/// analyzers: an index of another version is refused, not misread.
pub const SCHEMA_VERSION: u32 = 9;

/// Value of [`Fields::rec`] on clause documents.
pub const REC_CLAUSE: &str = "c";
/// Value of [`Fields::rec`] on document records.
pub const REC_DOC: &str = "d";
/// Value of [`Fields::flags`] on the first clause of a document (boosted for number queries).
pub const FLAG_LEAD: &str = "lead";

/// The fields of the schema, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// What the tantivy document is: [`REC_CLAUSE`] or [`REC_DOC`].
    pub rec: Field,
    /// Document id (both kinds of records).
    pub doc_id: Field,
    /// Clause id (clause documents).
    pub clause_id: Field,
    /// Document kind identifier (`resolution` …).
    pub doc_kind: Field,
    /// Clause kind identifier (`task` …).
    pub clause_kind: Field,
    /// Normalized keys of the document number (see `vankien_ingest::docnum`).
    pub docnum: Field,
    /// Flags: [`FLAG_LEAD`].
    pub flags: Field,
    /// Year of the document's date.
    pub year: Field,
    /// Facets for counting: `/doc/<id>`, `/kind/<clause kind>`, `/sector/<id>`, `/year/<y>`,
    /// `/assignee/<body as written>`.
    pub facets: Field,
    /// The clause's section path, labels folded: `/a/ii/3`, for prefix filters.
    pub section: Field,
    /// Clause text by exact key, with positions.
    pub text_exact: Field,
    /// Clause text by folded key, with positions.
    pub text_folded: Field,
    /// Context (enclosing headings, group; on a document's first clause also its kind, number
    /// and title) by folded key: a weak signal, so no exact twin.
    pub ctx_folded: Field,
    /// The body a clause assigns its task to (`Bộ Nội vụ`), by folded key, with positions: for
    /// the assignee filter.
    pub assignee: Field,
    /// Clause text as stored.
    pub text: Field,
    /// JSON of the clause's hit metadata ([`crate::store::ClauseMeta`]).
    pub meta: Field,
    /// JSON of the full document ([`crate::store::DocRecord`]), on document records.
    pub doc_json: Field,
    /// JSON of a document's summary and citations ([`crate::store::RecordHead`]), on document
    /// records: a fast column, so that opening an index reads them without the records.
    pub head: Field,
}

fn text_options(tokenizer: &str, positions: bool) -> TextOptions {
    let option = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(option),
    )
}

/// A keyword field holding one token per document: indexed whole, without the field norm (one
/// byte per document and field; with a single token it is the same for every document, so BM25
/// scores are unchanged).
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// Builds the schema of [`SCHEMA_VERSION`].
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("rec", keyword());
    // Found by term only: the id a hit shows comes from its metadata.
    b.add_text_field("doc_id", keyword());
    b.add_text_field("clause_id", keyword() | STORED);
    b.add_text_field("doc_kind", keyword());
    b.add_text_field("clause_kind", keyword());
    // Several keys per document: the norm is kept for scoring.
    b.add_text_field("docnum", STRING);
    b.add_text_field("flags", keyword());
    b.add_i64_field("year", NumericOptions::default().set_indexed().set_fast());
    b.add_facet_field("facets", FacetOptions::default());
    b.add_facet_field("section", FacetOptions::default());
    b.add_text_field("text_exact", text_options(analyzer::EXACT, true));
    b.add_text_field("text_folded", text_options(analyzer::FOLDED, true));
    b.add_text_field("ctx_folded", text_options(analyzer::FOLDED, true));
    b.add_text_field("assignee", text_options(analyzer::FOLDED, true));
    b.add_text_field("text", STORED);
    b.add_text_field("meta", STORED);
    b.add_text_field("doc_json", STORED);
    b.add_bytes_field("head", FAST);
    b.build()
}

impl Fields {
    /// Resolves the fields of `schema`; fails when one is missing (an index of another schema).
    pub fn new(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            rec: f("rec")?,
            doc_id: f("doc_id")?,
            clause_id: f("clause_id")?,
            doc_kind: f("doc_kind")?,
            clause_kind: f("clause_kind")?,
            docnum: f("docnum")?,
            flags: f("flags")?,
            year: f("year")?,
            facets: f("facets")?,
            section: f("section")?,
            text_exact: f("text_exact")?,
            text_folded: f("text_folded")?,
            ctx_folded: f("ctx_folded")?,
            assignee: f("assignee")?,
            text: f("text")?,
            meta: f("meta")?,
            doc_json: f("doc_json")?,
            head: f("head")?,
        })
    }
}

/// The facet-safe form of a section label: its folded words joined by spaces (`Điều 3` →
/// `dieu 3`, `(1)` → `1`), so `--section A/II/3` matches however the label was typed.
pub fn label_key(label: &str) -> String {
    let words: Vec<String> = vankien_ingest::normalize::words(label)
        .map(|(_, w)| vankien_ingest::normalize::folded_key(w))
        .collect();
    if words.is_empty() {
        label.trim().to_lowercase()
    } else {
        words.join(" ")
    }
}
