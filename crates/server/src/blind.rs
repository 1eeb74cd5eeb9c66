//! Blind annotation in search answers: a hit on a clause whose others' tags the viewer may not
//! see yet shows the viewer's own sectors only (the rule is the store's, [`Blindness`]); a sector
//! filter never finds a clause by such tags, and the sector facet, which counts every tag, is
//! left out of an answer that reaches a document with a blind assignment.

use std::collections::HashSet;

use vankien_annotate::Blindness;
use vankien_index::{Hit, SearchRequest};

use crate::error::ApiError;
use crate::state::Ctx;

/// What blindness makes of a search before it runs.
pub(crate) struct Narrowed {
    /// The search to run: with a `sector` filter, the documents of blind assignments left out
    /// (the viewer's own tags there too: a hit there could only say whose tags match).
    pub req: SearchRequest,
    /// Whether the answer's sector facet must be left out: the search reaches a document with a
    /// blind assignment, whose clauses the facet would count by every annotator's tags.
    pub hide_sector_facet: bool,
}

/// Narrows `req` for `blindness` (see [`Narrowed`]). Costs nothing where no assignment is
/// blind; else at most one more search, of one hit, without facets.
pub(crate) fn narrow(
    ctx: &Ctx<'_>,
    blindness: &Blindness,
    req: SearchRequest,
) -> Result<Narrowed, ApiError> {
    let blind = blindness.blind_docs();
    if blind.is_empty() {
        return Ok(Narrowed {
            req,
            hide_sector_facet: false,
        });
    }
    if req.sector.is_some() {
        let base: Vec<String> = if req.doc_ids.is_empty() {
            ctx.index.documents()?.into_iter().map(|d| d.id).collect()
        } else {
            req.doc_ids.clone()
        };
        let mut kept: Vec<String> = base
            .into_iter()
            .filter(|d| !blind.contains(d.as_str()))
            .collect();
        if kept.is_empty() {
            // Every document left is blind: a document id no document has matches nothing, and
            // the filters are still checked (an unknown sector stays a 400).
            kept.push("\u{0}".into());
        }
        return Ok(Narrowed {
            req: SearchRequest {
                doc_ids: kept,
                ..req
            },
            hide_sector_facet: false,
        });
    }
    let hide_sector_facet = req.facets && {
        let within: Vec<String> = if req.doc_ids.is_empty() {
            blind.iter().map(|d| d.to_string()).collect()
        } else {
            req.doc_ids
                .iter()
                .filter(|d| blind.contains(d.as_str()))
                .cloned()
                .collect()
        };
        !within.is_empty() && {
            let probe = SearchRequest {
                doc_ids: within,
                limit: 1,
                offset: 0,
                facets: false,
                group: false,
                ..req.clone()
            };
            ctx.library.search(&probe)?.total > 0
        }
    };
    Ok(Narrowed {
        req,
        hide_sector_facet,
    })
}

/// Replaces the sectors of the hits the viewer may not see whole by their own; returns the ids
/// of those clauses.
pub(crate) fn hits(
    ctx: &Ctx<'_>,
    blindness: &Blindness,
    hits: &mut [Hit],
) -> Result<HashSet<String>, ApiError> {
    let mut hidden = HashSet::new();
    if hits.is_empty() {
        return Ok(hidden);
    }
    for hit in hits {
        if blindness.hides(&hit.doc_id, &hit.clause_id, &hit.section_path) {
            hit.sectors = blindness.own_sectors(&ctx.store.tags_for_clause(&hit.clause_id)?);
            hidden.insert(hit.clause_id.clone());
        }
    }
    Ok(hidden)
}
