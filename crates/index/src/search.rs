//! Running a search: parse and check the query, build it with the filters, collect the top hits,
//! the total and (when asked) facet counts, and make each hit's snippet.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::query::{EnableScoring, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, TantivyDocument, Term};
use vankien_ingest::ClauseKind;
use vankien_ingest::docnum::DocNumber;

use crate::Limits;
use crate::facets::{DocCountCollector, DocCounts, FacetTally, TallyCollector};
use crate::group;
use crate::query::{self, Widen};
use crate::rerank::RerankCollector;
use crate::schema::Fields;
use crate::snippet::Highlighter;
use crate::store::ClauseMeta;
use crate::{
    DocSummary, FacetCount, Facets, Group, Groups, Hit, Index, IndexError, QueryError, Relaxed,
    SearchRequest, SearchResults, stored_json, stored_str,
};

/// Hits returned when the request leaves `limit` at 0.
pub const DEFAULT_LIMIT: usize = 10;
/// The most values a facet lists, the most frequent first: a search for a common word matches
/// clauses of nearly every document, and a list of thousands serves no one (it was most of a
/// search answer's bytes on a 2,000-document index).
pub const FACET_LIMIT: usize = 100;
/// Matches a total counts exactly at least, unless the request asks for an exact total: past
/// this many, a search may skip what cannot make its page and give a lower bound (as the
/// search engines that show "more than 10,000 results" do).
pub const EXACT_TOTAL_UP_TO: usize = 10_000;

/// The document filter of a request: an id in the index, else a number in any spelling.
pub(crate) fn doc_filter(index: &Index, doc: &str) -> Box<dyn Query> {
    let f = &index.inner().fields;
    let doc = doc.trim();
    let by_id = |id: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(f.doc_id, id),
            IndexRecordOption::Basic,
        ))
    };
    if index.read_cache().docs.contains_key(doc) {
        return by_id(doc);
    }
    match DocNumber::parse(doc).and_then(|n| n.query_key()) {
        Some(key) => Box::new(TermQuery::new(
            Term::from_field_text(f.docnum, &key),
            IndexRecordOption::Basic,
        )),
        None => by_id(doc),
    }
}

/// A search's request with its issuer and signer turned into the ids of their documents;
/// `None` when they name no document, so that nothing matches.
pub(crate) fn narrowed<'a>(
    index: &Index,
    req: &'a SearchRequest,
) -> Option<Cow<'a, SearchRequest>> {
    let by_doc = [
        req.issuer.as_deref().map(|i| index.docs_of_issuer(i)),
        req.signer.as_deref().map(|s| index.docs_of_signer(s)),
    ];
    if by_doc.iter().all(Option::is_none) {
        return Some(Cow::Borrowed(req));
    }
    let mut ids: Option<Vec<String>> = (!req.doc_ids.is_empty()).then(|| req.doc_ids.clone());
    for found in by_doc.into_iter().flatten() {
        ids = Some(match ids {
            Some(mut ids) => {
                ids.retain(|id| found.contains(id));
                ids
            }
            None => found,
        });
    }
    let ids = ids.unwrap_or_default();
    if ids.is_empty() {
        return None;
    }
    Some(Cow::Owned(SearchRequest {
        doc_ids: ids,
        issuer: None,
        signer: None,
        ..req.clone()
    }))
}

/// What a search found before its page is made: the query that decided the match (the typed
/// one, or the one widened to a prefix or relaxed to most of its words), its ranked clauses and
/// facet counts, and the words to mark in snippets.
pub(crate) struct Found {
    pub searcher: Searcher,
    found: query::Split,
    pub ranked: crate::rerank::Reranked,
    facet_counts: Option<FacetTally>,
    pub relaxed: Option<Relaxed>,
    pub prefix: Option<String>,
    words: Vec<String>,
    phrases: Vec<Vec<String>>,
    parsed: query::ParsedQuery,
}

/// What a search collects besides its best clauses.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Collect {
    /// The facets of every match (the total is then exact).
    pub facets: bool,
    /// The matches by document ([`crate::rerank::Reranked::doc_counts`]).
    pub docs: bool,
    /// May skip what cannot make the page once this many matches are counted.
    pub exact_up_to: Option<usize>,
    /// Only the counts: every match counted, none scored, no top.
    pub counts_only: bool,
}

/// Runs a search's query, widened when nothing matches as typed, collecting the best `wanted`
/// clauses and what `what` asks.
pub(crate) fn find(
    index: &Index,
    req: &SearchRequest,
    wanted: usize,
    what: Collect,
) -> Result<Found, IndexError> {
    let parsed = query::parse(&req.query)?;
    let inner = index.inner();
    let f = &inner.fields;
    let searcher = inner.reader.searcher();
    let split = |widen: &Widen| {
        let doc = req.doc.as_deref().map(|d| doc_filter(index, d));
        query::build_split(f, &parsed, req, doc, widen)
    };
    // The query that finds the clauses, and apart the proximity boosts, looked at only where
    // they can still change the page (see `rerank`).
    let run = |found: &query::Split| -> tantivy::Result<_> {
        if what.counts_only {
            // No score is needed: tantivy's walk without BM25, the counts beside each other.
            let names = &inner.facet_names;
            let counting = (
                tantivy::collector::Count,
                what.facets.then_some(TallyCollector(names)),
                what.docs.then_some(DocCountCollector(names)),
            );
            let (total, tally, docs) = searcher.search(&*found.query, &counting)?;
            return Ok((crate::rerank::Reranked::counted(total, docs), tally));
        }
        let collector = || -> tantivy::Result<RerankCollector<'_>> {
            let c = RerankCollector::new(&searcher, found, wanted)?;
            Ok(match what.docs {
                true => c.counting_docs(&inner.facet_names),
                false => c,
            })
        };
        if what.facets {
            // Facets count every match: tantivy's walk, no pruning.
            let tally = TallyCollector(&inner.facet_names);
            let (ranked, tally) = searcher.search(&*found.query, &(collector()?, tally))?;
            return Ok((ranked, Some(tally)));
        }
        if let Some(n) = what.exact_up_to {
            let pruned = collector()?.pruning_past(&searcher, found, n)?;
            let ranked = searcher.search(&*found.query, &pruned)?;
            // A segment may prune past its share of `n` though fewer match in all: then they
            // are few, and the total must be exact.
            if ranked.exact || ranked.total >= n {
                return Ok((ranked, None));
            }
        }
        Ok((searcher.search(&*found.query, &collector()?)?, None))
    };
    let mut found = split(&Widen::default())?;
    let (mut ranked, mut facet_counts) = run(&found)?;
    let (mut relaxed, mut prefix) = (None, None);
    if ranked.total > 0 {
        relaxed = missing_words(&searcher, &found, &split)?;
    }
    let (mut words, mut phrases) = parsed.highlight();
    // Particles are not marked: `các`, `của`, `là` are in nearly every clause.
    for p in &found.particles {
        if let Some(i) = words.iter().position(|w| w == p) {
            words.remove(i);
        }
    }
    for mark in &found.marks {
        match mark.as_slice() {
            [one] => words.push(one.clone()),
            _ => phrases.push(mark.clone()),
        }
    }
    // A query that ends in a word, not a space, may be still being typed: when nothing has
    // that word, it is matched as the start of a word: from one letter after another word,
    // from two alone.
    let typing = parsed
        .last_word()
        .filter(|_| !req.query.ends_with(char::is_whitespace))
        .filter(|w| {
            let least = match parsed.word_before_last() {
                Some(_) => 1,
                None => MIN_PREFIX_ALONE,
            };
            w.folded.chars().count() >= least
        });
    if let Some(last) = typing.filter(|_| ranked.total == 0) {
        let keys = completions(&searcher, f.text_folded, &last.folded)?;
        if !keys.is_empty() {
            let q = split(&Widen {
                completions: Some(query::Completion {
                    prefix: &last.folded,
                    keys: &keys,
                    cache: &inner.prefixes,
                }),
                ..Widen::default()
            })?;
            let answer = run(&q)?;
            if answer.0.total > 0 {
                (ranked, facet_counts) = answer;
                found = q;
                prefix = Some(last.exact.clone());
                // Mark a completion where it follows the word typed before it, as ranked
                // first; marking every word that starts so would mark half the text.
                match parsed.word_before_last() {
                    Some(prev) => {
                        phrases.extend(keys.into_iter().map(|k| vec![prev.folded.clone(), k]));
                    }
                    None => words.extend(keys),
                }
            }
        }
    }
    if ranked.total == 0 {
        // No clause has every word: show the clauses that have the most of them. The word units
        // of a relaxed query (typed words in full for an abbreviation count one by one there):
        // a `min_words` of them all relaxes nothing, it only counts.
        let units = split(&Widen {
            min_words: Some(usize::MAX),
            ..Widen::default()
        })?
        .word_units;
        if units > 1
            && let Some((k, q)) = most_words(&searcher, units, &split)?
        {
            (ranked, facet_counts) = run(&q)?;
            found = q;
            relaxed = Some(Relaxed {
                matched_words: k,
                words: units,
            });
        }
    }
    Ok(Found {
        searcher,
        found,
        ranked,
        facet_counts,
        relaxed,
        prefix,
        words,
        phrases,
        parsed,
    })
}

/// The best `wanted` clauses of the query a search found, in its order.
pub(crate) fn collect(found: &Found, wanted: usize) -> Result<Vec<DocAddress>, IndexError> {
    let collector = RerankCollector::new(&found.searcher, &found.found, wanted)?;
    let ranked = found.searcher.search(&*found.found.query, &collector)?;
    Ok(ranked.top.into_iter().map(|(_, a)| a).collect())
}

pub(crate) fn search(index: &Index, req: &SearchRequest) -> Result<SearchResults, IndexError> {
    let Some(req) = narrowed(index, req) else {
        // Nothing matches, but a query that cannot be read is still an error.
        query::parse(&req.query)?;
        return Ok(SearchResults::default());
    };
    let req = &*req;
    let limits = Limits::default();
    if req.offset > limits.max_offset {
        return Err(QueryError::OffsetTooDeep {
            offset: req.offset,
            max: limits.max_offset,
        }
        .into());
    }
    let limit = match req.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(limits.max_limit),
    };
    let inner = index.inner();
    let f = &inner.fields;
    let per_group = match req.per_group {
        0 => group::DEFAULT_PER_GROUP,
        n => n.min(limits.max_limit),
    };
    let wanted = if req.group {
        group::window(req.offset, limit, per_group)
    } else {
        req.offset + limit
    };
    let wanted = if req.counts_only { 1 } else { wanted };
    // Grouping ranks documents by their best clauses, then the others by their counts of
    // matches, counted by document beside the top (not by every facet).
    let what = Collect {
        counts_only: req.counts_only,
        facets: req.facets,
        // With facets, the tally counts by document already.
        docs: req.group && !req.facets,
        exact_up_to: (!req.exact_total).then_some(match req.exact_up_to {
            0 => EXACT_TOTAL_UP_TO,
            n => n,
        }),
    };
    let Found {
        searcher,
        found,
        mut ranked,
        facet_counts,
        relaxed,
        prefix,
        words,
        phrases,
        parsed,
    } = find(index, req, wanted, what)?;
    let (total, total_exact) = (ranked.total, ranked.exact);
    let cache = index.read_cache();
    let documents = if req.offset == 0 && req.doc.is_none() && !req.counts_only {
        group::named_documents(&searcher, f, &parsed, &cache.docs)?
    } else {
        Vec::new()
    };
    let doc_counts: DocCounts = match (ranked.doc_counts.take(), &facet_counts) {
        (Some(counts), _) => counts,
        (None, Some(tally)) => tally.under("doc").map(|(d, n)| (Arc::from(d), n)).collect(),
        (None, None) => DocCounts::default(),
    };
    let (top, groups) = match req.group {
        true if req.counts_only => (
            Vec::new(),
            Some(Groups {
                total: doc_counts.len(),
                groups: Vec::new(),
            }),
        ),
        true => {
            let (docs, planned) = group::plan(
                &searcher,
                &inner.facet_names,
                ranked.top,
                &doc_counts,
                (req.offset, limit, per_group),
            )?;
            let mut top = Vec::new();
            let mut groups = Vec::with_capacity(planned.len());
            for mut p in planned {
                let narrowed = || group::within(f, &*found.query, &p.doc_id);
                if p.top.is_empty() {
                    let collector = RerankCollector::new(&searcher, &found, per_group)?;
                    p.top = searcher.search(&narrowed(), &collector)?.top;
                }
                // Where the walk skipped matches, a document's are counted apart: the
                // query narrowed to its clauses.
                if !total_exact {
                    p.matches = searcher.search(&narrowed(), &tantivy::collector::Count)? as u64;
                }
                groups.push(Group {
                    doc_id: p.doc_id.to_string(),
                    matches: p.matches,
                    hits: p.top.len(),
                });
                top.extend(p.top);
            }
            (
                top,
                Some(Groups {
                    total: docs,
                    groups,
                }),
            )
        }
        false if req.counts_only => (Vec::new(), None),
        false => (ranked.top.into_iter().skip(req.offset).collect(), None),
    };

    let highlighter = Highlighter::new(words, phrases);
    let hits = hits(&searcher, f, top, &highlighter, &cache.docs)?;

    let facet_limit = match req.facet_limit {
        0 => FACET_LIMIT,
        n => n,
    };
    let facets = facet_counts.map(|counts| facet_lists(&counts, &cache.docs, facet_limit));

    Ok(SearchResults {
        total,
        total_exact,
        hits,
        groups,
        documents,
        facets,
        relaxed,
        prefix,
    })
}

/// The hits of the page: each clause's stored data, its document's number and title, and the
/// snippet of its text.
fn hits(
    searcher: &Searcher,
    f: &Fields,
    top: Vec<(f32, DocAddress)>,
    highlighter: &Highlighter,
    docs: &BTreeMap<String, DocSummary>,
) -> Result<Vec<Hit>, IndexError> {
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let d: TantivyDocument = searcher.doc(addr)?;
        let meta: ClauseMeta = stored_json(&d, f.meta)?;
        let text = stored_str(&d, f.text).to_string();
        let summary = docs.get(&meta.doc_id);
        hits.push(Hit {
            snippet: highlighter.snippet(&text),
            clause_id: meta.clause_id,
            doc_id: meta.doc_id,
            doc_number: summary.and_then(|d| d.number.clone()),
            doc_kind: meta.doc_kind,
            doc_title: summary.and_then(|d| d.title.clone()),
            section_path: meta.section_path,
            kind: meta.kind,
            label: meta.label,
            group: meta.group,
            text,
            score,
            sectors: meta.sectors,
        });
    }
    Ok(hits)
}

/// The facet lists of a search's counts, each value with its label, the most frequent first
/// (years newest first), at most `facet_limit` each.
fn facet_lists(
    counts: &FacetTally,
    docs: &BTreeMap<String, DocSummary>,
    facet_limit: usize,
) -> Facets {
    let list = |root: &str, label: &dyn Fn(&str) -> String| -> Vec<FacetCount> {
        let mut v: Vec<(&str, u64)> = counts.under(root).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.truncate(facet_limit);
        v.into_iter()
            .map(|(value, count)| FacetCount {
                label: label(value),
                value: value.to_string(),
                count,
            })
            .collect()
    };
    let doc_label = |id: &str| {
        docs.get(id)
            .and_then(|d| d.number.clone().or_else(|| d.title.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    let kind_label = |k: &str| {
        ClauseKind::parse(k)
            .map(|k| k.vietnamese().to_string())
            .unwrap_or_else(|| k.to_string())
    };
    let same = |s: &str| s.to_string();
    let mut year = list("year", &same);
    year.sort_by(|a, b| b.value.cmp(&a.value));
    Facets {
        issuer: issuer_counts(counts, docs, facet_limit),
        doc: list("doc", &doc_label),
        kind: list("kind", &kind_label),
        sector: list("sector", &same),
        assignee: list("assignee", &same),
        year,
    }
}

/// The counts by issuing body: each document's count (every matching clause, not only the
/// listed documents) added to its issuer's, issuers compared by folded words; each named as most
/// of its documents write it (ties: the first in order).
fn issuer_counts(
    counts: &FacetTally,
    docs: &BTreeMap<String, DocSummary>,
    facet_limit: usize,
) -> Vec<FacetCount> {
    // Folded name → (count, spellings with their number of documents).
    let mut by: BTreeMap<String, (u64, BTreeMap<&str, usize>)> = BTreeMap::new();
    for (doc, n) in counts.under("doc") {
        let Some(issuer) = docs.get(doc).and_then(|d| d.issuer.as_deref()) else {
            continue;
        };
        let key = crate::index::folded_words(issuer).join(" ");
        if key.is_empty() {
            continue;
        }
        let entry = by.entry(key).or_default();
        entry.0 += n;
        *entry.1.entry(issuer).or_default() += 1;
    }
    let mut list: Vec<FacetCount> = by
        .into_values()
        .map(|(count, spellings)| {
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            FacetCount {
                value: name.clone(),
                label: name,
                count,
            }
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list.truncate(facet_limit);
    list
}

/// The completions of a word being typed that rank first where they follow the word typed
/// before it, and are marked there: at most this many, the most frequent first (as
/// Elasticsearch's `max_expansions`). Any word that starts so matches.
const MAX_COMPLETIONS: usize = 50;
/// The fewest letters of a word typed alone that are matched as the start of words: one letter
/// alone would match nearly every clause, and rank them by nothing the user has typed.
const MIN_PREFIX_ALONE: usize = 2;

/// The folded keys of `field` that start with `start`, the [`MAX_COMPLETIONS`] most frequent.
pub(crate) fn completions(
    searcher: &Searcher,
    field: Field,
    start: &str,
) -> Result<Vec<String>, IndexError> {
    if start.is_empty() {
        return Ok(Vec::new());
    }
    let mut freq: HashMap<Vec<u8>, u32> = HashMap::new();
    for reader in searcher.segment_readers() {
        let terms = reader.inverted_index(field)?;
        let mut stream = terms
            .terms()
            .range()
            .ge(start.as_bytes())
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if !stream.key().starts_with(start.as_bytes()) {
                break;
            }
            *freq.entry(stream.key().to_vec()).or_default() += stream.value().doc_freq;
        }
    }
    let mut keys: Vec<(Vec<u8>, u32)> = freq.into_iter().collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(keys
        .into_iter()
        .take(MAX_COMPLETIONS)
        .filter_map(|(k, _)| String::from_utf8(k).ok())
        .collect())
}

/// The largest `k` below `units` for which some clause has `k` of a query's word units, with
/// the query that asks for `k`; `None` when no clause has even one. Having k of the words is
/// harder than having k - 1, so each step only looks for a first match: all but one first (most
/// often one word is missing: a typo, a word the text puts otherwise), then by bisection.
fn most_words(
    searcher: &Searcher,
    units: usize,
    split: &dyn Fn(&Widen) -> Result<query::Split, IndexError>,
) -> Result<Option<(usize, query::Split)>, IndexError> {
    let (mut lo, mut hi) = (0, units.saturating_sub(1));
    let mut best = None;
    let mut k = hi;
    while lo < hi {
        let q = split(&Widen {
            min_words: Some(k),
            ..Widen::default()
        })?;
        if matches_any(searcher, &*q.query)? {
            lo = k;
            best = Some((k, q));
        } else {
            hi = k - 1;
        }
        k = (lo + hi).div_ceil(2);
    }
    Ok(best)
}

/// A long query needs only most of its words ([`query::Split::required`]): when no clause has
/// them all, the answer says so, as when a query is relaxed because none has every word.
fn missing_words(
    searcher: &Searcher,
    found: &query::Split,
    split: &dyn Fn(&Widen) -> Result<query::Split, IndexError>,
) -> Result<Option<Relaxed>, IndexError> {
    if found.required >= found.word_units {
        return Ok(None);
    }
    let every = split(&Widen {
        all_words: true,
        ..Widen::default()
    })?;
    Ok((!matches_any(searcher, &*every.query)?).then_some(Relaxed {
        matched_words: found.required,
        words: found.word_units,
    }))
}

/// Whether any live clause matches `query`: stops at the first.
pub(crate) fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool, IndexError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}
