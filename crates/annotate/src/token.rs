//! API tokens: `vk_<id>_<secret>`, with a public 16-hex-digit id to find the row and a
//! 64-hex-digit (32 random bytes) secret that is only ever stored as an argon2id PHC string.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::StoreError;

/// Every token starts with this.
pub const PREFIX: &str = "vk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// A freshly made token: its id, the whole token to hand to the user, and the hash to store.
pub struct NewToken {
    /// Public id (hex).
    pub id: String,
    /// The full token `vk_<id>_<secret>`: shown once, never stored.
    pub token: String,
    /// argon2id PHC string of the secret.
    pub hash: String,
}

/// Makes a new random token.
pub fn generate() -> Result<NewToken, StoreError> {
    let id = hex(&rand::random::<[u8; ID_BYTES]>());
    let secret = hex(&rand::random::<[u8; SECRET_BYTES]>());
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Hash(e.to_string()))?;
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| StoreError::Hash(e.to_string()))?
        .to_string();
    Ok(NewToken {
        token: format!("{PREFIX}{id}_{secret}"),
        id,
        hash,
    })
}

/// Splits a token into its id and secret, or `None` when it is not shaped like one.
pub fn split(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let is_hex = |s: &str, bytes: usize| {
        s.len() == 2 * bytes
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    (is_hex(id, ID_BYTES) && is_hex(secret, SECRET_BYTES)).then_some((id, secret))
}

/// Whether `secret` matches the stored PHC string. Slow by design (argon2).
pub fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = generate().unwrap();
        let (id, secret) = split(&t.token).unwrap();
        assert_eq!(id, t.id);
        assert!(verify(secret, &t.hash));
        assert!(!t.hash.contains(secret));
        assert!(t.hash.starts_with("$argon2id$"));
        let mut wrong = secret.to_string();
        wrong.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        assert!(!verify(&wrong, &t.hash));
        assert!(!verify(secret, "not a phc string"));
    }

    #[test]
    fn rejects_malformed_tokens() {
        let t = generate().unwrap();
        assert!(split(&t.token).is_some());
        assert!(split(&t.token[1..]).is_none());
        assert!(split(&t.token.to_uppercase()).is_none());
        assert!(split(&format!("{}0", t.token)).is_none());
        assert!(split("vk__").is_none());
        assert!(split("").is_none());
        assert!(split("vk_zzzzzzzzzzzzzzzz_00").is_none());
    }
}
