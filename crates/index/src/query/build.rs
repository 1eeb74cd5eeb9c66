//! The building of tantivy queries from a parsed query: each word a [`WordQuery`] (folded keys
//! for recall, the exact spelling scored higher), document numbers, abbreviations in either form,
//! phrases, exclusions and the request's filters; the proximity boosts apart ([`Proximity`]).

use std::sync::Arc;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use vankien_ingest::ClauseKind;
use vankien_ingest::docnum::{self, DocNumber};

use super::filters::{filters, has_filters};
use super::leaf::{boosted, filter, phrase, scored_term, term};
use super::minmatch::{self, MinMatchQuery};
use super::prefix::{PrefixCache, PrefixQuery};
use super::proximity::Proximity;
use super::roles::{Role, query_roles};
use super::word::WordQuery;
use super::{Item, ParsedQuery, Word};
use crate::abbrev;
use crate::schema::{FLAG_LEAD, Fields};
use crate::{IndexError, QueryError, SearchRequest};

/// Weight of an exact-spelling match over the folded one, when the query has diacritics.
const EXACT_BOOST: f32 = 2.0;
/// Weight of a query word found in the clause's context (headings) rather than its text.
const CONTEXT_BOOST: f32 = 0.3;
/// Score of a document-number match on the number's own document: a constant far above any
/// text score, so the document itself ranks above every clause that cites it.
const DOCNUM_SCORE: f32 = 1000.0;
/// Extra score for the first clause of a document found by its number alone.
const LEAD_SCORE: f32 = 200.0;
/// Weight of a question particle or function word (`không`, `là`, `của` …) where a clause has
/// it: it counts as a word there (measured against 0, 0.2, 0.5 and 2 on the relevance suite),
/// but a clause without it is never left out for that.
const PARTICLE_BOOST: f32 = 1.0;
/// Weight of a word naming a clause kind (`bài học`) where a clause or its headings have it.
const KIND_WORD_BOOST: f32 = 1.0;
/// Score of a clause of the kind a query names: more than its words side by side earn
/// ([`crate::query::PHRASE_SCORE`] and the rest of [`Proximity`]), so that `bài học về đời sống nhân dân`
/// ranks the lesson above a task that has `đời sống nhân dân` as typed; less than
/// [`ALL_SCORE`], so that the kind never outweighs a missing word (measured: 6, 12, 20, 30,
/// 50, 100 and 300).
const KIND_SCORE: f32 = 100.0;
/// Score of each content word a clause has, when a long query needs only most of them: about
/// one common word's worth, so that having more of the words counts, but a clause that has
/// fewer of them side by side can still rank above one that has them scattered.
const COVER_SCORE: f32 = 5.0;
/// Score of a clause that has every content word of a long query: more than any clause's
/// scores can differ by, so that those clauses rank first.
const ALL_SCORE: f32 = 1000.0;

/// The clauses of a boolean query.
pub type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// A word, required: found in the text (folded) or the context, scored higher on its exact
/// spelling when typed with diacritics. One [`WordQuery`], whose union is cheap to seek.
fn word_query(f: &Fields, w: &Word) -> Box<dyn Query> {
    Box::new(plain_word(f, w))
}

/// The [`WordQuery`] of [`word_query`], unboxed, for the pruned search of [`Pruning`].
fn plain_word(f: &Fields, w: &Word) -> WordQuery {
    let terms = vec![
        (term(f.text_folded, &w.folded), 1.0),
        (term(f.ctx_folded, &w.folded), CONTEXT_BOOST),
    ];
    // The exact spelling is in the text only where the folded key is.
    let exact = match w.accented {
        true => vec![(term(f.text_exact, &w.exact), EXACT_BOOST)],
        false => Vec::new(),
    };
    WordQuery::new(terms, exact)
}

/// The finding query of [`Split::query`] taken apart, for a search that skips the blocks of
/// clauses that cannot make the page ([`crate::prune`]): built only for the queries whose every
/// part it knows how to bound. The score of a clause is the sum of its required words (and
/// unfinished word), its optional words and constants, as the boolean query sums them.
pub(crate) struct Pruning {
    /// The required words.
    pub words: Vec<WordQuery>,
    /// The required unfinished last word, if any.
    pub prefix: Option<PrefixQuery>,
    /// Required filters (scoring 0) and exclusions: the clauses of the query that are neither
    /// words nor optional.
    pub filters: Clauses,
    /// Optional words (particles, kind names), each with its weight.
    pub optional: Vec<(WordQuery, f32)>,
    /// Optional clauses of a constant score where they match (a clause kind the query names).
    pub constants: Vec<(Box<dyn Query>, f32)>,
    /// Set when the finding query needs only some of the words ([`MinMatchQuery`]): `words`
    /// are then all of them, the part of the query a clause with every word matches.
    pub all_words: Option<AllWords>,
}

/// What a clause scores for having words of a query that needs only some of them
/// ([`MinMatchQuery::with_cover`]): once no clause lacking a word can make the page, the walk
/// takes every word as required ([`crate::prune::walk_relaxed`]), adding `bonus` to each match.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AllWords {
    /// What a clause with every word adds: the constant of each word and of having them all.
    pub bonus: f32,
    /// The most a clause lacking a word adds: the constants of the others.
    pub lacking: f32,
}

/// A unit of a query as [`Pruning`] takes it, when it can.
enum Plain {
    Word(WordQuery),
    Prefix(PrefixQuery),
}

/// The unfinished word right after `prev` as typed, as any of its completions `keys`: scored
/// as a phrase match ([`crate::query::PHRASE_SCORE`]), so that `chuyen doi s` ranks `chuyển đổi số` above a
/// clause with `chuyển đổi` and some other word in `s`. A search looks at it only where it can
/// change the page ([`crate::rerank`], [`Split::after`]); the single query of [`build`] has it
/// as a clause.
pub struct After {
    /// The word typed before, in the folded text.
    pub prev: tantivy::Term,
    /// Each completion in the folded text, most frequent first.
    pub keys: Vec<tantivy::Term>,
    /// Each completion right after it, as a phrase (the clause of the single query).
    #[cfg(test)]
    pub pairs: Vec<Box<dyn Query>>,
}

impl After {
    fn new(f: &Fields, prev: &Word, keys: &[String]) -> After {
        After {
            prev: term(f.text_folded, &prev.folded),
            keys: keys.iter().map(|k| term(f.text_folded, k)).collect(),
            #[cfg(test)]
            pairs: keys
                .iter()
                .map(|k| {
                    super::leaf::bare_phrase(f.text_folded, &[prev.folded.as_str(), k.as_str()], 0)
                })
                .collect(),
        }
    }

    /// The clause of the single query it means.
    #[cfg(test)]
    fn clause(&self) -> (Occur, Box<dyn Query>) {
        use super::no_danger::NoDanger;
        use super::proximity::PHRASE_SCORE;
        use tantivy::query::DisjunctionMaxQuery;
        let pairs = self
            .pairs
            .iter()
            .map(|q| -> Box<dyn Query> { Box::new(NoDanger(q.box_clone())) })
            .collect();
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(DisjunctionMaxQuery::new(pairs)),
                PHRASE_SCORE,
            )),
        )
    }
}

/// Every clause of the document with `number`, strongly boosted, its first clause more.
fn docnum_query(f: &Fields, number: &DocNumber, alone: bool) -> Option<Box<dyn Query>> {
    let key = number.query_key()?;
    let on_doc = || -> Box<dyn Query> {
        Box::new(TermQuery::new(
            term(f.docnum, &key),
            IndexRecordOption::Basic,
        ))
    };
    let lead = BooleanQuery::new(vec![
        (Occur::Must, filter(on_doc())),
        (
            Occur::Must,
            filter(Box::new(TermQuery::new(
                term(f.flags, FLAG_LEAD),
                IndexRecordOption::Basic,
            ))),
        ),
    ]);
    let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Should,
        Box::new(ConstScoreQuery::new(on_doc(), DOCNUM_SCORE)),
    )];
    if alone {
        should.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(lead), LEAD_SCORE)),
        ));
    }
    Some(Box::new(BooleanQuery::new(should)))
}

/// Builds the tantivy query of a parsed query and the request's filters, proximity boosts
/// included: the query whose ranking [`build_split`] and [`crate::rerank`] reproduce. Searches
/// use [`build_split`]; this is the reference the tests compare them with.
#[cfg(test)]
pub fn build(
    f: &Fields,
    parsed: &ParsedQuery,
    req: &SearchRequest,
    doc_filter: Option<Box<dyn Query>>,
    widen: &Widen,
) -> Result<Box<dyn Query>, IndexError> {
    let Parts {
        mut clauses,
        proximity,
        after,
        ..
    } = parts(f, parsed, req, doc_filter, widen)?;
    for p in &proximity {
        clauses.extend(p.clauses());
    }
    clauses.extend(after.as_ref().map(After::clause));
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// How the words of a query are loosened or tightened. The default requires what
/// [`minmatch::required`] asks of its content words.
#[derive(Debug, Clone, Copy, Default)]
pub struct Widen<'a> {
    /// A clause needs only this many of the query's word units, not the number
    /// [`minmatch::required`] asks of them. Words typed in full for an abbreviation are then
    /// units of their own (see [`Split::word_units`]); `usize::MAX` requires every unit.
    pub min_words: Option<usize>,
    /// The query's last word ([`ParsedQuery::last_word`]) matches as the start of words,
    /// unless it is part of a document number or an abbreviation.
    pub completions: Option<Completion<'a>>,
    /// Every unit is required, also of a long query (whether any clause has every word).
    pub all_words: bool,
}

/// An unfinished last word: what it starts, matched as any word that starts so ([`PrefixQuery`]),
/// and its most frequent completions, which rank first where they follow the word before it.
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    /// The folded start typed.
    pub prefix: &'a str,
    /// The most frequent folded words it starts.
    pub keys: &'a [String],
    /// The index's sets of clauses by prefix.
    pub cache: &'a Arc<PrefixCache>,
}

/// The query that finds the clauses, apart from its proximity boosts ([`build_split`]).
pub struct Split {
    /// Words, phrases, numbers, exclusions and filters: every required part, with the scores of
    /// its words.
    pub query: Box<dyn Query>,
    /// The proximity boosts of each run of typed words.
    pub proximity: Vec<Proximity>,
    /// The boost of an unfinished last word's completions right after the word before it.
    pub after: Option<After>,
    /// How many units of bare content words the query has: a word, an abbreviation with its
    /// words in full, or a document number typed as several words; not its particles or kind
    /// names. A long or relaxed query ([`Widen`]'s `min_words`) needs only some of them.
    pub word_units: usize,
    /// How many of the units a clause must have.
    pub required: usize,
    /// Folded keys of the optional particles typed (not marked in snippets).
    pub particles: Vec<String>,
    /// Folded keys to mark in snippets besides the typed words: the other form of each
    /// abbreviation or abbreviated words typed (one key, or the words of a phrase).
    pub marks: Vec<Vec<String>>,
    /// The same query taken apart for a pruned search; `None` when a part of it has no bound
    /// (a quoted phrase, a document number, an abbreviation). For a long query that needs only
    /// most of its words, the part that has them all ([`Pruning::all_words`]).
    pub(crate) pruning: Option<Pruning>,
}

/// The parts of a query, before they are put together ([`build`], [`build_split`]).
struct Parts {
    clauses: Clauses,
    proximity: Vec<Proximity>,
    after: Option<After>,
    word_units: usize,
    required: usize,
    marks: Vec<Vec<String>>,
    particles: Vec<String>,
    pruning: Option<Pruning>,
}

/// Builds the query that finds the clauses and, apart, the proximity boosts of each run of
/// words. Together they score as [`build`] does.
///
/// `widen` loosens the words of a query that finds nothing (see [`Widen`]); its phrases,
/// exclusions and filters stay required.
pub fn build_split(
    f: &Fields,
    parsed: &ParsedQuery,
    req: &SearchRequest,
    doc_filter: Option<Box<dyn Query>>,
    widen: &Widen,
) -> Result<Split, IndexError> {
    let p = parts(f, parsed, req, doc_filter, widen)?;
    Ok(Split {
        query: Box::new(BooleanQuery::new(p.clauses)),
        proximity: p.proximity,
        after: p.after,
        word_units: p.word_units,
        required: p.required,
        marks: p.marks,
        particles: p.particles,
        pruning: p.pruning,
    })
}

/// The clauses of the finding query, the proximity boosts of each run of words, the number
/// of word units and the marks of abbreviations (see [`Split`]).
fn parts(
    f: &Fields,
    parsed: &ParsedQuery,
    req: &SearchRequest,
    doc_filter: Option<Box<dyn Query>>,
    widen: &Widen,
) -> Result<Parts, IndexError> {
    if parsed.is_empty() && !has_filters(req) {
        return Err(QueryError::Empty.into());
    }
    let roles = query_roles(parsed);
    let mut g = Gather {
        f,
        clauses: filters(f, req, doc_filter, !parsed.is_empty())?,
        units: Vec::new(),
        optional: Vec::new(),
        kinds: Vec::new(),
        kinds_required: roles.kinds_required,
        proximity: Vec::new(),
        after: None,
        marks: Vec::new(),
        particles: Vec::new(),
        plain: Vec::new(),
        plain_optional: Vec::new(),
        prunable: true,
    };
    let mut runs = roles.runs.iter();
    let last_item = parsed.items.len().saturating_sub(1);
    for (i, item) in parsed.items.iter().enumerate() {
        match item {
            Item::Words(ws) => {
                let completions = widen.completions.filter(|_| i == last_item);
                let roles = runs.next().expect("one run of roles per run of words");
                g.words(
                    ws,
                    roles,
                    parsed.items.len() == 1,
                    widen.min_words.is_some(),
                    completions,
                );
            }
            Item::Phrase(ws) => g.phrase(ws),
            Item::Exclude(ws) => g.exclude(ws),
        }
    }
    let Gather {
        mut clauses,
        units,
        optional,
        kinds,
        proximity,
        after,
        marks,
        particles,
        plain,
        plain_optional,
        prunable,
        ..
    } = g;
    let word_units = units.len();
    let required = match (widen.all_words, widen.min_words) {
        (true, _) => word_units,
        (false, Some(min)) => min.min(word_units),
        (false, None) => minmatch::required(word_units),
    };
    // A query that needs only some of its words is walked in full until no clause lacking a
    // word can make the page, then as one that needs them all.
    let prunable = prunable
        && plain.iter().all(Option::is_some)
        && plain_optional.iter().all(Option::is_some)
        && clauses.iter().all(|(o, _)| *o != Occur::Should);
    let all_words = (required < word_units).then(|| AllWords {
        bonus: COVER_SCORE * word_units as f32 + ALL_SCORE,
        lacking: COVER_SCORE * (word_units - 1) as f32,
    });
    let pruning = prunable.then(|| {
        let (mut words, mut prefix) = (Vec::new(), None);
        for p in plain.into_iter().flatten() {
            match p {
                Plain::Word(w) => words.push(w),
                Plain::Prefix(q) => prefix = Some(q),
            }
        }
        Pruning {
            words,
            prefix,
            filters: clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect(),
            optional: plain_optional.into_iter().flatten().collect(),
            constants: kinds
                .iter()
                .map(|kind| -> (Box<dyn Query>, f32) {
                    let t = term(f.clause_kind, kind.as_str());
                    (
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
                        KIND_SCORE,
                    )
                })
                .collect(),
            all_words,
        }
    });
    if required < word_units {
        let q = MinMatchQuery::new(units, required).with_cover(COVER_SCORE, ALL_SCORE);
        clauses.push((Occur::Must, Box::new(q)));
    } else {
        clauses.extend(units.into_iter().map(|q| (Occur::Must, q)));
    }
    clauses.extend(optional.into_iter().map(|q| (Occur::Should, q)));
    for kind in kinds {
        let q = TermQuery::new(term(f.clause_kind, kind.as_str()), IndexRecordOption::Basic);
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(q), KIND_SCORE)),
        ));
    }
    Ok(Parts {
        clauses,
        proximity,
        after,
        word_units,
        required,
        marks,
        particles,
        pruning,
    })
}

/// The parts of a query as its items are read, in the order typed.
struct Gather<'f> {
    f: &'f Fields,
    /// Filters, phrases, exclusions, and the boosts of completions.
    clauses: Clauses,
    /// Each bare content word, or each document number or abbreviation with its words: all
    /// required, or as many as [`minmatch::required`] or `min_words` ask.
    units: Vec<Box<dyn Query>>,
    /// The particles and kind names, weighted: optional.
    optional: Vec<Box<dyn Query>>,
    /// The kinds the query names, each once.
    kinds: Vec<ClauseKind>,
    /// Whether kind names are content (the query has no other).
    kinds_required: bool,
    proximity: Vec<Proximity>,
    after: Option<After>,
    marks: Vec<Vec<String>>,
    particles: Vec<String>,
    /// Each unit as [`Pruning`] takes it (`None` where it cannot), in the order of `units`.
    plain: Vec<Option<Plain>>,
    /// Each optional word with its weight, in the order of `optional`.
    plain_optional: Vec<Option<(WordQuery, f32)>>,
    /// Whether the clauses gathered so far can all be bounded (no quoted phrase).
    prunable: bool,
}

impl Gather<'_> {
    /// A run of bare words: its document numbers, its abbreviations (either form), its other
    /// words by their `roles`, and its proximity boosts. `only_item` says whether the run is the
    /// whole query, `relaxed` whether only some words will be required, and `completions` are
    /// the keys the run's last word stands for when it is the query's last, unfinished word.
    fn words(
        &mut self,
        ws: &[Word],
        roles: &[Role],
        only_item: bool,
        relaxed: bool,
        completions: Option<Completion<'_>>,
    ) {
        let f = self.f;
        let folded: Vec<String> = ws.iter().map(|w| w.folded.clone()).collect();
        let mut covered = vec![false; ws.len()];
        for (range, number) in &docnum::find_numbers(&folded) {
            // A query that is only the number wants the document's opening first.
            let alone = only_item && range.len() == ws.len();
            let Some(boost) = docnum_query(f, number, alone) else {
                continue;
            };
            covered[range.clone()].iter_mut().for_each(|c| *c = true);
            // The number's own document, or a clause that has the number's words.
            let words: Clauses = ws[range.clone()]
                .iter()
                .filter(|w| w.folded != "so")
                .map(|w| (Occur::Must, word_query(f, w)))
                .collect();
            let either = BooleanQuery::new(vec![
                (Occur::Should, boost),
                (Occur::Should, Box::new(BooleanQuery::new(words))),
            ]);
            self.units.push(Box::new(either));
            self.plain.push(None);
        }
        // An abbreviation, or the words it stands for: either form. A relaxed query keeps typed
        // words in full apart, so that it counts and drops them one by one.
        for (range, found) in abbrev::find(&folded, &covered) {
            if relaxed && matches!(found, abbrev::Match::Full(_)) {
                continue;
            }
            covered[range.clone()].iter_mut().for_each(|c| *c = true);
            let typed: Clauses = ws[range]
                .iter()
                .map(|w| (Occur::Must, word_query(f, w)))
                .collect();
            let other = match found {
                abbrev::Match::Short(full) => {
                    let keys: Vec<&str> = full.iter().map(String::as_str).collect();
                    let q = phrase(f.text_folded, &keys, 0);
                    self.marks.push(full);
                    q
                }
                abbrev::Match::Full(short) => {
                    let q = word_query(f, &Word::new(&short));
                    self.marks.push(vec![short]);
                    q
                }
            };
            self.units.push(Box::new(BooleanQuery::new(vec![
                (Occur::Should, Box::new(BooleanQuery::new(typed))),
                (Occur::Should, other),
            ])));
            self.plain.push(None);
        }
        // The run's words but its optional ones, at their places, for its proximity boosts.
        let mut near: Vec<(usize, &Word)> = Vec::with_capacity(ws.len());
        for (j, (w, c)) in ws.iter().zip(&covered).enumerate() {
            if *c {
                near.push((j, w));
                continue;
            }
            match completions {
                Some(c) if j + 1 == ws.len() => {
                    let fields = vec![f.text_folded, f.ctx_folded];
                    let prefix = PrefixQuery::new(fields, c.prefix, c.cache.clone());
                    self.units.push(Box::new(prefix.clone()));
                    self.plain.push(Some(Plain::Prefix(prefix)));
                    if j > 0 && !covered[j - 1] {
                        self.after = Some(After::new(f, &ws[j - 1], c.keys));
                    }
                    near.push((j, w));
                    continue;
                }
                _ => {}
            }
            self.typed_word(w, roles[j]);
            let stays = match roles[j] {
                // `là` links the words around it: `X là gì` prefers `X là …`.
                Role::Content | Role::Link => true,
                Role::Kind(_) => self.kinds_required,
                Role::Particle => false,
            };
            if stays {
                near.push((j, w));
            }
        }
        self.proximity.extend(Proximity::of_run(f, &near));
    }

    /// A typed word, not part of a number or an abbreviation, by its role: a content word is a
    /// unit; a particle is optional, as is a kind name (unless the query has no other content),
    /// whose kind is preferred.
    fn typed_word(&mut self, w: &Word, role: Role) {
        let f = self.f;
        match role {
            Role::Content => {
                self.units.push(word_query(f, w));
                self.plain.push(Some(Plain::Word(plain_word(f, w))));
            }
            Role::Kind(kind) => {
                if !self.kinds.contains(&kind) {
                    self.kinds.push(kind);
                }
                match self.kinds_required {
                    true => {
                        self.units.push(word_query(f, w));
                        self.plain.push(Some(Plain::Word(plain_word(f, w))));
                    }
                    false => {
                        self.optional
                            .push(boosted(word_query(f, w), KIND_WORD_BOOST));
                        self.plain_optional
                            .push(Some((plain_word(f, w), KIND_WORD_BOOST)));
                    }
                }
            }
            Role::Particle | Role::Link => {
                self.optional
                    .push(boosted(word_query(f, w), PARTICLE_BOOST));
                self.plain_optional
                    .push(Some((plain_word(f, w), PARTICLE_BOOST)));
                self.particles.push(w.folded.clone());
            }
        }
    }

    /// A quoted phrase: required on the folded text, scored higher on its exact spelling.
    fn phrase(&mut self, ws: &[Word]) {
        let f = self.f;
        self.prunable = false;
        if ws.len() == 1 {
            self.clauses
                .push((Occur::Must, scored_term(f.text_folded, &ws[0].folded)));
            if ws[0].accented {
                self.clauses.push((
                    Occur::Should,
                    boosted(scored_term(f.text_exact, &ws[0].exact), EXACT_BOOST),
                ));
            }
            return;
        }
        let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
        self.clauses
            .push((Occur::Must, phrase(f.text_folded, &folded, 0)));
        if ws.iter().any(|w| w.accented) {
            let exact: Vec<&str> = ws.iter().map(|w| w.exact.as_str()).collect();
            self.clauses.push((
                Occur::Should,
                boosted(phrase(f.text_exact, &exact, 0), EXACT_BOOST),
            ));
        }
    }

    /// An excluded word or phrase: in its exact spelling when typed with diacritics.
    fn exclude(&mut self, ws: &[Word]) {
        let f = self.f;
        let accented = ws.iter().any(|w| w.accented);
        let (field, keys): (Field, Vec<&str>) = if accented {
            (f.text_exact, ws.iter().map(|w| w.exact.as_str()).collect())
        } else {
            (
                f.text_folded,
                ws.iter().map(|w| w.folded.as_str()).collect(),
            )
        };
        let q = if keys.len() == 1 {
            scored_term(field, keys[0])
        } else {
            phrase(field, &keys, 0)
        };
        self.clauses.push((Occur::MustNot, q));
    }
}
