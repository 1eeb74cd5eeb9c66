//! Errors of ingestion: input that cannot be read as a document at all.

/// Why a file could not be ingested. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read (missing, unreadable).
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The path is a directory or other non-file.
    #[error("{file}: not a regular file")]
    NotAFile {
        /// The file.
        file: String,
    },
    /// The file is empty or holds only white space.
    #[error("{file}: empty file")]
    Empty {
        /// The file.
        file: String,
    },
    /// The file is over the size limit.
    #[error("{file}: {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are binary or in no supported encoding.
    #[error("{file}: cannot decode: {reason}")]
    Undecodable {
        /// The file.
        file: String,
        /// Why, e.g. `binary data (NUL bytes)`, `looks like TCVN3 (ABC), not supported yet`.
        reason: String,
    },
}
