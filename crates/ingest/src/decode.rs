//! Decoding: detect how a file's bytes encode text and turn them into a Rust string.
//! (Placeholder: UTF-8 only; being written.)

use crate::IngestError;

/// A decoded text and the encoding it was found in.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, as decoded (not yet normalized).
    pub text: String,
    /// The encoding's name: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1258`.
    pub encoding: &'static str,
}

/// Detects the encoding of `bytes` and decodes them; `file` names the input in errors.
pub fn decode(bytes: &[u8], file: &str) -> Result<Decoded, IngestError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            encoding: "utf-8",
        }),
        Err(_) => Err(IngestError::Undecodable {
            file: file.to_string(),
            reason: "not utf-8".into(),
        }),
    }
}
