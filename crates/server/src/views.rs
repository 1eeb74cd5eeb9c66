//! The JSON of a search answer: the index returns data ([`SearchResults`]); these views are the
//! shape the page reads, with the labels it shows and the snippet as escaped HTML with `<mark>`.

use serde::Serialize;
use vankien_index::{DocSummary, FacetCount, Facets, Hit, SearchResults, Snippet};
use vankien_ingest::{ClauseKind, DocKind};

/// The answer of `GET /api/search` (and of `vankien search --json`).
#[derive(Debug, Serialize)]
pub struct SearchView {
    /// Clauses matching: all of them when `total_exact`, else at least this many.
    total: usize,
    /// Whether `total` counts every match (and `groups.total` every document).
    total_exact: bool,
    /// The clauses of the page; empty when grouped (each group holds its own).
    hits: Vec<HitView>,
    /// The documents the query names by number, to show first as cards.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<DocCardView>,
    /// When grouped by document: how many documents match, and the page of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<GroupsView>,
    facets: Option<FacetsView>,
    /// Only when no clause has every word: how many of them the hits have.
    #[serde(skip_serializing_if = "Option::is_none")]
    relaxed: Option<RelaxedView>,
    /// Only when the last word was matched as the start of words.
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    limit: usize,
    offset: usize,
}

impl SearchView {
    /// The view of `results`, asked with `limit` and `offset`.
    pub fn new(results: SearchResults, limit: usize, offset: usize) -> SearchView {
        let mut hits = results.hits.into_iter().map(HitView::from);
        let groups = results.groups.map(|g| GroupsView {
            total: g.total,
            groups: g
                .groups
                .into_iter()
                .map(|group| {
                    let first: Vec<HitView> = hits.by_ref().take(group.hits).collect();
                    let (number, title, kind) = first.first().map_or((None, None, None), |h| {
                        (h.doc_number.clone(), h.doc_title.clone(), Some(h.doc_kind))
                    });
                    GroupView {
                        short_title: title.as_deref().map(short_title),
                        doc_id: group.doc_id,
                        doc_number: number,
                        doc_kind_label: kind.map(DocKind::vietnamese),
                        doc_title: title,
                        matches: group.matches,
                        more: group.matches.saturating_sub(first.len() as u64),
                        hits: first,
                    }
                })
                .collect(),
        });
        SearchView {
            total: results.total,
            total_exact: results.total_exact,
            hits: hits.collect(),
            documents: results
                .documents
                .into_iter()
                .map(DocCardView::from)
                .collect(),
            groups,
            facets: results.facets.map(FacetsView::from),
            relaxed: results.relaxed.map(|r| RelaxedView {
                matched_words: r.matched_words,
                words: r.words,
            }),
            prefix: results.prefix,
            limit,
            offset,
        }
    }
}

impl SearchView {
    /// Marks the hits whose clauses `hidden` names: blind annotation held others' sectors back.
    pub(crate) fn mark_hidden(&mut self, hidden: &std::collections::HashSet<String>) {
        if hidden.is_empty() {
            return;
        }
        let groups = self.groups.iter_mut().flat_map(|g| &mut g.groups);
        for hit in self.hits.iter_mut().chain(groups.flat_map(|g| &mut g.hits)) {
            hit.hidden = hidden.contains(&hit.clause_id);
        }
    }
}

/// Hits grouped by document.
#[derive(Debug, Serialize)]
struct GroupsView {
    /// How many documents have a matching clause (at least, unless `total_exact`).
    total: usize,
    groups: Vec<GroupView>,
}

/// One document of a grouped search, with its best clauses.
#[derive(Debug, Serialize)]
struct GroupView {
    doc_id: String,
    doc_number: Option<String>,
    doc_kind_label: Option<&'static str>,
    doc_title: Option<String>,
    /// The title cut to a line, at a word.
    short_title: Option<String>,
    /// How many of its clauses match.
    matches: u64,
    /// How many more match than are shown.
    more: u64,
    hits: Vec<HitView>,
}

/// A document a query names by number, shown first.
#[derive(Debug, Serialize)]
struct DocCardView {
    id: String,
    number: Option<String>,
    kind: DocKind,
    kind_label: &'static str,
    title: Option<String>,
    short_title: Option<String>,
    issuer: Option<String>,
    date: Option<String>,
    clauses: usize,
}

impl From<DocSummary> for DocCardView {
    fn from(d: DocSummary) -> DocCardView {
        DocCardView {
            short_title: d.title.as_deref().map(short_title),
            id: d.id,
            number: d.number,
            kind: d.kind,
            kind_label: d.kind.vietnamese(),
            title: d.title,
            issuer: d.issuer,
            date: d.date,
            clauses: d.clauses,
        }
    }
}

/// The most characters of a short title.
const SHORT_TITLE_CHARS: usize = 90;

/// A title cut to [`SHORT_TITLE_CHARS`] at a space, with `…` where it was cut.
fn short_title(title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.chars().count() <= SHORT_TITLE_CHARS {
        return title;
    }
    let cut: String = title.chars().take(SHORT_TITLE_CHARS).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ']))
}

#[derive(Debug, Serialize)]
struct RelaxedView {
    matched_words: usize,
    words: usize,
}

/// One clause found.
#[derive(Debug, Serialize)]
struct HitView {
    clause_id: String,
    doc_id: String,
    doc_number: Option<String>,
    doc_kind: DocKind,
    doc_kind_label: &'static str,
    doc_title: Option<String>,
    section_path: Vec<String>,
    kind: ClauseKind,
    kind_label: &'static str,
    label: Option<String>,
    group: Option<String>,
    text: String,
    /// The best fragment, HTML-escaped, the matched words in `<mark>…</mark>`.
    snippet: String,
    score: f32,
    sectors: Vec<String>,
    /// Whether others' sectors were held back (blind annotation).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hidden: bool,
}

impl From<Hit> for HitView {
    fn from(h: Hit) -> HitView {
        HitView {
            snippet: html_snippet(&h.snippet),
            clause_id: h.clause_id,
            doc_id: h.doc_id,
            doc_number: h.doc_number,
            doc_kind: h.doc_kind,
            doc_kind_label: h.doc_kind.vietnamese(),
            doc_title: h.doc_title,
            section_path: h.section_path,
            kind: h.kind,
            kind_label: h.kind.vietnamese(),
            label: h.label,
            group: h.group,
            text: h.text,
            score: h.score,
            sectors: h.sectors,
            hidden: false,
        }
    }
}

#[derive(Debug, Serialize)]
struct FacetsView {
    doc: Vec<FacetCountView>,
    kind: Vec<FacetCountView>,
    sector: Vec<FacetCountView>,
    year: Vec<FacetCountView>,
    assignee: Vec<FacetCountView>,
    issuer: Vec<FacetCountView>,
}

#[derive(Debug, Serialize)]
struct FacetCountView {
    value: String,
    label: String,
    count: u64,
}

impl From<Facets> for FacetsView {
    fn from(f: Facets) -> FacetsView {
        let list = |v: Vec<FacetCount>| {
            v.into_iter()
                .map(|c| FacetCountView {
                    value: c.value,
                    label: c.label,
                    count: c.count,
                })
                .collect()
        };
        FacetsView {
            doc: list(f.doc),
            kind: list(f.kind),
            sector: list(f.sector),
            year: list(f.year),
            assignee: list(f.assignee),
            issuer: list(f.issuer),
        }
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A snippet as the page shows it: escaped text, the matched words in `<mark>…</mark>`.
fn html_snippet(s: &Snippet) -> String {
    s.render(escape, |m| format!("<mark>{}</mark>", escape(m)))
}

/// The labels of clause and document kinds, for the page's filters: made here from the one
/// place that names them (the ingest crate's model).
#[derive(Debug, Serialize)]
pub(crate) struct LabelsView {
    clause_kinds: Vec<Label>,
    doc_kinds: Vec<Label>,
}

#[derive(Debug, Serialize)]
struct Label {
    value: &'static str,
    label: &'static str,
}

impl LabelsView {
    pub(crate) fn new() -> LabelsView {
        LabelsView {
            clause_kinds: ClauseKind::ALL
                .iter()
                .map(|k| Label {
                    value: k.as_str(),
                    label: k.vietnamese(),
                })
                .collect(),
            doc_kinds: DocKind::ALL
                .iter()
                .map(|k| Label {
                    value: k.as_str(),
                    label: k.vietnamese(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_titles_are_cut_at_a_word() {
        let long = "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và \
                    chuyển đổi số quốc gia trong giai đoạn mới của đất nước";
        let short = short_title(long);
        assert!(short.ends_with('…'), "{short}");
        assert!(short.chars().count() <= SHORT_TITLE_CHARS + 1, "{short}");
        let kept = short.trim_end_matches('…');
        assert!(long.starts_with(kept), "{short}");
        assert!(
            long[kept.len()..].starts_with([' ', ',']),
            "cut mid-word: {short}"
        );
        assert_eq!(short_title("Kết luận  ngắn"), "Kết luận ngắn");
    }

    #[test]
    fn snippets_escape_the_text_and_mark_the_matches() {
        let s = Snippet {
            text: "Công trình <thuỷ lợi> & \"đê\"".into(),
            marks: std::iter::once(14..26).collect(),
            cut_before: true,
            cut_after: false,
        };
        assert_eq!(
            html_snippet(&s),
            "…Công trình &lt;<mark>thuỷ lợi</mark>&gt; &amp; &quot;đê&quot;"
        );
    }
}
