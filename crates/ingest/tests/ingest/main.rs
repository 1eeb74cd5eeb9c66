//! The integration tests of vankien-ingest: one binary, one module per concern.

mod docx;
mod golden;
mod realdocs;
mod structure;
mod variants;
