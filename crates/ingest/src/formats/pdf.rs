//! Text extraction for PDF: the text layer of each page, its lines in the order they are drawn
//! and their words spaced by the glyphs' positions; scans without a text layer and text layers
//! whose fonts map glyphs to the wrong characters are refused rather than indexed as nothing or
//! as mojibake.
//!
//! Parsing and font decoding (ToUnicode maps, simple and CID encodings) are `lopdf` and
//! `pdf-extract`, both pure Rust, chosen by measuring on the six Official Gazette PDFs of
//! `tests/realdocs/` against their reference text (the figures are in the commit that says
//! so): `lopdf`'s own extraction and a ToUnicode walk over `pdf` (pdf-rs) lost a third to a half
//! of the words of four of them (CID fonts); `pdf_oxide` kept 98.4–100% but is 0.3.x with twice
//! the dependencies, slower, and gives no glyph-level view to tell a corrupt layer by;
//! `pdf-extract` kept 99.5–99.9% and reports each glyph with its position, so the layout (lines,
//! word gaps, turned text) and the checks for garbled layers are ours, in [`layout`] and
//! `quality`. Tables come out as rows of cells between pipes, like every format's: their
//! borders are read from the page's content (`rules`), make a grid (`grid`), and each glyph goes
//! to the cell and row it is drawn in (`table`, `rows`).

mod forms;
mod grid;
mod layout;
mod quality;
mod rows;
mod rules;
mod table;
mod widths;
mod wraps;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use super::{Extracted, Format, MAX_PAGES, unreadable};
use crate::IngestError;
use layout::Glyph;

/// The longest extraction may take: a hostile file (deeply nested forms, huge content streams)
/// is refused after this rather than holding a worker for minutes. Real documents take well under
/// a second.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most glyphs one page may draw; a real page has a few thousand.
const MAX_GLYPHS_PER_PAGE: usize = 200_000;

/// Extracts the text of a PDF file, one entry a page.
pub(super) fn extract(bytes: &[u8], file: &str) -> Result<Extracted, IngestError> {
    let refuse = |reason: String| unreadable(file, Format::Pdf, reason);
    // The crates may panic on malformed input: a panic is a damaged file, not a crash.
    let mut doc = catch_unwind(|| lopdf::Document::load_mem(bytes))
        .map_err(|_| refuse(damaged("its structure could not be parsed")))?
        .map_err(|e| refuse(load_error(&e)))?;
    // lopdf opens a file encrypted with an empty user password (most "protected" PDFs: printing
    // or copying restricted) and then drops `Encrypt` from the trailer; one left there means a
    // password is needed.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(refuse(
            "encrypted with a password; remove the protection (for example \
             `qpdf --decrypt --password=… in.pdf out.pdf`) and ingest the result"
                .to_string(),
        ));
    }
    widths::spell_out_ranges(&mut doc);
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(refuse(damaged("it has no pages")));
    }
    if pages.len() > MAX_PAGES {
        return Err(refuse(format!(
            "{} pages, more than the {MAX_PAGES} allowed; split it into parts",
            pages.len()
        )));
    }

    let started = Instant::now();
    let mut drawn = quality::Drawn::default();
    let mut texts = Vec::with_capacity(pages.len());
    let mut diagnostics = Vec::new();
    // Pages the decoder failed on, and the first failure.
    let mut failed = 0usize;
    let mut first_failure: Option<String> = None;
    for (&number, &page_id) in &pages {
        if catch_unwind(AssertUnwindSafe(|| forms::endless(&doc, page_id))).unwrap_or(true) {
            return Err(refuse(damaged(&format!(
                "page {number} draws a form that draws itself, or forms nested too deep"
            ))));
        }
        let mut page = PageGlyphs::new(started);
        let run = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc_page(&doc, &mut page, number)
        }));
        if page.timed_out {
            return Err(refuse(format!(
                "reading its text took longer than {} s (at page {number}); the file may be \
                 damaged or hostile",
                TIME_LIMIT.as_secs()
            )));
        }
        let failure = match run {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("the decoder failed".to_string()),
        };
        if let Some(why) = failure {
            diagnostics.push(format!(
                "pdf: page {number}: text partly unreadable ({why}); kept what was read"
            ));
            failed += 1;
            first_failure.get_or_insert(why);
        }
        drawn.glyphs += page.glyphs.len() + page.undecoded;
        drawn.undecoded += page.undecoded;
        // Borders read wrongly only cost a table its rows: a panic reading them costs nothing.
        let rules =
            catch_unwind(AssertUnwindSafe(|| rules::page_rules(&doc, page_id))).unwrap_or_default();
        texts.push(layout::page_text(page.glyphs, &rules));
    }

    // Pages the decoder gave up on would otherwise pass for a scan.
    if failed * 2 > texts.len() {
        return Err(refuse(damaged(&format!(
            "its text could not be decoded on {failed} of {} pages, first: {}",
            texts.len(),
            first_failure.unwrap_or_default()
        ))));
    }
    quality::check(&texts, drawn).map_err(refuse)?;
    for (i, text) in texts.iter().enumerate() {
        if quality::nearly_empty(text) {
            diagnostics.push(format!(
                "pdf: page {} has almost no text (an image of a page?)",
                i + 1
            ));
        }
    }
    Ok(Extracted {
        format: Format::Pdf,
        encoding: "utf-8".to_string(),
        pages: texts,
        paged: true,
        diagnostics,
    })
}

/// The reason for a file whose structure is broken.
fn damaged(what: &str) -> String {
    format!("damaged or truncated ({what}); get the file again, or re-save it from its source")
}

/// The reason for a file `lopdf` could not load.
fn load_error(e: &lopdf::Error) -> String {
    let text = e.to_string();
    if text.to_ascii_lowercase().contains("decrypt")
        || text.to_ascii_lowercase().contains("password")
    {
        return format!(
            "encrypted with a password ({text}); remove the protection (for example \
             `qpdf --decrypt --password=… in.pdf out.pdf`) and ingest the result"
        );
    }
    damaged(&text)
}

/// Collects the glyphs of one page as `pdf-extract` draws them.
struct PageGlyphs {
    glyphs: Vec<Glyph>,
    /// Glyphs drawn that the font maps to no character.
    undecoded: usize,
    started: Instant,
    timed_out: bool,
}

impl PageGlyphs {
    fn new(started: Instant) -> PageGlyphs {
        PageGlyphs {
            glyphs: Vec::new(),
            undecoded: 0,
            started,
            timed_out: false,
        }
    }
}

/// Stops the page: `pdf-extract` then returns this error.
fn stop() -> pdf_extract::OutputError {
    pdf_extract::OutputError::FormatError(std::fmt::Error)
}

impl pdf_extract::OutputDev for PageGlyphs {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        if self.glyphs.len() + self.undecoded >= MAX_GLYPHS_PER_PAGE {
            return Err(stop());
        }
        // Checking the clock every 256 glyphs costs nothing measurable.
        if self.glyphs.len().is_multiple_of(256) && self.started.elapsed() > TIME_LIMIT {
            self.timed_out = true;
            return Err(stop());
        }
        // The text rendering matrix holds the position and the scale, not the font size.
        let scale_x = trm.m11.hypot(trm.m12);
        let scale_y = trm.m21.hypot(trm.m22);
        let size = (font_size * scale_y).abs();
        // Text drawn turned (the column heads of report forms run upwards) is laid out in its
        // own frame, where it reads left to right: a quarter turn maps (x, y) to (y, -x).
        let (quarter, x, y) = if trm.m11.abs() >= trm.m12.abs() {
            if trm.m11 >= 0.0 {
                (0, trm.m31, trm.m32)
            } else {
                (2, -trm.m31, -trm.m32)
            }
        } else if trm.m12 > 0.0 {
            (1, trm.m32, -trm.m31)
        } else {
            (3, -trm.m32, trm.m31)
        };
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        if char.is_empty() {
            // pdf-extract gives nothing for a code that the font's ToUnicode map lacks.
            self.undecoded += 1;
            return Ok(());
        }
        let text: String = char.chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            return Ok(());
        }
        // Character spacing (Tc) widens the advance; a negative one must not shrink it below 0.
        let advance = (width * font_size + spacing.max(0.0)) * scale_x;
        self.glyphs.push(Glyph {
            text,
            x,
            end: x + advance.max(0.0),
            y,
            size,
            quarter,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}
