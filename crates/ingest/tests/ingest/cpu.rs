//! The CPU time a piece of work takes on the calling thread: what the "finishes in seconds"
//! checks of hostile input measure, so that a machine shared with other jobs (a load of 15 on 2
//! cores stretches the wall clock eightfold) does not fail them, while a real hang still does.

use std::time::{Duration, Instant};

/// The CPU time the calling thread has used so far (Linux: `/proc/thread-self/schedstat`); the
/// wall clock where that file is missing.
fn thread_cpu(start: Instant) -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(|| start.elapsed(), Duration::from_nanos)
}

/// Runs `work` and gives its result with the CPU time it took on this thread.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let wall = Instant::now();
    let before = thread_cpu(wall);
    let out = work();
    let after = thread_cpu(wall);
    (out, after.saturating_sub(before))
}
