//! Facet counts of a search: how many matching clauses per document, clause kind, sector and
//! year, from the `facets` field (`/doc/<id>`, `/kind/<kind>`, `/sector/<id>`, `/year/<yyyy>`).
//!
//! tantivy's `FacetCollector` maps every facet of a segment's dictionary onto the requested roots
//! before collecting, a fixed cost of tens of milliseconds a search on a large index. Here each
//! segment counts by facet ordinal into a plain array, and the ordinals that were seen are named
//! from [`FacetNames`]: each segment's dictionary read once, not (zstd-compressed block by block)
//! on every search. The ordinals of each clause are read once per segment too, into a flat
//! table: looked up in tantivy's multi-valued column for every matching clause, they were a fifth
//! of the server's time on common queries.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
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

/// A segment's facets: their names by ordinal, (root, value), and each clause's ordinals.
#[derive(Default)]
struct SegmentFacets {
    names: Vec<(Arc<str>, Arc<str>)>,
    /// The ordinals of clause `d` are `ords[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl SegmentFacets {
    fn of_clause(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&a), Some(&b)) => &self.ords[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The facets of each segment, read from its dictionary and its column the first time a search
/// counts in it. A segment never changes, so they never go stale; those of segments that
/// merges have retired are dropped by [`FacetNames::retain`] when the reader reloads.
#[derive(Default)]
pub(crate) struct FacetNames(Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>);

impl FacetNames {
    fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        if let Some(facets) = self.lock().get(&id) {
            return Ok(facets.clone());
        }
        let reader = segment.facet_reader(FIELD)?;
        let mut names = Vec::with_capacity(reader.num_facets());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            // An encoded facet separates its components by a 0 byte: `doc\0<id>`.
            let mut parts = stream.key().splitn(2, |&b| b == 0);
            let root = String::from_utf8_lossy(parts.next().unwrap_or_default());
            let value = String::from_utf8_lossy(parts.next().unwrap_or_default());
            names.push((Arc::from(root.as_ref()), Arc::from(value.as_ref())));
        }
        let max_doc = segment.max_doc();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::with_capacity(max_doc as usize * 4);
        starts.push(0);
        for doc in 0..max_doc {
            ords.extend(reader.facet_ords(doc).map(|o| o as u32));
            starts.push(u32::try_from(ords.len()).map_err(|_| {
                tantivy::TantivyError::InvalidArgument("too many facets in a segment".into())
            })?);
        }
        let facets = Arc::new(SegmentFacets {
            names,
            starts,
            ords,
        });
        self.lock().insert(id, facets.clone());
        Ok(facets)
    }

    /// Forgets the segments not in `live`.
    pub fn retain(&self, live: &HashSet<SegmentId>) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacets>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Collects a [`FacetTally`] over every matching clause, naming facets from a [`FacetNames`].
pub(crate) struct TallyCollector<'a>(pub &'a FacetNames);

/// One segment's part of a [`TallyCollector`].
pub(crate) struct TallySegment {
    facets: Arc<SegmentFacets>,
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
        let facets = self.0.of(segment)?;
        let counts = vec![0; facets.names.len()];
        Ok(TallySegment { facets, counts })
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
        for &ord in self.facets.of_clause(doc) {
            if let Some(n) = self.counts.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(ord, &n)| {
                let (root, value) = self.facets.names.get(ord)?;
                Some((root.clone(), value.clone(), u64::from(n)))
            })
            .collect()
    }
}
