//! Hits grouped by document, as the legal portals list results: the documents whose clauses
//! match, best first, each with its best few clauses and how many of its clauses match in all;
//! and the documents a query names by number, to show first as cards.
//!
//! A document ranks by its best clause among the query's top clauses (a window several pages
//! deep); documents with matches only below the window follow, most matches first, and their
//! best clauses are found by the same query narrowed to each. `limit` and `offset` then count
//! documents. The counts are the matches counted by document beside the top
//! ([`crate::rerank::RerankCollector::counting_docs`]: only each match's document, not the
//! facet tally); where the search skipped matches, those of the page's documents are counted
//! again by the query narrowed to each.
//!
//! The window keeps the page's threshold at the 200th best clause. Collecting instead the best
//! documents by their best clause, then their best clauses in one walk narrowed to the page's
//! documents, gave the same pages and hardly more lower bounds (60 of the first 150 benchmark
//! queries at 2,000 documents, against 58 with the window) but cost more: the narrowed walk
//! builds the proximity boosts' scorers again in every segment, 50 phrases for an unfinished
//! word, and the as-you-type p99 went from 54 to 90 ms (2026-12-04, `scripts/bench-all.sh
//! 2000`); it was not kept.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxBuildHasher;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};
use vankien_ingest::docnum;

use crate::facets::{DocCounts, FacetNames};
use crate::query::{Item, ParsedQuery};
use crate::schema::{FLAG_LEAD, Fields};
use crate::store::ClauseMeta;
use crate::{DocSummary, IndexError, stored_json};

/// Clauses shown a document when the request leaves `per_group` at 0.
pub const DEFAULT_PER_GROUP: usize = 3;
/// The fewest top clauses looked at to rank documents: a window several pages deep.
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
    counts: &DocCounts,
    (offset, limit, per_group): (usize, usize, usize),
) -> Result<(usize, Vec<Planned>), IndexError> {
    let mut order: Vec<Arc<str>> = Vec::new();
    let mut tops: HashMap<Arc<str>, Vec<(Score, DocAddress)>, FxBuildHasher> = HashMap::default();
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
    let mut rest: Vec<(&Arc<str>, u64)> = counts
        .iter()
        .filter(|(d, _)| !tops.contains_key(*d))
        .map(|(d, n)| (d, *n))
        .collect();
    let total = order.len() + rest.len();
    // Only as many of the others as the page reaches are put in order: at 20,000 documents a
    // common word matches nearly all of them, and the page shows ten.
    let by_count =
        |a: &(&Arc<str>, u64), b: &(&Arc<str>, u64)| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0));
    let wanted = (offset + limit).saturating_sub(order.len()).min(rest.len());
    if wanted < rest.len() {
        rest.select_nth_unstable_by(wanted, by_count);
        rest.truncate(wanted);
    }
    rest.sort_unstable_by(by_count);
    order.extend(rest.into_iter().map(|(d, _)| d.clone()));
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

/// `query` narrowed to the clauses of one document.
pub(crate) fn within(f: &Fields, query: &dyn Query, doc_id: &str) -> BooleanQuery {
    BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (
            Occur::Must,
            crate::query::filter_of(Box::new(TermQuery::new(
                tantivy::Term::from_field_text(f.doc_id, doc_id),
                IndexRecordOption::Basic,
            ))),
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rand::{Rng, SeedableRng};

    use super::{DocCounts, plan};
    use crate::testing::corpus_index;

    /// The documents below the window come by their count, then id, whatever page is asked:
    /// the few a page reaches are picked out of the many, in the order a full sort gives.
    #[test]
    fn the_documents_past_the_window_are_those_of_a_full_sort() {
        let (_dir, index) = corpus_index(&["57-NQ-TW.txt"]);
        let searcher = index.inner().reader.searcher();
        let mut rng = rand::rngs::StdRng::seed_from_u64(14);
        // Many ties: counts from 1 to 5.
        let counts: DocCounts = (0..500)
            .map(|i| (Arc::from(format!("doc-{i:03}")), rng.random_range(1..=5u64)))
            .collect();
        let mut sorted: Vec<(&Arc<str>, u64)> = counts.iter().map(|(d, n)| (d, *n)).collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut pages = 0;
        for offset in (0..510).step_by(7) {
            for limit in [1, 10, 20] {
                let (total, page) = plan(
                    &searcher,
                    &index.inner().facet_names,
                    Vec::new(),
                    &counts,
                    (offset, limit, 3),
                )
                .unwrap();
                assert_eq!(total, 500);
                let want: Vec<(&str, u64)> = sorted
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|(d, n)| (&***d, *n))
                    .collect();
                let got: Vec<(&str, u64)> = page.iter().map(|p| (&*p.doc_id, p.matches)).collect();
                assert_eq!(got, want, "offset {offset}, limit {limit}");
                pages += 1;
            }
        }
        assert!(pages > 200);
    }
}
