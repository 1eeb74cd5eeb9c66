//! What the ingest benchmarks share: a measurement loop that reads the CPU time of its thread
//! beside the wall clock, the figure to trust on a busy machine.

use std::time::{Duration, Instant};

/// A measurement: rounds run, wall-clock time, and CPU time of this thread where known.
pub struct Run {
    pub rounds: usize,
    pub wall: Duration,
    pub cpu: Option<Duration>,
}

/// Runs `f` until `budget` of wall-clock time has passed.
pub fn measure(budget: Duration, mut f: impl FnMut()) -> Run {
    let cpu_start = thread_cpu();
    let start = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || start.elapsed() < budget {
        f();
        rounds += 1;
    }
    let wall = start.elapsed();
    let cpu = thread_cpu()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));
    Run { rounds, wall, cpu }
}

/// CPU time this thread has run, from the scheduler's statistics (Linux only).
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}
