//! The search's trends and exports in the browser: the bars of the charts by year and by issuer
//! are the API's counts, a click on a bar filters the search to that count, and the download
//! links carry the query and the filters: the CSV and the JSON lines they fetch hold exactly the
//! filtered clauses.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use vankien_tests::encode_component;

use crate::browser::*;

/// The query of the step, typed without diacritics.
const QUERY: &str = "chuyen doi so";

/// What the search view shows: the bars, the tables of numbers, the links, the status.
const TRENDS_SCRIPT: &str = r#"
    const box = document.querySelector('[data-testid="trends"]');
    const results = document.querySelector('[data-testid="results"]');
    const link = (id) => {
        const a = document.querySelector(`[data-testid="${id}"]`);
        return a ? a.getAttribute('href') : null;
    };
    return {
        hash: location.hash,
        busy: results.getAttribute('aria-busy') === 'true',
        // The page asks for the counts by a second request, once it shows the first page.
        facets: document.querySelector('[data-testid="filters"]').getAttribute('data-facets'),
        hidden: box.hidden,
        status: document.querySelector('[data-testid="result-count"]').textContent,
        bars: [...box.querySelectorAll('[data-testid="trend-bar"]')].map((b) => ({
            dim: b.getAttribute('data-dim'),
            value: b.getAttribute('data-value'),
            count: Number(b.getAttribute('data-count')),
            label: b.getAttribute('aria-label'),
            current: b.classList.contains('is-current'),
            height: Number(b.querySelector('rect').getAttribute(
                b.getAttribute('data-dim') === 'year' ? 'height' : 'width')),
        })),
        titles: [...box.querySelectorAll('svg > title')].map((t) => t.textContent),
        tableRows: [...box.querySelectorAll('[data-testid="trend-table"] tbody tr')].map((r) =>
            [...r.children].map((c) => c.textContent)),
        csv: link('export-csv'),
        jsonl: link('export-jsonl'),
        exportText: (document.querySelector('[data-testid="export-links"]') || {}).textContent || '',
    };
"#;

/// Fetches a path from the page, as its links would: status, the first bytes, the text.
const FETCH_SCRIPT: &str = r#"
    const done = arguments[arguments.length - 1];
    fetch(arguments[0]).then(async (r) => {
        const bytes = new Uint8Array(await r.arrayBuffer());
        done({
            status: r.status,
            type: r.headers.get('content-type'),
            disposition: r.headers.get('content-disposition'),
            total: r.headers.get('x-total-count'),
            bom: [...bytes.slice(0, 3)],
            text: new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes),
        });
    }).catch((e) => done({ error: String(e) }));
"#;

/// Fetches `path` from the page.
async fn fetch(c: &Client, path: &str) -> Step<Value> {
    let v = c
        .execute_async(FETCH_SCRIPT, vec![json!(path)])
        .await
        .ctx(&format!("fetch {path}"))?;
    check!(v["error"].is_null(), "fetch {path}: {v}");
    check!(v["status"] == 200, "fetch {path}: {v}");
    Ok(v)
}

/// `(value, count)` of the bars of one chart.
fn bars_of(v: &Value, dim: &str) -> Vec<(String, u64)> {
    v["bars"]
        .as_array()
        .map(|bars| {
            bars.iter()
                .filter(|b| b["dim"] == dim)
                .map(|b| {
                    (
                        b["value"].as_str().unwrap_or_default().to_string(),
                        b["count"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `(value, count)` of a facet of a search answer.
fn facet_of(json: &Value, name: &str) -> Vec<(String, u64)> {
    json["facets"][name]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    (
                        c["value"].as_str().unwrap_or_default().to_string(),
                        c["count"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The value of `name` in the query string of a link.
fn param(href: &str, name: &str) -> Option<String> {
    let query = href.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| decode(v))
    })
}

/// Decodes a form-encoded value (`+` a space, `%XX` a byte).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Clicks the bar `css` finds as a user would: scrolled to the middle of the window (the page's
/// header stays on top), on its rectangle.
async fn click_bar(c: &Client, css: &str) -> Step<()> {
    let bar = c
        .find(Locator::Css(css))
        .await
        .ctx(&format!("find {css}"))?;
    c.execute(
        "arguments[0].scrollIntoView({ block: 'center' });",
        vec![serde_json::to_value(&bar).ctx("the bar as an argument")?],
    )
    .await
    .ctx("scroll to the bar")?;
    bar.find(Locator::Css("rect"))
        .await
        .ctx("the bar's rectangle")?
        .click()
        .await
        .ctx(&format!("click {css}"))
}

/// Waits until the search view shows the trends of a search whose hash satisfies `hash_ok`.
async fn trends_shown(c: &Client, hash_ok: impl Fn(&str) -> bool) -> Step<Value> {
    let v = poll(c, TRENDS_SCRIPT, |v| {
        v["hash"].as_str().is_some_and(&hash_ok)
            && v["busy"] == false
            && v["facets"] == "ready"
            && v["hidden"] == false
            && v["bars"].as_array().is_some_and(|b| !b.is_empty())
    })
    .await?;
    check!(
        v["hash"].as_str().is_some_and(&hash_ok) && v["hidden"] == false,
        "the trends did not show: {v}"
    );
    Ok(v)
}

/// Searches, checks the charts against the API, clicks an issuer bar and a year bar, and fetches
/// the export links of the filtered search.
pub async fn drive_trends(c: &Client, base: &str, shots: &std::path::Path) -> Step<()> {
    let q = QUERY.replace(' ', "%20");
    c.goto(&format!("{base}/#/search?q={q}"))
        .await
        .ctx("open a search")?;
    let v = trends_shown(c, |h| h.contains("q=")).await?;
    c.execute("window.scrollTo(0, 0);", vec![])
        .await
        .ctx("scroll to the top")?;
    screenshot(c, &shots.join("e2e-screenshot-trends.png")).await?;

    // The bars are the API's facets, every year and the first issuers.
    let api = fetch(c, &format!("/api/search?q={q}&group=true")).await?;
    let api: Value = serde_json::from_str(api["text"].as_str().unwrap_or("{}")).ctx("api JSON")?;
    let total = api["total"].as_u64().unwrap_or_default();
    let mut years = bars_of(&v, "year");
    let mut api_years = facet_of(&api, "year");
    years.sort();
    api_years.sort();
    check!(
        !years.is_empty() && years == api_years,
        "year bars {years:?}, API {api_years:?}"
    );
    let issuers = bars_of(&v, "issuer");
    let api_issuers = facet_of(&api, "issuer");
    check!(
        !issuers.is_empty() && api_issuers.starts_with(&issuers),
        "issuer bars {issuers:?}, API {api_issuers:?}"
    );
    check!(
        years.iter().map(|(_, n)| n).sum::<u64>() == total,
        "the year bars add up to {total}: {years:?}"
    );
    // A longer bar is a larger count, and each bar names its count for a screen reader.
    let bars = v["bars"].as_array().cloned().unwrap_or_default();
    for b in &bars {
        let n = b["count"].as_u64().unwrap_or_default();
        check!(
            b["label"]
                .as_str()
                .is_some_and(|l| l.contains(&format!(": {n} điều khoản"))
                    || l.contains(&format!(": {} điều khoản", vi_count(n)))),
            "a bar's label without its count: {b}"
        );
    }
    let widest = issuers.iter().map(|(_, n)| *n).max().unwrap_or_default();
    let widest_bar = bars.iter().filter(|b| b["dim"] == "issuer").max_by(|a, b| {
        a["height"]
            .as_f64()
            .partial_cmp(&b["height"].as_f64())
            .unwrap()
    });
    check!(
        widest_bar.is_some_and(|b| b["count"].as_u64() == Some(widest)),
        "the longest issuer bar is not the largest count: {v}"
    );
    check!(
        v["titles"].as_array().is_some_and(|t| t.len() == 2),
        "each chart has a title: {v}"
    );
    check!(
        v["tableRows"].as_array().map(Vec::len) == Some(years.len() + api_issuers.len()),
        "the tables give every number: {v}"
    );
    let csv = v["csv"].as_str().unwrap_or_default().to_string();
    check!(
        param(&csv, "q").as_deref() == Some(QUERY)
            && param(&csv, "format").as_deref() == Some("csv"),
        "the CSV link carries the query: {csv}"
    );

    // A click on the largest issuer's bar filters the search to it: its count, and the links
    // carry the filter.
    let (issuer, issuer_count) = issuers[0].clone();
    click_bar(c, r#"[data-testid="trend-bar"][data-dim="issuer"]"#).await?;
    let v = trends_shown(c, |h| h.contains("issuer=")).await?;
    let filtered = fetch(
        c,
        &format!("/api/search?q={q}&issuer={}", encode_component(&issuer)),
    )
    .await?;
    let filtered: Value =
        serde_json::from_str(filtered["text"].as_str().unwrap_or("{}")).ctx("api JSON")?;
    check!(
        filtered["total"].as_u64() == Some(issuer_count),
        "the issuer {issuer} filters to {issuer_count}: {filtered}"
    );
    check!(
        v["status"]
            .as_str()
            .is_some_and(|s| s.contains(&vi_count(issuer_count))),
        "the status names the bar's count {issuer_count}: {v}"
    );
    check!(
        bars_of(&v, "issuer") == vec![(issuer.clone(), issuer_count)],
        "one issuer left, the filtered one: {v}"
    );
    let csv = v["csv"].as_str().unwrap_or_default().to_string();
    check!(
        param(&csv, "issuer").as_deref() == Some(issuer.as_str())
            && param(&csv, "q").as_deref() == Some(QUERY),
        "the CSV link carries the filter: {csv}"
    );
    let got = fetch(c, &csv).await?;
    check!(
        got["bom"] == json!([0xEF, 0xBB, 0xBF]),
        "the CSV starts with a byte-order mark: {:?}",
        got["bom"]
    );
    check!(
        got["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("text/csv"))
            && got["disposition"]
                .as_str()
                .is_some_and(|d| d.starts_with("attachment")),
        "a CSV download: {got}"
    );
    let text = got["text"].as_str().unwrap_or_default();
    let rows = vankien_testkit::parse_csv(text.trim_start_matches('\u{feff}'));
    let head = rows.first().cloned().unwrap_or_default();
    let col = |name: &str| head.iter().position(|h| h == name);
    let (Some(issuer_col), Some(text_col)) = (col("issuer"), col("text")) else {
        return Err(format!("the CSV's header: {head:?}"));
    };
    check!(
        rows.len() as u64 == issuer_count + 1,
        "the CSV holds {} rows, the bar {issuer_count}",
        rows.len().saturating_sub(1)
    );
    check!(
        rows[1..]
            .iter()
            .all(|r| vankien_ingest::normalize::folded_key(&r[issuer_col])
                == vankien_ingest::normalize::folded_key(&issuer)
                && !r[text_col].is_empty()),
        "a CSV row of another issuer, or without its text"
    );

    // Then a year bar: both filters, in the JSON lines too; clicked again, the year goes.
    let (year, year_count) = bars_of(&v, "year")
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .ok_or("no year bar")?;
    let year_bar = format!(r#"[data-testid="trend-bar"][data-dim="year"][data-value="{year}"]"#);
    click_bar(c, &year_bar).await?;
    let v = trends_shown(c, |h| h.contains("year=") && h.contains("issuer=")).await?;
    check!(
        bars_of(&v, "year") == vec![(year.clone(), year_count)],
        "one year left: {v}"
    );
    let jsonl = v["jsonl"].as_str().unwrap_or_default().to_string();
    check!(
        param(&jsonl, "year").as_deref() == Some(year.as_str())
            && param(&jsonl, "issuer").as_deref() == Some(issuer.as_str())
            && param(&jsonl, "format").as_deref() == Some("jsonl"),
        "the JSONL link carries both filters: {jsonl}"
    );
    let got = fetch(c, &jsonl).await?;
    let lines: Vec<Value> = got["text"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    check!(
        lines.len() as u64 == year_count
            && lines
                .iter()
                .all(|l| l["year"] == year.as_str() && l["clause_id"].is_string()),
        "the JSON lines hold the year's {year_count} clauses: {} lines",
        lines.len()
    );
    click_bar(c, &year_bar).await?;
    let v = trends_shown(c, |h| !h.contains("year=") && h.contains("issuer=")).await?;
    check!(
        bars_of(&v, "year").len() > 1,
        "the year filter is gone: {v}"
    );
    Ok(())
}

/// A count as the page writes it (`vi-VN`: `1.234`).
pub fn vi_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
