//! The structure parser: header metadata, section tree, clauses. (Placeholder; being written.)

use crate::model::{Clause, ClauseKind, DocKind, Document};
use crate::normalize::normalize_text;

/// Parses a decoded text into a document. Never fails: problems become diagnostics.
pub fn parse(raw: &str, source: &str, encoding: &str) -> Document {
    let text = normalize_text(raw);
    let id: String = source
        .rsplit('/')
        .next()
        .unwrap_or(source)
        .trim_end_matches(".txt")
        .to_lowercase();
    let mut clauses = Vec::new();
    let mut offset = 0;
    for para in text.split("\n\n") {
        let t = para.trim();
        if !t.is_empty() {
            let start = offset + para.find(t).unwrap_or(0);
            clauses.push(Clause {
                id: format!("{id}/p{}", clauses.len() + 1),
                kind: ClauseKind::Paragraph,
                label: None,
                group: None,
                section_path: vec![],
                text: t.replace('\n', " "),
                span: [start, start + t.len()],
            });
        }
        offset += para.len() + 2;
    }
    Document {
        id,
        kind: DocKind::Resolution,
        number: None,
        issuer: None,
        place: None,
        date: None,
        title: None,
        term: None,
        encoding: encoding.to_string(),
        source: source.to_string(),
        sections: vec![],
        clauses,
        recipients: vec![],
        signature: vec![],
        furniture: vec![],
        diagnostics: vec!["placeholder parser".into()],
        text,
    }
}
