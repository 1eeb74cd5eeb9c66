//! Ranker (a): the taxonomy's own words. Each sector's name, cut at its commas and `và`
//! (`Nông nghiệp, nông thôn và thủy sản` → three phrases), and the phrases the keywords file
//! beside the taxonomy lists for it (`corpus/sector-keywords.json`) are looked for in the clause,
//! word by word. A word matches by its exact key (so `hoá`/`hóa`, NFD and upper case match, and
//! `đảng` never matches `đang`); a word written without any diacritic matches by its folded key,
//! since it could be either.
//!
//! The taxonomy loader (`vankien_annotate::sectors`) refuses unknown fields, so the keywords
//! live in a file of their own rather than in `sectors.json`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use vankien_annotate::Sector;

use super::text::{self, Word};
use super::{Ranked, Why};

/// The keywords file beside the taxonomy, inside the corpus folder.
pub const KEYWORDS_FILE: &str = "sector-keywords.json";

/// Why a keywords file was refused.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct KeywordsError {
    /// The file.
    pub file: String,
    /// What is wrong with it.
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeywordsFile {
    #[serde(default)]
    #[allow(dead_code)] // Documentation for people editing the file.
    description: Option<String>,
    keywords: HashMap<String, Vec<String>>,
}

/// Reads a keywords file (`{"description", "keywords": {"sector-id": ["phrase", …]}}`) and
/// checks it against the taxonomy: a sector id the taxonomy lacks, or an empty phrase, is
/// refused with the problem named.
pub fn read_keywords(
    path: &Path,
    sectors: &[Sector],
) -> Result<HashMap<String, Vec<String>>, KeywordsError> {
    let file = path.display().to_string();
    let bad = |problem: String| KeywordsError {
        file: file.clone(),
        problem,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let parsed: KeywordsFile = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    for (id, phrases) in &parsed.keywords {
        if !sectors.iter().any(|s| &s.id == id) {
            return Err(bad(format!("sector {id} is not in the taxonomy")));
        }
        if let Some(p) = phrases.iter().find(|p| text::words(p).is_empty()) {
            return Err(bad(format!("sector {id} has an empty phrase {p:?}")));
        }
    }
    Ok(parsed.keywords)
}

/// One phrase to look for.
#[derive(Debug)]
struct Phrase {
    sector: usize,
    written: String,
    words: Vec<Word>,
}

/// The keyword ranker: every sector's phrases, found by their first word's folded key.
#[derive(Debug)]
pub struct Keywords {
    sectors: Vec<String>,
    phrases: Vec<Phrase>,
    by_first: HashMap<String, Vec<usize>>,
}

impl Keywords {
    /// The phrases of `sectors` (their names, cut at commas and `và`) and of `keywords`.
    pub fn new(sectors: &[Sector], keywords: &HashMap<String, Vec<String>>) -> Keywords {
        let mut phrases = Vec::new();
        for (i, s) in sectors.iter().enumerate() {
            let from_name = s
                .name
                .split([',', ';'])
                .flat_map(|part| part.split(" và "))
                .map(str::trim);
            let listed = keywords.get(&s.id).into_iter().flatten().map(|p| p.trim());
            for written in from_name.chain(listed) {
                let words = text::words(written);
                if !words.is_empty()
                    && !phrases
                        .iter()
                        .any(|p: &Phrase| p.sector == i && p.words == words)
                {
                    phrases.push(Phrase {
                        sector: i,
                        written: written.to_string(),
                        words,
                    });
                }
            }
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in phrases.iter().enumerate() {
            by_first
                .entry(p.words[0].folded.clone())
                .or_default()
                .push(i);
        }
        Keywords {
            sectors: sectors.iter().map(|s| s.id.clone()).collect(),
            phrases,
            by_first,
        }
    }

    /// The sectors whose phrases `text` holds, best first: each phrase found scores its length
    /// in words, and `1 + ln(n)` times that when found `n` times.
    pub fn rank(&self, text: &str) -> Vec<Ranked> {
        let words = text::words(text);
        let mut found: HashMap<usize, usize> = HashMap::new();
        for start in 0..words.len() {
            let Some(candidates) = self.by_first.get(&words[start].folded) else {
                continue;
            };
            for &p in candidates {
                let phrase = &self.phrases[p].words;
                let Some(window) = words.get(start..start + phrase.len()) else {
                    continue;
                };
                if window.iter().zip(phrase).all(|(w, k)| same_word(w, k)) {
                    *found.entry(p).or_default() += 1;
                }
            }
        }
        let mut scores: HashMap<usize, SectorHits<'_>> = HashMap::new();
        for (p, n) in found {
            let phrase = &self.phrases[p];
            let score = phrase.words.len() as f32 * (1.0 + (n as f32).ln());
            let entry = scores.entry(phrase.sector).or_default();
            entry.0 += score;
            entry.1.push((score, &phrase.written));
        }
        let mut out: Vec<Ranked> = scores
            .into_iter()
            .map(|(s, (score, mut phrases))| {
                phrases.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                Ranked {
                    sector: self.sectors[s].clone(),
                    score,
                    why: Why::Keywords(phrases.iter().take(3).map(|p| p.1.to_string()).collect()),
                }
            })
            .collect();
        super::sort_ranked(&mut out);
        out
    }
}

/// A sector's score in a clause and the phrases that gave it, with their scores.
type SectorHits<'a> = (f32, Vec<(f32, &'a str)>);

/// Whether a word of a clause is a word of a phrase: the same exact key, or the same folded key
/// when either was written without diacritics.
fn same_word(clause: &Word, phrase: &Word) -> bool {
    clause.exact == phrase.exact
        || ((clause.is_plain() || phrase.is_plain()) && clause.folded == phrase.folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn sector(id: &str, name: &str) -> Sector {
        Sector {
            id: id.into(),
            name: name.into(),
            parent: None,
        }
    }

    fn ranker() -> Keywords {
        let sectors = [
            sector("xay-dung-dang", "Xây dựng Đảng"),
            sector("nong-nghiep", "Nông nghiệp, nông thôn và thủy sản"),
            sector("giao-thong", "Hạ tầng và giao thông"),
        ];
        let keywords = HashMap::from([("giao-thong".to_string(), vec!["đường bộ".to_string()])]);
        Keywords::new(&sectors, &keywords)
    }

    fn top(text: &str) -> Vec<String> {
        ranker().rank(text).into_iter().map(|r| r.sector).collect()
    }

    #[test]
    fn names_and_listed_phrases_match_in_every_spelling() {
        let text = "Phát triển thuỷ sản và nuôi trồng thủy sản; làm đường bộ ven biển.";
        assert_eq!(top(text), ["nong-nghiep", "giao-thong"]);
        let nfd: String = text.nfd().collect();
        assert_eq!(top(&nfd), ["nong-nghiep", "giao-thong"]);
        assert_eq!(top(&text.to_uppercase()), ["nong-nghiep", "giao-thong"]);
        assert_eq!(
            top("phat trien thuy san, nuoi thuy san; duong bo"),
            ["nong-nghiep", "giao-thong"]
        );
    }

    #[test]
    fn a_word_with_diacritics_matches_only_its_own_spelling() {
        // `đang` (is doing) is not `Đảng`; `dang` typed plainly could be either.
        assert!(top("đang xây dựng kế hoạch").is_empty());
        assert_eq!(top("xay dung dang"), ["xay-dung-dang"]);
    }

    #[test]
    fn the_why_names_the_phrases_found() {
        let r = ranker().rank("Hạ tầng giao thông và đường bộ");
        assert_eq!(r[0].sector, "giao-thong");
        let Why::Keywords(words) = &r[0].why else {
            panic!("{:?}", r[0].why)
        };
        assert_eq!(words, &["Hạ tầng", "giao thông", "đường bộ"]);
    }

    #[test]
    fn a_keywords_file_naming_an_unknown_sector_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        std::fs::write(&path, r#"{"keywords": {"khong-co": ["x"]}}"#).unwrap();
        let err = read_keywords(&path, &[sector("a", "A")]).unwrap_err();
        assert!(err.problem.contains("khong-co"), "{err}");
        std::fs::write(&path, r#"{"keywords": {"a": ["  "]}}"#).unwrap();
        assert!(
            read_keywords(&path, &[sector("a", "A")])
                .unwrap_err()
                .problem
                .contains("empty")
        );
        std::fs::write(&path, r#"{"keywords": {"a": ["Ánh sáng"]}}"#).unwrap();
        assert_eq!(
            read_keywords(&path, &[sector("a", "A")]).unwrap()["a"],
            ["Ánh sáng"]
        );
    }
}
