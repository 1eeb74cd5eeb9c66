//! The years a target is set for: deadlines (`đến năm 2030`, `vào năm 2015`, `chậm nhất ngày 31
//! tháng 12 năm 2025`), periods (`giai đoạn 2021-2025`), starts (`từ năm 2026`) and the baselines a
//! target is measured against (`so với năm 2020`), which are none of them.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::tokens::{Kind, Token, is_year, tokenize};

/// The years of a target: a deadline is a period with only its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    /// The first year, for a period (`giai đoạn 2021-2025` → 2021) or a start (`từ năm 2026`).
    pub from: Option<i32>,
    /// The year by which the target holds (a deadline, the end of a period).
    pub to: Option<i32>,
}

/// What a mention of years is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A deadline or a period, with a word that says so (`đến năm`, `giai đoạn`).
    Deadline,
    /// A year with no word before it but `năm` (`năm 2025`).
    Bare,
    /// A start (`từ năm 2026`).
    Start,
    /// A baseline (`so với năm 2020`, `gấp 6 lần năm 2025`), or the date of another document
    /// (`ngày 22 tháng 12 năm 2024`): not the target's year.
    Baseline,
}

/// One mention of years in a run of tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mention {
    /// The tokens it covers (its words before the years included).
    pub tokens: Range<usize>,
    /// What it is.
    pub role: Role,
    /// Its years.
    pub period: Period,
}

/// Words that make the year after them a deadline, read backwards from the year: `đến [hết]
/// [năm]`, `vào`, `trước`, `trong`, `tới`, `tầm nhìn`, `chậm nhất … năm`.
const DEADLINE_WORDS: &[&str] = &["đến", "vào", "trước", "trong", "tới", "nhìn", "nhất", "hết"];

/// The year mentions of `toks`, in order.
pub(super) fn mentions(toks: &[Token]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(year) = is_year(&toks[i]) else {
            i += 1;
            continue;
        };
        if toks.get(i + 1).is_some_and(|t| t.is('%')) {
            i += 1;
            continue;
        }
        let (start, role) = context_before(toks, i);
        let mut end = i + 1;
        let mut period = Period {
            from: None,
            to: Some(year),
        };
        // A second year closes a period: `2021-2025`, `2021 - 2025`, `từ năm 2026 đến năm 2028`.
        if let Some((j, second)) = second_year(toks, i + 1)
            && second > year
        {
            period = Period {
                from: Some(year),
                to: Some(second),
            };
            end = j + 1;
        }
        let role = match role {
            Role::Start if period.from.is_none() => {
                period = Period {
                    from: Some(year),
                    to: None,
                };
                Role::Start
            }
            Role::Start | Role::Bare if period.from.is_some() => Role::Deadline,
            other => other,
        };
        out.push(Mention {
            tokens: start..end,
            role,
            period,
        });
        i = end;
    }
    out
}

/// Reads the words before the year at `i`: where the mention starts and what it is.
fn context_before(toks: &[Token], i: usize) -> (usize, Role) {
    let is = |j: usize, word: &'static str| toks.get(j).is_some_and(|t| t.word(word));
    let number = |j: usize| toks.get(j).is_some_and(|t| t.kind == Kind::Number);
    let mut j = i;
    // `ngày 31 tháng 12 năm 2025`: step over the day and month to the words before them.
    let mut saw_year_word = false;
    let mut date = false;
    if j >= 1 && is(j - 1, "năm") {
        saw_year_word = true;
        j -= 1;
        if j >= 2 && number(j - 1) && is(j - 2, "tháng") {
            j -= 2;
            if j >= 2 && number(j - 1) && is(j - 2, "ngày") {
                j -= 2;
                date = true;
            }
        }
    }
    if j >= 1 && is(j - 1, "hết") {
        j -= 1;
    }
    // `quý III năm 2026`: the quarter stands between the deadline's word and the year.
    if saw_year_word && j >= 2 && is(j - 2, "quý") {
        j -= 2;
    }
    let before = |n: usize, word: &'static str| j >= n && is(j - n, word);
    let period_word = before(2, "giai") && before(1, "đoạn");
    let compared = |n: usize| before(n + 2, "so") && before(n + 1, "với");
    if compared(0) || (before(2, "cùng") && before(1, "kỳ")) {
        (j - 2, Role::Baseline)
    } else if period_word && compared(2) {
        (j - 4, Role::Baseline)
    } else if before(1, "lần") || before(1, "với") {
        (j, Role::Baseline)
    } else if before(1, "từ") {
        (j - 1, Role::Start)
    } else if period_word {
        (j - 2, Role::Deadline)
    } else if before(1, "kỳ") && !saw_year_word {
        (j, Role::Deadline)
    } else if DEADLINE_WORDS.iter().any(|w| before(1, w)) {
        (j - 1, Role::Deadline)
    } else if j < i && is(j, "hết") {
        (j, Role::Deadline)
    } else if date {
        // The date of another document (`Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024`).
        (j, Role::Baseline)
    } else if saw_year_word {
        (j, Role::Bare)
    } else {
        (i, Role::Bare)
    }
}

/// A second year right after a first one, as `- 2025`, `đến [hết] [năm] 2028`: its index and year.
fn second_year(toks: &[Token], mut j: usize) -> Option<(usize, i32)> {
    let dash = toks.get(j).is_some_and(|t| t.is('-') || t.is('–'));
    if dash {
        j += 1;
    } else if toks.get(j).is_some_and(|t| t.word("đến")) {
        j += 1;
        while toks.get(j).is_some_and(|t| t.word("hết") || t.word("năm")) {
            j += 1;
        }
    } else {
        return None;
    }
    let year = is_year(toks.get(j)?)?;
    Some((j, year))
}

/// The period a heading or a group line gives its targets: its first deadline or period
/// (`Đến năm 2030 và tầm nhìn đến năm 2045` → 2030, `Bình quân giai đoạn 2021-2025` → 2021–2025).
pub(super) fn period_of_line(line: &str) -> Option<Period> {
    mentions(&tokenize(line))
        .into_iter()
        .find(|m| matches!(m.role, Role::Deadline | Role::Bare))
        .map(|m| m.period)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(Role, Option<i32>, Option<i32>)> {
        mentions(&tokenize(text))
            .into_iter()
            .map(|m| (m.role, m.period.from, m.period.to))
            .collect()
    }

    #[test]
    fn deadlines_periods_starts_and_baselines() {
        use Role::*;
        assert_eq!(roles("Đến năm 2030, tỷ lệ"), [(Deadline, None, Some(2030))]);
        assert_eq!(
            roles("đạt 1,5% GDP vào năm 2015"),
            [(Deadline, None, Some(2015))]
        );
        assert_eq!(
            roles("Đến hết 2025, hoàn thành"),
            [(Deadline, None, Some(2025))]
        );
        assert_eq!(
            roles("Bình quân giai đoạn 2021-2025"),
            [(Deadline, Some(2021), Some(2025))]
        );
        assert_eq!(roles("Từ năm 2026, thực hiện"), [(Start, Some(2026), None)]);
        assert_eq!(
            roles("giảm 1/3 so với năm 2020"),
            [(Baseline, None, Some(2020))]
        );
        assert_eq!(
            roles("tăng gấp 6 lần năm 2025"),
            [(Baseline, None, Some(2025))]
        );
        assert_eq!(
            roles("Chậm nhất ngày 31 tháng 12 năm 2025, hoàn thành"),
            [(Deadline, None, Some(2025))]
        );
        assert_eq!(
            roles("Giai đoạn 2 từ năm 2026 đến hết năm 2028"),
            [(Deadline, Some(2026), Some(2028))]
        );
        assert_eq!(roles("đối ngoại năm 2025"), [(Bare, None, Some(2025))]);
        assert_eq!(
            roles("Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024"),
            [(Baseline, None, Some(2024))]
        );
        assert_eq!(
            roles("so với cùng kỳ năm 2025"),
            [(Baseline, None, Some(2025))]
        );
        assert_eq!(
            roles("giảm 30% so với giai đoạn 2021 - 2025"),
            [(Baseline, Some(2021), Some(2025))]
        );
        assert_eq!(
            roles("trong quý III năm 2026"),
            [(Deadline, None, Some(2026))]
        );
        assert_eq!(
            roles("nhiệm kỳ 2025 - 2030"),
            [(Deadline, Some(2025), Some(2030))]
        );
        assert_eq!(roles("đạt 2030% là không phải năm"), []);
    }

    #[test]
    fn a_line_gives_its_first_period() {
        let p = period_of_line("Đến năm 2030 và tầm nhìn đến năm 2045").unwrap();
        assert_eq!(p.to, Some(2030));
        let p = period_of_line(
            "Các chỉ tiêu cơ bản phấn đấu giai đoạn 2021-2025, định hướng đến năm 2030",
        )
        .unwrap();
        assert_eq!((p.from, p.to), (Some(2021), Some(2025)));
        assert_eq!(period_of_line("Hằng năm"), None);
        assert_eq!(
            period_of_line("DEN NAM 2025"),
            Some(Period {
                from: None,
                to: Some(2025)
            })
        );
    }
}
