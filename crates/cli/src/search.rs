//! `vankien search`. (Placeholder; being written.)

use std::process::ExitCode;

/// Arguments of `vankien search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {}

/// Runs `vankien search`.
pub fn run(_args: SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not written yet")
}
