//! `GET /api/compare?a=&b=`: two documents of the index compared (`vankien_library::compare`):
//! their tasks and targets aligned, each row kept, reworded (with its word-level diff), new or
//! dropped, and the targets' value changes by indicator; with the Vietnamese labels the page
//! shows. The same JSON is `vankien compare A B --json`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use serde::Serialize;
use vankien_library::compare::{self, CompareConfig, Comparison, Status};

use crate::error::ApiError;
use crate::query;
use crate::state::AppState;

/// The parameters `GET /api/compare` knows.
const PARAMS: &[&str] = &["a", "b"];

/// The answer: the comparison and the labels of its statuses.
#[derive(Debug, Serialize)]
pub struct CompareView {
    #[serde(flatten)]
    comparison: Comparison,
    /// The Vietnamese label of each status (`kept` → `Giữ nguyên`).
    status_labels: Vec<(&'static str, &'static str)>,
}

impl CompareView {
    /// The view of a comparison.
    pub fn new(comparison: Comparison) -> CompareView {
        CompareView {
            comparison,
            status_labels: [Status::Kept, Status::Reworded, Status::New, Status::Dropped]
                .into_iter()
                .map(|s| (s.as_str(), s.vietnamese()))
                .collect(),
        }
    }
}

/// Reads `a` and `b` from a query string: both required, each once.
fn parse_request(raw: Option<&str>) -> Result<(String, String), ApiError> {
    let pairs = query::parse_pairs(raw)?;
    let (mut a, mut b) = (None, None);
    for (name, value) in query::given_values(&pairs, PARAMS)? {
        match name {
            "a" => a = Some(value.to_string()),
            _ => b = Some(value.to_string()),
        }
    }
    match (a, b) {
        (Some(a), Some(b)) => Ok((a, b)),
        (a, _) => Err(ApiError::BadRequest(format!(
            "missing parameter `{}`: give two documents, a= and b= (an id or a number such as 57-NQ/TW)",
            if a.is_none() { "a" } else { "b" }
        ))),
    }
}

/// `GET /api/compare?a=&b=`.
pub(crate) async fn compare(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<CompareView>, ApiError> {
    let (a, b) = parse_request(uri.query())?;
    state
        .blocking(move |ctx| {
            let c = compare::compare_in(ctx.index, &a, &b, &CompareConfig::default())?;
            Ok(Json(CompareView::new(c)))
        })
        .await
}
