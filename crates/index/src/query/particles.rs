//! The question particles and function words of a query (`có … không`, `là gì`, `bao nhiêu`,
//! `của`, `các` …): the list `particles.txt`, read once, and where its entries stand in a run of
//! typed words.

use std::sync::OnceLock;

use vankien_ingest::normalize::{exact_key, fold_exact, words};

use super::Word;

/// One word of an entry: its exact and folded keys.
#[derive(Debug)]
struct Key {
    exact: String,
    folded: String,
}

/// One entry: its words, and whether it links the words around it (marked `=`).
#[derive(Debug)]
struct Entry {
    keys: Vec<Key>,
    links: bool,
}

/// What a particle found in a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    /// How many words it takes.
    pub len: usize,
    /// Whether it links the words around it (`là`).
    pub links: bool,
}

/// The entries, the longest first, so that `như thế nào` is one match, not `thế nào` after a
/// content word `như`.
fn table() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| parse(include_str!("particles.txt")))
}

fn parse(text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (links, l) = match l.strip_prefix('=') {
                Some(rest) => (true, rest),
                None => (false, l),
            };
            let keys = words(l)
                .map(|(_, w)| {
                    let exact = exact_key(w);
                    Key {
                        folded: fold_exact(&exact),
                        exact,
                    }
                })
                .collect();
            Entry { keys, links }
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.keys.len()));
    out
}

/// Whether a typed word is this word of an entry: on the exact key when typed with diacritics
/// (`có` is not `cơ`), else on the folded key (`khong` is `không`).
fn same(typed: &Word, key: &Key) -> bool {
    match typed.accented {
        true => typed.exact == key.exact,
        false => typed.folded == key.folded,
    }
}

/// The particle or function word that starts at word `i` of `ws`, if one does: the longest
/// entry that matches.
pub(crate) fn at(ws: &[Word], i: usize) -> Option<Found> {
    table()
        .iter()
        .find(|e| {
            let n = e.keys.len();
            i + n <= ws.len() && e.keys.iter().zip(&ws[i..]).all(|(key, w)| same(w, key))
        })
        .map(|e| Found {
            len: e.keys.len(),
            links: e.links,
        })
}

#[cfg(test)]
mod tests {
    use super::at;
    use crate::query::Word;

    fn len_at(ws: &[Word], i: usize) -> usize {
        at(ws, i).map_or(0, |f| f.len)
    }

    fn ws(s: &str) -> Vec<Word> {
        s.split(' ').map(Word::new).collect()
    }

    #[test]
    fn particles_are_found_with_or_without_diacritics_never_on_another_word() {
        let q = ws("tỷ lệ che phủ rừng đạt bao nhiêu");
        assert_eq!(len_at(&q, 6), 2, "bao nhiêu");
        assert_eq!(len_at(&q, 0), 0);
        // The longest entry wins: `như thế nào` is one particle.
        assert_eq!(len_at(&ws("làm như thế nào"), 1), 3);
        // Without diacritics the folded key decides; with them the exact key.
        assert_eq!(len_at(&ws("co duoc sap nhap xa khong"), 0), 1);
        assert_eq!(len_at(&ws("co duoc sap nhap xa khong"), 5), 1);
        assert_eq!(len_at(&ws("cơ chế"), 0), 0, "cơ is not có");
        assert_eq!(len_at(&ws("KHÔNG"), 0), 1, "upper case");
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("được").collect();
        assert_eq!(len_at(&ws(&nfd), 0), 1, "NFD");
        assert_eq!(len_at(&ws("đươc"), 0), 0, "another word");
        // The copula links the words around it; other particles do not.
        assert!(at(&ws("là gì"), 0).unwrap().links);
        assert!(!at(&ws("là gì"), 1).unwrap().links);
    }
}
