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

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Scorer, Weight};

use crate::facets::{DocCounter, FacetNames};
use crate::prune::{Budget, PruneWeights};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentOrdinal, SegmentReader,
    Term,
};

use crate::query::word::lands_on;
use crate::query::{NEAR_SCORE, PAIR_BOOST, PHRASE_BOOST, PHRASE_SCORE, Proximity, Split};

/// Slack added to every bound, so that rounding (the single query sums in another order) never
/// drops a clause that would tie.
const BOUND_SLACK: Score = 1e-3;

/// A weighted phrase and the largest score it can give.
struct Scored {
    weight: Box<dyn Weight>,
    boost: Score,
    max: Score,
    /// The phrase's BM25 weight (`None` for a phrase of no term, which never matches), to bound
    /// its score in one clause.
    bm25: Option<Bm25Weight>,
    /// The field of the phrase.
    field: Option<Field>,
}

impl Scored {
    fn new(searcher: &Searcher, query: &dyn Query, boost: Score) -> tantivy::Result<Scored> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |t, _| terms.push(t.clone()));
        let bm25 = match terms.is_empty() {
            true => None,
            false => Some(Bm25Weight::for_terms(searcher, &terms)?),
        };
        let max = bm25.as_ref().map_or(0.0, |w| w.max_score() * boost);
        Ok(Scored {
            weight: query.weight(EnableScoring::enabled_from_searcher(searcher))?,
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
    /// The run's words in the folded text, in order.
    words: Vec<Term>,
    /// The most the run can add.
    max: Score,
}

impl RunWeights {
    fn new(searcher: &Searcher, p: &Proximity) -> tantivy::Result<RunWeights> {
        // The constant boosts only ask whether the phrase is there, which is cheaper than
        // counting its occurrences.
        let exists = || EnableScoring::disabled_from_searcher(searcher);
        let phrase = Scored::new(searcher, &*p.phrase, PHRASE_BOOST)?;
        let exact = match &p.exact {
            Some(q) => Some(Scored::new(searcher, &**q, PHRASE_BOOST)?),
            None => None,
        };
        let context = match &p.context {
            Some((q, score)) => Some((q.weight(exists())?, *score)),
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
            near: p.near.weight(exists())?,
            context,
            pairs,
            words: p.words.clone(),
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
    pub doc_counts: Option<HashMap<Arc<str>, u64>>,
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
}

impl Reranked {
    /// The answer of a walk that only counted: no top, an exact total.
    pub fn counted(total: usize, doc_counts: Option<HashMap<Arc<str>, u64>>) -> Reranked {
        Reranked {
            top: Vec::new(),
            total,
            exact: true,
            doc_counts,
            counters: Vec::new(),
            to_words: 0,
            to_before: 0,
        }
    }
}

/// A boost's scorer in one segment, asked about documents in ascending order.
struct Cursor {
    scorer: Box<dyn Scorer>,
    /// No document below this one matches (what the last look-up told).
    floor: DocId,
}

impl Cursor {
    fn new(weight: &dyn Weight, reader: &SegmentReader, boost: Score) -> tantivy::Result<Cursor> {
        let scorer = weight.scorer(reader, boost)?;
        Ok(Cursor {
            floor: scorer.doc(),
            scorer,
        })
    }

    /// The score at `doc` if the boost matches there. Docs must come in ascending order.
    ///
    /// `seek_danger` checks `doc` alone: a plain `seek` would, on a miss, go on reading positions
    /// up to the phrase's next match, through clauses that the required query skips or that
    /// are dropped here before their boosts are looked at.
    fn at(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.floor {
            return None;
        }
        match self.scorer.seek_danger(doc) {
            SeekDangerResult::Found => {
                self.floor = doc + 1;
                Some(self.scorer.score())
            }
            SeekDangerResult::SeekLowerBound(bound) => {
                self.floor = bound;
                None
            }
        }
    }
}

/// How often one word occurs in each clause of a segment, read from its postings (no
/// positions), asked about documents in ascending order.
struct Count(Option<SegmentPostings>);

impl Count {
    fn new(reader: &SegmentReader, term: &Term) -> tantivy::Result<Count> {
        let index = reader.inverted_index(term.field())?;
        Ok(Count(
            index.read_postings(term, IndexRecordOption::WithFreqs)?,
        ))
    }

    fn at(&mut self, doc: DocId) -> u32 {
        match &mut self.0 {
            Some(p) => match lands_on(p, doc) {
                true => p.term_freq(),
                false => 0,
            },
            None => 0,
        }
    }
}

/// The fieldnorms of a phrase's field in a segment (length 1 everywhere when it has none).
fn norms(reader: &SegmentReader, scored: Option<&Scored>) -> tantivy::Result<FieldNormReader> {
    let norms = match scored.and_then(|s| s.field) {
        Some(field) => reader.fieldnorms_readers().get_field(field)?,
        None => None,
    };
    Ok(norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)))
}

struct RunCursors {
    phrase: PhraseCursor,
    exact: Option<PhraseCursor>,
    near: Cursor,
    /// The headings' boost, with the constant it adds where it matches.
    context: Option<(Cursor, Score)>,
    pairs: Vec<PhraseCursor>,
    /// The run's words' counts, in order.
    words: Vec<Count>,
    /// Their counts in the clause at hand (a buffer kept from clause to clause).
    counts: Vec<u32>,
    norms: FieldNormReader,
    exact_norms: FieldNormReader,
    max: Score,
    /// What the run can add to the clause at hand, found by [`RunCursors::bound`].
    doc: DocBound,
    /// The largest BM25 of the phrase, the exact phrase and each pair, and the headings'
    /// constant: for [`RunCursors::stretch_bound`].
    maxes: (Score, Score, Vec<Score>, Score),
}

/// A phrase's cursor in a segment and its weights, to bound its score in one clause.
struct PhraseCursor {
    cursor: Cursor,
    bm25: Option<Bm25Weight>,
    boost: Score,
}

impl PhraseCursor {
    /// The most the phrase can give in a clause of length `fieldnorm_id` where it occurs at
    /// most `count` times. BM25 grows with the count, and the phrase's count is at most that of
    /// each of its words.
    fn bound(&self, fieldnorm_id: u8, count: u32) -> Score {
        match (&self.bm25, count) {
            (Some(w), 1..) => padded(w.score(fieldnorm_id, count) * self.boost),
            _ => 0.0,
        }
    }
}

/// What one run can add to one clause, bounded from its words' counts in the clause.
#[derive(Default)]
struct DocBound {
    /// Whether every word of the run is in the clause's text: else neither the phrase nor the
    /// words near each other can match.
    all_words: bool,
    phrase: Score,
    exact: Score,
    /// One bound per pair.
    pairs: Vec<Score>,
    /// The most the run can add when its words are not side by side.
    apart: Score,
    /// The most the run can add.
    max: Score,
}

impl RunCursors {
    /// The most the run can add to a clause of a stretch where its words' text terms reach at
    /// most `ratios` of their largest BM25 (0 where a word is not in the stretch): a phrase
    /// occurs no more often than any of its words, in a text of the same length, so its BM25
    /// reaches no more of its own largest value than its rarest word's does.
    ///
    /// Also gives the most it can add to a clause where its words are not side by side.
    ///
    /// A boost whose next match is known to lie past `end` (its cursor's floor: a phrase with a
    /// word no clause of the segment has, such as the letters of an unfinished last word,
    /// matches nowhere) adds nothing.
    fn stretch_bound(&self, ratios: &[Score], end: DocId) -> Bound {
        let (phrase, exact, pairs, context) = &self.maxes;
        let may = |c: &Cursor| c.floor <= end;
        let least = ratios.iter().copied().fold(1.0, Score::min);
        let mut apart = BOUND_SLACK;
        if self.context.as_ref().is_some_and(|(c, _)| may(c)) {
            apart += context;
        }
        for (i, most) in pairs.iter().enumerate() {
            if may(&self.pairs[i].cursor) {
                let r = ratios[i].min(ratios.get(i + 1).copied().unwrap_or(0.0));
                apart += most * r;
            }
        }
        // Side by side is also near: the phrase can only match where the run is near.
        if least <= 0.0 || !may(&self.near) {
            return Bound {
                all: apart,
                apart,
                alone: apart,
            };
        }
        let apart = apart + NEAR_SCORE;
        match may(&self.phrase.cursor) {
            true => Bound {
                all: apart + PHRASE_SCORE + (phrase + exact) * least,
                apart,
                alone: apart,
            },
            false => Bound {
                all: apart,
                apart,
                alone: apart,
            },
        }
    }

    /// Bounds what the run can add to `doc` (kept in `self.doc`) and returns the whole bound.
    fn bound(&mut self, doc: DocId) -> Score {
        let counts = &mut self.counts;
        counts.clear();
        counts.extend(self.words.iter_mut().map(|w| w.at(doc)));
        let least = counts.iter().copied().min().unwrap_or(0);
        let norm = self.norms.fieldnorm_id(doc);
        let b = &mut self.doc;
        b.all_words = least > 0;
        b.phrase = self.phrase.bound(norm, least);
        b.exact = match &self.exact {
            // Where the exact phrase is, the folded one is too: it is no more frequent.
            Some(e) => e.bound(self.exact_norms.fieldnorm_id(doc), least),
            None => 0.0,
        };
        b.pairs.clear();
        for (i, pair) in self.pairs.iter().enumerate() {
            let count = counts[i].min(counts.get(i + 1).copied().unwrap_or(0));
            b.pairs.push(pair.bound(norm, count));
        }
        let near = if b.all_words { NEAR_SCORE } else { 0.0 };
        let context = self.context.as_ref().map_or(0.0, |c| c.1);
        b.apart = near + context + b.pairs.iter().sum::<Score>() + BOUND_SLACK;
        b.max = match b.all_words {
            true => PHRASE_SCORE + b.phrase + b.exact + b.apart,
            false => b.apart,
        };
        b.max
    }
}

/// The completions after the word before, in one segment: [`PHRASE_SCORE`] where any pair is
/// side by side, looked at only where the word before is in the clause.
struct AfterCursors {
    /// The word before, with its positions.
    prev: Option<SegmentPostings>,
    /// Each completion present in the segment, with its positions, most frequent first.
    keys: Vec<SegmentPostings>,
    /// The positions right after the word before's, in the current clause.
    next: Vec<u32>,
    /// A completion's positions, in the current clause.
    at: Vec<u32>,
}

impl AfterCursors {
    fn new(reader: &SegmentReader, prev: &Term, keys: &[Term]) -> tantivy::Result<AfterCursors> {
        let with_positions = |t: &Term| -> tantivy::Result<Option<SegmentPostings>> {
            reader
                .inverted_index(t.field())?
                .read_postings(t, IndexRecordOption::WithFreqsAndPositions)
                .map_err(tantivy::TantivyError::from)
        };
        let mut found = Vec::with_capacity(keys.len());
        for k in keys {
            found.extend(with_positions(k)?);
        }
        Ok(AfterCursors {
            prev: with_positions(prev)?,
            keys: found,
            next: Vec::new(),
            at: Vec::new(),
        })
    }

    /// The most the pairs can add to `doc`.
    fn bound(&mut self, doc: DocId) -> Score {
        match self.prev.as_mut().is_some_and(|p| lands_on(p, doc)) {
            true => PHRASE_SCORE + BOUND_SLACK,
            false => 0.0,
        }
    }

    /// Whether a completion stands right after the word before in `doc`: the word before's
    /// positions are read once, then each completion's in the clause, until one follows it
    /// (what the phrase of each pair finds, without reading the word before's positions again
    /// for each of up to 50 completions).
    fn at(&mut self, doc: DocId) -> bool {
        let Some(prev) = &mut self.prev else {
            return false;
        };
        if !lands_on(prev, doc) {
            return false;
        }
        self.next.clear();
        prev.positions(&mut self.next);
        for p in &mut self.next {
            *p += 1;
        }
        for key in &mut self.keys {
            if !lands_on(key, doc) {
                continue;
            }
            self.at.clear();
            key.positions(&mut self.at);
            if sorted_meet(&self.next, &self.at) {
                return true;
            }
        }
        false
    }
}

/// Whether two ascending lists share a value.
fn sorted_meet(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
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
        let mut runs = Vec::with_capacity(self.runs.len());
        for r in &self.runs {
            let scored = |s: &Scored| -> tantivy::Result<PhraseCursor> {
                Ok(PhraseCursor {
                    cursor: Cursor::new(&*s.weight, reader, s.boost)?,
                    bm25: s.bm25.clone(),
                    boost: s.boost,
                })
            };
            runs.push(RunCursors {
                phrase: scored(&r.phrase)?,
                exact: r.exact.as_ref().map(scored).transpose()?,
                near: Cursor::new(&*r.near, reader, 1.0)?,
                context: match &r.context {
                    Some((w, score)) => Some((Cursor::new(&**w, reader, 1.0)?, *score)),
                    None => None,
                },
                pairs: r.pairs.iter().map(scored).collect::<tantivy::Result<_>>()?,
                words: r
                    .words
                    .iter()
                    .map(|t| Count::new(reader, t))
                    .collect::<tantivy::Result<_>>()?,
                counts: Vec::with_capacity(r.words.len()),
                norms: norms(reader, Some(&r.phrase))?,
                exact_norms: norms(reader, r.exact.as_ref())?,
                max: r.max,
                doc: DocBound::default(),
                maxes: (
                    r.phrase.max,
                    r.exact.as_ref().map_or(0.0, |e| e.max),
                    r.pairs.iter().map(|p| p.max).collect(),
                    r.context.as_ref().map_or(0.0, |c| c.1),
                ),
            });
        }
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
                let walked = crate::prune::walk(weights, reader, &mut seg, &budget)?;
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
        })
    }
}

impl RerankSegment {
    /// The score a clause must beat to make the top, once it is full.
    pub fn threshold(&self) -> Option<Score> {
        self.top.threshold
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
            let b = &run.doc;
            // What the runs not yet looked at can add.
            rest -= b.max;
            // What this run can still add.
            let mut left = b.apart;
            let side_by_side = match b.all_words {
                true => run.phrase.cursor.at(doc),
                false => None,
            };
            match side_by_side {
                Some(s) => {
                    // Side by side is also near.
                    score += PHRASE_SCORE + s + NEAR_SCORE;
                    left += b.exact - NEAR_SCORE;
                    // The exact spelling can only match where the folded keys do.
                    if let Some(e) = &mut run.exact {
                        if beaten(score + left + rest) {
                            return None;
                        }
                        left -= b.exact;
                        score += e.cursor.at(doc).unwrap_or(0.0);
                    }
                }
                None if b.all_words => {
                    if beaten(score + left + rest) {
                        return None;
                    }
                    left -= NEAR_SCORE;
                    if run.near.at(doc).is_some() {
                        score += NEAR_SCORE;
                    }
                }
                None => {}
            }
            if let Some((ctx, adds)) = &mut run.context {
                if beaten(score + left + rest) {
                    return None;
                }
                left -= *adds;
                if ctx.at(doc).is_some() {
                    score += *adds;
                }
            }
            for (pair, &most) in run.pairs.iter_mut().zip(&b.pairs) {
                if beaten(score + left + rest) {
                    return None;
                }
                left -= most;
                if most > 0.0 {
                    score += pair.cursor.at(doc).unwrap_or(0.0);
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
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::TantivyDocument;
    use tantivy::collector::{Collector, Count, TopDocs};
    use tantivy::schema::Value;

    use super::RerankCollector;
    use crate::testing::corpus_index;
    use crate::{Index, SearchRequest, query};

    /// Score and clause id of each hit, and the total, of the single query that scores every
    /// boost on every matching clause (relaxed to `min_words` of its words, if given; its last
    /// word matched as the start of words when `completed`).
    fn single(
        index: &Index,
        req: &SearchRequest,
        min_words: Option<usize>,
        completed: bool,
    ) -> (Vec<(f32, String)>, usize) {
        let inner = index.inner();
        let parsed = query::parse(&req.query).unwrap();
        let searcher = inner.reader.searcher();
        let last = parsed
            .last_word()
            .map(|w| w.folded.clone())
            .unwrap_or_default();
        let keys = match completed {
            true => crate::search::completions(&searcher, inner.fields.text_folded, &last).unwrap(),
            false => Vec::new(),
        };
        let widen = query::Widen {
            min_words,
            completions: completed.then_some(query::Completion {
                prefix: &last,
                keys: &keys,
                cache: &inner.prefixes,
            }),
            ..Default::default()
        };
        let q = query::build(&inner.fields, &parsed, req, None, &widen).unwrap();
        let top = TopDocs::with_limit(req.limit)
            .and_offset(req.offset)
            .order_by_score();
        let (top, total) = searcher.search(&q, &(top, Count)).unwrap();
        let hits = top
            .iter()
            .map(|(score, addr)| {
                let d: TantivyDocument = searcher.doc(*addr).unwrap();
                let id = d.get_first(inner.fields.clause_id).and_then(|v| v.as_str());
                (*score, id.unwrap().to_string())
            })
            .collect();
        (hits, total)
    }

    #[test]
    fn the_pruned_walk_keeps_the_page_of_every_match_walked() {
        // Every document of the corpus, for runs of common words found side by side in some
        // clauses and apart in many more; and documents generated from them, in segments.
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let files: Vec<String> = std::fs::read_dir(corpus)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        let names: Vec<&str> = files.iter().map(String::as_str).collect();
        let (_dir, index) = corpus_index(&names);
        let (_gdir, generated, _) = crate::testing::generated_index(60, 10);
        let (mut led, mut before, mut compared, mut lower_bounds) = (0, 0, 0, 0);
        for index in [&index, &generated] {
            let inner = index.inner();
            let searcher = inner.reader.searcher();
            for q in [
                "thực hiện nghị quyết",
                "xây dựng nông thôn mới",
                "phát triển kinh tế xã hội",
                "khoa hoc cong nghe",
                "nâng cao chất lượng",
                "CẢI CÁCH HÀNH CHÍNH",
                "các cơ quan nhà nước",
                // Unfinished last words, their completions after the word before boosted.
                "thực hiện nghị quyết t",
                "các cơ quan nhà n",
                "hiện nghị quyết t",
                "thực hiện n",
                "dong moi n",
                "mới có t",
            ] {
                let req = SearchRequest {
                    query: q.into(),
                    ..SearchRequest::default()
                };
                let parsed = query::parse(q).unwrap();
                let last = parsed.last_word().unwrap().folded.clone();
                let completed = last.chars().count() == 1;
                let keys = match completed {
                    true => crate::search::completions(&searcher, inner.fields.text_folded, &last)
                        .unwrap(),
                    false => Vec::new(),
                };
                let widen = query::Widen {
                    completions: completed.then_some(query::Completion {
                        prefix: &last,
                        keys: &keys,
                        cache: &inner.prefixes,
                    }),
                    ..Default::default()
                };
                let split = query::build_split(&inner.fields, &parsed, &req, None, &widen).unwrap();
                assert_eq!(split.after.is_some(), completed, "{q}");
                // A short page has a high threshold, past the most a clause without the phrase
                // can score, from the first matches on.
                for n in [3, 10] {
                    let walk = |prune: bool, lead: bool| {
                        let c = RerankCollector::new(&searcher, &split, n).unwrap();
                        let c = match prune {
                            true => c.pruning_past(&searcher, &split, 1).unwrap(),
                            false => c,
                        };
                        let c = if lead { c } else { c.without_lead() };
                        searcher.search(&*split.query, &c).unwrap()
                    };
                    let every = walk(false, false);
                    let (with, without) = (walk(true, true), walk(true, false));
                    assert_eq!(without.to_words, 0, "{q}");
                    led += with.to_words;
                    before += with.to_before;
                    lower_bounds += usize::from(with.total < every.total);
                    for got in [&with, &without] {
                        // Matches passed over are not counted: the total is a lower bound.
                        assert!(got.total <= every.total, "{q} {n}");
                        assert_eq!(got.top.len(), every.top.len(), "{q} {n}");
                        for (i, (a, b)) in got.top.iter().zip(&every.top).enumerate() {
                            // Summed in another order, scores may differ in the last bits; a hit
                            // may then swap places with one of the same score, never another.
                            assert!((a.0 - b.0).abs() < 1e-3, "{q} {n}: hit {i}");
                            let tied = |j: usize| {
                                every.top.get(j).is_some_and(|w| (w.0 - a.0).abs() < 1e-3)
                            };
                            if a.1 != b.1 {
                                assert!(tied(i + 1) || (i > 0 && tied(i - 1)), "{q} {n}: hit {i}");
                            }
                        }
                    }
                    compared += with.top.len();
                }
            }
        }
        assert!(
            led >= 10,
            "the walk went on to clauses with the words: {led}"
        );
        assert!(
            before >= 10,
            "the walk went on to clauses with the word before: {before}"
        );
        assert!(
            lower_bounds >= 3,
            "the walk skipped matches: {lower_bounds}"
        );
        assert!(compared >= 60, "enough hits compared: {compared}");
    }

    #[test]
    fn what_the_pruned_walk_skips_does_not_depend_on_the_order_of_the_segments() {
        let (_dir, index, segments) = crate::testing::generated_index(60, 10);
        assert!(segments >= 4, "segments: {segments}");
        let inner = index.inner();
        let searcher = inner.reader.searcher();
        let scoring = tantivy::query::EnableScoring::enabled_from_searcher(&searcher);
        let one_thread = tantivy::Executor::single_thread();
        let mut pruned = 0;
        for q in [
            "thực hiện nghị quyết",
            "phát triển kinh tế xã hội",
            "các cơ quan nhà nước",
            "của các",
            "nhiem vu",
            "phát triển",
            "kinh tế",
            "tổ chức thực hiện",
            "nâng cao",
        ] {
            let req = SearchRequest {
                query: q.into(),
                ..SearchRequest::default()
            };
            let parsed = query::parse(q).unwrap();
            let split = query::build_split(&inner.fields, &parsed, &req, None, &Default::default())
                .unwrap();
            // Pruning from a third of the matches on: the segments walked first would count
            // them all, were the budget shared in the order of the walk.
            let all = RerankCollector::new(&searcher, &split, 10).unwrap();
            let all = searcher.search(&*split.query, &all).unwrap().total;
            let collector = || {
                RerankCollector::new(&searcher, &split, 10)
                    .unwrap()
                    .counting_docs(&inner.facet_names)
                    .pruning_past(&searcher, &split, all / 3)
                    .unwrap()
            };
            // One segment after the other, first to last and last to first, then the segments
            // on the index's threads, again and again: the same total, the same counts by
            // document, the same top.
            let first = searcher
                .search_with_executor(&*split.query, &collector(), &one_thread, scoring)
                .unwrap();
            pruned += usize::from(!first.exact);
            let backwards = {
                let c = collector();
                let weight = split.query.weight(scoring).unwrap();
                let readers = searcher.segment_readers();
                let fruits = (0..readers.len())
                    .rev()
                    .map(|i| c.collect_segment(&*weight, i as u32, &readers[i]).unwrap())
                    .collect();
                c.merge_fruits(fruits).unwrap()
            };
            for again in std::iter::once(backwards)
                .chain((0..5).map(|_| searcher.search(&*split.query, &collector()).unwrap()))
            {
                assert_eq!(again.total, first.total, "{q}");
                assert_eq!(again.exact, first.exact, "{q}");
                assert_eq!(again.doc_counts, first.doc_counts, "{q}");
                assert_eq!(again.top, first.top, "{q}");
            }
        }
        assert!(pruned >= 3, "the walks pruned: {pruned}");
    }

    #[test]
    fn a_total_below_the_exact_limit_is_exact_though_a_segment_pruned() {
        let (_dir, index, _) = crate::testing::generated_index(60, 10);
        let mut compared = 0;
        for q in ["thực hiện nghị quyết", "của các", "nhiem vu", "kinh tế"] {
            let req = |exact_up_to: usize| SearchRequest {
                query: q.into(),
                exact_up_to,
                ..SearchRequest::default()
            };
            let every = index.search(&SearchRequest {
                exact_total: true,
                ..req(1)
            });
            let every = every.unwrap();
            assert!(every.total_exact, "{q}");
            // Just above the total: every segment's share is below its matches somewhere,
            // but all of them together are fewer than the limit.
            let got = index.search(&req(every.total + 1)).unwrap();
            assert!(got.total_exact, "{q}");
            assert_eq!(got.total, every.total, "{q}");
            // Below it, a lower bound.
            let half = index.search(&req(every.total / 2)).unwrap();
            assert!(half.total <= every.total, "{q}");
            compared += 1;
        }
        assert_eq!(compared, 4);
    }

    #[test]
    fn two_phase_ranking_and_the_pruned_walk_equal_the_single_query() {
        let (_dir, index) = corpus_index(&[
            "thai-binh-09-NQ-DH-2020.txt",
            "57-NQ-TW.txt",
            "20-NQ-TW.txt",
        ]);
        let queries = [
            "nông thôn mới",
            "nong thon moi",
            "xây dựng nông thôn mới",
            "KHOA HỌC CÔNG NGHỆ",
            "khoa học, công nghệ và đổi mới sáng tạo",
            "phát triển kinh tế xã hội",
            "\"đổi mới sáng tạo\" chuyển đổi số",
            "hồ chứa nước",
            "các cơ quan nhà nước",
            "cải cách hành chính -thủ",
            "nghị quyết 57 khoa học",
            "57-NQ/TW",
            "của các",
            "đào tạo nghề cho lao động nông thôn",
            // Unfinished last words, matched as the start of words, their completions after
            // the word before ranked first.
            "nong thon m",
            "chuyen doi s",
            "phát triển kinh t",
            "ĐÀO TẠO NGH",
        ];
        let mut requests: Vec<SearchRequest> = Vec::new();
        for q in queries {
            for (limit, offset) in [(10, 0), (5, 7), (60, 0)] {
                requests.push(SearchRequest {
                    query: q.into(),
                    limit,
                    offset,
                    ..SearchRequest::default()
                });
            }
        }
        // No words: the filter alone finds the clauses, and nothing is reranked.
        requests.push(SearchRequest {
            year_from: Some(2000),
            limit: 20,
            ..SearchRequest::default()
        });
        let (mut compared, mut relaxed, mut completed, mut lower_bounds) = (0, 0, 0, 0);
        for req in requests {
            let (q, limit, offset) = (&req.query, req.limit, req.offset);
            let got = index.search(&req).unwrap();
            // No clause of these three documents has every word of `hồ chứa nước`: the search
            // relaxes it, and the single query is relaxed the same way.
            let min_words = got.relaxed.map(|r| r.matched_words);
            relaxed += usize::from(min_words.is_some());
            completed += usize::from(got.prefix.is_some());
            let (want, total) = single(&index, &req, min_words, got.prefix.is_some());
            let what = format!("{q:?} limit {limit} offset {offset}");
            assert_eq!(got.total, total, "{what}");
            assert!(got.total_exact, "{what}");
            // Pruned from the first match on: the same page, a total that is a lower bound.
            let pruned = index
                .search(&SearchRequest {
                    exact_up_to: 1,
                    ..req.clone()
                })
                .unwrap();
            assert!(pruned.total <= total, "{what}");
            // A skipped stretch may have held no other match: the total is then not known to
            // be exact, though it is.
            assert!(!pruned.total_exact || pruned.total == total, "{what}");
            lower_bounds += usize::from(pruned.total < total);
            for got in [&got, &pruned] {
                assert_eq!(got.hits.len(), want.len(), "{what}");
                for (i, (hit, (score, id))) in got.hits.iter().zip(&want).enumerate() {
                    // Sums in another order may differ in the last bits; a clause may then
                    // swap places with one of the same score, never with another.
                    assert!((hit.score - score).abs() < 1e-3, "{what}: hit {i}");
                    let tied = |j: usize| want.get(j).is_some_and(|w| (w.0 - score).abs() < 1e-3);
                    if &hit.clause_id != id {
                        assert!(tied(i + 1) || (i > 0 && tied(i - 1)), "{what}: hit {i}");
                    }
                }
            }
            compared += want.len();
        }
        // Three documents leave few stretches to skip (the 2,000 of the benchmark many more).
        assert!(
            lower_bounds >= 1,
            "the pruned walk skips matches: {lower_bounds}"
        );
        assert!(
            compared > 300,
            "the queries find enough to compare: {compared}"
        );
        assert!(relaxed > 0, "a relaxed query is compared too");
        assert!(
            completed >= 12,
            "unfinished words are compared too: {completed}"
        );
    }
}
