//! How alike two clauses are: the cosine of their TF-IDF vectors over folded words and pairs of
//! adjacent folded words, with each feature's weight from how few clauses of the two documents
//! have it. Why: the corpus's tasks share most of their words (`khoa học và công nghệ` is in
//! nearly every clause of 20-NQ/TW), so a plain overlap of words (Dice) aligned clauses by those;
//! weighting them down and adding pairs (Vietnamese words are often two syllables) took 20-NQ/TW
//! with 69-KL/TW from precision 0.42, recall 0.50 (Dice over words, greedy, its best threshold)
//! to 0.69, 0.58 (README, "Comparing two documents").

use std::collections::HashMap;

use super::words::ClauseWords;

/// A clause's features and their weights, normalized to length 1.
type Vector = HashMap<String, f64>;

fn features(w: &ClauseWords) -> HashMap<String, u32> {
    let mut out: HashMap<String, u32> = HashMap::new();
    for word in &w.folded {
        *out.entry(word.clone()).or_default() += 1;
    }
    for pair in w.folded.windows(2) {
        *out.entry(format!("{} {}", pair[0], pair[1])).or_default() += 1;
    }
    out
}

/// The similarity of every clause of `a` with every clause of `b`: `m[i][j]`, from 0 to 1.
pub(crate) fn matrix(a: &[ClauseWords], b: &[ClauseWords]) -> Vec<Vec<f64>> {
    let fa: Vec<_> = a.iter().map(features).collect();
    let fb: Vec<_> = b.iter().map(features).collect();
    let mut df: HashMap<&str, u32> = HashMap::new();
    for f in fa.iter().chain(&fb) {
        for k in f.keys() {
            *df.entry(k).or_default() += 1;
        }
    }
    let n = (fa.len() + fb.len()) as f64;
    let vector = |f: &HashMap<String, u32>| -> Vector {
        let mut v: Vector = f
            .iter()
            .map(|(k, &tf)| {
                let idf = (1.0 + n / f64::from(df[k.as_str()])).ln();
                (k.clone(), (1.0 + f64::from(tf).ln()) * idf)
            })
            .collect();
        let norm = v.values().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            v.values_mut().for_each(|x| *x /= norm);
        }
        v
    };
    let va: Vec<_> = fa.iter().map(vector).collect();
    let vb: Vec<_> = fb.iter().map(vector).collect();
    va.iter()
        .map(|x| vb.iter().map(|y| cosine(x, y)).collect())
        .collect()
}

fn cosine(x: &Vector, y: &Vector) -> f64 {
    let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    small
        .iter()
        .filter_map(|(k, v)| large.get(k).map(|w| v * w))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_score_one_and_none_in_common_zero() {
        let a = [
            ClauseWords::new("Phát triển hạ tầng số"),
            ClauseWords::new("Bảo vệ rừng"),
        ];
        let b = [
            ClauseWords::new("phat trien ha tang so"),
            ClauseWords::new("Xây nhà"),
        ];
        let m = matrix(&a, &b);
        assert!((m[0][0] - 1.0).abs() < 1e-9, "{m:?}");
        assert_eq!(m[1][1], 0.0);
        assert_eq!(m[0][1], 0.0);
    }

    #[test]
    fn a_rare_shared_word_counts_more_than_a_common_one() {
        let a = [
            ClauseWords::new("khoa học công nghệ vệ tinh"),
            ClauseWords::new("khoa học công nghệ nông thôn"),
        ];
        let b = [
            ClauseWords::new("khoa học công nghệ biển"),
            ClauseWords::new("phóng vệ tinh"),
        ];
        let m = matrix(&a, &b);
        assert!(m[0][1] > 0.0);
        assert!(m[1][1] == 0.0);
    }
}
