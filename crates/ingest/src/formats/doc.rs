//! Text extraction for legacy Word 97–2003 files (`.doc`), through a converter installed on the
//! machine: `antiword` (preferred) or `catdoc`, both Debian packages, found on `PATH`.
//!
//! The Word binary format is a piece table over OLE streams, with fields, tables and fast-saved
//! revisions; the converters have read it for twenty years, so vankien runs one rather than
//! re-implementing it. On the development document (38/2025/TT-BCT) both keep the words that
//! LibreOffice finds: antiword all of them, catdoc all but 8 of 15 383, with a few characters of
//! garbage where it misreads a piece boundary. antiword is preferred also because its DocBook
//! output (`-x db`) keeps table rows and cells, which become `| cell | cell |` lines; catdoc marks
//! a cell's end with a tab but a row's end and a line break inside a cell alike with a new line, so
//! its tables stay tab-separated text.
//!
//! The bytes are written to a temporary file (the converters read files), the converter runs with
//! a time limit and its output is capped, and a failure is reported with the converter's own
//! message (`Sorry, but this is an Excel spreadsheet`, `Encrypted documents are not supported`).

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Extracted, Format, unreadable};
use crate::{IngestError, decode};

/// How long a converter may run: antiword reads a 300 KB document in about 15 ms, so this only
/// ever cuts off a converter stuck on a hostile file.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The most output a converter may write: a `.doc` is at most [`crate::MAX_FILE_BYTES`], and its
/// text, even as DocBook, is not several times larger.
const MAX_OUTPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The most of a converter's error output kept: its first line is what is reported.
const MAX_STDERR_BYTES: u64 = 64 * 1024;

/// Why a `.doc` is refused when no converter is installed, and what to do.
const NO_CONVERTER: &str = "a Word 97–2003 file; install antiword or catdoc (apt-get install \
                            antiword), or save it as .docx or text";

/// Extracts the text of a Word 97–2003 file with a converter found on `PATH`.
pub(super) fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    extract_with_path(bytes, file, &path)
}

/// The converters, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Converter {
    Antiword,
    Catdoc,
}

impl Converter {
    fn program(self) -> &'static str {
        match self {
            Converter::Antiword => "antiword",
            Converter::Catdoc => "catdoc",
        }
    }

    /// The arguments before the file name.
    fn args(self) -> &'static [&'static str] {
        match self {
            // DocBook keeps the table structure; its text is UTF-8 whatever the mapping.
            Converter::Antiword => &["-x", "db"],
            Converter::Catdoc => &["-d", "utf-8", "-w"],
        }
    }
}

/// Extracts the text of a Word 97–2003 file with a converter found on `search_path` (a `PATH`
/// value): tests use it to check the refusal when none is installed.
pub(crate) fn extract_with_path(
    bytes: &[u8],
    file: &str,
    search_path: &OsStr,
) -> Result<Extracted, IngestError> {
    let antiword = find_program(Converter::Antiword.program(), search_path);
    let catdoc = find_program(Converter::Catdoc.program(), search_path);
    if antiword.is_none() && catdoc.is_none() {
        return Err(unreadable(file, Format::Doc, NO_CONVERTER));
    }
    let fail = |reason: String| unreadable(file, Format::Doc, reason);
    let mut tmp = tempfile::Builder::new()
        .prefix("vankien-")
        .suffix(".doc")
        .tempfile()
        .map_err(|e| fail(format!("cannot write a temporary file: {e}")))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .map_err(|e| fail(format!("cannot write a temporary file: {e}")))?;
    let input = tmp.path().as_os_str();

    let mut diagnostics = Vec::new();
    let mut antiword_error = None;
    if let Some(program) = &antiword {
        match run(program, Converter::Antiword.args(), input) {
            Ok(out) => {
                let text = docbook_text(&String::from_utf8_lossy(&out));
                return Ok(done(text, "antiword", diagnostics));
            }
            Err(e) => antiword_error = Some(e),
        }
    }
    if let Some(error) = &antiword_error {
        // antiword refuses documents whose text is only a few lines long ("the text stream of
        // this file is too small"); catdoc reads them. Other refusals (encrypted, not a Word
        // file) catdoc would not read better: it prints a placeholder for encrypted files.
        if catdoc.is_none() || !error.contains("too small") {
            return Err(fail(format!("antiword: {error}")));
        }
        diagnostics.push(format!("antiword: {error}; read with catdoc instead"));
    }
    let program = catdoc.expect("a converter was found");
    let out =
        run(&program, Converter::Catdoc.args(), input).map_err(|e| fail(format!("catdoc: {e}")))?;
    let text = String::from_utf8_lossy(&out);
    if text.trim_start().starts_with("[File is encrypted") {
        return Err(fail("catdoc: the document is encrypted".into()));
    }
    Ok(done(plain_text(&text), "catdoc", diagnostics))
}

/// The extraction of a converted text. Old documents were typed in a TCVN3 (`.VnTime`) or VNI
/// font: Word keeps the font's bytes as the Latin-1 characters they are elsewhere (`NghÞ
/// quyÕt`), and they are read as the font's letters, as [`decode`] reads such text.
fn done(text: String, converter: &str, mut diagnostics: Vec<String>) -> Extracted {
    diagnostics.push(format!("a Word 97–2003 file, read with {converter}"));
    let (text, encoding) = match decode::font_in_unicode(&text) {
        Some(d) => {
            diagnostics.push(format!(
                "typed in a {} font: read as its letters",
                d.encoding.trim_end_matches("-as-unicode")
            ));
            (d.text, d.encoding)
        }
        None => (text, "utf-8"),
    };
    let mut extracted = Extracted::unpaged(Format::Doc, encoding, text);
    extracted.diagnostics = diagnostics;
    extracted
}

/// The executable file `name` in one of the directories of `search_path`.
fn find_program(name: &str, search_path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(search_path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs `program args… input`, returning its output, or why it failed: the first line of its
/// error output when it exits with an error, or the time limit or output cap it hit.
fn run(program: &Path, args: &[&str], input: &OsStr) -> Result<Vec<u8>, String> {
    run_limited(program, args, input, TIMEOUT, MAX_OUTPUT_BYTES)
}

/// [`run`] with a time limit and output cap of the caller's (tests use small ones).
fn run_limited(
    program: &Path,
    args: &[&str],
    input: &OsStr,
    timeout: Duration,
    max_output: u64,
) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    // Both pipes are read on their own threads, so that a converter filling one of them never
    // blocks; past the cap the reader stops and drops the pipe, and the converter dies of it.
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || read_capped(stdout, max_output));
    let err = std::thread::spawn(move || read_capped(stderr, MAX_STDERR_BYTES));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                // A converter stuck on a hostile file: kill it, and reap it so no zombie is left.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("did not finish in {} s", timeout.as_secs_f32()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("cannot wait for it: {e}"));
            }
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if out.len() as u64 > max_output {
        return Err(format!("wrote more than {max_output} bytes"));
    }
    if !status.success() {
        let message = String::from_utf8_lossy(&err);
        let first = message
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(format!("{first} ({status})"));
    }
    Ok(out)
}

/// Reads `from` to its end, or to `cap` bytes and one more.
fn read_capped(from: impl Read, cap: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = from.take(cap + 1).read_to_end(&mut buf);
    buf
}

/// The text of antiword's DocBook output: one paragraph a line with a blank line between, a table
/// row as `| cell | cell |` (the lines inside a cell joined by a space), the rows of a table on
/// consecutive lines.
///
/// The output is antiword's own, regular XML: a scanner over its tags is enough, and a damaged
/// document cannot make it fail, only lose structure.
fn docbook_text(xml: &str) -> String {
    // The book's title and `bookinfo` come from the file's summary properties, not its text
    // (and antiword writes them encoded twice): the text starts at the first chapter.
    let body = xml.find("<chapter").map_or(xml, |at| &xml[at..]);
    let mut out = String::with_capacity(body.len() / 2);
    let mut block = String::new();
    let mut row: Option<Vec<String>> = None;
    // Where the last table row ended in `out`: the next row follows it on the next line.
    let mut row_end = usize::MAX;
    let mut rest = body;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            block.push_str(rest);
            break;
        };
        block.push_str(&rest[..lt]);
        let end = rest[lt..].find('>').map_or(rest.len(), |gt| lt + gt + 1);
        let tag = &rest[lt..end];
        rest = &rest[end..];
        let name: String = tag
            .trim_start_matches('<')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        match name.as_str() {
            "row" => row = Some(Vec::new()),
            "entry" => {
                flush_block(&mut block, &mut out);
            }
            "/entry" => {
                let cell = cell_text(&std::mem::take(&mut block));
                match &mut row {
                    Some(cells) => cells.push(cell),
                    None => push_paragraph(&mut out, &cell),
                }
            }
            "/row" => {
                if let Some(cells) = row.take()
                    && cells.iter().any(|c| !c.is_empty())
                {
                    let line = format!("| {} |", cells.join(" | "));
                    if row_end == out.len() {
                        out.push('\n');
                        out.push_str(&line);
                    } else {
                        push_paragraph(&mut out, &line);
                    }
                    row_end = out.len();
                }
            }
            // Blocks: what was gathered is a paragraph (or a cell's part, inside an entry).
            "para" | "/para" | "title" | "/title" | "listitem" | "/listitem" | "informaltable"
            | "/informaltable" => {
                if row.is_none() {
                    flush_block(&mut block, &mut out);
                } else {
                    block.push('\n');
                }
            }
            // Inline markup (emphasis) and structure without text.
            _ => {}
        }
    }
    flush_block(&mut block, &mut out);
    out
}

/// Ends the paragraph gathered in `block`: each of its non-blank lines becomes a line of `out`.
fn flush_block(block: &mut String, out: &mut String) {
    let text = unescape(block);
    block.clear();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if !lines.is_empty() {
        push_paragraph(out, &clean(&lines.join("\n")));
    }
}

/// A table cell's text: its lines joined by a space.
fn cell_text(raw: &str) -> String {
    let text = unescape(raw);
    let words: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    clean(&words.join(" ")).replace('|', "/")
}

/// Appends a paragraph to `out`, a blank line after the previous one.
fn push_paragraph(out: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(text);
}

/// Drops antiword's `[pic]` placeholders for pictures, and control characters (Word's cell mark
/// U+0007 and other field and special characters a converter lets through).
fn clean(text: &str) -> String {
    text.replace("[pic]", "")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Resolves the XML entities antiword writes (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and numeric
/// references); anything else is kept as written.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // An entity is short: look for its `;` among the next few characters only.
        let entity = rest[1..]
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(semi, _)| &rest[1..1 + semi]);
        let resolved = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = e.strip_prefix('#')?;
                let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => n.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (entity, resolved) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// catdoc's text: one paragraph a line, a blank line between paragraphs.
fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        push_paragraph(&mut out, &clean(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    /// A search path without any converter, for the refusal.
    fn empty_search_path() -> OsString {
        OsString::from("/nonexistent-vankien-test-dir")
    }

    fn realdoc() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/realdocs/38-2025-TT-BCT.doc"
        );
        std::fs::read(path).unwrap()
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/doc/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    /// The directory holding `program` on this machine's PATH; a missing converter fails the
    /// test with what to install (CI installs it).
    fn path_with(program: &str) -> OsString {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let found = find_program(program, &path).unwrap_or_else(|| {
            panic!("{program} is not installed: apt-get install antiword catdoc")
        });
        found.parent().unwrap().as_os_str().to_owned()
    }

    /// A directory holding only a link to `program`, so that the other converter is not found.
    fn dir_with_only(program: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let target = Path::new(&path_with(program)).join(program);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, dir.path().join(program)).unwrap();
        #[cfg(not(unix))]
        std::fs::copy(&target, dir.path().join(program)).unwrap();
        dir
    }

    #[test]
    fn no_converter_is_refused_with_what_to_install() {
        let err = extract_with_path(&realdoc(), "t.doc", &empty_search_path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.doc: cannot read this doc file: a Word 97–2003 file; install antiword or catdoc \
             (apt-get install antiword), or save it as .docx or text"
        );
    }

    #[test]
    fn antiword_reads_the_real_document_with_its_tables() {
        let dir = dir_with_only("antiword");
        let x = extract_with_path(&realdoc(), "t.doc", dir.path().as_os_str()).unwrap();
        assert_eq!(x.format, Format::Doc);
        let text = &x.pages[0];
        assert!(x.diagnostics.iter().any(|d| d.contains("antiword")));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.contains(
            &"| BỘ CÔNG THƯƠNG ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - \
              Hạnh phúc --------------- |"
        ));
        let number = lines
            .iter()
            .position(|l| *l == "| Số: 38/2025/TT-BCT | Hà Nội, ngày 19 tháng 6 năm 2025 |")
            .expect("the header's second row");
        // The rows of a table follow each other.
        assert!(lines[number - 1].starts_with("| BỘ CÔNG THƯƠNG"));
        assert!(lines.contains(&"THÔNG TƯ"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("Điều 1. Sửa đổi, bổ sung"))
        );
        assert!(text.contains("Phan Thị Thắng"));
        assert!(!text.contains("[pic]"));
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn catdoc_reads_the_real_document() {
        let dir = dir_with_only("catdoc");
        let x = extract_with_path(&realdoc(), "t.doc", dir.path().as_os_str()).unwrap();
        let text = &x.pages[0];
        assert!(x.diagnostics.iter().any(|d| d.contains("catdoc")));
        assert!(text.contains("Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;"));
        assert!(text.contains("Phan Thị Thắng"));
    }

    #[test]
    fn a_spreadsheet_is_refused_with_the_converters_message() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let _ = path_with("antiword");
        let err = extract_with_path(&fixture("sheet.xls"), "t.doc", &path).unwrap_err();
        let err = err.to_string();
        assert!(
            err.starts_with(
                "t.doc: cannot read this doc file: antiword: Sorry, but this is an Excel \
                 spreadsheet"
            ),
            "{err}"
        );
    }

    #[test]
    fn an_encrypted_document_is_refused_with_the_converters_message() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let _ = path_with("antiword");
        let err = extract_with_path(&fixture("encrypted.doc"), "t.doc", &path).unwrap_err();
        let err = err.to_string();
        assert!(
            err.starts_with(
                "t.doc: cannot read this doc file: antiword: Encrypted documents are not supported"
            ),
            "{err}"
        );
        // catdoc alone prints a placeholder instead of the text: that is refused too.
        let dir = dir_with_only("catdoc");
        let err = extract_with_path(&fixture("encrypted.doc"), "t.doc", dir.path().as_os_str())
            .unwrap_err();
        assert!(err.to_string().contains("encrypted"), "{err}");
    }

    #[test]
    fn a_broken_ole_file_is_refused() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let _ = path_with("antiword");
        let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        bytes.extend(std::iter::repeat_n(0xAB, 4000));
        let err = extract_with_path(&bytes, "t.doc", &path).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.doc: cannot read this doc file: antiword: "),
            "{err}"
        );
    }

    #[test]
    fn a_document_too_short_for_antiword_is_read_with_catdoc() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let _ = (path_with("antiword"), path_with("catdoc"));
        let x = extract_with_path(&fixture("short.doc"), "t.doc", &path).unwrap();
        assert_eq!(x.pages, ["Văn bản mật"]);
        assert!(
            x.diagnostics[0].contains("too small"),
            "{:?}",
            x.diagnostics
        );
        // With antiword alone, its refusal is the error.
        let dir = dir_with_only("antiword");
        let err =
            extract_with_path(&fixture("short.doc"), "t.doc", dir.path().as_os_str()).unwrap_err();
        assert!(err.to_string().contains("antiword: I'm afraid"), "{err}");
    }

    #[test]
    fn a_stuck_or_flooding_converter_is_stopped() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let started = Instant::now();
        let sleep = find_program("sleep", &path).expect("sleep");
        let err = run_limited(
            &sleep,
            &[],
            OsStr::new("60"),
            Duration::from_millis(300),
            1024,
        )
        .unwrap_err();
        assert_eq!(err, "did not finish in 0.3 s");
        assert!(started.elapsed() < Duration::from_secs(10));
        // `cat /dev/zero` writes forever: the cap stops it.
        let cat = find_program("cat", &path).expect("cat");
        let err = run_limited(&cat, &[], OsStr::new("/dev/zero"), TIMEOUT, 1 << 20).unwrap_err();
        assert_eq!(err, format!("wrote more than {} bytes", 1 << 20));
    }

    #[test]
    fn a_document_typed_in_a_tcvn3_font_is_read_as_vietnamese() {
        // The first 60 lines of the seed resolution, typed in `.VnTime` (made with LibreOffice
        // from the font's bytes as Latin-1 text; see the fixtures' README).
        let path = std::env::var_os("PATH").unwrap_or_default();
        let _ = path_with("antiword");
        let x = extract_with_path(&fixture("tcvn3-font.doc"), "t.doc", &path).unwrap();
        assert_eq!(x.encoding, "tcvn3-as-unicode");
        let text = &x.pages[0];
        // TCVN3 has no upper-case letters with a tone: they come back in lower case.
        assert!(text.contains("ĐảNG CộNG SảN VIệT NAM"), "{text}");
        assert!(
            text.contains("Đại hội đại biểu Đảng bộ tỉnh lần thứ XX"),
            "{text}"
        );
    }

    #[test]
    fn docbook_is_read_tolerantly() {
        let xml = "<book><title>Bá»˜</title><chapter><title/><para>A &amp; B &lt;C&gt; &#7879;\
                   </para><para><emphasis>x</emphasis> y</para><informaltable><tgroup><tbody>\
                   <row><entry>1\n2</entry><entry>a|b</entry></row><row><entry>3</entry><entry>\
                   </entry></row></tbody></tgroup>\
                   </informaltable><para>&bogus; & end";
        assert_eq!(
            docbook_text(xml),
            "A & B <C> ệ\n\nx y\n\n| 1 2 | a/b |\n| 3 |  |\n\n&bogus; & end"
        );
        for hostile in [
            "<",
            "<<<<",
            "&",
            "&#xFFFFFFFF;",
            "<row><entry>",
            "</row></entry>",
        ] {
            let _ = docbook_text(hostile);
        }
    }
}
