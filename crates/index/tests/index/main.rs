//! Integration tests of vankien-index: a real tantivy index in a temporary directory, built from
//! the real corpus, searched the way users type.

mod common;
mod ingest;
mod questions;
mod relations;
mod relevance;
mod search;
