//! Hits grouped by document, as the legal portals list results: the documents whose clauses
//! match, best first, each with its best few clauses and how many of its clauses match in all;
//! and the documents a query names by number, to show first as cards.
//!
//! A document ranks by its best clause. The search collects the best `offset + limit` documents
//! by their best clause ([`crate::rerank::RerankCollector::by_document`]): a clause then matters
//! only where it can raise a document into the page or up it, a threshold high enough that most
//! clauses need no proximity check and whole stretches of them can be skipped (before
//! 2026-12-05, the best 200 clauses were collected and grouped, a threshold so low that nothing
//! could be skipped). The page's documents' best `per_group` clauses are then found in one walk
//! of the same query narrowed to them. Documents beyond the collected ones follow, most matches
//! first. `limit` and `offset` then count documents. The counts are the matches counted by
//! document beside the top; where the search skipped matches, those of the page's documents are
//! counted again by the query narrowed to them, in one walk without scores.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};
use vankien_ingest::docnum;

use crate::facets::FacetNames;
use crate::query::{Item, ParsedQuery};
use crate::schema::{FLAG_LEAD, Fields};
use crate::store::ClauseMeta;
use crate::{DocSummary, IndexError, stored_json};

/// Clauses shown a document when the request leaves `per_group` at 0.
pub const DEFAULT_PER_GROUP: usize = 3;
/// The fewest top clauses collected when grouping (the collector keeps documents, not a
/// number of clauses: this only sizes its unused clause top).
const MIN_WINDOW: usize = 200;
/// The most document cards a number query shows.
const MAX_CARDS: usize = 5;

/// The top clauses to collect to group `offset + limit` documents of `per_group` clauses.
pub(crate) fn window(offset: usize, limit: usize, per_group: usize) -> usize {
    ((offset + limit) * per_group * 2).max(MIN_WINDOW)
}

/// One document's place on the page: its id, how many of its clauses match, and its best
/// clauses (from the window, or to fetch when none of its clauses is in the window).
pub(crate) struct Planned {
    pub doc_id: Arc<str>,
    pub matches: u64,
    pub top: Vec<(Score, DocAddress)>,
}

/// The documents of the page, in order: those with clauses in `window` by their best clause,
/// then the others by their count of matching clauses (then id, for a stable order).
pub(crate) fn plan(
    searcher: &Searcher,
    names: &FacetNames,
    window: Vec<(Score, DocAddress)>,
    counts: &HashMap<Arc<str>, u64>,
    (offset, limit, per_group): (usize, usize, usize),
) -> Result<(usize, Vec<Planned>), IndexError> {
    let mut order: Vec<Arc<str>> = Vec::new();
    let mut tops: HashMap<Arc<str>, Vec<(Score, DocAddress)>> = HashMap::new();
    for (score, addr) in window {
        let Some(doc) = names.doc_of(searcher.segment_reader(addr.segment_ord), addr.doc_id)?
        else {
            continue;
        };
        let top = tops.entry(doc.clone()).or_insert_with(|| {
            order.push(doc);
            Vec::new()
        });
        if top.len() < per_group {
            top.push((score, addr));
        }
    }
    let mut rest: Vec<(&str, u64)> = counts
        .iter()
        .filter(|(d, _)| !tops.contains_key(&**d))
        .map(|(d, n)| (&**d, *n))
        .collect();
    rest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    order.extend(rest.into_iter().map(|(d, _)| Arc::from(d)));
    let total = order.len();
    let page = order
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|doc_id| Planned {
            matches: counts.get(&*doc_id).copied().unwrap_or(0),
            top: tops.remove(&doc_id).unwrap_or_default(),
            doc_id,
        })
        .collect();
    Ok((total, page))
}

/// `query` narrowed to the clauses of the documents `doc_ids`.
pub(crate) fn within_docs(f: &Fields, query: &dyn Query, doc_ids: &[&str]) -> BooleanQuery {
    let any: Vec<(Occur, Box<dyn Query>)> = doc_ids
        .iter()
        .map(|id| -> (Occur, Box<dyn Query>) {
            let term = tantivy::Term::from_field_text(f.doc_id, id);
            (
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            )
        })
        .collect();
    BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (
            Occur::Must,
            crate::query::filter_of(Box::new(BooleanQuery::new(any))),
        ),
    ])
}

/// The documents the query's words name by number (`57-NQ/TW`, `nq 57`, `Nghị quyết số 57`),
/// found by their first clause: each once, at most [`MAX_CARDS`].
pub(crate) fn named_documents(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
    docs: &std::collections::BTreeMap<String, DocSummary>,
) -> Result<Vec<DocSummary>, IndexError> {
    let mut out: Vec<DocSummary> = Vec::new();
    for item in &parsed.items {
        let Item::Words(ws) = item else { continue };
        let folded: Vec<String> = ws.iter().map(|w| w.folded.clone()).collect();
        for (_, number) in docnum::find_numbers(&folded) {
            let Some(key) = number.query_key() else {
                continue;
            };
            let lead = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        tantivy::Term::from_field_text(f.docnum, &key),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        tantivy::Term::from_field_text(f.flags, FLAG_LEAD),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            for (_, addr) in
                searcher.search(&lead, &TopDocs::with_limit(MAX_CARDS).order_by_score())?
            {
                let d: TantivyDocument = searcher.doc(addr)?;
                let meta: ClauseMeta = stored_json(&d, f.meta)?;
                if out.iter().any(|s| s.id == meta.doc_id) || out.len() >= MAX_CARDS {
                    continue;
                }
                if let Some(summary) = docs.get(&meta.doc_id) {
                    out.push(summary.clone());
                }
            }
        }
    }
    Ok(out)
}
