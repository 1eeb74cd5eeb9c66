//! The word-level diff of two aligned clauses: runs of equal, deleted (in A only) and inserted
//! (in B only) words, each run's text as written with what follows it up to the next word, so
//! that A's runs (equal and deleted) give A's text back exactly and B's runs (equal and
//! inserted) B's; an equal run carries both spellings. Words are
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
    /// Its text as written (B's for an equal run), from its first word to the next run's.
    pub text: String,
    /// For an equal run, A's text of it (case, spelling variants and punctuation may differ).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_text: Option<String>,
}

/// The runs turning `a` into `b`: a replaced stretch is its deleted run, then its inserted one.
pub(crate) fn runs(a: &ClauseWords, b: &ClauseWords) -> Vec<DiffRun> {
    let mut out: Vec<DiffRun> = Vec::new();
    let mut push = |op: DiffOp, text: &str, a_text: Option<&str>| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.op == op => {
                last.text.push_str(text);
                if let (Some(mine), Some(more)) = (last.a_text.as_mut(), a_text) {
                    mine.push_str(more);
                }
            }
            _ => out.push(DiffRun {
                op,
                text: text.to_string(),
                a_text: a_text.map(str::to_string),
            }),
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &a.exact, &b.exact) {
        let (tag, old, new) = op.as_tag_tuple();
        let (old_text, new_text) = (a.slice(old.start, old.end), b.slice(new.start, new.end));
        match tag {
            DiffTag::Equal => push(DiffOp::Equal, new_text, Some(old_text)),
            DiffTag::Delete => push(DiffOp::Deleted, old_text, None),
            DiffTag::Insert => push(DiffOp::Inserted, new_text, None),
            DiffTag::Replace => {
                push(DiffOp::Deleted, old_text, None);
                push(DiffOp::Inserted, new_text, None);
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
                (Equal, "Tăng trưởng đạt ".to_string()),
                (Deleted, "8% ".to_string()),
                (Inserted, "10% ".to_string()),
                (Equal, "năm ".to_string()),
                (Deleted, "2025.".to_string()),
                (Inserted, "2030.".to_string()),
            ]
        );
    }

    #[test]
    fn each_side_is_given_back_exactly() {
        let (a, b) = (
            "Nâng cao nhận thức của các cấp uỷ; phát triển khoa học.",
            "Tăng cường lãnh đạo, nâng cao nhận thức của cấp ủy (đảng) và phát triển khoa học, công nghệ.",
        );
        let runs = runs(&ClauseWords::new(a), &ClauseWords::new(b));
        let side_a: String = runs
            .iter()
            .filter_map(|r| match r.op {
                DiffOp::Equal => r.a_text.clone(),
                DiffOp::Deleted => Some(r.text.clone()),
                DiffOp::Inserted => None,
            })
            .collect();
        let side_b: String = runs
            .iter()
            .filter(|r| r.op != DiffOp::Deleted)
            .map(|r| r.text.clone())
            .collect();
        assert_eq!(side_a, a);
        assert_eq!(side_b, b);
        assert!(
            runs.iter()
                .all(|r| r.a_text.is_some() == (r.op == DiffOp::Equal))
        );
    }

    #[test]
    fn spelling_variants_and_case_are_not_changes() {
        let r = runs(
            &ClauseWords::new("Công nghiệp hoá, hiện đại hoá"),
            &ClauseWords::new("công nghiệp hóa, hiện đại hóa"),
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].op, DiffOp::Equal);
        assert_eq!(r[0].text, "công nghiệp hóa, hiện đại hóa");
        assert_eq!(
            r[0].a_text.as_deref(),
            Some("Công nghiệp hoá, hiện đại hoá")
        );
    }

    #[test]
    fn added_words_are_inserted_and_the_rest_equal() {
        use DiffOp::*;
        assert_eq!(
            diff("phát triển khoa học", "phát triển mạnh mẽ khoa học"),
            [
                (Equal, "phát triển ".to_string()),
                (Inserted, "mạnh mẽ ".to_string()),
                (Equal, "khoa học".to_string()),
            ]
        );
    }
}
