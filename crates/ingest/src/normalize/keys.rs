//! The words of a text and their two match keys: the exact key (lower case, one tone-mark
//! placement, `y` as `i` after a consonant) and the folded key (no diacritics, `đ` as `d`), from
//! any input, NFC or NFD, upper or lower case; a table of the precomposed Vietnamese letters
//! answers most characters without Unicode's tables.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The five Vietnamese tone marks as combining characters: grave, acute, hook above, tilde, dot below.
pub(super) const TONE_MARKS: [char; 5] =
    ['\u{0300}', '\u{0301}', '\u{0309}', '\u{0303}', '\u{0323}'];

/// Whether `c` belongs to a word: a letter, a digit, or a combining mark (so that an NFD word is
/// not cut at its tone marks).
pub fn is_word_char(c: char) -> bool {
    // ASCII and the precomposed Vietnamese letters answer without Unicode's tables.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if letter_entry(c).is_some() {
        return true;
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Whether `c` is a letter or a digit, as [`char::is_alphanumeric`] says: ASCII and the
/// precomposed Vietnamese letters, nearly every character of a stored text, answer without
/// Unicode's tables (their lookup is most of the cost of the parser's word scans).
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    letter_raw(c) != 0 || c.is_alphanumeric()
}

/// The words of `text`, each with its byte range in `text`.
///
/// A word is a run of letters, digits and combining marks; digits joined by a single `.` or `,`
/// stay one word (`1.000`, `8,5`). Works on any text, NFC or NFD: ranges always lie on character
/// boundaries of `text`.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator over the words of a text; see [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (Range<usize>, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        // Walks bytes, decoding only non-ASCII characters: most of a text is ASCII.
        let bytes = self.text.as_bytes();
        let mut at = self.pos;
        let mut start = None;
        let mut end = bytes.len();
        let mut prev_digit = false;
        while at < bytes.len() {
            let b = bytes[at];
            let (c, len) = if b < 0x80 {
                (b as char, 1)
            } else {
                let c = self.text[at..].chars().next().expect("at a char boundary");
                (c, c.len_utf8())
            };
            if is_word_char(c) {
                if start.is_none() {
                    start = Some(at);
                }
                prev_digit = c.is_ascii_digit();
                at += len;
                continue;
            }
            if start.is_some() {
                // Keep `1.000` and `8,5` whole: a separator between two digits.
                let next_digit = bytes.get(at + len).is_some_and(u8::is_ascii_digit);
                if prev_digit && next_digit && (c == '.' || c == ',') {
                    at += len;
                    continue;
                }
                end = at;
                break;
            }
            at += len;
        }
        let start = start?;
        self.pos = end;
        Some((start..end, &self.text[start..end]))
    }
}

/// The exact match key of one word: lower case, NFC, tone mark in its canonical place, `y` after a
/// consonant as `i`.
///
/// `hoá` and `hóa`, `thuỷ` and `thủy`, `khoẻ` and `khỏe`, `kỹ` and `kĩ` give the same key;
/// `hồ`, `hộ` and `hỗ` do not.
pub fn exact_key(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    exact_key_into(word, &mut out);
    out
}

/// Appends the exact key of `word` (see [`exact_key`]) to `out`, without allocating when the word
/// is ASCII or precomposed Vietnamese (NFC), which is nearly every word of a stored text.
pub fn exact_key_into(word: &str, out: &mut String) {
    if !fast_key(word, out, false) {
        out.push_str(&exact_key_slow(word));
    }
}

/// Appends the folded key of `word` (see [`folded_key`]) to `out`; fast for ASCII and
/// precomposed Vietnamese, like [`exact_key_into`].
pub fn folded_key_into(word: &str, out: &mut String) {
    if !fast_key(word, out, true) {
        out.push_str(&fold_exact(&exact_key_slow(word)));
    }
}

/// The base letters of the precomposed Vietnamese letters, by their number in [`letter_entry`].
const BASES: [char; 13] = [
    'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'đ',
];
/// The folded form of each of [`BASES`].
const FOLDED_BASES: [char; 13] = [
    'a', 'a', 'a', 'e', 'e', 'i', 'o', 'o', 'o', 'u', 'u', 'y', 'd',
];
/// The code points where precomposed Vietnamese letters live: Latin-1 and Latin Extended-A/B
/// (`à`, `ă`, `đ`, `ơ`, `ư` …) and Latin Extended Additional (`ạ` … `ỹ`).
pub(super) const LOW_LETTERS: std::ops::RangeInclusive<u32> = 0xC0..=0x1B0;
pub(super) const HIGH_LETTERS: std::ops::RangeInclusive<u32> = 0x1EA0..=0x1EF9;

/// Per code point of [`LOW_LETTERS`] then [`HIGH_LETTERS`]: 0 when the character is not a
/// precomposed Vietnamese letter, else `1 + base * 8 + tone` (base: index in [`BASES`], tone: 0
/// for none, else 1 + index in [`TONE_MARKS`]), [`UPPER`] set for upper case; plus the toned
/// letters by base and tone.
struct LetterTable {
    entries: Vec<u8>,
    toned: [[char; 5]; 12],
}

/// The table of precomposed letters, derived once from the slow path's own decomposition so the
/// two cannot disagree.
fn letter_table() -> &'static LetterTable {
    static TABLE: std::sync::OnceLock<LetterTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut entries = Vec::new();
        for cp in LOW_LETTERS.chain(HIGH_LETTERS) {
            entries.push(char::from_u32(cp).map_or(0, derive_entry));
        }
        let mut toned = [['\0'; 5]; 12];
        for (b, row) in toned.iter_mut().enumerate() {
            for (t, slot) in row.iter_mut().enumerate() {
                let composed: Vec<char> = [BASES[b], TONE_MARKS[t]].into_iter().nfc().collect();
                assert_eq!(composed.len(), 1, "every Vietnamese vowel takes every tone");
                *slot = composed[0];
            }
        }
        LetterTable { entries, toned }
    })
}

/// The table entry of `c` (see [`LetterTable`]), computed the slow way.
fn derive_entry(c: char) -> u8 {
    let mut tones = Vec::new();
    let mut base = Vec::new();
    for d in c.nfd().flat_map(char::to_lowercase) {
        match TONE_MARKS.iter().position(|&t| t == d) {
            Some(t) => tones.push(t),
            None => base.push(d),
        }
    }
    let base: Vec<char> = base.into_iter().nfc().collect();
    let Some(b) = BASES.iter().position(|&x| [x] == base[..]) else {
        return 0;
    };
    let upper = if c.to_lowercase().eq([c]) { 0 } else { UPPER };
    match tones[..] {
        [] => upper | (1 + b as u8 * 8),
        [t] => upper | (1 + b as u8 * 8 + 1 + t as u8),
        _ => 0,
    }
}

/// The flag of an upper-case letter in a [`LetterTable`] entry.
const UPPER: u8 = 0x80;

/// Whether `c`, a precomposed Vietnamese letter, is upper case.
fn is_upper_letter(c: char) -> bool {
    letter_raw(c) & UPPER != 0
}

/// The raw [`LetterTable`] entry of `c` (0 for no letter).
#[inline]
pub(super) fn letter_raw(c: char) -> u8 {
    let cp = c as u32;
    let at = if LOW_LETTERS.contains(&cp) {
        cp - LOW_LETTERS.start()
    } else if HIGH_LETTERS.contains(&cp) {
        cp - HIGH_LETTERS.start() + (LOW_LETTERS.end() - LOW_LETTERS.start() + 1)
    } else {
        return 0;
    };
    letter_table().entries[at as usize]
}

/// The base (index in [`BASES`]) and tone (index in [`TONE_MARKS`]) of a precomposed Vietnamese
/// letter, or `None` for any other character.
#[inline]
fn letter_entry(c: char) -> Option<(usize, Option<usize>)> {
    match letter_raw(c) & !UPPER {
        0 => None,
        e => {
            let e = (e - 1) as usize;
            Some((e / 8, (e % 8).checked_sub(1)))
        }
    }
}

/// The exact key (or with `folded`, the folded key) of a word made only of ASCII and precomposed
/// Vietnamese letters, appended to `out`, exactly as the slow path computes it. Returns false,
/// leaving `out` as it was, for any other word (NFD, other scripts …).
pub(super) fn fast_key(word: &str, out: &mut String, folded: bool) -> bool {
    // Letters as in the slow path: lower case, tone removed; at most a syllable's worth inline.
    let mut letters = ['\0'; 24];
    let mut n = 0;
    let mut tone = None;
    for c in word.chars() {
        if n == letters.len() {
            return false;
        }
        letters[n] = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            let Some((b, t)) = letter_entry(c) else {
                return false;
            };
            if tone.is_none() {
                tone = t;
            }
            if folded { FOLDED_BASES[b] } else { BASES[b] }
        };
        n += 1;
    }
    let letters = &mut letters[..n];
    unify_i_y(letters);
    let at = match tone {
        Some(_) if !folded => tone_position(letters),
        _ => None,
    };
    let start = out.len();
    for (i, &c) in letters.iter().enumerate() {
        if Some(i) == at {
            let (Some(b), Some(t)) = (BASES[..12].iter().position(|&x| x == c), tone) else {
                out.truncate(start);
                return false;
            };
            out.push(letter_table().toned[b][t]);
        } else {
            out.push(c);
        }
    }
    if tone.is_some() && !folded && at.is_none() {
        out.truncate(start);
        return false;
    }
    true
}

/// [`exact_key`] by decomposition: right for any input.
pub(super) fn exact_key_slow(word: &str) -> String {
    let mut base: Vec<char> = Vec::with_capacity(word.len());
    let mut tone = None;
    for c in word.nfd().flat_map(char::to_lowercase) {
        if TONE_MARKS.contains(&c) {
            tone.get_or_insert(c);
        } else {
            base.push(c);
        }
    }
    // Recompose the letters (â, ư, ơ …) without the tone, then place the tone.
    let mut letters: Vec<char> = base.into_iter().nfc().collect();
    unify_i_y(&mut letters);
    let Some(tone) = tone else {
        return letters.into_iter().collect();
    };
    let mut out = String::with_capacity(word.len() + 2);
    match tone_position(&letters) {
        Some(at) => {
            for (i, &c) in letters.iter().enumerate() {
                out.push(c);
                if i == at {
                    out.push(tone);
                }
            }
        }
        // No vowel: keep the mark at the end rather than lose it.
        None => {
            out.extend(letters.iter());
            out.push(tone);
        }
    }
    out.nfc().collect()
}

/// The folded match key of one word: the exact key with every diacritic removed and `đ` as `d`.
pub fn folded_key(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    folded_key_into(word, &mut out);
    out
}

/// Folds an exact key (see [`exact_key`]) to its folded key without recomputing the tone.
pub fn fold_exact(exact: &str) -> String {
    // ASCII and precomposed letters fold by table; anything else (NFD …) by decomposition.
    let mut out = String::with_capacity(exact.len());
    for c in exact.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        match letter_entry(c) {
            Some((12, _)) => out.push('d'),
            Some((b, _)) if is_upper_letter(c) => out.push(FOLDED_BASES[b].to_ascii_uppercase()),
            Some((b, _)) => out.push(FOLDED_BASES[b]),
            None => return fold_exact_slow(exact),
        }
    }
    out
}

/// [`fold_exact`] by decomposition: right for any input.
pub(super) fn fold_exact_slow(exact: &str) -> String {
    exact
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .collect()
}

/// Whether a text has any Vietnamese diacritic or `đ`, i.e. whether its folded form differs.
pub fn has_diacritics(text: &str) -> bool {
    text.nfd()
        .any(|c| is_combining_mark(c) || c == 'đ' || c == 'Đ')
}

/// Whether `c` (lower case, without tone) is a Vietnamese vowel letter.
fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

/// Writes a lone `y` that follows a consonant as `i` (`kỹ` → `kĩ`, `lý` → `lí`, `tỷ` → `tỉ`), the
/// newer spelling of the older `y`. A word-initial `y` (`y tế`) and `uy`, `quy` stay as they are.
fn unify_i_y(letters: &mut [char]) {
    let n = letters.len();
    if n >= 2 && letters[n - 1] == 'y' {
        let before = letters[n - 2];
        if before.is_alphabetic() && !is_vowel(before) {
            letters[n - 1] = 'i';
        }
    }
}

/// Where the tone mark of a syllable goes: the index of the vowel letter that carries it, by the
/// newer convention (`hoá`, `thuỷ`, `khoẻ`). `None` when the word has no vowel.
fn tone_position(letters: &[char]) -> Option<usize> {
    let mut start = letters.iter().position(|&c| is_vowel(c))?;
    let mut end = start;
    while end < letters.len() && is_vowel(letters[end]) {
        end += 1;
    }
    // In `qu` and `gi` the `u` and `i` are part of the consonant.
    if start > 0 && end - start > 1 {
        let (prev, first) = (letters[start - 1], letters[start]);
        if (prev == 'q' && first == 'u') || (prev == 'g' && first == 'i') {
            start += 1;
        }
    }
    let cluster = &letters[start..end];
    let closed = end < letters.len() && letters[end].is_alphabetic();
    if let Some(i) = cluster
        .iter()
        .rposition(|&c| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư'))
    {
        return Some(start + i);
    }
    let at = match cluster.len() {
        1 => 0,
        _ if closed => cluster.len() - 1,
        2 => match cluster {
            ['o', 'a'] | ['o', 'e'] | ['u', 'y'] => 1,
            _ => 0,
        },
        _ => 1,
    };
    Some(start + at)
}
