//! The sector taxonomy file (`corpus/sectors.json`): reading it and checking it before it reaches
//! the database.
//!
//! The file is an object `{"description": "...", "sectors": [{"id", "name", "parent"?}, ...]}`.
//! Ids are stable ASCII slugs (`[a-z0-9]` words joined by `-`); tags refer to them, so an id is
//! never renamed, only added. Names are Vietnamese and may be edited freely.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::{InternalError, UserError};
use crate::{Sector, StoreError};

/// The longest sector id accepted.
const MAX_ID_LEN: usize = 80;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    #[serde(default)]
    #[allow(dead_code)] // Documentation for people editing the file.
    description: Option<String>,
    sectors: Vec<Sector>,
}

/// Reads and checks a taxonomy file; the error names the file and the problem.
pub fn read_taxonomy(path: &Path) -> Result<Vec<Sector>, StoreError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        StoreError::Internal(InternalError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    })?;
    parse_taxonomy(&bytes, &file)
}

/// Parses and checks the bytes of a taxonomy file; `file` names it in errors.
pub fn parse_taxonomy(bytes: &[u8], file: &str) -> Result<Vec<Sector>, StoreError> {
    let bad = |problem: String| {
        StoreError::User(UserError::Taxonomy {
            file: file.to_string(),
            problem,
        })
    };
    let parsed: TaxonomyFile = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    let mut sectors = parsed.sectors;
    if sectors.is_empty() {
        return Err(bad("no sectors".into()));
    }
    let mut ids = HashSet::new();
    for s in &mut sectors {
        s.name = vankien_ingest::normalize::normalize_text(s.name.trim());
        if !is_slug(&s.id) {
            return Err(bad(format!(
                "sector id {:?} is not a slug of lower-case ASCII letters and digits joined by '-'",
                s.id
            )));
        }
        if s.name.is_empty() || s.name.contains('\n') {
            return Err(bad(format!(
                "sector {} has an empty or multi-line name",
                s.id
            )));
        }
        if !ids.insert(s.id.clone()) {
            return Err(bad(format!("duplicate sector id {}", s.id)));
        }
    }
    for s in &sectors {
        if let Some(parent) = &s.parent
            && !ids.contains(parent)
        {
            return Err(bad(format!(
                "sector {} has parent {parent}, which is not in the file",
                s.id
            )));
        }
    }
    // Walk up from every sector: more steps than sectors means a cycle.
    for s in &sectors {
        let mut at = s;
        let mut steps = 0;
        while let Some(parent) = &at.parent {
            steps += 1;
            if steps > sectors.len() {
                return Err(bad(format!("sector {} is its own ancestor", s.id)));
            }
            at = sectors
                .iter()
                .find(|p| &p.id == parent)
                .expect("checked above");
        }
    }
    Ok(sectors)
}

/// Whether `id` is a slug: `[a-z0-9]+(-[a-z0-9]+)*`, at most [`MAX_ID_LEN`] bytes.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(json: &str) -> String {
        match parse_taxonomy(json.as_bytes(), "t.json") {
            Err(StoreError::User(UserError::Taxonomy { problem, .. })) => problem,
            other => panic!("expected a taxonomy error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_small_tree() {
        let s = parse_taxonomy(
            r#"{"sectors": [{"id": "nong-nghiep", "name": " Nông nghiệp "},
                {"id": "thuy-loi", "name": "Thủy lợi", "parent": "nong-nghiep"}]}"#
                .as_bytes(),
            "t.json",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "Nông nghiệp");
        assert_eq!(s[1].parent.as_deref(), Some("nong-nghiep"));
    }

    #[test]
    fn names_each_problem() {
        assert!(problem(r#"{"sectors": []}"#).contains("no sectors"));
        assert!(
            problem(r#"{"sectors": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#)
                .contains("duplicate sector id a")
        );
        assert!(
            problem(r#"{"sectors": [{"id": "a", "name": "A", "parent": "zz"}]}"#)
                .contains("parent zz")
        );
        assert!(problem(r#"{"sectors": [{"id": "a", "name": "  "}]}"#).contains("empty"));
        assert!(problem(r#"{"sectors": [{"id": "Nông", "name": "x"}]}"#).contains("slug"));
        assert!(problem(r#"{"sectors": [{"id": "a--b", "name": "x"}]}"#).contains("slug"));
        assert!(
            problem(r#"{"sectors": [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"}]}"#)
                .contains("own ancestor")
        );
        assert!(problem(r#"{"sectors": [{"id": "a", "nam": "A"}]}"#).contains("nam"));
        assert!(problem("not json").contains("expected"));
    }

    #[test]
    fn slugs() {
        assert!(is_slug("xay-dung-dang"));
        assert!(is_slug("y-te-2"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a-"));
        assert!(!is_slug("A"));
        assert!(!is_slug("a_b"));
        assert!(!is_slug(""));
    }
}
