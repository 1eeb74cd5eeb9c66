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
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentOrdinal, SegmentReader,
    Term,
};

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

/// A boost's scorer in one segment, asked about documents in ascending order.
struct Cursor {
    scorer: Box<dyn Scorer>,
    /// No document below this one matches (what the last look-up told).
    floor: DocId,
    /// The most it can add (a constant boost adds exactly this).
    max: Score,
}

impl Cursor {
    fn new(
        weight: &dyn Weight,
        reader: &SegmentReader,
        boost: Score,
        max: Score,
    ) -> tantivy::Result<Cursor> {
        let scorer = weight.scorer(reader, boost)?;
        Ok(Cursor {
            floor: scorer.doc(),
            scorer,
            max,
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

struct RunCursors {
    phrase: Cursor,
    exact: Option<Cursor>,
    near: Cursor,
    context: Option<Cursor>,
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
            let scored = |s: &Scored| Cursor::new(&*s.weight, reader, s.boost, s.max);
            runs.push(RunCursors {
                phrase: scored(&r.phrase)?,
                exact: r.exact.as_ref().map(scored).transpose()?,
                near: Cursor::new(&*r.near, reader, 1.0, NEAR_SCORE)?,
                context: match &r.context {
                    Some((w, score)) => Some(Cursor::new(&**w, reader, 1.0, *score)?),
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
    /// The final score of `doc`, or `None` when it cannot beat `threshold`. Before each boost
    /// is looked at, the score so far plus the most that is left must beat the threshold.
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
            // What this run can still add.
            let mut left;
            match run.phrase.at(doc) {
                Some(s) => {
                    // Side by side is also near.
                    score += PHRASE_SCORE + s + NEAR_SCORE;
                    left = run.max_apart - NEAR_SCORE + run.exact.as_ref().map_or(0.0, |e| e.max);
                    // The exact spelling can only match where the folded keys do.
                    if let Some(e) = &mut run.exact {
                        if beaten(score + left + rest) {
                            return None;
                        }
                        left -= e.max;
                        score += e.at(doc).unwrap_or(0.0);
                    }
                }
                None => {
                    left = run.max_apart;
                    if beaten(score + left + rest) {
                        return None;
                    }
                    left -= NEAR_SCORE;
                    if run.near.at(doc).is_some() {
                        score += NEAR_SCORE;
                    }
                }
            }
            if let Some(ctx) = &mut run.context {
                if beaten(score + left + rest) {
                    return None;
                }
                left -= ctx.max;
                if ctx.at(doc).is_some() {
                    score += ctx.max;
                }
            }
            for pair in &mut run.pairs {
                if beaten(score + left + rest) {
                    return None;
                }
                left -= pair.max;
                score += pair.at(doc).unwrap_or(0.0);
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use tantivy::TantivyDocument;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::schema::Value;

    use crate::{Index, IngestOptions, SearchRequest, query};

    /// Score and clause id of each hit, and the total, of the single query that scores every
    /// boost on every matching clause (relaxed to `min_words` of its words, if given).
    fn single(
        index: &Index,
        req: &SearchRequest,
        min_words: Option<usize>,
    ) -> (Vec<(f32, String)>, usize) {
        let inner = index.inner();
        let parsed = query::parse(&req.query).unwrap();
        let widen = query::Widen {
            min_words,
            ..Default::default()
        };
        let q = query::build(&inner.fields, &parsed, req, None, &widen).unwrap();
        let searcher = inner.reader.searcher();
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
    fn two_phase_ranking_equals_the_single_query() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open_or_create(dir.path()).unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let files: Vec<PathBuf> = [
            "thai-binh-09-NQ-DH-2020.txt",
            "57-NQ-TW.txt",
            "20-NQ-TW.txt",
        ]
        .iter()
        .map(|f| corpus.join(f))
        .collect();
        let report = index
            .ingest_paths(&files, &IngestOptions::default(), &mut |_| {})
            .unwrap();
        assert_eq!(report.added.len(), 3, "{:?}", report.failed);
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
        let (mut compared, mut relaxed) = (0, 0);
        for req in requests {
            let (q, limit, offset) = (&req.query, req.limit, req.offset);
            let got = index.search(&req).unwrap();
            // No clause of these three documents has every word of `hồ chứa nước`: the search
            // relaxes it, and the single query is relaxed the same way.
            let min_words = got.relaxed.map(|r| r.matched_words);
            relaxed += usize::from(min_words.is_some());
            let (want, total) = single(&index, &req, min_words);
            let what = format!("{q:?} limit {limit} offset {offset}");
            assert_eq!(got.total, total, "{what}");
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
            compared += want.len();
        }
        assert!(
            compared > 300,
            "the queries find enough to compare: {compared}"
        );
        assert!(relaxed > 0, "a relaxed query is compared too");
    }
}
