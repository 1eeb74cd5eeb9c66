//! Errors of the library: those of the index and the store, and the refusals of the owner
//! itself (another writer, another data directory, a damaged index that cannot be rebuilt).

use std::path::PathBuf;

use vankien_annotate::StoreError;
use vankien_index::IndexError;

use crate::lock::Holder;

/// Why a library operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The index failed (or refused a query: see [`IndexError::is_user_error`]).
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The annotation store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process writes this index.
    #[error("{}", busy_message(index, held_by))]
    Busy {
        /// The index directory.
        index: PathBuf,
        /// Who holds it, as it said.
        held_by: Holder,
    },
    /// The index's tags live in another data directory.
    #[error(
        "the tags of the index in {} live in {}, not in {}: pass --data {} (if that data directory was moved on purpose, delete {} to bind the index to the new one)",
        index.display(), bound.display(), given.display(), bound.display(), binding.display()
    )]
    WrongDataDir {
        /// The index directory.
        index: PathBuf,
        /// The data directory it is bound to.
        bound: PathBuf,
        /// The data directory given.
        given: PathBuf,
        /// The binding file.
        binding: PathBuf,
    },
    /// The index is damaged and there is nothing to rebuild it from.
    #[error(
        "the index in {} is damaged ({problem}) and its sources are unknown: delete the folder and build it again with `vankien ingest` (tags are safe in the data directory)",
        index.display()
    )]
    Damaged {
        /// The index directory.
        index: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The server an ingestion was handed to refused it or failed; nothing of it is visible.
    #[error("the server refused the ingestion: {0}")]
    HandedOff(String),
    /// A search filter names a value the index or the taxonomy does not have.
    #[error("unknown {filter} `{}` (known: {})", value.escape_debug(), known_list(valid))]
    UnknownFilter {
        /// The filter (`sector`, `doc`, `issuer`, `signer`, `assignee`).
        filter: &'static str,
        /// The value given.
        value: String,
        /// The values it may take (for documents and issuers, those of the index).
        valid: Vec<String>,
    },
    /// A document named by a comparison (its id or number) is not in the index.
    #[error("no document `{}` in the index (give a document id or a number such as 57-NQ/TW)", .0.escape_debug())]
    UnknownDocument(String),
    /// A clause named by a tag write is not in the index.
    #[error("no clause `{0}`")]
    NoClause(String),
    /// Reading or writing a file of the library failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The first values of a list of valid ones, for a message.
fn known_list(valid: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut out = valid
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if valid.len() > SHOWN {
        out.push_str(&format!(" and {} more", valid.len() - SHOWN));
    }
    out
}

fn busy_message(index: &std::path::Path, held_by: &Holder) -> String {
    let who = match held_by.role.as_str() {
        "serve" => format!("a server (process {})", held_by.pid),
        "" => "another process".to_string(),
        role => format!("`vankien {role}` (process {})", held_by.pid),
    };
    let socket = match &held_by.socket {
        Some(socket) => format!(
            " (it takes ingestions on {}, which did not answer)",
            socket.display()
        ),
        None => String::new(),
    };
    format!(
        "{who} is writing the index in {}{socket}: wait for it to finish or stop it, then run this again",
        index.display()
    )
}
