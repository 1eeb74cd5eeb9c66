//! [`Store`]: the SQLite database behind a writer connection and a small pool of readers, and
//! every operation on sectors, users, tokens, tags and the audit log.

use crate::{InternalError, UserError};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::anchor::{canonical_text, quote, text_hash};
use crate::error::Gone;
use crate::identity::{self, Identity};
use crate::model::{
    AuditEntry, ClauseRef, ExportRow, Orphan, Role, Sector, Tag, TokenInfo, User, UserInfo,
};
use crate::{StoreError, schema, sectors, token};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "vankien.sqlite3";

/// How long a connection waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections kept open between reads; more are opened under load and closed after.
const IDLE_READERS: usize = 4;

/// The actor recorded in the audit log for changes made on the command line (user management,
/// taxonomy loading): whoever can write the data directory.
const LOCAL_ACTOR: &str = "local";

/// The actor recorded for re-attachment after re-ingestion.
pub(crate) const SYSTEM_ACTOR: &str = "system";

/// The current time as SQLite writes it: RFC 3339, UTC, milliseconds.
const NOW_SQL: &str = "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Longest clause id or document id accepted.
const MAX_ID_BYTES: usize = 512;

/// Longest clause text accepted (the longest real clause is a few KiB).
const MAX_TEXT_BYTES: usize = 1 << 20;

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

    /// Creates a user and a first API token; returns the user and the token (shown once: only
    /// its hash is stored). Fails if the name is taken.
    pub fn add_user(&self, name: &str, role: Role) -> Result<(User, String), StoreError> {
        let name = check_user_name(name)?;
        let new = token::generate();
        self.write(|tx| {
            let exists = tx
                .query_row("SELECT 1 FROM users WHERE name = ?1", [&name], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                return Err(StoreError::User(UserError::UserExists(name.clone())));
            }
            let at = now(tx)?;
            tx.execute(
                "INSERT INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role.as_str(), at],
            )?;
            let user_id = tx.last_insert_rowid();
            insert_token(tx, user_id, &new, &at)?;
            audit(
                tx,
                &at,
                LOCAL_ACTOR,
                "user_add",
                Audited {
                    subject: Some(&name),
                    to: Some(format!("{} {}", role.as_str(), new.id)),
                    ..Audited::default()
                },
            )?;
            Ok(())
        })?;
        Ok((User { name, role }, new.token))
    }

    /// Issues another token for an existing user; returns it (shown once).
    pub fn new_token(&self, name: &str) -> Result<String, StoreError> {
        let new = token::generate();
        self.write(|tx| {
            let (user_id, _) = user_row(tx, name)?;
            let at = now(tx)?;
            insert_token(tx, user_id, &new, &at)?;
            audit(
                tx,
                &at,
                LOCAL_ACTOR,
                "token_new",
                Audited {
                    subject: Some(name),
                    to: Some(new.id.clone()),
                    ..Audited::default()
                },
            )
        })?;
        Ok(new.token)
    }

    /// Revokes every active token of a user, at once. Returns how many were revoked.
    pub fn revoke_tokens(&self, name: &str) -> Result<usize, StoreError> {
        let revoked = self.write(|tx| {
            let (user_id, _) = user_row(tx, name)?;
            let ids: Vec<String> = {
                let mut stmt = tx.prepare(
                    "SELECT id FROM tokens WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY id",
                )?;
                stmt.query_map([user_id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Ok(0);
            }
            let at = now(tx)?;
            tx.execute(
                "UPDATE tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
                params![at, user_id],
            )?;
            audit(
                tx,
                &at,
                LOCAL_ACTOR,
                "token_revoke",
                Audited {
                    subject: Some(name),
                    from: Some(ids.join(",")),
                    ..Audited::default()
                },
            )?;
            Ok(ids.len())
        })?;
        Ok(revoked)
    }

    /// The users, by name, with their token ids (never secrets).
    pub fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        self.read(|conn| {
            let mut users: Vec<(i64, UserInfo)> = {
                let mut stmt =
                    conn.prepare_cached("SELECT id, name, role, created_at FROM users ORDER BY name")?;
                let rows = stmt.query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (id, name, role, created_at) = row?;
                    out.push((
                        id,
                        UserInfo {
                            name,
                            role: stored_role(&role)?,
                            created_at,
                            tokens: Vec::new(),
                        },
                    ));
                }
                out
            };
            let mut stmt = conn.prepare_cached(
                "SELECT id, created_at, revoked_at FROM tokens WHERE user_id = ?1 ORDER BY created_at, id",
            )?;
            for (id, info) in &mut users {
                info.tokens = stmt
                    .query_map([*id], |r| {
                        Ok(TokenInfo {
                            id: r.get(0)?,
                            created_at: r.get(1)?,
                            revoked_at: r.get(2)?,
                        })
                    })?
                    .collect::<Result<_, _>>()?;
            }
            Ok(users.into_iter().map(|(_, u)| u).collect())
        })
    }

    /// The user holding an active token, or [`UserError::BadToken`].
    ///
    /// One indexed read and a blake3 hash (microseconds), the same work whether the id is
    /// unknown, revoked, or known with a wrong secret (see [`crate::token`]). A token whose hash
    /// an older build stored as argon2id is checked with argon2 (tens of milliseconds) and, when
    /// it matches, its hash is rewritten as blake3, so this happens once per token.
    pub fn authenticate(&self, token: &str) -> Result<User, StoreError> {
        let (id, secret) = token::split(token).ok_or(StoreError::User(UserError::BadToken))?;
        let (user, stored) = match self.read(|conn| active_token_user(conn, id))? {
            Some((user, stored)) => (Some(user), Some(stored)),
            None => (None, None),
        };
        match (user, token::verify(secret, stored.as_deref())) {
            (Some(user), token::Check::Match) => Ok(user),
            (Some(user), token::Check::Legacy) => {
                self.write(|tx| {
                    // Only if the hash is still the one checked: a concurrent check may have
                    // upgraded it already.
                    tx.execute(
                        "UPDATE tokens SET hash = ?1 WHERE id = ?2 AND hash = ?3",
                        params![token::hash(secret), id, stored],
                    )?;
                    Ok(())
                })?;
                Ok(user)
            }
            _ => Err(StoreError::User(UserError::BadToken)),
        }
    }

    // ---------------------------------------------------------------- tags

    /// Puts a sector on a clause for `user`. Returns `false` (and changes nothing) if the user
    /// already has this sector on this clause. Unknown sector or user is an error.
    pub fn tag(
        &self,
        user: &User,
        clause: &ClauseRef,
        sector_id: &str,
    ) -> Result<bool, StoreError> {
        check_clause_ref(clause)?;
        let hash = text_hash(&clause.text);
        let quote = quote(&clause.text);
        let section_path = serde_json::to_string(&clause.section_path)
            .map_err(|e| StoreError::User(UserError::InvalidInput(e.to_string())))?;
        self.write(|tx| {
            let (user_id, _) = user_row(tx, &user.name)?;
            check_sector(tx, sector_id)?;
            let before = clause_sector_list(tx, &clause.clause_id)?;
            let at = now(tx)?;
            let added = tx.execute(
                "INSERT OR IGNORE INTO tags (clause_id, doc_id, sector_id, user_id, at, text_hash,
                 quote, doc_number, section_path, clause_text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    clause.clause_id,
                    clause.doc_id,
                    sector_id,
                    user_id,
                    at,
                    hash,
                    quote,
                    clause.doc_number,
                    section_path,
                    clause.text
                ],
            )?;
            if added == 0 {
                return Ok(false);
            }
            let after = clause_sector_list(tx, &clause.clause_id)?;
            audit(
                tx,
                &at,
                &user.name,
                "tag",
                Audited {
                    clause_id: Some(&clause.clause_id),
                    sector_id: Some(sector_id),
                    subject: Some(&user.name),
                    from: Some(before),
                    to: Some(after),
                },
            )?;
            Ok(true)
        })
    }

    /// Removes a sector from a clause. An annotator removes their own tag; an admin removes the
    /// sector from the clause altogether (every annotator's tag of it, each audited).
    ///
    /// Returns `false` if the clause did not carry the sector. An annotator asking to remove a
    /// sector that only others put there gets [`UserError::Forbidden`].
    pub fn untag(&self, user: &User, clause_id: &str, sector_id: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            // The role comes from the database, not from the caller's `User`.
            let (_, role) = user_row(tx, &user.name)?;
            check_sector(tx, sector_id)?;
            let owners: Vec<(i64, String)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT t.id, u.name FROM tags t JOIN users u ON u.id = t.user_id
                     WHERE t.clause_id = ?1 AND t.sector_id = ?2 AND t.orphaned_at IS NULL
                     ORDER BY t.id",
                )?;
                stmt.query_map([clause_id, sector_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?
            };
            if owners.is_empty() {
                return Ok(false);
            }
            let targets: Vec<&(i64, String)> = owners
                .iter()
                .filter(|(_, owner)| role == Role::Admin || *owner == user.name)
                .collect();
            if targets.is_empty() {
                return Err(StoreError::User(UserError::Forbidden(format!(
                    "sector {sector_id} on {clause_id} was tagged by {}; only they or an admin can remove it",
                    owners[0].1
                ))));
            }
            let at = now(tx)?;
            let mut before = clause_sector_list(tx, clause_id)?;
            for (tag_id, owner) in targets {
                tx.execute("DELETE FROM tags WHERE id = ?1", [tag_id])?;
                let after = clause_sector_list(tx, clause_id)?;
                audit(
                    tx,
                    &at,
                    &user.name,
                    "untag",
                    Audited {
                        clause_id: Some(clause_id),
                        sector_id: Some(sector_id),
                        subject: Some(owner),
                        from: Some(before),
                        to: Some(after.clone()),
                    },
                )?;
                before = after;
            }
            Ok(true)
        })
    }

    /// The live tags of a clause, oldest first.
    pub fn tags_for_clause(&self, clause_id: &str) -> Result<Vec<Tag>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.clause_id, t.sector_id, u.name, t.at FROM tags t
                 JOIN users u ON u.id = t.user_id
                 WHERE t.clause_id = ?1 AND t.orphaned_at IS NULL ORDER BY t.at, t.id",
            )?;
            let rows = stmt.query_map([clause_id], |r| {
                Ok(Tag {
                    clause_id: r.get(0)?,
                    sector_id: r.get(1)?,
                    user: r.get(2)?,
                    at: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The distinct sector ids a clause carries (live tags), sorted: what the index mirrors.
    pub fn clause_sectors(&self, clause_id: &str) -> Result<Vec<String>, StoreError> {
        self.read(|conn| clause_sectors(conn, clause_id))
    }

    /// Every clause with live tags → its distinct sector ids, sorted: rebuilds the index mirror.
    pub fn sector_map(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT DISTINCT clause_id, sector_id FROM tags WHERE orphaned_at IS NULL
                 ORDER BY clause_id, sector_id",
            )?;
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (clause, sector) = row?;
                map.entry(clause).or_default().push(sector);
            }
            Ok(map)
        })
    }

    /// Tags that could not be re-attached, oldest orphan first.
    pub fn orphans(&self) -> Result<Vec<Orphan>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.clause_id, t.doc_id, t.doc_number, t.section_path, t.quote, t.clause_text,
                 t.sector_id, u.name, t.at, t.orphaned_at
                 FROM tags t JOIN users u ON u.id = t.user_id
                 WHERE t.orphaned_at IS NOT NULL ORDER BY t.orphaned_at, t.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Orphan {
                    clause_id: r.get(0)?,
                    doc_id: r.get(1)?,
                    doc_number: r.get(2)?,
                    section_path: parse_path(r.get(3)?),
                    quote: r.get(4)?,
                    clause_text: r.get(5)?,
                    sector_id: r.get(6)?,
                    user: r.get(7)?,
                    at: r.get(8)?,
                    orphaned_at: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Every tag (orphans included, flagged), by document, clause, sector and annotator.
    pub fn export(&self) -> Result<Vec<ExportRow>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.doc_number, t.doc_id, t.clause_id, t.section_path, t.clause_text,
                 t.sector_id, s.name, u.name, t.at, t.orphaned_at IS NOT NULL
                 FROM tags t JOIN users u ON u.id = t.user_id JOIN sectors s ON s.id = t.sector_id
                 ORDER BY t.doc_id, t.clause_id, t.sector_id, u.name, t.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(ExportRow {
                    doc_number: r.get(0)?,
                    doc_id: r.get(1)?,
                    clause_id: r.get(2)?,
                    section_path: parse_path(r.get(3)?),
                    clause_text: r.get(4)?,
                    sector_id: r.get(5)?,
                    sector_name: r.get(6)?,
                    annotator: r.get(7)?,
                    at: r.get(8)?,
                    orphaned: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The latest `limit` entries of the audit log, newest first.
    pub fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, actor, action, clause_id, sector_id, subject, from_value, to_value
                 FROM audit ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    clause_id: r.get(4)?,
                    sector_id: r.get(5)?,
                    subject: r.get(6)?,
                    from: r.get(7)?,
                    to: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
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

/// Optional fields of an audit entry.
#[derive(Default)]
pub(crate) struct Audited<'a> {
    pub clause_id: Option<&'a str>,
    pub sector_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Appends to the audit log, inside the caller's transaction.
pub(crate) fn audit(
    tx: &Transaction<'_>,
    at: &str,
    actor: &str,
    action: &str,
    e: Audited<'_>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, action, clause_id, sector_id, subject, from_value, to_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        at,
        actor,
        action,
        e.clause_id,
        e.sector_id,
        e.subject,
        e.from,
        e.to
    ])?;
    Ok(())
}

/// The id and role of a user by name.
fn user_row(conn: &Connection, name: &str) -> Result<(i64, Role), StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, role FROM users WHERE name = ?1")?
        .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, role) =
        row.ok_or_else(|| StoreError::User(UserError::UnknownUser(name.to_string())))?;
    Ok((id, stored_role(&role)?))
}

fn stored_role(role: &str) -> Result<Role, StoreError> {
    Role::parse(role).map_err(|_| {
        StoreError::Internal(InternalError::Corrupt(format!(
            "unknown role {role:?} in users"
        )))
    })
}

/// The user of an active token and the token's hash, by token id.
fn active_token_user(
    conn: &Connection,
    token_id: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT u.name, u.role, t.hash FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.id = ?1 AND t.revoked_at IS NULL",
        )?
        .query_row([token_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(name, role, hash)| {
        Ok((
            User {
                name,
                role: stored_role(&role)?,
            },
            hash,
        ))
    })
    .transpose()
}

fn insert_token(
    tx: &Transaction<'_>,
    user_id: i64,
    new: &token::NewToken,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO tokens (id, user_id, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![new.id, user_id, new.hash, at],
    )?;
    Ok(())
}

fn check_sector(conn: &Connection, sector_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("SELECT 1 FROM sectors WHERE id = ?1")?
        .query_row([sector_id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| StoreError::User(UserError::UnknownSector(sector_id.to_string())))
}

/// The distinct live sectors of a clause, sorted.
fn clause_sectors(conn: &Connection, clause_id: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT sector_id FROM tags WHERE clause_id = ?1 AND orphaned_at IS NULL
         ORDER BY sector_id",
    )?;
    let rows = stmt.query_map([clause_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// [`clause_sectors`] as the audit log records it: comma-separated.
fn clause_sector_list(conn: &Connection, clause_id: &str) -> Result<String, StoreError> {
    Ok(clause_sectors(conn, clause_id)?.join(","))
}

pub(crate) fn json_path(path: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(path)
        .map_err(|e| StoreError::Internal(InternalError::Corrupt(e.to_string())))
}

fn parse_path(json: String) -> Vec<String> {
    serde_json::from_str(&json).unwrap_or_default()
}

/// Checks a user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@` (Vietnamese letters
/// included), returned in NFC so `Đức` typed in NFD is the same user.
fn check_user_name(raw: &str) -> Result<String, StoreError> {
    // Normalizing drops control characters; refuse them rather than silently change the name.
    let name = vankien_ingest::normalize::normalize_text(raw);
    if raw.chars().any(char::is_control) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "user name {raw:?} has control characters"
        ))));
    }
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if name.is_empty() || name.chars().count() > 64 || !name.chars().all(ok_char) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "user name {name:?} must be 1 to 64 letters, digits, '.', '_', '-' or '@'"
        ))));
    }
    Ok(name)
}

fn check_clause_ref(c: &ClauseRef) -> Result<(), StoreError> {
    let bad_id =
        |s: &str| s.is_empty() || s.len() > MAX_ID_BYTES || s.chars().any(char::is_control);
    if bad_id(&c.clause_id) || bad_id(&c.doc_id) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "bad clause reference {:?} in {:?}",
            c.clause_id, c.doc_id
        ))));
    }
    if c.text.len() > MAX_TEXT_BYTES || canonical_text(&c.text).is_empty() {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "clause {} has an empty or oversized text",
            c.clause_id
        ))));
    }
    Ok(())
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

    #[test]
    fn user_names() {
        assert_eq!(check_user_name("lan").unwrap(), "lan");
        assert_eq!(check_user_name("Nguyễn.Đức").unwrap(), "Nguyễn.Đức");
        assert_eq!(check_user_name("Đu\u{301}c").unwrap(), "Đúc");
        assert!(check_user_name("").is_err());
        assert!(check_user_name("a b").is_err());
        assert!(check_user_name("a\u{7}").is_err());
        assert!(check_user_name(&"x".repeat(65)).is_err());
    }
}
