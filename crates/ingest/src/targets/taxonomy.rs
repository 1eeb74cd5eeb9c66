//! The taxonomy of indicators (`indicators.tsv`): what makes the same indicator in two documents
//! line up. Its patterns are matched on folded words, so every spelling of a phrase finds it.
//!
//! The file is data, compiled into the binary and read once. Matching runs one Aho-Corasick
//! automaton (the `aho-corasick` crate, already the parser's) over the indicator's folded words,
//! joined by single spaces, and keeps the pattern found first; of two found at one place, the
//! longer (`nông thôn mới nâng cao` over `nông thôn mới`).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::normalize;

/// The taxonomy file, one indicator a line.
pub(super) const INDICATORS_TSV: &str = include_str!("indicators.tsv");

/// One indicator of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Its identifier in the API, the CLI and filters, e.g. `urbanisation_rate`.
    pub key: String,
    /// Its Vietnamese name, e.g. `Tỷ lệ đô thị hóa`.
    pub name: String,
    /// The key a yearly increase of this indicator is read as (its growth rate), if any.
    pub growth: Option<String>,
    /// Whether the indicator is a ranking (matched only by `thuộc nhóm N nước dẫn đầu về …`).
    pub rank: bool,
}

/// One pattern: the phrases (folded words joined by spaces) that must all occur.
#[derive(Debug)]
struct Pattern {
    indicator: usize,
    phrases: Vec<String>,
}

/// The parsed taxonomy and its automaton.
#[derive(Debug)]
pub struct Taxonomy {
    indicators: Vec<Indicator>,
    patterns: Vec<Pattern>,
    /// Every phrase of every pattern, padded with spaces (` do thi hoa `), by its id.
    phrases: Vec<String>,
    automaton: AhoCorasick,
}

/// The folded words of `text` joined by single spaces: punctuation dropped, every word through
/// [`normalize::folded_key`] (lower case, no diacritics, `đ` as `d`, NFC or NFD alike).
pub fn folded_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (_, word) in normalize::words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        normalize::folded_key_into(word, &mut out);
    }
    out
}

impl Taxonomy {
    /// The taxonomy compiled into the binary.
    pub fn get() -> &'static Taxonomy {
        static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
        TAXONOMY.get_or_init(|| Taxonomy::parse(INDICATORS_TSV).expect("indicators.tsv is valid"))
    }

    /// Parses a taxonomy file; an error names the line that is wrong.
    pub fn parse(tsv: &str) -> Result<Taxonomy, String> {
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut patterns = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [key, name, pats, rest @ ..] = cols.as_slice() else {
                return Err(format!("line {}: expected key, name and patterns", n + 1));
            };
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(format!("line {}: bad key `{key}`", n + 1));
            }
            if indicators.iter().any(|i| i.key == *key) {
                return Err(format!("line {}: key `{key}` given twice", n + 1));
            }
            let mut indicator = Indicator {
                key: key.to_string(),
                name: name.trim().to_string(),
                growth: None,
                rank: false,
            };
            for option in rest.iter().flat_map(|o| o.split_whitespace()) {
                match option.split_once('=') {
                    Some(("growth", k)) => indicator.growth = Some(k.to_string()),
                    None if option == "rank" => indicator.rank = true,
                    _ => return Err(format!("line {}: unknown option `{option}`", n + 1)),
                }
            }
            for pattern in pats.split('|') {
                let phrases: Vec<String> = pattern
                    .split(" + ")
                    .map(folded_words)
                    .filter(|p| !p.is_empty())
                    .collect();
                if phrases.is_empty() {
                    return Err(format!("line {}: an empty pattern", n + 1));
                }
                patterns.push(Pattern {
                    indicator: indicators.len(),
                    phrases,
                });
            }
            indicators.push(indicator);
        }
        for i in &indicators {
            if let Some(g) = &i.growth
                && !indicators.iter().any(|j| j.key == *g)
            {
                return Err(format!("`{}`: growth key `{g}` is no indicator", i.key));
            }
        }
        let phrases: Vec<String> = patterns
            .iter()
            .flat_map(|p| p.phrases.iter().map(|s| format!(" {s} ")))
            .collect();
        let automaton = AhoCorasick::new(&phrases).map_err(|e| e.to_string())?;
        Ok(Taxonomy {
            indicators,
            patterns,
            phrases,
            automaton,
        })
    }

    /// Every indicator, in the file's order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The indicator of `key`.
    pub fn indicator(&self, key: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.key == key)
    }

    /// The indicator whose pattern the folded words `folded` (see [`folded_words`]) hold first;
    /// rankings only when `rank`, other indicators only when not.
    pub fn find(&self, folded: &str, rank: bool) -> Option<&Indicator> {
        let hay = format!(" {folded} ");
        // Where each phrase occurs first (byte offset in `hay`).
        let mut first: Vec<Option<usize>> = vec![None; self.phrases.len()];
        for m in self.automaton.find_overlapping_iter(&hay) {
            let slot = &mut first[m.pattern().as_usize()];
            if slot.is_none_or(|s| m.start() < s) {
                *slot = Some(m.start());
            }
        }
        let mut best: Option<(usize, usize, usize)> = None; // (start, length, indicator)
        let mut id = 0;
        for p in &self.patterns {
            let ids = id..id + p.phrases.len();
            id = ids.end;
            if self.indicators[p.indicator].rank != rank {
                continue;
            }
            let Some(starts) = ids.map(|i| first[i]).collect::<Option<Vec<usize>>>() else {
                continue;
            };
            let start = starts[0];
            let len: usize = p.phrases.iter().map(String::len).sum();
            let better = best.is_none_or(|(s, l, _)| start < s || (start == s && len > l));
            if better {
                best = Some((start, len, p.indicator));
            }
        }
        best.map(|(_, _, i)| &self.indicators[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<&'static str> {
        Taxonomy::get()
            .find(&folded_words(text), false)
            .map(|i| i.key.as_str())
    }

    #[test]
    fn the_compiled_taxonomy_parses() {
        let t = Taxonomy::get();
        assert!(t.indicators().len() >= 40);
        assert!(t.indicator("urbanisation_rate").is_some());
    }

    #[test]
    fn every_spelling_finds_the_indicator() {
        for text in [
            "Tỷ lệ đô thị hóa",
            "Tỷ lệ đô thị hoá",
            "TỶ LỆ ĐÔ THỊ HOÁ",
            "ty le do thi hoa",
            "Tỉ lệ đô thị hóa",
            // NFD: every tone a combining mark.
            "T\u{79}\u{309} l\u{65}\u{302}\u{323} \u{111}o\u{302} thi\u{323} hoa\u{301}",
        ] {
            assert_eq!(key(text), Some("urbanisation_rate"), "{text}");
        }
    }

    #[test]
    fn the_first_and_longest_pattern_wins() {
        assert_eq!(
            key("Tốc độ tăng trưởng kinh tế (GRDP) bình quân"),
            Some("grdp_growth")
        );
        assert_eq!(
            key("Tốc độ tăng trưởng kinh tế bình quân"),
            Some("gdp_growth")
        );
        assert_eq!(key("GRDP bình quân đầu người"), Some("grdp_per_capita"));
        assert_eq!(
            key("Tỷ lệ xã đạt chuẩn nông thôn mới nâng cao"),
            Some("advanced_new_rural_communes")
        );
        assert_eq!(
            key("Đóng góp của năng suất nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế"),
            Some("tfp_contribution")
        );
        assert_eq!(
            key("Tỷ lệ khu công nghiệp có hệ thống xử lý nước thải"),
            Some("industrial_zones_wastewater")
        );
        assert_eq!(key("Tỷ lệ khu công nghiệp được lấp đầy"), None);
        assert_eq!(key("Số lượng đơn vị hành chính cấp xã"), None);
    }

    #[test]
    fn rankings_match_only_rankings() {
        let t = Taxonomy::get();
        let f = folded_words("Chính phủ điện tử (EGDI)");
        assert_eq!(t.find(&f, true).map(|i| i.key.as_str()), Some("egov_rank"));
        assert_eq!(t.find(&f, false), None);
    }

    #[test]
    fn bad_files_are_refused_with_their_line() {
        assert!(Taxonomy::parse("a\tA\n").unwrap_err().contains("line 1"));
        assert!(
            Taxonomy::parse("A\tA\tx\n")
                .unwrap_err()
                .contains("bad key")
        );
        assert!(
            Taxonomy::parse("a\tA\tx\na\tB\ty\n")
                .unwrap_err()
                .contains("twice")
        );
        assert!(
            Taxonomy::parse("a\tA\tx\tgrowth=b\n")
                .unwrap_err()
                .contains("growth key")
        );
        assert!(
            Taxonomy::parse("a\tA\tx\tcolour\n")
                .unwrap_err()
                .contains("unknown option")
        );
    }
}
