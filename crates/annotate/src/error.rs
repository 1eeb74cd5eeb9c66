//! The errors of the annotation store: user errors (a caller asked for something that cannot be
//! done) apart from internal ones (the database or the file system failed).

use std::path::PathBuf;

/// Everything that can go wrong in the annotation store.
///
/// [`StoreError::is_user_error`] tells the two families apart: the server answers user errors
/// with a 4xx and logs internal ones behind a 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // --- user errors ---
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

    // --- internal errors ---
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
    /// Hashing a token failed.
    #[error("token hashing failed: {0}")]
    Hash(String),
    /// Stored data is not what the store wrote (e.g. an unknown role).
    #[error("corrupt store: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error is the caller's (4xx) rather than the store's (5xx).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::UnknownSector(_)
                | StoreError::UnknownUser(_)
                | StoreError::UserExists(_)
                | StoreError::BadToken
                | StoreError::Forbidden(_)
                | StoreError::InvalidInput(_)
                | StoreError::Taxonomy { .. }
                | StoreError::DataDirInsideIndex { .. }
        )
    }

    /// Whether SQLite gave up waiting for a lock (another process held it past the busy timeout):
    /// worth a 503 and a retry rather than a 500.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}
