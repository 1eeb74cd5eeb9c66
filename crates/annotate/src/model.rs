//! The values the store hands out and takes in: sectors, users, tags, orphans, export rows and
//! audit entries. All are plain data with serde, so the server can send them as JSON.

use crate::UserError;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// A sector of the taxonomy (`corpus/sectors.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sector {
    /// Stable ASCII slug, e.g. `xay-dung-dang`.
    pub id: String,
    /// Vietnamese name, e.g. `Xây dựng Đảng`.
    pub name: String,
    /// Id of the parent sector, for a sub-sector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tags clauses and removes their own tags.
    Annotator,
    /// Everything an annotator does, and reviews tags (accepts or rejects them into the gold
    /// set); never blinded.
    Reviewer,
    /// Everything a reviewer does, and manages users and assignments and removes anyone's tags.
    Admin,
}

impl Role {
    /// The identifier stored and shown: `annotator`, `reviewer` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Annotator => "annotator",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// The role in Vietnamese, as the page shows it.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Role::Annotator => "người gắn nhãn",
            Role::Reviewer => "người duyệt",
            Role::Admin => "quản trị viên",
        }
    }

    /// Whether the role may review tags and sees every tag (reviewers and admins).
    pub fn reviews(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }

    /// Parses [`Role::as_str`].
    pub fn parse(s: &str) -> Result<Role, StoreError> {
        match s {
            "annotator" => Ok(Role::Annotator),
            "reviewer" => Ok(Role::Reviewer),
            "admin" => Ok(Role::Admin),
            other => Err(StoreError::User(UserError::InvalidInput(format!(
                "unknown role {other:?} (expected annotator, reviewer or admin)"
            )))),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Role, StoreError> {
        Role::parse(s)
    }
}

/// An authenticated user, as [`crate::Store::authenticate`] returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Unique name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
}

/// A user as listed by [`crate::Store::users`]: never with a token secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Unique name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// When the user was created (RFC 3339, UTC).
    pub created_at: String,
    /// The user's tokens, oldest first.
    pub tokens: Vec<TokenInfo>,
}

/// One API token of a user, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The public token id: the middle part of `vk_<id>_<secret>`.
    pub id: String,
    /// When it was issued (RFC 3339, UTC).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// The clause a tag is put on, with what the store keeps to re-attach and export it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseRef {
    /// Clause id, e.g. `57-nq-tw/i.2.t1`.
    pub clause_id: String,
    /// Id of the document holding the clause.
    pub doc_id: String,
    /// The document's number (`57-NQ/TW`), for export.
    pub doc_number: Option<String>,
    /// Labels of the enclosing sections, from the root.
    pub section_path: Vec<String>,
    /// The clause's text (the store keeps its hash, a quote and the text itself).
    pub text: String,
}

impl ClauseRef {
    /// The reference to a parsed clause of a document.
    pub fn from_clause(
        doc_id: &str,
        doc_number: Option<&str>,
        clause: &vankien_ingest::Clause,
    ) -> ClauseRef {
        ClauseRef {
            clause_id: clause.id.clone(),
            doc_id: doc_id.to_string(),
            doc_number: doc_number.map(str::to_string),
            section_path: clause.section_path.clone(),
            text: clause.text.clone(),
        }
    }
}

/// A live tag: a sector put on a clause by a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Clause id.
    pub clause_id: String,
    /// Sector id.
    pub sector_id: String,
    /// Name of the user who tagged.
    pub user: String,
    /// When (RFC 3339, UTC, milliseconds).
    pub at: String,
}

/// What [`crate::Store::reattach`] did with the tags of a re-ingested document.
///
/// Every tag of the document (orphans of earlier runs included) is counted once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReattachReport {
    /// Tags whose clause id still holds the same text.
    pub kept: usize,
    /// Tags re-attached by text hash or by quote: to another clause id, to a clause whose text
    /// changed after the quote, or an orphan that found its clause again.
    pub moved: usize,
    /// Tags that matched no clause and are now orphaned (kept, listed by [`crate::Store::orphans`]).
    pub orphaned: usize,
}

/// A tag that could not be re-attached after its document changed. Never deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orphan {
    /// The orphaned tag's id: what a re-attachment by hand names.
    pub id: i64,
    /// The clause id the tag was last attached to.
    pub clause_id: String,
    /// Document id.
    pub doc_id: String,
    /// Document number, as it was when tagged.
    pub doc_number: Option<String>,
    /// Section path, as it was when tagged.
    pub section_path: Vec<String>,
    /// The beginning of the clause text the tag was anchored to.
    pub quote: String,
    /// The clause text the tag was anchored to.
    pub clause_text: String,
    /// Sector id.
    pub sector_id: String,
    /// Who tagged.
    pub user: String,
    /// When it was tagged.
    pub at: String,
    /// When it was orphaned.
    pub orphaned_at: String,
}

/// One tag as exported (one JSONL line or CSV row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRow {
    /// Document number, e.g. `57-NQ/TW`.
    pub doc_number: Option<String>,
    /// Document id.
    pub doc_id: String,
    /// Clause id.
    pub clause_id: String,
    /// Section path labels, from the root.
    pub section_path: Vec<String>,
    /// The clause text.
    pub clause_text: String,
    /// Sector id.
    pub sector_id: String,
    /// Sector name (Vietnamese).
    pub sector_name: String,
    /// Who tagged.
    pub annotator: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Whether the tag is orphaned (its clause vanished when the document changed).
    pub orphaned: bool,
    /// The review of the tag's sector on its clause: `accepted`, `rejected` or `pending`.
    pub status: ReviewStatus,
    /// Who reviewed it, when it is reviewed.
    pub reviewer: Option<String>,
    /// When it was reviewed.
    pub reviewed_at: Option<String>,
}

/// Where a sector on a clause stands in review: accepted sectors form the gold set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// A reviewer accepted it.
    Accepted,
    /// A reviewer rejected it.
    Rejected,
    /// Not reviewed.
    Pending,
}

impl ReviewStatus {
    /// The identifier stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Pending => "pending",
        }
    }

    /// Parses [`ReviewStatus::as_str`].
    pub fn parse(s: &str) -> Result<ReviewStatus, StoreError> {
        match s {
            "accepted" => Ok(ReviewStatus::Accepted),
            "rejected" => Ok(ReviewStatus::Rejected),
            "pending" => Ok(ReviewStatus::Pending),
            other => Err(StoreError::User(UserError::InvalidInput(format!(
                "unknown review status {other:?} (expected accepted, rejected or pending)"
            )))),
        }
    }
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Sequence number, increasing.
    pub id: i64,
    /// When (RFC 3339, UTC, milliseconds).
    pub at: String,
    /// Who did it: a user name, or `system` for re-attachment.
    pub actor: String,
    /// What: `tag`, `untag`, `reattach`, `merge`, `orphan`, `user_add`, `token_new`,
    /// `token_revoke`, `sectors_load`, `decide`, `undecide`, `assign`, `unassign`, `review`,
    /// `unreview`, `reattach_manual`, `import`.
    pub action: String,
    /// The clause concerned, if any.
    pub clause_id: Option<String>,
    /// The sector concerned, if any.
    pub sector_id: Option<String>,
    /// Whose tag or which user was concerned (differs from `actor` when an admin untags).
    pub subject: Option<String>,
    /// The value before. For `tag`/`untag`: the clause's sectors, comma-separated; for
    /// `reattach`/`merge`/`orphan`: the old clause id.
    pub from: Option<String>,
    /// The value after, in the same form as `from`.
    pub to: Option<String>,
}
