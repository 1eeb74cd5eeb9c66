//! `vankien relations DOC`: what a document cites, implements, guides, amends, replaces or
//! repeals, and what the index's documents do so to it, with the Vietnamese headings a legal
//! portal gives each group and whether each reference is a document of the index; `--json`
//! prints `GET /api/documents/{id}/relations`. A DOC that names no document is an error, exit
//! code 2.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_index::{DocSummary, Index, Link};
use vankien_server::relations::RelationsView;

/// Arguments of `vankien relations`.
#[derive(Debug, clap::Args)]
pub struct RelationsArgs {
    /// Index directory.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print the JSON of `GET /api/documents/{id}/relations` instead of text.
    #[arg(long)]
    pub json: bool,
    /// The document: its id, or its number however typed (`57-NQ/TW`, `57/NQ-TW`, `nq 57`).
    pub doc: String,
}

/// Runs `vankien relations`.
pub fn run(args: RelationsArgs) -> anyhow::Result<ExitCode> {
    let index = Index::open(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    let found = index.find_documents(&args.doc);
    let doc = match found.as_slice() {
        [one] => one.clone(),
        [] => {
            let known: Vec<String> = index
                .documents()?
                .into_iter()
                .map(|d| d.number.unwrap_or(d.id))
                .collect();
            return Ok(refuse(&format!(
                "no document `{}` in the index (known: {})",
                args.doc,
                known.join(", ")
            )));
        }
        several => {
            let ids: Vec<&str> = several.iter().map(|d| d.id.as_str()).collect();
            return Ok(refuse(&format!(
                "`{}` names {} documents; give one of their ids: {}",
                args.doc,
                several.len(),
                ids.join(", ")
            )));
        }
    };
    let relations = index
        .relations(&doc.id)?
        .with_context(|| format!("document {} has gone from the index", doc.id))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let view = RelationsView::new(doc.id.clone(), relations);
        serde_json::to_writer(&mut out, &view).context("writing the JSON")?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}", name(&doc))?;
    if let Some(d) = &relations.replaced_by {
        writeln!(out, "Đã bị thay thế bởi: {}", name(d))?;
    }
    if let Some(d) = &relations.repealed_by {
        writeln!(out, "Đã bị bãi bỏ bởi: {}", name(d))?;
    }
    writeln!(out)?;
    write_links(
        &mut out,
        "what it does to others",
        &relations.outgoing,
        true,
    )?;
    writeln!(out)?;
    write_links(&mut out, "what others do to it", &relations.incoming, false)?;
    Ok(ExitCode::SUCCESS)
}

/// A document as a line names it: kind, number, title, id.
fn name(d: &DocSummary) -> String {
    let number = d.number.as_deref().unwrap_or("");
    let title = d.title.as_deref().unwrap_or("");
    let head = [d.kind.vietnamese(), number, title]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{head} [{}]", d.id)
}

/// The links of one direction, under the heading of each relation (in the order given).
fn write_links(
    out: &mut impl Write,
    heading: &str,
    links: &[Link],
    outgoing: bool,
) -> std::io::Result<()> {
    let count = match links.len() {
        1 => "1 link".to_string(),
        n => format!("{n} links"),
    };
    writeln!(out, "{heading}: {count}")?;
    let mut last = None;
    for link in links {
        if last != Some(link.relation) {
            let label = if outgoing {
                link.relation.outgoing_label()
            } else {
                link.relation.incoming_label()
            };
            writeln!(out, "  {label} ({}):", link.relation.vietnamese())?;
            last = Some(link.relation);
        }
        match &link.document {
            Some(d) => writeln!(out, "    - {}  (in the index)", name(d))?,
            None => writeln!(out, "    - {}  (not in the index)", link.reference.text)?,
        }
    }
    Ok(())
}

/// A DOC that names no document, or several: the message and exit code 2, as a wrong argument.
fn refuse(message: &str) -> ExitCode {
    eprintln!("vankien: error: {message}");
    ExitCode::from(2)
}
