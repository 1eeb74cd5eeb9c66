//! Decisions: a user has looked at a clause and answered it, with their tags on it or with "no
//! sector applies" (no tag of theirs). Tagging decides a clause ([`ensure_decision`], in the tag's
//! own transaction) except where a blind assignment of the tagger covers it; an explicit decision
//! or its withdrawal is audited in its own.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::anchor::text_hash;
use crate::audit::{Audited, audit};
use crate::model::{ClauseRef, User};
use crate::store::now;
use crate::tags::check_clause_ref;
use crate::users::user_row;
use crate::{InternalError, Store, StoreError};

/// A user's decision on a clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The clause.
    pub clause_id: String,
    /// Its document.
    pub doc_id: String,
    /// Who decided.
    pub user: String,
    /// When they first decided it (RFC 3339, UTC).
    pub at: String,
    /// Their live sectors on the clause, sorted; empty: "no sector applies".
    pub sectors: Vec<String>,
}

impl Decision {
    /// Whether the answer is "no sector applies".
    pub fn none(&self) -> bool {
        self.sectors.is_empty()
    }
}

impl Store {
    /// Records that `user` has decided `clause` (with their tags on it, or "no sector applies").
    /// Returns whether the decision is new, and the decision.
    pub fn decide(&self, user: &User, clause: &ClauseRef) -> Result<(bool, Decision), StoreError> {
        check_clause_ref(clause)?;
        self.write(|tx| {
            let (user_id, _) = user_row(tx, &user.name)?;
            let at = now(tx)?;
            let new = ensure_decision(tx, &at, clause, user_id)?;
            if new {
                audit(
                    tx,
                    &at,
                    &user.name,
                    "decide",
                    Audited {
                        clause_id: Some(&clause.clause_id),
                        subject: Some(&user.name),
                        to: Some("decided".into()),
                        ..Audited::default()
                    },
                )?;
            }
            let decision =
                decision_of(tx, &clause.clause_id, user_id, &user.name)?.ok_or_else(|| {
                    StoreError::Internal(InternalError::Corrupt(format!(
                        "the decision on {} vanished in its own transaction",
                        clause.clause_id
                    )))
                })?;
            Ok((new, decision))
        })
    }

    /// Withdraws `user`'s decision on a clause (it goes back into their queue; their tags stay).
    /// Returns whether there was one.
    pub fn undecide(&self, user: &User, clause_id: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let (user_id, _) = user_row(tx, &user.name)?;
            let removed = tx.execute(
                "DELETE FROM decisions WHERE clause_id = ?1 AND user_id = ?2",
                params![clause_id, user_id],
            )?;
            if removed > 0 {
                let at = now(tx)?;
                audit(
                    tx,
                    &at,
                    &user.name,
                    "undecide",
                    Audited {
                        clause_id: Some(clause_id),
                        subject: Some(&user.name),
                        from: Some("decided".into()),
                        ..Audited::default()
                    },
                )?;
            }
            Ok(removed > 0)
        })
    }

    /// The decisions of a document (every document: `None`), of one user or of all, by clause
    /// and user, each with the user's live sectors on the clause.
    pub fn decisions(
        &self,
        doc_id: Option<&str>,
        user: Option<&str>,
    ) -> Result<Vec<Decision>, StoreError> {
        self.read(|conn| decisions(conn, doc_id, user))
    }

    /// The clause ids `user` has decided in a document.
    pub fn decided_clauses(
        &self,
        user: &str,
        doc_id: &str,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        Ok(self
            .decisions(Some(doc_id), Some(user))?
            .into_iter()
            .map(|d| d.clause_id)
            .collect())
    }
}

/// The decisions of a document (or all), of one user (or all), with their sectors.
pub(crate) fn decisions(
    conn: &Connection,
    doc_id: Option<&str>,
    user: Option<&str>,
) -> Result<Vec<Decision>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.clause_id, d.doc_id, u.name, d.at FROM decisions d
         JOIN users u ON u.id = d.user_id
         WHERE (?1 IS NULL OR d.doc_id = ?1) AND (?2 IS NULL OR u.name = ?2)
         ORDER BY d.doc_id, d.clause_id, u.name",
    )?;
    let mut out: Vec<Decision> = stmt
        .query_map(params![doc_id, user], |r| {
            Ok(Decision {
                clause_id: r.get(0)?,
                doc_id: r.get(1)?,
                user: r.get(2)?,
                at: r.get(3)?,
                sectors: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut tags = conn.prepare_cached(
        "SELECT t.clause_id, u.name, t.sector_id FROM tags t JOIN users u ON u.id = t.user_id
         WHERE t.orphaned_at IS NULL AND (?1 IS NULL OR t.doc_id = ?1)
         AND (?2 IS NULL OR u.name = ?2) ORDER BY t.sector_id",
    )?;
    let mut sectors: HashMap<(String, String), Vec<String>> = HashMap::new();
    let rows = tags.query_map(params![doc_id, user], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
    })?;
    for row in rows {
        let (clause, user, sector) = row?;
        sectors.entry((clause, user)).or_default().push(sector);
    }
    for d in &mut out {
        if let Some(s) = sectors.remove(&(d.clause_id.clone(), d.user.clone())) {
            d.sectors = s;
        }
    }
    Ok(out)
}

/// One user's decision on a clause, with their sectors, if they decided it.
fn decision_of(
    conn: &Connection,
    clause_id: &str,
    user_id: i64,
    user: &str,
) -> Result<Option<Decision>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT doc_id, at FROM decisions WHERE clause_id = ?1 AND user_id = ?2")?
        .query_row(params![clause_id, user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((doc_id, at)) = row else {
        return Ok(None);
    };
    let sectors: Vec<String> = conn
        .prepare_cached(
            "SELECT sector_id FROM tags WHERE clause_id = ?1 AND user_id = ?2
             AND orphaned_at IS NULL ORDER BY sector_id",
        )?
        .query_map(params![clause_id, user_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(Decision {
        clause_id: clause_id.to_string(),
        doc_id,
        user: user.to_string(),
        at,
        sectors,
    }))
}

/// Records a user's decision on `clause` inside the caller's transaction, unless they decided
/// it already; returns whether it is new. Not audited here: the write that implies it (a tag, an
/// import, a re-attachment) is, and [`Store::decide`] audits an explicit one.
pub(crate) fn ensure_decision(
    tx: &Transaction<'_>,
    at: &str,
    clause: &ClauseRef,
    user_id: i64,
) -> Result<bool, StoreError> {
    let added = tx.execute(
        "INSERT OR IGNORE INTO decisions (clause_id, doc_id, user_id, text_hash, at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            clause.clause_id,
            clause.doc_id,
            user_id,
            text_hash(&clause.text),
            at
        ],
    )?;
    Ok(added > 0)
}
