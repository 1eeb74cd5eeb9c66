//! `vankien parse`. (Placeholder; being written.)

use std::process::ExitCode;

/// Arguments of `vankien parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {}

/// Runs `vankien parse`.
pub fn run(_args: ParseArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not written yet")
}
