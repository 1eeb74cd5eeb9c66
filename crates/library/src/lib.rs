//! The one owner of an index and the annotation store that holds its tags: [`Library`] alone
//! opens the two together, ingests (parse, durable re-attachment of tags, clauses written with
//! their final sectors, one commit), tags and untags (store first, index mirror after), and
//! searches with sector names filled in. The CLI and the server call it and hold no glue of
//! their own.
//!
//! Invariants it keeps:
//! - **One writer per index.** A [`WriterLock`] in the index directory is held by whoever writes
//!   it (a server for its lifetime, an ingestion for its run); a second writer is refused with
//!   who holds the lock ([`LibraryError::Busy`]).
//! - **One data directory per index.** The index is bound to the data directory of its tags on
//!   first use; another one is refused before anything changes ([`LibraryError::WrongDataDir`]).
//! - **Tags never drift.** Before an ingestion's commit, the store records which documents change
//!   (old and new clause hashes); after it, each document's tags are re-attached and its record
//!   cleared in one store transaction. Whatever the moment a crash strikes, the next open finishes
//!   what is recorded, so every tag is where it was or fully re-attached.
//! - **The store is the truth.** A tag write commits to the store, then the index's sector mirror
//!   follows (grouped commits, retried on failure); at open the mirror is checked against the
//!   store and repaired; a damaged index is rebuilt from its sources.

pub mod compare;
mod error;
pub mod fault;
pub mod handoff;
mod ingest;
mod lock;
mod mirror;
pub mod suggest;
pub mod targets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use vankien_annotate::{ClauseRef, Store, Tag, User};
use vankien_index::{FileReads, Index, SearchRequest, SearchResults};

pub use error::LibraryError;

pub use ingest::IngestOutcome;
pub use lock::{BINDING_FILE, Holder, LOCK_FILE, WriterLock};
pub use vankien_ingest::{SourceFile, find_files};

use mirror::Mirror;

/// How long a tag write is worth waiting for the index's mirror to show it before it answers
/// anyway (the store has it; the mirror follows).
pub const MIRROR_WAIT: Duration = Duration::from_secs(2);

/// An index and the store of its tags, opened together by their one writer.
pub struct Library {
    index: Index,
    store: Arc<Store>,
    index_dir: PathBuf,
    data_dir: PathBuf,
    mirror: Mirror,
    /// Held shared by tag writes, alone by an ingestion from just before its commit to the end
    /// of its re-attachment: no tag is written against clauses that are being replaced.
    tags: RwLock<()>,
    /// Ingestions running: the index's writer is theirs, so the mirror waits for them and a tag
    /// write does not wait for the mirror.
    ingesting: AtomicUsize,
    /// The targets of the index's documents, read when first asked.
    targets: targets::TargetCache,
    /// The sector suggestions' model of the current tags.
    suggester: suggest::Suggester,
    _lock: WriterLock,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("index_dir", &self.index_dir)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// What [`Library::open`] found and mended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// The damage found in the index, when it was rebuilt from its sources.
    pub rebuilt: Option<String>,
    /// Documents whose interrupted re-attachment was finished.
    pub finished: usize,
    /// Clauses whose sectors in the index disagreed with the store and were repaired.
    pub repaired: usize,
}

/// The result of a tag or untag: the write is committed whatever else it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagOutcome {
    /// Whether the write changed anything (false: the tag was already there / already gone).
    pub changed: bool,
    /// The clause's live sector ids after the write (`None` when they could not be read back).
    pub sectors: Option<Vec<String>>,
    /// The clause's tags after the write (`None` when they could not be read back).
    pub tags: Option<Vec<Tag>>,
    /// Whether the index's mirror showed the change when the answer was made.
    pub mirrored: bool,
    /// What to wait for to see the change in search (`None`: nothing to wait for, or an
    /// ingestion holds the index's writer and the mirror follows it).
    pub ticket: Option<MirrorTicket>,
}

/// A tag write's place in the mirror's queue: see [`Library::is_mirrored`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorTicket(u64);

impl Library {
    /// Opens the index in `index_dir` (created if missing) and the store of its tags in
    /// `data_dir` (created if missing) as their one writer, `holder` saying who that is. Then it
    /// finishes any interrupted re-attachment, rebuilds a damaged index from its sources, and
    /// repairs the index's sector mirror from the store.
    pub fn open(
        index_dir: &Path,
        data_dir: &Path,
        holder: &Holder,
    ) -> Result<(Library, OpenReport), LibraryError> {
        Library::open_reading(index_dir, data_dir, holder, FileReads::Mapped)
    }

    /// [`Library::open`], the index's files read as `reads` says: [`FileReads::Buffered`] for a
    /// batch ingestion, whose merges would otherwise keep every merged segment resident.
    pub fn open_reading(
        index_dir: &Path,
        data_dir: &Path,
        holder: &Holder,
        reads: FileReads,
    ) -> Result<(Library, OpenReport), LibraryError> {
        vankien_annotate::check_data_dir(data_dir, index_dir)?;
        std::fs::create_dir_all(index_dir).map_err(|e| LibraryError::Io {
            path: index_dir.to_path_buf(),
            source: e,
        })?;
        let lock = WriterLock::acquire(index_dir, holder)?;
        lock::check_binding(index_dir, data_dir)?;
        let store = Arc::new(Store::open(data_dir)?);
        let mut report = OpenReport::default();
        let index = match open_sound_index(index_dir, reads)? {
            Ok(index) => index,
            Err(problem) => {
                let Some(sources) = ingest::sources_of(index_dir) else {
                    return Err(LibraryError::Damaged {
                        index: index_dir.to_path_buf(),
                        problem,
                    });
                };
                tracing::warn!(
                    "rebuilding the damaged index in {}: {problem}",
                    index_dir.display()
                );
                ingest::clear_index_dir(index_dir)?;
                let index = Index::open_or_create_reading(index_dir, reads)?;
                report.rebuilt = Some(problem);
                let library = Library::assemble(index, store, index_dir, data_dir, lock);
                library.ingest_found((sources, Vec::new()), &Default::default(), &mut |_| {})?;
                return library.finish_open(report);
            }
        };
        Library::assemble(index, store, index_dir, data_dir, lock).finish_open(report)
    }

    fn assemble(
        index: Index,
        store: Arc<Store>,
        index_dir: &Path,
        data_dir: &Path,
        lock: WriterLock,
    ) -> Library {
        Library {
            mirror: Mirror::start(index.clone(), store.clone()),
            index,
            store,
            index_dir: index_dir.to_path_buf(),
            data_dir: data_dir.to_path_buf(),
            tags: RwLock::new(()),
            ingesting: AtomicUsize::new(0),
            targets: targets::TargetCache::default(),
            suggester: suggest::Suggester::default(),
            _lock: lock,
        }
    }

    fn finish_open(self, mut report: OpenReport) -> Result<(Library, OpenReport), LibraryError> {
        report.finished = self.finish_pending()?;
        report.repaired = self.repair_mirror()?;
        Ok((self, report))
    }

    /// The targets of every document (see [`targets`]): read when first asked, then kept per
    /// document until its content changes.
    pub fn targets(&self) -> Result<Arc<Vec<vankien_ingest::targets::Target>>, LibraryError> {
        Ok(self.targets.get(&self.index)?)
    }

    /// The index, for reading (search, documents, clauses).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The store, for users, sectors, orphans and exports.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The index directory.
    pub fn index_dir(&self) -> &Path {
        &self.index_dir
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Re-attaches the tags of every document the store still records as changing (an ingestion
    /// that died between its record and its end) to the clauses the index now holds. Returns
    /// how many documents it finished.
    fn finish_pending(&self) -> Result<usize, LibraryError> {
        let pending = self.store.pending()?;
        let _pass = self.mirror.pass_lock();
        for change in &pending {
            let clauses = self
                .index
                .document(&change.doc_id)?
                .map(|d| d.clauses)
                .unwrap_or_default();
            self.store.reattach_pending(&change.doc_id, &clauses)?;
        }
        Ok(pending.len())
    }

    /// Makes the index's sector mirror equal to the store's tags; returns how many clauses it
    /// rewrote (none when they agree, the usual case). Run at open, and after tags were written
    /// into the store wholesale (an import).
    pub fn repair_mirror(&self) -> Result<usize, LibraryError> {
        let _pass = self.mirror.pass_lock();
        let map = self.store.sector_map()?;
        Ok(self.index.replace_all_sectors(&map)?)
    }

    /// Tags a clause with a sector for `user`. The store commits first; the index's mirror then
    /// follows, in a pass of its own: wait for [`TagOutcome::ticket`] to see it in search.
    pub fn tag(
        &self,
        user: &User,
        clause_id: &str,
        sector_id: &str,
    ) -> Result<TagOutcome, LibraryError> {
        let changed = {
            let _tags = self.tags.read().unwrap_or_else(|e| e.into_inner());
            let (summary, clause) = self
                .index
                .clause(clause_id)?
                .ok_or_else(|| LibraryError::NoClause(clause_id.to_string()))?;
            let clause_ref = ClauseRef {
                clause_id: clause.id.clone(),
                doc_id: summary.id.clone(),
                doc_number: summary.number.clone(),
                section_path: clause.section_path.clone(),
                text: clause.text.clone(),
            };
            self.store.tag(user, &clause_ref, sector_id)?
        };
        // Committed: nothing below may turn the answer into a failure.
        Ok(self.after_write(clause_id, changed, true))
    }

    /// Removes `user`'s tag of a sector from a clause. A live tag on a clause gone from the index
    /// (its document was removed) can still be removed.
    pub fn untag(
        &self,
        user: &User,
        clause_id: &str,
        sector_id: &str,
    ) -> Result<TagOutcome, LibraryError> {
        let (changed, in_index) = {
            let _tags = self.tags.read().unwrap_or_else(|e| e.into_inner());
            let in_index = self.index.clause(clause_id)?.is_some();
            let changed = self.store.untag(user, clause_id, sector_id)?;
            if !in_index && !changed {
                return Err(LibraryError::NoClause(clause_id.to_string()));
            }
            (changed, in_index)
        };
        Ok(self.after_write(clause_id, changed, in_index))
    }

    /// Re-attaches an orphaned tag (by its id) by hand onto a clause of the index, for a reviewer
    /// or an admin; the clause's sectors then follow in the mirror, as after a tag.
    pub fn reattach_orphan(
        &self,
        user: &User,
        tag_id: i64,
        clause_id: &str,
    ) -> Result<(String, TagOutcome), LibraryError> {
        let sector = {
            let _tags = self.tags.read().unwrap_or_else(|e| e.into_inner());
            let clause_ref = self.clause_ref(clause_id)?;
            self.store.reattach_orphan(user, tag_id, &clause_ref)?
        };
        Ok((sector, self.after_write(clause_id, true, true)))
    }

    /// Runs `write` on a clause of the index while no ingestion replaces the clauses: a write
    /// keyed by a clause (a decision, a verdict) that does not touch the mirror.
    pub fn with_clause<T>(
        &self,
        clause_id: &str,
        write: impl FnOnce(&ClauseRef) -> Result<T, vankien_annotate::StoreError>,
    ) -> Result<T, LibraryError> {
        let _tags = self.tags.read().unwrap_or_else(|e| e.into_inner());
        let clause_ref = self.clause_ref(clause_id)?;
        Ok(write(&clause_ref)?)
    }

    /// The store's reference to a clause of the index.
    fn clause_ref(&self, clause_id: &str) -> Result<ClauseRef, LibraryError> {
        let (summary, clause) = self
            .index
            .clause(clause_id)?
            .ok_or_else(|| LibraryError::NoClause(clause_id.to_string()))?;
        Ok(ClauseRef {
            clause_id: clause.id.clone(),
            doc_id: summary.id.clone(),
            doc_number: summary.number.clone(),
            section_path: clause.section_path.clone(),
            text: clause.text.clone(),
        })
    }

    /// After a committed tag write: the clause named to the mirror, then the clause's state as
    /// the answer shows it. Nothing here waits for the index.
    fn after_write(&self, clause_id: &str, changed: bool, in_index: bool) -> TagOutcome {
        let (mirrored, ticket) = if changed && in_index {
            let ticket = self.mirror.enqueue(clause_id);
            // During an ingestion the mirror waits for the index's writer: nothing to wait for.
            let waitable = self.ingesting.load(Ordering::Acquire) == 0;
            (false, waitable.then_some(MirrorTicket(ticket)))
        } else {
            (true, None)
        };
        let sectors = self
            .store
            .clause_sectors(clause_id)
            .inspect_err(|e| tracing::warn!("reading back the sectors of {clause_id}: {e}"))
            .ok();
        let tags = self
            .store
            .tags_for_clause(clause_id)
            .inspect_err(|e| tracing::warn!("reading back the tags of {clause_id}: {e}"))
            .ok();
        TagOutcome {
            changed,
            sectors,
            tags,
            mirrored,
            ticket,
        }
    }

    /// Whether search shows the tag write of `ticket` (and every one before it).
    pub fn is_mirrored(&self, ticket: MirrorTicket) -> bool {
        self.mirror.is_applied(ticket.0)
    }

    /// Waits up to [`MIRROR_WAIT`] for search to show the tag write of `ticket`; returns whether
    /// it does. The server waits without blocking a thread ([`Library::is_mirrored`]).
    pub fn wait_mirrored(&self, ticket: MirrorTicket) -> bool {
        self.mirror.wait(ticket.0, MIRROR_WAIT)
    }

    /// Runs a search; sector facets carry the sectors' names.
    ///
    /// Filters are checked first: a sector the taxonomy lacks, a document or an issuer the index
    /// lacks is [`LibraryError::UnknownFilter`] with the valid values, never an empty answer that
    /// looks like "nothing matches". A sector takes in its sub-sectors.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, LibraryError> {
        let sectors = match req.sector {
            Some(_) => self.store.sectors()?,
            None => Vec::new(),
        };
        let req = resolve_filters(&self.index, &sectors, req)?;
        let mut results = self.index.search(&req)?;
        if let Some(facets) = results.facets.as_mut()
            && !facets.sector.is_empty()
        {
            // The index knows sector ids only.
            let names = self.sector_names()?;
            for f in &mut facets.sector {
                if let Some(name) = names.get(&f.value) {
                    f.label = name.clone();
                }
            }
        }
        Ok(results)
    }

    /// Every clause a search matches, best first, at most `max`: the filters checked as
    /// [`Library::search`] checks them, the query widened or relaxed as it does; for exports.
    pub fn matches(
        &self,
        req: &SearchRequest,
        max: usize,
    ) -> Result<vankien_index::Matches, LibraryError> {
        let sectors = match req.sector {
            Some(_) => self.store.sectors()?,
            None => Vec::new(),
        };
        let req = resolve_filters(&self.index, &sectors, req)?;
        Ok(self.index.matches(&req, max)?)
    }

    /// Up to [`suggest::MAX_SUGGESTIONS`] sectors suggested for a clause, best first, from the
    /// tags accepted so far and the taxonomy's keywords; never a sector the clause carries. Only
    /// suggested: nothing is tagged. [`LibraryError::NoClause`] for a clause the index lacks.
    pub fn suggestions(
        &self,
        clause_id: &str,
        viewer: Option<&vankien_annotate::User>,
    ) -> Result<Vec<suggest::Suggestion>, LibraryError> {
        self.suggester
            .suggest(&self.index, &self.store, clause_id, viewer)
    }

    /// The suggestions' model keeper (its keywords, what its last training cost).
    pub fn suggester(&self) -> &suggest::Suggester {
        &self.suggester
    }

    /// Sector names by id.
    pub fn sector_names(&self) -> Result<HashMap<String, String>, LibraryError> {
        Ok(self
            .store
            .sectors()?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect())
    }
}

/// Checks a search's filters against the index and the taxonomy `sectors`, and widens a sector
/// to its sub-sectors: a sector the taxonomy lacks, a document or an issuer the index lacks is
/// [`LibraryError::UnknownFilter`] with the valid values, never an empty answer that looks like
/// "nothing matches" (a signer likewise). For whoever searches the index without the library (the command line).
pub fn resolve_filters(
    index: &Index,
    sectors: &[vankien_annotate::Sector],
    req: &SearchRequest,
) -> Result<SearchRequest, LibraryError> {
    let mut req = req.clone();
    if let Some(sector) = req
        .sector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !sectors.iter().any(|s| s.id == sector) {
            return Err(LibraryError::UnknownFilter {
                filter: "sector",
                value: sector.to_string(),
                valid: sectors.iter().map(|s| s.id.clone()).collect(),
            });
        }
        req.sub_sectors = descendants(sectors, sector);
    }
    if let Some(doc) = req.doc.as_deref()
        && !index.knows_doc(doc)?
    {
        return Err(LibraryError::UnknownFilter {
            filter: "doc",
            value: doc.to_string(),
            valid: index
                .documents()?
                .into_iter()
                .map(|d| d.number.unwrap_or(d.id))
                .collect(),
        });
    }
    if let Some(issuer) = req.issuer.as_deref()
        && index.docs_of_issuer(issuer).is_empty()
    {
        return Err(LibraryError::UnknownFilter {
            filter: "issuer",
            value: issuer.to_string(),
            valid: index.issuers(),
        });
    }
    if let Some(assignee) = req.assignee.as_deref()
        && !index.knows_assignee(assignee)?
    {
        return Err(LibraryError::UnknownFilter {
            filter: "assignee",
            value: assignee.to_string(),
            valid: index.assignees()?,
        });
    }
    if let Some(signer) = req.signer.as_deref()
        && index.docs_of_signer(signer).is_empty()
    {
        return Err(LibraryError::UnknownFilter {
            filter: "signer",
            value: signer.to_string(),
            valid: index.signers(),
        });
    }
    Ok(req)
}

/// The ids of the sectors under `id` in the taxonomy, at any depth.
fn descendants(all: &[vankien_annotate::Sector], id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut frontier = vec![id.to_string()];
    while let Some(parent) = frontier.pop() {
        for s in all
            .iter()
            .filter(|s| s.parent.as_deref() == Some(parent.as_str()))
        {
            if !out.contains(&s.id) && s.id != id {
                out.push(s.id.clone());
                frontier.push(s.id.clone());
            }
        }
    }
    out
}

/// Opens the index in `dir` and checks every file of its last commit: `Ok(Err(problem))` when it
/// is damaged (unreadable, or a checksum that does not match).
fn open_sound_index(dir: &Path, reads: FileReads) -> Result<Result<Index, String>, LibraryError> {
    let index = match Index::open_or_create_reading(dir, reads) {
        Ok(index) => index,
        // A newer or older schema is not damage: it is the user's to rebuild, knowingly.
        Err(e @ vankien_index::IndexError::SchemaVersion { .. }) => return Err(e.into()),
        Err(e @ vankien_index::IndexError::Io { .. }) => return Err(e.into()),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let damaged = index.verify()?;
    if damaged.is_empty() {
        Ok(Ok(index))
    } else {
        Ok(Err(damaged.join("; ")))
    }
}
