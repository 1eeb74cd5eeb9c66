//! `vankien user`. (Placeholder; being written.)

use std::process::ExitCode;

/// Arguments of `vankien user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {}

/// Runs `vankien user`.
pub fn run(_args: UserArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not written yet")
}
