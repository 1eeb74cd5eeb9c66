//! Where each block goes in the section tree: which open sections stay open when it arrives, and
//! whether a numbered block is a section or a clause. A numbered list follows its majority, so
//! that `3.3. Tích cực … Nhân dân. Tiếp tục …` among the headings 3.1–3.4 is a heading too, and a
//! numbered paragraph followed by a closing sentence stays a paragraph like its siblings; but a
//! member with no heading to give (one paragraph with nothing under it, or a long one over
//! paragraphs only) is a labelled clause whatever its list reads, never a section with an empty
//! heading. The places are read from the blocks alone, in a pass that builds nothing, before the
//! tree is built once.

use std::collections::HashMap;

use super::{heading_like, heads_its_body, sentence_split};
use crate::parse::blocks::Block;
use crate::parse::lines::Scheme;

/// The open sections: (scheme, section index), outermost first.
pub(super) type Stack = [(Scheme, usize)];

/// A numbered list: its parent section and its scheme.
type List = (Option<usize>, Scheme);

/// Where a block with a section's marker goes.
pub(super) struct Place {
    /// How many open sections stay open (the rest close).
    pub parent_len: usize,
    /// Whether the block opens a section (else it is a clause of the open ones).
    pub section: bool,
    /// Whether blocks under it follow it (its body), and whether they start with an item or a
    /// heading rather than running text.
    pub body: bool,
    pub sub_items: bool,
    /// The numbered list it belongs to, if any: its parent section and its scheme.
    list: Option<List>,
}

/// Where block `bi` goes under the open sections `stack`; `None` for a block without a section's
/// marker (or a form's field), a clause that leaves the sections as they are. A numbered block
/// is a section when `force` says so, else when it reads as a heading or has a body; and, but
/// while the lists are `counting`, only when it has a heading to give.
pub(super) fn place(
    blocks: &[Block],
    bi: usize,
    stack: &Stack,
    force: &HashMap<usize, bool>,
    counting: bool,
) -> Option<Place> {
    let block = &blocks[bi];
    let m = block
        .marker
        .as_ref()
        .filter(|m| m.scheme.is_section() && !block.form)?;
    let parent_len = parent_len(stack, m.scheme);
    let text = &block.text;
    let body = has_body(stack, blocks, bi, parent_len);
    let sub_items = body && blocks.get(bi + 1).is_some_and(|n| n.marker.is_some());
    // Whether it has a heading to give (see `heads_its_body`): else (one paragraph, or a long
    // one over paragraphs) it is a labelled clause, never a section with an empty heading.
    let heads = || {
        heading_like(text)
            || sentence_split(text).is_some()
            || heads_its_body(text, body, sub_items)
    };
    if !is_numeric(m.scheme) {
        return Some(Place {
            parent_len,
            section: true,
            body,
            sub_items,
            list: None,
        });
    }
    let parent_article = parent_len > 0 && stack[parent_len - 1].0 == Scheme::Article;
    if parent_article {
        // `1.` right under `Điều` is a khoản, a clause, and in no list.
        return Some(Place {
            parent_len,
            section: false,
            body,
            sub_items,
            list: None,
        });
    }
    let alone = heading_like(text) || body;
    // The majorities are counted on what each block reads alone (`counting`); a member the
    // majority makes a section still needs a heading to give.
    let section = force.get(&bi).copied().unwrap_or(alone) && (counting || heads());
    Some(Place {
        parent_len,
        section,
        body,
        sub_items,
        list: Some((parent_len.checked_sub(1).map(|p| stack[p].1), m.scheme)),
    })
}

/// The decisions that make each numbered list follow its majority: every member of a list
/// that disagrees with itself, as a section or not, as most of the list reads; empty when
/// every list agrees with itself (then each block decides alone).
pub(super) fn majorities(blocks: &[Block]) -> HashMap<usize, bool> {
    let mut force = HashMap::new();
    let mut changed = false;
    for members in lists(blocks).values() {
        let sections = members.iter().filter(|&&(_, section)| section).count();
        let as_sections = sections * 2 >= members.len();
        changed |= members.iter().any(|&(_, section)| section != as_sections);
        force.extend(members.iter().map(|&(b, _)| (b, as_sections)));
    }
    if changed { force } else { HashMap::new() }
}

/// The numbered lists, each block deciding alone: (parent section, scheme) → (block index,
/// read as a section). The sections open and close as the tree builder opens and closes them.
fn lists(blocks: &[Block]) -> HashMap<List, Vec<(usize, bool)>> {
    let mut lists: HashMap<List, Vec<(usize, bool)>> = HashMap::new();
    let mut stack: Vec<(Scheme, usize)> = Vec::new();
    let mut sections = 0;
    let alone = HashMap::new();
    for bi in 0..blocks.len() {
        let Some(place) = place(blocks, bi, &stack, &alone, true) else {
            continue;
        };
        if let Some(list) = place.list {
            lists.entry(list).or_default().push((bi, place.section));
        }
        stack.truncate(place.parent_len);
        if place.section {
            let scheme = blocks[bi]
                .marker
                .as_ref()
                .map_or(Scheme::Annex, |m| m.scheme);
            stack.push((scheme, sections));
            sections += 1;
        }
    }
    lists
}

/// How many open sections stay open when a heading of `scheme` arrives: a scheme already on
/// the path closes back to that level; fixed-level schemes close everything at or below them.
fn parent_len(stack: &Stack, scheme: Scheme) -> usize {
    if let Some(rank) = fixed_rank(scheme) {
        let fixed = stack
            .iter()
            .rposition(|&(s, _)| fixed_rank(s).is_some_and(|r| r < rank))
            .map_or(0, |p| p + 1);
        if scheme == Scheme::Article {
            // A Party regulation's parts (`I- QUY ĐỊNH CHUNG`, `A.`) hold its articles: the
            // roman or letter sections opened before any article stay open above them.
            let parts = stack[fixed..]
                .iter()
                .take_while(|&&(s, _)| matches!(s, Scheme::Roman | Scheme::Letter))
                .count();
            return fixed + parts;
        }
        return fixed;
    }
    stack
        .iter()
        .rposition(|&(s, _)| s == scheme)
        .unwrap_or(stack.len())
}

/// Whether the block after `bi` belongs under it (rather than being its sibling or an
/// ancestor's sibling).
fn has_body(stack: &Stack, blocks: &[Block], bi: usize, parent_len: usize) -> bool {
    let Some(next) = blocks.get(bi + 1) else {
        return false;
    };
    let Some(nm) = next.marker.as_ref().filter(|m| m.scheme.is_section()) else {
        return true;
    };
    let scheme = blocks[bi].marker.as_ref().map(|m| m.scheme);
    if Some(nm.scheme) == scheme || fixed_rank(nm.scheme).is_some() {
        return false;
    }
    !stack[..parent_len].iter().any(|&(s, _)| s == nm.scheme)
}

/// Fixed levels for the schemes that always sit above the numbered ones.
fn fixed_rank(s: Scheme) -> Option<u8> {
    match s {
        Scheme::Annex => Some(0),
        Scheme::Part => Some(1),
        Scheme::Chapter => Some(2),
        Scheme::Division => Some(3),
        Scheme::Article => Some(4),
        _ => None,
    }
}

/// Whether a scheme numbers with digits (`1.`, `1.1.`, `1.1.1.`).
fn is_numeric(s: Scheme) -> bool {
    matches!(s, Scheme::Number | Scheme::Number2 | Scheme::Number3)
}
