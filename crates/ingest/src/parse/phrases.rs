//! Many phrases looked up in a line at once, as whole words: a phrase matches where it starts a
//! word (at the line's start or after white space) and ends before a character that is no letter
//! or digit. Used for the evidence of line joins, a few hundred phrases over every body line.
//!
//! Every phrase but a rare one starts with a word, so the line is walked word by word and only
//! the words that can start a phrase are looked up: a small bit filter on the word's length and
//! bytes turns away nearly every other word before any hashing. The few phrases that start with a
//! space are searched for as substrings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::normalize::is_alphanumeric;

/// Bits in the filter of phrase heads: a few hundred heads leave it sparse.
const FILTER_BITS: usize = 8192;

/// A set of phrases, each with a tag, to find in lines.
#[derive(Debug, Default)]
pub(crate) struct Phrases {
    /// The phrases by their head (the phrase up to its first space), with their tags.
    by_head: HashMap<String, Vec<(String, usize)>, BuildHasherDefault<Fnv>>,
    /// A bit per [`filter_bit`] of every head: a word whose bit is clear heads no phrase.
    filter: Vec<u64>,
    /// Phrases that start with a space, with their tags.
    spaced: Vec<(String, usize)>,
}

/// The filter bit of a word: from its length and its first two and last bytes.
fn filter_bit(word: &[u8]) -> usize {
    let byte = |b: Option<&u8>| u32::from(b.copied().unwrap_or(0));
    let (first, second, last) = (byte(word.first()), byte(word.get(1)), byte(word.last()));
    let h = (word.len() as u32)
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(first.wrapping_mul(0x85EB_CA6B))
        .wrapping_add(second.wrapping_mul(0xC2B2_AE35))
        .wrapping_add(last.wrapping_mul(0x27D4_EB2F));
    (h >> 16) as usize % FILTER_BITS
}

/// FNV-1a, for the heads: common words pass the filter, and std's SipHash (made to resist
/// chosen keys, which a document's own words are not) cost twice the lookup itself.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Phrases {
    /// The phrases to look for, each with a tag that [`Phrases::find`] reports. A phrase may
    /// come more than once, with different tags: each match reports every tag. An empty phrase
    /// matches nothing.
    pub(crate) fn new(phrases: impl IntoIterator<Item = (String, usize)>) -> Phrases {
        let mut p = Phrases {
            filter: vec![0; FILTER_BITS / 64],
            ..Phrases::default()
        };
        for (phrase, tag) in phrases {
            if phrase.is_empty() {
                continue;
            }
            if phrase.starts_with(char::is_whitespace) {
                p.spaced.push((phrase, tag));
                continue;
            }
            let head = phrase.split(' ').next().unwrap_or_default().to_string();
            let bit = filter_bit(head.as_bytes());
            p.filter[bit / 64] |= 1 << (bit % 64);
            p.by_head.entry(head).or_default().push((phrase, tag));
        }
        p
    }

    /// Calls `found(tag, start)` for every phrase that matches in `line` as whole words (see the
    /// module's documentation), `start` the byte offset of the match; every match of every
    /// phrase, overlapping or not.
    pub(crate) fn find(&self, line: &str, mut found: impl FnMut(usize, usize)) {
        if !self.by_head.is_empty() {
            self.words(line, &mut found);
        }
        for (phrase, tag) in &self.spaced {
            find_spaced(line, phrase, *tag, &mut found);
        }
    }

    /// Looks up the heads a phrase may have at each word of `line` (a word: a run of characters
    /// that are no white space): the word, and the part of it before each character that is no
    /// letter or digit (`Bộ` in `Bộ,`). One walk over the bytes, decoding only non-ASCII
    /// characters.
    fn words(&self, line: &str, found: &mut impl FnMut(usize, usize)) {
        let bytes = line.as_bytes();
        let mut word: Option<usize> = None;
        let mut at = 0;
        while at < bytes.len() {
            let (c, len) = match bytes[at] {
                b if b < 0x80 => (char::from(b), 1),
                _ => {
                    let c = line[at..].chars().next().unwrap_or_default();
                    (c, c.len_utf8())
                }
            };
            if c.is_whitespace() {
                if let Some(start) = word.take() {
                    self.head(line, start, &line[start..at], found);
                }
            } else if word.is_none() {
                word = Some(at);
            } else if let Some(start) = word
                && !is_alphanumeric(c)
            {
                self.head(line, start, &line[start..at], found);
            }
            at += len;
        }
        if let Some(start) = word {
            self.head(line, start, &line[start..], found);
        }
    }

    /// Reports the phrases with head `head` that match at `start`.
    fn head(&self, line: &str, start: usize, head: &str, found: &mut impl FnMut(usize, usize)) {
        let bit = filter_bit(head.as_bytes());
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return;
        }
        let Some(phrases) = self.by_head.get(head) else {
            return;
        };
        let rest = &line[start..];
        for (phrase, tag) in phrases {
            if rest.starts_with(phrase.as_str()) && ends_word(&rest[phrase.len()..]) {
                found(*tag, start);
            }
        }
    }
}

/// Whether a match may end where `after` starts: not inside a word.
fn ends_word(after: &str) -> bool {
    !after.chars().next().is_some_and(is_alphanumeric)
}

/// Reports every match of `phrase`, which starts with a space, in `line`: after white space or
/// at the line's start, and not followed by a letter or digit.
fn find_spaced(line: &str, phrase: &str, tag: usize, found: &mut impl FnMut(usize, usize)) {
    let mut from = 0;
    while let Some(at) = line[from..].find(phrase) {
        let start = from + at;
        let before = &line[..start];
        if (before.is_empty() || before.ends_with(char::is_whitespace))
            && ends_word(&line[start + phrase.len()..])
        {
            found(tag, start);
        }
        // Overlapping matches too: go on from the next character.
        from = start + line[start..].chars().next().map_or(1, char::len_utf8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(phrases: &[&str], line: &str) -> Vec<(usize, usize)> {
        let p = Phrases::new(phrases.iter().enumerate().map(|(i, s)| (s.to_string(), i)));
        let mut out = Vec::new();
        p.find(line, |tag, start| out.push((tag, start)));
        out.sort_unstable();
        out
    }

    #[test]
    fn phrases_match_as_whole_words() {
        let phrases = ["thời gian", "Thời gian", "gian", "Bộ", "Văn phòng Trung"];
        let line = "Thời gian tới, thời gian dài";
        let second = line.find("thời").unwrap();
        assert_eq!(
            matches(&phrases, line),
            [
                (0, second),
                (1, 0),
                (2, "Thời ".len()),
                (2, second + "thời ".len())
            ]
        );
        // Not inside a word, at either end.
        assert!(matches(&phrases, "thờigian giant Bộ2 xBộ").is_empty());
        // Before punctuation, and a phrase within a longer word's punctuation.
        let line = "(Bộ) Bộ, Bộ-X";
        assert_eq!(
            matches(&phrases, line),
            [
                (3, line.find(" Bộ,").unwrap() + 1),
                (3, line.find("Bộ-").unwrap())
            ]
        );
        assert_eq!(matches(&phrases, "Giao Văn phòng Trung ương"), [(4, 5)]);
    }

    #[test]
    fn repeated_phrases_report_every_tag_and_spaced_phrases_are_found() {
        assert_eq!(matches(&["Bộ", "Bộ"], "Bộ Tài chính"), [(0, 0), (1, 0)]);
        assert_eq!(matches(&[" Bộ Tài"], "x  Bộ Tài chính"), [(0, 2)]);
        assert_eq!(matches(&["  a"], "    a"), [(0, 2)]);
        assert!(
            matches(&[" Bộ"], "x Bộ").is_empty(),
            "the space before is no white space run"
        );
    }

    /// Every match aho-corasick's overlapping search finds at a word's start and a word's end,
    /// as the evidence of joins once found them.
    fn by_automaton(automaton: &aho_corasick::AhoCorasick, line: &str) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = automaton
            .find_overlapping_iter(line)
            .filter(|m| {
                let before = &line[..m.start()];
                (before.is_empty() || before.ends_with(char::is_whitespace))
                    && !line[m.end()..].starts_with(char::is_alphanumeric)
            })
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn real_documents_give_the_matches_of_an_automaton() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if !path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    continue;
                }
                let text = crate::normalize::normalize_text(
                    &std::fs::read_to_string(&path).expect("text file"),
                );
                // The phrases of the evidence's shapes: each line's opening words as written and
                // in lower case, and the phrase across each break; a few start with a space.
                let lines: Vec<&str> = text.lines().map(str::trim).collect();
                let mut phrases: Vec<String> = Vec::new();
                for pair in lines.windows(2).take(300) {
                    let two: Vec<&str> = pair[1].split_whitespace().take(2).collect();
                    let last = pair[0].split_whitespace().next_back().unwrap_or("");
                    phrases.push(two.join(" "));
                    phrases.push(two.join(" ").to_lowercase());
                    phrases.push(format!("{last} {}", two.join(" ")));
                    phrases.push(format!(" {}", two.first().unwrap_or(&"")));
                }
                phrases.retain(|p| !p.trim().is_empty());
                let tagged = phrases.iter().cloned().zip(0..);
                let p = Phrases::new(tagged);
                let automaton = aho_corasick::AhoCorasick::new(&phrases).expect("automaton");
                for line in &lines {
                    let mut got = Vec::new();
                    p.find(line, |tag, start| got.push((tag, start)));
                    got.sort_unstable();
                    assert_eq!(
                        got,
                        by_automaton(&automaton, line),
                        "{}: {line}",
                        path.display()
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 20, "{checked} documents");
    }
}
