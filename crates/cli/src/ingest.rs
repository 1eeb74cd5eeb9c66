//! `vankien ingest`: add files and folders to the index, incrementally, with a progress bar on a
//! terminal and a summary at the end. Bad files are reported and skipped; the exit code is 1 when
//! any failed. The library does the work (tags follow the clauses of changed documents); while a
//! server writes the index, the work is handed to it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vankien_index::{FileOutcome, FileReads, IngestEvent, IngestOptions};
use vankien_library::{Holder, IngestOutcome, Library, LibraryError, OpenReport, handoff};

/// Arguments of `vankien ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Index directory (created if missing).
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Drop documents whose source file no longer exists.
    #[arg(long)]
    pub remove_missing: bool,
    /// Data directory of the annotation store that holds the index's tags (the one the server
    /// uses): the tags of changed documents are re-attached there. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Files and folders to ingest. Every file of a folder is looked at and recognised by its
    /// content (text, Markdown, PDF, Word, OpenDocument, HTML); hidden files and READMEs are passed
    /// over, and files that are not documents (images, archives) are named as skipped.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Runs `vankien ingest`: as the index's writer, or, while a server writes the index, by handing
/// the work to that server over its local socket.
pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let opts = IngestOptions {
        remove_missing: args.remove_missing,
    };
    let holder = Holder {
        pid: std::process::id(),
        role: "ingest".into(),
        socket: None,
    };
    // A batch: the index's files are read, not mapped, so that the segments its merges pass over
    // do not stay in its resident memory (ARCHITECTURE.md, "Memory of an ingestion").
    let outcome = match Library::open_reading(&args.index, &args.data, &holder, FileReads::Buffered)
    {
        Ok((library, opened)) => {
            report_open(&opened);
            with_progress(|on_event| Ok(library.ingest(&args.paths, &opts, on_event)?))?
        }
        Err(LibraryError::Busy { held_by, .. }) if held_by.socket.is_some() => {
            let socket = held_by.socket.expect("checked");
            eprintln!(
                "vankien: a server (process {}) writes this index; handing the ingestion to it",
                held_by.pid
            );
            let absolute = |p: &PathBuf| {
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
            };
            let request = handoff::Request {
                paths: args.paths.iter().map(absolute).collect::<Result<_, _>>()?,
                remove_missing: args.remove_missing,
                data_dir: absolute(&args.data)?,
            };
            with_progress(|on_event| Ok(handoff::ingest_via(&socket, &request, on_event)?))?
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot open the index in {}", args.index.display()));
        }
    };
    Ok(if outcome.report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Says what opening the library found and mended, when it did anything.
pub(crate) fn report_open(opened: &OpenReport) {
    if let Some(problem) = &opened.rebuilt {
        eprintln!("vankien: the index was damaged ({problem}) and was rebuilt from its sources");
    }
    if opened.finished > 0 {
        eprintln!(
            "vankien: finished re-attaching the tags of {} documents left by an interrupted ingestion",
            opened.finished
        );
    }
    if opened.repaired > 0 {
        eprintln!(
            "vankien: {} clauses' sectors in the index repaired from the store",
            opened.repaired
        );
    }
}

/// Runs an ingestion with a progress bar on a terminal (hidden otherwise), reports bad files as
/// it meets them, and prints a summary line at the end, with where tags went.
pub(crate) fn with_progress(
    ingest: impl FnOnce(&mut dyn FnMut(IngestEvent)) -> anyhow::Result<IngestOutcome>,
) -> anyhow::Result<IngestOutcome> {
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
    let outcome = ingest(&mut |event| match event {
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
        IngestEvent::Merging { segments, into } => {
            bar.set_message(format!("merging {segments} segments into {into}"))
        }
    })?;
    bar.finish_and_clear();
    let report = &outcome.report;
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
    if let Some(why) = &report.unmerged {
        eprintln!(
            "vankien: every document is in, but merging the index's segments failed ({why}); searches are slower until the next ingestion merges them"
        );
    }
    if outcome.moved + outcome.orphaned > 0 {
        eprintln!(
            "vankien: re-attached tags: {} moved, {} orphaned (see `{} orphans`)",
            outcome.moved,
            outcome.orphaned,
            crate::invoke::command()
        );
    }
    Ok(outcome)
}
