//! One clause's targets: the clause split into statements (at `;` and sentence ends), each
//! statement's quantities, and for each quantity the indicator it sets (the words before it,
//! else after it, else those of the quantity before it in the statement) and its years (its own
//! deadline, else the clause's last one so far, else the group's or heading's).

use std::ops::Range;
use std::sync::OnceLock;

use super::period::{self, Mention, Period, Role};
use super::quantity::{self, Quantity};
use super::taxonomy::{Indicator, Taxonomy, folded_words};
use super::tokens::{Kind, Phrase, Token};
use super::{Change, Comparator};

/// One target read from a clause; ranges are byte ranges of the clause's text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Found {
    pub indicator_text: String,
    pub indicator: Option<&'static Indicator>,
    pub comparator: Comparator,
    pub change: Option<Change>,
    pub low: f64,
    pub high: f64,
    pub value_text: String,
    pub unit: String,
    pub period: Option<Period>,
    pub span: Range<usize>,
    pub value_span: Range<usize>,
}

/// Words that join a statement's parts, dropped at the edges of an indicator.
const CONNECTORS: &[&str] = &[
    "và",
    "trong đó",
    "đồng thời",
    "cũng như",
    "với",
    "theo",
    "như",
];

/// The connectors and the cue words of values, as phrases: what an indicator's edges shed.
fn edge_phrases() -> &'static [Phrase] {
    static PHRASES: OnceLock<Vec<Phrase>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        CONNECTORS
            .iter()
            .map(|c| Phrase::new(c))
            .chain(quantity::cue_phrases().cloned())
            .collect()
    })
}

/// The targets of a clause's `text` (its tokens `toks`); `fallback` is the period its group or
/// headings give.
pub(super) fn read(text: &str, toks: &[Token], fallback: Option<Period>) -> Vec<Found> {
    let mut out = Vec::new();
    let mut running: Option<Period> = None;
    for range in statements(toks, text) {
        let stoks = &toks[range.clone()];
        if is_report(stoks) {
            continue;
        }
        let mentions = period::mentions(stoks);
        let quantities = quantity::quantities(stoks);
        if quantities.is_empty() {
            // `Đến năm 2025, hoàn thành …`: the clause's later statements are for 2025 too.
            if let Some(m) = mentions
                .iter()
                .find(|m| m.role == Role::Deadline && m.tokens.start <= 2)
            {
                running = Some(m.period);
            }
            continue;
        }
        let span = stoks[0].range.start..stoks[stoks.len() - 1].range.end;
        let mut previous: Option<Found> = None;
        for (i, q) in quantities.iter().enumerate() {
            let (head, tail) = parts(stoks, &quantities, i);
            let own = own_period(&mentions, &head, &tail);
            if let Some((p, true)) = own {
                running = Some(p);
            }
            let period = own.map(|(p, _)| p).or(running).or(fallback);
            let found = read_quantity(text, stoks, q, (&head, &tail), &mentions, previous.as_ref());
            let found = Found {
                period,
                span: span.clone(),
                ..found
            };
            previous = Some(found.clone());
            out.push(found);
        }
    }
    out
}

/// Reads one quantity into a target (without its period and span, set by the caller).
fn read_quantity(
    text: &str,
    stoks: &[Token],
    q: &Quantity,
    (head, tail): (&Range<usize>, &Range<usize>),
    mentions: &[Mention],
    previous: Option<&Found>,
) -> Found {
    let rank = q.comparator == Comparator::Top;
    let mut change = q.change;
    if change.is_none() && !q.has_verb {
        change = match previous {
            Some(p) => p.change,
            None => leading_change(stoks, head, q),
        };
    }
    let (indicator_text, mut indicator) =
        match indicator_of(text, stoks, head, tail, mentions, rank) {
            Some(found) => found,
            None => match previous {
                Some(p) => (p.indicator_text.clone(), p.indicator),
                None => (String::new(), None),
            },
        };
    // `Năng suất lao động tăng 9%/năm` is the growth rate of labour productivity.
    if change == Some(Change::Increase)
        && q.unit == "%/năm"
        && let Some(growth) = indicator.and_then(|i| i.growth.as_deref())
    {
        indicator = Taxonomy::get().indicator(growth);
        change = None;
    }
    let last_number = stoks[q.value_start..q.unit_start.max(q.value_start + 1)]
        .iter()
        .rev()
        .find(|t| t.kind == Kind::Number)
        .map_or(stoks[q.value_start].range.end, |t| t.range.end);
    Found {
        indicator_text,
        indicator,
        comparator: q.comparator,
        change,
        low: q.low,
        high: q.high,
        value_text: text[stoks[q.value_start].range.start..last_number].to_string(),
        unit: q.unit.clone(),
        period: None,
        span: 0..0,
        value_span: q.bytes.clone(),
    }
}

/// Whether a statement reports results rather than sets targets: `so với cùng kỳ` (against the
/// same period of last year), `ước đạt` (estimated at), `lũy kế` (cumulated).
fn is_report(stoks: &[Token]) -> bool {
    stoks.windows(2).any(|w| {
        (w[0].word("cùng") && w[1].word("kỳ"))
            || (w[0].word("ước")
                && ["đạt", "tăng", "giảm", "khoảng", "tính"]
                    .iter()
                    .any(|v| w[1].word(v)))
            || (w[0].word("lũy") && w[1].word("kế"))
    })
}

/// The change a statement's first words set for a value whose own words set none: `giảm số
/// lượng dự án tối thiểu 30%`. Only when nothing but bounds stands right before the value (in
/// `Tăng đầu tư … bảo đảm tối thiểu 2%`, the 2% is a level).
fn leading_change(stoks: &[Token], head: &Range<usize>, q: &Quantity) -> Option<Change> {
    let only_bounds = (q.cue_start..q.value_start).all(|k| quantity::is_bound_word(&stoks[k]));
    if !only_bounds {
        return None;
    }
    let lead = ["phấn đấu", "tiếp tục", "thực hiện", "hoàn thành"].map(Phrase::new);
    let mut k = head.start;
    loop {
        if k < head.end && stoks[k].kind == Kind::Punct {
            k += 1;
        } else if let Some(p) = lead.iter().find(|p| p.at(&stoks[..head.end], k)) {
            k += p.len();
        } else {
            break;
        }
    }
    let at = |w: &'static str| stoks.get(k).is_some_and(|t| t.word(w));
    let next_is = |w: &'static str| stoks.get(k + 1).is_some_and(|t| t.word(w));
    if at("giảm") || (at("cắt") && next_is("giảm")) || (at("rút") && next_is("ngắn")) {
        Some(Change::Decrease)
    } else if at("tăng") && !next_is("cường") && !next_is("trưởng") {
        Some(Change::Increase)
    } else {
        None
    }
}

/// The statements of a clause: token ranges split after `;`, after a table row's cell (`|`) and
/// after a sentence's end (`.`, `!`, `?` before a capital, a number, a quote or the end).
fn statements(toks: &[Token], text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (k, t) in toks.iter().enumerate() {
        let end = if t.is(';') || t.is('|') {
            true
        } else if t.is('.') || t.is('!') || t.is('?') {
            match toks.get(k + 1) {
                None => true,
                Some(n) => match n.kind {
                    Kind::Number => true,
                    Kind::Word => text[n.range.clone()].starts_with(char::is_uppercase),
                    Kind::Punct => "“\"(-–".contains(n.key.as_str()),
                },
            }
        } else {
            false
        };
        if end {
            if k > start {
                out.push(start..k + 1);
            }
            start = k + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out
}

/// The words before quantity `i` (its head) and after it (its tail), as token ranges of the
/// statement. The words between two quantities are cut at their first `,`, `;` or `và`: what comes
/// before belongs to the first, the rest to the second.
fn parts(stoks: &[Token], qs: &[Quantity], i: usize) -> (Range<usize>, Range<usize>) {
    let q = &qs[i];
    let head_start = match i.checked_sub(1) {
        None => 0,
        Some(p) => split_point(stoks, qs[p].end, q.cue_start).1,
    };
    let tail_from = if q.counted { q.unit_start } else { q.end };
    let tail_end = match qs.get(i + 1) {
        None => stoks.len(),
        Some(n) => split_point(stoks, q.end, n.cue_start).0,
    };
    (head_start..q.cue_start, tail_from..tail_end.max(tail_from))
}

/// Where to cut the words `from..to` between two quantities: (end of the first's tail, start of
/// the second's head).
fn split_point(stoks: &[Token], from: usize, to: usize) -> (usize, usize) {
    let mut depth = 0;
    for (k, t) in stoks.iter().enumerate().take(to).skip(from) {
        if t.is('(') {
            depth += 1;
        } else if t.is(')') {
            depth -= 1;
        } else if depth <= 0 && (t.is(',') || t.is(';') || t.word("và")) {
            return (k, k + 1);
        }
    }
    (from, from)
}

/// The period of a quantity from its own words: the last deadline of its head (`true`: it also
/// holds for the clause's later statements), else the first of its tail (`vào năm 2015`).
fn own_period(
    mentions: &[Mention],
    head: &Range<usize>,
    tail: &Range<usize>,
) -> Option<(Period, bool)> {
    let within = |r: &Range<usize>, m: &Mention| m.tokens.start >= r.start && m.tokens.end <= r.end;
    let counts = |m: &&Mention| matches!(m.role, Role::Deadline | Role::Bare);
    if let Some(m) = mentions.iter().filter(|m| within(head, m)).rfind(counts) {
        return Some((m.period, true));
    }
    mentions
        .iter()
        .filter(|m| within(tail, m))
        .find(counts)
        .map(|m| (m.period, false))
}

/// The indicator of a quantity: the text and its key in the taxonomy. The head's parts (cut at
/// years and after `mục tiêu`) nearest the value first, then the tail (for a ranking, the words
/// after `về`); a part the taxonomy knows wins over one it does not. `None` when neither has
/// any words of its own (the quantity shares the indicator before it).
fn indicator_of(
    text: &str,
    stoks: &[Token],
    head: &Range<usize>,
    tail: &Range<usize>,
    mentions: &[Mention],
    rank: bool,
) -> Option<(String, Option<&'static Indicator>)> {
    let taxonomy = Taxonomy::get();
    let mut candidates: Vec<Range<usize>> = Vec::new();
    let tail_part = tail_part(stoks, tail.clone(), mentions, rank);
    // `A và 100% B`: the value opens a phrase of its own, whose noun follows it.
    let fresh = head.end > head.start && stoks[head.end - 1].word("và");
    if rank || fresh {
        candidates.extend(tail_part.clone());
    }
    candidates.extend(head_parts(stoks, head.clone(), mentions).into_iter().rev());
    if !rank && !fresh {
        candidates.extend(tail_part);
    }
    let text_of =
        |r: &Range<usize>| text[stoks[r.start].range.start..stoks[r.end - 1].range.end].to_string();
    for r in &candidates {
        let words = folded_words(&text_of(r));
        if let Some(indicator) = taxonomy.find(&words, rank) {
            return Some((text_of(r), Some(indicator)));
        }
    }
    candidates.first().map(|r| (text_of(r), None))
}

/// The parts of a head that may name the indicator: the words after its last `mục tiêu` or
/// `chỉ tiêu`, cut at every year mention, each trimmed; only parts with words of their own.
fn head_parts(stoks: &[Token], head: Range<usize>, mentions: &[Mention]) -> Vec<Range<usize>> {
    let mut start = head.start;
    for k in head.clone() {
        let aim = (stoks[k].word("mục") || stoks[k].word("chỉ"))
            && stoks.get(k + 1).is_some_and(|t| t.word("tiêu"));
        if aim && k + 2 <= head.end {
            start = k + 2;
        }
    }
    let mut cuts: Vec<Range<usize>> = mentions
        .iter()
        .filter(|m| m.tokens.start >= start && m.tokens.end <= head.end)
        .map(|m| m.tokens.clone())
        .collect();
    cuts.push(head.end..head.end);
    let mut parts = Vec::new();
    let mut from = start;
    for cut in cuts {
        if let Some(r) = trimmed(stoks, from..cut.start) {
            parts.push(r);
        }
        from = cut.end;
    }
    parts
}

/// The part of a tail that may name the indicator: for a ranking the words after `về`; else the
/// words up to a baseline (`so với`), a year mention or the first `,` after three words.
fn tail_part(
    stoks: &[Token],
    tail: Range<usize>,
    mentions: &[Mention],
    rank: bool,
) -> Option<Range<usize>> {
    let mut start = tail.start;
    if rank {
        start = (tail.clone())
            .find(|&k| stoks[k].word("về"))
            .map_or(tail.start, |k| k + 1);
    }
    let mut end = tail.end;
    if let Some(m) = mentions
        .iter()
        .find(|m| m.tokens.start >= start && m.tokens.start < end)
    {
        end = m.tokens.start;
    }
    let mut words = 0;
    for k in start..end {
        let t = &stoks[k];
        if t.word("so") && stoks.get(k + 1).is_some_and(|n| n.word("với")) {
            end = k;
            break;
        }
        if t.kind == Kind::Word {
            words += 1;
        }
        if (t.is(',') && words >= 3) || t.is(';') {
            end = k;
            break;
        }
    }
    trimmed(stoks, start..end)
}

/// `r` without the punctuation and connectors at its edges and the cue words at its end (`đạt`,
/// `tăng`), if it keeps a word of its own outside parentheses. A cue word at its start stays:
/// `mức` in `Mức độ hài lòng`.
fn trimmed(stoks: &[Token], r: Range<usize>) -> Option<Range<usize>> {
    let (mut a, mut b) = (r.start, r.end);
    loop {
        if a < b && stoks[a].kind == Kind::Punct && !stoks[a].is('(') {
            a += 1;
        } else if let Some(n) = edge_words(stoks, a, b, true) {
            a += n;
        } else {
            break;
        }
    }
    loop {
        if a < b && stoks[b - 1].kind == Kind::Punct && !stoks[b - 1].is(')') {
            b -= 1;
        } else if let Some(n) = edge_words(stoks, a, b, false) {
            b -= n;
        } else {
            break;
        }
    }
    let mut depth = 0;
    let own = (a..b).any(|k| {
        let t = &stoks[k];
        if t.is('(') {
            depth += 1;
        } else if t.is(')') {
            depth -= 1;
        }
        depth <= 0 && t.kind == Kind::Word
    });
    own.then_some(a..b)
}

/// How many tokens of a connector stand at the start (`front`) of `a..b`, or of a connector or
/// cue word at its end.
fn edge_words(stoks: &[Token], a: usize, b: usize, front: bool) -> Option<usize> {
    let phrases = edge_phrases();
    let phrases = if front {
        &phrases[..CONNECTORS.len()]
    } else {
        phrases
    };
    phrases
        .iter()
        .filter(|p| p.len() <= b - a)
        .filter(|p| {
            if front {
                p.at(&stoks[..b], a)
            } else {
                p.before(stoks, b)
            }
        })
        .map(Phrase::len)
        .max()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn keys(text: &str) -> Vec<(String, Option<String>, f64, Option<i32>)> {
        read(text, &tokenize(text), None)
            .into_iter()
            .map(|f| {
                (
                    f.indicator_text,
                    f.indicator.map(|i| i.key.clone()),
                    f.low,
                    f.period.and_then(|p| p.to),
                )
            })
            .collect()
    }

    #[test]
    fn statements_split_at_semicolons_and_sentence_ends() {
        let text = "A đạt 1.000 người; b đạt 2%. C đạt 3,5%. 100% d.";
        let toks = tokenize(text);
        assert_eq!(statements(&toks, text).len(), 4);
    }

    #[test]
    fn a_second_value_shares_the_indicator_and_has_its_own_year() {
        let got = keys(
            "Tỷ trọng công nghiệp, xây dựng và thương mại, dịch vụ trong GRDP (không tính thuế sản phẩm) \
             đến năm 2030 đạt 85% trở lên và đến năm 2045 đạt khoảng 90%.",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("industry_services_share"));
        assert_eq!(got[1].1.as_deref(), Some("industry_services_share"));
        assert_eq!((got[0].3, got[1].3), (Some(2030), Some(2045)));
        assert!(got[0].0.starts_with("Tỷ trọng công nghiệp"), "{got:?}");
    }

    #[test]
    fn a_deadline_holds_for_the_clause_after_it() {
        let got = keys(
            "Đến năm 2025, tối thiểu 80% hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến. \
             Mức độ hài lòng của người dân đạt tối thiểu 90%. Đến năm 2030, mức độ hài lòng đạt 95%.",
        );
        let years: Vec<Option<i32>> = got.iter().map(|g| g.3).collect();
        assert_eq!(years, [Some(2025), Some(2025), Some(2030)]);
        assert_eq!(got[0].1.as_deref(), Some("online_admin_dossiers"));
        assert_eq!(got[1].1.as_deref(), Some("admin_satisfaction"));
    }

    #[test]
    fn the_years_after_a_value_and_the_baselines() {
        let got = keys(
            "Nâng tổng đầu tư xã hội cho khoa học và công nghệ đạt 1,5% GDP vào năm 2015, trên 2% GDP \
             vào năm 2020 và khoảng 3% GDP vào năm 2030.",
        );
        let years: Vec<Option<i32>> = got.iter().map(|g| g.3).collect();
        assert_eq!(years, [Some(2015), Some(2020), Some(2030)]);
        assert!(
            got.iter().all(|g| g.1.as_deref() == Some("rnd_spending")),
            "{got:?}"
        );
        let got = keys("Giảm 1/3 số hộ nghèo so với năm 2020.");
        assert_eq!(got[0].1.as_deref(), Some("poverty_rate"));
        assert_eq!(got[0].3, None);
    }

    #[test]
    fn growth_of_an_indicator_is_its_growth_key() {
        let text = "Năng suất lao động (tính theo giá so sánh) tăng từ 9,0%/năm trở lên.";
        let found = read(text, &tokenize(text), None);
        assert_eq!(
            found[0].indicator.map(|i| i.key.as_str()),
            Some("labour_productivity_growth")
        );
        assert_eq!(found[0].change, None);
        let text = "Tỷ lệ hộ nghèo giảm bình quân 1 - 1,5%/năm.";
        let found = read(text, &tokenize(text), None);
        assert_eq!(
            found[0].indicator.map(|i| i.key.as_str()),
            Some("poverty_rate")
        );
        assert_eq!(found[0].change, Some(Change::Decrease));
        assert_eq!((found[0].low, found[0].high), (1.0, 1.5));
        assert_eq!(found[0].value_text, "1 - 1,5");
    }

    #[test]
    fn text_without_diacritics_and_in_capitals_reads_the_same() {
        for text in [
            "Ty le che phu rung dat 42%.",
            "TỶ LỆ CHE PHỦ RỪNG ĐẠT 42%.",
            "Tỷ lệ che phủ rừng đạt 42%.",
        ] {
            let got = read(text, &tokenize(text), None);
            assert_eq!(got.len(), 1, "{text}");
            assert_eq!(
                got[0].indicator.map(|i| i.key.as_str()),
                Some("forest_cover"),
                "{text}"
            );
            assert_eq!(
                (got[0].low, got[0].comparator),
                (42.0, Comparator::Eq),
                "{text}"
            );
        }
    }
}
