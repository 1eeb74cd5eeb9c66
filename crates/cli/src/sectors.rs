//! `vankien sectors`: the sector taxonomy (ids, names, parents), the values the `--sector`
//! filter and tagging take; read from the annotation store, else from the corpus's
//! `sectors.json` before a server has loaded it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::{Sector, Store};

/// Arguments of `vankien sectors`.
#[derive(Debug, clap::Args)]
pub struct SectorsArgs {
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// The corpus folder whose `sectors.json` is read when there is no store yet.
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Print one JSON object a line instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The taxonomy: the store's when it has one (a server loads it), else the corpus's file.
pub fn taxonomy(data: &Path, corpus: &Path) -> anyhow::Result<Vec<Sector>> {
    if data.join(vankien_annotate::DB_FILE).exists() {
        let store = Store::open(data)
            .with_context(|| format!("opening the annotation store in {}", data.display()))?;
        let sectors = store.sectors()?;
        if !sectors.is_empty() {
            return Ok(sectors);
        }
    }
    let file = corpus.join("sectors.json");
    vankien_annotate::sectors::read_taxonomy(&file).with_context(|| {
        format!(
            "no annotation store in {} and no taxonomy at {}",
            data.display(),
            file.display()
        )
    })
}

/// Runs `vankien sectors`: a sub-sector is indented under its parent.
pub fn run(args: SectorsArgs) -> anyhow::Result<ExitCode> {
    let all = taxonomy(&args.data, &args.corpus)?;
    for s in &all {
        if args.json {
            println!("{}", serde_json::to_string(s)?);
        } else {
            let indent = if s.parent.is_some() { "  " } else { "" };
            println!("{indent}{}\t{}", s.id, s.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
