//! The leaf queries the others are made of: terms, phrases, boosts and non-scoring filters.

use tantivy::Term;
use tantivy::query::{BoostQuery, ConstScoreQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::no_danger::NoDanger;

pub(crate) fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

pub(crate) fn scored_term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

pub(crate) fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// A filter: matches without adding to the score.
pub(crate) fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// A phrase query, bare: for [`Proximity`], whose scorers only ever seek forward.
pub(crate) fn bare_phrase(field: Field, keys: &[&str], slop: u32) -> Box<dyn Query> {
    let keys: Vec<(usize, &str)> = keys.iter().copied().enumerate().collect();
    bare_phrase_at(field, &keys, slop)
}

/// A bare phrase query of keys at their places (offsets from the first).
pub(crate) fn bare_phrase_at(field: Field, keys: &[(usize, &str)], slop: u32) -> Box<dyn Query> {
    let terms: Vec<(usize, Term)> = keys.iter().map(|&(i, k)| (i, term(field, k))).collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

pub(crate) fn phrase(field: Field, keys: &[&str], slop: u32) -> Box<dyn Query> {
    Box::new(NoDanger(bare_phrase(field, keys, slop)))
}
