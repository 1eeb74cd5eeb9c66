//! Abbreviations (`UBND`, `HĐND`, `BCĐ` …) and the words they stand for, so that a query with
//! either finds both: the table is `abbreviations.tsv`, read once.

use std::ops::Range;
use std::sync::OnceLock;

use vankien_ingest::normalize::{folded_key, words};

/// One abbreviation: its folded key and the folded keys of its words in full.
#[derive(Debug)]
pub(crate) struct Abbreviation {
    pub short: String,
    pub full: Vec<String>,
}

/// A typed run of words that has another form.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// The word at this place is an abbreviation; here are its words in full.
    Short(Vec<String>),
    /// The words in this range are an abbreviation's words in full; here is the abbreviation.
    Full(String),
}

/// The table, parsed once.
fn table() -> &'static [Abbreviation] {
    static TABLE: OnceLock<Vec<Abbreviation>> = OnceLock::new();
    TABLE.get_or_init(|| parse(include_str!("abbreviations.tsv")))
}

fn parse(tsv: &str) -> Vec<Abbreviation> {
    let mut out: Vec<Abbreviation> = tsv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (short, full) = l.split_once('\t')?;
            Some(Abbreviation {
                short: folded_key(short.trim()),
                full: words(full).map(|(_, w)| folded_key(w)).collect(),
            })
        })
        .collect();
    // The longest words in full first, so that `ủy ban mặt trận tổ quốc` is one match.
    out.sort_by_key(|a| std::cmp::Reverse(a.full.len()));
    out
}

/// The abbreviations and words in full among `folded` (a run of typed words' folded keys),
/// leaving alone the words `covered` already; each match with the range of words it takes.
pub(crate) fn find(folded: &[String], covered: &[bool]) -> Vec<(Range<usize>, Match)> {
    let table = table();
    let mut out = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if covered[i] {
            i += 1;
            continue;
        }
        let full = table.iter().find(|a| {
            let end = i + a.full.len();
            end <= folded.len()
                && folded[i..end] == a.full[..]
                && covered[i..end].iter().all(|c| !c)
        });
        if let Some(a) = full {
            out.push((i..i + a.full.len(), Match::Full(a.short.clone())));
            i += a.full.len();
            continue;
        }
        if let Some(a) = table.iter().find(|a| a.short == folded[i]) {
            out.push((i..i + 1, Match::Short(a.full.clone())));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<String> {
        words(s).map(|(_, w)| folded_key(w)).collect()
    }

    #[test]
    fn the_table_reads_every_line_as_one_word_and_its_words_in_full() {
        let table = table();
        assert!(table.len() >= 25, "{}", table.len());
        for a in table {
            assert_eq!(keys(&a.short), vec![a.short.clone()], "one word: {a:?}");
            assert!(a.full.len() >= 2, "{a:?}");
        }
        let ubnd = table.iter().find(|a| a.short == "ubnd").expect("UBND");
        assert_eq!(ubnd.full, keys("uỷ ban nhân dân"));
    }

    #[test]
    fn finds_both_forms_in_any_spelling_and_leaves_covered_words() {
        let q = keys("Ủy ban nhân dân tỉnh và HĐND");
        let found = find(&q, &vec![false; q.len()]);
        assert_eq!(
            found,
            vec![
                (0..4, Match::Full("ubnd".into())),
                (6..7, Match::Short(keys("hội đồng nhân dân"))),
            ]
        );
        // The longest words in full win: the committee of the Front, not the Front.
        let q = keys("uy ban mat tran to quoc");
        assert_eq!(
            find(&q, &vec![false; q.len()]),
            vec![(0..6, Match::Full("ubmttq".into()))]
        );
        let q = keys("UBND");
        assert!(find(&q, &[true]).is_empty());
        assert!(find(&keys("ban nhân dân"), &[false; 3]).is_empty());
    }
}
