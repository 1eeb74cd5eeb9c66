//! What a document does to each document it refers to, read from the words around the reference:
//! an item of its `Căn cứ` preamble is a legal basis; a verb before it (`thực hiện`, `hướng dẫn`,
//! `thay thế`, `bãi bỏ`, `sửa đổi, bổ sung`) with only its own kind of words in between gives the
//! relation; a list carries the relation of its first item on; anything else is a mention.
//!
//! Replacing, repealing, amending and guiding are acts a document does to another only in its own
//! voice:
//! in its title or a heading, at the opening of a clause (`Bãi bỏ Nghị quyết số …`), after naming
//! itself (`Nghị quyết này … thay thế Nghị quyết số …`), or in a sentence that ends `như sau:`
//! (`Ban Tổ chức Trung ương hướng dẫn … như sau:`). A task to amend something later
//! (`Nghiên cứu, sửa đổi Nghị định số …`) or a fact about two others (`Quyết định số 929/QĐ-TTg thay
//! thế Quyết định số 598/QĐ-TTg`) is a mention.

use std::sync::LazyLock;

use super::Relation;
use super::reference::{Found, head_ends_at};
use super::text::{Phrase, Tok, Word, WordSet, breaks_sentence, gap_before};

/// Where a piece of text sits in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Segment {
    /// The title (with the kind line before it: `Hướng dẫn` + `một số nội dung Quy định số …`).
    Title,
    /// A section heading.
    Heading,
    /// A clause of the `Căn cứ` preamble.
    Basis,
    /// Any other clause.
    Clause,
}

/// A relation verb and the words that may stand between it and the reference it governs.
struct Trigger {
    phrase: Phrase,
    relation: Relation,
}

struct Lexicon {
    /// The verbs, the longest first: `hướng dẫn thực hiện` wins over `thực hiện`.
    triggers: Vec<Trigger>,
    implements: WordSet,
    guides: WordSet,
    amends: WordSet,
    replaces: WordSet,
    /// Words that make an act on a whole document an act on a part of it.
    partial: WordSet,
    /// Words that may stand between two items of a `Căn cứ` list, or after `được` in `đã được
    /// sửa đổi, bổ sung theo …`.
    connective: WordSet,
    /// Words that may open an item of a `Căn cứ` list before its reference (`điểm 13 của`).
    item_prefix: WordSet,
    /// Words that may stand between two items of a list that share a verb.
    carry: WordSet,
    /// The verbs of acts on other documents, which may open a clause together (`Sửa đổi, bổ
    /// sung và bãi bỏ …`).
    acts: WordSet,
    duoc: Word,
    sua: Word,
    bo: Word,
    nay: Word,
    expired: Phrase,
    as_follows: Phrase,
    /// The verbs of a lead-in clause whose list items are the documents it acts on (`… hết hiệu
    /// lực thi hành:`).
    lead_in: Vec<Trigger>,
}

static LEX: LazyLock<Lexicon> = LazyLock::new(|| {
    use Relation::*;
    let triggers = [
        ("sửa đổi bổ sung", Amends),
        ("thay thế bãi bỏ", Replaces),
        ("hướng dẫn thực hiện", Guides),
        ("hướng dẫn thi hành", Guides),
        ("hướng dẫn triển khai", Guides),
        ("quy định chi tiết", Guides),
        ("thể chế hóa", Implements),
        ("cụ thể hóa", Implements),
        ("hướng dẫn", Guides),
        ("thực hiện", Implements),
        ("triển khai", Implements),
        ("quán triệt", Implements),
        ("sửa đổi", Amends),
        ("bổ sung", Amends),
        ("thay thế", Replaces),
        ("bãi bỏ", Repeals),
    ];
    let lead_in = [
        ("hết hiệu lực", Repeals),
        ("bãi bỏ", Repeals),
        ("thay thế", Replaces),
    ];
    let trigger = |(phrase, relation): (&str, Relation)| Trigger {
        phrase: Phrase::new(phrase),
        relation,
    };
    Lexicon {
        triggers: triggers.into_iter().map(trigger).collect(),
        implements: WordSet::new(
            "tốt nghiêm túc có hiệu quả đầy đủ đồng bộ quyết liệt sâu sắc thắng lợi và việc các \
             nội dung mục tiêu nhiệm vụ giải pháp quan điểm chủ trương của thực hiện tiếp tục \
             triển khai tổ chức kịp thời",
        ),
        guides: WordSet::new(
            "thực hiện thi hành triển khai việc một số điều khoản và biện pháp của các nội dung \
             cụ thể nêu tại quy định chi tiết",
        ),
        amends: WordSet::new(
            "bổ sung sửa đổi một số điều khoản điểm của tại và quy định chế ban hành kèm theo từ \
             cụm nội dung nhiệm vụ trong phụ lục danh mục bãi bỏ thay thế các hoặc tiết mục",
        ),
        replaces: WordSet::new(
            "toàn bộ các cho và một số điều khoản điểm của tại từ cụm quy định nội dung kèm theo \
             ban hành phụ lục bãi bỏ thay thế hoặc tiết mục",
        ),
        partial: WordSet::new("một điều khoản điểm từ cụm nội tiết mục phụ"),
        connective: WordSet::new(
            "và các đã được sửa đổi bổ sung một số điều theo bởi tại vào hoặc",
        ),
        item_prefix: WordSet::new("điểm khoản điều mục chương phần của tại và các"),
        carry: WordSet::new("và hoặc số các"),
        acts: WordSet::new("sửa đổi bổ sung thay thế bãi bỏ và hoặc"),
        duoc: Word::new("được"),
        sua: Word::new("sửa"),
        bo: Word::new("bổ"),
        nay: Word::new("này"),
        expired: Phrase::new("hết hiệu lực"),
        as_follows: Phrase::new("như sau"),
        lead_in: lead_in.into_iter().map(trigger).collect(),
    }
});

/// The relation of each reference of `found` in `text` (words `toks`), `None` for a name that no
/// verb governs (not a reference after all); and whether the first one took `lead`, the relation
/// a lead-in clause just before gave the items of its list.
pub(super) fn classify(
    text: &str,
    toks: &[Tok],
    found: &[Found],
    segment: Segment,
    lead: Option<Relation>,
) -> (Vec<Option<Relation>>, bool) {
    let mut out: Vec<Option<Relation>> = Vec::with_capacity(found.len());
    if segment == Segment::Basis {
        out = basis(text, toks, found).into_iter().map(Some).collect();
    } else {
        for (n, f) in found.iter().enumerate() {
            let previous = n.checked_sub(1).map(|p| (&found[p], out[p]));
            out.push(Some(relation_of(text, toks, f, previous, segment)));
        }
    }
    let mut used_lead = false;
    if let (Some(lead), Some(first)) = (lead, found.first())
        && out[0] == Some(Relation::Mentions)
        && let Some(partial) = opens_item(toks, first.start)
    {
        let relation = if partial { Relation::Amends } else { lead };
        out[0] = Some(relation);
        used_lead = true;
        // The items of its own list share it (`Nghị định số …, Nghị định số …`).
        for n in 1..found.len() {
            if out[n] == Some(Relation::Mentions) && carries(text, toks, &found[n - 1], &found[n]) {
                out[n] = out[n - 1];
            } else {
                break;
            }
        }
    }
    for (n, f) in found.iter().enumerate() {
        // A name without number or date after another reference of the sentence belongs to that
        // one's title (`Nghị định số … quy định chi tiết Luật Bảo hiểm xã hội`).
        let in_title = n > 0 && same_sentence(text, toks, found[n - 1].start, f.start);
        if f.weak && (out[n] == Some(Relation::Mentions) || in_title) {
            out[n] = None;
        }
    }
    (out, used_lead)
}

/// The relation of one reference of a clause, title or heading.
fn relation_of(
    text: &str,
    toks: &[Tok],
    f: &Found,
    previous: Option<(&Found, Option<Relation>)>,
    segment: Segment,
) -> Relation {
    let floor = previous.map_or(0, |(p, _)| p.end);
    if let Some((relation, at, partial)) = trigger_before(text, toks, f.start, floor) {
        let own_voice = matches!(segment, Segment::Title | Segment::Heading)
            || toks[..at].iter().all(|w| LEX.acts.has(w))
            || names_itself_before(text, toks, at)
            || ends_as_follows(text, toks, at);
        return match relation {
            Relation::Replaces | Relation::Repeals | Relation::Amends | Relation::Guides
                if !own_voice =>
            {
                Relation::Mentions
            }
            Relation::Replaces | Relation::Repeals if partial => Relation::Amends,
            r => r,
        };
    }
    if let Some((p, Some(r))) = previous
        && r != Relation::Mentions
        && carries(text, toks, p, f)
    {
        return r;
    }
    if LEX.expired.at(toks, f.end) {
        let partial = (f.start.saturating_sub(4)..f.start).any(|m| LEX.partial.has(&toks[m]));
        return if partial {
            Relation::Amends
        } else {
            Relation::Repeals
        };
    }
    Relation::Mentions
}

/// The nearest relation verb before word `start` (not before word `floor`), when only its own
/// kind of words stand between: its relation, its first word, and whether those words narrow
/// it to a part (`một số từ, cụm từ tại`).
fn trigger_before(
    text: &str,
    toks: &[Tok],
    start: usize,
    floor: usize,
) -> Option<(Relation, usize, bool)> {
    let lowest = start.saturating_sub(12).max(floor);
    let mut end = start;
    while end > lowest {
        if breaks_sentence(gap_before(text, toks, end)) {
            return None;
        }
        if let Some(t) = LEX.triggers.iter().find(|t| t.phrase.ends_at(toks, end)) {
            let at = end - t.phrase.len();
            if at < floor {
                return None;
            }
            let between = &toks[end..start];
            let allowed = match t.relation {
                Relation::Implements => &LEX.implements,
                Relation::Guides => &LEX.guides,
                Relation::Amends => &LEX.amends,
                _ => &LEX.replaces,
            };
            // Numbers and letters of the parts named (`khoản 2 Điều 5`, `điểm a`) are its own.
            let own = |w: &Tok| allowed.has(w) || w.is_digits() || w.folded.chars().count() == 1;
            if !between.iter().all(own) {
                return None;
            }
            let partial = between.iter().any(|w| LEX.partial.has(w));
            return Some((t.relation, at, partial));
        }
        end -= 1;
    }
    None
}

/// Whether the document names itself (`Nghị quyết này`, `Quyết định này`) in the sentence before
/// word `at`.
fn names_itself_before(text: &str, toks: &[Tok], at: usize) -> bool {
    let mut m = at;
    while m > 0 {
        if LEX.nay.is(&toks[m - 1]) && head_ends_at(toks, m - 1) {
            return true;
        }
        if breaks_sentence(gap_before(text, toks, m - 1)) {
            return false;
        }
        m -= 1;
    }
    false
}

/// Whether words `from` and `to` are in one sentence.
fn same_sentence(text: &str, toks: &[Tok], from: usize, to: usize) -> bool {
    (from + 1..=to).all(|m| !breaks_sentence(gap_before(text, toks, m)))
}

/// Whether the sentence of word `at` ends with `như sau:`, the words by which a document says
/// what it itself does (`Ban Tổ chức Trung ương hướng dẫn … như sau:`).
fn ends_as_follows(text: &str, toks: &[Tok], at: usize) -> bool {
    let mut m = at + 1;
    while m < toks.len() && !breaks_sentence(gap_before(text, toks, m)) {
        m += 1;
    }
    let ends_with_colon = gap_before(text, toks, m).trim_start().starts_with(':');
    ends_with_colon && LEX.as_follows.ends_at(toks, m)
}

/// Whether reference `f` continues the list that `p` opens: only `,`, `và`, `hoặc` between.
fn carries(text: &str, toks: &[Tok], p: &Found, f: &Found) -> bool {
    let words_ok = toks[p.end..f.start].iter().all(|w| LEX.carry.has(w));
    let gaps_ok = (p.end..=f.start)
        .filter(|&m| m > p.start)
        .all(|m| !gap_before(text, toks, m).contains([';', '.', ':', '(', '\n']));
    words_ok && gaps_ok
}

/// Whether word `start` opens a list item: nothing before it (`Some(false)`), or only words that
/// narrow it to a part (`Khoản 2 Điều 3 của`: `Some(true)`).
fn opens_item(toks: &[Tok], start: usize) -> Option<bool> {
    let before = &toks[..start];
    if before.is_empty() {
        return Some(false);
    }
    let narrows = before
        .iter()
        .all(|w| LEX.item_prefix.has(w) || w.is_digits() || w.folded.chars().count() == 1);
    narrows.then_some(true)
}

/// The relations of the references of a `Căn cứ` clause: an item of the list is a legal basis
/// (`cites`), so is an act that amended one (`… đã được sửa đổi, bổ sung theo Luật số …`); a
/// reference inside an item's title is a mention.
fn basis(text: &str, toks: &[Tok], found: &[Found]) -> Vec<Relation> {
    // The first item opens after `Căn cứ (vào)`.
    let mut boundary = 2.min(toks.len());
    let mut item_start = true;
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        for m in boundary + 1..=f.start {
            if gap_before(text, toks, m).contains([';', ':']) {
                boundary = m;
                item_start = true;
            }
        }
        let between = &toks[boundary.min(f.start)..f.start];
        let connective = between.iter().all(|w| LEX.connective.has(w));
        let prefix = item_start
            && between
                .iter()
                .all(|w| LEX.item_prefix.has(w) || w.is_digits() || LEX.connective.has(w));
        let direct = connective || prefix || amended_by(between);
        if direct {
            out.push(Relation::Cites);
            boundary = f.end;
            item_start = false;
        } else {
            out.push(Relation::Mentions);
        }
    }
    out
}

/// Whether the words before a reference end in `được sửa đổi, bổ sung (…) theo|bởi`: the
/// reference is an act that amended the item's document.
fn amended_by(between: &[Tok]) -> bool {
    let Some(at) = between.iter().rposition(|w| LEX.duoc.is(w)) else {
        return false;
    };
    let rest = &between[at + 1..];
    rest.iter().all(|w| LEX.connective.has(w)) && rest.iter().any(|w| LEX.sua.is(w) || LEX.bo.is(w))
}

/// The relation a clause gives the items of the list it introduces, when it ends with `:` after
/// a verb in its own voice: `Kể từ ngày Nghị định này có hiệu lực …, các Nghị định … sau đây hết
/// hiệu lực thi hành:`.
pub(super) fn lead_in(text: &str, toks: &[Tok]) -> Option<Relation> {
    if !text.trim_end().ends_with(':') || toks.is_empty() {
        return None;
    }
    let lowest = toks.len().saturating_sub(8);
    for end in (lowest + 1..=toks.len()).rev() {
        if let Some(t) = LEX.lead_in.iter().find(|t| t.phrase.ends_at(toks, end)) {
            let at = end - t.phrase.len();
            let own_voice = at == 0 || names_itself_before(text, toks, at);
            return own_voice.then_some(t.relation);
        }
    }
    None
}
