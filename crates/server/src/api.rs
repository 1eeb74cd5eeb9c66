//! The JSON API: search, documents, clauses and their sector tags, sectors, orphans (the export
//! is in `export.rs`, a document's relations in `relations.rs`, a clause's sector suggestions in
//! `suggest.rs`).
//!
//! Every handler does its tantivy and SQLite work in ONE job through [`AppState::blocking`], and
//! builds its JSON from view structs here: this crate alone knows the HTTP shapes.

use std::collections::{BTreeSet, HashMap};

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use vankien_annotate::{Tag, User};
use vankien_index::{DocSummary, RelationCounts};
use vankien_ingest::{Clause, ClauseKind, DocKind, Document, Section};
use vankien_library::{MIRROR_WAIT, MirrorTicket, TagOutcome};

use crate::auth::{Annotator, Viewer};
use crate::error::ApiError;
use crate::export;
use crate::paths;
use crate::query;
use crate::state::{AppState, Ctx};
use crate::suggest;
use crate::views::{LabelsView, SearchView};
use crate::{admin, review, work};

/// The longest id (document, clause, sector) a path may carry, in bytes.
const MAX_ID_BYTES: usize = 300;

/// The routes under `/api`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/search", get(search))
        .route("/api/search/export", get(crate::search_export::export))
        .route("/api/labels", get(labels))
        .route("/api/limits", get(limits))
        .route("/api/documents", get(documents))
        .route("/api/documents/{doc_id}", get(document))
        .route("/api/documents/{doc_id}/source", get(document_source))
        .route(
            "/api/documents/{doc_id}/relations",
            get(crate::relations::relations),
        )
        .route(
            "/api/clauses/{*rest}",
            get(suggest::get_clause).put(tag).delete(untag),
        )
        .route("/api/sectors", get(sectors))
        .route("/api/me", get(me))
        .route("/api/annotations/export", get(export::export))
        .route("/api/orphans", get(orphans))
        .route("/api/targets", get(crate::targets::targets))
        .route("/api/compare", get(crate::compare::compare))
        .route("/api/orphans/{id}/reattach", post(review::reattach))
        .route("/api/users", get(admin::list).post(admin::create))
        .route(
            "/api/users/{name}/tokens",
            post(admin::new_token).delete(admin::revoke),
        )
        .route("/api/decisions", get(work::decisions))
        .route(
            "/api/decisions/{*clause_id}",
            put(work::decide).delete(work::undecide),
        )
        .route(
            "/api/assignments",
            get(work::assignments).post(work::assign),
        )
        .route("/api/assignments/{id}", delete(work::unassign))
        .route("/api/queue/next", get(work::next))
        .route("/api/progress", get(work::progress_report))
        .route("/api/agreement", get(review::agreement))
        .route("/api/review", get(review::list))
        .route(
            "/api/review/{*rest}",
            put(review::set).delete(review::clear),
        )
}

// ---------------------------------------------------------------------------------------------
// Extractors

/// Checks an id taken from the path: not empty, not huge, no control characters.
pub(crate) fn check_id(what: &str, id: &str) -> Result<(), ApiError> {
    if id.is_empty() {
        return Err(ApiError::NotFound(format!("no {what} given")));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(ApiError::BadRequest(format!(
            "{what} too long (at most {MAX_ID_BYTES} bytes)"
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "control characters in the {what}"
        )));
    }
    Ok(())
}

/// A path parameter, or a 400 JSON error instead of axum's plain-text rejection (e.g. `%FF`).
pub(crate) fn path_param<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(t)| t)
        .map_err(|rejection| ApiError::BadRequest(format!("bad path: {}", rejection.body_text())))
}

// ---------------------------------------------------------------------------------------------
// Views: the JSON shapes

/// A sector tag as the API shows it.
#[derive(Debug, Serialize)]
struct TagView {
    sector: String,
    sector_name: Option<String>,
    user: String,
    at: String,
}

/// A clause as the API shows it.
#[derive(Debug, Serialize)]
struct ClauseView<'a> {
    id: &'a str,
    kind: ClauseKind,
    kind_label: &'static str,
    label: Option<&'a str>,
    group: Option<&'a str>,
    section_path: &'a [String],
    text: &'a str,
    /// Who must carry the clause out, where the document says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    assignee: Option<&'a str>,
    /// The cells of a table row.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    cells: &'a [String],
    /// First and last page, where the source has pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<[u32; 2]>,
    sectors: Vec<String>,
    /// Who tagged which sector, oldest first: the page's chips name their taggers in this order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<ClauseTag>,
    /// Whether others' tags were held back (blind annotation: the viewer has not decided it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hidden: bool,
}

/// One tag on a clause of a document view.
#[derive(Debug, Serialize)]
struct ClauseTag {
    sector: String,
    user: String,
    at: String,
}

impl<'a> ClauseView<'a> {
    fn new(clause: &'a Clause, sectors: Vec<String>) -> ClauseView<'a> {
        ClauseView {
            id: &clause.id,
            kind: clause.kind,
            kind_label: clause.kind.vietnamese(),
            label: clause.label.as_deref(),
            group: clause.group.as_deref(),
            section_path: &clause.section_path,
            text: &clause.text,
            assignee: clause.assignee.as_deref(),
            cells: &clause.cells,
            pages: clause.pages,
            sectors,
            tags: Vec::new(),
            hidden: false,
        }
    }
}

/// A node of the section tree.
#[derive(Debug, Serialize)]
struct SectionNode {
    label: String,
    heading: String,
    path: Vec<String>,
    children: Vec<SectionNode>,
}

/// A document's metadata (everything but its clauses, sections and text).
#[derive(Debug, Serialize)]
struct DocumentMeta<'a> {
    id: &'a str,
    kind: DocKind,
    kind_label: &'static str,
    number: Option<&'a str>,
    issuer: Option<&'a str>,
    place: Option<&'a str>,
    date: Option<&'a str>,
    title: Option<&'a str>,
    term: Option<&'a str>,
    source: &'a str,
    /// The `Kính gửi:` lines of a letter or notice.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    addressees: &'a [String],
    recipients: &'a [String],
    signature: &'a [String],
    /// The signer read from the signature block: name, title, on whose behalf.
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<vankien_ingest::Signer>,
    /// Where the original file can be downloaded, while it is still as it was ingested.
    #[serde(skip_serializing_if = "Option::is_none")]
    source_url: Option<String>,
    diagnostics: &'a [String],
    clauses: usize,
    /// What the source file was (`text`, `markdown`, `pdf`, `docx` …).
    format: &'a str,
    /// How many pages the source has, where it has pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    page_count: Option<u32>,
}

/// A document in the list, with its counts.
#[derive(Debug, Serialize)]
struct DocListEntry {
    #[serde(flatten)]
    summary: DocSummary,
    kind_label: &'static str,
    /// Clauses of the document with at least one sector tag.
    tagged_clauses: usize,
}

/// A document summary as the API shows it: the source file by its name only.
fn public_summary(mut summary: DocSummary) -> DocSummary {
    summary.source = paths::file_name(&summary.source).to_string();
    summary
}

/// Builds the section tree from the flat list in document order: a section hangs under the
/// nearest earlier section whose path is a prefix of its own.
fn section_tree(sections: &[Section]) -> Vec<SectionNode> {
    fn attach(into: &mut Vec<SectionNode>, node: SectionNode) {
        if let Some(last) = into.last_mut()
            && node.path.len() > last.path.len()
            && node.path.starts_with(&last.path)
        {
            attach(&mut last.children, node);
            return;
        }
        into.push(node);
    }
    let mut roots = Vec::new();
    for s in sections {
        attach(
            &mut roots,
            SectionNode {
                label: s.label.clone(),
                heading: s.heading.clone(),
                path: s.path.clone(),
                children: Vec::new(),
            },
        );
    }
    roots
}

fn tag_views_of(ctx: &Ctx<'_>, tags: Vec<Tag>) -> Vec<TagView> {
    // Names are a nicety: a failed read of them leaves the ids alone.
    let names = ctx.library.sector_names().unwrap_or_default();
    tags.into_iter()
        .map(|t| TagView {
            sector_name: names.get(&t.sector_id).cloned(),
            sector: t.sector_id,
            user: t.user,
            at: t.at,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Handlers

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn search(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    uri: Uri,
) -> Result<Json<SearchView>, ApiError> {
    let req = query::search_request(uri.query(), state.config())?;
    let (limit, offset) = (req.limit, req.offset);
    let (results, hidden) = state
        .blocking(move |ctx| {
            let blindness = ctx.store.blindness(viewer.as_ref(), None)?;
            let narrowed = crate::blind::narrow(ctx, &blindness, req)?;
            let mut results = ctx.library.search(&narrowed.req)?;
            if narrowed.hide_sector_facet
                && let Some(facets) = results.facets.as_mut()
            {
                facets.sector.clear();
            }
            let hidden = crate::blind::hits(ctx, &blindness, &mut results.hits)?;
            Ok((results, hidden))
        })
        .await?;
    let mut view = SearchView::new(results, limit, offset);
    view.mark_hidden(&hidden);
    Ok(Json(view))
}

/// Who the token belongs to: the page checks a token here at sign-in, before any write.
#[derive(Debug, Serialize)]
struct MeAnswer {
    name: String,
    role: &'static str,
    /// The role in Vietnamese, as the page shows it.
    role_label: &'static str,
}

async fn me(Annotator(user): Annotator, uri: Uri) -> Result<Json<MeAnswer>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    Ok(Json(MeAnswer {
        role: user.role.as_str(),
        role_label: user.role.vietnamese(),
        name: user.name,
    }))
}

async fn labels(uri: Uri) -> Result<Json<LabelsView>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    Ok(Json(LabelsView::new()))
}

/// The limits a search is checked against, for the page to apply before it asks.
#[derive(Debug, Serialize)]
struct LimitsAnswer {
    max_query_chars: usize,
    max_words: usize,
    max_limit: usize,
    max_offset: usize,
    /// The most clauses `GET /api/search/export` gives.
    max_export_rows: usize,
}

async fn limits(State(state): State<AppState>, uri: Uri) -> Result<Json<LimitsAnswer>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    let l = state.config().limits;
    Ok(Json(LimitsAnswer {
        max_query_chars: l.max_query_chars,
        max_words: l.max_words,
        max_limit: l.max_limit,
        max_offset: l.max_offset,
        max_export_rows: crate::search_export::MAX_EXPORT_ROWS,
    }))
}

async fn documents(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    let list = state
        .blocking(|ctx| {
            let docs = ctx.index.documents()?;
            let map = ctx.store.sector_map()?;
            let mut tagged: HashMap<&str, usize> = HashMap::new();
            for (clause_id, sectors) in &map {
                if let Some((doc_id, _)) = clause_id.split_once('/')
                    && !sectors.is_empty()
                {
                    *tagged.entry(doc_id).or_default() += 1;
                }
            }
            Ok(docs
                .into_iter()
                .map(public_summary)
                .map(|summary| DocListEntry {
                    kind_label: summary.kind.vietnamese(),
                    tagged_clauses: tagged.get(summary.id.as_str()).copied().unwrap_or(0),
                    summary,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(
        serde_json::json!({ "total": list.len(), "documents": list }),
    ))
}

async fn document(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let doc_id = path_param(path)?;
    check_id("document id", &doc_id)?;
    state
        .blocking(move |ctx| {
            let Some(doc) = ctx.index.document(&doc_id)? else {
                return Err(ApiError::NotFound(format!(
                    "no document `{}`",
                    doc_id.escape_debug()
                )));
            };
            let tags = ctx.store.tags_for_doc(&doc.id)?;
            let blindness = ctx.store.blindness(viewer.as_ref(), Some(&doc.id))?;
            let source = ctx.index.source_bytes(&doc.id).is_some();
            // A nicety: a failed read of the relations leaves the document alone.
            let counts = ctx
                .index
                .relation_counts(&doc.id)
                .inspect_err(|e| tracing::warn!("relations of {}: {e}", doc.id))
                .ok()
                .flatten();
            document_json(&doc, tags, &blindness, source, counts).map(Json)
        })
        .await
}

/// The original file of a document, as it was ingested, to download: 404 when the file is gone
/// or no longer holds what was indexed.
async fn document_source(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let doc_id = path_param(path)?;
    check_id("document id", &doc_id)?;
    let (bytes, source) = state
        .blocking(move |ctx| {
            if ctx.index.summary(&doc_id).is_none() {
                return Err(ApiError::NotFound(format!(
                    "no document `{}`",
                    doc_id.escape_debug()
                )));
            }
            ctx.index.source_bytes(&doc_id).ok_or_else(|| {
                ApiError::NotFound(format!(
                    "the original file of `{}` is no longer as it was ingested",
                    doc_id.escape_debug()
                ))
            })
        })
        .await?;
    let content_type = match vankien_ingest::formats::sniff(&bytes) {
        vankien_ingest::formats::Format::Pdf => "application/pdf",
        vankien_ingest::formats::Format::Docx => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        vankien_ingest::formats::Format::Odt => "application/vnd.oasis.opendocument.text",
        vankien_ingest::formats::Format::Doc => "application/msword",
        // Text in any encoding, HTML included: as bytes, never rendered by the browser here.
        _ => "application/octet-stream",
    };
    let name = paths::file_name(&source);
    // The name as an RFC 5987 value: any byte outside the unreserved set percent-encoded.
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .map_err(|e| ApiError::Internal(format!("content-disposition: {e}")))?,
    );
    Ok(response)
}

fn document_json(
    doc: &Document,
    tags: Vec<Tag>,
    blindness: &vankien_annotate::Blindness,
    source_available: bool,
    counts: Option<RelationCounts>,
) -> Result<serde_json::Value, ApiError> {
    let meta = DocumentMeta {
        id: &doc.id,
        kind: doc.kind,
        kind_label: doc.kind.vietnamese(),
        number: doc.number.as_deref(),
        issuer: doc.issuer.as_deref(),
        place: doc.place.as_deref(),
        date: doc.date.as_deref(),
        title: doc.title.as_deref(),
        term: doc.term.as_deref(),
        source: paths::file_name(&doc.source),
        addressees: &doc.addressees,
        recipients: &doc.recipients,
        signature: &doc.signature,
        signer: vankien_ingest::signer(&doc.signature),
        source_url: source_available.then(|| format!("/api/documents/{}/source", doc.id)),
        diagnostics: &doc.diagnostics,
        clauses: doc.clauses.len(),
        format: &doc.format,
        page_count: doc.page_count,
    };
    let mut by_clause: HashMap<String, Vec<Tag>> = HashMap::new();
    for t in tags {
        by_clause.entry(t.clause_id.clone()).or_default().push(t);
    }
    let clauses: Vec<ClauseView<'_>> = doc
        .clauses
        .iter()
        .map(|c| {
            let all = by_clause.remove(c.id.as_str()).unwrap_or_default();
            let (seen, hidden) = blindness.filter(&doc.id, &c.id, &c.section_path, all);
            let of_clause: Vec<ClauseTag> = seen
                .into_iter()
                .map(|t| ClauseTag {
                    sector: t.sector_id,
                    user: t.user,
                    at: t.at,
                })
                .collect();
            let mut sectors: Vec<String> = of_clause.iter().map(|t| t.sector.clone()).collect();
            sectors.sort();
            sectors.dedup();
            ClauseView {
                tags: of_clause,
                hidden,
                ..ClauseView::new(c, sectors)
            }
        })
        .collect();
    // How many links `GET /api/documents/{id}/relations` lists each way.
    let relations_count =
        counts.map(|c| serde_json::json!({ "outgoing": c.outgoing, "incoming": c.incoming }));
    Ok(serde_json::json!({
        "document": meta,
        "sections": section_tree(&doc.sections),
        "clauses": clauses,
        "relations_count": relations_count,
    }))
}

/// The clause route's path: `{clause_id}` or `{clause_id}/sectors/{sector_id}`.
fn split_tag_path(rest: &str) -> Result<(String, String), ApiError> {
    let Some((clause_id, sector_id)) = rest.rsplit_once("/sectors/") else {
        return Err(ApiError::NotFound(
            "expected /api/clauses/{clause_id}/sectors/{sector_id}".into(),
        ));
    };
    check_id("clause id", clause_id)?;
    check_id("sector id", sector_id)?;
    if sector_id.contains('/') {
        return Err(ApiError::NotFound(format!(
            "no sector `{}`",
            sector_id.escape_debug()
        )));
    }
    Ok((clause_id.to_string(), sector_id.to_string()))
}

pub(crate) async fn clause(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let clause_id = path_param(path)?;
    check_id("clause id", &clause_id)?;
    state
        .blocking(move |ctx| {
            let not_found =
                || ApiError::NotFound(format!("no clause `{}`", clause_id.escape_debug()));
            let (summary, clause) = ctx.index.clause(&clause_id)?.ok_or_else(not_found)?;
            let doc = ctx.index.document(&summary.id)?.ok_or_else(not_found)?;
            let position = doc.clauses.iter().position(|c| c.id == clause.id);
            let previous = position
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| doc.clauses.get(i))
                .map(|c| c.id.as_str());
            let next = position
                .and_then(|i| doc.clauses.get(i + 1))
                .map(|c| c.id.as_str());
            // The headings of every enclosing section, from the root.
            let sections: Vec<serde_json::Value> = (1..=clause.section_path.len())
                .map(|n| {
                    let path = &clause.section_path[..n];
                    let heading = doc
                        .sections
                        .iter()
                        .find(|s| s.path == path)
                        .map_or("", |s| s.heading.as_str());
                    serde_json::json!({ "label": path[n - 1], "heading": heading, "path": path })
                })
                .collect();
            let blindness = ctx.store.blindness(viewer.as_ref(), Some(&summary.id))?;
            let (seen, hidden) = blindness.filter(
                &summary.id,
                &clause.id,
                &clause.section_path,
                ctx.store.tags_for_clause(&clause_id)?,
            );
            let tags = tag_views_of(ctx, seen);
            let sectors: BTreeSet<&str> = tags.iter().map(|t| t.sector.as_str()).collect();
            Ok(Json(serde_json::json!({
                "clause": ClauseView {
                    hidden,
                    ..ClauseView::new(&clause, sectors.into_iter().map(String::from).collect())
                },
                "document": public_summary(summary),
                "sections": sections,
                "position": position.map(|i| i + 1),
                "previous": previous,
                "next": next,
                "tags": tags,
            })))
        })
        .await
}

/// The answer of a tag change.
#[derive(Debug, Serialize)]
struct TagAnswer {
    clause_id: String,
    /// Whether the request changed anything (false: the tag was already there / already gone).
    changed: bool,
    /// The clause's live sectors after the write; `null` when they could not be read back (the
    /// write is committed all the same).
    sectors: Option<Vec<String>>,
    /// The clause's tags after the write; `null` as for `sectors`.
    tags: Option<Vec<TagView>>,
    /// Whether search already shows the change (it follows within one pass of the mirror when
    /// not; `?wait=true` waits for it).
    mirrored: bool,
    /// On a blind clause the writer has not decided: `sectors` and `tags` are their own only.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hidden: bool,
}

impl TagAnswer {
    /// The answer as `user` may see it: on a blind clause they have not decided, their own tags
    /// only. The write is committed already, so a failure to read what they may see leaves the
    /// tags out (`null`) rather than answer 5xx or show too much.
    fn new(ctx: &Ctx<'_>, user: &User, clause_id: String, outcome: &TagOutcome) -> TagAnswer {
        let mut sectors = outcome.sectors.clone();
        let mut tags = outcome.tags.clone();
        let mut hidden = false;
        if let Some(all) = tags.take() {
            match blinded(ctx, user, &clause_id, all) {
                Ok((seen, held_back)) => {
                    if held_back {
                        let mut own: Vec<String> =
                            seen.iter().map(|t| t.sector_id.clone()).collect();
                        own.sort();
                        own.dedup();
                        sectors = Some(own);
                    }
                    hidden = held_back;
                    tags = Some(seen);
                }
                Err(e) => {
                    tracing::warn!("what {} may see of {clause_id}: {e}", user.name);
                    sectors = None;
                }
            }
        }
        TagAnswer {
            clause_id,
            changed: outcome.changed,
            sectors,
            tags: tags.map(|tags| tag_views_of(ctx, tags)),
            mirrored: outcome.mirrored,
            hidden,
        }
    }
}

/// The tags of a clause `user` may see, and whether others' were held back.
fn blinded(
    ctx: &Ctx<'_>,
    user: &User,
    clause_id: &str,
    tags: Vec<Tag>,
) -> Result<(Vec<Tag>, bool), ApiError> {
    let Some((doc, clause)) = ctx.index.clause(clause_id)? else {
        return Ok((tags, false));
    };
    let blindness = ctx.store.blindness(Some(user), Some(&doc.id))?;
    Ok(blindness.filter(&doc.id, clause_id, &clause.section_path, tags))
}

async fn tag(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (clause_id, sector_id) = split_tag_path(&path_param(path)?)?;
    let wait = wait_param(&uri)?;
    let answer = state
        .writing(move |ctx| {
            let outcome = ctx.library.tag(&user, &clause_id, &sector_id)?;
            Ok((
                TagAnswer::new(ctx, &user, clause_id, &outcome),
                outcome.ticket,
            ))
        })
        .await?;
    let answer = mirrored(&state, answer, wait).await;
    let status = if answer.changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)).into_response())
}

async fn untag(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<TagAnswer>, ApiError> {
    let (clause_id, sector_id) = split_tag_path(&path_param(path)?)?;
    let wait = wait_param(&uri)?;
    let answer = state
        .writing(move |ctx| {
            // A live tag on a clause gone from the index (its document was removed) can still be
            // removed. Orphaned tags are not live, so they are listed (`/api/orphans`), never
            // untagged here.
            let outcome = ctx.library.untag(&user, &clause_id, &sector_id)?;
            Ok((
                TagAnswer::new(ctx, &user, clause_id, &outcome),
                outcome.ticket,
            ))
        })
        .await?;
    Ok(Json(mirrored(&state, answer, wait).await))
}

/// `?wait=true` on a tag write: answer once search shows it (as Elasticsearch's
/// `refresh=wait_for`). By default a write answers when the store has committed it, and search
/// follows within one pass of the mirror.
fn wait_param(uri: &Uri) -> Result<bool, ApiError> {
    let pairs = query::parse_pairs(uri.query())?;
    match query::single_values(&pairs, &["wait"])?.first() {
        None | Some((_, "" | "false" | "0")) => Ok(false),
        Some((_, "true" | "1")) => Ok(true),
        Some(_) => Err(ApiError::BadRequest(
            "parameter `wait` must be true or false".into(),
        )),
    }
}

/// How often a committed tag write looks whether search shows it yet.
const MIRROR_POLL: std::time::Duration = std::time::Duration::from_millis(2);

/// With `wait`, waits, holding no blocking permit and no thread, up to [`MIRROR_WAIT`] for search
/// to show a committed tag write, so that a search right after it finds it; the answer says
/// whether it does. The index commits the writes of many clauses in one pass meanwhile.
async fn mirrored(
    state: &AppState,
    (mut answer, ticket): (TagAnswer, Option<MirrorTicket>),
    wait: bool,
) -> TagAnswer {
    if let Some(ticket) = ticket.filter(|_| wait) {
        let library = state.library();
        let deadline = tokio::time::Instant::now() + MIRROR_WAIT;
        while !library.is_mirrored(ticket) && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(MIRROR_POLL).await;
        }
        answer.mirrored = library.is_mirrored(ticket);
    }
    answer
}

async fn sectors(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    let sectors = state.blocking(|ctx| Ok(ctx.store.sectors()?)).await?;
    let list: Vec<serde_json::Value> = sectors
        .iter()
        .map(|s| serde_json::json!({ "id": s.id, "name": s.name, "parent": s.parent }))
        .collect();
    Ok(Json(serde_json::json!({ "sectors": list })))
}

async fn orphans(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    let orphans = state.blocking(|ctx| Ok(ctx.store.orphans()?)).await?;
    Ok(Json(
        serde_json::json!({ "total": orphans.len(), "orphans": orphans }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(path: &[&str]) -> Section {
        Section {
            label: path.last().unwrap().to_string(),
            heading: format!("heading {}", path.join("/")),
            path: path.iter().map(|s| s.to_string()).collect(),
            span: [0, 0],
            pages: None,
        }
    }

    #[test]
    fn section_tree_nests_by_path_prefix() {
        let tree = section_tree(&[
            section(&["A"]),
            section(&["A", "I"]),
            section(&["A", "I", "1"]),
            section(&["A", "II"]),
            section(&["B"]),
            // A section whose parent is missing hangs under the nearest ancestor present.
            section(&["B", "I", "3"]),
        ]);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].children.len(), 2);
        assert_eq!(tree[0].children[0].children[0].label, "1");
        assert_eq!(tree[1].children[0].path, ["B", "I", "3"]);
    }

    #[test]
    fn tag_paths_split_at_the_last_sectors_segment() {
        assert_eq!(
            split_tag_path("doc.1/a.ii.2/sectors/du-lich").unwrap(),
            ("doc.1/a.ii.2".to_string(), "du-lich".to_string())
        );
        assert!(matches!(
            split_tag_path("doc.1/a.ii.2"),
            Err(ApiError::NotFound(_))
        ));
        assert!(matches!(
            split_tag_path("/sectors/du-lich"),
            Err(ApiError::NotFound(_))
        ));
        assert!(matches!(
            split_tag_path("doc/a\u{7}/sectors/x"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
