//! Text extraction for the `pdf` format (not written yet).

use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a pdf file.
pub(super) fn extract(_bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    Err(unreadable(file, Format::Pdf, "not supported yet"))
}
