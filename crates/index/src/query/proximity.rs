//! Proximity: the boosts a run of adjacent typed words earns where its words stand side by side
//! or near each other, in the text or in the headings, kept apart from the finding query so that
//! [`crate::rerank`] looks at them only where they can still change the page.

use tantivy::Term;
use tantivy::query::Query;

use super::Word;
use super::leaf::{bare_phrase_at, term};
use crate::schema::Fields;

/// Score for having the whole run of typed words side by side: a constant, so that every clause
/// with `nông thôn mới` ranks above clauses with the syllables scattered, however often they
/// repeat; then the BM25 of the phrase (times [`PHRASE_BOOST`]) orders those clauses.
pub(crate) const PHRASE_SCORE: f32 = 30.0;
pub(crate) const PHRASE_BOOST: f32 = 2.0;
/// Score for having the run within [`NEAR_SLOP`] positions.
pub(crate) const NEAR_SCORE: f32 = 8.0;
const NEAR_SLOP: u32 = 3;
/// Score, per word, for a run of at least [`CONTEXT_PHRASE_MIN`] words found side by side in the
/// clause's headings: a user who types a heading's words in order means the clauses under it,
/// and the longer the run, the surer that is.
const CONTEXT_PHRASE_SCORE: f32 = 5.0;
const CONTEXT_PHRASE_MIN: usize = 3;
/// Weight of each adjacent pair of the run found side by side.
pub(crate) const PAIR_BOOST: f32 = 0.5;

/// The proximity boosts of one run of adjacent typed words: the run as a phrase, the run within a
/// small slop, each adjacent pair, the run in the headings; and on the exact field when the run
/// was typed with diacritics.
///
/// They are kept apart from the query that finds the clauses, so that they are looked at only on
/// clauses that can still make the page ([`crate::rerank`]); [`Proximity::clauses`] gives them
/// back as the boolean clauses of the single query they mean. The queries here are unboosted:
/// the weights ([`PHRASE_BOOST`], [`PAIR_BOOST`]) and constants go with them.
#[derive(Debug)]
pub struct Proximity {
    /// The run side by side in the text (folded keys). A match earns [`PHRASE_SCORE`], its BM25
    /// times [`PHRASE_BOOST`], and also [`NEAR_SCORE`] (a run side by side is within any slop).
    pub phrase: Box<dyn Query>,
    /// The run side by side in its exact spelling, when typed with diacritics: its BM25 times
    /// [`PHRASE_BOOST`]. Exact keys fold to the folded ones at the same positions, so it can only
    /// match where [`Proximity::phrase`] does.
    pub exact: Option<Box<dyn Query>>,
    /// The run within [`NEAR_SLOP`] positions: [`NEAR_SCORE`].
    pub near: Box<dyn Query>,
    /// The run side by side in the headings, and the constant it earns.
    pub context: Option<(Box<dyn Query>, f32)>,
    /// Each adjacent pair of a run of three words or more: its BM25 times [`PAIR_BOOST`].
    pub pairs: Vec<Box<dyn Query>>,
    /// The run's words in the folded text, in order: the terms of [`Proximity::phrase`], and
    /// pair `i` of [`Proximity::pairs`] is words `i` and `i + 1`.
    pub words: Vec<Term>,
    /// Each word's place in the run as typed (the first's is 0; a word left out, such as a
    /// particle, leaves a gap): the phrase wants word `i` at `places[i]` from the run's start.
    pub places: Vec<u32>,
    /// The run's words in the exact spelling, in order, when typed with diacritics (the terms of
    /// [`Proximity::exact`]); else empty.
    pub exact_words: Vec<Term>,
}

impl Proximity {
    /// The boosts of a run, or `None` for a single word. Each word comes with its place in the
    /// run as typed: a run without its optional words (particles, kind names) keeps their
    /// places as gaps, so that `điện khí và điện gió` still finds its words side by side around
    /// any one word, and `thư … giữ` of `tổng bí thư được giữ chức` pairs at most two apart.
    pub(crate) fn of_run(f: &Fields, ws: &[(usize, &Word)]) -> Option<Proximity> {
        if ws.len() < 2 {
            return None;
        }
        let start = ws[0].0;
        let at = |key: fn(&Word) -> &str| -> Vec<(usize, &str)> {
            ws.iter().map(|(i, w)| (i - start, key(w))).collect()
        };
        let folded = at(|w| w.folded.as_str());
        let exact = at(|w| w.exact.as_str());
        let accented = ws.iter().any(|(_, w)| w.accented);
        Some(Proximity {
            phrase: bare_phrase_at(f.text_folded, &folded, 0),
            exact: accented.then(|| bare_phrase_at(f.text_exact, &exact, 0)),
            near: bare_phrase_at(f.text_folded, &folded, NEAR_SLOP),
            context: (ws.len() >= CONTEXT_PHRASE_MIN).then(|| {
                (
                    bare_phrase_at(f.ctx_folded, &folded, 0),
                    CONTEXT_PHRASE_SCORE * ws.len() as f32,
                )
            }),
            pairs: if ws.len() > 2 {
                folded
                    .windows(2)
                    .map(|pair| {
                        // Words typed apart (a particle between them) may stand side by side
                        // or a little further apart than typed.
                        let gap = pair[1].0 - pair[0].0;
                        let keys = [(0, pair[0].1), (gap, pair[1].1)];
                        bare_phrase_at(f.text_folded, &keys, gap as u32 - 1)
                    })
                    .collect()
            } else {
                Vec::new()
            },
            words: folded.iter().map(|(_, k)| term(f.text_folded, k)).collect(),
            places: folded.iter().map(|&(i, _)| i as u32).collect(),
            exact_words: match accented {
                true => exact.iter().map(|(_, k)| term(f.text_exact, k)).collect(),
                false => Vec::new(),
            },
        })
    }

    /// The boosts as optional clauses of one boolean query (for [`super::build`], the reference
    /// of the tests).
    #[cfg(test)]
    pub fn clauses(&self) -> super::build::Clauses {
        use super::build::Clauses;
        use super::leaf::boosted;
        use super::no_danger::NoDanger;
        use tantivy::query::{ConstScoreQuery, Occur};

        let guarded = |q: &dyn Query| -> Box<dyn Query> { Box::new(NoDanger(q.box_clone())) };
        let constant = |q: &dyn Query, score: f32| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(guarded(q), score))
        };
        let weighted = |q: &dyn Query, boost: f32| boosted(guarded(q), boost);
        let mut out: Clauses = vec![
            (Occur::Should, constant(&*self.phrase, PHRASE_SCORE)),
            (Occur::Should, weighted(&*self.phrase, PHRASE_BOOST)),
        ];
        if let Some(exact) = &self.exact {
            out.push((Occur::Should, weighted(&**exact, PHRASE_BOOST)));
        }
        out.push((Occur::Should, constant(&*self.near, NEAR_SCORE)));
        if let Some((ctx, score)) = &self.context {
            out.push((Occur::Should, constant(&**ctx, *score)));
        }
        for pair in &self.pairs {
            out.push((Occur::Should, weighted(&**pair, PAIR_BOOST)));
        }
        out
    }
}
