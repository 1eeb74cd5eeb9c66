//! Relations between the documents of the index: what each document cites, implements, guides,
//! amends, replaces or repeals, and what does so to it.
//!
//! The references are read from a document's text once, when it is ingested
//! (`vankien_ingest::relations::extract`), and stored unresolved in the head of its record (a fast
//! column beside the document's summary, `store::RecordHead`). They are resolved against the
//! documents the index holds when first asked for after a commit: the whole graph at once
//! (`resolve.rs`), from one pass over the heads, kept until the next commit changes the document
//! list. The graph keeps where each citation leads, not the citations (about 320 MB at 20,000
//! documents): a document's relations read its own head and its citing documents' again. So a
//! citation of a document ingested later resolves as soon as that document is in, and a document
//! removed stops being a target, with nothing rewritten on disk.
//! `cargo bench -p vankien-index --bench relations` measures reading and resolving.

mod resolve;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use vankien_ingest::relations::{Citation, Reference, Relation};

use crate::{DocSummary, Index, IndexError};
use resolve::Resolver;

/// One relation of a document with another, the references that make it grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What the citing document does to the cited one.
    pub relation: Relation,
    /// The reference as the citing document writes it (its first, when it makes several).
    pub reference: Reference,
    /// The other document when the index holds it: the cited one of an outgoing link, the citing
    /// one of an incoming link. `None`: the reference is kept as text.
    pub document: Option<DocSummary>,
    /// The clauses of the citing document that make it, in order; empty when only its title or
    /// a heading does.
    pub clause_ids: Vec<String>,
}

/// A document's relations: what it does to others, what others do to it, and whether a document
/// of the index replaces or repeals it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocRelations {
    /// Its references, grouped by relation and target, the relations in the order of
    /// [`Relation::ALL`]. A target it relates to otherwise is not listed again as a mention.
    pub outgoing: Vec<Link>,
    /// The documents of the index that refer to it, grouped by citing document and relation.
    pub incoming: Vec<Link>,
    /// The latest document of the index that replaces it.
    pub replaced_by: Option<DocSummary>,
    /// The latest document of the index that repeals it.
    pub repealed_by: Option<DocSummary>,
}

/// How many links a document has each way (see [`DocRelations`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelationCounts {
    /// Links to other documents (resolved or not).
    pub outgoing: usize,
    /// Links from documents of the index.
    pub incoming: usize,
}

/// Every document's citations, resolved against the documents of one commit. The citations
/// themselves are not kept (34 a document: 320 MB at 20,000 documents): each is read again from
/// its record's head when a document's relations are asked for; the graph keeps where each leads.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    /// The documents resolved against.
    docs: BTreeMap<String, DocSummary>,
    /// The ids of `docs`, in order: a document's place, by which the lists below name it.
    ids: Vec<String>,
    /// Each citing document's citations, in the order of its list: the place of the document
    /// each resolves to.
    targets: HashMap<String, Vec<Option<u32>>>,
    /// The citations that resolve to each document: the citing document's place and the
    /// citation's place in its list, in the citing documents' order.
    incoming: HashMap<String, Vec<(u32, u32)>>,
}

/// A reference as the text gives it, with the document of the index it resolves to, if any.
pub type ResolvedCitation = (Citation, Option<DocSummary>);

/// Reads a document's citations (for the index: from its record's head).
type Read<'a> = &'a dyn Fn(&str) -> Result<Vec<Citation>, IndexError>;

impl Index {
    /// The relations of a document with the others of the index; `None` for an unknown document.
    pub fn relations(&self, doc_id: &str) -> Result<Option<DocRelations>, IndexError> {
        let graph = self.relation_graph()?;
        if !graph.docs.contains_key(doc_id) {
            return Ok(None);
        }
        graph.of(doc_id, &|id| self.stored_citations(id)).map(Some)
    }

    /// Every reference of a document to another, in the order of its text, each with the
    /// document of the index it resolves to; `None` for an unknown document.
    pub fn citations(&self, doc_id: &str) -> Result<Option<Vec<ResolvedCitation>>, IndexError> {
        let graph = self.relation_graph()?;
        if !graph.docs.contains_key(doc_id) {
            return Ok(None);
        }
        let list = self.stored_citations(doc_id)?;
        Ok(Some(
            graph
                .resolved(doc_id, list)
                .map(|(c, target)| (c, target.cloned()))
                .collect(),
        ))
    }

    /// How many links [`Index::relations`] lists each way; `None` for an unknown document.
    pub fn relation_counts(&self, doc_id: &str) -> Result<Option<RelationCounts>, IndexError> {
        Ok(self.relations(doc_id)?.map(|r| RelationCounts {
            outgoing: r.outgoing.len(),
            incoming: r.incoming.len(),
        }))
    }

    /// A document's citations as stored in its record's head (none for an unknown document).
    fn stored_citations(&self, doc_id: &str) -> Result<Vec<Citation>, IndexError> {
        Ok(self
            .record_head(doc_id)?
            .map(|h| h.citations)
            .unwrap_or_default())
    }

    /// The graph of the last commit: resolved now if no one asked since the commit.
    fn relation_graph(&self) -> Result<Arc<Graph>, IndexError> {
        let (generation, docs) = {
            let cache = self.read_cache();
            if let Some(graph) = &cache.relations {
                return Ok(graph.clone());
            }
            (cache.generation, cache.docs.clone())
        };
        let searcher = self.inner().reader.searcher();
        let graph = Arc::new(Graph::resolve(docs, |visit| {
            self.each_head(&searcher, |bytes| {
                let head: crate::store::RecordHead = serde_json::from_slice(bytes)
                    .map_err(|e| IndexError::Data(format!("a record's head: {e}")))?;
                visit(&head.summary.id, &head.citations);
                Ok(())
            })
        })?);
        let mut cache = self
            .inner()
            .cache
            .write()
            .unwrap_or_else(|e| e.into_inner());
        // A commit since the list was read makes this graph stale: answer with it, keep none.
        if cache.generation == generation {
            cache.relations = Some(graph.clone());
        }
        Ok(graph)
    }
}

impl Graph {
    /// Resolves against `docs` the citations `each` visits (by citing document).
    pub(crate) fn resolve(
        docs: BTreeMap<String, DocSummary>,
        each: impl FnOnce(&mut dyn FnMut(&str, &[Citation])) -> Result<(), IndexError>,
    ) -> Result<Graph, IndexError> {
        let ids: Vec<String> = docs.keys().cloned().collect();
        let place: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let resolver = Resolver::new(docs.values());
        let mut targets = HashMap::new();
        let mut incoming: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        each(&mut |id, list| {
            // A record of a newer commit than `docs` (the graph will not be kept): passed over.
            let (Some(citing), Some(&at)) = (docs.get(id), place.get(id)) else {
                return;
            };
            let resolved: Vec<Option<u32>> = list
                .iter()
                .map(|c| {
                    let target = resolver.resolve(&c.reference, citing)?;
                    place.get(target.id.as_str()).copied()
                })
                .collect();
            for (i, target) in resolved.iter().enumerate() {
                if let Some(t) = target {
                    incoming
                        .entry(ids[*t as usize].clone())
                        .or_default()
                        .push((at, i as u32));
                }
            }
            targets.insert(id.to_string(), resolved);
        })?;
        drop(resolver);
        drop(place);
        // In the citing documents' order, whatever order the records were visited in.
        for list in incoming.values_mut() {
            list.sort_unstable();
        }
        Ok(Graph {
            docs,
            ids,
            targets,
            incoming,
        })
    }

    /// `list`, the citations of `doc_id` as read, each with the document it resolves to.
    fn resolved(
        &self,
        doc_id: &str,
        list: Vec<Citation>,
    ) -> impl Iterator<Item = (Citation, Option<&DocSummary>)> {
        let targets = self.targets.get(doc_id).map_or(&[][..], Vec::as_slice);
        list.into_iter().enumerate().map(move |(i, c)| {
            let target = targets.get(i).copied().flatten();
            (c, target.and_then(|t| self.docs.get(&self.ids[t as usize])))
        })
    }

    /// The relations of the document `doc_id`, its citations and its citing documents' read
    /// with `read`.
    fn of(&self, doc_id: &str, read: Read) -> Result<DocRelations, IndexError> {
        let mut out = DocRelations::default();
        let mut groups = Groups::default();
        for (citation, document) in self.resolved(doc_id, read(doc_id)?) {
            let key = match document {
                Some(d) => Target::Doc(d.id.clone()),
                None => Target::Text(identity(&citation.reference)),
            };
            groups.add(key, &citation, document);
        }
        out.outgoing = groups.links();
        let mut groups = Groups::default();
        let mut citing: Option<(u32, Vec<Citation>)> = None;
        for &(at, i) in self.incoming.get(doc_id).map_or(&[][..], Vec::as_slice) {
            let id = &self.ids[at as usize];
            if citing.as_ref().is_none_or(|(c, _)| *c != at) {
                citing = Some((at, read(id)?));
            }
            let list = citing.as_ref().map_or(&[][..], |(_, l)| l.as_slice());
            // A record rewritten since the graph was resolved may hold fewer citations.
            if let Some(citation) = list.get(i as usize) {
                groups.add(Target::Doc(id.clone()), citation, self.docs.get(id));
            }
        }
        out.incoming = groups.links();
        // The newest first within each relation: the one in force last.
        out.incoming.sort_by(|a, b| {
            let date = |l: &Link| l.document.as_ref().and_then(|d| d.date.clone());
            a.relation.cmp(&b.relation).then(date(b).cmp(&date(a)))
        });
        let latest = |relation| {
            out.incoming
                .iter()
                .find(|l| l.relation == relation)
                .and_then(|l| l.document.clone())
        };
        out.replaced_by = latest(Relation::Replaces);
        out.repealed_by = latest(Relation::Repeals);
        Ok(out)
    }
}

/// What a group of references points to: a document of the index, or a reference kept as text
/// (by its number, or its name and date).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Doc(String),
    Text(String),
}

/// How two unresolved references are known to name one document.
fn identity(r: &Reference) -> String {
    if let Some(n) = r.doc_number() {
        return format!("{}@{}", n.key(), n.year.unwrap_or_default());
    }
    if let Some(number) = r.number.as_deref() {
        return Reference::raw_number_key(number);
    }
    let name = r.name_key().unwrap_or_else(|| r.text.to_lowercase());
    format!("{name}@{}", r.date.as_deref().unwrap_or(""))
}

/// Links grouped by relation and target, in the order they were first met.
#[derive(Default)]
struct Groups {
    groups: Vec<(Target, Link)>,
}

impl Groups {
    fn add(&mut self, target: Target, citation: &Citation, document: Option<&DocSummary>) {
        let relation = citation.relation;
        let at = self
            .groups
            .iter()
            .position(|(t, l)| *t == target && l.relation == relation);
        let link = match at {
            Some(i) => &mut self.groups[i].1,
            None => {
                self.groups.push((
                    target,
                    Link {
                        relation,
                        reference: citation.reference.clone(),
                        document: document.cloned(),
                        clause_ids: Vec::new(),
                    },
                ));
                &mut self.groups.last_mut().expect("just pushed").1
            }
        };
        if let Some(id) = &citation.clause_id
            && !link.clause_ids.contains(id)
        {
            link.clause_ids.push(id.clone());
        }
    }

    /// The links, relations in the order of [`Relation::ALL`]; a target that has another
    /// relation is not listed again as a mention.
    fn links(self) -> Vec<Link> {
        let related: Vec<&Target> = self
            .groups
            .iter()
            .filter(|(_, l)| l.relation != Relation::Mentions)
            .map(|(t, _)| t)
            .collect();
        let keep: Vec<bool> = self
            .groups
            .iter()
            .map(|(t, l)| l.relation != Relation::Mentions || !related.contains(&t))
            .collect();
        let mut links: Vec<Link> = self
            .groups
            .into_iter()
            .zip(keep)
            .filter_map(|((_, l), keep)| keep.then_some(l))
            .collect();
        links.sort_by_key(|l| l.relation);
        links
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vankien_ingest::DocKind;

    fn summary(id: &str, number: &str, date: &str) -> DocSummary {
        DocSummary {
            id: id.into(),
            number: Some(number.into()),
            kind: DocKind::Resolution,
            title: None,
            issuer: None,
            signer: None,
            date: Some(date.into()),
            clauses: 1,
            source: format!("{id}.txt"),
        }
    }

    fn cite(relation: Relation, number: &str, clause: Option<&str>) -> Citation {
        Citation {
            relation,
            reference: Reference {
                text: format!("Nghị quyết số {number}"),
                kind: Some(DocKind::Resolution),
                kind_name: Some("Nghị quyết".into()),
                number: Some(number.into()),
                date: None,
                issuer: None,
                name: None,
            },
            clause_id: clause.map(String::from),
            heading: None,
        }
    }

    #[test]
    fn citations_ride_in_the_head_of_a_record() {
        let text = "CHÍNH PHỦ\n\nSố: 03/NQ-CP\n\nHà Nội, ngày 09 tháng 01 năm 2025\n\nNGHỊ QUYẾT\n\
            Về chương trình\n\nCăn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n\n\
            QUYẾT NGHỊ:\n\nĐiều 1. Thực hiện Nghị quyết số 57-NQ/TW.\n";
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("03-NQ-CP.txt");
        std::fs::write(&file, text).unwrap();
        let at = dir.path().join("index");
        let index = Index::open_or_create(&at).unwrap();
        let (files, _) = vankien_ingest::find_files(&[file]);
        let opts = crate::IngestOptions::default();
        index
            .ingest_files(&files, &opts, &mut crate::NoTags, &mut |_| {})
            .unwrap();
        drop(index);
        // A fresh open reads the list and the citations from the record heads alone.
        let index = Index::open_or_create(&at).unwrap();
        let id = index.documents().unwrap()[0].id.clone();
        let doc = index.document(&id).unwrap().unwrap();
        let head = index
            .record_head(&id)
            .unwrap()
            .expect("the document's head");
        assert_eq!(head.citations.len(), 2, "{:?}", head.citations);
        assert_eq!(head.citations, vankien_ingest::relations::extract(&doc));
        assert_eq!(head.summary, crate::store::summary(&doc));
        assert_eq!(index.read_cache().docs[&id], head.summary);
        // Resolved from the heads: both references name 57-NQ/TW, which the index does not hold.
        let cited = index.citations(&id).unwrap().unwrap();
        assert_eq!(cited.len(), 2);
        assert!(
            cited
                .iter()
                .all(|(c, d)| d.is_none() && c.reference.number.as_deref() == Some("57-NQ/TW"))
        );
        // Two links to it: the preamble cites it, Article 1 implements it.
        let links = index.relations(&id).unwrap().unwrap().outgoing;
        let relations: Vec<Relation> = links.iter().map(|l| l.relation).collect();
        assert_eq!(
            relations,
            [Relation::Cites, Relation::Implements],
            "{links:?}"
        );
    }

    #[test]
    fn a_head_past_64_kib_is_stored_in_pieces_and_read_whole() {
        let mut text = String::from(
            "CHÍNH PHỦ\n\nSố: 99/NQ-CP\n\nHà Nội, ngày 09 tháng 01 năm 2025\n\nNGHỊ QUYẾT\n\
             Về nhiều căn cứ\n\n",
        );
        // Enough citations that even compressed the head takes three pieces.
        const CITED: usize = 9000;
        for i in 1..=CITED {
            text.push_str(&format!(
                "Căn cứ Nghị quyết số {i}-NQ/TW ngày 22/12/2024 của Bộ Chính trị về việc thứ {i};\n\n"
            ));
        }
        text.push_str("QUYẾT NGHỊ:\n\nĐiều 1. Thực hiện các nghị quyết trên.\n");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("99-NQ-CP.txt");
        std::fs::write(&file, &text).unwrap();
        let at = dir.path().join("index");
        let index = Index::open_or_create(&at).unwrap();
        let (files, _) = vankien_ingest::find_files(&[file]);
        let opts = crate::IngestOptions::default();
        index
            .ingest_files(&files, &opts, &mut crate::NoTags, &mut |_| {})
            .unwrap();
        drop(index);
        let index = Index::open_or_create(&at).unwrap();
        let id = index.documents().unwrap()[0].id.clone();
        let doc = index.document(&id).unwrap().unwrap();
        let head = index.record_head(&id).unwrap().unwrap();
        // Stored compressed: the pieces hold the compressed head.
        let stored = crate::store::pack_head(&head).len();
        assert!(stored > 2 * crate::store::HEAD_PIECE, "{stored} bytes");
        assert_eq!(head.citations.len(), CITED);
        assert_eq!(head.citations, vankien_ingest::relations::extract(&doc));
        assert_eq!(index.citations(&id).unwrap().unwrap().len(), CITED);
    }

    #[test]
    fn links_group_by_target_and_mentions_yield_to_relations() {
        let docs: BTreeMap<String, DocSummary> = [
            summary("a", "1/NQ-CP", "2025-01-01"),
            summary("b", "2/NQ-CP", "2025-02-01"),
            summary("c", "3/NQ-CP", "2025-03-01"),
        ]
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
        let citations = HashMap::from([
            (
                "b".to_string(),
                vec![
                    cite(Relation::Mentions, "1/NQ-CP", Some("b/p1")),
                    cite(Relation::Replaces, "1/NQ-CP", Some("b/p2")),
                    cite(Relation::Mentions, "9/NQ-CP", Some("b/p3")),
                    cite(Relation::Mentions, "9/NQ-CP", Some("b/p4")),
                ],
            ),
            (
                "c".to_string(),
                vec![cite(Relation::Replaces, "1/NQ-CP", None)],
            ),
        ]);
        let graph = Graph::resolve(docs, |visit| {
            for (id, list) in &citations {
                visit(id, list);
            }
            Ok(())
        })
        .unwrap();
        let read = |id: &str| Ok(citations.get(id).cloned().unwrap_or_default());
        let b = graph.of("b", &read).unwrap();
        assert_eq!(b.outgoing.len(), 2, "{b:?}");
        assert_eq!(b.outgoing[0].relation, Relation::Replaces);
        assert_eq!(b.outgoing[0].document.as_ref().unwrap().id, "a");
        assert_eq!(b.outgoing[1].document, None);
        assert_eq!(b.outgoing[1].clause_ids, ["b/p3", "b/p4"]);
        let a = graph.of("a", &read).unwrap();
        assert_eq!(a.incoming.len(), 2, "{a:?}");
        // The newest replacement is the one in force.
        assert_eq!(a.replaced_by.unwrap().id, "c");
        assert_eq!(a.repealed_by, None);
        assert!(graph.of("c", &read).unwrap().incoming.is_empty());
    }
}
