//! Facet counts of a search: how many matching clauses per document, clause kind, sector and
//! year, from the `facets` field (`/doc/<id>`, `/kind/<kind>`, `/sector/<id>`, `/year/<yyyy>`).
//!
//! tantivy's `FacetCollector` maps every facet of a segment's dictionary onto the requested roots
//! before collecting, a fixed cost of tens of milliseconds a search on a large index. Here each
//! segment counts by facet ordinal into a plain array, and the ordinals that were seen are named
//! from [`FacetNames`]: each segment's dictionary read once, not (zstd-compressed block by block)
//! on every search.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The name of the facet field counted.
const FIELD: &str = "facets";

/// Counts of matching clauses by facet: root (`doc`, `kind`, `sector`, `year`) → value → count.
#[derive(Debug, Default)]
pub struct FacetTally(pub HashMap<String, HashMap<String, u64>>);

impl FacetTally {
    /// The counts under one root (`doc`, `kind`, `sector`, `year`), in no particular order.
    pub fn under(&self, root: &str) -> impl Iterator<Item = (&str, u64)> {
        self.0
            .get(root)
            .into_iter()
            .flat_map(|m| m.iter().map(|(v, &n)| (v.as_str(), n)))
    }
}

/// A segment's facets by ordinal: (root, value).
type Names = Arc<Vec<(Arc<str>, Arc<str>)>>;

/// The facets of each segment by ordinal, read from its dictionary the first time a search
/// counts in it. A segment never changes, so its names never go stale; those of segments that
/// merges have retired are dropped by [`FacetNames::retain`] when the reader reloads.
#[derive(Default)]
pub(crate) struct FacetNames(Mutex<HashMap<SegmentId, Names>>);

impl FacetNames {
    fn of(&self, segment: &SegmentReader, reader: &FacetReader) -> tantivy::Result<Names> {
        let id = segment.segment_id();
        if let Some(names) = self.lock().get(&id) {
            return Ok(names.clone());
        }
        let mut names = Vec::with_capacity(reader.num_facets());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            // An encoded facet separates its components by a 0 byte: `doc\0<id>`.
            let mut parts = stream.key().splitn(2, |&b| b == 0);
            let root = String::from_utf8_lossy(parts.next().unwrap_or_default());
            let value = String::from_utf8_lossy(parts.next().unwrap_or_default());
            names.push((Arc::from(root.as_ref()), Arc::from(value.as_ref())));
        }
        let names = Arc::new(names);
        self.lock().insert(id, names.clone());
        Ok(names)
    }

    /// Forgets the segments not in `live`.
    pub fn retain(&self, live: &HashSet<SegmentId>) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Names>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Collects a [`FacetTally`] over every matching clause, naming facets from a [`FacetNames`].
pub(crate) struct TallyCollector<'a>(pub &'a FacetNames);

/// One segment's part of a [`TallyCollector`].
pub(crate) struct TallySegment {
    reader: FacetReader,
    names: Names,
    counts: Vec<u32>,
}

impl Collector for TallyCollector<'_> {
    type Fruit = FacetTally;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        let reader = segment.facet_reader(FIELD)?;
        let names = self.0.of(segment, &reader)?;
        let counts = vec![0; reader.num_facets()];
        Ok(TallySegment {
            reader,
            names,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Arc<str>, Arc<str>, u64)>>,
    ) -> tantivy::Result<FacetTally> {
        let mut tally = FacetTally::default();
        for (root, value, n) in fruits.into_iter().flatten() {
            *tally
                .0
                .entry(root.to_string())
                .or_default()
                .entry(value.to_string())
                .or_default() += n;
        }
        Ok(tally)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = Vec<(Arc<str>, Arc<str>, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(ord, &n)| {
                let (root, value) = self.names.get(ord)?;
                Some((root.clone(), value.clone(), u64::from(n)))
            })
            .collect()
    }
}
