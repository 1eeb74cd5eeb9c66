//! The page: the files of `web/`, embedded into the binary at build time (see `build.rs`), served
//! from memory. No file system access at request time, so no path can reach outside `web/`.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

mod files {
    include!(concat!(env!("OUT_DIR"), "/web_files.rs"));
}

/// `Cache-Control` of the page's files: the browser revalidates each use (a cheap 304 by ETag),
/// so a new build is never hidden behind a stale cache.
const CACHE_CONTROL: &str = "no-cache";

/// Finds an embedded file by its name relative to `web/` (`index.html`, `js/search.js`).
pub fn file(name: &str) -> Option<(&'static [u8], &'static str)> {
    files::FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, bytes, etag)| (*bytes, *etag))
}

/// The names of every embedded file.
pub fn names() -> impl Iterator<Item = &'static str> {
    files::FILES.iter().map(|(n, _, _)| *n)
}

/// The content type of a file name, by its extension; unknown ones are opaque bytes.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Serves the embedded file `name`, answering 304 when the client's ETag still matches.
pub fn serve(name: &str, request_headers: &HeaderMap) -> Response {
    let Some((bytes, etag)) = file(name) else {
        return ApiError::NotFound(format!("no file `{}` in the page", name.escape_debug()))
            .into_response();
    };
    let fresh = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(bytes))
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    headers.insert(header::ETAG, HeaderValue::from_static(etag));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("Makefile"), "application/octet-stream");
    }

    #[test]
    fn embedded_names_are_plain_and_relative() {
        for name in names() {
            assert!(!name.starts_with('/'), "{name}");
            assert!(
                !name
                    .split('/')
                    .any(|s| s == ".." || s == "." || s.is_empty()),
                "{name}"
            );
        }
    }
}
