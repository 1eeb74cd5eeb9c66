//! The HTTP side of vankien: the JSON API over the index and the annotation store, and the
//! embedded web page, with the limits that keep a small server answering under hostile input and
//! overload.
//!
//! [`router`] builds the whole application from an [`AppState`]; [`serve`] runs it until Ctrl-C
//! or SIGTERM. Every tantivy and SQLite call runs through `spawn_blocking` behind a semaphore
//! ([`ServerConfig::blocking_permits`]); every error is `{"code", "message"}` JSON from one table
//! ([`ApiError::status_and_code`]).

mod admin;
mod api;
mod auth;
mod blind;
mod body;
pub mod compare;
mod conn;
pub mod error;
mod export;
mod paths;
mod query;
pub mod relations;
mod review;
pub mod search_export;
mod state;
mod suggest;
pub mod targets;
mod views;
pub mod web;
mod work;

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use conn::raise_open_files_limit;
pub use error::{ApiError, ServerError};
pub use state::{AppState, ServerConfig};
pub use views::SearchView;

/// The `Content-Security-Policy` of every answer: scripts, styles and data only from this
/// origin, no inline script, no framing, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Builds the application: the API under `/api`, the page at `/` (the targets' page at
/// `/targets`) and `/static/*`, a JSON 404 for everything else, and the layers (limits, timeout, security headers, panics to 500 JSON).
///
/// There is deliberately no CORS layer: the page is served from the same origin.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let app = api::routes()
        .route("/", get(index_page))
        .route("/index.html", get(index_page))
        .route("/favicon.ico", get(favicon))
        .route("/targets", get(targets_page))
        .route("/static/{*path}", get(static_file))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    with_layers(app, &config)
}

/// Wraps routes in the layers every answer goes through.
fn with_layers(app: Router, config: &ServerConfig) -> Router {
    // Innermost first: a panic in a handler becomes a 500 JSON answer that still passes
    // through the header layers below.
    app.layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            config.max_body_bytes,
            strict_request,
        ))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            timeout,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(addr: SocketAddr, state: AppState) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes (graceful: requests in flight finish),
/// with the connection caps and timeouts of the state's [`ServerConfig`] (see `conn.rs`). Raises
/// the process's open-files limit first.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if let Some(limit) = raise_open_files_limit() {
        tracing::info!(limit, "open-files limit");
    }
    let config = state.config().clone();
    conn::serve(listener, router(state), config, shutdown).await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn index_page(headers: HeaderMap) -> Response {
    web::serve("index.html", &headers)
}

async fn targets_page(headers: HeaderMap) -> Response {
    web::serve("targets.html", &headers)
}

async fn favicon(headers: HeaderMap) -> Response {
    web::serve("favicon.ico", &headers)
}

async fn static_file(
    headers: HeaderMap,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    match path {
        // The name is only ever looked up in the embedded table: `..` cannot go anywhere.
        Ok(Path(name)) => web::serve(&name, &headers),
        Err(_) => ApiError::BadRequest("bad path".into()).into_response(),
    }
}

async fn not_found(request: Request) -> ApiError {
    ApiError::NotFound(format!(
        "no route for {} {}",
        request.method(),
        request.uri().path().escape_debug()
    ))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Answers 503 `timeout` when the request takes longer than the request timeout.
async fn timeout(
    State(limit): State<std::time::Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

/// Refuses what the routes would otherwise read loosely: a malformed percent-escape anywhere in the
/// path or the query (400 `bad_request`; axum would pass `%zz` through as text), and a body over
/// the limit even when it comes chunked, without a `Content-Length` to refuse it by (413
/// `payload_too_large`). No route takes a body, so reading one up to the limit costs little.
async fn strict_request(State(max_body): State<usize>, request: Request, next: Next) -> Response {
    let uri = request.uri();
    if has_malformed_escape(uri.path()) || uri.query().is_some_and(has_malformed_escape) {
        return ApiError::BadRequest("malformed percent-escape in the request target".into())
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, max_body).await {
        Ok(bytes) => axum::body::Body::from(bytes),
        // Over the limit, or a body cut off mid-way: either way the request is not served.
        Err(_) => return ApiError::PayloadTooLarge.into_response(),
    };
    next.run(Request::from_parts(parts, body)).await
}

/// Whether a `%` in `raw` is not followed by two hex digits.
fn has_malformed_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

/// Turns every error answer that is not JSON yet (the body limit's 413, a framework rejection)
/// into the `{"code", "message"}` JSON of [`ApiError`], keeping its status and headers.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let mut replaced = ApiError::from_status(status).into_response();
    *replaced.status_mut() = status;
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replaced
                .headers_mut()
                .entry(name)
                .or_insert_with(|| value.clone());
        }
    }
    replaced
}

/// The answer to a panic in a handler: 500 JSON; the panic message goes to the log only.
fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let details = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    let mut response = ApiError::Internal(format!("handler panicked: {details}")).into_response();
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn call(app: Router, uri: &str) -> (StatusCode, HeaderMap, String) {
        let response = app
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_json_without_details() {
        let app = Router::new().route(
            "/boom",
            get(|| async {
                if true {
                    panic!("secret detail from deep inside");
                }
                "unreachable"
            }),
        );
        let (status, headers, body) =
            call(with_layers(app, &ServerConfig::default()), "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("\"code\":\"internal\""), "{body}");
        assert!(!body.contains("secret"), "{body}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn malformed_escapes_are_found() {
        for bad in ["%", "a%", "a%2", "%zz", "%2g", "ok%20then%"] {
            assert!(has_malformed_escape(bad), "{bad}");
        }
        for good in ["", "a", "%20", "c%E1%BA%A3i", "100%25"] {
            assert!(!has_malformed_escape(good), "{good}");
        }
    }

    #[tokio::test]
    async fn plain_error_answers_become_json_with_their_status() {
        let app = Router::new().route(
            "/teapot",
            get(|| async { (StatusCode::IM_A_TEAPOT, "short and stout") }),
        );
        let (status, headers, body) =
            call(with_layers(app, &ServerConfig::default()), "/teapot").await;
        assert_eq!(status, StatusCode::IM_A_TEAPOT);
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert!(body.contains("\"code\":\"bad_request\""), "{body}");
    }
}
