//! The data a search takes and gives, and what the index tells of a document.

use std::ops::Range;

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
    /// Only clauses tagged with this sector id (or one of [`SearchRequest::sub_sectors`]).
    pub sector: Option<String>,
    /// The sector's sub-sectors, whose clauses the sector filter takes in too (the library fills
    /// them in from the taxonomy).
    pub sub_sectors: Vec<String>,
    /// Only the clauses of these documents (by id), when not empty: the documents of an issuer
    /// or a signer, as the search resolves them.
    pub doc_ids: Vec<String>,
    /// Only documents whose issuing body has these words, in this order, compared folded
    /// (without diacritics, any case): `bo chinh tri`, `Ủy ban nhân dân tỉnh`.
    pub issuer: Option<String>,
    /// Only documents whose signer's name has these words, compared folded (`to lam`).
    pub signer: Option<String>,
    /// Only clauses assigned to a body whose name has these words, in order, compared folded
    /// (`bo noi vu`, `Ủy ban nhân dân các tỉnh`).
    pub assignee: Option<String>,
    /// Only documents dated in or after this year.
    pub year_from: Option<i32>,
    /// Only documents dated in or before this year.
    pub year_to: Option<i32>,
    /// Only clauses under this section path, labels joined by `/`: `A/II/3`, `Chương I/Điều 3`.
    pub section_prefix: Option<String>,
    /// Whether to count facets over all matching clauses.
    pub facets: bool,
    /// Whether to group the hits by document ([`SearchResults::groups`]): `limit` and `offset`
    /// then count documents.
    pub group: bool,
    /// Clauses shown per document when grouping. By default (0)
    /// [`DEFAULT_PER_GROUP`](crate::DEFAULT_PER_GROUP).
    pub per_group: usize,
    /// The most values each facet lists, the most frequent first. By default (0)
    /// [`FACET_LIMIT`](crate::FACET_LIMIT).
    pub facet_limit: usize,
    /// Whether the total must count every match. By default (false) it is exact up to
    /// `exact_up_to` matches and past that may be a lower bound
    /// ([`SearchResults::total_exact`]), which lets the search skip what cannot make the page.
    /// Facets are counted over every match, so asking for them makes the total exact too.
    pub exact_total: bool,
    /// How many matches the total counts exactly at least, when `exact_total` is off. By
    /// default (0) [`EXACT_TOTAL_UP_TO`](crate::EXACT_TOTAL_UP_TO).
    pub exact_up_to: usize,
    /// Only the counts: the total, the facets (when asked) and the number of documents (when
    /// grouping), no hits. What a page asks second, once it shows the first page.
    pub counts_only: bool,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// How many clauses match: all of them when `total_exact`, else at least this many.
    pub total: usize,
    /// Whether `total` counts every match. It always does up to the request's `exact_up_to`;
    /// past it, unless the request asks for an exact total or facets, the search may have
    /// skipped matches that could not make the page.
    pub total_exact: bool,
    /// The hits of the requested page, best first (when grouping, the groups' hits in order).
    pub hits: Vec<Hit>,
    /// When the request groups by document: how many documents match, and the page of them.
    pub groups: Option<Groups>,
    /// The documents the query names by number (`57-NQ/TW`, `nq 57`), to show first; only on
    /// the first page of a search not filtered to one document.
    pub documents: Vec<DocSummary>,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
    /// Set when no clause has every word of the query, so the results are the clauses that have
    /// the most of them (phrases, exclusions and filters still hold). Left out of JSON when unset.
    pub relaxed: Option<Relaxed>,
    /// Set when no clause has the query's last word as typed and the query does not end with a
    /// space: the word (exact key) was then matched as the start of longer words, as a user
    /// still typing it means (`nong thon m` finds `nông thôn mới`). Left out of JSON when unset.
    pub prefix: Option<String>,
}

impl Default for SearchResults {
    /// No match: a total of 0, exact.
    fn default() -> SearchResults {
        SearchResults {
            total: 0,
            total_exact: true,
            hits: Vec::new(),
            groups: None,
            documents: Vec::new(),
            facets: None,
            relaxed: None,
            prefix: None,
        }
    }
}

/// Hits grouped by document.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// How many documents have a matching clause: all of them when
    /// [`SearchResults::total_exact`], else at least this many.
    pub total: usize,
    /// The documents of the requested page, best first.
    pub groups: Vec<Group>,
}

/// One document of a grouped search.
#[derive(Debug, Clone)]
pub struct Group {
    /// Document id.
    pub doc_id: String,
    /// How many of its clauses match.
    pub matches: u64,
    /// How many of [`SearchResults::hits`], from the previous group's end, are this group's:
    /// its best clauses.
    pub hits: usize,
}

/// How a query that found nothing was relaxed: its hits have `matched_words` of its `words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relaxed {
    /// How many of the query's words each hit has, at least.
    pub matched_words: usize,
    /// How many words the query has (a document number typed as several words counts as one).
    pub words: usize,
}

/// One matching clause.
#[derive(Debug, Clone)]
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
    /// The best fragment of the text and the words in it that matched.
    pub snippet: Snippet,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Sector ids tagged on the clause.
    pub sectors: Vec<String>,
}

/// Facet counts over all matching clauses.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// By document (value: doc id, label: its number or title).
    pub doc: Vec<FacetCount>,
    /// By clause kind (value: `task` …, label: `nhiệm vụ` …).
    pub kind: Vec<FacetCount>,
    /// By sector id (label: the id; the server knows the names).
    pub sector: Vec<FacetCount>,
    /// By year.
    pub year: Vec<FacetCount>,
    /// By the body a clause assigns its task to, as written.
    pub assignee: Vec<FacetCount>,
    /// By issuing body: the documents' counts added up by issuer (compared folded, so
    /// `BỘ CHÍNH TRỊ` and `Bộ Chính trị` are one), exact; value and label the issuer as most
    /// of its documents write it, which the `issuer` filter takes. Clauses of documents without
    /// an issuer are not counted here.
    pub issuer: Vec<FacetCount>,
}

/// One facet value and how many matching clauses have it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The signer's name, read from the signature block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Date, ISO.
    pub date: Option<String>,
    /// Number of clauses.
    pub clauses: usize,
    /// Source file as given at ingestion.
    pub source: String,
}

/// The best fragment of a hit's text, and what in it matched the query: data, for the caller to
/// render (the server as HTML `<mark>`, the command line as it likes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The fragment, a piece of the clause's text as written.
    pub text: String,
    /// Byte ranges of `text` that matched, sorted, not overlapping, on character boundaries.
    pub marks: Vec<Range<usize>>,
    /// Whether the clause's text goes on before the fragment.
    pub cut_before: bool,
    /// Whether the clause's text goes on after the fragment.
    pub cut_after: bool,
}

impl Snippet {
    /// The fragment in pieces, in order and covering it all: each with whether it matched.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::with_capacity(self.marks.len() * 2 + 1);
        let mut at = 0;
        for m in &self.marks {
            if m.start > at {
                out.push((&self.text[at..m.start], false));
            }
            out.push((&self.text[m.clone()], true));
            at = m.end;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }

    /// The snippet as one string, each matched piece passed through `mark`, `…` where the text
    /// was cut.
    pub fn render(
        &self,
        mut plain: impl FnMut(&str) -> String,
        mut mark: impl FnMut(&str) -> String,
    ) -> String {
        let mut out = String::with_capacity(self.text.len() + 32);
        if self.cut_before {
            out.push('…');
        }
        for (piece, marked) in self.pieces() {
            out.push_str(&if marked { mark(piece) } else { plain(piece) });
        }
        if self.cut_after {
            out.push('…');
        }
        out
    }
}
