//! `vankien ingest`. (Placeholder; being written.)

use std::process::ExitCode;

/// Arguments of `vankien ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {}

/// Runs `vankien ingest`.
pub fn run(_args: IngestArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not written yet")
}
