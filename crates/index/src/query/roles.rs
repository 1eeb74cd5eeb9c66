//! What each typed word of a query does: content, which decides whether a clause matches; a
//! question particle or function word ([`super::particles`]), which only adds to the score; or a
//! word naming a clause kind ([`super::kinds`]), which prefers clauses of that kind. Document
//! numbers and abbreviations are always content.

use vankien_ingest::ClauseKind;
use vankien_ingest::docnum;

use super::{Item, ParsedQuery, Word, kinds, particles};
use crate::abbrev;

/// The role of one typed word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A word the clause must have (or enough of them, see [`super::minmatch`]).
    Content,
    /// A question particle or function word: optional, it adds to the score where it is.
    Particle,
    /// A particle that links the words around it (`là`): optional, but it stays in the run of
    /// words whose standing side by side is boosted ([`super::Proximity`]).
    Link,
    /// One of the two words naming a clause kind: optional, and the kind is preferred.
    Kind(ClauseKind),
}

/// The roles of a run of bare words, as if the query had other content.
pub(crate) fn roles(ws: &[Word]) -> Vec<Role> {
    let folded: Vec<String> = ws.iter().map(|w| w.folded.clone()).collect();
    let mut covered = vec![false; ws.len()];
    for (range, _) in docnum::find_numbers(&folded) {
        covered[range].iter_mut().for_each(|c| *c = true);
    }
    for (range, _) in abbrev::find(&folded, &covered.clone()) {
        covered[range].iter_mut().for_each(|c| *c = true);
    }
    let mut out = vec![Role::Content; ws.len()];
    let free = |from: usize, n: usize| (from..from + n).all(|k| !covered[k]);
    let mut i = 0;
    while i < ws.len() {
        if let Some(kind) = kinds::kind_at(ws, i).filter(|_| free(i, 2)) {
            out[i..i + 2].fill(Role::Kind(kind));
            i += 2;
            continue;
        }
        if let Some(p) = particles::at(ws, i).filter(|p| free(i, p.len)) {
            let role = if p.links { Role::Link } else { Role::Particle };
            out[i..i + p.len].fill(role);
            i += p.len;
            continue;
        }
        i += 1;
    }
    out
}

/// The roles of every run of bare words of a query.
#[derive(Debug, Default)]
pub(crate) struct QueryRoles {
    /// The roles of each run of bare words, in order.
    pub runs: Vec<Vec<Role>>,
    /// Whether the words naming a kind are required: the query has no other content.
    pub kinds_required: bool,
}

/// The roles of every run of bare words of a query. Never drops a word that is the only
/// content: a query whose words are all particles or kind names (and that has no phrase) keeps
/// its kind names, else all its words, required.
pub(crate) fn query_roles(parsed: &ParsedQuery) -> QueryRoles {
    let mut runs: Vec<Vec<Role>> = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Words(ws) => Some(roles(ws)),
            _ => None,
        })
        .collect();
    let phrase = parsed.items.iter().any(|i| matches!(i, Item::Phrase(_)));
    let has = |p: &dyn Fn(&Role) -> bool| runs.iter().flatten().any(p);
    if phrase || has(&|r| *r == Role::Content) {
        return QueryRoles {
            runs,
            kinds_required: false,
        };
    }
    // Only kind names and particles: the kind names are the content (still preferring their
    // kind); with no kind name either, every word is.
    if has(&|r| matches!(r, Role::Kind(_))) {
        return QueryRoles {
            runs,
            kinds_required: true,
        };
    }
    runs.iter_mut().flatten().for_each(|r| *r = Role::Content);
    QueryRoles {
        runs,
        kinds_required: false,
    }
}

#[cfg(test)]
mod tests {
    use vankien_ingest::ClauseKind;

    use super::{Role, query_roles};
    use crate::query::parse;

    fn roles(q: &str) -> Vec<Role> {
        query_roles(&parse(q).unwrap()).runs.concat()
    }

    #[test]
    fn particles_and_kind_names_are_optional_unless_they_are_all_the_query_has() {
        use Role::{Content as C, Kind as K, Link as L, Particle as P};
        assert_eq!(roles("có được sáp nhập xã không"), [P, P, C, C, C, P]);
        assert_eq!(
            roles("bài học về công tác cán bộ"),
            [K(ClauseKind::Lesson), K(ClauseKind::Lesson), P, C, C, C, C]
        );
        // Document numbers and abbreviations are content, whatever their words.
        assert_eq!(roles("nghị quyết 57 là gì"), [C, C, C, L, P]);
        // Only particles: all required. Only kind names and particles: the names are.
        assert_eq!(roles("của các"), [C, C]);
        let lesson = K(ClauseKind::Lesson);
        assert_eq!(roles("bài học về"), [lesson, lesson, P]);
        assert!(query_roles(&parse("bài học về").unwrap()).kinds_required);
        assert!(!query_roles(&parse("bài học về cán bộ").unwrap()).kinds_required);
        // A phrase is content enough.
        assert_eq!(roles("\"đào tạo nghề\" cho"), [P]);
    }
}
