//! The Vietnamese analyzers of the index: a tantivy tokenizer over [`normalize::words`] that emits
//! each word's exact or folded key (see `vankien_ingest::normalize`) with its byte offsets in the
//! original text, so snippets and highlights point into the text as written, NFD included.
//!
//! tantivy forgets custom tokenizers when an index is reopened: [`register`] runs on every create
//! and every open.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use vankien_ingest::normalize::{self, Words};

/// Analyzer of the exact field: lower case NFC, canonical tone placement.
pub const EXACT: &str = "vk_exact";
/// Analyzer of the folded field: no diacritics, `đ` as `d`.
pub const FOLDED: &str = "vk_folded";

/// Which key a [`VnTokenizer`] emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// [`normalize::exact_key`].
    Exact,
    /// [`normalize::folded_key`].
    Folded,
}

/// A tokenizer that splits with [`normalize::words`] and emits one key per word.
#[derive(Debug, Clone)]
pub struct VnTokenizer {
    kind: KeyKind,
    token: Token,
}

impl VnTokenizer {
    /// A tokenizer emitting keys of `kind`.
    pub fn new(kind: KeyKind) -> Self {
        VnTokenizer {
            kind,
            token: Token::default(),
        }
    }
}

/// The token stream of a [`VnTokenizer`].
pub struct VnTokenStream<'a> {
    words: Words<'a>,
    kind: KeyKind,
    token: &'a mut Token,
}

impl Tokenizer for VnTokenizer {
    type TokenStream<'a> = VnTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VnTokenStream<'a> {
        self.token.reset();
        VnTokenStream {
            words: normalize::words(text),
            kind: self.kind,
            token: &mut self.token,
        }
    }
}

impl TokenStream for VnTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((range, word)) = self.words.next() else {
            return false;
        };
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = range.start;
        self.token.offset_to = range.end;
        self.token.text.clear();
        // Keys are written straight into the token: ASCII and precomposed words (nearly all)
        // cost one table lookup per character and no allocation, which beat a cache of keys.
        match self.kind {
            KeyKind::Exact => normalize::exact_key_into(word, &mut self.token.text),
            KeyKind::Folded => normalize::folded_key_into(word, &mut self.token.text),
        }
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Registers every analyzer of the index. Call it on create and on every open.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(EXACT, VnTokenizer::new(KeyKind::Exact));
    manager.register(FOLDED, VnTokenizer::new(KeyKind::Folded));
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TextAnalyzer;
    use unicode_normalization::UnicodeNormalization;

    fn tokens(kind: KeyKind, text: &str) -> Vec<Token> {
        let mut analyzer = TextAnalyzer::from(VnTokenizer::new(kind));
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        stream.process(&mut |t| out.push(t.clone()));
        out
    }

    /// Every vowel with every tone, NFC and NFD, lower and upper case: the exact analyzer gives
    /// the exact key of the NFC form, the folded analyzer the bare vowel, and the offsets always
    /// cover the word as written.
    #[test]
    fn every_vowel_with_every_tone() {
        let vowels = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"];
        let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
        for v in vowels {
            for t in tones {
                let nfc: String = format!("{v}{t}").nfc().collect();
                let word = format!("th{nfc}n");
                let want_exact = normalize::exact_key(&word);
                let want_folded = normalize::folded_key(&word);
                assert!(want_folded.is_ascii(), "{word}");
                let nfd: String = word.nfd().collect();
                for written in [
                    word.clone(),
                    nfd.clone(),
                    word.to_uppercase(),
                    nfd.to_uppercase(),
                ] {
                    let text = format!("({written}) x");
                    let exact = tokens(KeyKind::Exact, &text);
                    let folded = tokens(KeyKind::Folded, &text);
                    assert_eq!(exact.len(), 2, "{text:?}");
                    assert_eq!(exact[0].text, want_exact, "{text:?}");
                    assert_eq!(folded[0].text, want_folded, "{text:?}");
                    assert_eq!(&text[exact[0].offset_from..exact[0].offset_to], written);
                    assert_eq!(folded[0].offset_to, exact[0].offset_to);
                    assert_eq!((exact[0].position, exact[1].position), (0, 1));
                }
            }
        }
    }

    #[test]
    fn d_with_stroke_and_tone_conventions() {
        let folded: Vec<String> = tokens(KeyKind::Folded, "ĐẢNG đảng Đảng dang")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(folded, ["dang"; 4]);
        let exact: Vec<String> = tokens(KeyKind::Exact, "ĐẢNG đảng dang thủy THUỶ")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(exact, ["đảng", "đảng", "dang", "thuỷ", "thuỷ"]);
        let hos: Vec<String> = tokens(KeyKind::Exact, "hồ hộ hỗ")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(hos, ["hồ", "hộ", "hỗ"]);
    }

    #[test]
    fn nfd_offsets_point_into_the_text_as_written() {
        let nfd: String = "Xây dựng nông thôn mới".nfd().collect();
        let toks = tokens(KeyKind::Folded, &nfd);
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["xay", "dung", "nong", "thon", "moi"]);
        for t in &toks {
            let written = &nfd[t.offset_from..t.offset_to];
            assert_eq!(normalize::folded_key(written), t.text);
        }
    }
}
