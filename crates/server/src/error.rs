//! The errors of the server: [`ApiError`], what a request can fail with, mapped to an HTTP status
//! and a JSON body `{"code", "message"}` by ONE table ([`ApiError::status_and_code`]), and
//! [`ServerError`], what starting the server can fail with.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vankien_annotate::StoreError;
use vankien_annotate::UserError;
use vankien_index::{IndexError, QueryError};
use vankien_library::LibraryError;

/// Everything a request can fail with. User errors carry a message for the client; internal
/// errors carry details for the log only.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The search query is malformed, too long or too complex: its code says which
    /// ([`QueryError::code`]).
    #[error("{0}")]
    InvalidQuery(QueryError),
    /// A query-string parameter or a path segment is malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// A search filter names a value that does not exist: the answer lists the valid ones.
    #[error("{message}")]
    UnknownFilter {
        /// What was wrong, in English.
        message: String,
        /// The values the filter may take.
        valid: Vec<String>,
    },
    /// No such route, document, clause, sector or file.
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No token, or a malformed, unknown or revoked one.
    #[error("{0}")]
    Unauthorized(String),
    /// The user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The thing to create exists already.
    #[error("{0}")]
    Conflict(String),
    /// The request body is larger than the limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// Every permit for blocking work is taken: retry in a second.
    #[error("the server is busy; retry in a second")]
    Overloaded,
    /// The request took longer than the request timeout.
    #[error("the request took too long; retry later")]
    Timeout,
    /// The server holds as many connections as it allows, in all or from this client.
    #[error("too many connections; retry in a second")]
    TooManyConnections,
    /// Too many failed token checks from this client or for this token: wait `retry_after`
    /// seconds.
    #[error("too many failed token checks; retry in {retry_after} s")]
    TooManyAttempts {
        /// Seconds until the next check is allowed.
        retry_after: u64,
    },
    /// Something failed inside the server. The string goes to the log, never to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code (`query_too_long`, `not_found` …).
    pub code: &'static str,
    /// A human-readable message in English.
    pub message: String,
    /// The values a filter may take, when one named a value that does not exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Vec<String>>,
}

impl ApiError {
    /// The whole HTTP/1.1 answer of this error as bytes, `Connection: close`, for the accept loop
    /// to write on a socket it will not serve (over the connection caps).
    pub fn raw_http1(&self) -> Vec<u8> {
        let (status, code) = self.status_and_code();
        let body = serde_json::to_string(&ErrorBody {
            code,
            message: self.to_string(),
            valid: None,
        })
        .unwrap_or_default();
        format!(
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             retry-after: 1\r\nconnection: close\r\n\r\n{body}",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes()
    }

    /// THE table: the status and the code of every error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidQuery(e) => (StatusCode::BAD_REQUEST, e.code()),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::UnknownFilter { .. } => (StatusCode::BAD_REQUEST, "unknown_filter"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, "overloaded"),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ApiError::TooManyConnections => {
                (StatusCode::SERVICE_UNAVAILABLE, "too_many_connections")
            }
            ApiError::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The error a bare status stands for, for answers that did not come from a handler (a body
    /// limit, a method the router does not know, a panic).
    pub fn from_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound("not found".into()),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized("missing or bad token".into()),
            StatusCode::FORBIDDEN => ApiError::Forbidden("forbidden".into()),
            StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
            StatusCode::SERVICE_UNAVAILABLE => ApiError::Overloaded,
            StatusCode::TOO_MANY_REQUESTS => ApiError::TooManyAttempts { retry_after: 60 },
            s if s.is_client_error() => {
                ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
            }
            s => ApiError::Internal(format!("status {s} without a body")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(details) => {
                // Details stay in the log: they may name files, SQL or internals.
                tracing::error!(%details, "internal error");
                "internal error".to_string()
            }
            other => other.to_string(),
        };
        let valid = match &self {
            ApiError::UnknownFilter { valid, .. } => Some(valid.clone()),
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                code,
                message,
                valid,
            }),
        )
            .into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Overloaded | ApiError::Timeout | ApiError::TooManyConnections => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::TooManyAttempts { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            }
            ApiError::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

impl From<IndexError> for ApiError {
    fn from(err: IndexError) -> ApiError {
        match err {
            IndexError::Query(e) => ApiError::InvalidQuery(e),
            IndexError::Missing { .. } => ApiError::NotFound(err.to_string()),
            other => ApiError::Internal(format!("index: {other}")),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        if err.is_busy() {
            return ApiError::Overloaded;
        }
        match err {
            StoreError::User(e) => e.into(),
            StoreError::Internal(e) => ApiError::Internal(format!("store: {e}")),
        }
    }
}

impl From<UserError> for ApiError {
    /// Exhaustive: a new user error of the store must choose its answer here.
    fn from(err: UserError) -> ApiError {
        match err {
            UserError::UnknownSector(_) | UserError::UnknownUser(_) => {
                ApiError::NotFound(err.to_string())
            }
            UserError::UserExists(_) | UserError::Conflict(_) => {
                ApiError::Conflict(err.to_string())
            }
            UserError::NotFound(_) => ApiError::NotFound(err.to_string()),
            UserError::BadToken => ApiError::Unauthorized("bad token".into()),
            UserError::Forbidden(_) => ApiError::Forbidden(err.to_string()),
            UserError::InvalidInput(_) | UserError::Taxonomy { .. } => {
                ApiError::BadRequest(err.to_string())
            }
            // Only ever met when a data directory is opened, before anything is served.
            UserError::DataDirInsideIndex { .. } => ApiError::Internal(err.to_string()),
        }
    }
}

impl From<LibraryError> for ApiError {
    fn from(err: LibraryError) -> ApiError {
        match err {
            LibraryError::Index(e) => e.into(),
            LibraryError::Store(e) => e.into(),
            e @ LibraryError::UnknownFilter { .. } => {
                let message = e.to_string();
                let LibraryError::UnknownFilter { valid, .. } = e else {
                    unreachable!("matched above")
                };
                ApiError::UnknownFilter { message, valid }
            }
            e @ LibraryError::UnknownDocument(_) => ApiError::NotFound(e.to_string()),
            LibraryError::NoClause(id) => {
                ApiError::NotFound(format!("no clause `{}`", id.escape_debug()))
            }
            e @ (LibraryError::Busy { .. }
            | LibraryError::WrongDataDir { .. }
            | LibraryError::Damaged { .. }
            | LibraryError::HandedOff(..)
            | LibraryError::Io { .. }) => ApiError::Internal(format!("library: {e}")),
        }
    }
}

/// What starting or running the server can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_distinct_code_and_a_4xx_or_5xx_status() {
        let all = [
            ApiError::InvalidQuery(QueryError::Empty),
            ApiError::BadRequest(String::new()),
            ApiError::UnknownFilter {
                message: String::new(),
                valid: Vec::new(),
            },
            ApiError::NotFound(String::new()),
            ApiError::MethodNotAllowed,
            ApiError::Unauthorized(String::new()),
            ApiError::Forbidden(String::new()),
            ApiError::Conflict(String::new()),
            ApiError::PayloadTooLarge,
            ApiError::Overloaded,
            ApiError::Timeout,
            ApiError::TooManyConnections,
            ApiError::TooManyAttempts { retry_after: 1 },
            ApiError::Internal(String::new()),
        ];
        let mut codes: Vec<&str> = all.iter().map(|e| e.status_and_code().1).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            let status = e.status_and_code().0;
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{e:?}"
            );
        }
    }

    #[test]
    fn each_query_error_keeps_its_code_and_message_and_is_a_400() {
        for (e, code) in [
            (QueryError::TooLong { chars: 2, max: 1 }, "query_too_long"),
            (QueryError::TooManyWords { max: 1 }, "query_too_many_words"),
            (QueryError::UnbalancedQuote, "query_unbalanced_quote"),
            (
                QueryError::ControlCharacter('\u{7}'),
                "query_control_character",
            ),
            (QueryError::Empty, "query_empty"),
            (
                QueryError::OffsetTooDeep { offset: 2, max: 1 },
                "query_offset_too_deep",
            ),
            (
                QueryError::EmptyYearRange { from: 2, to: 1 },
                "query_empty_year_range",
            ),
        ] {
            let message = e.to_string();
            let api = ApiError::from(IndexError::Query(e));
            assert_eq!(api.status_and_code(), (StatusCode::BAD_REQUEST, code));
            assert_eq!(api.to_string(), message);
        }
        assert_eq!(
            QueryError::ControlCharacter('\u{7}').to_string(),
            "query has a control character (U+0007)"
        );
    }

    #[test]
    fn only_internal_errors_are_5xx_apart_from_overload() {
        for (e, five) in [
            (ApiError::InvalidQuery(QueryError::UnbalancedQuote), false),
            (ApiError::PayloadTooLarge, false),
            (ApiError::Overloaded, true),
            (ApiError::Internal("x".into()), true),
        ] {
            assert_eq!(e.status_and_code().0.is_server_error(), five, "{e:?}");
        }
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        let response = ApiError::Internal("/secret/path: sqlite said no".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = futures_body(response);
        assert!(!body.contains("secret"), "{body}");
        assert!(body.contains("\"code\":\"internal\""), "{body}");
    }

    #[test]
    fn bare_statuses_map_back_to_their_codes() {
        assert_eq!(
            ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE)
                .status_and_code()
                .1,
            "payload_too_large"
        );
        assert_eq!(
            ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED)
                .status_and_code()
                .1,
            "method_not_allowed"
        );
        assert_eq!(
            ApiError::from_status(StatusCode::URI_TOO_LONG).status_and_code(),
            (StatusCode::BAD_REQUEST, "bad_request")
        );
    }

    /// Reads a response body to a string on a small runtime.
    fn futures_body(response: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let bytes = rt
            .block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
            .expect("a body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }
}
