//! `GET /api/clauses/{clause_id}/suggestions`: the sectors suggested for a clause, from the tags
//! accepted so far and the taxonomy's keywords (`vankien_library::suggest`). Read-only: a
//! suggestion becomes a tag only when an annotator applies it with the tag route.
//!
//! Clause ids hold `/`, so the clause routes share one catch-all path; [`get_clause`] sends a path
//! ending in `/suggestions` here and any other to the clause view.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use serde::Serialize;

use crate::api;
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::state::AppState;

/// The last segment of the suggestions route.
const SUFFIX: &str = "/suggestions";

/// The answer: the clause and its suggestions, best first (at most five).
#[derive(Debug, Serialize)]
struct SuggestionsAnswer {
    clause_id: String,
    suggestions: Vec<SuggestionView>,
}

/// One suggested sector.
#[derive(Debug, Serialize)]
struct SuggestionView {
    sector: String,
    sector_name: Option<String>,
    /// For ordering the suggestions of one clause; not comparable across clauses.
    score: f32,
    /// Why it is suggested, in Vietnamese.
    why: String,
}

/// `GET /api/clauses/{*rest}`: the suggestions of a clause when the path ends in
/// `/suggestions`, else the clause itself.
pub(crate) async fn get_clause(
    state: State<AppState>,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    match &path {
        Ok(Path(rest)) if rest.ends_with(SUFFIX) => {
            let clause_id = rest[..rest.len() - SUFFIX.len()].to_string();
            suggestions(state, viewer, clause_id).await
        }
        _ => api::clause(state, viewer, path).await,
    }
}

/// The suggestions as the viewer may see them: a blind annotator's list never reveals the
/// sectors others gave the clause.
async fn suggestions(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    clause_id: String,
) -> Result<Json<serde_json::Value>, ApiError> {
    api::check_id("clause id", &clause_id)?;
    let answer = state
        .blocking(move |ctx| {
            let suggestions = ctx
                .library
                .suggestions(&clause_id, viewer.as_ref())?
                .into_iter()
                .map(|s| SuggestionView {
                    sector: s.sector,
                    sector_name: s.sector_name,
                    score: s.score,
                    why: s.why,
                })
                .collect();
            Ok(SuggestionsAnswer {
                clause_id,
                suggestions,
            })
        })
        .await?;
    Ok(Json(
        serde_json::to_value(answer).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}
