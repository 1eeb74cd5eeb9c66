//! The relations benchmark: what reading the references of documents costs at ingestion, and
//! what resolving them costs at read time, on the scaled corpus of the search benchmark.
//!
//! ```text
//! cargo bench -p vankien-index --bench relations                          # 2,000 documents
//! VANKIEN_BENCH_DOCS=200 cargo bench -p vankien-index --bench relations   # quick check
//! ```
//!
//! It prints: parsing against reading references, per document (one thread); the ingestion of
//! the corpus; opening the index (which reads the references stored in the head of each record
//! with the document list); the first `relations` answer after a commit (every reference
//! resolved: what a commit costs the next reader), against the alternative of reading every
//! document's clauses back and extracting its references again; the answer once resolved; and one more document ingested into the full index beside the resolve pass it
//! triggers. The generated corpus is shared with the search benchmark (`<target>/vankien-bench`).

#[path = "search/generate.rs"]
mod generate;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use vankien_index::{Index, IngestOptions, NoTags};
use vankien_testkit::judged;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let docs: usize = match std::env::var("VANKIEN_BENCH_DOCS") {
        Ok(v) => v.parse()?,
        Err(_) => generate::Config::default().docs,
    };
    let exe = std::env::current_exe()?;
    let base = exe
        .ancestors()
        .nth(3)
        .ok_or("no target directory")?
        .join("vankien-bench");
    let cfg = generate::Config {
        docs,
        ..generate::Config::default()
    };
    let generated = generate::generate_or_reuse(
        &judged::corpus_dir(),
        &base.join(format!("corpus-{docs}")),
        &cfg,
    )?;
    println!(
        "corpus: {} documents ({} numbered), {:.1} MB",
        generated.files.len(),
        generated.numbers.len(),
        generated.bytes as f64 / 1e6
    );
    extraction(&generated.files)?;
    let dir = base.join(format!("relations-{docs}"));
    let _ = std::fs::remove_dir_all(&dir);
    let (last, rest) = generated.files.split_last().ok_or("no documents")?;
    let index = Index::open_or_create(&dir)?;
    let t = Instant::now();
    index.ingest_files(
        &sources(rest),
        &IngestOptions::default(),
        &mut NoTags,
        &mut |_| {},
    )?;
    println!(
        "ingest of {} documents: {:.1} s",
        rest.len(),
        t.elapsed().as_secs_f64()
    );
    drop(index);
    resolving(&dir)?;
    one_more(&dir, last)?;
    Ok(())
}

fn sources(files: &[PathBuf]) -> Vec<vankien_index::SourceFile> {
    files
        .iter()
        .map(|p| vankien_index::SourceFile {
            path: p.clone(),
            named: true,
        })
        .collect()
}

/// Parsing against reading references, summed over the corpus on one thread.
fn extraction(files: &[PathBuf]) -> Res<()> {
    let (mut parse, mut extract, mut citations) = (Duration::ZERO, Duration::ZERO, 0);
    for file in files {
        let bytes = std::fs::read(file)?;
        let t = Instant::now();
        let doc = vankien_ingest::parse_bytes(&bytes, &file.display().to_string())?;
        parse += t.elapsed();
        let t = Instant::now();
        citations += vankien_ingest::relations::extract(&doc).len();
        extract += t.elapsed();
    }
    let n = files.len() as f64;
    println!(
        "parse {:.2} ms/document, read references {:.3} ms/document ({:.1}% of parsing), {} \
         references ({:.1} a document)",
        parse.as_secs_f64() * 1e3 / n,
        extract.as_secs_f64() * 1e3 / n,
        100.0 * extract.as_secs_f64() / parse.as_secs_f64(),
        citations,
        citations as f64 / n
    );
    Ok(())
}

/// The first answer after opening (the whole graph resolved), the answers after it, and the
/// alternative of extracting every document's references again.
fn resolving(dir: &std::path::Path) -> Res<()> {
    let (mut opens, mut firsts) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        let index = Index::open(dir)?;
        opens.push(t.elapsed());
        let id = index.documents()?.first().ok_or("empty")?.id.clone();
        let t = Instant::now();
        index.relations(&id)?;
        firsts.push(t.elapsed());
    }
    firsts.sort();
    opens.sort();
    let index = Index::open(dir)?;
    let docs = index.documents()?;
    index.relations(&docs[0].id)?;
    let mut each = Vec::with_capacity(docs.len());
    let (mut outgoing, mut incoming, mut resolved) = (0, 0, 0);
    for d in &docs {
        let t = Instant::now();
        let r = index.relations(&d.id)?.ok_or("missing")?;
        each.push(t.elapsed());
        outgoing += r.outgoing.len();
        incoming += r.incoming.len();
        resolved += r.outgoing.iter().filter(|l| l.document.is_some()).count();
    }
    each.sort();
    let mean = each.iter().sum::<Duration>() / each.len() as u32;
    let t = Instant::now();
    let mut again = 0;
    for d in &docs {
        let doc = index.document(&d.id)?.ok_or("missing")?;
        again += vankien_ingest::relations::extract(&doc).len();
    }
    let reextract = t.elapsed();
    println!(
        "open (the document list and the references in the head of each record read): median \
         {:.1} ms of 5",
        opens[2].as_secs_f64() * 1e3
    );
    println!(
        "first answer after a commit (the references of {} documents resolved): median {:.1} ms \
         of 5",
        docs.len(),
        firsts[2].as_secs_f64() * 1e3
    );
    println!(
        "  instead, read every document back and extract again: {:.1} ms ({again} references)",
        reextract.as_secs_f64() * 1e3
    );
    println!(
        "answer once resolved: mean {:.1} µs, p99 {:.1} µs; {outgoing} outgoing links ({resolved} \
         resolved), {incoming} incoming",
        mean.as_secs_f64() * 1e6,
        each[each.len() * 99 / 100].as_secs_f64() * 1e6
    );
    Ok(())
}

/// One more document ingested into the full index, and the resolve pass it causes.
fn one_more(dir: &std::path::Path, file: &PathBuf) -> Res<()> {
    let index = Index::open(dir)?;
    let first = index.documents()?.first().ok_or("empty")?.id.clone();
    index.relations(&first)?;
    let t = Instant::now();
    index.ingest_files(
        &sources(std::slice::from_ref(file)),
        &IngestOptions::default(),
        &mut NoTags,
        &mut |_| {},
    )?;
    let ingest = t.elapsed();
    let t = Instant::now();
    index.relations(&first)?;
    println!(
        "one more document: ingest and commit {:.1} ms, then the next answer resolves again in \
         {:.1} ms",
        ingest.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
