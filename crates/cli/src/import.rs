//! `vankien import FILE`: re-create tags from an export (JSON lines, or W3C Web Annotations in
//! JSON-LD) on the clauses of the index, with their taggers, times, review status and reviewers;
//! then the index's sector facet follows. The index's writer does it, so no server may hold it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::ClauseRef;
use vankien_annotate::interchange::{TagRecord, parse_records};
use vankien_library::{Holder, Library, LibraryError};

/// Arguments of `vankien import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The export to read: `.jsonl` (one tag a line) or W3C JSON-LD, as
    /// `GET /api/annotations/export` writes them.
    file: PathBuf,
    /// The index whose clauses the tags go on. By default, `index`.
    #[arg(long, value_name = "DIR", default_value = "index")]
    index: PathBuf,
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    /// The folder whose `sectors.json` is loaded first (as `vankien serve` does), so that a
    /// fresh store knows the sectors of the export. By default, `corpus`.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    corpus: PathBuf,
}

/// Runs `vankien import`.
pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let records = parse_records(&text).with_context(|| format!("in {}", args.file.display()))?;
    let holder = Holder {
        pid: std::process::id(),
        role: "import".into(),
        socket: None,
    };
    let (library, _) = match Library::open(&args.index, &args.data, &holder) {
        Ok(opened) => opened,
        Err(LibraryError::Busy { held_by, .. }) => anyhow::bail!(
            "a {} (process {}) holds the index {}: stop it, then import",
            held_by.role,
            held_by.pid,
            args.index.display()
        ),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot open the index in {}", args.index.display()));
        }
    };
    let sectors_file = args.corpus.join("sectors.json");
    if sectors_file.is_file() {
        library
            .store()
            .load_sectors(&sectors_file)
            .with_context(|| format!("cannot load the sectors of {}", sectors_file.display()))?;
    }
    let mut found: Vec<(TagRecord, ClauseRef)> = Vec::new();
    let mut missing = 0;
    for r in records {
        match library.index().clause(&r.clause_id)? {
            Some((summary, clause)) => {
                let clause_ref =
                    ClauseRef::from_clause(&summary.id, summary.number.as_deref(), &clause);
                found.push((r, clause_ref));
            }
            None => {
                missing += 1;
                eprintln!(
                    "skipped {} {}: no such clause in the index",
                    r.clause_id, r.sector
                );
            }
        }
    }
    let report = library.store().import(&found)?;
    for why in &report.skipped {
        eprintln!("skipped {why}");
    }
    let repaired = library.repair_mirror()?;
    println!(
        "imported {} tag(s) ({} there already), {} verdict(s); {} skipped; the index's sectors of {repaired} clause(s) updated",
        report.added,
        report.present,
        report.reviews,
        report.skipped.len() + missing
    );
    Ok(if report.skipped.is_empty() && missing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
