//! JSON request bodies of the team routes (users, assignments, verdicts, re-attachment): read
//! whole (the server caps a body at 16 KiB before it reaches a handler) and parsed, a malformed
//! one answered `400 bad_request` in JSON like every other error.

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Parses a JSON body into `T`; an empty, malformed or mistyped one is a 400 that says why.
pub(crate) fn json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "this route takes a JSON body; none was sent".into(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Name {
        name: String,
    }

    #[test]
    fn bodies_parse_or_say_why_not() {
        let ok: Name = json(&Bytes::from_static(br#"{"name":"lan"}"#)).unwrap();
        assert_eq!(ok.name, "lan");
        for bad in [&b""[..], b"  ", b"{", br#"{"name":1}"#, br#"{"nom":"lan"}"#] {
            let err = json::<Name>(&Bytes::copy_from_slice(bad)).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{bad:?}: {err:?}");
        }
    }
}
