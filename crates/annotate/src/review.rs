//! Review: a reviewer's verdict (accepted or rejected) on a sector some annotator put on a clause.
//! Accepted sectors form the gold set. Every verdict and its withdrawal is audited.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::anchor::text_hash;
use crate::audit::{Audited, audit};
use crate::model::{ClauseRef, ReviewStatus, Role, User};
use crate::store::now;
use crate::tags::{check_clause_ref, check_sector};
use crate::users::acting;
use crate::users::user_row;
use crate::{Store, StoreError, UserError};

/// A reviewer's verdict on a sector of a clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The clause.
    pub clause_id: String,
    /// Its document.
    pub doc_id: String,
    /// The sector.
    pub sector_id: String,
    /// Accepted or rejected (never pending: a pending sector has no verdict).
    pub status: ReviewStatus,
    /// Who gave it.
    pub reviewer: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// What [`Store::review`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOutcome {
    /// Whether the sector had no verdict before.
    pub new: bool,
    /// Whether anything changed.
    pub changed: bool,
    /// The verdict now.
    pub verdict: Verdict,
}

impl Store {
    /// Sets the verdict on `sector_id` of `clause`: `Accepted` or `Rejected` (`Pending` withdraws
    /// it, as [`Store::unreview`]). `by` must be a reviewer or an admin. A sector nobody tagged
    /// on the clause is [`UserError::Conflict`]: tag it first.
    pub fn review(
        &self,
        by: &User,
        clause: &ClauseRef,
        sector_id: &str,
        status: ReviewStatus,
    ) -> Result<ReviewOutcome, StoreError> {
        check_clause_ref(clause)?;
        if status == ReviewStatus::Pending {
            return Err(StoreError::User(UserError::InvalidInput(
                "a verdict is accepted or rejected; withdraw it to make it pending".into(),
            )));
        }
        self.write(|tx| {
            let actor = acting(tx, Some(by), Role::reviews, "review tags")?;
            check_sector(tx, sector_id)?;
            let tagged = tx
                .prepare_cached(
                    "SELECT 1 FROM tags WHERE clause_id = ?1 AND sector_id = ?2
                     AND orphaned_at IS NULL LIMIT 1",
                )?
                .query_row(params![clause.clause_id, sector_id], |_| Ok(()))
                .optional()?
                .is_some();
            if !tagged {
                return Err(StoreError::User(UserError::Conflict(format!(
                    "nobody tagged {sector_id} on {}: tag it first, then accept it",
                    clause.clause_id
                ))));
            }
            let before = verdict(tx, &clause.clause_id, sector_id)?;
            let changed = before.as_ref().is_none_or(|v| v.status != status);
            if changed {
                let (reviewer_id, _) = user_row(tx, &actor)?;
                let at = now(tx)?;
                write_verdict(tx, clause, sector_id, status, reviewer_id, &at)?;
                audit_verdict(
                    tx,
                    &at,
                    &actor,
                    &clause.clause_id,
                    sector_id,
                    before.as_ref(),
                    status,
                )?;
            }
            let verdict = verdict(tx, &clause.clause_id, sector_id)?.ok_or_else(|| {
                StoreError::Internal(crate::InternalError::Corrupt(
                    "a verdict vanished in its own transaction".into(),
                ))
            })?;
            Ok(ReviewOutcome {
                new: before.is_none(),
                changed,
                verdict,
            })
        })
    }

    /// Withdraws the verdict on a sector of a clause (back to pending). `by` must be a reviewer
    /// or an admin. Returns whether there was one.
    pub fn unreview(
        &self,
        by: &User,
        clause_id: &str,
        sector_id: &str,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let actor = acting(tx, Some(by), Role::reviews, "review tags")?;
            check_sector(tx, sector_id)?;
            let Some(before) = verdict(tx, clause_id, sector_id)? else {
                return Ok(false);
            };
            tx.execute(
                "DELETE FROM reviews WHERE clause_id = ?1 AND sector_id = ?2",
                params![clause_id, sector_id],
            )?;
            let at = now(tx)?;
            audit_verdict(
                tx,
                &at,
                &actor,
                clause_id,
                sector_id,
                Some(&before),
                ReviewStatus::Pending,
            )?;
            Ok(true)
        })
    }

    /// The verdicts of a document (every document: `None`), by clause and sector.
    pub fn verdicts(&self, doc_id: Option<&str>) -> Result<Vec<Verdict>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT r.clause_id, r.doc_id, r.sector_id, r.status, u.name, r.at
                 FROM reviews r JOIN users u ON u.id = r.reviewer_id
                 WHERE ?1 IS NULL OR r.doc_id = ?1 ORDER BY r.doc_id, r.clause_id, r.sector_id",
            )?;
            let rows = stmt.query_map([doc_id], verdict_row)?;
            rows.map(|r| to_verdict(r?)).collect()
        })
    }
}

type VerdictRow = (String, String, String, String, String, String);

fn verdict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VerdictRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_verdict(row: VerdictRow) -> Result<Verdict, StoreError> {
    let (clause_id, doc_id, sector_id, status, reviewer, at) = row;
    let status = ReviewStatus::parse(&status).map_err(|_| {
        StoreError::Internal(crate::InternalError::Corrupt(format!(
            "unknown review status {status:?} in reviews"
        )))
    })?;
    Ok(Verdict {
        clause_id,
        doc_id,
        sector_id,
        status,
        reviewer,
        at,
    })
}

/// The verdict on a sector of a clause, if any.
pub(crate) fn verdict(
    conn: &Connection,
    clause_id: &str,
    sector_id: &str,
) -> Result<Option<Verdict>, StoreError> {
    conn.prepare_cached(
        "SELECT r.clause_id, r.doc_id, r.sector_id, r.status, u.name, r.at
         FROM reviews r JOIN users u ON u.id = r.reviewer_id
         WHERE r.clause_id = ?1 AND r.sector_id = ?2",
    )?
    .query_row(params![clause_id, sector_id], verdict_row)
    .optional()?
    .map(to_verdict)
    .transpose()
}

/// Writes (or replaces) a verdict inside the caller's transaction.
pub(crate) fn write_verdict(
    tx: &Transaction<'_>,
    clause: &ClauseRef,
    sector_id: &str,
    status: ReviewStatus,
    reviewer_id: i64,
    at: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reviews (clause_id, sector_id, doc_id, text_hash, status, reviewer_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(clause_id, sector_id) DO UPDATE SET status = excluded.status,
         reviewer_id = excluded.reviewer_id, at = excluded.at, text_hash = excluded.text_hash,
         doc_id = excluded.doc_id",
        params![
            clause.clause_id,
            sector_id,
            clause.doc_id,
            text_hash(&clause.text),
            status.as_str(),
            reviewer_id,
            at
        ],
    )?;
    Ok(())
}

/// Audits a verdict's change: `review` to accepted/rejected, `unreview` back to pending.
pub(crate) fn audit_verdict(
    tx: &Transaction<'_>,
    at: &str,
    actor: &str,
    clause_id: &str,
    sector_id: &str,
    before: Option<&Verdict>,
    after: ReviewStatus,
) -> Result<(), StoreError> {
    audit(
        tx,
        at,
        actor,
        if after == ReviewStatus::Pending {
            "unreview"
        } else {
            "review"
        },
        Audited {
            clause_id: Some(clause_id),
            sector_id: Some(sector_id),
            subject: before.map(|v| v.reviewer.as_str()),
            from: Some(
                before
                    .map_or(ReviewStatus::Pending, |v| v.status)
                    .as_str()
                    .to_string(),
            ),
            to: Some(after.as_str().to_string()),
        },
    )
}
