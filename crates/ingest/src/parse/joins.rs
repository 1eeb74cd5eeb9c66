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
//! Only the phrases around a break after an unfinished line are looked up, all at once in one
//! pass over each line's words (see `phrases`), so the evidence costs little beside parsing.

use std::collections::{HashMap, HashSet};

use super::lines::{Line, ends_terminal};
use super::phrases::Phrases;
use crate::normalize::is_alphanumeric;

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
    let mut ws = t
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !is_alphanumeric(c)));
    let first = ws.next().unwrap_or("");
    match ws.next() {
        Some(second) => format!("{first} {second}"),
        None => first.to_string(),
    }
}

/// The first word of a line, without punctuation around it.
pub(crate) fn first_word(t: &str) -> &str {
    t.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !is_alphanumeric(c))
}

/// The last word of a line, without punctuation around it.
pub(crate) fn last_word(t: &str) -> &str {
    t.split_whitespace()
        .next_back()
        .unwrap_or("")
        .trim_matches(|c: char| !is_alphanumeric(c))
}

/// The opening phrase of a line that decides its case evidence: its first two words, lower case.
fn opening(t: &str) -> String {
    let mut ws = t
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !is_alphanumeric(c)));
    let first = ws.next().unwrap_or("").to_lowercase();
    match ws.next() {
        Some(second) if !second.is_empty() => format!("{first} {}", second.to_lowercase()),
        _ => first,
    }
}

/// Whether a phrase that comes after `before` on its line opens a sentence: at the line's start,
/// or after a full stop, a colon or an opening bracket or quote.
fn opens_sentence(before: &str) -> bool {
    let prev = before.trim_end();
    prev.is_empty() || prev.ends_with(['.', ':', ';', '!', '?', '(', '"', '“'])
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
        let from = from.min(lines.len());
        let body: Vec<&str> = lines[from..]
            .iter()
            .zip(&furn[from..])
            .filter(|(l, f)| !l.is_blank() && !**f)
            .map(|(l, _)| l.text)
            .collect();
        // The doubtful breaks: an unfinished line, then a capitalized word.
        let mut keys: HashSet<String> = HashSet::new();
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        for pair in body.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            if ends_terminal(prev) || !is_capitalized(first_word(next)) {
                continue;
            }
            keys.insert(opening(next));
            pairs.insert((last_word(prev).to_lowercase(), first_two(next)));
        }
        if keys.is_empty() {
            return Evidence::default();
        }
        let keys: Vec<String> = keys.into_iter().collect();
        let pairs: Vec<(String, String)> = pairs.into_iter().collect();
        // Every phrase to look for, found in one pass over each line: an opening phrase as
        // written in lower case and capitalized, and a phrase across a break as it would stand
        // inside a line. Tags: `2k` and `2k + 1` the key `k` in lower case and capitalized,
        // from `2 * keys.len()` on the pairs.
        let pair_tag = 2 * keys.len();
        let mut phrases: Vec<(String, usize)> = Vec::new();
        for (k, key) in keys.iter().enumerate() {
            phrases.push((key.clone(), 2 * k));
            phrases.push((capitalize(key), 2 * k + 1));
        }
        for (p, (last, next)) in pairs.iter().enumerate() {
            phrases.push((format!("{last} {next}"), pair_tag + p));
            phrases.push((format!("{} {next}", capitalize(last)), pair_tag + p));
        }
        let phrases = Phrases::new(phrases);
        let mut counts = vec![(0u32, 0u32); keys.len()];
        let mut seen = vec![false; pairs.len()];
        for line in &body {
            phrases.find(line, |tag, start| {
                if tag >= pair_tag {
                    seen[tag - pair_tag] = true;
                } else if !opens_sentence(&line[..start]) {
                    // Inside a sentence only: not at a line's start, not after a full stop.
                    let c = &mut counts[tag / 2];
                    if tag % 2 == 1 {
                        c.1 += 1;
                    } else {
                        c.0 += 1;
                    }
                }
            });
        }
        Evidence {
            case: keys.into_iter().zip(counts).collect(),
            seen: pairs
                .into_iter()
                .zip(seen)
                .filter_map(|(p, s)| s.then_some(p))
                .collect(),
        }
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
