//! One query word as a single, cheap docset: the union of its two or three term postings (the
//! folded text, the headings, the exact spelling), each with its weight.
//!
//! A tantivy `BooleanQuery` of `Should` term clauses does the same, but its union scorer buffers
//! a window of 4,096 documents and refills it on every `seek`; inside an intersection, where a
//! word is sought far more often than advanced, that refill was a quarter of all query time.
//! Here the union is the smallest current document of two or three term scorers, and a seek
//! moves only the scorers behind the target. Scores are the sum of the matching terms' BM25
//! times their weights, as the boolean query gives.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
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
}

impl Query for WordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
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
        Ok(Box::new(WordWeight {
            terms: weigh(&self.terms)?,
            within: weigh(&self.within)?,
            scoring: scoring.is_scoring_enabled(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in self.terms.iter().chain(&self.within) {
            visitor(term, false);
        }
    }
}

struct WordWeight {
    /// Each term with its BM25 weight, its boost applied.
    terms: Vec<(Term, Bm25Weight)>,
    /// The same for the terms within the first.
    within: Vec<(Term, Bm25Weight)>,
    scoring: bool,
}

impl WordWeight {
    /// The scorers of the terms present in the segment, each on its first document. They are
    /// tantivy's own `TermScorer`s, held by value, so that the union's many `doc()` and
    /// `score()` calls are direct calls, not calls through a `Box<dyn Scorer>`.
    fn term_scorers(
        &self,
        terms: &[(Term, Bm25Weight)],
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Vec<TermScorer>> {
        let option = if self.scoring {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let mut subs = Vec::with_capacity(terms.len());
        for (term, bm25) in terms {
            let inverted = reader.inverted_index(term.field())?;
            let Some(info) = inverted.get_term_info(term)? else {
                continue;
            };
            let postings = inverted.read_postings_from_terminfo(&info, option)?;
            let norms = match self.scoring {
                true => reader.fieldnorms_readers().get_field(term.field())?,
                false => None,
            };
            let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
            let scorer = TermScorer {
                postings,
                norms,
                bm25: bm25.boost_by(boost),
            };
            if scorer.doc() != TERMINATED {
                subs.push(scorer);
            }
        }
        Ok(subs)
    }
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let subs = self.term_scorers(&self.terms, reader, boost)?;
        let within = match self.scoring {
            true => self.term_scorers(&self.within, reader, boost)?,
            false => Vec::new(),
        };
        Ok(Box::new(WordScorer {
            union: Union::new(subs),
            within,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let explained = |terms| -> tantivy::Result<Vec<Explanation>> {
            Ok(self
                .term_scorers(terms, reader, 1.0)?
                .into_iter()
                .filter_map(|mut s| (s.seek(doc) == doc).then(|| s.explain()))
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

/// One term's postings, scored as tantivy's `TermScorer` scores them (which tantivy does not
/// export), held by value in [`WordScorer`]: the union's many `doc()` and `score()` calls are
/// then direct, inlined calls, not calls through a `Box<dyn Scorer>` (they were a fifth of all
/// query time).
struct TermScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    bm25: Bm25Weight,
}

impl TermScorer {
    #[inline]
    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.bm25
            .score(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }

    fn explain(&self) -> Explanation {
        let doc = self.postings.doc();
        self.bm25
            .explain(self.norms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

impl DocSet for TermScorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
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
struct WordScorer {
    union: Union<TermScorer>,
    /// Scorers of the terms within the first, moved only when a score is asked.
    within: Vec<TermScorer>,
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
