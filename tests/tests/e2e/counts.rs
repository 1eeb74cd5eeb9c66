//! The search page's two requests in a real Chromium: the first page shows at once, with a total
//! that may be a lower bound (`hơn N kết quả`) and the facets still to come; then the second
//! request's counts (the facets, the exact total) fill the filters and replace the status.

use std::path::Path;

use fantoccini::Client;
use serde_json::Value;

use crate::browser::*;
use crate::trends::vi_count;

/// A query whose first request, on a server started with `--exact-up-to 1` over
/// [`corpus_with_copies`], gives a lower bound (`xã`: thousands of clauses, most of them the
/// same clauses of copies of one document, which cannot make the page twice).
pub const QUERY: &str = "xa";

/// How many copies of the resolution on the communes of Đà Nẵng (1659/NQ-UBTVQH15) the corpus
/// of this test adds, each with its own number.
const COPIES: usize = 30;

/// The workspace corpus in `dir`, with [`COPIES`] copies of 1659/NQ-UBTVQH15 under other
/// numbers: enough matching clauses that a search's first page leaves whole stretches of them
/// unvisited (the corpus alone is too small for its page to skip any).
pub fn corpus_with_copies(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let corpus = vankien_tests::corpus_dir();
    for entry in std::fs::read_dir(&corpus)? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap_or_default()))?;
        }
    }
    let text = std::fs::read_to_string(corpus.join("1659-NQ-UBTVQH15.txt"))?;
    for n in 0..COPIES {
        let number = 3000 + n;
        let copy = text.replace("Số: 1659/NQ-UBTVQH15", &format!("Số: {number}/NQ-UBTVQH15"));
        std::fs::write(dir.join(format!("{number}-NQ-UBTVQH15.txt")), copy)?;
    }
    Ok(())
}

/// Records what the status line, the filters' facet state, the groups shown and the year filter's
/// options are at each change of the status line or of the facet state.
const WATCH_SCRIPT: &str = r#"
    window.__seen = [];
    const status = document.querySelector('[data-testid="result-count"]');
    const filters = document.querySelector('[data-testid="filters"]');
    const note = () => window.__seen.push({
        status: status.textContent,
        facets: filters.getAttribute('data-facets'),
        groups: document.querySelectorAll('[data-testid="result-group"]').length,
        years: document.querySelectorAll('select[data-filter="year"] option').length,
    });
    new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
    new MutationObserver(note).observe(filters, { attributes: true, attributeFilter: ['data-facets'] });
    return true;
"#;

/// Opens a search on a page watched from before it starts; checks the first page came before
/// the counts, with the lower bound's wording, and that the counts then came, exact.
/// `exact_total` is the API's exact total for [`QUERY`].
pub async fn drive_counts(c: &Client, base: &str, exact_total: u64) -> Step<()> {
    c.goto(&format!("{base}/")).await.ctx("open the page")?;
    wait_css(c, r#"[data-testid="search-input"]"#).await?;
    c.execute(WATCH_SCRIPT, vec![])
        .await
        .ctx("watch the status")?;
    let hash = format!("#/search?q={}", QUERY.replace(' ', "%20"));
    c.execute(&format!("location.hash = '{hash}'; return true;"), vec![])
        .await
        .ctx("open the search")?;
    let seen = poll(c, "return window.__seen;", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|s| s["facets"] == "ready"))
    })
    .await?;
    let seen = seen.as_array().cloned().unwrap_or_default();
    let ready = seen.iter().position(|s| s["facets"] == "ready");
    check!(ready.is_some(), "the counts never came: {seen:?}");
    let ready = ready.unwrap_or_default();
    // Before the counts: the page of documents, the status saying `hơn`.
    let first = seen[..ready]
        .iter()
        .find(|s| s["groups"].as_u64().unwrap_or(0) > 0);
    check!(
        first.is_some(),
        "no page was shown before the counts: {seen:?}"
    );
    let first = first.cloned().unwrap_or(Value::Null);
    check!(
        first["facets"] == "pending",
        "the facets were not pending: {first}"
    );
    let status = first["status"].as_str().unwrap_or_default();
    check!(
        status.starts_with("Tìm thấy hơn ") && status.contains(" kết quả"),
        "the first page's status does not say it is a lower bound: {status:?}"
    );
    // Then the counts: the exact total, the year filter filled.
    let last = &seen[ready];
    let status = last["status"].as_str().unwrap_or_default();
    check!(
        status.starts_with(&format!("Tìm thấy {} kết quả", vi_count(exact_total))),
        "the status once the counts came: {status:?} (exact total {exact_total})"
    );
    check!(
        last["years"].as_u64().unwrap_or(0) > 1,
        "the year filter lists no year once the counts came: {last}"
    );
    Ok(())
}
