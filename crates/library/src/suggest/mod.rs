//! Sector suggestions for a clause: sectors ranked from the tags accepted so far and from the
//! taxonomy's own words, shown to an annotator as suggestions and never applied alone (nothing
//! here writes a tag).
//!
//! Four rankers, compared by cross-validation in [`eval`] (figures in the README): (a)
//! [`Keywords`], the taxonomy's names and keyword phrases; (b) [`Neighbours`], the nearest tagged
//! clauses by BM25; (c) [`Linear`], a softmax model over folded words and word pairs; (d) a blend
//! of the three. [`Model`] holds all of them trained on one set of tags; the library keeps one
//! [`Model`] of the store's current tags and trains it again when they change
//! ([`Suggester`]).

pub mod eval;
mod keywords;
mod linear;
mod model;
mod neighbours;
mod runtime;
mod text;

pub use keywords::{KEYWORDS_FILE, Keywords, KeywordsError, read_keywords};
pub use linear::{Linear, LinearConfig};
pub use model::{BLEND_WEIGHTS, DEFAULT_RANKER, Model, ModelConfig, RankerKind};
pub use neighbours::{DEFAULT_K, Neighbours};
pub use runtime::{MAX_SUGGESTIONS, Refresh, Suggester, Suggestion, training_tags};

/// A tagged clause a ranker learns from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The clause id.
    pub clause_id: String,
    /// Its document's id (cross-validation folds keep a document's clauses together).
    pub doc_id: String,
    /// The clause text.
    pub text: String,
    /// Its sector ids (at least one).
    pub sectors: Vec<String>,
}

/// A sector a ranker puts forward for a clause, with its score (higher is better; scores of
/// different rankers are not comparable) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The sector id.
    pub sector: String,
    /// The ranker's score.
    pub score: f32,
    /// What made the ranker put it forward.
    pub why: Why,
}

/// Why a sector is suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// These phrases of the taxonomy were found in the clause.
    Keywords(Vec<String>),
    /// These tagged clauses, nearest first, carry the sector.
    Similar(Vec<String>),
    /// These words of the clause weigh most for the sector in the linear model.
    Words(Vec<String>),
}

impl Why {
    /// The reason as the page shows it, in Vietnamese.
    pub fn vietnamese(&self) -> String {
        match self {
            Why::Keywords(p) => format!("có từ khóa của lĩnh vực: {}", p.join("; ")),
            Why::Similar(c) => format!("giống điều khoản đã gắn nhãn: {}", c.join(", ")),
            Why::Words(w) => format!("các từ gợi ý lĩnh vực: {}", w.join(", ")),
        }
    }
}

/// Sorts ranked sectors best first, ties by sector id (the same input always gives the same
/// order).
pub(crate) fn sort_ranked(ranked: &mut [Ranked]) {
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.sector.cmp(&b.sector))
    });
}
