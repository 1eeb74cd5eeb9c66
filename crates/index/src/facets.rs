//! Facet counts of a search: how many matching clauses per document, clause kind, sector and
//! year, from the `facets` field (`/doc/<id>`, `/kind/<kind>`, `/sector/<id>`, `/year/<yyyy>`).
//!
//! tantivy's `FacetCollector` maps every facet of a segment's dictionary onto the requested roots
//! before collecting, a fixed cost of tens of milliseconds a search on a large index. Here each
//! segment counts by facet ordinal into a plain array, and the ordinals that were seen are named
//! from [`FacetNames`]: each segment's dictionary read once, not (zstd-compressed block by block)
//! on every search. The facets of each clause are read once per segment too, into a flat table,
//! and numbered across segments, so that a search counts into one array and merges its segments
//! by adding arrays: no facet name is hashed or copied while counting.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The name of the facet field counted.
const FIELD: &str = "facets";

/// A facet: its root (`doc`, `kind`, `sector`, `year`) and its value.
type Name = (Arc<str>, Arc<str>);

/// Counts of matching clauses by facet: (root, value, count), each facet once.
#[derive(Debug, Default)]
pub struct FacetTally(Vec<(Arc<str>, Arc<str>, u64)>);

impl FacetTally {
    /// The counts under one root (`doc`, `kind`, `sector`, `year`), in no particular order.
    pub fn under<'a>(&'a self, root: &'a str) -> impl Iterator<Item = (&'a str, u64)> + 'a {
        self.0
            .iter()
            .filter(move |(r, _, _)| &**r == root)
            .map(|(_, v, n)| (&**v, *n))
    }
}

/// A segment's facets, by number across segments ([`FacetNames`]).
#[derive(Default)]
struct SegmentFacets {
    /// The facets of clause `d` are `ids[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
    /// The number of each clause's `/doc/<id>` facet ([`NO_DOC`] for none).
    docs: Vec<u32>,
    /// One more than the largest number in `ids`.
    width: usize,
}

/// The document number of a clause that has none.
const NO_DOC: u32 = u32::MAX;

impl SegmentFacets {
    fn of_clause(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&a), Some(&b)) => &self.ids[a as usize..b as usize],
            _ => &[],
        }
    }
}

#[derive(Default)]
struct Known {
    segments: HashMap<SegmentId, Arc<SegmentFacets>>,
    /// Every facet seen, by number.
    names: Vec<Name>,
    numbers: HashMap<Name, u32>,
}

/// The facets of each segment, read from its dictionary and its column the first time a search
/// counts in it, and the numbers given to facets across segments. A segment never changes, so
/// its facets never go stale; those of segments that merges have retired are dropped by
/// [`FacetNames::retain`] when the reader reloads (the numbers stay: one per facet ever seen).
#[derive(Default)]
pub(crate) struct FacetNames(Mutex<Known>);

impl FacetNames {
    fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        if let Some(facets) = self.lock().segments.get(&id) {
            return Ok(facets.clone());
        }
        let reader = segment.facet_reader(FIELD)?;
        let mut names: Vec<Name> = Vec::with_capacity(reader.num_facets());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            // An encoded facet separates its components by a 0 byte: `doc\0<id>`.
            let mut parts = stream.key().splitn(2, |&b| b == 0);
            let root = String::from_utf8_lossy(parts.next().unwrap_or_default());
            let value = String::from_utf8_lossy(parts.next().unwrap_or_default());
            names.push((Arc::from(root.as_ref()), Arc::from(value.as_ref())));
        }
        let too_many = || tantivy::TantivyError::InvalidArgument("too many facets".into());
        // The segment's ordinals, numbered across segments.
        let numbers: Vec<u32> = {
            let mut known = self.lock();
            let known = &mut *known;
            names
                .into_iter()
                .map(|name| match known.numbers.get(&name) {
                    Some(&n) => Ok(n),
                    None => {
                        let n = u32::try_from(known.names.len()).map_err(|_| too_many())?;
                        known.names.push(name.clone());
                        known.numbers.insert(name, n);
                        Ok(n)
                    }
                })
                .collect::<tantivy::Result<_>>()?
        };
        let max_doc = segment.max_doc();
        let is_doc: HashSet<u32> = {
            let known = self.lock();
            numbers
                .iter()
                .copied()
                .filter(|&n| {
                    known
                        .names
                        .get(n as usize)
                        .is_some_and(|(r, _)| &**r == "doc")
                })
                .collect()
        };
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ids = Vec::with_capacity(max_doc as usize * 4);
        let mut docs = Vec::with_capacity(max_doc as usize);
        starts.push(0);
        for doc in 0..max_doc {
            let mut of_doc = NO_DOC;
            for ord in reader.facet_ords(doc) {
                let n = *numbers.get(ord as usize).ok_or_else(too_many)?;
                if is_doc.contains(&n) {
                    of_doc = n;
                }
                ids.push(n);
            }
            docs.push(of_doc);
            starts.push(u32::try_from(ids.len()).map_err(|_| too_many())?);
        }
        let width = numbers.iter().max().map_or(0, |&n| n as usize + 1);
        let facets = Arc::new(SegmentFacets {
            starts,
            ids,
            docs,
            width,
        });
        self.lock().segments.insert(id, facets.clone());
        Ok(facets)
    }

    /// The document (the value of its `/doc/<id>` facet) of clause `doc` of `segment`.
    pub fn doc_of(&self, segment: &SegmentReader, doc: DocId) -> tantivy::Result<Option<Arc<str>>> {
        let facets = self.of(segment)?;
        let known = self.lock();
        Ok(facets.of_clause(doc).iter().find_map(|&id| {
            let (root, value) = known.names.get(id as usize)?;
            (&**root == "doc").then(|| value.clone())
        }))
    }

    /// A counter of one segment's matching clauses by document.
    pub fn doc_counter(&self, segment: &SegmentReader) -> tantivy::Result<DocCounter> {
        let facets = self.of(segment)?;
        let counts = vec![0; facets.width];
        Ok(DocCounter { facets, counts })
    }

    /// The counts of [`DocCounter`]s of every segment, by document id. The segments' counts
    /// share one numbering (the facets' names), so they are summed first and each document
    /// with a match is put in the map once.
    pub fn doc_counts(&self, counters: Vec<Vec<u32>>) -> DocCounts {
        let width = counters.iter().map(Vec::len).max().unwrap_or(0);
        let mut sum = vec![0u64; width];
        for counts in &counters {
            for (s, &n) in sum.iter_mut().zip(counts) {
                *s += u64::from(n);
            }
        }
        let known = self.lock();
        let mut out = DocCounts::with_capacity_and_hasher(
            sum.iter().filter(|&&n| n > 0).count(),
            Default::default(),
        );
        for (i, &n) in sum.iter().enumerate().filter(|(_, n)| **n > 0) {
            if let Some((_, value)) = known.names.get(i) {
                out.insert(value.clone(), n);
            }
        }
        out
    }

    /// Forgets the segments not in `live`.
    pub fn retain(&self, live: &HashSet<SegmentId>) {
        self.lock().segments.retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Matching clauses of one segment counted by document: only the document's facet of each,
/// far less than a [`TallyCollector`] counts.
pub(crate) struct DocCounter {
    facets: Arc<SegmentFacets>,
    /// Clauses found by facet number (only documents' numbers).
    counts: Vec<u32>,
}

impl DocCounter {
    /// Counts clause `doc`.
    #[inline]
    pub fn count(&mut self, doc: DocId) {
        if let Some(&n) = self.facets.docs.get(doc as usize)
            && let Some(c) = self.counts.get_mut(n as usize)
        {
            *c += 1;
        }
    }

    /// The counts, for [`FacetNames::doc_counts`].
    pub fn into_counts(self) -> Vec<u32> {
        self.counts
    }
}

/// Matching clauses counted by document id. Built on every grouped search, one entry a
/// document with a match (tens of thousands at 20,000 documents): hashed with `FxHash`, much
/// cheaper than the standard map's SipHash on these short keys (ids of our own documents, not
/// anything a client chooses).
pub(crate) type DocCounts = HashMap<Arc<str>, u64, rustc_hash::FxBuildHasher>;

/// Counts every matching clause by document, without scoring ([`FacetNames::doc_counts`]).
pub(crate) struct DocCountCollector<'a>(pub &'a FacetNames);

impl Collector for DocCountCollector<'_> {
    type Fruit = DocCounts;
    type Child = DocCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<DocCounter> {
        self.0.doc_counter(segment)
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<DocCounts> {
        Ok(self.0.doc_counts(fruits))
    }
}

impl SegmentCollector for DocCounter {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.count(doc);
    }

    fn harvest(self) -> Vec<u32> {
        self.into_counts()
    }
}

/// Collects a [`FacetTally`] over every matching clause, naming facets from a [`FacetNames`].
pub(crate) struct TallyCollector<'a>(pub &'a FacetNames);

/// One segment's part of a [`TallyCollector`].
pub(crate) struct TallySegment {
    facets: Arc<SegmentFacets>,
    /// Clauses found by facet number.
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
        let counts = vec![0; facets.width];
        Ok(TallySegment { facets, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<FacetTally> {
        let width = fruits.iter().map(Vec::len).max().unwrap_or(0);
        let mut total = vec![0u64; width];
        for counts in &fruits {
            for (t, &n) in total.iter_mut().zip(counts) {
                *t += u64::from(n);
            }
        }
        let known = self.0.lock();
        let tally = total
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(i, &n)| {
                let (root, value) = known.names.get(i)?;
                Some((root.clone(), value.clone(), n))
            })
            .collect();
        Ok(FacetTally(tally))
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        for &id in self.facets.of_clause(doc) {
            if let Some(n) = self.counts.get_mut(id as usize) {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.counts
    }
}
