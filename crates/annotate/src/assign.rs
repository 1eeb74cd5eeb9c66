//! Assignments: a document, or the section under a path prefix, given to an annotator by an
//! admin, optionally blind; and what follows from them for a user: which clauses they cover, the
//! next clause of a queue, progress.
//!
//! The store does not know a document's clauses (the index does), so the functions that need
//! them take them as arguments and stay free of I/O.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use vankien_ingest::Clause;

use crate::audit::{Audited, audit};
use crate::model::{Role, User};
use crate::store::{MAX_ID_BYTES, json_path, now};
use crate::tags::parse_path;
use crate::users::{acting, user_row};
use crate::{Store, StoreError, UserError};

/// One assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Its id.
    pub id: i64,
    /// The document.
    pub doc_id: String,
    /// The labels of the section assigned, from the root; empty: the whole document.
    pub section_path: Vec<String>,
    /// The annotator.
    pub user: String,
    /// Whether the annotator sees others' tags on a clause only once they decided it.
    pub blind: bool,
    /// The admin who assigned it.
    pub created_by: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
}

impl Assignment {
    /// Whether the assignment covers a clause of `doc_id` under `section_path`.
    pub fn covers(&self, doc_id: &str, section_path: &[String]) -> bool {
        self.doc_id == doc_id && section_path.starts_with(&self.section_path)
    }

    /// The clauses of the document (`clauses`, in document order) it covers.
    pub fn clauses<'a>(&'a self, clauses: &'a [Clause]) -> impl Iterator<Item = &'a Clause> + 'a {
        clauses
            .iter()
            .filter(|c| c.section_path.starts_with(&self.section_path))
    }
}

/// What an admin asks to assign: one assignment per user, made together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewAssignment {
    /// The document.
    pub doc_id: String,
    /// The section path prefix; empty: the whole document.
    #[serde(default)]
    pub section_path: Vec<String>,
    /// The annotators.
    pub users: Vec<String>,
    /// Blind double annotation.
    #[serde(default)]
    pub blind: bool,
}

impl Store {
    /// Makes one assignment per user of `new`, all in one transaction, each audited as `assign`.
    /// `by` must be an admin (`None`: the command line). The caller checks that the document
    /// exists and that the section holds clauses (the index knows them).
    pub fn assign(
        &self,
        by: Option<&User>,
        new: &NewAssignment,
    ) -> Result<Vec<Assignment>, StoreError> {
        check_new(new)?;
        let section = json_path(&new.section_path)?;
        let ids = self.write(|tx| {
            let actor = acting(tx, by, |r| r == Role::Admin, "assign documents")?;
            let at = now(tx)?;
            let mut ids = Vec::new();
            for name in &new.users {
                let (user_id, _) = user_row(tx, name)?;
                let taken = tx
                    .query_row(
                        "SELECT id FROM assignments WHERE doc_id = ?1 AND section_path = ?2
                         AND user_id = ?3",
                        params![new.doc_id, section, user_id],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?;
                if let Some(id) = taken {
                    return Err(StoreError::User(UserError::Conflict(format!(
                        "{name} already has {} {} (assignment {id})",
                        new.doc_id,
                        describe(&new.section_path)
                    ))));
                }
                tx.execute(
                    "INSERT INTO assignments (doc_id, section_path, user_id, blind, created_by,
                     created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![new.doc_id, section, user_id, new.blind, actor, at],
                )?;
                ids.push(tx.last_insert_rowid());
                audit(
                    tx,
                    &at,
                    &actor,
                    "assign",
                    Audited {
                        subject: Some(name),
                        to: Some(format!(
                            "{} {}{}",
                            new.doc_id,
                            describe(&new.section_path),
                            if new.blind { " blind" } else { "" }
                        )),
                        ..Audited::default()
                    },
                )?;
            }
            Ok(ids)
        })?;
        let all = self.assignments(Some(&new.doc_id), None)?;
        Ok(all.into_iter().filter(|a| ids.contains(&a.id)).collect())
    }

    /// Deletes an assignment (decisions and tags stay), audited as `unassign`. `by` must be an
    /// admin. Unknown id: [`UserError::NotFound`].
    pub fn unassign(&self, by: Option<&User>, id: i64) -> Result<Assignment, StoreError> {
        self.write(|tx| {
            let actor = acting(tx, by, |r| r == Role::Admin, "remove assignments")?;
            let found = assignments(tx, None, None)?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| {
                    StoreError::User(UserError::NotFound(format!("no assignment {id}")))
                })?;
            tx.execute("DELETE FROM assignments WHERE id = ?1", [id])?;
            let at = now(tx)?;
            audit(
                tx,
                &at,
                &actor,
                "unassign",
                Audited {
                    subject: Some(&found.user),
                    from: Some(format!(
                        "{} {}",
                        found.doc_id,
                        describe(&found.section_path)
                    )),
                    ..Audited::default()
                },
            )?;
            Ok(found)
        })
    }

    /// The assignments, of a document and of a user when given, oldest first.
    pub fn assignments(
        &self,
        doc_id: Option<&str>,
        user: Option<&str>,
    ) -> Result<Vec<Assignment>, StoreError> {
        self.read(|conn| assignments(conn, doc_id, user))
    }
}

pub(crate) fn assignments(
    conn: &Connection,
    doc_id: Option<&str>,
    user: Option<&str>,
) -> Result<Vec<Assignment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.doc_id, a.section_path, u.name, a.blind, a.created_by, a.created_at
         FROM assignments a JOIN users u ON u.id = a.user_id
         WHERE (?1 IS NULL OR a.doc_id = ?1) AND (?2 IS NULL OR u.name = ?2) ORDER BY a.id",
    )?;
    let rows = stmt.query_map(params![doc_id, user], |r| {
        Ok(Assignment {
            id: r.get(0)?,
            doc_id: r.get(1)?,
            section_path: parse_path(r.get(2)?),
            user: r.get(3)?,
            blind: r.get(4)?,
            created_by: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn check_new(new: &NewAssignment) -> Result<(), StoreError> {
    let bad = |why: String| Err(StoreError::User(UserError::InvalidInput(why)));
    if new.doc_id.is_empty()
        || new.doc_id.len() > MAX_ID_BYTES
        || new.doc_id.chars().any(char::is_control)
    {
        return bad(format!("bad document id {:?}", new.doc_id));
    }
    if new.users.is_empty() {
        return bad("an assignment names at least one user".into());
    }
    let distinct: HashSet<&String> = new.users.iter().collect();
    if distinct.len() != new.users.len() {
        return bad("a user is named twice".into());
    }
    if new.section_path.len() > 16
        || new
            .section_path
            .iter()
            .any(|l| l.is_empty() || l.len() > 200 || l.chars().any(char::is_control))
    {
        return bad(format!("bad section path {:?}", new.section_path));
    }
    Ok(())
}

/// `section A/II` or `whole document`, for messages and the audit log.
fn describe(section_path: &[String]) -> String {
    if section_path.is_empty() {
        "whole document".into()
    } else {
        format!("section {}", section_path.join("/"))
    }
}

/// How far a user is with what they were assigned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Clauses assigned (a clause two assignments cover counts once).
    pub assigned: usize,
    /// Of those, how many they decided.
    pub decided: usize,
}

/// One clause of a user's queue: which assignment brings it, and the clause.
#[derive(Debug, Clone, Copy)]
pub struct QueueItem<'a> {
    /// The assignment.
    pub assignment: &'a Assignment,
    /// The clause.
    pub clause: &'a Clause,
    /// Its 1-based place in its document.
    pub position: usize,
}

/// A user's queue: the clauses of their `assignments` in assignment order, each document's in
/// document order, every clause once. `clauses_of` gives a document's clauses (none when the
/// document is gone from the index).
pub fn queue<'q, 'a: 'q, 'c: 'q>(
    assignments: &'a [Assignment],
    clauses_of: impl Fn(&str) -> Option<&'c [Clause]>,
) -> Vec<QueueItem<'q>> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for a in assignments {
        let Some(clauses) = clauses_of(&a.doc_id) else {
            continue;
        };
        for (i, c) in clauses.iter().enumerate() {
            if c.section_path.starts_with(&a.section_path) && seen.insert(c.id.as_str()) {
                out.push(QueueItem {
                    assignment: a,
                    clause: c,
                    position: i + 1,
                });
            }
        }
    }
    out
}

/// The next undecided item of `queue` after the clause `after` (from the start when `after` is
/// `None` or not in the queue), wrapping round; `None` when every item is decided.
pub fn next_undecided<'q, 'a>(
    queue: &'q [QueueItem<'a>],
    decided: &HashSet<String>,
    after: Option<&str>,
) -> Option<&'q QueueItem<'a>> {
    let start = after
        .and_then(|id| queue.iter().position(|q| q.clause.id == id))
        .map_or(0, |i| i + 1);
    queue[start..]
        .iter()
        .chain(&queue[..start])
        .find(|q| !decided.contains(&q.clause.id))
}

/// The progress of a queue.
pub fn progress(queue: &[QueueItem<'_>], decided: &HashSet<String>) -> Progress {
    Progress {
        assigned: queue.len(),
        decided: queue
            .iter()
            .filter(|q| decided.contains(&q.clause.id))
            .count(),
    }
}
