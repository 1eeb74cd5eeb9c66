//! Review over HTTP: where annotators disagree, the reviewer's verdicts on tagged sectors (the
//! gold set), agreement figures, and orphaned tags re-attached by hand.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use vankien_annotate::{Agreement, Decision, ReviewStatus, Role, Tag, Verdict};
use vankien_ingest::Document;

use crate::admin::bad_path;
use crate::auth::{Annotator, require};
use crate::body;
use crate::error::ApiError;
use crate::query;
use crate::state::AppState;
use crate::work::documents;

/// `GET /api/agreement?doc=`: no token needed.
pub(crate) async fn agreement(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<Agreement>, ApiError> {
    let pairs = query::parse_pairs(uri.query())?;
    let doc = query::single_values(&pairs, &["doc"])?
        .first()
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty());
    let answer = state
        .blocking(move |ctx| {
            if let Some(doc) = &doc
                && ctx.index.summary(doc).is_none()
            {
                return Err(ApiError::NotFound(format!(
                    "no document `{}`",
                    doc.escape_debug()
                )));
            }
            Ok(ctx.store.agreement(doc.as_deref())?)
        })
        .await?;
    Ok(Json(answer))
}

/// One annotator's answer on a clause under review.
#[derive(Debug, Serialize)]
struct AnnotatorAnswer {
    user: String,
    sectors: Vec<String>,
    none: bool,
    at: String,
}

/// One sector of a clause under review.
#[derive(Debug, Serialize)]
struct SectorUnderReview {
    sector: String,
    sector_name: Option<String>,
    by: Vec<String>,
    not_by: Vec<String>,
    status: ReviewStatus,
    reviewer: Option<String>,
    reviewed_at: Option<String>,
}

/// A clause under review.
#[derive(Debug, Serialize)]
struct ClauseUnderReview {
    clause_id: String,
    doc_id: String,
    doc_number: Option<String>,
    label: Option<String>,
    section_path: Vec<String>,
    text: String,
    agreed: bool,
    annotators: Vec<AnnotatorAnswer>,
    sectors: Vec<SectorUnderReview>,
}

/// What the review list is built from, for one request.
struct ReviewData {
    decisions: Vec<Decision>,
    tags: Vec<Tag>,
    verdicts: Vec<Verdict>,
    docs: HashMap<String, Document>,
    names: HashMap<String, String>,
}

/// `GET /api/review?doc=&all=`: clauses where annotators disagree (every decided one with
/// `all=true`), in document order. Reviewers and admins.
pub(crate) async fn list(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    require(&user, Role::reviews, "reviewers and admins")?;
    let pairs = query::parse_pairs(uri.query())?;
    let mut doc = None;
    let mut all = false;
    for (name, value) in query::single_values(&pairs, &["doc", "all"])? {
        match (name, value) {
            ("doc", v) if !v.is_empty() => doc = Some(v.to_string()),
            ("all", "true" | "1") => all = true,
            ("all", "" | "false" | "0") | ("doc", _) => {}
            _ => {
                return Err(ApiError::BadRequest(
                    "parameter `all` must be true or false".into(),
                ));
            }
        }
    }
    let clauses = state
        .blocking(move |ctx| {
            let decisions = ctx.store.decisions(doc.as_deref(), None)?;
            let tags = match &doc {
                Some(d) => ctx.store.tags_for_doc(d)?,
                None => {
                    let ids: BTreeSet<&str> = decisions.iter().map(|d| d.doc_id.as_str()).collect();
                    let mut tags = Vec::new();
                    for id in ids {
                        tags.extend(ctx.store.tags_for_doc(id)?);
                    }
                    tags
                }
            };
            let data = ReviewData {
                verdicts: ctx.store.verdicts(doc.as_deref())?,
                docs: documents(ctx, decisions.iter().map(|d| d.doc_id.as_str()))?,
                names: ctx.library.sector_names()?,
                decisions,
                tags,
            };
            Ok(review_list(&data, all))
        })
        .await?;
    Ok(Json(
        serde_json::json!({ "total": clauses.len(), "clauses": clauses }),
    ))
}

fn review_list(data: &ReviewData, all: bool) -> Vec<ClauseUnderReview> {
    let mut by_clause: BTreeMap<&str, Vec<&Decision>> = BTreeMap::new();
    for d in &data.decisions {
        by_clause.entry(d.clause_id.as_str()).or_default().push(d);
    }
    let mut out: Vec<(usize, ClauseUnderReview)> = Vec::new();
    for (clause_id, deciders) in by_clause {
        let distinct: BTreeSet<&Vec<String>> = deciders.iter().map(|d| &d.sectors).collect();
        let agreed = distinct.len() == 1;
        if !all && (deciders.len() < 2 || agreed) {
            continue;
        }
        let doc_id = deciders[0].doc_id.as_str();
        let doc = data.docs.get(doc_id);
        let found = doc.and_then(|d| {
            d.clauses
                .iter()
                .enumerate()
                .find(|(_, c)| c.id == clause_id)
        });
        let mut tagged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for t in data.tags.iter().filter(|t| t.clause_id == clause_id) {
            tagged.entry(&t.sector_id).or_default().push(t.user.clone());
        }
        let verdicts: HashMap<&str, &Verdict> = data
            .verdicts
            .iter()
            .filter(|v| v.clause_id == clause_id)
            .map(|v| (v.sector_id.as_str(), v))
            .collect();
        for sector in verdicts.keys() {
            tagged.entry(sector).or_default();
        }
        let sectors = tagged
            .into_iter()
            .map(|(sector, by)| {
                let verdict = verdicts.get(sector);
                SectorUnderReview {
                    sector: sector.to_string(),
                    sector_name: data.names.get(sector).cloned(),
                    not_by: deciders
                        .iter()
                        .filter(|d| !by.contains(&d.user))
                        .map(|d| d.user.clone())
                        .collect(),
                    by,
                    status: verdict.map_or(ReviewStatus::Pending, |v| v.status),
                    reviewer: verdict.map(|v| v.reviewer.clone()),
                    reviewed_at: verdict.map(|v| v.at.clone()),
                }
            })
            .collect();
        let position = found.map_or(usize::MAX, |(i, _)| i);
        out.push((
            position,
            ClauseUnderReview {
                clause_id: clause_id.to_string(),
                doc_id: doc_id.to_string(),
                doc_number: doc.and_then(|d| d.number.clone()),
                label: found.and_then(|(_, c)| c.label.clone()),
                section_path: found
                    .map(|(_, c)| c.section_path.clone())
                    .unwrap_or_default(),
                text: found.map(|(_, c)| c.text.clone()).unwrap_or_default(),
                agreed,
                annotators: deciders
                    .iter()
                    .map(|d| AnnotatorAnswer {
                        user: d.user.clone(),
                        sectors: d.sectors.clone(),
                        none: d.none(),
                        at: d.at.clone(),
                    })
                    .collect(),
                sectors,
            },
        ));
    }
    // Documents by id, clauses in document order.
    out.sort_by(|a, b| (a.1.doc_id.as_str(), a.0).cmp(&(b.1.doc_id.as_str(), b.0)));
    out.into_iter().map(|(_, c)| c).collect()
}

/// `/api/review/{clause_id}/sectors/{sector_id}`.
fn split_review_path(rest: &str) -> Result<(String, String), ApiError> {
    let Some((clause_id, sector_id)) = rest.rsplit_once("/sectors/") else {
        return Err(ApiError::NotFound(
            "expected /api/review/{clause_id}/sectors/{sector_id}".into(),
        ));
    };
    crate::api::check_id("clause id", clause_id)?;
    crate::api::check_id("sector id", sector_id)?;
    Ok((clause_id.to_string(), sector_id.to_string()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictBody {
    status: ReviewStatus,
}

#[derive(Debug, Serialize)]
pub(crate) struct VerdictAnswer {
    clause_id: String,
    sector: String,
    status: ReviewStatus,
    reviewer: Option<String>,
    at: Option<String>,
    changed: bool,
}

/// `PUT /api/review/{clause_id}/sectors/{sector_id}` `{"status": "accepted" | "rejected"}`.
pub(crate) async fn set(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<(StatusCode, Json<VerdictAnswer>), ApiError> {
    require(&user, Role::reviews, "reviewers and admins")?;
    let (clause_id, sector_id) = split_review_path(&path.map(|Path(p)| p).map_err(bad_path)?)?;
    let VerdictBody { status } = body::json(&body)?;
    if status == ReviewStatus::Pending {
        return Err(ApiError::BadRequest(
            "a verdict is accepted or rejected; DELETE it to make it pending".into(),
        ));
    }
    let outcome = state
        .writing(move |ctx| {
            Ok(ctx.library.with_clause(&clause_id, |c| {
                ctx.store.review(&user, c, &sector_id, status)
            })?)
        })
        .await?;
    let code = if outcome.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let v = outcome.verdict;
    Ok((
        code,
        Json(VerdictAnswer {
            clause_id: v.clause_id,
            sector: v.sector_id,
            status: v.status,
            reviewer: Some(v.reviewer),
            at: Some(v.at),
            changed: outcome.changed,
        }),
    ))
}

/// `DELETE /api/review/{clause_id}/sectors/{sector_id}`: back to pending.
pub(crate) async fn clear(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<VerdictAnswer>, ApiError> {
    require(&user, Role::reviews, "reviewers and admins")?;
    let (clause_id, sector) = split_review_path(&path.map(|Path(p)| p).map_err(bad_path)?)?;
    let (clause_id, sector, changed) = state
        .writing(move |ctx| {
            let changed = ctx.store.unreview(&user, &clause_id, &sector)?;
            Ok((clause_id, sector, changed))
        })
        .await?;
    Ok(Json(VerdictAnswer {
        clause_id,
        sector,
        status: ReviewStatus::Pending,
        reviewer: None,
        at: None,
        changed,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReattachBody {
    clause_id: String,
}

/// `POST /api/orphans/{id}/reattach` `{"clause_id"}`: reviewers and admins.
pub(crate) async fn reattach(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    require(&user, Role::reviews, "reviewers and admins")?;
    let raw = path.map(|Path(p)| p).map_err(bad_path)?;
    let id: i64 = raw
        .parse()
        .map_err(|_| ApiError::NotFound(format!("no orphaned tag `{}`", raw.escape_debug())))?;
    let ReattachBody { clause_id } = body::json(&body)?;
    crate::api::check_id("clause id", &clause_id)?;
    let answer = state
        .writing(move |ctx| {
            let (sector, outcome) = ctx.library.reattach_orphan(&user, id, &clause_id)?;
            Ok(serde_json::json!({
                "id": id,
                "clause_id": clause_id,
                "sector": sector,
                "sectors": outcome.sectors,
                "mirrored": outcome.mirrored,
            }))
        })
        .await?;
    Ok(Json(answer))
}
