//! Ingestion of Vietnamese Party and state documents: decode the bytes as they arrive, normalize
//! the text, and parse it into a [`Document`] of sections and clauses.
//!
//! The entry points are [`read_file`] (a path) and [`parse_bytes`] (bytes already read). Parsing
//! never fails on an odd document: it returns the document with [`Document::diagnostics`]. Only
//! input that cannot be read as text at all is an [`IngestError`].

pub mod decode;
pub mod docnum;
pub mod error;
pub mod model;
pub mod normalize;
pub mod parse;

use std::path::Path;

pub use error::IngestError;
pub use model::{Clause, ClauseKind, DocKind, Document, Section};

/// The largest file ingestion reads: 16 MiB. The longest real resolutions are well under 1 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads, decodes and parses one file.
///
/// Fails with an error naming the file when it is missing, empty, larger than
/// [`MAX_FILE_BYTES`], binary, or in no encoding vankien can read.
pub fn read_file(path: &Path) -> Result<Document, IngestError> {
    let bytes = read_bytes(path)?;
    parse_bytes(&bytes, &path.display().to_string())
}

/// Reads a file's bytes, refusing missing, empty and oversized files.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| IngestError::Io {
        file: file.clone(),
        source: e,
    })?;
    if meta.is_dir() {
        return Err(IngestError::NotAFile { file });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            file,
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    std::fs::read(path).map_err(|e| IngestError::Io { file, source: e })
}

/// Decodes and parses the bytes of one document; `source` names it in errors and in the result.
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Document, IngestError> {
    let decoded = decode::decode(bytes, source)?;
    Ok(parse::parse(&decoded.text, source, decoded.encoding))
}
