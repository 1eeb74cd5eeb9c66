//! The query language as typed: words, `"quoted phrases"`, `-word` and `-"phrase"` exclusions,
//! checked against hard limits before any work that grows with the text.
//!
//! The language is small on purpose: words (all required, matched diacritic-insensitively and
//! ranked higher on their exact spelling when typed with diacritics), quoted phrases (required,
//! contiguous), exclusions, and document numbers in any spelling (`20/NQ-TW`, `nq 20`,
//! `nghị quyết 20`). There is no grouping, so no recursion: the work a query does is bounded by
//! the [`Limits`] on characters and words.

use vankien_ingest::docnum;
use vankien_ingest::normalize::{self, exact_key, fold_exact, has_diacritics};

use crate::{Limits, QueryError};

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
    pub(crate) fn new(written: &str) -> Word {
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

/// Checks a query against the default [`Limits`] and splits it into items.
pub fn parse(query: &str) -> Result<ParsedQuery, QueryError> {
    parse_with(query, &Limits::default())
}

/// Checks a query against `limits` and splits it into items. Every limit is checked on the raw
/// text before any work that grows with it.
pub fn parse_with(query: &str, limits: &Limits) -> Result<ParsedQuery, QueryError> {
    let chars = query.chars().count();
    if chars > limits.max_query_chars {
        return Err(QueryError::TooLong {
            chars,
            max: limits.max_query_chars,
        });
    }
    if let Some(c) = query.chars().find(|&c| c.is_control() && c != '\t') {
        return Err(QueryError::ControlCharacter(c));
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
        return Err(QueryError::UnbalancedQuote);
    }
    let mut items: Vec<Item> = Vec::new();
    let mut terms = 0usize;
    let mut push = |item: Item, items: &mut Vec<Item>| -> Result<(), QueryError> {
        let n = match &item {
            Item::Words(w) | Item::Phrase(w) | Item::Exclude(w) => w.len(),
        };
        if n == 0 {
            return Ok(());
        }
        terms += n;
        if terms > limits.max_words {
            return Err(QueryError::TooManyWords {
                max: limits.max_words,
            });
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
