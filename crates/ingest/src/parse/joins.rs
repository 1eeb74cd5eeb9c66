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
//! Only the breaks after an unfinished line, before a capitalized word, are in doubt, and only
//! the ones the splitter asks about are looked up, when it asks: each phrase once, as written in
//! lower case and capitalized, at the places where its first word stands (see `body_words`).
//! Most breaks never ask (a table's cells, a line that starts in lower case), and a document
//! none of whose breaks asks reads nothing more.

use std::collections::HashMap;

use super::body_words::BodyWords;
use super::lines::{Line, ends_terminal};
use crate::normalize::is_alphanumeric;

/// The body of a document (its lines `from..`, furniture left out) and what was looked up in it
/// so far.
#[derive(Debug)]
pub(crate) struct Evidence<'a> {
    text: &'a str,
    lines: &'a [Line<'a>],
    furn: &'a [bool],
    from: usize,
    /// Per opening phrase (the first two words of a doubtful line, lower case): how often the
    /// document writes it inside a sentence in lower case, and how often capitalized.
    case: HashMap<String, (u32, u32)>,
    /// Per phrase cut by a line break (last word of a line in lower case, the first two words of
    /// the next as written): whether the document also writes it inside one line.
    seen: HashMap<(String, String), bool>,
    /// The body's words, indexed at the first look-up.
    words: Option<BodyWords<'a>>,
    /// How often each short line stands whole on a line of its own, counted at the first look-up.
    whole_lines: Option<HashMap<&'a str, u32>>,
}

/// The most words of a line that [`Evidence::recurring_heading`] counts.
const SUBHEADING_WORDS: usize = 8;

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

impl<'a> Evidence<'a> {
    /// The evidence of the body lines `from..` of `lines`, cut from `text` (furniture in `furn`
    /// left out); nothing is looked up yet.
    pub(crate) fn new(
        text: &'a str,
        lines: &'a [Line<'a>],
        furn: &'a [bool],
        from: usize,
    ) -> Evidence<'a> {
        Evidence {
            text,
            lines,
            furn,
            from: from.min(lines.len()),
            case: HashMap::new(),
            seen: HashMap::new(),
            words: None,
            whole_lines: None,
        }
    }

    /// Whether line `at` is a sub-heading the document repeats whole on lines of its own, three
    /// times or more (`Khái niệm`, `Cách ghi biểu`, `Nguồn số liệu`): such a line starts its own
    /// paragraph, whatever the line before it leaves open.
    pub(crate) fn recurring_heading(&mut self, at: usize) -> bool {
        let t = self.lines[at].text.trim();
        let short = |t: &str| {
            t.split_whitespace().count() <= SUBHEADING_WORDS
                && t.starts_with(char::is_uppercase)
                && !ends_terminal(t)
                && !t.bytes().any(|b| b.is_ascii_digit())
        };
        if !short(t) {
            return false;
        }
        let (lines, furn, from) = (self.lines, self.furn, self.from);
        let counts = self.whole_lines.get_or_insert_with(|| {
            let mut counts: HashMap<&'a str, u32> = HashMap::new();
            for (i, l) in lines.iter().enumerate().skip(from) {
                let t = l.text.trim();
                if !furn[i] && short(t) {
                    *counts.entry(t).or_default() += 1;
                }
            }
            counts
        });
        counts.get(t).is_some_and(|&n| n >= 3)
    }

    /// Whether the document writes the phrase across the break between lines `prev` and `next`
    /// (`prev`'s last word, `next`'s first two words) inside a line elsewhere, capitalized
    /// alike: the two lines are one phrase cut by a wrap. Only a doubtful break's phrase counts.
    pub(crate) fn pair_seen(&mut self, prev: usize, next: usize) -> bool {
        let (p, n) = (self.lines[prev].text, self.lines[next].text);
        let cut = (last_word(p).to_lowercase(), first_two(n));
        // The splitter asks about a break of the body; another pair of lines reads the phrase
        // of a doubtful break that cuts alike, if any.
        let doubtful = if self.one_break(prev, next) {
            !ends_terminal(p) && is_capitalized(first_word(n))
        } else {
            self.doubtful_breaks()
                .iter()
                .any(|(a, b)| (last_word(a).to_lowercase(), first_two(b)) == cut)
        };
        if !doubtful {
            return false;
        }
        if let Some(&seen) = self.seen.get(&cut) {
            return seen;
        }
        let (last, words) = &cut;
        let seen = [
            format!("{last} {words}"),
            format!("{} {words}", capitalize(last)),
        ]
        .iter()
        .any(|phrase| !self.places(phrase).is_empty());
        self.seen.insert(cut, seen);
        seen
    }

    /// Whether `next`, a line starting with a capitalized word, starts a sentence after `prev`:
    /// the document writes its opening phrase in lower case inside its sentences more often than
    /// capitalized, and `prev` does not end on a capitalized word (the start of a name, `Luật`,
    /// `xã Tây`, that the next line may finish). Only a doubtful break's opening counts.
    pub(crate) fn starts_sentence(&mut self, prev: usize, next: usize) -> bool {
        let (p, n) = (self.lines[prev].text, self.lines[next].text);
        if !is_capitalized(first_word(n)) || is_capitalized(last_word(p)) {
            return false;
        }
        let key = opening(n);
        let doubtful = if self.one_break(prev, next) {
            !ends_terminal(p)
        } else {
            self.doubtful_breaks()
                .iter()
                .any(|(_, b)| opening(b) == key)
        };
        if !doubtful {
            return false;
        }
        let (lower, upper) = match self.case.get(&key) {
            Some(&counts) => counts,
            None => {
                let counts = self.case_counts(&key);
                self.case.insert(key, counts);
                counts
            }
        };
        lower > upper
    }

    /// How often the body writes `key` inside a sentence in lower case, and capitalized: not at
    /// a line's start, not after a full stop. A key without a capital counts for both.
    fn case_counts(&mut self, key: &str) -> (u32, u32) {
        let mut counts = (0, 0);
        for (which, phrase) in [key.to_string(), capitalize(key)].iter().enumerate() {
            for (k, start) in self.places(phrase) {
                if !opens_sentence(&self.text[self.lines[k].start..start]) {
                    match which {
                        0 => counts.0 += 1,
                        _ => counts.1 += 1,
                    }
                }
            }
        }
        counts
    }

    /// Where `phrase` stands in the body as whole words (see [`BodyWords::places`]); the body's
    /// words are indexed at the first call.
    fn places(&mut self, phrase: &str) -> Vec<(usize, usize)> {
        let (text, lines, furn, from) = (self.text, self.lines, self.furn, self.from);
        self.words
            .get_or_insert_with(|| BodyWords::new(text, lines, furn, from))
            .places(phrase)
    }

    /// Whether lines `prev` and `next` follow each other in the body (only blank lines or
    /// furniture between them): the break the splitter asks about, which is in doubt when
    /// `prev` is unfinished and `next` starts with a capitalized word.
    fn one_break(&self, prev: usize, next: usize) -> bool {
        let in_body = |k: usize| k >= self.from && !self.furn[k] && !self.lines[k].is_blank();
        prev < next
            && in_body(prev)
            && in_body(next)
            && (prev + 1..next).all(|k| self.furn[k] || self.lines[k].is_blank())
    }

    /// The body's doubtful breaks, as (line before, line after): an unfinished line, then a
    /// capitalized word.
    fn doubtful_breaks(&self) -> Vec<(&'a str, &'a str)> {
        let lines: &'a [Line<'a>] = self.lines;
        let body: Vec<&'a str> = lines[self.from..]
            .iter()
            .zip(&self.furn[self.from..])
            .filter(|(l, f)| !l.is_blank() && !**f)
            .map(|(l, _)| l.text)
            .collect();
        body.windows(2)
            .map(|w| (w[0], w[1]))
            .filter(|(a, b)| !ends_terminal(a) && is_capitalized(first_word(b)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::split;

    /// Checks the evidence of a text.
    fn with_evidence(text: &str, check: impl FnOnce(&mut Evidence<'_>)) {
        let lines = split(text);
        let furn = vec![false; lines.len()];
        check(&mut Evidence::new(text, &lines, &furn, 0));
    }

    #[test]
    fn a_common_word_capitalized_after_a_heading_starts_a_sentence() {
        let text = "3. Phương hướng, nhiệm vụ trọng tâm thời gian tới\n\
                    Thời gian tới, dự báo tình hình còn khó khăn trong thời gian dài.\n\
                    Bộ Tài chính chủ trì, phối hợp với Bộ Công Thương theo Luật\n\
                    Thời gian tới\n\
                    UBND tỉnh báo cáo.";
        with_evidence(text, |ev| {
            // Line 0 is the heading, 1 the new sentence.
            assert!(ev.starts_sentence(0, 1));
            // Lines that do not follow each other read the same evidence.
            assert!(!ev.starts_sentence(0, 2), "Bộ Tài chính");
            assert!(!ev.starts_sentence(0, 4), "UBND tỉnh");
            // The start of a name goes on, whatever the next words are.
            assert!(!ev.starts_sentence(2, 3), "theo Luật / Thời gian tới");
        });
    }

    #[test]
    fn a_phrase_written_inside_a_line_elsewhere_is_cut_by_a_wrap() {
        let text = "4.6. Văn phòng\nTrung ương Đảng phối hợp với các ban.\n\
                    Giao Văn phòng Trung ương Đảng theo dõi.";
        with_evidence(text, |ev| {
            assert!(ev.pair_seen(0, 1));
            assert!(!ev.pair_seen(1, 2));
        });
    }
}
