//! Queries: vankien's own query language ([`language`]), what each typed word does ([`roles`]:
//! content, a question particle or function word of [`particles`], a clause kind's name of
//! [`kinds`]), its translation into tantivy queries ([`build`], with the request's
//! [`filters`]), the proximity boosts of runs of words ([`proximity`]), and the custom queries
//! and scorers they use (a word as one cheap union in [`word`], a min-match query in
//! [`minmatch`], an unfinished word as a cached set of clauses in [`prefix`], the backward-seek
//! guard in [`no_danger`]).

mod build;
mod filters;
mod kinds;
mod language;
mod leaf;
pub(crate) mod minmatch;
mod no_danger;
mod particles;
pub(crate) mod prefix;
mod proximity;
mod roles;
pub(crate) mod word;

#[cfg(test)]
pub use build::build;
pub(crate) use build::{AllWords, Pruning};
pub use build::{Completion, Split, Widen, build_split};
pub(crate) use filters::{assignee_keys, assignee_query};
pub use language::{Item, ParsedQuery, Word, parse, parse_with};
pub(crate) use leaf::filter as filter_of;
pub use proximity::Proximity;
pub(crate) use proximity::{NEAR_SCORE, PAIR_BOOST, PHRASE_BOOST, PHRASE_SCORE};
