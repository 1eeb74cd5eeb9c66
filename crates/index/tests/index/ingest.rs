//! Ingestion into a real index: incremental by content hash, bad files, removal, schema version,
//! reopening, the stored document, the sector mirror.

use std::collections::HashMap;

use vankien_index::{
    FileOutcome, Index, IndexError, IngestEvent, IngestHooks, IngestOptions, META_FILE,
    SearchRequest,
};

use crate::common::{corpus_file, doc_id_of, search};

const FILES: [&str; 3] = [
    "20-NQ-TW.txt",
    "69-KL-TW.txt",
    "thai-binh-09-NQ-DH-2020.txt",
];

/// A temporary folder holding copies of three corpus files.
fn folder_of_three() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        std::fs::copy(corpus_file(f), dir.path().join(f)).unwrap();
    }
    dir
}

#[test]
fn incremental_ingest_skips_replaces_and_removes() {
    let src = folder_of_three();
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    assert!(index.is_empty());
    let paths = [src.path().to_path_buf()];
    let opts = IngestOptions::default();

    let mut events = Vec::new();
    let first =
        crate::common::ingest_paths(&index, &paths, &opts, &mut |e| events.push(e)).unwrap();
    assert_eq!(first.added.len(), 3, "{first:?}");
    assert!(first.failed.is_empty() && first.updated.is_empty() && first.unchanged.is_empty());
    assert!(first.clauses > 0);
    assert!(
        matches!(events[0], IngestEvent::Scanned { files: 3, .. }),
        "{events:?}"
    );
    assert!(!index.is_empty());
    assert_eq!(index.documents().unwrap().len(), 3);
    let total_before = search(&index, "nông thôn", 10).total;

    // Nothing changed: everything is skipped.
    let second = crate::common::ingest_paths(&index, &paths, &opts, &mut |_| {}).unwrap();
    assert_eq!(second.unchanged.len(), 3, "{second:?}");
    assert!(second.added.is_empty() && second.updated.is_empty());
    assert_eq!(second.clauses, 0);
    assert_eq!(search(&index, "nông thôn", 10).total, total_before);

    // One file changes: its clauses are replaced, not added twice.
    let changed = src.path().join(FILES[1]);
    let text = std::fs::read_to_string(&changed).unwrap();
    // A word inserted in the middle of the body, where it is a clause whatever the parser does
    // with the closing parts.
    let at = text.match_indices("phát triển").nth(2).unwrap().0;
    let text = format!("{}xyzqua {}", &text[..at], &text[at..]);
    std::fs::write(&changed, text).unwrap();
    let doc69 = doc_id_of(&index, FILES[1]);
    let clauses_before = index.summary(&doc69).unwrap().clauses;
    let third = crate::common::ingest_paths(&index, &paths, &opts, &mut |_| {}).unwrap();
    assert_eq!(third.updated, vec![doc69.clone()], "{third:?}");
    assert_eq!(third.unchanged.len(), 2);
    let hits = search(&index, "xyzqua", 10);
    assert_eq!(hits.total, 1);
    assert_eq!(hits.hits[0].doc_id, doc69);
    assert_eq!(index.summary(&doc69).unwrap().clauses, clauses_before);
    assert_eq!(search(&index, "nông thôn", 10).total, total_before);
    // Every clause of the document once: no old clause left behind.
    let all_of_69 = index
        .search(&SearchRequest {
            doc: Some(doc69.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all_of_69.total, clauses_before);

    // One file is removed: only --remove-missing drops its document.
    std::fs::remove_file(src.path().join(FILES[0])).unwrap();
    let kept = crate::common::ingest_paths(&index, &paths, &opts, &mut |_| {}).unwrap();
    assert!(kept.removed.is_empty());
    assert_eq!(index.documents().unwrap().len(), 3);
    let remove = IngestOptions {
        remove_missing: true,
    };
    let gone = crate::common::ingest_paths(&index, &paths, &remove, &mut |_| {}).unwrap();
    assert_eq!(gone.removed.len(), 1, "{gone:?}");
    assert_eq!(index.documents().unwrap().len(), 2);
    assert!(index.document(&gone.removed[0]).unwrap().is_none());
    let left = index
        .search(&SearchRequest {
            query: "khoa học".into(),
            doc: Some(gone.removed[0].clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(left.total, 0);
}

#[test]
fn bad_files_are_reported_and_the_batch_goes_on() {
    let src = folder_of_three();
    std::fs::write(
        src.path().join("binary.txt"),
        b"\x00\x01\x02PK\x03\x04\x00\x00",
    )
    .unwrap();
    std::fs::write(src.path().join("empty.txt"), b"").unwrap();
    std::fs::write(src.path().join("README.md"), "# not a document\n").unwrap();
    std::fs::write(src.path().join("notes.json"), "{}").unwrap();
    std::fs::write(src.path().join("Makefile"), "all:\n\tcargo build\n").unwrap();
    std::fs::write(
        src.path().join("scan.png"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    let mut failed_events = 0;
    let missing = src.path().join("missing.txt");
    let report = crate::common::ingest_paths(
        &index,
        &[src.path().to_path_buf(), missing],
        &IngestOptions::default(),
        &mut |e| {
            if let IngestEvent::File {
                outcome: FileOutcome::Failed(_),
                ..
            } = e
            {
                failed_events += 1;
            }
        },
    )
    .unwrap();
    assert_eq!(report.added.len(), 3, "{report:?}");
    let failed: Vec<&str> = report.failed.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed.iter().any(|f| f.ends_with("binary.txt")));
    assert!(failed.iter().any(|f| f.ends_with("empty.txt")));
    assert!(failed.iter().any(|f| f.ends_with("missing.txt")));
    assert_eq!(failed_events, 3);
    assert!(report.failed.iter().all(|(_, e)| !e.is_empty()));
    // Files of a folder that are no documents are named as skipped, with why.
    let skipped: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .map(|(f, why)| (f.rsplit('/').next().unwrap(), why.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "Makefile",
                "not a document (no Vietnamese letter in its text)"
            ),
            ("notes.json", "not a document (JSON data)"),
            ("scan.png", "not a document (a PNG image)"),
        ]
    );
}

/// A resolution whose header gives number, place and date, with `body` as its only task.
fn resolution(body: &str) -> String {
    format!(
        "TỈNH ỦY BẮC NINH\nSố 05-NQ/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nBắc Ninh, ngày 12 tháng 3 năm 2021\n\n\
         NGHỊ QUYẾT\nvề chuyển đổi số\n\nI. NHIỆM VỤ\n1. {body}\n"
    )
}

#[test]
fn two_texts_never_share_an_id_and_one_text_twice_is_one_document() {
    let src = tempfile::tempdir().unwrap();
    for (dir, body) in [
        ("a", "Phát triển hạ tầng số."),
        ("b", "Đào tạo nhân lực số."),
        ("c", "Phát triển hạ tầng số."),
    ] {
        std::fs::create_dir(src.path().join(dir)).unwrap();
        std::fs::write(src.path().join(dir).join("nq.txt"), resolution(body)).unwrap();
    }
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    let paths = [src.path().to_path_buf()];
    let first = crate::common::ingest_paths(&index, &paths, &IngestOptions::default(), &mut |_| {})
        .unwrap();
    let id = "05-nq-tu.bac-ninh.2021-03-12";
    assert_eq!(
        first.added,
        [id.to_string(), format!("{id}.2")],
        "{first:?}"
    );
    assert_eq!(first.duplicates.len(), 1, "{first:?}");
    assert!(first.duplicates[0].0.ends_with("c/nq.txt"));
    assert_eq!(first.duplicates[0].1, id);
    let second = index.document(&format!("{id}.2")).unwrap().unwrap();
    assert!(
        second
            .clauses
            .iter()
            .all(|c| c.id.starts_with(&format!("{id}.2/")))
    );
    assert!(
        second
            .diagnostics
            .iter()
            .any(|d| d.contains("same id") && d.contains("a/nq.txt")),
        "{:?}",
        second.diagnostics
    );
    assert_eq!(search(&index, "nhân lực số", 10).total, 1);
    assert_eq!(search(&index, "hạ tầng số", 10).total, 1);

    // Ingested again, nothing moves: the second text keeps its id.
    let again = crate::common::ingest_paths(&index, &paths, &IngestOptions::default(), &mut |_| {})
        .unwrap();
    assert!(
        again.added.is_empty() && again.updated.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.unchanged.len(), 3, "{again:?}");

    // The first copy of a text shared by two files goes: the document stays with the other.
    std::fs::remove_dir_all(src.path().join("a")).unwrap();
    let opts = IngestOptions {
        remove_missing: true,
    };
    let removed = crate::common::ingest_paths(&index, &paths, &opts, &mut |_| {}).unwrap();
    assert!(removed.removed.is_empty(), "{removed:?}");
    assert_eq!(search(&index, "hạ tầng số", 10).total, 1);
}

#[test]
fn verify_names_every_damaged_file_and_passes_a_sound_index() {
    let src = folder_of_three();
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    let paths = [src.path().to_path_buf()];
    crate::common::ingest_paths(&index, &paths, &IngestOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(index.verify().unwrap(), Vec::<String>::new());
    let file_of = |ext: &str| {
        std::fs::read_dir(idx_dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    };
    // One byte changed in the middle of the store; a positions file cut short of its footer.
    let store = file_of("store");
    let mut bytes = std::fs::read(&store).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&store, bytes).unwrap();
    let pos = file_of("pos");
    std::fs::write(&pos, b"abc").unwrap();
    let bad = index.verify().unwrap();
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter()
            .any(|b| b.starts_with(&name(&pos)) && b.contains("too short")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|b| b.starts_with(&name(&store)) && b.contains("checksum does not match")),
        "{bad:?}"
    );
}

#[test]
fn unknown_schema_version_is_refused() {
    let idx_dir = tempfile::tempdir().unwrap();
    drop(Index::open_or_create(idx_dir.path()).unwrap());
    assert!(Index::open(idx_dir.path()).is_ok());
    let meta = idx_dir.path().join(META_FILE);
    std::fs::write(
        &meta,
        r#"{"schema_version": 999, "created_by": "vankien 9"}"#,
    )
    .unwrap();
    for result in [
        Index::open(idx_dir.path()),
        Index::open_or_create(idx_dir.path()),
    ] {
        match result {
            Err(e @ IndexError::SchemaVersion { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("999") && msg.contains("rebuild"), "{msg}");
            }
            other => panic!("expected a schema version error, got {other:?}"),
        }
    }
    std::fs::remove_file(&meta).unwrap();
    assert!(matches!(
        Index::open(idx_dir.path()),
        Err(IndexError::SchemaVersion { .. })
    ));
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Index::open(empty.path()),
        Err(IndexError::NotFound(_))
    ));
}

#[test]
fn analyzers_are_registered_again_on_reopen() {
    let idx_dir = tempfile::tempdir().unwrap();
    let file = corpus_file(FILES[2]);
    {
        let index = Index::open_or_create(idx_dir.path()).unwrap();
        crate::common::ingest_paths(
            &index,
            std::slice::from_ref(&file),
            &IngestOptions::default(),
            &mut |_| {},
        )
        .unwrap();
    }
    let index = Index::open(idx_dir.path()).unwrap();
    for q in ["nông thôn mới", "NONG THON MOI", "\"nông thôn mới\""] {
        assert!(search(&index, q, 5).total > 0, "{q}");
    }
    // The file map survived too: the file is unchanged.
    let again =
        crate::common::ingest_paths(&index, &[file], &IngestOptions::default(), &mut |_| {})
            .unwrap();
    assert_eq!(again.unchanged.len(), 1, "{again:?}");
}

#[test]
fn the_full_document_is_stored() {
    let index = crate::common::corpus_index();
    for summary in index.documents().unwrap() {
        let doc = index.document(&summary.id).unwrap().expect("stored");
        assert_eq!(doc.id, summary.id);
        assert_eq!(doc.clauses.len(), summary.clauses);
        let text = index
            .document_text(&summary.id)
            .unwrap()
            .expect("the source is unchanged");
        for c in &doc.clauses {
            assert!(
                c.span[0] <= c.span[1] && c.span[1] <= text.len(),
                "{}",
                c.id
            );
            // The text is the one the spans were taken in: the clause's last word ends its span.
            let last = vankien_ingest::normalize::words(&c.text)
                .last()
                .map(|(_, w)| w);
            if let Some(last) = last {
                assert!(
                    text[c.span[0]..c.span[1]].contains(last),
                    "{}: {last}",
                    c.id
                );
            }
            let (s, clause) = index.clause(&c.id).unwrap().expect("clause by id");
            assert_eq!(s.id, doc.id);
            assert_eq!(&clause, c);
        }
    }
    assert!(index.document("no-such-doc").unwrap().is_none());
    assert!(index.clause("no-such-doc/p1").unwrap().is_none());
}

#[test]
fn document_text_is_read_back_from_an_unchanged_source_only() {
    let src = folder_of_three();
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    crate::common::ingest_paths(
        &index,
        &[src.path().to_path_buf()],
        &IngestOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let doc = index.documents().unwrap().remove(0);
    let text = index
        .document_text(&doc.id)
        .unwrap()
        .expect("source unchanged");
    assert!(!text.is_empty());
    assert!(index.document(&doc.id).unwrap().unwrap().text.is_empty());
    assert_eq!(index.document_text("no-such-doc").unwrap(), None);
    // Changed behind the index's back: its text is no longer the one the spans point into.
    let path = src
        .path()
        .join(std::path::Path::new(&doc.source).file_name().unwrap());
    std::fs::write(&path, format!("{text}\nThêm một dòng.")).unwrap();
    assert_eq!(index.document_text(&doc.id).unwrap(), None);
}

/// Three documents indexed, two clauses about `nông thôn mới` found (`a`, `b`) and their
/// sectors set: `a` agriculture and construction, `b` agriculture.
struct Mirrored {
    /// The documents' folder, kept as long as the fixture.
    _src: tempfile::TempDir,
    idx_dir: tempfile::TempDir,
    index: Index,
    paths: [std::path::PathBuf; 1],
    a: String,
    b: String,
    tagged: HashMap<String, Vec<String>>,
}

fn mirrored() -> Mirrored {
    let src = folder_of_three();
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    let paths = [src.path().to_path_buf()];
    crate::common::ingest_paths(&index, &paths, &IngestOptions::default(), &mut |_| {}).unwrap();
    let hits = search(&index, "nông thôn mới", 3).hits;
    assert!(hits.len() >= 2);
    let (a, b) = (hits[0].clause_id.clone(), hits[1].clause_id.clone());
    let tagged: HashMap<String, Vec<String>> = HashMap::from([
        (a.clone(), vec!["nong-nghiep".into(), "xay-dung".into()]),
        (b.clone(), vec!["nong-nghiep".into()]),
    ]);
    assert_eq!(index.set_sectors(&tagged).unwrap(), 2);
    Mirrored {
        _src: src,
        idx_dir,
        index,
        paths,
        a,
        b,
        tagged,
    }
}

fn by_sector(index: &Index, s: &str) -> vankien_index::SearchResults {
    index
        .search(&SearchRequest {
            sector: Some(s.into()),
            facets: true,
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn the_sector_mirror_filters_and_counts() {
    let m = mirrored();
    let (index, a, b) = (&m.index, &m.a, &m.b);
    // Already so: nothing rewritten.
    assert_eq!(index.set_sectors(&m.tagged).unwrap(), 0);
    let r = by_sector(index, "nong-nghiep");
    let mut got: Vec<String> = r.hits.iter().map(|h| h.clause_id.clone()).collect();
    got.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(got, want);
    let facets = r.facets.unwrap();
    let count = |v: &str| facets.sector.iter().find(|c| c.value == v).map(|c| c.count);
    assert_eq!(
        (count("nong-nghiep"), count("xay-dung")),
        (Some(2), Some(1))
    );
    assert_eq!(index.clause(a).unwrap().unwrap().1.id, *a);
    let hit_a = search(index, "nông thôn mới", 3)
        .hits
        .into_iter()
        .find(|h| h.clause_id == *a)
        .unwrap();
    assert_eq!(hit_a.sectors, ["nong-nghiep", "xay-dung"]);
}

#[test]
fn a_changed_files_clauses_carry_the_sectors_its_hooks_give() {
    let m = mirrored();
    let (index, a, paths) = (&m.index, &m.a, &m.paths);
    let tagged = m.tagged.clone();
    let by_sector = |s: &str| by_sector(index, s);
    // A changed file's clauses carry the sectors its hooks give them (the store's tags, in the
    // library), written in the same commit as the clauses.
    struct Tagged(HashMap<String, Vec<String>>);
    impl IngestHooks for Tagged {
        fn sectors_for(
            &mut self,
            doc: &vankien_ingest::Document,
        ) -> Result<HashMap<String, Vec<String>>, IndexError> {
            Ok(doc
                .clauses
                .iter()
                .filter_map(|c| Some((c.id.clone(), self.0.get(&c.id)?.clone())))
                .collect())
        }
        fn before_commit(&mut self, changed: &[String]) -> Result<(), IndexError> {
            assert_eq!(changed.len(), 1, "{changed:?}");
            Ok(())
        }
    }
    let source = index.clause(a).unwrap().unwrap().0.source;
    let doc_of_a = paths[0].join(std::path::Path::new(&source).file_name().unwrap());
    let mut text = std::fs::read_to_string(&doc_of_a).unwrap();
    text.push_str("\n\nĐoạn mới thêm vào cuối văn bản.\n");
    std::fs::write(&doc_of_a, text).unwrap();
    let (files, _) = vankien_ingest::find_files(paths);
    let report = index
        .ingest_files(
            &files,
            &IngestOptions::default(),
            &mut Tagged(tagged),
            &mut |_| {},
        )
        .unwrap();
    assert_eq!(report.updated.len(), 1);
    assert_eq!(by_sector("nong-nghiep").total, 2);
}

#[test]
fn the_sector_mirror_survives_a_reopen_and_is_replaced_wholesale() {
    let m = mirrored();
    let (idx_dir, index, b) = (m.idx_dir, m.index, m.b);
    // Reopened, the mirror is still there; replaced wholesale, it follows the map.
    drop(index);
    let index = Index::open(idx_dir.path()).unwrap();
    assert_eq!(by_sector(&index, "nong-nghiep").total, 2);
    let mut map = HashMap::new();
    map.insert(b.clone(), vec!["y-te".to_string()]);
    index.replace_all_sectors(&map).unwrap();
    let count_of = |s: &str| {
        index
            .search(&SearchRequest {
                sector: Some(s.into()),
                ..Default::default()
            })
            .unwrap()
    };
    assert_eq!(count_of("nong-nghiep").total, 0);
    assert_eq!(count_of("xay-dung").total, 0);
    assert_eq!(ids_of(&count_of("y-te")), vec![b.clone()]);
    // A clause the index does not hold (its document re-ingested since) is passed over.
    let unknown = HashMap::from([("no-such/clause".to_string(), vec!["y-te".to_string()])]);
    assert_eq!(index.set_sectors(&unknown).unwrap(), 0);
}

fn ids_of(r: &vankien_index::SearchResults) -> Vec<String> {
    r.hits.iter().map(|h| h.clause_id.clone()).collect()
}

#[test]
fn a_failing_hook_stops_the_batch_and_commits_nothing() {
    struct FailAt(usize);
    impl IngestHooks for FailAt {
        fn sectors_for(
            &mut self,
            doc: &vankien_ingest::Document,
        ) -> Result<HashMap<String, Vec<String>>, IndexError> {
            if self.0 == 0 {
                return Err(IndexError::Hook(format!("refused {}", doc.id)));
            }
            self.0 -= 1;
            Ok(HashMap::new())
        }
        fn before_commit(&mut self, _: &[String]) -> Result<(), IndexError> {
            Ok(())
        }
    }
    let idx_dir = tempfile::tempdir().unwrap();
    let index = Index::open_or_create(idx_dir.path()).unwrap();
    // The whole corpus: more files than the workers' queue holds, so workers wait on it.
    let (files, _) = vankien_ingest::find_files(&[crate::common::corpus_dir()]);
    assert!(files.len() > 10);
    let err = index
        .ingest_files(
            &files,
            &IngestOptions::default(),
            &mut FailAt(1),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, IndexError::Hook(ref m) if m.starts_with("refused")),
        "{err}"
    );
    assert!(index.is_empty());
    assert!(Index::open(idx_dir.path()).unwrap().is_empty());
}
