//! `vankien backup` and `vankien restore`: a consistent copy of the annotation store (users,
//! tokens, tags, the audit log), made while a server serves, and its restoration when none does.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::{BackupSummary, Store};

/// Arguments of `vankien backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write (a SQLite database).
    file: PathBuf,
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// Arguments of `vankien restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore (written by `vankien backup`).
    file: PathBuf,
    /// The data directory to restore into. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
}

fn describe(s: &BackupSummary) -> String {
    format!(
        "store {}: {} users, {} tags, {} orphaned tags, {} audit entries, {} bytes",
        s.store_id, s.users, s.tags, s.orphans, s.audit, s.bytes
    )
}

/// Runs `vankien backup`.
pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    if !args.data.join(vankien_annotate::DB_FILE).exists() {
        anyhow::bail!(
            "{}: no annotation store here to back up (pass --data DIR)",
            args.data.display()
        );
    }
    let store = Store::open(&args.data)
        .with_context(|| format!("opening the annotation store in {}", args.data.display()))?;
    let summary = store
        .backup_to(&args.file, args.force)
        .with_context(|| format!("backing up to {}", args.file.display()))?;
    println!(
        "vankien: backed up {} to {}",
        describe(&summary),
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `vankien restore`.
pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let summary = Store::restore(&args.file, &args.data).with_context(|| {
        format!(
            "restoring {} into {}",
            args.file.display(),
            args.data.display()
        )
    })?;
    println!(
        "vankien: restored {} into {}",
        describe(&summary),
        args.data.display()
    );
    if let Some(kept) = &summary.replaced {
        println!(
            "vankien: the store it replaced is kept as {}",
            kept.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
