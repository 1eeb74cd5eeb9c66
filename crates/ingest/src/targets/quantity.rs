//! The quantities of a statement: a number or a range as Vietnamese writes them (`9,0`, `1 - 1,5`,
//! `từ 8% đến 9%`, `1/3`), its unit (`%`, `%/năm`, `% GDP`, `triệu đồng/năm`, `lần`, a counted
//! noun such as `bác sĩ/vạn dân`), and the words around it that say how it binds: a comparator
//! (`trên`, `tối thiểu`, `trở lên`, `khoảng`, `thuộc nhóm N nước dẫn đầu`) and a change (`tăng`,
//! `giảm`, `thêm`), or a level reached by one (`giảm còn 22%`).
//!
//! A number is a quantity only with a unit, or with a comparator right before it and nothing
//! after it (`HDI duy trì trên 0,7`): years, durations (`05 năm`), document numbers (`18-NQ/TW`),
//! labels (`cấp độ 4`) and numbers in parentheses (`(3.500 USD)` beside `90 triệu đồng`) are not.

use std::ops::Range;

use std::sync::OnceLock;

use super::tokens::{Kind, Phrase, Token, is_year, number_value};
use super::{Change, Comparator};

/// What a word before a number says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A bound: `trên`, `tối thiểu`, `khoảng` …
    Bound(Comparator),
    /// A change: `tăng`, `giảm`, `thêm` …
    Change(Change),
    /// A level reached by a change: `còn` in `giảm còn 22%`, `lên` in `tăng lên 30%`.
    Level,
    /// A verb that states the value: `đạt`, `chiếm`, `là` …
    Verb,
    /// A word that may stand between the indicator and its value: `bình quân`, `hằng năm` …
    Filler,
}

/// The words that may precede a value, with their diacritics (longest first where one holds
/// another).
const CUES: &[(&str, Cue)] = &[
    ("trên dưới", Cue::Bound(Comparator::About)),
    ("không vượt quá", Cue::Bound(Comparator::Le)),
    ("không thấp hơn", Cue::Bound(Comparator::Ge)),
    ("không ít hơn", Cue::Bound(Comparator::Ge)),
    ("không dưới", Cue::Bound(Comparator::Ge)),
    ("không quá", Cue::Bound(Comparator::Le)),
    ("tối thiểu", Cue::Bound(Comparator::Ge)),
    ("ít nhất", Cue::Bound(Comparator::Ge)),
    ("tối đa", Cue::Bound(Comparator::Le)),
    ("thấp hơn", Cue::Bound(Comparator::Lt)),
    ("cao hơn", Cue::Bound(Comparator::Gt)),
    ("nhiều hơn", Cue::Bound(Comparator::Gt)),
    ("xấp xỉ", Cue::Bound(Comparator::About)),
    ("trên", Cue::Bound(Comparator::Gt)),
    ("hơn", Cue::Bound(Comparator::Gt)),
    ("vượt", Cue::Bound(Comparator::Gt)),
    ("dưới", Cue::Bound(Comparator::Lt)),
    ("khoảng", Cue::Bound(Comparator::About)),
    ("gần", Cue::Bound(Comparator::About)),
    ("cắt giảm", Cue::Change(Change::Decrease)),
    ("giảm bớt", Cue::Change(Change::Decrease)),
    ("rút ngắn", Cue::Change(Change::Decrease)),
    ("giảm", Cue::Change(Change::Decrease)),
    ("tăng thêm", Cue::Change(Change::Increase)),
    ("tăng", Cue::Change(Change::Increase)),
    ("thêm", Cue::Change(Change::Increase)),
    ("xuống còn", Cue::Level),
    ("còn", Cue::Level),
    ("lên", Cue::Level),
    ("xuống", Cue::Level),
    ("đạt mức", Cue::Verb),
    ("ở mức", Cue::Verb),
    ("đạt", Cue::Verb),
    ("chiếm", Cue::Verb),
    ("là", Cue::Verb),
    ("bằng", Cue::Verb),
    ("duy trì", Cue::Verb),
    ("mức", Cue::Filler),
    ("bình quân", Cue::Filler),
    ("trung bình", Cue::Filler),
    ("hằng năm", Cue::Filler),
    ("hàng năm", Cue::Filler),
    ("mỗi năm", Cue::Filler),
    ("gấp", Cue::Filler),
    ("từ", Cue::Filler),
    ("có", Cue::Filler),
    ("phấn đấu", Cue::Filler),
    ("hướng tới", Cue::Filler),
    ("thực hiện", Cue::Filler),
    ("bảo đảm", Cue::Filler),
    ("đảm bảo", Cue::Filler),
    ("bố trí", Cue::Filler),
    ("thu hút", Cue::Filler),
    ("nâng", Cue::Filler),
];

/// Nouns counted by a number (`5 doanh nghiệp`, `14 bác sỹ`, `70 nước`), longest first where
/// one starts another.
const COUNTED: &[&str] = &[
    "bác sĩ",
    "giường bệnh",
    "doanh nghiệp",
    "tổ chức",
    "nhà khoa học",
    "chuyên gia",
    "sinh viên",
    "học sinh",
    "lao động",
    "người",
    "quốc gia",
    "nền kinh tế",
    "nước",
    "tỉnh",
    "thành phố",
    "huyện",
    "xã",
    "trường",
    "sản phẩm",
    "dự án",
    "hộ",
    "sáng chế",
    "công trình",
    "khu công nghiệp",
    "cụm công nghiệp",
    "trung tâm",
    "cơ sở",
    "căn hộ",
    "km",
    "ha",
    "tấn",
    "MW",
];

/// The counted nouns of a ranking (`thuộc nhóm 50 nước dẫn đầu`).
const RANKED: &[&str] = &["nước", "quốc gia", "nền kinh tế", "tỉnh", "thành phố"];

/// The tables above as phrases, made once.
struct Tables {
    cues: Vec<(Phrase, Cue)>,
    counted: Vec<Phrase>,
    ranked: Vec<Phrase>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        cues: CUES.iter().map(|(p, c)| (Phrase::new(p), *c)).collect(),
        counted: COUNTED.iter().map(|p| Phrase::new(p)).collect(),
        ranked: RANKED.iter().map(|p| Phrase::new(p)).collect(),
    })
}

/// The cue words, as phrases: what may stand between an indicator and its value.
pub(super) fn cue_phrases() -> impl Iterator<Item = &'static Phrase> {
    tables().cues.iter().map(|(p, _)| p)
}

/// Whether a token is a word of a bound (`tối thiểu`, `trên`, `khoảng` …).
pub(super) fn is_bound_word(t: &Token) -> bool {
    tables()
        .cues
        .iter()
        .filter(|(_, c)| matches!(c, Cue::Bound(_)))
        .any(|(p, _)| (0..p.len()).any(|i| p.word_at(i, t)))
}

/// One quantity of a statement; token indices are into the statement's tokens.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Quantity {
    /// The first token of the words before the value that bind it (`đạt tối thiểu`).
    pub cue_start: usize,
    /// The first token of the value.
    pub value_start: usize,
    /// The first token of the unit; where a counted noun starts (`tổ chức khoa học …`).
    pub unit_start: usize,
    /// The token after the unit and the words after it (`trở lên`).
    pub end: usize,
    /// The value's low and high (equal for one number).
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// The unit in its canonical form (`%/năm`, `bác sĩ/vạn dân`, `` for none).
    pub unit: String,
    /// Whether the unit is a counted noun.
    pub counted: bool,
    /// How the value binds.
    pub comparator: Comparator,
    /// The change the value is an amount of, if it is one.
    pub change: Option<Change>,
    /// Whether the words before the value hold a verb of their own (`đạt`, `tăng`): a value
    /// without one shares the change of the value before it (`giảm ít nhất 30% A, ít nhất 30% B`).
    pub has_verb: bool,
    /// The byte range of the value and its unit in the text.
    pub bytes: Range<usize>,
}

/// The quantities of one statement's tokens, in order.
pub(super) fn quantities(toks: &[Token]) -> Vec<Quantity> {
    let denominators = denominators(toks);
    let per_10k = !denominators.is_empty();
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is('(') {
            depth += 1;
        } else if t.is(')') {
            depth = (depth - 1).max(0);
        }
        let skip = depth > 0
            || t.kind != Kind::Number
            || denominators.iter().any(|d| d.contains(&i))
            || (is_year(t).is_some() && !toks.get(i + 1).is_some_and(|n| n.is('%')));
        if !skip && let Some(q) = quantity_at(toks, i, per_10k) {
            i = q.end.max(i + 1);
            out.push(q);
            continue;
        }
        i += 1;
    }
    out
}

/// The token ranges of `trên 1 vạn dân`, `trên một vạn dân`, `/vạn dân`, `trên 10.000 dân`.
fn denominators(toks: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let per = toks[i].word("trên") || toks[i].is('/');
        if !per {
            continue;
        }
        let mut j = i + 1;
        let one = toks.get(j).is_some_and(|t| t.word("một") || t.key == "1");
        if one {
            j += 1;
        }
        let van = toks.get(j).is_some_and(|t| t.word("vạn"));
        let ten_thousand = toks.get(j).is_some_and(|t| t.key == "10.000");
        let people = toks
            .get(j + 1)
            .is_some_and(|t| t.word("dân") || t.word("người"));
        if (van || ten_thousand) && people {
            out.push(i..j + 2);
        }
    }
    out
}

/// Reads a quantity whose first number is the token at `i`.
fn quantity_at(toks: &[Token], i: usize, per_10k: bool) -> Option<Quantity> {
    let first = number_value(&toks[i].key)?;
    // A fraction `1/3` before `số` or `tổng`.
    let fraction = toks.get(i + 1).is_some_and(|t| t.is('/'))
        && toks.get(i + 2).is_some_and(|t| t.kind == Kind::Number)
        && toks
            .get(i + 3)
            .is_some_and(|t| t.word("số") || t.word("tổng"));
    let (low, high, mut unit, counted, unit_start, mut end);
    if fraction {
        let d = number_value(&toks[i + 2].key).filter(|d| *d > 0.0)?;
        (low, high) = (first / d, first / d);
        unit = "phần".to_string();
        (counted, unit_start, end) = (false, i + 3, i + 3);
    } else {
        let (k, h) = range_end(toks, i).unwrap_or((i, first));
        if first > h {
            return None;
        }
        (unit, counted, end) = unit_after(toks, k + 1)?;
        (low, high, unit_start) = (first, h, k + 1);
    }
    let (cue_start, pre) = cues_before(toks, i);
    let mut comparator = pre.bound.unwrap_or(Comparator::Eq);
    if unit.is_empty() && pre.bound.is_none() {
        return None;
    }
    if counted {
        let ranked = tables()
            .ranked
            .iter()
            .any(|p| p.matches(&toks[unit_start..end]));
        if ranked && ranked_after(toks, end) {
            comparator = Comparator::Top;
        } else if per_10k {
            unit.push_str("/vạn dân");
        }
        let denominator = denominators(&toks[end..]).into_iter().next();
        if let Some(d) = denominator.filter(|d| d.start == 0) {
            end += d.end;
        }
    }
    // Words after: `(3.500 USD)` is stepped over, then `trở lên` / `trở xuống`.
    let mut j = end;
    if toks.get(j).is_some_and(|t| t.is('('))
        && let Some(close) = toks[j..].iter().position(|t| t.is(')'))
    {
        j += close + 1;
    }
    if comparator != Comparator::Top && toks.get(j).is_some_and(|t| t.word("trở")) {
        if toks.get(j + 1).is_some_and(|t| t.word("lên")) {
            comparator = Comparator::Ge;
            end = j + 2;
        } else if toks.get(j + 1).is_some_and(|t| t.word("xuống")) {
            comparator = Comparator::Le;
            end = j + 2;
        }
    }
    let last = toks[end.max(i + 1) - 1].range.end;
    let bytes_end = if fraction {
        toks[i + 2].range.end
    } else {
        last
    };
    Some(Quantity {
        cue_start,
        value_start: i,
        unit_start,
        end,
        low,
        high,
        unit,
        counted,
        comparator,
        change: pre.change,
        has_verb: pre.verb,
        bytes: toks[i].range.start..bytes_end,
    })
}

/// The high end of a range starting at the number `i`: `1 - 1,5`, `1% - 3%`, `8-9`, `từ 8% đến
/// 9%`: the index of its last number and its value.
fn range_end(toks: &[Token], i: usize) -> Option<(usize, f64)> {
    let mut j = i + 1;
    let percent = toks.get(j).is_some_and(|t| t.is('%'));
    if percent {
        j += 1;
    }
    let dash = toks.get(j).is_some_and(|t| t.is('-') || t.is('–'));
    // `từ 8 đến 9%`, and `13% đến 15%` (two percentages need no `từ`).
    let to = toks.get(j).is_some_and(|t| t.word("đến"))
        && ((i >= 1 && toks[i - 1].word("từ"))
            || (percent && toks.get(j + 2).is_some_and(|t| t.is('%'))));
    if !(dash || to) {
        return None;
    }
    let n = toks
        .get(j + 1)
        .filter(|t| t.kind == Kind::Number && is_year(t).is_none())?;
    Some((j + 1, number_value(&n.key)?))
}

/// The unit that starts at token `j`: its canonical form, whether it is a counted noun, and the
/// token after it. `None` when no unit starts there; `Some("")` when the number stands alone
/// before punctuation or the end.
fn unit_after(toks: &[Token], j: usize) -> Option<(String, bool, usize)> {
    let Some(t) = toks.get(j) else {
        return Some((String::new(), false, j));
    };
    if t.is('%') {
        if toks.get(j + 1).is_some_and(|t| t.is('/'))
            && toks.get(j + 2).is_some_and(|t| t.word("năm"))
        {
            return Some(("%/năm".into(), false, j + 3));
        }
        if let Some(of) = toks.get(j + 1).filter(|t| t.word("GDP") || t.word("GRDP")) {
            return Some((format!("% {}", of.key.to_uppercase()), false, j + 2));
        }
        return Some(("%".into(), false, j + 1));
    }
    if t.word("lần") {
        return Some(("lần".into(), false, j + 1));
    }
    if let Some(money) = money_at(toks, j) {
        return Some(money);
    }
    if let Some(noun) = tables().counted.iter().find(|p| p.at(toks, j)) {
        let n = noun.len();
        return Some((exact(toks, j..j + n), true, j + n));
    }
    if t.kind == Kind::Punct && !t.is('/') && !t.is('-') && !t.is('–') {
        return Some((String::new(), false, j));
    }
    if t.word("trở") {
        return Some((String::new(), false, j));
    }
    None
}

/// The exact keys (lower case, one tone placement, `y` after a consonant as `i`) of the words of
/// `toks[range]` joined by spaces: the canonical spelling of a counted noun (`bác sỹ` → `bác sĩ`).
fn exact(toks: &[Token], range: Range<usize>) -> String {
    toks[range]
        .iter()
        .map(|t| t.exact.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A sum of money at token `j`: `triệu đồng`, `tỷ USD`, `nghìn tỷ đồng`, with `/năm`, `/người`,
/// `/tháng` after it.
fn money_at(toks: &[Token], j: usize) -> Option<(String, bool, usize)> {
    let mut k = j;
    let mut parts: Vec<&str> = Vec::new();
    let pick = |t: Option<&Token>, words: &[(&'static str, &'static str)]| {
        let t = t?;
        words
            .iter()
            .find(|(w, _)| t.word(w))
            .map(|(_, canonical)| *canonical)
    };
    let multipliers = [
        ("nghìn", "nghìn"),
        ("ngàn", "nghìn"),
        ("triệu", "triệu"),
        ("tỷ", "tỷ"),
    ];
    while let Some(m) = pick(toks.get(k), &multipliers) {
        parts.push(m);
        k += 1;
    }
    parts.push(pick(toks.get(k), &[("đồng", "đồng"), ("USD", "USD")])?);
    k += 1;
    let mut unit = parts.join(" ");
    if toks.get(k).is_some_and(|t| t.is('/')) {
        let per = [("năm", "năm"), ("người", "người"), ("tháng", "tháng")];
        if let Some(per) = pick(toks.get(k + 1), &per) {
            unit = format!("{unit}/{per}");
            k += 2;
        }
    }
    Some((unit, false, k))
}

/// Whether `dẫn đầu`, `đứng đầu` or `hàng đầu` follows token `j` (perhaps after `trên thế giới`).
fn ranked_after(toks: &[Token], j: usize) -> bool {
    (j..toks.len().min(j + 4)).any(|k| {
        let lead = ["dẫn", "đứng", "hàng"].iter().any(|w| toks[k].word(w));
        lead && toks.get(k + 1).is_some_and(|t| t.word("đầu"))
    })
}

/// What the words right before a value say.
#[derive(Debug, Default)]
struct Before {
    bound: Option<Comparator>,
    change: Option<Change>,
    verb: bool,
}

/// Reads the cue words right before the value at `i`, backwards, as long as they are cues: the
/// first token of their run and what they say. The bound nearest the value wins; a change counts
/// unless a level word stands between it and the value (`giảm còn 22%`).
fn cues_before(toks: &[Token], i: usize) -> (usize, Before) {
    let mut before = Before::default();
    let mut level = false;
    let mut j = i;
    'back: while j > 0 {
        for (phrase, cue) in &tables().cues {
            if phrase.before(toks, j) {
                let n = phrase.len();
                match *cue {
                    Cue::Bound(c) => {
                        before.bound.get_or_insert(c);
                    }
                    Cue::Change(c) => {
                        before.verb = true;
                        if !level {
                            before.change.get_or_insert(c);
                        }
                    }
                    Cue::Level => level = true,
                    Cue::Verb => before.verb = true,
                    Cue::Filler => {}
                }
                j -= n;
                continue 'back;
            }
        }
        break;
    }
    (j, before)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    /// `(low, high, unit, comparator, change)` of each quantity of `text`.
    fn read(text: &str) -> Vec<(f64, f64, String, Comparator, Option<Change>)> {
        quantities(&tokenize(text))
            .into_iter()
            .map(|q| (q.low, q.high, q.unit, q.comparator, q.change))
            .collect()
    }

    fn one(text: &str) -> (f64, f64, String, Comparator, Option<Change>) {
        let all = read(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn values_units_and_comparators() {
        use Comparator::*;
        assert_eq!(
            one("Tỷ lệ đô thị hoá đạt 30% trở lên."),
            (30.0, 30.0, "%".into(), Ge, None)
        );
        assert_eq!(
            one("tăng từ 9,0%/năm trở lên"),
            (9.0, 9.0, "%/năm".into(), Ge, Some(Change::Increase))
        );
        assert_eq!(
            one("giảm bình quân 1 - 1,5%/năm"),
            (1.0, 1.5, "%/năm".into(), Eq, Some(Change::Decrease))
        );
        assert_eq!(one("đạt từ 8% đến 9%"), (8.0, 9.0, "%".into(), Eq, None));
        assert_eq!(one("đạt 8-9%"), (8.0, 9.0, "%".into(), Eq, None));
        assert_eq!(
            one("tăng 13% đến 15%"),
            (13.0, 15.0, "%".into(), Eq, Some(Change::Increase))
        );
        assert_eq!(
            one("đạt 30% đến năm 2030"),
            (30.0, 30.0, "%".into(), Eq, None)
        );
        assert_eq!(one("giảm còn 22%"), (22.0, 22.0, "%".into(), Eq, None));
        assert_eq!(
            one("đạt 90 triệu đồng (3.500 USD) trở lên"),
            (90.0, 90.0, "triệu đồng".into(), Ge, None)
        );
        assert_eq!(
            one("đạt 78 triệu đồng/năm trở lên"),
            (78.0, 78.0, "triệu đồng/năm".into(), Ge, None)
        );
        assert_eq!(
            one("Số bác sỹ trên 1 vạn dân đạt 14 bác sỹ trở lên"),
            (14.0, 14.0, "bác sĩ/vạn dân".into(), Ge, None)
        );
        assert_eq!(
            one("đạt 12 người trên một vạn dân"),
            (12.0, 12.0, "người/vạn dân".into(), Eq, None)
        );
        assert_eq!(
            one("đạt tối thiểu 30% GDP"),
            (30.0, 30.0, "% GDP".into(), Ge, None)
        );
        assert_eq!(
            one("duy trì trên 0,7."),
            (0.7, 0.7, String::new(), Gt, None)
        );
        assert_eq!(
            one("tăng gấp 1,8 lần"),
            (1.8, 1.8, "lần".into(), Eq, Some(Change::Increase))
        );
        assert_eq!(
            one("Thu hút thêm ít nhất 3 tổ chức"),
            (3.0, 3.0, "tổ chức".into(), Ge, Some(Change::Increase))
        );
        assert_eq!(
            one("thuộc nhóm 50 nước dẫn đầu"),
            (50.0, 50.0, "nước".into(), Top, None)
        );
        assert_eq!(one("chiếm hơn 60%"), (60.0, 60.0, "%".into(), Gt, None));
        assert_eq!(one("đạt khoảng 40%"), (40.0, 40.0, "%".into(), About, None));
        let (low, _, unit, _, change) = one("Giảm 1/3 số hộ nghèo");
        assert!((low - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!((unit.as_str(), change), ("phần", Some(Change::Decrease)));
    }

    #[test]
    fn numbers_that_are_no_quantity() {
        for text in [
            "Đến năm 2030, hoàn thành",
            "giai đoạn 2021-2025",
            "trong thời hạn 02 năm",
            "Nghị quyết số 18-NQ/TW",
            "dịch vụ công trực tuyến cấp độ 4 được cung cấp",
            "quy định \"5 tại chỗ\"",
            "cuộc cách mạng 4.0.",
            "tối thiểu Tier 3 hoặc tương đương",
            "ANSI/TIA-942",
            "ngày 31 tháng 12 năm 2025",
        ] {
            assert_eq!(read(text), [], "{text}");
        }
    }
}
