//! The store's identity: a random id kept both in the database (`meta`) and in a marker file
//! beside it, so that a database truncated, deleted or replaced by another store's is refused
//! when the store is opened instead of silently starting empty.

use std::io::Write;
use std::path::Path;

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::InternalError;
use crate::error::Gone;
use crate::{StoreError, store, token};

/// The marker file's name inside the data directory.
pub const MARKER_FILE: &str = "vankien.store.json";

/// Random bytes of a store id (shown as hex).
const ID_BYTES: usize = 16;

/// What the marker file holds, and the database's `meta` table too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Identity {
    /// 32 hex digits, random, made when the store was created.
    pub store_id: String,
    /// When the id was made (RFC 3339, UTC): the store's creation, or, for a store made before
    /// ids existed, its first open by a build that has them.
    pub created_at: String,
}

/// Gives the store an id (and its creation time) unless it has one, inside the caller's
/// transaction, and returns them. The `meta` table must exist.
pub(crate) fn ensure(tx: &Transaction<'_>) -> Result<Identity, StoreError> {
    let insert = "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)";
    tx.execute(
        insert,
        ("store_id", token::hex(&rand::random::<[u8; ID_BYTES]>())),
    )?;
    tx.execute(insert, ("created_at", store::now(tx)?))?;
    let get = |key: &str| -> Result<String, StoreError> {
        Ok(tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
    };
    Ok(Identity {
        store_id: get("store_id")?,
        created_at: get("created_at")?,
    })
}

/// Fails with [`InternalError::DataDirNotWritable`] unless a file can be created in `dir`.
///
/// SQLite would fail too, but later and naming a file, not the directory: a read-only directory
/// holding a database lets it open, and fail at the first write or when creating the WAL.
pub(crate) fn check_writable(dir: &Path) -> Result<(), StoreError> {
    let probe = dir.join(format!(".vankien-write-check.{}", std::process::id()));
    let not_writable = |source| {
        StoreError::Internal(InternalError::DataDirNotWritable {
            dir: dir.to_path_buf(),
            source,
        })
    };
    std::fs::File::create(&probe).map_err(not_writable)?;
    std::fs::remove_file(&probe).map_err(not_writable)
}

/// The marker in `path`, or `None` when there is none.
pub(crate) fn read_marker(path: &Path) -> Result<Option<Identity>, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Internal(InternalError::Io {
                path: path.to_path_buf(),
                source: e,
            }));
        }
    };
    let bad = |problem: String| {
        StoreError::Internal(InternalError::BadMarker {
            path: path.to_path_buf(),
            problem,
        })
    };
    let marker: Identity = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if marker.store_id.is_empty() {
        return Err(bad("its store_id is empty".into()));
    }
    Ok(Some(marker))
}

/// Writes the marker durably: to a temporary file, fsynced, renamed over `path`, and the
/// directory fsynced so that the rename itself survives a power loss.
pub(crate) fn write_marker(path: &Path, identity: &Identity) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // One temporary file per process: two processes opening a new store at once both write it.
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| StoreError::Internal(InternalError::Io { path: p, source })
    };
    let mut json = serde_json::to_vec_pretty(identity).map_err(|e| {
        StoreError::Internal(InternalError::BadMarker {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })
    })?;
    json.push(b'\n');
    let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(&json).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io(path))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Before anything writes to it: refuses a database that is not the store the marker names
/// ([`InternalError::StoreGone`]) or that is damaged ([`InternalError::Damaged`]).
///
/// `conn` is open on `db`, which exists. Reading the header is what tells a file that is not a
/// database at all (`SQLITE_NOTADB`); [`damaged`] turns that into [`InternalError::Damaged`].
pub(crate) fn check_database(
    conn: &Connection,
    db: &Path,
    marker_path: &Path,
    marker: Option<&Identity>,
) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if let Some(marker) = marker {
        let gone = |reason| {
            StoreError::Internal(InternalError::StoreGone {
                path: db.to_path_buf(),
                marker: marker_path.to_path_buf(),
                expected: marker.store_id.clone(),
                reason,
            })
        };
        if version == 0 || tables == 0 {
            return Err(gone(Gone::Empty));
        }
        match stored_id(conn)? {
            None => return Err(gone(Gone::NoId)),
            Some(id) if id != marker.store_id => return Err(gone(Gone::OtherStore(id))),
            Some(_) => {}
        }
    }
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if problems.iter().any(|p| p != "ok") {
        // One line, though SQLite puts a newline after the name of the database.
        let mut problem = problems
            .iter()
            .take(3)
            .map(|p| p.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("; ");
        if problems.len() > 3 {
            problem.push_str(&format!("; and {} more", problems.len() - 3));
        }
        return Err(StoreError::Internal(InternalError::Damaged {
            path: db.to_path_buf(),
            problem: format!("quick_check: {problem}"),
        }));
    }
    Ok(())
}

/// The id in the database's `meta` table, if it has the table and an id in it.
fn stored_id(conn: &Connection) -> Result<Option<String>, StoreError> {
    let has_meta = conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !has_meta {
        return Ok(None);
    }
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
            r.get(0)
        })
        .optional()?)
}

/// An SQLite error that says the file is not a sound database, as [`InternalError::Damaged`];
/// any other error unchanged.
pub(crate) fn damaged(db: &Path) -> impl Fn(StoreError) -> StoreError + '_ {
    move |err| match err {
        StoreError::Internal(InternalError::Sqlite(rusqlite::Error::SqliteFailure(
            e,
            ref message,
        ))) if matches!(e.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Internal(InternalError::Damaged {
                path: db.to_path_buf(),
                problem: message.clone().unwrap_or_else(|| e.to_string()),
            })
        }
        other => other,
    }
}
