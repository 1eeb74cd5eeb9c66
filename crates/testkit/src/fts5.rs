//! The SQLite FTS5 peer vankien is measured against: what a pragmatic user would build, one row
//! per non-empty source line, `unicode61 remove_diacritics 2`, implicit-AND queries ranked by
//! bm25. Shared by the relevance test (`crates/index/tests/index/relevance.rs`) and the search
//! benchmark (`crates/index/benches/search.rs`).

use std::path::Path;

use rusqlite::{Connection, params};

/// One row of the FTS5 table: a line of a source file.
#[derive(Debug, Clone)]
pub struct LineHit {
    /// The document's name (its file name).
    pub doc: String,
    /// The line's number in its file, from 1.
    pub line_no: u32,
    /// The line as written.
    pub text: String,
}

/// An FTS5 table of source lines.
pub struct Fts5 {
    conn: Connection,
}

impl Fts5 {
    /// Creates the table in a new database at `path`, or in memory when `path` is `None`.
    ///
    /// The document name and line number are stored UNINDEXED, so that a query matches the
    /// text only (file names like `57-NQ-TW.txt` would otherwise answer number queries).
    pub fn create(path: Option<&Path>) -> rusqlite::Result<Fts5> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(
            "CREATE VIRTUAL TABLE lines USING fts5(doc UNINDEXED, line_no UNINDEXED, line, \
             tokenize = \"unicode61 remove_diacritics 2\");",
        )?;
        Ok(Fts5 { conn })
    }

    /// Inserts the non-empty lines of every `(doc name, text)` in one transaction; returns the
    /// number of rows inserted.
    pub fn insert_docs<'a>(
        &mut self,
        docs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let mut rows = 0;
        {
            let mut stmt =
                tx.prepare("INSERT INTO lines (doc, line_no, line) VALUES (?1, ?2, ?3)")?;
            for (doc, text) in docs {
                for (i, line) in text.split('\n').enumerate() {
                    let line = line.trim_end_matches('\r');
                    if line.trim().is_empty() {
                        continue;
                    }
                    stmt.execute(params![doc, (i + 1) as i64, line])?;
                    rows += 1;
                }
            }
        }
        tx.commit()?;
        Ok(rows)
    }

    /// Runs a user's query: its words as an implicit AND, each double-quoted, phrases kept as
    /// FTS5 phrases, ranked by bm25, at most `limit` lines. A query with no word gives nothing.
    pub fn search(&self, query: &str, limit: usize) -> rusqlite::Result<Vec<LineHit>> {
        let Some(expr) = match_expression(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc, line_no, line FROM lines WHERE lines MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![expr, limit as i64], |r| {
            Ok(LineHit {
                doc: r.get(0)?,
                line_no: r.get::<_, i64>(1)? as u32,
                text: r.get(2)?,
            })
        })?;
        rows.collect()
    }
}

/// The FTS5 MATCH expression for a user's query: every word double-quoted (so that `-`, `/`,
/// `:` or `NOT` typed by the user are not FTS5 syntax), every `"quoted phrase"` kept as one
/// phrase, all of them ANDed by juxtaposition. `None` when the query has no word at all.
pub fn match_expression(query: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if s.chars().any(char::is_alphanumeric) {
            parts.push(format!("\"{}\"", s.replace('"', "\"\"")));
        }
    };
    // Split on quotes: odd segments are phrases, even ones are loose words.
    for (i, segment) in query.split('"').enumerate() {
        if i % 2 == 1 {
            push(segment.trim());
        } else {
            segment.split_whitespace().for_each(&mut push);
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}
