//! The errors of the annotation store: user errors (a caller asked for something that cannot be
//! done) apart from internal ones (the database or the file system failed).

use std::path::PathBuf;

/// Everything that can go wrong in the annotation store: the caller's mistake, or the store's
/// failure. The server answers the first with a 4xx and logs the second behind a 500; matching
/// on the two types is exhaustive, so a new error must be placed on one side.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller asked for something that cannot be done.
    #[error(transparent)]
    User(#[from] UserError),
    /// The database or the file system failed, or the store is not what it should be.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// A request the store refuses: the caller can fix it.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The sector id is not in the taxonomy.
    #[error("unknown sector: {0}")]
    UnknownSector(String),
    /// No user has this name.
    #[error("unknown user: {0}")]
    UnknownUser(String),
    /// A user with this name already exists.
    #[error("user already exists: {0}")]
    UserExists(String),
    /// The token is malformed, unknown, revoked or does not match.
    #[error("bad token")]
    BadToken,
    /// The user may not do this (e.g. an annotator removing another annotator's tag).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such thing (an assignment, an orphaned tag) by the id given.
    #[error("not found: {0}")]
    NotFound(String),
    /// The change contradicts what the store holds (an assignment that exists, a verdict on a
    /// sector nobody tagged, a re-attachment onto a tag that is there already).
    #[error("conflict: {0}")]
    Conflict(String),
    /// An argument is malformed (a user name, a clause reference, a role).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The taxonomy file is malformed; the message names the problem.
    #[error("bad taxonomy file {file}: {problem}")]
    Taxonomy {
        /// The file read.
        file: String,
        /// What is wrong, e.g. `duplicate sector id du-lich`.
        problem: String,
    },
    /// The data directory is the index directory or lies inside it.
    #[error(
        "the data directory {data} must not be inside the index directory {index}: rebuilding the index would destroy the annotations"
    )]
    DataDirInsideIndex {
        /// The data directory, resolved.
        data: PathBuf,
        /// The index directory, resolved.
        index: PathBuf,
    },
}

/// A failure of the store itself: no request can fix it.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file or directory could not be read or created.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database was written by a newer vankien.
    #[error("database schema version {found} is newer than this vankien knows ({known})")]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// Stored data is not what the store wrote (e.g. an unknown role).
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// The marker beside the database says a store lived here, but the database is missing,
    /// empty, or another store's: opening it would silently start without its users and tags.
    #[error(
        "the annotation database {path} {reason}, but {marker} says store {expected} lives here, so its users and tags would be lost: restore the database from a backup, or, to really start an empty store (or keep this file as it is), delete {marker}"
    )]
    StoreGone {
        /// The database file.
        path: PathBuf,
        /// The marker file (`vankien.store.json`).
        marker: PathBuf,
        /// The store id the marker records.
        expected: String,
        /// What is wrong with the database.
        reason: Gone,
    },
    /// The database file is not a sound SQLite database (not one at all, or it fails
    /// `PRAGMA quick_check`).
    #[error("the annotation database {path} is damaged ({problem}): restore it from a backup")]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What SQLite found.
        problem: String,
    },
    /// The marker file beside the database cannot be understood.
    #[error(
        "the store marker {path} is unreadable ({problem}): restore it from a backup, or delete it if the database beside it is the right one (it is then written again)"
    )]
    BadMarker {
        /// The marker file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// The data directory cannot be written (read-only file system or permissions).
    #[error(
        "the data directory {dir} is not writable ({source}): the annotation store writes its database, journal and marker there"
    )]
    DataDirNotWritable {
        /// The data directory.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Internal(InternalError::Sqlite(e))
    }
}

/// What is wrong with a database that its marker file says should hold a store
/// ([`InternalError::StoreGone`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gone {
    /// There is no database file.
    Missing,
    /// The file is empty: 0 bytes, or a database without tables.
    Empty,
    /// The database has tables but no store id: an older vankien's or another program's.
    NoId,
    /// The database is another store's: it holds this id.
    OtherStore(String),
}

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gone::Missing => f.write_str("is missing"),
            Gone::Empty => f.write_str("is empty"),
            Gone::NoId => f.write_str("holds no store id"),
            Gone::OtherStore(id) => write!(f, "belongs to another store ({id})"),
        }
    }
}

impl StoreError {
    /// Whether the error is the caller's (4xx) rather than the store's (5xx).
    pub fn is_user_error(&self) -> bool {
        matches!(self, StoreError::User(_))
    }

    /// Whether SQLite gave up waiting for a lock (another process held it past the busy timeout):
    /// worth a 503 and a retry rather than a 500.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Internal(InternalError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}
