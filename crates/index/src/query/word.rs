//! One query word as a single, cheap docset: the union of its two or three term postings (the
//! folded text, the headings, the exact spelling), each with its weight.
//!
//! A tantivy `BooleanQuery` of `Should` term clauses does the same, but its union scorer buffers
//! a window of 4,096 documents and refills it on every `seek`; inside an intersection, where a
//! word is sought far more often than advanced, that refill was a quarter of all query time.
//! Here the union is the smallest current document of two or three term scorers, and a seek
//! moves only the scorers behind the target. Scores are the sum of the matching terms' BM25
//! times their weights, as the boolean query gives.
//!
//! A word also bounds what it can score over a stretch of clauses, from the block maxima of its
//! terms' postings ([`WordScorer::block_end`], [`WordScorer::block_bound`]), for the pruned
//! search of [`crate::prune`].

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// A word: matches where any of its terms does; scores the weighted sum of those that match.
#[derive(Debug, Clone)]
pub(crate) struct WordQuery {
    terms: Vec<(Term, Score)>,
    /// Terms that can only match where the first term does (a word's exact spelling, where its
    /// folded key is): they add to the score but are not sought to find matches, which saves
    /// a seek in every step of an intersection.
    within: Vec<(Term, Score)>,
}

impl WordQuery {
    /// The union of `terms`, each with the weight of its score, also scoring the terms
    /// `within` the first one.
    pub fn new(terms: Vec<(Term, Score)>, within: Vec<(Term, Score)>) -> WordQuery {
        WordQuery { terms, within }
    }

    /// The first term (the word's folded key in the text), whose postings bound the others'.
    pub fn first_term(&self) -> Option<&Term> {
        self.terms.first().map(|(t, _)| t)
    }

    /// Its weight, unboxed.
    pub fn word_weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<WordWeight> {
        let weigh = |terms: &[(Term, Score)]| {
            terms
                .iter()
                .map(|(term, boost)| {
                    // As tantivy's `TermQuery` weighs a term: BM25 statistics of the whole index
                    // when scoring, a constant that nothing reads otherwise.
                    let bm25 = match scoring {
                        EnableScoring::Enabled {
                            statistics_provider,
                            ..
                        } => {
                            Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?
                        }
                        EnableScoring::Disabled { .. } => {
                            Bm25Weight::for_one_term_without_explain(1, 1, 1.0)
                        }
                    };
                    Ok((term.clone(), bm25.boost_by(*boost)))
                })
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(WordWeight {
            terms: weigh(&self.terms)?,
            within: weigh(&self.within)?,
            scoring: scoring.is_scoring_enabled(),
        })
    }
}

impl WordWeight {
    /// The most the word can score in any clause: each term's largest possible BM25, the
    /// terms within the first's too.
    pub fn max_score(&self) -> Score {
        self.terms
            .iter()
            .chain(&self.within)
            .map(|(_, bm25)| bm25.max_score())
            .sum()
    }
}

impl Query for WordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.word_weight(scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in self.terms.iter().chain(&self.within) {
            visitor(term, false);
        }
    }
}

pub(crate) struct WordWeight {
    /// Each term with its BM25 weight, its boost applied.
    terms: Vec<(Term, Bm25Weight)>,
    /// The same for the terms within the first.
    within: Vec<(Term, Bm25Weight)>,
    scoring: bool,
}

impl WordWeight {
    /// The scorers of the terms present in the segment, each on its first document, with the
    /// place of its term in `terms`. They are tantivy's own `TermScorer`s, held by value, so
    /// that the union's many `doc()` and `score()` calls are direct calls, not calls through a
    /// `Box<dyn Scorer>` (they were a fifth of all query time).
    fn term_scorers(
        &self,
        terms: &[(Term, Bm25Weight)],
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Vec<(usize, TermScorer)>> {
        let option = if self.scoring {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let mut subs = Vec::with_capacity(terms.len());
        for (i, (term, bm25)) in terms.iter().enumerate() {
            let inverted = reader.inverted_index(term.field())?;
            let Some(info) = inverted.get_term_info(term)? else {
                continue;
            };
            let postings = inverted.read_block_postings_from_terminfo(&info, option)?;
            let norms = match self.scoring {
                true => reader.fieldnorms_readers().get_field(term.field())?,
                false => None,
            };
            let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
            let scorer = TermScorer::new(postings, norms, bm25.boost_by(boost));
            if scorer.doc() != TERMINATED {
                subs.push((i, scorer));
            }
        }
        Ok(subs)
    }
}

impl WordWeight {
    /// Its scorer in a segment, unboxed.
    pub fn word_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<WordScorer> {
        let (places, subs): (Vec<usize>, Vec<TermScorer>) = self
            .term_scorers(&self.terms, reader, boost)?
            .into_iter()
            .unzip();
        let within: Vec<TermScorer> = match self.scoring {
            true => self.term_scorers(&self.within, reader, boost)?,
            false => Vec::new(),
        }
        .into_iter()
        .map(|(_, s)| s)
        .collect();
        let within_max = within.iter().map(TermScorer::max_score).sum();
        Ok(WordScorer {
            first: places.iter().position(|&p| p == 0),
            union: Union::new(subs),
            within,
            within_max,
        })
    }
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.word_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let explained = |terms| -> tantivy::Result<Vec<Explanation>> {
            Ok(self
                .term_scorers(terms, reader, 1.0)?
                .into_iter()
                .filter_map(|(_, mut s)| (s.seek(doc) == doc).then(|| s.explain()))
                .collect())
        };
        let mut matched = explained(&self.terms)?;
        if matched.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        matched.extend(explained(&self.within)?);
        let total = matched.iter().map(Explanation::value).sum();
        let mut out = Explanation::new("word: sum of its matching terms, weighted", total);
        for e in matched {
            out.add_detail(e);
        }
        Ok(out)
    }
}

/// One term's postings, read block by block and scored as tantivy's `TermScorer` scores them.
/// tantivy does not export its `TermScorer`, whose block maxima its own block-WAND reads; this
/// one gives them ([`TermScorer::block_max_score`]) for [`crate::prune`]. Held by value in
/// [`WordScorer`], so that the union's many `doc()` and `score()` calls are direct calls.
pub(crate) struct TermScorer {
    block: BlockSegmentPostings,
    /// The current document's place in the block.
    cur: usize,
    norms: FieldNormReader,
    bm25: Bm25Weight,
}

impl TermScorer {
    fn new(block: BlockSegmentPostings, norms: FieldNormReader, bm25: Bm25Weight) -> TermScorer {
        TermScorer {
            block,
            cur: 0,
            norms,
            bm25,
        }
    }

    #[inline]
    fn term_freq(&self) -> u32 {
        self.block.freqs().get(self.cur).copied().unwrap_or(1)
    }

    #[inline]
    fn score(&self) -> Score {
        let doc = self.doc();
        self.bm25
            .score(self.norms.fieldnorm_id(doc), self.term_freq())
    }

    fn explain(&self) -> Explanation {
        let doc = self.doc();
        self.bm25
            .explain(self.norms.fieldnorm_id(doc), self.term_freq())
    }

    /// The largest score of a document of the current block.
    fn block_max_score(&mut self) -> Score {
        self.block.block_max_score(&self.norms, &self.bm25)
    }

    /// The last document of the current block.
    fn last_doc_in_block(&self) -> DocId {
        self.block.docs().last().copied().unwrap_or(TERMINATED)
    }

    /// The largest score of any document.
    fn max_score(&self) -> Score {
        self.bm25.max_score()
    }
}

impl DocSet for TermScorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        let len = self.block.docs().len();
        if self.cur >= len {
            return TERMINATED;
        }
        self.cur += 1;
        if self.cur == len {
            self.block.advance();
            self.cur = 0;
        }
        self.doc()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        let docs = self.block.docs();
        match docs.last() {
            Some(&last) if last >= target => {
                let from = self.cur.min(docs.len());
                self.cur = from + docs[from..].partition_point(|&d| d < target);
            }
            Some(_) => self.cur = self.block.seek(target),
            None => return TERMINATED,
        }
        self.doc()
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.block
            .docs()
            .get(self.cur)
            .copied()
            .unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.block.doc_freq()
    }
}

/// The union of docsets: on the smallest current document of any of them. A seek moves only
/// those behind the target. A word's terms are one ([`WordScorer`]); the leading parts of a
/// min-match query another (`super::minmatch`).
pub(crate) struct Union<S> {
    subs: Vec<S>,
    doc: DocId,
}

impl<S: DocSet> Union<S> {
    /// The union of `subs`, on its first document.
    pub fn new(subs: Vec<S>) -> Union<S> {
        let mut union = Union {
            subs,
            doc: TERMINATED,
        };
        union.settle();
        union
    }

    fn settle(&mut self) -> DocId {
        self.doc = self
            .subs
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }

    /// The docsets on the current document.
    pub fn on_doc(&mut self) -> impl Iterator<Item = &mut S> {
        let doc = self.doc;
        self.subs.iter_mut().filter(move |s| s.doc() == doc)
    }
}

impl<S: DocSet> DocSet for Union<S> {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for s in &mut self.subs {
            if s.doc() == doc {
                s.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.subs {
            if s.doc() < target {
                s.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.subs.iter().map(|s| s.size_hint()).sum()
    }
}

/// Whether `docset`, moved forward to `doc` if it is behind, is on `doc`: for a docset that is
/// only looked at where others match. Documents must come in ascending order.
pub(crate) fn lands_on<S: DocSet + ?Sized>(docset: &mut S, doc: DocId) -> bool {
    if docset.doc() < doc {
        docset.seek(doc);
    }
    docset.doc() == doc
}

/// A word's scorer: the union of its terms, and the terms within the first.
pub(crate) struct WordScorer {
    union: Union<TermScorer>,
    /// Which of the union's scorers is the first term's (`None` when no clause of the segment
    /// has it).
    first: Option<usize>,
    /// Scorers of the terms within the first, moved only when a score is asked.
    within: Vec<TermScorer>,
    /// The most the terms within the first can add to a clause.
    within_max: Score,
}

impl WordScorer {
    /// The clause its first term (the folded text) is on: the current one when the word is in
    /// its text, a later one when it is only in its headings or exact spelling.
    pub fn text_doc(&self) -> DocId {
        self.first.map_or(TERMINATED, |i| self.union.subs[i].doc())
    }

    /// The last clause up to which the blocks its terms are on hold (its terms on or after
    /// the current clause): the stretch [`WordScorer::block_bound`] bounds.
    pub fn block_end(&self) -> DocId {
        self.union
            .subs
            .iter()
            .filter(|s| s.doc() != TERMINATED)
            .map(TermScorer::last_doc_in_block)
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The most the word can score in a clause from its current one to `end` (no further than
    /// [`WordScorer::block_end`]), and how much of its first term's largest possible BM25 the
    /// first term can reach there (0 where it is not in those clauses, at most 1).
    ///
    /// The terms within the first (the exact spelling) are not moved: in the same text, with
    /// as many words, they occur no more often than the first, so their BM25 reaches no more of
    /// its largest possible value than the first's does.
    pub fn block_bound(&mut self, end: DocId) -> (Score, Score) {
        let mut bound = 0.0;
        let mut ratio = 0.0;
        for (i, s) in self.union.subs.iter_mut().enumerate() {
            if s.doc() > end {
                continue;
            }
            let most = s.block_max_score();
            bound += most;
            if Some(i) == self.first {
                let max = s.max_score();
                ratio = if max > 0.0 {
                    (most / max).min(1.0)
                } else {
                    1.0
                };
            }
        }
        (bound + self.within_max * ratio, ratio)
    }
}

impl DocSet for WordScorer {
    fn advance(&mut self) -> DocId {
        self.union.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.union.seek(target)
    }

    fn doc(&self) -> DocId {
        self.union.doc()
    }

    fn size_hint(&self) -> u32 {
        self.union.size_hint()
    }
}

impl Scorer for WordScorer {
    fn score(&mut self) -> Score {
        let doc = self.union.doc();
        let found: Score = self.union.on_doc().map(|s| s.score()).sum();
        let mut within: Score = 0.0;
        for s in &mut self.within {
            if lands_on(s, doc) {
                within += s.score();
            }
        }
        found + within
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Term;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use vankien_ingest::normalize::{exact_key, fold_exact};

    use super::WordQuery;
    use crate::testing::{corpus_index, every_hit as all};

    #[test]
    fn a_word_matches_and_scores_as_the_boolean_union_of_its_terms() {
        let (_dir, index) = corpus_index(&["thai-binh-09-NQ-DH-2020.txt", "57-NQ-TW.txt"]);
        let f = &index.inner().fields;
        let terms = |w: &str| {
            let exact = exact_key(w);
            vec![
                (
                    Term::from_field_text(f.text_folded, &fold_exact(&exact)),
                    1.0,
                ),
                (
                    Term::from_field_text(f.ctx_folded, &fold_exact(&exact)),
                    0.3,
                ),
                (Term::from_field_text(f.text_exact, &exact), 2.0),
            ]
        };
        let boolean = |w: &str| -> Box<dyn Query> {
            let should = terms(w)
                .into_iter()
                .map(|(t, b)| -> (Occur, Box<dyn Query>) {
                    let q = Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                    (Occur::Should, Box::new(BoostQuery::new(q, b)))
                })
                .collect();
            Box::new(BooleanQuery::new(should))
        };
        // The exact spelling as a term within the folded key, as `query` builds a word.
        let word = |w: &str| -> Box<dyn Query> {
            let mut terms = terms(w);
            let exact = terms.split_off(2);
            Box::new(WordQuery::new(terms, exact))
        };
        let and = |a: Box<dyn Query>, b: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![(Occur::Must, a), (Occur::Must, b)]))
        };
        let mut compared = 0;
        // Words of text and headings (`nhiệm vụ`), a rare and a common one, and one absent.
        for (a, b) in [
            ("nhiệm", "vụ"),
            ("hồ", "chứa"),
            ("khoa", "học"),
            ("đổi", "mới"),
            ("thuỷ", "lợi"),
            ("giải", "pháp"),
            ("xyzzy", "học"),
        ] {
            for (want, got) in [
                (all(&index, &*boolean(a)), all(&index, &*word(a))),
                (
                    all(&index, &*and(boolean(a), boolean(b))),
                    all(&index, &*and(word(a), word(b))),
                ),
            ] {
                assert_eq!(want.len(), got.len(), "{a} {b}");
                for (w, g) in want.iter().zip(&got) {
                    assert_eq!(w.0, g.0, "{a} {b}");
                    assert!((w.1 - g.1).abs() < 1e-4, "{a} {b}: {} vs {}", w.1, g.1);
                }
                compared += want.len();
            }
        }
        assert!(compared > 500, "enough matches compared: {compared}");
    }
}
