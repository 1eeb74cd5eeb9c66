//! `vankien orphans`: list the tags that could not be re-attached after their document changed.
//!
//! Orphaned tags are never deleted; this lists them with the clause text they were anchored to, so
//! that an annotator can tag the new clause by hand.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::Store;

/// Arguments of `vankien orphans`.
#[derive(Debug, clap::Args)]
pub struct OrphansArgs {
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    /// Print one JSON object a line instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `vankien orphans`.
pub fn run(args: OrphansArgs) -> anyhow::Result<ExitCode> {
    if !args.data.join(vankien_annotate::DB_FILE).exists() {
        anyhow::bail!(
            "{}: no annotation store here (it is created by `{cmd} serve` or `{cmd} user add`)",
            args.data.display(),
            cmd = crate::invoke::command()
        );
    }
    let store = Store::open(&args.data)
        .with_context(|| format!("opening the annotation store in {}", args.data.display()))?;
    let orphans = store.orphans()?;
    for o in &orphans {
        if args.json {
            println!("{}", serde_json::to_string(o)?);
        } else {
            println!(
                "{} {} [{}] by {} at {} (orphaned {}): {}",
                o.doc_number.as_deref().unwrap_or(&o.doc_id),
                o.clause_id,
                o.sector_id,
                o.user,
                o.at,
                o.orphaned_at,
                o.quote
            );
        }
    }
    if !args.json {
        eprintln!("{} orphaned tag(s)", orphans.len());
    }
    Ok(ExitCode::SUCCESS)
}
