//! `vankien targets` as a real process on an index that `vankien ingest` built: the table, the
//! JSON and CSV of the API, the filters, and exit code 2 with the valid values for a filter value
//! that names nothing.

use std::path::Path;

use super::{index_of, stderr, stdout, vankien};

/// An index of three corpus documents, in `dir`.
fn index_in(dir: &Path) -> String {
    index_of(
        dir,
        &[
            "thai-binh-09-NQ-DH-2020.txt",
            "57-NQ-TW.txt",
            "175-NQ-CP.txt",
        ],
    )
}

#[test]
fn targets_print_as_a_table_json_and_csv_and_filter() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());

    let out = vankien(&["targets", "--index", &index]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table.contains("Tỷ lệ đô thị hóa [urbanisation_rate]: ≥ 30 % đến 2025  (09-NQ/ĐH,"),
        "{table}"
    );

    // The JSON is the API's; one indicator across two documents.
    let out = vankien(&[
        "targets",
        "--index",
        &index,
        "--indicator",
        "digital_economy_share",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs: std::collections::BTreeSet<&str> = json["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["doc_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        docs.into_iter().collect::<Vec<_>>(),
        ["175/NQ-CP", "57-NQ/TW"]
    );
    assert!(json["facets"]["indicators"].as_array().unwrap().len() > 10);

    // CSV, filtered by a place typed without diacritics, a year and words.
    let out = vankien(&[
        "targets",
        "--index",
        &index,
        "--place",
        "thai binh",
        "--year",
        "2045",
        "--csv",
    ]);
    let csv = stdout(&out);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(
        rows.iter()
            .all(|r| r.contains(",Thái Bình,") && r.contains(",2045,")),
        "{csv}"
    );
    let out = vankien(&["targets", "--index", &index, "bao hiem y te"]);
    assert!(stdout(&out).starts_with("1 targets\n"), "{}", stdout(&out));
}

#[test]
fn a_filter_value_that_names_nothing_exits_2_with_the_valid_values() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_in(dir.path());
    for (args, listed) in [
        (["--indicator", "nonsense"], "urbanisation_rate"),
        (["--doc", "99-NQ/TW"], "57-nq-tw.2024-12-22"),
        (["--place", "Atlantis"], "Thái Bình"),
        (["--year", "1999"], "2045"),
        (["--year", "20"], "a year like 2030"),
    ] {
        let mut all = vec!["targets", "--index", &index];
        all.extend(args);
        let out = vankien(&all);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(
            err.starts_with("vankien: error: ") && err.contains(listed),
            "{args:?}: {err}"
        );
    }
}
