//! `vankien ingest`: add files and folders to the index, incrementally, with a progress bar on a
//! terminal and a summary at the end. Bad files are reported and skipped; the exit code is 1 when
//! any failed. Tags in the annotation store follow the clauses of changed documents.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vankien_annotate::Store;
use vankien_index::{FileOutcome, Index, IngestEvent, IngestOptions, IngestReport};

/// Arguments of `vankien ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Index directory (created if missing).
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Drop documents whose source file no longer exists.
    #[arg(long)]
    pub remove_missing: bool,
    /// Data directory of the annotation store: when it holds a store, the tags of changed
    /// documents are re-attached and the index's sector facet rebuilt. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Files and folders to ingest. Every file of a folder is looked at and recognised by its
    /// content (text, Markdown, PDF, Word, OpenDocument, HTML); hidden files and READMEs are passed
    /// over, and files that are not documents (images, archives) are named as skipped.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Runs `vankien ingest`.
pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let index = Index::open_or_create(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    let opts = IngestOptions {
        remove_missing: args.remove_missing,
    };
    let report = ingest_with_progress(&index, &args.paths, &opts)?;
    // Tags follow their clauses into the new text; only an existing store is touched.
    if args.data.join(vankien_annotate::DB_FILE).is_file() {
        vankien_annotate::check_data_dir(&args.data, &args.index)?;
        let store = Store::open(&args.data)
            .with_context(|| format!("opening the annotation store in {}", args.data.display()))?;
        let changed: Vec<String> = report
            .added
            .iter()
            .chain(&report.updated)
            .cloned()
            .collect();
        crate::tags::sync(&index, &store, &changed)?;
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Ingests `paths` into `index` with a progress bar on a terminal (hidden otherwise), reports
/// bad files as it meets them, and prints a summary line at the end.
pub(crate) fn ingest_with_progress(
    index: &Index,
    paths: &[PathBuf],
    opts: &IngestOptions,
) -> anyhow::Result<IngestReport> {
    let started = Instant::now();
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {wide_msg}")
            .expect("template is valid"),
    );
    let report = index.ingest_paths(paths, opts, &mut |event| match event {
        IngestEvent::Scanned { bytes, .. } => bar.set_length(bytes),
        IngestEvent::File {
            file,
            bytes,
            outcome,
        } => {
            bar.inc(bytes);
            // Decoding errors name the file already; a missing path does not.
            let named = |why: &str| {
                if why.starts_with(file.as_str()) {
                    why.to_string()
                } else {
                    format!("{file}: {why}")
                }
            };
            match &outcome {
                FileOutcome::Failed(error) => {
                    let line = named(error);
                    bar.suspend(|| eprintln!("vankien: failed {line}"));
                }
                FileOutcome::Skipped(why) => {
                    let line = named(why);
                    bar.suspend(|| eprintln!("vankien: skipped {line}"));
                }
                FileOutcome::Duplicate(id) => {
                    let line = named(&format!("the same text as document {id}, already in"));
                    bar.suspend(|| eprintln!("vankien: {line}"));
                }
                _ => {}
            }
            bar.set_message(file);
        }
        IngestEvent::Removed { doc_id } => bar.set_message(format!("removed {doc_id}")),
        IngestEvent::Committing => bar.set_message("writing the index"),
    })?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let mb = report.bytes as f64 / 1_000_000.0;
    eprintln!(
        "{} added, {} updated, {} unchanged, {} duplicates, {} removed, {} skipped, {} failed; {} clauses; {:.1} MB in {:.1} s",
        report.added.len(),
        report.updated.len(),
        report.unchanged.len(),
        report.duplicates.len(),
        report.removed.len(),
        report.skipped.len(),
        report.failed.len(),
        report.clauses,
        mb,
        secs,
    );
    Ok(report)
}
