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
//! and its order are those of the single query. The total counts every clause found, unless
//! the collector may prune ([`RerankCollector::pruning_past`]): then, once that many are
//! counted, [`crate::prune`] skips the stretches of clauses that cannot make the page, and the
//! total is a lower bound ([`Reranked::exact`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use crate::facets::{DocCounter, DocCounts, FacetNames};
use crate::prune::{Budget, PruneWeights};
use crate::query::{NEAR_SCORE, PAIR_BOOST, PHRASE_BOOST, PHRASE_SCORE, Proximity, Split};

mod cursors;
use cursors::{AfterCursors, RunCursors};

/// Slack added to every bound, so that rounding (the single query sums in another order) never
/// drops a clause that would tie.
const BOUND_SLACK: Score = 1e-3;

/// A weighted phrase and the largest score it can give.
struct Scored {
    /// Its own tantivy scorer's weight, for a phrase that is not found from the run's words'
    /// positions (a pair typed apart, with a slop); `None` for the others.
    weight: Option<Box<dyn Weight>>,
    boost: Score,
    max: Score,
    /// The phrase's BM25 weight (`None` for a phrase of no term, which never matches), to bound
    /// its score in one clause.
    bm25: Option<Bm25Weight>,
    /// The field of the phrase.
    field: Option<Field>,
}

impl Scored {
    /// The bounds of `query`'s score, and its weight when it needs a scorer of its own.
    fn new(
        searcher: &Searcher,
        query: &dyn Query,
        boost: Score,
        own: bool,
    ) -> tantivy::Result<Scored> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |t, _| terms.push(t.clone()));
        let bm25 = match terms.is_empty() {
            true => None,
            false => Some(Bm25Weight::for_terms(searcher, &terms)?),
        };
        let max = bm25.as_ref().map_or(0.0, |w| w.max_score() * boost);
        Ok(Scored {
            weight: match own {
                true => Some(query.weight(EnableScoring::enabled_from_searcher(searcher))?),
                false => None,
            },
            boost,
            max: padded(max),
            bm25,
            field: terms.first().map(Term::field),
        })
    }
}

/// A bound with room for rounding.
fn padded(bound: Score) -> Score {
    bound * 1.001 + BOUND_SLACK
}

/// The weights of one run's boosts, with the bounds of what they can add.
struct RunWeights {
    phrase: Scored,
    exact: Option<Scored>,
    near: Box<dyn Weight>,
    context: Option<(Box<dyn Weight>, Score)>,
    pairs: Vec<Scored>,
    /// The run's words in the folded text, in order, and their places in the run as typed.
    words: Vec<Term>,
    places: Vec<u32>,
    /// The run's words in the exact spelling, when it has an exact phrase.
    exact_words: Vec<Term>,
    /// The most the run can add.
    max: Score,
}

impl RunWeights {
    fn new(searcher: &Searcher, p: &Proximity) -> tantivy::Result<RunWeights> {
        // The constant boosts only ask whether the phrase is there, which is cheaper than
        // counting its occurrences.
        let exists = || EnableScoring::disabled_from_searcher(searcher);
        // The phrase, its exact spelling and the pairs typed side by side are found from the
        // run's words' positions (`cursors::RunWords`): no scorer of their own.
        let phrase = Scored::new(searcher, &*p.phrase, PHRASE_BOOST, false)?;
        let exact = match &p.exact {
            Some(q) => Some(Scored::new(searcher, &**q, PHRASE_BOOST, false)?),
            None => None,
        };
        let context = match &p.context {
            Some((q, score)) => Some((q.weight(exists())?, *score)),
            None => None,
        };
        let pairs = p
            .pairs
            .iter()
            .enumerate()
            .map(|(i, q)| {
                // A pair typed with a word left out between (a particle) may stand a little
                // apart: its own phrase scorer, with a slop.
                let apart = p.places[i + 1] - p.places[i] != 1;
                Scored::new(searcher, &**q, PAIR_BOOST, apart)
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let context_max = context.as_ref().map_or(0.0, |c| c.1);
        let pairs_max: Score = pairs.iter().map(|s| s.max).sum();
        let max_apart = NEAR_SCORE + context_max + pairs_max + BOUND_SLACK;
        let max = PHRASE_SCORE + phrase.max + exact.as_ref().map_or(0.0, |e| e.max) + max_apart;
        Ok(RunWeights {
            phrase,
            exact,
            near: p.near.weight(exists())?,
            context,
            pairs,
            words: p.words.clone(),
            places: p.places.clone(),
            exact_words: p.exact_words.clone(),
            max,
        })
    }
}

/// Collects the total and the top `n` clauses of the required query, each scored with the
/// proximity boosts of [`Proximity`] as the single query would.
pub(crate) struct RerankCollector<'a> {
    runs: Vec<RunWeights>,
    /// When set, matches are also counted by document.
    docs: Option<&'a FacetNames>,
    /// When set, the walk may prune once this many matches are counted (see [`crate::prune`]).
    prune: Option<(PruneWeights, usize)>,
    /// Clauses of the index searched (every segment's, deleted included): a segment prunes
    /// past its share of the matches a total is exact up to ([`Budget::share_of`]).
    all_docs: u64,
    /// Whether a stretch of clauses was skipped: the total is then a lower bound.
    skipped: AtomicBool,
    /// How often the pruned walk went on to the next clause with a run's words in its text.
    to_words: AtomicUsize,
    /// How often it went on to the next clause with the word before an unfinished word.
    to_before: AtomicUsize,
    /// In how many segments a query that needs only some of its words went on as one that
    /// needs them all.
    to_all_words: AtomicUsize,
    /// An unfinished last word's completions right after the word before it
    /// ([`crate::query::After`]): the word before, and the pairs, each asked whether it is there.
    after: Option<(Term, Vec<Term>)>,
    /// Hits wanted: offset + limit.
    n: usize,
}

impl<'a> RerankCollector<'a> {
    /// A collector of the top `n` of `split`'s query with its boosts (its proximity and its
    /// completions after the word before), weighted for `searcher`. It counts every match.
    pub fn new(
        searcher: &Searcher,
        split: &Split,
        n: usize,
    ) -> tantivy::Result<RerankCollector<'a>> {
        let runs = split
            .proximity
            .iter()
            .map(|p| RunWeights::new(searcher, p))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let after = split
            .after
            .as_ref()
            .map(|a| (a.prev.clone(), a.keys.clone()));
        Ok(RerankCollector {
            runs,
            after,
            n,
            docs: None,
            prune: None,
            all_docs: 0,
            skipped: AtomicBool::new(false),
            to_words: AtomicUsize::new(0),
            to_before: AtomicUsize::new(0),
            to_all_words: AtomicUsize::new(0),
        })
    }

    /// Also counts the matches by document ([`Reranked::doc_counts`]).
    pub fn counting_docs(mut self, names: &'a FacetNames) -> RerankCollector<'a> {
        self.docs = Some(names);
        self
    }

    /// Lets the walk skip what cannot make the page once `exact_up_to` matches are counted
    /// (each segment its share of them, [`Budget::share_of`]), when `split`'s query can be
    /// bounded ([`Split::pruning`]); the total is then a lower bound, past `exact_up_to` unless
    /// the matches crowd in one segment (the caller walks them again without pruning). By
    /// default every match is visited and counted.
    pub fn pruning_past(
        mut self,
        searcher: &Searcher,
        split: &Split,
        exact_up_to: usize,
    ) -> tantivy::Result<RerankCollector<'a>> {
        if let Some(p) = &split.pruning {
            let prev = split.after.as_ref().map(|a| &a.prev);
            let weights = PruneWeights::new(searcher, p, &split.proximity, prev)?;
            self.prune = Some((weights, exact_up_to));
            self.all_docs = searcher
                .segment_readers()
                .iter()
                .map(|r| u64::from(r.max_doc()))
                .sum();
        }
        Ok(self)
    }

    /// The pruned walk without going on to the next clause with a run's words in its text: a
    /// reference of the tests.
    #[cfg(test)]
    fn without_lead(mut self) -> RerankCollector<'a> {
        if let Some((w, _)) = &mut self.prune {
            w.without_lead();
        }
        self
    }
}

/// The top hits, best first (ties by address), and the total.
pub(crate) struct Reranked {
    /// Score and address of the top `n`.
    pub top: Vec<(Score, DocAddress)>,
    /// Clauses found: all of them when `exact`, else at least as many.
    pub total: usize,
    /// Whether `total` counts every match (else no stretch of them was skipped).
    pub exact: bool,
    /// The matches counted by document, when asked ([`RerankCollector::counting_docs`]): exact
    /// when `total` is.
    pub doc_counts: Option<DocCounts>,
    /// A segment's counts by document, before they are merged.
    counters: Vec<Vec<u32>>,
    /// How often the pruned walk went on to the next clause with a run's words in its text
    /// (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub to_words: usize,
    /// Of those, to the next clause with the word before an unfinished word (read by the
    /// tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub to_before: usize,
    /// In how many segments a query that needs only some of its words went on as one that
    /// needs them all (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub to_all_words: usize,
}

impl Reranked {
    /// The answer of a walk that only counted: no top, an exact total.
    pub fn counted(total: usize, doc_counts: Option<DocCounts>) -> Reranked {
        Reranked {
            top: Vec::new(),
            total,
            exact: true,
            doc_counts,
            counters: Vec::new(),
            to_words: 0,
            to_before: 0,
            to_all_words: 0,
        }
    }
}

/// The most a stretch of clauses can score: any clause of it (`all`); one where the words of
/// no proximity run stand side by side (`apart`: no phrase boost); one where, besides, no
/// completion of an unfinished last word stands right after the word before it (`alone`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bound {
    pub all: Score,
    pub apart: Score,
    pub alone: Score,
}

impl Bound {
    /// Each figure with `more` added.
    pub fn plus(self, more: Score) -> Bound {
        Bound {
            all: self.all + more,
            apart: self.apart + more,
            alone: self.alone + more,
        }
    }

    /// The figures of both added.
    fn and(self, other: Bound) -> Bound {
        Bound {
            all: self.all + other.all,
            apart: self.apart + other.apart,
            alone: self.alone + other.alone,
        }
    }
}

/// The collector of one segment.
pub(crate) struct RerankSegment {
    /// Matches counted by document, when asked.
    docs: Option<DocCounter>,
    runs: Vec<RunCursors>,
    after: Option<AfterCursors>,
    /// The most all runs can add.
    max: Score,
    top: TopNComputer<Score, DocId, NaturalComparator>,
    segment: SegmentOrdinal,
    total: usize,
}

impl Collector for RerankCollector<'_> {
    type Fruit = Reranked;
    type Child = RerankSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RerankSegment> {
        let runs = (self.runs.iter())
            .map(|r| RunCursors::new(reader, r))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let after = match &self.after {
            Some((prev, keys)) => Some(AfterCursors::new(reader, prev, keys)?),
            None => None,
        };
        let after_max = after.as_ref().map_or(0.0, |_| PHRASE_SCORE + BOUND_SLACK);
        Ok(RerankSegment {
            docs: match self.docs {
                Some(names) => Some(names.doc_counter(reader)?),
                None => None,
            },
            max: runs.iter().map(|r| r.max).sum::<Score>() + after_max,
            runs,
            after,
            top: TopNComputer::new_with_comparator(self.n, NaturalComparator),
            segment,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Reranked> {
        let mut seg = self.for_segment(segment, reader)?;
        match &self.prune {
            Some((weights, exact_up_to)) => {
                let budget = Budget::share_of(*exact_up_to, reader.max_doc(), self.all_docs);
                let walked = match weights.all_words() {
                    None => crate::prune::walk(weights, reader, &mut seg, &budget)?,
                    Some(all) => {
                        crate::prune::walk_relaxed(weights, all, weight, reader, &mut seg, &budget)?
                    }
                };
                self.to_all_words
                    .fetch_add(usize::from(walked.to_all_words), Ordering::Relaxed);
                if walked.skipped {
                    self.skipped.store(true, Ordering::Relaxed);
                }
                self.to_words.fetch_add(walked.to_words, Ordering::Relaxed);
                self.to_before
                    .fetch_add(walked.to_before, Ordering::Relaxed);
            }
            None => {
                let alive = reader.alive_bitset();
                weight.for_each(reader, &mut |doc, score| {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        seg.collect(doc, score);
                    }
                })?;
            }
        }
        Ok(seg.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<Reranked>) -> tantivy::Result<Reranked> {
        let total = fruits.iter().map(|f| f.total).sum();
        let mut counters = Vec::new();
        let mut top: Vec<(Score, DocAddress)> = Vec::new();
        for f in fruits {
            top.extend(f.top);
            counters.extend(f.counters);
        }
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        top.truncate(self.n);
        Ok(Reranked {
            top,
            total,
            exact: !self.skipped.load(Ordering::Relaxed),
            doc_counts: self.docs.map(|names| names.doc_counts(counters)),
            counters: Vec::new(),
            to_words: self.to_words.load(Ordering::Relaxed),
            to_before: self.to_before.load(Ordering::Relaxed),
            to_all_words: self.to_all_words.load(Ordering::Relaxed),
        })
    }
}

impl RerankSegment {
    /// The score a clause must beat to make the top, once it is full.
    pub fn threshold(&self) -> Option<Score> {
        self.top.threshold
    }

    /// The most the boosts can add to any clause of the segment.
    pub fn most_boost(&self) -> Score {
        self.max
    }

    /// Matches counted so far.
    pub fn counted(&self) -> usize {
        self.total
    }

    /// Counts a match without scoring it.
    pub fn count(&mut self, doc: DocId) {
        self.total += 1;
        if let Some(d) = &mut self.docs {
            d.count(doc);
        }
    }

    /// Collects a match of the required query's score `base`.
    pub fn collect_scored(&mut self, doc: DocId, base: Score) {
        self.count(doc);
        let threshold = self.top.threshold;
        if let Some(score) = self.score(doc, base, threshold) {
            self.top.push(score, doc);
        }
    }

    /// The most the boosts can add to a clause of a stretch up to clause `end` where the words
    /// of each run reach `ratios` of their largest BM25 in the text, and the word before an
    /// unfinished word `prev` of its own (`None`: no such word); `alone` leaves out the
    /// completions after the word before.
    pub fn stretch_bound(&self, ratios: &[Vec<Score>], prev: Option<Score>, end: DocId) -> Bound {
        let after = match (&self.after, prev) {
            (Some(_), Some(r)) if r <= 0.0 => 0.0,
            (Some(_), _) => PHRASE_SCORE + BOUND_SLACK,
            (None, _) => 0.0,
        };
        let runs = self
            .runs
            .iter()
            .zip(ratios)
            .fold(Bound::default(), |b, (r, ratios)| {
                b.and(r.stretch_bound(ratios, end))
            });
        Bound {
            all: runs.all + after,
            apart: runs.apart + after,
            alone: runs.alone,
        }
    }

    /// The final score of `doc`, or `None` when it cannot beat `threshold`. Before each boost
    /// is looked at, the score so far plus the most that is left must beat the threshold.
    fn score(&mut self, doc: DocId, base: Score, threshold: Option<Score>) -> Option<Score> {
        let beaten = |bound: Score| threshold.is_some_and(|t| bound <= t);
        if beaten(base + self.max) {
            return None;
        }
        // The bounds for any clause are loose (a phrase's BM25 is bounded as if it occurred
        // without end); bounded from how often the words occur in this clause, they drop most
        // clauses before any position is read.
        let after = self.after.as_mut().map_or(0.0, |a| a.bound(doc));
        let mut rest: Score = self.runs.iter_mut().map(|r| r.bound(doc)).sum::<Score>() + after;
        if beaten(base + rest) {
            return None;
        }
        let mut score = base;
        for run in &mut self.runs {
            let (all_words, exact, apart, max) =
                (run.doc.all_words, run.doc.exact, run.doc.apart, run.doc.max);
            // What the runs not yet looked at can add.
            rest -= max;
            // What this run can still add.
            let mut left = apart;
            let side_by_side = match all_words {
                true => run.phrase_at(doc),
                false => None,
            };
            match side_by_side {
                Some(s) => {
                    // Side by side is also near.
                    score += PHRASE_SCORE + s + NEAR_SCORE;
                    left += exact - NEAR_SCORE;
                    // The exact spelling can only match where the folded keys do.
                    if exact > 0.0 {
                        if beaten(score + left + rest) {
                            return None;
                        }
                        left -= exact;
                        score += run.exact_at(doc).unwrap_or(0.0);
                    }
                }
                None if all_words => {
                    if beaten(score + left + rest) {
                        return None;
                    }
                    left -= NEAR_SCORE;
                    if run.near_at(doc) {
                        score += NEAR_SCORE;
                    }
                }
                None => {}
            }
            if let Some(adds) = run.context() {
                if beaten(score + left + rest) {
                    return None;
                }
                left -= adds;
                score += run.context_at(doc).unwrap_or(0.0);
            }
            for i in 0..run.doc.pairs.len() {
                if beaten(score + left + rest) {
                    return None;
                }
                let most = run.doc.pairs[i];
                left -= most;
                if most > 0.0 {
                    score += run.pair_at(i, doc);
                }
            }
        }
        // What is left in `rest` is what the pairs after the word before can add.
        if let Some(a) = self.after.as_mut().filter(|_| after > 0.0) {
            if beaten(score + rest) {
                return None;
            }
            if a.at(doc) {
                score += PHRASE_SCORE;
            }
        }
        if beaten(score) {
            return None;
        }
        Some(score)
    }
}

impl SegmentCollector for RerankSegment {
    type Fruit = Reranked;

    fn collect(&mut self, doc: DocId, base: Score) {
        self.collect_scored(doc, base);
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
            exact: true,
            doc_counts: None,
            counters: self.docs.map(DocCounter::into_counts).into_iter().collect(),
            to_words: 0,
            to_before: 0,
            to_all_words: 0,
        }
    }
}

#[cfg(test)]
mod tests;
