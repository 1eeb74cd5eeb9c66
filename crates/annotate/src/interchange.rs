//! Tags out and back in: the record of one tag as JSONL and CSV carry it, the same as a W3C Web
//! Annotation (JSON-LD), reading either back, and importing records into the store (the tags,
//! their decisions and their reviews, with their users, times and reviewers).

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::audit::{Audited, audit};
use crate::decisions::ensure_decision;
use crate::model::{ClauseRef, ReviewStatus, Role};
use crate::review::{audit_verdict, verdict, write_verdict};
use crate::store::{LOCAL_ACTOR, now};
use crate::tags::{check_clause_ref, check_sector};
use crate::users::user_or_create;
use crate::{Store, StoreError, UserError};

/// The JSON-LD context of the W3C Web Annotation model.
pub const W3C_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// What the W3C export says its `TextPositionSelector` counts.
pub const OFFSET_UNIT: &str = "utf-8 bytes of the stored (NFC) text of the document";

/// One tag as exported: a JSONL line, a CSV row. Fields after `orphaned` came with review and
/// may be missing from older exports (they then take their defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRecord {
    /// Document number, e.g. `57-NQ/TW` (empty when unknown).
    #[serde(default)]
    pub doc_number: String,
    /// Clause id.
    pub clause_id: String,
    /// Section path labels joined by `/`.
    #[serde(default)]
    pub section_path: String,
    /// The clause text.
    #[serde(default)]
    pub text: String,
    /// Sector id.
    pub sector: String,
    /// Sector name.
    #[serde(default)]
    pub sector_name: String,
    /// Who tagged.
    pub annotator: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Whether the tag is orphaned.
    #[serde(default)]
    pub orphaned: bool,
    /// Document id.
    #[serde(default)]
    pub doc_id: String,
    /// The clause's label (`a)`, `(5)`), when it has one.
    #[serde(default)]
    pub clause_label: Option<String>,
    /// The clause's span start, in UTF-8 bytes of the stored text (label included).
    #[serde(default)]
    pub start: Option<usize>,
    /// The clause's span end.
    #[serde(default)]
    pub end: Option<usize>,
    /// Review status.
    #[serde(default = "pending")]
    pub status: ReviewStatus,
    /// Who reviewed it.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// When it was reviewed.
    #[serde(default)]
    pub reviewed_at: Option<String>,
}

fn pending() -> ReviewStatus {
    ReviewStatus::Pending
}

impl TagRecord {
    /// The document id: the field, or the part of the clause id before its first `/`.
    pub fn doc(&self) -> &str {
        if self.doc_id.is_empty() {
            self.clause_id.split('/').next().unwrap_or_default()
        } else {
            &self.doc_id
        }
    }
}

/// The text a `TextQuoteSelector` quotes: the span of the stored text and what stands around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The text at the span.
    pub exact: String,
    /// Up to [`QUOTE_CONTEXT`] characters before it.
    pub prefix: String,
    /// Up to [`QUOTE_CONTEXT`] characters after it.
    pub suffix: String,
}

/// How many characters of context a quote keeps on each side.
pub const QUOTE_CONTEXT: usize = 32;

impl Quote {
    /// The quote of `[start, end)` of `text`, or `None` when the span is not on char boundaries
    /// of the text.
    pub fn of(text: &str, start: usize, end: usize) -> Option<Quote> {
        let exact = text.get(start..end)?;
        let before = text.get(..start)?;
        let after = text.get(end..)?;
        let prefix: String = {
            let mut chars: Vec<char> = before.chars().rev().take(QUOTE_CONTEXT).collect();
            chars.reverse();
            chars.into_iter().collect()
        };
        Some(Quote {
            exact: exact.to_string(),
            prefix,
            suffix: after.chars().take(QUOTE_CONTEXT).collect(),
        })
    }
}

/// Percent-encodes a clause id for a URL path (its `/` kept).
pub fn encode_path(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_path(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The W3C Web Annotation of one tag. `clause_url` is the clause's URL (its API address);
/// `quote` the stored text at the record's span, when the document's text is at hand.
pub fn w3c_annotation(r: &TagRecord, clause_url: &str, quote: Option<&Quote>) -> Value {
    let mut body = vec![json!({"type": "TextualBody", "purpose": "tagging", "value": r.sector})];
    if r.status != ReviewStatus::Pending {
        let mut assessing = json!({
            "type": "TextualBody", "purpose": "assessing", "value": r.status.as_str()
        });
        if let Some(reviewer) = &r.reviewer {
            assessing["creator"] = json!({"type": "Person", "name": reviewer});
        }
        if let Some(at) = &r.reviewed_at {
            assessing["created"] = json!(at);
        }
        body.push(assessing);
    }
    let selector = match (quote, r.start, r.end) {
        (Some(q), Some(start), Some(end)) => json!([
            {"type": "TextQuoteSelector", "exact": q.exact, "prefix": q.prefix, "suffix": q.suffix},
            {"type": "TextPositionSelector", "start": start, "end": end}
        ]),
        _ => json!([{"type": "TextQuoteSelector", "exact": r.text}]),
    };
    json!({
        "id": format!("urn:vankien:tag:{}:{}:{}", encode_path(&r.clause_id), r.sector, encode_path(&r.annotator)),
        "type": "Annotation",
        "motivation": "tagging",
        "created": r.at,
        "creator": {"type": "Person", "name": r.annotator},
        "body": body,
        "target": {"source": clause_url, "selector": selector},
    })
}

/// The W3C `AnnotationCollection` of `items` (annotations of [`w3c_annotation`]), one page.
pub fn w3c_collection(items: Vec<Value>) -> Value {
    json!({
        "@context": [W3C_CONTEXT, {"vankien": "urn:vankien:"}],
        "type": "AnnotationCollection",
        "label": "vankien sector tags",
        "vankien:offset_unit": OFFSET_UNIT,
        "total": items.len(),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    })
}

fn bad(what: String) -> StoreError {
    StoreError::User(UserError::InvalidInput(what))
}

/// Reads tag records from an export: a W3C JSON-LD collection (or one annotation, or an array
/// of them), or JSON lines.
pub fn parse_records(text: &str) -> Result<Vec<TagRecord>, StoreError> {
    let text = text.trim_start_matches('\u{feff}');
    if let Ok(value) = serde_json::from_str::<Value>(text)
        && (value.get("@context").is_some() || value.is_array())
    {
        return parse_w3c(&value);
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(line)
                .map_err(|e| bad(format!("line {}: not a tag record: {e}", i + 1)))?,
        );
    }
    Ok(out)
}

/// Reads the annotations of a W3C collection (or a page, an array, one annotation).
pub fn parse_w3c(value: &Value) -> Result<Vec<TagRecord>, StoreError> {
    let items: Vec<&Value> = if let Some(items) = value.pointer("/first/items") {
        items
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    } else if let Some(items) = value.get("items").and_then(Value::as_array) {
        items.iter().collect()
    } else if let Some(array) = value.as_array() {
        array.iter().collect()
    } else {
        vec![value]
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, a)| parse_annotation(a).map_err(|e| bad(format!("annotation {}: {e}", i + 1))))
        .collect()
}

fn parse_annotation(a: &Value) -> Result<TagRecord, String> {
    let str_at = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let source = str_at(a, "/target/source")
        .or_else(|| str_at(a, "/target"))
        .ok_or("no target.source")?;
    let (_, encoded) = source
        .split_once("/api/clauses/")
        .ok_or_else(|| format!("target {source:?} is not a vankien clause URL"))?;
    let clause_id = decode_path(encoded).ok_or("bad percent-encoding in the target")?;
    let bodies: Vec<&Value> = match a.get("body") {
        Some(Value::Array(b)) => b.iter().collect(),
        Some(b) => vec![b],
        None => Vec::new(),
    };
    let purpose = |p: &str| {
        bodies
            .iter()
            .find(|b| b.get("purpose").and_then(Value::as_str) == Some(p))
            .copied()
    };
    let tagging = purpose("tagging").ok_or("no body with purpose tagging")?;
    let sector = str_at(tagging, "/value").ok_or("the tagging body has no value")?;
    let assessing = purpose("assessing");
    let status = match assessing
        .and_then(|b| b.get("value"))
        .and_then(Value::as_str)
    {
        Some(s) => ReviewStatus::parse(s).map_err(|e| e.to_string())?,
        None => ReviewStatus::Pending,
    };
    let positions = a
        .pointer("/target/selector")
        .and_then(Value::as_array)
        .and_then(|s| {
            s.iter()
                .find(|s| s.get("type").and_then(Value::as_str) == Some("TextPositionSelector"))
        });
    let offset = |k: &str| {
        positions
            .and_then(|p| p.get(k))
            .and_then(Value::as_u64)
            .and_then(|v| usize::try_from(v).ok())
    };
    Ok(TagRecord {
        doc_number: String::new(),
        doc_id: clause_id.split('/').next().unwrap_or_default().to_string(),
        section_path: String::new(),
        text: String::new(),
        sector_name: String::new(),
        sector,
        annotator: str_at(a, "/creator/name").ok_or("no creator.name")?,
        at: str_at(a, "/created").unwrap_or_default(),
        orphaned: false,
        clause_label: None,
        start: offset("start"),
        end: offset("end"),
        status,
        reviewer: assessing.and_then(|b| str_at(b, "/creator/name")),
        reviewed_at: assessing.and_then(|b| str_at(b, "/created")),
        clause_id,
    })
}

/// What [`Store::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Tags created.
    pub added: usize,
    /// Tags that were there already.
    pub present: usize,
    /// Verdicts written.
    pub reviews: usize,
    /// Records skipped, with why (orphaned in the export, unknown sector).
    pub skipped: Vec<String>,
}

impl Store {
    /// Imports tag records, each with the clause it goes on (the caller found it in the index),
    /// in one transaction: the tag with its tagger and time, the decision tagging implies, and
    /// the verdict with its reviewer and time. Users missing from the store are created without
    /// a token (taggers as annotators, reviewers as reviewers). Orphaned records and unknown
    /// sectors are skipped and reported. Audited as `import` (and `user_add`, `decide`,
    /// `review`) by `local`.
    pub fn import(&self, records: &[(TagRecord, ClauseRef)]) -> Result<ImportReport, StoreError> {
        for (_, clause) in records {
            check_clause_ref(clause)?;
        }
        self.write(|tx| {
            let now = now(tx)?;
            let mut report = ImportReport::default();
            for (r, clause) in records {
                if r.orphaned {
                    report.skipped.push(format!(
                        "{} {}: orphaned in the export",
                        r.clause_id, r.sector
                    ));
                    continue;
                }
                if check_sector(tx, &r.sector).is_err() {
                    report
                        .skipped
                        .push(format!("{} {}: unknown sector", r.clause_id, r.sector));
                    continue;
                }
                let at = if r.at.is_empty() {
                    now.clone()
                } else {
                    r.at.clone()
                };
                let user_id = user_or_create(tx, &r.annotator, Role::Annotator, LOCAL_ACTOR, &now)?;
                let added = tx.execute(
                    "INSERT OR IGNORE INTO tags (clause_id, doc_id, sector_id, user_id, at,
                     text_hash, quote, doc_number, section_path, clause_text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        clause.clause_id,
                        clause.doc_id,
                        r.sector,
                        user_id,
                        at,
                        crate::anchor::text_hash(&clause.text),
                        crate::anchor::quote(&clause.text),
                        clause.doc_number,
                        crate::store::json_path(&clause.section_path)?,
                        clause.text
                    ],
                )?;
                if added == 0 {
                    report.present += 1;
                } else {
                    report.added += 1;
                    audit(
                        tx,
                        &now,
                        LOCAL_ACTOR,
                        "import",
                        Audited {
                            clause_id: Some(&clause.clause_id),
                            sector_id: Some(&r.sector),
                            subject: Some(&r.annotator),
                            to: Some(at.clone()),
                            ..Audited::default()
                        },
                    )?;
                }
                ensure_decision(tx, &at, clause, user_id)?;
                if let (ReviewStatus::Accepted | ReviewStatus::Rejected, Some(reviewer)) =
                    (r.status, &r.reviewer)
                {
                    let before = verdict(tx, &clause.clause_id, &r.sector)?;
                    if before.as_ref().map(|v| v.status) != Some(r.status) {
                        let reviewer_id =
                            user_or_create(tx, reviewer, Role::Reviewer, LOCAL_ACTOR, &now)?;
                        let reviewed_at = r.reviewed_at.clone().unwrap_or_else(|| now.clone());
                        write_verdict(tx, clause, &r.sector, r.status, reviewer_id, &reviewed_at)?;
                        audit_verdict(
                            tx,
                            &now,
                            LOCAL_ACTOR,
                            &clause.clause_id,
                            &r.sector,
                            before.as_ref(),
                            r.status,
                        )?;
                        report.reviews += 1;
                    }
                }
            }
            Ok(report)
        })
    }
}
