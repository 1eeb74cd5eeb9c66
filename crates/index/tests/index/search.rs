//! Searching the corpus the way users type: spellings, numbers, phrases, exclusions, filters,
//! hostile queries, snippets, facets.

use unicode_normalization::UnicodeNormalization;
use vankien_index::{Index, IndexError, IngestOptions, SearchRequest};
use vankien_ingest::{ClauseKind, DocKind, normalize};

use crate::common::{
    contains_phrase, corpus_dir, corpus_file, corpus_index, doc_id_of, exact_words, folded_words,
    ids, search,
};

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 10,
        ..Default::default()
    }
}

#[test]
fn every_number_spelling_finds_its_document_first() {
    let index = corpus_index();
    for (file, spellings) in [
        (
            "20-NQ-TW.txt",
            &[
                "20-NQ/TW",
                "20/NQ-TW",
                "20 NQ TW",
                "nq 20",
                "NQ20",
                "nghị quyết 20",
                "nghi quyet 20",
            ][..],
        ),
        (
            "1659-NQ-UBTVQH15.txt",
            &[
                "1659/NQ-UBTVQH15",
                "1659 NQ UBTVQH15",
                "1659NQ-UBTVQH15",
                "1659-NQ-UBTVQH15",
            ],
        ),
        (
            "63-2025-NQ-HDND-HaNoi.txt",
            &["63/2025/NQ-HĐND", "63/2025/NQ-HDND", "63 2025 nq hdnd"],
        ),
        ("384-QD-TW.txt", &["384-QĐ/TW", "384-QD/TW", "384 qd tw"]),
        (
            "thai-binh-09-NQ-DH-2020.txt",
            &["09-NQ/ĐH", "09-NQ/DH", "9 NQ DH"],
        ),
        (
            "175-NQ-CP.txt",
            &["nghị quyết 175", "nghi quyet 175", "175/NQ-CP", "NQ175"],
        ),
        ("57-NQ-TW.txt", &["57-NQ/TW", "nghị quyết 57", "nq57"]),
        ("69-KL-TW.txt", &["69-KL/TW", "kết luận 69", "kl 69"]),
    ] {
        let want = doc_id_of(index, file);
        for q in spellings {
            let r = search(index, q, 5);
            assert!(!r.hits.is_empty(), "{q}: no hit");
            assert_eq!(
                r.hits[0].doc_id, want,
                "{q}: first hit {:?}",
                r.hits[0].clause_id
            );
        }
    }
}

#[test]
fn numbers_cited_elsewhere_still_find_the_document_first() {
    // 57-NQ/TW is cited by 03/NQ-CP and 20-NQ/TW by 69-KL/TW: the cited document wins, and the
    // citing clauses are found too.
    let index = corpus_index();
    for (q, file, citing) in [
        ("57-NQ/TW", "57-NQ-TW.txt", "03-NQ-CP.txt"),
        ("20-NQ/TW", "20-NQ-TW.txt", "69-KL-TW.txt"),
    ] {
        let want = doc_id_of(index, file);
        let citer = doc_id_of(index, citing);
        let r = index
            .search(&SearchRequest {
                query: q.into(),
                limit: 1000,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.hits[0].doc_id, want, "{q}");
        assert!(
            r.hits.iter().any(|h| h.doc_id == citer),
            "{q}: citation in {citing} found"
        );
    }
}

#[test]
fn tone_conventions_meet() {
    let index = corpus_index();
    // The corpus writes `thuỷ lợi`; users type `thủy lợi`.
    for q in ["thủy lợi", "thuỷ lợi", "THỦY LỢI", "thuy loi"] {
        let r = search(index, q, 10);
        assert!(
            r.hits
                .iter()
                .any(|h| exact_words(&h.text).contains(&"thuỷ".to_string())),
            "{q}: {:?}",
            ids(&r.hits)
        );
    }
    assert_eq!(
        search(index, "thủy lợi", 50).total,
        search(index, "thuỷ lợi", 50).total
    );
}

#[test]
fn exact_spelling_wins_when_typed_with_diacritics() {
    let index = corpus_index();
    for (q, exact) in [
        ("hồ", "hồ"),
        ("hộ", "hộ"),
        ("đồng", "đồng"),
        ("động", "động"),
    ] {
        let r = search(index, q, 5);
        assert!(!r.hits.is_empty(), "{q}");
        let first = exact_words(&r.hits[0].text);
        assert!(
            first.contains(&exact.to_string()),
            "{q}: first hit {}",
            r.hits[0].text
        );
        // The unaccented query finds the other spellings too.
        assert!(search(index, &normalize::folded_key(q), 5).total >= r.total);
    }
}

#[test]
fn unaccented_upper_and_nfd_queries_behave_like_the_canonical_one() {
    let index = corpus_index();
    for q in [
        "nông thôn mới",
        "thủ tục hành chính",
        "đảng viên",
        "chuyển đổi số",
    ] {
        let canonical = search(index, q, 20);
        assert!(canonical.total > 0, "{q}");
        let nfd: String = q.nfd().collect();
        let upper = q.to_uppercase();
        for variant in [nfd, upper.clone(), upper.nfd().collect()] {
            let r = search(index, &variant, 20);
            assert_eq!(r.total, canonical.total, "{variant:?}");
            assert_eq!(ids(&r.hits), ids(&canonical.hits), "{variant:?}");
        }
        // Without diacritics every spelling is found: at least as many clauses.
        let folded = folded_words(q).join(" ");
        let bare = search(index, &folded, 20);
        assert!(bare.total >= canonical.total, "{folded}");
        let bare_ids = ids(&bare.hits);
        assert!(
            canonical
                .hits
                .iter()
                .take(3)
                .all(|h| { bare_ids.contains(&h.clause_id.as_str()) || bare.total > 20 })
        );
    }
    // `đ` typed as `d`.
    let d = search(index, "dang vien", 5);
    assert!(
        d.hits
            .iter()
            .any(|h| exact_words(&h.text).contains(&"đảng".to_string()))
    );
}

#[test]
fn adjacent_words_outrank_scattered_ones() {
    let index = corpus_index();
    let r = search(index, "nông thôn mới", 10);
    assert!(
        contains_phrase(&r.hits[0].text, "nông thôn mới"),
        "{}",
        r.hits[0].text
    );
    // Every clause with the phrase ranks above every clause that has the words apart.
    let all = search(index, "nông thôn mới", 1000);
    let first_apart = all
        .hits
        .iter()
        .position(|h| !contains_phrase(&h.text, "nông thôn mới"));
    let last_together = all
        .hits
        .iter()
        .rposition(|h| contains_phrase(&h.text, "nông thôn mới"));
    if let (Some(a), Some(t)) = (first_apart, last_together) {
        assert!(
            t < a,
            "a scattered clause at {a} above a phrase clause at {t}"
        );
    }
}

#[test]
fn quoted_phrases_return_exactly_the_clauses_that_contain_them() {
    let index = corpus_index();
    for phrase in [
        "đào tạo nghề",
        "dao tao nghe",
        "ĐÀO TẠO NGHỀ",
        "nông thôn mới",
        "chuyển đổi số",
        "thủy lợi",
    ] {
        let r = index
            .search(&SearchRequest {
                query: format!("\"{phrase}\""),
                limit: 1000,
                ..Default::default()
            })
            .unwrap();
        // Count the clauses that contain it, by brute force over the stored documents.
        let mut want = 0;
        for d in index.documents().unwrap() {
            let doc = index.document(&d.id).unwrap().unwrap();
            want += doc
                .clauses
                .iter()
                .filter(|c| contains_phrase(&c.text, phrase))
                .count();
        }
        assert!(want > 0, "{phrase}");
        assert_eq!(r.total, want, "{phrase}");
        for h in &r.hits {
            assert!(contains_phrase(&h.text, phrase), "{phrase}: {}", h.text);
            assert!(!h.snippet.marks.is_empty(), "{:?}", h.snippet);
        }
    }
}

#[test]
fn phrases_across_line_breaks_are_found() {
    // Lines of the source that break mid-sentence: the phrase over the break is found in its
    // document.
    let index = corpus_index();
    let file = "384-QD-TW.txt";
    let doc = doc_id_of(index, file);
    let raw = std::fs::read_to_string(corpus_file(file)).unwrap();
    let text = normalize::normalize_text(&raw);
    let lines: Vec<&str> = text.lines().collect();
    let mut tried = 0;
    for pair in lines.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if !b.starts_with(|c: char| c.is_lowercase()) || !a.ends_with(|c: char| c.is_alphabetic()) {
            continue;
        }
        let tail: Vec<&str> = normalize::words(a).map(|(_, w)| w).collect();
        let head: Vec<&str> = normalize::words(b).map(|(_, w)| w).collect();
        if tail.len() < 2 || head.len() < 2 {
            continue;
        }
        let phrase = format!(
            "{} {} {} {}",
            tail[tail.len() - 2],
            tail[tail.len() - 1],
            head[0],
            head[1]
        );
        let r = index
            .search(&SearchRequest {
                query: format!("\"{phrase}\""),
                doc: Some(doc.clone()),
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        assert!(r.total > 0, "{phrase:?} across a line break");
        tried += 1;
        if tried == 8 {
            break;
        }
    }
    assert_eq!(tried, 8);
}

#[test]
fn excluded_words_are_excluded() {
    let index = corpus_index();
    let with = search(index, "nông thôn", 1000);
    for (q, excluded) in [("nông thôn -mới", "mới"), ("nong thon -moi", "moi")] {
        let r = search(index, q, 1000);
        assert!(r.total > 0 && r.total < with.total, "{q}");
        for h in &r.hits {
            let words = if normalize::has_diacritics(excluded) {
                exact_words(&h.text)
            } else {
                folded_words(&h.text)
            };
            assert!(!words.contains(&excluded.to_string()), "{q}: {}", h.text);
        }
    }
    let r = search(index, "nông thôn -\"nông thôn mới\"", 1000);
    assert!(
        r.hits
            .iter()
            .all(|h| !contains_phrase(&h.text, "nông thôn mới"))
    );
    assert!(r.total > 0);
}

#[test]
fn filters_narrow_the_hits() {
    let index = corpus_index();
    let base = search(index, "phát triển", 1000);
    let doc20 = doc_id_of(index, "20-NQ-TW.txt");
    let run = |req: SearchRequest| index.search(&req).unwrap();

    // Document, by id and by any spelling of its number.
    for doc in [doc20.clone(), "20-NQ/TW".into(), "nq 20".into()] {
        let r = run(SearchRequest {
            doc: Some(doc.clone()),
            ..request("phát triển")
        });
        assert!(r.total > 0 && r.total < base.total, "{doc}");
        assert!(r.hits.iter().all(|h| h.doc_id == doc20), "{doc}");
    }
    // Document kind.
    let r = run(SearchRequest {
        doc_kind: Some(DocKind::Conclusion),
        limit: 1000,
        ..request("phát triển")
    });
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.doc_kind == DocKind::Conclusion));
    // Clause kind: every kind the hits have filters to itself.
    let mut kinds: Vec<ClauseKind> = base.hits.iter().map(|h| h.kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    for kind in kinds {
        let r = run(SearchRequest {
            clause_kind: Some(kind),
            limit: 1000,
            ..request("phát triển")
        });
        assert!(r.total > 0);
        assert!(r.hits.iter().all(|h| h.kind == kind));
    }
    // Years.
    let by_year = |from: Option<i32>, to: Option<i32>| {
        run(SearchRequest {
            year_from: from,
            year_to: to,
            limit: 1000,
            ..request("phát triển")
        })
    };
    let recent = by_year(Some(2024), None);
    let older = by_year(None, Some(2023));
    let one = by_year(Some(2012), Some(2012));
    assert!(recent.total > 0 && older.total > 0 && one.total > 0);
    assert!(recent.total + older.total <= base.total);
    for h in &one.hits {
        let date = index.summary(&h.doc_id).unwrap().date.unwrap();
        assert!(date.starts_with("2012"), "{date}");
    }
    assert!(
        index
            .search(&SearchRequest {
                year_from: Some(2025),
                year_to: Some(2020),
                ..request("x")
            })
            .is_err()
    );
    // Section path prefix: the first label of some hit, then a deeper one.
    let with_path = base
        .hits
        .iter()
        .find(|h| h.section_path.len() >= 2)
        .expect("hits with a section path");
    for depth in 1..=2 {
        let prefix = with_path.section_path[..depth].join("/");
        let r = run(SearchRequest {
            doc: Some(with_path.doc_id.clone()),
            section_prefix: Some(prefix.clone()),
            limit: 1000,
            ..request("phát triển")
        });
        assert!(
            r.hits.iter().any(|h| h.clause_id == with_path.clause_id),
            "{prefix}"
        );
        for h in &r.hits {
            assert_eq!(
                h.section_path[..depth],
                with_path.section_path[..depth],
                "{prefix}"
            );
        }
    }
}

#[test]
fn hostile_queries_fail_fast_with_a_clear_error() {
    let index = corpus_index();
    let nested = format!("{}nông thôn{}", "(".repeat(3000), ")".repeat(3000));
    let huge = "nông thôn mới ".repeat(8000);
    let many = (0..65)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for (q, needle) in [
        (nested.as_str(), "too long"),
        (huge.as_str(), "too long"),
        (many.as_str(), "too many"),
        ("nông \"thôn mới", "quote"),
        ("nông\u{0}thôn", "control"),
        ("nông\u{1b}[31m", "control"),
        ("", "empty"),
        ("   ", "empty"),
        ("-nông", "empty"),
    ] {
        match index.search(&request(q)) {
            Err(IndexError::Query(e)) => assert!(e.to_string().contains(needle), "{e}"),
            other => panic!("{:.40}…: expected a query error, got {other:?}", q),
        }
    }
    // Nesting under the length limit is just punctuation: no recursion, no error.
    let shallow = format!("{}nông thôn{}", "(".repeat(400), ")".repeat(400));
    assert_eq!(
        search(index, &shallow, 5).total,
        search(index, "nông thôn", 5).total
    );
    // Other punctuation and query syntax of other engines are plain text.
    for q in [
        "nông AND thôn",
        "title:nông",
        "nông~2 thôn^3",
        "[a TO z]",
        "*",
        "\"\"",
        "-",
        "\"nông\"",
    ] {
        let _ = index.search(&request(q));
    }
}

#[test]
fn snippets_mark_the_original_text_also_for_nfd_documents() {
    // An NFD copy of a corpus document: stored NFC, marks on whole words.
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string(corpus_file("thai-binh-09-NQ-DH-2020.txt")).unwrap();
    let nfd: String = raw.nfd().collect();
    let file = dir.path().join("thai-binh-nfd.txt");
    std::fs::write(&file, nfd).unwrap();
    let idx = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx.path()).unwrap();
    crate::common::ingest_paths(&index, &[file], &IngestOptions::default(), &mut |_| {}).unwrap();
    let r = search(&index, "nông thôn mới", 10);
    assert!(r.total > 0);
    for h in &r.hits {
        assert!(
            h.text.contains(&h.snippet.text),
            "snippet is a fragment of the text: {:?}",
            h.snippet
        );
        for (piece, marked) in h.snippet.pieces() {
            if !marked {
                continue;
            }
            let keys = folded_words(piece);
            assert!(
                keys.iter()
                    .all(|k| ["nong", "thon", "moi"].contains(&k.as_str())),
                "mark {piece:?}"
            );
        }
    }
    // A quoted phrase is one mark.
    let r = search(&index, "\"nông thôn mới\"", 10);
    assert!(r.hits.iter().all(|h| {
        h.snippet
            .pieces()
            .iter()
            .any(|(piece, marked)| *marked && folded_words(piece) == ["nong", "thon", "moi"])
    }));
}

#[test]
fn facets_count_every_matching_clause() {
    let index = corpus_index();
    let r = index
        .search(&SearchRequest {
            query: "phát triển".into(),
            facets: true,
            limit: 3,
            ..Default::default()
        })
        .unwrap();
    let f = r.facets.expect("facets asked for");
    let sum = |v: &[vankien_index::FacetCount]| v.iter().map(|c| c.count).sum::<u64>();
    assert_eq!(sum(&f.doc), r.total as u64);
    assert_eq!(sum(&f.kind), r.total as u64);
    assert!(sum(&f.year) <= r.total as u64 && !f.year.is_empty());
    assert!(f.doc.windows(2).all(|w| w[0].count >= w[1].count));
    let first = &f.doc[0];
    let only = index
        .search(&SearchRequest {
            doc: Some(first.value.clone()),
            ..request("phát triển")
        })
        .unwrap();
    assert_eq!(only.total as u64, first.count);
    assert!(f.kind.iter().all(|k| ClauseKind::parse(&k.value).is_some()));
    assert!(search(index, "phát triển", 3).facets.is_none());
    // A facet lists its most frequent values first, at most `facet_limit` of them.
    assert!(f.doc.len() > 2, "{:?}", f.doc);
    let capped = index
        .search(&SearchRequest {
            facets: true,
            facet_limit: 2,
            ..request("phát triển")
        })
        .unwrap()
        .facets
        .unwrap();
    assert_eq!(capped.doc, f.doc[..2]);
    assert!(capped.kind.len() <= 2 && capped.year.len() <= 2);
    // Paging: the second page follows the first.
    let all = search(index, "phát triển", 20);
    let page2 = index
        .search(&SearchRequest {
            offset: 10,
            ..request("phát triển")
        })
        .unwrap();
    assert_eq!(ids(&page2.hits), ids(&all.hits[10..20]));
    let _ = corpus_dir();
}

#[test]
fn a_query_no_clause_fully_matches_shows_the_clauses_with_most_of_its_words() {
    let index = corpus_index();
    // Every word is there: nothing is relaxed.
    assert_eq!(search(index, "nông thôn mới", 10).relaxed, None);

    // No clause has `xyzzy`: the answer is the clauses with the other word, in the same order.
    let alone = search(index, "GRDP", 10);
    let r = search(index, "GRDP xyzzy", 10);
    let relaxed = r.relaxed.expect("GRDP xyzzy is relaxed");
    assert_eq!((relaxed.matched_words, relaxed.words), (1, 2));
    assert!(alone.total > 0);
    assert_eq!(r.total, alone.total);
    assert_eq!(ids(&r.hits), ids(&alone.hits));

    // A researcher's query of five syllables that no clause has in full: the clauses with four
    // of them, the GRDP growth target first.
    let r = search(index, "tăng trưởng GRDP bình quân", 10);
    let relaxed = r.relaxed.expect("relaxed");
    assert_eq!((relaxed.matched_words, relaxed.words), (4, 5));
    assert!(r.total > 0);
    let top = folded_words(&r.hits[0].text);
    assert!(
        top.contains(&"grdp".into()) && top.contains(&"tang".into()),
        "{}",
        r.hits[0].text
    );

    // Phrases, exclusions and filters are never relaxed.
    let r = search(index, "\"xyzzy abc\" GRDP", 10);
    assert_eq!((r.total, r.relaxed), (0, None));
    let r = search(index, "GRDP xyzzy -usd", 100);
    assert!(r.relaxed.is_some() && r.total > 0);
    assert!(r.total < alone.total, "the exclusion still holds");
    assert!(
        r.hits
            .iter()
            .all(|h| !folded_words(&h.text).contains(&"usd".into()))
    );
    let r = index
        .search(&SearchRequest {
            clause_kind: Some(ClauseKind::Target),
            limit: 100,
            ..request("GRDP xyzzy")
        })
        .unwrap();
    assert!(r.relaxed.is_some() && r.total > 0);
    assert!(r.hits.iter().all(|h| h.kind == ClauseKind::Target));

    // A lone word that is nowhere finds nothing, relaxed or not.
    assert_eq!(search(index, "xyzzy", 10).total, 0);
}

#[test]
fn an_unfinished_last_word_matches_the_words_it_starts() {
    let index = corpus_index();
    // Typing `nông thôn mới` without diacritics, one letter of the last word so far.
    let r = search(index, "nong thon m", 10);
    assert_eq!(r.prefix.as_deref(), Some("m"));
    assert_eq!(r.relaxed, None);
    assert!(r.total > 0);
    assert!(
        contains_phrase(&r.hits[0].text, "nông thôn mới"),
        "{}",
        r.hits[0].text
    );
    assert!(
        crate::common::marked(&r.hits[0].snippet).contains("<mark>nông thôn mới</mark>"),
        "{:?}",
        r.hits[0].snippet
    );

    // The completion that follows the previous word as typed ranks first, over clauses that
    // have the other words and some word in `s` elsewhere.
    let r = search(index, "chuyen doi s", 10);
    assert_eq!(r.prefix.as_deref(), Some("s"));
    let with_phrase = r
        .hits
        .iter()
        .take_while(|h| contains_phrase(&h.text, "chuyển đổi số"))
        .count();
    assert!(with_phrase >= 5, "{with_phrase} of the first hits have it");
    // Marked where the completion follows `đổi`, not on every word in `s`.
    for h in &r.hits[..with_phrase] {
        assert!(
            crate::common::marked(&h.snippet).contains("<mark>chuyển đổi số</mark>"),
            "{:?}",
            h.snippet
        );
        for (marked, _) in h.snippet.pieces().into_iter().filter(|p| p.1) {
            assert!(
                folded_words(marked)
                    .iter()
                    .all(|w| ["chuyen", "doi", "so"].contains(&w.as_str())),
                "{marked:?} in {:?}",
                h.snippet
            );
        }
    }

    // Accented and upper case as typed.
    let r = search(index, "ĐÀO TẠO NGH", 10);
    assert_eq!(r.prefix.as_deref(), Some("ngh"));
    assert!(
        r.hits
            .iter()
            .any(|h| contains_phrase(&h.text, "đào tạo nghề"))
    );

    // One letter typed alone is not matched as the start of words: it would match nearly every
    // clause; after another word, one letter is enough (`nong thon m` above).
    let r = search(index, "m", 10);
    assert_eq!((r.prefix, r.total), (None, 0));
    assert_eq!(search(index, "ng", 10).prefix.as_deref(), Some("ng"));

    // A space after the word says it is finished: no completion, the query is relaxed instead.
    let r = search(index, "nong thon m ", 10);
    assert_eq!(r.prefix, None);
    assert!(r.relaxed.is_some());
    // A whole word that matches is not completed; nor is the word of an exclusion.
    assert_eq!(search(index, "nong thon moi", 10).prefix, None);
    let r = search(index, "nong thon -m", 10);
    assert_eq!(r.prefix, None);
    assert!(r.total > 0);
}

#[test]
fn an_abbreviation_and_its_words_in_full_find_each_other() {
    let index = corpus_index();
    let short = search(index, "UBND", 1000);
    let full = search(index, "ủy ban nhân dân", 1000);
    let has_short = |h: &vankien_index::Hit| folded_words(&h.text).contains(&"ubnd".into());
    let has_full = |h: &vankien_index::Hit| contains_phrase(&h.text, "ủy ban nhân dân");
    for (q, r) in [("UBND", &short), ("ủy ban nhân dân", &full)] {
        assert!(r.hits.iter().any(has_short), "{q}: no clause with UBND");
        assert!(r.hits.iter().any(has_full), "{q}: no clause in full");
    }
    // Both forms are marked in the snippets.
    let marked = |r: &vankien_index::SearchResults, s: &str| {
        r.hits
            .iter()
            .any(|h| crate::common::marked(&h.snippet).contains(&format!("<mark>{s}</mark>")))
    };
    assert!(marked(&short, "UBND") && marked(&short, "Ủy ban nhân dân"));
    assert!(marked(&full, "UBND") && marked(&full, "Ủy ban nhân dân"));

    // Typed without diacritics and in a sentence, the abbreviation still stands for its words.
    let r = search(index, "chu tich UBND cac tinh", 10);
    assert_eq!(r.relaxed, None);
    assert!(
        contains_phrase(&r.hits[0].text, "Chủ tịch Ủy ban nhân dân các tỉnh"),
        "{}",
        r.hits[0].text
    );
    // Words that only start the full form are not the abbreviation.
    assert!(
        search(index, "ban nhân dân", 1000)
            .hits
            .iter()
            .all(|h| !has_short(h) || contains_phrase(&h.text, "ban nhân dân"))
    );
}
