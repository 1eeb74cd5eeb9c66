//! Facet counts of a search: how many matching clauses per document, clause kind, sector and
//! year, from the `facets` field (`/doc/<id>`, `/kind/<kind>`, `/sector/<id>`, `/year/<yyyy>`).
//!
//! tantivy's `FacetCollector` maps every facet of a segment's dictionary onto the requested roots
//! before collecting, a fixed cost of tens of milliseconds a search on a large index. Here each
//! segment counts by facet ordinal into a plain array, and only the ordinals that were seen are
//! turned into facet paths at the end: the cost follows the number of matches.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
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

/// Collects a [`FacetTally`] over every matching clause.
pub struct TallyCollector;

/// One segment's part of a [`TallyCollector`].
pub struct TallySegment {
    reader: FacetReader,
    counts: Vec<u32>,
}

impl Collector for TallyCollector {
    type Fruit = FacetTally;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        let reader = segment.facet_reader(FIELD)?;
        let counts = vec![0; reader.num_facets()];
        Ok(TallySegment { reader, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(String, String, u64)>>) -> tantivy::Result<FacetTally> {
        let mut tally = FacetTally::default();
        for (root, value, n) in fruits.into_iter().flatten() {
            *tally.0.entry(root).or_default().entry(value).or_default() += n;
        }
        Ok(tally)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = Vec<(String, String, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ord in self.reader.facet_ords(doc) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> Vec<(String, String, u64)> {
        // The facets seen, resolved in one ordered walk of the dictionary: looking each ordinal
        // up on its own decodes a dictionary block per facet, which was most of the cost.
        let seen: Vec<u64> = (0..self.counts.len() as u64)
            .filter(|&ord| self.counts[ord as usize] > 0)
            .collect();
        let mut out = Vec::with_capacity(seen.len());
        let mut next = seen.iter();
        let resolved = self
            .reader
            .facet_dict()
            .sorted_ords_to_term_cb(&seen, |bytes| {
                let Some(&ord) = next.next() else {
                    return;
                };
                // An encoded facet separates its components by a 0 byte: `doc\0<id>`.
                let mut parts = bytes.splitn(2, |&b| b == 0);
                if let (Some(root), Some(value)) = (parts.next(), parts.next()) {
                    out.push((
                        String::from_utf8_lossy(root).into_owned(),
                        String::from_utf8_lossy(value).into_owned(),
                        u64::from(self.counts[ord as usize]),
                    ));
                }
            });
        debug_assert!(
            resolved.unwrap_or(false),
            "every counted facet is in the dictionary"
        );
        out
    }
}
