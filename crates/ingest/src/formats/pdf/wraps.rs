//! Wrapped lines of running text, told by where they are drawn: a line that fills its text column
//! to the right edge, without ending its sentence, and a line below it at the column's left edge
//! (no first-line indent, no paragraph spacing) are one paragraph, and come out as one line.
//!
//! The parser joins a wrapped line that goes on in lower case by itself; one that goes on with a
//! capital (`… phối hợp với` / `Bộ Tài chính …`), a bracket, a quote or a number it can only weigh
//! on the evidence of the text, and a line that just happens to be long looks the same as a
//! heading without a full stop. The page tells them apart: only those breaks are joined here, so
//! the lines that open in lower case stay as drawn (the parser reads the wrap width from them).
//! Table rows, the runs of a line cut by wide gaps (a header's two columns), headings in upper
//! case, label lines (`1.`, `a)`, `-`, `Điều 5.`) and lines off the column's edges (centred
//! titles, a signature block) are never joined; nor are lines across a page break.

use super::layout::{Extent, Laid};

/// How far, as a share of the font size, a line may end short of (or past) the column's right
/// edge and still fill it, and start off its left edge and still be flush with it: in the
/// Gazette's PDFs justified lines end within a point of the edge, and a first-line indent is 20
/// points or more.
const EDGE_SLACK: f64 = 0.2;

/// Two edges of lines closer than this (in points) are one edge.
const SAME_EDGE: f64 = 1.0;

/// The fewest lines that must share an edge for it to be the column's: a page of a few lines, or
/// of table cells and headings, has no column to speak of.
const MIN_LINES_AT_EDGE: usize = 3;

/// The most a wrapped line may sit below the one before, as a share of the page's line pitch:
/// in the Gazette's PDFs most paragraphs sit 1.2–1.7 pitches below the one before (a new
/// paragraph without that spacing still shows by its indent), the lines of one paragraph within a
/// tenth of a pitch of it.
const MAX_PITCH: f64 = 1.15;

/// The text of a page's lines, each wrapped line of running text joined to the one before by a
/// space (see the module's comment). Every word stays, in its order.
pub(super) fn join(lines: Vec<Laid>) -> Vec<String> {
    let Some(column) = Column::of(&lines) else {
        return lines.into_iter().map(|l| l.text).collect();
    };
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    // Where the last line put out ends, if it may go on below: running text that does not end
    // its sentence and is no upper-case heading.
    let mut open: Option<Extent> = None;
    for Laid { text, at } in lines {
        let goes_on = match (open, at) {
            (Some(prev), Some(next)) => column.wraps(prev, next) && starts_doubtful(&text),
            _ => false,
        };
        let next_open = at.filter(|_| !ends_sentence(&text) && !is_upper(&text));
        match out.last_mut() {
            Some(prev) if goes_on => {
                // A word cut at its hyphen (`18-` / `KL/TW`) is one word again, as the parser
                // joins it in text.
                if !prev.ends_with('-') || prev.ends_with(" -") {
                    prev.push(' ');
                }
                prev.push_str(&text);
            }
            _ => out.push(text),
        }
        open = next_open;
    }
    out
}

/// The text column of a page: its left and right edges and its line pitch.
#[derive(Debug, Clone, Copy)]
struct Column {
    left: f64,
    right: f64,
    pitch: f64,
}

impl Column {
    /// The column of a page's lines: the left and right edges the most lines share (at least
    /// [`MIN_LINES_AT_EDGE`]), and the middle distance between two lines in a row at the left
    /// edge. `None` when the page has no such column.
    fn of(lines: &[Laid]) -> Option<Column> {
        let at: Vec<Extent> = lines.iter().filter_map(|l| l.at).collect();
        let left = common_edge(at.iter().map(|e| e.x0).collect())?;
        let right = common_edge(at.iter().map(|e| e.x1).collect())?;
        let flush = |e: &Extent| (e.x0 - left).abs() <= EDGE_SLACK * e.size;
        let mut steps: Vec<f64> = lines
            .windows(2)
            .filter_map(|w| match (w[0].at, w[1].at) {
                (Some(a), Some(b)) if flush(&a) && flush(&b) && a.y > b.y => Some(a.y - b.y),
                _ => None,
            })
            .collect();
        if steps.is_empty() {
            return None;
        }
        steps.sort_by(f64::total_cmp);
        Some(Column {
            left,
            right,
            pitch: steps[steps.len() / 2],
        })
    }

    /// Whether `next`, drawn right after `prev`, is the next line of `prev`'s paragraph: `prev`
    /// fills the column to its right edge, `next` starts at its left edge in the same type, one
    /// line pitch below.
    fn wraps(&self, prev: Extent, next: Extent) -> bool {
        let size = prev.size.max(next.size);
        let slack = EDGE_SLACK * size;
        (prev.size - next.size).abs() <= 0.05 * size
            && prev.x0 >= self.left - slack
            && (prev.x1 - self.right).abs() <= slack
            && (next.x0 - self.left).abs() <= slack
            && next.x1 <= self.right + slack
            && prev.y > next.y
            && prev.y - next.y <= MAX_PITCH * self.pitch
    }
}

/// The edge most of `xs` share: the value with the most others within [`SAME_EDGE`] of it, if at
/// least [`MIN_LINES_AT_EDGE`] do.
fn common_edge(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    let (mut best, mut count) = (None, 0);
    let (mut lo, mut hi) = (0, 0);
    for (i, &x) in xs.iter().enumerate() {
        while xs[lo] < x - SAME_EDGE {
            lo += 1;
        }
        hi = hi.max(i);
        while hi + 1 < xs.len() && xs[hi + 1] <= x + SAME_EDGE {
            hi += 1;
        }
        if hi + 1 - lo > count {
            (best, count) = (Some(x), hi + 1 - lo);
        }
    }
    best.filter(|_| count >= MIN_LINES_AT_EDGE)
}

/// Whether a line ends its sentence or clause: a full stop, colon, semicolon, question or
/// exclamation mark or ellipsis, before any closing quote or bracket.
fn ends_sentence(t: &str) -> bool {
    t.trim_end_matches(['”', '"', '’', ')', ']', ' ', '/'])
        .ends_with(['.', ':', ';', '!', '?', '…'])
}

/// Whether a line is in upper case (a heading): two letters or more, none in lower case.
fn is_upper(t: &str) -> bool {
    let letters = || t.chars().filter(|c| c.is_alphabetic());
    letters().nth(1).is_some() && letters().all(|c| !c.is_lowercase())
}

/// Whether a line that goes on a paragraph is one whose break the parser could not tell from the
/// text alone: it opens with anything but a lower-case letter, and is not a label line.
fn starts_doubtful(t: &str) -> bool {
    let heading = is_upper(t) && t.contains(' ');
    !(t.starts_with(char::is_lowercase) || labelled(t) || heading)
}

/// Whether a line opens with a label: a number or letter before `.` or `)` (`1.`, `2.1.`,
/// `a)`, `IV.`, `(3)`), a dash or bullet, or `Điều`, `Chương`, `Mục`, `Phần` with its number.
fn labelled(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    let bare = first.trim_start_matches('(');
    let body = bare.trim_end_matches(['.', ')']);
    if bare.len() > body.len() && !body.is_empty() {
        let numbered = body
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        let lettered = body.chars().count() == 1 && body.chars().all(char::is_alphabetic);
        let roman = body.chars().all(|c| "IVXLC".contains(c));
        if numbered || lettered || roman {
            return true;
        }
    }
    if ["-", "–", "—", "+", "•", "*", "●", "▪"].contains(&first) {
        return true;
    }
    let mut words = t.split_whitespace();
    let (w1, w2) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let number = w2.trim_end_matches(['.', ':']);
    ["Điều", "Chương", "Mục", "Phần"].contains(&w1)
        && !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || "IVXLC".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of running text in 14-point type, from `x0` to `x1`, on baseline `y`.
    fn at(text: &str, x0: f64, x1: f64, y: f64) -> Laid {
        Laid {
            text: text.to_string(),
            at: Some(Extent {
                x0,
                x1,
                y,
                size: 14.0,
            }),
        }
    }

    /// A page in a column from 100 to 500, lines 16 apart, paragraphs 28 apart, first lines
    /// indented to 136: the opening of 109/NQ-CP, then `rest`.
    fn page(rest: Vec<Laid>) -> Vec<String> {
        let mut lines = vec![
            at(
                "Căn cứ Nghị quyết Đại hội Đại biểu toàn quốc lần thứ XIV của Đảng",
                136.0,
                500.2,
                700.0,
            ),
            at("Cộng sản Việt Nam;", 100.0, 214.0, 684.0),
            at(
                "Căn cứ Kết luận số 18-KL/TW ngày 02 tháng 4 năm 2026 của Trung ương",
                136.0,
                500.0,
                656.0,
            ),
            at(
                "về Kế hoạch phát triển kinh tế - xã hội, tài chính quốc gia và vay, trả nợ công, đầu",
                100.0,
                499.8,
                640.0,
            ),
            at(
                "tư công trung hạn 05 năm 2026-2030 gắn với thực hiện mục tiêu phấn đấu tăng",
                100.2,
                500.0,
                624.0,
            ),
            at("trưởng “2 con số”;", 100.0, 203.0, 608.0),
        ];
        lines.extend(rest);
        join(lines)
    }

    #[test]
    fn a_full_line_goes_on_in_the_line_below_at_the_left_edge() {
        let text = page(vec![]);
        assert_eq!(
            text[0],
            "Căn cứ Nghị quyết Đại hội Đại biểu toàn quốc lần thứ XIV của Đảng Cộng sản Việt Nam;"
        );
        // Lines that go on in lower case are left to the parser, as drawn.
        assert_eq!(text.len(), 5);
        assert!(text[2].starts_with("về Kế hoạch"));
    }

    #[test]
    fn the_next_paragraph_a_label_a_heading_and_a_finished_sentence_stay_apart() {
        let full = |t: &str, y| at(t, 100.0, 500.0, y);
        let text = page(vec![
            // Indented: a new paragraph.
            full(
                "1. Bảo đảm sự lãnh đạo, chỉ đạo toàn diện, trực tiếp của Đảng; phát huy",
                580.0,
            ),
            at("Nhà nước kiến tạo phát triển.", 136.0, 300.0, 564.0),
            // A label at the left edge.
            full(
                "trò kiến tạo phát triển của Nhà nước; giám sát, phản biện của Mặt trận",
                536.0,
            ),
            full(
                "2. Các bộ, cơ quan, địa phương chủ động triển khai thực hiện",
                520.0,
            ),
            // A sentence that ends at the right edge.
            full(
                "đồng bộ các nhiệm vụ, giải pháp đã đề ra trong Chương trình hành động.",
                504.0,
            ),
            full(
                "Trong quá trình tổ chức thực hiện, các bộ, cơ quan trung ương",
                488.0,
            ),
            // Paragraph spacing above the next line.
            full(
                "và Ủy ban nhân dân các tỉnh, thành phố phải quán triệt sâu sắc các",
                472.0,
            ),
            full(
                "Chủ trương của Đảng về phát triển kinh tế - xã hội nhanh và bền vững",
                444.0,
            ),
            // An upper-case heading wrapped at the edge.
            full(
                "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU PHÁT TRIỂN KINH TẾ - XÃ",
                428.0,
            ),
            full(
                "HỘI 5 NĂM 2026 - 2030 VÀ KẾ HOẠCH PHÁT TRIỂN GIAI ĐOẠN",
                412.0,
            ),
        ]);
        assert_eq!(text.len(), 5 + 10, "{text:#?}");
    }

    #[test]
    fn a_table_row_between_is_never_joined() {
        let mut rest = vec![at(
            "Đối với ngân sách địa phương: Địa phương chủ động quyết định đầu tư theo",
            136.0,
            500.0,
            580.0,
        )];
        rest.push(Laid {
            text: "| 1 | Bộ Tài chính | 2026 |".to_string(),
            at: None,
        });
        rest.push(at("Bộ Tài chính chủ trì.", 100.0, 250.0, 548.0));
        assert_eq!(page(rest).len(), 5 + 3);
    }

    #[test]
    fn a_page_without_a_column_is_left_as_drawn() {
        let lines = vec![
            at(
                "Căn cứ Nghị quyết Đại hội Đại biểu toàn quốc lần thứ XIV",
                136.0,
                500.0,
                700.0,
            ),
            at("Cộng sản Việt Nam;", 100.0, 214.0, 684.0),
        ];
        assert_eq!(join(lines).len(), 2);
    }

    #[test]
    fn labels_are_told_from_words() {
        for t in [
            "1. Bảo đảm",
            "2.1. Các",
            "a) Căn cứ",
            "IV. NHIỆM VỤ",
            "(3) Hoàn thiện",
            "- Bộ Tài chính",
            "Điều 5. Hiệu lực",
            "Chương II",
            "Mục 2",
        ] {
            assert!(labelled(t), "{t}");
        }
        for t in [
            "Chương trình hành động",
            "Điều này.",
            "CT/TW).",
            "(đầu tư, tiêu dùng)",
            "(CPI) bình quân",
            "XIV và Kết luận",
            "12 định hướng",
        ] {
            assert!(!labelled(t), "{t}");
        }
    }
}
