//! Text extraction for the `docx` format (not written yet).

use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a docx file.
pub(super) fn extract(_bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    Err(unreadable(file, Format::Docx, "not supported yet"))
}
