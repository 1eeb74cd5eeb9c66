//! All rankers trained on one set of tags, and the blend of them: what the cross-validation
//! measures and what the library serves.

use std::collections::HashMap;

use vankien_annotate::Sector;

use super::{Example, Keywords, Linear, LinearConfig, Neighbours, Ranked, sort_ranked};

/// Which ranker to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RankerKind {
    /// (a) The taxonomy's names and keyword phrases only.
    Keywords,
    /// (b) The nearest tagged clauses by BM25.
    Neighbours,
    /// (c) The softmax model over folded words and pairs.
    Linear,
    /// (d) The three together ([`BLEND_WEIGHTS`]).
    Blend,
}

impl RankerKind {
    /// Every ranker, in the order of the README's table.
    pub const ALL: [RankerKind; 4] = [
        RankerKind::Keywords,
        RankerKind::Neighbours,
        RankerKind::Linear,
        RankerKind::Blend,
    ];

    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            RankerKind::Keywords => "keywords",
            RankerKind::Neighbours => "bm25 neighbours",
            RankerKind::Linear => "linear",
            RankerKind::Blend => "blend",
        }
    }
}

/// The ranker the library serves: the best of the cross-validation (README, "Suggestions").
pub const DEFAULT_RANKER: RankerKind = RankerKind::Blend;

/// The blend's weights of keywords, neighbours and the linear model, each ranker's scores first
/// divided by its best score for the clause. Chosen among seven settings on the same folds that
/// measure it (README, "Suggestions"): the keywords carry half, as they alone beat either
/// learnt ranker on documents no tag has reached yet.
pub const BLEND_WEIGHTS: [f32; 3] = [0.5, 0.25, 0.25];

/// The settings of the trained rankers. By default [`super::DEFAULT_K`] neighbours vote and the
/// linear model has [`LinearConfig::default`].
#[derive(Debug, Clone, Copy)]
pub struct ModelConfig {
    /// How many nearest tagged clauses vote.
    pub k: usize,
    /// The linear model's training.
    pub linear: LinearConfig,
}

impl Default for ModelConfig {
    fn default() -> ModelConfig {
        ModelConfig {
            k: super::DEFAULT_K,
            linear: LinearConfig::default(),
        }
    }
}

/// Every ranker, trained on one set of tagged clauses.
#[derive(Debug)]
pub struct Model {
    keywords: Keywords,
    neighbours: Option<Neighbours>,
    linear: Option<Linear>,
}

impl Model {
    /// Trains every ranker on `examples`; `sectors` and `keywords` give the keyword ranker its
    /// phrases. With no examples, only the keywords rank.
    pub fn train(
        sectors: &[Sector],
        keywords: &HashMap<String, Vec<String>>,
        examples: &[Example],
    ) -> tantivy::Result<Model> {
        Model::train_with(sectors, keywords, examples, &ModelConfig::default())
    }

    /// [`Model::train`] with other settings: for measuring.
    pub fn train_with(
        sectors: &[Sector],
        keywords: &HashMap<String, Vec<String>>,
        examples: &[Example],
        config: &ModelConfig,
    ) -> tantivy::Result<Model> {
        let (neighbours, linear) = if examples.is_empty() {
            (None, None)
        } else {
            (
                Some(Neighbours::train(examples, config.k)?),
                Some(Linear::train(examples, config.linear)),
            )
        };
        Ok(Model {
            keywords: Keywords::new(sectors, keywords),
            neighbours,
            linear,
        })
    }

    /// The sectors `kind` ranks for `text`, best first; `skip` is the clause itself, which never
    /// counts as its own neighbour.
    pub fn rank(
        &self,
        kind: RankerKind,
        text: &str,
        skip: Option<&str>,
    ) -> tantivy::Result<Vec<Ranked>> {
        Ok(match kind {
            RankerKind::Keywords => self.keywords.rank(text),
            RankerKind::Neighbours => match &self.neighbours {
                Some(n) => n.rank(text, skip)?,
                None => Vec::new(),
            },
            RankerKind::Linear => self
                .linear
                .as_ref()
                .map(|l| l.rank(text))
                .unwrap_or_default(),
            RankerKind::Blend => self.rank_blend(BLEND_WEIGHTS, text, skip)?,
        })
    }

    /// The blend with other weights (of keywords, neighbours, linear): for measuring.
    pub fn rank_blend(
        &self,
        weights: [f32; 3],
        text: &str,
        skip: Option<&str>,
    ) -> tantivy::Result<Vec<Ranked>> {
        Ok(blend(
            [
                self.rank(RankerKind::Keywords, text, skip)?,
                self.rank(RankerKind::Neighbours, text, skip)?,
                self.rank(RankerKind::Linear, text, skip)?,
            ],
            weights,
        ))
    }
}

/// The weighted sum of the rankers' scores, each divided by its best; a sector's reason is the
/// one of the ranker that gave it most.
fn blend(parts: [Vec<Ranked>; 3], weights: [f32; 3]) -> Vec<Ranked> {
    let mut sum: HashMap<String, (f32, f32, super::Why)> = HashMap::new();
    for (ranked, weight) in parts.into_iter().zip(weights) {
        let Some(best) = ranked.first().map(|r| r.score).filter(|s| *s > 0.0) else {
            continue;
        };
        for r in ranked {
            let part = weight * r.score / best;
            let entry = sum.entry(r.sector).or_insert((0.0, -1.0, r.why.clone()));
            entry.0 += part;
            if part > entry.1 {
                entry.1 = part;
                entry.2 = r.why;
            }
        }
    }
    let mut out: Vec<Ranked> = sum
        .into_iter()
        .map(|(sector, (score, _, why))| Ranked { sector, score, why })
        .collect();
    sort_ranked(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::Why;
    use super::*;

    fn ranked(sector: &str, score: f32, why: Why) -> Ranked {
        Ranked {
            sector: sector.into(),
            score,
            why,
        }
    }

    #[test]
    fn the_blend_adds_normalised_scores_and_keeps_the_strongest_reason() {
        let kw = vec![ranked("a", 4.0, Why::Keywords(vec!["k".into()]))];
        let nn = vec![
            ranked("b", 10.0, Why::Similar(vec!["x/1".into()])),
            ranked("a", 5.0, Why::Similar(vec!["x/2".into()])),
        ];
        let lin = vec![
            ranked("a", 0.9, Why::Words(vec!["w".into()])),
            ranked("b", 0.1, Why::Words(vec![])),
        ];
        let out = blend([kw, nn, lin], [0.2, 0.4, 0.4]);
        // a: 0.2 * 1 + 0.4 * 0.5 + 0.4 * 1 = 0.8; b: 0.4 * 1 + 0.4 * 0.1 / 0.9.
        assert_eq!(out[0].sector, "a");
        assert!((out[0].score - 0.8).abs() < 1e-6);
        assert_eq!(out[0].why, Why::Words(vec!["w".into()]));
        assert_eq!(out[1].sector, "b");
        assert_eq!(out[1].why, Why::Similar(vec!["x/1".into()]));
        assert!(blend([vec![], vec![], vec![]], BLEND_WEIGHTS).is_empty());
    }
}
