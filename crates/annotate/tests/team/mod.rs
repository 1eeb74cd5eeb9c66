//! The annotation team in the store, on real SQLite: decisions, assignments and queues, blind
//! visibility, review verdicts, export records read back and imported into a fresh store, and
//! decisions and verdicts following their clauses when a document changes.

use std::collections::HashSet;

use vankien_annotate::assign::{next_undecided, progress, queue};
use vankien_annotate::interchange::{self, Quote, TagRecord};
use vankien_annotate::{
    ClauseRef, NewAssignment, ReviewStatus, Role, Store, StoreError, Tag, UserError,
};
use vankien_ingest::Clause;

use super::{count_actions, fresh_store};

fn clause_in(id: &str, section: &[&str], text: &str) -> ClauseRef {
    ClauseRef {
        clause_id: id.into(),
        doc_id: id.split('/').next().unwrap().into(),
        doc_number: Some("09-NQ/ĐH".into()),
        section_path: section.iter().map(|s| s.to_string()).collect(),
        text: text.into(),
    }
}

fn parsed(c: &ClauseRef) -> Clause {
    Clause {
        id: c.clause_id.clone(),
        kind: vankien_ingest::ClauseKind::Task,
        label: Some("a)".into()),
        group: None,
        section_path: c.section_path.clone(),
        text: c.text.clone(),
        span: [0, 0],
        assignee: None,
        cells: Vec::new(),
        pages: None,
    }
}

const TEXTS: [&str; 4] = [
    "Phát triển du lịch biển gắn với bảo tồn di sản văn hóa.",
    "Đầu tư hệ thống thủy lợi, đê điều và nông thôn mới.",
    "Nâng cao chất lượng giáo dục và đào tạo nguồn nhân lực.",
    "Củng cố quốc phòng, an ninh trên địa bàn tỉnh.",
];

/// Four clauses of document `d`: two in section A, two in B.
fn doc() -> Vec<ClauseRef> {
    vec![
        clause_in("d/a.1", &["A"], TEXTS[0]),
        clause_in("d/a.2", &["A"], TEXTS[1]),
        clause_in("d/b.1", &["B"], TEXTS[2]),
        clause_in("d/b.2", &["B"], TEXTS[3]),
    ]
}

fn user_error(e: StoreError) -> UserError {
    match e {
        StoreError::User(u) => u,
        other => panic!("not a user error: {other}"),
    }
}

#[test]
fn tagging_decides_and_no_sector_applies_is_a_decision_of_its_own() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let d = doc();
    assert!(store.tag(&lan, &d[0], "du-lich").unwrap());
    let (new, none) = store.decide(&lan, &d[1]).unwrap();
    assert!(new && none.none());
    // Deciding again changes nothing; a decided clause answers with the user's sectors.
    let (new, again) = store.decide(&lan, &d[0]).unwrap();
    assert!(!new);
    assert_eq!(again.sectors, ["du-lich"]);
    let decisions = store.decisions(Some("d"), Some("lan")).unwrap();
    let ids: Vec<&str> = decisions.iter().map(|d| d.clause_id.as_str()).collect();
    assert_eq!(ids, ["d/a.1", "d/a.2"]);
    assert_eq!(
        count_actions(&store, "decide"),
        1,
        "the tag's own entry says it"
    );
    // Undeciding keeps the tags and is audited.
    assert!(store.undecide(&lan, "d/a.1").unwrap());
    assert!(!store.undecide(&lan, "d/a.1").unwrap());
    assert_eq!(store.clause_sectors("d/a.1").unwrap(), ["du-lich"]);
    assert_eq!(count_actions(&store, "undecide"), 1);
    assert_eq!(
        store.decided_clauses("lan", "d").unwrap(),
        HashSet::from(["d/a.2".to_string()])
    );
}

#[test]
fn only_admins_assign_and_a_queue_walks_undecided_clauses_in_order() {
    let (_dir, store) = fresh_store();
    let (admin, _) = store.add_user("admin", Role::Admin).unwrap();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    store.add_user("minh", Role::Annotator).unwrap();
    let whole = NewAssignment {
        doc_id: "d".into(),
        section_path: vec![],
        users: vec!["lan".into(), "minh".into()],
        blind: true,
    };
    let err = user_error(store.assign(Some(&lan), &whole).unwrap_err());
    assert!(matches!(err, UserError::Forbidden(_)), "{err}");
    let made = store.assign(Some(&admin), &whole).unwrap();
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|a| a.blind && a.created_by == "admin"));
    // The same again is a conflict, and nothing of it is made.
    let err = user_error(store.assign(Some(&admin), &whole).unwrap_err());
    assert!(matches!(err, UserError::Conflict(_)), "{err}");
    let section_b = NewAssignment {
        section_path: vec!["B".into()],
        users: vec!["lan".into()],
        blind: false,
        ..whole.clone()
    };
    store.assign(None, &section_b).unwrap();
    assert_eq!(store.assignments(None, Some("lan")).unwrap().len(), 2);
    assert_eq!(count_actions(&store, "assign"), 3);

    let clauses: Vec<Clause> = doc().iter().map(parsed).collect();
    let mine = store.assignments(None, Some("lan")).unwrap();
    let q = queue(&mine, |id| (id == "d").then_some(clauses.as_slice()));
    // Section B's clauses come once, with the first assignment that covers them.
    let order: Vec<&str> = q.iter().map(|i| i.clause.id.as_str()).collect();
    assert_eq!(order, ["d/a.1", "d/a.2", "d/b.1", "d/b.2"]);
    assert!(q.iter().all(|i| i.assignment.id == mine[0].id));
    assert_eq!(q[2].position, 3);

    // The assignment is blind: the tag alone does not decide d/a.1, saying so does.
    store.tag(&lan, &doc()[0], "du-lich").unwrap();
    assert!(store.decided_clauses("lan", "d").unwrap().is_empty());
    store.decide(&lan, &doc()[0]).unwrap();
    store.decide(&lan, &doc()[2]).unwrap();
    let decided = store.decided_clauses("lan", "d").unwrap();
    let next = |after| next_undecided(&q, &decided, after).map(|i| i.clause.id.as_str());
    assert_eq!(next(None), Some("d/a.2"));
    // After a clause: the next undecided one, wrapping round.
    assert_eq!(next(Some("d/a.2")), Some("d/b.2"));
    assert_eq!(next(Some("d/b.2")), Some("d/a.2"));
    let p = progress(&q, &decided);
    assert_eq!((p.assigned, p.decided), (4, 2));
    let all: HashSet<String> = order.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        next_undecided(&q, &all, None).map(|i| i.clause.id.clone()),
        None
    );

    let removed = store.unassign(Some(&admin), mine[1].id).unwrap();
    assert_eq!(removed.section_path, ["B"]);
    let err = user_error(store.unassign(Some(&admin), mine[1].id).unwrap_err());
    assert!(matches!(err, UserError::NotFound(_)), "{err}");
}

fn users_of(tags: &[Tag]) -> Vec<&str> {
    tags.iter().map(|t| t.user.as_str()).collect()
}

#[test]
fn blind_clauses_show_others_tags_only_after_one_decided() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (minh, _) = store.add_user("minh", Role::Annotator).unwrap();
    let (thu, _) = store.add_user("thu", Role::Reviewer).unwrap();
    store
        .assign(
            None,
            &NewAssignment {
                doc_id: "d".into(),
                section_path: vec!["A".into()],
                users: vec!["lan".into(), "minh".into()],
                blind: true,
            },
        )
        .unwrap();
    let d = doc();
    store.tag(&lan, &d[0], "du-lich").unwrap();
    store.tag(&lan, &d[2], "giao-duc-dao-tao-nhan-luc").unwrap();
    let a = ["A".to_string()];
    // On a blind clause a tag does not decide (a clause may need several sectors): lan still
    // sees her own tags only, until she says she is done with it.
    assert!(
        store
            .blindness(Some(&lan), Some("d"))
            .unwrap()
            .hides("d", "d/a.1", &a)
    );
    assert!(store.decide(&lan, &d[0]).unwrap().0);
    let b = ["B".to_string()];

    let tags0 = store.tags_for_clause("d/a.1").unwrap();
    // Minh has not decided d/a.1: lan's tag is held back from him, and from anonymous readers.
    let for_minh = store.blindness(Some(&minh), Some("d")).unwrap();
    let (seen, hidden) = for_minh.filter("d", "d/a.1", &a, tags0.clone());
    assert!(hidden && seen.is_empty());
    let anonymous = store.blindness(None, Some("d")).unwrap();
    assert!(anonymous.hides("d", "d/a.1", &a));
    // Section B is not blind; lan sees her own; the reviewer sees all.
    assert!(!for_minh.hides("d", "d/b.1", &b));
    let for_lan = store.blindness(Some(&lan), None).unwrap();
    assert!(!for_lan.hides("d", "d/a.1", &a), "lan decided it");
    assert!(for_lan.hides("d", "d/a.2", &a));
    let for_thu = store.blindness(Some(&thu), Some("d")).unwrap();
    assert_eq!(
        users_of(&for_thu.filter("d", "d/a.1", &a, tags0.clone()).0),
        ["lan"]
    );

    // Minh tags another sector: he sees his own only, until he decides; then both.
    store.tag(&minh, &d[0], "thuy-loi").unwrap();
    let both = store.tags_for_clause("d/a.1").unwrap();
    let (seen, hidden) =
        store
            .blindness(Some(&minh), Some("d"))
            .unwrap()
            .filter("d", "d/a.1", &a, both.clone());
    assert!(hidden);
    assert_eq!(users_of(&seen), ["minh"]);
    store.decide(&minh, &d[0]).unwrap();
    let (seen, hidden) =
        store
            .blindness(Some(&minh), Some("d"))
            .unwrap()
            .filter("d", "d/a.1", &a, both.clone());
    assert!(!hidden);
    assert_eq!(users_of(&seen), ["lan", "minh"]);
    // On a clause he has not decided he sees his own tags only (none).
    store.tag(&lan, &d[1], "nong-thon-moi").unwrap();
    let (seen, hidden) = store.blindness(Some(&minh), Some("d")).unwrap().filter(
        "d",
        "d/a.2",
        &a,
        store.tags_for_clause("d/a.2").unwrap(),
    );
    assert!(hidden && seen.is_empty());
}

#[test]
fn reviewers_accept_and_reject_tagged_sectors_and_the_export_says_so() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (thu, _) = store.add_user("thu", Role::Reviewer).unwrap();
    let d = doc();
    store.tag(&lan, &d[0], "du-lich").unwrap();
    store.tag(&lan, &d[0], "thuy-loi").unwrap();
    let err = user_error(
        store
            .review(&lan, &d[0], "du-lich", ReviewStatus::Accepted)
            .unwrap_err(),
    );
    assert!(matches!(err, UserError::Forbidden(_)), "{err}");
    let err = user_error(
        store
            .review(
                &thu,
                &d[0],
                "giao-duc-dao-tao-nhan-luc",
                ReviewStatus::Accepted,
            )
            .unwrap_err(),
    );
    assert!(
        matches!(err, UserError::Conflict(_)),
        "nobody tagged it: {err}"
    );
    let first = store
        .review(&thu, &d[0], "du-lich", ReviewStatus::Accepted)
        .unwrap();
    assert!(first.new && first.changed);
    let same = store
        .review(&thu, &d[0], "du-lich", ReviewStatus::Accepted)
        .unwrap();
    assert!(!same.new && !same.changed);
    store
        .review(&thu, &d[0], "thuy-loi", ReviewStatus::Rejected)
        .unwrap();
    let rows = store.export().unwrap();
    let status: Vec<(&str, ReviewStatus, Option<&str>)> = rows
        .iter()
        .map(|r| (r.sector_id.as_str(), r.status, r.reviewer.as_deref()))
        .collect();
    assert_eq!(
        status,
        [
            ("du-lich", ReviewStatus::Accepted, Some("thu")),
            ("thuy-loi", ReviewStatus::Rejected, Some("thu"))
        ]
    );
    assert!(store.unreview(&thu, "d/a.1", "thuy-loi").unwrap());
    assert!(!store.unreview(&thu, "d/a.1", "thuy-loi").unwrap());
    assert_eq!(store.verdicts(Some("d")).unwrap().len(), 1);
    let audit = store.audit(10).unwrap();
    let reviews: Vec<(&str, Option<&str>, Option<&str>)> = audit
        .iter()
        .filter(|e| e.action.ends_with("review"))
        .map(|e| (e.action.as_str(), e.from.as_deref(), e.to.as_deref()))
        .collect();
    assert_eq!(
        reviews,
        [
            ("unreview", Some("rejected"), Some("pending")),
            ("review", Some("pending"), Some("rejected")),
            ("review", Some("pending"), Some("accepted")),
        ]
    );
}

/// The export as records, the way the server writes them (spans from the parsed clauses).
fn records(store: &Store) -> Vec<TagRecord> {
    store
        .export()
        .unwrap()
        .into_iter()
        .map(|r| TagRecord {
            doc_number: r.doc_number.unwrap_or_default(),
            section_path: r.section_path.join("/"),
            text: r.clause_text,
            sector: r.sector_id,
            sector_name: r.sector_name,
            annotator: r.annotator,
            at: r.at,
            orphaned: r.orphaned,
            doc_id: r.doc_id,
            clause_label: Some("a)".into()),
            start: Some(3),
            end: Some(40),
            status: r.status,
            reviewer: r.reviewer,
            reviewed_at: r.reviewed_at,
            clause_id: r.clause_id,
        })
        .collect()
}

#[test]
fn jsonl_and_w3c_exports_import_into_a_fresh_store_as_the_same_tags() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (minh, _) = store.add_user("Đức", Role::Annotator).unwrap();
    let (thu, _) = store.add_user("thu", Role::Reviewer).unwrap();
    let d = doc();
    store.tag(&lan, &d[0], "du-lich").unwrap();
    store.tag(&minh, &d[0], "du-lich").unwrap();
    store.tag(&minh, &d[1], "thuy-loi").unwrap();
    store.tag(&lan, &d[3], "quoc-phong").unwrap();
    store
        .review(&thu, &d[0], "du-lich", ReviewStatus::Accepted)
        .unwrap();
    store
        .review(&thu, &d[3], "quoc-phong", ReviewStatus::Rejected)
        .unwrap();
    let before = records(&store);
    assert_eq!(before.len(), 4);

    let jsonl: String = before
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    let stored = format!("..{}", TEXTS[0]);
    let w3c = interchange::w3c_collection(
        before
            .iter()
            .map(|r| {
                let q = Quote::of(&stored, 2, stored.len());
                interchange::w3c_annotation(
                    r,
                    &format!(
                        "http://localhost/api/clauses/{}",
                        interchange::encode_path(&r.clause_id)
                    ),
                    q.as_ref(),
                )
            })
            .collect(),
    );
    assert_eq!(w3c["@context"][0], interchange::W3C_CONTEXT);
    let item = &w3c["first"]["items"][0];
    assert_eq!(item["target"]["selector"][0]["type"], "TextQuoteSelector");
    assert_eq!(item["target"]["selector"][0]["exact"], TEXTS[0]);
    assert_eq!(item["target"]["selector"][1]["start"], 3);
    assert_eq!(item["body"][1]["purpose"], "assessing");

    for text in [jsonl, serde_json::to_string_pretty(&w3c).unwrap()] {
        let parsed = interchange::parse_records(&text).unwrap();
        assert_eq!(parsed.len(), 4);
        let (_dir2, fresh) = fresh_store();
        let with_clauses: Vec<(TagRecord, ClauseRef)> = parsed
            .into_iter()
            .map(|r| {
                let c = d
                    .iter()
                    .find(|c| c.clause_id == r.clause_id)
                    .unwrap()
                    .clone();
                (r, c)
            })
            .collect();
        let report = fresh.import(&with_clauses).unwrap();
        assert_eq!((report.added, report.reviews), (4, 2), "{report:?}");
        // Importing again adds nothing.
        let again = fresh.import(&with_clauses).unwrap();
        assert_eq!((again.added, again.present, again.reviews), (0, 4, 0));
        assert_eq!(records(&fresh), before);
        // Users came along, without tokens; tagging decided the clauses.
        let users = fresh.users().unwrap();
        assert!(users.iter().all(|u| u.tokens.is_empty()));
        assert_eq!(
            users.iter().find(|u| u.name == "thu").map(|u| u.role),
            Some(Role::Reviewer)
        );
        assert_eq!(fresh.decisions(Some("d"), None).unwrap().len(), 4);
    }
}

#[test]
fn decisions_and_verdicts_follow_their_clause_and_drop_when_its_text_changes() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (thu, _) = store.add_user("thu", Role::Reviewer).unwrap();
    let d = doc();
    store.tag(&lan, &d[0], "du-lich").unwrap();
    store
        .review(&thu, &d[0], "du-lich", ReviewStatus::Accepted)
        .unwrap();
    store.decide(&lan, &d[2]).unwrap();
    store.decide(&lan, &d[3]).unwrap();
    // A paragraph inserted above shifts every id; d/b.2's text is rewritten.
    let new: Vec<Clause> = vec![
        parsed(&clause_in("d/a.1", &["A"], "Một đoạn mới chèn vào đầu.")),
        parsed(&clause_in("d/a.2", &["A"], TEXTS[0])),
        parsed(&clause_in("d/a.3", &["A"], TEXTS[1])),
        parsed(&clause_in("d/b.1", &["B"], TEXTS[2])),
        parsed(&clause_in(
            "d/b.2",
            &["B"],
            "Củng cố quốc phòng toàn dân vững mạnh.",
        )),
    ];
    store.reattach("d", &new).unwrap();
    let decided: Vec<String> = store
        .decisions(Some("d"), Some("lan"))
        .unwrap()
        .into_iter()
        .map(|d| d.clause_id)
        .collect();
    assert_eq!(decided, ["d/a.2", "d/b.1"]);
    let verdicts = store.verdicts(Some("d")).unwrap();
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].clause_id, "d/a.2");
    assert_eq!(count_actions(&store, "undecide"), 1);
    assert_eq!(count_actions(&store, "decision_move"), 1);
    assert_eq!(count_actions(&store, "review_move"), 1);
    // Run again: nothing moves.
    store.reattach("d", &new).unwrap();
    assert_eq!(count_actions(&store, "decision_move"), 1);
}

#[test]
fn an_orphan_is_reattached_by_hand_by_a_reviewer() {
    let (_dir, store) = fresh_store();
    let (lan, _) = store.add_user("lan", Role::Annotator).unwrap();
    let (thu, _) = store.add_user("thu", Role::Reviewer).unwrap();
    let d = doc();
    store.tag(&lan, &d[0], "du-lich").unwrap();
    store.reattach("d", &[]).unwrap();
    let orphans = store.orphans().unwrap();
    assert_eq!(orphans.len(), 1);
    let id = orphans[0].id;
    let target = clause_in("d/x.1", &["X"], "Phát triển du lịch cộng đồng ở vùng núi.");
    let err = user_error(store.reattach_orphan(&lan, id, &target).unwrap_err());
    assert!(matches!(err, UserError::Forbidden(_)), "{err}");
    assert_eq!(store.reattach_orphan(&thu, id, &target).unwrap(), "du-lich");
    assert!(store.orphans().unwrap().is_empty());
    assert_eq!(store.clause_sectors("d/x.1").unwrap(), ["du-lich"]);
    assert_eq!(count_actions(&store, "reattach_manual"), 1);
    assert!(store.decided_clauses("lan", "d").unwrap().contains("d/x.1"));
    let err = user_error(store.reattach_orphan(&thu, id, &target).unwrap_err());
    assert!(matches!(err, UserError::NotFound(_)), "{err}");
}
