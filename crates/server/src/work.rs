//! The annotators' work over HTTP: decisions on clauses, assignments (made by admins), the queue
//! of a signed-in annotator and progress per document and per annotator. The store holds
//! assignments and decisions; the index gives each document's clauses, in document order.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde::Serialize;
use vankien_annotate::assign::{QueueItem, next_undecided, progress, queue};
use vankien_annotate::{Assignment, Decision, NewAssignment, Progress, Role};
use vankien_ingest::Document;

use crate::admin::bad_path;
use crate::auth::{Annotator, require};
use crate::body;
use crate::error::ApiError;
use crate::query;
use crate::state::{AppState, Ctx};

/// The documents named by `ids` that the index holds, by id.
pub(crate) fn documents<'a>(
    ctx: &Ctx<'_>,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Document>, ApiError> {
    let mut out = HashMap::new();
    for id in ids {
        if !out.contains_key(id)
            && let Some(doc) = ctx.index.document(id)?
        {
            out.insert(id.to_string(), doc);
        }
    }
    Ok(out)
}

/// The query parameters `names` of a request, each at most once.
fn params(uri: &Uri, names: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let pairs = query::parse_pairs(uri.query())?;
    Ok(query::single_values(&pairs, names)?
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Decisions

/// The answer of a decision.
#[derive(Debug, Serialize)]
pub(crate) struct DecisionAnswer {
    clause_id: String,
    user: String,
    decided: bool,
    none: bool,
    sectors: Vec<String>,
    at: Option<String>,
    changed: bool,
}

/// `PUT /api/decisions/{clause_id}`: 201 when new, 200 when decided already.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<(StatusCode, Json<DecisionAnswer>), ApiError> {
    let clause_id = path.map(|Path(p)| p).map_err(bad_path)?;
    crate::api::check_id("clause id", &clause_id)?;
    let (new, d) = state
        .writing(move |ctx| {
            Ok(ctx
                .library
                .with_clause(&clause_id, |c| ctx.store.decide(&user, c))?)
        })
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(DecisionAnswer {
            none: d.none(),
            clause_id: d.clause_id,
            user: d.user,
            decided: true,
            sectors: d.sectors,
            at: Some(d.at),
            changed: new,
        }),
    ))
}

/// `DELETE /api/decisions/{clause_id}`: back into the queue; the tags stay.
pub(crate) async fn undecide(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<DecisionAnswer>, ApiError> {
    let clause_id = path.map(|Path(p)| p).map_err(bad_path)?;
    crate::api::check_id("clause id", &clause_id)?;
    state
        .writing(move |ctx| {
            let changed = ctx.store.undecide(&user, &clause_id)?;
            if !changed && ctx.index.clause(&clause_id)?.is_none() {
                return Err(ApiError::NotFound(format!(
                    "no clause `{}`",
                    clause_id.escape_debug()
                )));
            }
            let sectors = ctx
                .store
                .tags_for_clause(&clause_id)?
                .into_iter()
                .filter(|t| t.user == user.name)
                .map(|t| t.sector_id)
                .collect::<Vec<_>>();
            Ok(Json(DecisionAnswer {
                clause_id,
                none: sectors.is_empty(),
                user: user.name,
                decided: false,
                sectors,
                at: None,
                changed,
            }))
        })
        .await
}

#[derive(Debug, Serialize)]
struct DecisionView {
    clause_id: String,
    none: bool,
    sectors: Vec<String>,
    at: String,
}

/// `GET /api/decisions?doc=&user=`: the signed-in user's decisions (reviewers and admins may
/// name another user).
pub(crate) async fn decisions(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = params(&uri, &["doc", "user"])?;
    let who = match p.get("user") {
        Some(other) if *other != user.name => {
            require(&user, Role::reviews, "reviewers and admins")?;
            other.clone()
        }
        _ => user.name.clone(),
    };
    let doc = p.get("doc").cloned();
    let list = state
        .blocking(move |ctx| Ok(ctx.store.decisions(doc.as_deref(), Some(&who))?))
        .await?;
    let user = list.first().map(|d| d.user.clone());
    let views: Vec<DecisionView> = list
        .into_iter()
        .map(|d| DecisionView {
            none: d.none(),
            clause_id: d.clause_id,
            sectors: d.sectors,
            at: d.at,
        })
        .collect();
    Ok(Json(
        serde_json::json!({ "user": user, "decisions": views }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Assignments

/// An assignment as the API shows it.
#[derive(Debug, Serialize)]
struct AssignmentView {
    #[serde(flatten)]
    assignment: Assignment,
    doc_number: Option<String>,
    doc_title: Option<String>,
    assigned: usize,
    decided: usize,
}

fn assignment_views(ctx: &Ctx<'_>, list: Vec<Assignment>) -> Result<Vec<AssignmentView>, ApiError> {
    let docs = documents(ctx, list.iter().map(|a| a.doc_id.as_str()))?;
    let mut decided: HashMap<(String, String), HashSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for a in list {
        let key = (a.user.clone(), a.doc_id.clone());
        if !decided.contains_key(&key) {
            let set = ctx.store.decided_clauses(&a.user, &a.doc_id)?;
            decided.insert(key.clone(), set);
        }
        let done = &decided[&key];
        let doc = docs.get(&a.doc_id);
        let (assigned, decided) = doc.map_or((0, 0), |d| {
            let covered: Vec<_> = a.clauses(&d.clauses).collect();
            let n = covered.iter().filter(|c| done.contains(&c.id)).count();
            (covered.len(), n)
        });
        out.push(AssignmentView {
            doc_number: doc.and_then(|d| d.number.clone()),
            doc_title: doc.and_then(|d| d.title.clone()),
            assignment: a,
            assigned,
            decided,
        });
    }
    Ok(out)
}

/// `POST /api/assignments` `{"doc_id", "section_path", "users", "blind"}` (admins).
pub(crate) async fn assign(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    require(&user, |r| r == Role::Admin, "admins")?;
    let new: NewAssignment = body::json(&body)?;
    let views = state
        .writing(move |ctx| {
            let Some(doc) = ctx.index.document(&new.doc_id)? else {
                return Err(ApiError::NotFound(format!(
                    "no document `{}`",
                    new.doc_id.escape_debug()
                )));
            };
            if !doc
                .clauses
                .iter()
                .any(|c| c.section_path.starts_with(&new.section_path))
            {
                return Err(ApiError::BadRequest(format!(
                    "no clause of {} lies under the section {}",
                    new.doc_id,
                    new.section_path.join("/")
                )));
            }
            let made = ctx.store.assign(Some(&user), &new)?;
            assignment_views(ctx, made)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "assignments": views })),
    ))
}

/// `GET /api/assignments?doc=&user=`: annotators see their own.
pub(crate) async fn assignments(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = params(&uri, &["doc", "user"])?;
    let who = if user.role.reviews() {
        p.get("user").cloned()
    } else {
        Some(user.name.clone())
    };
    let doc = p.get("doc").cloned();
    let views = state
        .blocking(move |ctx| {
            let list = ctx.store.assignments(doc.as_deref(), who.as_deref())?;
            assignment_views(ctx, list)
        })
        .await?;
    Ok(Json(serde_json::json!({ "assignments": views })))
}

/// `DELETE /api/assignments/{id}` (admins).
pub(crate) async fn unassign(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    require(&user, |r| r == Role::Admin, "admins")?;
    let raw = path.map(|Path(p)| p).map_err(bad_path)?;
    let id: i64 = raw
        .parse()
        .map_err(|_| ApiError::NotFound(format!("no assignment `{}`", raw.escape_debug())))?;
    state
        .writing(move |ctx| Ok(ctx.store.unassign(Some(&user), id)?))
        .await?;
    Ok(Json(serde_json::json!({ "id": id, "deleted": true })))
}

// ---------------------------------------------------------------------------------------------
// Queue and progress

/// The clause the queue hands out.
#[derive(Debug, Serialize)]
struct QueueClause {
    id: String,
    doc_id: String,
    doc_number: Option<String>,
    doc_title: Option<String>,
    kind: vankien_ingest::ClauseKind,
    kind_label: &'static str,
    label: Option<String>,
    section_path: Vec<String>,
    text: String,
    position: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct QueueAnswer {
    clause: Option<QueueClause>,
    assignment_id: Option<i64>,
    blind: bool,
    progress: Progress,
    remaining: usize,
}

/// Every clause `user` decided in the documents of `list`.
fn decided_in(ctx: &Ctx<'_>, user: &str, list: &[Assignment]) -> Result<HashSet<String>, ApiError> {
    let docs: HashSet<&str> = list.iter().map(|a| a.doc_id.as_str()).collect();
    let mut out = HashSet::new();
    for doc in docs {
        out.extend(ctx.store.decided_clauses(user, doc)?);
    }
    Ok(out)
}

/// `GET /api/queue/next?after=&doc=`: the signed-in user's next undecided clause.
pub(crate) async fn next(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    uri: Uri,
) -> Result<Json<QueueAnswer>, ApiError> {
    let p = params(&uri, &["after", "doc"])?;
    let answer = state
        .blocking(move |ctx| {
            let list = ctx
                .store
                .assignments(p.get("doc").map(String::as_str), Some(&user.name))?;
            let docs = documents(ctx, list.iter().map(|a| a.doc_id.as_str()))?;
            let items = queue(&list, |id| docs.get(id).map(|d| d.clauses.as_slice()));
            let decided = decided_in(ctx, &user.name, &list)?;
            let progress = progress(&items, &decided);
            let next = next_undecided(&items, &decided, p.get("after").map(String::as_str));
            Ok(QueueAnswer {
                blind: next.is_some_and(|q| q.assignment.blind),
                assignment_id: next.map(|q| q.assignment.id),
                clause: next.map(|q| queue_clause(q, &docs)),
                remaining: progress.assigned - progress.decided,
                progress,
            })
        })
        .await?;
    Ok(Json(answer))
}

fn queue_clause(q: &QueueItem<'_>, docs: &HashMap<String, Document>) -> QueueClause {
    let doc = docs.get(&q.assignment.doc_id);
    QueueClause {
        id: q.clause.id.clone(),
        doc_id: q.assignment.doc_id.clone(),
        doc_number: doc.and_then(|d| d.number.clone()),
        doc_title: doc.and_then(|d| d.title.clone()),
        kind: q.clause.kind,
        kind_label: q.clause.kind.vietnamese(),
        label: q.clause.label.clone(),
        section_path: q.clause.section_path.clone(),
        text: q.clause.text.clone(),
        position: q.position,
    }
}

#[derive(Debug, Serialize)]
struct AnnotatorProgress {
    user: String,
    #[serde(flatten)]
    progress: Progress,
    #[serde(skip_serializing_if = "Option::is_none")]
    blind: Option<bool>,
}

#[derive(Debug, Serialize)]
struct DocumentProgress {
    doc_id: String,
    doc_number: Option<String>,
    doc_title: Option<String>,
    #[serde(flatten)]
    progress: Progress,
    annotators: Vec<AnnotatorProgress>,
}

/// `GET /api/progress?doc=`: per document (and its annotators), and per annotator.
pub(crate) async fn progress_report(
    State(state): State<AppState>,
    Annotator(_user): Annotator,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = params(&uri, &["doc"])?;
    let (documents_view, annotators) = state
        .blocking(move |ctx| {
            let list = ctx
                .store
                .assignments(p.get("doc").map(String::as_str), None)?;
            let docs = documents(ctx, list.iter().map(|a| a.doc_id.as_str()))?;
            let decisions = ctx
                .store
                .decisions(p.get("doc").map(String::as_str), None)?;
            Ok(progress_views(&list, &docs, &decisions))
        })
        .await?;
    Ok(Json(
        serde_json::json!({ "documents": documents_view, "annotators": annotators }),
    ))
}

fn progress_views(
    list: &[Assignment],
    docs: &HashMap<String, Document>,
    decisions: &[Decision],
) -> (Vec<DocumentProgress>, Vec<AnnotatorProgress>) {
    let mut decided: HashMap<&str, HashSet<String>> = HashMap::new();
    for d in decisions {
        decided
            .entry(d.user.as_str())
            .or_default()
            .insert(d.clause_id.clone());
    }
    let none = HashSet::new();
    let clauses_of = |id: &str| docs.get(id).map(|d| d.clauses.as_slice());
    let mut by_doc: BTreeMap<&str, Vec<AnnotatorProgress>> = BTreeMap::new();
    let mut by_user: BTreeMap<&str, Vec<Assignment>> = BTreeMap::new();
    for a in list {
        by_user.entry(&a.user).or_default().push(a.clone());
    }
    let mut annotators = Vec::new();
    for (user, theirs) in &by_user {
        let done = decided.get(user).unwrap_or(&none);
        annotators.push(AnnotatorProgress {
            user: user.to_string(),
            progress: progress(&queue(theirs, clauses_of), done),
            blind: None,
        });
        let doc_ids: std::collections::BTreeSet<&str> =
            theirs.iter().map(|a| a.doc_id.as_str()).collect();
        for doc in doc_ids {
            let in_doc: Vec<Assignment> =
                theirs.iter().filter(|a| a.doc_id == doc).cloned().collect();
            let entry = AnnotatorProgress {
                user: user.to_string(),
                progress: progress(&queue(&in_doc, clauses_of), done),
                blind: Some(in_doc.iter().any(|a| a.blind)),
            };
            by_doc.entry(list_doc(list, doc)).or_default().push(entry);
        }
    }
    let documents = by_doc
        .into_iter()
        .map(|(doc_id, annotators)| {
            let doc = docs.get(doc_id);
            DocumentProgress {
                doc_id: doc_id.to_string(),
                doc_number: doc.and_then(|d| d.number.clone()),
                doc_title: doc.and_then(|d| d.title.clone()),
                progress: Progress {
                    assigned: annotators.iter().map(|a| a.progress.assigned).sum(),
                    decided: annotators.iter().map(|a| a.progress.decided).sum(),
                },
                annotators,
            }
        })
        .collect();
    (documents, annotators)
}

/// The document id as `list` holds it (a borrow that lives as long as the list).
fn list_doc<'a>(list: &'a [Assignment], doc: &str) -> &'a str {
    list.iter()
        .find(|a| a.doc_id == doc)
        .map_or("", |a| a.doc_id.as_str())
}
