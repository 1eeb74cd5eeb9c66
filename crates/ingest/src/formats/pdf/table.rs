//! Tables on a page rebuilt as rows of cells: each glyph inside a table's grid goes to the cell
//! it sits in, each cell's lines are laid out in the order they are drawn and joined, and each
//! row becomes one line of cells between pipes (`| 1 | Bộ Nội vụ | 2026 |`), the convention of
//! every extractor (see `formats`).

use super::grid::{Grid, grids};
use super::layout::{Glyph, cell_text};
use super::rows::lay_out;
use super::rules::Rule;

/// The tables of a page and which glyphs they took.
pub(super) struct Placed {
    /// Each table's rows, as pipe lines.
    pub tables: Vec<Vec<String>>,
    /// For each glyph of the page, the table it belongs to.
    pub owner: Vec<Option<usize>>,
}

/// Finds the tables that `rules` draw and lays out the glyphs inside them as rows; glyphs
/// outside every table are left to the page's lines. A table is read in the frame of its text
/// (see [`frame`]): a landscape table on a portrait page meets the rules turned with it, and a
/// column head turned upright inside a table still goes to its cell.
pub(super) fn place(glyphs: &[Glyph], rules: &[Rule]) -> Placed {
    let mut owner: Vec<Option<usize>> = vec![None; glyphs.len()];
    let mut tables = Vec::new();
    if rules.is_empty() {
        return Placed { tables, owner };
    }
    let page_quarter = most(&quarters(glyphs, 0..glyphs.len()));
    // Each glyph's anchor in page space.
    let anchors: Vec<(f64, f64)> = glyphs
        .iter()
        .map(|g| unturn(anchor(g), g.quarter))
        .collect();
    for quarter in 0..4u8 {
        if !glyphs.iter().any(|g| g.quarter == quarter) {
            continue;
        }
        let turned: Vec<Rule> = rules.iter().map(|r| turn_rule(r, quarter)).collect();
        for grid in grids(&turned) {
            let members: Vec<usize> = (0..glyphs.len())
                .filter(|&i| {
                    let (x, y) = turn(anchors[i], quarter);
                    owner[i].is_none() && grid.contains(x, y)
                })
                .collect();
            // The same grid is found in every frame; it is read in one.
            if frame(glyphs, &members, page_quarter) != quarter {
                continue;
            }
            let at: Vec<(f64, f64)> = members.iter().map(|&i| turn(anchors[i], quarter)).collect();
            let rows = rows(&grid, glyphs, &members, &at);
            if rows.is_empty() {
                continue;
            }
            for &i in &members {
                owner[i] = Some(tables.len());
            }
            tables.push(rows);
        }
    }
    Placed { tables, owner }
}

/// The frame a table whose glyphs are `members` reads in: that of the page's text
/// (`page_quarter`), unless under a quarter of its glyphs read so (a table turned on its own),
/// then that of most of them. Not that of most of its glyphs always: a table of narrow columns
/// turns its column heads, and they may outnumber the rest.
fn frame(glyphs: &[Glyph], members: &[usize], page_quarter: u8) -> u8 {
    let count = quarters(glyphs, members.iter().copied());
    if count[usize::from(page_quarter)] * 4 >= members.len() {
        return page_quarter;
    }
    most(&count)
}

/// How many of the glyphs `which` are turned each number of quarter turns.
fn quarters(glyphs: &[Glyph], which: impl Iterator<Item = usize>) -> [usize; 4] {
    let mut count = [0usize; 4];
    for i in which {
        count[usize::from(glyphs[i].quarter & 3)] += 1;
    }
    count
}

/// The number of quarter turns most glyphs have.
fn most(count: &[usize; 4]) -> u8 {
    (0..4u8).max_by_key(|&q| count[usize::from(q)]).unwrap_or(0)
}

/// The point of a glyph that decides its cell, in the glyph's frame: the middle of the glyph,
/// a third of the way up from its baseline. Its advance may hold a wide character spacing that
/// the writer takes back before the next glyph (`9.86 Tc [(M) 9858 (ã)] TJ` spreads a column
/// head over its cell), so the glyph is taken to be at most an em wide.
fn anchor(g: &Glyph) -> (f64, f64) {
    let width = (g.end - g.x).min(g.size);
    (g.x + width / 2.0, g.y + 0.3 * g.size)
}

/// A point of page space in the frame of text turned `quarter` quarter turns (see
/// `PageGlyphs::output_character`).
fn turn((x, y): (f64, f64), quarter: u8) -> (f64, f64) {
    match quarter {
        0 => (x, y),
        1 => (y, -x),
        2 => (-x, -y),
        _ => (-y, x),
    }
}

/// A point of the frame of text turned `quarter` quarter turns in page space: the inverse of
/// [`turn`].
fn unturn((x, y): (f64, f64), quarter: u8) -> (f64, f64) {
    turn((x, y), (4 - quarter) % 4)
}

/// A rule of page space in the frame of text turned `quarter` quarter turns.
fn turn_rule(r: &Rule, quarter: u8) -> Rule {
    let (a, b) = (turn((r.x0, r.y0), quarter), turn((r.x1, r.y1), quarter));
    Rule {
        x0: a.0.min(b.0),
        y0: a.1.min(b.1),
        x1: a.0.max(b.0),
        y1: a.1.max(b.1),
    }
}

/// The rows of one grid as pipe lines (see [`rows`] for which row each glyph goes to), rows
/// without text left out. A cell spanning rows is empty in the rows it is not drawn with, as
/// Word files give a merged cell.
///
/// [`rows`]: super::rows
fn rows(grid: &Grid, glyphs: &[Glyph], members: &[usize], at: &[(f64, f64)]) -> Vec<String> {
    let cell_of: Vec<usize> = at
        .iter()
        .map(|&(x, y)| {
            let (r, c) = grid.locate(x, y);
            grid.cell(r, c)
        })
        .collect();
    let mut out = Vec::new();
    for row in lay_out(grid, glyphs, members, at, &cell_of) {
        let cells: Vec<String> = row
            .into_iter()
            .map(|cell| {
                let cell: Vec<Glyph> = cell.into_iter().map(|i| glyphs[i].clone()).collect();
                cell_text(cell).replace('|', "/")
            })
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            out.push(format!("| {} |", cells.join(" | ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::layout::page_text;
    use super::*;

    /// A line of text in a fixed-pitch font of size 10 (each character 5 units wide), turned
    /// `quarter` quarter turns: `x0` and `y` are in its own frame.
    fn text(line: &str, x0: f64, y: f64, quarter: u8) -> Vec<Glyph> {
        line.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                text: c.to_string(),
                x: x0 + 5.0 * i as f64,
                end: x0 + 5.0 * (i + 1) as f64,
                y,
                size: 10.0,
                quarter,
            })
            .collect()
    }

    /// The borders of a grid with column boundaries `xs` and row boundaries `ys` (top first),
    /// drawn in the frame of `quarter` and given in page space; `skip` leaves out the
    /// horizontal border at `ys[k]` between columns `xs[a]` and `xs[b]`.
    fn borders(xs: &[f64], ys: &[f64], quarter: u8, skip: &[(usize, usize, usize)]) -> Vec<Rule> {
        let mut rules = Vec::new();
        let page = |x: f64, y: f64| unturn((x, y), quarter);
        let mut line = |a: (f64, f64), b: (f64, f64)| {
            let (a, b) = (page(a.0, a.1), page(b.0, b.1));
            rules.push(Rule {
                x0: a.0.min(b.0),
                y0: a.1.min(b.1),
                x1: a.0.max(b.0),
                y1: a.1.max(b.1),
            });
        };
        for (k, &y) in ys.iter().enumerate() {
            for c in 0..xs.len() - 1 {
                if !skip.iter().any(|&(sk, a, b)| sk == k && c >= a && c < b) {
                    line((xs[c], y), (xs[c + 1], y));
                }
            }
        }
        for &x in xs {
            line((x, ys[ys.len() - 1]), (x, ys[0]));
        }
        rules
    }

    #[test]
    fn a_ruled_table_drawn_cell_by_cell_gives_a_row_a_line() {
        let mut g = text("Điều 1. Ban hành kèm theo", 50.0, 750.0, 0);
        // The head row, then a row whose task wraps over three lines.
        g.extend(text("TT", 52.0, 712.0, 0));
        g.extend(text("Nhiệm vụ", 82.0, 712.0, 0));
        g.extend(text("Cơ quan", 232.0, 712.0, 0));
        g.extend(text("1.", 52.0, 692.0, 0));
        g.extend(text("Đổi mới nội dung", 82.0, 692.0, 0));
        g.extend(text("tuyên truyền về", 82.0, 680.0, 0));
        g.extend(text("bảo hiểm y tế", 82.0, 668.0, 0));
        g.extend(text("Bộ Y tế, Bộ", 232.0, 692.0, 0));
        g.extend(text("Tài chính", 232.0, 680.0, 0));
        g.extend(text("Điều 2. Hiệu lực", 50.0, 630.0, 0));
        let rules = borders(&[50.0, 80.0, 230.0, 330.0], &[725.0, 705.0, 660.0], 0, &[]);
        assert_eq!(
            page_text(g.clone(), &rules),
            "Điều 1. Ban hành kèm theo\n\
             | TT | Nhiệm vụ | Cơ quan |\n\
             | 1. | Đổi mới nội dung tuyên truyền về bảo hiểm y tế | Bộ Y tế, Bộ Tài chính |\n\
             Điều 2. Hiệu lực"
        );
        // Without borders the same glyphs come one cell line a line, as before.
        assert!(
            page_text(g, &[]).starts_with("Điều 1. Ban hành kèm theo\nTT\nNhiệm vụ\nCơ quan\n1.\n")
        );
    }

    #[test]
    fn a_table_turned_on_its_page_reads_in_its_own_frame() {
        let mut g = text("CÔNG BÁO", 50.0, 800.0, 0);
        for (t, x, y) in [("STT", 102.0, 112.0), ("Tên biểu", 152.0, 112.0)] {
            g.extend(text(t, x, y, 1));
        }
        for (t, x, y) in [("1", 102.0, 92.0), ("Lao động", 152.0, 92.0)] {
            g.extend(text(t, x, y, 1));
        }
        let rules = borders(&[100.0, 150.0, 300.0], &[125.0, 105.0, 85.0], 1, &[]);
        assert_eq!(
            page_text(g, &rules),
            "CÔNG BÁO\n| STT | Tên biểu |\n| 1 | Lao động |"
        );
    }

    #[test]
    fn rows_without_a_border_between_them_are_told_apart_by_drawing_order() {
        let mut g = Vec::new();
        for (label, code, y) in [("Luật", "110", 700.0), ("Pháp lệnh", "120", 680.0)] {
            g.extend(text(label, 52.0, y, 0));
            g.extend(text(code, 152.0, y, 0));
        }
        let rules = borders(&[50.0, 150.0, 200.0], &[715.0, 670.0], 0, &[]);
        assert_eq!(page_text(g, &rules), "| Luật | 110 |\n| Pháp lệnh | 120 |");
    }

    #[test]
    fn a_cell_spanning_rows_goes_to_the_row_it_is_drawn_with() {
        // `Chỉ tiêu` spans both head rows and is drawn with the second, as Word does; `Chia
        // ra` spans two columns of the first.
        let mut g = text("Chia ra", 102.0, 710.0, 0);
        g.extend(text("Chỉ tiêu", 52.0, 700.0, 0));
        g.extend(text("Nam", 102.0, 690.0, 0));
        g.extend(text("Nữ", 152.0, 690.0, 0));
        g.extend(text("Tổng số", 52.0, 670.0, 0));
        g.extend(text("7", 102.0, 670.0, 0));
        g.extend(text("9", 152.0, 670.0, 0));
        let xs = [50.0, 100.0, 150.0, 200.0];
        let ys = [720.0, 700.0, 680.0, 660.0];
        // No border under `Chỉ tiêu` between the head rows, none between `Chia ra`'s columns.
        let mut rules = borders(&xs, &ys, 0, &[(1, 0, 1)]);
        rules.retain(|r| !(r.x0 == 150.0 && r.y1 == 720.0));
        rules.push(Rule {
            x0: 150.0,
            y0: 660.0,
            x1: 150.0,
            y1: 700.0,
        });
        assert_eq!(
            page_text(g, &rules),
            "| | Chia ra |\n| Chỉ tiêu | Nam | Nữ |\n| Tổng số | 7 | 9 |".replace("| |", "|  |")
        );
    }
}
