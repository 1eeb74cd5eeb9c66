//! The targets of two documents set side by side by indicator: for each indicator both set
//! (`vankien_ingest::targets`, lined up by the taxonomy's key, or by the folded words of an
//! indicator outside it), A's value beside B's (`8%` → `10%`), and which way it moved. The k-th
//! target of an indicator in A goes with the k-th in B; the others have no partner.

use serde::Serialize;
use vankien_ingest::Document;
use vankien_ingest::targets::{self, Period, Target};

/// One side of a target change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSide {
    /// The indicator as the document writes it.
    pub indicator_text: String,
    /// The comparator's symbol (`≥`, `=` …).
    pub comparator: &'static str,
    /// The value as written, with its unit (`8%`, `1 - 1,5 % GDP`).
    pub value_text: String,
    /// The value, or the low end of a range.
    pub low: f64,
    /// The high end of a range.
    pub high: f64,
    /// The unit in its canonical form.
    pub unit: String,
    /// The years the target is set for.
    pub period: Option<Period>,
    /// The clause it was read from.
    pub clause_id: String,
}

impl TargetSide {
    fn of(t: &Target) -> TargetSide {
        TargetSide {
            indicator_text: t.indicator_text.clone(),
            comparator: t.comparator.symbol(),
            value_text: if t.unit.is_empty() {
                t.value_text.clone()
            } else {
                format!("{} {}", t.value_text, t.unit).replace(" %", "%")
            },
            low: t.low,
            high: t.high,
            unit: t.unit.clone(),
            period: t.period,
            clause_id: t.clause_id.clone(),
        }
    }
}

/// Which way a target's value moved from A to B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueChange {
    /// The same value and unit.
    Same,
    /// A higher value, same unit.
    Up,
    /// A lower value, same unit.
    Down,
    /// Another unit: the values do not compare.
    Unit,
}

/// The same indicator's target in both documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetChange {
    /// The indicator's key in the taxonomy; `None` for one outside it.
    pub indicator: Option<String>,
    /// The indicator's Vietnamese name in the taxonomy, else as A writes it.
    pub indicator_name: String,
    /// A's target.
    pub a: TargetSide,
    /// B's target.
    pub b: TargetSide,
    /// Which way the value moved.
    pub change: ValueChange,
}

/// What lines two targets up: the taxonomy's key, else the indicator's folded words.
fn key(t: &Target) -> String {
    match &t.indicator {
        Some(k) => k.clone(),
        None => format!("text:{}", targets::folded_words(&t.indicator_text)),
    }
}

fn change(a: &Target, b: &Target) -> ValueChange {
    if a.unit != b.unit {
        ValueChange::Unit
    } else if a.low == b.low && a.high == b.high {
        ValueChange::Same
    } else if b.low + b.high > a.low + a.high {
        ValueChange::Up
    } else {
        ValueChange::Down
    }
}

/// The targets of the same indicator in `a` and `b`, in A's order.
pub(crate) fn changes(a: &Document, b: &Document) -> Vec<TargetChange> {
    pair(&targets::extract(a), &targets::extract(b))
}

fn pair(ta: &[Target], tb: &[Target]) -> Vec<TargetChange> {
    let mut used = vec![false; tb.len()];
    let mut out = Vec::new();
    for t in ta {
        let k = key(t);
        if k == "text:" {
            continue;
        }
        let Some(j) = (0..tb.len()).find(|&j| !used[j] && key(&tb[j]) == k) else {
            continue;
        };
        used[j] = true;
        out.push(TargetChange {
            indicator: t.indicator.clone(),
            indicator_name: t
                .indicator_name()
                .map_or_else(|| t.indicator_text.clone(), str::to_string),
            a: TargetSide::of(t),
            b: TargetSide::of(&tb[j]),
            change: change(t, &tb[j]),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        vankien_ingest::parse_bytes(text.as_bytes(), "t.txt").expect("parse")
    }

    #[test]
    fn the_same_indicator_lines_up_and_its_value_change_is_read() {
        let a = doc(
            "NGHỊ QUYẾT\n\nI. MỤC TIÊU\n\n1. Chỉ tiêu\n\n- Tốc độ tăng trưởng GRDP bình quân đạt 8%/năm.\n- Tỷ lệ hộ nghèo giảm còn 2%.\n",
        );
        let b = doc(
            "NGHỊ QUYẾT\n\nI. MỤC TIÊU\n\n1. Chỉ tiêu\n\n- Tốc độ tăng trưởng GRDP bình quân đạt 10%/năm.\n- Tỷ lệ hộ nghèo giảm còn 2%.\n",
        );
        let ch = changes(&a, &b);
        assert!(!ch.is_empty(), "targets read: {:?}", targets::extract(&a));
        let growth = ch
            .iter()
            .find(|c| c.a.low == 8.0)
            .unwrap_or_else(|| panic!("{ch:?}"));
        assert_eq!(growth.b.low, 10.0);
        assert_eq!(growth.change, ValueChange::Up);
        assert!(growth.a.value_text.starts_with('8'), "{:?}", growth.a);
        if let Some(poor) = ch.iter().find(|c| c.a.low == 2.0) {
            assert_eq!(poor.change, ValueChange::Same);
        }
    }
}
