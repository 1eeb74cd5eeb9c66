//! The database schema and its migrations, versioned by SQLite's `user_version`.
//!
//! Each migration runs once, in its own transaction with the version bump, so a crash mid-way
//! leaves the previous version intact. Never edit a released migration: append a new one.

use crate::InternalError;
use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;
use crate::identity::{self, Identity};

/// The migrations, in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE sectors (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL CHECK (name <> ''),
    parent   TEXT REFERENCES sectors(id),
    position INTEGER NOT NULL
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('annotator', 'admin')),
    created_at TEXT NOT NULL
);

-- A token is `vk_<id>_<secret>`: the row is found by id and the secret checked against an argon2
-- PHC string. The secret itself is never stored.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    hash       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX tokens_user ON tokens(user_id);

-- A tag with its anchor (text hash + quote) and a snapshot of the clause for export.
-- `orphaned_at` is set when re-attachment found no clause for it; such rows are never deleted.
CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    clause_id    TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    sector_id    TEXT NOT NULL REFERENCES sectors(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    at           TEXT NOT NULL,
    text_hash    TEXT NOT NULL,
    quote        TEXT NOT NULL,
    doc_number   TEXT,
    section_path TEXT NOT NULL,
    clause_text  TEXT NOT NULL,
    orphaned_at  TEXT
);
-- One live tag per (clause, sector, user); orphans are outside the constraint.
CREATE UNIQUE INDEX tags_live ON tags(clause_id, sector_id, user_id) WHERE orphaned_at IS NULL;
CREATE INDEX tags_doc ON tags(doc_id);
CREATE INDEX tags_clause ON tags(clause_id);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    clause_id  TEXT,
    sector_id  TEXT,
    subject    TEXT,
    from_value TEXT,
    to_value   TEXT
);
-- The audit log is append-only, whoever writes to the file.
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    r#"
-- Documents an ingestion is changing: written before its index commit, deleted in the
-- transaction that re-attaches the document's tags. Hashes are JSON [[clause_id, hash], ...].
CREATE TABLE pending_reattach (
    doc_id     TEXT PRIMARY KEY,
    old_hashes TEXT NOT NULL,
    new_hashes TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Facts about this store itself, such as its id (also written beside the database file, so
-- that a database replaced by an empty one is noticed).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- Roles gain `reviewer`. SQLite cannot change a CHECK constraint, so the table is rebuilt with its
-- ids (tokens and tags refer to them); this migration runs with foreign keys off, checked at its end.
CREATE TABLE users_new (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
    created_at TEXT NOT NULL
);
INSERT INTO users_new (id, name, role, created_at) SELECT id, name, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- A user has looked at a clause: their answer is their live tags on it, or "no sector applies"
-- when they have none. Anchored by the clause's text hash, to follow it when ids shift.
CREATE TABLE decisions (
    clause_id TEXT NOT NULL,
    doc_id    TEXT NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    text_hash TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (clause_id, user_id)
);
CREATE INDEX decisions_doc ON decisions(doc_id);
-- Whoever tagged a clause has decided it.
INSERT INTO decisions (clause_id, doc_id, user_id, text_hash, at)
    SELECT clause_id, doc_id, user_id, text_hash, MIN(at) FROM tags
    WHERE orphaned_at IS NULL GROUP BY clause_id, user_id;

-- A document, or the section under a path prefix (JSON array of labels, `[]` for all of it),
-- given to an annotator; blind: they see others' tags on a clause only once they decided it.
CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    doc_id       TEXT NOT NULL,
    section_path TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    blind        INTEGER NOT NULL CHECK (blind IN (0, 1)),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (doc_id, section_path, user_id)
);
CREATE INDEX assignments_user ON assignments(user_id);

-- A reviewer's verdict on a sector of a clause; accepted ones form the gold set.
CREATE TABLE reviews (
    clause_id   TEXT NOT NULL,
    sector_id   TEXT NOT NULL REFERENCES sectors(id),
    doc_id      TEXT NOT NULL,
    text_hash   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    at          TEXT NOT NULL,
    PRIMARY KEY (clause_id, sector_id)
);
CREATE INDEX reviews_doc ON reviews(doc_id);
"#,
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`VERSION`], refusing a database from a newer vankien, and returns
/// the store's identity: a new store gets its id in the transaction that completes its schema,
/// a store made before ids existed gets one now.
pub(crate) fn migrate(conn: &mut Connection) -> Result<Identity, StoreError> {
    // A migration may rebuild a table others refer to (SQLite's documented way to change a
    // constraint), which needs foreign keys off; they are checked before each commit instead,
    // and on again whatever happens.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = run_migrations(conn);
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

fn run_migrations(conn: &mut Connection) -> Result<Identity, StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read the version inside the write lock: two processes opening a new file at once must
        // not both run the same migration.
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > VERSION {
            return Err(StoreError::Internal(InternalError::SchemaTooNew {
                found,
                known: VERSION,
            }));
        }
        if found < VERSION {
            tx.execute_batch(MIGRATIONS[found as usize])?;
            check_foreign_keys(&tx)?;
            tx.pragma_update(None, "user_version", found + 1)?;
            if found + 1 < VERSION {
                tx.commit()?;
                continue;
            }
        }
        let identity = identity::ensure(&tx)?;
        tx.commit()?;
        return Ok(identity);
    }
}

/// Refuses to commit a migration that left a row pointing nowhere.
fn check_foreign_keys(tx: &Connection) -> Result<(), StoreError> {
    let broken: Vec<String> = tx
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "{} row {:?}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?
            ))
        })?
        .collect::<Result<_, _>>()?;
    if broken.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Internal(InternalError::Corrupt(format!(
            "a migration left rows that refer to nothing: {}",
            broken.join(", ")
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, Store, token};

    /// A store as the build before the reviewer role left it (schema version 2), with an
    /// annotator, an admin, a token and a tag, brought up to date by opening it.
    #[test]
    fn the_reviewer_migration_keeps_users_tokens_and_tags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::DB_FILE);
        let new = token::generate();
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            for m in &MIGRATIONS[..2] {
                conn.execute_batch(m).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(
                "INSERT INTO sectors VALUES ('du-lich', 'Du lịch', NULL, 0);
                 INSERT INTO users VALUES (7, 'lan', 'annotator', '2026-01-01T00:00:00.000Z');
                 INSERT INTO users VALUES (9, 'quan-tri', 'admin', '2026-01-01T00:00:00.000Z');
                 INSERT INTO tags (clause_id, doc_id, sector_id, user_id, at, text_hash, quote,
                     section_path, clause_text)
                 VALUES ('d/1', 'd', 'du-lich', 7, '2026-01-02T00:00:00.000Z', 'h', 'q', '[]', 't');",
            )
            .unwrap();
            conn.execute(
                "INSERT INTO tokens (id, user_id, hash, created_at) VALUES (?1, 7, ?2, 'x')",
                [&new.id, &new.hash],
            )
            .unwrap();
            // The old constraint refuses a reviewer.
            assert!(
                conn.execute(
                    "INSERT INTO users (name, role, created_at) VALUES ('thu', 'reviewer', 'x')",
                    []
                )
                .is_err()
            );
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.authenticate(&new.token).unwrap().name, "lan");
        let tags = store.tags_for_clause("d/1").unwrap();
        assert_eq!(
            (tags[0].user.as_str(), tags[0].sector_id.as_str()),
            ("lan", "du-lich")
        );
        // Whoever tagged has decided, as of the tag.
        let decisions = store.decisions(Some("d"), None).unwrap();
        assert_eq!(decisions.len(), 1);
        assert_eq!(decisions[0].at, "2026-01-02T00:00:00.000Z");
        store.add_user("thu", Role::Reviewer).unwrap();
        let roles: Vec<(String, Role)> = store
            .users()
            .unwrap()
            .into_iter()
            .map(|u| (u.name, u.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("lan".to_string(), Role::Annotator),
                ("quan-tri".to_string(), Role::Admin),
                ("thu".to_string(), Role::Reviewer)
            ]
        );
        // The new constraint still refuses an unknown role, and foreign keys are on again.
        store
            .write(|tx| {
                assert!(
                    tx.execute(
                        "INSERT INTO users (name, role, created_at) VALUES ('x', 'boss', 'x')",
                        []
                    )
                    .is_err()
                );
                assert!(
                    tx.execute(
                        "INSERT INTO tokens (id, user_id, hash, created_at) VALUES ('t', 999, 'h', 'x')",
                        []
                    )
                    .is_err()
                );
                Ok(())
            })
            .unwrap();
        assert!(store.integrity_check().unwrap().is_empty());
    }
}
