//! Re-attachment of a document's tags to its clauses after the document changed, and the journal
//! that makes it durable: an ingestion records what changes before its index commit
//! ([`Store::record_pending`]) and clears each record in the same transaction that re-attaches
//! the document's tags ([`Store::reattach_pending`]), so a crash at any moment leaves the record
//! for the next start to finish.
//!
//! Re-attachment is idempotent: a tag is matched by its own anchor (text hash, then quote), never
//! by the clause id it had, so running it again on the same clauses keeps every tag where it is,
//! and running it on the old clauses (the index commit never happened) changes nothing.

use std::cell::OnceCell;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use vankien_ingest::Clause;

use crate::anchor::{contains_run, folded_words, quote, text_hash};
use crate::audit::{Audited, audit};
use crate::model::ReattachReport;
use crate::store::{SYSTEM_ACTOR, json_path, now};
use crate::{InternalError, UserError};
use crate::{Store, StoreError};

/// What an ingestion changes in one document, recorded before its index commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChange {
    /// The document.
    pub doc_id: String,
    /// `(clause id, text hash)` of the clauses the index held before (empty for a new document).
    pub old: Vec<(String, String)>,
    /// `(clause id, text hash)` of the clauses written (empty for a removed document, and for a
    /// new one whose tags came after it was read: the re-attachment reads it back).
    pub new: Vec<(String, String)>,
}

/// A tag of the document, as re-attachment reads it.
struct Row {
    id: i64,
    clause_id: String,
    sector_id: String,
    user_id: i64,
    user: String,
    hash: String,
    quote: String,
    orphaned: bool,
}

/// Where a tag goes.
enum Plan<'a> {
    /// Its clause id still holds its text.
    Keep(&'a Clause),
    /// To this clause (another id, changed text, or an orphan found again).
    Move(&'a Clause),
    /// No clause holds its text: orphaned, never deleted.
    Orphan,
}

struct NewClause<'a> {
    clause: &'a Clause,
    hash: String,
    words: OnceCell<Vec<String>>,
}

/// The new clauses of a document, indexed for matching tags against them.
struct Matcher<'a> {
    new: Vec<NewClause<'a>>,
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Matcher<'a> {
    fn new(clauses: &'a [Clause]) -> Matcher<'a> {
        let new: Vec<NewClause<'a>> = clauses
            .iter()
            .map(|c| NewClause {
                clause: c,
                hash: text_hash(&c.text),
                words: OnceCell::new(),
            })
            .collect();
        let by_id = clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        Matcher { new, by_id }
    }

    /// The new clauses by id and by text hash, for decisions and verdicts to follow.
    fn by_hash(&self) -> crate::follow::NewClauses<'a> {
        crate::follow::NewClauses {
            by_id: self
                .new
                .iter()
                .map(|n| (n.clause.id.as_str(), (n.hash.clone(), n.clause)))
                .collect(),
            by_hash: self
                .new
                .iter()
                .rev()
                .map(|n| (n.hash.clone(), n.clause))
                .collect(),
        }
    }

    /// Same id with the same text; else the same text elsewhere; else the clause containing the
    /// quote (compared word by word on folded keys, the same id preferred); else orphaned.
    fn plan(&self, row: &Row) -> Plan<'a> {
        let same_id = self
            .by_id
            .get(row.clause_id.as_str())
            .map(|&i| &self.new[i]);
        if let Some(n) = same_id.filter(|n| n.hash == row.hash) {
            return if row.orphaned {
                Plan::Move(n.clause)
            } else {
                Plan::Keep(n.clause)
            };
        }
        if let Some(n) = self.new.iter().find(|n| n.hash == row.hash) {
            return Plan::Move(n.clause);
        }
        let q = folded_words(&row.quote);
        let contains = |n: &NewClause<'_>| {
            contains_run(n.words.get_or_init(|| folded_words(&n.clause.text)), &q)
        };
        match same_id
            .filter(|n| contains(n))
            .or_else(|| self.new.iter().find(|n| contains(n)))
        {
            Some(n) => Plan::Move(n.clause),
            None => Plan::Orphan,
        }
    }
}

/// Every tag of a document, orphans of earlier runs included, in id order.
fn rows(conn: &Connection, doc_id: &str) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.clause_id, t.sector_id, t.user_id, u.name, t.text_hash, t.quote,
         t.orphaned_at IS NOT NULL
         FROM tags t JOIN users u ON u.id = t.user_id WHERE t.doc_id = ?1 ORDER BY t.id",
    )?;
    let rows = stmt.query_map([doc_id], |r| {
        Ok(Row {
            id: r.get(0)?,
            clause_id: r.get(1)?,
            sector_id: r.get(2)?,
            user_id: r.get(3)?,
            user: r.get(4)?,
            hash: r.get(5)?,
            quote: r.get(6)?,
            orphaned: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Re-attaches a document's tags inside the caller's transaction.
fn apply(
    tx: &Transaction<'_>,
    doc_id: &str,
    clauses: &[Clause],
) -> Result<ReattachReport, StoreError> {
    let matcher = Matcher::new(clauses);
    let rows = rows(tx, doc_id)?;
    let plans: Vec<Plan<'_>> = rows.iter().map(|row| matcher.plan(row)).collect();
    let at = now(tx)?;
    // Take every moving tag out of the live set first, so that tags swapping clause ids (an
    // inserted paragraph shifts them all) do not collide with each other.
    for (row, plan) in rows.iter().zip(&plans) {
        if matches!(plan, Plan::Move(_)) {
            tx.execute(
                "UPDATE tags SET orphaned_at = ?1 WHERE id = ?2",
                params![at, row.id],
            )?;
        }
    }
    let mut report = ReattachReport::default();
    for (row, plan) in rows.iter().zip(&plans) {
        match plan {
            Plan::Keep(c) => {
                report.kept += 1;
                tx.execute(
                    "UPDATE tags SET section_path = ?1, clause_text = ?2 WHERE id = ?3",
                    params![json_path(&c.section_path)?, c.text, row.id],
                )?;
            }
            Plan::Move(c) => {
                report.moved += 1;
                move_tag(tx, &at, row, c)?;
            }
            Plan::Orphan => {
                report.orphaned += 1;
                if !row.orphaned {
                    orphan_tag(tx, &at, row)?;
                }
            }
        }
    }
    crate::follow::follow(tx, &at, doc_id, &matcher.by_hash())?;
    Ok(report)
}

/// Moves a tag onto clause `c`, or merges it into the same user's tag of the same sector there.
fn move_tag(tx: &Transaction<'_>, at: &str, row: &Row, c: &Clause) -> Result<(), StoreError> {
    let taken = tx
        .query_row(
            "SELECT 1 FROM tags WHERE clause_id = ?1 AND sector_id = ?2
             AND user_id = ?3 AND orphaned_at IS NULL",
            params![c.id, row.sector_id, row.user_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let action = if taken {
        // The same user already has this sector there: one tag says it.
        tx.execute("DELETE FROM tags WHERE id = ?1", [row.id])?;
        "merge"
    } else {
        tx.execute(
            "UPDATE tags SET clause_id = ?1, text_hash = ?2, quote = ?3,
             section_path = ?4, clause_text = ?5, orphaned_at = NULL WHERE id = ?6",
            params![
                c.id,
                text_hash(&c.text),
                quote(&c.text),
                json_path(&c.section_path)?,
                c.text,
                row.id
            ],
        )?;
        "reattach"
    };
    audit(
        tx,
        at,
        SYSTEM_ACTOR,
        action,
        Audited {
            clause_id: Some(&c.id),
            sector_id: Some(&row.sector_id),
            subject: Some(&row.user),
            from: Some(row.clause_id.clone()),
            to: Some(c.id.clone()),
        },
    )
}

fn orphan_tag(tx: &Transaction<'_>, at: &str, row: &Row) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE tags SET orphaned_at = ?1 WHERE id = ?2",
        params![at, row.id],
    )?;
    audit(
        tx,
        at,
        SYSTEM_ACTOR,
        "orphan",
        Audited {
            clause_id: Some(&row.clause_id),
            sector_id: Some(&row.sector_id),
            subject: Some(&row.user),
            from: Some(row.clause_id.clone()),
            to: None,
        },
    )
}

fn hashes_json(hashes: &[(String, String)]) -> Result<String, StoreError> {
    serde_json::to_string(hashes)
        .map_err(|e| StoreError::Internal(InternalError::Corrupt(e.to_string())))
}

fn parse_hashes(json: &str) -> Result<Vec<(String, String)>, StoreError> {
    serde_json::from_str(json).map_err(|e| {
        StoreError::Internal(InternalError::Corrupt(format!(
            "a pending re-attachment record: {e}"
        )))
    })
}

impl Store {
    /// Re-attaches the tags of a document after it was re-ingested, given its new clauses.
    ///
    /// For each tag of the document (orphans of earlier runs included): if its clause id still
    /// holds the same text (by hash), it is kept; else it moves to the clause with the same text
    /// hash, else to the clause containing its quote (compared word by word on folded keys, the
    /// same id preferred); else it is orphaned, never deleted. A move onto a clause where the
    /// same user already has the same sector merges into that tag. Every move, merge and orphaning
    /// is audited, all in one transaction.
    pub fn reattach(&self, doc_id: &str, clauses: &[Clause]) -> Result<ReattachReport, StoreError> {
        self.write(|tx| apply(tx, doc_id, clauses))
    }

    /// The sectors each of `clauses` will carry once the document's tags are re-attached to them
    /// (clause id → sector ids, sorted; clauses without tags are left out), without changing
    /// anything: an ingestion writes the clauses with these before its commit.
    pub fn plan_reattach(
        &self,
        doc_id: &str,
        clauses: &[Clause],
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let rows = self.read(|conn| rows(conn, doc_id))?;
        if rows.is_empty() {
            // Nothing to plan: a new or untagged document's clauses are not hashed for it.
            return Ok(HashMap::new());
        }
        let matcher = Matcher::new(clauses);
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for row in &rows {
            if let Plan::Keep(c) | Plan::Move(c) = matcher.plan(row) {
                map.entry(c.id.clone())
                    .or_default()
                    .push(row.sector_id.clone());
            }
        }
        for sectors in map.values_mut() {
            sectors.sort();
            sectors.dedup();
        }
        Ok(map)
    }

    /// Whether a document has tags, orphans included.
    pub fn has_tags(&self, doc_id: &str) -> Result<bool, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT 1 FROM tags WHERE doc_id = ?1 LIMIT 1")?
                .query_row([doc_id], |_| Ok(()))
                .optional()?
                .is_some())
        })
    }

    /// Records, in one transaction, the documents an ingestion is about to change. A record
    /// already there for a document (an earlier run that died) is replaced: its old clauses are
    /// those the index still holds.
    pub fn record_pending(&self, changes: &[PendingChange]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let at = now(tx)?;
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO pending_reattach (doc_id, old_hashes, new_hashes, at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for c in changes {
                stmt.execute(params![
                    c.doc_id,
                    hashes_json(&c.old)?,
                    hashes_json(&c.new)?,
                    at
                ])?;
            }
            Ok(())
        })
    }

    /// The documents whose re-attachment was recorded and not yet done, oldest first.
    pub fn pending(&self) -> Result<Vec<PendingChange>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT doc_id, old_hashes, new_hashes FROM pending_reattach ORDER BY at, doc_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (doc_id, old, new) = row?;
                out.push(PendingChange {
                    doc_id,
                    old: parse_hashes(&old)?,
                    new: parse_hashes(&new)?,
                });
            }
            Ok(out)
        })
    }

    /// Re-attaches a document's tags to `clauses` (what the index now holds) and clears its
    /// pending record, in one transaction: done once, whatever the number of calls.
    pub fn reattach_pending(
        &self,
        doc_id: &str,
        clauses: &[Clause],
    ) -> Result<ReattachReport, StoreError> {
        self.write(|tx| {
            let report = apply(tx, doc_id, clauses)?;
            tx.execute("DELETE FROM pending_reattach WHERE doc_id = ?1", [doc_id])?;
            Ok(report)
        })
    }

    /// Re-attaches an orphaned tag (by its id, [`crate::Orphan::id`]) by hand onto `clause`.
    /// `by` must be a reviewer or an admin. An id that is no orphan is [`UserError::NotFound`];
    /// a clause where the tag's user has the same sector already is [`UserError::Conflict`].
    /// Returns the tag's sector. Audited as `reattach_manual`; the user's decision on the clause
    /// follows, as tagging implies.
    pub fn reattach_orphan(
        &self,
        by: &crate::User,
        tag_id: i64,
        clause: &crate::ClauseRef,
    ) -> Result<String, StoreError> {
        crate::tags::check_clause_ref(clause)?;
        self.write(|tx| {
            let actor =
                crate::users::acting(tx, Some(by), crate::Role::reviews, "re-attach orphans")?;
            let row: Option<(String, String, i64, String)> = tx
                .query_row(
                    "SELECT t.clause_id, t.sector_id, t.user_id, u.name FROM tags t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.id = ?1 AND t.orphaned_at IS NOT NULL",
                    [tag_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (old_clause, sector_id, user_id, user) = row.ok_or_else(|| {
                StoreError::User(UserError::NotFound(format!("no orphaned tag {tag_id}")))
            })?;
            let taken = tx
                .query_row(
                    "SELECT 1 FROM tags WHERE clause_id = ?1 AND sector_id = ?2 AND user_id = ?3
                     AND orphaned_at IS NULL",
                    params![clause.clause_id, sector_id, user_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if taken {
                return Err(StoreError::User(UserError::Conflict(format!(
                    "{user} already has {sector_id} on {}",
                    clause.clause_id
                ))));
            }
            let before = crate::tags::clause_sector_list(tx, &clause.clause_id)?;
            tx.execute(
                "UPDATE tags SET clause_id = ?1, doc_id = ?2, text_hash = ?3, quote = ?4,
                 doc_number = ?5, section_path = ?6, clause_text = ?7, orphaned_at = NULL
                 WHERE id = ?8",
                params![
                    clause.clause_id,
                    clause.doc_id,
                    text_hash(&clause.text),
                    quote(&clause.text),
                    clause.doc_number,
                    json_path(&clause.section_path)?,
                    clause.text,
                    tag_id
                ],
            )?;
            let at = now(tx)?;
            let after = crate::tags::clause_sector_list(tx, &clause.clause_id)?;
            audit(
                tx,
                &at,
                &actor,
                "reattach_manual",
                Audited {
                    clause_id: Some(&clause.clause_id),
                    sector_id: Some(&sector_id),
                    subject: Some(&user),
                    from: Some(format!("{old_clause} ({before})")),
                    to: Some(format!("{} ({after})", clause.clause_id)),
                },
            )?;
            crate::decisions::ensure_decision(tx, &at, clause, user_id)?;
            Ok(sector_id)
        })
    }
}
