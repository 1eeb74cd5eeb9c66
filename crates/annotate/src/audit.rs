//! The append-only audit log: every change is written in the transaction that makes it.

use rusqlite::{Transaction, params};

use crate::model::AuditEntry;
use crate::{Store, StoreError};

impl Store {
    /// The latest `limit` entries of the audit log, newest first.
    pub fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, actor, action, clause_id, sector_id, subject, from_value, to_value
                 FROM audit ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    clause_id: r.get(4)?,
                    sector_id: r.get(5)?,
                    subject: r.get(6)?,
                    from: r.get(7)?,
                    to: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

/// Optional fields of an audit entry.
#[derive(Default)]
pub(crate) struct Audited<'a> {
    pub clause_id: Option<&'a str>,
    pub sector_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Appends to the audit log, inside the caller's transaction.
pub(crate) fn audit(
    tx: &Transaction<'_>,
    at: &str,
    actor: &str,
    action: &str,
    e: Audited<'_>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, action, clause_id, sector_id, subject, from_value, to_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        at,
        actor,
        action,
        e.clause_id,
        e.sector_id,
        e.subject,
        e.from,
        e.to
    ])?;
    Ok(())
}
