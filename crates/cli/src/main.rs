//! The `vankien` command line: parse documents, build the index, search it, list its targets,
//! print a document's relations, serve the page, manage annotators, assign work, measure agreement, import tags, list orphaned
//! tags, back up and restore the store.

mod agreement;
mod assign;
mod backup;
mod compare;
mod import;
mod ingest;
mod invoke;
mod orphans;
mod parse;
mod relations;
mod search;
mod sectors;
mod serve;
mod targets;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// jemalloc, not glibc's malloc: glibc keeps what its many threads' arenas freed (the dynamic
/// threshold below which it stops giving big blocks back), and a first ingest of 20,000 documents
/// grew past 1 GiB of heap with it and was killed in a 1 GiB container; with jemalloc its peak heap
/// is 647 MiB and the ingest of 5,000 documents 8% faster (mimalloc and glibc with a fixed
/// threshold measured too: docs/benchmarks.md, 2026-12-05).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// vankien: full-text search and annotation of Vietnamese Party and state documents.
#[derive(Debug, Parser)]
#[command(name = "vankien", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse documents and print their structure (or JSON with --json).
    Parse(parse::ParseArgs),
    /// Add documents (files or folders) to the index.
    Ingest(ingest::IngestArgs),
    /// Search the index.
    Search(Box<search::SearchArgs>),
    /// What a document cites, implements, amends, replaces or repeals, and what others do so to
    /// it.
    Relations(relations::RelationsArgs),
    /// List the targets of the documents: indicator, value, unit, comparator, year.
    Targets(targets::TargetsArgs),
    /// Compare two documents: their tasks and targets aligned (kept, reworded, new, dropped)
    /// and their targets' value changes.
    Compare(compare::CompareArgs),
    /// Serve the web page and the HTTP API (builds the index from corpus/ if there is none).
    Serve(serve::ServeArgs),
    /// List the sector taxonomy: the ids `--sector` and tagging take, with their names.
    Sectors(sectors::SectorsArgs),
    /// Manage annotators, reviewers and admins and their API tokens.
    User(user::UserArgs),
    /// Assign a document or a section to annotators (optionally blind); list or remove assignments.
    Assign(assign::AssignArgs),
    /// Agreement between annotators (Krippendorff's alpha, Cohen's kappa) per sector and overall.
    Agreement(agreement::AgreementArgs),
    /// Re-create tags from an export (JSON lines or W3C Web Annotations) on the index's clauses.
    Import(import::ImportArgs),
    /// List tags that could not be re-attached after their document changed.
    Orphans(orphans::OrphansArgs),
    /// Write a consistent copy of the annotation store to a file (safe while serving).
    Backup(backup::BackupArgs),
    /// Put a backup in place as the annotation store (no server may have it open).
    Restore(backup::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Search(args) => search::run(*args),
        Command::Relations(args) => relations::run(args),
        Command::Targets(args) => targets::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Sectors(args) => sectors::run(args),
        Command::User(args) => user::run(args),
        Command::Assign(args) => assign::run(args),
        Command::Agreement(args) => agreement::run(args),
        Command::Import(args) => import::run(args),
        Command::Orphans(args) => orphans::run(args),
        Command::Backup(args) => backup::backup(args),
        Command::Restore(args) => backup::restore(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vankien: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
