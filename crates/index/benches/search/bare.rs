//! The floor of the library: bare tantivy, one folded text field, one document per source line
//! as the FTS5 peer, queries as implicit-AND term and phrase queries with tantivy's own top-10
//! collector. No exact spelling, headings, proximity, number keys or snippets: it does a part of
//! vankien's work, so its figures show what the index library itself gives on this machine.

use std::path::Path;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, Term};
use vankien_ingest::normalize::{folded_key, words};

/// The analyzer's name: words split at anything not alphanumeric, lower-cased, diacritics and
/// `đ` folded to ASCII.
const FOLDED: &str = "bare_folded";

/// A bare tantivy index of source lines.
pub struct Bare {
    index: Index,
    reader: Option<IndexReader>,
    line: Field,
}

impl Bare {
    /// Creates the index in the new folder `dir`.
    pub fn create(dir: &Path) -> tantivy::Result<Bare> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let line = schema.add_text_field(
            "line",
            TextOptions::default().set_indexing_options(indexing) | STORED,
        );
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema.build())?;
        index.tokenizers().register(
            FOLDED,
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
        Ok(Bare {
            index,
            reader: None,
            line,
        })
    }

    /// Indexes the non-empty lines of every text with `threads` indexing threads and the memory
    /// budget `budget` (those of vankien's own batch writer), commits, and returns the number of
    /// lines.
    pub fn insert_docs<'a>(
        &mut self,
        texts: impl IntoIterator<Item = &'a str>,
        threads: usize,
        budget: usize,
    ) -> tantivy::Result<usize> {
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(threads, budget)?;
        let mut rows = 0;
        for text in texts {
            for line in text.split('\n') {
                if line.trim().is_empty() {
                    continue;
                }
                let mut doc = TantivyDocument::new();
                doc.add_text(self.line, line.trim_end_matches('\r'));
                writer.add_document(doc)?;
                rows += 1;
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.reader = Some(self.index.reader()?);
        Ok(rows)
    }

    /// The query of a user's query, its words keyed by the bare analyzer.
    fn query(&self, query: &str) -> Option<Box<dyn Query>> {
        let mut analyzer = self.index.tokenizers().get(FOLDED)?;
        and_query(self.line, query, |text| {
            let mut out = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                out.push(token.text.clone());
            }
            out
        })
    }

    /// The top `limit` lines of a query by BM25, their texts read; with `count`, also the exact
    /// number of lines that match (which makes the collector visit every match). Whether
    /// anything matched.
    pub fn search(&self, query: &str, limit: usize, count: bool) -> tantivy::Result<bool> {
        let reader = self
            .reader
            .as_ref()
            .ok_or_else(|| tantivy::TantivyError::InvalidArgument("nothing indexed".into()))?;
        let q = self.query(query);
        top(reader, q.as_deref(), self.line, limit, count)
    }
}

/// The implicit-AND query of a user's query over `field`: every loose word a term, every
/// `"quoted phrase"` a phrase, all required; `keys` gives a text's index keys. `None` when the
/// query has no word.
fn and_query(
    field: Field,
    query: &str,
    mut keys: impl FnMut(&str) -> Vec<String>,
) -> Option<Box<dyn Query>> {
    let term = |k: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, k),
            IndexRecordOption::WithFreqs,
        ))
    };
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // Split on quotes: odd segments are phrases, even ones are loose words.
    for (i, segment) in query.split('"').enumerate() {
        let ks = keys(segment);
        if i % 2 == 1 && ks.len() > 1 {
            let terms = ks.iter().map(|k| Term::from_field_text(field, k)).collect();
            parts.push((Occur::Must, Box::new(PhraseQuery::new(terms))));
        } else {
            parts.extend(ks.iter().map(|k| (Occur::Must, term(k))));
        }
    }
    (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
}

/// Runs `query` with tantivy's top-`limit` collector (and its `Count` when `count`), reads the
/// stored `text` of each hit; whether anything matched.
fn top(
    reader: &IndexReader,
    query: Option<&dyn Query>,
    text: Field,
    limit: usize,
    count: bool,
) -> tantivy::Result<bool> {
    let Some(q) = query else {
        return Ok(false);
    };
    let searcher = reader.searcher();
    let top = TopDocs::with_limit(limit).order_by_score();
    let hits = match count {
        true => searcher.search(q, &(top, Count))?.0,
        false => searcher.search(q, &top)?,
    };
    let mut bytes = 0;
    for (_, addr) in &hits {
        let doc: TantivyDocument = searcher.doc(*addr)?;
        bytes += doc
            .get_first(text)
            .and_then(|v| v.as_str())
            .map_or(0, str::len);
    }
    Ok(!hits.is_empty() && bytes > 0)
}

/// The same bare queries over the clauses of a vankien index in `dir`: its folded text field,
/// keyed by vankien's own folding, so that only what vankien adds (exact spelling, headings,
/// proximity, numbers, filters, snippets, relaxing) is left out.
pub struct OnClauses {
    reader: IndexReader,
    folded: Field,
    text: Field,
}

impl OnClauses {
    /// Opens the tantivy index of a vankien index folder (read only).
    /// Its segments are searched at once, one per core, as vankien's own index searches them
    /// (tantivy's multithread executor; before 2026-12-06's fifth session this reference searched
    /// them one after the other, on one core, and the ratios to it were lower).
    pub fn open(dir: &Path) -> tantivy::Result<OnClauses> {
        let mut index = Index::open_in_dir(dir)?;
        index.set_default_multithread_executor()?;
        let schema = index.schema();
        Ok(OnClauses {
            folded: schema.get_field("text_folded")?,
            text: schema.get_field("text")?,
            reader: index.reader()?,
        })
    }

    /// As [`Bare::search`], over the clauses.
    pub fn search(&self, query: &str, limit: usize, count: bool) -> tantivy::Result<bool> {
        let q = and_query(self.folded, query, |text| {
            words(text).map(|(_, w)| folded_key(w)).collect()
        });
        top(&self.reader, q.as_deref(), self.text, limit, count)
    }
}
