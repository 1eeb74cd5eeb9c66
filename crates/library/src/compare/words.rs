//! A clause's words with their keys, through the project's one normalization
//! (`vankien_ingest::normalize`): folded keys (no diacritics, `đ` → `d`, any case, NFC or NFD) to
//! measure similarity, exact keys to tell a kept clause from a reworded one and to diff.

use std::ops::Range;

use vankien_ingest::normalize;

/// The words of one clause's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClauseWords<'a> {
    /// The clause's text.
    pub text: &'a str,
    /// Each word's byte range in `text`.
    pub ranges: Vec<Range<usize>>,
    /// Each word's exact key.
    pub exact: Vec<String>,
    /// Each word's folded key.
    pub folded: Vec<String>,
}

impl<'a> ClauseWords<'a> {
    /// Reads the words of `text`.
    pub fn new(text: &'a str) -> ClauseWords<'a> {
        let mut out = ClauseWords {
            text,
            ranges: Vec::new(),
            exact: Vec::new(),
            folded: Vec::new(),
        };
        for (range, word) in normalize::words(text) {
            let exact = normalize::exact_key(word);
            out.folded.push(normalize::fold_exact(&exact));
            out.exact.push(exact);
            out.ranges.push(range);
        }
        out
    }

    /// The text of words `from` to `to` (exclusive) as written, with what follows the last of
    /// them up to the next word (spaces, punctuation); from the text's start for the first word
    /// and to its end for the last, so the slices of a partition of the words give the whole text.
    pub fn slice(&self, from: usize, to: usize) -> &'a str {
        if from >= to {
            return "";
        }
        let start = if from == 0 {
            0
        } else {
            self.ranges[from].start
        };
        let end = self.ranges.get(to).map_or(self.text.len(), |r| r.start);
        &self.text[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_keys_ignore_diacritics_case_nfd_and_d_bar() {
        let nfc = ClauseWords::new("Đẩy mạnh Hoá");
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd("đẩy MẠNH hóa").collect();
        let other = ClauseWords::new(&nfd);
        assert_eq!(nfc.folded, other.folded);
        assert_eq!(nfc.folded, ["day", "manh", "hoa"]);
        assert_eq!(nfc.exact, other.exact, "hoá and hóa are one exact key");
    }

    #[test]
    fn a_slice_keeps_the_text_between_words() {
        let w = ClauseWords::new("kinh tế - xã hội; môi trường.");
        assert_eq!(w.slice(1, 4), "tế - xã hội; ");
        assert_eq!(w.slice(2, 2), "");
        let whole: String = [w.slice(0, 2), w.slice(2, 5), w.slice(5, 6)].concat();
        assert_eq!(whole, w.text, "a partition gives the whole text back");
    }
}
