//! Sets apart the lines of a body that are not running text: table rows written between
//! pipes (one cell a line: `flat_table.rs`), forms to fill in, enacting formulas, the recipients and the
//! signature. Each is one kind of line a [`Splitter`] takes before it re-flows paragraphs.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::blocks::{Block, Mode, Splitter};
use super::lines::{Scheme, ends_terminal, is_separator, is_upper, marker, starts_lower};
use super::tree::is_bracket_note;

static RE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:TM|T/M|T\.M|KT|K/T|Q|TL|TUQ)\.?\s+\p{Lu}|(?:PHÓ )?(?:THỦ TƯỚNG|CHỦ TỊCH|BÍ THƯ|TỔNG BÍ THƯ|CHỦ NHIỆM|BỘ TRƯỞNG|TRƯỞNG BAN|GIÁM ĐỐC|CHÁNH VĂN PHÒNG)(?: \p{Lu}[\p{Lu} ]*)?$)",
    )
    .expect("valid regex")
});
/// A form's label in an annex, alone or before its title: `Mẫu số 01`, `Mẫu 1: Kế hoạch bồi
/// dưỡng`, `Mẫu 6.1. Giấy chứng nhận`, `MẪU SỐ 02/TB`.
static RE_TEMPLATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Mẫu|MẪU)(?:\s+(?:số|SỐ))?\s+\d{1,3}(?:\.\d{1,2})*[a-zđ]?(?:/[\p{L}\d\-]+)?\s*(?:[:.\-–]\s*|\s+|$)")
        .expect("valid regex")
});

/// A statistical report form's label alone on its line: `Biểu số 203.N/LĐVL-Sở`,
/// `Biểu số 101-102/LĐVL - Sở`, `Biểu số: 103/LĐVL-Sở`.
static RE_SHEET_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Biểu số:?\s+[\w.\-]+\s*/\s*[\p{L}\-]+(?:\s*-\s*[\p{L} ]+)?$")
        .expect("valid regex")
});
static RE_LEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"…{2,}|\.{5,}|_{5,}").expect("valid regex"));

impl Splitter<'_, '_> {
    /// `Nơi nhận:`, with or without a first recipient after it: the recipients start.
    pub(super) fn recipients_start(&mut self, i: usize) -> Option<usize> {
        let rest = self.lines[i].text.strip_prefix("Nơi nhận")?;
        self.close();
        self.mode = Mode::Recipients;
        self.table = false;
        self.side_signature = false;
        self.body.recipient_markers += 1;
        let rest = rest.trim_start_matches(':');
        // `Nơi nhận:            KT. GIÁM ĐỐC`: the signature's column beside the list.
        let (left, right) = match side_columns(rest) {
            Some((l, r)) => (l, Some(r)),
            None if rest.starts_with(COLUMN_GAP) => ("", Some(rest.trim())),
            None => (rest.trim(), None),
        };
        if let Some(r) = right.filter(|r| is_signature_start(r)) {
            self.body.signature.push(r.to_string());
            self.side_signature = true;
            self.signed = false;
        } else if let Some(r) = right {
            self.body.recipients.push(strip_dash(r).to_string());
        }
        if !left.is_empty() {
            self.body.recipients.push(strip_dash(left).to_string());
        }
        Some(i + 1)
    }

    /// `Kính gửi:` before the body's first block, and the addressees after it: on its line, on
    /// the dash lines that follow it, or on the one short line below it. Later in a body (a form
    /// to fill in, an attached report) the line is the text's own.
    pub(super) fn addressees(&mut self, i: usize) -> Option<usize> {
        let rest = self.lines[i].text.strip_prefix("Kính gửi")?;
        if self.mode != Mode::Body || !self.body.blocks.is_empty() || self.open.is_some() {
            return None;
        }
        let rest = rest.trim_start_matches([':', ' ']);
        if !rest.is_empty() {
            self.body.addressees.push(strip_dash(rest).to_string());
        }
        let mut j = i + 1;
        let mut blank_run = false;
        while j < self.lines.len() {
            let l = self.lines[j];
            if self.furn[j] {
                j += 1;
                continue;
            }
            if l.is_blank() {
                // A blank line ends a list of dash lines; before any addressee, one may stand
                // between `Kính gửi:` and the name.
                if !self.body.addressees.is_empty() || blank_run {
                    break;
                }
                blank_run = true;
                j += 1;
                continue;
            }
            let t = l.text;
            let dashed = t.starts_with(['-', '–', '+']);
            let lone =
                self.body.addressees.is_empty() && t.chars().count() <= 100 && marker(t).is_none();
            if !(dashed || lone) {
                break;
            }
            self.body.addressees.push(strip_dash(t).to_string());
            j += 1;
            if lone {
                break;
            }
        }
        self.gap = false;
        Some(j)
    }

    /// A title that opens a signature block (`TM. CHÍNH PHỦ`); in the body, not a sentence that
    /// names one (`Chủ tịch … là …`).
    pub(super) fn signature_start(&mut self, i: usize) -> Option<usize> {
        let t = self.lines[i].text;
        // A stamp note above the title (`(Đã ký)` / `CHÁNH VĂN PHÒNG`) opens the block too.
        let stamp_above = self.mode != Mode::Signature
            && is_stamp_note(t)
            && (i + 1..self.lines.len().min(i + 3))
                .find(|&j| !self.lines[j].is_blank())
                .is_some_and(|j| is_signature_start(self.lines[j].text));
        if !(is_signature_start(t) || stamp_above)
            || (self.mode == Mode::Body && t.contains(" là "))
        {
            return None;
        }
        self.close();
        self.mode = Mode::Signature;
        self.table = false;
        self.signed = false;
        self.body.signature.push(t.to_string());
        Some(i + 1)
    }

    /// A line of the recipients or the signature, while they last.
    pub(super) fn closing_line(&mut self, i: usize) -> Option<usize> {
        match self.mode {
            Mode::Recipients => self.recipient(i),
            Mode::Signature => self.signature_line(i),
            Mode::Body => None,
        }
    }

    /// A recipient, or a recipient's wrapped line; any other line ends the recipients. Where the
    /// signature's column stands beside the list, its part of a line goes to the signature, and
    /// the signer's name below the list ends the block.
    fn recipient(&mut self, i: usize) -> Option<usize> {
        let mut t = self.lines[i].text;
        if self.side_signature
            && let Some((left, right)) = side_columns(t)
            && is_signature_line(right)
        {
            self.body.signature.push(right.to_string());
            t = left;
        }
        if t.starts_with(['-', '–', '+', '•']) {
            self.body.recipients.push(strip_dash(t).to_string());
            return Some(i + 1);
        }
        // A recipient wrapped after a comma (`Tỉnh ủy, HĐND,` / `UBND …`) goes on too.
        if let Some(last) = self.body.recipients.last_mut()
            && (starts_lower(t)
                || last.ends_with(',')
                || (!last.ends_with([';', '.']) && !is_upper(t)))
        {
            last.push(' ');
            last.push_str(t);
            return Some(i + 1);
        }
        if self.side_signature && !self.signed {
            // The signer's name under the two columns.
            self.mode = Mode::Signature;
            return self.signature_line(i);
        }
        self.mode = Mode::Body;
        self.annex_pending = true;
        None
    }

    /// A line of the signature block; any other line ends it.
    fn signature_line(&mut self, i: usize) -> Option<usize> {
        let t = self.lines[i].text;
        // After the signer's name only another title (a second signature) goes on.
        let stamp = t.to_lowercase().contains("đã ký");
        // A rule under the block ends it.
        let rule = is_separator(t) && t.chars().count() >= 3;
        if (!t.chars().any(char::is_alphanumeric) && !rule) || is_stamp_note(t) {
            // A bracket or mark of the signature stamp (`[`, `(…)`) between its lines, or a
            // note of it (`(Đã ký)`, `(Dấu của …)`).
            self.body.signature.push(t.to_string());
            return Some(i + 1);
        }
        if is_signature_line(t) && (!self.signed || is_signature_start(t)) {
            self.signed = !is_upper(t) && !stamp && !is_signature_start(t);
            self.body.signature.push(t.to_string());
            return Some(i + 1);
        }
        self.mode = Mode::Body;
        self.annex_pending = true;
        None
    }

    /// An enacting formula (`QUYẾT NGHỊ:`): kept with the header lines, and marks the blocks
    /// after it.
    pub(super) fn formula(&mut self, i: usize) -> Option<usize> {
        let t = self.lines[i].text;
        if !is_formula(t) {
            return None;
        }
        self.close();
        self.body.formulas.push(t.to_string());
        self.after_formula = true;
        self.gap = false;
        Some(i + 1)
    }

    /// A table row written between pipes: one block, its cells kept apart. A rule row
    /// (`|---|---|`) or a row of empty cells is furniture, and the rows of a closing table give
    /// recipients and signature.
    pub(super) fn pipe_row(&mut self, i: usize) -> Option<usize> {
        let l = self.lines[i];
        let cells = pipe_cells(l.text)?;
        self.close();
        if self.closing_col.is_none() {
            self.closing_col = cells.iter().position(|c| c.starts_with("Nơi nhận"));
            if self.closing_col.is_some() {
                self.body.recipient_markers += 1;
            } else if cells.iter().any(|c| is_signature_start(c))
                && cells.iter().all(|c| c.is_empty() || is_signature_line(c))
            {
                // A signature block laid out in a table, with no recipients (a law).
                self.closing_col = Some(usize::MAX);
            }
        }
        if let Some(col) = self.closing_col {
            self.closing_row(&cells, col);
        } else if cells.iter().any(|c| !is_separator(c) && !c.is_empty()) {
            let mut row = Block::unmarked(&cells.join(" | "), l.start, l.end, self.after_formula);
            row.cells = cells;
            self.body.blocks.push(row);
        } else {
            self.body.furniture.push(l.text.to_string());
        }
        self.table = false;
        self.gap = false;
        Some(i + 1)
    }

    /// A row of the closing table of a Word file: recipients in the `Nơi nhận` column `col`,
    /// the signature block beside them.
    fn closing_row(&mut self, cells: &[String], col: usize) {
        for (k, cell) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            if k == col {
                let rest = cell.strip_prefix("Nơi nhận").unwrap_or(cell);
                // A cell's paragraphs arrive joined: `A (b/c); - B; - Lưu: VT.`
                for r in rest.trim_start_matches([':', ' ']).split("; -") {
                    let r = strip_dash(r.trim());
                    if !r.is_empty() {
                        let end = if r.ends_with(['.', ';']) { "" } else { ";" };
                        self.body.recipients.push(format!("{r}{end}"));
                    }
                }
            } else {
                self.body.signature.push(cell.clone());
            }
        }
    }

    /// A rule (`-----`, `***`): furniture. An empty cell (`-`) of a table that arrived one cell
    /// a line is a cell, not a rule.
    pub(super) fn rule(&mut self, i: usize) -> Option<usize> {
        let t = self.lines[i].text;
        if !is_separator(t) || (self.table && t.chars().count() <= 2) {
            return None;
        }
        self.close();
        self.body.furniture.push(t.to_string());
        Some(i + 1)
    }

    /// A statistical report form (`Biểu số 203.N/LĐVL-Sở` and the sheet under it: its title,
    /// reporting body, column heads, rows and notes, one cell a line in a text extraction): one
    /// block, as a form to fill in is, up to the next form, a heading of the annex, or the
    /// closing parts.
    pub(super) fn report_sheet(&mut self, i: usize) -> Option<usize> {
        let l = self.lines[i];
        let t = l.text;
        if t.starts_with("Biểu số") && RE_SHEET_LABEL.is_match(t) {
            self.open_form(i);
            self.in_sheet = true;
            return Some(i + 1);
        }
        // A heading of the annex (`I. MẪU BIỂU …`, `PHỤ LỤC III`) ends the sheet; its own rows
        // (`1. Chia theo giới tính`, `I. Tổng số`) do not.
        let heading = || {
            marker(t).is_some_and(|m| {
                matches!(
                    m.scheme,
                    Scheme::Annex | Scheme::Part | Scheme::Chapter | Scheme::Article
                ) || (m.scheme == Scheme::Roman && is_upper(t) && t.chars().count() > 24)
            })
        };
        if self.sheet_table && !t.starts_with('|') {
            // The lines after a sheet's ruled table (who drew it up, who signs, the date) are
            // the sheet's too: one more block of the form.
            self.sheet_table = false;
            if heading() {
                return None;
            }
            self.open_form(i);
            self.in_sheet = true;
            return Some(i + 1);
        }
        if !self.in_sheet {
            return None;
        }
        if t.starts_with('|') {
            // A sheet whose table has rows (a PDF's ruled table, a Word table) keeps them rows.
            self.in_sheet = false;
            self.sheet_table = true;
            return None;
        }
        if heading() || !self.extend_form(i) {
            self.in_sheet = false;
            return None;
        }
        Some(i + 1)
    }

    /// A form to fill in that an annex gives (`Mẫu số 01 (Dành cho người lao động)`, `Mẫu 1: Kế
    /// hoạch bồi dưỡng toàn khóa`, and every line under it: its own header, fields, tables,
    /// signature boxes and recipients, which are the form's, not the document's): one block up to
    /// the next form, a heading of the annex, a footnote, or the end. Tried first, before an
    /// attached document's header and the closing parts, which a form has its own of.
    pub(super) fn template_form(&mut self, i: usize) -> Option<usize> {
        let l = self.lines[i];
        let t = l.text;
        // In a table the label is a cell (a list of forms), unless an attached header opens
        // with it: the form itself, after the list.
        let label = (!self.table || self.attached.iter().any(|a| a.start() == i))
            && RE_TEMPLATE_LABEL.is_match(t)
            && self
                .body
                .blocks
                .iter()
                .any(|b| b.marker.as_ref().is_some_and(|m| m.scheme == Scheme::Annex));
        if label {
            if self.furn[i] {
                self.own_header(i);
            }
            self.open_form(i);
            self.in_template = true;
            return Some(i + 1);
        }
        if !self.in_template {
            return None;
        }
        if l.is_blank() {
            return Some(i + 1);
        }
        if self.page_furn[i] {
            self.body.furniture.push(t.to_string());
            return Some(i + 1);
        }
        if self.furn[i] {
            self.own_header(i);
        }
        let ends = is_bracket_note(t)
            || marker(t).is_some_and(|m| {
                matches!(
                    m.scheme,
                    Scheme::Annex | Scheme::Part | Scheme::Chapter | Scheme::Article
                )
            });
        if ends || !self.extend_form(i) {
            self.in_template = false;
            return None;
        }
        Some(i + 1)
    }

    /// Opens a form's block at line `i`, its label.
    fn open_form(&mut self, i: usize) {
        let l = self.lines[i];
        self.close();
        self.table = false;
        let mut form = Block::unmarked(l.text, l.start, l.end, self.after_formula);
        form.form = true;
        self.open = Some((form, i));
        self.gap = false;
    }

    /// Puts line `i` on the open form's block; `false` when the open block is no form.
    fn extend_form(&mut self, i: usize) -> bool {
        let l = self.lines[i];
        let Some((b, last)) = self.open.as_mut().filter(|(b, _)| b.form) else {
            return false;
        };
        b.text.push(' ');
        b.text.push_str(l.text);
        b.span[1] = l.end;
        *last = i;
        self.gap = false;
        true
    }

    /// Line `i` belongs to the header of an attached document inside a form (the form's issuer,
    /// motto, `Số: …/…`, title): it is the form's words, and the attached document taken.
    fn own_header(&mut self, i: usize) {
        if let Some(k) = self.attached.iter().position(|a| a.header.contains(&i))
            && !self.body.annexed.contains(&k)
        {
            self.body.annexed.push(k);
        }
    }

    /// A field of a form to fill in (`1. Họ và tên: ……`, `Đơn vị: ……`): a form's fields are one
    /// block, whatever numbering they carry.
    pub(super) fn form_field(&mut self, i: usize) -> Option<usize> {
        let l = self.lines[i];
        if self.table || !is_form_field(l.text) {
            return None;
        }
        if !self.extend_form(i) {
            self.open_form(i);
        }
        Some(i + 1)
    }
}

/// The run of spaces that sets two layout columns apart on one line of a text extraction.
const COLUMN_GAP: &str = "    ";

/// A line holding two columns side by side (`- Như Điều 5;          PHÓ GIÁM ĐỐC`): its left and
/// right parts, split at the first run of four spaces or more.
fn side_columns(t: &str) -> Option<(&str, &str)> {
    let t = t.trim();
    let at = t.find(COLUMN_GAP)?;
    let (left, right) = (t[..at].trim(), t[at..].trim());
    (!left.is_empty() && !right.is_empty()).then_some((left, right))
}

/// Whether a line opens a signature block (`TM. CHÍNH PHỦ`, `T/M BỘ CHÍNH TRỊ`, `CHỦ TỊCH`).
fn is_signature_start(t: &str) -> bool {
    // `TRƯỞNG BAN … QUYẾT ĐỊNH:` names its author to enact, not to sign.
    RE_SIGNATURE.is_match(t) && !is_formula(t)
}

/// Whether a line is a bracketed note of the signing or the stamp: `(Đã ký)`, `[đã ký]`,
/// `(Dấu của VĂN PHÒNG …)`.
fn is_stamp_note(t: &str) -> bool {
    let inner = t
        .strip_prefix(['(', '['])
        .and_then(|r| r.strip_suffix([')', ']']));
    inner.is_some_and(|r| {
        let lower = r.to_lowercase();
        r.split_whitespace().count() <= 10
            && (lower.starts_with("đã ký") || lower.starts_with("dấu") || lower == "ký")
    })
}

/// Whether a line continues a signature block: a title, `[đã ký]`, or a person's name.
fn is_signature_line(t: &str) -> bool {
    if is_signature_start(t) {
        return true;
    }
    if marker(t).is_some() || is_formula(t) {
        return false;
    }
    let lower = t.to_lowercase();
    if lower == "[đã ký]" || lower == "(đã ký)" || lower == "đã ký" {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || ends_terminal(t) {
        return false;
    }
    if is_upper(t) && words.len() <= 8 {
        return true;
    }
    words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase) && !w.chars().any(|c| c.is_ascii_digit())
    })
}

/// Whether a line is an enacting formula (`QUYẾT NGHỊ:`, `QUYẾT ĐỊNH:`).
pub(super) fn is_formula(t: &str) -> bool {
    let bare = t.trim_end_matches([':', ' ', '.']);
    // `QUY ĐỊNH` and `KẾT LUẬN` alone are titles (of an annex); with a colon they enact.
    matches!(bare, "QUYẾT NGHỊ" | "QUYẾT ĐỊNH")
        || (matches!(bare, "QUY ĐỊNH" | "BAN HÀNH" | "KẾT LUẬN") && t.ends_with(':'))
        // The authority, then its verb: `BỘ TRƯỞNG BỘ CÔNG THƯƠNG QUYẾT ĐỊNH:`, `TRƯỞNG BAN
        // TUYÊN GIÁO VÀ DÂN VẬN TRUNG ƯƠNG QUYẾT ĐỊNH`.
        || ((bare.ends_with(" QUYẾT ĐỊNH") || bare.ends_with(" QUYẾT NGHỊ"))
            && is_upper(bare)
            && bare.split_whitespace().count() >= 4)
}

/// Whether a line is a field of a form to fill in: a label followed by a dotted leader
/// (`Họ và tên: ……………`, `Chương trình: ………`).
fn is_form_field(t: &str) -> bool {
    // Most lines have no leader at all: a cheap look for the start of one spares them the pattern.
    may_hold_leader(t) && RE_LEADER.find(t).is_some_and(|m| m.start() > 0)
}

/// Whether a line holds `……`, `....` or `_____`, as every leader does: aho-corasick's memchr
/// on the three first bytes skips most lines at once (three `contains` calls cost more to set up
/// their searches than a line takes to read).
fn may_hold_leader(t: &str) -> bool {
    static STARTS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(["……", "....", "_____"]).expect("valid patterns"));
    STARTS.is_match(t)
}

/// The cells of a table row written between pipes (`| 1 | Bộ Nội vụ | 2026 |`), trimmed; `None`
/// for any other line.
fn pipe_cells(t: &str) -> Option<Vec<String>> {
    let inner = t.strip_prefix('|')?.strip_suffix('|')?;
    if inner.is_empty() {
        return None;
    }
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// A recipient line without its leading dash.
fn strip_dash(t: &str) -> &str {
    t.trim_start_matches(['-', '–', '+', '•', ' '])
}

#[cfg(test)]
mod tests {
    use super::{is_formula, is_signature_start};
    use crate::parse::blocks::{Block, Body, split};
    use crate::parse::lines::{furniture, split as split_lines};

    #[test]
    fn a_signature_beside_the_recipients_is_the_signature() {
        let body = blocks(
            "Điều 5. Thi hành.\nNơi nhận:                      KT. GIÁM ĐỐC\n- UBND tỉnh;\n\
             - Như Điều 5;                    PHÓ GIÁM ĐỐC\n- Lưu: VT.\n\n\n                     Hoàng Văn Thuân",
        );
        assert_eq!(body.recipients, ["UBND tỉnh;", "Như Điều 5;", "Lưu: VT."]);
        assert_eq!(
            body.signature,
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Thuân"]
        );
        assert!(body.blocks.iter().all(|b| !b.text.contains("Thuân")));
    }

    #[test]
    fn a_letters_addressees_are_no_clauses() {
        let body = blocks(
            "Kính gửi:\n- Đồng chí Bí thư Đảng ủy Chính phủ,\n- Các đồng chí Phó Bí thư.\n\n\
             Văn phòng Trung ương Đảng có văn bản số 15000-CV/VPTW đề nghị cho ý kiến.",
        );
        assert_eq!(
            body.addressees,
            [
                "Đồng chí Bí thư Đảng ủy Chính phủ,",
                "Các đồng chí Phó Bí thư."
            ]
        );
        assert_eq!(body.blocks.len(), 1);
        let body =
            blocks("Kính gửi: Văn phòng Trung ương Đảng\n\nTriển khai thực hiện Nghị quyết.");
        assert_eq!(body.addressees, ["Văn phòng Trung ương Đảng"]);
        // Later in a body (a form), the line is the text's own.
        let body = blocks("1. Nội dung đơn.\nKính gửi: Cục Quản lý lao động.");
        assert!(body.addressees.is_empty());
    }

    fn blocks(text: &str) -> Body {
        let lines = split_lines(text);
        let furn = furniture(&lines);
        split(text, &lines, &furn, 0)
    }

    #[test]
    fn closing_parts_are_set_apart() {
        let body = blocks(
            "Điều 3. Hiệu lực.\n\nNơi nhận:\n- Chính phủ;\n- Các Bộ, cơ quan ngang Bộ,\ncơ quan thuộc CP;\n- Lưu: VT.\nTM. ỦY BAN THƯỜNG VỤ QUỐC HỘI\nCHỦ TỊCH\n\nTrần Thanh Mẫn",
        );
        assert_eq!(
            body.recipients,
            [
                "Chính phủ;",
                "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc CP;",
                "Lưu: VT."
            ]
        );
        assert_eq!(
            body.signature,
            [
                "TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI",
                "CHỦ TỊCH",
                "Trần Thanh Mẫn"
            ]
        );
        assert_eq!(body.blocks.len(), 1);
    }

    #[test]
    fn pipe_rows_are_rows_with_their_cells() {
        let body = blocks(
            "PHỤ LỤC\n| STT | Nhiệm vụ | Cơ quan chủ trì |\n|---|---|---|\n| 1 | Xây dựng đề án | Bộ Nội vụ |",
        );
        let rows: Vec<&Vec<String>> = body
            .blocks
            .iter()
            .map(|b| &b.cells)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], &["1", "Xây dựng đề án", "Bộ Nội vụ"]);
        assert_eq!(body.furniture, ["|---|---|---|"]);
    }

    #[test]
    fn a_table_one_cell_a_line_keeps_its_empty_cells() {
        let body = blocks("TT\nNội dung\nGhi chú\n1\nHội nghị\n-\n2\nTập huấn\nCấp xã");
        let rows: Vec<&Vec<String>> = body.blocks.iter().map(|b| &b.cells).collect();
        assert_eq!(rows[1], &["1", "Hội nghị", "-"]);
        assert_eq!(rows[2], &["2", "Tập huấn", "Cấp xã"]);
        assert!(body.furniture.is_empty());
    }

    #[test]
    fn the_leader_hint_is_three_substring_tests() {
        for t in [
            "Họ và tên: ……",
            "…",
            "a.... b",
            "...",
            "x_____",
            "____",
            "…….",
            "",
        ] {
            let by_contains = t.contains("……") || t.contains("....") || t.contains("_____");
            assert_eq!(super::may_hold_leader(t), by_contains, "{t}");
        }
    }

    #[test]
    fn an_authority_that_enacts_is_a_formula_not_a_signature() {
        for t in [
            "QUYẾT ĐỊNH:",
            "TRƯỞNG BAN TUYÊN GIÁO VÀ DÂN VẬN TRUNG ƯƠNG QUYẾT ĐỊNH",
            "BỘ TRƯỞNG BỘ CÔNG THƯƠNG QUYẾT ĐỊNH:",
            "HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ QUYẾT NGHỊ:",
        ] {
            assert!(is_formula(t) && !is_signature_start(t), "{t}");
        }
        for t in ["TRƯỞNG BAN", "KT. BỘ TRƯỞNG", "THEO QUYẾT ĐỊNH", "QUY ĐỊNH"] {
            assert!(!is_formula(t), "{t}");
        }
    }

    #[test]
    fn a_form_is_one_block() {
        let body =
            blocks("Mẫu 1\n1. Họ và tên: ……………\n2. Đơn vị công tác: ……………\n3. Chương trình: ………");
        let forms: Vec<&Block> = body.blocks.iter().filter(|b| b.form).collect();
        assert_eq!(forms.len(), 1, "{:?}", body.blocks);
        assert!(forms[0].text.contains("Chương trình"));
    }

    #[test]
    fn a_recipient_wrapped_after_a_comma_goes_on() {
        let body = blocks("Nội dung.\nNơi nhận:\n- Tỉnh ủy, HĐND,\nUBND tỉnh;\n- Lưu VT.");
        assert_eq!(body.recipients, ["Tỉnh ủy, HĐND, UBND tỉnh;", "Lưu VT."]);
    }

    #[test]
    fn a_closing_table_gives_recipients_and_signature() {
        let body = blocks(
            "Nội dung.\n| Nơi nhận: | THỦ TƯỚNG |\n| - Ban Bí thư; | |\n| - Lưu: VT. | Nguyễn Văn A |",
        );
        assert_eq!(body.recipients, ["Ban Bí thư;", "Lưu: VT."]);
        assert_eq!(body.signature, ["THỦ TƯỚNG", "Nguyễn Văn A"]);
        assert_eq!(body.blocks.len(), 1);
        let body = blocks("Nội dung.\n| Nơi nhận: - A (b/c); - Lưu: VT. | GIÁM ĐỐC |");
        assert_eq!(body.recipients, ["A (b/c);", "Lưu: VT."]);
        let body = blocks("Điều 48. Hiệu lực.\n| | CHỦ TỊCH QUỐC HỘI |\n| | Trần Thanh Mẫn |");
        assert_eq!(body.signature, ["CHỦ TỊCH QUỐC HỘI", "Trần Thanh Mẫn"]);
    }
}
