//! Whether a reading of bytes is Vietnamese: the share of its non-ASCII words that are
//! syllables of the language (onset, nucleus, coda), by which the detector picks an encoding.

use unicode_normalization::UnicodeNormalization;

/// How many non-ASCII words of a reading are plausible Vietnamese syllables.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Plausibility {
    /// Words with a non-ASCII character.
    pub(super) words: usize,
    /// Of those, plausible Vietnamese syllables.
    pub(super) plausible: usize,
    /// C1 control characters (undefined bytes of Windows-1258).
    pub(super) c1: usize,
}

impl Plausibility {
    pub(super) fn share(self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.plausible as f64 / self.words as f64
        }
    }
}

/// Scores a reading: its words (split at white space, ASCII punctuation and general punctuation)
/// that hold a non-ASCII character, and how many of them are Vietnamese syllables.
pub(super) fn plausibility(text: &str) -> Plausibility {
    let mut p = Plausibility {
        c1: text
            .chars()
            .filter(|c| ('\u{80}'..='\u{9F}').contains(c))
            .count(),
        ..Plausibility::default()
    };
    let separator = |c: char| {
        c.is_whitespace()
            || (c.is_ascii() && !c.is_ascii_alphanumeric())
            || ('\u{2000}'..='\u{206F}').contains(&c)
    };
    for word in text.split(separator) {
        if word.is_ascii() {
            continue;
        }
        p.words += 1;
        if is_syllable(word) {
            p.plausible += 1;
        }
    }
    p
}

/// Onsets of Vietnamese syllables (the empty onset last).
const ONSETS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// Vowel nuclei of Vietnamese syllables, with their semivowel endings (`ai`, `ươu` …).
const NUCLEI: [&str; 50] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "âu", "ay", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây",
    "uôi", "ươi",
];

/// Further nuclei (kept apart to keep the table above readable).
const NUCLEI_MORE: [&str; 4] = ["ươu", "uya", "uyê", "uyu"];

/// Final consonants (`k` for place names such as `Đắk Lắk`).
const CODAS: [&str; 10] = ["", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"];

/// Whether `word` (any case, NFC or NFD) is one Vietnamese syllable: Vietnamese letters only, at
/// most one tone mark, onset + nucleus + final consonant.
pub(super) fn is_syllable(word: &str) -> bool {
    let mut letters = String::with_capacity(word.len());
    let mut tones = 0;
    for c in word.nfd().flat_map(char::to_lowercase) {
        match c {
            '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' => tones += 1,
            '\u{302}' | '\u{306}' | '\u{31B}' => {
                let base = letters.pop();
                let modified = match (base, c) {
                    (Some('a'), '\u{302}') => 'â',
                    (Some('e'), '\u{302}') => 'ê',
                    (Some('o'), '\u{302}') => 'ô',
                    (Some('a'), '\u{306}') => 'ă',
                    (Some('o'), '\u{31B}') => 'ơ',
                    (Some('u'), '\u{31B}') => 'ư',
                    _ => return false,
                };
                letters.push(modified);
            }
            'a'..='z' | 'đ' => letters.push(c),
            _ => return false,
        }
    }
    if tones > 1 {
        return false;
    }
    ONSETS
        .iter()
        .filter_map(|o| letters.strip_prefix(o))
        .any(|rest| {
            NUCLEI
                .iter()
                .chain(NUCLEI_MORE.iter())
                .filter_map(|n| rest.strip_prefix(n))
                .any(|coda| CODAS.contains(&coda))
        })
}
