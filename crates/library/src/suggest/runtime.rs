//! Suggestions at run time: a [`Model`] of the store's current tags, kept until the tags change.
//!
//! Each request reads the tags that train the model ([`training_tags`], one SQLite query) and
//! compares their fingerprint with the model's; when they differ (a tag written or removed,
//! tags moved by a re-ingestion, a restore), the model is trained again before the request is
//! answered, one training at a time (requests meanwhile answer from the model before). Nothing
//! here writes a tag: a suggestion is only ever applied by an annotator.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use vankien_annotate::{ReviewStatus, Store, StoreError, User};
use vankien_index::Index;

use super::{DEFAULT_RANKER, Example, Model};
use crate::LibraryError;

/// The most suggestions a clause gets.
pub const MAX_SUGGESTIONS: usize = 5;

/// A sector suggested for a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The sector id.
    pub sector: String,
    /// The sector's name.
    pub sector_name: Option<String>,
    /// The ranker's score (higher is better; for comparing suggestions of one clause).
    pub score: f32,
    /// Why, in Vietnamese.
    pub why: String,
}

/// What the last training of the model cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refresh {
    /// Tagged clauses it learnt from.
    pub clauses: usize,
    /// How long reading their texts and training took.
    pub took: Duration,
}

/// The tags suggestions learn from: clause id → its sector ids. Every live sector of a clause
/// teaches except one a reviewer rejected there: the gold set (accepted sectors) and the sectors
/// not yet reviewed, so suggestions work before the first review and a rejected sector is not
/// suggested again for its like.
pub fn training_tags(store: &Store) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let rejected: HashSet<(String, String)> = store
        .verdicts(None)?
        .into_iter()
        .filter(|v| v.status == ReviewStatus::Rejected)
        .map(|v| (v.clause_id, v.sector_id))
        .collect();
    Ok(store
        .sector_map()?
        .into_iter()
        .filter_map(|(clause, sectors)| {
            let kept: Vec<String> = sectors
                .into_iter()
                .filter(|s| !rejected.contains(&(clause.clone(), s.clone())))
                .collect();
            (!kept.is_empty()).then_some((clause, kept))
        })
        .collect())
}

struct Cached {
    fingerprint: blake3::Hash,
    model: Arc<Model>,
}

/// The model of the current tags and the taxonomy's keywords.
#[derive(Default)]
pub struct Suggester {
    keywords: RwLock<HashMap<String, Vec<String>>>,
    cache: Mutex<Option<Cached>>,
    /// Held while a model is trained: one training at a time, and requests that find it held
    /// answer from the model before (a few tags behind) rather than wait for it.
    training: Mutex<()>,
    last: Mutex<Option<Refresh>>,
}

impl std::fmt::Debug for Suggester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suggester")
            .field("last", &self.last())
            .finish_non_exhaustive()
    }
}

impl Suggester {
    /// Sets the keyword phrases of the sectors (from the keywords file); the next request trains
    /// the model again.
    pub fn set_keywords(&self, keywords: HashMap<String, Vec<String>>) {
        *self
            .keywords
            .write()
            .unwrap_or_else(PoisonError::into_inner) = keywords;
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// What the last training cost, if the model was trained yet.
    pub fn last(&self) -> Option<Refresh> {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Up to [`MAX_SUGGESTIONS`] sectors for the clause `clause_id`, best first, never one it
    /// carries already as `viewer` sees it: where a blind assignment holds others' tags back from
    /// the viewer, only the viewer's own are left out, so the list says nothing of the others'
    /// (the model never learns a clause's own tags for it either: it is skipped as its own
    /// neighbour). [`LibraryError::NoClause`] when the index has no such clause.
    pub fn suggest(
        &self,
        index: &Index,
        store: &Store,
        clause_id: &str,
        viewer: Option<&User>,
    ) -> Result<Vec<Suggestion>, LibraryError> {
        let (doc, clause) = index
            .clause(clause_id)?
            .ok_or_else(|| LibraryError::NoClause(clause_id.to_string()))?;
        let model = self.model(index, store)?;
        let blindness = store.blindness(viewer, Some(&doc.id))?;
        let tags = store.tags_for_clause(clause_id)?;
        let carried: Vec<String> = if blindness.hides(&doc.id, clause_id, &clause.section_path) {
            blindness.own_sectors(&tags)
        } else {
            tags.into_iter().map(|t| t.sector_id).collect()
        };
        let names: HashMap<String, String> = store
            .sectors()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let ranked = model
            .rank(DEFAULT_RANKER, &clause.text, Some(clause_id))
            .map_err(|e| LibraryError::Index(e.into()))?;
        Ok(ranked
            .into_iter()
            .filter(|r| r.score > 0.0 && !carried.contains(&r.sector))
            .take(MAX_SUGGESTIONS)
            .map(|r| Suggestion {
                sector_name: names.get(&r.sector).cloned(),
                sector: r.sector,
                score: r.score,
                why: r.why.vietnamese(),
            })
            .collect())
    }

    /// The model of the current tags: the cached one while they are unchanged, else a new one.
    /// While another request trains one, the model before it answers, if there is one.
    fn model(&self, index: &Index, store: &Store) -> Result<Arc<Model>, LibraryError> {
        let tags = training_tags(store)?;
        let fingerprint = fingerprint(&tags);
        let cached = |this: &Suggester| {
            let cache = this.cache.lock().unwrap_or_else(PoisonError::into_inner);
            cache
                .as_ref()
                .map(|c| (c.fingerprint == fingerprint, c.model.clone()))
        };
        if let Some((true, model)) = cached(self) {
            return Ok(model);
        }
        let _training = match self.training.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                if let Some((_, stale)) = cached(self) {
                    return Ok(stale);
                }
                self.training.lock().unwrap_or_else(PoisonError::into_inner)
            }
        };
        // Another request may have trained this very model meanwhile.
        if let Some((true, model)) = cached(self) {
            return Ok(model);
        }
        let started = Instant::now();
        let examples = examples(index, &tags)?;
        let keywords = self
            .keywords
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let model = Arc::new(
            Model::train(&store.sectors()?, &keywords, &examples)
                .map_err(|e| LibraryError::Index(e.into()))?,
        );
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Refresh {
            clauses: examples.len(),
            took: started.elapsed(),
        });
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = Some(Cached {
            fingerprint,
            model: model.clone(),
        });
        Ok(model)
    }
}

/// The tagged clauses the index holds, with their texts (a live tag on a clause gone from the
/// index teaches nothing).
fn examples(
    index: &Index,
    tags: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<Example>, LibraryError> {
    let mut out = Vec::with_capacity(tags.len());
    for (clause_id, sectors) in tags {
        if let Some((summary, clause)) = index.clause(clause_id)? {
            out.push(Example {
                clause_id: clause_id.clone(),
                doc_id: summary.id,
                text: clause.text,
                sectors: sectors.clone(),
            });
        }
    }
    Ok(out)
}

fn fingerprint(tags: &BTreeMap<String, Vec<String>>) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for (clause, sectors) in tags {
        h.update(clause.as_bytes());
        h.update(b"\t");
        h.update(sectors.join(",").as_bytes());
        h.update(b"\n");
    }
    h.finalize()
}
