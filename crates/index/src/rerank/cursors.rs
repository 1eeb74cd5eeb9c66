//! The boosts' cursors in one segment: each proximity run's words and phrases, and
//! the completions after the word before an unfinished word, asked about clauses in ascending
//! order, with the bounds of what they can add to one clause or to a stretch of clauses.

use std::ops::Range;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

use super::{BOUND_SLACK, Bound, RunWeights, Scored, padded};
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

/// A run's words in one segment, asked about clauses in ascending order: how often each occurs
/// in the clause at hand and, read once a clause when a boost asks, where. The phrase and the
/// pairs of words typed side by side are found from that one read of each word's positions, not
/// by a phrase scorer each, which would walk the same words' postings again and read their
/// positions once for the phrase and once more for each pair.
pub(super) struct RunWords {
    /// Each word's postings, with positions (`None` when no clause of the segment has it).
    postings: Vec<Option<SegmentPostings>>,
    /// Each word's place in the run as typed ([`crate::query::Proximity::places`]).
    places: Vec<u32>,
    /// Each word's count in the clause last counted.
    counts: Vec<u32>,
    /// The clause last counted.
    counted: Option<DocId>,
    /// Each word's positions, moved to where the run would start plus the last word's place (so
    /// that words side by side as typed hold the same value), and the clause they were read in.
    positions: Vec<(Option<DocId>, Vec<u32>)>,
    /// The values found in every word so far, while a phrase is matched.
    meet: Vec<u32>,
}

impl RunWords {
    fn new(reader: &SegmentReader, terms: &[Term], places: &[u32]) -> tantivy::Result<RunWords> {
        let mut postings = Vec::with_capacity(terms.len());
        for t in terms {
            let index = reader.inverted_index(t.field())?;
            postings.push(index.read_postings(t, IndexRecordOption::WithFreqsAndPositions)?);
        }
        Ok(RunWords {
            positions: terms.iter().map(|_| (None, Vec::new())).collect(),
            counts: Vec::with_capacity(terms.len()),
            counted: None,
            places: places.to_vec(),
            postings,
            meet: Vec::new(),
        })
    }

    /// Each word's count in `doc`, 0 where it is not there.
    fn count(&mut self, doc: DocId) -> &[u32] {
        self.counts.clear();
        self.counts
            .extend(self.postings.iter_mut().map(|p| match p {
                Some(p) => match lands_on(p, doc) {
                    true => p.term_freq(),
                    false => 0,
                },
                None => 0,
            }));
        self.counted = Some(doc);
        &self.counts
    }

    /// No clause before this one, from the clause last counted on, holds all of `words`: where
    /// their postings stand, or the end when one is not in the segment.
    fn floor(&self, words: Range<usize>) -> DocId {
        self.postings[words]
            .iter()
            .map(|p| p.as_ref().map_or(TERMINATED, |p| p.doc()))
            .max()
            .unwrap_or(TERMINATED)
    }

    /// How often `words` stand side by side as typed in `doc`, the clause last counted: what
    /// tantivy's phrase scorer without slop counts (the start places where every word is at its
    /// place), from each word's positions read once a clause.
    fn side_by_side(&mut self, doc: DocId, words: Range<usize>) -> u32 {
        if self.counted != Some(doc) || self.counts[words.clone()].contains(&0) {
            return 0;
        }
        let last = self.places[self.places.len() - 1];
        for i in words.clone() {
            let (read, at) = &mut self.positions[i];
            if *read != Some(doc) {
                if let Some(p) = &mut self.postings[i] {
                    p.positions_with_offset(last - self.places[i], at);
                }
                *read = Some(doc);
            }
        }
        let meet = &mut self.meet;
        meet.clear();
        meet.extend_from_slice(&self.positions[words.start].1);
        for i in words.start + 1..words.end {
            let other = &self.positions[i].1;
            let mut j = 0;
            meet.retain(|v| {
                while j < other.len() && other[j] < *v {
                    j += 1;
                }
                j < other.len() && other[j] == *v
            });
            if meet.is_empty() {
                break;
            }
        }
        meet.len() as u32
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

/// One proximity run's boosts in a segment.
pub(super) struct RunCursors {
    phrase: PhraseCursor,
    /// The exact phrase, and the run's words in the exact spelling it is found from.
    exact: Option<(PhraseCursor, RunWords)>,
    near: Cursor,
    /// The headings' boost, with the constant it adds where it matches.
    context: Option<(Cursor, Score)>,
    pairs: Vec<PhraseCursor>,
    /// The run's words.
    words: RunWords,
    norms: FieldNormReader,
    exact_norms: FieldNormReader,
    /// The most the run can add to any clause.
    pub(super) max: Score,
    /// What the run can add to the clause at hand, found by [`RunCursors::bound`].
    pub(super) doc: DocBound,
    /// The largest BM25 of the phrase, the exact phrase and each pair, and the headings'
    /// constant: for [`RunCursors::stretch_bound`].
    maxes: (Score, Score, Vec<Score>, Score),
}

/// A phrase's cursor in a segment and its weights, to bound its score in one clause.
struct PhraseCursor {
    /// Its scorer; `None` for words typed side by side (the phrase, the exact phrase, the
    /// pairs typed side by side), found from the run's words ([`RunWords::side_by_side`]).
    cursor: Option<Cursor>,
    /// The run's words it is made of.
    words: Range<usize>,
    bm25: Option<Bm25Weight>,
    /// `bm25` times `boost`: the score tantivy's phrase scorer gives.
    scoring: Option<Bm25Weight>,
    boost: Score,
}

impl PhraseCursor {
    /// The phrase of `scored`, made of the run's `words`, through its own scorer when it has
    /// one.
    fn new(
        reader: &SegmentReader,
        scored: &Scored,
        words: Range<usize>,
    ) -> tantivy::Result<PhraseCursor> {
        Ok(PhraseCursor {
            cursor: match &scored.weight {
                Some(w) => Some(Cursor::new(&**w, reader, scored.boost)?),
                None => None,
            },
            words,
            scoring: scored.bm25.as_ref().map(|w| w.boost_by(scored.boost)),
            bm25: scored.bm25.clone(),
            boost: scored.boost,
        })
    }

    /// The most the phrase can give in a clause of length `fieldnorm_id` where it occurs at
    /// most `count` times. BM25 grows with the count, and the phrase's count is at most that of
    /// each of its words.
    fn bound(&self, fieldnorm_id: u8, count: u32) -> Score {
        match (&self.bm25, count) {
            (Some(w), 1..) => padded(w.score(fieldnorm_id, count) * self.boost),
            _ => 0.0,
        }
    }

    /// No clause before this one matches, from the clause last looked at on.
    fn floor(&self, words: &RunWords) -> DocId {
        match &self.cursor {
            Some(c) => c.floor,
            None => words.floor(self.words.clone()),
        }
    }

    /// Its score in `doc` (of length `fieldnorm_id`), where it matches.
    fn at(&mut self, words: &mut RunWords, doc: DocId, fieldnorm_id: u8) -> Option<Score> {
        match &mut self.cursor {
            Some(c) => c.at(doc),
            None => match words.side_by_side(doc, self.words.clone()) {
                0 => None,
                count => Some(
                    self.scoring
                        .as_ref()
                        .map_or(1.0, |w| w.score(fieldnorm_id, count)),
                ),
            },
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
    pub(super) fn new(reader: &SegmentReader, r: &RunWeights) -> tantivy::Result<RunCursors> {
        let n = r.words.len();
        Ok(RunCursors {
            phrase: PhraseCursor::new(reader, &r.phrase, 0..n)?,
            exact: match &r.exact {
                Some(e) => Some((
                    PhraseCursor::new(reader, e, 0..n)?,
                    RunWords::new(reader, &r.exact_words, &r.places)?,
                )),
                None => None,
            },
            near: Cursor::new(&*r.near, reader, 1.0)?,
            context: match &r.context {
                Some((w, score)) => Some((Cursor::new(&**w, reader, 1.0)?, *score)),
                None => None,
            },
            pairs: (r.pairs.iter().enumerate())
                .map(|(i, p)| PhraseCursor::new(reader, p, i..i + 2))
                .collect::<tantivy::Result<_>>()?,
            words: RunWords::new(reader, &r.words, &r.places)?,
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
        })
    }

    /// The phrase's score in `doc`, the clause last bounded, where its words stand side by
    /// side.
    pub(super) fn phrase_at(&mut self, doc: DocId) -> Option<Score> {
        let norm = self.norms.fieldnorm_id(doc);
        self.phrase.at(&mut self.words, doc, norm)
    }

    /// The exact phrase's score in `doc`, where it matches: from its words' positions in the
    /// exact spelling, read once a clause like the folded ones.
    pub(super) fn exact_at(&mut self, doc: DocId) -> Option<Score> {
        let norm = self.exact_norms.fieldnorm_id(doc);
        let (phrase, words) = self.exact.as_mut()?;
        words.count(doc);
        phrase.at(words, doc, norm)
    }

    /// Whether the run is near in `doc`.
    pub(super) fn near_at(&mut self, doc: DocId) -> bool {
        self.near.at(doc).is_some()
    }

    /// The headings' constant, where the run is side by side in `doc`'s headings.
    pub(super) fn context_at(&mut self, doc: DocId) -> Option<Score> {
        let (cursor, adds) = self.context.as_mut()?;
        cursor.at(doc).map(|_| *adds)
    }

    /// The headings' constant, if the run has one.
    pub(super) fn context(&self) -> Option<Score> {
        self.context.as_ref().map(|c| c.1)
    }

    /// Pair `i`'s score in `doc`, 0 where its words are not side by side.
    pub(super) fn pair_at(&mut self, i: usize, doc: DocId) -> Score {
        let norm = self.norms.fieldnorm_id(doc);
        self.pairs[i].at(&mut self.words, doc, norm).unwrap_or(0.0)
    }

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
        let may_phrase = |p: &PhraseCursor| p.floor(&self.words) <= end;
        let least = ratios.iter().copied().fold(1.0, Score::min);
        let mut apart = BOUND_SLACK;
        if self.context.as_ref().is_some_and(|(c, _)| may(c)) {
            apart += context;
        }
        for (i, most) in pairs.iter().enumerate() {
            if may_phrase(&self.pairs[i]) {
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
        match may_phrase(&self.phrase) {
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
        let counts = self.words.count(doc);
        let least = counts.iter().copied().min().unwrap_or(0);
        let norm = self.norms.fieldnorm_id(doc);
        let b = &mut self.doc;
        b.all_words = least > 0;
        b.phrase = self.phrase.bound(norm, least);
        b.exact = match &self.exact {
            // Where the exact phrase is, the folded one is too: it is no more frequent.
            Some((e, _)) => e.bound(self.exact_norms.fieldnorm_id(doc), least),
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
