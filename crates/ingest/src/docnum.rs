//! Document numbers: parse `57-NQ/TW`, `12/2021/NQ-HĐND` and the ways users type them into one
//! normalized key. (Placeholder; being written.)

/// The normalized key of a document number as written or typed, if it looks like one.
pub fn number_key(s: &str) -> Option<String> {
    let key = crate::normalize::folded_key(s);
    (!key.is_empty()).then_some(key)
}
