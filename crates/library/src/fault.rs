//! Fault injection for the crash tests: `VANKIEN_FAULT=<point>` makes the process abort (as
//! `kill -9` would: no destructor runs, nothing is flushed) when it reaches that point of an
//! ingestion. Unset, a point costs one environment lookup per ingestion step.

/// The points where an ingestion can be made to die, in the order it reaches them.
pub const POINTS: [&str; 3] = ["after-journal", "after-index-commit", "mid-reattach"];

/// Aborts the process when `VANKIEN_FAULT` names `point`.
pub(crate) fn point(point: &str) {
    debug_assert!(POINTS.contains(&point), "unknown fault point {point}");
    if std::env::var("VANKIEN_FAULT").is_ok_and(|p| p == point) {
        eprintln!("vankien: fault injected at {point}");
        std::process::abort();
    }
}
