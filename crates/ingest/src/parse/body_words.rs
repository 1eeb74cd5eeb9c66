//! The words of a document's body, indexed by their leading letters and digits: where a phrase
//! stands as whole words, found without reading the body again. The join evidence looks up a
//! few hundred phrases at most, each when a doubtful break asks; one pass over the body builds
//! the index, and each look-up then reads only the places where the phrase's first word may
//! stand. The index is a table of chains by a hash of the word's run: building it hashes each
//! word once and stores no key; a look-up checks each word of its chain against the phrase,
//! which sorts out the words of other runs that share the chain.

use super::lines::Line;
use crate::normalize::is_alphanumeric;

/// The body lines of a text and their words.
#[derive(Debug)]
pub(crate) struct BodyWords<'a> {
    text: &'a str,
    lines: &'a [Line<'a>],
    /// The indices of the body lines: not blank, no furniture.
    body: Vec<usize>,
    /// Per chain (the low bits of a run's hash): its last word, in `words`.
    chains: Vec<u32>,
    /// Every word that starts with a letter or digit, each linked to the word before it in its
    /// chain.
    words: Vec<Word>,
}

/// A word of the body: its line, where it starts in the text, and the word before it in its
/// chain (`NONE` for the first).
#[derive(Debug, Clone, Copy)]
struct Word {
    line: u32,
    start: u32,
    before: u32,
}

/// No word.
const NONE: u32 = u32::MAX;

/// A hash of a word's run, eight bytes a step (a byte a step was a tenth of the index's time):
/// each step mixes the next eight bytes, zero-padded, by a multiplication, and the high half of
/// the last product is the hash. Which chain a word lands in changes no look-up's answer.
fn run_hash(run: &str) -> u32 {
    let mut h = run.len() as u64;
    for part in run.as_bytes().chunks(8) {
        // Shifted in rather than copied into an array: a copy of a few bytes is a call.
        let word = part
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = (h ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 32;
    }
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
}

/// The leading run of letters and digits of `t`.
fn leading_run(t: &str) -> &str {
    let end = t
        .char_indices()
        .find(|&(_, c)| !is_alphanumeric(c))
        .map_or(t.len(), |(at, _)| at);
    &t[..end]
}

/// Calls `found(offset, run)` for each word of `line` that starts with a letter or digit: the
/// word's byte offset and its leading run of letters and digits. A word starts the line or
/// follows white space. One walk over the bytes: ASCII is read by its byte, and only the
/// characters that may be letters or white space are decoded.
fn word_runs<'l>(line: &'l str, mut found: impl FnMut(usize, &'l str)) {
    let bytes = line.as_bytes();
    let n = bytes.len();
    let mut at = 0;
    while at < n && is_space_at(line, at) {
        at += char_len(bytes[at]);
    }
    while at < n {
        let start = at;
        while at < n && is_alnum_at(line, at) {
            at += char_len(bytes[at]);
        }
        if at > start {
            found(start, &line[start..at]);
        }
        // The rest of the word, then the white space to the next one.
        while at < n && !is_space_at(line, at) {
            at += char_len(bytes[at]);
        }
        while at < n && is_space_at(line, at) {
            at += char_len(bytes[at]);
        }
    }
}

/// The byte length of the character that starts with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

/// Whether the character at byte `at` of `line` is a letter or digit. The Vietnamese letters
/// with a tone (U+1E80–U+1EFF, all letters) are known by their first two bytes, and the Latin
/// letters from U+00C0 to U+027F (`â`, `đ`, `ơ`, `ư`: all letters but `×` and `÷`) by theirs.
fn is_alnum_at(line: &str, at: usize) -> bool {
    let bytes = line.as_bytes();
    match bytes[at] {
        b if b < 0x80 => b.is_ascii_alphanumeric(),
        0xE1 if matches!(bytes.get(at + 1), Some(0xBA | 0xBB)) => true,
        // `×` is `C3 97`, `÷` is `C3 B7`.
        0xC3 => !matches!(bytes.get(at + 1), Some(0x97 | 0xB7)),
        0xC4..=0xC9 => true,
        _ => line[at..].chars().next().is_some_and(is_alphanumeric),
    }
}

/// Whether the character at byte `at` of `line` is white space. Beside ASCII's, white space
/// starts with one of four lead bytes, and only those are decoded (`0xE1` also leads every
/// Vietnamese letter with a tone, hence the second byte: U+1680 alone is white space there).
fn is_space_at(line: &str, at: usize) -> bool {
    let bytes = line.as_bytes();
    match bytes[at] {
        b' ' | b'\t'..=b'\r' => true,
        0xC2 | 0xE2 | 0xE3 => line[at..].chars().next().is_some_and(char::is_whitespace),
        0xE1 => bytes.get(at + 1) == Some(&0x9A) && line[at..].starts_with('\u{1680}'),
        _ => false,
    }
}

impl<'a> BodyWords<'a> {
    /// Indexes the words of the body lines `from..` of `lines` (cut from `text`; furniture in
    /// `furn` and blank lines left out). A word starts a line or follows white space.
    pub(crate) fn new(
        text: &'a str,
        lines: &'a [Line<'a>],
        furn: &[bool],
        from: usize,
    ) -> BodyWords<'a> {
        let body: Vec<usize> = (from.min(lines.len())..lines.len())
            .filter(|&k| !lines[k].is_blank() && !furn[k])
            .collect();
        // About one word in five bytes: a chain for each, room made once.
        let bytes: usize = body.iter().map(|&k| lines[k].text.len()).sum();
        let mut chains = vec![NONE; (bytes / 5).next_power_of_two().max(64)];
        let mask = chains.len() - 1;
        let mut words: Vec<Word> = Vec::with_capacity(bytes / 5);
        for &k in &body {
            let line: &'a str = lines[k].text;
            word_runs(line, |at, run| {
                let chain = &mut chains[run_hash(run) as usize & mask];
                let index = u32::try_from(words.len()).unwrap_or(NONE);
                words.push(Word {
                    line: k as u32,
                    start: (lines[k].start + at) as u32,
                    before: std::mem::replace(chain, index),
                });
            });
        }
        BodyWords {
            text,
            lines,
            body,
            chains,
            words,
        }
    }

    /// Where `phrase` stands in the body as whole words: it starts a word (a line's start, or
    /// after white space), ends before a character that is no letter or digit, and lies inside
    /// one line. Each as (line index, byte offset in the text), in the text's order; overlapping
    /// places too. An empty phrase stands nowhere.
    pub(crate) fn places(&self, phrase: &str) -> Vec<(usize, usize)> {
        let run = leading_run(phrase);
        if run.is_empty() {
            // A phrase that starts with no letter or digit (the word before a break was only
            // punctuation): no word is indexed by it; read the lines.
            return self.places_by_reading(phrase);
        }
        let mut out = Vec::new();
        let mask = self.chains.len() - 1;
        let mut at = self.chains[run_hash(run) as usize & mask];
        while let Some(word) = self.words.get(at as usize) {
            let (k, start) = (word.line as usize, word.start as usize);
            if self.whole_at(k, start, phrase) {
                out.push((k, start));
            }
            at = word.before;
        }
        // Linked from the last: in the text's order again.
        out.reverse();
        out
    }

    /// [`BodyWords::places`] by reading every body line.
    fn places_by_reading(&self, phrase: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if phrase.is_empty() {
            return out;
        }
        for &k in &self.body {
            let line = self.lines[k];
            let mut from = 0;
            while let Some(at) = line.text[from..].find(phrase) {
                let start = line.start + from + at;
                let before = &line.text[..from + at];
                if (before.is_empty() || before.ends_with(char::is_whitespace))
                    && self.whole_at(k, start, phrase)
                {
                    out.push((k, start));
                }
                // Overlapping places too: go on from the next character.
                from += at
                    + line.text[from + at..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
            }
        }
        out
    }

    /// Whether `phrase` stands at `start`, the start of a word of line `k`, and ends inside the
    /// line before a character that is no letter or digit.
    fn whole_at(&self, k: usize, start: usize, phrase: &str) -> bool {
        let end = start + phrase.len();
        let line = self.lines[k];
        end <= line.end
            && self.text[start..].starts_with(phrase)
            && !self.text[end..line.end]
                .chars()
                .next()
                .is_some_and(is_alphanumeric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lines::split;

    #[test]
    fn letters_known_by_their_bytes_are_letters() {
        for c in ('\u{80}'..='\u{FFFF}').chain(['\u{1F600}']) {
            let line = format!("{c}a");
            assert_eq!(is_alnum_at(&line, 0), is_alphanumeric(c), "{c:?}");
        }
    }

    /// The places of a phrase by the plain definition: every byte offset of a body line where
    /// the phrase starts a word and ends before no letter or digit.
    fn places_by_definition(lines: &[Line<'_>], phrase: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            for (at, _) in l.text.char_indices() {
                let (before, rest) = l.text.split_at(at);
                if (before.is_empty() || before.ends_with(char::is_whitespace))
                    && rest.starts_with(phrase)
                    && !rest[phrase.len()..].starts_with(char::is_alphanumeric)
                {
                    out.push((k, l.start + at));
                }
            }
        }
        out
    }

    #[test]
    fn the_byte_tests_agree_with_std_on_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(is_alnum_at(&s, 0), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_space_at(&s, 0), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn places_are_whole_words_inside_lines() {
        let text = "Thời gian tới, thời gian dài\n(Bộ) Bộ, Bộ-X xBộ Bộ2\n  a a a\n\
                    Giao Văn phòng Trung ương\nx  Bộ Tài chính";
        let lines = split(text);
        let words = BodyWords::new(text, &lines, &vec![false; lines.len()], 0);
        for phrase in [
            "thời gian",
            "Thời gian",
            "gian",
            "Bộ",
            "a a",
            "Văn phòng Trung",
            " Bộ Tài",
            "(Bộ",
            "Bộ-X",
            "Trung ương",
            "ương",
            "",
        ] {
            assert_eq!(
                words.places(phrase),
                places_by_definition(&lines, phrase)
                    .into_iter()
                    .filter(|_| !phrase.is_empty())
                    .collect::<Vec<_>>(),
                "{phrase:?}"
            );
        }
    }

    /// On real documents: the phrases the evidence looks up (each line's opening words, as
    /// written and in lower case, and the words across each break) are found where the plain
    /// definition finds them.
    #[test]
    fn real_documents_give_the_places_of_the_definition() {
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
                let lines = split(&text);
                let words = BodyWords::new(&text, &lines, &vec![false; lines.len()], 0);
                for pair in lines.windows(2).step_by(11).take(12) {
                    let two: Vec<&str> = pair[1].text.split_whitespace().take(2).collect();
                    let last = pair[0].text.split_whitespace().next_back().unwrap_or("");
                    for phrase in [
                        two.join(" "),
                        two.join(" ").to_lowercase(),
                        format!("{last} {}", two.join(" ")),
                        format!(" {}", two.first().unwrap_or(&"")),
                    ] {
                        if phrase.is_empty() {
                            continue;
                        }
                        assert_eq!(
                            words.places(&phrase),
                            places_by_definition(&lines, &phrase),
                            "{}: {phrase:?}",
                            path.display()
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= 20, "{checked} documents");
    }
}
