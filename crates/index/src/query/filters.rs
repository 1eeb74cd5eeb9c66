//! The filters of a request (document, kinds, sector, years, section) as non-scoring clauses.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use super::build::Clauses;
use super::leaf::{filter, term};
use crate::schema::{Fields, REC_CLAUSE, label_key};
use crate::{IndexError, QueryError, SearchRequest};

/// The filters of a request, as non-scoring required clauses. `doc_filter` is the resolved
/// document filter (see [`crate::search`]). `words` says whether the query has a word or phrase
/// to match: its fields are on clause documents only, so the filter to clauses is needed only
/// without one (and would cost an intersection with every clause).
pub(crate) fn filters(
    f: &Fields,
    req: &SearchRequest,
    doc_filter: Option<Box<dyn Query>>,
    words: bool,
) -> Result<Clauses, IndexError> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !words {
        out.push((
            Occur::Must,
            filter(Box::new(TermQuery::new(
                term(f.rec, REC_CLAUSE),
                IndexRecordOption::Basic,
            ))),
        ));
    }
    let mut must = |q: Box<dyn Query>| out.push((Occur::Must, filter(q)));
    if let Some(q) = doc_filter {
        must(q);
    }
    let basic = |field: Field, v: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(term(field, v), IndexRecordOption::Basic))
    };
    if let Some(k) = req.doc_kind {
        must(basic(f.doc_kind, k.as_str()));
    }
    if let Some(k) = req.clause_kind {
        must(basic(f.clause_kind, k.as_str()));
    }
    if let Some(s) = req
        .sector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let any: Vec<(Occur, Box<dyn Query>)> = std::iter::once(s)
            .chain(req.sub_sectors.iter().map(String::as_str))
            .map(|id| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_facet(f.facets, &Facet::from_path(["sector", id])),
                        IndexRecordOption::Basic,
                    )),
                )
            })
            .collect();
        must(Box::new(BooleanQuery::new(any)));
    }
    if let Some(words) = req
        .assignee
        .as_deref()
        .map(assignee_keys)
        .filter(|w| !w.is_empty())
    {
        must(assignee_query(f, &words));
    }
    if !req.doc_ids.is_empty() {
        let any = req
            .doc_ids
            .iter()
            .map(|id| (Occur::Should, basic(f.doc_id, id)))
            .collect();
        must(Box::new(BooleanQuery::new(any)));
    }
    if req.year_from.is_some() || req.year_to.is_some() {
        if let (Some(a), Some(b)) = (req.year_from, req.year_to)
            && a > b
        {
            return Err(QueryError::EmptyYearRange { from: a, to: b }.into());
        }
        let bound = |y: Option<i32>| match y {
            Some(y) => Bound::Included(Term::from_field_i64(f.year, i64::from(y))),
            None => Bound::Unbounded,
        };
        must(Box::new(RangeQuery::new(
            bound(req.year_from),
            bound(req.year_to),
        )));
    }
    if let Some(prefix) = req.section_prefix.as_deref() {
        let labels: Vec<String> = prefix
            .split('/')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(label_key)
            .collect();
        if !labels.is_empty() {
            must(Box::new(TermQuery::new(
                Term::from_facet(f.section, &Facet::from_path(labels)),
                IndexRecordOption::Basic,
            )));
        }
    }
    Ok(out)
}

/// The folded keys of the words of an assignee filter.
pub(crate) fn assignee_keys(text: &str) -> Vec<String> {
    vankien_ingest::normalize::words(text)
        .map(|(_, w)| vankien_ingest::normalize::folded_key(w))
        .collect()
}

/// The clauses whose assignee has `words` in order.
pub(crate) fn assignee_query(f: &Fields, words: &[String]) -> Box<dyn Query> {
    match words {
        [one] => Box::new(TermQuery::new(
            term(f.assignee, one),
            IndexRecordOption::Basic,
        )),
        _ => Box::new(tantivy::query::PhraseQuery::new(
            words.iter().map(|w| term(f.assignee, w)).collect(),
        )),
    }
}

/// Whether the request filters anything besides the query.
pub(crate) fn has_filters(req: &SearchRequest) -> bool {
    req.doc.is_some()
        || req.doc_kind.is_some()
        || req.clause_kind.is_some()
        || req.sector.is_some()
        || !req.doc_ids.is_empty()
        || req.assignee.is_some()
        || req.year_from.is_some()
        || req.year_to.is_some()
        || req.section_prefix.is_some()
}
