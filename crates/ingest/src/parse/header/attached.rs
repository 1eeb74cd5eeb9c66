//! Headers of documents attached to the main one (a report sent with a letter, a plan issued by a
//! decision, forms in an annex): read with the same reader, kept as header lines.

use super::{Item, classify, is_bare_motto, kind_words, parse};
use crate::parse::lines::Line;

/// The headers of documents attached after the body starts (`from`): a report sent with a
/// letter, the forms of a regulation, each with its own issuer, `Số`, motto and date. Found by a
/// motto line; the header then runs back over its issuer block and forward through its title.
/// Each comes with a line saying what it was, for the diagnostics.
pub(crate) fn attached_headers(
    lines: &[Line<'_>],
    furn: &[bool],
    from: usize,
) -> Vec<(std::ops::Range<usize>, String)> {
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
            out.push((
                s..end,
                format!(
                    "the header of an attached document (lines {}-{}: {what}) kept as header lines",
                    s + 1,
                    end
                ),
            ));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}
