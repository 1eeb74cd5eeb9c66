//! The legacy Vietnamese charsets read byte by byte: Windows-1258 (through `encoding_rs`), VNI
//! and TCVN3 (tables of this crate), and Windows-1252's punctuation they keep.

/// Decodes Windows-1258 (never fails: undefined bytes become C1 controls).
pub(super) fn windows_1258(bytes: &[u8]) -> String {
    encoding_rs::WINDOWS_1258
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// A byte as Windows code page 1252 shows it: the font-based encodings were typed on Windows and
/// keep its punctuation in 0x80–0x9F (`“` `”` `–` `…`); the five bytes 1252 leaves undefined, and
/// every other byte, are the Latin-1 character of that number.
pub(super) const fn cp1252_punct(b: u8) -> char {
    match b {
        0x80 => '€',
        0x82 => '‚',
        0x83 => 'ƒ',
        0x84 => '„',
        0x85 => '…',
        0x86 => '†',
        0x87 => '‡',
        0x88 => 'ˆ',
        0x89 => '‰',
        0x8A => 'Š',
        0x8B => '‹',
        0x8C => 'Œ',
        0x8E => 'Ž',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x98 => '˜',
        0x99 => '™',
        0x9A => 'š',
        0x9B => '›',
        0x9C => 'œ',
        0x9E => 'ž',
        0x9F => 'Ÿ',
        b => b as char,
    }
}

/// Reads bytes as VNI. VNI writes a Vietnamese letter as an ASCII vowel
/// followed by a Latin-1 byte for its marks (`Vieät` = `Việt`, `aø` = `à`), or as one Latin-1
/// byte (`ñ` = `đ`, `ö` = `ư`, `ô` = `ơ`, `í` = `í`). Table: lamdao/xvnkb `vni.h`.
pub(super) fn vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    let mut prev_vowel = false;
    for &b in bytes {
        if b < 0x80 {
            out.push(char::from(b));
            prev_vowel = b"aeiouyAEIOUY".contains(&b);
            continue;
        }
        if prev_vowel && let Some(marks) = vni_marks(b) {
            out.push_str(marks);
            prev_vowel = false;
            continue;
        }
        let letter = match b {
            0xF4 => 'ơ',
            0xF6 => 'ư',
            0xD4 => 'Ơ',
            0xD6 => 'Ư',
            0xF1 => 'đ',
            0xD1 => 'Đ',
            0xED => 'í',
            0xEC => 'ì',
            0xE6 => 'ỉ',
            0xF3 => 'ĩ',
            0xF2 => 'ị',
            0xEE => 'ỵ',
            0xCD => 'Í',
            0xCC => 'Ì',
            0xC6 => 'Ỉ',
            0xD3 => 'Ĩ',
            0xD2 => 'Ị',
            0xCE => 'Ỵ',
            b => cp1252_punct(b),
        };
        out.push(letter);
        // ơ and ư take a tone byte after them.
        prev_vowel = matches!(b, 0xF4 | 0xF6 | 0xD4 | 0xD6);
    }
    out
}

/// The combining marks a VNI mark byte adds to the vowel before it.
fn vni_marks(b: u8) -> Option<&'static str> {
    Some(match b {
        0xF9 | 0xD9 => "\u{301}",
        0xF8 | 0xD8 => "\u{300}",
        0xFB | 0xDB => "\u{309}",
        0xF5 | 0xD5 => "\u{303}",
        0xEF | 0xCF => "\u{323}",
        0xE2 | 0xC2 => "\u{302}",
        0xE1 | 0xC1 => "\u{302}\u{301}",
        0xE0 | 0xC0 => "\u{302}\u{300}",
        0xE5 | 0xC5 => "\u{302}\u{309}",
        0xE3 | 0xC3 => "\u{302}\u{303}",
        0xE4 | 0xC4 => "\u{302}\u{323}",
        0xEA | 0xCA => "\u{306}",
        0xE9 | 0xC9 => "\u{306}\u{301}",
        0xE8 | 0xC8 => "\u{306}\u{300}",
        0xFA | 0xDA => "\u{306}\u{309}",
        0xFC | 0xDC => "\u{306}\u{303}",
        0xEB | 0xCB => "\u{306}\u{323}",
        _ => return None,
    })
}

/// Reads bytes as TCVN3 (ABC): one Latin-1 byte a precomposed lower-case letter (`¸` = `á`,
/// `Ö` = `ệ`), upper case only for the seven letters without tone (`¡`–`§`). Table: lamdao/xvnkb
/// `tcvn.h`.
///
/// TCVN3 has no upper-case letters with a tone: documents set upper-case words (titles, `NGHỊ
/// QUYẾT`) in a separate upper-case font (`.VnTimeH`) that draws the lower-case codes as capitals.
/// The font is not in the bytes, so such letters are left as decoded, in lower case (`NGHị
/// QUYếT`): guessing the case from the neighbouring ASCII letters would also change words
/// written in mixed case on purpose.
pub(super) fn tcvn3(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| TCVN3_TABLE[usize::from(b)]).collect()
}

/// The letters of TCVN3, byte by byte.
const TCVN3_LETTERS: [(u8, char); 74] = [
    (0xA1, 'Ă'),
    (0xA2, 'Â'),
    (0xA3, 'Ê'),
    (0xA4, 'Ô'),
    (0xA5, 'Ơ'),
    (0xA6, 'Ư'),
    (0xA7, 'Đ'),
    (0xA8, 'ă'),
    (0xA9, 'â'),
    (0xAA, 'ê'),
    (0xAB, 'ô'),
    (0xAC, 'ơ'),
    (0xAD, 'ư'),
    (0xAE, 'đ'),
    (0xB5, 'à'),
    (0xB6, 'ả'),
    (0xB7, 'ã'),
    (0xB8, 'á'),
    (0xB9, 'ạ'),
    (0xBB, 'ằ'),
    (0xBC, 'ẳ'),
    (0xBD, 'ẵ'),
    (0xBE, 'ắ'),
    (0xC6, 'ặ'),
    (0xC7, 'ầ'),
    (0xC8, 'ẩ'),
    (0xC9, 'ẫ'),
    (0xCA, 'ấ'),
    (0xCB, 'ậ'),
    (0xCC, 'è'),
    (0xCE, 'ẻ'),
    (0xCF, 'ẽ'),
    (0xD0, 'é'),
    (0xD1, 'ẹ'),
    (0xD2, 'ề'),
    (0xD3, 'ể'),
    (0xD4, 'ễ'),
    (0xD5, 'ế'),
    (0xD6, 'ệ'),
    (0xD7, 'ì'),
    (0xD8, 'ỉ'),
    (0xDC, 'ĩ'),
    (0xDD, 'í'),
    (0xDE, 'ị'),
    (0xDF, 'ò'),
    (0xE1, 'ỏ'),
    (0xE2, 'õ'),
    (0xE3, 'ó'),
    (0xE4, 'ọ'),
    (0xE5, 'ồ'),
    (0xE6, 'ổ'),
    (0xE7, 'ỗ'),
    (0xE8, 'ố'),
    (0xE9, 'ộ'),
    (0xEA, 'ờ'),
    (0xEB, 'ở'),
    (0xEC, 'ỡ'),
    (0xED, 'ớ'),
    (0xEE, 'ợ'),
    (0xEF, 'ù'),
    (0xF1, 'ủ'),
    (0xF2, 'ũ'),
    (0xF3, 'ú'),
    (0xF4, 'ụ'),
    (0xF5, 'ừ'),
    (0xF6, 'ử'),
    (0xF7, 'ữ'),
    (0xF8, 'ứ'),
    (0xF9, 'ự'),
    (0xFA, 'ỳ'),
    (0xFB, 'ỷ'),
    (0xFC, 'ỹ'),
    (0xFD, 'ý'),
    (0xFE, 'ỵ'),
];

/// Byte → character for TCVN3: its letters, Windows punctuation, Latin-1 for the rest.
const TCVN3_TABLE: [char; 256] = {
    let mut table = ['\0'; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = cp1252_punct(b as u8);
        b += 1;
    }
    let mut i = 0;
    while i < TCVN3_LETTERS.len() {
        let (b, c) = TCVN3_LETTERS[i];
        table[b as usize] = c;
        i += 1;
    }
    table
};
