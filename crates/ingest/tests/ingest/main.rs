//! The integration tests of vankien-ingest: one binary, one module per concern.

mod cpu;
mod doc;
mod docx;
mod golden;
mod golden_file;
mod golden_realdocs;
mod html;
mod pdf;
mod realdocs;
mod structure;
mod targets;
mod variants;
