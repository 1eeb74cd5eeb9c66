//! [`Store`]: the SQLite database behind a writer connection and a small pool of readers, and
//! every operation on sectors, users, tokens, tags and the audit log.

use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::audit::{Audited, audit};
use crate::error::Gone;
use crate::identity::{self, Identity};
use crate::model::Sector;
use crate::{InternalError, UserError};
use crate::{StoreError, schema, sectors};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "vankien.sqlite3";

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections kept open between reads; more are opened under load and closed after.
const IDLE_READERS: usize = 4;

/// The actor recorded in the audit log for changes made on the command line (user management,
/// taxonomy loading): whoever can write the data directory.
pub(crate) const LOCAL_ACTOR: &str = "local";

/// The actor recorded for re-attachment after re-ingestion.
pub(crate) const SYSTEM_ACTOR: &str = "system";

/// The current time as SQLite writes it: RFC 3339, UTC, milliseconds.
const NOW_SQL: &str = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Longest clause id or document id accepted.
pub(crate) const MAX_ID_BYTES: usize = 512;

/// Longest clause text accepted (the longest real clause is a few KiB).
pub(crate) const MAX_TEXT_BYTES: usize = 1 << 20;

/// The annotation store. `Send + Sync`: share it behind an `Arc`.
///
/// Writes go through one connection behind a mutex, each in a `BEGIN IMMEDIATE` transaction
/// (SQLite has one writer anyway; queuing in-process avoids busy waits). Reads use a pool of
/// connections, each read in its own snapshot, so readers never wait for the writer (WAL).
pub struct Store {
    path: PathBuf,
    id: String,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The data directory's lock, held shared: a restore waits for every open store to close.
    _lock: std::fs::File,
}

// The server shares one store across threads; keep it that way.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Store>();
};

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves nothing half-done: an open transaction rolls back
    // when dropped. So a poisoned lock is safe to take.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Opens a connection with the settings every connection needs (they are per connection).
fn connect(path: &Path, reader: bool) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // FULL: the WAL is fsynced at every commit, so an acknowledged write survives a power loss.
    conn.pragma_update(None, "synchronous", "FULL")?;
    if reader {
        conn.pragma_update(None, "query_only", true)?;
    }
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir/vankien.sqlite3`, in WAL mode with
    /// `synchronous=FULL`, and brings its schema up to date.
    ///
    /// A new store gets a random id, kept in the database and in a marker file beside it
    /// ([`MARKER_FILE`](crate::MARKER_FILE)); a store made by an older build gets one here. Once
    /// the marker exists, a database that is missing, empty or another store's is refused with
    /// [`InternalError::StoreGone`] rather than started afresh; one that is not a sound SQLite file
    /// is refused with [`InternalError::Damaged`], and a data directory that cannot be written with
    /// [`InternalError::DataDirNotWritable`].
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                StoreError::Internal(InternalError::DataDirNotWritable {
                    dir: data_dir.to_path_buf(),
                    source: e,
                })
            }
            _ => StoreError::Internal(InternalError::Io {
                path: data_dir.to_path_buf(),
                source: e,
            }),
        })?;
        identity::check_writable(data_dir)?;
        let lock = crate::backup::lock_shared(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let marker_path = data_dir.join(identity::MARKER_FILE);
        let marker = identity::read_marker(&marker_path)?;
        if let Some(marker) = &marker {
            // Look before SQLite opens the file: opening creates a missing one, and an empty
            // one would be made a new database by the first write.
            let gone = |reason| {
                StoreError::Internal(InternalError::StoreGone {
                    path: path.clone(),
                    marker: marker_path.clone(),
                    expected: marker.store_id.clone(),
                    reason,
                })
            };
            match std::fs::metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(gone(Gone::Missing));
                }
                Err(e) => {
                    return Err(StoreError::Internal(InternalError::Io {
                        path: path.clone(),
                        source: e,
                    }));
                }
                Ok(m) if m.len() == 0 => return Err(gone(Gone::Empty)),
                Ok(_) => {}
            }
        }
        let (writer, id) = Self::open_writer(&path, &marker_path, marker.as_ref())
            .map_err(identity::damaged(&path))?;
        if marker.as_ref() != Some(&id) {
            identity::write_marker(&marker_path, &id)?;
        }
        Ok(Store {
            path,
            id: id.store_id,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            _lock: lock,
        })
    }

    /// The writer connection of [`Store::open`], once the file is known to be the right one,
    /// and the store's identity.
    fn open_writer(
        path: &Path,
        marker_path: &Path,
        marker: Option<&Identity>,
    ) -> Result<(Connection, Identity), StoreError> {
        let mut writer = connect(path, false)?;
        identity::check_database(&writer, path, marker_path, marker)?;
        let mode: String = writer.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Internal(InternalError::Corrupt(format!(
                "cannot switch {} to WAL mode (got {mode})",
                path.display()
            ))));
        }
        let id = schema::migrate(&mut writer)?;
        Ok((writer, id))
    }

    /// The store's id: 32 random hex digits made when it was created, also in its marker file.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`), committed if `f` succeeds.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a pooled reader connection, in one read snapshot.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(c) => c,
            None => connect(&self.path, true)?,
        };
        let result = (|| {
            let tx = conn.unchecked_transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })();
        let mut pool = lock(&self.readers);
        if pool.len() < IDLE_READERS {
            pool.push(conn);
        }
        result
    }

    /// Runs `PRAGMA integrity_check`; returns SQLite's complaints (empty when the file is sound).
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let conn = lock(&self.writer);
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    // ---------------------------------------------------------------- sectors

    /// Loads the taxonomy file (see [`crate::sectors`]): checks it, then inserts new sectors and
    /// updates names, parents and order of known ones. Sectors missing from the file stay in the
    /// store (tags may refer to them). Returns the number of sectors in the file.
    pub fn load_sectors(&self, path: &Path) -> Result<usize, StoreError> {
        let list = sectors::read_taxonomy(path)?;
        self.write(|tx| {
            // Parents may come after their children in the file; check keys at commit.
            tx.pragma_update(None, "defer_foreign_keys", true)?;
            let (mut added, mut changed) = (0, 0);
            for (pos, s) in list.iter().enumerate() {
                let old: Option<(String, Option<String>, i64)> = tx
                    .query_row(
                        "SELECT name, parent, position FROM sectors WHERE id = ?1",
                        [&s.id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                let new = (s.name.clone(), s.parent.clone(), pos as i64);
                match old {
                    None => added += 1,
                    Some(old) if old != new => changed += 1,
                    Some(_) => continue,
                }
                tx.execute(
                    "INSERT INTO sectors (id, name, parent, position) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent = excluded.parent,
                     position = excluded.position",
                    params![s.id, s.name, s.parent, pos as i64],
                )?;
            }
            if added + changed > 0 {
                let at = now(tx)?;
                audit(
                    tx,
                    &at,
                    LOCAL_ACTOR,
                    "sectors_load",
                    Audited {
                        to: Some(format!("{added} added, {changed} changed")),
                        ..Audited::default()
                    },
                )?;
            }
            Ok(list.len())
        })
    }

    /// The sectors, in the order of the taxonomy file.
    pub fn sectors(&self) -> Result<Vec<Sector>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT id, name, parent FROM sectors ORDER BY position, id")?;
            let rows = stmt.query_map([], |r| {
                Ok(Sector {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    parent: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    // ---------------------------------------------------------------- users and tokens

    // ---------------------------------------------------------------- tags
}

/// Refuses a data directory that is the index directory or lies inside it, so that rebuilding
/// or deleting the index can never take annotations with it. Both paths are resolved (symlinks,
/// `..`) as far as they exist; neither needs to exist yet.
pub fn check_data_dir(data: &Path, index: &Path) -> Result<(), StoreError> {
    let data = resolve(data)?;
    let index = resolve(index)?;
    if data.starts_with(&index) {
        return Err(StoreError::User(UserError::DataDirInsideIndex {
            data,
            index,
        }));
    }
    Ok(())
}

/// An absolute path with symlinks resolved in its existing part and `.`/`..` removed.
fn resolve(path: &Path) -> Result<PathBuf, StoreError> {
    let io = |e| {
        StoreError::Internal(InternalError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    };
    let absolute = std::path::absolute(path).map_err(io)?;
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Canonicalize the longest existing prefix and keep the rest as written.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            out.extend(rest.iter().rev());
            return Ok(out);
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return Ok(lexical),
        }
    }
}

/// The current time, from SQLite, for one transaction.
pub(crate) fn now(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn.query_row(NOW_SQL, [], |r| r.get(0))?)
}

pub(crate) fn json_path(path: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(path)
        .map_err(|e| StoreError::Internal(InternalError::Corrupt(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_inside_index_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir(&index).unwrap();
        assert!(check_data_dir(&dir.path().join("data"), &index).is_ok());
        assert!(check_data_dir(&index, &index).is_err());
        assert!(check_data_dir(&index.join("data"), &index).is_err());
        assert!(check_data_dir(&index.join("a/b/../data"), &index).is_err());
        // `index/../data` is beside the index, not in it.
        assert!(check_data_dir(&index.join("../data"), &index).is_ok());
        // A prefix of the name is not containment.
        assert!(check_data_dir(&dir.path().join("index-data"), &index).is_ok());
        let err = check_data_dir(&index.join("data"), &index).unwrap_err();
        assert!(err.is_user_error());
        assert!(err.to_string().contains("must not be inside"));
    }

    #[cfg(unix)]
    #[test]
    fn data_dir_through_a_symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir_all(index.join("inner")).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(index.join("inner"), &link).unwrap();
        assert!(check_data_dir(&link, &index).is_err());
        assert!(check_data_dir(&link.join("new"), &index).is_err());
    }
}
