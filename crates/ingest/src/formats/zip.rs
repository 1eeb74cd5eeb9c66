//! Zip archives (the container of `.docx` and `.odt`): which format one holds, and reading its
//! members under a budget so that a zip bomb is refused instead of unpacked.
//!
//! The budget counts the bytes actually inflated, never the sizes an archive declares (a bomb
//! can lie about them), and nothing is allocated from a declared size.

use std::io::{Cursor, Read};

use super::{Format, MAX_UNPACKED_BYTES, find};

/// The most members an archive may list: a Word file has a few dozen (a few hundred with many
/// images); a listing of hundreds of thousands is a denial of service, not a document.
pub(super) const MAX_MEMBERS: usize = 10_000;

/// The most bytes one member may unpack to: the largest `document.xml` of a real law with its
/// annexes is a few megabytes.
pub(super) const MAX_MEMBER_BYTES: u64 = 48 * 1024 * 1024;

/// The media type an OpenDocument text stores in its `mimetype` member.
const ODT_MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

/// The format of a zip archive's content: an `.odt` when it says so (its `mimetype` member, or a
/// `content.xml` without Word's `word/document.xml`), else a `.docx`; the docx extractor refuses
/// an archive that is neither (a spreadsheet, a plain zip) with a message saying what it is.
pub(super) fn sniff(bytes: &[u8]) -> Format {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(mut archive) => {
            if archive.index_for_name("word/document.xml").is_some() {
                return Format::Docx;
            }
            if let Ok(mut member) = archive.by_name("mimetype") {
                let mut head = String::new();
                // A mimetype member is a few dozen bytes: read no more than that.
                let _ = member.by_ref().take(128).read_to_string(&mut head);
                if head.trim() == ODT_MIMETYPE {
                    return Format::Odt;
                }
            }
            if archive.index_for_name("content.xml").is_some() {
                return Format::Odt;
            }
            Format::Docx
        }
        // A damaged archive: guess from the local headers, which a truncated file still has at
        // its start, so that the error names the right format.
        Err(_) => {
            let head = &bytes[..bytes.len().min(256)];
            if find(head, b"mimetype").is_some() && find(head, ODT_MIMETYPE.as_bytes()).is_some() {
                Format::Odt
            } else {
                Format::Docx
            }
        }
    }
}

/// Why a member could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ReadError {
    /// It unpacks past the limits: the whole file must be refused (a zip bomb).
    OverLimit(String),
    /// It is damaged, encrypted or in an unsupported compression: a reader may do without an
    /// auxiliary part, never without the main one.
    Damaged(String),
}

impl From<ReadError> for String {
    fn from(e: ReadError) -> String {
        match e {
            ReadError::OverLimit(r) | ReadError::Damaged(r) => r,
        }
    }
}

/// An opened archive with the budget of bytes its members may still unpack to.
pub(super) struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes that may still be inflated, over all the members read.
    budget: u64,
    /// The most bytes all members may inflate to (for the message).
    total: u64,
    /// The most bytes one member may inflate to.
    member_limit: u64,
}

impl<'a> Archive<'a> {
    /// Opens an archive with the default limits ([`MAX_UNPACKED_BYTES`], [`MAX_MEMBER_BYTES`],
    /// [`MAX_MEMBERS`]); the error is a reason for [`super::unreadable`].
    pub(super) fn open(bytes: &'a [u8]) -> Result<Archive<'a>, String> {
        Archive::open_with_limits(bytes, MAX_UNPACKED_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS)
    }

    /// Opens an archive with the given limits (tests use small ones).
    pub(super) fn open_with_limits(
        bytes: &'a [u8],
        total: u64,
        member: u64,
        members: usize,
    ) -> Result<Archive<'a>, String> {
        // Check the count the end record declares before the zip crate reads the listing, so
        // that a forged count costs nothing.
        if let Some(declared) = declared_members(bytes)
            && declared > members
        {
            return Err(format!(
                "the zip archive lists {declared} members, more than the {members} a document may have"
            ));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        if zip.len() > members {
            return Err(format!(
                "the zip archive lists {} members, more than the {members} a document may have",
                zip.len()
            ));
        }
        Ok(Archive {
            zip,
            budget: total,
            total,
            member_limit: member,
        })
    }

    /// Whether the archive has a member of this name.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The names of the members (for saying what an unexpected archive holds).
    pub(super) fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(Result::ok)
            .map(Into::into)
            .collect()
    }

    /// The bytes of a member, or `None` when there is no such member; an error when it cannot
    /// be read (damaged, encrypted, an unsupported compression) or would unpack past the limits.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let limit = self.budget.min(self.member_limit);
        let member = self
            .zip
            .by_index(index)
            .map_err(|e| ReadError::Damaged(member_error(name, &e)))?;
        if member.encrypted() {
            return Err(ReadError::Damaged(format!(
                "{name} is encrypted (password-protected)"
            )));
        }
        // Grow the buffer as bytes arrive: the declared size may be a lie.
        let mut out = Vec::new();
        let read = member
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| ReadError::Damaged(format!("{name} is damaged: {e}")))?;
        let read = read as u64;
        if read > limit {
            return Err(ReadError::OverLimit(if limit < self.budget {
                format!(
                    "{name} unpacks to more than {} bytes (a zip bomb?)",
                    self.member_limit
                )
            } else {
                format!(
                    "the archive unpacks to more than {} bytes (a zip bomb?)",
                    self.total
                )
            }));
        }
        self.budget -= read;
        Ok(Some(out))
    }

    /// A member read as UTF-8 text (the XML members of both formats); a byte order mark is
    /// dropped, UTF-16 (which a few generators write) is decoded.
    pub(super) fn read_text(&mut self, name: &str) -> Result<Option<String>, ReadError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        xml_text(name, bytes).map(Some).map_err(ReadError::Damaged)
    }

    /// An auxiliary member as text: a damaged one is noted in `diagnostics` and read as absent
    /// (the document loses a feature, not its text); one past the limits is still an error.
    pub(super) fn read_optional(
        &mut self,
        name: &str,
        diagnostics: &mut Vec<String>,
    ) -> Result<Option<String>, String> {
        match self.read_text(name) {
            Ok(text) => Ok(text),
            Err(ReadError::Damaged(reason)) => {
                diagnostics.push(format!("{reason}; read without it"));
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Decodes an XML member's bytes: UTF-8 (with or without a byte order mark) or UTF-16.
fn xml_text(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = encoding.decode(&bytes);
        if bad {
            return Err(format!("{name} is not valid UTF-16"));
        }
        return Ok(text.into_owned());
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The member count an archive's end-of-central-directory record declares, when it has one
/// that is not a Zip64 placeholder.
fn declared_members(bytes: &[u8]) -> Option<usize> {
    // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
    let from = bytes.len().saturating_sub(22 + 65535);
    let tail = &bytes[from..];
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let record = tail.get(at..at + 22)?;
    let total = u16::from_le_bytes([record[10], record[11]]);
    (total != u16::MAX).then_some(usize::from(total))
}

/// The reason for an archive the zip crate cannot open.
fn damaged(e: &zip::result::ZipError) -> String {
    format!("not a readable zip archive (damaged or truncated?): {e}")
}

/// The reason for a member that cannot be opened.
fn member_error(name: &str, e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::UnsupportedArchive(what) => {
            format!("{name} cannot be unpacked: {what}")
        }
        zip::result::ZipError::CompressionMethodNotSupported(method) => {
            format!("{name} uses a compression (method {method}) that vankien does not read")
        }
        other => format!("{name} is damaged: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of the given members, deflated.
    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn sniff_looks_inside() {
        let docx = zip_of(&[("word/document.xml", b"<w:document/>")]);
        assert_eq!(sniff(&docx), Format::Docx);
        let odt = zip_of(&[
            ("mimetype", ODT_MIMETYPE.as_bytes()),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(sniff(&odt), Format::Odt);
        let bare_odt = zip_of(&[("content.xml", b"<x/>")]);
        assert_eq!(sniff(&bare_odt), Format::Odt);
        // Anything else goes to the docx reader, which says what it is instead.
        let xlsx = zip_of(&[("xl/workbook.xml", b"<x/>")]);
        assert_eq!(sniff(&xlsx), Format::Docx);
    }

    #[test]
    fn the_budget_counts_inflated_bytes_over_all_members() {
        let zeros = vec![0u8; 4000];
        let bytes = zip_of(&[("a", &zeros), ("b", &zeros), ("c", &zeros)]);
        let mut archive = Archive::open_with_limits(&bytes, 10_000, 5_000, 10).unwrap();
        assert_eq!(archive.read("a").unwrap().unwrap().len(), 4000);
        assert_eq!(archive.read("b").unwrap().unwrap().len(), 4000);
        let err = String::from(archive.read("c").unwrap_err());
        assert!(err.contains("zip bomb"), "{err}");
        // One member over its own limit.
        let mut archive = Archive::open_with_limits(&bytes, 10_000, 3_000, 10).unwrap();
        let err = archive.read("a").unwrap_err();
        assert!(
            matches!(&err, ReadError::OverLimit(r) if r.contains("a unpacks to more than 3000 bytes")),
            "{err:?}"
        );
        // A limit stays an error even for a part a reader could do without.
        let mut notes = Vec::new();
        assert!(archive.read_optional("b", &mut notes).is_err());
        assert_eq!(archive.read("missing").unwrap(), None);
    }

    #[test]
    fn too_many_members_are_refused_before_reading_the_listing() {
        let bytes = zip_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        assert_eq!(declared_members(&bytes), Some(3));
        let err = Archive::open_with_limits(&bytes, 1000, 1000, 2)
            .err()
            .unwrap();
        assert!(err.contains("lists 3 members"), "{err}");
    }

    #[test]
    fn xml_members_in_utf16_or_with_a_bom_are_decoded() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "<a>Việt</a>".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(xml_text("x", utf16).unwrap(), "<a>Việt</a>");
        assert_eq!(xml_text("x", b"\xEF\xBB\xBF<a/>".to_vec()).unwrap(), "<a/>");
        assert!(xml_text("x", vec![0x3C, 0xFF]).is_err());
    }
}
