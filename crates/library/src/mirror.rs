//! The index's sector mirror kept in step with the store: tag writes commit to the store and
//! name the clause here; one background thread gathers every clause named since its last pass
//! and writes their sectors, read from the store, in one index commit. A tag write therefore
//! never waits for an index commit of its own, and a failed mirror write is retried, never
//! reported as a failed tag write (the store, the truth, has it).

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use vankien_annotate::Store;
use vankien_index::Index;

/// How long the worker waits before retrying a failed pass.
const RETRY_AFTER: Duration = Duration::from_millis(200);

#[derive(Default)]
struct State {
    /// Clauses whose sectors changed in the store and not yet in the index.
    dirty: BTreeSet<String>,
    /// How many clauses were named so far (the ticket of the last one).
    queued: u64,
    /// Every clause named up to this ticket is in the index.
    applied: u64,
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the worker.
    work: Condvar,
    /// Wakes the writers waiting for their clause.
    applied: Condvar,
    /// Held by a pass (store read and index write) and by an ingestion's re-attachment, so that
    /// a pass never writes sectors read before a re-attachment over those read after it.
    pub(crate) pass: Mutex<()>,
}

/// The mirror and its worker thread; dropping it writes what is pending and stops the thread.
pub(crate) struct Mirror {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Mirror {
    pub(crate) fn start(index: Index, store: Arc<Store>) -> Mirror {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            applied: Condvar::new(),
            pass: Mutex::new(()),
        });
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("vankien-mirror".into())
            .spawn(move || run(&worker, &index, &store))
            .expect("the mirror thread starts");
        Mirror {
            shared,
            thread: Some(thread),
        }
    }

    /// Names a clause whose sectors changed in the store; returns the ticket to wait for.
    pub(crate) fn enqueue(&self, clause_id: &str) -> u64 {
        let mut s = lock(&self.shared.state);
        s.dirty.insert(clause_id.to_string());
        s.queued += 1;
        let ticket = s.queued;
        drop(s);
        self.shared.work.notify_one();
        ticket
    }

    /// Waits up to `timeout` for the index to hold every clause named up to `ticket`; returns
    /// whether it does.
    pub(crate) fn wait(&self, ticket: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut s = lock(&self.shared.state);
        while s.applied < ticket {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            s = self
                .shared
                .applied
                .wait_timeout(s, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Whether the index holds every clause named up to `ticket`.
    pub(crate) fn is_applied(&self, ticket: u64) -> bool {
        lock(&self.shared.state).applied >= ticket
    }

    /// The lock that orders mirror passes against an ingestion's re-attachment.
    pub(crate) fn pass_lock(&self) -> MutexGuard<'_, ()> {
        lock(&self.shared.pass)
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        lock(&self.shared.state).stop = true;
        self.shared.work.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(shared: &Shared, index: &Index, store: &Store) {
    let mut failures = 0u32;
    loop {
        let (batch, ticket) = {
            let mut s = lock(&shared.state);
            while s.dirty.is_empty() && !s.stop {
                s = shared.work.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            if s.dirty.is_empty() || (s.stop && failures > 3) {
                return;
            }
            (std::mem::take(&mut s.dirty), s.queued)
        };
        match write(shared, index, store, &batch) {
            Ok(()) => {
                failures = 0;
                let mut s = lock(&shared.state);
                s.applied = s.applied.max(ticket);
                drop(s);
                shared.applied.notify_all();
            }
            Err(e) => {
                failures += 1;
                tracing::warn!("the sector mirror could not be written (retrying): {e}");
                lock(&shared.state).dirty.extend(batch);
                std::thread::sleep(RETRY_AFTER);
            }
        }
    }
}

/// One pass: the store's sectors of `batch`, written to the index in one commit.
fn write(
    shared: &Shared,
    index: &Index,
    store: &Store,
    batch: &BTreeSet<String>,
) -> Result<(), String> {
    let _pass = lock(&shared.pass);
    let mut map = HashMap::with_capacity(batch.len());
    for clause_id in batch {
        let sectors = store.clause_sectors(clause_id).map_err(|e| e.to_string())?;
        map.insert(clause_id.clone(), sectors);
    }
    index.set_sectors(&map).map_err(|e| e.to_string())?;
    Ok(())
}
