//! The reranking collector against the single query that scores every boost on every match.

use tantivy::TantivyDocument;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::schema::Value;

use super::RerankCollector;
use crate::testing::corpus_index;
use crate::{Index, SearchRequest, query};

/// Score and clause id of each hit, and the total, of the single query that scores every
/// boost on every matching clause (relaxed to `min_words` of its words, if given; its last
/// word matched as the start of words when `completed`).
fn single(
    index: &Index,
    req: &SearchRequest,
    min_words: Option<usize>,
    completed: bool,
) -> (Vec<(f32, String)>, usize) {
    let inner = index.inner();
    let parsed = query::parse(&req.query).unwrap();
    let searcher = inner.reader.searcher();
    let last = parsed
        .last_word()
        .map(|w| w.folded.clone())
        .unwrap_or_default();
    let keys = match completed {
        true => crate::search::completions(&searcher, inner.fields.text_folded, &last).unwrap(),
        false => Vec::new(),
    };
    let widen = query::Widen {
        min_words,
        completions: completed.then_some(query::Completion {
            prefix: &last,
            keys: &keys,
            cache: &inner.prefixes,
        }),
        ..Default::default()
    };
    let q = query::build(&inner.fields, &parsed, req, None, &widen).unwrap();
    let top = TopDocs::with_limit(req.limit)
        .and_offset(req.offset)
        .order_by_score();
    let (top, total) = searcher.search(&q, &(top, Count)).unwrap();
    let hits = top
        .iter()
        .map(|(score, addr)| {
            let d: TantivyDocument = searcher.doc(*addr).unwrap();
            let id = d.get_first(inner.fields.clause_id).and_then(|v| v.as_str());
            (*score, id.unwrap().to_string())
        })
        .collect();
    (hits, total)
}

/// Asserts that a pruned walk's page, `got`, is the page of the walk of every match, `every`:
/// its total no larger (matches passed over are not counted: a lower bound), the same hits with
/// the same scores. Summed in another order, scores may differ in the last bits; a hit may then
/// swap places with one of the same score, never another.
fn assert_same_page(got: &super::Reranked, every: &super::Reranked, what: &str) {
    assert!(got.total <= every.total, "{what}");
    assert_eq!(got.top.len(), every.top.len(), "{what}");
    for (i, (a, b)) in got.top.iter().zip(&every.top).enumerate() {
        assert!((a.0 - b.0).abs() < 1e-3, "{what}: hit {i}: {} {}", a.0, b.0);
        let tied = |j: usize| every.top.get(j).is_some_and(|w| (w.0 - a.0).abs() < 1e-3);
        if a.1 != b.1 {
            assert!(tied(i + 1) || (i > 0 && tied(i - 1)), "{what}: hit {i}");
        }
    }
}

#[test]
fn the_pruned_walk_keeps_the_page_of_every_match_walked() {
    // Every document of the corpus, for runs of common words found side by side in some
    // clauses and apart in many more; and documents generated from them, in segments.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let files: Vec<String> = std::fs::read_dir(corpus)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let (_dir, index) = corpus_index(&names);
    let (_gdir, generated, _) = crate::testing::generated_index(60, 10);
    let (mut led, mut before, mut compared, mut lower_bounds) = (0, 0, 0, 0);
    let mut before_without_runs = 0;
    for index in [&index, &generated] {
        let inner = index.inner();
        let searcher = inner.reader.searcher();
        for q in [
            "thực hiện nghị quyết",
            "xây dựng nông thôn mới",
            "phát triển kinh tế xã hội",
            "khoa hoc cong nghe",
            "nâng cao chất lượng",
            "CẢI CÁCH HÀNH CHÍNH",
            "các cơ quan nhà nước",
            // Unfinished last words, their completions after the word before boosted.
            "thực hiện nghị quyết t",
            "các cơ quan nhà n",
            "hiện nghị quyết t",
            "thực hiện n",
            "dong moi n",
            "mới có t",
            // A kind's name (optional) before an unfinished word: no run of words to boost,
            // only the completions after the word before (`căn cứ Luật`, `nhiệm vụ trọng tâm`).
            "đột phá p",
            "căn cứ l",
            "nhiệm vụ t",
        ] {
            let req = SearchRequest {
                query: q.into(),
                ..SearchRequest::default()
            };
            let parsed = query::parse(q).unwrap();
            let last = parsed.last_word().unwrap().folded.clone();
            let completed = last.chars().count() == 1;
            let keys = match completed {
                true => {
                    crate::search::completions(&searcher, inner.fields.text_folded, &last).unwrap()
                }
                false => Vec::new(),
            };
            let widen = query::Widen {
                completions: completed.then_some(query::Completion {
                    prefix: &last,
                    keys: &keys,
                    cache: &inner.prefixes,
                }),
                ..Default::default()
            };
            let split = query::build_split(&inner.fields, &parsed, &req, None, &widen).unwrap();
            assert_eq!(split.after.is_some(), completed, "{q}");
            // A short page has a high threshold, past the most a clause without the phrase
            // can score, from the first matches on.
            for n in [3, 10] {
                let walk = |prune: bool, lead: bool| {
                    let c = RerankCollector::new(&searcher, &split, n).unwrap();
                    let c = match prune {
                        true => c.pruning_past(&searcher, &split, 1).unwrap(),
                        false => c,
                    };
                    let c = if lead { c } else { c.without_lead() };
                    searcher.search(&*split.query, &c).unwrap()
                };
                let every = walk(false, false);
                let (with, without) = (walk(true, true), walk(true, false));
                assert_eq!(without.to_words, 0, "{q}");
                led += with.to_words;
                before += with.to_before;
                if split.proximity.is_empty() {
                    before_without_runs += with.to_before;
                }
                lower_bounds += usize::from(with.total < every.total);
                for got in [&with, &without] {
                    assert_same_page(got, &every, &format!("{q} {n}"));
                }
                compared += with.top.len();
            }
        }
    }
    assert!(
        led >= 10,
        "the walk went on to clauses with the words: {led}"
    );
    assert!(
        before >= 10,
        "the walk went on to clauses with the word before: {before}"
    );
    assert!(
        before_without_runs >= 10,
        "with no run of words, the walk went on to clauses with the word before: \
         {before_without_runs}"
    );
    assert!(
        lower_bounds >= 3,
        "the walk skipped matches: {lower_bounds}"
    );
    assert!(compared >= 60, "enough hits compared: {compared}");
}

#[test]
fn a_query_that_needs_most_of_its_words_keeps_its_page_once_it_needs_them_all() {
    // Long queries (all but one of five or six words, three quarters of more), whose clauses
    // with every word fill a short page early; and the relaxed search of a query no clause
    // has every word of, which never may go on as one that needs them all.
    let (_gdir, generated, _) = crate::testing::generated_index(60, 10);
    let inner = generated.inner();
    let searcher = inner.reader.searcher();
    let (mut went_on, mut lower_bounds, mut compared) = (0, 0, 0);
    let queries = [
        ("phát triển kinh tế xã hội bền vững", None),
        ("nâng cao chất lượng nguồn nhân lực", None),
        ("tổ chức thực hiện nghị quyết của tỉnh", None),
        ("cac co quan nha nuoc co tham quyen", None),
        ("đẩy mạnh phát triển văn hóa xã hội", None),
        ("đẩy mạnh phát triển du lịch xyzzy", None),
        (
            "nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức đảng",
            None,
        ),
        ("phát triển kinh tế xyzzy qwerty", Some(2)),
    ];
    for (q, min_words) in queries {
        let req = SearchRequest {
            query: q.into(),
            ..SearchRequest::default()
        };
        let parsed = query::parse(q).unwrap();
        let widen = query::Widen {
            min_words,
            ..Default::default()
        };
        let split = query::build_split(&inner.fields, &parsed, &req, None, &widen).unwrap();
        assert!(
            split.required < split.word_units,
            "{q}: needs only some words"
        );
        assert!(split.pruning.is_some(), "{q}: can be walked pruned");
        for n in [3, 10, 50] {
            let walk = |prune: bool| {
                let c = RerankCollector::new(&searcher, &split, n).unwrap();
                let c = match prune {
                    true => c.pruning_past(&searcher, &split, 1).unwrap(),
                    false => c,
                };
                searcher.search(&*split.query, &c).unwrap()
            };
            let (every, got) = (walk(false), walk(true));
            if min_words.is_some() {
                assert_eq!(got.to_all_words, 0, "{q} {n}: no clause has every word");
            }
            went_on += usize::from(got.to_all_words > 0);
            lower_bounds += usize::from(got.total < every.total);
            assert_eq!(got.exact, got.to_all_words == 0, "{q} {n}");
            assert_same_page(&got, &every, &format!("{q} {n}"));
            compared += got.top.len();
        }
    }
    assert!(
        went_on >= 8,
        "walks that went on with every word: {went_on}"
    );
    assert!(
        lower_bounds >= 5,
        "walks that skipped matches: {lower_bounds}"
    );
    assert!(compared >= 200, "enough hits compared: {compared}");
}

#[test]
fn what_the_pruned_walk_skips_does_not_depend_on_the_order_of_the_segments() {
    let (_dir, index, segments) = crate::testing::generated_index(60, 10);
    assert!(segments >= 4, "segments: {segments}");
    let inner = index.inner();
    let searcher = inner.reader.searcher();
    let scoring = tantivy::query::EnableScoring::enabled_from_searcher(&searcher);
    let one_thread = tantivy::Executor::single_thread();
    let mut pruned = 0;
    for q in [
        "thực hiện nghị quyết",
        "phát triển kinh tế xã hội",
        "các cơ quan nhà nước",
        "của các",
        "nhiem vu",
        "phát triển",
        "kinh tế",
        "tổ chức thực hiện",
        "nâng cao",
    ] {
        let req = SearchRequest {
            query: q.into(),
            ..SearchRequest::default()
        };
        let parsed = query::parse(q).unwrap();
        let split =
            query::build_split(&inner.fields, &parsed, &req, None, &Default::default()).unwrap();
        // Pruning from a third of the matches on: the segments walked first would count
        // them all, were the budget shared in the order of the walk.
        let all = RerankCollector::new(&searcher, &split, 10).unwrap();
        let all = searcher.search(&*split.query, &all).unwrap().total;
        let collector = || {
            RerankCollector::new(&searcher, &split, 10)
                .unwrap()
                .counting_docs(&inner.facet_names)
                .pruning_past(&searcher, &split, all / 3)
                .unwrap()
        };
        // One segment after the other, first to last and last to first, then the segments
        // on the index's threads, again and again: the same total, the same counts by
        // document, the same top.
        let first = searcher
            .search_with_executor(&*split.query, &collector(), &one_thread, scoring)
            .unwrap();
        pruned += usize::from(!first.exact);
        let backwards = {
            let c = collector();
            let weight = split.query.weight(scoring).unwrap();
            let readers = searcher.segment_readers();
            let fruits = (0..readers.len())
                .rev()
                .map(|i| c.collect_segment(&*weight, i as u32, &readers[i]).unwrap())
                .collect();
            c.merge_fruits(fruits).unwrap()
        };
        for again in std::iter::once(backwards)
            .chain((0..5).map(|_| searcher.search(&*split.query, &collector()).unwrap()))
        {
            assert_eq!(again.total, first.total, "{q}");
            assert_eq!(again.exact, first.exact, "{q}");
            assert_eq!(again.doc_counts, first.doc_counts, "{q}");
            assert_eq!(again.top, first.top, "{q}");
        }
    }
    assert!(pruned >= 3, "the walks pruned: {pruned}");
}

#[test]
fn a_total_below_the_exact_limit_is_exact_though_a_segment_pruned() {
    let (_dir, index, _) = crate::testing::generated_index(60, 10);
    let mut compared = 0;
    for q in ["thực hiện nghị quyết", "của các", "nhiem vu", "kinh tế"] {
        let req = |exact_up_to: usize| SearchRequest {
            query: q.into(),
            exact_up_to,
            ..SearchRequest::default()
        };
        let every = index.search(&SearchRequest {
            exact_total: true,
            ..req(1)
        });
        let every = every.unwrap();
        assert!(every.total_exact, "{q}");
        // Just above the total: every segment's share is below its matches somewhere,
        // but all of them together are fewer than the limit.
        let got = index.search(&req(every.total + 1)).unwrap();
        assert!(got.total_exact, "{q}");
        assert_eq!(got.total, every.total, "{q}");
        // Below it, a lower bound.
        let half = index.search(&req(every.total / 2)).unwrap();
        assert!(half.total <= every.total, "{q}");
        compared += 1;
    }
    assert_eq!(compared, 4);
}

#[test]
fn two_phase_ranking_and_the_pruned_walk_equal_the_single_query() {
    let (_dir, index) = corpus_index(&[
        "thai-binh-09-NQ-DH-2020.txt",
        "57-NQ-TW.txt",
        "20-NQ-TW.txt",
    ]);
    let queries = [
        "nông thôn mới",
        "nong thon moi",
        "xây dựng nông thôn mới",
        "KHOA HỌC CÔNG NGHỆ",
        "khoa học, công nghệ và đổi mới sáng tạo",
        "phát triển kinh tế xã hội",
        "\"đổi mới sáng tạo\" chuyển đổi số",
        "hồ chứa nước",
        "các cơ quan nhà nước",
        "cải cách hành chính -thủ",
        "nghị quyết 57 khoa học",
        "57-NQ/TW",
        "của các",
        "đào tạo nghề cho lao động nông thôn",
        // Unfinished last words, matched as the start of words, their completions after
        // the word before ranked first.
        "nong thon m",
        "chuyen doi s",
        "phát triển kinh t",
        "ĐÀO TẠO NGH",
    ];
    let mut requests: Vec<SearchRequest> = Vec::new();
    for q in queries {
        for (limit, offset) in [(10, 0), (5, 7), (60, 0)] {
            requests.push(SearchRequest {
                query: q.into(),
                limit,
                offset,
                ..SearchRequest::default()
            });
        }
    }
    // No words: the filter alone finds the clauses, and nothing is reranked.
    requests.push(SearchRequest {
        year_from: Some(2000),
        limit: 20,
        ..SearchRequest::default()
    });
    let (mut compared, mut relaxed, mut completed, mut lower_bounds) = (0, 0, 0, 0);
    for req in requests {
        let (q, limit, offset) = (&req.query, req.limit, req.offset);
        let got = index.search(&req).unwrap();
        // No clause of these three documents has every word of `hồ chứa nước`: the search
        // relaxes it, and the single query is relaxed the same way.
        let min_words = got.relaxed.map(|r| r.matched_words);
        relaxed += usize::from(min_words.is_some());
        completed += usize::from(got.prefix.is_some());
        let (want, total) = single(&index, &req, min_words, got.prefix.is_some());
        let what = format!("{q:?} limit {limit} offset {offset}");
        assert_eq!(got.total, total, "{what}");
        assert!(got.total_exact, "{what}");
        // Pruned from the first match on: the same page, a total that is a lower bound.
        let pruned = index
            .search(&SearchRequest {
                exact_up_to: 1,
                ..req.clone()
            })
            .unwrap();
        assert!(pruned.total <= total, "{what}");
        // A skipped stretch may have held no other match: the total is then not known to
        // be exact, though it is.
        assert!(!pruned.total_exact || pruned.total == total, "{what}");
        lower_bounds += usize::from(pruned.total < total);
        for got in [&got, &pruned] {
            assert_eq!(got.hits.len(), want.len(), "{what}");
            for (i, (hit, (score, id))) in got.hits.iter().zip(&want).enumerate() {
                // Sums in another order may differ in the last bits; a clause may then
                // swap places with one of the same score, never with another.
                assert!((hit.score - score).abs() < 1e-3, "{what}: hit {i}");
                let tied = |j: usize| want.get(j).is_some_and(|w| (w.0 - score).abs() < 1e-3);
                if &hit.clause_id != id {
                    assert!(tied(i + 1) || (i > 0 && tied(i - 1)), "{what}: hit {i}");
                }
            }
        }
        compared += want.len();
    }
    // Three documents leave few stretches to skip (the 2,000 of the benchmark many more).
    assert!(
        lower_bounds >= 1,
        "the pruned walk skips matches: {lower_bounds}"
    );
    assert!(
        compared > 300,
        "the queries find enough to compare: {compared}"
    );
    assert!(relaxed > 0, "a relaxed query is compared too");
    assert!(
        completed >= 12,
        "unfinished words are compared too: {completed}"
    );
}
