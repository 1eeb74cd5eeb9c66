//! `vankien parse FILE... [--json]`: parse documents and print their structure, or their JSON.
//!
//! Like ripgrep, it keeps going past a bad file: the good ones are printed, each bad one is
//! reported on stderr as `vankien: <file>: <why>`, and the exit code is 1 if any failed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use vankien_ingest::{ClauseKind, Document};

/// Arguments of `vankien parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files to parse (UTF-8, UTF-16 with a BOM, or Windows-1258 text).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per file, one per line (JSON Lines), instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// Runs `vankien parse`: exit code 0 if every file parsed, 1 if any failed.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for (i, path) in args.files.iter().enumerate() {
        let doc = match vankien_ingest::read_file(path) {
            Ok(doc) => doc,
            Err(err) => {
                // Flush what is printed so far so that stdout and stderr interleave in order.
                if flush(&mut out)? {
                    return Ok(exit_code(failed));
                }
                eprintln!("vankien: {err}");
                failed += 1;
                continue;
            }
        };
        let written = if args.json {
            serde_json::to_writer(&mut out, &doc)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        } else {
            if i > 0 {
                let _ = writeln!(out);
            }
            write_summary(&mut out, &doc)
        };
        if let Err(err) = written {
            if err.kind() == io::ErrorKind::BrokenPipe {
                return Ok(exit_code(failed));
            }
            return Err(anyhow::Error::new(err).context("cannot write to stdout"));
        }
    }
    flush(&mut out)?;
    Ok(exit_code(failed))
}

/// 0 if no file failed, else 1.
fn exit_code(failed: usize) -> ExitCode {
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Flushes stdout; `Ok(true)` if the reader went away (a closed pipe, as in `| head`).
fn flush(out: &mut impl Write) -> anyhow::Result<bool> {
    match out.flush() {
        Ok(()) => Ok(false),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(true),
        Err(err) => Err(anyhow::Error::new(err).context("cannot write to stdout")),
    }
}

/// The longest heading or title printed in a summary, in characters.
const SHOWN_CHARS: usize = 72;

/// Writes the readable summary of one document: metadata, section outline, clause counts by
/// kind, diagnostics.
fn write_summary(out: &mut impl Write, doc: &Document) -> io::Result<()> {
    writeln!(out, "{}", doc.source)?;
    let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    writeln!(out, "  id          {}", doc.id)?;
    writeln!(
        out,
        "  kind        {} ({})",
        doc.kind.as_str(),
        doc.kind.vietnamese()
    )?;
    writeln!(out, "  number      {}", field(&doc.number))?;
    writeln!(out, "  issuer      {}", field(&doc.issuer))?;
    writeln!(out, "  place       {}", field(&doc.place))?;
    writeln!(out, "  date        {}", field(&doc.date))?;
    writeln!(out, "  title       {}", shorten(&field(&doc.title)))?;
    if let Some(term) = &doc.term {
        writeln!(out, "  term        {term}")?;
    }
    if let Some(name) = &doc.kind_name {
        writeln!(out, "  kind line   {name}")?;
    }
    match doc.page_count {
        Some(n) => writeln!(out, "  format      {}, {n} pages", doc.format)?,
        None => writeln!(out, "  format      {}", doc.format)?,
    }
    writeln!(out, "  encoding    {}", doc.encoding)?;
    writeln!(out, "  sections    {}", doc.sections.len())?;
    for s in &doc.sections {
        let indent = "  ".repeat(s.path.len().max(1));
        let line = format!("  {indent}{}  {}", s.label, shorten(&s.heading));
        writeln!(out, "{}", line.trim_end())?;
    }
    let mut by_kind: BTreeMap<usize, (ClauseKind, usize)> = BTreeMap::new();
    for c in &doc.clauses {
        let order = ClauseKind::ALL
            .iter()
            .position(|&k| k == c.kind)
            .unwrap_or(0);
        by_kind.entry(order).or_insert((c.kind, 0)).1 += 1;
    }
    let counts: Vec<String> = by_kind
        .values()
        .map(|(kind, n)| format!("{n} {}", kind.as_str()))
        .collect();
    writeln!(
        out,
        "  clauses     {}{}{}",
        doc.clauses.len(),
        if counts.is_empty() { "" } else { ": " },
        counts.join(", ")
    )?;
    let groups: Vec<&str> = {
        let mut seen: Vec<&str> = Vec::new();
        for g in doc.clauses.iter().filter_map(|c| c.group.as_deref()) {
            if !seen.contains(&g) {
                seen.push(g);
            }
        }
        seen
    };
    if !groups.is_empty() {
        writeln!(out, "  groups      {}", groups.join(" | "))?;
    }
    let mut assignees: Vec<&str> = Vec::new();
    for a in doc.clauses.iter().filter_map(|c| c.assignee.as_deref()) {
        if !assignees.contains(&a) {
            assignees.push(a);
        }
    }
    if !assignees.is_empty() {
        writeln!(out, "  assignees   {}", shorten(&assignees.join(" | ")))?;
    }
    if !doc.addressees.is_empty() {
        writeln!(
            out,
            "  addressees  {}",
            shorten(&doc.addressees.join(" | "))
        )?;
    }
    writeln!(out, "  recipients  {}", doc.recipients.len())?;
    if !doc.furniture.is_empty() {
        writeln!(out, "  furniture   {} lines dropped", doc.furniture.len())?;
    }
    if doc.diagnostics.is_empty() {
        writeln!(out, "  diagnostics none")?;
    } else {
        writeln!(out, "  diagnostics {}", doc.diagnostics.len())?;
        for d in &doc.diagnostics {
            writeln!(out, "    - {d}")?;
        }
    }
    Ok(())
}

/// Cuts a text to [`SHOWN_CHARS`] characters, with `…` when cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
