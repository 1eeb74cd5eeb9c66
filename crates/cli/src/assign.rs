//! `vankien assign`: give a document, or one of its sections, to annotators (optionally blind),
//! list the assignments, or remove one. The same store and rules as `POST /api/assignments`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::{NewAssignment, Store};

/// Arguments of `vankien assign`.
#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    /// The document's id (as `vankien search` and the page show it).
    #[arg(required_unless_present_any = ["list", "remove"])]
    doc: Option<String>,
    /// The annotators, one `--user` each.
    #[arg(long = "user", value_name = "NAME", required_unless_present_any = ["list", "remove"])]
    users: Vec<String>,
    /// Only the section under this path of labels, e.g. `A/II`.
    #[arg(long, value_name = "PATH")]
    section: Option<String>,
    /// Blind: an annotator sees others' tags on a clause only once they decided it.
    #[arg(long)]
    blind: bool,
    /// List the assignments instead.
    #[arg(long, conflicts_with_all = ["doc", "remove"])]
    list: bool,
    /// Remove the assignment with this id instead (decisions and tags stay).
    #[arg(long, value_name = "ID", conflicts_with = "doc")]
    remove: Option<i64>,
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
    /// The index directory, to check that the document and section exist. By default, `index`.
    #[arg(long, value_name = "DIR", default_value = "index")]
    index: PathBuf,
}

/// Runs `vankien assign`.
pub fn run(args: AssignArgs) -> anyhow::Result<ExitCode> {
    vankien_annotate::check_data_dir(&args.data, &args.index)?;
    if !args.data.join(vankien_annotate::DB_FILE).exists() {
        anyhow::bail!(
            "{}: no annotation store here (it is created by `{cmd} serve` or `{cmd} user add`)",
            args.data.display(),
            cmd = crate::invoke::command()
        );
    }
    let store = Store::open(&args.data)
        .with_context(|| format!("opening the annotation store in {}", args.data.display()))?;
    if args.list {
        for a in store.assignments(None, None)? {
            println!(
                "{}\t{}\t{}\t{}{}",
                a.id,
                a.user,
                a.doc_id,
                if a.section_path.is_empty() {
                    "whole document".to_string()
                } else {
                    a.section_path.join("/")
                },
                if a.blind { "\tblind" } else { "" }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(id) = args.remove {
        let a = store.unassign(None, id)?;
        println!("removed assignment {id} ({} on {})", a.user, a.doc_id);
        return Ok(ExitCode::SUCCESS);
    }
    let doc_id = args.doc.context("a document id is needed")?;
    let section_path: Vec<String> = args
        .section
        .as_deref()
        .map(|s| {
            s.split('/')
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    // The index is read (never written): a server may be serving it meanwhile.
    let index = vankien_index::Index::open(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    let Some(doc) = index.document(&doc_id)? else {
        anyhow::bail!("no document {doc_id} in {}", args.index.display());
    };
    let covered = doc
        .clauses
        .iter()
        .filter(|c| c.section_path.starts_with(&section_path))
        .count();
    if covered == 0 {
        anyhow::bail!(
            "no clause of {doc_id} lies under the section {}",
            section_path.join("/")
        );
    }
    let made = store.assign(
        None,
        &NewAssignment {
            doc_id,
            section_path,
            users: args.users,
            blind: args.blind,
        },
    )?;
    for a in made {
        println!(
            "assignment {}: {} gets {covered} clause(s) of {}{}",
            a.id,
            a.user,
            a.doc_id,
            if a.blind { ", blind" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
