//! `GET /api/annotations/export`: every tag as JSON lines, CSV or W3C Web Annotations (JSON-LD),
//! optionally filtered by annotator, sector, document, time and review status.
//!
//! The CSV is opened in spreadsheet programs, which run a cell that starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return as a formula: clause text and user names come from people, so
//! such cells are neutralised as OWASP advises ("CSV injection"): a single quote before the cell,
//! and the cell quoted.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use vankien_annotate::interchange::{self, Quote};
use vankien_annotate::{ExportRow, ReviewStatus, TagRecord};
use vankien_ingest::Document;

use crate::error::ApiError;
use crate::query;
use crate::state::{AppState, Ctx};

/// The parameters the export knows.
const EXPORT_PARAMS: &[&str] = &[
    "format",
    "annotator",
    "sector",
    "document",
    "since",
    "status",
];

/// The columns of the CSV export, in order: the fields of [`TagRecord`].
const EXPORT_COLUMNS: [&str; 16] = [
    "doc_number",
    "clause_id",
    "section_path",
    "text",
    "sector",
    "sector_name",
    "annotator",
    "at",
    "orphaned",
    "doc_id",
    "clause_label",
    "start",
    "end",
    "status",
    "reviewer",
    "reviewed_at",
];

/// The formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Csv,
    W3c,
}

/// Which tags to export. Every filter given must hold.
#[derive(Debug, Default, PartialEq)]
struct Filter {
    annotator: Option<String>,
    sector: Option<String>,
    /// A document id.
    document: Option<String>,
    /// Tags made at or after this instant: (seconds since the Unix epoch, nanoseconds).
    since: Option<(i64, u32)>,
    /// Tags whose sector on their clause stands so in review.
    status: Option<ReviewStatus>,
}

impl Filter {
    fn keeps(&self, row: &ExportRow) -> bool {
        self.annotator.as_ref().is_none_or(|a| *a == row.annotator)
            && self.sector.as_ref().is_none_or(|s| *s == row.sector_id)
            && self.document.as_ref().is_none_or(|d| *d == row.doc_id)
            && self
                .since
                .is_none_or(|since| instant(&row.at).is_some_and(|at| at >= since))
            && self.status.is_none_or(|s| s == row.status)
    }
}

/// The format and the filter of an export request.
fn parse_request(raw: Option<&str>) -> Result<(Format, Filter), ApiError> {
    let pairs = query::parse_pairs(raw)?;
    let mut format = Format::Jsonl;
    let mut filter = Filter::default();
    for (name, value) in query::given_values(&pairs, EXPORT_PARAMS)? {
        match name {
            "format" => {
                format = match value {
                    "jsonl" => Format::Jsonl,
                    "csv" => Format::Csv,
                    "w3c" => Format::W3c,
                    other => {
                        return Err(ApiError::BadRequest(format!(
                            "unknown export format `{}` (known: jsonl, csv, w3c)",
                            other.escape_debug()
                        )));
                    }
                }
            }
            "status" => {
                filter.status = Some(ReviewStatus::parse(value).map_err(|_| {
                    ApiError::BadRequest(format!(
                        "parameter `status` must be accepted, rejected or pending, not `{}`",
                        value.escape_debug()
                    ))
                })?);
            }
            "annotator" => filter.annotator = Some(value.to_string()),
            "sector" => filter.sector = Some(value.to_string()),
            "document" => filter.document = Some(value.to_string()),
            "since" => {
                filter.since = Some(instant(value).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "parameter `since` must be a date (2025-01-31) or an RFC 3339 time \
                         (2025-01-31T08:00:00Z), not `{}`",
                        value.escape_debug()
                    ))
                })?);
            }
            _ => unreachable!("single_values only lets known names through"),
        }
    }
    Ok((format, filter))
}

/// Parses a date (`2025-01-31`, midnight UTC) or an RFC 3339 time (`2025-01-31T08:00:00.5+07:00`)
/// into seconds since the Unix epoch and nanoseconds.
fn instant(text: &str) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some((days * 86_400, 0));
    }
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos: u32 = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = frac[..n].parse::<u32>().ok()? * 10u32.pow(9 - n as u32);
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let (h, m) = (digits_of(&rest[1..3])?, digits_of(&rest[4..6])?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3_600 + m * 60)
        }
    };
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

fn digits_of(s: &str) -> Option<i64> {
    s.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| s.parse().ok())
        .flatten()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `GET /api/annotations/export?format=jsonl|csv|w3c&annotator=&sector=&document=&since=&status=`.
pub(crate) async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (format, filter) = parse_request(uri.query())?;
    let base = clause_base(&headers);
    let body = state
        .blocking(move |ctx| {
            let rows: Vec<ExportRow> = ctx
                .store
                .export()?
                .into_iter()
                .filter(|row| filter.keeps(row))
                .collect();
            let docs = crate::work::documents(ctx, rows.iter().map(|r| r.doc_id.as_str()))?;
            let records: Vec<TagRecord> = rows.into_iter().map(|r| record(r, &docs)).collect();
            match format {
                Format::Jsonl => to_jsonl(&records),
                Format::Csv => Ok(to_csv(&records)),
                Format::W3c => to_w3c(ctx, &records, &base),
            }
        })
        .await?;
    let (content_type, file) = match format {
        Format::Jsonl => (
            "application/x-ndjson; charset=utf-8",
            "vankien-annotations.jsonl",
        ),
        Format::Csv => ("text/csv; charset=utf-8", "vankien-annotations.csv"),
        Format::W3c => (
            "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"",
            "vankien-annotations.jsonld",
        ),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
            .map_err(|e| ApiError::Internal(format!("content-disposition: {e}")))?,
    );
    Ok(response)
}

/// The record of one exported tag, with its clause's label and span where the index still
/// holds the clause.
fn record(row: ExportRow, docs: &HashMap<String, Document>) -> TagRecord {
    let clause = (!row.orphaned)
        .then(|| docs.get(&row.doc_id))
        .flatten()
        .and_then(|d| d.clauses.iter().find(|c| c.id == row.clause_id));
    TagRecord {
        doc_number: row.doc_number.unwrap_or_default(),
        section_path: row.section_path.join("/"),
        text: row.clause_text,
        sector: row.sector_id,
        sector_name: row.sector_name,
        annotator: row.annotator,
        at: row.at,
        orphaned: row.orphaned,
        doc_id: row.doc_id,
        clause_label: clause.and_then(|c| c.label.clone()),
        start: clause.map(|c| c.span[0]),
        end: clause.map(|c| c.span[1]),
        status: row.status,
        reviewer: row.reviewer,
        reviewed_at: row.reviewed_at,
        clause_id: row.clause_id,
    }
}

/// Where clause URLs start: `http://<Host>/api/clauses/` (the server speaks plain HTTP; a proxy
/// in front that terminates TLS says so in `X-Forwarded-Proto`).
fn clause_base(headers: &HeaderMap) -> String {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && !v.contains(['/', ' ', '"']))
    };
    let host = text(header::HOST).unwrap_or("localhost");
    let scheme = match text(header::HeaderName::from_static("x-forwarded-proto")) {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}/api/clauses/")
}

fn to_jsonl(records: &[TagRecord]) -> Result<String, ApiError> {
    let mut out = String::new();
    for r in records {
        let json = serde_json::to_string(r)
            .map_err(|e| ApiError::Internal(format!("serialize an export line: {e}")))?;
        out.push_str(&json);
        out.push('\n');
    }
    Ok(out)
}

/// The W3C Web Annotation collection of the records; quotes come from each document's stored
/// text (re-read from its source once per document).
fn to_w3c(ctx: &Ctx<'_>, records: &[TagRecord], base: &str) -> Result<String, ApiError> {
    let mut texts: HashMap<&str, Option<String>> = HashMap::new();
    let mut items = Vec::with_capacity(records.len());
    for r in records {
        if !texts.contains_key(r.doc_id.as_str()) && r.start.is_some() {
            texts.insert(&r.doc_id, ctx.index.document_text(&r.doc_id)?);
        }
        let quote = match (texts.get(r.doc_id.as_str()), r.start, r.end) {
            (Some(Some(text)), Some(start), Some(end)) => Quote::of(text, start, end),
            _ => None,
        };
        let url = format!("{base}{}", interchange::encode_path(&r.clause_id));
        items.push(interchange::w3c_annotation(r, &url, quote.as_ref()));
    }
    serde_json::to_string_pretty(&interchange::w3c_collection(items))
        .map_err(|e| ApiError::Internal(format!("serialize the W3C export: {e}")))
}

/// Writes the export as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break), after a UTF-8 byte-order mark so that spreadsheet programs read the
/// Vietnamese as UTF-8.
fn to_csv(records: &[TagRecord]) -> String {
    let mut out = String::from("\u{feff}");
    push_csv_row(&mut out, &EXPORT_COLUMNS);
    let number = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    for r in records {
        push_csv_row(
            &mut out,
            &[
                &r.doc_number,
                &r.clause_id,
                &r.section_path,
                &r.text,
                &r.sector,
                &r.sector_name,
                &r.annotator,
                &r.at,
                if r.orphaned { "true" } else { "false" },
                &r.doc_id,
                r.clause_label.as_deref().unwrap_or_default(),
                &number(r.start),
                &number(r.end),
                r.status.as_str(),
                r.reviewer.as_deref().unwrap_or_default(),
                r.reviewed_at.as_deref().unwrap_or_default(),
            ],
        );
    }
    out
}

/// Whether a spreadsheet program would read the cell as a formula.
fn is_formula_like(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

pub(crate) fn push_csv_row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let formula = is_formula_like(field);
        if formula
            || field.contains([',', '"', '\n', '\r'])
            || field.starts_with(' ')
            || field.ends_with(' ')
        {
            out.push('"');
            if formula {
                out.push('\'');
            }
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut out = String::new();
        push_csv_row(
            &mut out,
            &["a", "b,c", "say \"hi\"", "two\nlines", " pad", "Đảng"],
        );
        assert_eq!(
            out,
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",Đảng\r\n"
        );
    }

    #[test]
    fn csv_neutralises_formula_cells() {
        let mut out = String::new();
        push_csv_row(
            &mut out,
            &[
                "=HYPERLINK(\"http://x\")",
                "+1",
                "-2",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "a=b",
                "- gạch đầu dòng",
            ],
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\",a=b,\
             \"'- gạch đầu dòng\"\r\n"
        );
    }

    #[test]
    fn dates_and_rfc3339_times_parse_to_utc_instants() {
        assert_eq!(instant("1970-01-01"), Some((0, 0)));
        assert_eq!(instant("1970-01-02T00:00:00Z"), Some((86_400, 0)));
        assert_eq!(instant("2000-03-01"), Some((951_868_800, 0)));
        assert_eq!(
            instant("2025-01-31T08:00:00+07:00"),
            instant("2025-01-31T01:00:00Z")
        );
        assert_eq!(
            instant("2025-01-31T01:00:00.250Z"),
            Some((instant("2025-01-31T01:00:00Z").unwrap().0, 250_000_000))
        );
        assert!(instant("2025-01-31T01:00:00.250Z") > instant("2025-01-31T01:00:00Z"));
        for bad in [
            "",
            "2025",
            "2025-13-01",
            "2025-02-30",
            "2025-01-31T25:00:00Z",
            "2025-01-31T01:00:00",
            "2025-01-31T01:00:00+7",
            "yesterday",
            "2025-01-31Tab:00:00Z",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
        assert_eq!(instant("2024-02-29"), Some((1_709_164_800, 0)));
    }

    #[test]
    fn export_parameters_are_checked() {
        let (format, filter) = parse_request(Some(
            "format=csv&annotator=lan&sector=du-lich&since=2025-01-01",
        ))
        .unwrap();
        assert_eq!(format, Format::Csv);
        assert_eq!(filter.annotator.as_deref(), Some("lan"));
        assert_eq!(filter.sector.as_deref(), Some("du-lich"));
        assert_eq!(filter.since, instant("2025-01-01"));
        assert_eq!(
            parse_request(None).unwrap(),
            (Format::Jsonl, Filter::default())
        );
        let (format, filter) = parse_request(Some("format=w3c&status=accepted")).unwrap();
        assert_eq!(format, Format::W3c);
        assert_eq!(filter.status, Some(ReviewStatus::Accepted));
        for bad in [
            "format=xml",
            "status=maybe",
            "since=soon",
            "since=2025-02-30",
            "who=lan",
            "sector=a&sector=b",
            "annotator=%zz",
        ] {
            let err = parse_request(Some(bad)).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{bad}: {err:?}");
        }
    }
}
