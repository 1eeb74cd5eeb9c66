//! Backups of the store and their restoration: `VACUUM INTO` writes a consistent copy while the
//! store is in use (a server serving, annotators tagging), and a restore puts a checked copy in
//! place only when no process has the store open (the data directory's lock), keeping the
//! database it replaces beside it.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::identity::{self, Identity};
use crate::{DB_FILE, InternalError, Store, StoreError, UserError, schema};

/// The lock file of a data directory: held shared by every open store, alone by a restore.
pub const LOCK_FILE: &str = "vankien.lock";

/// What a backup or a restore holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The store's id.
    pub store_id: String,
    /// Users in it.
    pub users: usize,
    /// Live tags in it.
    pub tags: usize,
    /// Orphaned tags in it.
    pub orphans: usize,
    /// Entries of its audit log.
    pub audit: usize,
    /// Its size in bytes.
    pub bytes: u64,
    /// Where the database it replaced was kept (a restore over an existing store).
    pub replaced: Option<PathBuf>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| {
        StoreError::Internal(InternalError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Takes the data directory's lock shared, for the life of an open store: a restore cannot
/// replace the database under it.
pub(crate) fn lock_shared(data_dir: &Path) -> Result<File, StoreError> {
    let path = data_dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    file.lock_shared().map_err(io(&path))?;
    Ok(file)
}

/// Counts what a vankien database holds, after checking it is one: sound, of a schema this build
/// knows, with a store id.
fn summarize(db: &Path) -> Result<BackupSummary, StoreError> {
    let invalid = |why: String| {
        StoreError::User(UserError::InvalidInput(format!(
            "{} is not a vankien backup: {why}",
            db.display()
        )))
    };
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(e.to_string()))?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| invalid(e.to_string()))?;
    if check != "ok" {
        return Err(invalid(format!("quick_check: {check}")));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        return Err(invalid("it holds no vankien schema".into()));
    }
    if version > schema::VERSION {
        return Err(StoreError::Internal(InternalError::SchemaTooNew {
            found: version,
            known: schema::VERSION,
        }));
    }
    let count = |sql: &str| -> Result<usize, StoreError> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as usize)
    };
    let store_id: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
            r.get(0)
        })
        .map_err(|_| invalid("it holds no store id".into()))?;
    Ok(BackupSummary {
        store_id,
        users: count("SELECT count(*) FROM users")?,
        tags: count("SELECT count(*) FROM tags WHERE orphaned_at IS NULL")?,
        orphans: count("SELECT count(*) FROM tags WHERE orphaned_at IS NOT NULL")?,
        audit: count("SELECT count(*) FROM audit")?,
        bytes: std::fs::metadata(db).map_err(io(db))?.len(),
        replaced: None,
    })
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

impl Store {
    /// Writes a consistent copy of the store to `dest` (SQLite's `VACUUM INTO`: one read
    /// snapshot, while writers go on), through a temporary file renamed into place; its folder
    /// is created if missing. An existing `dest` is replaced only when `force`.
    pub fn backup_to(&self, dest: &Path, force: bool) -> Result<BackupSummary, StoreError> {
        if dest.exists() && !force {
            return Err(StoreError::User(UserError::InvalidInput(format!(
                "{} exists: choose another file, or pass --force to replace it",
                dest.display()
            ))));
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let name = dest.file_name().unwrap_or_default().to_string_lossy();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let tmp_text = tmp
            .to_str()
            .ok_or_else(|| {
                StoreError::User(UserError::InvalidInput(format!(
                    "{} is not a UTF-8 path",
                    tmp.display()
                )))
            })?
            .to_string();
        // A connection of its own: the writer is not held while the copy is made.
        let conn = Connection::open(self.path())?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute("VACUUM INTO ?1", [&tmp_text])?;
        drop(conn);
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        let summary = summarize(&tmp)?;
        std::fs::rename(&tmp, dest).map_err(io(dest))?;
        sync_dir(&dir)?;
        Ok(summary)
    }

    /// Puts the backup `backup` in place as the store of `data_dir`, once it is checked (a sound
    /// vankien database of a known schema), when no process has the store open. The database
    /// it replaces, if any, is kept beside it as `vankien.sqlite3.replaced-<time>` (with its
    /// write-ahead log); the marker takes the backup's id.
    pub fn restore(backup: &Path, data_dir: &Path) -> Result<BackupSummary, StoreError> {
        let mut summary = summarize(backup)?;
        std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
        let lock_path = data_dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::User(UserError::InvalidInput(format!(
                    "the store in {} is open (a running server, or another vankien command): stop it, then restore",
                    data_dir.display()
                ))));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        let db = data_dir.join(DB_FILE);
        if db.exists() {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            let kept = data_dir.join(format!("{DB_FILE}.replaced-{stamp}"));
            for suffix in ["", "-wal", "-shm"] {
                let from = data_dir.join(format!("{DB_FILE}{suffix}"));
                if from.exists() {
                    let to = PathBuf::from(format!("{}{suffix}", kept.display()));
                    std::fs::rename(&from, &to).map_err(io(&from))?;
                }
            }
            summary.replaced = Some(kept);
        }
        let tmp = data_dir.join(format!(".{DB_FILE}.restore.tmp"));
        std::fs::copy(backup, &tmp).map_err(io(&tmp))?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        std::fs::rename(&tmp, &db).map_err(io(&db))?;
        let created_at: String =
            Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)?
                .query_row("SELECT value FROM meta WHERE key = 'created_at'", [], |r| {
                    r.get(0)
                })
                .unwrap_or_default();
        identity::write_marker(
            &data_dir.join(identity::MARKER_FILE),
            &Identity {
                store_id: summary.store_id.clone(),
                created_at,
            },
        )?;
        sync_dir(data_dir)?;
        drop(lock);
        Ok(summary)
    }
}
