//! Keeping the tags and the index in step after ingestion: re-attach the tags of changed documents,
//! then rebuild the index's sector facet from the store (the source of truth).

use anyhow::Context;
use vankien_annotate::Store;
use vankien_index::Index;

/// Re-attaches the tags of the documents in `changed` (added or updated by an ingestion) to their
/// new clauses, reports what moved or was orphaned, and rebuilds the index's sector mirror from
/// the store. Returns how many clauses carry a tag.
pub(crate) fn sync(index: &Index, store: &Store, changed: &[String]) -> anyhow::Result<usize> {
    let (mut moved, mut orphaned) = (0, 0);
    for doc_id in changed {
        let Some(doc) = index.document(doc_id)? else {
            continue;
        };
        let report = store
            .reattach(doc_id, &doc.clauses)
            .with_context(|| format!("cannot re-attach the tags of {doc_id}"))?;
        moved += report.moved;
        orphaned += report.orphaned;
    }
    if moved + orphaned > 0 {
        eprintln!(
            "vankien: re-attached tags: {moved} moved, {orphaned} orphaned (see `vankien orphans`)"
        );
    }
    let map = store.sector_map()?;
    index
        .replace_all_sectors(&map)
        .context("cannot rebuild the sector mirror of the index")?;
    Ok(map.len())
}
