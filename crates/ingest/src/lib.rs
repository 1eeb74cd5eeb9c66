//! Ingestion of Vietnamese Party and state documents: decode the bytes as they arrive, normalize
//! the text, and parse it into a [`Document`] of sections and clauses.
//!
//! The entry points are [`read_file`] (a path) and [`parse_bytes`] (bytes already read). Parsing
//! never fails on an odd document: it returns the document with [`Document::diagnostics`]. Only
//! input that cannot be read as text at all is an [`IngestError`].

pub mod decode;
pub mod docnum;
pub mod error;
pub mod formats;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod relations;
pub mod signer;
pub mod targets;
mod walk;

use std::path::Path;

pub use error::IngestError;
pub use model::{Clause, ClauseKind, DocKind, Document, Section};
pub use signer::{Signer, signer};
pub use walk::{SourceFile, find_files};

/// The largest file ingestion reads: 16 MiB (16 777 216 bytes). The longest real resolutions are
/// well under 1 MiB; the limit keeps a stray archive or disk image from being read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads, decodes and parses one file.
///
/// Fails with an error naming the file when it is missing, not a regular file, empty, larger
/// than [`MAX_FILE_BYTES`], binary, or in no encoding vankien can read.
pub fn read_file(path: &Path) -> Result<Document, IngestError> {
    let bytes = read_bytes(path)?;
    parse_bytes(&bytes, &path.display().to_string())
}

/// Reads a file's bytes, refusing missing, non-regular and oversized files.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    use std::io::Read;

    let file = path.display().to_string();
    let io = |source| IngestError::Io {
        file: file.clone(),
        source,
    };
    // Check the path before opening it: opening a FIFO would block.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "a special file"
        };
        return Err(IngestError::NotAFile { file, what });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            file,
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let handle = std::fs::File::open(path).map_err(io)?;
    // The file may have grown since the check: never read more than the limit and one byte.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            file,
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// The stored text of one document's bytes, as [`parse_bytes`] would give it in
/// [`Document::text`]: for a reader of the spans who kept the source rather than the text.
pub fn stored_text(bytes: &[u8], source: &str) -> Result<String, IngestError> {
    let extracted = formats::extract(bytes, source)?;
    Ok(parse::stored_text(&extracted).0)
}

/// Recognises the format of one document's bytes, extracts and parses its text; `source` names
/// it in errors and in the result.
///
/// Fails only when the bytes hold no text vankien can read (see [`formats::extract`] and
/// [`decode::decode`]); an odd document parses, with [`Document::diagnostics`].
pub fn parse_bytes(bytes: &[u8], source: &str) -> Result<Document, IngestError> {
    let extracted = formats::extract(bytes, source)?;
    Ok(parse::parse_extracted(extracted, source))
}
