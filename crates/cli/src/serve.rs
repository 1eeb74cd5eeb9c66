//! `vankien serve`. (Placeholder; being written.)

use std::process::ExitCode;

/// Arguments of `vankien serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

/// Runs `vankien serve`.
pub fn run(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not written yet")
}
