//! The annotation store of vankien: the sector taxonomy, users and their API tokens, sector tags on
//! clauses, and an append-only audit log, in one SQLite file.
//!
//! The store is the source of truth for tags; the search index only mirrors them
//! ([`Store::sector_map`] rebuilds that mirror). It lives in a data directory that must never be
//! inside the index directory ([`check_data_dir`]), so rebuilding or deleting the index never
//! touches annotations.
//!
//! Durability: SQLite in WAL mode with `synchronous=FULL`, so a write is acknowledged only after
//! its commit record is fsynced; it survives `kill -9` of the process and a power loss.
//! Every change is one `BEGIN IMMEDIATE` transaction that also appends to the audit log.

pub mod agreement;
pub mod anchor;
pub mod assign;
mod audit;
mod backup;
mod blind;
mod decisions;
pub mod error;
mod follow;
mod identity;
pub mod interchange;
pub mod model;
mod reattach;
mod review;
mod schema;
pub mod sectors;
mod store;
mod tags;
pub mod token;
mod users;

pub use agreement::Agreement;
pub use assign::{Assignment, NewAssignment, Progress};
pub use backup::{BackupSummary, LOCK_FILE};
pub use blind::Blindness;
pub use decisions::Decision;
pub use error::{Gone, InternalError, StoreError, UserError};
pub use identity::MARKER_FILE;
pub use interchange::{ImportReport, TagRecord};
pub use model::{
    AuditEntry, ClauseRef, ExportRow, Orphan, ReattachReport, ReviewStatus, Role, Sector, Tag,
    TokenInfo, User, UserInfo,
};
pub use reattach::PendingChange;
pub use review::{ReviewOutcome, Verdict};
pub use store::{DB_FILE, Store, check_data_dir};
