//! Collecting the top hits of a query with proximity boosts, looking at the boosts only where
//! they can still change the page.
//!
//! The single query of [`crate::query::build`] scores a clause as the score of its required part
//! (words, phrases, numbers, filters) plus its proximity boosts (the run of words as a phrase,
//! within a slop, its pairs, in the headings). Scored that way, every matching clause pays for
//! every phrase scorer (positions read for thousands of clauses) and no hit can be skipped. Here
//! the required part is run alone; for each clause it finds (in document order, so every
//! boost's scorer only ever moves forward) the boosts are added one by one, and a clause is
//! dropped as soon as an upper bound of its final score cannot beat the current top `n`: most
//! clauses of a common query cost one phrase check, or none. The bounds are the constants of the
//! boosts and the largest BM25 score a phrase can earn ([`Bm25Weight::max_score`]), so the page
//! and its order are those of the single query. The total counts every clause found.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use crate::query::{NEAR_SCORE, PAIR_BOOST, PHRASE_BOOST, PHRASE_SCORE, Proximity};

/// Slack added to every bound, so that rounding (the single query sums in another order) never
/// drops a clause that would tie.
const BOUND_SLACK: Score = 1e-3;

/// A weighted phrase and the largest score it can give.
struct Scored {
    weight: Box<dyn Weight>,
    boost: Score,
    max: Score,
}

impl Scored {
    fn new(searcher: &Searcher, query: &dyn Query, boost: Score) -> tantivy::Result<Scored> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |t, _| terms.push(t.clone()));
        let max = if terms.is_empty() {
            0.0
        } else {
            Bm25Weight::for_terms(searcher, &terms)?.max_score() * boost
        };
        Ok(Scored {
            weight: query.weight(EnableScoring::enabled_from_searcher(searcher))?,
            boost,
            max: max * 1.001 + BOUND_SLACK,
        })
    }
}

/// The weights of one run's boosts, with the bounds of what they can add.
struct RunWeights {
    phrase: Scored,
    exact: Option<Scored>,
    near: Box<dyn Weight>,
    context: Option<(Box<dyn Weight>, Score)>,
    pairs: Vec<Scored>,
    /// The most the run can add.
    max: Score,
    /// The most the run can add when its words are not side by side.
    max_apart: Score,
}

impl RunWeights {
    fn new(searcher: &Searcher, p: &Proximity) -> tantivy::Result<RunWeights> {
        let scoring = || EnableScoring::enabled_from_searcher(searcher);
        let phrase = Scored::new(searcher, &*p.phrase, PHRASE_BOOST)?;
        let exact = match &p.exact {
            Some(q) => Some(Scored::new(searcher, &**q, PHRASE_BOOST)?),
            None => None,
        };
        let context = match &p.context {
            Some((q, score)) => Some((q.weight(scoring())?, *score)),
            None => None,
        };
        let pairs = p
            .pairs
            .iter()
            .map(|q| Scored::new(searcher, &**q, PAIR_BOOST))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let context_max = context.as_ref().map_or(0.0, |c| c.1);
        let pairs_max: Score = pairs.iter().map(|s| s.max).sum();
        let max_apart = NEAR_SCORE + context_max + pairs_max + BOUND_SLACK;
        let max = PHRASE_SCORE + phrase.max + exact.as_ref().map_or(0.0, |e| e.max) + max_apart;
        Ok(RunWeights {
            phrase,
            exact,
            near: p.near.weight(scoring())?,
            context,
            pairs,
            max,
            max_apart,
        })
    }
}

/// Collects the total and the top `n` clauses of the required query, each scored with the
/// proximity boosts of [`Proximity`] as the single query would.
pub(crate) struct RerankCollector {
    runs: Vec<RunWeights>,
    /// Hits wanted: offset + limit.
    n: usize,
}

impl RerankCollector {
    /// A collector of the top `n` with the boosts of `proximity`, weighted for `searcher`.
    pub fn new(
        searcher: &Searcher,
        proximity: &[Proximity],
        n: usize,
    ) -> tantivy::Result<RerankCollector> {
        let runs = proximity
            .iter()
            .map(|p| RunWeights::new(searcher, p))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(RerankCollector { runs, n })
    }
}

/// The top hits, best first (ties by address), and the total.
pub(crate) struct Reranked {
    /// Score and address of the top `n`.
    pub top: Vec<(Score, DocAddress)>,
    /// Clauses found.
    pub total: usize,
}

/// A boost's scorer in one segment, moved forward only.
struct Cursor {
    scorer: Box<dyn Scorer>,
}

impl Cursor {
    fn new(weight: &dyn Weight, reader: &SegmentReader, boost: Score) -> tantivy::Result<Cursor> {
        Ok(Cursor {
            scorer: weight.scorer(reader, boost)?,
        })
    }

    /// The score at `doc` if the boost matches there. Docs must come in ascending order.
    fn at(&mut self, doc: DocId) -> Option<Score> {
        let s = &mut self.scorer;
        if s.doc() <= doc && s.seek(doc) == doc {
            Some(s.score())
        } else {
            None
        }
    }
}

struct RunCursors {
    phrase: Cursor,
    exact: Option<Cursor>,
    near: Cursor,
    context: Option<(Cursor, Score)>,
    pairs: Vec<Cursor>,
    max: Score,
    max_apart: Score,
}

/// The collector of one segment.
pub(crate) struct RerankSegment {
    runs: Vec<RunCursors>,
    /// The most all runs can add.
    max: Score,
    top: TopNComputer<Score, DocId, NaturalComparator>,
    segment: SegmentOrdinal,
    total: usize,
}

impl Collector for RerankCollector {
    type Fruit = Reranked;
    type Child = RerankSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RerankSegment> {
        let mut runs = Vec::with_capacity(self.runs.len());
        for r in &self.runs {
            let scored = |s: &Scored| Cursor::new(&*s.weight, reader, s.boost);
            runs.push(RunCursors {
                phrase: scored(&r.phrase)?,
                exact: r.exact.as_ref().map(scored).transpose()?,
                near: Cursor::new(&*r.near, reader, 1.0)?,
                context: match &r.context {
                    Some((w, score)) => Some((Cursor::new(&**w, reader, 1.0)?, *score)),
                    None => None,
                },
                pairs: r.pairs.iter().map(scored).collect::<tantivy::Result<_>>()?,
                max: r.max,
                max_apart: r.max_apart,
            });
        }
        Ok(RerankSegment {
            max: runs.iter().map(|r| r.max).sum(),
            runs,
            top: TopNComputer::new_with_comparator(self.n, NaturalComparator),
            segment,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Reranked>) -> tantivy::Result<Reranked> {
        let total = fruits.iter().map(|f| f.total).sum();
        let mut top: Vec<(Score, DocAddress)> = fruits.into_iter().flat_map(|f| f.top).collect();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        top.truncate(self.n);
        Ok(Reranked { top, total })
    }
}

impl RerankSegment {
    /// The final score of `doc`, or `None` when it cannot beat `threshold`.
    fn score(&mut self, doc: DocId, base: Score, threshold: Option<Score>) -> Option<Score> {
        let beaten = |bound: Score| threshold.is_some_and(|t| bound <= t);
        if beaten(base + self.max) {
            return None;
        }
        let mut score = base;
        // What the runs not yet looked at can add.
        let mut rest = self.max;
        for run in &mut self.runs {
            rest -= run.max;
            let mut add = 0.0;
            match run.phrase.at(doc) {
                Some(s) => {
                    // Side by side is also near; the exact spelling can only match here.
                    add += PHRASE_SCORE + s + NEAR_SCORE;
                    if let Some(e) = run.exact.as_mut().and_then(|e| e.at(doc)) {
                        add += e;
                    }
                }
                None => {
                    if beaten(score + run.max_apart + rest) {
                        return None;
                    }
                    if run.near.at(doc).is_some() {
                        add += NEAR_SCORE;
                    }
                }
            }
            if let Some((ctx, s)) = &mut run.context
                && ctx.at(doc).is_some()
            {
                add += *s;
            }
            for pair in &mut run.pairs {
                if let Some(s) = pair.at(doc) {
                    add += s;
                }
            }
            score += add;
            if beaten(score + rest) {
                return None;
            }
        }
        Some(score)
    }
}

impl SegmentCollector for RerankSegment {
    type Fruit = Reranked;

    fn collect(&mut self, doc: DocId, base: Score) {
        self.total += 1;
        let threshold = self.top.threshold;
        if let Some(score) = self.score(doc, base, threshold) {
            self.top.push(score, doc);
        }
    }

    fn harvest(self) -> Reranked {
        let segment = self.segment;
        let top = self
            .top
            .into_vec()
            .into_iter()
            .map(|c| (c.sort_key, DocAddress::new(segment, c.doc)))
            .collect();
        Reranked {
            top,
            total: self.total,
        }
    }
}
