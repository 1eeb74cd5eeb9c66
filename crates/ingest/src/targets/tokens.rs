//! The tokens of a clause's text that target extraction reads: words (with their folded key),
//! numbers as Vietnamese writes them, and the punctuation between them, each with its byte range.

use std::collections::HashMap;
use std::ops::Range;

use crate::normalize;

/// Hashes the address and length of a text (a `&'static str` literal is the same text at the same
/// address; the length tells apart a literal the compiler placed at the start of a longer one).
#[derive(Default)]
pub(super) struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The hasher of a map keyed by address.
pub(super) type ByAddress = std::hash::BuildHasherDefault<AddressHasher>;

/// A text's address and length: the key of a map [`ByAddress`].
pub(super) type Address = (usize, usize);

/// The address of `text`.
pub(super) fn address(text: &str) -> Address {
    (text.as_ptr() as usize, text.len())
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A word of letters (any script, NFC or NFD).
    Word,
    /// Digits, maybe with `.` and `,` between them (`9,0`, `3.500`, `1.000,5`).
    Number,
    /// One character of punctuation (`%`, `/`, `-`, `(`, `;` …).
    Punct,
}

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    /// Its byte range in the text.
    pub range: Range<usize>,
    /// For a word, its folded key (`đô` → `do`, `Tỷ` → `ti`); for a number its text; for
    /// punctuation the character.
    pub key: String,
    /// For a word, its exact key (`Tỷ` → `tỉ`, `sỹ` → `sĩ`); else as `key`.
    pub exact: String,
    /// Whether the word has no diacritic (`co`, `dat`): it is compared by its folded key, as a
    /// text typed without diacritics says no more. A word with diacritics is compared exactly, so
    /// that `cơ` is not `có`.
    pub plain: bool,
}

impl Token {
    /// Whether the token is the punctuation `c`.
    pub fn is(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.key.starts_with(c) && self.key.len() == c.len_utf8()
    }

    /// Whether the token is the word `word` (written with its diacritics, in any case or
    /// tone placement): see [`Token::plain`].
    pub fn word(&self, word: &'static str) -> bool {
        if self.kind != Kind::Word {
            return false;
        }
        // The keys of each literal are made once a thread: this runs for most tokens, so the
        // literal is found by its address, not by hashing its text (a fifth of all extraction).
        thread_local! {
            static KEYS: std::cell::RefCell<HashMap<Address, (String, String), ByAddress>> =
                std::cell::RefCell::new(HashMap::default());
        }
        KEYS.with(|keys| {
            let mut keys = keys.borrow_mut();
            let (exact, folded) = keys.entry(address(word)).or_insert_with(|| {
                let exact = normalize::exact_key(word);
                let folded = normalize::fold_exact(&exact);
                (exact, folded)
            });
            self.is_word(exact, folded)
        })
    }

    /// Whether the token is the word of exact key `exact` and folded key `folded`.
    fn is_word(&self, exact: &str, folded: &str) -> bool {
        self.kind == Kind::Word
            && if self.plain {
                self.key == folded
            } else {
                self.exact == exact
            }
    }
}

/// A phrase of words in both its keys, made once: the words of the tables of cues and units.
#[derive(Debug, Clone)]
pub(super) struct Phrase {
    /// Each word's exact and folded key.
    words: Vec<(String, String)>,
}

impl Phrase {
    /// The phrase of `text` (words written with their diacritics).
    pub fn new(text: &str) -> Phrase {
        let words = text
            .split_whitespace()
            .map(|w| {
                let exact = normalize::exact_key(w);
                let folded = normalize::fold_exact(&exact);
                (exact, folded)
            })
            .collect();
        Phrase { words }
    }

    /// How many words it has.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether `toks` are its words, one for one.
    pub fn matches(&self, toks: &[Token]) -> bool {
        toks.len() == self.words.len()
            && toks
                .iter()
                .zip(&self.words)
                .all(|(t, (e, f))| t.is_word(e, f))
    }

    /// Whether token `t` is its word number `i`.
    pub fn word_at(&self, i: usize, t: &Token) -> bool {
        self.words.get(i).is_some_and(|(e, f)| t.is_word(e, f))
    }

    /// Whether its words start at token `at` of `toks`.
    pub fn at(&self, toks: &[Token], at: usize) -> bool {
        toks.get(at..at + self.len())
            .is_some_and(|t| self.matches(t))
    }

    /// Whether its words end just before token `end` of `toks`.
    pub fn before(&self, toks: &[Token], end: usize) -> bool {
        end >= self.len() && self.matches(&toks[end - self.len()..end])
    }
}

/// The tokens of `text`, in order. White space is no token.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut at = 0;
    for (range, word) in normalize::words(text) {
        push_punct(text, at..range.start, &mut out);
        let number = word.starts_with(|c: char| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
        let (kind, key, exact) = if number {
            (Kind::Number, word.to_string(), word.to_string())
        } else {
            let exact = normalize::exact_key(word);
            (Kind::Word, normalize::fold_exact(&exact), exact)
        };
        at = range.end;
        out.push(Token {
            kind,
            range,
            plain: key == exact,
            key,
            exact,
        });
    }
    push_punct(text, at..text.len(), &mut out);
    out
}

fn push_punct(text: &str, gap: Range<usize>, out: &mut Vec<Token>) {
    for (i, c) in text[gap.clone()].char_indices() {
        if !c.is_whitespace() {
            let start = gap.start + i;
            out.push(Token {
                kind: Kind::Punct,
                range: start..start + c.len_utf8(),
                key: c.to_string(),
                exact: c.to_string(),
                plain: true,
            });
        }
    }
}

/// The value of a number as Vietnamese writes it: `,` the decimal mark, `.` between thousands
/// (`1.000,5` → 1000.5, `9,0` → 9, `3.500` → 3500). A `.` that does not separate groups of three
/// digits is read as a decimal mark (`2.5`), as text copied from English-language tools writes it.
pub(super) fn number_value(text: &str) -> Option<f64> {
    let (int, frac) = match text.rsplit_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let groups: Vec<&str> = int.split('.').collect();
    let thousands =
        groups.len() > 1 && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let s = match (thousands || groups.len() == 1, frac) {
        (true, Some(f)) => format!("{}.{f}", groups.concat()),
        (true, None) => groups.concat(),
        (false, None) if groups.len() == 2 => format!("{}.{}", groups[0], groups[1]),
        (false, _) => return None,
    };
    s.parse().ok()
}

/// Whether a number token is a year (four plain digits from 1900 to 2100).
pub(super) fn is_year(token: &Token) -> Option<i32> {
    if token.kind != Kind::Number
        || token.key.len() != 4
        || !token.key.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let y: i32 = token.key.parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(number_value("9,0"), Some(9.0));
        assert_eq!(number_value("1,5"), Some(1.5));
        assert_eq!(number_value("3.500"), Some(3500.0));
        assert_eq!(number_value("650.000"), Some(650_000.0));
        assert_eq!(number_value("1.000,5"), Some(1000.5));
        assert_eq!(number_value("0,7"), Some(0.7));
        assert_eq!(number_value("2.5"), Some(2.5));
        assert_eq!(number_value("42"), Some(42.0));
        assert_eq!(number_value("1.2.3"), None);
        assert_eq!(number_value("1,"), None);
    }

    #[test]
    fn tokens_keep_their_ranges_and_fold_words() {
        let text = "Tỷ lệ đạt 9,0%/năm (GRDP);";
        let toks = tokenize(text);
        let keys: Vec<&str> = toks.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ti", "le", "dat", "9,0", "%", "/", "nam", "(", "grdp", ")", ";"
            ]
        );
        for t in &toks {
            assert!(text.is_char_boundary(t.range.start) && text.is_char_boundary(t.range.end));
        }
        assert_eq!(toks[3].kind, Kind::Number);
        assert_eq!(&text[toks[3].range.clone()], "9,0");
    }

    #[test]
    fn years_are_four_plain_digits() {
        let toks = tokenize("năm 2030, 3.500 và 1945 và 2101");
        let years: Vec<i32> = toks.iter().filter_map(is_year).collect();
        assert_eq!(years, [2030, 1945]);
    }
}
