//! Page layout: turns the positioned glyphs of one PDF page into lines of text in reading order,
//! with spaces where the gaps between glyphs are word gaps.

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

/// Lays out the glyphs of a page (in drawing order) as text: one visual line a line, top to
/// bottom, without a line end after the last (the parser puts one between pages). Runs of a line
/// apart by wide gaps (the two columns of a document header, a running head and its page number)
/// come one a line, left to right.
///
/// Turned text (column heads of forms written upwards) comes after the upright text, laid out
/// the same way in its own frame.
pub(super) fn page_text(glyphs: Vec<Glyph>) -> String {
    let mut turned: [Vec<Glyph>; 4] = Default::default();
    for g in glyphs {
        turned[usize::from(g.quarter % 4)].push(g);
    }
    let mut out = String::new();
    for glyphs in turned {
        lay_out(glyphs, &mut out);
    }
    out
}

/// Lays out glyphs that all read the same way, appending lines to `out`.
fn lay_out(glyphs: Vec<Glyph>, out: &mut String) {
    if glyphs.is_empty() {
        return;
    }
    let lines = group_lines(attach_marks(glyphs));
    for line in &lines {
        for cell in cells(line) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&cell.text);
        }
    }
}

/// Combining marks drawn as glyphs of their own (some fonts place a tone mark over the letter
/// drawn before it) join that letter, so that sorting by position cannot move them off it.
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

/// One visual line: its baseline, font size and runs, left to right.
struct Line {
    y: f64,
    size: f64,
    runs: Vec<Vec<Glyph>>,
}

/// Groups glyphs by baseline (within a third of the font size, so that superscripts and
/// slightly shifted text stay on their line), lines top to bottom.
///
/// Within a line, glyphs drawn one after the other, each to the right of the last and not far
/// from it, form a run; runs are ordered by where they start, and their glyphs keep the order
/// they were drawn in. Sorting glyphs one by one would interleave two table cells whenever a
/// font's widths are wrong and the first cell seems to run into the second (`Bộ Công Th
/// ươnBgộ Tài chính` in 109/NQ-CP).
fn group_lines(glyphs: Vec<Glyph>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut last_line: Option<usize> = None;
    for g in glyphs {
        // Most glyphs continue the line drawn last: look there first.
        let found = lines.iter().rposition(|l| {
            let tol = 0.35 * l.size.max(g.size);
            (l.y - g.y).abs() <= tol
        });
        match found {
            Some(i) => {
                let line = &mut lines[i];
                // Fake bold draws a letter (or a whole string) twice, a hair apart: read it once.
                let twice = line.runs.iter().flatten().any(|k| {
                    (k.x - g.x).abs() < 0.1 * g.size
                        && (k.y - g.y).abs() < 0.1 * g.size
                        && k.text == g.text
                });
                if twice {
                    last_line = Some(i);
                    continue;
                }
                // Keep the baseline of the larger text (a superscript does not move it).
                if g.size > line.size && !g.is_space() {
                    line.y = g.y;
                    line.size = g.size;
                }
                let continues = last_line == Some(i)
                    && line.runs.last().and_then(|r| r.last()).is_some_and(|last| {
                        g.x >= last.x - 0.3 * g.size && g.x - last.end < CELL_GAP * g.size
                    });
                match line.runs.last_mut() {
                    Some(run) if continues => run.push(g),
                    _ => line.runs.push(vec![g]),
                }
            }
            None => lines.push(Line {
                y: g.y,
                size: g.size,
                runs: vec![vec![g]],
            }),
        }
        last_line = found.or(Some(lines.len() - 1));
    }
    lines.sort_by(|a, b| b.y.total_cmp(&a.y));
    for line in &mut lines {
        line.runs.sort_by(|a, b| a[0].x.total_cmp(&b[0].x));
    }
    lines.retain(|l| l.runs.iter().flatten().any(|g| !g.is_space()));
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
    for (run_start, g) in line
        .runs
        .iter()
        .flat_map(|r| r.iter().enumerate().map(|(i, g)| (i == 0, g)))
    {
        let size = g.size.max(line.size * 0.5).max(1e-3);
        if g.is_space() {
            pending_space = true;
            last_end = last_end.max(g.end);
            continue;
        }
        let gap = g.x - last_end;
        match cells.last_mut() {
            Some(cell) if gap < CELL_GAP * size => {
                // A run that starts over the last one (wrong widths) is a new word too.
                if pending_space || gap > WORD_GAP * size || (run_start && gap < 0.0) {
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
    fn lines_come_top_to_bottom_with_words_spaced() {
        let mut g = glyphs("Điều 2. Hiệu lực", 50.0, 700.0);
        g.extend(glyphs("Điều 1. Phạm vi", 50.0, 720.0));
        assert_eq!(page_text(g), "Điều 1. Phạm vi\nĐiều 2. Hiệu lực");
    }

    #[test]
    fn word_gaps_without_space_glyphs_give_spaces() {
        let mut g = glyphs("Chính", 50.0, 700.0);
        g.extend(glyphs("phủ", 50.0 + 25.0 + 3.0, 700.0));
        assert_eq!(page_text(g), "Chính phủ");
    }

    #[test]
    fn runs_apart_by_wide_gaps_come_one_a_line() {
        let mut g = glyphs("CÔNG BÁO/Số 286/Ngày 27-05-2026", 50.0, 800.0);
        g.extend(glyphs("89", 500.0, 800.0));
        g.extend(glyphs("Điều 1.", 50.0, 780.0));
        assert_eq!(page_text(g), "CÔNG BÁO/Số 286/Ngày 27-05-2026\n89\nĐiều 1.");
    }

    #[test]
    fn turned_text_reads_along_its_own_lines_after_the_upright_text() {
        let mut g = glyphs("Chỉ tiêu", 100.0, 400.0);
        for mut t in glyphs("Tổng số", 300.0, -50.0) {
            t.quarter = 1;
            g.push(t);
        }
        assert_eq!(page_text(g), "Chỉ tiêu\nTổng số");
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
        assert_eq!(page_text(g), "Luật a\u{301}");
    }
}
