//! The words of a clause as the suggestion rankers see them: each word's exact and folded key
//! from `vankien_ingest::normalize` (the keys the index itself uses), so NFD text, either
//! tone-mark convention, upper case, `đ` and text typed without diacritics all give the same
//! features.

use vankien_ingest::normalize;

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower case, NFC, canonical tone placement.
    pub exact: String,
    /// Without diacritics, `đ` as `d`.
    pub folded: String,
}

impl Word {
    /// Whether the word was written without any diacritic (so only its folded key says what
    /// it is: `dang` may be `đảng` or `đang`).
    pub fn is_plain(&self) -> bool {
        self.exact == self.folded
    }
}

/// The words of `text`, in order. Numbers alone (`2025`, `1.000`) are left out: they say
/// nothing of a clause's field and would make every dated clause look alike.
pub(crate) fn words(text: &str) -> Vec<Word> {
    normalize::words(text)
        .filter(|(_, w)| {
            !w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        })
        .map(|(_, w)| {
            let exact = normalize::exact_key(w);
            let folded = normalize::fold_exact(&exact);
            Word { exact, folded }
        })
        .collect()
}

/// The folded keys of `text`'s words: what the neighbour index and the linear model read.
pub(crate) fn folded(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.folded).collect()
}

/// The features of the linear model: folded words and adjacent pairs of them (`chuyen_doi`,
/// `doi_so`), each once.
pub(crate) fn features(text: &str) -> Vec<String> {
    let keys = folded(text);
    let mut out: Vec<String> = keys.clone();
    out.extend(keys.windows(2).map(|p| format!("{}_{}", p[0], p[1])));
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn every_spelling_gives_the_same_folded_keys() {
        let nfc = "Chuyển đổi số và Thuỷ lợi";
        let nfd: String = nfc.nfd().collect();
        let upper = nfc.to_uppercase();
        let other_tone = "chuyển đổi số và thủy lợi";
        let plain = "chuyen doi so va thuy loi";
        let want = folded(nfc);
        assert_eq!(want, ["chuyen", "doi", "so", "va", "thuy", "loi"]);
        for t in [&nfd, &upper, other_tone, plain] {
            assert_eq!(folded(t), want, "{t}");
        }
    }

    #[test]
    fn numbers_are_left_out_and_pairs_are_features() {
        assert_eq!(
            folded("Năm 2025 đạt 1.000 tỷ đồng, 5G"),
            ["nam", "dat", "ti", "dong", "5g"]
        );
        let f = features("đất đai đất");
        assert_eq!(f, ["dai", "dai_dat", "dat", "dat_dai"]);
    }

    #[test]
    fn plain_words_are_known() {
        let w = words("Đảng dang");
        assert!(!w[0].is_plain());
        assert!(w[1].is_plain());
        assert_eq!(w[0].folded, w[1].folded);
    }
}
