//! Blind annotation in search answers: a hit on a clause whose others' tags the viewer may not
//! see yet shows the viewer's own sectors only (the rule is the store's, [`Blindness`]).

use std::collections::HashSet;

use vankien_annotate::{Blindness, User};
use vankien_index::Hit;

use crate::error::ApiError;
use crate::state::Ctx;

/// Replaces the sectors of the hits the viewer may not see whole by their own; returns the ids
/// of those clauses.
pub(crate) fn hits(
    ctx: &Ctx<'_>,
    viewer: Option<&User>,
    hits: &mut [Hit],
) -> Result<HashSet<String>, ApiError> {
    let mut hidden = HashSet::new();
    if hits.is_empty() {
        return Ok(hidden);
    }
    let blindness: Blindness = ctx.store.blindness(viewer, None)?;
    for hit in hits {
        if blindness.hides(&hit.doc_id, &hit.clause_id, &hit.section_path) {
            hit.sectors = blindness.own_sectors(&ctx.store.tags_for_clause(&hit.clause_id)?);
            hidden.insert(hit.clause_id.clone());
        }
    }
    Ok(hidden)
}
