//! End-to-end test package of vankien; the tests live in `tests/`.
