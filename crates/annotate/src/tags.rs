//! Tags on clauses: adding and removing them (audited), and reading them back by clause, as the
//! index's sector mirror, as orphans and as an export.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::anchor::{canonical_text, quote, text_hash};
use crate::assign::assignments;
use crate::audit::{Audited, audit};
use crate::decisions::ensure_decision;
use crate::model::{ClauseRef, ExportRow, Orphan, ReviewStatus, Role, Tag, User};
use crate::store::{MAX_ID_BYTES, MAX_TEXT_BYTES, now};
use crate::users::user_row;
use crate::{Store, StoreError, UserError};

impl Store {
    /// Puts a sector on a clause for `user`. Returns `false` (and changes nothing) if the user
    /// already has this sector on this clause. Unknown sector or user is an error.
    pub fn tag(
        &self,
        user: &User,
        clause: &ClauseRef,
        sector_id: &str,
    ) -> Result<bool, StoreError> {
        check_clause_ref(clause)?;
        let hash = text_hash(&clause.text);
        let quote = quote(&clause.text);
        let section_path = serde_json::to_string(&clause.section_path)
            .map_err(|e| StoreError::User(UserError::InvalidInput(e.to_string())))?;
        self.write(|tx| {
            let (user_id, _) = user_row(tx, &user.name)?;
            check_sector(tx, sector_id)?;
            let before = clause_sector_list(tx, &clause.clause_id)?;
            let at = now(tx)?;
            let added = tx.execute(
                "INSERT OR IGNORE INTO tags (clause_id, doc_id, sector_id, user_id, at, text_hash,
                 quote, doc_number, section_path, clause_text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    clause.clause_id,
                    clause.doc_id,
                    sector_id,
                    user_id,
                    at,
                    hash,
                    quote,
                    clause.doc_number,
                    section_path,
                    clause.text
                ],
            )?;
            if added == 0 {
                return Ok(false);
            }
            // Tagging a clause decides it, except where a blind assignment of the user covers
            // it: there a clause may need several sectors, and deciding would show the others'
            // tags after the first; the annotator decides it explicitly (`Store::decide`).
            let blind = assignments(tx, Some(&clause.doc_id), Some(&user.name))?
                .iter()
                .any(|a| a.blind && a.covers(&clause.doc_id, &clause.section_path));
            if !blind {
                ensure_decision(tx, &at, clause, user_id)?;
            }
            let after = clause_sector_list(tx, &clause.clause_id)?;
            audit(
                tx,
                &at,
                &user.name,
                "tag",
                Audited {
                    clause_id: Some(&clause.clause_id),
                    sector_id: Some(sector_id),
                    subject: Some(&user.name),
                    from: Some(before),
                    to: Some(after),
                },
            )?;
            Ok(true)
        })
    }

    /// Removes a sector from a clause. An annotator removes their own tag; an admin removes the
    /// sector from the clause altogether (every annotator's tag of it, each audited).
    ///
    /// Returns `false` if the clause did not carry the sector. An annotator asking to remove a
    /// sector that only others put there gets [`UserError::Forbidden`].
    pub fn untag(&self, user: &User, clause_id: &str, sector_id: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            // The role comes from the database, not from the caller's `User`.
            let (_, role) = user_row(tx, &user.name)?;
            check_sector(tx, sector_id)?;
            let owners: Vec<(i64, String)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT t.id, u.name FROM tags t JOIN users u ON u.id = t.user_id
                     WHERE t.clause_id = ?1 AND t.sector_id = ?2 AND t.orphaned_at IS NULL
                     ORDER BY t.id",
                )?;
                stmt.query_map([clause_id, sector_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?
            };
            if owners.is_empty() {
                return Ok(false);
            }
            let targets: Vec<&(i64, String)> = owners
                .iter()
                .filter(|(_, owner)| role == Role::Admin || *owner == user.name)
                .collect();
            if targets.is_empty() {
                return Err(StoreError::User(UserError::Forbidden(format!(
                    "sector {sector_id} on {clause_id} was tagged by {}; only they or an admin can remove it",
                    owners[0].1
                ))));
            }
            let at = now(tx)?;
            let mut before = clause_sector_list(tx, clause_id)?;
            for (tag_id, owner) in targets {
                tx.execute("DELETE FROM tags WHERE id = ?1", [tag_id])?;
                let after = clause_sector_list(tx, clause_id)?;
                audit(
                    tx,
                    &at,
                    &user.name,
                    "untag",
                    Audited {
                        clause_id: Some(clause_id),
                        sector_id: Some(sector_id),
                        subject: Some(owner),
                        from: Some(before),
                        to: Some(after.clone()),
                    },
                )?;
                before = after;
            }
            Ok(true)
        })
    }

    /// The live tags of a clause, oldest first.
    pub fn tags_for_clause(&self, clause_id: &str) -> Result<Vec<Tag>, StoreError> {
        self.read(|conn| live_tags(conn, "t.clause_id", clause_id))
    }

    /// The live tags of a document's clauses, oldest first.
    pub fn tags_for_doc(&self, doc_id: &str) -> Result<Vec<Tag>, StoreError> {
        self.read(|conn| live_tags(conn, "t.doc_id", doc_id))
    }

    /// The distinct sector ids a clause carries (live tags), sorted: what the index mirrors.
    pub fn clause_sectors(&self, clause_id: &str) -> Result<Vec<String>, StoreError> {
        self.read(|conn| clause_sectors(conn, clause_id))
    }

    /// Every clause with live tags → its distinct sector ids, sorted: rebuilds the index mirror.
    pub fn sector_map(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT DISTINCT clause_id, sector_id FROM tags WHERE orphaned_at IS NULL
                 ORDER BY clause_id, sector_id",
            )?;
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (clause, sector) = row?;
                map.entry(clause).or_default().push(sector);
            }
            Ok(map)
        })
    }

    /// Tags that could not be re-attached, oldest orphan first.
    pub fn orphans(&self) -> Result<Vec<Orphan>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.clause_id, t.doc_id, t.doc_number, t.section_path, t.quote, t.clause_text,
                 t.sector_id, u.name, t.at, t.orphaned_at, t.id
                 FROM tags t JOIN users u ON u.id = t.user_id
                 WHERE t.orphaned_at IS NOT NULL ORDER BY t.orphaned_at, t.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Orphan {
                    id: r.get(10)?,
                    clause_id: r.get(0)?,
                    doc_id: r.get(1)?,
                    doc_number: r.get(2)?,
                    section_path: parse_path(r.get(3)?),
                    quote: r.get(4)?,
                    clause_text: r.get(5)?,
                    sector_id: r.get(6)?,
                    user: r.get(7)?,
                    at: r.get(8)?,
                    orphaned_at: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Every tag (orphans included, flagged), by document, clause, sector and annotator.
    pub fn export(&self) -> Result<Vec<ExportRow>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT t.doc_number, t.doc_id, t.clause_id, t.section_path, t.clause_text,
                 t.sector_id, s.name, u.name, t.at, t.orphaned_at IS NOT NULL,
                 r.status, ru.name, r.at
                 FROM tags t JOIN users u ON u.id = t.user_id JOIN sectors s ON s.id = t.sector_id
                 LEFT JOIN reviews r ON r.clause_id = t.clause_id AND r.sector_id = t.sector_id
                     AND t.orphaned_at IS NULL
                 LEFT JOIN users ru ON ru.id = r.reviewer_id
                 ORDER BY t.doc_id, t.clause_id, t.sector_id, u.name, t.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(ExportRow {
                    doc_number: r.get(0)?,
                    doc_id: r.get(1)?,
                    clause_id: r.get(2)?,
                    section_path: parse_path(r.get(3)?),
                    clause_text: r.get(4)?,
                    sector_id: r.get(5)?,
                    sector_name: r.get(6)?,
                    annotator: r.get(7)?,
                    at: r.get(8)?,
                    orphaned: r.get(9)?,
                    status: match r.get::<_, Option<String>>(10)?.as_deref() {
                        Some("accepted") => ReviewStatus::Accepted,
                        Some("rejected") => ReviewStatus::Rejected,
                        _ => ReviewStatus::Pending,
                    },
                    reviewer: r.get(11)?,
                    reviewed_at: r.get(12)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

pub(crate) fn check_sector(conn: &Connection, sector_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("SELECT 1 FROM sectors WHERE id = ?1")?
        .query_row([sector_id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| StoreError::User(UserError::UnknownSector(sector_id.to_string())))
}

/// The distinct live sectors of a clause, sorted.
pub(crate) fn clause_sectors(
    conn: &Connection,
    clause_id: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT sector_id FROM tags WHERE clause_id = ?1 AND orphaned_at IS NULL
         ORDER BY sector_id",
    )?;
    let rows = stmt.query_map([clause_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// [`clause_sectors`] as the audit log records it: comma-separated.
pub(crate) fn clause_sector_list(conn: &Connection, clause_id: &str) -> Result<String, StoreError> {
    Ok(clause_sectors(conn, clause_id)?.join(","))
}

pub(crate) fn parse_path(json: String) -> Vec<String> {
    serde_json::from_str(&json).unwrap_or_default()
}

pub(crate) fn check_clause_ref(c: &ClauseRef) -> Result<(), StoreError> {
    let bad_id =
        |s: &str| s.is_empty() || s.len() > MAX_ID_BYTES || s.chars().any(char::is_control);
    if bad_id(&c.clause_id) || bad_id(&c.doc_id) {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "bad clause reference {:?} in {:?}",
            c.clause_id, c.doc_id
        ))));
    }
    if c.text.len() > MAX_TEXT_BYTES || canonical_text(&c.text).is_empty() {
        return Err(StoreError::User(UserError::InvalidInput(format!(
            "clause {} has an empty or oversized text",
            c.clause_id
        ))));
    }
    Ok(())
}

/// The live tags whose `column` (`t.clause_id` or `t.doc_id`, never user input) is `key`, oldest
/// first.
fn live_tags(conn: &rusqlite::Connection, column: &str, key: &str) -> Result<Vec<Tag>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.clause_id, t.sector_id, u.name, t.at FROM tags t
         JOIN users u ON u.id = t.user_id
         WHERE {column} = ?1 AND t.orphaned_at IS NULL ORDER BY t.at, t.id"
    ))?;
    let rows = stmt.query_map([key], |r| {
        Ok(Tag {
            clause_id: r.get(0)?,
            sector_id: r.get(1)?,
            user: r.get(2)?,
            at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
