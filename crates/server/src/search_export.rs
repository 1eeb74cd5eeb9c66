//! `GET /api/search/export`: every clause a search matches (its query and filters as
//! `GET /api/search` takes them), best first, as CSV or JSON lines, written as it is read, at
//! most [`MAX_EXPORT_ROWS`]. The rows' shape is public: `vankien search --csv|--jsonl` prints
//! the same.
//!
//! The answer says how many clauses match and how many it holds in headers sent before the
//! first row (`X-Total-Count`, `X-Export-Rows`, and `X-Export-Truncated: true` past the
//! maximum). Rows are read a piece at a time, each piece one job on the blocking pool, and sent
//! through a small channel: a slow client holds no thread, and a client that leaves stops it.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::mpsc;
use vankien_annotate::Blindness;
use vankien_index::{MatchRow, Matches, SearchRequest};
use vankien_ingest::{ClauseKind, DocKind};

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::export::push_csv_row;
use crate::query;
use crate::state::{AppState, ServerConfig};

pub use vankien_index::MAX_EXPORT_ROWS;

/// The parameters the export knows: the search's query and filters, and `format`.
const EXPORT_PARAMS: &[&str] = &[
    "q",
    "doc",
    "kind",
    "clause_kind",
    "doc_kind",
    "sector",
    "year",
    "from",
    "to",
    "section",
    "issuer",
    "signer",
    "assignee",
    "format",
];

/// The columns of the CSV, in order: the fields of [`RowView`].
pub const CSV_COLUMNS: [&str; 14] = [
    "doc_id",
    "doc_number",
    "doc_kind",
    "doc_title",
    "issuer",
    "doc_date",
    "year",
    "clause_id",
    "label",
    "kind",
    "section_path",
    "assignee",
    "sectors",
    "text",
];

/// Rows read (and sent) at a time.
const PIECE: usize = 500;

/// The formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object a line ([`RowView`]).
    Jsonl,
    /// CSV: RFC 4180, CRLF, a UTF-8 byte-order mark, formula-like cells neutralised.
    Csv,
}

impl ExportFormat {
    /// The answer's content type.
    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/x-ndjson; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file name a download is saved as.
    fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "vankien-search.jsonl",
            ExportFormat::Csv => "vankien-search.csv",
        }
    }

    /// What comes before the rows: the CSV's byte-order mark and header row; nothing for JSON
    /// lines.
    pub fn head(self) -> String {
        match self {
            ExportFormat::Jsonl => String::new(),
            ExportFormat::Csv => {
                let mut out = String::from("\u{feff}");
                push_csv_row(&mut out, &CSV_COLUMNS);
                out
            }
        }
    }

    /// Appends `rows` in this format.
    pub fn push_rows(self, out: &mut String, rows: &[MatchRow]) -> Result<(), ApiError> {
        for row in rows {
            let view = RowView::from(row);
            match self {
                ExportFormat::Jsonl => {
                    let line = serde_json::to_string(&view)
                        .map_err(|e| ApiError::Internal(format!("serialize an export row: {e}")))?;
                    out.push_str(&line);
                    out.push('\n');
                }
                ExportFormat::Csv => {
                    let path = view.section_path.join("/");
                    let sectors = view.sectors.join(";");
                    push_csv_row(
                        out,
                        &[
                            view.doc_id,
                            view.doc_number.unwrap_or_default(),
                            view.doc_kind.as_str(),
                            view.doc_title.unwrap_or_default(),
                            view.issuer.unwrap_or_default(),
                            view.doc_date.unwrap_or_default(),
                            view.year.unwrap_or_default(),
                            view.clause_id,
                            view.label.unwrap_or_default(),
                            view.kind.as_str(),
                            &path,
                            view.assignee.unwrap_or_default(),
                            &sectors,
                            view.text,
                        ],
                    );
                }
            }
        }
        Ok(())
    }
}

/// One exported clause: a line of JSON, the columns of the CSV ([`CSV_COLUMNS`]), with the
/// kinds' Vietnamese labels in JSON.
#[derive(Debug, Serialize)]
pub struct RowView<'a> {
    doc_id: &'a str,
    doc_number: Option<&'a str>,
    doc_kind: DocKind,
    doc_kind_label: &'static str,
    doc_title: Option<&'a str>,
    issuer: Option<&'a str>,
    doc_date: Option<&'a str>,
    year: Option<&'a str>,
    clause_id: &'a str,
    label: Option<&'a str>,
    kind: ClauseKind,
    kind_label: &'static str,
    section_path: &'a [String],
    assignee: Option<&'a str>,
    sectors: &'a [String],
    text: &'a str,
}

impl<'a> From<&'a MatchRow> for RowView<'a> {
    fn from(r: &'a MatchRow) -> RowView<'a> {
        RowView {
            doc_id: &r.doc_id,
            doc_number: r.doc_number.as_deref(),
            doc_kind: r.doc_kind,
            doc_kind_label: r.doc_kind.vietnamese(),
            doc_title: r.doc_title.as_deref(),
            issuer: r.issuer.as_deref(),
            doc_date: r.doc_date.as_deref(),
            year: r.year(),
            clause_id: &r.clause_id,
            label: r.label.as_deref(),
            kind: r.kind,
            kind_label: r.kind.vietnamese(),
            section_path: &r.section_path,
            assignee: r.assignee.as_deref(),
            sectors: &r.sectors,
            text: &r.text,
        }
    }
}

/// Reads the format (by default JSON lines) and the search of an export's query string: the
/// parameters of `GET /api/search` but paging, grouping and facets, checked the same way.
pub fn parse_request(
    raw: Option<&str>,
    config: &ServerConfig,
) -> Result<(ExportFormat, SearchRequest), ApiError> {
    let pairs = query::parse_pairs(raw)?;
    let values = query::single_values(&pairs, EXPORT_PARAMS)?;
    let mut format = ExportFormat::Jsonl;
    let mut rest = Vec::with_capacity(values.len());
    for (name, value) in values {
        if name != "format" {
            rest.push((name, value));
            continue;
        }
        format = match value {
            "" | "jsonl" => ExportFormat::Jsonl,
            "csv" => ExportFormat::Csv,
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown export format `{}` (known: csv, jsonl)",
                    other.escape_debug()
                )));
            }
        };
    }
    let mut req = query::request_of(rest, config)?;
    req.facets = false;
    Ok((format, req))
}

/// A body that sends what arrives on a channel: the rows of an export as they are read. An
/// error ends the body early (the client sees a cut answer, never a complete-looking one).
struct ChannelBody(mpsc::Receiver<Result<Bytes, ApiError>>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        match self.0.poll_recv(cx) {
            Poll::Ready(Some(Ok(bytes))) => Poll::Ready(Some(Ok(hyper::body::Frame::data(bytes)))),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(std::io::Error::other(format!(
                "export stopped: {e:?}"
            ))))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// `GET /api/search/export?format=csv|jsonl&q=…&<filters of /api/search>`.
pub(crate) async fn export(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (format, req) = parse_request(uri.query(), state.config())?;
    // The search and the viewer's blindness first: a bad filter is a 400 before any row.
    let (matches, blindness) = state
        .blocking(move |ctx| {
            let blindness = ctx.store.blindness(viewer.as_ref(), None)?;
            let req = crate::blind::narrow(ctx, &blindness, req)?.req;
            let matches = ctx.library.matches(&req, MAX_EXPORT_ROWS)?;
            Ok((matches, blindness))
        })
        .await?;
    let (total, rows) = (matches.total, matches.len());
    let (tx, rx) = mpsc::channel(2);
    let wait = state.config().request_timeout;
    tokio::spawn(send_rows(state, matches, blindness, format, tx, wait));

    let mut response = Response::new(Body::new(ChannelBody(rx)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", format.file_name()))
            .map_err(|e| ApiError::Internal(format!("content-disposition: {e}")))?,
    );
    headers.insert("x-total-count", HeaderValue::from(total));
    headers.insert("x-export-rows", HeaderValue::from(rows));
    headers.insert("x-export-limit", HeaderValue::from(MAX_EXPORT_ROWS));
    if total > rows {
        headers.insert("x-export-truncated", HeaderValue::from_static("true"));
    }
    Ok(response.into_response())
}

/// Reads the rows a piece at a time and sends them; stops when the client has gone.
async fn send_rows(
    state: AppState,
    matches: Matches,
    blindness: Blindness,
    format: ExportFormat,
    tx: mpsc::Sender<Result<Bytes, ApiError>>,
    wait: Duration,
) {
    let head = format.head();
    if !head.is_empty() && tx.send(Ok(Bytes::from(head))).await.is_err() {
        return;
    }
    let mut start = 0;
    while start < matches.len() {
        let (m, b) = (matches.clone(), blindness.clone());
        let piece = state
            .blocking_within(wait, move |ctx| {
                let mut rows = m.rows(start..start + PIECE)?;
                for row in &mut rows {
                    if b.hides(&row.doc_id, &row.clause_id, &row.section_path) {
                        row.sectors = b.own_sectors(&ctx.store.tags_for_clause(&row.clause_id)?);
                    }
                }
                let mut out = String::new();
                format.push_rows(&mut out, &rows)?;
                Ok(out)
            })
            .await;
        let failed = piece.is_err();
        if let Err(e) = &piece {
            tracing::warn!("search export stopped after {start} rows: {e:?}");
        }
        if tx.send(piece.map(Bytes::from)).await.is_err() || failed {
            return;
        }
        start += PIECE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_parameters_are_the_search_filters_and_a_format() {
        let config = ServerConfig::default();
        let (format, req) = parse_request(
            Some("format=csv&q=chuyen+doi+so&year=2024&issuer=bo+chinh+tri"),
            &config,
        )
        .unwrap();
        assert_eq!(format, ExportFormat::Csv);
        assert_eq!(req.query, "chuyen doi so");
        assert_eq!((req.year_from, req.year_to), (Some(2024), Some(2024)));
        assert_eq!(req.issuer.as_deref(), Some("bo chinh tri"));
        let (format, _) = parse_request(Some("q=x"), &config).unwrap();
        assert_eq!(format, ExportFormat::Jsonl);
        for bad in [
            "q=x&format=xlsx",
            "q=x&limit=10",
            "q=x&offset=10",
            "q=x&group=true",
            "q=x&year=soon",
            "q=x&format=csv&format=jsonl",
        ] {
            let err = parse_request(Some(bad), &config).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{bad}: {err:?}");
        }
    }
}
