//! Errors of the index: user errors (a query that cannot be run) apart from internal ones.

/// Why an index operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The query is not one vankien runs: bad syntax, too long, too many words, control
    /// characters. The message is for the user (the server answers 400 with it).
    #[error("{0}")]
    Query(String),
    /// The directory holds no index (for [`crate::Index::open`]).
    #[error("no index in {0}")]
    NotFound(String),
    /// The index was written by another version of vankien with a schema this one does not know.
    #[error(
        "index in {dir} has schema version {found}, this vankien reads version {expected}: rebuild it with `vankien ingest`"
    )]
    SchemaVersion {
        /// The index directory.
        dir: String,
        /// The version recorded in the index.
        found: String,
        /// The version this build reads and writes.
        expected: u32,
    },
    /// A clause or document id that is not in the index.
    #[error("no such {what}: {id}")]
    Missing {
        /// `clause` or `document`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// Reading or writing the index directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// tantivy failed (corrupt index, lock held by another writer …).
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The caller's [`crate::IngestHooks`] refused the batch (its own error says why).
    #[error("{0}")]
    Hook(String),
    /// Stored data the index wrote could not be read back.
    #[error("index data: {0}")]
    Data(String),
}

impl IndexError {
    /// Whether this is the user's error (a bad query) rather than the index's.
    pub fn is_user_error(&self) -> bool {
        matches!(self, IndexError::Query(_))
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for IndexError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        IndexError::Tantivy(e.into())
    }
}
