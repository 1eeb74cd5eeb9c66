//! The tantivy index of vankien: one tantivy document per clause, Vietnamese analyzers (exact and
//! folded keys from `vankien_ingest::normalize`), incremental ingestion of files and folders, a
//! small query language of its own, filters, facets, snippets, and the sector mirror of the
//! annotation store.
//!
//! [`Index`] is the entry point: cheap to clone, `Send + Sync`, synchronous.

mod abbrev;
/// The Vietnamese analyzers of the index, public for the benchmarks' own tantivy indexes.
pub mod analyzer;
mod error;
mod export;
mod facets;
mod group;
mod index;
mod ingest;
mod limits;
mod prune;
mod query;
mod reads;
mod relations;
mod rerank;
mod schema;
mod search;
mod sectors;
mod segments;
mod snippet;
mod store;
#[cfg(test)]
mod testing;
mod types;

pub use error::{IndexError, QueryError};
pub use export::{MAX_EXPORT_ROWS, MatchRow, Matches};
pub use group::DEFAULT_PER_GROUP;
pub use index::{Index, META_FILE};
pub use ingest::{
    FileOutcome, IngestEvent, IngestHooks, IngestOptions, IngestReport, NoTags, SourceFile,
};
pub use limits::Limits;
pub use reads::FileReads;
pub use relations::{DocRelations, Link, RelationCounts};
pub use search::{EXACT_TOTAL_UP_TO, FACET_LIMIT};
pub use store::clause_contexts;
pub use types::{
    DocSummary, FacetCount, Facets, Group, Groups, Hit, Relaxed, SearchRequest, SearchResults,
    Snippet,
};

pub(crate) use index::{FileEntry, stored_json, stored_str, term_query};

/// Checks a query as typed against `limits` (which may be narrower than the index's own
/// [`Limits::default`]): its length, its words, its quotes and characters. A search checks the
/// same against the default limits; a server calls this to apply its own before any search.
pub fn check_query(query: &str, limits: &Limits) -> Result<(), QueryError> {
    query::parse_with(query, limits).map(|_| ())
}
