//! Who signed a document, read from its signature block as written: the name (the last run of
//! capitalised words: `Nguyễn Hòa Bình`), the title above it (`PHÓ THỦ TƯỚNG`), and on whose
//! behalf (`TM. CHÍNH PHỦ`, `T/M BAN BÍ THƯ`, `KT. THỦ TƯỚNG`).

use serde::{Deserialize, Serialize};

/// The signer of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// The person's name as written, e.g. `Trần Thanh Mẫn`.
    pub name: String,
    /// The title the person signs with, as written, e.g. `CHỦ TỊCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// On whose behalf, as written, e.g. `TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI` (and `KT. THỦ TƯỚNG`
    /// when a deputy signs), joined by `, `.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

/// The most words of a name (Vietnamese names have two to five).
const NAME_WORDS: std::ops::RangeInclusive<usize> = 2..=5;

/// Reads the signer from the lines of a signature block; `None` when no line ends with a name.
pub fn signer(signature: &[String]) -> Option<Signer> {
    let (at, name) = signature
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, line)| trailing_name(line).map(|n| (i, n)))?;
    let mut title = None;
    let mut behalf = Vec::new();
    // Lines above the name, and what precedes the name on its own line.
    let line = &signature[at];
    let before = line[..line.len() - name.len()].trim();
    let above = signature[..at].iter().map(String::as_str).chain([before]);
    for part in above.flat_map(split_marks).filter(|p| !p.is_empty()) {
        if is_behalf(part) {
            behalf.push(part.to_string());
        } else if is_upper(part) {
            title = Some(part.to_string());
        }
    }
    Some(Signer {
        name,
        title,
        on_behalf_of: (!behalf.is_empty()).then(|| behalf.join(", ")),
    })
}

/// A line cut where `(Đã ký)`, `[đã ký]` or `(ký)` sits, without those marks.
fn split_marks(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find(['(', '[']) {
        out.push(rest[..open].trim());
        let close = rest[open..]
            .find([')', ']'])
            .map_or(rest.len(), |c| open + c + 1);
        rest = &rest[close..];
    }
    out.push(rest.trim());
    out
}

/// `TM.`, `T/M`, `KT.`, `TL.`, `TUQ.`, `Q.` and the like: signing for someone else.
fn is_behalf(part: &str) -> bool {
    let first = part.split_whitespace().next().unwrap_or("");
    matches!(
        first.trim_end_matches('.').to_uppercase().as_str(),
        "TM" | "T/M" | "KT" | "K/T" | "TL" | "T/L" | "TUQ" | "Q"
    ) && part.split_whitespace().count() > 1
}

/// Whether every letter of `part` is upper case (a title such as `PHÓ THỦ TƯỚNG`).
fn is_upper(part: &str) -> bool {
    part.chars().any(char::is_alphabetic) && !part.chars().any(char::is_lowercase)
}

/// The longest run of capitalised words (`Trương Thị Mai`) that ends `line`, of
/// [`NAME_WORDS`] words.
fn trailing_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let capitalised = |w: &&&str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase)
            && cs.clone().any(char::is_lowercase)
            && cs.all(|c| c.is_lowercase() || is_mark(c))
    };
    let n = words.iter().rev().take_while(capitalised).count();
    NAME_WORDS
        .contains(&n)
        .then(|| words[words.len() - n..].join(" "))
}

/// A combining mark (a text in NFD keeps its tones apart from the letters).
fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_name_the_title_and_on_whose_behalf() {
        let s = signer(&lines(&[
            "TM. CHÍNH PHỦ",
            "KT. THỦ TƯỚNG",
            "PHÓ THỦ TƯỚNG",
            "[đã ký]",
            "Nguyễn Hòa Bình",
        ]))
        .unwrap();
        assert_eq!(s.name, "Nguyễn Hòa Bình");
        assert_eq!(s.title.as_deref(), Some("PHÓ THỦ TƯỚNG"));
        assert_eq!(
            s.on_behalf_of.as_deref(),
            Some("TM. CHÍNH PHỦ, KT. THỦ TƯỚNG")
        );
    }

    #[test]
    fn a_council_chair_and_a_party_secretary() {
        let s = signer(&lines(&["CHỦ TỊCH", "Lê Trường Lưu"])).unwrap();
        assert_eq!(
            (s.name.as_str(), s.title.as_deref(), s.on_behalf_of),
            ("Lê Trường Lưu", Some("CHỦ TỊCH"), None)
        );
        let s = signer(&lines(&["T/M BAN BÍ THƯ", "Trần Cẩm Tú"])).unwrap();
        assert_eq!(s.name, "Trần Cẩm Tú");
        assert_eq!(s.on_behalf_of.as_deref(), Some("T/M BAN BÍ THƯ"));
        assert_eq!(s.title, None);
    }

    #[test]
    fn a_block_run_into_one_line() {
        let s = signer(&lines(&["T/M BỘ CHÍNH TRỊ (Đã ký) Trương Thị Mai"])).unwrap();
        assert_eq!(s.name, "Trương Thị Mai");
        assert_eq!(s.on_behalf_of.as_deref(), Some("T/M BỘ CHÍNH TRỊ"));
    }

    #[test]
    fn nfd_names_and_no_name() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "Phùng Thị Hồng Hà".nfd().collect();
        let s = signer(&[String::from("CHỦ TỊCH"), nfd.clone()]).unwrap();
        assert_eq!(s.name, nfd);
        assert_eq!(signer(&lines(&["TM. CHÍNH PHỦ", "THỦ TƯỚNG"])), None);
        assert_eq!(signer(&[]), None);
        // A single capitalised word is not a name.
        assert_eq!(signer(&lines(&["Nơi"])), None);
    }
}
