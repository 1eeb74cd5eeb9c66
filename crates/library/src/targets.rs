//! The targets of an index's documents (`vankien_ingest::targets`), kept per document for as long
//! as its content hash stays.
//!
//! They are read at ingestion and stored in each record's head, with the fingerprint of the rules
//! and taxonomy that read them (`vankien_ingest::targets::fingerprint`): reading every document
//! instead took 45 s at 20,000 documents, past the server's timeout. A document whose stored
//! targets carry another fingerprint (the taxonomy, compiled into the binary, changed since it was
//! ingested) is read again, so a new taxonomy still takes effect without re-ingesting.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use vankien_index::{Index, IndexError};
use vankien_ingest::targets::{self, Target};

/// The targets of every document of `index`, documents in id order, each document's in its
/// order, read from the documents (not the stored targets): slow, every document is read; what
/// [`TargetCache`] gives must equal it.
pub fn collect(index: &Index) -> Result<Vec<Target>, IndexError> {
    let mut out = Vec::new();
    for summary in index.documents()? {
        if let Some(doc) = index.document(&summary.id)? {
            out.extend(targets::extract(&doc));
        }
    }
    Ok(out)
}

/// The targets of an index, kept per document by its content hash.
#[derive(Debug, Default)]
pub struct TargetCache {
    inner: Mutex<Cached>,
}

#[derive(Debug, Default)]
struct Cached {
    /// The document hashes the whole list was made from.
    hashes: BTreeMap<String, String>,
    /// Every target, in document-id order.
    all: Arc<Vec<Target>>,
    /// Each document's targets, with the hash they were read from.
    by_doc: HashMap<String, (String, Arc<Vec<Target>>)>,
}

impl TargetCache {
    /// The targets of every document of `index`: those of documents unchanged since the last
    /// call from memory, the others read again.
    pub fn get(&self, index: &Index) -> Result<Arc<Vec<Target>>, IndexError> {
        let hashes = index.document_hashes();
        let mut cached = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if cached.hashes == hashes && !hashes.is_empty() {
            return Ok(cached.all.clone());
        }
        let mut by_doc = HashMap::new();
        let mut all = Vec::new();
        // The targets stored at ingestion, read (from the record heads) at the first document
        // not kept here.
        let mut stored: Option<HashMap<String, Option<Vec<Target>>>> = None;
        for (doc_id, hash) in &hashes {
            let known = cached
                .by_doc
                .get(doc_id)
                .filter(|(h, _)| h == hash)
                .map(|(_, t)| t.clone());
            let found = match known {
                Some(found) => found,
                None => {
                    if stored.is_none() {
                        stored = Some(index.stored_targets()?);
                    }
                    match stored.as_mut().and_then(|s| s.remove(doc_id)).flatten() {
                        Some(list) => Arc::new(list),
                        // Read by other rules, or never stored: read from the document.
                        None => match index.document(doc_id)? {
                            Some(doc) => Arc::new(targets::extract(&doc)),
                            None => continue,
                        },
                    }
                }
            };
            all.extend(found.iter().cloned());
            by_doc.insert(doc_id.clone(), (hash.clone(), found));
        }
        *cached = Cached {
            hashes,
            all: Arc::new(all),
            by_doc,
        };
        Ok(cached.all.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use vankien_index::{IngestOptions, NoTags};

    use super::*;

    fn ingest(index: &Index, paths: &[PathBuf]) {
        let report = index
            .ingest_found(
                vankien_ingest::find_files(paths),
                &IngestOptions::default(),
                &mut NoTags,
                &mut |_| {},
            )
            .expect("ingest");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }

    #[test]
    fn a_document_is_read_again_only_when_its_content_changes() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let (tb, nq) = (dir.path().join("tb.txt"), dir.path().join("57.txt"));
        std::fs::copy(corpus.join("thai-binh-09-NQ-DH-2020.txt"), &tb).unwrap();
        std::fs::copy(corpus.join("57-NQ-TW.txt"), &nq).unwrap();
        let index = Index::open_or_create(&dir.path().join("index")).unwrap();
        ingest(&index, &[tb.clone(), nq.clone()]);

        // Every document's targets were stored at ingestion by this binary's rules, and the
        // cache gives them as read from the documents.
        let stored = index.stored_targets().unwrap();
        assert_eq!(stored.len(), 2);
        assert!(stored.values().all(Option::is_some), "{stored:?}");
        let cache = TargetCache::default();
        let first = cache.get(&index).unwrap();
        assert_eq!(*first, collect(&index).unwrap());
        let economy = |all: &[Target]| {
            all.iter()
                .filter(|t| t.indicator.as_deref() == Some("digital_economy_share"))
                .map(|t| t.low)
                .collect::<Vec<_>>()
        };
        assert_eq!(economy(&first), [30.0, 50.0]);
        assert!(
            Arc::ptr_eq(&first, &cache.get(&index).unwrap()),
            "unchanged: kept"
        );

        let tb_id = first
            .iter()
            .find(|t| t.place.as_deref() == Some("Thái Bình"))
            .unwrap()
            .doc_id
            .clone();
        let kept = cache.inner.lock().unwrap().by_doc[&tb_id].1.clone();
        let text = std::fs::read_to_string(&nq).unwrap();
        std::fs::write(
            &nq,
            text.replace("đạt tối thiểu 30% GDP", "đạt tối thiểu 35% GDP"),
        )
        .unwrap();
        ingest(&index, &[nq]);
        let second = cache.get(&index).unwrap();
        assert_eq!(
            economy(&second),
            [35.0, 50.0],
            "the changed document is read again"
        );
        let again = cache.inner.lock().unwrap().by_doc[&tb_id].1.clone();
        assert!(Arc::ptr_eq(&kept, &again), "the other one is not");
    }
}
