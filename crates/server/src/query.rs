//! Strict parsing of query strings and of the search parameters.
//!
//! axum's `Query` decodes with `from_utf8_lossy`, so `%FF` silently becomes U+FFFD and a broken
//! `%zz` passes through; here both are a 400, as are control characters, repeated and unknown
//! parameters, and numbers out of range.

use vankien_index::SearchRequest;
use vankien_ingest::{ClauseKind, DocKind};

use crate::error::ApiError;
use crate::state::ServerConfig;

/// The longest raw query string accepted, in bytes: far above any real search.
pub const MAX_QUERY_STRING_BYTES: usize = 8 * 1024;

/// The longest value of a parameter other than `q`, in characters.
pub const MAX_PARAM_CHARS: usize = 300;

/// Decodes a raw query string into `(name, value)` pairs, refusing what is not clean UTF-8.
pub fn parse_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    if raw.len() > MAX_QUERY_STRING_BYTES {
        return Err(ApiError::BadRequest(format!(
            "query string too long ({} bytes, at most {MAX_QUERY_STRING_BYTES})",
            raw.len()
        )));
    }
    let mut pairs = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = decode_component(name)?;
        let value = decode_component(value)?;
        if let Some(c) = name.chars().chain(value.chars()).find(|c| c.is_control()) {
            return Err(ApiError::BadRequest(format!(
                "control character U+{:04X} in parameter `{}`",
                c as u32,
                name.escape_debug()
            )));
        }
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Percent-decodes one `application/x-www-form-urlencoded` component (`+` is a space).
fn decode_component(s: &str) -> Result<String, ApiError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                let Some(byte) = hex else {
                    return Err(ApiError::BadRequest(
                        "malformed percent-encoding in the query string".into(),
                    ));
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| ApiError::BadRequest("the query string is not valid UTF-8".into()))
}

/// Takes the one value of each named parameter out of `pairs`, refusing repeats and names not in
/// `known`.
pub fn single_values<'a>(
    pairs: &'a [(String, String)],
    known: &[&str],
) -> Result<Vec<(&'a str, &'a str)>, ApiError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (name, value) in pairs {
        if !known.contains(&name.as_str()) {
            return Err(ApiError::BadRequest(format!(
                "unknown parameter `{}` (known: {})",
                name.escape_debug(),
                known.join(", ")
            )));
        }
        if seen.iter().any(|(n, _)| n == name) {
            return Err(ApiError::BadRequest(format!(
                "parameter `{name}` given twice"
            )));
        }
        seen.push((name, value));
    }
    Ok(seen)
}

/// The parameters of a query string that carry a value: each known and given once (as
/// [`single_values`]), none longer than [`MAX_PARAM_CHARS`], trimmed; an empty value is the same
/// as an absent parameter.
pub fn given_values<'a>(
    pairs: &'a [(String, String)],
    known: &[&str],
) -> Result<Vec<(&'a str, &'a str)>, ApiError> {
    let mut out = Vec::new();
    for (name, value) in single_values(pairs, known)? {
        if value.chars().count() > MAX_PARAM_CHARS {
            return Err(ApiError::BadRequest(format!(
                "parameter `{name}` too long (at most {MAX_PARAM_CHARS} characters)"
            )));
        }
        let value = value.trim();
        if !value.is_empty() {
            out.push((name, value));
        }
    }
    Ok(out)
}

/// The parameters `GET /api/search` knows.
pub const SEARCH_PARAMS: &[&str] = &[
    "q",
    "limit",
    "offset",
    "doc",
    "kind",
    "clause_kind",
    "doc_kind",
    "sector",
    "year",
    "from",
    "to",
    "section",
    "facets",
    "group",
    "per_group",
    "issuer",
    "signer",
    "assignee",
    "exact_total",
    "exact_up_to",
    "counts_only",
];

/// Builds the index's search request from the query string of `GET /api/search`.
///
/// `kind` and `clause_kind` are the clause kind, `doc_kind` the document kind; `year` is one year,
/// `from`/`to` a range of years (inclusive). By default `limit` is 10, `offset` 0, facets on.
/// `exact_total=true` counts every match (else the total is exact up to `exact_up_to`, by
/// default [`vankien_index::EXACT_TOTAL_UP_TO`], and a lower bound past it); `counts_only=true`
/// answers the counts alone (total, facets, documents), no hits.
pub fn search_request(raw: Option<&str>, config: &ServerConfig) -> Result<SearchRequest, ApiError> {
    let pairs = parse_pairs(raw)?;
    let values = single_values(&pairs, SEARCH_PARAMS)?;
    request_of(values, config)
}

/// The search request of parameters of [`SEARCH_PARAMS`], each given once.
pub(crate) fn request_of(
    values: Vec<(&str, &str)>,
    config: &ServerConfig,
) -> Result<SearchRequest, ApiError> {
    let mut req = SearchRequest {
        limit: 10,
        facets: true,
        exact_up_to: config.exact_up_to,
        ..SearchRequest::default()
    };
    let mut clause_kind: Option<ClauseKind> = None;
    let mut year: Option<i32> = None;
    for (name, value) in values {
        if name != "q" && value.chars().count() > MAX_PARAM_CHARS {
            return Err(ApiError::BadRequest(format!(
                "parameter `{name}` too long (at most {MAX_PARAM_CHARS} characters)"
            )));
        }
        // An empty value is the same as an absent parameter: the page sends `sector=` for "any".
        if value.is_empty() && name != "q" {
            continue;
        }
        match name {
            "q" => {
                vankien_index::check_query(value, &config.limits)
                    .map_err(ApiError::InvalidQuery)?;
                req.query = value.to_string();
            }
            "limit" => req.limit = number(name, value, 1, config.limits.max_limit)?,
            "offset" => req.offset = number(name, value, 0, config.limits.max_offset)?,
            "doc" => req.doc = Some(value.to_string()),
            "kind" | "clause_kind" => {
                let kind = ClauseKind::parse(value).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "unknown clause kind `{}` (known: {})",
                        value.escape_debug(),
                        ClauseKind::ALL.map(ClauseKind::as_str).join(", ")
                    ))
                })?;
                if clause_kind.is_some_and(|k| k != kind) {
                    return Err(ApiError::BadRequest(
                        "`kind` and `clause_kind` disagree".into(),
                    ));
                }
                clause_kind = Some(kind);
            }
            "doc_kind" => {
                req.doc_kind = Some(DocKind::parse(value).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "unknown document kind `{}` (known: {})",
                        value.escape_debug(),
                        DocKind::ALL.map(DocKind::as_str).join(", ")
                    ))
                })?);
            }
            "sector" => req.sector = Some(value.to_string()),
            "year" => year = Some(year_value(name, value)?),
            "from" => req.year_from = Some(year_value(name, value)?),
            "to" => req.year_to = Some(year_value(name, value)?),
            "section" => req.section_prefix = Some(value.trim_matches('/').to_string()),
            "facets" => req.facets = flag(name, value)?,
            "group" => req.group = flag(name, value)?,
            "per_group" => req.per_group = number(name, value, 1, 20)?,
            "issuer" => req.issuer = Some(value.to_string()),
            "signer" => req.signer = Some(value.to_string()),
            "assignee" => req.assignee = Some(value.to_string()),
            "exact_total" => req.exact_total = flag(name, value)?,
            "exact_up_to" => req.exact_up_to = number(name, value, 1, usize::MAX)?,
            "counts_only" => req.counts_only = flag(name, value)?,
            _ => unreachable!("single_values only lets known names through"),
        }
    }
    req.clause_kind = clause_kind;
    if let Some(y) = year {
        if req.year_from.is_some() || req.year_to.is_some() {
            return Err(ApiError::BadRequest(
                "give either `year` or `from`/`to`, not both".into(),
            ));
        }
        req.year_from = Some(y);
        req.year_to = Some(y);
    }
    if let (Some(from), Some(to)) = (req.year_from, req.year_to)
        && from > to
    {
        return Err(ApiError::BadRequest(format!(
            "`from` ({from}) is after `to` ({to})"
        )));
    }
    Ok(req)
}

/// Parses a yes/no parameter: `true`/`1` or `false`/`0`.
fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::BadRequest(format!(
            "parameter `{name}` must be true or false"
        ))),
    }
}

/// Parses a decimal number within `[min, max]`.
fn number(name: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(ApiError::BadRequest(format!(
            "parameter `{name}` must be between {min} and {max}"
        ))),
        Err(_) => Err(ApiError::BadRequest(format!(
            "parameter `{name}` must be a whole number, not `{}`",
            value.escape_debug()
        ))),
    }
}

/// Parses a year (`2020`), or the year of an ISO date (`2020-10-15`).
fn year_value(name: &str, value: &str) -> Result<i32, ApiError> {
    let year = value.split('-').next().unwrap_or(value);
    match year.parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) && year.len() == 4 => Ok(y),
        _ => Err(ApiError::BadRequest(format!(
            "parameter `{name}` must be a year like 2020, not `{}`",
            value.escape_debug()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ServerConfig {
        ServerConfig::default()
    }

    #[test]
    fn decodes_percent_and_plus() {
        let pairs = parse_pairs(Some("q=c%E1%BA%A3i+c%C3%A1ch&limit=5")).unwrap();
        assert_eq!(pairs[0], ("q".to_string(), "cải cách".to_string()));
        assert_eq!(pairs[1], ("limit".to_string(), "5".to_string()));
    }

    #[test]
    fn refuses_invalid_utf8_and_broken_escapes_and_controls() {
        for raw in [
            "q=%FF", "q=%C3", "q=%zz", "q=abc%", "q=a%0Ab", "q=%00", "q%01=x",
        ] {
            let err = parse_pairs(Some(raw)).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{raw}: {err:?}");
        }
    }

    #[test]
    fn builds_a_search_request() {
        let req = search_request(
            Some("q=thuy+loi&limit=20&offset=40&kind=task&doc_kind=resolution&sector=du-lich&year=2020&section=A/II/&doc=20-NQ/TW"),
            &config(),
        )
        .unwrap();
        assert_eq!(req.query, "thuy loi");
        assert_eq!((req.limit, req.offset), (20, 40));
        assert_eq!(req.clause_kind, Some(ClauseKind::Task));
        assert_eq!(req.doc_kind, Some(DocKind::Resolution));
        assert_eq!(req.sector.as_deref(), Some("du-lich"));
        assert_eq!((req.year_from, req.year_to), (Some(2020), Some(2020)));
        assert_eq!(req.section_prefix.as_deref(), Some("A/II"));
        assert_eq!(req.doc.as_deref(), Some("20-NQ/TW"));
        assert!(req.facets);
    }

    #[test]
    fn defaults_and_empty_values() {
        let req = search_request(Some("q=&sector=&kind="), &config()).unwrap();
        assert_eq!((req.limit, req.offset), (10, 0));
        assert_eq!(req.sector, None);
        assert_eq!(req.clause_kind, None);
    }

    #[test]
    fn refuses_bad_parameters() {
        let long = format!("q={}", "a".repeat(1001));
        for raw in [
            "limit=101",
            "limit=0",
            "limit=-1",
            "limit=ten",
            "offset=100000000",
            "kind=nonsense",
            "doc_kind=task",
            "year=20",
            "from=2021&to=2020",
            "year=2020&from=2019",
            "kind=task&clause_kind=target",
            "q=a&q=b",
            "colour=red",
            "facets=maybe",
            long.as_str(),
        ] {
            let err = search_request(Some(raw), &config()).unwrap_err();
            let status = err.status_and_code().0;
            assert_eq!(status, axum::http::StatusCode::BAD_REQUEST, "{raw}");
        }
    }
}
