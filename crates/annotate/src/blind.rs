//! Blind annotation: which tags a viewer may see. A clause is blind when a blind assignment covers
//! it; on a blind clause, whoever is not a reviewer or an admin sees only their own tags until
//! they have decided the clause, and an anonymous viewer sees none but their own (none).

use std::collections::HashSet;

use crate::assign::{Assignment, assignments};
use crate::decisions::decisions;
use crate::model::{Tag, User};
use crate::{Store, StoreError};

/// What one viewer may see, read once for a request.
#[derive(Debug, Clone)]
pub struct Blindness {
    /// The viewer's name (`None`: anonymous).
    viewer: Option<String>,
    /// Blind assignments (empty when the viewer sees everything).
    blind: Vec<Assignment>,
    /// The clauses the viewer decided, in documents with blind assignments.
    decided: HashSet<String>,
}

impl Blindness {
    /// Nothing hidden: for reviewers, admins, and where no assignment is blind.
    pub fn none() -> Blindness {
        Blindness {
            viewer: None,
            blind: Vec::new(),
            decided: HashSet::new(),
        }
    }

    /// Whether others' tags on the clause `clause_id` of `doc_id` under `section_path` are held
    /// back from the viewer.
    pub fn hides(&self, doc_id: &str, clause_id: &str, section_path: &[String]) -> bool {
        !self.decided.contains(clause_id)
            && self.blind.iter().any(|a| a.covers(doc_id, section_path))
    }

    /// The tags of one clause the viewer may see, and whether others' were held back.
    pub fn filter(
        &self,
        doc_id: &str,
        clause_id: &str,
        section_path: &[String],
        tags: Vec<Tag>,
    ) -> (Vec<Tag>, bool) {
        if !self.hides(doc_id, clause_id, section_path) {
            return (tags, false);
        }
        let own = tags
            .into_iter()
            .filter(|t| Some(&t.user) == self.viewer.as_ref())
            .collect();
        (own, true)
    }

    /// The documents with a blind assignment: where others' tags may be held back from the
    /// viewer (none for reviewers and admins, nor where no assignment is blind).
    pub fn blind_docs(&self) -> std::collections::BTreeSet<&str> {
        self.blind.iter().map(|a| a.doc_id.as_str()).collect()
    }

    /// The sectors of the viewer's own tags, for a clause whose tags [`Blindness::hides`]:
    /// read from `tags` (the clause's live tags).
    pub fn own_sectors(&self, tags: &[Tag]) -> Vec<String> {
        let mut out: Vec<String> = tags
            .iter()
            .filter(|t| Some(&t.user) == self.viewer.as_ref())
            .map(|t| t.sector_id.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl Store {
    /// What `viewer` (`None`: anonymous) may see in a document (`doc_id`), or anywhere (`None`).
    pub fn blindness(
        &self,
        viewer: Option<&User>,
        doc_id: Option<&str>,
    ) -> Result<Blindness, StoreError> {
        if viewer.is_some_and(|v| v.role.reviews()) {
            return Ok(Blindness::none());
        }
        self.read(|conn| {
            let blind: Vec<Assignment> = assignments(conn, doc_id, None)?
                .into_iter()
                .filter(|a| a.blind)
                .collect();
            let mut decided = HashSet::new();
            if let Some(viewer) = viewer {
                let docs: HashSet<&str> = blind.iter().map(|a| a.doc_id.as_str()).collect();
                for doc in docs {
                    decided.extend(
                        decisions(conn, Some(doc), Some(&viewer.name))?
                            .into_iter()
                            .map(|d| d.clause_id),
                    );
                }
            }
            Ok(Blindness {
                viewer: viewer.map(|v| v.name.clone()),
                blind,
                decided,
            })
        })
    }
}
