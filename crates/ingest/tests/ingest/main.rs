//! The integration tests of vankien-ingest: one binary, one module per concern.

mod golden;
mod pdf;
mod variants;
