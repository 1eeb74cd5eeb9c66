//! Integration tests of the annotation store on real SQLite files in temporary directories: the
//! shipped taxonomy, tagging and its audit trail, tokens, concurrency, crash safety (a child process
//! killed with SIGKILL), a database truncated, replaced or damaged behind the store's back, and
//! re-attachment of tags after a real corpus document changes.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use vankien_annotate::{InternalError, UserError};

use vankien_annotate::anchor::{canonical_text, text_hash};
use vankien_annotate::{
    ClauseRef, DB_FILE, Gone, MARKER_FILE, Role, Store, StoreError, User, token,
};
use vankien_ingest::normalize::{folded_key, words};
use vankien_ingest::{Clause, Document};

mod team;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sectors_file() -> PathBuf {
    repo_root().join("corpus/sectors.json")
}

/// A store in a fresh directory with the shipped taxonomy loaded.
fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    store.load_sectors(&sectors_file()).unwrap();
    (dir, store)
}

/// A made-up clause reference (for tests where the text's content does not matter).
fn clause(id: &str, text: &str) -> ClauseRef {
    ClauseRef {
        clause_id: id.to_string(),
        doc_id: id.split('/').next().unwrap().to_string(),
        doc_number: Some("09-NQ/ĐH".into()),
        section_path: vec!["A".into(), "II".into()],
        text: text.to_string(),
    }
}

fn count_actions(store: &Store, action: &str) -> usize {
    store
        .audit(usize::MAX)
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

#[test]
fn shipped_taxonomy_loads_and_reloads_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let n = store.load_sectors(&sectors_file()).unwrap();
    let sectors = store.sectors().unwrap();
    assert_eq!(sectors.len(), n);
    let top: Vec<_> = sectors.iter().filter(|s| s.parent.is_none()).collect();
    assert_eq!(top.len(), 22, "the 22 sectors of the issue");
    assert_eq!(top[0].id, "xay-dung-dang");
    assert_eq!(top[0].name, "Xây dựng Đảng");
    assert_eq!(top[21].name, "An ninh và trật tự xã hội");
    let thuy_loi = sectors.iter().find(|s| s.id == "thuy-loi").unwrap();
    assert_eq!(
        thuy_loi.parent.as_deref(),
        Some("nong-nghiep-nong-thon-thuy-san")
    );
    assert!(sectors.iter().any(|s| s.id == "nong-thon-moi"));
    assert_eq!(count_actions(&store, "sectors_load"), 1);

    // Loading the same file again changes nothing and logs nothing.
    assert_eq!(store.load_sectors(&sectors_file()).unwrap(), n);
    assert_eq!(store.sectors().unwrap(), sectors);
    assert_eq!(count_actions(&store, "sectors_load"), 1);

    // An edited copy: a renamed sector and a new one are upserted by id.
    let text = std::fs::read_to_string(sectors_file()).unwrap();
    let edited = text
        .replace("\"Du lịch\"", "\"Du lịch và lữ hành\"")
        .replace(
            "{ \"id\": \"quoc-phong\"",
            "{ \"id\": \"bien-dao\", \"name\": \"Biển, đảo\" },\n    { \"id\": \"quoc-phong\"",
        );
    let copy = dir.path().join("sectors.json");
    std::fs::write(&copy, edited).unwrap();
    assert_eq!(store.load_sectors(&copy).unwrap(), n + 1);
    let after = store.sectors().unwrap();
    assert_eq!(
        after.iter().find(|s| s.id == "du-lich").unwrap().name,
        "Du lịch và lữ hành"
    );
    let pos = |id: &str| after.iter().position(|s| s.id == id).unwrap();
    assert_eq!(pos("bien-dao") + 1, pos("quoc-phong"));
    // The renamed sector, and the two that moved down one place.
    assert_eq!(
        store.audit(1).unwrap()[0].to.as_deref(),
        Some("1 added, 3 changed")
    );

    // A broken file is refused with the problem named, and nothing changes.
    std::fs::write(
        &copy,
        text.replace("\"parent\": \"xay-dung-dang\"", "\"parent\": \"khong-co\""),
    )
    .unwrap();
    let err = store.load_sectors(&copy).unwrap_err();
    assert!(
        matches!(err, StoreError::User(UserError::Taxonomy { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("khong-co"), "{err}");
    assert!(err.is_user_error());
    assert_eq!(store.sectors().unwrap(), after);
}

/// One clause tagged by two annotators (lan: two sectors, minh: one), and an admin.
struct Tagging {
    _dir: tempfile::TempDir,
    store: Store,
    lan: User,
    minh: User,
    admin: User,
    c: ClauseRef,
}

fn tagging() -> Tagging {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (minh, _) = store.add_user("minh", Role::Annotator).unwrap();
    let (admin, _) = store.add_user("quan-tri", Role::Admin).unwrap();
    let c = clause("doc/a.ii.1", "Xây dựng nông thôn mới gắn với đô thị hóa.");
    assert!(store.tag(&lan, &c, "nong-thon-moi").unwrap());
    assert!(!store.tag(&lan, &c, "nong-thon-moi").unwrap(), "idempotent");
    assert!(store.tag(&lan, &c, "khu-kinh-te-do-thi-nha-o").unwrap());
    assert!(
        store.tag(&minh, &c, "nong-thon-moi").unwrap(),
        "another annotator, same sector"
    );

    Tagging {
        _dir,
        store,
        lan,
        minh,
        admin,
        c,
    }
}

/// lan and minh remove tags, an admin removes minh's: each allowed or refused as the roles say.
fn removals(t: &Tagging) {
    // An annotator cannot remove a sector only another put there; a forged role does not help.
    assert!(!t.store.untag(&t.lan, "doc/a.ii.1", "du-lich").unwrap());
    assert!(t.store.tag(&t.minh, &t.c, "du-lich").unwrap());
    let err = t.store.untag(&t.lan, "doc/a.ii.1", "du-lich").unwrap_err();
    assert!(
        matches!(err, StoreError::User(UserError::Forbidden(_))),
        "{err}"
    );
    let forged = User {
        name: "lan".into(),
        role: Role::Admin,
    };
    assert!(matches!(
        t.store.untag(&forged, "doc/a.ii.1", "du-lich"),
        Err(StoreError::User(UserError::Forbidden(_)))
    ));

    // The annotator removes their own tag only; minh's stays.
    assert!(
        t.store
            .untag(&t.lan, "doc/a.ii.1", "nong-thon-moi")
            .unwrap()
    );
    // Asked again, the sector is still there, but only minh's now.
    assert!(matches!(
        t.store.untag(&t.lan, "doc/a.ii.1", "nong-thon-moi"),
        Err(StoreError::User(UserError::Forbidden(_)))
    ));
    assert!(
        !t.store
            .untag(&t.lan, "doc/a.ii.1", "doi-ngoai-hoi-nhap")
            .unwrap()
    );
    assert_eq!(
        t.store.clause_sectors("doc/a.ii.1").unwrap(),
        ["du-lich", "khu-kinh-te-do-thi-nha-o", "nong-thon-moi"]
    );
    // An admin removes the sector altogether.
    assert!(t.store.untag(&t.admin, "doc/a.ii.1", "du-lich").unwrap());
    assert_eq!(
        t.store.clause_sectors("doc/a.ii.1").unwrap(),
        ["khu-kinh-te-do-thi-nha-o", "nong-thon-moi"]
    );
}

#[test]
fn a_tag_is_kept_once_per_user_and_sector() {
    let t = tagging();
    let tags = t.store.tags_for_clause("doc/a.ii.1").unwrap();
    let got: Vec<(&str, &str)> = tags
        .iter()
        .map(|t| (t.sector_id.as_str(), t.user.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("nong-thon-moi", "lan"),
            ("khu-kinh-te-do-thi-nha-o", "lan"),
            ("nong-thon-moi", "minh")
        ]
    );
    assert!(
        tags.iter()
            .all(|t| t.at.ends_with('Z') && t.at.contains('T'))
    );
    assert_eq!(
        t.store.clause_sectors("doc/a.ii.1").unwrap(),
        ["khu-kinh-te-do-thi-nha-o", "nong-thon-moi"]
    );
    assert_eq!(
        t.store.sector_map().unwrap(),
        HashMap::from([(
            "doc/a.ii.1".to_string(),
            vec![
                "khu-kinh-te-do-thi-nha-o".to_string(),
                "nong-thon-moi".to_string()
            ]
        )])
    );
}

#[test]
fn a_tag_naming_an_unknown_sector_or_user_or_an_empty_clause_is_refused() {
    let t = tagging();
    // Errors: an unknown sector, an unknown user, a bad clause reference.
    let err = t.store.tag(&t.lan, &t.c, "khong-co").unwrap_err();
    assert!(matches!(err, StoreError::User(UserError::UnknownSector(ref s)) if s == "khong-co"));
    assert!(err.is_user_error());
    let ghost = User {
        name: "ma".into(),
        role: Role::Admin,
    };
    assert!(matches!(
        t.store.tag(&ghost, &t.c, "du-lich"),
        Err(StoreError::User(UserError::UnknownUser(_)))
    ));
    assert!(matches!(
        t.store.tag(&t.lan, &clause("doc/x", " \n "), "du-lich"),
        Err(StoreError::User(UserError::InvalidInput(_)))
    ));
}

#[test]
fn an_annotator_removes_only_their_own_tags_and_an_admin_any() {
    let t = tagging();
    removals(&t);
}

#[test]
fn every_tag_change_is_audited_newest_first_with_the_sectors_before_and_after() {
    let t = tagging();
    removals(&t);
    // One audit entry per change, newest first, with the clause's sectors before and after.
    let log: Vec<_> = t
        .store
        .audit(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "tag" || e.action == "untag")
        .collect();
    let summary: Vec<(String, String, String, String, String, String)> = log
        .iter()
        .rev()
        .map(|e| {
            (
                e.action.clone(),
                e.actor.clone(),
                e.subject.clone().unwrap(),
                e.sector_id.clone().unwrap(),
                e.from.clone().unwrap(),
                e.to.clone().unwrap(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
        (a.into(), b.into(), c.into(), d.into(), e.into(), f.into())
    };
    assert_eq!(
        summary,
        vec![
            s("tag", "lan", "lan", "nong-thon-moi", "", "nong-thon-moi"),
            s(
                "tag",
                "lan",
                "lan",
                "khu-kinh-te-do-thi-nha-o",
                "nong-thon-moi",
                "khu-kinh-te-do-thi-nha-o,nong-thon-moi"
            ),
            s(
                "tag",
                "minh",
                "minh",
                "nong-thon-moi",
                "khu-kinh-te-do-thi-nha-o,nong-thon-moi",
                "khu-kinh-te-do-thi-nha-o,nong-thon-moi"
            ),
            s(
                "tag",
                "minh",
                "minh",
                "du-lich",
                "khu-kinh-te-do-thi-nha-o,nong-thon-moi",
                "du-lich,khu-kinh-te-do-thi-nha-o,nong-thon-moi"
            ),
            s(
                "untag",
                "lan",
                "lan",
                "nong-thon-moi",
                "du-lich,khu-kinh-te-do-thi-nha-o,nong-thon-moi",
                "du-lich,khu-kinh-te-do-thi-nha-o,nong-thon-moi"
            ),
            s(
                "untag",
                "quan-tri",
                "minh",
                "du-lich",
                "du-lich,khu-kinh-te-do-thi-nha-o,nong-thon-moi",
                "khu-kinh-te-do-thi-nha-o,nong-thon-moi"
            ),
        ]
    );
    assert!(
        log.iter()
            .all(|e| e.clause_id.as_deref() == Some("doc/a.ii.1"))
    );
    let ids: Vec<i64> = t.store.audit(100).unwrap().iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
}

#[test]
fn audit_log_cannot_be_deleted_or_altered() {
    let (dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    store
        .tag(&lan, &clause("doc/1", "Phát triển du lịch."), "du-lich")
        .unwrap();
    store.untag(&lan, "doc/1", "du-lich").unwrap();
    let before = store.audit(100).unwrap();
    assert_eq!(before.len(), 4, "sectors_load, user_add, tag, untag");

    // Even someone with the file and plain SQL cannot rewrite history.
    let conn = rusqlite::Connection::open(dir.path().join("data").join(DB_FILE)).unwrap();
    for sql in [
        "DELETE FROM audit",
        "DELETE FROM audit WHERE action = 'untag'",
        "UPDATE audit SET actor = 'someone-else'",
        "UPDATE audit SET to_value = NULL WHERE action = 'tag'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    drop(conn);
    assert_eq!(store.audit(100).unwrap(), before);
    // The untag deleted the tag, not the history.
    assert!(store.tags_for_clause("doc/1").unwrap().is_empty());
}

#[test]
fn tokens_authenticate_and_revocation_is_immediate() {
    let (_dir, store) = fresh_store();
    let (lan, token) = store.add_user("lan", Role::Annotator).unwrap();
    let (_, admin_token) = store.add_user("an", Role::Admin).unwrap();
    assert!(token.starts_with("vk_"));
    assert_ne!(token, admin_token);

    assert_eq!(store.authenticate(&token).unwrap(), lan);
    // A second check of the same token is as right as the first.
    assert_eq!(store.authenticate(&token).unwrap(), lan);
    assert_eq!(store.authenticate(&admin_token).unwrap().role, Role::Admin);

    // Bad tokens: malformed, unknown id, right id with a wrong secret.
    let mut wrong = token.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let unknown = format!("vk_{}{}", "0".repeat(16), &token[19..]);
    for bad in [
        "",
        "Bearer x",
        "vk_",
        &token[..token.len() - 1],
        &wrong,
        &unknown,
    ] {
        let err = store.authenticate(bad).unwrap_err();
        assert!(
            matches!(err, StoreError::User(UserError::BadToken)),
            "{bad:?}: {err}"
        );
        assert!(err.is_user_error());
    }

    assert!(matches!(
        store.add_user("lan", Role::Admin),
        Err(StoreError::User(UserError::UserExists(_)))
    ));
    assert!(matches!(
        store.add_user("a b", Role::Admin),
        Err(StoreError::User(UserError::InvalidInput(_)))
    ));

    // A second token; both work; revoking kills both at once, checked before or not.
    let second = store.new_token("lan").unwrap();
    assert_eq!(store.authenticate(&second).unwrap(), lan);
    assert_eq!(store.revoke_tokens("lan").unwrap(), 2);
    assert!(matches!(
        store.authenticate(&token),
        Err(StoreError::User(UserError::BadToken))
    ));
    assert!(matches!(
        store.authenticate(&second),
        Err(StoreError::User(UserError::BadToken))
    ));
    assert_eq!(store.revoke_tokens("lan").unwrap(), 0);
    // Other users are untouched; a new token works again.
    assert!(store.authenticate(&admin_token).is_ok());
    let third = store.new_token("lan").unwrap();
    assert_eq!(store.authenticate(&third).unwrap(), lan);
    assert!(matches!(
        store.new_token("ai"),
        Err(StoreError::User(UserError::UnknownUser(_)))
    ));
    assert!(matches!(
        store.revoke_tokens("ai"),
        Err(StoreError::User(UserError::UnknownUser(_)))
    ));

    // The listing shows token ids and states, never secrets.
    let users = store.users().unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["an", "lan"]);
    let lan_info = &users[1];
    assert_eq!(lan_info.role, Role::Annotator);
    assert_eq!(lan_info.tokens.len(), 3);
    assert_eq!(
        lan_info
            .tokens
            .iter()
            .filter(|t| t.revoked_at.is_some())
            .count(),
        2
    );
    for (t, full) in lan_info.tokens.iter().zip([&token, &second, &third]) {
        assert!(full.starts_with(&format!("vk_{}_", t.id)));
    }
    let listing = serde_json::to_string(&users).unwrap();
    for secret in [&token, &second, &third, &admin_token] {
        assert!(!listing.contains(&secret[20..]));
    }
    let log = store.audit(100).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "token_revoke" && e.subject.as_deref() == Some("lan"))
    );
}

/// Adds a token for `user` as an older build stored it, with its secret hashed by argon2id;
/// returns the token.
fn insert_legacy_token(db: &Path, user: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let token = token::generate().token;
    let (id, secret) = token::split(&token).unwrap();
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).unwrap();
    let phc = argon2::Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let inserted = rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            "INSERT INTO tokens (id, user_id, hash, created_at)
             SELECT ?1, id, ?2, '2025-01-01T00:00:00.000Z' FROM users WHERE name = ?3",
            (id, phc, user),
        )
        .unwrap();
    assert_eq!(inserted, 1);
    token
}

/// The stored hash of a token, by the token.
fn stored_hash(db: &Path, token: &str) -> String {
    let (id, _) = token::split(token).unwrap();
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT hash FROM tokens WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

#[test]
fn token_hashes_are_blake3_and_legacy_argon2_ones_upgrade_on_use() {
    let (_dir, store) = fresh_store();
    let db = store.path().to_path_buf();
    let (lan, token) = store.add_user("lan", Role::Annotator).unwrap();
    let (_, secret) = token::split(&token).unwrap();
    let hash = stored_hash(&db, &token);
    assert!(hash.starts_with("blake3:"), "{hash}");
    assert_eq!(hash, token::hash(secret));

    // Wrong secret for a known id and any secret for an unknown id: the same answer.
    let wrong = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('0') { '1' } else { '0' }
    );
    let unknown = format!("vk_{}{}", "f".repeat(16), &token[19..]);
    for bad in [&wrong, &unknown] {
        assert!(
            matches!(
                store.authenticate(bad),
                Err(StoreError::User(UserError::BadToken))
            ),
            "{bad}"
        );
    }

    // A token from an older build: refused with a wrong secret (and left as it is), accepted
    // with the right one and then stored as blake3, and still accepted after that.
    let legacy = insert_legacy_token(&db, "lan");
    let (_, legacy_secret) = token::split(&legacy).unwrap();
    let phc = stored_hash(&db, &legacy);
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    let legacy_wrong = format!(
        "{}{}",
        &legacy[..legacy.len() - 1],
        if legacy.ends_with('0') { '1' } else { '0' }
    );
    assert!(matches!(
        store.authenticate(&legacy_wrong),
        Err(StoreError::User(UserError::BadToken))
    ));
    assert_eq!(stored_hash(&db, &legacy), phc);
    assert_eq!(store.authenticate(&legacy).unwrap(), lan);
    assert_eq!(stored_hash(&db, &legacy), token::hash(legacy_secret));
    assert_eq!(store.authenticate(&legacy).unwrap(), lan);
    assert!(matches!(
        store.authenticate(&legacy_wrong),
        Err(StoreError::User(UserError::BadToken))
    ));

    // A revoked legacy token is refused, and not upgraded.
    let revoked = insert_legacy_token(&db, "lan");
    let phc = stored_hash(&db, &revoked);
    assert_eq!(store.revoke_tokens("lan").unwrap(), 3);
    for t in [&token, &legacy, &revoked] {
        assert!(
            matches!(
                store.authenticate(t),
                Err(StoreError::User(UserError::BadToken))
            ),
            "{t}"
        );
    }
    assert_eq!(stored_hash(&db, &revoked), phc);
}

/// Every byte under `dir` (the database, its WAL and shared-memory files).
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        out.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    out
}

fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn token_secrets_never_reach_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data).unwrap();
    let mut tokens = Vec::new();
    for name in ["lan", "minh", "hoa"] {
        tokens.push(store.add_user(name, Role::Annotator).unwrap().1);
    }
    tokens.push(store.new_token("lan").unwrap());
    for t in &tokens {
        store.authenticate(t).unwrap();
    }
    // Look both while the WAL holds the writes and after a checkpoint into the main file.
    for _ in 0..2 {
        let bytes = all_bytes(&data);
        assert!(contains_bytes(&bytes, b"blake3:"), "hashes are stored");
        for t in &tokens {
            let (id, secret) = t[3..].split_once('_').unwrap();
            assert!(contains_bytes(&bytes, id.as_bytes()), "the id is stored");
            assert!(!contains_bytes(&bytes, secret.as_bytes()), "secret on disk");
            assert!(
                !contains_bytes(&bytes, &secret.as_bytes()[..16]),
                "part of a secret on disk"
            );
        }
        drop(
            rusqlite::Connection::open(data.join(DB_FILE))
                .unwrap()
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"),
        );
    }
}

#[test]
fn concurrent_annotators_lose_no_update() {
    const THREADS: usize = 8;
    const TAGS: usize = 50;
    const CLAUSES: usize = 20;
    let (_dir, store) = fresh_store();
    let store = Arc::new(store);
    let sector_ids: Vec<String> = store
        .sectors()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .take(6)
        .collect();
    let mut users = Vec::new();
    for t in 0..THREADS {
        users.push(
            store
                .add_user(&format!("nguoi-{t}"), Role::Annotator)
                .unwrap(),
        );
    }
    // Two extra threads share one user and race on the very same tags.
    let (shared_user, shared_token) = store.add_user("chung", Role::Annotator).unwrap();
    let audit_before = store.audit(usize::MAX).unwrap().len();

    let barrier = Arc::new(Barrier::new(THREADS + 2));
    let mut handles = Vec::new();
    for (t, (user, token)) in users.into_iter().enumerate() {
        let (store, barrier, sector_ids) = (store.clone(), barrier.clone(), sector_ids.clone());
        handles.push(std::thread::spawn(move || {
            barrier.wait();
            let mut mine = BTreeSet::new();
            let mut added = 0;
            for i in 0..TAGS {
                // Authenticate on every write, as the server does; reads interleave with writes.
                assert_eq!(store.authenticate(&token).unwrap(), user);
                let c = (t * 3 + i) % CLAUSES;
                let s = &sector_ids[(i + t) % sector_ids.len()];
                let r = clause(
                    &format!("dong/c{c}"),
                    &format!("Điều khoản số {c} về phát triển."),
                );
                if store.tag(&user, &r, s).unwrap() {
                    added += 1;
                }
                mine.insert((format!("dong/c{c}"), s.clone(), user.name.clone()));
                store.tags_for_clause(&r.clause_id).unwrap();
            }
            (mine, added)
        }));
    }
    let mut shared = Vec::new();
    for _ in 0..2 {
        let (store, barrier, sector_ids) = (store.clone(), barrier.clone(), sector_ids.clone());
        let (user, token) = (shared_user.clone(), shared_token.clone());
        shared.push(std::thread::spawn(move || {
            barrier.wait();
            let mut added = 0;
            for i in 0..TAGS {
                assert_eq!(store.authenticate(&token).unwrap(), user);
                let r = clause(&format!("dong/c{}", i % CLAUSES), "Điều khoản chung.");
                if store.tag(&user, &r, &sector_ids[i % 3]).unwrap() {
                    added += 1;
                }
            }
            added
        }));
    }
    let mut expected = BTreeSet::new();
    let mut added_total = 0;
    for h in handles {
        let (mine, added) = h.join().unwrap();
        assert_eq!(
            added,
            mine.len(),
            "each distinct tag reported new exactly once"
        );
        added_total += added;
        expected.extend(mine);
    }
    let shared_added: usize = shared.into_iter().map(|h| h.join().unwrap()).sum();
    // 50 tags over 20 clauses × 3 sectors: i and i+20 collide only when i % 3 agrees too.
    let shared_distinct: BTreeSet<(usize, usize)> =
        (0..TAGS).map(|i| (i % CLAUSES, i % 3)).collect();
    assert_eq!(
        shared_added,
        shared_distinct.len(),
        "two racing threads, one winner per tag"
    );
    for (c, s) in &shared_distinct {
        expected.insert((
            format!("dong/c{c}"),
            sector_ids[*s].clone(),
            "chung".to_string(),
        ));
    }

    let rows = store.export().unwrap();
    let got: BTreeSet<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.clause_id.clone(),
                r.sector_id.clone(),
                r.annotator.clone(),
            )
        })
        .collect();
    assert_eq!(rows.len(), got.len(), "no duplicate rows");
    assert_eq!(got, expected);
    assert_eq!(rows.len(), added_total + shared_added);
    let audit = store.audit(usize::MAX).unwrap();
    assert_eq!(
        audit.len() - audit_before,
        rows.len(),
        "one audit entry per new tag"
    );
    assert!(store.integrity_check().unwrap().is_empty());
}

/// Set in the child process of [`acknowledged_writes_survive_sigkill`]: the data directory.
const CRASH_CHILD_ENV: &str = "VANKIEN_TEST_CRASH_CHILD_DATA";

/// The child's part: tag clause after clause and acknowledge each committed tag on stdout, until
/// killed (or, should the parent vanish, after a while).
fn crash_child(data: &Path) -> ! {
    let store = Store::open(data).unwrap();
    let user = store
        .authenticate(&std::env::var("VANKIEN_TEST_TOKEN").unwrap())
        .unwrap();
    let sectors = store.sectors().unwrap();
    let mut out = std::io::stdout().lock();
    for n in 0..20_000 {
        let r = clause(
            &format!("sap/c{n}"),
            &format!("Nội dung điều khoản thứ {n}."),
        );
        store
            .tag(&user, &r, &sectors[n % sectors.len()].id)
            .unwrap();
        writeln!(out, "ACK {n}").unwrap();
        out.flush().unwrap();
    }
    std::process::exit(3)
}

/// The number of an `ACK <n>` line of the child. The test harness may print its own words in
/// front of the first one.
fn ack_number(line: &str) -> Option<usize> {
    let at = line.find("ACK ")?;
    Some(line[at + 4..].trim().parse().expect("a whole ACK line"))
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    if let Some(data) = std::env::var_os(CRASH_CHILD_ENV) {
        crash_child(Path::new(&data));
    }
    const ACKS_BEFORE_KILL: usize = 150;
    let (dir, store) = fresh_store();
    let data = dir.path().join("data");
    let (_, token) = store.add_user("lan", Role::Annotator).unwrap();
    let sectors = store.sectors().unwrap();
    drop(store);

    // Re-run this very test binary, selecting only this test, in child mode.
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "acknowledged_writes_survive_sigkill",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CRASH_CHILD_ENV, &data)
        .env("VANKIEN_TEST_TOKEN", &token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut acked = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while acked.len() < ACKS_BEFORE_KILL {
        let line = lines.next().expect("child ended early").unwrap();
        acked.extend(ack_number(&line));
    }
    // SIGKILL: no destructor, no checkpoint, no clean close; the child is mid-write.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "killed while still writing: {status:?}"
        );
    }
    assert!(!status.success());
    // ACKs the child wrote before dying may still sit in the pipe: they count too.
    for line in lines {
        acked.extend(ack_number(&line.unwrap()));
    }

    assert_eq!(acked, (0..acked.len()).collect::<Vec<_>>());

    let store = Store::open(&data).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    for n in &acked {
        let tags = store.tags_for_clause(&format!("sap/c{n}")).unwrap();
        assert_eq!(tags.len(), 1, "acknowledged tag {n} lost");
        assert_eq!(tags[0].sector_id, sectors[n % sectors.len()].id);
        assert_eq!(tags[0].user, "lan");
    }
    // Whatever committed after the last acknowledgement is whole: each tag with its audit entry.
    let rows = store.export().unwrap();
    assert!(rows.len() >= acked.len());
    assert!(
        rows.len() <= acked.len() + 2,
        "{} rows for {} acks",
        rows.len(),
        acked.len()
    );
    assert_eq!(count_actions(&store, "tag"), rows.len());
    // And the store takes writes again.
    let user = store.authenticate(&token).unwrap();
    assert!(
        store
            .tag(&user, &clause("sap/sau", "Sau sự cố."), "du-lich")
            .unwrap()
    );
}

// ---------------------------------------------------------------- re-attachment

fn folded(text: &str) -> Vec<String> {
    words(text).map(|(_, w)| folded_key(w)).collect()
}

/// Clauses of `doc` fit to be anchors in the test: long (the quote is a true prefix), with a text
/// and a quote found in no other clause, and whose span ends with their text's words.
fn candidates(doc: &Document) -> Vec<usize> {
    let texts: Vec<Vec<String>> = doc.clauses.iter().map(|c| folded(&c.text)).collect();
    (0..doc.clauses.len())
        .filter(|&i| {
            let c = &doc.clauses[i];
            let canon = canonical_text(&c.text);
            if canon.chars().count() < 320 {
                return false;
            }
            let q = folded(&vankien_annotate::anchor::quote(&c.text));
            let unique = texts.iter().enumerate().all(|(j, t)| {
                j == i
                    || (text_hash(&doc.clauses[j].text) != text_hash(&c.text)
                        && !t.windows(q.len()).any(|w| w == q))
            });
            let span_words = folded(&doc.text[c.span[0]..c.span[1]]);
            unique && span_words.ends_with(&texts[i])
        })
        .collect()
}

/// Byte range (in the document text) of the `k`-th word of clause `c`'s text (negative: from the
/// end), found in its span after the label's words.
fn word_in_span(doc: &Document, c: &Clause, k: isize) -> std::ops::Range<usize> {
    let span = &doc.text[c.span[0]..c.span[1]];
    let ws: Vec<_> = words(span).collect();
    let n_text = words(&c.text).count();
    let first = ws.len() - n_text;
    let idx = if k >= 0 {
        first + k as usize
    } else {
        ws.len() - (-k) as usize
    };
    let r = ws[idx].0.clone();
    c.span[0] + r.start..c.span[0] + r.end
}

/// A word whose folded key differs from `word`'s.
fn other_word(word: &str) -> &'static str {
    if folded_key(word) == "thu" {
        "mới"
    } else {
        "thử"
    }
}

fn write_doc(dir: &Path, name: &str, text: &str) -> Document {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    vankien_ingest::read_file(&path).unwrap()
}

/// A tagged document edited five ways, and its tags re-attached once: the fixture of the
/// re-attachment tests. K: untouched, before every edit. L: its last word changed. W: its third
/// word changed. P: a paragraph inserted before it, chosen so that its id shifts. T: untouched,
/// after P. D: deleted. Each carries one sector of `lan`.
struct Edited {
    _dir: tempfile::TempDir,
    _sdir: tempfile::TempDir,
    store: Store,
    original: Document,
    edited: Document,
    /// The clause indexes of K, L, W, P, T, D in the original.
    k: usize,
    l: usize,
    w: usize,
    p: usize,
    t: usize,
    d: usize,
    /// The word of L that was changed.
    wl: std::ops::Range<usize>,
    report: vankien_annotate::ReattachReport,
}

/// The sector each of K, L, W, P, T, D carries.
const EDITED_SECTORS: [&str; 6] = [
    "du-lich",
    "chuyen-doi-so",
    "doi-moi-sang-tao",
    "quoc-phong",
    "y-te-dan-so",
    "dat-dai",
];

impl Edited {
    fn new() -> Edited {
        let name = "57-NQ-TW.txt";
        let original = vankien_ingest::read_file(&repo_root().join("corpus").join(name)).unwrap();
        let cands = candidates(&original);
        assert!(
            cands.len() >= 8,
            "57-NQ/TW has long clauses: {} candidates",
            cands.len()
        );
        let dir = tempfile::tempdir().unwrap();
        // Same file name: the document keeps its id.
        let same = write_doc(dir.path(), name, &original.text);
        assert_eq!(
            same.clauses, original.clauses,
            "parsing the stored text again is stable"
        );
        let (k, l, w) = (cands[0], cands[1], cands[2]);
        let d = *cands.last().unwrap();
        let insert = "Đoạn văn này được chèn thêm để kiểm tra việc gắn lại nhãn.\n\n";
        let p = cands[3..cands.len() - 2]
            .iter()
            .copied()
            .find(|&p| {
                let at = original.clauses[p].span[0];
                let text = format!("{}{insert}{}", &original.text[..at], &original.text[at..]);
                let edited = write_doc(dir.path(), name, &text);
                let h = text_hash(&original.clauses[p].text);
                edited
                    .clauses
                    .iter()
                    .any(|c| text_hash(&c.text) == h && c.id != original.clauses[p].id)
            })
            .expect("an insertion that shifts clause ids");
        let t = *cands.iter().find(|&&t| t > p && t < d).unwrap();
        let c = |i: usize| &original.clauses[i];

        let (sdir, store) = fresh_store();
        let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
        let doc_number = original.number.as_deref();
        for (i, sector) in [k, l, w, p, t, d].into_iter().zip(EDITED_SECTORS) {
            let r = ClauseRef::from_clause(&original.id, doc_number, c(i));
            assert!(store.tag(&lan, &r, sector).unwrap());
        }

        // Edit the text from the end backwards so earlier offsets stay valid.
        let mut text = original.text.clone();
        let dspan = c(d).span;
        let dend = if text[dspan[1]..].starts_with('\n') {
            dspan[1] + 1
        } else {
            dspan[1]
        };
        text.replace_range(dspan[0]..dend, "");
        text.insert_str(c(p).span[0], insert);
        let wr = word_in_span(&original, c(w), 2);
        let wl = word_in_span(&original, c(l), -1);
        assert!(wr.start > wl.end || wl.start > wr.end);
        let (first, second) = if wl.start > wr.start {
            (wr.clone(), wl.clone())
        } else {
            (wl.clone(), wr.clone())
        };
        let replacement = |r: &std::ops::Range<usize>| other_word(&original.text[r.clone()]);
        let (rep1, rep2) = (replacement(&first), replacement(&second));
        text.replace_range(second.clone(), rep2);
        text.replace_range(first.clone(), rep1);
        let edited = write_doc(dir.path(), name, &text);
        assert_eq!(edited.id, original.id);
        let report = store.reattach(&edited.id, &edited.clauses).unwrap();
        Edited {
            _dir: dir,
            _sdir: sdir,
            store,
            original,
            edited,
            k,
            l,
            w,
            p,
            t,
            d,
            wl,
            report,
        }
    }

    fn c(&self, i: usize) -> &Clause {
        &self.original.clauses[i]
    }

    /// The id of the edited clause with this text, if one has it.
    fn by_hash(&self, text: &str) -> Option<String> {
        let h = text_hash(text);
        self.edited
            .clauses
            .iter()
            .find(|c| text_hash(&c.text) == h)
            .map(|c| c.id.clone())
    }

    fn sectors_of(&self, id: &str) -> Vec<String> {
        self.store
            .tags_for_clause(id)
            .unwrap()
            .into_iter()
            .map(|t| t.sector_id)
            .collect()
    }

    /// Whether T moved (its id depends on where the inserted paragraph landed).
    fn t_moved(&self) -> usize {
        usize::from(self.by_hash(&self.c(self.t).text).unwrap() != self.c(self.t).id)
    }
}

#[test]
fn reattach_keeps_a_clause_that_did_not_change() {
    let e = Edited::new();
    let k = e.c(e.k);
    assert_eq!(e.by_hash(&k.text).as_deref(), Some(k.id.as_str()));
    assert_eq!(e.sectors_of(&k.id), ["du-lich"]);
    assert_eq!(e.report.kept, 2 - e.t_moved());
}

#[test]
fn reattach_follows_a_changed_word_by_quote_and_a_shifted_clause_by_hash() {
    let e = Edited::new();
    // L: the changed clause found by its quote.
    let l_new = {
        let old = &e.original.text[e.wl.clone()];
        let mut expected = canonical_text(&e.c(e.l).text);
        let at = expected.rfind(old).unwrap();
        expected.replace_range(at..at + old.len(), other_word(old));
        e.edited
            .clauses
            .iter()
            .find(|x| canonical_text(&x.text) == expected)
            .expect("the edited clause")
            .id
            .clone()
    };
    assert!(e.sectors_of(&l_new).contains(&"chuyen-doi-so".to_string()));
    // P: followed its text to its new id; its old id now holds other text and none of its tags.
    let p = e.c(e.p);
    let p_new = e.by_hash(&p.text).unwrap();
    assert_ne!(p_new, p.id);
    assert!(e.sectors_of(&p_new).contains(&"quoc-phong".to_string()));
    assert!(!e.sectors_of(&p.id).contains(&"quoc-phong".to_string()));
    // T: followed its text, wherever it now is.
    let t_new = e.by_hash(&e.c(e.t).text).unwrap();
    assert!(e.sectors_of(&t_new).contains(&"y-te-dan-so".to_string()));
    assert_eq!(e.report.moved, 2 + e.t_moved());
    assert_eq!(count_actions(&e.store, "reattach"), e.report.moved);
}

#[test]
fn reattach_orphans_what_it_cannot_place_and_lists_it_never_deletes_it() {
    let e = Edited::new();
    let (w, d) = (e.c(e.w), e.c(e.d));
    let orphans = e.store.orphans().unwrap();
    let mut orphaned: Vec<(String, String)> = orphans
        .iter()
        .map(|o| (o.clause_id.clone(), o.sector_id.clone()))
        .collect();
    orphaned.sort();
    let mut want = vec![
        (w.id.clone(), "doi-moi-sang-tao".to_string()),
        (d.id.clone(), "dat-dai".to_string()),
    ];
    want.sort();
    assert_eq!(orphaned, want);
    let d_orphan = orphans.iter().find(|o| o.sector_id == "dat-dai").unwrap();
    assert_eq!(d_orphan.clause_text, d.text);
    assert_eq!(d_orphan.user, "lan");
    assert!(canonical_text(&d.text).starts_with(&d_orphan.quote));
    assert_eq!(e.report.orphaned, 2);
    assert_eq!(count_actions(&e.store, "orphan"), 2);
    let map = e.store.sector_map().unwrap();
    assert_eq!(
        map.values().map(Vec::len).sum::<usize>(),
        4,
        "orphans are not live"
    );
    let exported = e.store.export().unwrap();
    assert_eq!(exported.iter().filter(|r| r.orphaned).count(), 2);
}

#[test]
fn reattach_run_again_changes_nothing() {
    let e = Edited::new();
    let again = e.store.reattach(&e.edited.id, &e.edited.clauses).unwrap();
    assert_eq!((again.kept, again.moved, again.orphaned), (4, 0, 2));
    assert_eq!(count_actions(&e.store, "reattach"), e.report.moved);
    assert_eq!(count_actions(&e.store, "orphan"), 2);
}

#[test]
fn reattach_back_to_the_original_puts_every_tag_where_it_began() {
    let e = Edited::new();
    let back = e
        .store
        .reattach(&e.original.id, &e.original.clauses)
        .unwrap();
    assert_eq!(back.orphaned, 0);
    assert!(e.store.orphans().unwrap().is_empty());
    for (i, sector) in [e.k, e.l, e.w, e.p, e.t, e.d]
        .into_iter()
        .zip(EDITED_SECTORS)
    {
        assert_eq!(e.sectors_of(&e.c(i).id), [sector], "clause {}", e.c(i).id);
    }
}

fn synthetic(id: &str, text: &str) -> Clause {
    Clause {
        id: id.to_string(),
        kind: vankien_ingest::ClauseKind::Paragraph,
        label: None,
        group: None,
        section_path: vec!["I".into()],
        text: text.to_string(),
        span: [0, 0],
        assignee: None,
        cells: Vec::new(),
        pages: None,
    }
}

#[test]
fn reattach_swaps_ids_merges_duplicates_and_reads_quotes_loosely() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    // Longer than a quote, so a change at its end leaves the quote whole.
    let a = "Đẩy mạnh cơ giới hoá nông nghiệp, phát triển thuỷ lợi và nông thôn mới; nâng cao thu \
             nhập và đời sống của người dân nông thôn, gắn sản xuất với chế biến và tiêu thụ sản \
             phẩm, xây dựng chuỗi giá trị nông sản bền vững, an toàn trên địa bàn toàn tỉnh.";
    let b = "Phát triển du lịch biển gắn với bảo tồn di sản văn hóa và làng nghề truyền thống.";
    let tag = |id: &str, text: &str, sector: &str| {
        let r = ClauseRef {
            clause_id: id.into(),
            doc_id: id.split('/').next().unwrap().into(),
            doc_number: None,
            section_path: vec![],
            text: text.into(),
        };
        assert!(store.tag(&lan, &r, sector).unwrap());
    };
    // The same user and sector on both clauses: swapping ids must not collide.
    tag("tinh/1", a, "nong-thon-moi");
    tag("tinh/2", b, "nong-thon-moi");
    tag("tinh/2", b, "du-lich");

    // The two clauses swap places; a's text is rewritten in the other tone convention, without
    // diacritics in one word, and with its end changed: found by its quote.
    let a2 = "Đẩy mạnh cơ giới hóa nong nghiệp, phát triển thủy lợi và nông thôn mới; nâng cao thu \
              nhập và đời sống của người dân nông thôn, gắn sản xuất với chế biến và tiêu thụ sản \
              phẩm, xây dựng chuỗi giá trị nông sản bền vững, an toàn, hiệu quả cho cả tỉnh.";
    let report = store
        .reattach("tinh", &[synthetic("tinh/1", b), synthetic("tinh/2", a2)])
        .unwrap();
    assert_eq!((report.kept, report.moved, report.orphaned), (0, 3, 0));
    let sectors = |id: &str| -> Vec<String> { store.clause_sectors(id).unwrap() };
    assert_eq!(sectors("tinh/1"), ["du-lich", "nong-thon-moi"]);
    assert_eq!(sectors("tinh/2"), ["nong-thon-moi"]);

    // Both texts collapse into one clause: the duplicate tag merges, the audit says so.
    let report = store
        .reattach("tinh", &[synthetic("tinh/9", &format!("{b} {a2}"))])
        .unwrap();
    assert_eq!((report.kept, report.moved, report.orphaned), (0, 3, 0));
    assert_eq!(sectors("tinh/9"), ["du-lich", "nong-thon-moi"]);
    assert_eq!(store.tags_for_clause("tinh/9").unwrap().len(), 2);
    assert_eq!(count_actions(&store, "merge"), 1);
    assert_eq!(count_actions(&store, "reattach"), 5);
    // Tags of other documents are not touched.
    tag("khac/1", a, "thuy-loi");
    let report = store.reattach("tinh", &[]).unwrap();
    assert_eq!((report.kept, report.moved, report.orphaned), (0, 0, 2));
    assert_eq!(sectors("khac/1"), ["thuy-loi"]);
}

#[test]
fn export_rows_carry_the_clause_snapshot() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (minh, _) = store.add_user("minh", Role::Annotator).unwrap();
    let r = clause(
        "doc/a.1",
        "Phát triển du lịch thành ngành kinh tế mũi nhọn.",
    );
    store.tag(&lan, &r, "du-lich").unwrap();
    store.tag(&minh, &r, "du-lich").unwrap();
    store
        .tag(
            &minh,
            &clause("doc/a.0", "Căn cứ Nghị quyết."),
            "xay-dung-dang",
        )
        .unwrap();
    let rows = store.export().unwrap();
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.clause_id.as_str(),
                r.sector_id.as_str(),
                r.annotator.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("doc/a.0", "xay-dung-dang", "minh"),
            ("doc/a.1", "du-lich", "lan"),
            ("doc/a.1", "du-lich", "minh")
        ]
    );
    let row = &rows[1];
    assert_eq!(row.doc_number.as_deref(), Some("09-NQ/ĐH"));
    assert_eq!(row.doc_id, "doc");
    assert_eq!(row.section_path, ["A", "II"]);
    assert_eq!(
        row.clause_text,
        "Phát triển du lịch thành ngành kinh tế mũi nhọn."
    );
    assert_eq!(row.sector_name, "Du lịch");
    assert!(!row.orphaned);
}

#[test]
fn reopening_keeps_everything_and_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a/b/data");
    let token = {
        let store = Store::open(&data).unwrap();
        store.load_sectors(&sectors_file()).unwrap();
        let (lan, token) = store.add_user("lan", Role::Annotator).unwrap();
        store
            .tag(&lan, &clause("doc/1", "Một điều khoản."), "du-lich")
            .unwrap();
        token
    };
    let store = Store::open(&data).unwrap();
    let lan = store.authenticate(&token).unwrap();
    assert_eq!(store.clause_sectors("doc/1").unwrap(), ["du-lich"]);
    assert!(
        !store
            .tag(&lan, &clause("doc/1", "Một điều khoản."), "du-lich")
            .unwrap()
    );
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&data).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Internal(InternalError::SchemaTooNew { found: 99, .. })
        ),
        "{err}"
    );
}

/// Opens a store in `data`, adds a user, closes it; returns the store id and the user's token.
fn closed_store_with_a_user(data: &Path, name: &str) -> (String, String) {
    let store = Store::open(data).unwrap();
    let (_, token) = store.add_user(name, Role::Annotator).unwrap();
    (store.id().to_string(), token)
}

/// The marker file's store id.
fn marker_id(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join(MARKER_FILE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        json["created_at"].as_str().unwrap().ends_with('Z'),
        "{text}"
    );
    json["store_id"].as_str().unwrap().to_string()
}

/// Opening `data` fails with [`InternalError::StoreGone`] for `reason`, with a message that names
/// the marker and says what to do; the database file is left as it was.
fn assert_gone(data: &Path, reason: Gone) {
    let db = data.join(DB_FILE);
    let before = std::fs::read(&db).ok();
    let err = Store::open(data).unwrap_err();
    let StoreError::Internal(InternalError::StoreGone {
        reason: ref found, ..
    }) = err
    else {
        panic!("expected StoreGone({reason}), got {err}");
    };
    assert_eq!(*found, reason, "{err}");
    let message = err.to_string();
    let marker = data.join(MARKER_FILE);
    assert!(message.contains(&marker.display().to_string()), "{message}");
    assert!(
        message.contains("restore the database from a backup"),
        "{message}"
    );
    assert!(message.contains("delete"), "{message}");
    assert!(!err.is_user_error());
    assert_eq!(
        std::fs::read(&db).ok(),
        before,
        "the refused file is untouched"
    );
}

#[test]
fn a_store_keeps_its_id_in_a_marker_and_across_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (id, token) = closed_store_with_a_user(&data, "lan");
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert_eq!(marker_id(&data), id);
    // Only the database, the marker and the lock: no temporary or probe file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [vankien_annotate::LOCK_FILE, DB_FILE, MARKER_FILE]);

    let store = Store::open(&data).unwrap();
    assert_eq!(store.id(), id);
    assert_eq!(store.authenticate(&token).unwrap().name, "lan");
    drop(store);
    let other = closed_store_with_a_user(&dir.path().join("other"), "minh").0;
    assert_ne!(other, id, "ids are random");

    // A store made before ids existed (no id in the database, no marker) gets one when opened.
    let conn = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
    conn.execute("DELETE FROM meta", []).unwrap();
    drop(conn);
    std::fs::remove_file(data.join(MARKER_FILE)).unwrap();
    let store = Store::open(&data).unwrap();
    assert_ne!(store.id(), id);
    assert_eq!(marker_id(&data), store.id());
    assert_eq!(store.authenticate(&token).unwrap().name, "lan");
}

#[test]
fn a_truncated_store_is_refused_until_its_marker_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (id, token) = closed_store_with_a_user(&data, "lan");
    std::fs::File::create(data.join(DB_FILE)).unwrap();
    assert_eq!(std::fs::metadata(data.join(DB_FILE)).unwrap().len(), 0);
    assert_gone(&data, Gone::Empty);
    let message = Store::open(&data).unwrap_err().to_string();
    assert!(message.contains(&id), "{message}");
    assert!(message.contains("is empty"), "{message}");

    // A database file without tables is empty too, though not 0 bytes long.
    let conn = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
    conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    drop(conn);
    assert!(std::fs::metadata(data.join(DB_FILE)).unwrap().len() > 0);
    assert_gone(&data, Gone::Empty);

    // Deleting the marker, as the message says, really starts an empty store.
    std::fs::remove_file(data.join(MARKER_FILE)).unwrap();
    let store = Store::open(&data).unwrap();
    assert_ne!(store.id(), id);
    assert_eq!(marker_id(&data), store.id());
    assert!(store.users().unwrap().is_empty());
    assert!(matches!(
        store.authenticate(&token),
        Err(StoreError::User(UserError::BadToken))
    ));
}

#[test]
fn a_deleted_store_is_refused_and_not_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    closed_store_with_a_user(&data, "lan");
    std::fs::remove_file(data.join(DB_FILE)).unwrap();
    assert_gone(&data, Gone::Missing);
    assert!(!data.join(DB_FILE).exists(), "no empty database was made");
}

#[test]
fn another_stores_database_copied_over_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let other = dir.path().join("other");
    closed_store_with_a_user(&data, "lan");
    let (other_id, _) = closed_store_with_a_user(&other, "minh");
    std::fs::copy(other.join(DB_FILE), data.join(DB_FILE)).unwrap();
    assert_gone(&data, Gone::OtherStore(other_id));

    // A database without any id (an older build's, with the meta table emptied) is refused too:
    // nothing tells it is this store's.
    let conn = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
    conn.execute("DELETE FROM meta", []).unwrap();
    drop(conn);
    assert_gone(&data, Gone::NoId);
}

#[test]
fn garbage_over_the_first_page_is_reported_as_damage() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    closed_store_with_a_user(&data, "lan");
    let db = data.join(DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 4096);
    for (i, b) in bytes[..4096].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();
    // Damaged, not StoreGone: the 4 KiB hold SQLite's header ("SQLite format 3"), so SQLite
    // refuses the file as not a database (SQLITE_NOTADB) at its first read, before the store id
    // inside could be compared with the marker's. Garbage is damage, not a missing store.
    let err = Store::open(&data).unwrap_err();
    let StoreError::Internal(InternalError::Damaged { ref path, .. }) = err else {
        panic!("expected Damaged, got {err}");
    };
    assert_eq!(*path, db);
    let message = err.to_string();
    assert!(message.contains(&db.display().to_string()), "{message}");
    assert!(message.contains("restore it from a backup"), "{message}");
    assert!(!err.is_user_error());
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the damaged file is untouched"
    );

    // Without a marker it is refused all the same: never taken for a new store.
    std::fs::remove_file(data.join(MARKER_FILE)).unwrap();
    assert!(matches!(
        Store::open(&data),
        Err(StoreError::Internal(InternalError::Damaged { .. }))
    ));
}

#[test]
fn a_store_failing_quick_check_is_reported_as_damage() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let store = Store::open(&data).unwrap();
        store.load_sectors(&sectors_file()).unwrap();
        for i in 0..300 {
            store.add_user(&format!("u{i}"), Role::Annotator).unwrap();
        }
    }
    let db = data.join(DB_FILE);
    let sound = std::fs::read(&db).unwrap();

    // A wrong free-page count in the header (bytes 36..40): every page reads, but the count
    // disagrees with the free list, which only quick_check looks at.
    let mut bytes = sound.clone();
    let count = u32::from_be_bytes(bytes[36..40].try_into().unwrap());
    bytes[36..40].copy_from_slice(&(count + 5).to_be_bytes());
    std::fs::write(&db, &bytes).unwrap();
    let err = Store::open(&data).unwrap_err();
    let StoreError::Internal(InternalError::Damaged { ref problem, .. }) = err else {
        panic!("expected Damaged, got {err}");
    };
    assert!(
        problem.contains("quick_check") && problem.contains("Freelist"),
        "{err}"
    );
    assert!(!err.to_string().contains('\n'), "one line: {err}");

    // Garbage over a page past the header: the file is still a database, but a b-tree is
    // broken, and SQLite says so when quick_check walks it.
    let mut bytes = sound.clone();
    let pages = bytes.len() / 4096;
    assert!(pages > 8, "{pages} pages");
    let page = pages / 2;
    bytes[page * 4096..(page + 1) * 4096].fill(0xA5);
    std::fs::write(&db, &bytes).unwrap();
    let err = Store::open(&data).unwrap_err();
    assert!(
        matches!(err, StoreError::Internal(InternalError::Damaged { .. })),
        "{err}"
    );

    // The sound file opens again.
    std::fs::write(&db, &sound).unwrap();
    assert_eq!(Store::open(&data).unwrap().users().unwrap().len(), 300);
}

#[cfg(target_os = "linux")]
#[test]
fn a_data_directory_that_cannot_be_written_is_named() {
    // Tests run as root, which file permissions do not stop; sysfs refuses new files to root too.
    let sys = Path::new("/sys");
    let err = Store::open(sys).unwrap_err();
    assert!(
        matches!(err, StoreError::Internal(InternalError::DataDirNotWritable { ref dir, .. }) if dir == sys),
        "{err}"
    );
    assert!(err.to_string().contains("/sys is not writable"), "{err}");
    let err = Store::open(&sys.join("vankien-data")).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Internal(InternalError::DataDirNotWritable { .. })
        ),
        "{err}"
    );
}
