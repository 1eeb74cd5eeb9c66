//! `vankien compare A B`: two documents of the index compared, their tasks and targets aligned
//! (kept, reworded with a word-level diff, new, dropped) and their targets' value changes, as
//! text, or the JSON of `GET /api/compare` with `--json`. A document the index does not hold is
//! an error naming it, exit code 2.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_index::Index;
use vankien_library::LibraryError;
use vankien_library::compare::{self, CompareConfig, Comparison, DiffOp, Status, ValueChange};
use vankien_server::compare::CompareView;

/// Arguments of `vankien compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Index directory.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print the JSON of `GET /api/compare` instead of text.
    #[arg(long)]
    pub json: bool,
    /// The earlier document: its id or its number, however typed (`20-NQ/TW`, `nq 20`).
    pub a: String,
    /// The later document, as A.
    pub b: String,
}

/// Runs `vankien compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let index = Index::open(&args.index)
        .with_context(|| format!("opening the index in {}", args.index.display()))?;
    let c = match compare::compare_in(&index, &args.a, &args.b, &CompareConfig::default()) {
        Ok(c) => c,
        Err(e @ LibraryError::UnknownDocument(_)) => {
            eprintln!("vankien: error: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &CompareView::new(c)).context("writing the JSON")?;
        writeln!(out)?;
    } else {
        print_text(&c, &mut out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn name(d: &compare::DocSide) -> &str {
    d.number.as_deref().unwrap_or(&d.id)
}

fn count(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The comparison as text: a line of counts, each row with its clause ids, a reworded pair's
/// diff as `[-deleted-]{+inserted+}`, then the targets.
fn print_text(c: &Comparison, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "A: {}  {}",
        name(&c.a),
        c.a.title.as_deref().unwrap_or("")
    )?;
    writeln!(
        out,
        "B: {}  {}",
        name(&c.b),
        c.b.title.as_deref().unwrap_or("")
    )?;
    let n = c.counts;
    writeln!(
        out,
        "{} kept, {} reworded, {} new, {} dropped (tasks and targets)",
        n.kept, n.reworded, n.new, n.dropped
    )?;
    for row in &c.rows {
        writeln!(out)?;
        let ids = match (&row.a, &row.b) {
            (Some(a), Some(b)) => format!("{} → {}", a.id, b.id),
            (Some(a), None) => a.id.clone(),
            (None, Some(b)) => b.id.clone(),
            (None, None) => String::new(),
        };
        let score = row.score.map(|s| format!(" ({s:.2})")).unwrap_or_default();
        writeln!(out, "[{}] {ids}{score}", row.status.as_str())?;
        match row.status {
            Status::Reworded => {
                let mut line = String::new();
                for run in &row.diff {
                    // The marks go round the words; the space after them stays outside.
                    let words = run.text.trim_end();
                    let rest = &run.text[words.len()..];
                    match run.op {
                        DiffOp::Equal => line.push_str(&run.text),
                        DiffOp::Deleted => line.push_str(&format!("[-{words}-]{rest}")),
                        DiffOp::Inserted => line.push_str(&format!("{{+{words}+}}{rest}")),
                    }
                }
                writeln!(out, "  {line}")?;
            }
            _ => {
                let text = row.b.as_ref().or(row.a.as_ref()).map_or("", |s| &s.text);
                writeln!(out, "  {text}")?;
            }
        }
    }
    writeln!(out)?;
    if c.targets.is_empty() {
        writeln!(out, "No indicator has a target in both documents.")?;
    } else {
        writeln!(
            out,
            "{} in both documents:",
            count(c.targets.len(), "target indicator")
        )?;
        for t in &c.targets {
            let how = match t.change {
                ValueChange::Same => "same",
                ValueChange::Up => "up",
                ValueChange::Down => "down",
                ValueChange::Unit => "another unit",
            };
            writeln!(
                out,
                "  {}: {} {} → {} {} ({how})",
                t.indicator_name, t.a.comparator, t.a.value_text, t.b.comparator, t.b.value_text
            )?;
        }
    }
    Ok(())
}
