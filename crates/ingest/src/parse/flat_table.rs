//! Tables flattened one cell a line, as text extractions of the Gazette's PDFs write them
//! (`STT` / `Tên nhiệm vụ` / `Cơ quan` / `chủ trì` / … / `1.` / cell lines / `2.` …): one row
//! block a numbered row, group rows (`I. …`) kept as rows, the column heads a page repeats kept
//! out of the rows.
//!
//! A cell's lines cannot be told from the next cell's in such text, so a row keeps its lines as
//! they came, in order; what is rebuilt is the row. Its number is told from a cell's by the
//! table's own numbering: a row number follows the last one (`3.` after `2.`, `1.2` after `1.1`,
//! `2.` after `1.3`, `1` again after a group row), and is written as the table writes its row
//! numbers (with or without a closing dot, learned from its first row of each depth), so a list
//! inside a cell (`1. Bộ Tài chính đầu mối …` in a table whose rows are `1`, `2`) stays in the
//! cell.

use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{Block, Splitter};
use super::header::is_bare_motto;
use super::lines::{Marker, Scheme};

/// A row number opening a line: `3`, `3.`, `1.2`, `1.2.`.
static RE_ROW_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})(?:\.(\d{1,3}))?(\.)?(?:\s+|$)").expect("valid regex"));
/// A group row's roman number opening a line: `I`, `II.`, `IV. Tăng cường …`.
static RE_GROUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[IVXL]{1,5}\.?(?:\s+\S|$)").expect("valid regex"));

/// A part across a table's columns: `PHẦN A. MẪU BIỂU …`, `Phần II`.
static RE_PART_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:PHẦN|Phần)\s+(?:[IVXL]{1,5}|\d{1,2}|[A-Z])\b").expect("valid regex")
});

/// How many lines after a group row's number its first numbered row may come.
const GROUP_LOOKAHEAD: usize = 8;

/// The numbering of a flattened table's rows so far.
#[derive(Debug, Default)]
pub(crate) struct RowNumbers {
    /// The last row's numbers (`[3]`, `[1, 2]`); empty before the first row.
    last: Vec<u32>,
    /// Per depth (`1.`, `1.1`), whether the table closes its row numbers with a dot, once seen.
    dotted: [Option<bool>; 2],
    /// Whether a group row came since the last numbered row: its rows may count from 1 again.
    after_group: bool,
    /// The last group row's roman number (`II` → 2); 0 before the first. Groups count up one by
    /// one from `I`, so a roman numeral a cell wraps onto a line of its own (`Quốc hội khóa` /
    /// `XVI`) is no group.
    group: u32,
    /// The lines of the table's column heads (from `TT`/`STT` to the first row), to know them
    /// again where a page repeats them.
    head: Vec<String>,
}

/// A row label read at the start of a line: its numbers, whether it ends with a dot, and its
/// length in bytes.
struct Label {
    numbers: Vec<u32>,
    dotted: bool,
    len: usize,
}

fn row_label(t: &str) -> Option<Label> {
    let c = RE_ROW_LABEL.captures(t)?;
    let mut numbers = vec![c[1].parse().ok()?];
    if let Some(minor) = c.get(2) {
        numbers.push(minor.as_str().parse().ok()?);
    }
    let end = c
        .get(3)
        .or(c.get(2))
        .unwrap_or_else(|| c.get(1).expect("group 1"));
    Some(Label {
        numbers,
        dotted: c.get(3).is_some(),
        len: end.end(),
    })
}

impl RowNumbers {
    /// Whether `numbers` can be the row after the last one (a few rows may be lost to the
    /// flattening).
    fn follows(&self, numbers: &[u32], after_group: bool) -> bool {
        if after_group && matches!(numbers, [1] | [1, 1]) {
            return true;
        }
        match (self.last.as_slice(), numbers) {
            ([], [1] | [1, 1]) => true,
            ([x, ..], [a]) => (x + 1..=x + 3).contains(a),
            ([x], [a, b]) => (a == x && (1..=3).contains(b)) || (*a == x + 1 && *b == 1),
            ([x, y], [a, b]) => {
                (a == x && (y + 1..=y + 3).contains(b)) || ((x + 1..=x + 2).contains(a) && *b == 1)
            }
            _ => false,
        }
    }

    /// Whether a label is written as this table writes its row numbers at that depth.
    fn styled(&self, label: &Label) -> bool {
        self.dotted[label.numbers.len() - 1].is_none_or(|d| d == label.dotted)
    }

    /// The row label line `t` opens with, if it numbers the next row.
    fn next_row(&self, t: &str) -> Option<Label> {
        let label = row_label(t)?;
        (self.styled(&label) && self.follows(&label.numbers, self.after_group)).then_some(label)
    }

    /// Takes `label` as the last row's.
    fn take(&mut self, label: &Label) {
        self.dotted[label.numbers.len() - 1] = Some(label.dotted);
        self.last.clone_from(&label.numbers);
        self.after_group = false;
    }
}

impl Splitter<'_, '_> {
    /// A line of a table flattened one cell a line: a numbered row opens a row block (the label
    /// its first cell, any text after it the next); a group row (`I`, `II. …`) opens one of its
    /// own; the column heads a new page repeats are furniture, so that a row the page break cut
    /// goes on after them; any other line is the open row's next line. A marker that cannot be
    /// in a table (`m`: a part, chapter, article or annex, a lettered item) ends it.
    pub(super) fn table_cell(&mut self, i: usize, m: Option<&Marker>) -> Option<usize> {
        if self.table
            && m.is_some_and(|mk| ends_table(mk.scheme))
            && !(m.is_some_and(|mk| mk.scheme == Scheme::Part) && self.next_group(i).is_some())
        {
            self.table = false;
        }
        if !self.table {
            return None;
        }
        let l = self.lines[i];
        let t = l.text;
        if self.motto_near(i) {
            // A motto (`CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`) within a few lines: a form or an
            // attached document begins (`Mẫu số 01 …` above its motto), the table is over.
            self.table = false;
            return None;
        }
        if matches!(t, "TT" | "STT") {
            if let Some(next) = self.repeated_head(i) {
                return Some(next);
            }
            // Column heads of another shape: a header row of its own.
            self.close();
            let mut head = Block::unmarked(t, l.start, l.end, self.after_formula);
            head.cells.push(t.to_string());
            self.open = Some((head, i));
        } else if let Some(label) = self.rows.next_row(t) {
            self.remember_head();
            self.rows.take(&label);
            self.close();
            let written = &t[..label.len];
            let mk = Marker {
                scheme: Scheme::Row,
                label: written.to_string(),
                rest: label.len,
            };
            let mut block = Block::unmarked("", l.start, l.end, self.after_formula);
            block.marker = Some(mk);
            block.written_label = written.to_string();
            block.cells.push(written.to_string());
            let rest = t[label.len..].trim_start();
            block.body_start = l.end - rest.len();
            if !rest.is_empty() {
                block.text = rest.to_string();
                block.cells.push(rest.to_string());
            }
            self.open = Some((block, i));
        } else if let Some(n) = self.next_group(i) {
            self.remember_head();
            self.rows.after_group = true;
            self.rows.group = n;
            self.close();
            let mut group = Block::unmarked(t, l.start, l.end, self.after_formula);
            group.cells.push(t.to_string());
            self.open = Some((group, i));
        } else if m.is_some_and(|mk| mk.scheme.is_section()) && self.rows.last.is_empty() {
            // A heading before any row: the table was only its column heads.
            self.table = false;
            return None;
        } else if let Some((b, last)) = self.open.as_mut() {
            if !b.text.is_empty() {
                b.text.push(' ');
            }
            b.text.push_str(t);
            b.cells.push(t.to_string());
            b.span[1] = l.end;
            *last = i;
        }
        self.gap = false;
        Some(i + 1)
    }

    /// The header row of a table flattened one cell a line (`TT` / `STT`): one block of column
    /// names, then the rows.
    pub(super) fn table_head(&mut self, i: usize) -> Option<usize> {
        let l = self.lines[i];
        if !matches!(l.text, "TT" | "STT") || self.annex_pending {
            return None;
        }
        self.close();
        self.table = true;
        self.rows = RowNumbers::default();
        let mut head = Block::unmarked(l.text, l.start, l.end, self.after_formula);
        head.cells.push(l.text.to_string());
        self.open = Some((head, i));
        self.gap = false;
        Some(i + 1)
    }

    /// Keeps the column heads' lines when the open block is the table's header row and the
    /// first row comes.
    fn remember_head(&mut self) {
        if !self.rows.head.is_empty() {
            return;
        }
        if let Some((b, _)) = &self.open
            && b.marker.is_none()
            && b.cells.first().is_some_and(|c| c == "TT" || c == "STT")
        {
            self.rows.head.clone_from(&b.cells);
        }
    }

    /// Where the column heads a new page repeats (the same lines as the table's first header
    /// row, from line `i`) end; those lines go to the furniture and the open row stays open.
    fn repeated_head(&mut self, i: usize) -> Option<usize> {
        let head = &self.rows.head;
        if head.is_empty() {
            return None;
        }
        let mut at = Vec::with_capacity(head.len());
        let mut j = i;
        while at.len() < head.len() && j < self.lines.len() {
            if !self.furn[j] && !self.lines[j].is_blank() {
                at.push(j);
            }
            j += 1;
        }
        let same = at.len() == head.len()
            && at
                .iter()
                .zip(head)
                .all(|(&k, h)| self.lines[k].text == h.as_str());
        if !same {
            return None;
        }
        for &k in &at {
            self.body.furniture.push(self.lines[k].text.to_string());
        }
        Some(j)
    }

    /// Whether line `i` or the next one (not counting blanks; an attached document's header is
    /// furniture here, so counting it) is a national or Party motto, which no table cell holds.
    fn motto_near(&self, i: usize) -> bool {
        (i..self.lines.len())
            .filter(|&j| !self.lines[j].is_blank())
            .take(2)
            .any(|j| is_bare_motto(self.lines[j].text))
    }

    /// The number of the group row line `i` opens, if it is the next group (`II` after `I`, or
    /// a part, `PHẦN B. …`) and a numbered row that can follow a group comes within a few lines.
    fn next_group(&self, i: usize) -> Option<u32> {
        let t = self.lines[i].text;
        let n = if RE_GROUP.is_match(t) {
            let numeral = t.split([' ', '.']).next().unwrap_or("");
            roman(numeral).filter(|&n| n == self.rows.group + 1)?
        } else if RE_PART_GROUP.is_match(t) {
            // `PHẦN A. MẪU BIỂU …` across the table's columns: a group, however numbered.
            self.rows.group + 1
        } else {
            return None;
        };
        (i + 1..self.lines.len())
            .filter(|&j| !self.furn[j] && !self.lines[j].is_blank())
            .take(GROUP_LOOKAHEAD)
            .find_map(|j| row_label(self.lines[j].text))
            .is_some_and(|label| {
                self.rows.styled(&label) && self.rows.follows(&label.numbers, true)
            })
            .then_some(n)
    }
}

/// The value of a roman numeral up to `XL` (`IV` → 4).
fn roman(s: &str) -> Option<u32> {
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        _ => None,
    };
    let values: Vec<i64> = s.chars().map(digit).collect::<Option<_>>()?;
    let mut total = 0;
    for (k, &v) in values.iter().enumerate() {
        if values.get(k + 1).is_some_and(|&next| next > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    u32::try_from(total).ok().filter(|&n| n > 0)
}

/// Whether a marker ends a table: a part, chapter, article or annex, or an item a cell does not
/// start with. Numbered headings and roman groups do not: in a table they are rows or the lines
/// of a cell.
fn ends_table(scheme: Scheme) -> bool {
    matches!(
        scheme,
        Scheme::Annex
            | Scheme::Part
            | Scheme::Chapter
            | Scheme::Article
            | Scheme::Alpha
            | Scheme::Word
    )
}

#[cfg(test)]
mod tests {
    use crate::parse::blocks::{Body, split};
    use crate::parse::lines::split as split_lines;

    fn blocks(text: &str) -> Body {
        let lines = split_lines(text);
        let furn = vec![false; lines.len()];
        split(text, &lines, &furn, 0)
    }

    fn rows(body: &Body) -> Vec<Vec<&str>> {
        body.blocks
            .iter()
            .filter(|b| !b.cells.is_empty())
            .map(|b| b.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn rows_numbered_with_a_dot_and_groups_are_rows_and_repeated_heads_furniture() {
        let body = blocks(
            "STT\nTên nhiệm vụ\nCơ quan\nchủ trì\n\
             I. Đổi mới tư duy\n1.\nTăng cường lãnh đạo\nBộ Y tế\n2.\nĐưa chỉ tiêu vào\n\
             STT\nTên nhiệm vụ\nCơ quan\nchủ trì\n\
             nghị quyết hằng năm\nỦy ban nhân dân\nII. Hoàn thiện thể chế\n3. Sửa đổi Luật\nBộ Y tế",
        );
        assert_eq!(
            rows(&body),
            [
                vec!["STT", "Tên nhiệm vụ", "Cơ quan", "chủ trì"],
                vec!["I. Đổi mới tư duy"],
                vec!["1.", "Tăng cường lãnh đạo", "Bộ Y tế"],
                vec![
                    "2.",
                    "Đưa chỉ tiêu vào",
                    "nghị quyết hằng năm",
                    "Ủy ban nhân dân"
                ],
                vec!["II. Hoàn thiện thể chế"],
                vec!["3.", "Sửa đổi Luật", "Bộ Y tế"],
            ]
        );
        assert_eq!(
            body.furniture,
            ["STT", "Tên nhiệm vụ", "Cơ quan", "chủ trì"]
        );
    }

    #[test]
    fn a_list_inside_a_cell_is_no_row_and_two_level_numbers_are() {
        let body = blocks(
            "TT\nChỉ tiêu\nCơ quan chủ trì\n1\nTăng trưởng GDP\n1. Bộ Tài chính đầu mối\n\
             2. Các bộ, cơ quan\n2\nGDP bình quân\n8.500",
        );
        assert_eq!(
            rows(&body),
            [
                vec!["TT", "Chỉ tiêu", "Cơ quan chủ trì"],
                vec![
                    "1",
                    "Tăng trưởng GDP",
                    "1. Bộ Tài chính đầu mối",
                    "2. Các bộ, cơ quan"
                ],
                vec!["2", "GDP bình quân", "8.500"],
            ]
        );
        let body = blocks(
            "TT\nNhiệm vụ\n1.\nRà soát thể chế\n1.1\nSửa đổi quy định\nBộ Tài chính\n\
             1.2\nXây dựng cơ chế\n2.\nPhát triển thị trường\n2.1\nHỗ trợ doanh nghiệp",
        );
        let labels: Vec<&str> = rows(&body).iter().map(|r| r[0]).collect();
        assert_eq!(labels, ["TT", "1.", "1.1", "1.2", "2.", "2.1"]);
    }

    #[test]
    fn parts_across_a_table_are_groups_and_its_rows_go_on_after_a_page() {
        let body = blocks(
            "STT\nKý hiệu biểu\nTên biểu\nPHẦN A. MẪU BIỂU QUỐC GIA\n1\n203.N/LĐVL-Sở\nTỷ lệ\n\
             PHẦN B. MẪU BIỂU NGÀNH\n1\n101/LĐVL\nNgười tham gia\n2\n103/LĐVL\n\
             STT\nKý hiệu biểu\nTên biểu\n3\n104/LĐVL\nTỷ lệ người lao động",
        );
        let labels: Vec<&str> = rows(&body).iter().map(|r| r[0]).collect();
        assert_eq!(
            labels,
            [
                "STT",
                "PHẦN A. MẪU BIỂU QUỐC GIA",
                "1",
                "PHẦN B. MẪU BIỂU NGÀNH",
                "1",
                "2",
                "3"
            ]
        );
    }

    #[test]
    fn a_form_after_the_table_ends_it() {
        let body = blocks(
            "STT\nTên mẫu\n1\nMẫu số 01\nĐơn đề nghị\n\nMẫu số 01 (Dành cho người lao động)\n\n\
             CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKính gửi: Cục Quản lý.",
        );
        assert_eq!(
            rows(&body),
            [
                vec!["STT", "Tên mẫu"],
                vec!["1", "Mẫu số 01", "Đơn đề nghị"]
            ]
        );
    }

    #[test]
    fn a_roman_numeral_a_cell_wraps_is_no_group() {
        // `Kỳ họp thứ nhất Quốc hội khóa` / `XVI`: groups count from `I`.
        let body = blocks("TT\nNhiệm vụ\n1\nVăn bản\nQuốc hội khóa\nXVI\nChương trình\n2\nĐề án");
        let labels: Vec<&str> = rows(&body).iter().map(|r| r[0]).collect();
        assert_eq!(labels, ["TT", "1", "2"]);
        assert_eq!(super::roman("XVI"), Some(16));
        assert_eq!(super::roman("IV"), Some(4));
        assert_eq!(super::roman("IIX1"), None);
    }
}
