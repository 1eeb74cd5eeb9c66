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
//!
//! This file holds the stored form; `keys.rs` the words and their two keys.

mod keys;
#[cfg(test)]
mod tests;

use unicode_normalization::UnicodeNormalization;

pub(crate) use keys::is_alphanumeric;
use keys::letter_raw;
pub use keys::{
    Words, exact_key, exact_key_into, fold_exact, folded_key, folded_key_into, has_diacritics,
    is_word_char, words,
};

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
