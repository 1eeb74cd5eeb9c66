//! `vankien agreement`: how far annotators agree on the clauses they decided, per sector and
//! overall (Krippendorff's alpha, Cohen's kappa for two annotators, observed agreement), each with
//! the number of clauses it rests on. The same figures as `GET /api/agreement`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use vankien_annotate::Store;
use vankien_annotate::agreement::Agreement;

/// Arguments of `vankien agreement`.
#[derive(Debug, clap::Args)]
pub struct AgreementArgs {
    /// Only the clauses of this document (its id).
    #[arg(long, value_name = "ID")]
    doc: Option<String>,
    /// Print the JSON of `GET /api/agreement` instead of a table.
    #[arg(long)]
    json: bool,
    /// The data directory holding the annotation store. By default, `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    data: PathBuf,
}

/// Runs `vankien agreement`.
pub fn run(args: AgreementArgs) -> anyhow::Result<ExitCode> {
    if !args.data.join(vankien_annotate::DB_FILE).exists() {
        anyhow::bail!(
            "{}: no annotation store here (it is created by `{cmd} serve` or `{cmd} user add`)",
            args.data.display(),
            cmd = crate::invoke::command()
        );
    }
    let store = Store::open(&args.data)
        .with_context(|| format!("opening the annotation store in {}", args.data.display()))?;
    let agreement = store.agreement(args.doc.as_deref())?;
    if args.json {
        println!("{}", serde_json::to_string(&agreement)?);
    } else {
        print!("{}", table(&agreement));
    }
    Ok(ExitCode::SUCCESS)
}

/// A coefficient to three decimals, or `-` when it is undefined.
fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

/// The figures as a table for a terminal.
fn table(a: &Agreement) -> String {
    let mut out = String::new();
    let scope = a.doc.as_deref().unwrap_or("every document");
    if a.clauses == 0 {
        out.push_str(&format!(
            "{scope}: no clause decided by two annotators yet: nothing to compare\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "{scope}: {} clause(s) decided by at least two of {}\n",
        a.clauses,
        a.annotators.join(", ")
    ));
    out.push_str(&format!(
        "{:<40} {:>7} {:>7} {:>7} {:>5} {:>5}\n",
        "sector", "alpha", "kappa", "agree", "n", "tags"
    ));
    for s in &a.sectors {
        out.push_str(&format!(
            "{:<40} {:>7} {:>7} {:>7} {:>5} {:>5}\n",
            s.sector,
            fmt(s.alpha),
            fmt(s.kappa),
            fmt(s.percent),
            s.n,
            s.positives
        ));
    }
    let o = &a.overall;
    out.push_str(&format!(
        "{:<40} {:>7} {:>7} {:>7} {:>5}   (mean over {} sector(s))\n",
        "overall",
        fmt(o.alpha),
        fmt(o.kappa),
        fmt(o.percent),
        o.n,
        o.sectors
    ));
    for p in &a.pairs {
        out.push_str(&format!(
            "pair {} / {}: kappa {}, agreement {}, over {} clause(s)\n",
            p.a,
            p.b,
            fmt(p.kappa),
            fmt(p.percent),
            p.n
        ));
    }
    out
}
