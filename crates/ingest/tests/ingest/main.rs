//! The integration tests of vankien-ingest: one binary, one module per concern.

mod doc;
mod docx;
mod golden;
mod html;
mod pdf;
mod realdocs;
mod structure;
mod targets;
mod variants;
