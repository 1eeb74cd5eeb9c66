//! The integration tests of vankien-ingest: one binary, one module per concern.

mod doc;
mod golden;
mod html;
mod variants;
