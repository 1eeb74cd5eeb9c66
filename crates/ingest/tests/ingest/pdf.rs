//! PDF extraction on real files: the Official Gazette PDFs of `tests/realdocs/` against the text
//! extraction kept beside each, the scan and the corrupt text layers refused with their reasons,
//! and damaged, encrypted and oversized files refused without a panic or a hang.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vankien_ingest::IngestError;
use vankien_ingest::formats::{self, Extracted, Format, MAX_PAGES};
use vankien_ingest::normalize::{exact_key, normalize_text, words};

/// The Gazette PDFs with a text layer, and their page counts (from `qpdf --show-npages`).
const GAZETTE: [(&str, usize); 6] = [
    ("844-QD-TTg-2026", 15),
    ("982-QD-TTg-2026", 23),
    ("122-NQ-CP-2026", 21),
    ("109-NQ-CP-2026", 67),
    ("158-2025-ND-CP", 60),
    ("02-2025-TT-BLDTBXH", 95),
];

fn realdocs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realdocs")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(stem: &str, ext: &str) -> Vec<u8> {
    let path = realdocs().join(format!("{stem}.{ext}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn extract(stem: &str) -> Result<Extracted, IngestError> {
    formats::extract(&read(stem, "pdf"), &format!("{stem}.pdf"))
}

/// The exact keys of a text's words, in order.
fn keys(text: &str) -> Vec<String> {
    let text = normalize_text(text);
    words(&text).map(|(_, w)| exact_key(w)).collect()
}

/// The share of the reference's words (as a multiset) found in `got`, and the share of its
/// word bigrams (consecutive pairs, as a multiset) found there: the second drops when words come
/// out of order, glued or split.
fn kept(reference: &str, got: &str) -> (f64, f64) {
    fn share<T: std::hash::Hash + Eq>(want: Vec<T>, have: Vec<T>) -> f64 {
        let total = want.len().max(1);
        let mut bag: HashMap<T, usize> = HashMap::new();
        for h in have {
            *bag.entry(h).or_default() += 1;
        }
        let found = want
            .into_iter()
            .filter(|w| match bag.get_mut(w) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .count();
        found as f64 / total as f64
    }
    let (r, g) = (keys(reference), keys(got));
    let pairs = |v: &[String]| -> Vec<(String, String)> {
        v.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect()
    };
    let bigrams = share(pairs(&r), pairs(&g));
    (share(r, g), bigrams)
}

fn reason(result: Result<Extracted, IngestError>) -> String {
    match result {
        Ok(e) => panic!("extracted {} pages, wanted a refusal", e.pages.len()),
        Err(e @ IngestError::Unreadable { .. }) => e.to_string(),
        Err(e) => panic!("wanted IngestError::Unreadable, got {e:?}"),
    }
}

#[test]
fn gazette_pdfs_keep_their_words_in_order_page_by_page() {
    for (stem, pages) in GAZETTE {
        let got = extract(stem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.format, Format::Pdf);
        assert!(got.paged, "{stem}");
        assert_eq!(got.pages.len(), pages, "{stem}: pages");
        for (i, page) in got.pages.iter().enumerate() {
            // The last page of 02/2025 is blank in the source too (pdftotext gives nothing).
            if (stem, i + 1) == ("02-2025-TT-BLDTBXH", 95) {
                assert!(page.is_empty(), "{page:?}");
                continue;
            }
            assert!(
                words(page).next().is_some(),
                "{stem}: page {} has no words",
                i + 1
            );
        }
        let reference = String::from_utf8(read(stem, "txt")).expect("utf-8 reference");
        let (words_kept, bigrams_kept) = kept(&reference, &got.pages.join("\n"));
        eprintln!(
            "{stem}: words kept {:.2}%, bigrams kept {:.2}%",
            words_kept * 100.0,
            bigrams_kept * 100.0
        );
        assert!(words_kept >= 0.99, "{stem}: words kept {words_kept:.4}");
        assert!(
            bigrams_kept >= 0.99,
            "{stem}: bigrams kept {bigrams_kept:.4}"
        );
    }
}

#[test]
fn running_heads_stand_on_lines_of_their_own() {
    // The parser drops `CÔNG BÁO/Số …` heads only when they stand alone on a line.
    let got = extract("844-QD-TTg-2026").unwrap();
    let mut heads = 0;
    for page in &got.pages {
        for line in page.lines() {
            if let Some(at) = line.find("CÔNG BÁO/Số") {
                heads += 1;
                assert!(
                    at == 0 || line[..at].trim().chars().all(|c| c.is_ascii_digit()),
                    "a running head glued to text: {line:?}"
                );
            }
        }
    }
    assert!(heads >= 14, "{heads} running heads in 15 pages");
}

#[test]
fn a_scan_is_refused_with_advice_to_run_ocr() {
    let why = reason(extract("02-2023-TB-LPQT-no-text-layer"));
    assert!(
        why.starts_with(
            "02-2023-TB-LPQT-no-text-layer.pdf: cannot read this pdf file: no text layer on "
        ),
        "{why}"
    );
    assert!(why.contains("of 17 pages (a scanned document)"), "{why}");
    assert!(why.contains("run OCR first"), "{why}");
}

#[test]
fn corrupt_text_layers_are_refused_never_indexed() {
    for stem in [
        "1050-QD-SCT-2026-LaoCai",
        "1105-KH-DKT-2026-LaoCai",
        "1894-TB-SCT-2026-LaoCai",
    ] {
        let why = reason(extract(stem));
        assert!(why.contains("the text layer is garbled"), "{stem}: {why}");
        assert!(why.contains("Word or text version"), "{stem}: {why}");
    }
}

#[test]
fn read_file_gives_a_paged_document() {
    let doc = vankien_ingest::read_file(&realdocs().join("158-2025-ND-CP.pdf")).unwrap();
    assert_eq!(doc.format, "pdf");
    assert_eq!(doc.page_count, Some(60));
    assert!(doc.clauses.len() > 100, "{} clauses", doc.clauses.len());
    assert!(doc.clauses.iter().all(|c| c.pages.is_some()));
    let last = doc
        .clauses
        .iter()
        .filter_map(|c| c.pages)
        .map(|p| p[1])
        .max();
    assert!(last > Some(30), "clauses end on page {last:?}");
}

/// Extracts, asserting that it takes no longer than a few seconds and panics not.
fn survives(bytes: &[u8], what: &str) -> Result<Extracted, IngestError> {
    let started = Instant::now();
    let result = formats::extract(bytes, "bad.pdf");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{what}: took {:?}",
        started.elapsed()
    );
    if let Err(e) = &result {
        assert!(
            matches!(e, IngestError::Unreadable { .. })
                && e.to_string()
                    .starts_with("bad.pdf: cannot read this pdf file: "),
            "{what}: {e:?}"
        );
    }
    result
}

#[test]
fn truncated_files_are_refused_or_read_never_a_panic() {
    let bytes = read("1894-TB-SCT-2026-LaoCai", "pdf");
    let mut refused = 0;
    let steps = 97;
    for i in 0..steps {
        // From the `%PDF-` header on (shorter, the bytes are not recognised as a PDF).
        let len = 16 + (bytes.len() - 16) * i / steps;
        if survives(&bytes[..len], &format!("truncated to {len}")).is_err() {
            refused += 1;
        }
    }
    // Cut before the cross-reference table nothing can be found.
    assert!(
        refused >= steps / 2,
        "{refused} of {steps} truncations refused"
    );
    let why = reason(formats::extract(&bytes[..bytes.len() / 3], "bad.pdf"));
    assert!(why.contains("damaged or truncated"), "{why}");
}

#[test]
fn flipped_bytes_never_panic() {
    let bytes = read("844-QD-TTg-2026", "pdf");
    // A cheap deterministic generator: the positions and values cover the whole file.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..24 {
        let mut bad = bytes.clone();
        for _ in 0..(1 + round % 8) {
            let at = (next() % bad.len() as u64) as usize;
            bad[at] = next() as u8;
        }
        let _ = survives(&bad, &format!("flip round {round}"));
    }
}

#[test]
fn garbage_after_the_header_is_refused() {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let why = reason(survives(&bytes, "garbage"));
    assert!(why.contains("damaged or truncated"), "{why}");
    let why = reason(survives(b"%PDF-", "header only"));
    assert!(why.contains("damaged or truncated"), "{why}");
}

#[test]
fn encrypted_files_open_with_an_empty_password_or_are_refused() {
    // Made with qpdf from a one-page PDF (see tests/fixtures/pdf-README.md).
    for name in [
        "pdf-encrypted-empty-password-aes256.pdf",
        "pdf-encrypted-empty-password-rc4.pdf",
    ] {
        let got = formats::extract(&fixture(name), name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.pages.len(), 1);
        assert!(
            got.pages[0].contains("The quick brown fox jumps over the lazy dog"),
            "{name}: {:?}",
            got.pages[0]
        );
    }
    let why = reason(formats::extract(
        &fixture("pdf-encrypted-password.pdf"),
        "pdf-encrypted-password.pdf",
    ));
    assert!(why.contains("encrypted"), "{why}");
    assert!(why.contains("qpdf --decrypt"), "{why}");
}

/// A valid PDF of `pages` pages, each with one line of text in Helvetica.
fn synthetic_pdf(pages: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let body = format!(
            "BT /F1 11 Tf 72 770 Td (Page {} of a long file) Tj ET",
            i + 1
        );
        objects.push(format!(
            "<< /Length {} >>\nstream\n{body}\nendstream",
            body.len()
        ));
    }
    pdf_of(&objects)
}

/// A PDF of the given objects (numbered from 1; the first is the catalog).
fn pdf_of(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", k + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

#[test]
fn a_form_that_draws_itself_is_refused_not_a_stack_overflow() {
    // pdf-extract follows `Do` without a depth limit; the form has no resources of its own, so
    // it inherits the page's, where its name points to itself.
    let form = "BT /F1 11 Tf 72 770 Td (again) Tj ET /X1 Do";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R \
         >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Length 7 >>\nstream\n/X1 Do\nendstream".to_string(),
        format!(
            "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length {} >>\nstream\n{form}\nendstream",
            form.len()
        ),
    ];
    let why = reason(survives(&pdf_of(&objects), "self-drawing form"));
    assert!(why.contains("draws a form that draws itself"), "{why}");
}

#[test]
fn pages_the_decoder_fails_on_are_not_taken_for_a_scan() {
    // Text shown before any font is set: pdf-extract panics on it.
    let content = "BT 72 770 Td (no font set) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let why = reason(survives(&pdf_of(&objects), "no font"));
    assert!(
        why.contains("its text could not be decoded on 1 of 1 pages"),
        "{why}"
    );
}

#[test]
fn more_than_max_pages_is_refused() {
    let why = reason(survives(&synthetic_pdf(MAX_PAGES + 1), "long"));
    assert!(
        why.contains(&format!(
            "{} pages, more than the {MAX_PAGES} allowed",
            MAX_PAGES + 1
        )),
        "{why}"
    );
    // The same file one page shorter is not refused for its length (but, with a few words a
    // page, as a scan): the limit is where it says.
    let why = reason(survives(&synthetic_pdf(MAX_PAGES), "at the limit"));
    assert!(why.contains("no text layer"), "{why}");
}
