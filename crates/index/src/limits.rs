//! The one home of the limits on a search: query length, words, page size and depth. The index
//! enforces [`Limits::default`]; a server may narrow them (never widen) and publishes its own.

/// The limits on a search request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest query, in characters. By default 1,000.
    pub max_query_chars: usize,
    /// The most words a query may have (words of phrases and exclusions included). By default 64.
    pub max_words: usize,
    /// The most hits one request returns. By default 1,000.
    pub max_limit: usize,
    /// The deepest page offset. By default 10,000.
    pub max_offset: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_query_chars: 1_000,
            max_words: 64,
            max_limit: 1_000,
            max_offset: 10_000,
        }
    }
}

impl Limits {
    /// These limits, each narrowed to `other`'s where that is smaller: never wider than either.
    pub fn narrowed(&self, other: &Limits) -> Limits {
        Limits {
            max_query_chars: self.max_query_chars.min(other.max_query_chars),
            max_words: self.max_words.min(other.max_words),
            max_limit: self.max_limit.min(other.max_limit),
            max_offset: self.max_offset.min(other.max_offset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn narrowing_takes_the_smaller_of_each_and_never_widens() {
        let wide = Limits {
            max_query_chars: 5_000,
            max_limit: 50,
            ..Limits::default()
        };
        let got = Limits::default().narrowed(&wide);
        assert_eq!(
            got,
            Limits {
                max_limit: 50,
                ..Limits::default()
            }
        );
        assert_eq!(got, wide.narrowed(&Limits::default()));
    }
}
