//! The sector mirror: the index keeps each clause's sector tags (from the annotation store) as
//! facets, for filtering and counting. Changing them rewrites the clause's tantivy document.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use crate::schema::REC_CLAUSE;
use crate::store::{ClauseMeta, DocParts};
use crate::{Index, IndexError, stored_json, term_query};

/// Applies `map` (clause id → sectors). With `all`, clauses absent from the map lose their
/// sectors; without, only the clauses in the map change, and ids the index does not hold are
/// passed over (their document was re-ingested since). Returns how many clauses were rewritten.
pub(crate) fn apply(
    index: &Index,
    map: &HashMap<String, Vec<String>>,
    all: bool,
) -> Result<usize, IndexError> {
    let inner = index.inner();
    let f = &inner.fields;
    let _guard = inner.write_lock.lock().unwrap_or_else(|e| e.into_inner());
    // Which clauses change, grouped by document: clause id → new sectors.
    let mut changes: BTreeMap<String, HashMap<String, Vec<String>>> = BTreeMap::new();
    let mut change = |meta: ClauseMeta, want: Vec<String>| {
        if want != meta.sectors {
            changes
                .entry(meta.doc_id)
                .or_default()
                .insert(meta.clause_id, want);
        }
    };
    // The clauses of `map` that are not read below: with `all`, those that hold no sector yet.
    let mut rest: Vec<(&String, &Vec<String>)> = map.iter().collect();
    if all {
        // A clause absent from the map can only change if it holds a sector: read those alone
        // (every clause's record was read before, seconds at 20,000 documents on every open).
        let searcher = inner.reader.searcher();
        let q = BooleanQuery::new(vec![
            (Occur::Must, term_query(f.rec, REC_CLAUSE)),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.facets, &Facet::from_path(["sector"])),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let mut seen = HashSet::new();
        for addr in searcher.search(&q, &DocSetCollector)? {
            let d: TantivyDocument = searcher.doc(addr)?;
            let meta: ClauseMeta = stored_json(&d, f.meta)?;
            let want = normalized(map.get(&meta.clause_id).map(Vec::as_slice).unwrap_or(&[]));
            seen.insert(meta.clause_id.clone());
            change(meta, want);
        }
        rest.retain(|(id, sectors)| !seen.contains(*id) && !normalized(sectors).is_empty());
    }
    for (clause_id, sectors) in rest {
        let Some((meta, _)) = index.clause_meta(clause_id)? else {
            continue;
        };
        change(meta, normalized(sectors));
    }
    if changes.is_empty() {
        return Ok(0);
    }
    let mut writer = index.writer()?;
    let mut rewritten = 0;
    for (doc_id, clauses) in &changes {
        // The outline of the document and the texts of the clauses rewritten, not every text.
        let wanted: HashSet<&str> = clauses.keys().map(String::as_str).collect();
        let doc = index
            .document_with_texts(doc_id, Some(&wanted))?
            .ok_or_else(|| IndexError::Missing {
                what: "document",
                id: doc_id.clone(),
            })?;
        let parts = DocParts::new(&doc);
        for (i, clause) in doc.clauses.iter().enumerate() {
            if let Some(sectors) = clauses.get(&clause.id) {
                writer.delete_term(Term::from_field_text(f.clause_id, &clause.id));
                writer.add_document(parts.clause_doc(f, i, sectors))?;
                rewritten += 1;
            }
        }
    }
    // Keep the file map: the payload of this commit must carry it on.
    let payload = inner.index.load_metas()?.payload;
    let mut prepared = writer.prepare_commit()?;
    if let Some(p) = payload {
        prepared.set_payload(&p);
    }
    prepared.commit()?;
    writer.wait_merging_threads()?;
    // Sectors change no document record and the file map is carried on: only the reader needs
    // the new commit, not the cached document list (re-reading every record took 60 ms a write
    // on a 2,000-document index).
    index.reload_reader()?;
    Ok(rewritten)
}

/// Sector ids sorted and without duplicates, so that comparisons see sets.
fn normalized(sectors: &[String]) -> Vec<String> {
    let mut v: Vec<String> = sectors
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}
