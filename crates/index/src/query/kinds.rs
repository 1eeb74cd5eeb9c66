//! Words that name a kind of clause (`bài học`, `chỉ tiêu`, `nhiệm vụ`, `giải pháp`, `đột
//! phá`, `căn cứ`): a query that has them prefers clauses of that kind
//! ([`vankien_ingest::ClauseKind`], given by the parser from the clause's shape and headings)
//! without requiring either the kind or the words.

use vankien_ingest::ClauseKind;
use vankien_ingest::normalize::{exact_key, fold_exact};

use super::Word;

/// Each kind's names, as typed, and the kind. `đột phá` (a breakthrough) is a task: the parser
/// gives the clauses under `các khâu đột phá` that kind.
const NAMES: [(&str, ClauseKind); 6] = [
    ("bài học", ClauseKind::Lesson),
    ("chỉ tiêu", ClauseKind::Target),
    ("nhiệm vụ", ClauseKind::Task),
    ("giải pháp", ClauseKind::Task),
    ("đột phá", ClauseKind::Task),
    ("căn cứ", ClauseKind::Basis),
];

/// The kind named by the two words of `ws` from `i` on, if they name one: on the exact keys
/// when typed with diacritics, else on the folded keys (`bai hoc`).
pub(crate) fn kind_at(ws: &[Word], i: usize) -> Option<ClauseKind> {
    let pair = ws.get(i..i + 2)?;
    NAMES.iter().find_map(|(name, kind)| {
        let keys = name.split(' ').map(exact_key);
        pair.iter()
            .zip(keys)
            .all(|(w, exact)| match w.accented {
                true => w.exact == exact,
                false => w.folded == fold_exact(&exact),
            })
            .then_some(*kind)
    })
}

#[cfg(test)]
mod tests {
    use vankien_ingest::ClauseKind;

    use super::kind_at;
    use crate::query::Word;

    fn ws(s: &str) -> Vec<Word> {
        s.split(' ').map(Word::new).collect()
    }

    #[test]
    fn kind_names_are_found_however_typed() {
        assert_eq!(
            kind_at(&ws("bài học về cán bộ"), 0),
            Some(ClauseKind::Lesson)
        );
        assert_eq!(kind_at(&ws("CHỈ TIÊU y tế"), 0), Some(ClauseKind::Target));
        assert_eq!(kind_at(&ws("cac nhiem vu"), 1), Some(ClauseKind::Task));
        assert_eq!(kind_at(&ws("căn cứ luật"), 0), Some(ClauseKind::Basis));
        assert_eq!(kind_at(&ws("căn cứ"), 1), None, "past the end");
        // Typed with diacritics, another word is not the name.
        assert_eq!(kind_at(&ws("bãi học"), 0), None);
        assert_eq!(kind_at(&ws("học bài"), 0), None);
    }
}
