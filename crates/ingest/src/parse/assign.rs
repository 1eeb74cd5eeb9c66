//! Who must carry a task out: the body an assignee heading names (`5. Bộ Nội vụ`, `4. Ủy ban
//! nhân dân các tỉnh, thành phố`, `11. Bộ Giáo dục và Đào tạo chủ trì, phối hợp với các cơ quan:`,
//! `Điều 5. Trách nhiệm của Ủy ban nhân dân cấp tỉnh`), and the body a clause assigns itself
//! (`Giao Bộ Chính trị căn cứ …`, `Bộ Tài chính chủ trì, phối hợp với …`).
//!
//! A heading names a body when it starts with one of the words Vietnamese administration names
//! its bodies with (`Bộ`, `Ủy ban`, `Sở`, `Ban`, `Văn phòng`, `Đảng ủy` …: the vocabulary of the
//! state and the Party, not of any one document) and is a name, not a sentence.

use std::sync::LazyLock;

use regex::Regex;

use super::lines::captures_if;
use crate::normalize::{folded_key, words};

/// How the name of a body starts: bodies of the Party, the state, the fronts and the
/// enterprises they own, in the forms documents write them (also the old tone placement).
const BODY_STARTS: [&str; 86] = [
    "Bộ ",
    // An official standing for the body (`Bộ trưởng Bộ Nội vụ có trách nhiệm …`).
    "Bộ trưởng",
    "Các bộ",
    "Các Bộ",
    "Ủy ban",
    "Uỷ ban",
    "Các Ủy ban",
    "UBND",
    "Sở ",
    "Các sở",
    "Các Sở",
    "Ban ",
    "Các ban",
    "Các Ban",
    "Văn phòng",
    "Thanh tra",
    "Ngân hàng",
    "Kiểm toán",
    "Tòa án",
    "Toà án",
    "Viện ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Thành ủy",
    "Thành uỷ",
    "Huyện ủy",
    "Huyện uỷ",
    "Đảng ủy",
    "Đảng uỷ",
    "Các đảng ủy",
    "Các đảng uỷ",
    "Các tỉnh ủy",
    "Các tỉnh uỷ",
    "Các thành ủy",
    "Các thành uỷ",
    "Đảng đoàn",
    "Quân ủy",
    "Quân uỷ",
    "Ban cán sự",
    "Các cấp ủy",
    "Các cấp uỷ",
    "Cấp ủy",
    "Cấp uỷ",
    "Hội đồng",
    "Thường trực",
    "Mặt trận",
    "Tổng cục",
    "Cục ",
    "Đài ",
    "Các Khu",
    "Thông tấn",
    "Bảo hiểm xã hội",
    "Tập đoàn",
    "Các Tập đoàn",
    "Các tập đoàn",
    "Tổng công ty",
    "Công an",
    "Bộ Chỉ huy",
    "Liên đoàn",
    "Hội ",
    "Đoàn ",
    "Các Đoàn",
    "Tổ đảng",
    "Chi bộ",
    "Đảng bộ",
    "Các cơ quan",
    "Các địa phương",
    "Chính phủ",
    "Thủ tướng",
    "Người đứng đầu",
    "Lãnh đạo ",
    "Thủ trưởng",
    "Chủ tịch",
    // Youth unions, public service units, schools and the enterprises a plan names.
    "Tỉnh đoàn",
    "Thành đoàn",
    "Chi cục",
    "Trung tâm ",
    "Trường ",
    "Học viện",
    "Báo ",
    // The press and broadcaster a province merged in 2025.
    "Báo và Phát thanh",
    "Các doanh nghiệp",
    "Các cơ sở",
    "Các đơn vị",
    "Các tổ chức",
    "Hiệp hội",
];

/// Where the body's name ends in a heading or clause that goes on about its task: a lead-in to
/// the task, also after a comma (`Bộ Tài chính chủ trì, phối hợp …`, `…, có trách nhiệm:`).
/// Its words must end at a word's end (see [`find_at_word_end`]).
static RE_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:,?\s+(?:chủ trì|có trách nhiệm|chịu trách nhiệm|phối hợp|theo chức năng|là cơ quan|là đơn vị)|\s*:\s*$)",
    )
    .expect("valid regex")
});
/// A verb that starts the task right after the name (`Bộ Công an khẩn trương xây dựng …`,
/// `Công an thành phố kịp thời phát hiện …`); after a comma these words name more bodies
/// (`các cơ quan, tổ chức khác`) and are passed over. Its words must end at a word's end (see
/// [`find_at_word_end`]).
static RE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s+(?:thực hiện|cụ thể hóa|cụ thể hoá|quán triệt|báo cáo|thúc đẩy|phân cấp|quy định|phê duyệt|điều chỉnh|khẩn trương|tiếp tục|căn cứ|tham mưu|hướng dẫn|chỉ đạo|kịp thời|theo dõi|nghiên cứu|xây dựng|tổ chức|triển khai|rà soát|tăng cường|đẩy mạnh|bảo đảm|ban hành|hoàn thành|bố trí|chủ động|cần|phải)",
    )
    .expect("valid regex")
});
/// A word character at the start of a text, as the regex crate's `\w` (Unicode) has it.
static RE_WORD_CHAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\w").expect("valid regex"));

/// The first match of `re` in `t` from byte `from` that ends at a word's end: what `re` followed
/// by `\b` finds. Each alternative of [`RE_LEAD`] and [`RE_VERB`] ends with a letter and none
/// starts another, so at any place `re` makes at most one match, the only one `re\b` could make
/// there. A Unicode `\b` in the pattern would cost far more: on Vietnamese text it makes the
/// regex crate leave its lazy DFA for a backtracker (some 70 000 instructions a clause).
fn find_at_word_end<'t>(re: &Regex, t: &'t str, mut from: usize) -> Option<regex::Match<'t>> {
    while let Some(m) = re.find_at(t, from) {
        if !RE_WORD_CHAR.is_match(&t[m.end()..]) {
            return Some(m);
        }
        from = m.start() + t[m.start()..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

static RE_DUTY_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Trách nhiệm|Nhiệm vụ(?:,| và) quyền hạn|Nhiệm vụ) của (.+)$")
        .expect("valid regex")
});
/// A clause that hands a task to a body (`Giao Bộ Chính trị …`) or asks one outside the
/// issuer's authority (`Đề nghị Đài Truyền hình Việt Nam …`).
static RE_GIAO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:Giao|Đề nghị)\s+(?:cho\s+)?").expect("valid regex"));

/// Whether a text starts with the name of a body. After a one-word start (`Bộ `, `Sở `) a
/// capital must follow: `Bộ Nội vụ` is a body, `Bộ máy` is not.
fn names_body(t: &str) -> bool {
    // Administrative units are territories (`Các đơn vị hành chính cấp tỉnh mới …`), not bodies.
    starts_like_body(t) && !t.starts_with("Các đơn vị hành chính")
}

/// Whether a text starts with one of [`BODY_STARTS`] as a name goes on after it.
fn starts_like_body(t: &str) -> bool {
    // The starts grouped by their first byte: most clauses start with a byte no name starts
    // with, and the rest are compared with a handful.
    static BY_FIRST_BYTE: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
        let mut by_first = vec![Vec::new(); 256];
        for b in BODY_STARTS {
            by_first[usize::from(b.as_bytes()[0])].push(b);
        }
        by_first
    });
    let Some(&first) = t.as_bytes().first() else {
        return false;
    };
    BY_FIRST_BYTE[usize::from(first)].iter().any(|b| {
        t.strip_prefix(b)
            .is_some_and(|rest| goes_on_as_name(b, rest))
    })
}

/// How many bytes of `t` the longest of [`BODY_STARTS`] it opens with takes; 0 for none.
fn start_len(t: &str) -> usize {
    BODY_STARTS
        .iter()
        .filter(|b| t.starts_with(*b))
        .map(|b| b.len())
        .max()
        .unwrap_or(0)
}

/// Whether `rest`, after the start `b`, goes on as a body's name: after a one-word start a
/// capital must follow (`Bộ Nội vụ`, not `Bộ máy`), but `Ban thường vụ …` and `Ban tuyên giáo …`
/// are bodies in lower case (`Ban hành` is a verb).
fn goes_on_as_name(b: &str, rest: &str) -> bool {
    !b.ends_with(' ')
        || rest.chars().next().is_some_and(char::is_uppercase)
        || (b == "Ban " && !rest.starts_with("hành"))
}

/// Where the first lead-in to a task ([`RE_LEAD`]) starts in `t`.
fn lead_at(t: &str) -> Option<usize> {
    find_at_word_end(&RE_LEAD, t, 0).map(|m| m.start())
}

/// Where the first verb ([`RE_VERB`]) that does not follow a comma starts in `t`: the verbs one
/// after another, as a search for all of them gives them.
fn verb_at(t: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(m) = find_at_word_end(&RE_VERB, t, from) {
        if !t[..m.start()].ends_with(',') {
            return Some(m.start());
        }
        from = m.end();
    }
    None
}

/// The body's name at the start of `t`: up to where the text goes on about the task.
fn body_name(t: &str) -> Option<String> {
    // The verbs are looked for past the name's start, which may hold one (`Các tổ chức`).
    let skip = start_len(t);
    let end = lead_at(t)
        .unwrap_or(t.len())
        .min(verb_at(&t[skip..]).map_or(t.len(), |v| v + skip));
    let name = t[..end]
        .trim()
        .trim_end_matches([',', ':', ';', ' '])
        .trim();
    let words = name.split_whitespace().count();
    // A name does not end on a conjunction: `Cấp uỷ các cấp báo cáo và chịu trách nhiệm …` names
    // two verbs, not a body.
    // Nor on a word of the verb's phrase (`Các đơn vị hành chính cấp tỉnh không thực hiện …`).
    let dangling = matches!(
        name.rsplit(' ').next(),
        Some(
            "và" | "hoặc"
                | "của"
                | "với"
                | "các"
                | "những"
                | "không"
                | "chưa"
                | "đã"
                | "đang"
                | "sẽ"
                | "được"
                | "bị"
        )
    );
    // Nor does it hold the words of a statement (`Ban Chỉ đạo các cấp được thành lập …`); `được
    // giao`, `được phân công` describe the bodies a plan hands its tasks (`Các cơ quan, đơn vị
    // được giao nhiệm vụ …`).
    let ws: Vec<&str> = name.split(' ').collect();
    let statement = ws.iter().enumerate().any(|(k, w)| {
        matches!(*w, "đã" | "sẽ" | "đang" | "bị")
            || (*w == "được" && !matches!(ws.get(k + 1), Some(&("giao" | "phân"))))
    });
    ((2..=30).contains(&words) && !dangling && !statement || name == "UBND")
        .then(|| name.to_string())
}

/// The body a cell of a table's `Cơ quan chủ trì` column names, when it names one: a cell that
/// does not start like a body (a column's words run over from the cell before it) names none.
/// A cell that goes on about the task after the name (`Sở KH&CN chủ trì hướng dẫn, tổng hợp;
/// …`) names the body before its lead-in.
pub(crate) fn cell_body(cell: &str) -> Option<String> {
    let body = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    if !names_body(&body) {
        return None;
    }
    let name = lead_at(&body)
        .map(|end| body[..end].trim_end_matches([',', ';', ' ']))
        .filter(|name| name.split_whitespace().count() >= 2)
        .map_or_else(|| body.clone(), str::to_string);
    Some(name)
}

/// The column of a table's header row that names who must carry each row's task out
/// (`Cơ quan chủ trì`, `Đơn vị chủ trì`, `Cơ quan thực hiện`, `Chủ trì`), read on folded words
/// so that any spelling, case or tone-mark convention matches; `None` for any other row.
pub(crate) fn assignee_column(cells: &[String]) -> Option<usize> {
    if cells.len() < 2 {
        return None;
    }
    cells.iter().position(|cell| {
        // A header starts with one of five words, and names its column in nine words at most
        // (two nouns, `chủ trì` and three more): any other cell is folded no further.
        let mut ws = words(cell).map(|(_, w)| w);
        let Some(first) = ws.next() else {
            return false;
        };
        // An ASCII first letter folds to itself in lower case: only `c`, `d` and `t` open one.
        if first
            .as_bytes()
            .first()
            .is_some_and(|b| b.is_ascii() && !matches!(b.to_ascii_lowercase(), b'c' | b'd' | b't'))
        {
            return false;
        }
        let first = folded_key(first);
        if !matches!(first.as_str(), "co" | "don" | "chu" | "thuc" | "chiu") {
            return false;
        }
        let folded: Vec<String> = std::iter::once(first)
            .chain(ws.take(9).map(folded_key))
            .collect();
        if folded.len() == 10 {
            return false;
        }
        let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
        let body = match folded.as_slice() {
            ["co", "quan", ..] | ["don", "vi", ..] => &folded[2..],
            other => other,
        };
        // `Cơ quan/đơn vị chủ trì`: the second noun too.
        let body = match body {
            ["don", "vi", rest @ ..] | ["co", "quan", rest @ ..] => rest,
            other => other,
        };
        // `chủ trì`, also `chủ trì, theo dõi` or `chủ trì thực hiện`: a header, not a sentence.
        matches!(body, ["chu", "tri", rest @ ..] if rest.len() <= 3)
            || matches!(body, ["thuc", "hien"] | ["chiu", "trach", "nhiem"])
    })
}

/// The body an assignee heading names (`Bộ Nội vụ`, `Bộ Tài chính chủ trì, phối hợp …:`, `Trách
/// nhiệm của Sở Công Thương`), or `None` when the heading is not one.
pub(crate) fn heading_assignee(heading: &str) -> Option<String> {
    let t = heading.trim();
    if let Some(c) = captures_if(&RE_DUTY_OF, t)
        && names_body(&c[1])
    {
        return body_name(&c[1]);
    }
    // `9. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố`: a body the issuer asks.
    if let Some(m) = RE_GIAO.find(t)
        && names_body(&t[m.end()..])
    {
        return body_name(&t[m.end()..]);
    }
    if !names_body(t) {
        return None;
    }
    // A name, or a name that leads in to its tasks: never a sentence that ends.
    let end = t.trim_end_matches(['”', '"', ')', ' ']);
    if end.ends_with(['.', ';', '!', '?']) || t.split_whitespace().count() > 40 {
        return None;
    }
    if end.contains(". ") {
        return None;
    }
    body_name(t)
}

/// The body a clause assigns its task to, in the clause itself: `Giao Bộ Chính trị căn cứ …`,
/// `Bộ Tài chính chủ trì, phối hợp với …`, `Bộ Kế hoạch và Đầu tư chịu trách nhiệm hướng dẫn …`.
pub(crate) fn clause_assignee(text: &str) -> Option<String> {
    if let Some(m) = RE_GIAO.find(text) {
        let rest = &text[m.end()..];
        if names_body(rest) {
            return body_name(rest).filter(|n| n.split_whitespace().count() <= 20);
        }
        return None;
    }
    if names_body(text) {
        let head: String = text
            .split_whitespace()
            .take(25)
            .collect::<Vec<_>>()
            .join(" ");
        // `… chịu trách nhiệm:` heads items of its own (an assignee heading, read as one).
        let answers = head.contains(" chịu trách nhiệm") && !text.trim_end().ends_with(':');
        // `Cấp uỷ các cấp báo cáo và chịu trách nhiệm về …`: a verb and the lead-in joined
        // state a rule, not whom a task is handed.
        let verb_then_lead = matches!(
            (verb_at(text), lead_at(text)),
            (Some(v), Some(l)) if v < l && text[v..l].trim_end().ends_with(" và")
        );
        if (head.contains(" chủ trì") || head.contains(" có trách nhiệm") || answers)
            && !verb_then_lead
        {
            return body_name(text).filter(|n| n.split_whitespace().count() <= 20);
        }
    }
    None
}

/// The body a task item opens with, its task's verb or lead-in right after the name (`Bộ Y tế
/// tăng cường …`, `Bộ Công an, Bộ Quốc phòng khẩn trương xây dựng …`, `Đảng đoàn Quốc hội phối
/// hợp với …`): who must do it. A statement about the body (`Chính phủ đã trình …`, `Ban Chỉ
/// đạo được thành lập …`) names none.
pub(crate) fn opening_body(text: &str) -> Option<String> {
    if !names_body(text) {
        return None;
    }
    let end = match (lead_at(text), verb_at(text)) {
        (Some(l), Some(v)) => l.min(v),
        (Some(e), None) | (None, Some(e)) => e,
        (None, None) => return None,
    };
    let name = body_name(&text[..end])?;
    let words: Vec<&str> = name.split_whitespace().collect();
    let statement = words
        .iter()
        .any(|w| matches!(*w, "đã" | "được" | "sẽ" | "đang" | "là" | "bị"));
    // A name that runs on over a verb the lists above pass over (`Đảng đoàn Quốc hội lãnh đạo,
    // chỉ đạo`, `… cấp tỉnh trình Hội đồng nhân dân`, `Bộ Tài chính đầu mối`) or stops inside a
    // list of bodies (`Mặt trận Tổ quốc Việt Nam và các`) is no name.
    let runs_on = words.windows(2).any(|p| {
        matches!(
            p,
            [
                "lãnh" | "chỉ" | "tham" | "đầu" | "trực",
                "đạo" | "gia" | "mối" | "tiếp"
            ]
        )
    }) || words.contains(&"trình")
        || matches!(words.last(), Some(&("các" | "những")));
    (!statement && !runs_on && !name.contains(['.', ';', ':']) && words.len() <= 20).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignee_headings_name_a_body() {
        let a = |t: &str| heading_assignee(t);
        assert_eq!(a("Bộ Nội vụ").as_deref(), Some("Bộ Nội vụ"));
        assert_eq!(
            a("Ủy ban nhân dân các tỉnh, thành phố").as_deref(),
            Some("Ủy ban nhân dân các tỉnh, thành phố")
        );
        assert_eq!(
            a("Bộ Tài chính chủ trì, phối hợp với các cơ quan, địa phương:").as_deref(),
            Some("Bộ Tài chính")
        );
        assert_eq!(
            a("Bộ Kế hoạch và Đầu tư:").as_deref(),
            Some("Bộ Kế hoạch và Đầu tư")
        );
        assert_eq!(
            a("Trách nhiệm của Ủy ban nhân dân cấp tỉnh").as_deref(),
            Some("Ủy ban nhân dân cấp tỉnh")
        );
        assert_eq!(a("Mục tiêu tổng quát"), None);
        assert_eq!(a("Về phát triển kinh tế"), None);
        assert_eq!(a("Bộ máy tổ chức"), None);
        assert_eq!(
            a("Lãnh đạo Ban Dân nguyện").as_deref(),
            Some("Lãnh đạo Ban Dân nguyện")
        );
        assert_eq!(a("Lãnh đạo, chỉ đạo rà soát pháp luật"), None);
        assert_eq!(a("Bộ Tài chính đã hoàn thành nhiệm vụ. Năm 2025 …"), None);
    }

    /// Youth unions, branch offices, schools and enterprises head their tasks too; cases,
    /// territories and the verb `ban hành` name no body.
    #[test]
    fn bodies_beyond_the_ministries_and_what_is_no_body() {
        let a = |t: &str| heading_assignee(t);
        assert_eq!(
            a("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố").as_deref(),
            Some("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố")
        );
        assert_eq!(
            a("Các tổ chức, cá nhân khai thác tài nguyên nước có trách nhiệm").as_deref(),
            Some("Các tổ chức, cá nhân khai thác tài nguyên nước")
        );
        for name in [
            "Báo và Phát thanh, Truyền hình tỉnh",
            "Tỉnh đoàn",
            "Chi cục Hải quan khu vực V",
            "Các doanh nghiệp công nghệ số",
            "Các cơ sở đào tạo đại học, sau đại học",
            "Trường Chính trị tỉnh",
            "Ban thường vụ cấp ủy cấp tỉnh",
            "Ban Chỉ đạo chuyển đổi số tỉnh",
        ] {
            assert_eq!(a(name).as_deref(), Some(name), "{name}");
        }
        assert_eq!(
            a("Các cơ quan, đơn vị được giao nhiệm vụ có trách nhiệm:").as_deref(),
            Some("Các cơ quan, đơn vị được giao nhiệm vụ")
        );
        assert_eq!(
            a("Các đơn vị cấp nước sạch trên địa bàn thành phố có trách nhiệm").as_deref(),
            Some("Các đơn vị cấp nước sạch trên địa bàn thành phố")
        );
        for none in [
            "Các trường hợp truy thu, truy đóng bảo hiểm xã hội bắt buộc:",
            "Các đơn vị hành chính cấp tỉnh mới sau sáp nhập, hợp nhất",
            "Ban hành Quy chế làm việc",
            "Trung tâm dữ liệu quốc gia số 01:",
            "Các đơn vị sự nghiệp không thực hiện tự chủ",
            "Ban Chỉ đạo các cấp được thành lập thống nhất từ Trung ương đến địa phương",
        ] {
            assert_eq!(a(none), None, "{none}");
        }
    }

    /// The starts grouped by first byte name the bodies the list names, on every line of the
    /// corpus and the development set.
    #[test]
    fn grouped_starts_name_what_the_list_names() {
        let by_list = |t: &str| {
            BODY_STARTS.iter().any(|b| {
                t.strip_prefix(b)
                    .is_some_and(|rest| goes_on_as_name(b, rest))
            })
        };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut named = 0;
        for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if !path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    continue;
                }
                for line in std::fs::read_to_string(&path).expect("text").lines() {
                    let t = line.trim_start_matches(['-', '+', ' ']);
                    assert_eq!(starts_like_body(t), by_list(t), "{t}");
                    named += usize::from(by_list(t));
                }
            }
        }
        assert!(named > 100, "{named} lines name a body");
    }

    /// Names end where the patterns with `\b` ended them, on every line of the corpus and the
    /// development set, whole and from each word on.
    #[test]
    fn word_ends_checked_after_the_match_end_names_alike() {
        let lead = Regex::new(
            r"(?:,?\s+(?:chủ trì|có trách nhiệm|chịu trách nhiệm|phối hợp|theo chức năng|là cơ quan|là đơn vị)\b|\s*:\s*$)",
        )
        .unwrap();
        let verb = Regex::new(
            r"\s+(?:thực hiện|cụ thể hóa|cụ thể hoá|quán triệt|báo cáo|thúc đẩy|phân cấp|quy định|phê duyệt|điều chỉnh|khẩn trương|tiếp tục|căn cứ|tham mưu|hướng dẫn|chỉ đạo|kịp thời|theo dõi|nghiên cứu|xây dựng|tổ chức|triển khai|rà soát|tăng cường|đẩy mạnh|bảo đảm|ban hành|hoàn thành|bố trí|chủ động|cần|phải)\b",
        )
        .unwrap();
        let ends = |t: &str| {
            let l = lead.find(t).map(|m| m.start());
            let v = verb
                .find_iter(t)
                .find(|m| !t[..m.start()].ends_with(','))
                .map(|m| m.start());
            (l, v)
        };
        let ends_now = |t: &str| (lead_at(t), verb_at(t));
        let mut texts: Vec<String> = [
            "Bộ Tài chính chủ trìx, phối hợp:",
            "Bộ Công an cầnthiết cần làm",
            "Các cơ quan, tổ chức khác tổ chức",
            "Bộ X chủ trì",
            "UBND tỉnh phảiđ phải",
        ]
        .map(String::from)
        .to_vec();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in [root.join("../../corpus"), root.join("tests/realdocs")] {
            for entry in std::fs::read_dir(dir).expect("folder") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    let text = std::fs::read_to_string(&path).expect("text");
                    texts.extend(text.lines().map(String::from));
                }
            }
        }
        let mut found = 0;
        for t in &texts {
            assert_eq!(ends_now(t), ends(t), "{t}");
            found += usize::from(ends(t) != (None, None));
        }
        assert!(found > 100, "{found} lines with a lead-in or verb");
    }

    #[test]
    fn a_header_row_names_the_column_of_who_carries_each_task_out() {
        let row = |cells: &[&str]| {
            assignee_column(&cells.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            row(&[
                "STT",
                "Tên nhiệm vụ cụ thể",
                "Cơ quan\nchủ trì",
                "Cơ quan phối hợp",
                "Kết quả"
            ]),
            Some(2)
        );
        assert_eq!(
            row(&["TT", "Nội dung", "ĐƠN VỊ CHỦ TRÌ", "Thời gian"]),
            Some(2)
        );
        assert_eq!(row(&["Nhiem vu", "Co quan/don vi chu tri"]), Some(1));
        assert_eq!(row(&["Nhiệm vụ", "Cơ quan thực hiện"]), Some(1));
        // NFD input, the other tone-mark convention.
        assert_eq!(row(&["Nhiệm vụ", "Chu\u{309} tri\u{300}"]), Some(1));
        // The coordinating bodies are not who must do it; a lone cell is no header.
        assert_eq!(row(&["Nhiệm vụ", "Cơ quan phối hợp"]), None);
        assert_eq!(row(&["Cơ quan chủ trì"]), None);
        assert_eq!(row(&["1.", "Bộ Y tế chủ trì, phối hợp với các bộ"]), None);
        assert_eq!(cell_body("Bộ Tài\n chính").as_deref(), Some("Bộ Tài chính"));
        assert_eq!(cell_body("tổng hợp, báo cáo"), None);
        assert_eq!(
            cell_body("Sở KH&CN chủ trì hướng dẫn, tổng hợp; Các sở, ngành thực hiện.").as_deref(),
            Some("Sở KH&CN")
        );
    }

    #[test]
    fn clauses_that_assign_their_own_task() {
        let c = |t: &str| clause_assignee(t);
        assert_eq!(
            c("Giao Bộ Chính trị căn cứ ý kiến thảo luận của Trung ương để ban hành Kết luận.")
                .as_deref(),
            Some("Bộ Chính trị")
        );
        assert_eq!(
            c("Bộ Công Thương chủ trì, phối hợp với các bộ xây dựng đề án.").as_deref(),
            Some("Bộ Công Thương")
        );
        assert_eq!(
            c("Các cơ quan đảng và các cơ quan, tổ chức khác có trách nhiệm cung cấp dữ liệu.")
                .as_deref(),
            Some("Các cơ quan đảng và các cơ quan, tổ chức khác")
        );
        assert_eq!(
            c("Bộ Kế hoạch và Đầu tư chịu trách nhiệm hướng dẫn, theo dõi, đôn đốc thực hiện.")
                .as_deref(),
            Some("Bộ Kế hoạch và Đầu tư")
        );
        assert_eq!(
            c("Cấp uỷ các cấp báo cáo và chịu trách nhiệm về hoạt động của mình."),
            None
        );
        assert_eq!(
            c("Đảng ủy Bộ Khoa học và Công nghệ chịu trách nhiệm:"),
            None
        );
        assert_eq!(
            c("Ủy ban nhân dân cấp tỉnh là đơn vị đầu mối, chịu trách nhiệm tổng hợp.").as_deref(),
            Some("Ủy ban nhân dân cấp tỉnh")
        );
        assert_eq!(c("Tăng cường công tác kiểm tra, giám sát."), None);
        assert_eq!(c("Bộ máy được sắp xếp tinh gọn."), None);
    }

    #[test]
    fn a_task_item_opening_with_its_body_and_verb_names_it() {
        let o = |t: &str| opening_body(t);
        assert_eq!(
            o("Bộ Y tế tăng cường, nâng cao năng lực cho các cơ quan tham mưu.").as_deref(),
            Some("Bộ Y tế")
        );
        assert_eq!(
            o("Bộ Công an, Bộ Quốc phòng khẩn trương xây dựng, trình Chính phủ.").as_deref(),
            Some("Bộ Công an, Bộ Quốc phòng")
        );
        assert_eq!(
            o("Bộ trưởng Bộ Nội vụ có trách nhiệm hướng dẫn.").as_deref(),
            Some("Bộ trưởng Bộ Nội vụ")
        );
        assert_eq!(o("Chính phủ đã trình Quốc hội thông qua Nghị quyết."), None);
        assert_eq!(o("Ban Chỉ đạo các cấp được thành lập thống nhất."), None);
        assert_eq!(o("Bộ máy được sắp xếp tinh gọn, tổ chức hiệu quả."), None);
        assert_eq!(o("Tăng cường công tác kiểm tra."), None);
        assert_eq!(
            o("Đảng đoàn Quốc hội lãnh đạo, chỉ đạo rà soát pháp luật."),
            None
        );
        assert_eq!(
            o("Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội lãnh đạo."),
            None
        );
    }

    /// A body named after `Giao` ends where its task's verb starts, also when the verb opens
    /// with `kịp thời` (`… kịp thời phát hiện`).
    #[test]
    fn a_handed_task_ends_the_name_at_its_verb() {
        assert_eq!(
            clause_assignee("Giao Công an thành phố kịp thời phát hiện và xử lý các tổ chức.")
                .as_deref(),
            Some("Công an thành phố")
        );
    }
}
