//! A search that skips the stretches of clauses that cannot make the page, once enough matches
//! have been counted: block-max pruning for vankien's own query shape.
//!
//! tantivy prunes with block-WAND only a union or an intersection of its plain term scorers; a
//! vankien word is its own union of two or three terms ([`crate::query::word`]) and the finding
//! query a boolean of words, filters and optional particles, so tantivy visits every match, and
//! a total counted beside the top would stop it anyway. Here the query of [`Pruning`] is walked
//! as an intersection of its required words (and unfinished word and filters), and at each
//! match, once [`RerankCollector`] has counted the matches a total is exact up to, the most any
//! clause can score up to the end of the current postings blocks is bounded: each word's terms'
//! block maxima, the optional words' too, the constants, and the proximity boosts from how much
//! of its BM25 each run word's text term can reach there (a phrase occurs no more often than
//! any of its words, in the same text). When that bound cannot beat the current top, the whole
//! stretch is skipped and the total becomes a lower bound. Where the bound is above the current
//! top only through a proximity run's phrase boost (the bound without it, [`Bound::apart`], is
//! not), only a clause with every word of the run in its text can make the page: the walk goes
//! on to the next such clause, read from where each word's text term stands, not from the
//! positions; where the completions of an unfinished word after the word before can still lift
//! a clause too ([`Bound::alone`] is under the top, not [`Bound::apart`]), to the next clause
//! with that word in its text, or the run's words. The hits are those of the query walked in full: the same scores, summed as
//! tantivy sums a boolean query's clauses.

use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::query::word::{WordScorer, WordWeight, lands_on};
use crate::query::{AllWords, Proximity, Pruning};
use crate::rerank::{Bound, RerankSegment};

/// Where a run word's text term is among the words of the query.
#[derive(Clone, Copy)]
enum Source {
    /// The required word of that place.
    Word(usize),
    /// The optional word of that place.
    Optional(usize),
    /// Not a word of the query: nothing is known of it, so the bound takes its largest BM25.
    Unknown,
}

/// The weights of a pruned search, made once per search.
pub(crate) struct PruneWeights {
    words: Vec<WordWeight>,
    prefix: Option<(Box<dyn Weight>, Score)>,
    /// The required filters, as one boolean query (`None` when there are none).
    filters: Option<Box<dyn Weight>>,
    /// The exclusions.
    excluded: Vec<Box<dyn Weight>>,
    optional: Vec<(WordWeight, Score)>,
    constants: Vec<(Box<dyn Weight>, Score)>,
    /// For each proximity run, for each of its words: where its text term is.
    runs: Vec<Vec<Source>>,
    /// Whether the walk may go on to the next clause where a boost it needs can match: where only
    /// a clause with a run's phrase (or a completion after the word before) can make the page,
    /// to the next one with every word of some run (or the word before) in its text.
    lead: bool,
    /// Where the word before an unfinished last word is.
    prev: Option<Source>,
    /// Set when the finding query needs only some of the words: `words` are all of them.
    all_words: Option<AllWords>,
}

impl PruneWeights {
    /// The weights of `p` for `searcher`; `runs` are the proximity runs, `prev` the word typed
    /// before an unfinished last word.
    pub fn new(
        searcher: &Searcher,
        p: &Pruning,
        runs: &[Proximity],
        prev: Option<&Term>,
    ) -> tantivy::Result<PruneWeights> {
        let scoring = || EnableScoring::enabled_from_searcher(searcher);
        let words = p
            .words
            .iter()
            .map(|w| w.word_weight(scoring()))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let prefix = match &p.prefix {
            Some(q) => Some(q.weight_and_bound(scoring())?),
            None => None,
        };
        let must: Vec<(Occur, Box<dyn Query>)> = p
            .filters
            .iter()
            .filter(|(o, _)| *o == Occur::Must)
            .map(|(o, q)| (*o, q.box_clone()))
            .collect();
        let filters = match must.is_empty() {
            true => None,
            false => Some(BooleanQuery::new(must).weight(scoring())?),
        };
        let excluded = p
            .filters
            .iter()
            .filter(|(o, _)| *o == Occur::MustNot)
            .map(|(_, q)| q.weight(EnableScoring::disabled_from_searcher(searcher)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let optional = p
            .optional
            .iter()
            .map(|(w, boost)| Ok((w.word_weight(scoring())?, *boost)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let constants = p
            .constants
            .iter()
            .map(|(q, c)| {
                Ok((
                    q.weight(EnableScoring::disabled_from_searcher(searcher))?,
                    *c,
                ))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let source = |t: &Term| {
            if let Some(i) = p.words.iter().position(|w| w.first_term() == Some(t)) {
                return Source::Word(i);
            }
            match p
                .optional
                .iter()
                .position(|(w, _)| w.first_term() == Some(t))
            {
                Some(i) => Source::Optional(i),
                None => Source::Unknown,
            }
        };
        Ok(PruneWeights {
            words,
            prefix,
            filters,
            excluded,
            optional,
            constants,
            runs: runs
                .iter()
                .map(|r| r.words.iter().map(source).collect())
                .collect(),
            lead: true,
            prev: prev.map(source),
            all_words: p.all_words,
        })
    }

    /// Set when the finding query needs only some of the words: walk it with
    /// [`walk_relaxed`].
    pub fn all_words(&self) -> Option<AllWords> {
        self.all_words
    }

    /// The most the words, the optional words and the constants can add to any clause: each
    /// word's largest possible BM25, summed.
    fn most(&self) -> Score {
        let words: Score = self.words.iter().map(WordWeight::max_score).sum();
        let optional: Score = self
            .optional
            .iter()
            .map(|(w, boost)| w.max_score() * boost)
            .sum();
        let constants: Score = self.constants.iter().map(|c| c.1).sum();
        let prefix = self.prefix.as_ref().map_or(0.0, |p| p.1);
        words + optional + constants + prefix
    }
}

impl PruneWeights {
    /// Never goes on to the next clause with a run's words: the walk then visits every match
    /// its bounds do not skip.
    #[cfg(test)]
    pub fn without_lead(&mut self) {
        self.lead = false;
    }
}

/// A required docset of the intersection.
enum Required {
    Word(WordScorer),
    Other(Box<dyn Scorer>),
}

impl Required {
    fn doc(&self) -> DocId {
        match self {
            Required::Word(w) => w.doc(),
            Required::Other(s) => s.doc(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Required::Word(w) => w.seek(target),
            Required::Other(s) => s.seek(target),
        }
    }

    fn advance(&mut self) -> DocId {
        match self {
            Required::Word(w) => w.advance(),
            Required::Other(s) => s.advance(),
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            Required::Word(w) => w.size_hint(),
            Required::Other(s) => s.size_hint(),
        }
    }

    fn score(&mut self) -> Score {
        match self {
            Required::Word(w) => w.score(),
            Required::Other(s) => s.score(),
        }
    }
}

/// How far a segment's walk may prune.
pub(crate) struct Budget {
    /// Pruning starts once this many matches of the segment are counted.
    pub share: usize,
}

impl Budget {
    /// A segment of `segment_docs` of the `all_docs` clauses of the index prunes past its
    /// share of `exact_up_to` counted matches (at least one): so that what a walk skips, and
    /// with it the total and the counts by document, does not depend on which segment another
    /// thread walked first, and no segment prunes while fewer than `exact_up_to` match in all
    /// unless it holds more than its share of them.
    pub fn share_of(exact_up_to: usize, segment_docs: u32, all_docs: u64) -> Budget {
        let share =
            (exact_up_to as u128 * u128::from(segment_docs)).div_ceil(u128::from(all_docs.max(1)));
        Budget {
            share: (share as usize).max(1),
        }
    }
}

/// What a segment's walk skipped.
#[derive(Default)]
pub(crate) struct Walked {
    /// Whether a stretch of matches was skipped (the total is then a lower bound).
    pub skipped: bool,
    /// How many times the walk went on to the next clause with a run's words in its text, past
    /// matches without them.
    pub to_words: usize,
    /// How many of those went on to a clause with the word before an unfinished word in its
    /// text, the completions after it being all that could still lift a clause.
    pub to_before: usize,
    /// Whether a query that needs only some of its words went on as one that needs them all.
    pub to_all_words: bool,
}

/// Walks the query of `w` over one segment into `seg`.
pub(crate) fn walk(
    w: &PruneWeights,
    reader: &SegmentReader,
    seg: &mut RerankSegment,
    budget: &Budget,
) -> tantivy::Result<Walked> {
    walk_from(w, reader, seg, budget, 0, 0.0)
}

/// Walks a query that needs only some of its words (`finding`, the weight of the whole query)
/// over one segment into `seg`: every match, until the page's threshold is past the most a
/// clause lacking one of the words can score, with its boosts; from there, only a clause with
/// every word can make the page, and the rest of the segment is walked as `w`'s query with
/// every word required, pruned, each match scored with what having every word adds. The
/// clauses with only some of the words past that point are not counted: the total is then a
/// lower bound.
pub(crate) fn walk_relaxed(
    w: &PruneWeights,
    all: AllWords,
    finding: &dyn Weight,
    reader: &SegmentReader,
    seg: &mut RerankSegment,
    budget: &Budget,
) -> tantivy::Result<Walked> {
    let lacking = w.most() + all.lacking + seg.most_boost();
    let alive = reader.alive_bitset();
    let mut scorer = finding.scorer(reader, 1.0)?;
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            seg.collect_scored(doc, scorer.score());
        }
        if seg.counted() >= budget.share && seg.threshold().is_some_and(|t| lacking <= t) {
            let mut walked = walk_from(w, reader, seg, budget, doc + 1, all.bonus)?;
            walked.skipped = true;
            walked.to_all_words = true;
            return Ok(walked);
        }
        doc = scorer.advance();
    }
    Ok(Walked::default())
}

/// Walks the query of `w` over one segment into `seg` from clause `from` on, adding `bonus`
/// to every match's score.
fn walk_from(
    w: &PruneWeights,
    reader: &SegmentReader,
    seg: &mut RerankSegment,
    budget: &Budget,
    from: DocId,
    bonus: Score,
) -> tantivy::Result<Walked> {
    // The words' order among the required docsets, and each one's place in `reqs`.
    let mut reqs: Vec<Required> = Vec::with_capacity(w.words.len() + 2);
    for word in &w.words {
        reqs.push(Required::Word(word.word_scorer(reader, 1.0)?));
    }
    let prefix_bound = match &w.prefix {
        Some((weight, bound)) => {
            reqs.push(Required::Other(weight.scorer(reader, 1.0)?));
            *bound
        }
        None => 0.0,
    };
    if let Some(f) = &w.filters {
        reqs.push(Required::Other(f.scorer(reader, 1.0)?));
    }
    if reqs.is_empty() {
        return Ok(Walked::default());
    }
    let n_words = w.words.len();
    // Visit order: the smallest docset leads. `order[k]` is the place in `reqs`.
    let mut order: Vec<usize> = (0..reqs.len()).collect();
    order.sort_by_key(|&i| reqs[i].size_hint());
    let mut excluded = w
        .excluded
        .iter()
        .map(|x| x.scorer(reader, 1.0))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut optional = w
        .optional
        .iter()
        .map(|(o, boost)| o.word_scorer(reader, *boost))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut constants = w
        .constants
        .iter()
        .map(|(c, score)| Ok((c.scorer(reader, 1.0)?, *score)))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let constant_bound: Score = prefix_bound + constants.iter().map(|c| c.1).sum::<Score>() + bonus;
    let alive = reader.alive_bitset();
    let mut word_ratio = vec![0.0; n_words];
    let mut optional_ratio = vec![0.0; optional.len()];
    let mut ratios: Vec<Vec<Score>> = w.runs.iter().map(|r| vec![0.0; r.len()]).collect();
    let mut walked = Walked::default();
    // The end of the last stretch bounded, and its bound.
    let mut stretch: Option<(DocId, Bound)> = None;

    let lead = order[0];
    let mut doc = match reqs[lead].doc() {
        d if d >= from => d,
        _ => reqs[lead].seek(from),
    };
    'walk: while doc != TERMINATED {
        for &i in &order[1..] {
            let r = &mut reqs[i];
            let d = if r.doc() < doc { r.seek(doc) } else { r.doc() };
            if d > doc {
                doc = reqs[lead].seek(d);
                continue 'walk;
            }
        }
        if excluded.iter_mut().any(|x| lands_on(&mut **x, doc))
            || alive.is_some_and(|a| !a.is_alive(doc))
        {
            doc = reqs[lead].advance();
            continue;
        }
        // Every required docset is on `doc`; the optional words are moved there.
        for o in &mut optional {
            lands_on(o, doc);
        }
        if let Some(threshold) = seg.threshold()
            && seg.counted() >= budget.share
        {
            // The bound of the stretch the last match opened holds up to its end.
            let (end, bound) = match stretch {
                Some((end, bound)) if doc <= end => (end, bound),
                _ => {
                    let (end, found) = bound_from(
                        w,
                        seg,
                        &mut reqs[..n_words],
                        &mut optional,
                        (&mut word_ratio, &mut optional_ratio, &mut ratios),
                    );
                    let bound = found.plus(constant_bound);
                    stretch = Some((end, bound));
                    (end, bound)
                }
            };
            // The first clause from here on that can make the page: past the stretch when
            // nothing of it can, at the next clause with a run's words in its text when only a
            // clause with a run's phrase can.
            let next = if bound.all <= threshold {
                Some(end)
            } else if w.lead && bound.alone <= threshold {
                let words = &reqs[..n_words];
                let runs = next_with_words(&w.runs, words, &optional, doc);
                // Past `apart`, a completion right after the word before can lift a clause too:
                // one with that word in its text.
                let at = match (bound.apart <= threshold, w.prev) {
                    (true, _) => runs,
                    (false, Some(prev)) => {
                        let at = runs.min(text_doc(prev, words, &optional, doc));
                        walked.to_before += usize::from(at > doc);
                        at
                    }
                    (false, None) => doc,
                };
                walked.to_words += usize::from(at > doc);
                (at > doc).then(|| if at > end { end } else { at - 1 })
            } else {
                None
            };
            if let Some(last) = next {
                // Nothing from here to `last` can make the page: count this match, skip the rest.
                seg.count(doc);
                walked.skipped = true;
                if last == TERMINATED {
                    break;
                }
                doc = reqs[lead].seek(last + 1);
                continue;
            }
        }
        let mut score: Score = reqs.iter_mut().map(Required::score).sum();
        for o in &mut optional {
            if o.doc() == doc {
                score += o.score();
            }
        }
        for (c, adds) in &mut constants {
            if lands_on(&mut **c, doc) {
                score += *adds;
            }
        }
        seg.collect_scored(doc, score + bonus);
        doc = reqs[lead].advance();
    }
    Ok(walked)
}

/// The first clause from the current match `doc` on where the words of some run are all in the
/// text (each word's text term is on or past the current match; a word of no known place is
/// taken to be anywhere). With no run (a kind's name before an unfinished word, `đột phá p`,
/// leaves none), no clause: only the completions after the word before can lift one.
fn next_with_words(
    runs: &[Vec<Source>],
    words: &[Required],
    optional: &[WordScorer],
    doc: DocId,
) -> DocId {
    runs.iter()
        .map(|run| {
            run.iter()
                .map(|&s| text_doc(s, words, optional, doc))
                .fold(doc, DocId::max)
        })
        .min()
        .unwrap_or(TERMINATED)
}

/// The first clause from the current match `doc` on that has the word of `source` in its text.
fn text_doc(source: Source, words: &[Required], optional: &[WordScorer], doc: DocId) -> DocId {
    match source {
        Source::Word(i) => match &words[i] {
            Required::Word(w) => w.text_doc(),
            Required::Other(_) => doc,
        },
        Source::Optional(i) => optional[i].text_doc(),
        Source::Unknown => doc,
    }
}

/// The stretch from the current match to the end of the blocks every word is on, and the most
/// its words (required and optional) and the proximity boosts can score there (the constants
/// apart). `ratios` are buffers: of the required words, of the optional ones, of each run's.
fn bound_from(
    w: &PruneWeights,
    seg: &RerankSegment,
    words: &mut [Required],
    optional: &mut [WordScorer],
    ratios: (&mut [Score], &mut [Score], &mut [Vec<Score>]),
) -> (DocId, Bound) {
    let (word_ratio, optional_ratio, runs) = ratios;
    let mut end = TERMINATED;
    for r in words.iter() {
        if let Required::Word(word) = r {
            end = end.min(word.block_end());
        }
    }
    for o in optional.iter() {
        end = end.min(o.block_end());
    }
    let mut bound = 0.0;
    for (i, r) in words.iter_mut().enumerate() {
        if let Required::Word(word) = r {
            let (most, ratio) = word.block_bound(end);
            bound += most;
            word_ratio[i] = ratio;
        }
    }
    for (i, o) in optional.iter_mut().enumerate() {
        let (most, ratio) = o.block_bound(end);
        bound += most;
        optional_ratio[i] = ratio;
    }
    let ratio_of = |s: Source| match s {
        Source::Word(i) => word_ratio[i],
        Source::Optional(i) => optional_ratio[i],
        Source::Unknown => 1.0,
    };
    for (r, sources) in runs.iter_mut().zip(&w.runs) {
        for (x, s) in r.iter_mut().zip(sources) {
            *x = ratio_of(*s);
        }
    }
    let prev = w.prev.map(ratio_of);
    (end, seg.stretch_bound(runs, prev, end).plus(bound))
}
