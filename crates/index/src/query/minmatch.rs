//! A query that matches where at least `min` of its parts match, scored as the sum of the parts
//! that do: what a relaxed search asks when no clause has every word.
//!
//! tantivy's `BooleanQuery::with_minimum_required_clauses` does the same by walking the union of
//! every part through a heap and counting, so that asking whether any clause has 11 of 12 common
//! words visits every clause that has one of them. Here, as Lucene's `MinShouldMatchSumScorer`
//! does, a clause with `min` of `n` parts must have one of any `n - min + 1` of them: the union
//! of the `n - min + 1` rarest parts gives the candidates, and the others are only sought at
//! those. The closer `min` is to `n`, the fewer candidates.
//!
//! A long query asks this of its content words by default ([`required`]); each part a clause has
//! then also adds a constant ([`MinMatchQuery::with_cover`]), so that clauses are ranked first by
//! how many of the words they have, then by their scores.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::word::{Union, lands_on};

/// How many of a query's `n` content words (syllables) a clause must have: all of up to four
/// (two words of two syllables, the common length of a term: `cải cách hành chính`), all but
/// one of five or six, three quarters (rounded up) of more. Measured on the relevance suite's
/// questions, MRR 0.818 against 0.791 when every word is required and 0.786 with two thirds
/// beyond six; all but one from four words on measured the same.
pub(crate) fn required(n: usize) -> usize {
    match n {
        0..=4 => n,
        5..=6 => n - 1,
        _ => (n * 3).div_ceil(4),
    }
}

/// Matches where at least `min` of `parts` match.
#[derive(Debug)]
pub(crate) struct MinMatchQuery {
    parts: Vec<Box<dyn Query>>,
    min: usize,
    cover: Score,
    all: Score,
}

impl MinMatchQuery {
    /// At least `min` (1 or more) of `parts`.
    pub fn new(parts: Vec<Box<dyn Query>>, min: usize) -> MinMatchQuery {
        MinMatchQuery {
            parts,
            min: min.max(1),
            cover: 0.0,
            all: 0.0,
        }
    }

    /// The same, adding `cover` to the score for each part that matches, and `all` where every
    /// part does.
    pub fn with_cover(self, cover: Score, all: Score) -> MinMatchQuery {
        MinMatchQuery { cover, all, ..self }
    }
}

impl Clone for MinMatchQuery {
    fn clone(&self) -> Self {
        MinMatchQuery {
            parts: self.parts.iter().map(|p| p.box_clone()).collect(),
            min: self.min,
            cover: self.cover,
            all: self.all,
        }
    }
}

impl Query for MinMatchQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .parts
            .iter()
            .map(|p| p.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(MinMatchWeight {
            weights,
            min: self.min,
            cover: self.cover,
            all: self.all,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for p in &self.parts {
            p.query_terms(visitor);
        }
    }
}

struct MinMatchWeight {
    weights: Vec<Box<dyn Weight>>,
    min: usize,
    cover: Score,
    all: Score,
}

impl Weight for MinMatchWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            let s = w.scorer(reader, boost)?;
            // A part with no match in the segment can never count.
            if s.doc() != TERMINATED {
                parts.push(s);
            }
        }
        if parts.len() < self.min {
            return Ok(Box::new(EmptyScorer));
        }
        // The rarest parts lead.
        parts.sort_by_key(|s| s.size_hint());
        let others = parts.split_off(parts.len() - self.min + 1);
        let mut scorer = MinMatchScorer {
            lead: Union::new(parts),
            others,
            min: self.min,
            cover: self.cover,
            all: self.all,
            every: self.weights.len(),
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched: Vec<Explanation> = self
            .weights
            .iter()
            .filter_map(|w| w.explain(reader, doc).ok())
            .collect();
        if matched.len() < self.min {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        let every = if matched.len() == self.weights.len() {
            self.all
        } else {
            0.0
        };
        let total = matched.iter().map(Explanation::value).sum::<Score>()
            + self.cover * matched.len() as Score
            + every;
        let mut out = Explanation::new("sum of the parts that match, and a constant each", total);
        for e in matched {
            out.add_detail(e);
        }
        Ok(out)
    }
}

/// The scorer: candidates from the union of `lead`, the `others` sought at each candidate.
struct MinMatchScorer {
    lead: Union<Box<dyn Scorer>>,
    others: Vec<Box<dyn Scorer>>,
    min: usize,
    cover: Score,
    all: Score,
    /// How many parts the query has (also those with no match in the segment).
    every: usize,
}

impl MinMatchScorer {
    /// Moves the leads on from their current document to the first that has `min` parts.
    fn settle(&mut self) -> DocId {
        loop {
            let d = self.lead.doc();
            if d == TERMINATED {
                return TERMINATED;
            }
            let mut count = self.lead.on_doc().count();
            let mut left = self.others.len();
            for s in &mut self.others {
                if count >= self.min || count + left < self.min {
                    break;
                }
                left -= 1;
                count += usize::from(lands_on(&mut **s, d));
            }
            if count >= self.min {
                return d;
            }
            self.lead.advance();
        }
    }
}

impl DocSet for MinMatchScorer {
    fn advance(&mut self) -> DocId {
        self.lead.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.lead.doc() >= target {
            return self.lead.doc();
        }
        self.lead.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.lead.doc()
    }

    fn size_hint(&self) -> u32 {
        self.lead.size_hint()
    }
}

impl Scorer for MinMatchScorer {
    fn score(&mut self) -> Score {
        let doc = self.lead.doc();
        let (mut score, mut count): (Score, usize) = (0.0, 0);
        for s in self.lead.on_doc() {
            score += s.score();
            count += 1;
        }
        // `settle` may have stopped seeking once it counted enough.
        for s in &mut self.others {
            if lands_on(&mut **s, doc) {
                score += s.score();
                count += 1;
            }
        }
        let every = if count == self.every { self.all } else { 0.0 };
        score + self.cover * count as Score + every
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Term;
    use tantivy::query::{BooleanQuery, Occur, Query};
    use vankien_ingest::normalize::folded_key;

    use super::MinMatchQuery;
    use crate::query::word::WordQuery;
    use crate::testing::{corpus_index, every_hit as all};

    /// For every `min`, the same clauses with the same scores as tantivy's boolean query with
    /// that many required clauses.
    #[test]
    fn matches_and_scores_as_the_boolean_query_with_a_minimum() {
        let (_dir, index) = corpus_index(&[
            "thai-binh-09-NQ-DH-2020.txt",
            "57-NQ-TW.txt",
            "20-NQ-TW.txt",
        ]);
        let f = &index.inner().fields;
        let word = |w: &str| -> Box<dyn Query> {
            let key = folded_key(w);
            Box::new(WordQuery::new(
                vec![
                    (Term::from_field_text(f.text_folded, &key), 1.0),
                    (Term::from_field_text(f.ctx_folded, &key), 0.3),
                ],
                Vec::new(),
            ))
        };
        let mut compared = 0;
        for words in [
            "phát triển nông thôn mới hồ chứa",
            "khoa học công nghệ đổi mới sáng tạo xyzzy",
            "của và các",
            "giáo dục đào tạo",
        ] {
            let ws: Vec<&str> = words.split(' ').collect();
            for min in 1..=ws.len() + 1 {
                let parts = || ws.iter().map(|w| word(w)).collect::<Vec<_>>();
                let should = parts().into_iter().map(|q| (Occur::Should, q)).collect();
                let want = all(
                    &index,
                    &BooleanQuery::with_minimum_required_clauses(should, min),
                );
                let got = all(&index, &MinMatchQuery::new(parts(), min));
                assert_eq!(want.len(), got.len(), "{words}: {min}");
                for (w, g) in want.iter().zip(&got) {
                    assert_eq!(w.0, g.0, "{words}: {min}");
                    assert!(
                        (w.1 - g.1).abs() < 1e-4,
                        "{words}: {min}: {} vs {}",
                        w.1,
                        g.1
                    );
                }
                compared += want.len();
            }
        }
        assert!(compared > 1_000, "enough matches compared: {compared}");
    }
}
