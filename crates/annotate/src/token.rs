//! API tokens: `vk_<id>_<secret>`, with a public 16-hex-digit id to find the row and a
//! 64-hex-digit (32 random bytes) secret that is only ever stored as `blake3:<hex>`, the blake3
//! hash of the secret as written in the token.
//!
//! A secret of 256 random bits cannot be guessed, so a slow password hash protects nothing: it
//! only made each check of a known id cost ~23 ms of CPU (a flood of wrong secrets ate the
//! machine) against under a millisecond for an unknown id (which told ids apart). blake3 takes
//! about a microsecond, its [`blake3::Hash`] compares in constant time, and a check of an unknown
//! or revoked id compares against a fixed dummy, so both paths do the same work.
//!
//! Older builds stored argon2id PHC strings. Those still verify, slowly, and the store rewrites
//! each one as blake3 at its first successful check ([`Check::Legacy`]).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordVerifier};

/// Every token starts with this.
pub const PREFIX: &str = "vk_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// Every stored hash this build writes starts with this.
pub const HASH_PREFIX: &str = "blake3:";

/// What an unknown or revoked id's secret is compared with: no secret hashes to it (finding one
/// would break blake3), and comparing with it costs what comparing with a real hash costs.
const DUMMY_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A freshly made token: its id, the whole token to hand to the user, and the hash to store.
pub struct NewToken {
    /// Public id (hex).
    pub id: String,
    /// The full token `vk_<id>_<secret>`: shown once, never stored.
    pub token: String,
    /// `blake3:<hex>` of the secret.
    pub hash: String,
}

/// Makes a new random token.
pub fn generate() -> NewToken {
    let id = hex(&rand::random::<[u8; ID_BYTES]>());
    let secret = hex(&rand::random::<[u8; SECRET_BYTES]>());
    NewToken {
        token: format!("{PREFIX}{id}_{secret}"),
        hash: hash(&secret),
        id,
    }
}

/// The stored form of a secret: `blake3:` and the hex of its blake3 hash.
pub fn hash(secret: &str) -> String {
    format!("{HASH_PREFIX}{}", blake3::hash(secret.as_bytes()).to_hex())
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

/// The outcome of [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The secret does not match (or there was no hash to match).
    Mismatch,
    /// The secret matches a blake3 hash.
    Match,
    /// The secret matches an argon2id hash from an older build: store [`hash`] in its place.
    Legacy,
}

/// Checks `secret` against the stored hash of its token, or, with `None` (unknown or revoked
/// id), against a dummy, doing the same work so that the time taken tells nothing.
///
/// A blake3 hash is checked in constant time; a legacy argon2id PHC string takes tens of
/// milliseconds; anything else never matches.
pub fn verify(secret: &str, stored: Option<&str>) -> Check {
    let computed = blake3::hash(secret.as_bytes());
    if let Some(phc) = stored.filter(|s| s.starts_with("$argon2")) {
        return match PasswordHash::new(phc) {
            Ok(parsed)
                if Argon2::default()
                    .verify_password(secret.as_bytes(), &parsed)
                    .is_ok() =>
            {
                Check::Legacy
            }
            _ => Check::Mismatch,
        };
    }
    let (real, expected) = match stored.and_then(|s| s.strip_prefix(HASH_PREFIX)) {
        Some(hex) => (true, hex),
        None => (false, DUMMY_HASH),
    };
    // black_box: the comparison with the dummy must happen, not be optimized away as unused.
    let equal = std::hint::black_box(
        blake3::Hash::from_hex(expected).is_ok_and(|expected| computed == expected),
    );
    if real && equal {
        Check::Match
    } else {
        Check::Mismatch
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, SaltString};

    use super::*;

    /// `secret` with its first digit changed.
    fn wrong(secret: &str) -> String {
        let mut wrong = secret.to_string();
        wrong.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
        wrong
    }

    #[test]
    fn round_trip() {
        let t = generate();
        let (id, secret) = split(&t.token).unwrap();
        assert_eq!(id, t.id);
        assert_eq!(verify(secret, Some(&t.hash)), Check::Match);
        assert!(!t.hash.contains(secret));
        assert!(t.hash.starts_with("blake3:"));
        assert_eq!(t.hash.len(), "blake3:".len() + 64);
        assert_eq!(verify(&wrong(secret), Some(&t.hash)), Check::Mismatch);
        assert_eq!(verify(secret, None), Check::Mismatch);
        assert_eq!(verify(secret, Some("not a hash")), Check::Mismatch);
        assert_eq!(verify(secret, Some("blake3:00")), Check::Mismatch);
        // The bare hex without its prefix is not accepted either.
        assert_eq!(
            verify(secret, Some(&t.hash["blake3:".len()..])),
            Check::Mismatch
        );
        assert_ne!(generate().token, t.token);
    }

    #[test]
    fn legacy_argon2_hashes_still_verify() {
        let t = generate();
        let (_, secret) = split(&t.token).unwrap();
        let salt = SaltString::encode_b64(&[7; 16]).unwrap();
        let phc = Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(phc.starts_with("$argon2id$"));
        assert_eq!(verify(secret, Some(&phc)), Check::Legacy);
        assert_eq!(verify(&wrong(secret), Some(&phc)), Check::Mismatch);
        assert_eq!(verify(secret, Some("$argon2id$garbage")), Check::Mismatch);
    }

    #[test]
    fn rejects_malformed_tokens() {
        let t = generate();
        assert!(split(&t.token).is_some());
        assert!(split(&t.token[1..]).is_none());
        assert!(split(&t.token.to_uppercase()).is_none());
        assert!(split(&format!("{}0", t.token)).is_none());
        assert!(split("vk__").is_none());
        assert!(split("").is_none());
        assert!(split("vk_zzzzzzzzzzzzzzzz_00").is_none());
    }
}
