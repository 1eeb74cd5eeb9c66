//! The state every handler shares: the index, the store, the limits, and the gate through which
//! all blocking work (tantivy, SQLite, argon2) runs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};
use vankien_annotate::Store;
use vankien_index::Index;

use crate::error::ApiError;

/// The limits of the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body, in bytes. By default 16 KiB (no route takes a body today).
    pub max_body_bytes: usize,
    /// Longest search query, in characters. By default 1,000.
    pub max_query_chars: usize,
    /// Largest `limit` of a search. By default 100.
    pub max_limit: usize,
    /// Largest `offset` of a search: deep paging costs the index `offset + limit` hits. By
    /// default 10,000.
    pub max_offset: usize,
    /// How long a request may take before it is answered 503. By default 10 s.
    pub request_timeout: Duration,
    /// How many blocking jobs (tantivy, SQLite, token hashing) may run at once. By default twice
    /// the number of cores.
    pub blocking_permits: usize,
    /// How long a request waits for a permit before it is answered 503 `overloaded`. By default
    /// 50 ms: under overload, a quick 503 with `Retry-After` beats a queue of seconds.
    pub acquire_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ServerConfig {
            max_body_bytes: 16 * 1024,
            max_query_chars: 1_000,
            max_limit: 100,
            max_offset: 10_000,
            request_timeout: Duration::from_secs(10),
            blocking_permits: 2 * cores,
            acquire_timeout: Duration::from_millis(50),
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
    index: Index,
    store: Arc<Store>,
    config: ServerConfig,
    limiter: Arc<Semaphore>,
    /// Serializes "read a clause's live sectors from the store, write them to the index", so
    /// that two tag writes on one clause cannot leave the mirror with the older list.
    mirror: Mutex<()>,
}

impl AppState {
    /// Builds the state from an open index, an open store and the limits.
    pub fn new(index: Index, store: Arc<Store>, config: ServerConfig) -> AppState {
        let limiter = Arc::new(Semaphore::new(config.blocking_permits));
        AppState {
            inner: Arc::new(Inner {
                index,
                store,
                config,
                limiter,
                mirror: Mutex::new(()),
            }),
        }
    }

    /// The limits.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The gate of blocking work. Tests hold its permits to simulate overload.
    pub fn blocking_limiter(&self) -> Arc<Semaphore> {
        self.inner.limiter.clone()
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
        let permit = self.permit().await?;
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit: OwnedSemaphorePermit = permit;
            job(&Ctx {
                index: &inner.index,
                store: &inner.store,
                mirror: &inner.mirror,
            })
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(err) => Err(ApiError::Internal(format!("blocking job failed: {err}"))),
        }
    }

    async fn permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        match self.inner.limiter.clone().try_acquire_owned() {
            Ok(permit) => Ok(permit),
            Err(TryAcquireError::Closed) => Err(ApiError::Overloaded),
            Err(TryAcquireError::NoPermits) => {
                let wait = self.inner.limiter.clone().acquire_owned();
                match tokio::time::timeout(self.inner.config.acquire_timeout, wait).await {
                    Ok(Ok(permit)) => Ok(permit),
                    _ => Err(ApiError::Overloaded),
                }
            }
        }
    }
}

/// What a blocking job sees.
pub(crate) struct Ctx<'a> {
    pub index: &'a Index,
    pub store: &'a Store,
    pub mirror: &'a Mutex<()>,
}
