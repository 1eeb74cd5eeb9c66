//! Evidence for joining hard-wrapped lines, gathered from the document itself: how it uses the
//! word a line starts with, and which word pairs it writes inside a line.
//!
//! A wrapped line that goes on with a capital (`… phối hợp với` / `Bộ Tài chính …`) must join
//! its paragraph; a heading without a full stop followed by a new sentence (`3. Phương hướng,
//! nhiệm vụ … thời gian tới` / `Thời gian tới, dự báo …`) must not. Line length alone cannot tell
//! them apart in typeset text (the next word would often just have fit), but the document can:
//! a common word the text writes in lower case inside its sentences (`thời`) starts a sentence
//! when it is capitalized at a line start, while a name it capitalizes inside sentences (`Bộ`,
//! `Trung ương`) or an acronym (`UBND`) may go on one. A pair of words the document also writes
//! inside one line (`Văn phòng` / `Trung ương`) is one phrase cut by a wrap.
//!
//! Only the words that start a line after an unfinished one are looked up, in one pass over the
//! text, so the evidence costs little beside parsing.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashSet;

use super::lines::{Line, ends_terminal, marker};

/// How the document writes the words that start its doubtful lines.
#[derive(Debug, Default)]
pub(crate) struct Evidence {
    /// Per opening phrase (the first two words of a doubtful line, lower case): how often the
    /// document writes it inside a sentence in lower case, and how often capitalized.
    case: HashMap<String, (u32, u32)>,
    /// Phrases cut by a line break (last word of a line in lower case, the first two words of
    /// the next as written) that the document also writes inside one line.
    seen: HashSet<(String, String)>,
}

/// The first two words of a line as written, without punctuation around them.
fn first_two(t: &str) -> String {
    t.split_whitespace()
        .take(2)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first word of a line, without punctuation around it.
pub(crate) fn first_word(t: &str) -> &str {
    t.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
}

/// The last word of a line, without punctuation around it.
pub(crate) fn last_word(t: &str) -> &str {
    t.split_whitespace()
        .next_back()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
}

/// The opening phrase of a line that decides its case evidence: its first two words, lower case.
fn opening(t: &str) -> String {
    let mut ws = t
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
    let first = ws.next().unwrap_or("").to_lowercase();
    match ws.next() {
        Some(second) if !second.is_empty() => format!("{first} {}", second.to_lowercase()),
        _ => first,
    }
}

/// A lower-case word with its first letter capitalized (`thời` → `Thời`).
fn capitalize(w: &str) -> String {
    let mut chars = w.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a word starts with a capital and goes on in lower case (`Thời`, `Bộ`; not `UBND`).
fn is_capitalized(w: &str) -> bool {
    let mut chars = w.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase())
}

impl Evidence {
    /// Gathers the evidence for the lines `from..` (furniture in `furn` left out).
    pub(crate) fn gather(lines: &[Line<'_>], furn: &[bool], from: usize) -> Evidence {
        let mut ev = Evidence::default();
        let from = from.min(lines.len());
        let body: Vec<&str> = lines[from..]
            .iter()
            .zip(&furn[from..])
            .filter(|(l, f)| !l.is_blank() && !**f)
            .map(|(l, _)| l.text)
            .collect();
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        for pair in body.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            let w = first_word(next);
            if ends_terminal(prev) || !is_capitalized(w) || marker(next).is_some() {
                continue;
            }
            ev.case.entry(opening(next)).or_default();
            pairs.insert((last_word(prev).to_lowercase(), first_two(next)));
        }
        if ev.case.is_empty() {
            return ev;
        }
        // The first words of the phrases, as written both ways (`thời`, `Thời`), and the first
        // words after a break, so that each word of the text is looked up once, as it stands,
        // in a set with a fast hash.
        let firsts: FxHashSet<String> = ev
            .case
            .keys()
            .map(|k| k.split(' ').next().unwrap_or(""))
            .flat_map(|w| [w.to_string(), capitalize(w)])
            .collect();
        let seconds: FxHashSet<&str> = pairs
            .iter()
            .map(|(_, w)| w.split(' ').next().unwrap_or(""))
            .collect();
        let mut ws: Vec<(&str, bool, bool)> = Vec::new();
        for line in &body {
            // Each word without punctuation around it, whether a sentence ends after it, and
            // whether it touches the next word with no punctuation between them.
            ws.clear();
            ws.extend(line.split_whitespace().map(|raw| {
                let ends = raw.ends_with(['.', ':', ';', '!', '?', '(', '"', '“']);
                let bare = raw.trim_matches(|c: char| !c.is_alphanumeric());
                (bare, ends, raw.ends_with(bare))
            }));
            for i in 1..ws.len() {
                let (prev, prev_ends, touches) = ws[i - 1];
                let (w, _, _) = ws[i];
                if w.is_empty() || prev.is_empty() {
                    continue;
                }
                let first = firsts.contains(w);
                let second = touches && seconds.contains(w);
                if !first && !second {
                    continue;
                }
                if second {
                    let then = ws.get(i + 1).map_or("", |(n, _, _)| *n);
                    let key = (
                        prev.to_lowercase(),
                        format!("{w} {then}").trim_end().to_string(),
                    );
                    if pairs.contains(&key) {
                        ev.seen.insert(key);
                    }
                }
                // Inside a sentence only: after a full stop any word is capitalized.
                if prev_ends || !first {
                    continue;
                }
                let phrase = match ws.get(i + 1) {
                    Some((next, _, _)) if !next.is_empty() => {
                        format!("{} {}", w.to_lowercase(), next.to_lowercase())
                    }
                    _ => w.to_lowercase(),
                };
                if let Some(count) = ev.case.get_mut(&phrase) {
                    if is_capitalized(w) {
                        count.1 += 1;
                    } else if w.chars().next().is_some_and(char::is_lowercase) {
                        count.0 += 1;
                    }
                }
            }
        }
        ev
    }

    /// Whether the document writes the phrase across the break (`prev`'s last word, `next`'s
    /// first two words) inside a line elsewhere, capitalized alike: the two lines are one phrase
    /// cut by a wrap.
    pub(crate) fn pair_seen(&self, prev: &str, next: &str) -> bool {
        !self.seen.is_empty()
            && self
                .seen
                .contains(&(last_word(prev).to_lowercase(), first_two(next)))
    }

    /// Whether `next`, a line starting with a capitalized word, starts a sentence after `prev`:
    /// the document writes its opening phrase in lower case inside its sentences more often than
    /// capitalized, and `prev` does not end on a capitalized word (the start of a name, `Luật`,
    /// `xã Tây`, that the next line may finish).
    pub(crate) fn starts_sentence(&self, prev: &str, next: &str) -> bool {
        if !is_capitalized(first_word(next)) || is_capitalized(last_word(prev)) {
            return false;
        }
        self.case
            .get(&opening(next))
            .is_some_and(|&(lower, upper)| lower > upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::split;

    fn evidence(text: &str) -> Evidence {
        let lines = split(text);
        let furn = vec![false; lines.len()];
        Evidence::gather(&lines, &furn, 0)
    }

    #[test]
    fn a_common_word_capitalized_after_a_heading_starts_a_sentence() {
        let text = "3. Phương hướng, nhiệm vụ trọng tâm thời gian tới\n\
                    Thời gian tới, dự báo tình hình còn khó khăn trong thời gian dài.\n\
                    Bộ Tài chính chủ trì, phối hợp với Bộ Công Thương.";
        let ev = evidence(text);
        let heading = "3. Phương hướng, nhiệm vụ trọng tâm thời gian tới";
        assert!(ev.starts_sentence(heading, "Thời gian tới, dự báo"));
        assert!(!ev.starts_sentence(heading, "Bộ Tài chính chủ trì"));
        assert!(!ev.starts_sentence(heading, "UBND tỉnh"));
        // The start of a name goes on, whatever the next words are.
        assert!(!ev.starts_sentence("theo Luật", "Thời gian tới"));
    }

    #[test]
    fn a_phrase_written_inside_a_line_elsewhere_is_cut_by_a_wrap() {
        let text = "4.6. Văn phòng\nTrung ương Đảng phối hợp với các ban.\n\
                    Giao Văn phòng Trung ương Đảng theo dõi.";
        let ev = evidence(text);
        assert!(ev.pair_seen("4.6. Văn phòng", "Trung ương Đảng phối hợp"));
        assert!(!ev.pair_seen("các ban.", "Giao Văn phòng"));
    }
}
