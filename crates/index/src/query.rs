//! vankien's own query language and its translation into tantivy queries.
//!
//! The language is small on purpose: words (all required, matched diacritic-insensitively and
//! ranked higher on their exact spelling when typed with diacritics), `"quoted phrases"`
//! (required, contiguous), `-word` and `-"phrase"` (excluded), and document numbers in any
//! spelling (`20/NQ-TW`, `nq 20`, `nghị quyết 20`). There is no grouping, so no recursion: the
//! work a query does is bounded by [`MAX_QUERY_CHARS`] and [`MAX_TERMS`], checked before anything
//! is built.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EnableScoring, Explanation,
    Occur, PhraseQuery, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader};
use vankien_ingest::docnum::{self, DocNumber};
use vankien_ingest::normalize::{self, exact_key, fold_exact, has_diacritics};

use crate::abbrev;
use crate::minmatch::MinMatchQuery;
use crate::schema::{FLAG_LEAD, Fields, REC_CLAUSE, label_key};
use crate::word::WordQuery;
use crate::{IndexError, SearchRequest};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The most words a query may have (words of phrases and exclusions included).
pub const MAX_TERMS: usize = 64;
/// The most hits one request returns.
pub const MAX_LIMIT: usize = 1000;
/// The deepest page offset accepted.
pub const MAX_OFFSET: usize = 10_000;

/// Weight of an exact-spelling match over the folded one, when the query has diacritics.
const EXACT_BOOST: f32 = 2.0;
/// Weight of a query word found in the clause's context (headings) rather than its text.
const CONTEXT_BOOST: f32 = 0.3;
/// Score of a document-number match on the number's own document: a constant far above any
/// text score, so the document itself ranks above every clause that cites it.
const DOCNUM_SCORE: f32 = 1000.0;
/// Extra score for the first clause of a document found by its number alone.
const LEAD_SCORE: f32 = 200.0;
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

/// One query word with its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The exact key ([`normalize::exact_key`]).
    pub exact: String,
    /// The folded key ([`normalize::folded_key`]).
    pub folded: String,
    /// Whether the user typed it with diacritics (then its exact spelling is preferred).
    pub accented: bool,
}

impl Word {
    fn new(written: &str) -> Word {
        let exact = exact_key(written);
        Word {
            folded: fold_exact(&exact),
            accented: has_diacritics(written),
            exact,
        }
    }
}

/// A part of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Bare words as typed, in order (adjacent words earn proximity boosts).
    Words(Vec<Word>),
    /// A quoted phrase: required, contiguous.
    Phrase(Vec<Word>),
    /// An excluded word or phrase (`-word`, `-"phrase"`).
    Exclude(Vec<Word>),
}

/// A query checked and split into items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The items in the order typed.
    pub items: Vec<Item>,
}

impl ParsedQuery {
    /// Whether there is nothing to match (no word, no phrase).
    pub fn is_empty(&self) -> bool {
        !self
            .items
            .iter()
            .any(|i| matches!(i, Item::Words(_) | Item::Phrase(_)))
    }

    /// The query's last word when the query ends with bare words: the word a user may still
    /// be typing.
    pub fn last_word(&self) -> Option<&Word> {
        match self.items.last()? {
            Item::Words(ws) => ws.last(),
            _ => None,
        }
    }

    /// The word typed right before [`ParsedQuery::last_word`], in the same run of words.
    pub fn word_before_last(&self) -> Option<&Word> {
        match self.items.last()? {
            Item::Words(ws) if ws.len() > 1 => ws.get(ws.len() - 2),
            _ => None,
        }
    }

    /// The positive words (for highlighting) and phrases, as folded keys.
    pub fn highlight(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut words = Vec::new();
        let mut phrases = Vec::new();
        for item in &self.items {
            match item {
                Item::Words(ws) => words.extend(ws.iter().map(|w| w.folded.clone())),
                Item::Phrase(ws) if ws.len() == 1 => words.push(ws[0].folded.clone()),
                Item::Phrase(ws) => phrases.push(ws.iter().map(|w| w.folded.clone()).collect()),
                Item::Exclude(_) => {}
            }
        }
        (words, phrases)
    }
}

/// The clauses of a boolean query.
pub type Clauses = Vec<(Occur, Box<dyn Query>)>;

fn query_error(msg: impl Into<String>) -> IndexError {
    IndexError::Query(msg.into())
}

/// Splits typed words into [`Word`]s, with serials glued to kind codes split (`NQ20` → `nq 20`).
fn words_of(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for (_, w) in normalize::words(text) {
        let toks = docnum::query_tokens(w);
        if toks.len() > 1 {
            out.extend(toks.iter().map(|t| Word::new(t)));
        } else {
            out.push(Word::new(w));
        }
    }
    out
}

/// Checks a query and splits it into items. Every limit is checked on the raw text before any
/// work that grows with it.
pub fn parse(query: &str) -> Result<ParsedQuery, IndexError> {
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(query_error(format!(
            "query too long: {chars} characters, at most {MAX_QUERY_CHARS}"
        )));
    }
    if let Some(c) = query.chars().find(|&c| c.is_control() && c != '\t') {
        return Err(query_error(format!(
            "query has a control character (U+{:04X})",
            c as u32
        )));
    }
    // Typographic quotes count as quotes.
    let query: String = query
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' => '"',
            c => c,
        })
        .collect();
    if query.matches('"').count() % 2 == 1 {
        return Err(query_error("unbalanced quote: a phrase needs a closing \""));
    }
    let mut items: Vec<Item> = Vec::new();
    let mut terms = 0usize;
    let mut push = |item: Item, items: &mut Vec<Item>| -> Result<(), IndexError> {
        let n = match &item {
            Item::Words(w) | Item::Phrase(w) | Item::Exclude(w) => w.len(),
        };
        if n == 0 {
            return Ok(());
        }
        terms += n;
        if terms > MAX_TERMS {
            return Err(query_error(format!(
                "query has too many words: at most {MAX_TERMS}"
            )));
        }
        match (items.last_mut(), item) {
            (Some(Item::Words(prev)), Item::Words(ws)) => prev.extend(ws),
            (_, item) => items.push(item),
        }
        Ok(())
    };
    let mut rest = query.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (negated, body) = match rest.strip_prefix('-') {
            Some(b) if b.starts_with('"') || b.starts_with(normalize::is_word_char) => (true, b),
            _ => (false, rest),
        };
        if let Some(quoted) = body.strip_prefix('"') {
            let end = quoted.find('"').expect("quotes are balanced");
            let ws = words_of(&quoted[..end]);
            rest = &quoted[end + 1..];
            let item = if negated {
                Item::Exclude(ws)
            } else {
                Item::Phrase(ws)
            };
            push(item, &mut items)?;
            continue;
        }
        // A chunk runs to the next space or quote.
        let end = body
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(body.len());
        let ws = words_of(&body[..end]);
        rest = &body[end..];
        let item = if negated {
            Item::Exclude(ws)
        } else {
            Item::Words(ws)
        };
        push(item, &mut items)?;
    }
    Ok(ParsedQuery { items })
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn scored_term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// A filter: matches without adding to the score.
fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// A phrase query, bare: for [`Proximity`], whose scorers only ever seek forward.
fn bare_phrase(field: Field, keys: &[&str], slop: u32) -> Box<dyn Query> {
    let terms: Vec<(usize, Term)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (i, term(field, k)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
}

fn phrase(field: Field, keys: &[&str], slop: u32) -> Box<dyn Query> {
    Box::new(NoDanger(bare_phrase(field, keys, slop)))
}

/// Wraps a query so that its scorers are only ever moved with `advance` and `seek`.
///
/// tantivy 0.27's phrase scorer asserts (in debug builds) that `seek_danger` never gets a target
/// behind its current document, but exclusions and intersections may legally do that after a
/// miss (see `DocSet::seek_danger`): a `-"phrase"` panics in tests. The wrapper keeps the
/// scorer in a valid state at the price of tantivy's skip-ahead shortcut.
#[derive(Debug)]
struct NoDanger(Box<dyn Query>);

impl Clone for NoDanger {
    fn clone(&self) -> Self {
        NoDanger(self.0.box_clone())
    }
}

impl Query for NoDanger {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(NoDangerWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct NoDangerWeight(Box<dyn Weight>);

impl Weight for NoDangerWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(NoDangerScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer with the default (safe) `seek_danger`, which seeks only forward.
struct NoDangerScorer(Box<dyn Scorer>);

impl DocSet for NoDangerScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for NoDangerScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// A word, required: found in the text (folded) or the context, scored higher on its exact
/// spelling when typed with diacritics. One [`WordQuery`], whose union is cheap to seek.
fn word_query(f: &Fields, w: &Word) -> Box<dyn Query> {
    let terms = vec![
        (term(f.text_folded, &w.folded), 1.0),
        (term(f.ctx_folded, &w.folded), CONTEXT_BOOST),
    ];
    // The exact spelling is in the text only where the folded key is.
    let exact = match w.accented {
        true => vec![(term(f.text_exact, &w.exact), EXACT_BOOST)],
        false => Vec::new(),
    };
    Box::new(WordQuery::new(terms, exact))
}

/// A word that may be any of the folded keys `keys` (the words an unfinished word starts),
/// scored as the best of them: a clause with many different completions is not worth more.
fn completion_query(f: &Fields, keys: &[String]) -> Box<dyn Query> {
    let words = keys.iter().map(|k| word_query(f, &Word::new(k))).collect();
    Box::new(DisjunctionMaxQuery::new(words))
}

/// The unfinished word right after `prev` as typed, as any of its completions `keys`: scored
/// as a phrase match ([`PHRASE_SCORE`]), so that `chuyen doi s` ranks `chuyển đổi số` above a
/// clause with `chuyển đổi` and some other word in `s`.
fn completion_after(f: &Fields, prev: &Word, keys: &[String]) -> Box<dyn Query> {
    let pairs = keys
        .iter()
        .map(|k| phrase(f.text_folded, &[prev.folded.as_str(), k.as_str()], 0))
        .collect();
    Box::new(ConstScoreQuery::new(
        Box::new(DisjunctionMaxQuery::new(pairs)),
        PHRASE_SCORE,
    ))
}

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
}

impl Proximity {
    /// The boosts of a run, or `None` for a single word.
    fn of_run(f: &Fields, ws: &[Word]) -> Option<Proximity> {
        if ws.len() < 2 {
            return None;
        }
        let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
        let exact: Vec<&str> = ws.iter().map(|w| w.exact.as_str()).collect();
        let accented = ws.iter().any(|w| w.accented);
        Some(Proximity {
            phrase: bare_phrase(f.text_folded, &folded, 0),
            exact: accented.then(|| bare_phrase(f.text_exact, &exact, 0)),
            near: bare_phrase(f.text_folded, &folded, NEAR_SLOP),
            context: (ws.len() >= CONTEXT_PHRASE_MIN).then(|| {
                (
                    bare_phrase(f.ctx_folded, &folded, 0),
                    CONTEXT_PHRASE_SCORE * ws.len() as f32,
                )
            }),
            pairs: if ws.len() > 2 {
                folded
                    .windows(2)
                    .map(|pair| bare_phrase(f.text_folded, pair, 0))
                    .collect()
            } else {
                Vec::new()
            },
            words: folded.iter().map(|k| term(f.text_folded, k)).collect(),
        })
    }

    /// The boosts as optional clauses of one boolean query.
    pub fn clauses(&self) -> Clauses {
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

/// The filters of a request, as non-scoring required clauses. `doc_filter` is the resolved
/// document filter (see [`crate::search`]). `words` says whether the query has a word or phrase
/// to match: its fields are on clause documents only, so the filter to clauses is needed only
/// without one (and would cost an intersection with every clause).
fn filters(
    f: &Fields,
    req: &SearchRequest,
    doc_filter: Option<Box<dyn Query>>,
    words: bool,
) -> Result<Clauses, IndexError> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !words {
        out.push((
            Occur::Must,
            filter(Box::new(TermQuery::new(
                term(f.rec, REC_CLAUSE),
                IndexRecordOption::Basic,
            ))),
        ));
    }
    let mut must = |q: Box<dyn Query>| out.push((Occur::Must, filter(q)));
    if let Some(q) = doc_filter {
        must(q);
    }
    let basic = |field: Field, v: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(term(field, v), IndexRecordOption::Basic))
    };
    if let Some(k) = req.doc_kind {
        must(basic(f.doc_kind, k.as_str()));
    }
    if let Some(k) = req.clause_kind {
        must(basic(f.clause_kind, k.as_str()));
    }
    if let Some(s) = req
        .sector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        must(Box::new(TermQuery::new(
            Term::from_facet(f.facets, &Facet::from_path(["sector", s])),
            IndexRecordOption::Basic,
        )));
    }
    if req.year_from.is_some() || req.year_to.is_some() {
        if let (Some(a), Some(b)) = (req.year_from, req.year_to)
            && a > b
        {
            return Err(query_error(format!("year range {a}–{b} is empty")));
        }
        let bound = |y: Option<i32>| match y {
            Some(y) => Bound::Included(Term::from_field_i64(f.year, i64::from(y))),
            None => Bound::Unbounded,
        };
        must(Box::new(RangeQuery::new(
            bound(req.year_from),
            bound(req.year_to),
        )));
    }
    if let Some(prefix) = req.section_prefix.as_deref() {
        let labels: Vec<String> = prefix
            .split('/')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(label_key)
            .collect();
        if !labels.is_empty() {
            must(Box::new(TermQuery::new(
                Term::from_facet(f.section, &Facet::from_path(labels)),
                IndexRecordOption::Basic,
            )));
        }
    }
    Ok(out)
}

/// Whether the request filters anything besides the query.
fn has_filters(req: &SearchRequest) -> bool {
    req.doc.is_some()
        || req.doc_kind.is_some()
        || req.clause_kind.is_some()
        || req.sector.is_some()
        || req.year_from.is_some()
        || req.year_to.is_some()
        || req.section_prefix.is_some()
}

/// Builds the tantivy query of a parsed query and the request's filters, proximity boosts
/// included: the query whose ranking [`build_split`] and [`crate::rerank`] reproduce.
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
        ..
    } = parts(f, parsed, req, doc_filter, widen)?;
    for p in &proximity {
        clauses.extend(p.clauses());
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// How the words of a query that finds nothing are loosened. The default loosens nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Widen<'a> {
    /// A clause needs only this many of the query's word units, not all of them. Words typed
    /// in full for an abbreviation are then units of their own (see [`Split::word_units`]).
    pub min_words: Option<usize>,
    /// The query's last word ([`ParsedQuery::last_word`]) matches any of these folded keys
    /// (the words it starts), unless it is part of a document number or an abbreviation.
    pub completions: Option<&'a [String]>,
}

/// The query that finds the clauses, apart from its proximity boosts ([`build_split`]).
pub struct Split {
    /// Words, phrases, numbers, exclusions and filters: every required part, with the scores of
    /// its words.
    pub query: Box<dyn Query>,
    /// The proximity boosts of each run of typed words.
    pub proximity: Vec<Proximity>,
    /// How many units of bare words the query has: a word, an abbreviation with its words in
    /// full, or a document number typed as several words. A relaxed query ([`Widen`]'s
    /// `min_words`) needs only some of them.
    pub word_units: usize,
    /// Folded keys to mark in snippets besides the typed words: the other form of each
    /// abbreviation or abbreviated words typed (one key, or the words of a phrase).
    pub marks: Vec<Vec<String>>,
}

/// The parts of a query, before they are put together ([`build`], [`build_split`]).
struct Parts {
    clauses: Clauses,
    proximity: Vec<Proximity>,
    word_units: usize,
    marks: Vec<Vec<String>>,
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
        word_units: p.word_units,
        marks: p.marks,
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
        return Err(query_error(
            "empty query: type a word, a \"phrase\" or a document number",
        ));
    }
    let mut clauses = filters(f, req, doc_filter, !parsed.is_empty())?;
    let mut boosts = Vec::new();
    // Each bare word, or each document number with its words: all required, or `min_words`.
    let mut units: Vec<Box<dyn Query>> = Vec::new();
    let mut marks = Vec::new();
    let last_item = parsed.items.len().saturating_sub(1);
    for (i, item) in parsed.items.iter().enumerate() {
        match item {
            Item::Words(ws) => {
                let folded: Vec<String> = ws.iter().map(|w| w.folded.clone()).collect();
                let numbers = docnum::find_numbers(&folded);
                let mut covered = vec![false; ws.len()];
                for (range, number) in &numbers {
                    // A query that is only the number wants the document's opening first.
                    let alone = parsed.items.len() == 1 && range.len() == ws.len();
                    let Some(boost) = docnum_query(f, number, alone) else {
                        continue;
                    };
                    covered[range.clone()].iter_mut().for_each(|c| *c = true);
                    // The number's own document, or a clause that has the number's words.
                    let words: Vec<(Occur, Box<dyn Query>)> = ws[range.clone()]
                        .iter()
                        .filter(|w| w.folded != "so")
                        .map(|w| (Occur::Must, word_query(f, w)))
                        .collect();
                    let either = BooleanQuery::new(vec![
                        (Occur::Should, boost),
                        (Occur::Should, Box::new(BooleanQuery::new(words))),
                    ]);
                    units.push(Box::new(either));
                }
                // An abbreviation, or the words it stands for: either form. A relaxed query
                // keeps typed words in full apart, so that it counts and drops them one by one.
                for (range, found) in abbrev::find(&folded, &covered) {
                    if widen.min_words.is_some() && matches!(found, abbrev::Match::Full(_)) {
                        continue;
                    }
                    covered[range.clone()].iter_mut().for_each(|c| *c = true);
                    let typed: Vec<(Occur, Box<dyn Query>)> = ws[range]
                        .iter()
                        .map(|w| (Occur::Must, word_query(f, w)))
                        .collect();
                    let other = match found {
                        abbrev::Match::Short(full) => {
                            let keys: Vec<&str> = full.iter().map(String::as_str).collect();
                            let q = phrase(f.text_folded, &keys, 0);
                            marks.push(full);
                            q
                        }
                        abbrev::Match::Full(short) => {
                            let q = word_query(f, &Word::new(&short));
                            marks.push(vec![short]);
                            q
                        }
                    };
                    units.push(Box::new(BooleanQuery::new(vec![
                        (Occur::Should, Box::new(BooleanQuery::new(typed))),
                        (Occur::Should, other),
                    ])));
                }
                for (j, (w, c)) in ws.iter().zip(&covered).enumerate() {
                    if *c {
                        continue;
                    }
                    match widen.completions {
                        Some(keys) if i == last_item && j + 1 == ws.len() => {
                            units.push(completion_query(f, keys));
                            if j > 0 && !covered[j - 1] {
                                clauses
                                    .push((Occur::Should, completion_after(f, &ws[j - 1], keys)));
                            }
                        }
                        _ => units.push(word_query(f, w)),
                    }
                }
                boosts.extend(Proximity::of_run(f, ws));
            }
            Item::Phrase(ws) => {
                if ws.len() == 1 {
                    clauses.push((Occur::Must, scored_term(f.text_folded, &ws[0].folded)));
                    if ws[0].accented {
                        clauses.push((
                            Occur::Should,
                            boosted(scored_term(f.text_exact, &ws[0].exact), EXACT_BOOST),
                        ));
                    }
                    continue;
                }
                let folded: Vec<&str> = ws.iter().map(|w| w.folded.as_str()).collect();
                clauses.push((Occur::Must, phrase(f.text_folded, &folded, 0)));
                if ws.iter().any(|w| w.accented) {
                    let exact: Vec<&str> = ws.iter().map(|w| w.exact.as_str()).collect();
                    clauses.push((
                        Occur::Should,
                        boosted(phrase(f.text_exact, &exact, 0), EXACT_BOOST),
                    ));
                }
            }
            Item::Exclude(ws) => {
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
                clauses.push((Occur::MustNot, q));
            }
        }
    }
    let word_units = units.len();
    match widen.min_words {
        Some(min) if min < word_units => {
            clauses.push((Occur::Must, Box::new(MinMatchQuery::new(units, min))));
        }
        _ => clauses.extend(units.into_iter().map(|q| (Occur::Must, q))),
    }
    Ok(Parts {
        clauses,
        proximity: boosts,
        word_units,
        marks,
    })
}
