//! Anchors of tags: the hash of a clause's text and a quote of its beginning, which let a tag find
//! its clause again after the document is re-ingested and its clause ids have shifted.

use vankien_ingest::normalize::{folded_key, normalize_text, words};

/// How many characters of a clause's text the quote keeps (cut back to a whole word).
pub const QUOTE_CHARS: usize = 200;

/// The text a hash and a quote are computed from: the stored (NFC) form, with every run of
/// whitespace as one space and no space at either end, so re-flowing a paragraph changes nothing.
pub fn canonical_text(text: &str) -> String {
    normalize_text(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The blake3 hash (hex) of a clause's [`canonical_text`].
pub fn text_hash(text: &str) -> String {
    blake3::hash(canonical_text(text).as_bytes())
        .to_hex()
        .to_string()
}

/// The quote of a clause: the first [`QUOTE_CHARS`] characters of its canonical text, cut back to
/// the end of a whole word when the text is longer.
pub fn quote(text: &str) -> String {
    let canon = canonical_text(text);
    let Some((cut, _)) = canon.char_indices().nth(QUOTE_CHARS) else {
        return canon;
    };
    let head = &canon[..cut];
    // Cutting mid-word would leave a fragment that matches no whole word later.
    let next_is_space = canon[cut..].starts_with(' ');
    let head = if next_is_space {
        head
    } else {
        head.rfind(' ').map_or(head, |space| &head[..space])
    };
    head.trim_end().to_string()
}

/// The folded keys of the words of a text: what quotes are compared by, so that tone conventions,
/// NFD, case and lost diacritics do not matter.
pub fn folded_words(text: &str) -> Vec<String> {
    words(text).map(|(_, w)| folded_key(w)).collect()
}

/// Whether `haystack` (folded words of a clause) contains `needle` (folded words of a quote) as a
/// contiguous run. An empty quote matches nothing: it would anchor anywhere.
pub fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= haystack.len()
        && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_whitespace_and_normal_form() {
        let nfc = "Phát triển  khoa học,\ncông nghệ ";
        let nfd: String = "Phát triển khoa học, công nghệ".chars().collect::<String>();
        let nfd = unicode_nfd(&nfd);
        assert_ne!(nfd, nfc);
        assert_eq!(text_hash(nfc), text_hash(&nfd));
        assert_ne!(
            text_hash(nfc),
            text_hash("Phát triển khoa học, công nghệ số")
        );
    }

    fn unicode_nfd(s: &str) -> String {
        // Decompose the tone marks by hand: `á` = a + U+0301, `ể` = ê + U+0309, `ọ` = o + U+0323,
        // `ệ` = ê + U+0323; enough to make the input differ from NFC.
        s.replace('á', "a\u{301}")
            .replace('ể', "ê\u{309}")
            .replace('ọ', "o\u{323}")
            .replace('ệ', "ê\u{323}")
    }

    #[test]
    fn quote_is_cut_at_a_word() {
        let text = "nông thôn mới ".repeat(40);
        let q = quote(&text);
        assert!(q.chars().count() <= QUOTE_CHARS);
        assert!(q.chars().count() > QUOTE_CHARS - 10);
        assert!(canonical_text(&text).starts_with(&q));
        // The quote ends on a whole word.
        let next = canonical_text(&text)[q.len()..].chars().next();
        assert_eq!(next, Some(' '));
        assert_eq!(quote("ngắn gọn"), "ngắn gọn");
    }

    #[test]
    fn quote_matches_across_tone_conventions_and_diacritics() {
        let q = folded_words("hoá học và thuỷ lợi");
        let clause = folded_words("Phát triển HÓA HỌC và thủy lợi, nông thôn");
        assert!(contains_run(&clause, &q));
        let bare = folded_words("phat trien hoa hoc va thuy loi");
        assert!(contains_run(&bare, &q));
        let other = folded_words("hóa học và giao thông");
        assert!(!contains_run(&other, &q));
        assert!(!contains_run(&clause, &[]));
    }
}
