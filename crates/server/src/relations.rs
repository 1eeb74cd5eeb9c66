//! `GET /api/documents/{id}/relations`: what a document cites, implements, guides, amends,
//! replaces or repeals, what documents of the index do so to it, and whether one of them
//! replaced or repealed it. Each relation comes with its Vietnamese labels, taken from the one
//! place that names them (`vankien_ingest::relations::Relation`), as the kinds' labels are.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde::Serialize;
use vankien_index::{DocRelations, DocSummary, Link};
use vankien_ingest::DocKind;
use vankien_ingest::relations::{Reference, Relation};

use crate::api::{check_id, path_param};
use crate::error::ApiError;
use crate::state::AppState;

/// The answer: the document's links each way and its status (public: `vankien relations --json`
/// prints it).
#[derive(Debug, Serialize)]
pub struct RelationsView {
    document: String,
    /// What the document does to others, grouped by relation (in the order the page lists them)
    /// and target; a target it relates to otherwise is not listed again as a mention.
    outgoing: Vec<LinkView>,
    /// What documents of the index do to it, grouped by citing document and relation.
    incoming: Vec<LinkView>,
    status: StatusView,
}

/// Whether a document of the index replaced or repealed this one (the latest that did).
#[derive(Debug, Serialize)]
struct StatusView {
    replaced_by: Option<DocRef>,
    repealed_by: Option<DocRef>,
}

/// One link.
#[derive(Debug, Serialize)]
struct LinkView {
    /// `cites`, `implements`, `guides`, `amends`, `replaces`, `repeals` or `mentions`.
    #[serde(rename = "type")]
    relation: Relation,
    /// The heading of its group, as legal portals name it, from this document's side (`Văn bản
    /// căn cứ` for what it cites, `Văn bản lấy làm căn cứ` for what cites it).
    type_label: &'static str,
    /// The verb (`căn cứ`, `thực hiện` …).
    verb: &'static str,
    /// The reference as the citing document writes it.
    reference: ReferenceView,
    /// The other document when the index holds it; `null`: the reference is kept as text.
    document: Option<DocRef>,
    /// The clauses of the citing document that make the reference (empty: its title or a
    /// heading).
    clause_ids: Vec<String>,
}

/// A reference as written.
#[derive(Debug, Serialize)]
struct ReferenceView {
    text: String,
    kind: Option<DocKind>,
    kind_label: Option<String>,
    number: Option<String>,
    date: Option<String>,
    issuer: Option<String>,
    name: Option<String>,
}

/// A document of the index, as a link shows it.
#[derive(Debug, Serialize)]
struct DocRef {
    id: String,
    kind: DocKind,
    kind_label: &'static str,
    number: Option<String>,
    title: Option<String>,
    date: Option<String>,
}

impl From<DocSummary> for DocRef {
    fn from(d: DocSummary) -> DocRef {
        DocRef {
            kind_label: d.kind.vietnamese(),
            id: d.id,
            kind: d.kind,
            number: d.number,
            title: d.title,
            date: d.date,
        }
    }
}

impl From<Reference> for ReferenceView {
    fn from(r: Reference) -> ReferenceView {
        ReferenceView {
            text: r.text,
            kind: r.kind,
            kind_label: r.kind_name,
            number: r.number,
            date: r.date,
            issuer: r.issuer,
            name: r.name,
        }
    }
}

impl LinkView {
    fn new(link: Link, outgoing: bool) -> LinkView {
        let relation = link.relation;
        LinkView {
            relation,
            type_label: if outgoing {
                relation.outgoing_label()
            } else {
                relation.incoming_label()
            },
            verb: relation.vietnamese(),
            reference: link.reference.into(),
            document: link.document.map(DocRef::from),
            clause_ids: link.clause_ids,
        }
    }
}

impl RelationsView {
    /// The view of the relations `r` of the document `document` (its id).
    pub fn new(document: String, r: DocRelations) -> RelationsView {
        RelationsView {
            document,
            outgoing: r
                .outgoing
                .into_iter()
                .map(|l| LinkView::new(l, true))
                .collect(),
            incoming: r
                .incoming
                .into_iter()
                .map(|l| LinkView::new(l, false))
                .collect(),
            status: StatusView {
                replaced_by: r.replaced_by.map(DocRef::from),
                repealed_by: r.repealed_by.map(DocRef::from),
            },
        }
    }
}

/// `GET /api/documents/{id}/relations`; 404 JSON for an unknown document.
pub(crate) async fn relations(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<RelationsView>, ApiError> {
    let doc_id = path_param(path)?;
    check_id("document id", &doc_id)?;
    state
        .blocking(move |ctx| {
            let Some(r) = ctx.index.relations(&doc_id)? else {
                return Err(ApiError::NotFound(format!(
                    "no document `{}`",
                    doc_id.escape_debug()
                )));
            };
            Ok(Json(RelationsView::new(doc_id, r)))
        })
        .await
}
