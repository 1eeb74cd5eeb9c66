//! `vankien search --trend|--csv|--jsonl` and `vankien relations` as real processes on an index
//! that `vankien ingest` built: counts by year and issuer that agree with the filtered searches,
//! every matching clause exported (not a page), and exit code 2 for a filter value or a document
//! that names nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::{index_of, stderr, stdout, vankien};

/// An index in `dir` of five corpus documents: a resolution of the Politburo and the
/// Government's programme implementing it, a conclusion, and two of the National Assembly's
/// bodies.
fn index_in(dir: &Path) -> String {
    index_of(
        dir,
        &[
            "57-NQ-TW.txt",
            "03-NQ-CP.txt",
            "69-KL-TW.txt",
            "198-2025-QH15.txt",
            "1659-NQ-UBTVQH15.txt",
        ],
    )
}

/// `vankien search --index INDEX ARGS… QUERY`, which must succeed.
fn search(index: &str, args: &[&str], query: &str) -> Output {
    let mut all = vec!["search", "--index", index];
    all.extend_from_slice(args);
    all.push(query);
    let out = vankien(&all);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    out
}

/// The total of `vankien search --json` with `args`.
fn total(index: &str, args: &[&str], query: &str) -> u64 {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let json: Value = serde_json::from_slice(&search(index, &all, query).stdout).unwrap();
    json["total"].as_u64().unwrap()
}

#[test]
fn the_trend_counts_by_year_and_issuer_agree_with_the_filtered_searches() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());
    let q = "chuyen doi so";
    let all = total(&index, &[], q);

    let text = stdout(&search(&index, &["--trend"], q));
    assert!(
        text.starts_with(&format!("{all} clauses match\n")),
        "{text}"
    );
    // `  <label>  <count>` lines under each heading.
    let mut sections: BTreeMap<&str, Vec<(String, u64)>> = BTreeMap::new();
    let mut current = "";
    for line in text.lines().skip(1) {
        if let Some(h) = line.strip_suffix(':') {
            current = h;
        } else if let Some((label, n)) = line.trim().rsplit_once("  ") {
            let entry = (label.trim().to_string(), n.trim().parse().unwrap());
            sections.entry(current).or_default().push(entry);
        }
    }
    let (years, issuers) = (&sections["by year"], &sections["by issuer"]);
    assert!(years.len() >= 2 && issuers.len() >= 2, "{text}");
    assert_eq!(years.iter().map(|(_, n)| n).sum::<u64>(), all, "{text}");
    assert_eq!(issuers.iter().map(|(_, n)| n).sum::<u64>(), all, "{text}");
    assert!(
        years.windows(2).all(|w| w[0].0 < w[1].0),
        "oldest first: {text}"
    );
    for (year, n) in years {
        assert_eq!(total(&index, &["--year", year], q), *n, "{year}");
    }
    for (issuer, n) in issuers {
        assert_eq!(total(&index, &["--issuer", issuer], q), *n, "{issuer}");
    }

    // The JSON says the same.
    let json: Value =
        serde_json::from_slice(&search(&index, &["--trend", "--json"], q).stdout).unwrap();
    assert_eq!(json["total"].as_u64(), Some(all));
    let listed: Vec<(String, u64)> = json["issuer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(&listed, issuers);
}

#[test]
fn every_matching_clause_is_exported_as_csv_or_json_lines_with_the_filters() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());
    let q = "khoa hoc cong nghe";
    let all = total(&index, &[], q) as usize;
    assert!(all > 10, "more than the default page of 10: {all}");

    let out = search(&index, &["--csv"], q);
    let text = stdout(&out);
    let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let rows = vankien_testkit::parse_csv(body);
    assert_eq!(rows[0][0], "doc_id");
    assert_eq!(rows.len() - 1, all, "every clause, not a page");
    let text_col = rows[0].iter().position(|c| c == "text").unwrap();
    assert!(rows[1..].iter().all(|r| !r[text_col].is_empty()));
    // The first rows are the readable search's first hits, in order.
    let json: Value =
        serde_json::from_slice(&search(&index, &["--json", "--limit", "5"], q).stdout).unwrap();
    let first: Vec<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["clause_id"].as_str().unwrap())
        .collect();
    let id_col = rows[0].iter().position(|c| c == "clause_id").unwrap();
    let exported: Vec<&str> = rows[1..6].iter().map(|r| r[id_col].as_str()).collect();
    assert_eq!(exported, first);

    // Filters hold: the Government's clauses of 2025.
    let filters = ["--issuer", "chinh phu", "--year", "2025"];
    let n = total(&index, &filters, q) as usize;
    assert!(n > 0 && n < all, "{n} of {all}");
    let mut args = vec!["--jsonl"];
    args.extend_from_slice(&filters);
    let lines: Vec<Value> = stdout(&search(&index, &args, q))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    for l in &lines {
        assert_eq!(l["issuer"], "CHÍNH PHỦ", "{l}");
        assert_eq!(l["year"], "2025", "{l}");
    }

    // A filter value that names nothing: exit 2, the valid values named, nothing printed.
    let out = vankien(&[
        "search",
        "--index",
        &index,
        "--csv",
        "--issuer",
        "bo ngoai giao",
        q,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("QUỐC HỘI"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn relations_name_what_a_document_does_and_what_is_done_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());
    let relations = |args: &[&str]| {
        let mut all = vec!["relations", "--index", &index];
        all.extend_from_slice(args);
        vankien(&all)
    };
    // The same document however its number is typed.
    let out = relations(&["57-NQ/TW"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for typed in ["nq 57", "57/NQ-TW", "57-nq-tw.2024-12-22"] {
        assert_eq!(stdout(&relations(&[typed])), text, "{typed}");
    }
    assert!(text.starts_with("Nghị quyết 57-NQ/TW "), "{text}");
    // The Government's programme implements it and cites it, and is in the index.
    let incoming = text
        .split("what others do to it:")
        .nth(1)
        .expect("incoming links");
    assert!(
        incoming.contains("  Văn bản thực hiện (thực hiện):\n    - Nghị quyết 03/NQ-CP "),
        "{text}"
    );
    assert!(
        incoming.contains("Văn bản lấy làm căn cứ (căn cứ):"),
        "{text}"
    );
    assert!(incoming.contains("(in the index)"), "{text}");

    // The programme: what it implements (in the index) and the laws it cites (not).
    let text = stdout(&relations(&["03/NQ-CP"]));
    let outgoing = text.split("what others do to it:").next().unwrap();
    assert!(
        outgoing.contains("Văn bản được thực hiện (thực hiện):"),
        "{text}"
    );
    assert!(
        outgoing.contains("57-NQ/TW") && outgoing.contains("[57-nq-tw.2024-12-22]  (in the index)"),
        "{text}"
    );
    assert!(
        outgoing.contains("Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015  (not in the index)"),
        "{text}"
    );

    // The JSON is the API's.
    let out = relations(&["--json", "nq 57"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["document"], "57-nq-tw.2024-12-22");
    let implementers: Vec<&str> = json["incoming"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["type"] == "implements")
        .map(|l| l["document"]["number"].as_str().unwrap())
        .collect();
    assert_eq!(implementers, ["03/NQ-CP"], "{json}");
    assert_eq!(
        json["incoming"][0]["type_label"]
            .as_str()
            .map(|s| !s.is_empty()),
        Some(true)
    );
    assert!(json["status"].is_object(), "{json}");

    // A document the index lacks: exit 2, the known ones named.
    let out = relations(&["nq 999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("69-KL/TW"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_total_past_exact_up_to_is_a_lower_bound_unless_the_exact_total_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());
    let json = |args: &[&str], q: &str| -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_slice(&search(&index, &all, q).stdout).unwrap()
    };
    let mut lower = 0;
    for q in [
        "nhiem vu",
        "phat trien",
        "cong tac",
        "xay dung",
        "cua cac",
        "khoa hoc",
        // One common word: its weak stretches are the likeliest to be skipped.
        "cac",
        "va",
    ] {
        // By default exact up to 10,000: every total of these five documents.
        let default = json(&[], q);
        assert_eq!(default["total_exact"], true, "{q}");
        let n = default["total"].as_u64().unwrap();
        assert_eq!(
            json(&["--exact-total", "--exact-up-to", "1"], q)["total"],
            n,
            "{q}"
        );
        let bound = json(&["--exact-up-to", "1"], q);
        let b = bound["total"].as_u64().unwrap();
        assert!(b >= 1 && b <= n, "{q}: {b} of {n}");
        assert_eq!(bound["hits"], default["hits"], "{q}");
        if b < n {
            lower += 1;
            assert_eq!(bound["total_exact"], false, "{q}");
            let text = stdout(&search(&index, &["--exact-up-to", "1"], q));
            assert!(
                text.starts_with(&format!("more than {b} clauses match\n")),
                "{q}: {text}"
            );
        }
    }
    assert!(lower >= 1, "no query gave a lower bound");
}
