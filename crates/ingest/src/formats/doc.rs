//! Text extraction for the `doc` format (not written yet).

use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a doc file.
pub(super) fn extract(_bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    Err(unreadable(file, Format::Doc, "not supported yet"))
}
