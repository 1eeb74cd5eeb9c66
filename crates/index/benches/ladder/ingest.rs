//! The ingest's ladder: from bare tantivy indexing the files' lines (the aim's reference) to
//! vankien's ingest, each part of vankien's work timed alone on the same corpus: parsing the
//! documents, then tantivy indexing their clauses with vankien's analyzers, one field more a rung.
//!
//! vankien's ingest parses on every core while tantivy's threads index what is parsed, so its
//! time is about the parsing's and the indexing's CPU shared by the cores; the rungs show each.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::TantivyDocument;
use tantivy::schema::{Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use vankien_index::analyzer;
use vankien_index::{FileReads, Index, IngestOptions, NoTags};
use vankien_ingest::Document;

use crate::Res;
use crate::bare::Bare;

/// The writer's memory budget and threads: those of vankien's batch writer
/// (`BATCH_WRITER_BYTES` and `batch_threads` in `src/ingest.rs`), as the search benchmark's bare
/// reference uses.
const BUDGET: usize = 400_000_000;

/// One rung's figure: its name and its seconds.
pub struct Timed {
    pub name: &'static str,
    pub secs: f64,
}

/// What a rung of clauses indexes, beside the folded text.
#[derive(Clone, Copy)]
struct Fields {
    exact: bool,
    headings: bool,
    stored: bool,
}

/// Every rung over the corpus in `corpus` (a folder of documents), in a new folder under `scratch`.
pub fn rungs(corpus: &Path, scratch: &Path) -> Res<(u64, Vec<Timed>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    let bytes: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let size: u64 = bytes.iter().map(|b| b.len() as u64).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut out = Vec::new();
    let fresh = |name: &str| -> Res<PathBuf> {
        let dir = scratch.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        Ok(dir)
    };

    eprintln!("ladder: ingest, bare tantivy …");
    let texts: Vec<String> = bytes
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let t = Instant::now();
    let mut bare = Bare::create(&fresh("bare")?)?;
    bare.insert_docs(texts.iter().map(String::as_str), threads, BUDGET)?;
    out.push(Timed {
        name: "bare tantivy: the files' lines, one folded field (the aim's reference)",
        secs: t.elapsed().as_secs_f64(),
    });
    drop((bare, texts));

    eprintln!("ladder: ingest, parsing …");
    let t = Instant::now();
    let docs = parse_all(&bytes, &files, threads)?;
    out.push(Timed {
        name: "vankien's parsing alone: the documents' trees, every core",
        secs: t.elapsed().as_secs_f64(),
    });
    let clauses: usize = docs.iter().map(|d| d.clauses.len()).sum();
    eprintln!("ladder: {} documents, {clauses} clauses", docs.len());

    let plain = Fields {
        exact: false,
        headings: false,
        stored: false,
    };
    let exact = Fields {
        exact: true,
        ..plain
    };
    let headings = Fields {
        headings: true,
        ..exact
    };
    let stored = Fields {
        stored: true,
        ..headings
    };
    for (name, fields) in [
        (
            "tantivy, the parsed clauses: folded text (vankien's analyzer)",
            plain,
        ),
        ("+ the exact spelling", exact),
        ("+ the headings", headings),
        ("+ the text stored", stored),
    ] {
        eprintln!("ladder: ingest, {name} …");
        let dir = fresh("clauses")?;
        let t = Instant::now();
        index_clauses(&dir, &docs, fields, threads)?;
        out.push(Timed {
            name,
            secs: t.elapsed().as_secs_f64(),
        });
    }
    drop(docs);

    eprintln!("ladder: ingest, vankien …");
    let dir = fresh("vankien")?;
    let t = Instant::now();
    // As `vankien ingest` and the search benchmark do: the files read, not mapped.
    let index = Index::open_or_create_reading(&dir, FileReads::Buffered)?;
    let (found, _) = vankien_ingest::find_files(&[corpus.to_path_buf()]);
    let report = index.ingest_files(&found, &IngestOptions::default(), &mut NoTags, &mut |_| {})?;
    if !report.failed.is_empty() {
        return Err(format!("vankien: {} files failed", report.failed.len()).into());
    }
    out.push(Timed {
        name: "vankien's ingest: parse and index every field, merge",
        secs: t.elapsed().as_secs_f64(),
    });
    drop(index);
    std::fs::remove_dir_all(scratch)?;
    Ok((size, out))
}

/// Every file parsed, on `threads` threads.
fn parse_all(bytes: &[Vec<u8>], files: &[PathBuf], threads: usize) -> Res<Vec<Document>> {
    let chunk = bytes.len().div_ceil(threads.max(1)).max(1);
    let parsed: Vec<Result<Vec<Document>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bytes
            .chunks(chunk)
            .zip(files.chunks(chunk))
            .map(|(bs, fs)| {
                scope.spawn(move || {
                    bs.iter()
                        .zip(fs)
                        .map(|(b, f)| {
                            vankien_ingest::parse_bytes(b, &f.display().to_string())
                                .map_err(|e| e.to_string())
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a parsing thread panicked".into()))
            })
            .collect()
    });
    let mut docs = Vec::with_capacity(bytes.len());
    for p in parsed {
        docs.extend(p?);
    }
    Ok(docs)
}

/// The clauses of `docs` indexed into a new tantivy index in `dir` with `fields`, committed and
/// merged as tantivy merges by default.
fn index_clauses(dir: &Path, docs: &[Document], fields: Fields, threads: usize) -> Res<()> {
    let positions = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut schema = Schema::builder();
    let folded = schema.add_text_field("text_folded", positions(analyzer::FOLDED));
    let exact = schema.add_text_field("text_exact", positions(analyzer::EXACT));
    let ctx = schema.add_text_field("ctx_folded", positions(analyzer::FOLDED));
    let text = schema.add_text_field("text", STORED);
    std::fs::create_dir_all(dir)?;
    let index = tantivy::Index::create_in_dir(dir, schema.build())?;
    analyzer::register(&index);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, BUDGET)?;
    let add = |d: &mut TantivyDocument, field: Field, on: bool, value: &str| {
        if on && !value.is_empty() {
            d.add_text(field, value);
        }
    };
    for doc in docs {
        // The headings text as vankien's ingest builds it.
        let contexts = match fields.headings {
            true => vankien_index::clause_contexts(doc),
            false => Vec::new(),
        };
        for (i, clause) in doc.clauses.iter().enumerate() {
            let mut d = TantivyDocument::new();
            add(&mut d, folded, true, &clause.text);
            add(&mut d, exact, fields.exact, &clause.text);
            if let Some(context) = contexts.get(i) {
                add(&mut d, ctx, true, context);
            }
            add(&mut d, text, fields.stored, &clause.text);
            writer.add_document(d)?;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
