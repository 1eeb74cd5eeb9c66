//! Relations between documents, read from the text: what a document cites as its legal basis
//! (`Căn cứ …`), implements (`thực hiện Nghị quyết số 57-NQ/TW`), guides, replaces, repeals or
//! amends, and what it only mentions. [`extract`] reads them from a parsed [`Document`]; each
//! [`Citation`] keeps the reference as written (kind, number, date, issuer, or the name of a law
//! cited without a number) and where it is said. Finding the cited document in an index is the
//! index's work (`vankien_index::relations`), so that a citation of a document ingested later
//! resolves then.
//!
//! The rules are written for shapes: a reference is a kind and a number however spelt
//! (`reference.rs`); its relation comes from the verb before it and the kind of words in between,
//! from the `Căn cứ` preamble it is an item of, or from the list it continues (`classify.rs`).
//! Every comparison of words holds for NFD, both tone conventions, upper case and text without
//! diacritics (`text.rs`).

mod classify;
mod reference;
mod text;

use serde::{Deserialize, Serialize};

pub use reference::Reference;

use crate::docnum::{DocNumber, find_numbers, query_tokens};
use crate::model::{ClauseKind, Document};
use classify::Segment;

/// What a document does to a document it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Cites it as a legal basis (`Căn cứ …`).
    Cites,
    /// Carries it out (`thực hiện`, `triển khai`, `quán triệt`, `thể chế hóa Nghị quyết số …`).
    Implements,
    /// Guides or details it (`hướng dẫn thực hiện`, `quy định chi tiết`).
    Guides,
    /// Amends or supplements it, or replaces or repeals a part of it.
    Amends,
    /// Replaces it whole.
    Replaces,
    /// Repeals it whole (`bãi bỏ`, `… hết hiệu lực`).
    Repeals,
    /// Refers to it otherwise.
    Mentions,
}

impl Relation {
    /// Every relation, in the order a document's page lists them.
    pub const ALL: [Relation; 7] = [
        Relation::Cites,
        Relation::Implements,
        Relation::Guides,
        Relation::Amends,
        Relation::Replaces,
        Relation::Repeals,
        Relation::Mentions,
    ];

    /// The identifier used in JSON (`cites`, `implements` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Cites => "cites",
            Relation::Implements => "implements",
            Relation::Guides => "guides",
            Relation::Amends => "amends",
            Relation::Replaces => "replaces",
            Relation::Repeals => "repeals",
            Relation::Mentions => "mentions",
        }
    }

    /// Parses the identifier of [`Relation::as_str`].
    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The verb, in Vietnamese (`căn cứ`, `thực hiện` …).
    pub fn vietnamese(self) -> &'static str {
        match self {
            Relation::Cites => "căn cứ",
            Relation::Implements => "thực hiện",
            Relation::Guides => "hướng dẫn",
            Relation::Amends => "sửa đổi, bổ sung",
            Relation::Replaces => "thay thế",
            Relation::Repeals => "bãi bỏ",
            Relation::Mentions => "dẫn chiếu",
        }
    }

    /// The heading of the documents a document relates to this way, as legal portals name it
    /// (`Văn bản căn cứ`, `Văn bản bị thay thế` …).
    pub fn outgoing_label(self) -> &'static str {
        match self {
            Relation::Cites => "Văn bản căn cứ",
            Relation::Implements => "Văn bản được thực hiện",
            Relation::Guides => "Văn bản được hướng dẫn",
            Relation::Amends => "Văn bản được sửa đổi, bổ sung",
            Relation::Replaces => "Văn bản bị thay thế",
            Relation::Repeals => "Văn bản bị bãi bỏ",
            Relation::Mentions => "Văn bản được dẫn chiếu",
        }
    }

    /// The heading of the documents that relate to a document this way (`Văn bản thay thế` …).
    pub fn incoming_label(self) -> &'static str {
        match self {
            Relation::Cites => "Văn bản lấy làm căn cứ",
            Relation::Implements => "Văn bản thực hiện",
            Relation::Guides => "Văn bản hướng dẫn",
            Relation::Amends => "Văn bản sửa đổi, bổ sung",
            Relation::Replaces => "Văn bản thay thế",
            Relation::Repeals => "Văn bản bãi bỏ",
            Relation::Mentions => "Văn bản dẫn chiếu",
        }
    }
}

/// One reference of a document to another, and what the document does to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// What the document does to the one it refers to.
    pub relation: Relation,
    /// The reference as written.
    pub reference: Reference,
    /// The clause where it is said; `None` in the title or a heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause_id: Option<String>,
    /// The path of the section whose heading says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<Vec<String>>,
}

/// Every reference of `doc` to another document, in the order of its text: its title, then its
/// headings and clauses. The document's own number is no reference.
pub fn extract(doc: &Document) -> Vec<Citation> {
    let own = own_number(doc);
    let mut out = Vec::new();
    let mut read = |text: &str, segment, lead, at: (Option<&str>, Option<&[String]>)| {
        // A plain clause without a number or a law's name holds no reference; one that ends
        // with `:` may still open a list of them.
        let lead_in_shape = text.trim_end().ends_with(':');
        if segment == Segment::Clause && !lead_in_shape && !reference::may_refer(text) {
            return (false, None);
        }
        let toks = text::tokens(text);
        let found = reference::find_all(text, &toks, segment == Segment::Basis);
        let (relations, used_lead) = classify::classify(text, &toks, &found, segment, lead);
        for (f, relation) in found.into_iter().zip(relations) {
            let Some(relation) = relation else { continue };
            if own
                .as_ref()
                .is_some_and(|own| same_number(&f.reference, own))
            {
                continue;
            }
            out.push(Citation {
                relation,
                reference: f.reference,
                clause_id: at.0.map(str::to_string),
                heading: at.1.map(<[String]>::to_vec),
            });
        }
        (used_lead, classify::lead_in(text, &toks))
    };
    if let Some(title) = doc.title.as_deref() {
        // The kind line reads with the title: `Hướng dẫn` + `một số nội dung Quy định số …`.
        let text = format!("{} {title}", doc.kind.vietnamese());
        read(&text, Segment::Title, None, (None, None));
    }
    let mut lead = None;
    for piece in pieces(doc) {
        match piece {
            Piece::Heading(path, heading) => {
                read(heading, Segment::Heading, None, (None, Some(path)));
                lead = None;
            }
            Piece::Clause(id, kind, text) => {
                let segment = if kind == ClauseKind::Basis && opens_with_can_cu(text) {
                    Segment::Basis
                } else {
                    Segment::Clause
                };
                let (used_lead, opens) = read(text, segment, lead, (Some(id), None));
                // A lead-in's relation holds over the items of its list that follow it.
                lead = opens.or(lead.filter(|_| used_lead));
            }
        }
    }
    out
}

/// A heading or a clause.
enum Piece<'a> {
    Heading(&'a [String], &'a str),
    Clause(&'a str, ClauseKind, &'a str),
}

/// The headings and clauses of a document in the order of its text.
fn pieces(doc: &Document) -> Vec<Piece<'_>> {
    let mut pieces: Vec<(usize, Piece<'_>)> = doc
        .sections
        .iter()
        .map(|s| (s.span[0], Piece::Heading(&s.path, &s.heading)))
        .chain(
            doc.clauses
                .iter()
                .map(|c| (c.span[0], Piece::Clause(&c.id, c.kind, &c.text))),
        )
        .collect();
    pieces.sort_by_key(|(at, _)| *at);
    pieces.into_iter().map(|(_, p)| p).collect()
}

fn opens_with_can_cu(text: &str) -> bool {
    let toks = text::tokens(text);
    text::Phrase::new("căn cứ").at(&toks, 0)
}

/// The document's own number: from its header, else from its file's name (`20-NQ-TW.txt`), as
/// the index reads it.
fn own_number(doc: &Document) -> Option<DocNumber> {
    if let Some(n) = doc.number.as_deref().and_then(DocNumber::parse) {
        return Some(n);
    }
    let stem = std::path::Path::new(&doc.source).file_stem()?.to_str()?;
    find_numbers(&query_tokens(stem))
        .into_iter()
        .next()
        .map(|(_, n)| n)
}

/// Whether a reference's number is `own` (parts a side leaves out agree with anything).
fn same_number(reference: &Reference, own: &DocNumber) -> bool {
    let Some(n) = reference.doc_number() else {
        return false;
    };
    let agree = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    n.serial == own.serial
        && agree(&n.kind, &own.kind)
        && agree(&n.issuer, &own.issuer)
        && agree(&n.year, &own.year)
}

#[cfg(test)]
mod tests;
