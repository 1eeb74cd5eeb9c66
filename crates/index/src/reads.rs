//! How the index's files are read: mapped into memory (searching; the document store excepted),
//! or read into buffers that are freed once used (a batch ingestion, whose merges pass over every
//! file once).
//!
//! tantivy maps each file it reads whole (`MmapDirectory`). For searches that is right: the pages
//! they touch stay resident, owned by the page cache. But a merge reads every segment it merges
//! from end to end, and every page it touched stays in the process's resident memory until the
//! segment is dropped: `vankien ingest` of 20,000 documents peaked at 1.8 GB resident, of which
//! 1.1 GB were the merged segments' mapped pages (RssFile), against 0.56 GB of heap.
//! [`ReadDirectory`] gives the same files through `pread` instead: a merge's reads are copied
//! into buffers freed as the merge moves on, and the pages stay in the kernel's page cache,
//! outside the process.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// How an opened index reads its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileReads {
    /// Mapped into memory, as tantivy does, except the document store: for serving searches.
    /// The store is read a compressed block at a time and decompressed into tantivy's cache of
    /// blocks, so mapping it spares nothing but keeps every block a search ever fetched resident
    /// (330 MB of the largest segment's 514 MB store after 40 s of the load benchmark's
    /// searches at 20,000 documents).
    #[default]
    Mapped,
    /// Read into buffers freed once used: for a batch ingestion, whose resident memory is then
    /// its heap and not the pages of every segment it merged.
    Buffered,
}

/// The index directory, its files read with `pread` as `reads` says (every file, or the
/// document store alone); everything else (the mapped files, writes, locks, the watch of
/// `meta.json`) is tantivy's `MmapDirectory`.
#[derive(Debug, Clone)]
pub(crate) struct ReadDirectory {
    root: PathBuf,
    inner: MmapDirectory,
    reads: FileReads,
}

impl ReadDirectory {
    /// The directory `root`, which must exist.
    pub fn open(root: &Path, reads: FileReads) -> Result<ReadDirectory, OpenDirectoryError> {
        Ok(ReadDirectory {
            root: root.to_path_buf(),
            inner: MmapDirectory::open(root)?,
            reads,
        })
    }

    /// Whether the file `path` is read, not mapped.
    fn is_read(&self, path: &Path) -> bool {
        match self.reads {
            FileReads::Buffered => true,
            FileReads::Mapped => path.extension().is_some_and(|e| e == "store"),
        }
    }
}

/// One file, read in the ranges asked.
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("range {range:?} outside a file of {} bytes", self.len),
            ));
        }
        let mut buf = vec![0; range.len()];
        self.file.read_exact_at(&mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

impl Directory for ReadDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !self.is_read(path) {
            return self.inner.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        Ok(Arc::new(ReadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{FileReads, ReadFile};
    use crate::{Index, IngestOptions, NoTags, SearchRequest};
    use tantivy::directory::FileHandle;

    /// Ingests the corpus files `files` into `index`, in one batch.
    fn ingest(index: &Index, files: &[&str]) {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let paths: Vec<_> = files.iter().map(|f| corpus.join(f)).collect();
        let (found, _) = vankien_ingest::find_files(&paths);
        let report = index
            .ingest_files(&found, &IngestOptions::default(), &mut NoTags, &mut |_| {})
            .unwrap();
        assert_eq!(report.added.len(), files.len(), "{:?}", report.failed);
    }

    /// The clause ids and total of each query, in rank order.
    fn answers(index: &Index) -> Vec<(usize, Vec<String>)> {
        [
            "nông thôn mới",
            "chuyen doi so",
            "ĐẢNG BỘ",
            "57-NQ/TW",
            "tăng trưởng 10%",
        ]
        .iter()
        .map(|q| {
            let req = SearchRequest {
                query: q.to_string(),
                limit: 20,
                ..SearchRequest::default()
            };
            let found = index.search(&req).unwrap();
            (
                found.total,
                found.hits.into_iter().map(|h| h.clause_id).collect(),
            )
        })
        .collect()
    }

    /// An index whose files are read and not mapped ingests in several batches (several segments,
    /// and the merges of their commits), and answers, reopened mapped, as it answered read.
    #[test]
    fn an_index_read_not_mapped_ingests_and_answers_as_a_mapped_one() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open_or_create_reading(dir.path(), FileReads::Buffered).unwrap();
        ingest(&index, &["57-NQ-TW.txt", "03-NQ-CP.txt"]);
        ingest(&index, &["thai-binh-09-NQ-DH-2020.txt"]);
        ingest(&index, &["69-KL-TW.txt", "97-NQ-CP.txt"]);
        let read = answers(&index);
        let docs = index.documents().unwrap().len();
        assert!(index.verify().unwrap().is_empty());
        drop(index);

        let mapped = Index::open(dir.path()).unwrap();
        assert_eq!(mapped.documents().unwrap().len(), docs);
        assert_eq!(docs, 5);
        let answered = answers(&mapped);
        assert!(
            answered
                .iter()
                .all(|(total, hits)| *total > 0 && !hits.is_empty())
        );
        assert_eq!(answered, read);

        // And read again, the index opened as a batch ingestion opens it.
        drop(mapped);
        let again = Index::open_reading(dir.path(), FileReads::Buffered).unwrap();
        assert_eq!(answers(&again), read);
    }

    /// A range outside the file is an error, not a panic or a short read.
    #[test]
    fn a_range_past_the_end_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let file = ReadFile {
            file: std::fs::File::open(&path).unwrap(),
            len: 10,
        };
        assert_eq!(file.read_bytes(2..5).unwrap().as_slice(), b"234");
        assert_eq!(file.read_bytes(10..10).unwrap().as_slice(), b"");
        assert!(file.read_bytes(8..12).is_err());
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 5..2;
        assert!(file.read_bytes(reversed).is_err());
    }
}
