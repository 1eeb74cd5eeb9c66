//! Snippets: the best fragment of a clause's text as written, with the byte ranges of the matched
//! words, a matched phrase as one range. Words are found with
//! [`normalize::words`] and compared by folded key, so offsets are those of the text itself,
//! whatever its normalization form.

use std::collections::HashSet;
use std::ops::Range;

use crate::Snippet;

use unicode_normalization::char::is_combining_mark;
use vankien_ingest::normalize;

/// Texts up to this many bytes are shown whole.
const WHOLE_BYTES: usize = 420;
/// The length of a fragment of a longer text, in bytes (about 200 Vietnamese characters).
const FRAGMENT_BYTES: usize = 320;
/// How much text to show before the first mark of a fragment, in bytes.
const LEAD_BYTES: usize = 60;

/// What to mark: folded keys of single words and of phrases.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    words: HashSet<String>,
    phrases: Vec<Vec<String>>,
}

impl Highlighter {
    /// A highlighter of `words` and `phrases` (folded keys, see `normalize::folded_key`).
    pub fn new(words: Vec<String>, phrases: Vec<Vec<String>>) -> Self {
        Highlighter {
            words: words.into_iter().collect(),
            phrases: phrases.into_iter().filter(|p| !p.is_empty()).collect(),
        }
    }

    /// The byte ranges to mark in `text`, sorted, not overlapping.
    pub fn marks(&self, text: &str) -> Vec<Range<usize>> {
        // Only words as long as some query key can match it: a folded key has one character
        // per base letter of the word (marks dropped), so other words need no key at all.
        let lens: HashSet<usize> = self
            .words
            .iter()
            .chain(self.phrases.iter().flatten())
            .map(|k| k.chars().count())
            .collect();
        let toks: Vec<(Range<usize>, Option<String>)> = normalize::words(text)
            .map(|(r, w)| {
                let base = w.chars().filter(|&c| !is_combining_mark(c)).count();
                (r, lens.contains(&base).then(|| normalize::folded_key(w)))
            })
            .collect();
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut in_phrase = vec![false; toks.len()];
        for p in &self.phrases {
            let n = p.len();
            if n == 0 || n > toks.len() {
                continue;
            }
            for i in 0..=toks.len() - n {
                if toks[i..i + n]
                    .iter()
                    .zip(p)
                    .all(|((_, k), q)| k.as_deref() == Some(q.as_str()))
                {
                    spans.push(toks[i].0.start..toks[i + n - 1].0.end);
                    in_phrase[i..i + n].iter_mut().for_each(|b| *b = true);
                }
            }
        }
        for (i, (r, k)) in toks.iter().enumerate() {
            if !in_phrase[i] && k.as_ref().is_some_and(|k| self.words.contains(k)) {
                spans.push(r.clone());
            }
        }
        spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        // Overlapping marks merge, and so do marks with only spaces between them: `thuỷ lợi`
        // reads as one mark, like the phrase it is.
        let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for s in spans {
            match out.last_mut() {
                Some(last)
                    if s.start < last.end || text[last.end..s.start].chars().all(|c| c == ' ') =>
                {
                    last.end = last.end.max(s.end)
                }
                _ => out.push(s),
            }
        }
        out
    }

    /// The snippet of `text`: the fragment with the most distinct matched words, with its marks
    /// (byte ranges into the fragment) and whether text was cut before or after it. Rendering
    /// (HTML marks, terminal brackets) is the caller's.
    pub fn snippet(&self, text: &str) -> Snippet {
        let marks = self.marks(text);
        let (start, end) = fragment(text, &marks);
        Snippet {
            text: text[start..end].to_string(),
            marks: marks
                .into_iter()
                .filter(|m| m.start >= start && m.end <= end)
                .map(|m| m.start - start..m.end - start)
                .collect(),
            cut_before: start > 0,
            cut_after: end < text.len(),
        }
    }
}

/// The byte range of the best fragment of `text`, on word boundaries.
fn fragment(text: &str, marks: &[Range<usize>]) -> (usize, usize) {
    if text.len() <= WHOLE_BYTES {
        return (0, text.len());
    }
    // The window starting at a mark that covers the most distinct marked words, and among those
    // the one whose longest mark holds the most words: words side by side as in the query (one
    // merged mark, `thuỷ lợi`) beat the same words scattered.
    let mut best = (0usize, (0usize, 0usize));
    for (i, m) in marks.iter().enumerate() {
        let limit = m.start + FRAGMENT_BYTES - LEAD_BYTES;
        let mut distinct: HashSet<String> = HashSet::new();
        let mut longest = 0;
        for n in marks[i..].iter().take_while(|n| n.end <= limit) {
            let mut in_mark = 0;
            for (_, w) in normalize::words(&text[n.clone()]) {
                distinct.insert(normalize::folded_key(w));
                in_mark += 1;
            }
            longest = longest.max(in_mark);
        }
        let score = (distinct.len(), longest);
        if score > best.1 {
            best = (i, score);
        }
    }
    let anchor = marks.get(best.0).map_or(0, |m| m.start);
    let mut start = anchor.saturating_sub(LEAD_BYTES);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Start at a word: the first word of the text beginning at or after `start`, unless that
    // skips the mark. The words are those of the whole text: a slice that starts inside a word
    // (`chú` cut after `ch`) would take its tail for a word and start the snippet mid-syllable.
    if start > 0 {
        start = normalize::words(text)
            .map(|(r, _)| r.start)
            .find(|&s| s >= start)
            .unwrap_or(anchor)
            .min(anchor);
    }
    let mut end = (start + FRAGMENT_BYTES).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len() {
        // End after the last whole word that fits.
        let mut last = None;
        for (r, _) in normalize::words(&text[start..]) {
            if start + r.end > end {
                break;
            }
            last = Some(start + r.end);
        }
        end = last.unwrap_or(end);
        // Never cut a mark.
        if let Some(m) = marks.iter().find(|m| m.start < end && m.end > end) {
            end = m.end;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// A snippet with its marks as `<mark>…</mark>`, the text as it is (escaping is the server's).
    trait Marked {
        fn html(&self, text: &str) -> String;
    }

    impl Marked for Highlighter {
        fn html(&self, text: &str) -> String {
            self.snippet(text)
                .render(str::to_string, |m| format!("<mark>{m}</mark>"))
        }
    }

    fn hl(words: &[&str], phrases: &[&[&str]]) -> Highlighter {
        Highlighter::new(
            words.iter().map(|w| normalize::folded_key(w)).collect(),
            phrases
                .iter()
                .map(|p| p.iter().map(|w| normalize::folded_key(w)).collect())
                .collect(),
        )
    }

    #[test]
    fn a_fragment_starts_and_ends_at_whole_words_in_nfc_and_nfd() {
        let filler = "Tiếp tục chú trọng công tác xây dựng Đảng và hệ thống chính trị trong sạch, ";
        for text in [
            format!("{}{}", filler.repeat(8), "đẩy mạnh chuyển đổi số quốc gia."),
            format!("{}{}", filler.repeat(8), "đẩy mạnh chuyển đổi số quốc gia.")
                .nfd()
                .collect(),
        ] {
            for lead in 0..12 {
                // Move the mark so that the fragment's start falls at every place in a word.
                let text = format!("{}{text}", "x".repeat(lead));
                let h = hl(&["chuyển"], &[]);
                let s = h.snippet(&text);
                assert!(s.cut_before, "the text is long enough to be cut");
                let at = text.find(s.text.as_str()).unwrap();
                let before = text[..at].chars().next_back().unwrap();
                assert!(
                    !normalize::is_word_char(before),
                    "starts mid-word after {before:?}: {:?}",
                    s.text
                );
                let first = s.text.chars().next().unwrap();
                assert!(
                    !is_combining_mark(first),
                    "starts with a mark: {:?}",
                    s.text
                );
            }
        }
    }

    #[test]
    fn marks_words_and_keeps_the_rest_as_written() {
        let h = hl(&["thủy", "lợi", "đê"], &[]);
        assert_eq!(
            h.html("thuỷ, lợi"),
            "<mark>thuỷ</mark>, <mark>lợi</mark>",
            "punctuation keeps marks apart"
        );
        let h = hl(&["thủy", "lợi"], &[]);
        assert_eq!(
            h.html("Công trình <thuỷ lợi> & \"đê\""),
            "Công trình <<mark>thuỷ lợi</mark>> & \"đê\""
        );
    }

    #[test]
    fn phrase_is_one_mark() {
        let h = hl(&[], &[&["đào", "tạo", "nghề"]]);
        assert_eq!(
            h.html("Đẩy mạnh đào tạo nghề cho lao động, đào tạo lại."),
            "Đẩy mạnh <mark>đào tạo nghề</mark> cho lao động, đào tạo lại."
        );
    }

    #[test]
    fn nfd_text_marks_whole_words() {
        let text: String = "Phát triển nông thôn mới bền vững".nfd().collect();
        let h = hl(&["nong", "thon"], &[]);
        let s = h.html(&text);
        let nong: String = "nông".nfd().collect();
        let thon: String = "thôn".nfd().collect();
        assert!(s.contains(&format!("<mark>{nong} {thon}</mark>")), "{s}");
        // Nothing of the text is lost or reordered.
        assert_eq!(s.replace("<mark>", "").replace("</mark>", ""), text);
    }

    #[test]
    fn fragment_prefers_words_side_by_side() {
        let filler =
            "Tiếp tục thực hiện các nhiệm vụ chung của tỉnh trong giai đoạn mới. ".repeat(6);
        let text = format!(
            "Phát triển giao thông thuỷ nội địa, khai thác lợi thế các cửa sông. {filler}\
             Đầu tư kết cấu hạ tầng thuỷ lợi, nông nghiệp. {filler}"
        );
        let h = hl(&["thủy", "lợi"], &[]);
        let s = h.html(&text);
        assert!(s.contains("<mark>thuỷ lợi</mark>"), "{s}");
    }

    #[test]
    fn long_text_fragment_holds_the_matches() {
        let filler =
            "Tiếp tục thực hiện các nhiệm vụ chung của tỉnh trong giai đoạn mới. ".repeat(12);
        let text = format!("{filler}Phát triển hồ chứa nước và thủy lợi nội đồng. {filler}");
        let h = hl(&["hồ", "thủy", "lợi"], &[]);
        let s = h.html(&text);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(
            s.contains("<mark>hồ</mark>") && s.contains("<mark>thủy lợi</mark>"),
            "{s}"
        );
        assert!(s.len() < FRAGMENT_BYTES + 200, "{}", s.len());
    }

    /// Whatever word is marked, in a long text of multi-byte letters (NFC and NFD), the snippet
    /// cuts on character boundaries and is a piece of the text.
    #[test]
    fn fragments_cut_on_character_boundaries() {
        let base =
            "Tiếp tục đổi mới công tác tổ chức xây dựng Đảng; hoàn thiện tổ chức bộ máy của hệ \
                    thống chính trị bảo đảm tinh gọn, hoạt động hiệu lực, hiệu quả theo đúng quy \
                    định, hướng dẫn của Trung ương. "
                .repeat(4);
        for text in [base.clone(), base.nfd().collect()] {
            for (_, w) in normalize::words(&text) {
                let h = hl(&[w], &[]);
                let s = h.html(&text);
                let plain = s.replace("<mark>", "").replace("</mark>", "");
                let plain = plain.trim_start_matches('…').trim_end_matches('…');
                assert!(text.contains(plain), "{w}: {s}");
                assert!(s.contains("<mark>"), "{w}: {s}");
            }
        }
    }
}
