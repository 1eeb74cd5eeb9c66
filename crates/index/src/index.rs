//! [`Index`]: the clause index in a directory, its opening (schema version, analyzers, reader),
//! the cached document list and file map, and the reads of documents and clauses.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocSet, Executor, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use vankien_ingest::{Clause, Document};

use crate::reads::{FileReads, ReadDirectory};
use crate::schema::{self, Fields, REC_CLAUSE, REC_DOC, SCHEMA_VERSION};
use crate::store::{ClauseMeta, DocRecord, RecordHead, heads_column, parse_head, read_head};
use crate::{
    DocSummary, IndexError, IngestEvent, IngestHooks, IngestOptions, IngestReport, SearchRequest,
    SearchResults, SourceFile, analyzer, facets, ingest, search, sectors,
};

/// Size of the doc store's compressed blocks, in bytes (tantivy's default is 16 KiB).
const DOCSTORE_BLOCK_BYTES: usize = 32 * 1024;

/// The file beside tantivy's own that records the vankien schema version.
pub const META_FILE: &str = "vankien-index.json";

/// What the index remembers of an ingested file (in the tantivy commit payload, so it changes
/// atomically with the documents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileEntry {
    /// blake3 of the raw bytes, hex.
    pub hash: String,
    /// The document it gave.
    pub doc_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct MetaFile {
    schema_version: u32,
    created_by: String,
}

/// Cached view of the committed index, refreshed after every commit.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    /// Documents by id.
    pub docs: BTreeMap<String, DocSummary>,
    /// Ingested files by canonical path.
    pub files: BTreeMap<String, FileEntry>,
    /// How many times the list was read from a commit: what derived views are checked against.
    pub generation: u64,
    /// The relations between documents, resolved against this list when first asked for (see
    /// `crate::relations`); dropped with the list.
    pub relations: Option<Arc<crate::relations::Graph>>,
}

pub(crate) struct Inner {
    pub dir: PathBuf,
    pub index: tantivy::Index,
    pub fields: Fields,
    pub reader: IndexReader,
    /// Serializes writers inside this process (tantivy's lock file guards across processes).
    pub write_lock: Mutex<()>,
    pub cache: RwLock<Cache>,
    /// Each segment's facets by ordinal, for counting.
    pub facet_names: facets::FacetNames,
    /// Each segment's clauses by the start of their words, for words being typed.
    pub prefixes: Arc<crate::query::prefix::PrefixCache>,
}

/// The clause index in a directory. Cheap to clone; all clones share one reader.
#[derive(Clone)]
pub struct Index {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

fn io_err(path: &Path, source: std::io::Error) -> IndexError {
    IndexError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl Index {
    /// Opens the index in `dir`, creating it (and the directory) if there is none. Refuses an
    /// index of an unknown schema version.
    pub fn open_or_create(dir: &Path) -> Result<Index, IndexError> {
        Index::open_or_create_reading(dir, FileReads::Mapped)
    }

    /// [`Index::open_or_create`], its files read as `reads` says.
    pub fn open_or_create_reading(dir: &Path, reads: FileReads) -> Result<Index, IndexError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        if dir.join("meta.json").exists() {
            return Index::open_reading(dir, reads);
        }
        // Larger doc-store blocks compress the stored texts better (lz4 sees more repetition),
        // at the price of decompressing more to read one hit.
        let settings = tantivy::IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..Default::default()
        };
        let index = tantivy::Index::builder()
            .schema(schema::build())
            .settings(settings)
            .create_in_dir(dir)?;
        let meta = MetaFile {
            schema_version: SCHEMA_VERSION,
            created_by: format!("vankien {}", env!("CARGO_PKG_VERSION")),
        };
        let path = dir.join(META_FILE);
        let json = serde_json::to_string_pretty(&meta).expect("meta serializes");
        std::fs::write(&path, json + "\n").map_err(|e| io_err(&path, e))?;
        // Created through tantivy's own directory, then opened through ours.
        drop(index);
        Index::open_reading(dir, reads)
    }

    /// Opens the existing index in `dir`. Refuses an index of an unknown schema version.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        Index::open_reading(dir, FileReads::Mapped)
    }

    /// [`Index::open`], its files read as `reads` says.
    pub fn open_reading(dir: &Path, reads: FileReads) -> Result<Index, IndexError> {
        if !dir.join("meta.json").exists() {
            return Err(IndexError::NotFound(dir.display().to_string()));
        }
        let path = dir.join(META_FILE);
        let found = match std::fs::read_to_string(&path) {
            Ok(s) => match serde_json::from_str::<MetaFile>(&s) {
                Ok(m) if m.schema_version == SCHEMA_VERSION => None,
                Ok(m) => Some(m.schema_version.to_string()),
                Err(_) => Some(format!("unreadable ({META_FILE})")),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some(format!("unknown (no {META_FILE})"))
            }
            Err(e) => return Err(io_err(&path, e)),
        };
        if let Some(found) = found {
            return Err(IndexError::SchemaVersion {
                dir: dir.display().to_string(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let index = tantivy::Index::open(ReadDirectory::open(dir, reads)?)?;
        Index::from_tantivy(dir, index)
    }

    fn from_tantivy(dir: &Path, mut index: tantivy::Index) -> Result<Index, IndexError> {
        analyzer::register(&index);
        // Search every segment of a query on its own core: a query's segments are searched
        // at once instead of one after the other (set before the reader, whose searchers keep
        // this index's executor).
        index.set_default_multithread_executor()?;
        let fields = Fields::new(&index.schema()).map_err(|_| IndexError::SchemaVersion {
            dir: dir.display().to_string(),
            found: "a different field set".into(),
            expected: SCHEMA_VERSION,
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let inner = Inner {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            write_lock: Mutex::new(()),
            cache: RwLock::new(Cache::default()),
            facet_names: facets::FacetNames::default(),
            prefixes: Arc::default(),
        };
        let index = Index {
            inner: Arc::new(inner),
        };
        index.refresh()?;
        Ok(index)
    }

    /// The directory of the index.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Reloads the reader and the cached document list and file map from the last commit.
    pub(crate) fn refresh(&self) -> Result<(), IndexError> {
        let inner = &self.inner;
        self.reload_reader()?;
        let metas = inner.index.load_metas()?;
        let files: BTreeMap<String, FileEntry> = match metas.payload {
            Some(p) if !p.is_empty() => serde_json::from_str(&p)
                .map_err(|e| IndexError::Data(format!("commit payload: {e}")))?,
            _ => BTreeMap::new(),
        };
        // Each record's summary, from its head: the records themselves are not read, nor the
        // citations (the relations read them when asked for).
        #[derive(Deserialize)]
        struct Summary {
            summary: DocSummary,
        }
        let mut docs = BTreeMap::new();
        self.each_head(&inner.reader.searcher(), |bytes| {
            let head: Summary = parse_head(bytes)?;
            docs.insert(head.summary.id.clone(), head.summary);
            Ok(())
        })?;
        let mut cache = inner.cache.write().unwrap_or_else(|e| e.into_inner());
        cache.docs = docs;
        cache.files = files;
        cache.generation += 1;
        cache.relations = None;
        Ok(())
    }

    /// Calls `f` with the head ([`RecordHead`], as JSON) of every live document record of
    /// `searcher`, read from its fast column.
    pub(crate) fn each_head(
        &self,
        searcher: &tantivy::Searcher,
        mut f: impl FnMut(&[u8]) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        let record = Term::from_field_text(self.inner.fields.rec, REC_DOC);
        let mut bytes = Vec::new();
        for segment in searcher.segment_readers() {
            let postings = segment
                .inverted_index(self.inner.fields.rec)?
                .read_postings(&record, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let Some(mut postings) = postings else {
                continue;
            };
            let alive = segment.alive_bitset();
            let heads = heads_column(segment)?;
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    read_head(&heads, doc, &mut bytes)?;
                    f(&bytes)?;
                }
                doc = postings.advance();
            }
        }
        Ok(())
    }

    /// The targets stored at ingestion for each document of the last commit, by document id;
    /// `None` for a document whose targets were read by other rules or taxonomy than this
    /// binary's (see `vankien_ingest::targets::fingerprint`), or never stored.
    pub fn stored_targets(
        &self,
    ) -> Result<HashMap<String, Option<Vec<vankien_ingest::targets::Target>>>, IndexError> {
        #[derive(Deserialize)]
        struct Targets {
            summary: DocSummary,
            #[serde(default)]
            targets: Option<crate::store::StoredTargets>,
        }
        let now = vankien_ingest::targets::fingerprint();
        let mut out = HashMap::new();
        self.each_head(&self.inner.reader.searcher(), |bytes| {
            let head: Targets = parse_head(bytes)?;
            let list = head
                .targets
                .filter(|t| t.fingerprint == now)
                .map(|t| t.list);
            out.insert(head.summary.id, list);
            Ok(())
        })?;
        Ok(out)
    }

    /// The head of the record of `doc_id` in the last commit: its summary and citations.
    pub(crate) fn record_head(&self, doc_id: &str) -> Result<Option<RecordHead>, IndexError> {
        let f = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let q = BooleanQuery::new(vec![
            (Occur::Must, term_query(f.rec, REC_DOC)),
            (Occur::Must, term_query(f.doc_id, doc_id)),
        ]);
        let top = lookup(&searcher, &q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.first() else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        read_head(
            &heads_column(searcher.segment_reader(addr.segment_ord))?,
            addr.doc_id,
            &mut bytes,
        )?;
        parse_head(&bytes).map(Some)
    }

    /// Reloads the reader alone, for a commit that changed no document record (the sector
    /// mirror's), and forgets the facet names of segments the commit retired.
    pub(crate) fn reload_reader(&self) -> Result<(), IndexError> {
        let inner = &self.inner;
        inner.reader.reload()?;
        let live = inner
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        inner.facet_names.retain(&live);
        inner.prefixes.retain(&live);
        Ok(())
    }

    /// Opens a writer for small edits, the sector mirror's: one thread and a small budget, since
    /// an edit rewrites a few clauses (one at a time in this process; tantivy's lock guards
    /// across processes). Batch ingestion has its own, larger writer.
    pub(crate) fn writer(&self) -> Result<IndexWriter, IndexError> {
        Ok(self.inner.index.writer_with_num_threads(1, 20_000_000)?)
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.read_cache().docs.is_empty()
    }

    pub(crate) fn read_cache(&self) -> std::sync::RwLockReadGuard<'_, Cache> {
        self.inner.cache.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds files to the index, in one commit; see [`IngestOptions`], [`IngestHooks`] and
    /// [`IngestReport`]. Finding the files (walking folders) is the caller's.
    pub fn ingest_files(
        &self,
        files: &[SourceFile],
        opts: &IngestOptions,
        hooks: &mut dyn IngestHooks,
        on_event: &mut dyn FnMut(IngestEvent),
    ) -> Result<IngestReport, IndexError> {
        ingest::ingest_files(self, files, opts, hooks, on_event)
    }

    /// [`Index::ingest_files`] of what `vankien_ingest::find_files` found: the paths it could
    /// not read are reported first, as failed files (in the events and the report), and the
    /// batch goes on.
    pub fn ingest_found(
        &self,
        (files, unreadable): (Vec<SourceFile>, Vec<(String, String)>),
        opts: &IngestOptions,
        hooks: &mut dyn IngestHooks,
        on_event: &mut dyn FnMut(IngestEvent),
    ) -> Result<IngestReport, IndexError> {
        for (file, error) in &unreadable {
            on_event(IngestEvent::File {
                file: file.clone(),
                bytes: 0,
                outcome: crate::FileOutcome::Failed(error.clone()),
            });
        }
        let mut report = self.ingest_files(&files, opts, hooks, on_event)?;
        report.failed.splice(0..0, unreadable);
        Ok(report)
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        search::search(self, req)
    }

    /// Every clause a search matches, best first, at most `max` (by default an export takes
    /// [`MAX_EXPORT_ROWS`](crate::MAX_EXPORT_ROWS)): the query and filters of `req`, widened or
    /// relaxed as [`Index::search`] does, without its paging, grouping or facets.
    pub fn matches(&self, req: &SearchRequest, max: usize) -> Result<crate::Matches, IndexError> {
        crate::export::matches(self, req, max)
    }

    /// Whether a document filter (an id, or a number in any spelling) names a document of the
    /// index, as a search's `doc` filter reads it.
    pub fn knows_doc(&self, doc: &str) -> Result<bool, IndexError> {
        let searcher = self.inner().reader.searcher();
        search::matches_any(&searcher, &*search::doc_filter(self, doc))
    }

    /// The documents `doc` names, as a search's `doc` filter reads it: the one with that id, else
    /// those whose number is `doc` in any spelling (`57-NQ/TW`, `57/NQ-TW`, `nq 57`); empty when
    /// none.
    pub fn find_documents(&self, doc: &str) -> Vec<DocSummary> {
        let doc = doc.trim();
        let cache = self.read_cache();
        if let Some(d) = cache.docs.get(doc) {
            return vec![d.clone()];
        }
        let Some(key) = vankien_ingest::docnum::DocNumber::parse(doc).and_then(|n| n.query_key())
        else {
            return Vec::new();
        };
        cache
            .docs
            .values()
            .filter(|d| {
                crate::store::number_of(d.number.as_deref(), &d.source)
                    .is_some_and(|n| n.index_keys(Some(d.kind)).contains(&key))
            })
            .cloned()
            .collect()
    }

    /// The issuing bodies of the documents of the index, each once, sorted.
    pub fn issuers(&self) -> Vec<String> {
        let cache = self.read_cache();
        let set: std::collections::BTreeSet<&str> = cache
            .docs
            .values()
            .filter_map(|d| d.issuer.as_deref())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// The bodies clauses assign their tasks to, as written, each once, sorted.
    pub fn assignees(&self) -> Result<Vec<String>, IndexError> {
        let searcher = self.inner().reader.searcher();
        let mut all = std::collections::BTreeSet::new();
        for segment in searcher.segment_readers() {
            let reader = segment.facet_reader("facets")?;
            let mut stream = reader
                .facet_dict()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                // An encoded facet separates its parts by a 0 byte: `assignee\0<body>`.
                if let Some(body) = stream.key().strip_prefix(b"assignee\0") {
                    all.insert(String::from_utf8_lossy(body).into_owned());
                }
            }
        }
        Ok(all.into_iter().collect())
    }

    /// Whether some clause is assigned to a body whose name has the words of `assignee`.
    pub fn knows_assignee(&self, assignee: &str) -> Result<bool, IndexError> {
        let words = crate::query::assignee_keys(assignee);
        if words.is_empty() {
            return Ok(false);
        }
        let searcher = self.inner().reader.searcher();
        let f = &self.inner().fields;
        search::matches_any(&searcher, &*crate::query::assignee_query(f, &words))
    }

    /// The signers of the documents of the index, each once, sorted.
    pub fn signers(&self) -> Vec<String> {
        let cache = self.read_cache();
        let set: std::collections::BTreeSet<&str> = cache
            .docs
            .values()
            .filter_map(|d| d.signer.as_deref())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// The ids of the documents whose issuing body has the words of `issuer` in order, compared
    /// folded.
    pub fn docs_of_issuer(&self, issuer: &str) -> Vec<String> {
        self.docs_where(issuer, |d| d.issuer.as_deref())
    }

    /// The ids of the documents whose signer's name has the words of `signer` in order, compared
    /// folded (`to lam`, `Phạm Minh Chính`).
    pub fn docs_of_signer(&self, signer: &str) -> Vec<String> {
        self.docs_where(signer, |d| d.signer.as_deref())
    }

    /// The ids of the documents where `field` has the words of `words` in order, folded; when
    /// the words are the whole of some document's `field`, only those documents: `Quốc hội` is
    /// the issuer Quốc hội, not also `Ủy ban Thường vụ Quốc hội` (the issuer facet's values
    /// are whole names, and a click on one must give its count).
    fn docs_where(&self, words: &str, field: impl Fn(&DocSummary) -> Option<&str>) -> Vec<String> {
        let want = folded_words(words);
        if want.is_empty() {
            return Vec::new();
        }
        let cache = self.read_cache();
        let found: Vec<(&DocSummary, bool)> = cache
            .docs
            .values()
            .filter_map(|d| {
                let have = folded_words(field(d)?);
                let whole = have == want;
                (whole || have.windows(want.len()).any(|w| w == want)).then_some((d, whole))
            })
            .collect();
        let any_whole = found.iter().any(|(_, whole)| *whole);
        found
            .into_iter()
            .filter(|(_, whole)| *whole || !any_whole)
            .map(|(d, _)| d.id.clone())
            .collect()
    }

    /// Every document in the index, ordered by id.
    pub fn documents(&self) -> Result<Vec<DocSummary>, IndexError> {
        Ok(self.read_cache().docs.values().cloned().collect())
    }

    /// The content hash (blake3 of its source's bytes, hex) of every document, by document id:
    /// it changes exactly when a document's text does, so a reader may keep what it derived from
    /// a document (its targets) for as long as its hash stays.
    pub fn document_hashes(&self) -> BTreeMap<String, String> {
        self.read_cache()
            .files
            .values()
            .map(|e| (e.doc_id.clone(), e.hash.clone()))
            .collect()
    }

    /// The summary of one document.
    pub fn summary(&self, doc_id: &str) -> Option<DocSummary> {
        self.read_cache().docs.get(doc_id).cloned()
    }

    /// The stored (normalized) text of a document, the text its spans point into, re-read from
    /// its source file. `None` when the document is unknown, or its file is gone or no longer has
    /// the content that was indexed (its hash differs): the index keeps no second copy of every
    /// text, and no caller but one that shows spans needs it.
    pub fn document_text(&self, doc_id: &str) -> Result<Option<String>, IndexError> {
        let Some((bytes, path)) = self.source_bytes(doc_id) else {
            return Ok(None);
        };
        Ok(vankien_ingest::stored_text(&bytes, &path).ok())
    }

    /// The bytes of a document's source file as it was ingested, with its path: `None` when the
    /// document is unknown, or its file is gone or no longer holds what was indexed (its hash
    /// differs), so that nobody is handed another text as the original.
    pub fn source_bytes(&self, doc_id: &str) -> Option<(Vec<u8>, String)> {
        let (path, hash) = self
            .read_cache()
            .files
            .iter()
            .find(|(_, e)| e.doc_id == doc_id)
            .map(|(path, e)| (path.clone(), e.hash.clone()))?;
        let bytes = std::fs::read(&path).ok()?;
        (blake3::hash(&bytes).to_hex().as_str() == hash).then_some((bytes, path))
    }

    /// The parsed document with its sections, clauses (texts included) and closing parts. Its
    /// `text` is empty: [`Index::document_text`] reads it from the source when it is needed.
    pub fn document(&self, doc_id: &str) -> Result<Option<Document>, IndexError> {
        self.document_with_texts(doc_id, None)
    }

    /// The parsed document, with the texts of the clauses in `wanted` only (all when `None`): a
    /// rewrite of a few clauses needs the document's outline but not every clause's text.
    pub(crate) fn document_with_texts(
        &self,
        doc_id: &str,
        wanted: Option<&HashSet<&str>>,
    ) -> Result<Option<Document>, IndexError> {
        let f = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let q = BooleanQuery::new(vec![
            (Occur::Must, term_query(f.rec, REC_DOC)),
            (Occur::Must, term_query(f.doc_id, doc_id)),
        ]);
        let top = lookup(&searcher, &q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.first() else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(*addr)?;
        let rec: DocRecord = stored_json(&d, f.doc_json)?;
        let mut doc = rec.document;
        // Older indexes may still carry the text; newer ones leave it empty.
        doc.text = rec.text;
        // Fill in the clause texts from the clause documents.
        let mut texts = HashMap::new();
        match wanted {
            Some(ids) => {
                for id in ids {
                    if let Some((_, text)) = self.clause_meta(id)? {
                        texts.insert(id.to_string(), text);
                    }
                }
            }
            None => {
                let q = BooleanQuery::new(vec![
                    (Occur::Must, term_query(f.rec, REC_CLAUSE)),
                    (Occur::Must, term_query(f.doc_id, doc_id)),
                ]);
                let n = doc.clauses.len().max(1);
                for (_, addr) in lookup(&searcher, &q, &TopDocs::with_limit(n).order_by_score())? {
                    let d: TantivyDocument = searcher.doc(addr)?;
                    texts.insert(
                        stored_str(&d, f.clause_id).to_string(),
                        stored_str(&d, f.text).to_string(),
                    );
                }
            }
        }
        for c in &mut doc.clauses {
            match texts.remove(&c.id) {
                Some(t) => c.text = t,
                None if wanted.is_some_and(|ids| !ids.contains(c.id.as_str())) => {}
                None => {
                    return Err(IndexError::Data(format!(
                        "clause {} of {doc_id} is missing",
                        c.id
                    )));
                }
            }
        }
        Ok(Some(doc))
    }

    /// One clause and the summary of its document.
    pub fn clause(&self, clause_id: &str) -> Result<Option<(DocSummary, Clause)>, IndexError> {
        let Some((meta, text)) = self.clause_meta(clause_id)? else {
            return Ok(None);
        };
        let Some(summary) = self.summary(&meta.doc_id) else {
            return Ok(None);
        };
        Ok(Some((summary, meta.to_clause(text))))
    }

    /// The stored metadata and text of one clause.
    pub(crate) fn clause_meta(
        &self,
        clause_id: &str,
    ) -> Result<Option<(ClauseMeta, String)>, IndexError> {
        let f = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let q = BooleanQuery::new(vec![
            (Occur::Must, term_query(f.rec, REC_CLAUSE)),
            (Occur::Must, term_query(f.clause_id, clause_id)),
        ]);
        let top = lookup(&searcher, &q, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, addr)) = top.first() else {
            return Ok(None);
        };
        let d: TantivyDocument = searcher.doc(*addr)?;
        let meta: ClauseMeta = stored_json(&d, f.meta)?;
        let text = stored_str(&d, f.text).to_string();
        Ok(Some((meta, text)))
    }

    /// Sets the sectors of the clauses in `map` (the mirror of the annotation store: clause id →
    /// sector ids) in one commit, rewriting only the clauses whose sectors change. Clause ids the
    /// index does not hold (a document re-ingested since) are passed over. Returns how many
    /// clauses were rewritten.
    pub fn set_sectors(&self, map: &HashMap<String, Vec<String>>) -> Result<usize, IndexError> {
        sectors::apply(self, map, false)
    }

    /// Replaces the sectors of every clause by `map` (clause id → sector ids; absent = none) and
    /// commits. Only clauses whose sectors change are rewritten; returns how many.
    pub fn replace_all_sectors(
        &self,
        map: &HashMap<String, Vec<String>>,
    ) -> Result<usize, IndexError> {
        sectors::apply(self, map, true)
    }

    /// Checks every file of the last commit against its checksum; returns what is damaged (empty
    /// when the index is sound). Reads the whole index once.
    pub fn verify(&self) -> Result<Vec<String>, IndexError> {
        let index = &self.inner.index;
        let managed = index.directory().list_managed_files();
        // The files of the last commit, as tantivy's own check picks them.
        let mut files: Vec<PathBuf> = (index.load_metas()?.list_segment_files())
            .into_iter()
            .filter(|p| managed.contains(p))
            .collect();
        files.sort();
        let mut bad = Vec::new();
        for file in files {
            match checksum_holds(&self.inner.dir.join(&file)) {
                Ok(true) => {}
                Ok(false) => bad.push(format!("{}: checksum does not match", file.display())),
                // A file too short to hold its footer, or unreadable.
                Err(e) => bad.push(format!("{}: {e}", file.display())),
            }
        }
        Ok(bad)
    }
}

/// Whether a file of tantivy's matches the checksum in its footer (`body | footer JSON | footer
/// length | magic`, little-endian, as tantivy's `Footer` writes it). Read in pieces through the
/// page cache: tantivy's own check maps the whole file, which counted the whole index (2 GB at
/// 20,000 documents) in the resident memory of every open.
fn checksum_holds(path: &Path) -> std::io::Result<bool> {
    use std::io::{Error, ErrorKind, Read, Seek, SeekFrom};
    const MAGIC: u32 = 1337;
    let bad = |what: &str| Error::new(ErrorKind::InvalidData, what.to_string());
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < 8 {
        return Err(bad("too short to hold its footer"));
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::Start(len - 8))?;
    file.read_exact(&mut tail)?;
    let footer_len = u64::from(u32::from_le_bytes(tail[..4].try_into().expect("4 bytes")));
    if u32::from_le_bytes(tail[4..].try_into().expect("4 bytes")) != MAGIC {
        return Err(bad("no tantivy footer"));
    }
    let body = len
        .checked_sub(8 + footer_len)
        .filter(|_| footer_len <= 50_000)
        .ok_or_else(|| bad("footer longer than the file"))?;
    let mut footer = vec![0u8; footer_len as usize];
    file.seek(SeekFrom::Start(body))?;
    file.read_exact(&mut footer)?;
    #[derive(Deserialize)]
    struct Footer {
        crc: u32,
    }
    let footer: Footer =
        serde_json::from_slice(&footer).map_err(|e| bad(&format!("footer: {e}")))?;
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = crc32fast::Hasher::new();
    let mut reader = file.take(body);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize() == footer.crc)
}

/// A term query on a raw-string field.
pub(crate) fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// The first stored string of `field` (empty when absent).
pub(crate) fn stored_str(d: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    d.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

/// The stored JSON of `field`, deserialized.
pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(
    d: &TantivyDocument,
    field: tantivy::schema::Field,
) -> Result<T, IndexError> {
    serde_json::from_str(stored_str(d, field)).map_err(|e| IndexError::Data(e.to_string()))
}

/// The folded keys of the words of `text`.
pub(crate) fn folded_words(text: &str) -> Vec<String> {
    vankien_ingest::normalize::words(text)
        .map(|(_, w)| vankien_ingest::normalize::folded_key(w))
        .collect()
}

/// Runs a lookup by id (a clause, a document's record or its clauses) on the calling thread,
/// not on the index's search threads: there it would wait behind every search queued before it
/// (the segments of a search of common words at 20,000 documents hold both cores for tens of
/// milliseconds), and a tag write, which reads its clause first, with it.
fn lookup<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    searcher.search_with_executor(query, collector, &Executor::single_thread(), scoring)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::Duration;

    use tantivy::collector::{Collector, SegmentCollector};
    use tantivy::query::AllQuery;
    use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

    use crate::SearchRequest;

    /// The server shares one `Index` between threads.
    #[test]
    fn index_is_send_sync_and_clone() {
        fn shared<T: Send + Sync + Clone + 'static>() {}
        shared::<super::Index>();
    }

    /// A collector that holds the search thread it runs on until it is let go: a search of
    /// common words at scale, whose segments keep the index's search threads busy.
    struct Holding {
        started: Mutex<mpsc::Sender<()>>,
        go: Arc<(Mutex<bool>, Condvar)>,
    }

    struct Held;

    impl SegmentCollector for Held {
        type Fruit = ();
        fn collect(&mut self, _: DocId, _: Score) {}
        fn harvest(self) {}
    }

    impl Collector for Holding {
        type Fruit = ();
        type Child = Held;
        fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Held> {
            self.started.lock().unwrap().send(()).unwrap();
            let (go, wake) = &*self.go;
            let mut go = go.lock().unwrap();
            while !*go {
                go = wake.wait(go).unwrap();
            }
            Ok(Held)
        }
        fn requires_scoring(&self) -> bool {
            false
        }
        fn merge_fruits(&self, _: Vec<()>) -> tantivy::Result<()> {
            Ok(())
        }
    }

    /// A clause's lookup (what a tag write reads first) and a document's do not wait for the
    /// searches that hold every search thread of the index: they run on the caller's thread.
    #[test]
    fn lookups_by_id_do_not_wait_for_the_search_threads() {
        let (_dir, index) = crate::testing::corpus_index(&["57-NQ-TW.txt"]);
        let hits = index
            .search(&SearchRequest {
                query: "khoa học công nghệ".into(),
                ..SearchRequest::default()
            })
            .unwrap()
            .hits;
        let (clause_id, doc_id) = (hits[0].clause_id.clone(), hits[0].doc_id.clone());
        // One held search a search thread (tantivy's pool has one a core).
        let threads = std::thread::available_parallelism().unwrap().get();
        let go = Arc::new((Mutex::new(false), Condvar::new()));
        let (started, running) = mpsc::channel();
        let holders: Vec<_> = (0..threads)
            .map(|_| {
                let searcher = index.inner.reader.searcher();
                let holding = Holding {
                    started: Mutex::new(started.clone()),
                    go: go.clone(),
                };
                std::thread::spawn(move || searcher.search(&AllQuery, &holding).unwrap())
            })
            .collect();
        for _ in 0..threads {
            running.recv_timeout(Duration::from_secs(60)).unwrap();
        }
        let (done, answered) = mpsc::channel();
        let reader = index.clone();
        std::thread::spawn(move || {
            let clause = reader.clause(&clause_id).unwrap().map(|(_, c)| c.id);
            let doc = reader.document(&doc_id).unwrap().map(|d| d.id);
            done.send((clause, doc)).unwrap();
        });
        // Generous: answered at once, or never while the searches hold the threads.
        let got = answered.recv_timeout(Duration::from_secs(20));
        *go.0.lock().unwrap() = true;
        go.1.notify_all();
        for h in holders {
            h.join().unwrap();
        }
        let (clause, doc) = got.expect("the lookups waited for the search threads");
        assert_eq!(clause.as_deref(), Some(hits[0].clause_id.as_str()));
        assert_eq!(doc.as_deref(), Some(hits[0].doc_id.as_str()));
    }
}
