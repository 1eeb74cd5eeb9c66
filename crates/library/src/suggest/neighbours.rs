//! Ranker (b): the nearest tagged clauses, by BM25. The tagged clauses are indexed in a tantivy
//! index in RAM, one document per clause holding its folded words (the keys of the main index's
//! folded field); a clause to suggest for is asked as an OR query of its own folded words, and
//! each of its `k` nearest tagged clauses votes for its sectors with its BM25 score.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexWriter, Term, doc};

use super::text;
use super::{Example, Ranked, Why};

/// The tokenizer of the neighbour index: its text is folded keys joined by spaces already.
const TOKENIZER: &str = "vk_suggest_folded";

/// How many nearest tagged clauses vote. By default 10 (measured: see the README's table).
pub const DEFAULT_K: usize = 10;

/// The nearest-neighbour ranker over an in-RAM tantivy index of tagged clauses.
pub struct Neighbours {
    reader: tantivy::IndexReader,
    words: tantivy::schema::Field,
    examples: Vec<(String, Vec<String>)>,
    k: usize,
}

impl std::fmt::Debug for Neighbours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Neighbours")
            .field("examples", &self.examples.len())
            .field("k", &self.k)
            .finish_non_exhaustive()
    }
}

impl Neighbours {
    /// Indexes `examples` (clause ids, texts and sectors); `k` of them vote for each clause.
    pub fn train(examples: &[Example], k: usize) -> tantivy::Result<Neighbours> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let words = schema.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(indexing),
        );
        let ord = schema.add_u64_field("ord", FAST);
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for (i, e) in examples.iter().enumerate() {
            writer.add_document(doc!(words => text::folded(&e.text).join(" "), ord => i as u64))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Neighbours {
            reader,
            words,
            examples: examples
                .iter()
                .map(|e| (e.clause_id.clone(), e.sectors.clone()))
                .collect(),
            k,
        })
    }

    /// The sectors of the `k` tagged clauses nearest to `text` (the clause `skip` left out, so a
    /// tagged clause never votes for itself), each summing its neighbours' scores.
    pub fn rank(&self, text: &str, skip: Option<&str>) -> tantivy::Result<Vec<Ranked>> {
        let mut keys = text::folded(text);
        keys.sort();
        keys.dedup();
        let clauses: Vec<(Occur, Box<dyn Query>)> = keys
            .iter()
            .map(|k| {
                let term = Term::from_field_text(self.words, k);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(self.k + 1).order_by_score(),
        )?;
        let mut votes: HashMap<&str, (f32, Vec<&str>)> = HashMap::new();
        let mut taken = 0;
        for (score, addr) in top {
            let ords = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("ord")?;
            let Some(i) = ords.first(addr.doc_id) else {
                continue;
            };
            let (clause_id, sectors) = &self.examples[i as usize];
            if skip == Some(clause_id.as_str()) || taken == self.k {
                continue;
            }
            taken += 1;
            for s in sectors {
                let v = votes.entry(s).or_default();
                v.0 += score;
                v.1.push(clause_id);
            }
        }
        let mut out: Vec<Ranked> = votes
            .into_iter()
            .map(|(sector, (score, clauses))| Ranked {
                sector: sector.to_string(),
                score,
                why: Why::Similar(clauses.into_iter().take(3).map(String::from).collect()),
            })
            .collect();
        super::sort_ranked(&mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(id: &str, text: &str, sectors: &[&str]) -> Example {
        Example {
            clause_id: id.into(),
            doc_id: id.split('/').next().unwrap().into(),
            text: text.into(),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_nearest_clauses_vote_and_are_named() {
        let n = Neighbours::train(
            &[
                example(
                    "a/1",
                    "Phát triển hạ tầng giao thông đường bộ ven biển",
                    &["giao-thong"],
                ),
                example(
                    "a/2",
                    "Nâng cao chất lượng giáo dục phổ thông",
                    &["giao-duc"],
                ),
                example(
                    "b/1",
                    "Đầu tư đường cao tốc và hạ tầng giao thông kết nối",
                    &["giao-thong", "dau-tu"],
                ),
            ],
            2,
        )
        .unwrap();
        let r = n.rank("HA TANG GIAO THONG ket noi vung", None).unwrap();
        assert_eq!(r[0].sector, "giao-thong");
        let Why::Similar(ids) = &r[0].why else {
            panic!()
        };
        assert_eq!(ids, &["b/1", "a/1"]);
        assert!(r.iter().all(|x| x.sector != "giao-duc"));
        // A tagged clause never votes for itself.
        let r = n
            .rank("Nâng cao chất lượng giáo dục phổ thông", Some("a/2"))
            .unwrap();
        assert!(r.iter().all(|x| x.sector != "giao-duc"), "{r:?}");
        assert!(n.rank("2025", None).unwrap().is_empty());
    }
}
