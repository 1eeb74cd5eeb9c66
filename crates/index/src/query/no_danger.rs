//! A wrapper that keeps a scorer from being sought backwards, around tantivy's phrase scorer.

use tantivy::Term;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader};

/// Wraps a query so that its scorers are only ever moved with `advance` and `seek`.
///
/// tantivy 0.27's phrase scorer asserts (in debug builds) that `seek_danger` never gets a target
/// behind its current document, but exclusions and intersections may legally do that after a
/// miss (see `DocSet::seek_danger`): a `-"phrase"` panics in tests. The wrapper keeps the
/// scorer in a valid state at the price of tantivy's skip-ahead shortcut.
#[derive(Debug)]
pub(crate) struct NoDanger(pub(crate) Box<dyn Query>);

impl Clone for NoDanger {
    fn clone(&self) -> Self {
        NoDanger(self.0.box_clone())
    }
}

impl Query for NoDanger {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(NoDangerWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct NoDangerWeight(Box<dyn Weight>);

impl Weight for NoDangerWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(NoDangerScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer with the default (safe) `seek_danger`, which seeks only forward.
struct NoDangerScorer(Box<dyn Scorer>);

impl DocSet for NoDangerScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for NoDangerScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
