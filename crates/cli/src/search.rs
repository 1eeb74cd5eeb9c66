//! `vankien search`: run a query against the index and print readable results, or JSON with
//! `--json`; `--queries FILE` runs every line of a file as a query in one process (benchmarks).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use vankien_index::{Index, IndexError, SearchRequest, SearchResults, Snippet};
use vankien_ingest::{ClauseKind, DocKind};
use vankien_server::SearchView;
use vankien_server::search_export::ExportFormat;

/// Arguments of `vankien search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Index directory.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// How many hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print one JSON object `{"total", "hits": [...]}` instead of readable text (with
    /// `--trend`, `{"total", "year": [...], "issuer": [...]}`).
    #[arg(long)]
    pub json: bool,
    /// Print how many clauses match by year and by issuing body instead of the hits.
    #[arg(long, conflicts_with = "queries")]
    pub trend: bool,
    /// Print every matching clause as CSV (the columns of `GET /api/search/export?format=csv`),
    /// best first, not only a page.
    #[arg(long, conflicts_with_all = ["json", "jsonl", "trend", "queries"])]
    pub csv: bool,
    /// Print every matching clause as JSON lines (as `GET /api/search/export?format=jsonl`).
    #[arg(long, conflicts_with_all = ["json", "trend", "queries"])]
    pub jsonl: bool,
    /// Only this document (its id or its number, e.g. `57-NQ/TW`).
    #[arg(long)]
    pub doc: Option<String>,
    /// Only documents of this kind (`resolution`, `conclusion`, `regulation` …).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only clauses of this kind (`task`, `target`, `lesson`, `basis`, `article`, `paragraph`).
    #[arg(long)]
    pub clause_kind: Option<String>,
    /// Only clauses tagged with this sector id or one of its sub-sectors (`vankien sectors`
    /// lists them).
    #[arg(long)]
    pub sector: Option<String>,
    /// Only documents whose issuing body has these words (`bo chinh tri`).
    #[arg(long)]
    pub issuer: Option<String>,
    /// Only clauses assigned to a body whose name has these words (`bo noi vu`).
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only documents whose signer's name has these words (`to lam`).
    #[arg(long)]
    pub signer: Option<String>,
    /// The data directory, whose taxonomy a `--sector` is checked against.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// The corpus folder, whose `sectors.json` is the taxonomy before any store exists.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Only documents of this year.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub year: Option<i32>,
    /// Only documents of this year or later.
    #[arg(long)]
    pub from: Option<i32>,
    /// Only documents of this year or earlier.
    #[arg(long)]
    pub to: Option<i32>,
    /// Only clauses under this section path (`A/II/3`).
    #[arg(long)]
    pub section: Option<String>,
    /// Count every matching clause. By default the count is exact up to `--exact-up-to`
    /// clauses and past that may be a lower bound ("more than N clauses match"), which is
    /// faster for a common word.
    #[arg(long)]
    pub exact_total: bool,
    /// How many matching clauses are counted exactly at least, without `--exact-total`.
    #[arg(long, value_name = "N", default_value_t = vankien_index::EXACT_TOTAL_UP_TO)]
    pub exact_up_to: usize,
    /// Run every non-empty line of FILE as a query; print one JSON object a line.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    /// The query: words, "quoted phrases", -excluded words, document numbers.
    #[arg(required_unless_present = "queries")]
    pub query: Option<String>,
}

/// The `--json` shape: the server's answer to the same search (without facets, which the
/// command line does not ask for).
fn json_of(r: &SearchResults) -> String {
    let limit = r.hits.len();
    serde_json::to_string(&SearchView::new(r.clone(), limit, 0)).expect("results serialize")
}

/// Terminal rendering of a snippet: the matched words in brackets.
fn plain_snippet(s: &Snippet) -> String {
    s.render(str::to_string, |m| format!("[{m}]"))
}

fn print_readable(r: &SearchResults, out: &mut impl Write) -> std::io::Result<()> {
    if let Some(relaxed) = r.relaxed {
        writeln!(
            out,
            "no clause has all {} words; {} clauses have {} of them",
            relaxed.words, r.total, relaxed.matched_words
        )?;
    } else if let Some(prefix) = &r.prefix {
        writeln!(
            out,
            "{} clauses match, with a word that starts with \"{prefix}\"",
            r.total
        )?;
    } else if !r.total_exact {
        writeln!(out, "more than {} clauses match", r.total)?;
    } else {
        writeln!(out, "{}", clauses_match(r.total))?;
    }
    for (i, h) in r.hits.iter().enumerate() {
        let place = if h.section_path.is_empty() {
            String::new()
        } else {
            format!(" {}", h.section_path.join(" › "))
        };
        let label = h
            .label
            .as_deref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        writeln!(
            out,
            "\n{}. {}{place}{label}  ({}, {:.2})",
            i + 1,
            h.doc_number.as_deref().unwrap_or(&h.doc_id),
            h.kind.vietnamese(),
            h.score
        )?;
        writeln!(out, "   {}", plain_snippet(&h.snippet))?;
        writeln!(out, "   {}", h.clause_id)?;
    }
    Ok(())
}

/// Writes every clause `req` matches in `format`, a piece at a time.
fn write_export(
    index: &Index,
    req: &SearchRequest,
    format: ExportFormat,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    const PIECE: usize = 500;
    let matches = index.matches(req, usize::MAX)?;
    out.write_all(format.head().as_bytes())?;
    let mut start = 0;
    while start < matches.len() {
        let mut text = String::new();
        format
            .push_rows(&mut text, &matches.rows(start..start + PIECE)?)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        out.write_all(text.as_bytes())?;
        start += PIECE;
    }
    Ok(())
}

/// Prints the counts of matching clauses by year (oldest first) and by issuing body (most
/// first), as text or JSON.
fn print_trend(r: &SearchResults, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let facets = r.facets.clone().unwrap_or_default();
    let mut years = facets.year;
    years.sort_by(|a, b| a.value.cmp(&b.value));
    if json {
        let list = |v: &[vankien_index::FacetCount]| -> Vec<serde_json::Value> {
            v.iter()
                .map(|c| serde_json::json!({"value": c.value, "label": c.label, "count": c.count}))
                .collect()
        };
        let v = serde_json::json!({
            "total": r.total,
            "year": list(&years),
            "issuer": list(&facets.issuer),
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    writeln!(out, "{}", clauses_match(r.total))?;
    let width = |v: &[vankien_index::FacetCount]| {
        v.iter().map(|c| c.label.chars().count()).max().unwrap_or(0)
    };
    writeln!(out, "\nby year:")?;
    let w = width(&years);
    for c in &years {
        writeln!(out, "  {:<w$}  {}", c.label, c.count)?;
    }
    writeln!(out, "\nby issuer:")?;
    let w = width(&facets.issuer);
    for c in &facets.issuer {
        writeln!(out, "  {:<w$}  {}", c.label, c.count)?;
    }
    Ok(())
}

/// `1 clause matches`, `3 clauses match`.
fn clauses_match(n: usize) -> String {
    if n == 1 {
        "1 clause matches".to_string()
    } else {
        format!("{n} clauses match")
    }
}

/// The exit code of a filter value that does not exist, as of a usage error.
const UNKNOWN_FILTER: u8 = 2;

/// Says that a filter value does not exist, with the valid ones, and gives the usage exit code.
fn unknown_filter(message: &str) -> ExitCode {
    eprintln!("vankien: error: {message}");
    ExitCode::from(UNKNOWN_FILTER)
}

/// Runs `vankien search`.
pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let index = Index::open(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    let doc_kind = match args.kind.as_deref().map(|k| (k, DocKind::parse(k))) {
        Some((_, Some(k))) => Some(k),
        Some((k, None)) => {
            let all: Vec<&str> = DocKind::ALL.iter().map(|k| k.as_str()).collect();
            return Ok(unknown_filter(&format!(
                "unknown document kind `{k}` (known: {})",
                all.join(", ")
            )));
        }
        None => None,
    };
    let clause_kind = match args
        .clause_kind
        .as_deref()
        .map(|k| (k, ClauseKind::parse(k)))
    {
        Some((_, Some(k))) => Some(k),
        Some((k, None)) => {
            let all: Vec<&str> = ClauseKind::ALL.iter().map(|k| k.as_str()).collect();
            return Ok(unknown_filter(&format!(
                "unknown clause kind `{k}` (known: {})",
                all.join(", ")
            )));
        }
        None => None,
    };
    let asked = SearchRequest {
        limit: args.limit,
        doc: args.doc.clone(),
        doc_kind,
        clause_kind,
        sector: args.sector.clone(),
        issuer: args.issuer.clone(),
        signer: args.signer.clone(),
        assignee: args.assignee.clone(),
        year_from: args.year.or(args.from),
        year_to: args.year.or(args.to),
        section_prefix: args.section.clone(),
        exact_total: args.exact_total,
        exact_up_to: args.exact_up_to,
        ..SearchRequest::default()
    };
    let sectors = match &args.sector {
        Some(_) => crate::sectors::taxonomy(&args.data, &args.corpus)?,
        None => Vec::new(),
    };
    let template = match vankien_library::resolve_filters(&index, &sectors, &asked) {
        Ok(req) => req,
        Err(e @ vankien_library::LibraryError::UnknownFilter { .. }) => {
            return Ok(unknown_filter(&e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(file) = &args.queries {
        let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        let mut failed = 0usize;
        for line in std::io::BufReader::new(f).lines() {
            let line = line.with_context(|| format!("reading {}", file.display()))?;
            let q = line.trim();
            if q.is_empty() {
                continue;
            }
            let req = SearchRequest {
                query: q.to_string(),
                ..template.clone()
            };
            match index.search(&req) {
                Ok(r) => writeln!(out, "{}", json_of(&r))?,
                Err(IndexError::Query(e)) => {
                    failed += 1;
                    let msg = e.to_string();
                    writeln!(out, "{}", serde_json::json!({ "query": q, "error": msg }))?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        out.flush()?;
        return Ok(if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let Some(query) = args.query else {
        bail!("no query given");
    };
    let req = SearchRequest { query, ..template };
    if args.csv || args.jsonl {
        let format = if args.csv {
            ExportFormat::Csv
        } else {
            ExportFormat::Jsonl
        };
        write_export(&index, &req, format, &mut out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.trend {
        let r = index.search(&SearchRequest {
            facets: true,
            limit: 1,
            ..req
        })?;
        print_trend(&r, args.json, &mut out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let r = index.search(&req)?;
    if args.json {
        writeln!(out, "{}", json_of(&r))?;
    } else {
        print_readable(&r, &mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use vankien_index::{Hit, Relaxed};

    use super::*;

    #[test]
    fn snippets_read_plainly_on_a_terminal() {
        let s = Snippet {
            text: "thuỷ lợi & <đê> \"x\" 'y'".into(),
            marks: std::iter::once(0..12).collect(),
            cut_before: false,
            cut_after: true,
        };
        assert_eq!(plain_snippet(&s), "[thuỷ lợi] & <đê> \"x\" 'y'…");
    }

    #[test]
    fn counts_of_clauses_are_grammatical() {
        assert_eq!(clauses_match(0), "0 clauses match");
        assert_eq!(clauses_match(1), "1 clause matches");
        assert_eq!(clauses_match(2), "2 clauses match");
    }

    #[test]
    fn a_relaxed_search_says_so() {
        let r = SearchResults {
            total: 3,
            hits: vec![],
            facets: None,
            relaxed: Some(Relaxed {
                matched_words: 4,
                words: 5,
            }),
            ..SearchResults::default()
        };
        let mut out = Vec::new();
        print_readable(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("no clause has all 5 words; 3 clauses have 4 of them"),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&json_of(&r)).unwrap();
        assert_eq!(
            v["relaxed"],
            serde_json::json!({"matched_words": 4, "words": 5})
        );
    }

    #[test]
    fn json_has_the_contract_fields() {
        let r = SearchResults {
            total: 7,
            hits: vec![Hit {
                clause_id: "d/a.1.p1".into(),
                doc_id: "d".into(),
                doc_number: Some("20-NQ/TW".into()),
                doc_kind: DocKind::Resolution,
                doc_title: None,
                section_path: vec!["A".into(), "1".into()],
                kind: ClauseKind::Task,
                label: Some("a)".into()),
                group: None,
                text: "Phát triển".into(),
                snippet: Snippet {
                    text: "Phát triển".into(),
                    marks: std::iter::once(0..13).collect(),
                    cut_before: false,
                    cut_after: false,
                },
                score: 1.5,
                sectors: vec![],
            }],
            ..SearchResults::default()
        };
        let v: serde_json::Value = serde_json::from_str(&json_of(&r)).unwrap();
        assert_eq!(v["total"], 7);
        assert!(v.get("relaxed").is_none(), "only a relaxed search says so");
        let hit = &v["hits"][0];
        for key in [
            "clause_id",
            "doc_id",
            "doc_number",
            "doc_kind",
            "section_path",
            "kind",
            "label",
            "text",
            "snippet",
            "score",
        ] {
            assert!(hit.get(key).is_some(), "{key}");
        }
        assert_eq!(hit["doc_kind"], "resolution");
        assert_eq!(hit["kind"], "task");
        assert_eq!(hit["snippet"], "<mark>Phát triển</mark>");
        assert_eq!(hit["section_path"], serde_json::json!(["A", "1"]));
    }
}
