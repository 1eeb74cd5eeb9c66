//! The annotation team over real HTTP (in-process router, real index of the corpus, real SQLite):
//! users made by an admin, a blind double assignment worked through the queue, what each user
//! sees, agreement, review into the gold set, the export in JSONL, CSV and W3C, and an orphan
//! re-attached by hand.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{Answer, Fixture, enc, fixture, get, send, with_token};

async fn call(
    f: &Fixture,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(b) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    send(&f.app, request.body(body).unwrap()).await
}

fn ok(a: &Answer, status: StatusCode) -> Value {
    assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
    a.json()
}

/// A document of the corpus with at least `n` clauses, and its clause ids in order.
async fn a_document(f: &Fixture, n: usize) -> (String, Vec<String>) {
    let list = ok(&get(&f.app, "/api/documents").await, StatusCode::OK);
    let doc = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["clauses"].as_u64().unwrap() as usize >= n)
        .min_by_key(|d| d["clauses"].as_u64().unwrap())
        .expect("a document long enough")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let view = ok(
        &get(&f.app, &format!("/api/documents/{doc}")).await,
        StatusCode::OK,
    );
    let ids = view["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    (doc, ids)
}

fn tag_uri(clause: &str, sector: &str) -> String {
    format!("/api/clauses/{clause}/sectors/{sector}?wait=true")
}

/// The users of the scenario, made by the admin over HTTP: two annotators and a reviewer.
struct Team {
    an: String,
    binh: String,
    thu: String,
}

async fn team(f: &Fixture) -> Team {
    let mut tokens = Vec::new();
    for (name, role) in [
        ("an", "annotator"),
        ("bình", "annotator"),
        ("thu", "reviewer"),
    ] {
        let made = call(
            f,
            Method::POST,
            "/api/users",
            Some(&f.admin),
            Some(json!({"name": name, "role": role})),
        )
        .await;
        let made = ok(&made, StatusCode::CREATED);
        assert_eq!(made["role"], role);
        tokens.push(made["token"].as_str().unwrap().to_string());
    }
    let me = ok(
        &with_token(&f.app, Method::GET, "/api/me", Some(&tokens[2])).await,
        StatusCode::OK,
    );
    assert_eq!(
        (me["name"].as_str(), me["role_label"].as_str()),
        (Some("thu"), Some("người duyệt"))
    );
    Team {
        an: tokens.remove(0),
        binh: tokens.remove(0),
        thu: tokens.remove(0),
    }
}

#[tokio::test]
async fn admins_manage_users_and_tokens_over_http() {
    let f = fixture();
    let body = Some(json!({"name": "hoa", "role": "reviewer"}));
    call(&f, Method::POST, "/api/users", Some(&f.lan), body.clone())
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    call(&f, Method::POST, "/api/users", None, body.clone())
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let made = ok(
        &call(&f, Method::POST, "/api/users", Some(&f.admin), body.clone()).await,
        StatusCode::CREATED,
    );
    let token = made["token"].as_str().unwrap().to_string();
    call(&f, Method::POST, "/api/users", Some(&f.admin), body)
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    for bad in [
        json!({"name": "a b", "role": "annotator"}),
        json!({"name": "x", "role": "boss"}),
        json!({"name": "x"}),
    ] {
        call(&f, Method::POST, "/api/users", Some(&f.admin), Some(bad))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    let list = ok(
        &with_token(&f.app, Method::GET, "/api/users", Some(&f.admin)).await,
        StatusCode::OK,
    );
    let hoa = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "hoa")
        .unwrap()
        .clone();
    assert_eq!(hoa["role_label"], "người duyệt");
    assert!(!list.to_string().contains(&token), "no secret is listed");
    with_token(&f.app, Method::GET, "/api/users", Some(&f.lan))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");

    // Another token, then every one revoked at once.
    let second = ok(
        &with_token(
            &f.app,
            Method::POST,
            "/api/users/hoa/tokens",
            Some(&f.admin),
        )
        .await,
        StatusCode::CREATED,
    );
    let second = second["token"].as_str().unwrap().to_string();
    ok(
        &with_token(&f.app, Method::GET, "/api/me", Some(&second)).await,
        StatusCode::OK,
    );
    let revoked = ok(
        &with_token(
            &f.app,
            Method::DELETE,
            "/api/users/hoa/tokens",
            Some(&f.admin),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(revoked["revoked"], 2);
    for t in [&token, &second] {
        with_token(&f.app, Method::GET, "/api/me", Some(t))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    with_token(
        &f.app,
        Method::DELETE,
        "/api/users/nobody/tokens",
        Some(&f.admin),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    let audit = f.store.audit(20).unwrap();
    assert!(audit.iter().any(|e| e.action == "user_add"
        && e.actor == "admin"
        && e.subject.as_deref() == Some("hoa")));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "token_revoke" && e.actor == "admin")
    );
}

/// The "done" scenario through the API: two annotators tag one document blind, see
/// their agreement, and a reviewer settles their differences into an export.
#[tokio::test]
async fn two_annotators_tag_blind_and_a_reviewer_settles_their_differences() {
    let f = fixture();
    let t = team(&f).await;
    let (doc, ids) = a_document(&f, 4).await;
    let ids = &ids[..4];

    // Only admins assign; a section that holds nothing is a 400; an unknown document a 404.
    let assign = json!({"doc_id": doc, "users": ["an", "bình"], "blind": true});
    call(
        &f,
        Method::POST,
        "/api/assignments",
        Some(&t.an),
        Some(assign.clone()),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
    call(
        &f,
        Method::POST,
        "/api/assignments",
        Some(&f.admin),
        Some(json!({"doc_id": doc, "users": ["an"], "section_path": ["ZZ"]})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    call(
        &f,
        Method::POST,
        "/api/assignments",
        Some(&f.admin),
        Some(json!({"doc_id": "no-such-doc", "users": ["an"]})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    let made = ok(
        &call(
            &f,
            Method::POST,
            "/api/assignments",
            Some(&f.admin),
            Some(assign.clone()),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(made["assignments"].as_array().unwrap().len(), 2);
    let total = made["assignments"][0]["assigned"].as_u64().unwrap() as usize;
    assert!(total >= 4);
    call(
        &f,
        Method::POST,
        "/api/assignments",
        Some(&f.admin),
        Some(assign),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");

    // An's queue starts at the document's first clause.
    let next = ok(
        &with_token(&f.app, Method::GET, "/api/queue/next", Some(&t.an)).await,
        StatusCode::OK,
    );
    assert_eq!(next["clause"]["id"], ids[0].as_str());
    assert_eq!(next["blind"], true);
    assert_eq!(next["progress"]["decided"], 0);
    assert_eq!(next["progress"]["assigned"], total);

    // An: clause 0 → du-lich; clause 1 → thuy-loi; clause 2: no sector applies; clause 3 → du-lich.
    // Bình: clause 0 → du-lich; clause 1 → nothing; clause 2 → nothing; clause 3 → quoc-phong.
    // On a blind clause a tag does not decide: An says when she is done with each.
    for (who, clause, sector) in [
        (&t.an, 0, "du-lich"),
        (&t.an, 1, "thuy-loi"),
        (&t.an, 3, "du-lich"),
    ] {
        let answer = ok(
            &with_token(
                &f.app,
                Method::PUT,
                &tag_uri(&ids[clause], sector),
                Some(who),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(answer["hidden"], true, "{answer}");
        assert_eq!(answer["sectors"], json!([sector]), "{answer}");
    }
    for clause in [0, 1, 3] {
        ok(
            &with_token(
                &f.app,
                Method::PUT,
                &format!("/api/decisions/{}", ids[clause]),
                Some(&t.an),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let decided = ok(
        &with_token(
            &f.app,
            Method::PUT,
            &format!("/api/decisions/{}", ids[2]),
            Some(&t.an),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(decided["none"], true);
    ok(
        &with_token(
            &f.app,
            Method::PUT,
            &format!("/api/decisions/{}", ids[2]),
            Some(&t.an),
        )
        .await,
        StatusCode::OK,
    );
    let next = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/queue/next?after={}", enc(&ids[3])),
            Some(&t.an),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(next["progress"]["decided"], 4);
    assert_ne!(next["clause"]["id"], ids[0].as_str());

    // Blind: Bình has decided nothing, so he sees none of An's tags, nor does an anonymous
    // reader; the reviewer sees them all.
    let clause_uri = format!("/api/clauses/{}", ids[0]);
    let seen = ok(
        &with_token(&f.app, Method::GET, &clause_uri, Some(&t.binh)).await,
        StatusCode::OK,
    );
    assert_eq!(seen["tags"], json!([]));
    assert_eq!(seen["clause"]["hidden"], true);
    let anonymous = ok(
        &get(&f.app, &format!("/api/documents/{doc}")).await,
        StatusCode::OK,
    );
    assert!(
        anonymous["clauses"][0]["tags"].is_null() && anonymous["clauses"][0]["hidden"] == true,
        "{}",
        anonymous["clauses"][0]
    );
    let reviewer = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/documents/{doc}"),
            Some(&t.thu),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(reviewer["clauses"][0]["sectors"], json!(["du-lich"]));
    assert!(reviewer["clauses"][0]["hidden"].is_null());
    // In search too: the hit of clause 0 shows Bình no sector.
    let text = reviewer["clauses"][0]["text"].as_str().unwrap();
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    let q = words.join(" ");
    let search = format!(
        "/api/search?q={}&doc={}&limit=50",
        enc(&format!("\"{q}\"")),
        enc(&doc)
    );
    let hits = ok(
        &with_token(&f.app, Method::GET, &search, Some(&t.binh)).await,
        StatusCode::OK,
    );
    let hit = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["clause_id"] == ids[0].as_str())
        .expect("the clause is found")
        .clone();
    assert_eq!(
        (hit["sectors"].clone(), hit["hidden"].clone()),
        (json!([]), json!(true))
    );
    let hits = ok(
        &with_token(&f.app, Method::GET, &search, Some(&t.thu)).await,
        StatusCode::OK,
    );
    let hit = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["clause_id"] == ids[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(hit["sectors"], json!(["du-lich"]));
    // A sector filter never finds a blind clause by An's tags for Bình, nor for an anonymous
    // reader; the reviewer finds An's two. The sector facet is left out where the search reaches
    // the blind document, and whole for the reviewer.
    let by_sector = format!("/api/search?sector=du-lich&doc={}&limit=50", enc(&doc));
    for who in [Some(&t.binh), None] {
        let found = ok(
            &with_token(&f.app, Method::GET, &by_sector, who.map(String::as_str)).await,
            StatusCode::OK,
        );
        assert_eq!(found["total"], 0, "{found}");
    }
    let found = ok(
        &with_token(&f.app, Method::GET, &by_sector, Some(&t.thu)).await,
        StatusCode::OK,
    );
    assert_eq!(found["total"], 2, "{found}");
    let sector_facet = |answer: &Value| answer["facets"]["sector"].as_array().unwrap().len();
    let hits = ok(
        &with_token(&f.app, Method::GET, &search, Some(&t.binh)).await,
        StatusCode::OK,
    );
    assert_eq!(sector_facet(&hits), 0, "{}", hits["facets"]);
    let hits = ok(
        &with_token(&f.app, Method::GET, &search, Some(&t.thu)).await,
        StatusCode::OK,
    );
    assert!(sector_facet(&hits) > 0, "{}", hits["facets"]);
    // An unknown sector is still a 400, blind or not.
    with_token(
        &f.app,
        Method::GET,
        "/api/search?sector=khong-co&limit=5",
        Some(&t.binh),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "unknown_filter");
    // A bad token on a read is a 401, never anonymous.
    with_token(&f.app, Method::GET, &clause_uri, Some("vk_0_x"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");

    // Bình works: his tag on clause 0 answers with his own tag only; once he decided the
    // clause he sees An's tag there.
    let answer = ok(
        &with_token(
            &f.app,
            Method::PUT,
            &tag_uri(&ids[0], "du-lich"),
            Some(&t.binh),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(answer["tags"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(answer["tags"][0]["user"], "bình", "{answer}");
    assert_eq!(answer["hidden"], true);
    for clause in [0, 1, 2] {
        ok(
            &with_token(
                &f.app,
                Method::PUT,
                &format!("/api/decisions/{}", ids[clause]),
                Some(&t.binh),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    ok(
        &with_token(
            &f.app,
            Method::PUT,
            &tag_uri(&ids[3], "quoc-phong"),
            Some(&t.binh),
        )
        .await,
        StatusCode::CREATED,
    );
    ok(
        &with_token(
            &f.app,
            Method::PUT,
            &format!("/api/decisions/{}", ids[3]),
            Some(&t.binh),
        )
        .await,
        StatusCode::CREATED,
    );
    let seen = ok(
        &with_token(&f.app, Method::GET, &clause_uri, Some(&t.binh)).await,
        StatusCode::OK,
    );
    assert_eq!(seen["tags"].as_array().unwrap().len(), 2, "{seen}");
    let seen = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/clauses/{}", ids[1]),
            Some(&t.binh),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(seen["tags"][0]["user"], "an");

    // Progress per document and per annotator.
    let progress = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/progress?doc={}", enc(&doc)),
            Some(&t.thu),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(progress["documents"][0]["decided"], 8);
    assert_eq!(progress["documents"][0]["assigned"], 2 * total);
    let per: Vec<(String, u64)> = progress["annotators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["user"].as_str().unwrap().to_string(),
                a["decided"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per, [("an".to_string(), 4), ("bình".to_string(), 4)]);

    // Agreement on four clauses. du-lich: (1,1) (0,0) (0,0) (1,0); thuy-loi: (0,0) (1,0) (0,0)
    // (0,0); quoc-phong: (0,0) (0,0) (0,0) (0,1). By hand, κ(du-lich) = (0.75 − 0.5) / 0.5 = 0.5;
    // κ of the other two: p_o = 0.75, p_e = 0.75 · 1 = 0.75... only one coder varies, so
    // p_e = 0.75 and κ = 0.
    let a = ok(
        &get(&f.app, &format!("/api/agreement?doc={}", enc(&doc))).await,
        StatusCode::OK,
    );
    assert_eq!(a["clauses"], 4);
    assert_eq!(a["annotators"], json!(["an", "bình"]));
    let sector = |id: &str| {
        a["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sector"] == id)
            .unwrap()
            .clone()
    };
    assert!((sector("du-lich")["kappa"].as_f64().unwrap() - 0.5).abs() < 1e-9);
    assert!((sector("thuy-loi")["kappa"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(sector("du-lich")["n"], 4);
    assert!((sector("du-lich")["percent"].as_f64().unwrap() - 0.75).abs() < 1e-9);
    assert_eq!(a["overall"]["sectors"], 3);
    get(&f.app, "/api/agreement?doc=no-such-doc")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    // Review: clauses 1 and 3 are disputed; clause 0 and 2 agree.
    with_token(&f.app, Method::GET, "/api/review", Some(&t.an))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let review = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/review?doc={}", enc(&doc)),
            Some(&t.thu),
        )
        .await,
        StatusCode::OK,
    );
    let disputed: Vec<&str> = review["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clause_id"].as_str().unwrap())
        .collect();
    assert_eq!(disputed, [ids[1].as_str(), ids[3].as_str()]);
    let c3 = &review["clauses"][1];
    let du_lich = c3["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sector"] == "du-lich")
        .unwrap();
    assert_eq!(
        (
            du_lich["by"].clone(),
            du_lich["not_by"].clone(),
            du_lich["status"].clone()
        ),
        (json!(["an"]), json!(["bình"]), json!("pending"))
    );
    let all = ok(
        &with_token(
            &f.app,
            Method::GET,
            &format!("/api/review?doc={}&all=true", enc(&doc)),
            Some(&t.thu),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(all["total"], 4);

    // The reviewer settles: du-lich on 0 and 3 accepted, quoc-phong on 3 accepted, thuy-loi on
    // 1 rejected; a sector nobody tagged is a 409.
    let verdict =
        |clause: usize, sector: &str| format!("/api/review/{}/sectors/{sector}", ids[clause]);
    call(
        &f,
        Method::PUT,
        &verdict(1, "thuy-loi"),
        Some(&t.an),
        Some(json!({"status": "rejected"})),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
    call(
        &f,
        Method::PUT,
        &verdict(2, "du-lich"),
        Some(&t.thu),
        Some(json!({"status": "accepted"})),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");
    call(
        &f,
        Method::PUT,
        &verdict(1, "thuy-loi"),
        Some(&t.thu),
        Some(json!({"status": "maybe"})),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    for (clause, sector, status) in [
        (0, "du-lich", "accepted"),
        (3, "du-lich", "accepted"),
        (3, "quoc-phong", "accepted"),
        (1, "thuy-loi", "accepted"),
    ] {
        let v = ok(
            &call(
                &f,
                Method::PUT,
                &verdict(clause, sector),
                Some(&t.thu),
                Some(json!({"status": status})),
            )
            .await,
            StatusCode::CREATED,
        );
        assert_eq!(v["reviewer"], "thu");
    }
    // A change of mind: rejected, audited both ways.
    let v = ok(
        &call(
            &f,
            Method::PUT,
            &verdict(1, "thuy-loi"),
            Some(&t.thu),
            Some(json!({"status": "rejected"})),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        (v["status"].clone(), v["changed"].clone()),
        (json!("rejected"), json!(true))
    );
    let cleared = ok(
        &with_token(&f.app, Method::DELETE, &verdict(0, "du-lich"), Some(&t.thu)).await,
        StatusCode::OK,
    );
    assert_eq!(cleared["changed"], true);
    ok(
        &call(
            &f,
            Method::PUT,
            &verdict(0, "du-lich"),
            Some(&t.thu),
            Some(json!({"status": "accepted"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let reviews = f
        .store
        .audit(200)
        .unwrap()
        .into_iter()
        .filter(|e| e.action.ends_with("review") && e.actor == "thu")
        .count();
    assert_eq!(reviews, 7);

    // The export: every tag with its status and reviewer; the gold set is the accepted ones.
    let gold = get(
        &f.app,
        &format!(
            "/api/annotations/export?format=jsonl&document={}&status=accepted",
            enc(&doc)
        ),
    )
    .await;
    let lines: Vec<Value> = gold
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "du-lich twice on 0, once on 3, quoc-phong on 3"
    );
    assert!(
        lines
            .iter()
            .all(|l| l["reviewer"] == "thu" && l["status"] == "accepted")
    );
    assert!(
        lines
            .iter()
            .all(|l| l["start"].as_u64() < l["end"].as_u64() && l["doc_id"] == doc.as_str())
    );
    let rejected = get(
        &f.app,
        &format!(
            "/api/annotations/export?format=csv&status=rejected&document={}",
            enc(&doc)
        ),
    )
    .await;
    let csv = rejected.text();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].ends_with("doc_id,clause_label,start,end,status,reviewer,reviewed_at"));
    assert!(rows[1].contains(",rejected,thu,"), "{}", rows[1]);

    let w3c = get(
        &f.app,
        &format!("/api/annotations/export?format=w3c&document={}", enc(&doc)),
    )
    .await;
    assert!(
        w3c.header(header::CONTENT_TYPE)
            .starts_with("application/ld+json")
    );
    let w3c = w3c.json();
    assert_eq!(w3c["@context"][0], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(w3c["total"], 5, "An's three tags and Bình's two");
    let item = &w3c["first"]["items"][0];
    assert!(
        item["target"]["source"]
            .as_str()
            .unwrap()
            .contains("/api/clauses/")
    );
    let selectors = item["target"]["selector"].as_array().unwrap();
    let (exact, start, end) = (
        selectors[0]["exact"].as_str().unwrap(),
        selectors[1]["start"].as_u64().unwrap() as usize,
        selectors[1]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        exact.len(),
        end - start,
        "the position counts UTF-8 bytes of the quote"
    );
    assert!(
        w3c["vankien:offset_unit"]
            .as_str()
            .unwrap()
            .contains("utf-8 bytes")
    );
}

#[tokio::test]
async fn an_orphan_is_reattached_by_hand_over_http() {
    let f = fixture();
    let (doc, ids) = a_document(&f, 2).await;
    ok(
        &with_token(
            &f.app,
            Method::PUT,
            &tag_uri(&ids[0], "du-lich"),
            Some(&f.lan),
        )
        .await,
        StatusCode::CREATED,
    );
    // The document loses its clauses: the tag is orphaned.
    f.store.reattach(&doc, &[]).unwrap();
    let orphans = ok(&get(&f.app, "/api/orphans").await, StatusCode::OK);
    let id = orphans["orphans"][0]["id"].as_i64().unwrap();
    let uri = format!("/api/orphans/{id}/reattach");
    let body = Some(json!({"clause_id": ids[1]}));
    call(&f, Method::POST, &uri, Some(&f.lan), body.clone())
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    call(
        &f,
        Method::POST,
        &uri,
        Some(&f.admin),
        Some(json!({"clause_id": "nope/1"})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    let done = ok(
        &call(&f, Method::POST, &uri, Some(&f.admin), body.clone()).await,
        StatusCode::OK,
    );
    assert_eq!(
        (done["sector"].clone(), done["sectors"].clone()),
        (json!("du-lich"), json!(["du-lich"]))
    );
    assert_eq!(
        ok(&get(&f.app, "/api/orphans").await, StatusCode::OK)["total"],
        0
    );
    call(&f, Method::POST, &uri, Some(&f.admin), body)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        f.store
            .audit(5)
            .unwrap()
            .iter()
            .any(|e| e.action == "reattach_manual" && e.actor == "admin")
    );
}

/// Tags (with a verdict) exported over HTTP as JSONL and as W3C, imported into a fresh store on
/// the same index as `vankien import` does it, export the same again (times included: the import
/// keeps them).
#[tokio::test]
async fn an_export_imported_into_a_fresh_store_exports_the_same() {
    let f = fixture();
    let t = team(&f).await;
    let (_, ids) = a_document(&f, 3).await;
    for (who, clause, sector) in [
        (&t.an, 0, "du-lich"),
        (&t.binh, 0, "du-lich"),
        (&t.binh, 2, "thuy-loi"),
    ] {
        ok(
            &with_token(
                &f.app,
                Method::PUT,
                &tag_uri(&ids[clause], sector),
                Some(who),
            )
            .await,
            StatusCode::CREATED,
        );
    }
    let verdict = format!("/api/review/{}/sectors/du-lich", ids[0]);
    ok(
        &call(
            &f,
            Method::PUT,
            &verdict,
            Some(&t.thu),
            Some(json!({"status": "accepted"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let jsonl = get(&f.app, "/api/annotations/export?format=jsonl")
        .await
        .text();
    assert_eq!(jsonl.lines().count(), 3);
    for format in ["jsonl", "w3c"] {
        let exported = get(&f.app, &format!("/api/annotations/export?format={format}"))
            .await
            .text();
        let records = vankien_annotate::interchange::parse_records(&exported).unwrap();
        let fresh = fixture();
        let with_clauses: Vec<_> = records
            .into_iter()
            .map(|r| {
                let (summary, clause) = fresh
                    .state
                    .library()
                    .index()
                    .clause(&r.clause_id)
                    .unwrap()
                    .unwrap();
                let c = vankien_annotate::ClauseRef::from_clause(
                    &summary.id,
                    summary.number.as_deref(),
                    &clause,
                );
                (r, c)
            })
            .collect();
        let report = fresh.store.import(&with_clauses).unwrap();
        assert_eq!(
            (report.added, report.reviews),
            (3, 1),
            "{format}: {report:?}"
        );
        let again = get(&fresh.app, "/api/annotations/export?format=jsonl")
            .await
            .text();
        assert_eq!(again, jsonl, "{format}");
    }
}
