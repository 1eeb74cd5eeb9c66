//! Which row of a table each glyph belongs to. A grid row is a row, with two corrections drawn
//! from the order the writer draws a table in (cell by cell, row by row):
//!
//! - rows left without a border between them share a grid row: where the drawing comes back
//!   to an earlier column, below all the row's text so far, a new row starts;
//! - a cell spanning rows belongs to the row it is drawn with: the one in which its column
//!   agrees with the drawing order (cells of lower columns drawn before it, of higher columns
//!   after). Word draws such a cell with its last row, so the last row of a table head names
//!   every column.

use std::cmp::Reverse;

use super::grid::{Grid, Span};
use super::layout::Glyph;

/// A table's rows, top to bottom: each row's cells in column order (one for each cell that
/// starts in a column), each cell the indices of its glyphs in drawing order.
pub(super) type Rows = Vec<Vec<Vec<usize>>>;

/// Lays the glyphs `members` (indices into `glyphs`, in drawing order) of a table out in rows;
/// `at` gives each member's anchor in the table's frame and `cell_of` its cell in `grid`.
pub(super) fn lay_out(
    grid: &Grid,
    glyphs: &[Glyph],
    members: &[usize],
    at: &[(f64, f64)],
    cell_of: &[usize],
) -> Rows {
    let spans = grid.spans();
    let spanning = |n: usize| spans[n].row != spans[n].last_row;
    // The first glyph of each cell, in drawing order.
    let mut first: Vec<Option<usize>> = vec![None; spans.len()];
    for (&i, &n) in members.iter().zip(cell_of) {
        first[n].get_or_insert(i);
    }
    // By grid row: its cells that do not span rows, and their members (positions in
    // `members`, so in drawing order).
    let mut cells: Vec<Vec<usize>> = vec![Vec::new(); grid.rows()];
    for n in (0..spans.len()).filter(|&n| !spanning(n)) {
        cells[spans[n].row].push(n);
    }
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); grid.rows()];
    for (j, &n) in cell_of.iter().enumerate() {
        if !spanning(n) {
            held[spans[n].row].push(j);
        }
    }
    // Rows within each grid row.
    let mut sub: Vec<usize> = vec![0; members.len()];
    let count: Vec<usize> = held
        .iter()
        .map(|js| split(&spans, glyphs, members, at, cell_of, js, &mut sub))
        .collect();
    // The row, and row within it, of each cell spanning rows.
    let mut placed: Vec<Option<(usize, usize)>> = vec![None; spans.len()];
    for n in (0..spans.len()).filter(|&n| spanning(n)) {
        let Some(d) = first[n] else { continue };
        let s = spans[n];
        let r = (s.row..=s.last_row)
            .min_by_key(|&r| {
                // Cells of the row that disagree with its being drawn there, and that agree;
                // between rows alike, the one drawn last before it.
                let (mut against, mut with, mut latest) = (0usize, 0usize, 0usize);
                for &m in &cells[r] {
                    if let Some(f) = first[m] {
                        if (f < d) == (spans[m].col < s.col) {
                            with += 1;
                        } else {
                            against += 1;
                        }
                        if f < d {
                            latest = latest.max(f + 1);
                        }
                    }
                }
                (against, Reverse(with), Reverse(latest))
            })
            .unwrap_or(s.row);
        // Within it, the first of its rows drawn on after the cell.
        let after = held[r].partition_point(|&j| members[j] < d);
        let k = held[r].get(after).map_or(count[r] - 1, |&j| sub[j]);
        placed[n] = Some((r, k));
    }
    // Each cell's glyphs by the row within its grid row they went to.
    let mut pieces: std::collections::HashMap<(usize, usize), Vec<usize>> = Default::default();
    for ((&i, &n), &k) in members.iter().zip(cell_of).zip(&sub) {
        pieces.entry((n, k)).or_default().push(i);
    }
    let mut rows: Rows = Vec::new();
    for (r, &count) in count.iter().enumerate() {
        for k in 0..count {
            let mut row: Vec<Vec<usize>> = Vec::new();
            for c in 0..grid.columns() {
                let n = grid.cell(r, c);
                if spans[n].col != c {
                    continue;
                }
                let cell = if !spanning(n) {
                    pieces.remove(&(n, k))
                } else if placed[n] == Some((r, k)) {
                    pieces.remove(&(n, 0))
                } else {
                    None
                };
                row.push(cell.unwrap_or_default());
            }
            rows.push(row);
        }
    }
    rows
}

/// Splits a grid row where its writer left out the border between two rows: sets `sub` of its
/// members `js` (positions in the table's members, in drawing order, of its cells that do not
/// span rows) and returns how many rows it holds.
fn split(
    spans: &[Span],
    glyphs: &[Glyph],
    members: &[usize],
    at: &[(f64, f64)],
    cell_of: &[usize],
    js: &[usize],
    sub: &mut [usize],
) -> usize {
    let mut k = 0;
    let mut column = 0;
    let mut lowest = f64::INFINITY;
    for &j in js {
        let col = spans[cell_of[j]].col;
        let g = &glyphs[members[j]];
        if !g.text.trim().is_empty() {
            // Back to an earlier column, wholly below the row's text so far (its top under
            // their baselines, as anchors sit alike on each glyph): a new row.
            let y = at[j].1;
            if col < column && y + g.size < lowest {
                k += 1;
                lowest = f64::INFINITY;
            }
            column = col;
            lowest = lowest.min(y);
        }
        sub[j] = k;
    }
    k + 1
}
