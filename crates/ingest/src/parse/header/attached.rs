//! Headers of documents attached to the main one (a report sent with a letter, a plan issued by a
//! decision, forms in an annex): read with the same reader. One after the closing parts opens an
//! annex headed by its title (the body splitter does it); any other is kept as header lines.

use std::ops::Range;

use super::{Item, classify, is_bare_motto, kind_words, parse};
use crate::parse::lines::{Line, marker};

/// The header of a document attached to the main one.
#[derive(Debug, Clone)]
pub(crate) struct Attached {
    /// Its header lines: issuer, number, motto, place and date, and the title block under its
    /// kind line.
    pub header: Range<usize>,
    /// The lines of its title, ascending: its kind line (`CHƯƠNG TRÌNH HÀNH ĐỘNG`), title block
    /// and `(Kèm theo …)` line; with no kind line in the header, the upper-case lines closing
    /// it (a form's `ĐƠN ĐỀ NGHỊ XÁC NHẬN`); a kind line or a form's label (`Mẫu số 01`) just
    /// above the header, where the source puts it first; and a bracketed line or subject just
    /// below it. Empty when none of these is there.
    pub title: Vec<usize>,
    /// What it was, for the diagnostics.
    pub summary: String,
}

impl Attached {
    /// The first line of the attached header, its title included.
    pub(crate) fn start(&self) -> usize {
        self.title
            .first()
            .map_or(self.header.start, |&t| t.min(self.header.start))
    }

    /// The line after the attached header, its title included.
    pub(crate) fn end(&self) -> usize {
        self.title
            .last()
            .map_or(self.header.end, |&t| (t + 1).max(self.header.end))
    }
}

/// The headers of documents attached after the body starts (`from`): a report sent with a
/// letter, the forms of a regulation, each with its own issuer, `Số`, motto and date. Found by a
/// motto line; the header then runs back over its issuer block and forward through its title.
/// Each comes with a line saying what it was, for the diagnostics.
pub(crate) fn attached_headers(lines: &[Line<'_>], furn: &[bool], from: usize) -> Vec<Attached> {
    let mut out = Vec::new();
    let mut i = from;
    while i < lines.len() {
        let t = lines[i].text;
        if furn[i] || !is_bare_motto(t) {
            i += 1;
            continue;
        }
        let mut s = i;
        while s > from && i - s < 8 {
            let p = lines[s - 1].text;
            let header_like = p.is_empty()
                || furn[s - 1]
                || matches!(
                    classify(p),
                    Item::Upper
                        | Item::Number(..)
                        | Item::Subject
                        | Item::Separator
                        | Item::Motto(_)
                );
            if !header_like || kind_words(p, false).is_some() {
                break;
            }
            s -= 1;
        }
        let sub = parse(&lines[s..], &furn[s..], "");
        // A number, a date, or a body or kind line beside the motto: a header, not a quotation.
        let has_header = sub.number.is_some()
            || sub.blank_number.is_some()
            || sub.date.is_some()
            || sub.kind_name.is_some()
            || sub.issuer.is_some();
        if has_header && sub.body_start > i - s {
            let end = s + sub.body_start;
            let what = [
                sub.kind_name.as_deref(),
                sub.number.as_deref().or(sub.blank_number.as_deref()),
                sub.issuer.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let title = title_lines(lines, furn, from, s..end, sub.kind_line.map(|k| s + k));
            out.push(Attached {
                header: s..end,
                title,
                summary: format!(
                    "the header of an attached document (lines {}-{}: {what}) kept as header lines",
                    s + 1,
                    end
                ),
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The title lines of the attached header `header` (see [`Attached::title`]), given its kind
/// line, if any; `from` is the first body line.
fn title_lines(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
    header: Range<usize>,
    kind_line: Option<usize>,
) -> Vec<usize> {
    let content = |j: usize| !lines[j].is_blank() && !furn[j];
    let mut title = Vec::new();
    // Above: a kind line put first (`DỰ THẢO BÁO CÁO …`), or a form's label (`Mẫu số 01`).
    let above = (from..header.start)
        .rev()
        .take(2)
        .find(|&j| !lines[j].is_blank())
        .filter(|&j| content(j))
        .filter(|&j| {
            let t = lines[j].text;
            (kind_line.is_none() && kind_words(t, false).is_some()) || is_form_label(t)
        });
    title.extend(above);
    match kind_line {
        Some(k) => title.extend((k..header.end).filter(|&j| content(j))),
        None => {
            // The upper-case lines that close the header, after its motto, number and date.
            let mut tail: Vec<usize> = header
                .clone()
                .rev()
                .skip_while(|&j| lines[j].is_blank())
                .take_while(|&j| {
                    lines[j].is_blank() || (content(j) && classify(lines[j].text) == Item::Upper)
                })
                .filter(|&j| content(j))
                .collect();
            tail.reverse();
            title.extend(tail);
        }
    }
    if title.is_empty() {
        return title;
    }
    // Below: a bracketed line (`(Đối với …)`, `(Kèm theo …)`), or one subject line before it.
    let mut j = header.end;
    let mut subject = kind_line.is_some();
    while let Some(k) = (j..lines.len().min(j + 3)).find(|&k| !lines[k].is_blank()) {
        let t = lines[k].text;
        if !content(k) || marker(t).is_some() {
            break;
        }
        if t.starts_with('(') {
            let close = (k..lines.len())
                .take(4)
                .find(|&c| lines[c].text.contains(')'));
            let Some(close) = close else { break };
            title.extend((k..=close).filter(|&c| content(c)));
            j = close + 1;
            subject = true;
        } else if !subject
            && t.starts_with(char::is_uppercase)
            && !t.ends_with(['.', ';', ','])
            && !t.contains(':')
            && t.split_whitespace().count() <= 30
        {
            // A subject wrapped onto lines that go on in lower case.
            let mut last = k;
            while let Some(n) = (last + 1..lines.len().min(last + 2)).find(|&n| content(n))
                && lines[n].text.starts_with(char::is_lowercase)
            {
                last = n;
            }
            title.extend(k..=last);
            j = last + 1;
            subject = true;
        } else {
            break;
        }
    }
    title
}

/// Whether a line is a form's label (`Mẫu số 01`, `Mẫu số 03 (Dành cho …)`, `Mẫu 2`).
fn is_form_label(t: &str) -> bool {
    let mut w = t.split_whitespace();
    w.next() == Some("Mẫu")
        && w.next()
            .map(|n| if n == "số" { w.next() } else { Some(n) })
            .is_some_and(|n| n.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())))
}
