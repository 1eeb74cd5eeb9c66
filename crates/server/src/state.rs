//! The state every handler shares: the library (index and store), the limits, the gate through
//! which all blocking work (tantivy, SQLite) runs, and the separate gate of token checks.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};
use vankien_annotate::Store;
use vankien_index::{Index, Limits};
use vankien_library::Library;

use crate::auth::AuthGate;
use crate::error::ApiError;

/// The limits of the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How many matches a search's total counts exactly at least, unless the request asks for
    /// `exact_total` or names its own `exact_up_to`. By default
    /// [`vankien_index::EXACT_TOTAL_UP_TO`] (10,000).
    pub exact_up_to: usize,
    /// Largest request body, in bytes. By default 16 KiB (no route takes a body today).
    pub max_body_bytes: usize,
    /// The limits on a search (query characters and words, `limit`, `offset`), checked on every
    /// request and published at `GET /api/limits`. They may narrow the index's own
    /// ([`Limits::default`]) but never widen them: [`AppState::new`] takes the smaller of each.
    /// By default the index's, with `limit` at most 100 (deep paging costs the index
    /// `offset + limit` hits).
    pub limits: Limits,
    /// How long a request may take before it is answered 503. By default 10 s.
    pub request_timeout: Duration,
    /// How many blocking jobs (tantivy, SQLite) may run at once. By default twice
    /// the number of cores.
    pub blocking_permits: usize,
    /// How long a request waits for a permit before it is answered 503 `overloaded`. By default
    /// 50 ms: under overload, a quick 503 with `Retry-After` beats a queue of seconds.
    pub acquire_timeout: Duration,
    /// How many writes to the annotation store (tags, decisions, assignments, reviews, users) may
    /// run at once: their own permits, apart from [`ServerConfig::blocking_permits`], so that a
    /// crowd of searches never refuses an annotator's write. By default the number of cores, at
    /// least 2 (SQLite commits one write at a time anyway).
    pub write_permits: usize,
    /// How long a write waits for one of [`ServerConfig::write_permits`] before it is answered 503
    /// `overloaded`. By default 1 s: a write is short, and one that waits is better than one lost
    /// to a momentary stall (an fsync).
    pub write_acquire_timeout: Duration,
    /// Most connections open at once; over it a new one is answered 503 `too_many_connections`
    /// and closed. By default 4,096.
    pub max_connections: usize,
    /// Most connections open at once from one client address. By default 64.
    pub max_connections_per_ip: usize,
    /// How long a connection may take to send a whole request head, from its first byte (or from
    /// its accept, when it sends nothing). By default 10 s.
    pub header_read_timeout: Duration,
    /// How long a kept-alive connection may rest between requests. By default 30 s.
    pub idle_timeout: Duration,
    /// Largest request head (request line and headers), in bytes. By default 64 KiB.
    pub max_header_bytes: usize,
    /// The listen backlog: connections the kernel queues before they are accepted. By default
    /// 1,024 (the kernel may cap it at `net.core.somaxconn`).
    pub listen_backlog: u32,
    /// How many token checks may run at once, apart from the permits of searches (a legacy argon2
    /// token costs tens of milliseconds at its first check). By default 2.
    pub auth_permits: usize,
    /// Failed token checks allowed per minute from one client address, and for one token id;
    /// past it the answer is 429 `too_many_attempts`. By default 10.
    pub auth_failures_per_minute: u32,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ServerConfig {
            exact_up_to: vankien_index::EXACT_TOTAL_UP_TO,
            max_body_bytes: 16 * 1024,
            limits: Limits {
                max_limit: 100,
                ..Limits::default()
            },
            request_timeout: Duration::from_secs(10),
            blocking_permits: 2 * cores,
            acquire_timeout: Duration::from_millis(50),
            write_permits: cores.max(2),
            write_acquire_timeout: Duration::from_secs(1),
            max_connections: 4_096,
            max_connections_per_ip: 64,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            listen_backlog: 1_024,
            auth_permits: 2,
            auth_failures_per_minute: 10,
        }
    }
}

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .field("free_permits", &self.inner.limiter.available_permits())
            .finish_non_exhaustive()
    }
}

struct Inner {
    library: Arc<Library>,
    config: ServerConfig,
    limiter: Arc<Semaphore>,
    writes: Arc<Semaphore>,
    auth: AuthGate,
}

impl AppState {
    /// Builds the state from an open library and the limits; [`ServerConfig::limits`] wider than
    /// the index's are narrowed to them.
    pub fn new(library: Arc<Library>, mut config: ServerConfig) -> AppState {
        config.limits = Limits::default().narrowed(&config.limits);
        let limiter = Arc::new(Semaphore::new(config.blocking_permits));
        let writes = Arc::new(Semaphore::new(config.write_permits));
        let auth = AuthGate::new(config.auth_permits, config.auth_failures_per_minute);
        AppState {
            inner: Arc::new(Inner {
                library,
                config,
                limiter,
                writes,
                auth,
            }),
        }
    }

    /// The library served.
    pub fn library(&self) -> &Arc<Library> {
        &self.inner.library
    }

    /// The limits.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The gate of blocking work. Tests hold its permits to simulate overload.
    pub fn blocking_limiter(&self) -> Arc<Semaphore> {
        self.inner.limiter.clone()
    }

    /// The gate of writes to the store: their own permits, apart from
    /// [`AppState::blocking_limiter`]. Tests hold them to simulate a crowd of writers.
    pub fn write_limiter(&self) -> Arc<Semaphore> {
        self.inner.writes.clone()
    }

    /// The gate of token checks: their own permits, apart from [`AppState::blocking_limiter`].
    /// Tests hold them to simulate a flood of wrong secrets.
    pub fn auth_limiter(&self) -> Arc<Semaphore> {
        self.inner.auth.permits()
    }

    pub(crate) fn auth_gate(&self) -> &AuthGate {
        &self.inner.auth
    }

    pub(crate) fn store(&self) -> Arc<Store> {
        self.inner.library.store().clone()
    }

    /// Runs `job` on the blocking pool once a permit is free, or fails fast with
    /// [`ApiError::Overloaded`] when none frees up within [`ServerConfig::acquire_timeout`].
    ///
    /// The permit moves into the job, so it is held until the job really ends, even when the
    /// request that started it has timed out and gone.
    pub(crate) async fn blocking<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        self.blocking_within(self.inner.config.acquire_timeout, job)
            .await
    }

    /// [`AppState::blocking`], waiting up to `wait` for a permit: for the later pieces of an
    /// answer already under way (an export's rows), which a quick 503 would cut off.
    pub(crate) async fn blocking_within<T, F>(&self, wait: Duration, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = permit(&self.inner.limiter, wait).await?;
        self.run(permit, job).await
    }

    /// Runs a write to the store (`job`) on the blocking pool once one of the writes' own permits
    /// is free ([`ServerConfig::write_permits`]), waiting up to
    /// [`ServerConfig::write_acquire_timeout`]: searches, however many, never hold a write back.
    pub(crate) async fn writing<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let wait = self.inner.config.write_acquire_timeout;
        let permit = permit(&self.inner.writes, wait).await?;
        self.run(permit, job).await
    }

    /// Runs `job` on the blocking pool, holding `permit` until it really ends.
    async fn run<T, F>(&self, permit: OwnedSemaphorePermit, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx<'_>) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit: OwnedSemaphorePermit = permit;
            let library = &inner.library;
            job(&Ctx {
                index: library.index(),
                store: library.store(),
                library,
            })
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(err) => Err(ApiError::Internal(format!("blocking job failed: {err}"))),
        }
    }
}

/// A permit of `gate`, waiting up to `wait_for`, else [`ApiError::Overloaded`].
async fn permit(
    gate: &Arc<Semaphore>,
    wait_for: Duration,
) -> Result<OwnedSemaphorePermit, ApiError> {
    match gate.clone().try_acquire_owned() {
        Ok(permit) => Ok(permit),
        Err(TryAcquireError::Closed) => Err(ApiError::Overloaded),
        Err(TryAcquireError::NoPermits) => {
            let acquire = gate.clone().acquire_owned();
            match tokio::time::timeout(wait_for, acquire).await {
                Ok(Ok(permit)) => Ok(permit),
                _ => Err(ApiError::Overloaded),
            }
        }
    }
}

/// What a blocking job sees.
pub(crate) struct Ctx<'a> {
    pub index: &'a Index,
    pub store: &'a Store,
    pub library: &'a Library,
}
