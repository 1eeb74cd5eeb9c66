//! The one-writer rule of an index, and its binding to one data directory: a lock file that
//! whoever writes the index (a server, an ingestion) holds for as long as it writes, and a file
//! naming the data directory whose store holds the index's tags.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LibraryError;

/// The lock file in the index directory. tantivy leaves files it does not manage alone.
pub const LOCK_FILE: &str = "vankien.writer.lock";

/// The binding file in the index directory.
pub const BINDING_FILE: &str = "vankien.data.json";

/// The exclusive right to write an index, held until dropped (or the process dies: the
/// operating system releases the lock of a killed process).
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

/// Who holds a lock, as written in the lock file by its holder.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id.
    pub pid: u32,
    /// What it is doing: `serve` or `ingest`.
    pub role: String,
    /// The local socket it takes ingestions on, when it is a server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<PathBuf>,
}

impl WriterLock {
    /// Takes the lock of the index in `index_dir` for `holder`, or says who holds it.
    pub fn acquire(index_dir: &Path, holder: &Holder) -> Result<WriterLock, LibraryError> {
        let path = index_dir.join(LOCK_FILE);
        let io = |e| LibraryError::Io {
            path: path.clone(),
            source: e,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                // The holder wrote who it is; an unreadable note still means busy.
                let _ = file.read_to_string(&mut text);
                let held_by = serde_json::from_str(&text).unwrap_or_default();
                return Err(LibraryError::Busy {
                    index: index_dir.to_path_buf(),
                    held_by,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let note = serde_json::to_string(holder).expect("holder serializes");
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(note.as_bytes()).map_err(io)?;
        Ok(WriterLock { _file: file })
    }
}

/// Which data directory holds the tags of an index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Binding {
    /// The data directory, absolute and resolved.
    data_dir: PathBuf,
}

/// Binds the index in `index_dir` to the data directory `data_dir` on first use, and refuses
/// another data directory afterwards: tags re-attached in one store while the index changes
/// under another would name the wrong clauses.
pub(crate) fn check_binding(index_dir: &Path, data_dir: &Path) -> Result<(), LibraryError> {
    let path = index_dir.join(BINDING_FILE);
    let given = resolved(data_dir)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bound: Binding = serde_json::from_str(&text).map_err(|e| LibraryError::Io {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            })?;
            if bound.data_dir != given {
                return Err(LibraryError::WrongDataDir {
                    index: index_dir.to_path_buf(),
                    bound: bound.data_dir,
                    given,
                    binding: path,
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(|e| LibraryError::Io {
                path: data_dir.to_path_buf(),
                source: e,
            })?;
            let data_dir = resolved(data_dir)?;
            let json = serde_json::to_string_pretty(&Binding { data_dir }).expect("serializes");
            let tmp = index_dir.join(format!("{BINDING_FILE}.tmp"));
            let io = |e| LibraryError::Io {
                path: tmp.clone(),
                source: e,
            };
            let mut f = File::create(&tmp).map_err(io)?;
            f.write_all(json.as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
            std::fs::rename(&tmp, &path).map_err(io)?;
            Ok(())
        }
        Err(e) => Err(LibraryError::Io { path, source: e }),
    }
}

/// A directory as the binding records it: resolved, or absolute when it does not exist yet.
pub(crate) fn resolved(dir: &Path) -> Result<PathBuf, LibraryError> {
    dir.canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .map_err(|e| LibraryError::Io {
            path: dir.to_path_buf(),
            source: e,
        })
}
