//! The words of a piece of text as the relation reader sees them, and the phrases it looks for:
//! every comparison goes through the exact key of a word when the text carries diacritics and
//! through the folded key when it does not, so NFD, both tone conventions, upper case and text
//! typed without diacritics read alike.

use std::ops::Range;

use crate::normalize::{exact_key, fold_exact, folded_key, words};

/// One word of the text.
#[derive(Debug, Clone)]
pub(super) struct Tok<'a> {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The word as written.
    pub word: &'a str,
    /// Folded key (lower case, no diacritics, `đ` as `d`): every word is compared by it first.
    pub folded: String,
    /// Whether the word as written has no diacritic (then only its folded key is compared).
    pub plain: bool,
    /// Whether the word as written starts with an upper-case letter.
    pub upper: bool,
}

impl Tok<'_> {
    /// Whether the word is all ASCII digits.
    pub fn is_digits(&self) -> bool {
        !self.folded.is_empty() && self.folded.bytes().all(|b| b.is_ascii_digit())
    }

    /// Whether the word starts with an ASCII digit.
    pub fn starts_with_digit(&self) -> bool {
        self.folded
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_digit)
    }

    /// The word as a number, when it is digits only and not too long.
    pub fn number(&self) -> Option<u32> {
        if self.is_digits() && self.folded.len() <= 4 {
            self.folded.parse().ok()
        } else {
            None
        }
    }

    /// Whether the word is a year of the documents' era (1945-2099).
    pub fn is_year(&self) -> bool {
        self.folded.len() == 4 && self.number().is_some_and(|y| (1945..2100).contains(&y))
    }
}

/// The words of `text`. Only the folded key of each is made here; the exact key, which tells
/// `thực` from `thức`, only for a word whose folded key matches one looked for.
pub(super) fn tokens(text: &str) -> Vec<Tok<'_>> {
    words(text)
        .map(|(range, w)| Tok {
            folded: folded_key(w),
            plain: w.is_ascii(),
            upper: w.chars().next().is_some_and(char::is_uppercase),
            word: w,
            range,
        })
        .collect()
}

/// A word to look for, by both its keys.
#[derive(Debug, Clone)]
pub(super) struct Word {
    exact: String,
    folded: String,
}

impl Word {
    pub fn new(word: &str) -> Word {
        let exact = exact_key(word);
        Word {
            folded: fold_exact(&exact),
            exact,
        }
    }

    /// Whether `tok` is this word: by exact key when the text wrote diacritics, else by the
    /// folded key (`thuc` is `thực`, but `thức` is not).
    /// Whether the word as written is this word (see [`Word::is`]).
    pub fn is_word(&self, word: &str) -> bool {
        !word.is_empty()
            && folded_key(word) == self.folded
            && (word.is_ascii() || exact_key(word) == self.exact)
    }

    pub fn is(&self, tok: &Tok) -> bool {
        tok.folded == self.folded && (tok.plain || exact_key(tok.word) == self.exact)
    }
}

/// A phrase to look for: words in order, whatever lies between them but words.
#[derive(Debug, Clone)]
pub(super) struct Phrase(pub Vec<Word>);

impl Phrase {
    pub fn new(words: &str) -> Phrase {
        Phrase(words.split_whitespace().map(Word::new).collect())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the phrase starts at word `i`.
    pub fn at(&self, toks: &[Tok], i: usize) -> bool {
        i + self.0.len() <= toks.len() && self.0.iter().zip(&toks[i..]).all(|(w, t)| w.is(t))
    }

    /// Whether the phrase ends just before word `end`.
    pub fn ends_at(&self, toks: &[Tok], end: usize) -> bool {
        end >= self.0.len() && self.at(toks, end - self.0.len())
    }
}

/// A set of words, looked up one word at a time.
#[derive(Debug, Clone)]
pub(super) struct WordSet(Vec<Word>);

impl WordSet {
    pub fn new(words: &str) -> WordSet {
        WordSet(words.split_whitespace().map(Word::new).collect())
    }

    pub fn has(&self, tok: &Tok) -> bool {
        self.0.iter().any(|w| w.is(tok))
    }
}

/// The text between word `i - 1` and word `i` (from the start of the text for the first word).
pub(super) fn gap_before<'a>(text: &'a str, toks: &[Tok], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { toks[i - 1].range.end };
    let end = toks.get(i).map_or(text.len(), |t| t.range.start);
    &text[start..end]
}

/// Whether a gap between words ends a sentence or a list item: `;`, `.`, `:`, `!`, `?` or a line
/// break.
pub(super) fn breaks_sentence(gap: &str) -> bool {
    gap.contains([';', '.', ':', '!', '?', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn words_match_in_any_spelling_but_not_another_word() {
        let w = Word::new("thực hiện");
        let phrase = Phrase::new("thực hiện");
        for text in [
            "thực hiện",
            "THỰC HIỆN",
            "thuc hien",
            "Thuc Hien",
            &"thực hiện".nfd().collect::<String>(),
        ] {
            assert!(phrase.at(&tokens(text), 0), "{text}");
        }
        assert!(!phrase.at(&tokens("thức hiện"), 0));
        assert!(!w.is(&tokens("thức")[0]));
        // Both tone conventions.
        assert!(Phrase::new("thể chế hóa").at(&tokens("thể chế hoá"), 0));
        assert!(Word::new("đổi").is(&tokens("doi")[0]));
    }

    #[test]
    fn gaps_and_years() {
        let text = "Số 57-NQ/TW; năm 2024";
        let toks = tokens(text);
        assert_eq!(gap_before(text, &toks, 2), "-");
        assert!(breaks_sentence(gap_before(text, &toks, 4)));
        assert!(toks[5].is_year());
        assert!(!toks[1].is_year());
    }
}
