//! An unfinished last word as one docset: every clause that has, in its text or its headings, a
//! word that starts with what was typed, read from a per-segment set of clauses kept for the
//! next keystroke (Meilisearch's prefix databases, built on first use instead of at ingestion).
//!
//! The query it replaces was the union of the 50 most frequent completions, each a word query of
//! two or three terms: a buffered union of up to 150 postings, sought at every step of the
//! intersection, which made a last word of one or two letters (`mới có t`) cost 10 to 30 times
//! the query before it. A set of clauses is sought in constant time. A match is scored as one
//! occurrence of a word with the prefix's document frequency (BM25 with a term frequency of 1,
//! by the clause's length): which completion a clause has no longer changes its score; that it
//! follows the word typed before it does ([`crate::rerank`]).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::{BitSetDocSet, Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader};

/// The most bytes of clause sets kept: a set is one bit per clause of its segment (250 KB for
/// two million clauses), so this keeps about 130 prefixes at that size, far more below it.
const CACHE_BYTES: usize = 32 << 20;

/// The sets of clauses of each (segment, prefix) built so far, the oldest dropped first past
/// [`CACHE_BYTES`]. Segments never change; a deleted clause stays in a set and is dropped by the
/// collector, as every query's are; the sets of segments that merges retired are dropped by
/// [`PrefixCache::retain`] when the reader reloads.
#[derive(Default)]
pub(crate) struct PrefixCache(Mutex<Sets>);

#[derive(Default)]
struct Sets {
    /// Each set with the bytes it is counted for.
    sets: HashMap<(SegmentId, String), (Arc<BitSet>, usize)>,
    /// Keys in the order they were built.
    order: VecDeque<(SegmentId, String)>,
    bytes: usize,
}

impl std::fmt::Debug for PrefixCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrefixCache")
    }
}

impl PrefixCache {
    /// The clauses of `segment` with a word that starts with `prefix` in any of `fields`.
    fn clauses(
        &self,
        segment: &SegmentReader,
        fields: &[Field],
        prefix: &str,
    ) -> tantivy::Result<Arc<BitSet>> {
        let key = (segment.segment_id(), prefix.to_string());
        if let Some((set, _)) = self.lock().sets.get(&key) {
            return Ok(set.clone());
        }
        let mut set = BitSet::with_max_value(segment.max_doc());
        for &field in fields {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                let mut block = inverted
                    .read_block_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
                while !block.docs().is_empty() {
                    for &doc in block.docs() {
                        set.insert(doc);
                    }
                    block.advance();
                }
            }
        }
        let set = Arc::new(set);
        let bytes = segment.max_doc() as usize / 8 + 64;
        let mut sets = self.lock();
        while sets.bytes + bytes > CACHE_BYTES {
            let Some(old) = sets.order.pop_front() else {
                break;
            };
            if let Some((_, b)) = sets.sets.remove(&old) {
                sets.bytes -= b;
            }
        }
        if sets
            .sets
            .insert(key.clone(), (set.clone(), bytes))
            .is_none()
        {
            sets.order.push_back(key);
            sets.bytes += bytes;
        }
        Ok(set)
    }

    /// Forgets the sets of segments not in `live`.
    pub fn retain(&self, live: &HashSet<SegmentId>) {
        let mut sets = self.lock();
        let sets = &mut *sets;
        sets.order.retain(|(id, _)| live.contains(id));
        sets.sets.retain(|(id, _), _| live.contains(id));
        sets.bytes = sets.sets.values().map(|(_, b)| b).sum();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sets> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The clauses with a word that starts with `prefix` (a folded key) in the text or the
/// headings, scored from the text's length.
#[derive(Clone, Debug)]
pub(crate) struct PrefixQuery {
    /// The fields whose words are looked at: the folded text first, whose lengths score.
    fields: Vec<Field>,
    prefix: String,
    cache: Arc<PrefixCache>,
}

impl PrefixQuery {
    pub fn new(fields: Vec<Field>, prefix: &str, cache: Arc<PrefixCache>) -> PrefixQuery {
        PrefixQuery {
            fields,
            prefix: prefix.to_string(),
            cache,
        }
    }
}

impl PrefixQuery {
    /// Its weight, and the most a clause can score by it: one occurrence in the shortest
    /// clause (0 when scoring is off).
    pub fn weight_and_bound(
        &self,
        scoring: EnableScoring<'_>,
    ) -> tantivy::Result<(Box<dyn Weight>, Score)> {
        let weight = self.prefix_weight(scoring)?;
        let bound = weight.bm25.as_ref().map_or(0.0, |w| w.score(0, 1));
        Ok((Box::new(weight), bound))
    }

    fn prefix_weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<PrefixWeight> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider,
            } => {
                // The prefix's document frequency: the clauses of every segment that have it.
                let mut freq = 0u64;
                for segment in searcher.segment_readers() {
                    freq += self
                        .cache
                        .clauses(segment, &self.fields, &self.prefix)?
                        .len() as u64;
                }
                let docs = statistics_provider.total_num_docs()?.max(1);
                let tokens = statistics_provider.total_num_tokens(self.fields[0])?;
                let avg = tokens as Score / docs as Score;
                Some(Bm25Weight::for_one_term_without_explain(
                    freq.max(1),
                    docs,
                    avg,
                ))
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(PrefixWeight {
            query: self.clone(),
            bm25,
        })
    }
}

impl Query for PrefixQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.prefix_weight(scoring)?))
    }
}

struct PrefixWeight {
    query: PrefixQuery,
    /// `None` when scoring is off.
    bm25: Option<Bm25Weight>,
}

impl Weight for PrefixWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let q = &self.query;
        let set = q.cache.clauses(reader, &q.fields, &q.prefix)?;
        let norms = match self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(q.fields[0])?,
            None => None,
        };
        Ok(Box::new(PrefixScorer {
            docs: BitSetDocSet::from(BitSet::clone(&set)),
            norms: norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document #({doc}) does not match"
            )));
        }
        Ok(Explanation::new(
            "a word that starts with the prefix, once, by the clause's length",
            scorer.score(),
        ))
    }
}

struct PrefixScorer {
    docs: BitSetDocSet,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for PrefixScorer {
    fn advance(&mut self) -> DocId {
        self.docs.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.docs.seek(target)
    }

    fn doc(&self) -> DocId {
        self.docs.doc()
    }

    fn size_hint(&self) -> u32 {
        self.docs.size_hint()
    }
}

impl Scorer for PrefixScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.norms.fieldnorm_id(self.docs.doc()), 1),
            None => 1.0,
        }
    }
}
