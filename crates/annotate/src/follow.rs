//! Decisions and verdicts follow their clauses when a document is re-ingested, inside the
//! transaction that re-attaches its tags: each is anchored by its clause's text hash; it stays
//! where its clause id still holds that text, moves to the clause that now holds it, and is
//! dropped (audited) when no clause does, for a decision or a verdict on other words is no longer
//! one. A live tag still implies its user's decision on its clause.

use std::collections::HashMap;

use rusqlite::{Transaction, params};
use vankien_ingest::Clause;

use crate::StoreError;
use crate::audit::{Audited, audit};
use crate::store::SYSTEM_ACTOR;

/// The new clauses of a document: by id (with their text hash) and by text hash (the first in
/// document order).
pub(crate) struct NewClauses<'a> {
    pub by_id: HashMap<&'a str, (String, &'a Clause)>,
    pub by_hash: HashMap<String, &'a Clause>,
}

impl<'a> NewClauses<'a> {
    /// Where an anchor goes: `Some(clause)` to stay or move, `None` to be dropped.
    fn place(&self, clause_id: &str, hash: &str) -> Option<&'a Clause> {
        match self.by_id.get(clause_id) {
            Some((h, c)) if h == hash => Some(c),
            _ => self.by_hash.get(hash).copied(),
        }
    }
}

/// A decision or a verdict read for following.
struct Anchored {
    clause_id: String,
    /// The user (decision) or the sector (verdict).
    key: String,
    hash: String,
    rest: (String, i64, String),
}

/// Moves or drops the decisions and verdicts of `doc_id` after its tags were re-attached.
pub(crate) fn follow(
    tx: &Transaction<'_>,
    at: &str,
    doc_id: &str,
    new: &NewClauses<'_>,
) -> Result<(), StoreError> {
    follow_decisions(tx, at, doc_id, new)?;
    follow_verdicts(tx, at, doc_id, new)?;
    tagged_means_decided(tx, at, doc_id, new)
}

fn follow_decisions(
    tx: &Transaction<'_>,
    at: &str,
    doc_id: &str,
    new: &NewClauses<'_>,
) -> Result<(), StoreError> {
    let rows: Vec<Anchored> = tx
        .prepare_cached(
            "SELECT d.clause_id, u.name, d.text_hash, d.at, d.user_id FROM decisions d
             JOIN users u ON u.id = d.user_id WHERE d.doc_id = ?1 ORDER BY d.clause_id, u.name",
        )?
        .query_map([doc_id], |r| {
            Ok(Anchored {
                clause_id: r.get(0)?,
                key: r.get(1)?,
                hash: r.get(2)?,
                rest: (r.get(3)?, r.get(4)?, String::new()),
            })
        })?
        .collect::<Result<_, _>>()?;
    let plans: Vec<Option<&Clause>> = rows
        .iter()
        .map(|r| new.place(&r.clause_id, &r.hash))
        .collect();
    // Out first, then in: decisions swapping clause ids must not collide.
    for (row, plan) in rows.iter().zip(&plans) {
        if plan.is_none_or(|c| c.id != row.clause_id) {
            tx.execute(
                "DELETE FROM decisions WHERE clause_id = ?1 AND user_id = ?2",
                params![row.clause_id, row.rest.1],
            )?;
        }
    }
    for (row, plan) in rows.iter().zip(&plans) {
        let (action, to) = match plan {
            Some(c) if c.id == row.clause_id => continue,
            Some(c) => {
                tx.execute(
                    "INSERT OR IGNORE INTO decisions (clause_id, doc_id, user_id, text_hash, at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![c.id, doc_id, row.rest.1, row.hash, row.rest.0],
                )?;
                ("decision_move", Some(c.id.clone()))
            }
            None => ("undecide", None),
        };
        audit(
            tx,
            at,
            SYSTEM_ACTOR,
            action,
            Audited {
                clause_id: Some(&row.clause_id),
                subject: Some(&row.key),
                from: Some(row.clause_id.clone()),
                to,
                ..Audited::default()
            },
        )?;
    }
    Ok(())
}

fn follow_verdicts(
    tx: &Transaction<'_>,
    at: &str,
    doc_id: &str,
    new: &NewClauses<'_>,
) -> Result<(), StoreError> {
    let rows: Vec<Anchored> = tx
        .prepare_cached(
            "SELECT clause_id, sector_id, text_hash, status, reviewer_id, at FROM reviews
             WHERE doc_id = ?1 ORDER BY clause_id, sector_id",
        )?
        .query_map([doc_id], |r| {
            Ok(Anchored {
                clause_id: r.get(0)?,
                key: r.get(1)?,
                hash: r.get(2)?,
                rest: (r.get(3)?, r.get(4)?, r.get(5)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    let plans: Vec<Option<&Clause>> = rows
        .iter()
        .map(|r| new.place(&r.clause_id, &r.hash))
        .collect();
    for (row, plan) in rows.iter().zip(&plans) {
        if plan.is_none_or(|c| c.id != row.clause_id) {
            tx.execute(
                "DELETE FROM reviews WHERE clause_id = ?1 AND sector_id = ?2",
                params![row.clause_id, row.key],
            )?;
        }
    }
    for (row, plan) in rows.iter().zip(&plans) {
        let (action, to) = match plan {
            Some(c) if c.id == row.clause_id => continue,
            Some(c) => {
                tx.execute(
                    "INSERT OR IGNORE INTO reviews (clause_id, sector_id, doc_id, text_hash,
                     status, reviewer_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        c.id, row.key, doc_id, row.hash, row.rest.0, row.rest.1, row.rest.2
                    ],
                )?;
                ("review_move", c.id.clone())
            }
            None => ("unreview", "pending".to_string()),
        };
        audit(
            tx,
            at,
            SYSTEM_ACTOR,
            action,
            Audited {
                clause_id: Some(&row.clause_id),
                sector_id: Some(&row.key),
                from: Some(row.clause_id.clone()),
                to: Some(to),
                ..Audited::default()
            },
        )?;
    }
    Ok(())
}

/// Every live tag of the document implies its user's decision on its clause (a tag that found
/// its clause again, a merge): missing ones are made, audited as `decide` by `system`.
fn tagged_means_decided(
    tx: &Transaction<'_>,
    at: &str,
    doc_id: &str,
    new: &NewClauses<'_>,
) -> Result<(), StoreError> {
    let missing: Vec<(String, i64, String)> = tx
        .prepare_cached(
            "SELECT DISTINCT t.clause_id, t.user_id, u.name FROM tags t
             JOIN users u ON u.id = t.user_id
             WHERE t.doc_id = ?1 AND t.orphaned_at IS NULL AND NOT EXISTS (
                 SELECT 1 FROM decisions d WHERE d.clause_id = t.clause_id AND d.user_id = t.user_id)",
        )?
        .query_map([doc_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (clause_id, user_id, user) in missing {
        let Some((hash, _)) = new.by_id.get(clause_id.as_str()) else {
            continue;
        };
        tx.execute(
            "INSERT OR IGNORE INTO decisions (clause_id, doc_id, user_id, text_hash, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![clause_id, doc_id, user_id, hash, at],
        )?;
        audit(
            tx,
            at,
            SYSTEM_ACTOR,
            "decide",
            Audited {
                clause_id: Some(&clause_id),
                subject: Some(&user),
                to: Some("decided (tagged)".into()),
                ..Audited::default()
            },
        )?;
    }
    Ok(())
}
