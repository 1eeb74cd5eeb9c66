//! Word's automatic numbering: the `1.`, `a)`, `I.` labels that Word draws from `numbering.xml`
//! and that are not in the paragraph's text, computed as Word does, counters and all.
//!
//! A paragraph's numbering (`w:numPr`: a list `w:numId` and a level `w:ilvl`) is its own or
//! comes from its style (`styles.xml`, through `w:basedOn`). A list (`w:num`) points at an
//! abstract definition (`w:abstractNum`) whose levels give the start value, the format
//! (`w:numFmt`) and the label's pattern (`w:lvlText`, `%1.%2.`); a list may override a level's
//! start or the whole level (`w:lvlOverride`). Lists that share a definition and override
//! nothing share their counters, as in Word; a level restarts when a higher level is used
//! (or only the levels `w:lvlRestart` names).

use std::collections::HashMap;

use roxmltree::{Document, Node};

/// Word's number formats that vankien writes (others are read as decimal, with a diagnostic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::formats) enum NumFmt {
    /// 1, 2, 3
    Decimal,
    /// 01, 02, … 10
    DecimalZero,
    /// a, b, … z, aa, bb (Word repeats the letter; it has no Vietnamese `đ`)
    LowerLetter,
    /// A, B, … Z, AA, BB
    UpperLetter,
    /// i, ii, iii
    LowerRoman,
    /// I, II, III
    UpperRoman,
    /// (1), (2)
    DecimalEnclosedParen,
    /// A bullet: written `-`.
    Bullet,
    /// No number (the label is `w:lvlText` alone).
    None,
    /// Any other format, kept by name for the diagnostic and written as decimal.
    Other(String),
}

impl NumFmt {
    /// The format named by a `w:numFmt` value.
    pub(in crate::formats) fn parse(name: &str) -> NumFmt {
        match name {
            "decimal" => NumFmt::Decimal,
            "decimalZero" => NumFmt::DecimalZero,
            "lowerLetter" => NumFmt::LowerLetter,
            "upperLetter" => NumFmt::UpperLetter,
            "lowerRoman" => NumFmt::LowerRoman,
            "upperRoman" => NumFmt::UpperRoman,
            "decimalEnclosedParen" => NumFmt::DecimalEnclosedParen,
            "bullet" => NumFmt::Bullet,
            "none" => NumFmt::None,
            other => NumFmt::Other(other.to_string()),
        }
    }

    /// `n` in this format.
    pub(in crate::formats) fn format(&self, n: u32) -> String {
        match self {
            NumFmt::Decimal | NumFmt::Other(_) => n.to_string(),
            NumFmt::DecimalZero => format!("{n:02}"),
            NumFmt::LowerLetter => letters(n),
            NumFmt::UpperLetter => letters(n).to_uppercase(),
            NumFmt::LowerRoman => roman(n).to_lowercase(),
            NumFmt::UpperRoman => roman(n),
            NumFmt::DecimalEnclosedParen => format!("({n})"),
            NumFmt::Bullet => "-".to_string(),
            NumFmt::None => String::new(),
        }
    }
}

/// Word's letters: 1 → a, 26 → z, 27 → aa, 28 → bb (the letter repeated, not base 26).
pub(in crate::formats) fn letters(n: u32) -> String {
    if n == 0 {
        return "0".to_string();
    }
    let letter = char::from(b'a' + ((n - 1) % 26) as u8);
    // Word's own cap: past 780 (zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz) it starts over; keep it short.
    let times = ((n - 1) / 26 + 1).min(30) as usize;
    std::iter::repeat_n(letter, times).collect()
}

/// Roman numerals (upper case); 0 and numbers past 3999 are written in digits, as Word does.
pub(in crate::formats) fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// One level of a list definition.
#[derive(Debug, Clone)]
pub(in crate::formats) struct Level {
    /// The first number (`w:start`; 0 when absent, as the standard says and Word does).
    pub start: u32,
    /// The format.
    pub fmt: NumFmt,
    /// The label's pattern (`%1.`); `None` when the level has no `w:lvlText`.
    pub text: Option<String>,
    /// `w:lvlRestart`: restart after a use of a level above this (1-based) one; 0 never.
    pub restart: Option<u32>,
    /// `w:isLgl`: every number of the label in decimal.
    pub legal: bool,
    /// `w:pStyle`: the paragraph style this level belongs to.
    pub style: Option<String>,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 0,
            fmt: NumFmt::Decimal,
            text: None,
            restart: None,
            legal: false,
            style: None,
        }
    }
}

/// A list (`w:num`): its definition and overrides.
#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    /// Per level: a start override and a whole-level override.
    overrides: HashMap<usize, (Option<u32>, Option<Level>)>,
}

/// A paragraph's numbering reference, possibly partial (a style may give only the list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::formats) struct NumPr {
    /// `w:numId`.
    pub num_id: Option<String>,
    /// `w:ilvl`.
    pub level: Option<usize>,
}

/// The number of levels a Word list has.
const LEVELS: usize = 9;

/// The lists of a document with their running counters.
#[derive(Debug, Default)]
pub(in crate::formats) struct Numbering {
    abstracts: HashMap<String, AbstractNum>,
    nums: HashMap<String, Num>,
    /// Counters by list (a definition shared by lists without overrides, else the list).
    counters: HashMap<String, [Option<u32>; LEVELS]>,
    /// Formats read as decimal, for the diagnostic.
    pub unknown_formats: Vec<String>,
    /// Labels computed.
    pub labelled: usize,
}

/// A list definition.
#[derive(Debug, Clone, Default)]
struct AbstractNum {
    levels: Vec<Option<Level>>,
    /// `w:numStyleLink`: the definition is that of the list the named style carries.
    style_link: Option<String>,
}

/// The local name of an element when it is a WordprocessingML one (transitional or strict).
pub(in crate::formats) fn w<'a>(node: &Node<'a, '_>) -> Option<&'a str> {
    if !node.is_element() {
        return None;
    }
    let tag = node.tag_name();
    match tag.namespace() {
        Some(
            "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            | "http://purl.oclc.org/ooxml/wordprocessingml/main",
        ) => Some(tag.name()),
        _ => None,
    }
}

/// The `w:val` attribute (any namespace: a few generators drop the prefix).
pub(in crate::formats) fn val<'a>(node: &Node<'a, '_>) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == "val")
        .map(|a| a.value())
}

/// The first WordprocessingML child of `node` named `name`.
pub(in crate::formats) fn child<'a, 'i>(node: &Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| w(c) == Some(name))
}

/// A `w:val` number.
fn num_val(node: &Node<'_, '_>) -> Option<u32> {
    val(node).and_then(|v| v.trim().parse().ok())
}

/// Reads a `w:lvl`.
fn level(node: &Node<'_, '_>) -> Level {
    let mut level = Level::default();
    for c in node.children() {
        match w(&c) {
            Some("start") => level.start = num_val(&c).unwrap_or(0),
            Some("numFmt") => level.fmt = NumFmt::parse(val(&c).unwrap_or("decimal")),
            Some("lvlText") => level.text = Some(val(&c).unwrap_or("").to_string()),
            Some("lvlRestart") => level.restart = num_val(&c),
            Some("isLgl") => level.legal = val(&c).is_none_or(|v| v != "0" && v != "false"),
            Some("pStyle") => level.style = val(&c).map(str::to_string),
            _ => {}
        }
    }
    level
}

/// The `w:ilvl` attribute of a `w:lvl` or `w:lvlOverride`.
fn ilvl(node: &Node<'_, '_>) -> Option<usize> {
    node.attributes()
        .find(|a| a.name() == "ilvl")
        .and_then(|a| a.value().parse().ok())
        .filter(|&l| l < LEVELS)
}

/// Reads a `w:numPr`.
pub(in crate::formats) fn num_pr(node: &Node<'_, '_>) -> NumPr {
    NumPr {
        num_id: child(node, "numId").and_then(|c| val(&c).map(str::to_string)),
        level: child(node, "ilvl")
            .and_then(|c| num_val(&c))
            .map(|l| (l as usize).min(LEVELS - 1)),
    }
}

impl Numbering {
    /// Reads `numbering.xml`.
    pub(in crate::formats) fn parse(doc: &Document<'_>) -> Numbering {
        let mut numbering = Numbering::default();
        for node in doc.root_element().children() {
            match w(&node) {
                Some("abstractNum") => {
                    let Some(id) = attr(&node, "abstractNumId") else {
                        continue;
                    };
                    let mut def = AbstractNum {
                        levels: vec![None; LEVELS],
                        style_link: None,
                    };
                    for c in node.children() {
                        match w(&c) {
                            Some("lvl") => {
                                if let Some(l) = ilvl(&c) {
                                    def.levels[l] = Some(level(&c));
                                }
                            }
                            Some("numStyleLink") => def.style_link = val(&c).map(str::to_string),
                            _ => {}
                        }
                    }
                    numbering.abstracts.insert(id.to_string(), def);
                }
                Some("num") => {
                    let Some(id) = attr(&node, "numId") else {
                        continue;
                    };
                    let mut num = Num::default();
                    for c in node.children() {
                        match w(&c) {
                            Some("abstractNumId") => {
                                num.abstract_id = val(&c).unwrap_or("").to_string();
                            }
                            Some("lvlOverride") => {
                                let Some(l) = ilvl(&c) else { continue };
                                let start = child(&c, "startOverride").and_then(|s| num_val(&s));
                                let lvl = child(&c, "lvl").map(|n| level(&n));
                                num.overrides.insert(l, (start, lvl));
                            }
                            _ => {}
                        }
                    }
                    numbering.nums.insert(id.to_string(), num);
                }
                _ => {}
            }
        }
        numbering
    }

    /// The level of list `num_id` that belongs to paragraph style `style` (`w:pStyle` in a
    /// level), for a paragraph whose style gives the list but not the level.
    pub(in crate::formats) fn level_of_style(&self, num_id: &str, style: &str) -> Option<usize> {
        let num = self.nums.get(num_id)?;
        let def = self.abstracts.get(&num.abstract_id)?;
        def.levels
            .iter()
            .position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(style))
    }

    /// The definition of a list, following `w:numStyleLink` through `link` (a style's list).
    fn definition<'s>(
        &'s self,
        num: &'s Num,
        link: &dyn Fn(&str) -> Option<String>,
    ) -> Option<(&'s str, &'s AbstractNum)> {
        let mut id = num.abstract_id.as_str();
        // A link leads to a style whose list has the real definition; follow a few at most.
        for _ in 0..4 {
            let def = self.abstracts.get(id)?;
            let Some(style) = &def.style_link else {
                return Some((id, def));
            };
            let target = link(style)?;
            id = self.nums.get(&target)?.abstract_id.as_str();
        }
        None
    }

    /// The label of the next paragraph of list `num_id` at `level`, advancing the counters; `None`
    /// when the list is 0 (numbering removed), unknown, or its level draws nothing. `link` gives
    /// the list a paragraph style carries (for definitions linked to a style).
    pub(in crate::formats) fn next_label(
        &mut self,
        num_id: &str,
        level: usize,
        link: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let num = self.nums.get(num_id)?;
        let (abstract_id, def) = self.definition(num, link)?;
        let level = level.min(LEVELS - 1);
        // The levels as this list sees them, overrides applied.
        let levels: Vec<Option<Level>> = (0..LEVELS)
            .map(|l| {
                let base = def.levels.get(l).cloned().flatten();
                match num.overrides.get(&l) {
                    Some((start, whole)) => {
                        let mut lvl = whole.clone().or(base)?;
                        if let Some(start) = start {
                            lvl.start = *start;
                        }
                        Some(lvl)
                    }
                    None => base,
                }
            })
            .collect();
        let key = if num.overrides.is_empty() {
            format!("a{abstract_id}")
        } else {
            format!("n{num_id}")
        };
        let this = levels[level].clone()?;
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);
        let value = match counters[level] {
            Some(v) => v.saturating_add(1),
            None => this.start,
        };
        counters[level] = Some(value);
        for (deeper, slot) in counters.iter_mut().enumerate().skip(level + 1) {
            let restart = levels[deeper]
                .as_ref()
                .and_then(|l| l.restart)
                .map_or(deeper, |r| r as usize);
            if level < restart {
                *slot = None;
            }
        }
        let counters = *counters;
        if this.fmt == NumFmt::Bullet {
            self.labelled += 1;
            return Some("-".to_string());
        }
        let pattern = this.text.as_deref().unwrap_or("");
        let mut label = String::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = match (c, chars.peek()) {
                ('%', Some(d)) if ('1'..='9').contains(d) => d.to_digit(10).map(|d| d as usize - 1),
                _ => None,
            };
            let Some(r) = referenced else {
                label.push(c);
                continue;
            };
            chars.next();
            let lvl = levels[r].clone().unwrap_or_default();
            let n = if r == level {
                value
            } else {
                counters[r].unwrap_or(lvl.start)
            };
            let fmt = if this.legal && lvl.fmt != NumFmt::None {
                NumFmt::Decimal
            } else {
                lvl.fmt.clone()
            };
            if let NumFmt::Other(name) = &fmt
                && !self.unknown_formats.contains(name)
            {
                self.unknown_formats.push(name.clone());
            }
            label.push_str(&fmt.format(n));
        }
        let label = label.trim().to_string();
        if label.is_empty() {
            return None;
        }
        self.labelled += 1;
        Some(label)
    }
}

/// An attribute by local name.
fn attr<'a>(node: &Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn numbering(body: &str) -> Numbering {
        let xml = format!("<w:numbering {W}>{body}</w:numbering>");
        let doc = Document::parse(&xml).unwrap();
        Numbering::parse(&doc)
    }

    fn lvl(i: usize, start: u32, fmt: &str, text: &str, extra: &str) -> String {
        format!(
            "<w:lvl w:ilvl=\"{i}\"><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{fmt}\"/>\
             <w:lvlText w:val=\"{text}\"/>{extra}</w:lvl>"
        )
    }

    fn no_link(_: &str) -> Option<String> {
        None
    }

    fn labels(n: &mut Numbering, seq: &[(&str, usize)]) -> Vec<String> {
        seq.iter()
            .map(|(id, l)| n.next_label(id, *l, &no_link).unwrap_or_default())
            .collect()
    }

    #[test]
    fn formats_as_word_writes_them() {
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(14), "XIV");
        assert_eq!(roman(1999), "MCMXCIX");
        assert_eq!(NumFmt::LowerRoman.format(9), "ix");
        assert_eq!(letters(1), "a");
        assert_eq!(letters(5), "e"); // Word's fifth letter: no Vietnamese đ
        assert_eq!(letters(26), "z");
        assert_eq!(letters(27), "aa");
        assert_eq!(letters(28), "bb");
        assert_eq!(NumFmt::UpperLetter.format(3), "C");
        assert_eq!(NumFmt::DecimalZero.format(7), "07");
        assert_eq!(NumFmt::parse("vietnameseCounting").format(3), "3");
    }

    #[test]
    fn multilevel_labels_restart_lower_levels() {
        let mut n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
            lvl(0, 1, "upperRoman", "%1.", ""),
            lvl(1, 1, "decimal", "%1.%2.", ""),
            lvl(2, 1, "lowerLetter", "%3)", ""),
        ));
        let got = labels(
            &mut n,
            &[
                ("1", 0),
                ("1", 1),
                ("1", 2),
                ("1", 2),
                ("1", 1),
                ("1", 2),
                ("1", 0),
                ("1", 1),
            ],
        );
        assert_eq!(
            got,
            ["I.", "I.1.", "a)", "b)", "I.2.", "a)", "II.", "II.1."]
        );
    }

    #[test]
    fn legal_numbering_and_lvl_restart() {
        let mut n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
            lvl(0, 1, "upperRoman", "%1.", ""),
            lvl(1, 1, "decimal", "%1.%2.", "<w:isLgl/>"),
            // Never restarts: counts on across the roman parts.
            lvl(2, 1, "decimal", "(%3)", "<w:lvlRestart w:val=\"0\"/>"),
        ));
        let got = labels(&mut n, &[("1", 0), ("1", 1), ("1", 2), ("1", 0), ("1", 2)]);
        assert_eq!(got, ["I.", "1.1.", "(1)", "II.", "(2)"]);
    }

    #[test]
    fn lists_share_a_definition_unless_they_override_it() {
        let mut n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"5\">{}{}</w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"5\"/></w:num>\
             <w:num w:numId=\"2\"><w:abstractNumId w:val=\"5\"/></w:num>\
             <w:num w:numId=\"3\"><w:abstractNumId w:val=\"5\"/>\
               <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"4\"/></w:lvlOverride></w:num>\
             <w:num w:numId=\"4\"><w:abstractNumId w:val=\"5\"/>\
               <w:lvlOverride w:ilvl=\"1\">{}</w:lvlOverride></w:num>",
            lvl(0, 1, "decimal", "%1.", ""),
            lvl(1, 1, "lowerLetter", "%2)", ""),
            lvl(1, 1, "bullet", "\u{F0B7}", ""),
        ));
        let got = labels(
            &mut n,
            &[
                ("1", 0),
                ("1", 1),
                ("2", 0),
                ("3", 0),
                ("3", 0),
                ("4", 1),
                ("0", 0),
            ],
        );
        assert_eq!(got, ["1.", "a)", "2.", "4.", "5.", "-", ""]);
    }

    #[test]
    fn a_missing_higher_level_shows_its_start() {
        let mut n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}{}</w:abstractNum>\
             <w:num w:numId=\"9\"><w:abstractNumId w:val=\"0\"/></w:num>",
            lvl(0, 2, "decimal", "%1.", ""),
            lvl(1, 1, "decimal", "%1.%2.", ""),
        ));
        assert_eq!(labels(&mut n, &[("9", 1), ("9", 1)]), ["2.1.", "2.2."]);
    }
}
