//! Measuring the rankers: k-fold cross-validation with folds by document (a document's clauses
//! never train their own suggestions), precision at 1 and 3, recall at 3, mean over folds.

use std::collections::{BTreeMap, HashMap};

use vankien_annotate::Sector;

use super::{Example, Model, ModelConfig, RankerKind};

/// One line of a tagged set: a clause id and the sectors an annotator gave it (none when no
/// sector applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedLine {
    /// The clause id.
    pub clause_id: String,
    /// Its sector ids; empty when none applies.
    pub sectors: Vec<String>,
}

/// Reads a tagged set: `#` comment lines, then `clause_id<TAB>sector,sector|-<TAB>first words`
/// lines. The error names the line.
pub fn parse_tagged(tsv: &str) -> Result<Vec<TaggedLine>, String> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(sectors), Some(_words)) = (cols.next(), cols.next(), cols.next())
        else {
            return Err(format!(
                "line {}: expected three tab-separated columns",
                n + 1
            ));
        };
        let sectors = match sectors {
            "-" => Vec::new(),
            s => s.split(',').map(str::to_string).collect(),
        };
        out.push(TaggedLine {
            clause_id: id.to_string(),
            sectors,
        });
    }
    Ok(out)
}

/// Splits examples into `k` folds by document: documents from the largest down, each into the
/// fold with the fewest clauses so far (ties to the lower fold), so the folds are near equal and
/// the same on every run. Returns each fold's example indices.
pub fn folds_by_document(examples: &[Example], k: usize) -> Vec<Vec<usize>> {
    let mut docs: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        docs.entry(&e.doc_id).or_default().push(i);
    }
    let mut docs: Vec<Vec<usize>> = docs.into_values().collect();
    docs.sort_by_key(|d| std::cmp::Reverse(d.len()));
    let mut folds: Vec<Vec<usize>> = vec![Vec::new(); k];
    for d in docs {
        let smallest = (0..k).min_by_key(|&f| (folds[f].len(), f)).expect("k > 0");
        folds[smallest].extend(d);
    }
    folds
}

/// Splits examples into `k` folds clause by clause (the `i`-th example into fold `i mod k`), so
/// a clause's neighbours in its own document may train its suggestions: the setting of an
/// annotator who has tagged part of a document. For contrast with [`folds_by_document`].
pub fn folds_by_clause(examples: &[Example], k: usize) -> Vec<Vec<usize>> {
    let mut folds: Vec<Vec<usize>> = vec![Vec::new(); k];
    for i in 0..examples.len() {
        folds[i % k].push(i);
    }
    folds
}

/// How examples are split into folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldBy {
    /// [`folds_by_document`]: the measure of record.
    Document,
    /// [`folds_by_clause`]: for contrast.
    Clause,
}

/// Precision and recall of rankings against the annotators' sectors.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Clauses scored.
    pub clauses: usize,
    /// Share of clauses whose first suggestion is one of their sectors.
    pub p_at_1: f64,
    /// Mean share of the first three suggestions that are sectors of the clause.
    pub p_at_3: f64,
    /// Mean share of a clause's sectors among the first three suggestions.
    pub r_at_3: f64,
}

/// Scores one clause's ranking (sector ids, best first) against its sectors.
pub fn score_one(ranked: &[String], gold: &[String]) -> (f64, f64, f64) {
    let hit = |s: &String| gold.contains(s);
    let p1 = ranked.first().is_some_and(hit) as u8 as f64;
    let in3 = ranked.iter().take(3).filter(|s| hit(s)).count() as f64;
    (p1, in3 / 3.0, in3 / gold.len().max(1) as f64)
}

/// The scores of every ranker on every fold, and their means over folds.
#[derive(Debug, Clone)]
pub struct CrossValidation {
    /// Per ranker: the scores of each fold.
    pub folds: HashMap<RankerKind, Vec<Scores>>,
}

impl CrossValidation {
    /// The mean over folds of a ranker's scores.
    pub fn mean(&self, kind: RankerKind) -> Scores {
        let folds = &self.folds[&kind];
        let n = folds.len().max(1) as f64;
        Scores {
            clauses: folds.iter().map(|f| f.clauses).sum(),
            p_at_1: folds.iter().map(|f| f.p_at_1).sum::<f64>() / n,
            p_at_3: folds.iter().map(|f| f.p_at_3).sum::<f64>() / n,
            r_at_3: folds.iter().map(|f| f.r_at_3).sum::<f64>() / n,
        }
    }

    /// The table of means, one ranker a line.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<16} {:>7} {:>6} {:>6} {:>6}\n",
            "ranker", "clauses", "P@1", "P@3", "R@3"
        );
        for kind in RankerKind::ALL {
            let m = self.mean(kind);
            out += &format!(
                "{:<16} {:>7} {:>6.3} {:>6.3} {:>6.3}\n",
                kind.name(),
                m.clauses,
                m.p_at_1,
                m.p_at_3,
                m.r_at_3
            );
        }
        out
    }
}

/// Cross-validates every ranker over `examples` in `k` folds (by document, the measure of
/// record, or by clause): each fold is ranked by a [`Model`] trained on the other folds.
pub fn cross_validate(
    sectors: &[Sector],
    keywords: &HashMap<String, Vec<String>>,
    examples: &[Example],
    k: usize,
    by: FoldBy,
) -> tantivy::Result<CrossValidation> {
    let rankers: Vec<Ranker<'_>> = RankerKind::ALL
        .iter()
        .map(|&kind| -> Ranker<'_> {
            Box::new(move |m: &Model, e: &Example| m.rank(kind, &e.text, Some(&e.clause_id)))
        })
        .collect();
    let scores = cross_validate_with(
        sectors,
        keywords,
        examples,
        k,
        by,
        &ModelConfig::default(),
        &rankers,
    )?;
    Ok(CrossValidation {
        folds: RankerKind::ALL.into_iter().zip(scores).collect(),
    })
}

/// A way of ranking a held-out clause with a model of the other folds.
pub type Ranker<'a> = Box<dyn Fn(&Model, &Example) -> tantivy::Result<Vec<super::Ranked>> + 'a>;

/// Cross-validates any rankers with any settings (how the blend's weights were chosen): per
/// ranker, the scores of each fold.
pub fn cross_validate_with(
    sectors: &[Sector],
    keywords: &HashMap<String, Vec<String>>,
    examples: &[Example],
    k: usize,
    by: FoldBy,
    config: &ModelConfig,
    rankers: &[Ranker<'_>],
) -> tantivy::Result<Vec<Vec<Scores>>> {
    let folds = match by {
        FoldBy::Document => folds_by_document(examples, k),
        FoldBy::Clause => folds_by_clause(examples, k),
    };
    let mut out: Vec<Vec<Scores>> = vec![Vec::new(); rankers.len()];
    for (f, held_out) in folds.iter().enumerate() {
        let training: Vec<Example> = folds
            .iter()
            .enumerate()
            .filter(|(g, _)| *g != f)
            .flat_map(|(_, idx)| idx.iter().map(|&i| examples[i].clone()))
            .collect();
        let model = Model::train_with(sectors, keywords, &training, config)?;
        for (r, rank) in rankers.iter().enumerate() {
            let mut s = Scores {
                clauses: held_out.len(),
                ..Scores::default()
            };
            for &i in held_out {
                let e = &examples[i];
                let ranked: Vec<String> = rank(&model, e)?.into_iter().map(|r| r.sector).collect();
                let (p1, p3, r3) = score_one(&ranked, &e.sectors);
                s.p_at_1 += p1;
                s.p_at_3 += p3;
                s.r_at_3 += r3;
            }
            let n = held_out.len().max(1) as f64;
            s.p_at_1 /= n;
            s.p_at_3 /= n;
            s.r_at_3 /= n;
            out[r].push(s);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(doc: &str, n: usize) -> Example {
        Example {
            clause_id: format!("{doc}/{n}"),
            doc_id: doc.into(),
            text: String::new(),
            sectors: vec!["a".into()],
        }
    }

    #[test]
    fn folds_keep_documents_together_and_are_balanced() {
        let mut examples = Vec::new();
        for (doc, n) in [("d1", 5), ("d2", 4), ("d3", 3), ("d4", 2), ("d5", 2)] {
            examples.extend((0..n).map(|i| example(doc, i)));
        }
        let folds = folds_by_document(&examples, 3);
        let sizes: Vec<usize> = folds.iter().map(Vec::len).collect();
        assert_eq!(sizes, [5, 6, 5]);
        for fold in &folds {
            for &i in fold {
                let doc = &examples[i].doc_id;
                assert!(
                    fold.iter().filter(|&&j| &examples[j].doc_id == doc).count()
                        == examples.iter().filter(|e| &e.doc_id == doc).count()
                );
            }
        }
    }

    #[test]
    fn precision_and_recall_of_one_clause() {
        let r = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            score_one(&r(&["a", "b", "c"]), &r(&["a"])),
            (1.0, 1.0 / 3.0, 1.0)
        );
        assert_eq!(
            score_one(&r(&["b", "a", "c"]), &r(&["a", "c"])),
            (0.0, 2.0 / 3.0, 1.0)
        );
        assert_eq!(score_one(&r(&["b"]), &r(&["a", "c"])), (0.0, 0.0, 0.0));
        assert_eq!(score_one(&[], &r(&["a"])), (0.0, 0.0, 0.0));
    }

    #[test]
    fn tagged_sets_are_read_and_bad_lines_named() {
        let t = parse_tagged("# guide\nd/1\ta,b\tfirst words\nd/2\t-\tnone here\n").unwrap();
        assert_eq!(t[0].sectors, ["a", "b"]);
        assert!(t[1].sectors.is_empty());
        assert!(
            parse_tagged("d/1 a words\n")
                .unwrap_err()
                .contains("line 1")
        );
    }
}
