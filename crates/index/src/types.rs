//! The data a search takes and gives, and what the index tells of a document.

use serde::{Deserialize, Serialize};
use vankien_ingest::{ClauseKind, DocKind};

/// A search: the query as typed, paging, filters, and whether to count facets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query as typed: words, `"phrases"`, `-excluded` words, document numbers.
    pub query: String,
    /// How many hits to return. By default (0) 10; at most [`Limits::max_limit`](crate::Limits::max_limit).
    pub limit: usize,
    /// How many hits to skip. At most [`Limits::max_offset`](crate::Limits::max_offset).
    pub offset: usize,
    /// Only this document: its id or its number as typed (`57-NQ/TW`, `nq 57`).
    pub doc: Option<String>,
    /// Only documents of this kind.
    pub doc_kind: Option<DocKind>,
    /// Only clauses of this kind.
    pub clause_kind: Option<ClauseKind>,
    /// Only clauses tagged with this sector id.
    pub sector: Option<String>,
    /// Only documents dated in or after this year.
    pub year_from: Option<i32>,
    /// Only documents dated in or before this year.
    pub year_to: Option<i32>,
    /// Only clauses under this section path, labels joined by `/`: `A/II/3`, `Chương I/Điều 3`.
    pub section_prefix: Option<String>,
    /// Whether to count facets over all matching clauses.
    pub facets: bool,
    /// The most values each facet lists, the most frequent first. By default (0)
    /// [`FACET_LIMIT`](crate::FACET_LIMIT).
    pub facet_limit: usize,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// How many clauses match in all.
    pub total: usize,
    /// The hits of the requested page, best first.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
    /// Set when no clause has every word of the query, so the results are the clauses that have
    /// the most of them (phrases, exclusions and filters still hold). Left out of JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxed: Option<Relaxed>,
    /// Set when no clause has the query's last word as typed and the query does not end with a
    /// space: the word (exact key) was then matched as the start of longer words, as a user
    /// still typing it means (`nong thon m` finds `nông thôn mới`). Left out of JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// How a query that found nothing was relaxed: its hits have `matched_words` of its `words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Relaxed {
    /// How many of the query's words each hit has, at least.
    pub matched_words: usize,
    /// How many words the query has (a document number typed as several words counts as one).
    pub words: usize,
}

/// One matching clause.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Clause id.
    pub clause_id: String,
    /// Document id.
    pub doc_id: String,
    /// Document number as written (`09-NQ/ĐH`).
    pub doc_number: Option<String>,
    /// Document kind.
    pub doc_kind: DocKind,
    /// Document title.
    pub doc_title: Option<String>,
    /// Labels of the enclosing sections, from the root.
    pub section_path: Vec<String>,
    /// Clause kind.
    pub kind: ClauseKind,
    /// Item label as written.
    pub label: Option<String>,
    /// Timeframe group of a target.
    pub group: Option<String>,
    /// The clause's text.
    pub text: String,
    /// The best fragment of the text, HTML-escaped, matched words in `<mark>…</mark>`.
    pub snippet: String,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Sector ids tagged on the clause.
    pub sectors: Vec<String>,
}

/// Facet counts over all matching clauses.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// By document (value: doc id, label: its number or title).
    pub doc: Vec<FacetCount>,
    /// By clause kind (value: `task` …, label: `nhiệm vụ` …).
    pub kind: Vec<FacetCount>,
    /// By sector id (label: the id; the server knows the names).
    pub sector: Vec<FacetCount>,
    /// By year.
    pub year: Vec<FacetCount>,
}

/// One facet value and how many matching clauses have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value to filter by.
    pub value: String,
    /// What to show.
    pub label: String,
    /// Matching clauses.
    pub count: u64,
}

/// A document in the index, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSummary {
    /// Document id.
    pub id: String,
    /// Number as written.
    pub number: Option<String>,
    /// Kind.
    pub kind: DocKind,
    /// Title.
    pub title: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Date, ISO.
    pub date: Option<String>,
    /// Number of clauses.
    pub clauses: usize,
    /// Source file as given at ingestion.
    pub source: String,
}
