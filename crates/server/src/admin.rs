//! The admin's user management over HTTP: list users, create one (its first token shown once),
//! issue another token, revoke every token of a user. The store checks the admin's role again
//! in the transaction that writes, and audits each change with the admin as its actor.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use vankien_annotate::{Role, TokenInfo};

use crate::auth::{Annotator, require};
use crate::body;
use crate::error::ApiError;
use crate::query;
use crate::state::AppState;

/// Who manages users.
fn admin(role: Role) -> bool {
    role == Role::Admin
}

/// A user as listed: never a token secret.
#[derive(Debug, Serialize)]
struct UserView {
    name: String,
    role: Role,
    role_label: &'static str,
    created_at: String,
    tokens: Vec<TokenInfo>,
}

/// `GET /api/users`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    uri: Uri,
) -> Result<Json<serde_json::Value>, ApiError> {
    query::single_values(&query::parse_pairs(uri.query())?, &[])?;
    require(&user, admin, "admins")?;
    let users = state.blocking(|ctx| Ok(ctx.store.users()?)).await?;
    let users: Vec<UserView> = users
        .into_iter()
        .map(|u| UserView {
            role_label: u.role.vietnamese(),
            name: u.name,
            role: u.role,
            created_at: u.created_at,
            tokens: u.tokens,
        })
        .collect();
    Ok(Json(serde_json::json!({ "users": users })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    role: String,
}

/// `POST /api/users` `{"name", "role"}` → 201 with the token, shown this once.
pub(crate) async fn create(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    require(&user, admin, "admins")?;
    let new: NewUser = body::json(&body)?;
    let role = Role::parse(&new.role)?;
    let (made, token) = state
        .writing(move |ctx| Ok(ctx.store.add_user_as(Some(&user), &new.name, role)?))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "name": made.name,
            "role": made.role,
            "role_label": made.role.vietnamese(),
            "token": token,
        })),
    ))
}

/// `POST /api/users/{name}/tokens` → 201 with another token, shown once.
pub(crate) async fn new_token(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    require(&user, admin, "admins")?;
    let name = path.map(|Path(n)| n).map_err(bad_path)?;
    let (name, token) = state
        .writing(move |ctx| {
            let token = ctx.store.new_token_as(Some(&user), &name)?;
            Ok((name, token))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "name": name, "token": token })),
    ))
}

/// `DELETE /api/users/{name}/tokens`: every active token of the user, at once.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Annotator(user): Annotator,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    require(&user, admin, "admins")?;
    let name = path.map(|Path(n)| n).map_err(bad_path)?;
    let (name, revoked) = state
        .writing(move |ctx| {
            let n = ctx.store.revoke_tokens_as(Some(&user), &name)?;
            Ok((name, n))
        })
        .await?;
    Ok(Json(
        serde_json::json!({ "name": name, "revoked": revoked }),
    ))
}

pub(crate) fn bad_path(rejection: PathRejection) -> ApiError {
    ApiError::BadRequest(format!("bad path: {}", rejection.body_text()))
}
