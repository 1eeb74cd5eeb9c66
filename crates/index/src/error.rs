//! Errors of the index: user errors (a query that cannot be run) apart from internal ones.

/// Why an index operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The query is not one vankien runs: bad syntax, too long, too many words, control
    /// characters. The message is for the user (the server answers 400 with it).
    #[error("{0}")]
    Query(#[from] QueryError),
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

/// Why a search request is refused: the user's error, each case with its own [`QueryError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The query has more characters than allowed.
    #[error("query too long: {chars} characters, at most {max}")]
    TooLong {
        /// Characters of the query.
        chars: usize,
        /// The most allowed.
        max: usize,
    },
    /// The query has more words than allowed (words of phrases and exclusions included). The
    /// parser stops counting at the first word over the limit.
    #[error("query has too many words: at most {max}")]
    TooManyWords {
        /// The most allowed.
        max: usize,
    },
    /// A `"` opens a phrase that no `"` closes.
    #[error("unbalanced quote: a phrase needs a closing \"")]
    UnbalancedQuote,
    /// The query holds a control character (a tab is allowed).
    #[error("query has a control character (U+{:04X})", *.0 as u32)]
    ControlCharacter(char),
    /// Nothing to match: no word, phrase or document number, and no filter.
    #[error("empty query: type a word, a \"phrase\" or a document number")]
    Empty,
    /// The page offset is deeper than allowed.
    #[error("offset {offset} is too deep: at most {max}")]
    OffsetTooDeep {
        /// The offset asked for.
        offset: usize,
        /// The deepest allowed.
        max: usize,
    },
    /// The year range has its start after its end.
    #[error("year range {from}–{to} is empty")]
    EmptyYearRange {
        /// The first year.
        from: i32,
        /// The last year.
        to: i32,
    },
}

impl QueryError {
    /// A stable, machine-readable code for the case (`query_too_long` …), for the server's
    /// answers and the page's messages.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::TooLong { .. } => "query_too_long",
            QueryError::TooManyWords { .. } => "query_too_many_words",
            QueryError::UnbalancedQuote => "query_unbalanced_quote",
            QueryError::ControlCharacter(_) => "query_control_character",
            QueryError::Empty => "query_empty",
            QueryError::OffsetTooDeep { .. } => "query_offset_too_deep",
            QueryError::EmptyYearRange { .. } => "query_empty_year_range",
        }
    }
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
