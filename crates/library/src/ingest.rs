//! Ingestion by the owner: find the files, let the index parse and write them with the sectors
//! their tags will carry, record in the store what changes before the commit, and re-attach each
//! changed document's tags after it; also the rebuild of a damaged index from its sources.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLockWriteGuard;
use std::sync::atomic::{AtomicUsize, Ordering};

use vankien_annotate::{PendingChange, anchor::text_hash};
use vankien_index::{IndexError, IngestEvent, IngestHooks, IngestOptions, IngestReport};
use vankien_ingest::{Clause, Document, SourceFile};

use crate::lock::{BINDING_FILE, LOCK_FILE};
use crate::{Library, LibraryError, fault};

/// What an ingestion did: the index's report, and where the tags of changed documents went.
#[derive(Debug, Clone, Default)]
pub struct IngestOutcome {
    /// The index's report (added, updated, failed …).
    pub report: IngestReport,
    /// Tags moved to another clause of their document.
    pub moved: usize,
    /// Tags whose clause is gone (listed by `vankien orphans`).
    pub orphaned: usize,
}

/// The store's side of an ingestion, called by the index as it writes.
struct TagHooks<'a> {
    library: &'a Library,
    /// New clauses of documents that had tags or existed before, for their re-attachment.
    kept: HashMap<String, Vec<Clause>>,
    /// The ids recorded as pending, in order.
    pending: Vec<String>,
    /// Taken just before the commit, released after the re-attachment.
    guard: Option<RwLockWriteGuard<'a, ()>>,
    /// The store's error behind a refused batch.
    failure: Option<LibraryError>,
}

impl TagHooks<'_> {
    fn fail(&mut self, e: impl Into<LibraryError>) -> IndexError {
        let e = e.into();
        let message = e.to_string();
        self.failure = Some(e);
        IndexError::Hook(message)
    }
}

fn hashes(clauses: &[Clause]) -> Vec<(String, String)> {
    clauses
        .iter()
        .map(|c| (c.id.clone(), text_hash(&c.text)))
        .collect()
}

impl IngestHooks for TagHooks<'_> {
    fn sectors_for(&mut self, doc: &Document) -> Result<HashMap<String, Vec<String>>, IndexError> {
        let store = &self.library.store;
        let plan = match store.plan_reattach(&doc.id, &doc.clauses) {
            Ok(plan) => plan,
            Err(e) => return Err(self.fail(e)),
        };
        let existed = self.library.index.summary(&doc.id).is_some();
        if existed || !plan.is_empty() {
            self.kept.insert(doc.id.clone(), doc.clauses.clone());
        }
        Ok(plan)
    }

    /// Records in the store's journal every changed document that has tags to re-attach or
    /// orphan: one the index held before, one whose tags the plan found, one the store has tags
    /// of now (the guard taken here keeps it so until the re-attachment ends). A document new to
    /// the index with no tag in the store has nothing to re-attach, whatever happens to this
    /// ingestion, so it is not journaled: a first ingest of 20,000 documents used to hold and
    /// write the hash of each of its 3.7 million clauses (over a gigabyte of memory at its peak).
    fn before_commit(&mut self, changed: &[String]) -> Result<(), IndexError> {
        let library = self.library;
        self.guard = Some(library.tags.write().unwrap_or_else(|e| e.into_inner()));
        let mut changes = Vec::new();
        for doc_id in changed {
            let held = match library.index.document(doc_id) {
                Ok(doc) => doc,
                Err(e) => return Err(self.fail(e)),
            };
            let kept = self.kept.get(doc_id);
            if held.is_none() && kept.is_none() {
                match library.store.has_tags(doc_id) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(e) => return Err(self.fail(e)),
                }
            }
            changes.push(PendingChange {
                doc_id: doc_id.clone(),
                old: held.map(|d| hashes(&d.clauses)).unwrap_or_default(),
                new: kept.map(|clauses| hashes(clauses)).unwrap_or_default(),
            });
        }
        if let Err(e) = library.store.record_pending(&changes) {
            return Err(self.fail(e));
        }
        self.pending = changes.into_iter().map(|c| c.doc_id).collect();
        fault::point("after-journal");
        Ok(())
    }
}

/// Counts an ingestion as running for as long as it lives.
struct Running<'a>(&'a AtomicUsize);

impl<'a> Running<'a> {
    fn start(count: &'a AtomicUsize) -> Running<'a> {
        count.fetch_add(1, Ordering::AcqRel);
        Running(count)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Library {
    /// Ingests files and folders (see [`find_files`](crate::find_files)): new and changed
    /// documents are written in one commit with the sectors their tags will carry, and the tags
    /// of changed documents are re-attached durably. Paths that cannot be read are reported
    /// (in the events and the report) and the batch goes on.
    pub fn ingest(
        &self,
        paths: &[PathBuf],
        opts: &IngestOptions,
        on_event: &mut dyn FnMut(IngestEvent),
    ) -> Result<IngestOutcome, LibraryError> {
        self.ingest_found(vankien_ingest::find_files(paths), opts, on_event)
    }

    /// Ingests what `find_files` found (the files, and the paths it could not read).
    pub(crate) fn ingest_found(
        &self,
        found: (Vec<SourceFile>, Vec<(String, String)>),
        opts: &IngestOptions,
        on_event: &mut dyn FnMut(IngestEvent),
    ) -> Result<IngestOutcome, LibraryError> {
        let _running = Running::start(&self.ingesting);
        let mut hooks = TagHooks {
            library: self,
            kept: HashMap::new(),
            pending: Vec::new(),
            guard: None,
            failure: None,
        };
        let report = match self.index.ingest_found(found, opts, &mut hooks, on_event) {
            Ok(report) => report,
            Err(e) => {
                let failure = hooks.failure.take();
                drop(hooks);
                // What was recorded is finished against whatever the index now holds.
                self.finish_pending()?;
                return Err(failure.unwrap_or(e.into()));
            }
        };
        if !hooks.pending.is_empty() {
            fault::point("after-index-commit");
        }
        let mut outcome = IngestOutcome {
            report,
            ..Default::default()
        };
        let _pass = self.mirror.pass_lock();
        for (i, doc_id) in std::mem::take(&mut hooks.pending).iter().enumerate() {
            if i == 1 {
                fault::point("mid-reattach");
            }
            let clauses = match hooks.kept.remove(doc_id) {
                Some(clauses) => clauses,
                // Tags may have come since the document was read: read it back.
                None if self.store.has_tags(doc_id)? => self
                    .index
                    .document(doc_id)?
                    .map(|d| d.clauses)
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let moved = self.store.reattach_pending(doc_id, &clauses)?;
            outcome.moved += moved.moved;
            outcome.orphaned += moved.orphaned;
        }
        // The clauses were written with the sectors planned before the commit; a tag written
        // since is mirrored here.
        let map = self.store.sector_map()?;
        self.index.replace_all_sectors(&map)?;
        drop(hooks);
        Ok(outcome)
    }
}

/// The source files recorded in the last commit of the index in `dir`, read from its
/// `meta.json` alone (so that an index whose segments are damaged can still be rebuilt).
pub(crate) fn sources_of(dir: &Path) -> Option<Vec<SourceFile>> {
    let text = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&text).ok()?;
    let payload = meta.get("payload")?.as_str()?;
    let files: serde_json::Map<String, serde_json::Value> = serde_json::from_str(payload).ok()?;
    Some(
        files
            .keys()
            .map(|path| SourceFile {
                path: PathBuf::from(path),
                named: true,
            })
            .collect(),
    )
}

/// Empties the index directory for a rebuild, keeping the writer's lock and the binding.
pub(crate) fn clear_index_dir(dir: &Path) -> Result<(), LibraryError> {
    let io = |path: &Path, e| LibraryError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name();
        if name == LOCK_FILE || name == BINDING_FILE || name == "README.md" {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| io(&path, e))?;
    }
    Ok(())
}
