//! Tables drawn with borders: the grid their ruling lines make, its columns and rows, and the
//! cells merged across them (a border missing between two grid cells joins them, as Word's
//! merged cells are drawn).

use super::rules::Rule;

/// Lines this close (in points) across their length are one line: a double border, or the
/// pieces of one border drawn cell by cell a hair apart.
const SAME_LINE: f64 = 2.0;

/// Column or row boundaries closer than this (in points) are one: no cell is so narrow, but a
/// merged cell's border may be drawn a few points off the table's (109/NQ-CP: 796.4 and 799.3).
const NARROWEST: f64 = 4.0;

/// Lines whose ends are this close (in points) meet.
const MEET: f64 = 2.5;

/// The most pairs of horizontal and vertical lines compared, and the most grid cells a table
/// may have: a real page has a few hundred lines and tables of a few hundred cells; past these
/// a page is hostile, and its text is read without tables.
const MAX_PAIRS: usize = 4_000_000;
const MAX_CELLS: usize = 10_000;

/// The most tables a page may have (a page of report forms has two or three); past this the
/// page is hostile and its text is read without tables.
const MAX_TABLES: usize = 100;

/// The grid of one table: where its column and row boundaries are, and which grid cells are
/// merged into one cell.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    /// Column boundaries, left to right (one more than the columns).
    pub xs: Vec<f64>,
    /// Row boundaries, top to bottom, as `y` falls (one more than the rows).
    pub ys: Vec<f64>,
    /// For each grid cell, row by row, the number of the cell it belongs to.
    owner: Vec<usize>,
}

/// Where a merged cell lies in its grid: its first row and column, and its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub row: usize,
    pub col: usize,
    pub last_row: usize,
    pub last_col: usize,
}

impl Grid {
    /// How many columns the grid has.
    pub fn columns(&self) -> usize {
        self.xs.len() - 1
    }

    /// How many rows the grid has.
    pub fn rows(&self) -> usize {
        self.ys.len() - 1
    }

    /// The number of the cell at grid row `r`, column `c`.
    pub fn cell(&self, r: usize, c: usize) -> usize {
        self.owner[r * self.columns() + c]
    }

    /// Whether the point (`x`, `y`) lies inside the table (its frame, give or take a line's
    /// width).
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let (left, right) = (self.xs[0], self.xs[self.columns()]);
        let (top, bottom) = (self.ys[0], self.ys[self.rows()]);
        x > left - MEET && x < right + MEET && y < top + MEET && y > bottom - MEET
    }

    /// The grid row and column of the point (`x`, `y`), which lies inside the table.
    pub fn locate(&self, x: f64, y: f64) -> (usize, usize) {
        let c = self.xs[1..self.columns()]
            .iter()
            .take_while(|&&b| x >= b)
            .count();
        let r = self.ys[1..self.rows()]
            .iter()
            .take_while(|&&b| y <= b)
            .count();
        (r, c)
    }

    /// The extent of each cell, by its number.
    pub fn spans(&self) -> Vec<Span> {
        let n = self.owner.iter().max().map_or(0, |m| m + 1);
        let mut spans: Vec<Option<Span>> = vec![None; n];
        for r in 0..self.rows() {
            for c in 0..self.columns() {
                let s = spans[self.cell(r, c)].get_or_insert(Span {
                    row: r,
                    col: c,
                    last_row: r,
                    last_col: c,
                });
                s.last_row = s.last_row.max(r);
                s.col = s.col.min(c);
                s.last_col = s.last_col.max(c);
            }
        }
        spans.into_iter().flatten().collect()
    }
}

/// The tables the ruling lines of a page draw: each set of lines that meet, with at least two
/// columns and one row, is one table.
pub(super) fn grids(rules: &[Rule]) -> Vec<Grid> {
    let (mut hs, mut vs): (Vec<Rule>, Vec<Rule>) = rules.iter().partition(|r| r.y0 == r.y1);
    // Verticals as (x, y0, y1) turned into the same shape as horizontals: merge both alike.
    for r in &mut vs {
        *r = Rule {
            x0: r.y0,
            y0: r.x0,
            x1: r.y1,
            y1: r.x0,
        };
    }
    let hs = merge(&mut hs);
    let vs: Vec<Rule> = merge(&mut vs)
        .into_iter()
        .map(|r| Rule {
            x0: r.y0,
            y0: r.x0,
            x1: r.y0,
            y1: r.x1,
        })
        .collect();
    if hs.len() * vs.len() > MAX_PAIRS {
        return Vec::new();
    }
    let mut sets = UnionFind::new(hs.len() + vs.len());
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            let meet = v.x0 > h.x0 - MEET
                && v.x0 < h.x1 + MEET
                && h.y0 > v.y0 - MEET
                && h.y0 < v.y1 + MEET;
            if meet {
                sets.union(i, hs.len() + j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for (i, h) in hs.iter().enumerate() {
        groups.entry(sets.find(i)).or_default().0.push(*h);
    }
    for (j, v) in vs.iter().enumerate() {
        groups
            .entry(sets.find(hs.len() + j))
            .or_default()
            .1
            .push(*v);
    }
    let grids: Vec<Grid> = groups
        .into_values()
        .filter_map(|(h, v)| grid(&h, &v))
        .collect();
    if grids.len() > MAX_TABLES {
        return Vec::new();
    }
    grids
}

/// Merges lines of one direction (given as horizontals) that are one line: on the same level
/// and touching or overlapping along it.
fn merge(lines: &mut [Rule]) -> Vec<Rule> {
    lines.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    // Levels: runs of lines whose heights differ by under SAME_LINE from the run's first.
    let mut out: Vec<Rule> = Vec::new();
    let mut level_start = 0;
    while level_start < lines.len() {
        let y = lines[level_start].y0;
        let mut end = level_start;
        while end < lines.len() && lines[end].y0 - y < SAME_LINE {
            end += 1;
        }
        let level = &mut lines[level_start..end];
        level.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mean = level.iter().map(|l| l.y0).sum::<f64>() / level.len() as f64;
        let mut current: Option<Rule> = None;
        for l in level.iter() {
            match current.as_mut() {
                Some(c) if l.x0 <= c.x1 + SAME_LINE => c.x1 = c.x1.max(l.x1),
                _ => {
                    out.extend(current.take());
                    current = Some(Rule {
                        x0: l.x0,
                        y0: mean,
                        x1: l.x1,
                        y1: mean,
                    });
                }
            }
        }
        out.extend(current);
        level_start = end;
    }
    out
}

/// The grid of a set of lines that meet: `None` unless it has at least two columns and a row.
fn grid(hs: &[Rule], vs: &[Rule]) -> Option<Grid> {
    let xs = levels(vs.iter().map(|v| v.x0));
    let mut ys = levels(hs.iter().map(|h| h.y0));
    if xs.len() < 3 || ys.len() < 2 || xs.len() * ys.len() > MAX_CELLS {
        return None;
    }
    ys.reverse();
    let (cols, rows) = (xs.len() - 1, ys.len() - 1);
    let mut sets = UnionFind::new(rows * cols);
    for r in 0..rows {
        let mid_y = (ys[r] + ys[r + 1]) / 2.0;
        for c in 0..cols {
            let mid_x = (xs[c] + xs[c + 1]) / 2.0;
            // No border between this cell and the one to its right, or below it: one cell.
            let right = c + 1 < cols
                && !vs
                    .iter()
                    .any(|v| (v.x0 - xs[c + 1]).abs() < SAME_LINE && v.y0 < mid_y && v.y1 > mid_y);
            if right {
                sets.union(r * cols + c, r * cols + c + 1);
            }
            let below = r + 1 < rows
                && !hs
                    .iter()
                    .any(|h| (h.y0 - ys[r + 1]).abs() < SAME_LINE && h.x0 < mid_x && h.x1 > mid_x);
            if below {
                sets.union(r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    // Number the cells in reading order.
    let mut number: std::collections::HashMap<usize, usize> = Default::default();
    let owner = (0..rows * cols)
        .map(|k| {
            let root = sets.find(k);
            let next = number.len();
            *number.entry(root).or_insert(next)
        })
        .collect();
    Some(Grid { xs, ys, owner })
}

/// The distinct levels among `values`: those under [`NARROWEST`] apart (from the first of them)
/// are one, the middle of their range, so each lies under [`SAME_LINE`] from it.
fn levels(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    let mut run: Option<(f64, f64)> = None;
    for x in v {
        match run.as_mut() {
            Some((first, last)) if x - *first < NARROWEST => *last = x,
            _ => {
                out.extend(run.map(|(f, l)| (f + l) / 2.0));
                run = Some((x, x));
            }
        }
    }
    out.extend(run.map(|(f, l)| (f + l) / 2.0));
    out
}

/// Disjoint sets of `0..n`, by union and find with path halving.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x0: f64, x1: f64, y: f64) -> Rule {
        Rule {
            x0,
            y0: y,
            x1,
            y1: y,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule {
            x0: x,
            y0,
            x1: x,
            y1,
        }
    }

    #[test]
    fn a_ruled_table_gives_its_columns_rows_and_merged_cells() {
        // Three columns, three rows; the first row's cells merged into one (a section row),
        // the last column's cells of rows 2 and 3 merged (no border between them).
        let rules = [
            h(0.0, 300.0, 300.0),
            h(0.0, 300.0, 280.0),
            h(0.0, 200.0, 250.0),
            h(0.0, 300.0, 220.0),
            v(0.0, 220.0, 300.0),
            v(300.0, 220.0, 300.0),
            v(100.0, 220.0, 280.0),
            v(200.0, 220.0, 280.0),
            // Word draws a border twice a hair apart: one line.
            v(200.6, 220.0, 280.0),
        ];
        let grids = grids(&rules);
        assert_eq!(grids.len(), 1);
        let g = &grids[0];
        assert_eq!((g.columns(), g.rows()), (3, 3));
        let spans = g.spans();
        assert_eq!(spans.len(), 1 + 3 + 2);
        assert_eq!(
            spans[0],
            Span {
                row: 0,
                col: 0,
                last_row: 0,
                last_col: 2
            }
        );
        assert_eq!(g.cell(1, 2), g.cell(2, 2));
        assert_eq!(g.locate(150.0, 260.0), (1, 1));
        assert!(g.contains(299.0, 221.0) && !g.contains(150.0, 310.0));
    }

    #[test]
    fn a_box_or_lines_that_do_not_meet_are_no_table() {
        let frame = [
            h(0.0, 300.0, 300.0),
            h(0.0, 300.0, 200.0),
            v(0.0, 200.0, 300.0),
            v(300.0, 200.0, 300.0),
        ];
        assert!(grids(&frame).is_empty());
        let apart = [
            h(0.0, 100.0, 500.0),
            v(200.0, 100.0, 300.0),
            v(250.0, 100.0, 300.0),
        ];
        assert!(grids(&apart).is_empty());
    }
}
