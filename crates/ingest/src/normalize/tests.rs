//! Tests of the stored form of text, the words and their keys.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

use super::keys::{
    HIGH_LETTERS, LOW_LETTERS, TONE_MARKS, exact_key_slow, fast_key, fold_exact_slow,
};
use super::*;

#[test]
fn is_alphanumeric_agrees_with_std_on_every_char() {
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
    }
}

/// Each base vowel with each tone, both as NFC and as NFD, in both cases, keys to the same
/// lowercase NFC exact key, and folds to the base vowel without marks.
#[test]
fn every_vowel_with_every_tone() {
    let bases = [
        ('a', "a"),
        ('ă', "a"),
        ('â', "a"),
        ('e', "e"),
        ('ê', "e"),
        ('i', "i"),
        ('o', "o"),
        ('ô', "o"),
        ('ơ', "o"),
        ('u', "u"),
        ('ư', "u"),
        ('y', "y"),
    ];
    for (base, folded) in bases {
        for tone in TONE_MARKS {
            let nfc: String = format!("{base}{tone}").nfc().collect();
            let nfd: String = nfc.nfd().collect();
            let upper: String = nfc.to_uppercase();
            let upper_nfd: String = upper.nfd().collect();
            let key = exact_key(&nfc);
            assert_eq!(key.chars().count(), 1, "{nfc:?} keys to one char");
            assert!(unicode_normalization::is_nfc(&key));
            for variant in [&nfd, &upper, &upper_nfd] {
                assert_eq!(exact_key(variant), key, "{variant:?} vs {nfc:?}");
                assert_eq!(folded_key(variant), folded, "{variant:?}");
            }
            assert_eq!(folded_key(&nfc), folded);
            assert_ne!(exact_key(&nfc), exact_key(&base.to_string()), "tone kept");
        }
    }
}

#[test]
fn tone_conventions_meet() {
    for (old, new) in [
        ("hóa", "hoá"),
        ("thủy", "thuỷ"),
        ("ủy", "uỷ"),
        ("khỏe", "khoẻ"),
        ("hòa", "hoà"),
        ("Thủy", "THUỶ"),
        ("xóa", "xoá"),
        ("lòe", "loè"),
        ("thúy", "thuý"),
        ("khủyu", "khuỷu"),
        ("ngòai", "ngoài"),
    ] {
        assert_eq!(exact_key(old), exact_key(new), "{old} = {new}");
    }
    assert_eq!(exact_key("hóa"), "hoá");
    assert_eq!(exact_key("toàn"), "toàn");
    assert_eq!(
        exact_key("tòan"),
        "toàn",
        "closed syllable: mark on the last vowel"
    );
    assert_eq!(exact_key("Đảng"), "đảng");
}

#[test]
fn canonical_places() {
    for (word, key) in [
        ("người", "người"),
        ("quý", "quý"),
        ("quốc", "quốc"),
        ("già", "già"),
        ("giữ", "giữ"),
        ("gìn", "gìn"),
        ("mùa", "mùa"),
        ("mía", "mía"),
        ("tài", "tài"),
        ("thuở", "thuở"),
        ("khuyến", "khuyến"),
        ("tuyển", "tuyển"),
        ("nghiệp", "nghiệp"),
        ("yếu", "yếu"),
        ("ngoẹo", "ngoẹo"),
        ("kỹ", "kĩ"),
        ("lý", "lí"),
        ("tỷ", "tỉ"),
        ("ý", "ý"),
        ("quy", "quy"),
        ("GRDP", "grdp"),
        ("2025", "2025"),
    ] {
        assert_eq!(exact_key(word), key, "{word}");
    }
}

#[test]
fn folding_is_lossy_but_exact_keys_differ() {
    for group in [
        &["hồ", "hộ", "hỗ"][..],
        &["đồng", "động"],
        &["sự", "sứ"],
        &["đang", "đảng", "dạng", "dáng"],
    ] {
        let folded: Vec<String> = group.iter().map(|w| folded_key(w)).collect();
        assert!(folded.windows(2).all(|w| w[0] == w[1]), "{group:?}");
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                assert_ne!(exact_key(a), exact_key(b));
            }
        }
    }
    assert_eq!(folded_key("Đảng"), "dang");
    assert_eq!(folded_key("ĐẠI HỘI"), "dai hoi");
    assert_eq!(folded_key("nông"), "nong");
}

#[test]
fn stored_text_form() {
    let raw = "Thu\u{0309}y lợi\u{00A0}và\u{200B} \r\nnông thôn   \rmới\u{FEFF}\t";
    assert_eq!(normalize_text(raw), "Thủy lợi và\nnông thôn\nmới");
    assert_eq!(normalize_text(""), "");
}

#[test]
fn words_keep_nfd_whole_and_numbers_joined() {
    let text = "Tha\u{0300}nh pho\u{0302}\u{0301}: 8,5% và 1.000 người, 2021-2025.";
    let got: Vec<&str> = words(text).map(|(_, w)| w).collect();
    assert_eq!(
        got,
        [
            "Tha\u{0300}nh",
            "pho\u{0302}\u{0301}",
            "8,5",
            "và",
            "1.000",
            "người",
            "2021",
            "2025"
        ]
    );
    for (range, w) in words(text) {
        assert_eq!(&text[range], w);
    }
}

/// The words of `text` as [`words`] found them before its byte-wise fast path.
fn words_by_chars(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        let mut start = None;
        let mut end = text.len();
        let mut prev_digit = false;
        let mut iter = rest.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let at = pos + i;
            if c.is_alphanumeric() || is_combining_mark(c) {
                if start.is_none() {
                    start = Some(at);
                }
                prev_digit = c.is_ascii_digit();
                continue;
            }
            if start.is_some() {
                let next_digit = iter.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
                if prev_digit && next_digit && (c == '.' || c == ',') {
                    continue;
                }
                end = at;
                break;
            }
        }
        let Some(start) = start else {
            return out;
        };
        pos = end;
        out.push((start..end, &text[start..end]));
    }
}

/// The stored form of a text as [`normalize_text`] made it before its one-scan fast path:
/// replacements, then NFC line by line, then trailing blanks, each a pass of its own.
fn normalize_by_passes(raw: &str) -> String {
    let mut unified = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        match replacement(c) {
            Some(r) => unified.push_str(r),
            None => unified.push(c),
        }
    }
    let nfc = to_nfc(unified);
    nfc.split('\n')
        .map(|l| l.trim_end_matches([' ', '\t']))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn lines_inclusive_splits_as_std_does() {
    for text in ["", "\n", "a", "a\n", "a\nb", "\n\nb\n", "ạ\nb\r\n\nc"] {
        assert_eq!(
            lines_inclusive(text).collect::<Vec<_>>(),
            text.split_inclusive('\n').collect::<Vec<_>>(),
            "{text:?}"
        );
    }
}

#[test]
fn the_nfc_starter_shortcut_agrees_with_unicode_tables() {
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{IsNormalized, is_nfc_quick};
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        let by_tables = canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
        assert_eq!(is_nfc_starter(c), by_tables, "{c:?}");
    }
}

#[test]
fn plain_letters_known_by_their_bytes_are_kept_and_nfc() {
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        let mut buf = [0; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        if let Some(len) = plain_letter_len(bytes) {
            assert_eq!(len, bytes.len(), "{c:?}");
            assert!(replacement(c).is_none() && is_nfc_starter(c), "{c:?}");
        }
    }
    assert_eq!(plain_letter_len("ệ".as_bytes()), Some(3));
    assert_eq!(plain_letter_len("Đ".as_bytes()), Some(2));
}

#[test]
fn one_scan_normalizes_as_the_passes_did() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = vec![
        "a \r\nb\t\rc\u{200B} \nd\u{00A0}\u{2028}e \u{FEFF}".to_string(),
        "Tha\u{0300}nh pho\u{0302}\u{0301} \u{00AD}\n\u{0301}x\u{0007}\t".to_string(),
        "“Quy định” – … • ½ ² Ω K Å \u{2000}\u{0340}\u{0958}".to_string(),
    ];
    for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
        for entry in std::fs::read_dir(dir).expect("folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                let text = std::fs::read_to_string(&path).expect("text");
                texts.push(text.replace('\n', "\r\n"));
                texts.push(text.nfd().collect());
                texts.push(text);
            }
        }
    }
    for t in &texts {
        assert_eq!(normalize_text(t), normalize_by_passes(t));
    }
}

/// The slow key of a word, as it was before the fast paths.
fn slow_keys(w: &str) -> (String, String) {
    let exact = exact_key_slow(w);
    let folded = fold_exact_slow(&exact);
    (exact, folded)
}

/// Every character of the table's ranges, alone and inside syllables, in both cases: the fast
/// paths give exactly what decomposition gives.
#[test]
fn fast_paths_equal_slow_paths_on_every_letter() {
    let mut chars: Vec<char> = LOW_LETTERS
        .chain(HIGH_LETTERS)
        .chain(0..0x80)
        .filter_map(char::from_u32)
        .collect();
    chars.extend([
        '\u{0300}', '\u{0301}', '\u{0302}', '\u{0306}', '\u{031B}', 'ß', 'Ω',
    ]);
    for &c in &chars {
        assert_eq!(
            is_word_char(c),
            c.is_alphanumeric() || is_combining_mark(c),
            "{c:?}"
        );
        for w in [
            format!("{c}"),
            format!("th{c}n"),
            format!("qu{c}"),
            format!("gi{c}"),
            format!("ng{c}y"),
            format!("{c}a"),
            format!("o{c}"),
            format!("k{c}"),
            format!("TH{c}Y"),
        ] {
            let (exact, folded) = slow_keys(&w);
            assert_eq!(exact_key(&w), exact, "{w:?}");
            assert_eq!(folded_key(&w), folded, "{w:?}");
            assert_eq!(fold_exact(&w), fold_exact_slow(&w), "{w:?}");
            assert_eq!(fold_exact(&exact), folded, "{w:?}");
        }
    }
}

/// NFC Vietnamese words take the fast path; NFD ones the slow path.
#[test]
fn precomposed_words_take_the_fast_path() {
    for w in [
        "người", "THUỶ", "Đảng", "khuỷu", "kỹ", "GRDP", "1.000", "quốc",
    ] {
        let mut out = String::new();
        assert!(fast_key(w, &mut out, false), "{w}");
        assert_eq!(out, exact_key_slow(w));
        let nfd: String = w.nfd().collect();
        if nfd != w {
            assert!(!fast_key(&nfd, &mut String::new(), false), "{w}");
        }
    }
}

mod props {
    use super::super::*;
    use super::{fold_exact_slow, is_combining_mark};
    use super::{normalize_by_passes, slow_keys, words_by_chars};
    use proptest::prelude::*;

    proptest! {
        /// The fast paths of the keys equal the decomposing slow paths, on Vietnamese words
        /// in any case and form and on any text at all.
        #[test]
        fn fast_keys_equal_slow_keys(
            viet in "[a-zA-ZđĐăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵẮẰẲẴẶẤẦẨẪẬẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰÀÁẢÃẠÝỲ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}0-9., ]{0,40}",
            any in "\\PC{0,30}",
        ) {
            for text in [&viet, &any] {
                prop_assert_eq!(words(text).collect::<Vec<_>>(), words_by_chars(text));
                for (_, w) in words(text) {
                    let (exact, folded) = slow_keys(w);
                    prop_assert_eq!(exact_key(w), exact.clone());
                    prop_assert_eq!(folded_key(w), folded.clone());
                    prop_assert_eq!(fold_exact(&exact), folded);
                    prop_assert_eq!(fold_exact(w), fold_exact_slow(w));
                }
                for c in text.chars() {
                    prop_assert_eq!(is_word_char(c), c.is_alphanumeric() || is_combining_mark(c));
                }
            }
        }

        #[test]
        fn one_scan_equals_the_passes(
            s in "[a-zA-ZđĐơƯàÀạẠ\u{0300}\u{0301}\u{0323}\u{0302}\u{200B}\u{FEFF}\u{00A0}\u{00AD}\u{2028}\u{0085}\u{0007}\u{3000} \t\r\n“”–]{0,60}",
            any in "\\PC{0,40}",
        ) {
            for text in [&s, &any] {
                prop_assert_eq!(normalize_text(text), normalize_by_passes(text));
            }
        }

        #[test]
        fn normalization_never_panics_and_offsets_stay_inside(s in "\\PC*") {
            let stored = normalize_text(&s);
            prop_assert!(unicode_normalization::is_nfc(&stored));
            prop_assert_eq!(normalize_text(&stored), stored.clone());
            for text in [&s, &stored] {
                let mut last = 0;
                for (range, w) in words(text) {
                    prop_assert!(range.start >= last && range.end <= text.len());
                    prop_assert!(text.is_char_boundary(range.start));
                    prop_assert!(text.is_char_boundary(range.end));
                    prop_assert!(!w.is_empty());
                    last = range.end;
                    let exact = exact_key(w);
                    prop_assert_eq!(exact_key(&exact), exact.clone());
                    prop_assert_eq!(fold_exact(&exact), folded_key(w));
                }
            }
        }

        /// Composing line by line gives the NFC of the whole text, whichever lines are in
        /// NFD (combining marks may also start a line).
        #[test]
        fn lines_compose_as_the_whole_text(
            lines in proptest::collection::vec(
                ("[a-zđăâêôơưàáảãạèéẻẽẹìíòóỏõọùúủũụỳýĐƯẮẦỆ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}\u{0302}\u{031B} ]{0,30}", any::<bool>()),
                0..8,
            ),
        ) {
            let text: String = lines
                .iter()
                .map(|(l, nfd)| if *nfd { l.nfd().collect::<String>() } else { l.clone() })
                .collect::<Vec<_>>()
                .join("\n");
            let whole: String = text.nfc().collect();
            prop_assert_eq!(to_nfc(text), whole);
        }

        #[test]
        fn vietnamese_words_are_stable(s in "[a-zđăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ\u{0300}\u{0301}\u{0309}\u{0303}\u{0323} ]{0,40}") {
            for (_, w) in words(&s) {
                let nfd: String = w.nfd().collect();
                prop_assert_eq!(exact_key(&nfd), exact_key(w));
                prop_assert_eq!(exact_key(&w.to_uppercase()), exact_key(w));
            }
        }
    }
}
