//! Zip archives (the container of `.docx` and `.odt`): which format one holds (not written yet).

use super::Format;

/// The format of a zip archive's content: a `.docx`, an `.odt`, or text (refused by decode).
pub(super) fn sniff(_bytes: &[u8]) -> Format {
    Format::Docx
}
