//! The boosts' cursors in one segment: each proximity run's phrases and its words' counts, and
//! the completions after the word before an unfinished word, asked about clauses in ascending
//! order, with the bounds of what they can add to one clause or to a stretch of clauses.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

use super::{BOUND_SLACK, Bound, Scored, padded};
use crate::query::word::lands_on;
use crate::query::{NEAR_SCORE, PHRASE_SCORE};

/// A boost's scorer in one segment, asked about documents in ascending order.
pub(super) struct Cursor {
    scorer: Box<dyn Scorer>,
    /// No document below this one matches (what the last look-up told).
    floor: DocId,
}

impl Cursor {
    pub(super) fn new(
        weight: &dyn Weight,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Cursor> {
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
    pub(super) fn at(&mut self, doc: DocId) -> Option<Score> {
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
pub(super) struct Count(Option<SegmentPostings>);

impl Count {
    pub(super) fn new(reader: &SegmentReader, term: &Term) -> tantivy::Result<Count> {
        let index = reader.inverted_index(term.field())?;
        Ok(Count(
            index.read_postings(term, IndexRecordOption::WithFreqs)?,
        ))
    }

    pub(super) fn at(&mut self, doc: DocId) -> u32 {
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
pub(super) fn norms(
    reader: &SegmentReader,
    scored: Option<&Scored>,
) -> tantivy::Result<FieldNormReader> {
    let norms = match scored.and_then(|s| s.field) {
        Some(field) => reader.fieldnorms_readers().get_field(field)?,
        None => None,
    };
    Ok(norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)))
}

pub(super) struct RunCursors {
    pub(super) phrase: PhraseCursor,
    pub(super) exact: Option<PhraseCursor>,
    pub(super) near: Cursor,
    /// The headings' boost, with the constant it adds where it matches.
    pub(super) context: Option<(Cursor, Score)>,
    pub(super) pairs: Vec<PhraseCursor>,
    /// The run's words' counts, in order.
    pub(super) words: Vec<Count>,
    /// Their counts in the clause at hand (a buffer kept from clause to clause).
    pub(super) counts: Vec<u32>,
    pub(super) norms: FieldNormReader,
    pub(super) exact_norms: FieldNormReader,
    pub(super) max: Score,
    /// What the run can add to the clause at hand, found by [`RunCursors::bound`].
    pub(super) doc: DocBound,
    /// The largest BM25 of the phrase, the exact phrase and each pair, and the headings'
    /// constant: for [`RunCursors::stretch_bound`].
    pub(super) maxes: (Score, Score, Vec<Score>, Score),
}

/// A phrase's cursor in a segment and its weights, to bound its score in one clause.
pub(super) struct PhraseCursor {
    pub(super) cursor: Cursor,
    pub(super) bm25: Option<Bm25Weight>,
    pub(super) boost: Score,
}

impl PhraseCursor {
    /// The most the phrase can give in a clause of length `fieldnorm_id` where it occurs at
    /// most `count` times. BM25 grows with the count, and the phrase's count is at most that of
    /// each of its words.
    pub(super) fn bound(&self, fieldnorm_id: u8, count: u32) -> Score {
        match (&self.bm25, count) {
            (Some(w), 1..) => padded(w.score(fieldnorm_id, count) * self.boost),
            _ => 0.0,
        }
    }
}

/// What one run can add to one clause, bounded from its words' counts in the clause.
#[derive(Default)]
pub(super) struct DocBound {
    /// Whether every word of the run is in the clause's text: else neither the phrase nor the
    /// words near each other can match.
    pub(super) all_words: bool,
    pub(super) phrase: Score,
    pub(super) exact: Score,
    /// One bound per pair.
    pub(super) pairs: Vec<Score>,
    /// The most the run can add when its words are not side by side.
    pub(super) apart: Score,
    /// The most the run can add.
    pub(super) max: Score,
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
    pub(super) fn stretch_bound(&self, ratios: &[Score], end: DocId) -> Bound {
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
    pub(super) fn bound(&mut self, doc: DocId) -> Score {
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
pub(super) struct AfterCursors {
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
    pub(super) fn new(
        reader: &SegmentReader,
        prev: &Term,
        keys: &[Term],
    ) -> tantivy::Result<AfterCursors> {
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
    pub(super) fn bound(&mut self, doc: DocId) -> Score {
        match self.prev.as_mut().is_some_and(|p| lands_on(p, doc)) {
            true => PHRASE_SCORE + BOUND_SLACK,
            false => 0.0,
        }
    }

    /// Whether a completion stands right after the word before in `doc`: the word before's
    /// positions are read once, then each completion's in the clause, until one follows it
    /// (what the phrase of each pair finds, without reading the word before's positions again
    /// for each of up to 50 completions).
    pub(super) fn at(&mut self, doc: DocId) -> bool {
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
