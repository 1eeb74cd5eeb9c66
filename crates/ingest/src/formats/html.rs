//! Text extraction for the `html` format (not written yet).

use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a html file.
pub(super) fn extract(_bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    Err(unreadable(file, Format::Html, "not supported yet"))
}
