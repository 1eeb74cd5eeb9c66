//! Queries as people type them: questions whose particles do not decide the match, long queries
//! that need most of their words (the clauses with all of them first), and words naming a clause
//! kind that prefer clauses of that kind. Over the real corpus index.

use unicode_normalization::UnicodeNormalization;
use vankien_index::{Hit, SearchResults};
use vankien_ingest::ClauseKind;

use crate::common::{contains_phrase, corpus_index, folded_words, marked, search};

fn has_all(hit: &Hit, words: &[&str]) -> bool {
    let text = folded_words(&hit.text);
    words.iter().all(|w| text.contains(&w.to_string()))
}

fn first<'a>(r: &'a SearchResults, query: &str) -> &'a Hit {
    r.hits.first().unwrap_or_else(|| panic!("{query}: no hit"))
}

#[test]
fn a_question_finds_the_clause_that_answers_without_its_particles() {
    let index = corpus_index();
    // The answer has neither `được` nor `mấy`; the query asked for every word, it found nothing
    // but clauses that happen to hold them.
    let answer = "Tổng Bí thư giữ chức vụ Tổng Bí thư không quá hai nhiệm kỳ liên tiếp";
    let asked = "tổng bí thư được giữ chức mấy nhiệm kỳ";
    let nfd: String = asked.nfd().collect();
    for q in [
        asked,
        "tong bi thu duoc giu chuc may nhiem ky",
        "TỔNG BÍ THƯ ĐƯỢC GIỮ CHỨC MẤY NHIỆM KỲ",
        &nfd,
    ] {
        let r = search(corpus_index(), q, 5);
        let hit = first(&r, q);
        assert!(contains_phrase(&hit.text, answer), "{q}: {}", hit.text);
        assert!(!has_all(hit, &["duoc", "may"]), "{}", hit.text);
        // An optional particle a clause lacks is no missing word.
        assert_eq!(r.relaxed, None, "{q}");
    }

    // `có … không`: the answer says `không` itself, which is not why it is found, nor marked.
    let q = "hộ kinh doanh có còn nộp thuế khoán không";
    let r = search(index, q, 5);
    let hit = first(&r, q);
    assert!(contains_phrase(
        &hit.text,
        "không áp dụng phương pháp khoán thuế"
    ));
    let snippet = marked(&hit.snippet);
    assert!(snippet.contains("<mark>khoán thuế</mark>") || snippet.contains("<mark>khoán"));
    assert!(!snippet.contains("<mark>không"), "{snippet}");
}

#[test]
fn a_definition_question_prefers_the_clause_that_defines() {
    let index = corpus_index();
    // `X là gì` prefers `X là …`; `ai là X` prefers `… là X`, where another clause defines X.
    for (q, says) in [
        (
            "hộ kinh doanh là gì",
            "hộ kinh doanh là loại hình kinh doanh",
        ),
        (
            "ho kinh doanh la gi",
            "hộ kinh doanh là loại hình kinh doanh",
        ),
        ("chủ quản dữ liệu là gì", "chủ quản dữ liệu là cơ quan"),
        (
            "ai là chủ sở hữu dữ liệu",
            "Ban Bí thư là chủ sở hữu dữ liệu",
        ),
    ] {
        let r = search(index, q, 5);
        let hit = first(&r, q);
        assert!(contains_phrase(&hit.text, says), "{q}: {}", hit.text);
    }
}

#[test]
fn a_query_of_particles_only_keeps_them_required() {
    let index = corpus_index();
    let r = search(index, "của các", 50);
    assert!(r.total > 0);
    for hit in &r.hits {
        assert!(has_all(hit, &["cua", "cac"]), "{}", hit.text);
    }
    // A phrase keeps its particles: `là` is required inside quotes.
    let r = search(index, "\"tên gọi là phường\"", 50);
    assert!(r.total > 0);
    assert!(
        r.hits
            .iter()
            .all(|h| contains_phrase(&h.text, "tên gọi là phường"))
    );
}

#[test]
fn a_long_query_needs_most_of_its_words_and_ranks_those_with_all_first() {
    let index = corpus_index();
    // Ten content words (`và` is a particle): eight of them are enough.
    let q = "doanh nghiệp nhỏ và vừa miễn thuế thu nhập doanh nghiệp";
    let words = [
        "doanh", "nghiep", "nho", "vua", "mien", "thue", "thu", "nhap",
    ];
    let r = search(index, q, 50);
    assert_eq!(r.relaxed, None, "a clause has every word");
    let with_all = r.hits.iter().take_while(|h| has_all(h, &words)).count();
    assert!(with_all >= 1, "{}", r.hits[0].text);
    assert!(
        r.hits[with_all..].iter().all(|h| !has_all(h, &words)),
        "every clause with all the words ranks first"
    );
    assert!(
        with_all < r.hits.len(),
        "clauses with most of the words follow"
    );
    assert!(contains_phrase(
        &r.hits[0].text,
        "Miễn thuế thu nhập doanh nghiệp cho doanh nghiệp nhỏ và vừa"
    ));
    // Four words or fewer (two words of two syllables) are all required: the four words find
    // what they and a fifth no clause has find, four of five being enough.
    let four = search(index, "cải cách hành chính", 10);
    let five = search(index, "cải cách hành chính xyzzy", 10);
    assert_eq!((four.relaxed, four.total), (None, five.total));
    let relaxed = five.relaxed.expect("no clause has xyzzy");
    assert_eq!((relaxed.matched_words, relaxed.words), (4, 5));
}

#[test]
fn words_naming_a_kind_prefer_clauses_of_that_kind_without_requiring_it() {
    let index = corpus_index();
    for (q, kind, answer) in [
        (
            "bài học về cải cách hành chính",
            ClauseKind::Lesson,
            "trọng tâm là cải cách thủ tục hành chính",
        ),
        (
            "bai hoc ve cai cach hanh chinh",
            ClauseKind::Lesson,
            "trọng tâm là cải cách thủ tục hành chính",
        ),
        (
            "chỉ tiêu bảo hiểm y tế",
            ClauseKind::Target,
            "Tỷ lệ dân số tham gia bảo hiểm y tế đạt 95%",
        ),
        (
            "căn cứ luật thủ đô",
            ClauseKind::Basis,
            "Căn cứ Luật Thủ đô số 39/2024/QH15",
        ),
    ] {
        let r = search(index, q, 20);
        let hit = first(&r, q);
        assert_eq!(hit.kind, kind, "{q}: {}", hit.text);
        assert!(contains_phrase(&hit.text, answer), "{q}: {}", hit.text);
        // The kind is preferred, not required.
        assert!(r.hits.iter().any(|h| h.kind != kind), "{q}: only {kind:?}");
    }
    // The lesson does not say `bài học`: the words are not required either.
    let r = search(index, "bài học về cải cách hành chính", 1);
    assert!(!contains_phrase(&r.hits[0].text, "bài học"));
    // Kind names alone are the query's content: required, as the same words in another order
    // (which name no kind) are.
    let r = search(index, "bài học", 10);
    assert!(r.total > 0);
    assert_eq!(r.total, search(index, "học bài", 10).total);
}
