//! Page layout: turns the positioned glyphs of one PDF page into lines of text in the order they
//! are drawn, with spaces where the gaps between glyphs are word gaps, wrapped lines of running
//! text joined, and tables as rows.

use super::rules::Rule;
use super::table;
use super::wraps;

/// One glyph as drawn: its text and where it sits, in page space (y grows upwards).
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    /// The decoded text (one character, or a few for a ligature).
    pub text: String,
    /// Left edge.
    pub x: f64,
    /// Right edge (the left edge plus the advance width).
    pub end: f64,
    /// Baseline.
    pub y: f64,
    /// The rendered font size (the glyph's height in page space).
    pub size: f64,
    /// How the text is turned, in quarter turns counterclockwise (0: upright); `x` and `y` are in
    /// the turned frame, where the text reads left to right.
    pub quarter: u8,
}

impl Glyph {
    fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A word gap, as a share of the font size: letters of one word sit closer than this (kerning
/// may even overlap them), words further apart. Most Gazette PDFs also draw a space glyph.
const WORD_GAP: f64 = 0.18;

/// A gap this wide (in font sizes) inside one line separates the columns of a document header or
/// a running head from its page number, not words.
const CELL_GAP: f64 = 2.0;

/// Lays out the glyphs of a page as text, in the order they are drawn: a glyph on the baseline
/// of the one before, to its right and not far from it, continues its line; any other starts a
/// new line. A table that `rules` draw comes out as rows of cells (see [`table`]) where its first
/// glyph is drawn. A wrapped line of running text that the page shows to go on in the line below
/// is joined to it (see [`wraps`]). No line end after the last line (the parser puts one between
/// pages).
///
/// Drawing order, not position, orders the lines: PDF writers draw a page in reading order, a
/// table cell by cell, so each cell's wrapped lines stay together (sorting lines by position
/// interleaves the cells of a row: 91% of word pairs kept on the tables of 844/QĐ-TTg against
/// 99.5% this way). So the two columns of a header, a running head and its page number, and the
/// cells of a table without borders come one a line, like the reference extractions.
///
/// [`table`]: super::table
/// [`wraps`]: super::wraps
pub(super) fn page_text(glyphs: Vec<Glyph>, rules: &[Rule]) -> String {
    let glyphs = attach_marks(glyphs);
    let mut placed = table::place(&glyphs, rules);
    let mut lines: Vec<Laid> = Vec::new();
    let mut run: Vec<Glyph> = Vec::new();
    let mut done = vec![false; placed.tables.len()];
    for (g, owner) in glyphs.into_iter().zip(placed.owner) {
        match owner {
            None => run.push(g),
            Some(t) if !done[t] => {
                done[t] = true;
                text_lines(std::mem::take(&mut run), &mut lines);
                lines.extend(placed.tables[t].drain(..).map(Laid::apart));
            }
            Some(_) => {}
        }
    }
    text_lines(run, &mut lines);
    wraps::join(lines).join("\n")
}

/// One line of a page's text as laid out: a table row, a run of a line between wide gaps, or a
/// whole line, with where it sits when it may be a line of running text.
pub(super) struct Laid {
    /// The line's text, its words spaced.
    pub text: String,
    /// Where the line is drawn; `None` for a table row and for the runs of a line cut by wide
    /// gaps (a header's two columns), which are never running text.
    pub at: Option<Extent>,
}

impl Laid {
    fn apart(text: String) -> Laid {
        Laid { text, at: None }
    }
}

/// Where an upright line of text is drawn, in page space.
#[derive(Debug, Clone, Copy)]
pub(super) struct Extent {
    /// The left edge of its first glyph.
    pub x0: f64,
    /// The right edge of its last glyph.
    pub x1: f64,
    /// Its baseline.
    pub y: f64,
    /// Its largest font size.
    pub size: f64,
}

/// Lays out glyphs outside tables as lines, each run between wide gaps a line of its own.
fn text_lines(glyphs: Vec<Glyph>, out: &mut Vec<Laid>) {
    for line in &group_lines(glyphs) {
        let cells = cells(line);
        let at = if cells.len() == 1 { extent(line) } else { None };
        out.extend(cells.into_iter().map(|c| Laid { text: c.text, at }));
    }
}

/// Where an upright line is drawn, from its first glyph's ink to its last's.
fn extent(line: &Line) -> Option<Extent> {
    let ink = || line.glyphs.iter().filter(|g| !g.is_space());
    let first = ink().next().filter(|g| g.quarter == 0)?;
    Some(Extent {
        x0: ink().map(|g| g.x).fold(f64::INFINITY, f64::min),
        x1: ink().map(|g| g.end).fold(f64::NEG_INFINITY, f64::max),
        y: first.y,
        size: line.size,
    })
}

/// The text of one table cell: its lines, in drawing order, joined by spaces.
pub(super) fn cell_text(glyphs: Vec<Glyph>) -> String {
    let mut text = String::new();
    for line in &group_lines(glyphs) {
        for cell in cells(line) {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&cell.text);
        }
    }
    text
}

/// Combining marks drawn as glyphs of their own (some fonts place a tone mark over the letter
/// drawn before it) join that letter, even where they are drawn left of it.
fn attach_marks(glyphs: Vec<Glyph>) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let mark = g
            .text
            .chars()
            .all(|c| crate::normalize::is_word_char(c) && !c.is_alphanumeric());
        match out.last_mut() {
            Some(prev) if mark && !g.text.is_empty() => prev.text.push_str(&g.text),
            _ => out.push(g),
        }
    }
    out
}

/// One line: its largest font size and its glyphs in drawing order.
struct Line {
    size: f64,
    glyphs: Vec<Glyph>,
}

/// Groups glyphs, in drawing order, into lines (see [`page_text`]). The baseline may move by
/// under half the font size within a line (superscripts, mixed sizes).
fn group_lines(glyphs: Vec<Glyph>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for g in glyphs {
        // Fake bold draws a letter, or a whole string, twice a hair apart: read it once.
        let n = lines.len();
        let twice = lines[n.saturating_sub(2)..].iter().any(|l| {
            l.glyphs.iter().rev().take(400).any(|k| {
                (k.x - g.x).abs() < 0.1 * g.size
                    && (k.y - g.y).abs() < 0.1 * g.size
                    && k.quarter == g.quarter
                    && k.text == g.text
            })
        });
        if twice {
            continue;
        }
        let continues = lines.last().is_some_and(|l| {
            l.glyphs.last().is_some_and(|last| {
                let size = l.size.max(g.size);
                last.quarter == g.quarter
                    && (last.y - g.y).abs() < 0.45 * size
                    && g.x >= last.x - 0.3 * size
                    && g.x - last.end < CELL_GAP * size
            })
        });
        match lines.last_mut() {
            Some(line) if continues => {
                line.size = line.size.max(g.size);
                line.glyphs.push(g);
            }
            _ => lines.push(Line {
                size: g.size,
                glyphs: vec![g],
            }),
        }
    }
    lines.retain(|l| l.glyphs.iter().any(|g| !g.is_space()));
    lines
}

/// A run of a line between wide gaps.
struct Cell {
    text: String,
}

/// The cells of a line: its text split at gaps wider than [`CELL_GAP`] font sizes, with single
/// spaces at word gaps.
fn cells(line: &Line) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut last_end = f64::NEG_INFINITY;
    let mut pending_space = false;
    for g in &line.glyphs {
        let size = g.size.max(line.size * 0.5).max(1e-3);
        if g.is_space() {
            pending_space = true;
            last_end = last_end.max(g.end);
            continue;
        }
        let gap = g.x - last_end;
        match cells.last_mut() {
            Some(cell) if gap < CELL_GAP * size => {
                if pending_space || gap > WORD_GAP * size {
                    cell.text.push(' ');
                }
                cell.text.push_str(&g.text);
            }
            _ => cells.push(Cell {
                text: g.text.clone(),
            }),
        }
        pending_space = false;
        last_end = last_end.max(g.end);
    }
    for c in &mut cells {
        let trimmed = c.text.trim();
        if trimmed.len() != c.text.len() {
            c.text = trimmed.to_string();
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(line: &str, x0: f64, y: f64) -> Vec<Glyph> {
        // A fixed-pitch font of size 10: each character 5 units wide.
        line.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x: x0 + 5.0 * i as f64,
                end: x0 + 5.0 * (i + 1) as f64,
                y,
                size: 10.0,
                quarter: 0,
            })
            .collect()
    }

    #[test]
    fn lines_come_in_drawing_order_with_words_spaced() {
        let mut g = glyphs("Điều 1. Phạm vi", 50.0, 720.0);
        g.extend(glyphs("Điều 2. Hiệu lực", 50.0, 700.0));
        assert_eq!(page_text(g, &[]), "Điều 1. Phạm vi\nĐiều 2. Hiệu lực");
    }

    #[test]
    fn a_table_row_drawn_cell_by_cell_gives_a_line_a_cell_line() {
        let mut g = glyphs("Đổi mới nội dung", 50.0, 700.0);
        g.extend(glyphs("tuyên truyền", 50.0, 688.0));
        g.extend(glyphs("Bộ Y tế", 150.0, 700.0));
        g.extend(glyphs("2026", 250.0, 700.0));
        assert_eq!(
            page_text(g, &[]),
            "Đổi mới nội dung\ntuyên truyền\nBộ Y tế\n2026"
        );
    }

    #[test]
    fn word_gaps_without_space_glyphs_give_spaces() {
        let mut g = glyphs("Chính", 50.0, 700.0);
        g.extend(glyphs("phủ", 50.0 + 25.0 + 3.0, 700.0));
        assert_eq!(page_text(g, &[]), "Chính phủ");
    }

    #[test]
    fn runs_apart_by_wide_gaps_come_one_a_line() {
        let mut g = glyphs("CÔNG BÁO/Số 286/Ngày 27-05-2026", 50.0, 800.0);
        g.extend(glyphs("89", 500.0, 800.0));
        g.extend(glyphs("Điều 1.", 50.0, 780.0));
        assert_eq!(
            page_text(g, &[]),
            "CÔNG BÁO/Số 286/Ngày 27-05-2026\n89\nĐiều 1."
        );
    }

    /// `start` filled out with words to `n` characters, the last one a letter.
    fn fill(start: &str, n: usize) -> String {
        let mut s = start.to_string();
        while s.chars().count() < n {
            s.push_str(" và");
        }
        let mut s: String = s.chars().take(n - 1).collect();
        s.push('a');
        s
    }

    #[test]
    fn a_line_that_fills_the_column_goes_on_in_the_flush_line_below() {
        let lines = [
            (fill("Căn cứ Nghị quyết của", 36), 70.0),
            ("Cộng sản Việt Nam;".to_string(), 50.0),
            (fill("Căn cứ Kết luận", 36), 70.0),
            (fill("về Kế hoạch", 40), 50.0),
            (fill("tư công", 40), 50.0),
            ("trưởng;".to_string(), 50.0),
        ];
        let mut g = Vec::new();
        for (i, (t, x)) in lines.iter().enumerate() {
            g.extend(glyphs(t, *x, 700.0 - 12.0 * i as f64));
        }
        let l = lines.map(|(t, _)| t);
        assert_eq!(
            page_text(g, &[]),
            format!("{} {}\n{}\n{}\n{}\n{}", l[0], l[1], l[2], l[3], l[4], l[5])
        );
    }

    #[test]
    fn turned_text_reads_along_its_own_lines() {
        let mut g = glyphs("Chỉ tiêu", 100.0, 400.0);
        for mut t in glyphs("Tổng số", 300.0, -50.0) {
            t.quarter = 1;
            g.push(t);
        }
        assert_eq!(page_text(g, &[]), "Chỉ tiêu\nTổng số");
    }

    #[test]
    fn fake_bold_and_separate_tone_marks_are_read_once() {
        let mut g = glyphs("Luật", 50.0, 700.0);
        g.extend(glyphs("Luật", 50.3, 700.0));
        g.push(Glyph {
            text: "a".into(),
            x: 80.0,
            end: 85.0,
            y: 700.0,
            size: 10.0,
            quarter: 0,
        });
        g.push(Glyph {
            text: "\u{301}".into(),
            x: 79.0,
            end: 79.0,
            y: 700.0,
            size: 10.0,
            quarter: 0,
        });
        assert_eq!(page_text(g, &[]), "Luật a\u{301}");
    }
}
