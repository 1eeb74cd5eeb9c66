//! Vietnamese text normalization: the stored form of text, and the match keys the index and the
//! query path compare.
//!
//! Three forms of a text exist in vankien:
//!
//! - **stored text** ([`normalize_text`]): NFC, `\n` line endings, odd spaces made plain, zero-width
//!   characters dropped, trailing spaces trimmed. Words are never rewritten. Every offset in vankien
//!   is a UTF-8 byte offset into a stored text.
//! - **exact key** ([`exact_key`]): one word, lower case NFC with one canonical tone-mark placement
//!   (`hóa` and `hoá` both give `hoá`) and `y` after a consonant as `i` (`kỹ`/`kĩ`, `lý`/`lí`).
//! - **folded key** ([`folded_key`]): the exact key without any diacritic, `đ` as `d`.
//!
//! Both keys are computed per word from any input, NFC or NFD, upper or lower case, either
//! tone convention; [`words`] finds the words of a text with their byte offsets in that same text,
//! without normalizing it first, so offsets stay true for NFD input.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The five Vietnamese tone marks as combining characters: grave, acute, hook above, tilde, dot below.
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0309}', '\u{0303}', '\u{0323}'];

/// Returns the stored form of a text: NFC, `\n` line endings, NBSP and other odd spaces as plain
/// spaces, zero-width characters and BOMs dropped, trailing spaces and tabs of every line trimmed.
///
/// Only the text's form changes; its words are never rewritten.
pub fn normalize_text(raw: &str) -> String {
    let Unified {
        text,
        composed,
        trailing_blanks,
    } = unify(raw);
    // Nearly every text is NFC already and its lines end clean: then the one scan was all.
    let nfc = if composed { text } else { to_nfc(text) };
    if !trailing_blanks {
        return nfc;
    }
    let mut out = String::with_capacity(nfc.len());
    for (i, line) in nfc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line.trim_end_matches([' ', '\t']));
    }
    out
}

/// A text with its line ends, spaces and invisible characters unified, and what its scan saw.
struct Unified {
    text: String,
    /// Whether every character is a starter that NFC keeps as it is (see [`is_nfc_starter`]):
    /// then the text is NFC.
    composed: bool,
    /// Whether a line ends in a space or a tab.
    trailing_blanks: bool,
}

/// Line ends made `\n`, odd spaces plain, zero-width and control characters dropped (see
/// [`replacement`]), in one scan that also notes whether the text is surely NFC and whether a
/// line ends in a blank. Most text needs no change: runs of untouched characters are copied as
/// slices, and only ASCII's few control bytes and the non-ASCII characters are looked at.
fn unify(raw: &str) -> Unified {
    let bytes = raw.as_bytes();
    let mut text = String::with_capacity(raw.len());
    let mut composed = true;
    let mut trailing_blanks = false;
    // Whether the last character kept or written was a space or a tab.
    let mut blank = false;
    let mut run_start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if (0x20..0x7F).contains(&b) {
            // A run of printable ASCII: kept as it is.
            let run = bytes[at..]
                .iter()
                .take_while(|b| (0x20..0x7F).contains(*b))
                .count();
            at += run;
            blank = bytes[at - 1] == b' ';
            continue;
        }
        if let Some(len) = plain_letter_len(&bytes[at..]) {
            // A letter kept as it is and NFC, known by its bytes: most of the non-ASCII text.
            blank = false;
            at += len;
            continue;
        }
        let c = if b < 0x80 {
            char::from(b)
        } else {
            raw[at..].chars().next().unwrap_or_default()
        };
        let mut next = at + c.len_utf8();
        if letter_raw(c) != 0 {
            // A precomposed Vietnamese letter, most of the non-ASCII text: kept, and NFC.
            blank = false;
            at = next;
            continue;
        }
        let Some(r) = replacement(c) else {
            // Kept as it is.
            if c == '\n' {
                trailing_blanks |= blank;
            }
            blank = c == '\t';
            composed &= is_nfc_starter(c);
            at = next;
            continue;
        };
        if c == '\r' && bytes.get(next) == Some(&b'\n') {
            // CRLF and a lone CR both end a line.
            next += 1;
        }
        text.push_str(&raw[run_start..at]);
        text.push_str(r);
        match r {
            "\n" => {
                trailing_blanks |= blank;
                blank = false;
            }
            " " => blank = true,
            _ => {}
        }
        run_start = next;
        at = next;
    }
    text.push_str(&raw[run_start..]);
    Unified {
        text,
        composed,
        trailing_blanks: trailing_blanks || blank,
    }
}

/// The byte length of the character `bytes` start with when it is a letter that stays as it is
/// in the stored text and is NFC whatever stands around it (see [`is_nfc_starter`]), known by
/// its bytes alone: Latin from U+00C0 to the combining marks at U+0300 (lead bytes `0xC3` to
/// `0xCB`), and the Vietnamese letters with a tone, U+1EA0 to U+1EF9.
fn plain_letter_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [0xC3..=0xCB, _, ..] => Some(2),
        [0xE1, 0xBA, 0xA0..=0xBF, ..] | [0xE1, 0xBB, 0x80..=0xB9, ..] => Some(3),
        _ => None,
    }
}

/// What a character becomes in the stored text, when it changes: a line end (`\n`), a plain space,
/// or nothing (zero-width characters, BOMs, soft hyphens and other control characters).
fn replacement(c: char) -> Option<&'static str> {
    match c {
        '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' | '\u{000B}' | '\u{000C}' => Some("\n"),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Some(""),
        c if is_odd_space(c) => Some(" "),
        c if c.is_control() && c != '\n' && c != '\t' => Some(""),
        _ => None,
    }
}

/// Whether NFC keeps `c` as it is whatever stands around it: a starter (combining class 0) that
/// is NFC without a doubt (quick check `Yes`). ASCII, Latin up to the combining marks at U+0300
/// and the precomposed Vietnamese letters answer at once, the rest from Unicode's tables. A text
/// of such characters only is NFC.
fn is_nfc_starter(c: char) -> bool {
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    c < '\u{300}'
        || letter_raw(c) != 0
        || (canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

/// `text` in NFC, composing only the lines that need it: a file that mixes NFC and NFD has most
/// of its lines in NFC already. Lines compose apart because nothing composes with `\n`.
fn to_nfc(text: String) -> String {
    let first = lines_inclusive(&text).position(|l| !is_nfc_line(l));
    let Some(first) = first else {
        return text;
    };
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines_inclusive(&text).enumerate() {
        if i >= first && !is_nfc_line(line) {
            compose_words(line, &mut out);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `text.split_inclusive('\n')`, each line break found by `memchr` (core's search reads a word at
/// a time).
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |at| at + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// Whether a line is NFC by the quick check: at once when every character is a starter NFC
/// keeps as it is, else by Unicode's tables.
fn is_nfc_line(line: &str) -> bool {
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    line.chars().all(is_nfc_starter) || is_nfc_quick(line.chars()) == IsNormalized::Yes
}

/// Appends the NFC of `line` to `out`, composing only the words that need it. Words compose
/// apart, as lines do: a space is a starter nothing composes with, and marks are never
/// reordered across a starter.
fn compose_words(line: &str, out: &mut String) {
    for word in line.split_inclusive(' ') {
        if word.chars().all(is_nfc_starter) {
            out.push_str(word);
        } else {
            out.extend(word.nfc());
        }
    }
}

/// Whether `c` is a space other than the plain ASCII space: NBSP, the en/em/thin spaces, the
/// ideographic space and their kin.
fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

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
const LOW_LETTERS: std::ops::RangeInclusive<u32> = 0xC0..=0x1B0;
const HIGH_LETTERS: std::ops::RangeInclusive<u32> = 0x1EA0..=0x1EF9;

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
fn letter_raw(c: char) -> u8 {
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
fn fast_key(word: &str, out: &mut String, folded: bool) -> bool {
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
fn exact_key_slow(word: &str) -> String {
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
fn fold_exact_slow(exact: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_alphanumeric_agrees_with_std_on_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// Each base vowel with each tone, both as NFC and as NFD, in both cases, keys to the same
    /// lowercase NFC exact key, and folds to the base vowel without marks.
    #[test]
    fn every_vowel_with_every_tone() {
        let bases = [
            ('a', "a"),
            ('ă', "a"),
            ('â', "a"),
            ('e', "e"),
            ('ê', "e"),
            ('i', "i"),
            ('o', "o"),
            ('ô', "o"),
            ('ơ', "o"),
            ('u', "u"),
            ('ư', "u"),
            ('y', "y"),
        ];
        for (base, folded) in bases {
            for tone in TONE_MARKS {
                let nfc: String = format!("{base}{tone}").nfc().collect();
                let nfd: String = nfc.nfd().collect();
                let upper: String = nfc.to_uppercase();
                let upper_nfd: String = upper.nfd().collect();
                let key = exact_key(&nfc);
                assert_eq!(key.chars().count(), 1, "{nfc:?} keys to one char");
                assert!(unicode_normalization::is_nfc(&key));
                for variant in [&nfd, &upper, &upper_nfd] {
                    assert_eq!(exact_key(variant), key, "{variant:?} vs {nfc:?}");
                    assert_eq!(folded_key(variant), folded, "{variant:?}");
                }
                assert_eq!(folded_key(&nfc), folded);
                assert_ne!(exact_key(&nfc), exact_key(&base.to_string()), "tone kept");
            }
        }
    }

    #[test]
    fn tone_conventions_meet() {
        for (old, new) in [
            ("hóa", "hoá"),
            ("thủy", "thuỷ"),
            ("ủy", "uỷ"),
            ("khỏe", "khoẻ"),
            ("hòa", "hoà"),
            ("Thủy", "THUỶ"),
            ("xóa", "xoá"),
            ("lòe", "loè"),
            ("thúy", "thuý"),
            ("khủyu", "khuỷu"),
            ("ngòai", "ngoài"),
        ] {
            assert_eq!(exact_key(old), exact_key(new), "{old} = {new}");
        }
        assert_eq!(exact_key("hóa"), "hoá");
        assert_eq!(exact_key("toàn"), "toàn");
        assert_eq!(
            exact_key("tòan"),
            "toàn",
            "closed syllable: mark on the last vowel"
        );
        assert_eq!(exact_key("Đảng"), "đảng");
    }

    #[test]
    fn canonical_places() {
        for (word, key) in [
            ("người", "người"),
            ("quý", "quý"),
            ("quốc", "quốc"),
            ("già", "già"),
            ("giữ", "giữ"),
            ("gìn", "gìn"),
            ("mùa", "mùa"),
            ("mía", "mía"),
            ("tài", "tài"),
            ("thuở", "thuở"),
            ("khuyến", "khuyến"),
            ("tuyển", "tuyển"),
            ("nghiệp", "nghiệp"),
            ("yếu", "yếu"),
            ("ngoẹo", "ngoẹo"),
            ("kỹ", "kĩ"),
            ("lý", "lí"),
            ("tỷ", "tỉ"),
            ("ý", "ý"),
            ("quy", "quy"),
            ("GRDP", "grdp"),
            ("2025", "2025"),
        ] {
            assert_eq!(exact_key(word), key, "{word}");
        }
    }

    #[test]
    fn folding_is_lossy_but_exact_keys_differ() {
        for group in [
            &["hồ", "hộ", "hỗ"][..],
            &["đồng", "động"],
            &["sự", "sứ"],
            &["đang", "đảng", "dạng", "dáng"],
        ] {
            let folded: Vec<String> = group.iter().map(|w| folded_key(w)).collect();
            assert!(folded.windows(2).all(|w| w[0] == w[1]), "{group:?}");
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    assert_ne!(exact_key(a), exact_key(b));
                }
            }
        }
        assert_eq!(folded_key("Đảng"), "dang");
        assert_eq!(folded_key("ĐẠI HỘI"), "dai hoi");
        assert_eq!(folded_key("nông"), "nong");
    }

    #[test]
    fn stored_text_form() {
        let raw = "Thu\u{0309}y lợi\u{00A0}và\u{200B} \r\nnông thôn   \rmới\u{FEFF}\t";
        assert_eq!(normalize_text(raw), "Thủy lợi và\nnông thôn\nmới");
        assert_eq!(normalize_text(""), "");
    }

    #[test]
    fn words_keep_nfd_whole_and_numbers_joined() {
        let text = "Tha\u{0300}nh pho\u{0302}\u{0301}: 8,5% và 1.000 người, 2021-2025.";
        let got: Vec<&str> = words(text).map(|(_, w)| w).collect();
        assert_eq!(
            got,
            [
                "Tha\u{0300}nh",
                "pho\u{0302}\u{0301}",
                "8,5",
                "và",
                "1.000",
                "người",
                "2021",
                "2025"
            ]
        );
        for (range, w) in words(text) {
            assert_eq!(&text[range], w);
        }
    }

    /// The words of `text` as [`words`] found them before its byte-wise fast path.
    fn words_by_chars(text: &str) -> Vec<(Range<usize>, &str)> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let rest = &text[pos..];
            let mut start = None;
            let mut end = text.len();
            let mut prev_digit = false;
            let mut iter = rest.char_indices().peekable();
            while let Some((i, c)) = iter.next() {
                let at = pos + i;
                if c.is_alphanumeric() || is_combining_mark(c) {
                    if start.is_none() {
                        start = Some(at);
                    }
                    prev_digit = c.is_ascii_digit();
                    continue;
                }
                if start.is_some() {
                    let next_digit = iter.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
                    if prev_digit && next_digit && (c == '.' || c == ',') {
                        continue;
                    }
                    end = at;
                    break;
                }
            }
            let Some(start) = start else {
                return out;
            };
            pos = end;
            out.push((start..end, &text[start..end]));
        }
    }

    /// The stored form of a text as [`normalize_text`] made it before its one-scan fast path:
    /// replacements, then NFC line by line, then trailing blanks, each a pass of its own.
    fn normalize_by_passes(raw: &str) -> String {
        let mut unified = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            match replacement(c) {
                Some(r) => unified.push_str(r),
                None => unified.push(c),
            }
        }
        let nfc = to_nfc(unified);
        nfc.split('\n')
            .map(|l| l.trim_end_matches([' ', '\t']))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn lines_inclusive_splits_as_std_does() {
        for text in ["", "\n", "a", "a\n", "a\nb", "\n\nb\n", "ạ\nb\r\n\nc"] {
            assert_eq!(
                lines_inclusive(text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_nfc_starter_shortcut_agrees_with_unicode_tables() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let by_tables = canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
            assert_eq!(is_nfc_starter(c), by_tables, "{c:?}");
        }
    }

    #[test]
    fn plain_letters_known_by_their_bytes_are_kept_and_nfc() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if let Some(len) = plain_letter_len(bytes) {
                assert_eq!(len, bytes.len(), "{c:?}");
                assert!(replacement(c).is_none() && is_nfc_starter(c), "{c:?}");
            }
        }
        assert_eq!(plain_letter_len("ệ".as_bytes()), Some(3));
        assert_eq!(plain_letter_len("Đ".as_bytes()), Some(2));
    }

    #[test]
    fn one_scan_normalizes_as_the_passes_did() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            "a \r\nb\t\rc\u{200B} \nd\u{00A0}\u{2028}e \u{FEFF}".to_string(),
            "Tha\u{0300}nh pho\u{0302}\u{0301} \u{00AD}\n\u{0301}x\u{0007}\t".to_string(),
            "“Quy định” – … • ½ ² Ω K Å \u{2000}\u{0340}\u{0958}".to_string(),
        ];
        for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    let text = std::fs::read_to_string(&path).expect("text");
                    texts.push(text.replace('\n', "\r\n"));
                    texts.push(text.nfd().collect());
                    texts.push(text);
                }
            }
        }
        for t in &texts {
            assert_eq!(normalize_text(t), normalize_by_passes(t));
        }
    }

    /// The slow key of a word, as it was before the fast paths.
    fn slow_keys(w: &str) -> (String, String) {
        let exact = exact_key_slow(w);
        let folded = fold_exact_slow(&exact);
        (exact, folded)
    }

    /// Every character of the table's ranges, alone and inside syllables, in both cases: the fast
    /// paths give exactly what decomposition gives.
    #[test]
    fn fast_paths_equal_slow_paths_on_every_letter() {
        let mut chars: Vec<char> = LOW_LETTERS
            .chain(HIGH_LETTERS)
            .chain(0..0x80)
            .filter_map(char::from_u32)
            .collect();
        chars.extend([
            '\u{0300}', '\u{0301}', '\u{0302}', '\u{0306}', '\u{031B}', 'ß', 'Ω',
        ]);
        for &c in &chars {
            assert_eq!(
                is_word_char(c),
                c.is_alphanumeric() || is_combining_mark(c),
                "{c:?}"
            );
            for w in [
                format!("{c}"),
                format!("th{c}n"),
                format!("qu{c}"),
                format!("gi{c}"),
                format!("ng{c}y"),
                format!("{c}a"),
                format!("o{c}"),
                format!("k{c}"),
                format!("TH{c}Y"),
            ] {
                let (exact, folded) = slow_keys(&w);
                assert_eq!(exact_key(&w), exact, "{w:?}");
                assert_eq!(folded_key(&w), folded, "{w:?}");
                assert_eq!(fold_exact(&w), fold_exact_slow(&w), "{w:?}");
                assert_eq!(fold_exact(&exact), folded, "{w:?}");
            }
        }
    }

    /// NFC Vietnamese words take the fast path; NFD ones the slow path.
    #[test]
    fn precomposed_words_take_the_fast_path() {
        for w in [
            "người", "THUỶ", "Đảng", "khuỷu", "kỹ", "GRDP", "1.000", "quốc",
        ] {
            let mut out = String::new();
            assert!(fast_key(w, &mut out, false), "{w}");
            assert_eq!(out, exact_key_slow(w));
            let nfd: String = w.nfd().collect();
            if nfd != w {
                assert!(!fast_key(&nfd, &mut String::new(), false), "{w}");
            }
        }
    }

    mod props {
        use super::super::*;
        use super::{normalize_by_passes, slow_keys, words_by_chars};
        use proptest::prelude::*;

        proptest! {
            /// The fast paths of the keys equal the decomposing slow paths, on Vietnamese words
            /// in any case and form and on any text at all.
            #[test]
            fn fast_keys_equal_slow_keys(
                viet in "[a-zA-ZđĐăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵẮẰẲẴẶẤẦẨẪẬẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰÀÁẢÃẠÝỲ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}0-9., ]{0,40}",
                any in "\\PC{0,30}",
            ) {
                for text in [&viet, &any] {
                    prop_assert_eq!(words(text).collect::<Vec<_>>(), words_by_chars(text));
                    for (_, w) in words(text) {
                        let (exact, folded) = slow_keys(w);
                        prop_assert_eq!(exact_key(w), exact.clone());
                        prop_assert_eq!(folded_key(w), folded.clone());
                        prop_assert_eq!(fold_exact(&exact), folded);
                        prop_assert_eq!(fold_exact(w), fold_exact_slow(w));
                    }
                    for c in text.chars() {
                        prop_assert_eq!(is_word_char(c), c.is_alphanumeric() || is_combining_mark(c));
                    }
                }
            }

            #[test]
            fn one_scan_equals_the_passes(
                s in "[a-zA-ZđĐơƯàÀạẠ\u{0300}\u{0301}\u{0323}\u{0302}\u{200B}\u{FEFF}\u{00A0}\u{00AD}\u{2028}\u{0085}\u{0007}\u{3000} \t\r\n“”–]{0,60}",
                any in "\\PC{0,40}",
            ) {
                for text in [&s, &any] {
                    prop_assert_eq!(normalize_text(text), normalize_by_passes(text));
                }
            }

            #[test]
            fn normalization_never_panics_and_offsets_stay_inside(s in "\\PC*") {
                let stored = normalize_text(&s);
                prop_assert!(unicode_normalization::is_nfc(&stored));
                prop_assert_eq!(normalize_text(&stored), stored.clone());
                for text in [&s, &stored] {
                    let mut last = 0;
                    for (range, w) in words(text) {
                        prop_assert!(range.start >= last && range.end <= text.len());
                        prop_assert!(text.is_char_boundary(range.start));
                        prop_assert!(text.is_char_boundary(range.end));
                        prop_assert!(!w.is_empty());
                        last = range.end;
                        let exact = exact_key(w);
                        prop_assert_eq!(exact_key(&exact), exact.clone());
                        prop_assert_eq!(fold_exact(&exact), folded_key(w));
                    }
                }
            }

            /// Composing line by line gives the NFC of the whole text, whichever lines are in
            /// NFD (combining marks may also start a line).
            #[test]
            fn lines_compose_as_the_whole_text(
                lines in proptest::collection::vec(
                    ("[a-zđăâêôơưàáảãạèéẻẽẹìíòóỏõọùúủũụỳýĐƯẮẦỆ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}\u{0302}\u{031B} ]{0,30}", any::<bool>()),
                    0..8,
                ),
            ) {
                let text: String = lines
                    .iter()
                    .map(|(l, nfd)| if *nfd { l.nfd().collect::<String>() } else { l.clone() })
                    .collect::<Vec<_>>()
                    .join("\n");
                let whole: String = text.nfc().collect();
                prop_assert_eq!(to_nfc(text), whole);
            }

            #[test]
            fn vietnamese_words_are_stable(s in "[a-zđăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323} ]{0,40}") {
                for (_, w) in words(&s) {
                    let nfd: String = w.nfd().collect();
                    prop_assert_eq!(exact_key(&nfd), exact_key(w));
                    prop_assert_eq!(exact_key(&w.to_uppercase()), exact_key(w));
                }
            }
        }
    }
}
