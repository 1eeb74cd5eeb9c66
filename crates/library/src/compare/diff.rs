//! The word-level diff of two aligned clauses: runs of equal, deleted (in A only) and inserted
//! (in B only) words, each run's text as written (an equal run in B's spelling). Words are
//! compared by exact key, so `hoá`/`hóa` and case do not count as changes. The diff itself is
//! `similar`'s Myers over the key slices (README, "Comparing two documents", says why that crate).

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::words::ClauseWords;

/// What a run of words is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    /// In both clauses.
    Equal,
    /// In A only.
    Deleted,
    /// In B only.
    Inserted,
}

/// A run of words of one [`DiffOp`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffRun {
    /// What the run is.
    pub op: DiffOp,
    /// Its text as written (B's for an equal run), from its first word to its last.
    pub text: String,
}

/// The runs turning `a` into `b`: a replaced stretch is its deleted run, then its inserted one.
pub(crate) fn runs(a: &ClauseWords, b: &ClauseWords) -> Vec<DiffRun> {
    let mut out: Vec<DiffRun> = Vec::new();
    let mut push = |op: DiffOp, text: &str| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.op == op => {
                last.text.push(' ');
                last.text.push_str(text);
            }
            _ => out.push(DiffRun {
                op,
                text: text.to_string(),
            }),
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &a.exact, &b.exact) {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push(DiffOp::Equal, b.slice(new.start, new.end)),
            DiffTag::Delete => push(DiffOp::Deleted, a.slice(old.start, old.end)),
            DiffTag::Insert => push(DiffOp::Inserted, b.slice(new.start, new.end)),
            DiffTag::Replace => {
                push(DiffOp::Deleted, a.slice(old.start, old.end));
                push(DiffOp::Inserted, b.slice(new.start, new.end));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(a: &str, b: &str) -> Vec<(DiffOp, String)> {
        runs(&ClauseWords::new(a), &ClauseWords::new(b))
            .into_iter()
            .map(|r| (r.op, r.text))
            .collect()
    }

    #[test]
    fn a_changed_value_is_one_deleted_and_one_inserted_run() {
        use DiffOp::*;
        assert_eq!(
            diff(
                "Tăng trưởng đạt 8% năm 2025.",
                "Tăng trưởng đạt 10% năm 2030."
            ),
            [
                (Equal, "Tăng trưởng đạt".to_string()),
                (Deleted, "8".to_string()),
                (Inserted, "10".to_string()),
                (Equal, "năm".to_string()),
                (Deleted, "2025".to_string()),
                (Inserted, "2030".to_string()),
            ]
        );
    }

    #[test]
    fn spelling_variants_and_case_are_not_changes() {
        assert_eq!(
            diff(
                "Công nghiệp hoá, hiện đại hoá",
                "công nghiệp hóa, hiện đại hóa"
            ),
            [(DiffOp::Equal, "công nghiệp hóa, hiện đại hóa".to_string())]
        );
    }

    #[test]
    fn added_words_are_inserted_and_the_rest_equal() {
        use DiffOp::*;
        assert_eq!(
            diff("phát triển khoa học", "phát triển mạnh mẽ khoa học"),
            [
                (Equal, "phát triển".to_string()),
                (Inserted, "mạnh mẽ".to_string()),
                (Equal, "khoa học".to_string()),
            ]
        );
    }
}
