//! `vankien targets`: the targets of the index's documents (indicator, value, unit, comparator,
//! years) as a table, or the API's JSON with `--json`, or CSV with `--csv`, filtered as
//! `GET /api/targets` filters them. A filter value that names nothing is an error, exit code 2.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_index::Index;
use vankien_ingest::targets::Target;
use vankien_server::targets::{TargetFilter, TargetsView, to_csv};

/// Arguments of `vankien targets`.
#[derive(Debug, clap::Args)]
pub struct TargetsArgs {
    /// Index directory.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Only this indicator (a key of the taxonomy, e.g. `urbanisation_rate`; `none` for the
    /// indicators outside it).
    #[arg(long)]
    pub indicator: Option<String>,
    /// Only this document (its id or its number, e.g. `57-NQ/TW`).
    #[arg(long)]
    pub doc: Option<String>,
    /// Only documents of this place (`Thái Bình`, or `thai binh`).
    #[arg(long)]
    pub place: Option<String>,
    /// Only targets set for this year (their deadline, or the end of their period).
    #[arg(long)]
    pub year: Option<String>,
    /// Print the JSON of `GET /api/targets` instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (the columns of `GET /api/targets?format=csv`).
    #[arg(long)]
    pub csv: bool,
    /// Words the indicator (as written, its name or key), the document's number or place hold,
    /// with or without diacritics.
    pub query: Option<String>,
}

/// Runs `vankien targets`.
pub fn run(args: TargetsArgs) -> anyhow::Result<ExitCode> {
    let year = match args.year.as_deref() {
        Some(y) => match vankien_server::targets::year(y) {
            Ok(y) => Some(y),
            Err(e) => return Ok(refuse(&e.to_string())),
        },
        None => None,
    };
    let filter = TargetFilter {
        q: args.query.filter(|q| !q.trim().is_empty()),
        indicator: args.indicator,
        doc: args.doc,
        place: args.place,
        year,
    };
    let index = Index::open(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    // The targets stored at ingestion (read again from a document only where they are stale).
    let all = vankien_library::targets::TargetCache::default().get(&index)?;
    let docs = index.documents()?;
    if let Err(e) = filter.check(&all, &docs) {
        return Ok(refuse(&e.to_string()));
    }
    let shown: Vec<&Target> = all.iter().filter(|t| filter.keeps(t)).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let view = TargetsView::new(&shown, None, &all, &docs);
        serde_json::to_writer(&mut out, &view).context("writing the JSON")?;
        writeln!(out)?;
    } else if args.csv {
        out.write_all(to_csv(&shown).as_bytes())?;
    } else {
        print_table(&shown, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A filter value that names nothing: the message (with the valid values) and exit code 2, as
/// for a wrong argument.
fn refuse(message: &str) -> ExitCode {
    eprintln!("vankien: error: {message}");
    ExitCode::from(2)
}

/// One line a target: indicator, comparator and value with its unit, year, document.
fn print_table(targets: &[&Target], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{} targets", targets.len())?;
    for t in targets {
        let indicator = match (&t.indicator, t.indicator_name()) {
            (Some(key), Some(name)) => format!("{name} [{key}]"),
            _ => t.indicator_text.clone(),
        };
        let change = match t.change {
            Some(c) if c.as_str() == "increase" => "tăng ",
            Some(_) => "giảm ",
            None => "",
        };
        let year = t
            .period
            .and_then(|p| p.to)
            .map(|y| format!(" đến {y}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{indicator}: {change}{} {} {}{year}  ({}, {})",
            t.comparator.symbol(),
            t.value_text,
            t.unit,
            t.doc_number.as_deref().unwrap_or(&t.doc_id),
            t.clause_id
        )?;
    }
    Ok(())
}
