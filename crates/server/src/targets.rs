//! `GET /api/targets`: the targets of every document (indicator, value, unit, comparator, years),
//! filtered by free text, indicator, document, place and year, as JSON with the facets the page
//! fills its filters from, or as CSV. A filter value that names nothing answers 400 with the
//! valid values. The filter, the JSON view and the CSV are public: `vankien targets` prints the
//! same.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vankien_index::DocSummary;
use vankien_ingest::docnum::DocNumber;
use vankien_ingest::targets::{Target, Taxonomy, folded_words};

use crate::error::ApiError;
use crate::export::push_csv_row;
use crate::query;
use crate::state::AppState;

/// The parameters `GET /api/targets` knows.
pub const TARGET_PARAMS: &[&str] = &["q", "indicator", "doc", "place", "year", "format", "limit"];

/// The most rows one JSON answer may hold when it asks for a `limit` (the page asks for
/// 2,000, `web/targets.js`); without one, every row matching (the CSV always has them all).
pub const MAX_LIMIT: usize = 100_000;

/// How many valid values an error lists before it says how many more there are.
const LISTED: usize = 100;

/// Which targets to show. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    /// Words that the indicator (as written, its name or key), the document's number or place
    /// must hold, in any spelling (folded), each as the start of a word.
    pub q: Option<String>,
    /// An indicator's key in the taxonomy, or `none` for the indicators outside it.
    pub indicator: Option<String>,
    /// A document's id or its number (`57-NQ/TW`, however typed).
    pub doc: Option<String>,
    /// A document's place, in any spelling (`Thái Bình`, `thai binh`).
    pub place: Option<String>,
    /// The year targets are set for (their deadline, or the end of their period).
    pub year: Option<i32>,
}

/// The format of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, with facets.
    Json,
    /// CSV, one target a row.
    Csv,
}

/// Reads the filter, the format and the most rows of a JSON answer (`limit`: at 20,000 documents
/// every target is 143 MB of JSON, more than a page can show) from a query string.
pub fn parse_request(raw: Option<&str>) -> Result<(TargetFilter, Format, Option<usize>), ApiError> {
    let pairs = query::parse_pairs(raw)?;
    let mut filter = TargetFilter::default();
    let mut format = Format::Json;
    let mut limit = None;
    for (name, value) in query::given_values(&pairs, TARGET_PARAMS)? {
        match name {
            "q" => filter.q = Some(value.to_string()),
            "indicator" => filter.indicator = Some(value.to_string()),
            "doc" => filter.doc = Some(value.to_string()),
            "place" => filter.place = Some(value.to_string()),
            "year" => filter.year = Some(year(value)?),
            "format" => {
                format = match value {
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    other => {
                        return Err(ApiError::BadRequest(format!(
                            "unknown format `{}` (valid: json, csv)",
                            other.escape_debug()
                        )));
                    }
                }
            }
            "limit" => {
                limit = match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
                    _ => {
                        return Err(ApiError::BadRequest(format!(
                            "parameter `limit` must be a number from 1 to {MAX_LIMIT}, not `{}`",
                            value.escape_debug()
                        )));
                    }
                }
            }
            _ => unreachable!("single_values only lets known names through"),
        }
    }
    Ok((filter, format, limit))
}

/// A year as a filter takes it: four digits.
pub fn year(value: &str) -> Result<i32, ApiError> {
    match value.parse::<i32>() {
        Ok(y) if value.len() == 4 && (1900..=2200).contains(&y) => Ok(y),
        _ => Err(ApiError::BadRequest(format!(
            "parameter `year` must be a year like 2030, not `{}`",
            value.escape_debug()
        ))),
    }
}

/// `values` for an error message: sorted, the first [`LISTED`] and how many more.
fn listing(mut values: Vec<String>) -> String {
    values.sort();
    values.dedup();
    let more = values.len().saturating_sub(LISTED);
    values.truncate(LISTED);
    let mut s = values.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// Whether document `d` is the one a `doc` filter names: its id, or its number however typed.
fn names_document(wanted: &str, doc_id: &str, number: Option<&str>) -> bool {
    if wanted == doc_id {
        return true;
    }
    let key = |n: &str| DocNumber::parse(n).map(|n| n.key());
    match (key(wanted), number.and_then(key)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

impl TargetFilter {
    /// Checks every value against what the targets and documents hold: an indicator must be a
    /// key of the taxonomy (or `none`), a document one of `docs`, a place and a year those of
    /// some target. The error lists the valid values.
    pub fn check(&self, targets: &[Target], docs: &[DocSummary]) -> Result<(), ApiError> {
        if let Some(key) = &self.indicator
            && key != "none"
            && Taxonomy::get().indicator(key).is_none()
        {
            let mut keys: Vec<String> = Taxonomy::get()
                .indicators()
                .iter()
                .map(|i| i.key.clone())
                .collect();
            keys.push("none".into());
            return Err(ApiError::BadRequest(format!(
                "unknown indicator `{}` (valid: {})",
                key.escape_debug(),
                listing(keys)
            )));
        }
        if let Some(doc) = &self.doc
            && !docs
                .iter()
                .any(|d| names_document(doc, &d.id, d.number.as_deref()))
        {
            return Err(ApiError::BadRequest(format!(
                "unknown document `{}` (valid: {})",
                doc.escape_debug(),
                listing(docs.iter().map(|d| d.id.clone()).collect())
            )));
        }
        if let Some(place) = &self.place {
            let wanted = folded_words(place);
            let places: Vec<String> = targets.iter().filter_map(|t| t.place.clone()).collect();
            if !places.iter().any(|p| folded_words(p) == wanted) {
                return Err(ApiError::BadRequest(format!(
                    "unknown place `{}` (valid: {})",
                    place.escape_debug(),
                    listing(places)
                )));
            }
        }
        if let Some(year) = self.year {
            let years: Vec<i32> = targets
                .iter()
                .filter_map(|t| t.period.and_then(|p| p.to))
                .collect();
            if !years.contains(&year) {
                let mut years: Vec<String> = years.iter().map(i32::to_string).collect();
                years.sort();
                return Err(ApiError::BadRequest(format!(
                    "no target is set for {year} (valid: {})",
                    listing(years)
                )));
            }
        }
        Ok(())
    }

    /// Whether a target passes every filter.
    pub fn keeps(&self, t: &Target) -> bool {
        let indicator = match self.indicator.as_deref() {
            None => true,
            Some("none") => t.indicator.is_none(),
            Some(key) => t.indicator.as_deref() == Some(key),
        };
        let doc = self
            .doc
            .as_deref()
            .is_none_or(|d| names_document(d, &t.doc_id, t.doc_number.as_deref()));
        let place = self.place.as_deref().is_none_or(|p| {
            t.place
                .as_deref()
                .is_some_and(|tp| folded_words(tp) == folded_words(p))
        });
        let year = self
            .year
            .is_none_or(|y| t.period.and_then(|p| p.to) == Some(y));
        indicator && doc && place && year && self.q.as_deref().is_none_or(|q| matches_words(q, t))
    }
}

/// Whether the words of `q`, in their order, are words of the target's indicator (as written,
/// its name or key), its document's number or place; the last may be the start of a word (the
/// user may still be typing it).
fn matches_words(q: &str, t: &Target) -> bool {
    let hay = [
        t.indicator_text.as_str(),
        t.indicator_name().unwrap_or(""),
        &t.indicator.as_deref().unwrap_or("").replace('_', " "),
        t.doc_number.as_deref().unwrap_or(""),
        t.place.as_deref().unwrap_or(""),
    ]
    .join(" ");
    let hay = format!(" {}", folded_words(&hay));
    hay.contains(&format!(" {}", folded_words(q)))
}

/// A target as the API shows it.
#[derive(Debug, Serialize)]
pub struct TargetView<'a> {
    indicator: Option<&'a str>,
    indicator_name: Option<&'static str>,
    indicator_text: &'a str,
    comparator: &'static str,
    comparator_symbol: &'static str,
    change: Option<&'static str>,
    low: f64,
    high: f64,
    value_text: &'a str,
    unit: &'a str,
    year_from: Option<i32>,
    year_to: Option<i32>,
    group: Option<&'a str>,
    statement: &'a str,
    clause_id: &'a str,
    doc_id: &'a str,
    doc_number: Option<&'a str>,
    place: Option<&'a str>,
    doc_date: Option<&'a str>,
}

impl<'a> TargetView<'a> {
    fn new(t: &'a Target) -> TargetView<'a> {
        TargetView {
            indicator: t.indicator.as_deref(),
            indicator_name: t.indicator_name(),
            indicator_text: &t.indicator_text,
            comparator: t.comparator.as_str(),
            comparator_symbol: t.comparator.symbol(),
            change: t.change.map(|c| c.as_str()),
            low: t.low,
            high: t.high,
            value_text: &t.value_text,
            unit: &t.unit,
            year_from: t.period.and_then(|p| p.from),
            year_to: t.period.and_then(|p| p.to),
            group: t.group.as_deref(),
            statement: &t.statement,
            clause_id: &t.clause_id,
            doc_id: &t.doc_id,
            doc_number: t.doc_number.as_deref(),
            place: t.place.as_deref(),
            doc_date: t.doc_date.as_deref(),
        }
    }
}

/// One value of a facet and how many targets have it.
#[derive(Debug, Serialize)]
struct FacetValue {
    value: String,
    label: String,
    count: usize,
}

/// What the page fills its filters from: the values of every target (not only those shown).
#[derive(Debug, Serialize)]
struct TargetFacets {
    indicators: Vec<FacetValue>,
    documents: Vec<FacetValue>,
    places: Vec<FacetValue>,
    years: Vec<FacetValue>,
}

/// The answer of `GET /api/targets` and of `vankien targets --json`.
#[derive(Debug, Serialize)]
pub struct TargetsView<'a> {
    total: usize,
    targets: Vec<TargetView<'a>>,
    facets: TargetFacets,
}

impl<'a> TargetsView<'a> {
    /// The view of the first `limit` (all when `None`) of the targets `shown` out of `all`, with
    /// the facets of `all` (`docs` give the documents' titles).
    pub fn new(
        shown: &[&'a Target],
        limit: Option<usize>,
        all: &[Target],
        docs: &[DocSummary],
    ) -> TargetsView<'a> {
        TargetsView {
            total: shown.len(),
            targets: shown
                .iter()
                .take(limit.unwrap_or(usize::MAX))
                .map(|t| TargetView::new(t))
                .collect(),
            facets: facets(all, docs),
        }
    }
}

fn facets(all: &[Target], docs: &[DocSummary]) -> TargetFacets {
    let mut indicators: BTreeMap<String, usize> = BTreeMap::new();
    let mut documents: BTreeMap<String, usize> = BTreeMap::new();
    let mut places: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for t in all {
        *indicators
            .entry(t.indicator.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        *documents.entry(t.doc_id.clone()).or_default() += 1;
        if let Some(p) = &t.place {
            *places.entry(p.clone()).or_default() += 1;
        }
        if let Some(y) = t.period.and_then(|p| p.to) {
            *years.entry(y).or_default() += 1;
        }
    }
    let taxonomy = Taxonomy::get();
    let mut indicators: Vec<FacetValue> = indicators
        .into_iter()
        .map(|(key, count)| FacetValue {
            label: taxonomy.indicator(&key).map_or_else(
                || "Chỉ tiêu khác (chưa chuẩn hóa)".to_string(),
                |i| i.name.clone(),
            ),
            value: key,
            count,
        })
        .collect();
    indicators.sort_by(|a, b| a.label.cmp(&b.label));
    let documents = documents
        .into_iter()
        .map(|(id, count)| {
            let d = docs.iter().find(|d| d.id == id);
            let number = d
                .and_then(|d| d.number.clone())
                .unwrap_or_else(|| id.clone());
            let title = d.and_then(|d| d.title.clone()).unwrap_or_default();
            FacetValue {
                label: if title.is_empty() {
                    number
                } else {
                    format!("{number} — {title}")
                },
                value: id,
                count,
            }
        })
        .collect();
    TargetFacets {
        indicators,
        documents,
        places: places
            .into_iter()
            .map(|(p, count)| FacetValue {
                label: p.clone(),
                value: p,
                count,
            })
            .collect(),
        years: years
            .into_iter()
            .map(|(y, count)| FacetValue {
                value: y.to_string(),
                label: y.to_string(),
                count,
            })
            .collect(),
    }
}

/// The columns of the CSV, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "indicator",
    "indicator_name",
    "indicator_text",
    "comparator",
    "change",
    "low",
    "high",
    "value_text",
    "unit",
    "year_from",
    "year_to",
    "doc_number",
    "place",
    "doc_date",
    "doc_id",
    "clause_id",
    "statement",
];

/// The targets as CSV (the export's writer: RFC 4180, a UTF-8 byte-order mark for spreadsheet
/// programs, cells that would run as formulas neutralised).
pub fn to_csv(targets: &[&Target]) -> String {
    let mut out = String::from("\u{feff}");
    push_csv_row(&mut out, &CSV_COLUMNS);
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    for t in targets {
        let (low, high) = (t.low.to_string(), t.high.to_string());
        let (from, to) = (
            year(t.period.and_then(|p| p.from)),
            year(t.period.and_then(|p| p.to)),
        );
        push_csv_row(
            &mut out,
            &[
                t.indicator.as_deref().unwrap_or(""),
                t.indicator_name().unwrap_or(""),
                &t.indicator_text,
                t.comparator.as_str(),
                t.change.map_or("", |c| c.as_str()),
                &low,
                &high,
                &t.value_text,
                &t.unit,
                &from,
                &to,
                t.doc_number.as_deref().unwrap_or(""),
                t.place.as_deref().unwrap_or(""),
                t.doc_date.as_deref().unwrap_or(""),
                &t.doc_id,
                &t.clause_id,
                &t.statement,
            ],
        );
    }
    out
}

/// `GET /api/targets?q=&indicator=&doc=&place=&year=&format=json|csv&limit=`: `total` counts
/// every target matching, `targets` holds the first `limit` of them.
pub(crate) async fn targets(State(state): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let (filter, format, limit) = parse_request(uri.query())?;
    let (all, docs) = state
        .blocking(|ctx| Ok((ctx.library.targets()?, ctx.index.documents()?)))
        .await?;
    filter.check(&all, &docs)?;
    let shown: Vec<&Target> = all.iter().filter(|t| filter.keeps(t)).collect();
    if format == Format::Csv {
        let mut response = to_csv(&shown).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"vankien-targets.csv\""),
        );
        return Ok(response);
    }
    Ok(axum::Json(TargetsView::new(&shown, limit, &all, &docs)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_refuse_what_is_wrong() {
        let (f, format, limit) = parse_request(Some(
            "q=do+thi&indicator=urbanisation_rate&year=2025&format=csv&limit=20",
        ))
        .unwrap();
        assert_eq!(limit, Some(20));
        assert_eq!(f.q.as_deref(), Some("do thi"));
        assert_eq!(f.indicator.as_deref(), Some("urbanisation_rate"));
        assert_eq!((f.year, format), (Some(2025), Format::Csv));
        assert_eq!(
            parse_request(Some("doc=&place=")).unwrap().0,
            TargetFilter::default()
        );
        for bad in [
            "year=25",
            "year=abcd",
            "format=xml",
            "colour=red",
            "q=a&q=b",
            "limit=0",
            "limit=-1",
            "limit=100001",
            "limit=ten",
        ] {
            assert!(parse_request(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_listings_are_cut() {
        let values: Vec<String> = (0..160).map(|i| format!("v{i:03}")).collect();
        let s = listing(values);
        assert!(s.ends_with("and 60 more"), "{s}");
        assert!(s.starts_with("v000, v001"), "{s}");
    }
}
