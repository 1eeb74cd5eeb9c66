//! Every clause a search matches, for exports (CSV, JSON lines): the same query as the page's
//! (widened or relaxed the same way), ranked the same way, up to a maximum, read back in pieces
//! so that a caller can write a long answer as it goes.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher, TantivyDocument};
use vankien_ingest::{ClauseKind, DocKind};

use crate::search::{self, narrowed};
use crate::store::ClauseMeta;
use crate::{DocSummary, Index, IndexError, Relaxed, SearchRequest, stored_json, stored_str};

/// The most clauses an export gives by default: a whole common word's matches on a large
/// index, not a way to copy the index.
pub const MAX_EXPORT_ROWS: usize = 100_000;

/// The clauses a search matches, best first, at most the maximum asked for: read them with
/// [`Matches::rows`]. Holds the index's state of when it was made (a later commit does not
/// change what it reads). Cheap to share between threads.
#[derive(Clone)]
pub struct Matches {
    /// How many clauses match in all (may be more than [`Matches::len`]).
    pub total: usize,
    /// Set when no clause has every word of the query (as [`crate::SearchResults::relaxed`]).
    pub relaxed: Option<Relaxed>,
    /// Set when the last word matched as the start of words (as
    /// [`crate::SearchResults::prefix`]).
    pub prefix: Option<String>,
    searcher: Searcher,
    /// The stored fields read: the clause's metadata and its text.
    fields: (Field, Field),
    top: Arc<Vec<DocAddress>>,
    docs: Arc<BTreeMap<String, DocSummary>>,
}

impl std::fmt::Debug for Matches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matches")
            .field("total", &self.total)
            .field("len", &self.top.len())
            .finish_non_exhaustive()
    }
}

/// One matching clause with its document's metadata: a row of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRow {
    /// Document id.
    pub doc_id: String,
    /// Document number as written.
    pub doc_number: Option<String>,
    /// Document kind.
    pub doc_kind: DocKind,
    /// Document title.
    pub doc_title: Option<String>,
    /// Issuing body as written.
    pub issuer: Option<String>,
    /// Date of issue, ISO.
    pub doc_date: Option<String>,
    /// Clause id.
    pub clause_id: String,
    /// Item label as written.
    pub label: Option<String>,
    /// Clause kind.
    pub kind: ClauseKind,
    /// Labels of the enclosing sections, from the root.
    pub section_path: Vec<String>,
    /// Who must carry the clause out, where the document says so.
    pub assignee: Option<String>,
    /// Sector ids tagged on the clause.
    pub sectors: Vec<String>,
    /// The clause's text.
    pub text: String,
}

impl MatchRow {
    /// The year of the document's date.
    pub fn year(&self) -> Option<&str> {
        self.doc_date.as_deref().and_then(|d| d.get(..4))
    }
}

impl Matches {
    /// How many clauses [`Matches::rows`] can read: the total, or the maximum asked for.
    pub fn len(&self) -> usize {
        self.top.len()
    }

    /// Whether no clause matched.
    pub fn is_empty(&self) -> bool {
        self.top.is_empty()
    }

    /// Whether more clauses match than the maximum asked for.
    pub fn truncated(&self) -> bool {
        self.total > self.top.len()
    }

    /// The rows `range` of the matching clauses, best first (a range past the end is cut).
    pub fn rows(&self, range: Range<usize>) -> Result<Vec<MatchRow>, IndexError> {
        let end = range.end.min(self.top.len());
        let start = range.start.min(end);
        let mut rows = Vec::with_capacity(end - start);
        for &addr in &self.top[start..end] {
            let d: TantivyDocument = self.searcher.doc(addr)?;
            let meta: ClauseMeta = stored_json(&d, self.fields.0)?;
            let text = stored_str(&d, self.fields.1).to_string();
            let summary = self.docs.get(&meta.doc_id);
            rows.push(MatchRow {
                doc_number: summary.and_then(|d| d.number.clone()),
                doc_title: summary.and_then(|d| d.title.clone()),
                issuer: summary.and_then(|d| d.issuer.clone()),
                doc_date: summary.and_then(|d| d.date.clone()),
                doc_id: meta.doc_id,
                doc_kind: meta.doc_kind,
                clause_id: meta.clause_id,
                label: meta.label,
                kind: meta.kind,
                section_path: meta.section_path,
                assignee: meta.assignee,
                sectors: meta.sectors,
                text,
            });
        }
        Ok(rows)
    }
}

/// The clauses `req` matches, best first, at most `max`; paging, grouping and facets of the
/// request are not used.
pub(crate) fn matches(
    index: &Index,
    req: &SearchRequest,
    max: usize,
) -> Result<Matches, IndexError> {
    let docs = Arc::new(index.read_cache().docs.clone());
    let searcher = index.inner().reader.searcher();
    let fields = (index.inner().fields.meta, index.inner().fields.text);
    let Some(req) = narrowed(index, req) else {
        // Nothing matches, but a query that cannot be read is still an error.
        crate::query::parse(&req.query)?;
        return Ok(Matches {
            total: 0,
            relaxed: None,
            prefix: None,
            searcher,
            fields,
            top: Arc::default(),
            docs,
        });
    };
    // First the query as the page runs it (widened or relaxed alike), for the total; then every
    // clause it matches, up to `max`, ranked as on the page.
    let first = search::find(index, &req, 1, search::Collect::default())?;
    let wanted = first.ranked.total.min(max);
    let top = if wanted == 0 {
        Vec::new()
    } else if first.ranked.total <= 1 {
        first.ranked.top.into_iter().map(|(_, a)| a).collect()
    } else {
        search::collect(&first, wanted)?
    };
    Ok(Matches {
        total: first.ranked.total,
        relaxed: first.relaxed,
        prefix: first.prefix,
        searcher: first.searcher,
        fields,
        top: Arc::new(top),
        docs,
    })
}
