//! The text convention the docx and odt readers share: a paragraph a line (its manual line
//! breaks kept as line breaks), a table row as one line of cells between pipes.
//!
//! A table cell whose text has manual line breaks (the national name and motto of a document's
//! header, one paragraph split by `w:br`) is written as several pipe rows, the k-th holding each
//! cell's k-th line, as the page shows them side by side; paragraphs inside a cell are joined by a
//! space, so that a data table keeps one line a row.

/// Text gathered for one paragraph or one table cell, split at its manual line breaks.
#[derive(Debug, Clone)]
pub(in crate::formats) struct Lines {
    lines: Vec<String>,
}

impl Default for Lines {
    fn default() -> Self {
        Lines::new()
    }
}

impl Lines {
    /// No text yet: one empty line.
    pub(in crate::formats) fn new() -> Lines {
        Lines {
            lines: vec![String::new()],
        }
    }

    /// Appends text to the current line.
    pub(in crate::formats) fn push_str(&mut self, text: &str) {
        if let Some(last) = self.lines.last_mut() {
            last.push_str(text);
        }
    }

    /// Appends a character to the current line.
    pub(in crate::formats) fn push(&mut self, c: char) {
        if let Some(last) = self.lines.last_mut() {
            last.push(c);
        }
    }

    /// A manual line break: what follows goes on a new line.
    pub(in crate::formats) fn line_break(&mut self) {
        self.lines.push(String::new());
    }

    /// Whether there is no text but white space.
    pub(in crate::formats) fn is_blank(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }

    /// The lines, trimmed.
    pub(in crate::formats) fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(|l| l.trim())
    }

    /// The text on one line, its line breaks as spaces (a nested table's cell, a note).
    pub(in crate::formats) fn joined(&self) -> String {
        let mut out = String::new();
        for line in self.lines().filter(|l| !l.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(line);
        }
        out
    }

    /// Adds a paragraph to a cell: its first line continues the cell's current line after a
    /// space, its later lines (after manual breaks) start new lines.
    pub(in crate::formats) fn append_paragraph(&mut self, para: &Lines) {
        for (i, line) in para.lines.iter().enumerate() {
            if i > 0 {
                self.line_break();
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let last = self.lines.last_mut().expect("at least one line");
            if !last.trim().is_empty() {
                last.push(' ');
            }
            last.push_str(line);
        }
    }
}

/// What a document's body is made of, in order.
#[derive(Debug, Clone)]
pub(in crate::formats) enum Block {
    /// A paragraph or heading.
    Para(Lines),
    /// A table row: its cells.
    Row(Vec<Lines>),
    /// An empty paragraph (spacing in the source): a blank line.
    Blank,
}

/// Folds blocks found inside a table cell (its paragraphs, a nested table) into the cell.
pub(in crate::formats) fn fold_into_cell(cell: &mut Lines, blocks: Vec<Block>) {
    for block in blocks {
        match block {
            Block::Para(para) => cell.append_paragraph(&para),
            // A table inside a cell: each row's cells on the cell's line, so that no word is
            // lost and the outer row stays one row.
            Block::Row(cells) => {
                let mut row = Lines::new();
                for c in cells {
                    let text = c.joined();
                    if !text.is_empty() {
                        row.append_paragraph(&line_of(&text));
                    }
                }
                cell.append_paragraph(&row);
            }
            Block::Blank => {}
        }
    }
}

/// A one-line [`Lines`].
fn line_of(text: &str) -> Lines {
    let mut l = Lines::new();
    l.push_str(text);
    l
}

/// Writes blocks as text: paragraphs as lines, one blank line for any run of empty paragraphs,
/// rows as pipe lines; then the notes, each on its own line.
pub(in crate::formats) fn render(blocks: &[Block], notes: &[String]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for block in blocks {
        match block {
            Block::Blank => blank = !out.is_empty(),
            Block::Para(lines) => {
                if lines.is_blank() {
                    blank = !out.is_empty();
                    continue;
                }
                if blank {
                    out.push('\n');
                    blank = false;
                }
                for line in lines.lines() {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Block::Row(cells) => {
                if cells.iter().all(Lines::is_blank) {
                    continue;
                }
                if blank {
                    out.push('\n');
                    blank = false;
                }
                write_row(&mut out, cells);
            }
        }
    }
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            out.push_str(note);
            out.push('\n');
        }
    }
    out
}

/// Writes one table row as one pipe line, or several when its cells have manual line breaks.
fn write_row(out: &mut String, cells: &[Lines]) {
    let columns: Vec<Vec<String>> = cells
        .iter()
        .map(|c| c.lines().map(cell_text).collect())
        .collect();
    let height = columns.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..height {
        let parts: Vec<&str> = columns
            .iter()
            .map(|c| c.get(k).map_or("", String::as_str))
            .collect();
        if parts.iter().all(|p| p.is_empty()) {
            continue;
        }
        out.push('|');
        for part in parts {
            out.push(' ');
            out.push_str(part);
            if !part.is_empty() {
                out.push(' ');
            }
            out.push('|');
        }
        out.push('\n');
    }
}

/// A cell's line as it goes between pipes: a pipe in the text becomes a slash (it would split
/// the cell), tabs and runs of spaces one space.
fn cell_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split(|c: char| c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.replace('|', "/"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(parts: &[&str]) -> Lines {
        let mut l = Lines::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                l.line_break();
            }
            l.push_str(p);
        }
        l
    }

    #[test]
    fn rows_with_line_breaks_become_aligned_pipe_rows() {
        let blocks = vec![
            Block::Row(vec![
                lines(&["QUỐC HỘI", "-------"]),
                lines(&[
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                    "Độc lập - Tự do - Hạnh phúc ",
                    "---",
                ]),
            ]),
            Block::Blank,
            Block::Blank,
            Block::Para(lines(&["LUẬT"])),
            Block::Row(vec![lines(&["1."]), lines(&["a | b\tc"]), Lines::new()]),
        ];
        assert_eq!(
            render(&blocks, &["[1] Ghi chú.".to_string()]),
            "| QUỐC HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n\
             | ------- | Độc lập - Tự do - Hạnh phúc |\n\
             | | --- |\n\
             \n\
             LUẬT\n\
             | 1. | a / b c | |\n\
             \n\
             [1] Ghi chú.\n"
        );
    }

    #[test]
    fn cell_paragraphs_and_nested_tables_join_on_one_line() {
        let mut cell = Lines::new();
        fold_into_cell(
            &mut cell,
            vec![
                Block::Para(lines(&["Sở Công Thương"])),
                Block::Blank,
                Block::Para(lines(&["chủ trì"])),
                Block::Row(vec![lines(&["x"]), lines(&["y", "z"])]),
            ],
        );
        assert_eq!(cell.joined(), "Sở Công Thương chủ trì x y z");
        assert_eq!(cell.lines().count(), 1);
    }
}
