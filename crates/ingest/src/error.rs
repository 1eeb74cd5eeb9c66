//! Errors of ingestion: input that cannot be read as a document at all.

/// Why a file could not be ingested. Every variant names the file, and every message starts with
/// it, so that a command line can print `vankien: <message>` as it is.
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
    #[error("{file}: not a regular file ({what})")]
    NotAFile {
        /// The file.
        file: String,
        /// What it is instead: `a directory`, `a special file`.
        what: &'static str,
    },
    /// The file is empty or holds only white space.
    #[error("{file}: empty file")]
    Empty {
        /// The file.
        file: String,
    },
    /// The file is over the size limit ([`crate::MAX_FILE_BYTES`]).
    #[error("{file}: too large: {size} bytes, the limit is {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size in bytes (at least; reading stops past the limit).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are binary or in no supported encoding.
    #[error("{file}: cannot decode: {reason}")]
    Undecodable {
        /// The file.
        file: String,
        /// Why, e.g. `binary data (12 NUL bytes)`, `invalid utf-8 … at byte offset 5 (bytes FF)`.
        reason: String,
    },
    /// A document format vankien reads (PDF, Word, OpenDocument, HTML) whose file cannot be read:
    /// damaged, encrypted, a scan without text, too large unpacked, or a converter missing.
    #[error("{file}: cannot read this {format} file: {reason}")]
    Unreadable {
        /// The file.
        file: String,
        /// The format recognised from its content: `pdf`, `docx`, `odt`, `html`, `doc`.
        format: &'static str,
        /// Why, and what to do where something can be done (`no text layer: a scan; run OCR …`).
        reason: String,
    },
}

impl IngestError {
    /// The file the error is about, as it was given.
    pub fn file(&self) -> &str {
        match self {
            IngestError::Io { file, .. }
            | IngestError::NotAFile { file, .. }
            | IngestError::Empty { file }
            | IngestError::TooLarge { file, .. }
            | IngestError::Undecodable { file, .. }
            | IngestError::Unreadable { file, .. } => file,
        }
    }
}
