//! The shape of the index's segments after an ingestion batch: a search walks its segments on the
//! cores side by side and waits for the largest, so the batch writer merges nothing while it runs
//! and its commit packs the small segments into a few of like size, one per indexing thread.
//!
//! tantivy's default (`LogMergePolicy`) merges eight segments of one size class at a time, while
//! the batch runs: at 20,000 documents it left one segment of 57% of the clauses beside six
//! flushes of 7% it never merged, and the same corpus ingested again gave two of 50%, on which the
//! queries ran about 15% faster (ARCHITECTURE.md, "What each change bought").

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::merge_policy::{LogMergePolicy, MergePolicy};

/// Which segments to merge into one, each list a merge, for an index walked on `parts` cores.
///
/// A segment of at least half a part's share of the documents (deleted ones counted: the walk
/// reads them too) is left as it is. The smaller ones, once they hold half a part between them,
/// are packed into as many parts as they need (a part holding at most a share), largest first into the
/// lightest: a big batch into an empty index ends in `parts` segments of like size. Until then
/// they merge as tantivy's log policy merges them, so one more file does not rewrite a large
/// segment.
pub(crate) fn plan(segments: &[SegmentMeta], parts: usize) -> Vec<Vec<SegmentId>> {
    let parts = parts.max(1) as u64;
    let total: u64 = segments.iter().map(|s| u64::from(s.max_doc())).sum();
    let share = total.div_ceil(parts);
    let mut small: Vec<&SegmentMeta> = segments
        .iter()
        .filter(|s| 2 * u64::from(s.max_doc()) < share)
        .collect();
    let small_docs: u64 = small.iter().map(|s| u64::from(s.max_doc())).sum();
    if small.len() < 2 {
        return Vec::new();
    }
    if 2 * small_docs < share {
        let small: Vec<SegmentMeta> = small.into_iter().cloned().collect();
        return LogMergePolicy::default()
            .compute_merge_candidates(&small)
            .into_iter()
            .map(|c| c.0)
            .collect();
    }
    let bins = small_docs.div_ceil(share).max(1) as usize;
    small.sort_by_key(|s| std::cmp::Reverse(s.max_doc()));
    let mut packed: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); bins];
    for s in small {
        let lightest = packed
            .iter_mut()
            .min_by_key(|(docs, _)| *docs)
            .expect("at least one bin");
        lightest.0 += u64::from(s.max_doc());
        lightest.1.push(s.id());
    }
    packed
        .into_iter()
        .map(|(_, ids)| ids)
        .filter(|ids| ids.len() > 1)
        .collect()
}

#[cfg(test)]
thread_local! {
    static KEPT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread's ingestions keep their segments as written: the unit tests of the walk
/// across segments need several of unlike size ([`crate::testing::generated_index`]).
pub(crate) fn kept() -> bool {
    #[cfg(test)]
    return KEPT.with(|k| k.get());
    #[cfg(not(test))]
    false
}

/// Runs `f` with this thread's ingestions keeping their segments as written.
#[cfg(test)]
pub(crate) fn keeping<R>(f: impl FnOnce() -> R) -> R {
    KEPT.with(|k| k.set(true));
    let out = f();
    KEPT.with(|k| k.set(false));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Index;
    use tantivy::schema::{Schema, TEXT};

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let mut schema = Schema::builder();
        schema.add_text_field("t", TEXT);
        let index = Index::create_in_ram(schema.build());
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    /// The documents of each segment after the plan's merges, largest first.
    fn after(sizes: &[u32], parts: usize) -> Vec<u32> {
        let segments = metas(sizes);
        let merges = plan(&segments, parts);
        let merged: Vec<SegmentId> = merges.iter().flatten().copied().collect();
        let docs = |id: &SegmentId| segments.iter().find(|s| s.id() == *id).unwrap().max_doc();
        let mut out: Vec<u32> = segments
            .iter()
            .filter(|s| !merged.contains(&s.id()))
            .map(|s| s.max_doc())
            .chain(merges.iter().map(|m| m.iter().map(docs).sum()))
            .collect();
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }

    #[test]
    fn a_big_batch_into_an_empty_index_ends_in_one_segment_a_core_of_like_size() {
        // Fourteen flushes of a 2-thread writer, and the two last ones, smaller.
        let mut flushes = vec![100_000; 14];
        flushes.extend([41_000, 37_000]);
        assert_eq!(after(&flushes, 2), vec![741_000, 737_000]);
        assert_eq!(after(&flushes, 4), vec![400_000, 400_000, 341_000, 337_000]);
        assert_eq!(after(&flushes, 1), vec![1_478_000]);
    }

    #[test]
    fn the_large_segments_stay_and_the_small_ones_merge_as_the_log_policy_merges_them() {
        // Two halves and one more file: nothing to do.
        assert_eq!(
            after(&[500_000, 500_000, 40], 2),
            vec![500_000, 500_000, 40]
        );
        // Eight more files: the log policy merges them, the halves are not rewritten.
        let mut sizes = vec![500_000, 500_000];
        sizes.extend([40; 8]);
        assert_eq!(after(&sizes, 2), vec![500_000, 500_000, 320]);
    }

    #[test]
    fn small_segments_holding_half_a_share_merge_into_one_beside_the_large() {
        // The shape the log policy left at 20,000 documents: 57% in one, six flushes of 7%.
        let sizes = [
            2_126_000, 266_000, 266_000, 266_000, 266_000, 266_000, 266_000, 26_000, 9,
        ];
        assert_eq!(after(&sizes, 2), vec![2_126_000, 1_622_009]);
    }

    #[test]
    fn an_index_already_balanced_is_left_alone() {
        assert!(plan(&metas(&[201_000, 181_000]), 2).is_empty());
        assert!(plan(&metas(&[8, 6]), 2).is_empty());
        assert!(plan(&metas(&[]), 2).is_empty());
        // What the plan made is its own fixed point.
        assert_eq!(after(&[741_000, 737_000], 2), vec![741_000, 737_000]);
    }

    #[test]
    fn batches_ingested_one_after_another_leave_segments_the_plan_has_nothing_more_for() {
        let dir = tempfile::tempdir().unwrap();
        let files = crate::testing::generated_files(dir.path(), 60);
        let index = crate::Index::open_or_create(&dir.path().join("index")).unwrap();
        let parts = crate::ingest::batch_threads();
        let mut shapes = Vec::new();
        for chunk in files.chunks(6) {
            crate::testing::ingest_all(&index, chunk);
            let segments = index.inner().index.searchable_segment_metas().unwrap();
            let mut docs: Vec<u32> = segments.iter().map(|s| s.max_doc()).collect();
            docs.sort_unstable_by(|a, b| b.cmp(a));
            shapes.push(docs);
            assert!(plan(&segments, parts).is_empty(), "{shapes:?}");
        }
        let last = shapes.last().unwrap();
        let total: u32 = last.iter().sum();
        // At most two large segments a part (each holds half a share), and fewer than the eight
        // small ones the log policy merges.
        assert!(last.len() < 2 * parts + 8, "{shapes:?}");
        assert!(last[0] * 3 <= total * 2, "{shapes:?}");
        let searcher = index.inner().reader.searcher();
        assert_eq!(searcher.num_docs(), u64::from(total), "{shapes:?}");
        assert_eq!(index.documents().unwrap().len(), 60);
    }
}
