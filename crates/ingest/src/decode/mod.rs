//! Decoding: detect how a file's bytes encode text and turn them into a Rust string.
//!
//! Read: UTF-8 with or without a byte-order mark, UTF-16 LE/BE with a byte-order mark,
//! Windows-1258, and the font-based legacy encodings TCVN3 (ABC, `.VnTime` fonts) and VNI
//! (`VNI-Times` fonts). Refused, with a reason: empty and white-space-only input, binary data (NUL
//! and other control bytes, PDF, Word and ZIP files), UTF-8 with broken sequences, UTF-16 without
//! a byte-order mark, and bytes that are Vietnamese in none of these.
//!
//! Detection does not guess blindly: a BOM decides; else valid UTF-8 is UTF-8; else the bytes are
//! read as Windows-1258, VNI and TCVN3 in turn and the reading whose non-ASCII words are plausible
//! Vietnamese syllables wins.
//!
//! Font-based text also arrives as Unicode: typed in a `.VnTime` or `VNI-Times` font and then
//! saved or copied as Unicode, each byte became the Latin-1 (or Windows-1252) character it shows
//! as in other fonts (`NghÞ quyÕt`, `Coäng hoøa`). A Unicode text (UTF-8, UTF-8 with BOM, UTF-16)
//! whose non-ASCII characters are all such characters is read back to its bytes and decoded as
//! TCVN3 or VNI when that reading is plausible Vietnamese and the text as it stands is not; it is
//! then reported as `tcvn3-as-unicode` or `vni-as-unicode`. Genuine Unicode Vietnamese nearly
//! always has letters beyond U+00FF (`ạ`, `ư`, `đ`), and when it has not (`Cà Mau`) it is
//! plausible as it stands; Latin-1 European text (French, German) is plausible in neither font.
//!
//! The encoding names reported: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1258`,
//! `tcvn3`, `vni`, `tcvn3-as-unicode`, `vni-as-unicode`.

use crate::IngestError;

mod charsets;
mod plausible;
#[cfg(test)]
mod tests;

use charsets::{cp1252_punct, tcvn3, vni, windows_1258};
use plausible::plausibility;

/// A decoded text and the encoding it was found in.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, as decoded (not yet normalized).
    pub text: String,
    /// The encoding's name: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1258`,
    /// `tcvn3`, `vni`, `tcvn3-as-unicode`, `vni-as-unicode` (see the module documentation).
    pub encoding: &'static str,
}

/// How much of a non-UTF-8 file the encoding detector reads: the first 1 MiB is plenty of words.
const DETECT_SAMPLE_BYTES: usize = 1 << 20;

/// The share of non-ASCII words that must be plausible Vietnamese syllables for a legacy reading
/// to be believed. Real Windows-1258 text scores above 0.95; mojibake readings score near 0.
const PLAUSIBLE_SHARE: f64 = 0.8;

/// The most a Unicode text as it stands may score for a font-based reading of it to replace it.
/// Font-based text shown as Latin-1 scores near 0 (`NghÞ`, `quyÕt`); genuine Vietnamese near 1.
const AS_IS_SHARE: f64 = 0.5;

/// Detects the encoding of `bytes` and decodes them; `file` names the input in errors.
pub fn decode(bytes: &[u8], file: &str) -> Result<Decoded, IngestError> {
    let undecodable = |reason: String| IngestError::Undecodable {
        file: file.to_string(),
        reason,
    };
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            file: file.to_string(),
        });
    }
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = from_utf8(rest).map_err(|e| {
            // Offsets are reported in the file, BOM included.
            undecodable(utf8_error_reason(
                rest,
                e.valid_up_to(),
                3,
                "after a utf-8 bom",
            ))
        })?;
        font_in_unicode(text).unwrap_or_else(|| Decoded {
            text: text.to_string(),
            encoding: "utf-8-bom",
        })
    } else if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Err(undecodable(
            "utf-32 is not supported; convert it to utf-8".into(),
        ));
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let text = decode_utf16(rest, u16::from_le_bytes, "utf-16le").map_err(undecodable)?;
        font_in_unicode(&text).unwrap_or(Decoded {
            text,
            encoding: "utf-16le",
        })
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let text = decode_utf16(rest, u16::from_be_bytes, "utf-16be").map_err(undecodable)?;
        font_in_unicode(&text).unwrap_or(Decoded {
            text,
            encoding: "utf-16be",
        })
    } else {
        if let Some(reason) = binary_reason(bytes) {
            return Err(undecodable(reason));
        }
        match from_utf8(bytes) {
            Ok(text) => {
                // The bytes were checked for binary data above: only blankness is left to check.
                if text.trim().is_empty() {
                    return Err(IngestError::Empty {
                        file: file.to_string(),
                    });
                }
                return Ok(font_in_unicode(text).unwrap_or_else(|| Decoded {
                    text: text.to_string(),
                    encoding: "utf-8",
                }));
            }
            Err(e) => decode_legacy(bytes, e.valid_up_to(), file)?,
        }
    };
    check_text(&decoded.text, file)?;
    Ok(decoded)
}

/// [`std::str::from_utf8`], validated by SIMD first: std reads non-ASCII text byte by byte. The
/// error (where the bytes stop being UTF-8) comes from std, for an input that is no UTF-8.
fn from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// Refuses a decoded text that is only white space, or that is full of control characters (binary
/// data that happened to decode).
fn check_text(text: &str, file: &str) -> Result<(), IngestError> {
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            file: file.to_string(),
        });
    }
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        chars += 1;
        if c == '\0' {
            return Err(IngestError::Undecodable {
                file: file.to_string(),
                reason: "binary data (NUL characters)".into(),
            });
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}') {
            controls += 1;
        }
    }
    // A stray control character is dropped by normalization; many of them mean binary data.
    if controls * 100 > chars {
        return Err(IngestError::Undecodable {
            file: file.to_string(),
            reason: format!("binary data ({controls} control characters in {chars})"),
        });
    }
    Ok(())
}

/// Decodes UTF-16 (after its BOM) strictly: an odd length or an unpaired surrogate is refused.
fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("{name}: odd number of bytes ({})", bytes.len() + 2));
    }
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len());
    // The UTF-16 unit the next character starts at: a surrogate pair is one char but two units.
    let mut at = 0;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                text.push(c);
                at += c.len_utf16();
            }
            Err(e) => {
                // Offsets are in the file: the BOM's 2 bytes, then 2 bytes a unit.
                return Err(format!(
                    "{name}: unpaired surrogate 0x{:04X} at byte offset {}",
                    e.unpaired_surrogate(),
                    2 + 2 * at
                ));
            }
        }
    }
    Ok(text)
}

/// Why `bytes` (no BOM) look like binary data rather than text, if they do.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: [(&[u8], &str); 5] = [
        (b"%PDF-", "a pdf file, not text; extract its text first"),
        (
            b"PK\x03\x04",
            "a zip archive (a .docx or .odt?), not text; save it as plain text",
        ),
        (
            b"\xD0\xCF\x11\xE0",
            "a microsoft office file (a .doc?), not text; save it as plain text",
        ),
        (
            b"{\\rtf",
            "an rtf document, not text; save it as plain text",
        ),
        (b"\x7FELF", "an executable, not text"),
    ];
    if let Some((_, why)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some((*why).to_string());
    }
    // NULs, found by a search (counted only when there are some), and control bytes other than
    // white space, counted into a byte per lane: a loop without a branch runs many bytes at a
    // time.
    let nuls = if memchr::memchr(0, bytes).is_some() {
        bytecount(bytes, |b| b == 0)
    } else {
        0
    };
    let controls = bytecount(bytes, |b| {
        (b < 0x20 || b == 0x7F) && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
    });
    if nuls > 0 {
        // UTF-16 text without a BOM: NULs (the high bytes of ASCII) all at even or all at odd
        // offsets.
        let sample = &bytes[..bytes.len().min(4096)];
        let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        let half = sample.len() / 2;
        if half >= 8 && (even.max(odd) * 10 >= half * 3) && even.min(odd) * 20 <= half {
            return Some(
                "looks like utf-16 without a byte-order mark; convert it to utf-8 (or add a bom)"
                    .into(),
            );
        }
        return Some(format!("binary data ({nuls} NUL bytes)"));
    }
    if controls * 100 > bytes.len() {
        return Some(format!(
            "binary data ({controls} control bytes in {})",
            bytes.len()
        ));
    }
    None
}

/// How many of `bytes` are `is`, counted in runs of 255 into a byte, so that the count runs many
/// bytes at a time.
fn bytecount(bytes: &[u8], is: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|run| usize::from(run.iter().fold(0u8, |n, &b| n + u8::from(is(b)))))
        .sum()
}

/// Describes a UTF-8 error at `valid_up_to` in `bytes`, which start `skip` bytes into the file.
fn utf8_error_reason(bytes: &[u8], valid_up_to: usize, skip: usize, context: &str) -> String {
    let at = valid_up_to;
    let shown: Vec<String> = bytes[at..bytes.len().min(at + 4)]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!(
        "invalid utf-8 {context} at byte offset {} (bytes {})",
        at + skip,
        shown.join(" ")
    )
}

/// The legacy encodings the detector compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Legacy {
    Windows1258,
    Vni,
    Tcvn3,
}

/// Decodes bytes that are not valid UTF-8 (the first error at `valid_up_to`) as the legacy
/// encoding (Windows-1258, VNI or TCVN3) in which they read as Vietnamese, else refuses them.
fn decode_legacy(bytes: &[u8], valid_up_to: usize, file: &str) -> Result<Decoded, IngestError> {
    let undecodable = |reason: String| IngestError::Undecodable {
        file: file.to_string(),
        reason,
    };
    let (good, bad) = utf8_census(bytes);
    // UTF-8 with a few broken sequences (a bad copy, a truncated write): say where, rather than
    // reading the whole file as Windows-1258 mojibake.
    if good >= 4 && good >= 4 * bad {
        return Err(undecodable(utf8_error_reason(
            bytes,
            valid_up_to,
            0,
            &format!("({bad} broken sequences among {good} valid ones)"),
        )));
    }
    let sample = detection_sample(bytes);
    let readings = [
        (Legacy::Windows1258, plausibility(&windows_1258(sample))),
        (Legacy::Vni, plausibility(&vni(sample))),
        (Legacy::Tcvn3, plausibility(&tcvn3(sample))),
    ];
    let (best, score) = readings
        .iter()
        .copied()
        .max_by(|a, b| a.1.share().total_cmp(&b.1.share()))
        .expect("three readings");
    let win = readings[0].1;
    if win.words == 0 && win.c1 == 0 {
        // Non-ASCII bytes only outside words (Windows quotes, dashes): Windows-1258 reads those.
        return Ok(Decoded {
            text: windows_1258(bytes),
            encoding: "windows-1258",
        });
    }
    if score.words > 0 && score.share() >= PLAUSIBLE_SHARE {
        match best {
            Legacy::Windows1258 if win.c1 * 100 <= win.words => {
                return Ok(Decoded {
                    text: windows_1258(bytes),
                    encoding: "windows-1258",
                });
            }
            Legacy::Windows1258 => {}
            Legacy::Vni => {
                return Ok(Decoded {
                    text: vni(bytes),
                    encoding: "vni",
                });
            }
            Legacy::Tcvn3 => {
                return Ok(Decoded {
                    text: tcvn3(bytes),
                    encoding: "tcvn3",
                });
            }
        }
    }
    Err(undecodable(format!(
        "not utf-8 (byte 0x{:02X} at offset {valid_up_to}) and not recognisably Vietnamese in \
         windows-1258, tcvn3 or vni; convert it to utf-8",
        bytes[valid_up_to]
    )))
}

/// The first [`DETECT_SAMPLE_BYTES`] of `bytes`, ended at white space so no word is cut in half.
fn detection_sample(bytes: &[u8]) -> &[u8] {
    let mut cut = bytes.len().min(DETECT_SAMPLE_BYTES);
    while cut < bytes.len() && cut > 0 && !bytes[cut - 1].is_ascii_whitespace() {
        cut -= 1;
    }
    if cut == 0 {
        &bytes[..bytes.len().min(DETECT_SAMPLE_BYTES)]
    } else {
        &bytes[..cut]
    }
}

/// Reads a Unicode text typed in a TCVN3 or VNI font and saved as Unicode (see the module
/// documentation): `None` when it is not such a text, which is nearly always. The `.doc` and HTML
/// extractors use it too: Word and web pages keep text typed in those fonts the same way.
pub(crate) fn font_in_unicode(text: &str) -> Option<Decoded> {
    // The bytes the font showed: every non-ASCII character must be one a single Windows-1252
    // byte shows as, else this is genuine Unicode (and the loop stops at its first such letter).
    let mut bytes = Vec::with_capacity(text.len());
    let mut non_ascii = false;
    for c in text.chars() {
        non_ascii |= !c.is_ascii();
        bytes.push(cp1252_byte(c)?);
    }
    if !non_ascii {
        return None;
    }
    let sample = detection_sample(&bytes);
    let as_is = plausibility(&sample.iter().map(|&b| cp1252_punct(b)).collect::<String>());
    let readings = [
        (Legacy::Tcvn3, plausibility(&tcvn3(sample))),
        (Legacy::Vni, plausibility(&vni(sample))),
    ];
    let (best, score) = readings
        .iter()
        .copied()
        .max_by(|a, b| a.1.share().total_cmp(&b.1.share()))
        .expect("two readings");
    if score.words == 0 || score.share() < PLAUSIBLE_SHARE || as_is.share() > AS_IS_SHARE {
        return None;
    }
    Some(match best {
        Legacy::Tcvn3 => Decoded {
            text: tcvn3(&bytes),
            encoding: "tcvn3-as-unicode",
        },
        _ => Decoded {
            text: vni(&bytes),
            encoding: "vni-as-unicode",
        },
    })
}

/// The Windows-1252 byte that shows as `c` (Latin-1 for U+0000–U+00FF, Windows punctuation for
/// the rest), if one does.
fn cp1252_byte(c: char) -> Option<u8> {
    if let Ok(b) = u8::try_from(u32::from(c)) {
        return Some(b);
    }
    (0x80..=0x9F).find(|&b| cp1252_punct(b) == c)
}

/// Counts valid non-ASCII UTF-8 sequences and broken ones.
fn utf8_census(bytes: &[u8]) -> (usize, usize) {
    let mut good = 0;
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    (good, bad)
}
