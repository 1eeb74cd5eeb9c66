//! Text extraction for the `odt` format (not written yet).

use super::{Extracted, Format, unreadable};
use crate::IngestError;

/// Extracts the text of a odt file.
pub(super) fn extract(_bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    Err(unreadable(file, Format::Odt, "not supported yet"))
}
