//! Ranker (c): a small linear model over folded words and word pairs. Softmax regression over
//! the sectors, trained by stochastic gradient descent in a fixed order (so the same tags
//! always give the same model): each clause is an L2-normalised vector of its features weighted
//! by inverse document frequency, and a clause with several sectors is a target spread evenly
//! over them. Written here rather than taken from `linfa`: the model is 80 lines over sparse
//! vectors, where `linfa-logistic` wants dense `ndarray` matrices (vocabulary × clauses) and
//! brings `ndarray` and `argmin` into the build for one function.

use std::collections::HashMap;

use super::text;
use super::{Example, Ranked, Why};

/// Training settings. By default 30 passes, a step of 0.5 and no feature seen in fewer than 2
/// tagged clauses.
#[derive(Debug, Clone, Copy)]
pub struct LinearConfig {
    /// Passes over the tagged clauses.
    pub epochs: usize,
    /// The step of gradient descent.
    pub rate: f32,
    /// L2 penalty on the weights a step touches.
    pub l2: f32,
    /// Features seen in fewer tagged clauses than this are dropped.
    pub min_df: usize,
    /// Whether each sector learns a bias (how often it is tagged at all).
    pub bias: bool,
}

impl Default for LinearConfig {
    fn default() -> LinearConfig {
        LinearConfig {
            epochs: 30,
            rate: 0.5,
            l2: 1e-4,
            min_df: 2,
            bias: true,
        }
    }
}

/// A trained softmax model: one weight vector (and bias) per sector.
#[derive(Debug)]
pub struct Linear {
    sectors: Vec<String>,
    vocab: HashMap<String, usize>,
    names: Vec<String>,
    idf: Vec<f32>,
    /// `weights[s * dim + j]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// Trains on `examples` (each with at least one sector).
    pub fn train(examples: &[Example], config: LinearConfig) -> Linear {
        let mut sectors: Vec<String> = examples.iter().flat_map(|e| e.sectors.clone()).collect();
        sectors.sort();
        sectors.dedup();
        let feats: Vec<Vec<String>> = examples.iter().map(|e| text::features(&e.text)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for f in feats.iter().flatten() {
            *df.entry(f).or_default() += 1;
        }
        let mut names: Vec<String> = df
            .iter()
            .filter(|(_, n)| **n >= config.min_df)
            .map(|(f, _)| f.to_string())
            .collect();
        names.sort();
        let vocab: HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect();
        let n = examples.len().max(1) as f32;
        let idf: Vec<f32> = names
            .iter()
            .map(|f| (n / df[f.as_str()] as f32).ln() + 1.0)
            .collect();
        let mut model = Linear {
            weights: vec![0.0; sectors.len() * names.len()],
            bias: vec![0.0; sectors.len()],
            sectors,
            vocab,
            names,
            idf,
        };
        let data: Vec<(Sparse, Vec<f32>)> = examples
            .iter()
            .zip(&feats)
            .map(|(e, f)| (model.vector(f), model.target(&e.sectors)))
            .collect();
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut seed = 0x2545_f491_u64;
        for epoch in 0..config.epochs {
            shuffle(&mut order, &mut seed);
            let rate = config.rate / (1.0 + epoch as f32 * 0.1);
            for &i in &order {
                let (x, y) = &data[i];
                model.step(x, y, rate, config);
            }
        }
        model
    }

    /// The sectors by the model's probability for `text`, the three features that weigh most for
    /// each as its reason.
    pub fn rank(&self, text: &str) -> Vec<Ranked> {
        let x = self.vector(&text::features(text));
        if x.is_empty() {
            return Vec::new();
        }
        let p = self.probabilities(&x);
        let dim = self.names.len();
        let mut out: Vec<Ranked> = p
            .iter()
            .enumerate()
            .map(|(s, &score)| {
                let mut why: Vec<(f32, usize)> = x
                    .iter()
                    .map(|&(j, v)| (self.weights[s * dim + j] * v, j))
                    .filter(|(w, _)| *w > 0.0)
                    .collect();
                why.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                Ranked {
                    sector: self.sectors[s].clone(),
                    score,
                    why: Why::Words(
                        why.iter()
                            .take(3)
                            .map(|(_, j)| self.names[*j].replace('_', " "))
                            .collect(),
                    ),
                }
            })
            .collect();
        super::sort_ranked(&mut out);
        out
    }

    /// A text's features as a sparse, L2-normalised tf-idf vector (features out of the
    /// vocabulary dropped).
    fn vector(&self, features: &[String]) -> Sparse {
        let mut x: Sparse = features
            .iter()
            .filter_map(|f| self.vocab.get(f).map(|&j| (j, self.idf[j])))
            .collect();
        let norm = x.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            x.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        x
    }

    fn target(&self, sectors: &[String]) -> Vec<f32> {
        let share = 1.0 / sectors.len().max(1) as f32;
        self.sectors
            .iter()
            .map(|s| if sectors.contains(s) { share } else { 0.0 })
            .collect()
    }

    fn probabilities(&self, x: &[(usize, f32)]) -> Vec<f32> {
        let dim = self.names.len();
        let z: Vec<f32> = (0..self.sectors.len())
            .map(|s| {
                self.bias[s]
                    + x.iter()
                        .map(|&(j, v)| self.weights[s * dim + j] * v)
                        .sum::<f32>()
            })
            .collect();
        let max = z.iter().copied().fold(f32::MIN, f32::max);
        let e: Vec<f32> = z.iter().map(|v| (v - max).exp()).collect();
        let sum: f32 = e.iter().sum();
        e.into_iter().map(|v| v / sum).collect()
    }

    /// One step of gradient descent on the cross-entropy of one clause.
    fn step(&mut self, x: &[(usize, f32)], y: &[f32], rate: f32, config: LinearConfig) {
        let p = self.probabilities(x);
        let dim = self.names.len();
        for s in 0..self.sectors.len() {
            let g = p[s] - y[s];
            if config.bias {
                self.bias[s] -= rate * g;
            }
            for &(j, v) in x {
                let w = &mut self.weights[s * dim + j];
                *w -= rate * (g * v + config.l2 * *w);
            }
        }
    }
}

/// A sparse vector: (feature, value) pairs.
type Sparse = Vec<(usize, f32)>;

/// Fisher–Yates with a fixed xorshift sequence: the same order on every run.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        order.swap(i, (*seed % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(text: &str, sectors: &[&str]) -> Example {
        Example {
            clause_id: text.into(),
            doc_id: "d".into(),
            text: text.into(),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn learns_which_words_go_with_which_sector() {
        let examples = [
            example("trồng rừng phòng hộ ven biển", &["lam-nghiep"]),
            example("bảo vệ rừng và trồng rừng sản xuất", &["lam-nghiep"]),
            example("dịch vụ công trực tuyến và dữ liệu số", &["chuyen-doi-so"]),
            example("chia sẻ dữ liệu số giữa các cơ quan", &["chuyen-doi-so"]),
            example(
                "kết nối dữ liệu và bảo vệ rừng",
                &["chuyen-doi-so", "lam-nghiep"],
            ),
        ];
        let m = Linear::train(&examples, LinearConfig::default());
        let r = m.rank("TRONG RUNG san xuat");
        assert_eq!(r[0].sector, "lam-nghiep");
        let Why::Words(words) = &r[0].why else {
            panic!()
        };
        assert!(words.iter().any(|w| w == "rung"), "{words:?}");
        assert_eq!(m.rank("dữ liệu số của tỉnh")[0].sector, "chuyen-doi-so");
        assert!(m.rank("không có từ nào quen").is_empty());
        // The same tags give the same model.
        let again = Linear::train(&examples, LinearConfig::default());
        assert_eq!(
            again.rank("trồng rừng")[0].score,
            m.rank("trồng rừng")[0].score
        );
    }
}
