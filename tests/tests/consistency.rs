//! Tags never drift, tried with real second processes: an ingestion killed at each point of its
//! work (`VANKIEN_FAULT`), an ingestion run while a server serves the index (handed to it), an
//! ingestion with another data directory (refused), and an index damaged on disk (rebuilt at
//! start, tags kept).
//!
//! The invariant checked after each: every live tag sits on a clause whose text is the text it
//! was given on, and each tagged text still carries its tags.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use vankien_annotate::{Role, Store};
use vankien_index::Index;
use vankien_library::{Holder, Library, fault};
use vankien_tests::{Server, add_annotator, clause_path, corpus_dir, run_vankien};

/// Two documents of the corpus, and the taxonomy.
const FILES: [&str; 3] = [
    "thai-binh-09-NQ-DH-2020.txt",
    "69-KL-TW.txt",
    "sectors.json",
];

/// The paragraph inserted above a tagged clause: it shifts the ids of the clauses after it.
const INSERTED: &str = "Đoạn văn chèn thêm để thử việc gắn lại nhãn sau khi văn bản thay đổi.";

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        for f in FILES {
            std::fs::copy(corpus_dir().join(f), dir.path().join("corpus").join(f)).unwrap();
        }
        Setup { dir }
    }
    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }
    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    /// `vankien ingest --index … --data DATA corpus/` with `env`.
    fn ingest(&self, data: &Path, env: &[(&str, &str)]) -> std::process::Output {
        let (index, corpus) = (self.index(), self.corpus());
        run_vankien(
            &[
                OsStr::new("ingest"),
                OsStr::new("--index"),
                index.as_os_str(),
                OsStr::new("--data"),
                data.as_os_str(),
                corpus.as_os_str(),
            ],
            env,
        )
    }
    /// The two documents ingested, a paragraph of each tagged, then a paragraph inserted above
    /// each tagged one in its file (not yet ingested).
    fn tagged_and_shifted() -> (Setup, Vec<Tagged>) {
        let setup = Setup::new();
        let first = setup.ingest(&setup.data(), &[]);
        assert!(first.status.success(), "{}", text_of(&first));
        let library = setup.library();
        let tagged = tag_then_shift(
            &setup,
            &library,
            &[
                "nong-nghiep-nong-thon-thuy-san",
                "giao-duc-dao-tao-nhan-luc",
            ],
        );
        (setup, tagged)
    }

    fn library(&self) -> Library {
        let holder = Holder {
            pid: std::process::id(),
            role: "test".into(),
            socket: None,
        };
        let library = Library::open(&self.index(), &self.data(), &holder)
            .unwrap()
            .0;
        library
            .store()
            .load_sectors(&self.corpus().join("sectors.json"))
            .unwrap();
        library
    }
}

fn text_of(out: &std::process::Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A tagged clause: its text and the sector given to it.
#[derive(Debug, Clone)]
struct Tagged {
    old_id: String,
    text: String,
    sector: String,
}

/// Where a clause's opening words (its first four) stand in its source, when they stand there
/// once.
fn unique_opening(source: &str, text: &str) -> Option<usize> {
    let opening = text.split(' ').take(4).collect::<Vec<_>>().join(" ");
    let mut found = source.match_indices(&opening);
    match (found.next(), found.next()) {
        (Some((at, _)), None) => Some(at),
        _ => None,
    }
}

/// Writes `source` back to `file` with [`INSERTED`] as a paragraph of its own above the line that
/// holds byte `at`.
fn insert_above(file: &Path, source: &str, at: usize) {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let shifted = format!(
        "{}{INSERTED}\n\n{}",
        &source[..line_start],
        &source[line_start..]
    );
    std::fs::write(file, shifted).unwrap();
}

/// Tags, in each document, one paragraph deep in the text (so that a paragraph inserted above it
/// shifts its id), and returns them; then inserts [`INSERTED`] above each in the source file.
fn tag_then_shift(setup: &Setup, library: &Library, sectors: &[&str]) -> Vec<Tagged> {
    let store = library.store();
    let user = store.add_user("lan", Role::Annotator).unwrap().0;
    let mut tagged = Vec::new();
    for (doc, sector) in library.index().documents().unwrap().iter().zip(sectors) {
        let file = setup
            .corpus()
            .join(Path::new(&doc.source).file_name().unwrap());
        let source = std::fs::read_to_string(&file).unwrap();
        let full = library.index().document(&doc.id).unwrap().unwrap();
        // A plain paragraph past the first third whose opening words occur once in the file.
        let (clause, at) = full.clauses[full.clauses.len() / 3..]
            .iter()
            .filter(|c| c.label.is_none() && c.text.chars().count() > 80)
            .find_map(|c| Some((c, unique_opening(&source, &c.text)?)))
            .unwrap_or_else(|| panic!("no paragraph to tag in {}", doc.id));
        let outcome = library.tag(&user, &clause.id, sector).unwrap();
        assert!(outcome.changed, "{outcome:?}");
        assert!(
            library.wait_mirrored(outcome.ticket.unwrap()),
            "{outcome:?}"
        );
        tagged.push(Tagged {
            old_id: clause.id.clone(),
            text: clause.text.clone(),
            sector: sector.to_string(),
        });
        insert_above(&file, &source, at);
    }
    assert_eq!(tagged.len(), 2);
    tagged
}

/// Every live tag sits on a clause of the index holding the text it was given on, and each
/// tagged text carries its sector under its new id.
fn assert_no_drift(index_dir: &Path, data_dir: &Path, tagged: &[Tagged], shifted: bool) {
    let index = Index::open(index_dir).unwrap();
    let store = Store::open(data_dir).unwrap();
    let rows = store.export().unwrap();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(!row.orphaned, "an orphan: {row:?}");
        let (_, clause) = index
            .clause(&row.clause_id)
            .unwrap()
            .unwrap_or_else(|| panic!("a tag on a clause not in the index: {row:?}"));
        assert_eq!(clause.text, row.clause_text, "a tag drifted: {row:?}");
    }
    for t in tagged {
        let holder: Vec<_> = rows
            .iter()
            .filter(|r| r.clause_text == t.text && r.sector_id == t.sector)
            .collect();
        assert_eq!(holder.len(), 1, "{t:?} in {rows:?}");
        let (_, clause) = index.clause(&holder[0].clause_id).unwrap().unwrap();
        assert_eq!(clause.text, t.text);
        assert!(
            mirrored_sectors(&index, &clause).contains(&t.sector),
            "the index's mirror lacks {t:?}"
        );
        if shifted {
            assert_ne!(
                holder[0].clause_id, t.old_id,
                "the text did not move: {t:?}"
            );
        }
    }
}

/// The sectors the index shows for a clause, through a search of its own opening words.
fn mirrored_sectors(index: &Index, clause: &vankien_ingest::Clause) -> Vec<String> {
    let results = index
        .search(&vankien_index::SearchRequest {
            query: phrase_of(&clause.text),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    results
        .hits
        .into_iter()
        .find(|h| h.clause_id == clause.id)
        .map(|h| h.sectors)
        .unwrap_or_default()
}

/// A quoted phrase of a text's first eight words.
fn phrase_of(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').take(8).collect();
    format!("\"{}\"", words.join(" ").replace('"', ""))
}

/// The first document the server lists, as `GET /api/documents/{id}` answers it.
fn first_document(server: &Server) -> serde_json::Value {
    let docs = server.get("/api/documents");
    let doc_id = docs.json["documents"][0]["id"].as_str().unwrap();
    let full = server.get(&format!(
        "/api/documents/{}",
        vankien_tests::encode_component(doc_id)
    ));
    assert_eq!(full.status, 200, "{}", full.text);
    full.json
}

/// The ids of the first `n` clauses of a document's answer.
fn clause_ids(doc: &serde_json::Value, n: usize) -> Vec<String> {
    doc["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_ingestion_killed_at_any_point_leaves_every_tag_in_place_or_reattached() {
    for point in fault::POINTS {
        let (setup, tagged) = Setup::tagged_and_shifted();

        let killed = setup.ingest(&setup.data(), &[("VANKIEN_FAULT", point)]);
        assert!(!killed.status.success(), "{point}: {}", text_of(&killed));
        assert!(
            String::from_utf8_lossy(&killed.stderr).contains(&format!("fault injected at {point}")),
            "{point}: {}",
            text_of(&killed)
        );

        // The next run finishes what the killed one recorded, then finds its own work.
        let next = setup.ingest(&setup.data(), &[]);
        let said = text_of(&next);
        assert!(next.status.success(), "{point}: {said}");
        // Killed in the middle of its re-attachment, it had done the first document.
        let left = if point == "mid-reattach" { 1 } else { 2 };
        assert!(
            said.contains(&format!(
                "finished re-attaching the tags of {left} documents"
            )),
            "{point}: {said}"
        );
        assert_no_drift(&setup.index(), &setup.data(), &tagged, true);

        // And a run after that has nothing left to do.
        let last = setup.ingest(&setup.data(), &[]);
        let said = text_of(&last);
        assert!(
            said.contains("0 added, 0 updated, 2 unchanged"),
            "{point}: {said}"
        );
        assert!(!said.contains("finished re-attaching"), "{point}: {said}");
        assert_no_drift(&setup.index(), &setup.data(), &tagged, true);
    }
}

#[test]
fn an_ingestion_journals_the_documents_with_tags_not_a_new_one_without() {
    let (setup, tagged) = Setup::tagged_and_shifted();
    // A document new to the index, with no tag anywhere: nothing of it can need re-attaching.
    let new = "57-NQ-TW.txt";
    assert!(!FILES.contains(&new));
    std::fs::copy(corpus_dir().join(new), setup.corpus().join(new)).unwrap();

    let killed = setup.ingest(&setup.data(), &[("VANKIEN_FAULT", "after-journal")]);
    assert!(!killed.status.success(), "{}", text_of(&killed));

    // The journal held the two changed, tagged documents, not the new one.
    let next = setup.ingest(&setup.data(), &[]);
    let said = text_of(&next);
    assert!(next.status.success(), "{said}");
    assert!(
        said.contains("finished re-attaching the tags of 2 documents"),
        "{said}"
    );
    assert!(said.contains("1 added, 2 updated"), "{said}");
    assert_no_drift(&setup.index(), &setup.data(), &tagged, true);
}

#[test]
fn an_ingestion_with_another_data_directory_is_refused_before_anything_changes() {
    let (setup, tagged) = Setup::tagged_and_shifted();
    let meta_before = std::fs::read(setup.index().join("meta.json")).unwrap();

    let other = setup.dir.path().join("other-data");
    let refused = setup.ingest(&other, &[]);
    let said = text_of(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(said.contains("--data"), "{said}");
    assert!(
        said.contains(&setup.data().canonicalize().unwrap().display().to_string()),
        "{said}"
    );
    assert_eq!(
        std::fs::read(setup.index().join("meta.json")).unwrap(),
        meta_before
    );

    let right = setup.ingest(&setup.data(), &[]);
    assert!(right.status.success(), "{}", text_of(&right));
    assert_no_drift(&setup.index(), &setup.data(), &tagged, true);
}

/// A server on the two documents, a paragraph of each tagged through it, a paragraph inserted
/// above each tagged one, a third document added, and `vankien ingest` run beside the server.
struct Handed {
    setup: Setup,
    server: Server,
    token: String,
    tagged: Vec<Tagged>,
}

fn handed() -> Handed {
    let setup = Setup::new();
    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    let token = add_annotator(&setup.data(), "lan");
    // Tag one paragraph of each document through the server.
    let tagged = {
        let docs = server.get("/api/documents");
        assert_eq!(docs.status, 200, "{}", docs.text);
        let docs = docs.json.as_array().cloned().unwrap_or_else(|| {
            docs.json["documents"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        });
        assert_eq!(docs.len(), 2, "{docs:?}");
        let mut tagged = Vec::new();
        for (doc, sector) in docs.iter().zip([
            "nong-nghiep-nong-thon-thuy-san",
            "giao-duc-dao-tao-nhan-luc",
        ]) {
            let id = doc["id"].as_str().unwrap();
            let full = server.get(&format!(
                "/api/documents/{}",
                vankien_tests::encode_component(id)
            ));
            assert_eq!(full.status, 200, "{}", full.text);
            let file = setup.corpus().join(doc["source"].as_str().unwrap());
            let source = std::fs::read_to_string(&file).unwrap();
            let clauses = full.json["clauses"].as_array().unwrap();
            let (clause, at) = clauses[clauses.len() / 3..]
                .iter()
                .filter(|c| {
                    c["label"].is_null() && c["text"].as_str().unwrap().chars().count() > 80
                })
                .find_map(|c| Some((c, unique_opening(&source, c["text"].as_str()?)?)))
                .expect("a paragraph to tag");
            let clause_id = clause["id"].as_str().unwrap();
            let put = server.put(
                &format!("{}/sectors/{sector}", clause_path(clause_id)),
                Some(&token),
            );
            assert_eq!(put.status, 201, "{}", put.text);
            tagged.push(Tagged {
                old_id: clause_id.to_string(),
                text: clause["text"].as_str().unwrap().to_string(),
                sector: sector.to_string(),
            });
            insert_above(&file, &source, at);
        }
        tagged
    };
    // A new document too.
    std::fs::copy(
        corpus_dir().join("60-NQ-TW.txt"),
        setup.corpus().join("60-NQ-TW.txt"),
    )
    .unwrap();

    let handed = setup.ingest(&setup.data(), &[]);
    let said = text_of(&handed);
    assert!(handed.status.success(), "{said}");
    assert!(said.contains("handing the ingestion to it"), "{said}");
    assert!(said.contains("1 added, 2 updated"), "{said}");

    Handed {
        setup,
        server,
        token,
        tagged,
    }
}

/// The clauses holding the inserted paragraph, as the server finds them.
fn inserted_clauses(server: &Server) -> Vec<String> {
    let inserted = server.get(&format!(
        "/api/search?q={}",
        vankien_tests::encode_component("\"chèn thêm để thử việc gắn lại nhãn\"")
    ));
    assert_eq!(inserted.json["total"], 2, "{}", inserted.text);
    inserted.json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["clause_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_ingestion_beside_a_running_server_is_handed_to_it_and_the_server_follows() {
    let Handed {
        setup,
        server,
        tagged,
        ..
    } = handed();
    // The server sees it all at once: the new document, its clauses, the moved tags.
    let docs = server.get("/api/documents");
    assert!(
        docs.text.contains("60-NQ-TW") || docs.text.contains("60-nq-tw"),
        "{}",
        docs.text
    );
    for id in inserted_clauses(&server) {
        assert_eq!(server.get(&clause_path(&id)).status, 200);
    }
    for t in &tagged {
        let found = server.get(&format!(
            "/api/search?q={}&sector={}",
            vankien_tests::encode_component(&phrase_of(&t.text)),
            t.sector
        ));
        assert_eq!(found.status, 200, "{}", found.text);
        let ids: Vec<&str> = found.json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["clause_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 1, "{t:?}: {}", found.text);
        assert_ne!(ids[0], t.old_id, "{t:?}");
        let clause = server.get(&clause_path(ids[0]));
        assert!(clause.text.contains(&t.sector), "{}", clause.text);
    }

    drop(server);
    assert_no_drift(&setup.index(), &setup.data(), &tagged, true);
}

#[test]
fn a_tag_on_a_corrected_clause_keeps_the_correction() {
    let Handed {
        setup,
        server,
        token,
        tagged,
    } = handed();
    let hits = inserted_clauses(&server);
    // A tag on a corrected clause keeps the correction: the next ingestion has nothing to do.
    let corrected = hits[0].as_str();
    let put = server.put(
        &format!("{}/sectors/y-te-dan-so", clause_path(corrected)),
        Some(&token),
    );
    assert_eq!(put.status, 201, "{}", put.text);
    let again = setup.ingest(&setup.data(), &[]);
    let said = text_of(&again);
    assert!(said.contains("0 added, 0 updated, 3 unchanged"), "{said}");
    let still = server.get(&clause_path(corrected));
    assert!(still.text.contains("chèn thêm"), "{}", still.text);

    drop(server);
    assert_no_drift(&setup.index(), &setup.data(), &tagged, true);
}

#[test]
fn a_server_refuses_an_ingestion_with_another_data_directory() {
    let setup = Setup::new();
    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    // Another data directory is refused by the server too.
    let other = setup.ingest(&setup.dir.path().join("elsewhere"), &[]);
    let said = text_of(&other);
    assert!(!other.status.success(), "{said}");
    assert!(said.contains("--data"), "{said}");
    assert_eq!(server.get("/api/health").status, 200);
}

#[test]
fn a_damaged_index_is_rebuilt_at_start_and_its_tags_kept() {
    let setup = Setup::new();
    let first = setup.ingest(&setup.data(), &[]);
    assert!(first.status.success(), "{}", text_of(&first));
    let library = setup.library();
    let store = library.store().clone();
    let user = store.add_user("lan", Role::Annotator).unwrap().0;
    let doc = library.index().documents().unwrap().remove(0);
    let clause = library.index().document(&doc.id).unwrap().unwrap().clauses[5].clone();
    library
        .tag(&user, &clause.id, "nong-nghiep-nong-thon-thuy-san")
        .unwrap();
    drop((library, store));

    // 2 KB of garbage in the middle of every term dictionary.
    let mut damaged = 0;
    for entry in std::fs::read_dir(setup.index()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "term") {
            let mut bytes = std::fs::read(&path).unwrap();
            let mid = bytes.len() / 2;
            let end = (mid + 2048).min(bytes.len());
            for (i, b) in bytes[mid..end].iter_mut().enumerate() {
                *b = (i * 7 + 13) as u8;
            }
            std::fs::write(&path, bytes).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);

    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    let log = server.log_text();
    assert!(log.contains("was damaged"), "{log}");
    assert!(log.contains("rebuilt from its sources"), "{log}");
    for q in [
        "nông thôn mới",
        "chuyển đổi số",
        "cán bộ",
        "kinh tế",
        "Đảng bộ tỉnh",
    ] {
        let r = server.get(&format!(
            "/api/search?q={}",
            vankien_tests::encode_component(q)
        ));
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        assert!(r.json["total"].as_u64().unwrap() > 0, "{q}: {}", r.text);
    }
    let tagged = server.get(&clause_path(&clause.id));
    assert_eq!(tagged.status, 200, "{}", tagged.text);
    assert!(
        tagged.text.contains("nong-nghiep-nong-thon-thuy-san"),
        "{}",
        tagged.text
    );
    let by_sector = server.get(&format!(
        "/api/search?q={}&sector=nong-nghiep-nong-thon-thuy-san",
        vankien_tests::encode_component(&phrase_of(&clause.text))
    ));
    assert_eq!(by_sector.status, 200, "{}", by_sector.text);
    assert_eq!(by_sector.json["total"], 1, "{}", by_sector.text);
    drop(server);
    let mut rows = BTreeMap::new();
    for row in Store::open(&setup.data()).unwrap().export().unwrap() {
        rows.insert(row.clause_id.clone(), row.clause_text.clone());
    }
    assert_eq!(rows.get(&clause.id), Some(&clause.text));
}

#[test]
fn a_store_truncated_to_nothing_is_refused_at_start_never_served_empty() {
    let setup = Setup::new();
    let first = setup.ingest(&setup.data(), &[]);
    assert!(first.status.success(), "{}", text_of(&first));
    let token = add_annotator(&setup.data(), "lan");
    assert!(token.starts_with("vk_"));
    let db = setup.data().join(vankien_annotate::DB_FILE);
    std::fs::write(&db, b"").unwrap();
    for wal in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{wal}", db.display()));
    }

    let (index, data, corpus) = (setup.index(), setup.data(), setup.corpus());
    let args = [
        OsStr::new("serve"),
        OsStr::new("--index"),
        index.as_os_str(),
        OsStr::new("--data"),
        data.as_os_str(),
        OsStr::new("--corpus"),
        corpus.as_os_str(),
        OsStr::new("--addr"),
        OsStr::new("127.0.0.1:0"),
    ];
    let refused = run_vankien(&args, &[]);
    let said = text_of(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(said.contains(vankien_annotate::MARKER_FILE), "{said}");
    assert!(said.contains("backup"), "{said}");
    // Nothing was created in its place.
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    let ingest = setup.ingest(&setup.data(), &[]);
    assert!(!ingest.status.success(), "{}", text_of(&ingest));
}

#[test]
fn a_backup_made_while_serving_restores_the_tags_it_held() {
    let setup = Setup::new();
    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    let token = add_annotator(&setup.data(), "lan");
    let full = first_document(&server);
    let clause_ids: Vec<String> = clause_ids(&full, 5);
    let tag = |id: &str| {
        let put = server.put(
            &format!("{}/sectors/chuyen-doi-so", clause_path(id)),
            Some(&token),
        );
        assert_eq!(put.status, 201, "{}", put.text);
    };
    for id in &clause_ids[..3] {
        tag(id);
    }
    // In a folder that does not exist yet, as the README's example.
    let file = setup.dir.path().join("backups/backup.sqlite3");
    let (data, file_os) = (setup.data(), file.clone());
    let backup = |force: bool| {
        let mut args = vec![
            OsStr::new("backup"),
            file_os.as_os_str(),
            OsStr::new("--data"),
            data.as_os_str(),
        ];
        if force {
            args.push(OsStr::new("--force"));
        }
        run_vankien(&args, &[])
    };
    let made = backup(false);
    let said = text_of(&made);
    assert!(made.status.success(), "{said}");
    assert!(said.contains("1 users, 3 tags"), "{said}");
    // A second backup to the same file needs --force.
    let again = backup(false);
    assert!(!again.status.success(), "{}", text_of(&again));
    assert!(text_of(&again).contains("--force"));

    for id in &clause_ids[3..] {
        tag(id);
    }
    let restore = || {
        run_vankien(
            &[
                OsStr::new("restore"),
                file.as_os_str(),
                OsStr::new("--data"),
                data.as_os_str(),
            ],
            &[],
        )
    };
    let refused = restore();
    let said = text_of(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(said.contains("stop it, then restore"), "{said}");

    drop(server);
    let restored = restore();
    let said = text_of(&restored);
    assert!(restored.status.success(), "{said}");
    assert!(said.contains("is kept as"), "{said}");

    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    for (i, id) in clause_ids.iter().enumerate() {
        let clause = server.get(&clause_path(id));
        assert_eq!(
            clause.text.contains("chuyen-doi-so"),
            i < 3,
            "clause {i}: {}",
            clause.text
        );
    }
    // The user and the token came back with the store.
    let untag = server.delete(
        &format!("{}/sectors/chuyen-doi-so", clause_path(&clause_ids[0])),
        Some(&token),
    );
    assert_eq!(untag.status, 200, "{}", untag.text);
    // And the search index followed the restored store at start.
    let found = server.get(&format!(
        "/api/search?q={}&sector=chuyen-doi-so",
        vankien_tests::encode_component(&phrase_of(full["clauses"][4]["text"].as_str().unwrap()))
    ));
    assert_eq!(found.json["total"], 0, "{}", found.text);
}

/// What the store holds for (clause, sector) of user `lan`, read after the server stopped.
fn lan_tags(data: &Path) -> std::collections::BTreeSet<(String, String)> {
    Store::open(data)
        .unwrap()
        .export()
        .unwrap()
        .into_iter()
        .filter(|r| r.annotator == "lan" && !r.orphaned)
        .map(|r| (r.clause_id, r.sector_id))
        .collect()
}

#[test]
fn a_tag_write_answers_2xx_exactly_when_committed_during_an_ingestion_and_without_an_index() {
    let setup = Setup::new();
    let server = Server::start_with(&setup.index(), &setup.data(), &setup.corpus());
    let token = add_annotator(&setup.data(), "lan");
    let full = first_document(&server);
    let clause_ids: Vec<String> = clause_ids(&full, 40);

    // Twelve more documents, ingested by a second process through the server, while tags are
    // written and removed without pause.
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let to = setup.corpus().join(path.file_name().unwrap());
            if !to.exists() {
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
    let (index, data, corpus) = (setup.index(), setup.data(), setup.corpus());
    let ingest = std::process::Command::new(vankien_tests::vankien_bin())
        .arg("ingest")
        .arg("--index")
        .arg(&index)
        .arg("--data")
        .arg(&data)
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut expected = std::collections::BTreeSet::new();
    let mut answers = BTreeMap::<u16, usize>::new();
    let sector = "chuyen-doi-so";
    let mut ingest = Some(ingest);
    let mut during = 0;
    for round in 0.. {
        let id = &clause_ids[round % clause_ids.len()];
        let path = format!("{}/sectors/{sector}", clause_path(id));
        let key = (id.clone(), sector.to_string());
        let reply = if expected.contains(&key) {
            server.delete(&path, Some(&token))
        } else {
            server.put(&path, Some(&token))
        };
        *answers.entry(reply.status).or_default() += 1;
        assert!(
            reply.status < 500,
            "a 5xx during an ingestion: {}",
            reply.text
        );
        if reply.status / 100 == 2 && !expected.remove(&key) {
            expected.insert(key);
        }
        if let Some(child) = ingest.as_mut()
            && child.try_wait().unwrap().is_some()
        {
            let out = ingest.take().unwrap().wait_with_output().unwrap();
            let said = String::from_utf8_lossy(&out.stderr).to_string();
            assert!(out.status.success(), "{said}");
            assert!(said.contains("handing the ingestion to it"), "{said}");
            assert!(said.contains("12 added"), "{said}");
            during = round + 1;
        }
        if ingest.is_none() && round + 1 >= during.max(20) {
            break;
        }
    }
    eprintln!("{during} tag writes during the ingestion: {answers:?}");
    assert!(
        during >= 2,
        "the ingestion ended before any write: {answers:?}"
    );

    // The index folder deleted under the server: a write answers 2xx only if it is committed.
    // The mirror may be writing a new segment meanwhile: a removal can meet a file made after it
    // listed the folder; it is tried again until the folder is gone.
    let mut tries = 0;
    while let Err(e) = std::fs::remove_dir_all(&index) {
        tries += 1;
        assert!(tries < 50, "cannot remove {}: {e}", index.display());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut after = Vec::new();
    for id in &clause_ids[..3] {
        let reply = server.put(
            &format!("{}/sectors/y-te-dan-so", clause_path(id)),
            Some(&token),
        );
        after.push((id.clone(), reply.status, reply.text));
    }
    drop(server);
    let stored = lan_tags(&data);
    for (id, status, text) in &after {
        let committed = stored.contains(&(id.clone(), "y-te-dan-so".to_string()));
        assert_eq!(status / 100 == 2, committed, "{status} {text}");
        assert!(
            *status < 500 || !committed,
            "a 5xx for a committed write: {text}"
        );
    }
    let kept: std::collections::BTreeSet<_> =
        stored.into_iter().filter(|(_, s)| s == sector).collect();
    assert_eq!(
        kept, expected,
        "the store differs from the acknowledged writes"
    );
}
