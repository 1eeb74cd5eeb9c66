//! Who is asking: the annotator behind `Authorization: Bearer <token>`, checked apart from the
//! searches and with a cap on failures.
//!
//! A token check is one database read and a blake3 hash (a token made by an older vankien is
//! checked once with argon2, tens of milliseconds, then rewritten). The checks run on their own
//! few permits ([`ServerConfig::auth_permits`]), never on the searches' ones: a
//! flood of wrong secrets slows other token checks, not searches. And after
//! [`ServerConfig::auth_failures_per_minute`] failed checks within a minute from one client
//! address, or for one token id, further checks from there are answered 429
//! `too_many_attempts` with `Retry-After`, without hashing anything.
//!
//! [`ServerConfig::auth_permits`]: crate::ServerConfig::auth_permits
//! [`ServerConfig::auth_failures_per_minute`]: crate::ServerConfig::auth_failures_per_minute

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use tokio::sync::Semaphore;
use vankien_annotate::{User, token};

use crate::error::ApiError;
use crate::state::AppState;

/// The window over which failures are counted.
const WINDOW: Duration = Duration::from_secs(60);

/// How long a token check waits for one of its permits before the answer is 503 `overloaded`:
/// longer than a search waits, since a check takes tens of milliseconds.
const PERMIT_WAIT: Duration = Duration::from_secs(2);

/// Past this many tracked keys, keys without a failure in the window are forgotten, so that a
/// flood of made-up token ids cannot grow the table without bound.
const MAX_KEYS: usize = 10_000;

/// The longest token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 512;

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Client(IpAddr),
    TokenId(String),
}

/// The permits and the failure counts of token checks.
pub(crate) struct AuthGate {
    permits: Arc<Semaphore>,
    per_minute: usize,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl AuthGate {
    pub(crate) fn new(permits: usize, per_minute: u32) -> AuthGate {
        AuthGate {
            permits: Arc::new(Semaphore::new(permits)),
            per_minute: usize::try_from(per_minute).unwrap_or(usize::MAX).max(1),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The permits of token checks. Tests hold them to simulate a flood.
    pub(crate) fn permits(&self) -> Arc<Semaphore> {
        self.permits.clone()
    }

    /// `Err(TooManyAttempts)` when any of `keys` has used up its failures at `now`.
    fn check(&self, keys: &[Key], now: Instant) -> Result<(), ApiError> {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let mut wait = Duration::ZERO;
        for key in keys {
            let Some(times) = failures.get(key) else {
                continue;
            };
            let recent: Vec<&Instant> = times
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < WINDOW)
                .collect();
            if recent.len() >= self.per_minute {
                // Free again when the oldest failure that counts leaves the window.
                let oldest = recent[recent.len() - self.per_minute];
                wait = wait.max(WINDOW.saturating_sub(now.saturating_duration_since(*oldest)));
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(ApiError::TooManyAttempts {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            })
        }
    }

    /// Counts one failure against each of `keys` at `now`.
    fn record(&self, keys: &[Key], now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) < WINDOW)
            });
            if failures.len() >= MAX_KEYS {
                // Every key failed within the minute: a flood of addresses or ids. Forget them
                // rather than grow; the permits still bound the hashing.
                failures.clear();
            }
        }
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            times.push_back(now);
            while times.len() > self.per_minute {
                times.pop_front();
            }
        }
    }
}

/// The user behind `Authorization: Bearer <token>`; missing or bad → 401, too many failures →
/// 429.
pub(crate) struct Annotator(pub User);

impl FromRequestParts<AppState> for Annotator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::Unauthorized(
                "a token is needed: send `Authorization: Bearer <token>`".into(),
            ));
        };
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let gate = state.auth_gate();
        let mut keys = vec![Key::Client(client)];
        let token = value.to_str().ok().and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
        let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_BYTES) else {
            // A malformed header is a failed attempt too: it may be a guess in another shape.
            gate.check(&keys, Instant::now())?;
            gate.record(&keys, Instant::now());
            return Err(ApiError::Unauthorized(
                "malformed Authorization header: expected `Bearer <token>`".into(),
            ));
        };
        if let Some((id, _)) = token::split(token) {
            keys.push(Key::TokenId(id.to_string()));
        }
        gate.check(&keys, Instant::now())?;
        let token = token.to_string();
        let store = state.store();
        let permit = tokio::time::timeout(PERMIT_WAIT, gate.permits().acquire_owned())
            .await
            .map_err(|_| ApiError::Overloaded)?
            .map_err(|_| ApiError::Overloaded)?;
        let checked = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            store.authenticate(&token)
        })
        .await
        .map_err(|err| ApiError::Internal(format!("token check failed: {err}")))?;
        match checked {
            Ok(user) => Ok(Annotator(user)),
            Err(err) if err.is_user_error() => {
                gate.record(&keys, Instant::now());
                Err(ApiError::Unauthorized("unknown or revoked token".into()))
            }
            Err(err) => Err(err.into()),
        }
    }
}

/// Who reads, when the request carries a token: `None` without an `Authorization` header; a bad
/// token is refused (401) as on a write, never read as anonymous. Blind annotation hides tags by
/// who asks.
pub(crate) struct Viewer(pub Option<User>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            return Ok(Viewer(None));
        }
        let Annotator(user) = Annotator::from_request_parts(parts, state).await?;
        Ok(Viewer(Some(user)))
    }
}

/// Refuses `user` with 403 unless their role is `allowed`; `who` names those who may.
pub(crate) fn require(
    user: &User,
    allowed: fn(vankien_annotate::Role) -> bool,
    who: &str,
) -> Result<(), ApiError> {
    if allowed(user.role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "{} is {}; only {who} may do this",
            user.name, user.role
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_past_the_cap_block_until_the_oldest_leaves_the_window() {
        let gate = AuthGate::new(1, 3);
        let ip = [Key::Client(IpAddr::V4(Ipv4Addr::LOCALHOST))];
        let other = [Key::Client(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))];
        let t0 = Instant::now();
        for s in 0..3 {
            gate.check(&ip, t0 + Duration::from_secs(s)).unwrap();
            gate.record(&ip, t0 + Duration::from_secs(s));
        }
        let err = gate.check(&ip, t0 + Duration::from_secs(10)).unwrap_err();
        assert!(
            matches!(err, ApiError::TooManyAttempts { retry_after: 50 }),
            "{err:?}"
        );
        // Another address is not blocked; a pair with a blocked key is.
        gate.check(&other, t0).unwrap();
        assert!(gate.check(&[other[0].clone(), ip[0].clone()], t0).is_err());
        // The first failure leaves the window at t0 + 60 s.
        gate.check(&ip, t0 + Duration::from_secs(60)).unwrap();
    }

    #[test]
    fn the_table_of_failures_stays_bounded() {
        let gate = AuthGate::new(1, 2);
        let t0 = Instant::now();
        for i in 0..(MAX_KEYS + 10) {
            gate.record(&[Key::TokenId(format!("{i:016x}"))], t0);
        }
        let len = gate.failures.lock().unwrap().len();
        assert!(len <= MAX_KEYS, "{len}");
    }
}
