//! The seed resolution as it may arrive: NFD, CRLF with a UTF-8 BOM, UTF-16 LE and BE with a BOM,
//! Windows-1258, and (with two more corpus documents) hard-wrapped at 56, 72 and 96 columns
//! without blank lines. Each variant is made here
//! from the real corpus file and must give the same document as the original (the wrapped one:
//! a clause sequence at least 98% identical as text).

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use vankien_ingest::{Document, parse_bytes};

/// The seed file; every variant is parsed under this same name, so ids cannot differ by name.
const SEED: &str = "corpus/thai-binh-09-NQ-DH-2020.txt";

fn seed_bytes() -> Vec<u8> {
    std::fs::read(format!("{}/../../{SEED}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn original() -> Document {
    let doc = parse_bytes(&seed_bytes(), SEED).unwrap();
    assert_eq!(doc.encoding, "utf-8");
    doc
}

/// Parses a variant and checks it gives the original document: the same stored text, hence the
/// same sections, clauses (ids, kinds, labels, groups, texts, spans) and everything else; only
/// the recorded encoding differs.
fn assert_same_document(variant: &str, bytes: &[u8], encoding: &str) {
    let original = original();
    let mut doc = parse_bytes(bytes, SEED).unwrap_or_else(|e| panic!("{variant}: {e}"));
    assert_eq!(doc.encoding, encoding, "{variant}");
    assert!(
        doc.text == original.text,
        "{variant}: the stored text differs"
    );
    assert_eq!(doc.clauses.len(), original.clauses.len(), "{variant}");
    for (a, b) in doc.clauses.iter().zip(&original.clauses) {
        assert_eq!(a, b, "{variant}");
    }
    doc.encoding = original.encoding.clone();
    assert_eq!(doc, original, "{variant}");
    println!(
        "{variant}: {} sections, {} clauses, same as the original",
        doc.sections.len(),
        doc.clauses.len()
    );
}

fn seed_text() -> String {
    String::from_utf8(seed_bytes()).unwrap()
}

#[test]
fn nfd() {
    let nfd: String = seed_text().nfd().collect();
    assert_ne!(nfd.as_bytes(), seed_bytes());
    assert_same_document("nfd", nfd.as_bytes(), "utf-8");
}

#[test]
fn crlf_with_bom() {
    let crlf = format!("\u{FEFF}{}", seed_text().replace('\n', "\r\n"));
    assert_same_document("crlf+bom", crlf.as_bytes(), "utf-8-bom");
}

#[test]
fn utf16_le_and_be() {
    let text = seed_text();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend(unit.to_le_bytes());
        be.extend(unit.to_be_bytes());
    }
    assert_same_document("utf-16le", &le, "utf-16le");
    assert_same_document("utf-16be", &be, "utf-16be");
}

/// Encodes a text in Windows-1258 as Windows writes Vietnamese: a letter the code page has
/// precomposed (`á`, `ô`, `ư`, `Đ`) as its byte, any other letter as its base letter and a
/// combining tone byte (0xCC grave, 0xEC acute, 0xD2 hook above, 0xDE tilde, 0xF2 dot below).
fn windows_1258(text: &str) -> Vec<u8> {
    const TONES: &str = "\u{300}\u{301}\u{309}\u{303}\u{323}";
    let mut out = Vec::with_capacity(text.len());
    for c in text.nfc() {
        let mut buf = [0; 4];
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(c.encode_utf8(&mut buf));
        if !unmappable {
            out.extend_from_slice(&bytes);
            continue;
        }
        let (tone, base): (String, String) = c.nfd().partition(|d| TONES.contains(*d));
        let decomposed: String = base.nfc().chain(tone.chars()).collect();
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&decomposed);
        assert!(!unmappable, "{c:?} has no Windows-1258 form");
        out.extend_from_slice(&bytes);
    }
    out
}

#[test]
fn windows_1258_encoded() {
    // Letters the code page lacks are written as base letter + tone byte, with the tone bytes
    // the code page defines; the ones it has stay precomposed.
    let cases: [(&str, &[u8]); 7] = [
        ("ằ", &[0xE3, 0xCC]),
        ("ấ", &[0xE2, 0xEC]),
        ("ả", &[b'a', 0xD2]),
        ("ã", &[b'a', 0xDE]),
        ("ạ", &[b'a', 0xF2]),
        ("à", &[0xE0]),
        ("Đ", &[0xD0]),
    ];
    for (letter, bytes) in cases {
        assert_eq!(windows_1258(letter), bytes, "{letter}");
    }
    assert_eq!(windows_1258("Việt"), b"Vi\xEA\xF2t");
    let bytes = windows_1258(&seed_text());
    assert!(std::str::from_utf8(&bytes).is_err());
    assert_same_document("windows-1258", &bytes, "windows-1258");
}

/// Hard-wraps every line at `width` characters (breaking at a space, as PDF text extraction and
/// `fmt` do) and drops every blank line, so that paragraphs are no longer separated.
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width);
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let mut rest = line;
        while rest.chars().count() > width {
            // The last space within the first `width + 1` characters (not at the start), else
            // the first space after them: a word longer than a line stays whole.
            let limit = rest
                .char_indices()
                .nth(width + 1)
                .map_or(rest.len(), |(i, _)| i);
            let cut = rest[..limit]
                .rfind(' ')
                .filter(|&i| i > 0)
                .or_else(|| rest[limit..].find(' ').map(|i| i + limit));
            let Some(cut) = cut else { break };
            // Runs of spaces are one break: no line of only spaces.
            if !rest[..cut].trim().is_empty() {
                out.push_str(rest[..cut].trim_end());
                out.push('\n');
            }
            rest = rest[cut + 1..].trim_start();
        }
        if !rest.trim().is_empty() {
            out.push_str(rest);
            out.push('\n');
        }
    }
    out
}

/// How alike two parses are: the clause sequence written out as text (each clause's kind,
/// label, section path and text, one clause a line) compared character by character with a diff,
/// so a merged or split clause costs what it changes; and the share of the original's clause texts
/// found unchanged.
fn likeness(original: &Document, doc: &Document) -> (f64, f64, Vec<String>) {
    let as_text = |d: &Document| {
        d.clauses
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} | {}\n",
                    c.kind.as_str(),
                    c.label.as_deref().unwrap_or(""),
                    c.section_path.join("/"),
                    c.text
                )
            })
            .collect::<String>()
    };
    let (a, b) = (as_text(original), as_text(doc));
    let equal: usize = dissimilar::diff(&a, &b)
        .iter()
        .map(|chunk| match chunk {
            dissimilar::Chunk::Equal(s) => s.chars().count(),
            _ => 0,
        })
        .sum();
    let text_share = 2.0 * equal as f64 / (a.chars().count() + b.chars().count()) as f64;
    let mut texts: HashMap<&str, usize> = HashMap::new();
    for c in &doc.clauses {
        *texts.entry(c.text.as_str()).or_default() += 1;
    }
    let mut identical = 0;
    let mut differing = Vec::new();
    for c in &original.clauses {
        match texts.get_mut(c.text.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                identical += 1;
            }
            _ => differing.push(format!(
                "{} {:?} {:?}",
                c.id,
                c.label,
                c.text.chars().take(60).collect::<String>()
            )),
        }
    }
    let total = original.clauses.len().max(doc.clauses.len());
    (text_share, identical as f64 / total as f64, differing)
}

/// Real documents hard-wrapped at several widths without blank lines, as PDF text and `fmt`
/// give them: the seed resolution (its lines are whole paragraphs), a Politburo resolution and a
/// conclusion. The wrapped text must parse into the same clauses.
///
/// Two measures. The first, asserted at 98%, is the clause sequence as text (see [`likeness`]).
/// The second counts whole clauses whose text is found unchanged; it cannot reach 98%, because
/// paragraph breaks that fall right after a full line ending in `.` leave no trace in a wrap
/// (sentence ends inside paragraphs look exactly the same). Ids are compared by neither: a merge
/// shifts the ordinals after it.
#[test]
fn hard_wrapped_without_blank_lines() {
    let corpus = format!("{}/../../corpus", env!("CARGO_MANIFEST_DIR"));
    for name in [
        "thai-binh-09-NQ-DH-2020.txt",
        "57-NQ-TW.txt",
        "69-KL-TW.txt",
    ] {
        let source = format!("corpus/{name}");
        let text = std::fs::read_to_string(format!("{corpus}/{name}")).unwrap();
        let original = parse_bytes(text.as_bytes(), &source).unwrap();
        assert!(!original.clauses.is_empty());
        for width in [56, 72, 96] {
            let wrapped = hard_wrap(&text, width);
            // The fixture is what it says: no blank line, no line over `width` but a lone word.
            assert!(wrapped.lines().all(|l| !l.trim().is_empty()));
            assert!(
                wrapped
                    .lines()
                    .all(|l| l.chars().count() <= width || !l.trim().contains(' '))
            );
            let doc = parse_bytes(wrapped.as_bytes(), &source).unwrap();
            let (text_share, share, differing) = likeness(&original, &doc);
            println!(
                "{name} hard-wrapped at {width}, no blank lines: clause sequence {:.2}% identical \
                 as text; {:.1}% of {} clause texts identical ({} clauses wrapped)",
                100.0 * text_share,
                100.0 * share,
                original.clauses.len(),
                doc.clauses.len(),
            );
            for d in differing.iter().take(5) {
                println!("  differs: {d}");
            }
            assert!(
                text_share >= 0.98,
                "{name} at {width}: clause sequence only {:.2}% identical",
                100.0 * text_share
            );
            // A floor for the second measure, so that a parser regression on wrapped text shows.
            assert!(
                share >= 0.84,
                "{name} at {width}: only {:.1}% identical clause texts",
                100.0 * share
            );
        }
    }
}
