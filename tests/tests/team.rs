//! The annotation team in a real browser, against the real binary: an admin makes a user (the
//! token shown once) and revokes it, and assigns a document to two annotators, blind; each works
//! through their queue with the keys, neither seeing the other's tags before deciding, and a
//! suggested sector is applied with a key and taken back; a reviewer sees their agreement and
//! settles their difference, and the accepted tag is what the W3C export gives. And an admin
//! re-attaches an orphaned tag by hand.

#[macro_use]
mod browser;

use std::time::Duration;

use browser::*;
use fantoccini::Client;
use serde_json::{Value, json};
use vankien_tests::{Server, add_user, encode_component, target_dir};

/// Signs `token` in by keeping it where the page keeps it, then opens `hash`.
async fn as_user(c: &Client, base: &str, token: &str, hash: &str) -> Step<()> {
    c.goto(&format!("{base}/")).await.ctx("open the page")?;
    c.execute(
        "localStorage.setItem('vankien.token', arguments[0]);",
        vec![json!(token)],
    )
    .await
    .ctx("keep the token")?;
    c.goto(&format!("{base}/{hash}"))
        .await
        .ctx("open the view")?;
    c.refresh().await.ctx("reload as the user")?;
    wait_css(c, r#"#auth-signed-in:not([hidden])"#).await?;
    Ok(())
}

/// Presses a key on whatever has the focus.
async fn press(c: &Client, key: &str) -> Step<()> {
    c.active_element()
        .await
        .ctx("the focused element")?
        .send_keys(key)
        .await
        .ctx(&format!("press {key}"))
}

/// The clause the queue shows (its id, from the address), once the queue bar is up.
async fn queued_clause(c: &Client, not: Option<&str>) -> Step<String> {
    let got = poll(
        c,
        "const m = /^#\\/clause\\/(.*)\\?queue$/.exec(location.hash);
         const bar = document.getElementById('queue-bar');
         return m && !bar.hidden ? decodeURIComponent(m[1]) : null;",
        |v| v.as_str().is_some_and(|id| Some(id) != not),
    )
    .await?;
    got.as_str()
        .filter(|id| Some(*id) != not)
        .map(str::to_string)
        .ok_or_else(|| format!("the queue did not bring a new clause (still {not:?})"))
}

/// Makes clause `id` the one the keys act on: waits until the page shows it (a loaded machine
/// may still be drawing the document when the queue's address has changed), then clicks it.
async fn choose(c: &Client, id: &str) -> Step<()> {
    let css = format!("[data-clause-id=\"{id}\"]");
    wait_css(c, &css).await?;
    c.execute(
        "document.querySelector(`[data-clause-id=\"${arguments[0]}\"]`).click();",
        vec![json!(id)],
    )
    .await
    .ctx(&format!("click {css}"))?;
    Ok(())
}

/// The sector ids of the chips on a clause.
async fn chips(c: &Client, clause: &str) -> Step<Value> {
    c.execute(
        "return [...document.querySelectorAll(`[data-clause-id=\"${arguments[0]}\"] [data-testid=\"sector-chip\"]`)]
            .map((n) => n.getAttribute('data-sector-id'));",
        vec![json!(clause)],
    )
    .await
    .ctx("read the chips")
}

/// The script that reads the sector ids of the chips on a clause.
fn chips_script(clause: &str) -> String {
    format!(
        "return [...document.querySelectorAll(`[data-clause-id=\"{clause}\"] [data-testid=\"sector-chip\"]`)]
            .map((n) => n.getAttribute('data-sector-id'));"
    )
}

/// A clause of `doc` that the server suggests sectors for, as `token`'s holder asks, other than
/// those of `skip`.
fn clause_with_suggestions(server: &Server, doc: &str, token: &str, skip: &[&str]) -> Step<String> {
    let view = server.get(&format!("/api/documents/{}", encode_component(doc)));
    let clauses = view.json["clauses"].as_array().cloned().unwrap_or_default();
    for c in clauses {
        let Some(id) = c["id"].as_str() else { continue };
        if skip.contains(&id) {
            continue;
        }
        let answer = server.get_with(&format!("/api/clauses/{id}/suggestions"), Some(token));
        if answer.json["suggestions"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
        {
            return Ok(id.to_string());
        }
    }
    Err(format!("no clause of {doc} has suggestions"))
}

struct Team {
    admin: String,
    lan: String,
    minh: String,
    thu: String,
}

async fn drive(c: &Client, server: &Server, doc: &str, t: &Team) -> Step<String> {
    let base = &server.base;
    // 1. The admin assigns the document to lan and minh, blind, in the admin's desk.
    as_user(c, base, &t.admin, "#/admin").await?;
    wait_css(c, &format!(r#"#assign-doc option[value="{doc}"]"#)).await?;
    c.execute(
        "document.getElementById('assign-doc').value = arguments[0];
         for (const i of document.querySelectorAll('#assign-users input'))
             i.checked = i.value === 'lan' || i.value === 'minh';
         document.getElementById('assign-blind').checked = true;",
        vec![json!(doc)],
    )
    .await
    .ctx("fill the assignment")?;
    click(c, r#"#assign-form button[type="submit"]"#).await?;
    let progress = poll(c, &text_of(r#"[data-testid="progress-item"]"#), |v| {
        v.as_str()
            .is_some_and(|t| t.contains("lan") && t.contains("minh"))
    })
    .await?;
    check!(
        progress.as_str().is_some_and(|t| t.contains("độc lập")),
        "the progress reads {progress}"
    );

    // 1b. The admin makes a user in the page: the token is shown once and works; revoking it
    //     in the page makes it fail.
    c.execute(
        "document.getElementById('new-user-name').value = 'hoa';
         document.getElementById('new-user-role').value = 'reviewer';",
        vec![],
    )
    .await
    .ctx("fill the new user")?;
    click(c, r#"#new-user-form button[type="submit"]"#).await?;
    let token = poll(
        c,
        "const box = document.getElementById('token-once');
         return box.hidden ? null : document.getElementById('token-once-value').textContent;",
        |v| v.as_str().is_some_and(|t| !t.is_empty()),
    )
    .await?;
    let token = token.as_str().unwrap_or_default().to_string();
    let me = server.get_with("/api/me", Some(&token));
    check!(
        me.status == 200 && me.json["name"] == "hoa" && me.json["role"] == "reviewer",
        "the new token answers {} {}",
        me.status,
        me.text
    );
    wait_css(c, r#"[data-testid="user-item"][data-user="hoa"]"#).await?;
    click(
        c,
        r#"[data-testid="user-item"][data-user="hoa"] [data-testid="user-revoke"]"#,
    )
    .await?;
    let mut revoked = false;
    for _ in 0..100 {
        if server.get_with("/api/me", Some(&token)).status == 401 {
            revoked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check!(revoked, "the token revoked in the page still works");

    // 2. lan: the queue opens the first clause; key 1 tags it, n decides it and goes on, 0 says
    //    no sector applies to the next.
    as_user(c, base, &t.lan, "#/queue").await?;
    let first = queued_clause(c, None).await?;
    // A click makes the queued clause the one the keys act on.
    choose(c, &first).await.ctx("choose the queued clause")?;
    press(c, "1").await?;
    let tagged = {
        let mut got = json!([]);
        for _ in 0..100 {
            got = chips(c, &first).await?;
            if got.as_array().is_some_and(|a| a.len() == 1) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        got
    };
    let lan_sector = tagged[0]
        .as_str()
        .ok_or(format!("key 1 tagged {tagged}"))?
        .to_string();
    press(c, "n").await?;
    let second = queued_clause(c, Some(&first)).await?;
    press(c, "0").await?;
    queued_clause(c, Some(&second)).await?;

    // lan, on a clause the server has suggestions for: the page offers them, `a` applies the
    // first as lan's tag, `u` takes it back.
    let suggested = clause_with_suggestions(server, doc, &t.lan, &[&first, &second])?;
    choose(c, &suggested)
        .await
        .ctx("choose a clause with suggestions")?;
    let offered = poll(
        c,
        &format!(
            "return [...document.querySelectorAll(`[data-clause-id=\"{suggested}\"] [data-testid=\"suggestion\"]`)]
                .map((b) => b.getAttribute('data-sector-id'));"
        ),
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    )
    .await?;
    let top = offered[0]
        .as_str()
        .ok_or(format!("suggestions {offered}"))?
        .to_string();
    check!(
        chips(c, &suggested).await? == json!([]),
        "a suggestion was applied before any key"
    );
    press(c, "a").await?;
    let applied = poll(c, &chips_script(&suggested), |v| {
        v.as_array()
            .is_some_and(|a| a.iter().any(|s| s == top.as_str()))
    })
    .await?;
    check!(
        applied == json!([top]),
        "key a applied {applied}, not {top}"
    );
    press(c, "u").await?;
    poll(c, &chips_script(&suggested), |v| {
        v.as_array().is_some_and(Vec::is_empty)
    })
    .await?;

    // 3. minh: the same first clause, with lan's tag held back until minh decides.
    as_user(c, base, &t.minh, "#/queue").await?;
    let minh_first = queued_clause(c, None).await?;
    check!(
        minh_first == first,
        "minh's queue starts at {minh_first}, lan's at {first}"
    );
    let before = chips(c, &first).await?;
    check!(
        before == json!([]),
        "blind: minh sees {before} before deciding"
    );
    choose(c, &first).await.ctx("choose the queued clause")?;
    press(c, "2").await?;
    let mut minh_sector = String::new();
    for _ in 0..100 {
        let got = chips(c, &first).await?;
        if let Some(s) = got
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str)
        {
            minh_sector = s.to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check!(
        !minh_sector.is_empty() && minh_sector != lan_sector,
        "key 2 gave minh {minh_sector:?}, lan had {lan_sector:?}"
    );
    press(c, "n").await?;
    queued_clause(c, Some(&first)).await?;
    press(c, "0").await?;
    // Decided now: lan's tag shows to minh.
    let seen = server
        .get_with(&format!("/api/clauses/{first}"), Some(&t.minh))
        .json;
    let users: Vec<&str> = seen["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["user"].as_str()).collect())
        .unwrap_or_default();
    check!(
        users.contains(&"lan"),
        "after deciding, minh sees the tags of {users:?}"
    );

    // 4. thu, the reviewer: their agreement, and the difference settled.
    as_user(
        c,
        base,
        &t.thu,
        &format!("#/review?doc={}", encode_component(doc)),
    )
    .await?;
    let overall = poll(c, &text_of(r#"[data-testid="agreement-overall"]"#), |v| {
        v.as_str().is_some_and(|t| t.contains("2 điều khoản"))
    })
    .await?;
    check!(
        overall
            .as_str()
            .is_some_and(|t| t.contains("lan") && t.contains("minh")),
        "the agreement reads {overall}"
    );
    let item = format!(r#"[data-testid="review-item"][data-clause-id="{first}"]"#);
    wait_css(c, &item).await?;
    click(
        c,
        &format!(r#"{item} [data-sector-id="{lan_sector}"] [data-testid="review-accepted"]"#),
    )
    .await?;
    wait_css(
        c,
        &format!(r#"{item} [data-sector-id="{lan_sector}"] .review-status.is-accepted"#),
    )
    .await?;
    click(
        c,
        &format!(r#"{item} [data-sector-id="{minh_sector}"] [data-testid="review-rejected"]"#),
    )
    .await?;
    wait_css(
        c,
        &format!(r#"{item} [data-sector-id="{minh_sector}"] .review-status.is-rejected"#),
    )
    .await?;
    screenshot(c, &target_dir().join("e2e-screenshot-review.png")).await?;

    // 5. The admin assigns one section of another document to minh, in the page.
    let other = server.get("/api/documents").json["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["number"] == "57-NQ/TW"))
        .and_then(|d| d["id"].as_str())
        .map(str::to_string)
        .ok_or("57-NQ/TW is in the corpus")?;
    let view = server.get(&format!("/api/documents/{}", encode_component(&other)));
    let section: Vec<String> = view.json["sections"][0]["path"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    check!(
        !section.is_empty(),
        "57-NQ/TW has no section: {}",
        view.text
    );
    as_user(c, base, &t.admin, "#/admin").await?;
    wait_css(c, &format!(r#"#assign-doc option[value="{other}"]"#)).await?;
    c.execute(
        "document.getElementById('assign-doc').value = arguments[0];
         document.getElementById('assign-section').value = arguments[1];
         for (const i of document.querySelectorAll('#assign-users input'))
             i.checked = i.value === 'minh';
         document.getElementById('assign-blind').checked = false;",
        vec![json!(other), json!(section.join("/"))],
    )
    .await
    .ctx("fill the section's assignment")?;
    click(c, r#"#assign-form button[type="submit"]"#).await?;
    let mut assigned = Value::Null;
    for _ in 0..100 {
        let list = server.get_with(
            &format!("/api/assignments?doc={}", encode_component(&other)),
            Some(&t.admin),
        );
        if let Some(a) = list.json["assignments"].as_array().and_then(|a| a.first()) {
            assigned = a.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check!(
        assigned["user"] == "minh" && assigned["section_path"] == json!(section),
        "the section's assignment reads {assigned}"
    );
    Ok(lan_sector)
}

#[test]
fn two_annotators_tag_blind_and_a_reviewer_settles_them_into_an_export() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let server = Server::start(&tmp.path().join("index"), &data);
    let team = Team {
        admin: add_user(&data, "admin", "admin"),
        lan: add_user(&data, "lan", "annotator"),
        minh: add_user(&data, "minh", "annotator"),
        thu: add_user(&data, "thu", "reviewer"),
    };
    let docs = server.get("/api/documents").json;
    let list = docs.as_array().or(docs["documents"].as_array()).cloned();
    let doc = list
        .unwrap_or_default()
        .iter()
        .find(|d| d["number"] == "69-KL/TW")
        .and_then(|d| d["id"].as_str())
        .expect("69-KL/TW is in the corpus")
        .to_string();
    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let shot = target_dir().join("e2e-team-failure.png");
    let outcome: Step<String> = browser.run(Duration::from_secs(300), &shot, async |c| {
        drive(c, &server, &doc, &team).await
    });
    let lan_sector = outcome.unwrap_or_else(|err| {
        panic!(
            "team browser test failed: {err}\nserver log:\n{}",
            server.log_text()
        )
    });
    // 5. The gold set: the W3C export of accepted tags is lan's tag, accepted by thu.
    let export = server
        .get(&format!(
            "/api/annotations/export?format=w3c&status=accepted&document={}",
            encode_component(&doc)
        ))
        .json;
    let items = export["first"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "{export}");
    let bodies = items[0]["body"].as_array().cloned().unwrap_or_default();
    assert!(
        bodies
            .iter()
            .any(|b| b["purpose"] == "tagging" && b["value"] == lan_sector.as_str()),
        "{export}"
    );
    assert!(
        bodies.iter().any(|b| b["purpose"] == "assessing"
            && b["value"] == "accepted"
            && b["creator"]["name"] == "thu"),
        "{export}"
    );
    assert_eq!(items[0]["creator"]["name"], "lan");
}

/// A small resolution of a made-up provincial committee, in two versions: the second rewrites
/// its first task entirely, so a tag on it is orphaned at re-ingestion.
fn resolution(first_task: &str) -> String {
    format!(
        "ĐẢNG CỘNG SẢN VIỆT NAM\n\
         ĐẢNG BỘ TỈNH THỬ NGHIỆM\n\
         Số 99-NQ/TU\n\
         Thử Nghiệm, ngày 12 tháng 3 năm 2025\n\
         NGHỊ QUYẾT\n\
         về nhiệm vụ năm 2025\n\
         I. NHIỆM VỤ\n\
         1. {first_task}\n\
         2. Nâng cao chất lượng giáo dục phổ thông, đào tạo nghề cho lao động nông thôn.\n"
    )
}

/// Ingests `file` into the running server's index (handed to the server) and says how it went.
fn ingest(tmp: &std::path::Path, file: &std::path::Path) {
    let out = vankien_tests::run_vankien(
        &[
            "ingest".as_ref(),
            "--index".as_ref(),
            tmp.join("index").as_os_str(),
            "--data".as_ref(),
            tmp.join("data").as_os_str(),
            file.as_os_str(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_admin_sees_an_orphaned_tag_and_reattaches_it_by_hand_in_the_page() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let server = Server::start(&tmp.path().join("index"), &data);
    let admin = add_user(&data, "admin", "admin");
    let lan = add_user(&data, "lan", "annotator");
    let file = tmp.path().join("99-NQ-TU.txt");
    std::fs::write(
        &file,
        resolution("Phát triển du lịch cộng đồng gắn với bảo tồn di sản văn hóa các dân tộc."),
    )
    .unwrap();
    ingest(tmp.path(), &file);
    let list = server.get("/api/documents").json;
    let doc = list["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["number"] == "99-NQ/TU"))
        .and_then(|d| d["id"].as_str())
        .expect("the resolution is served")
        .to_string();
    let clauses = |server: &Server| -> Vec<(String, String)> {
        server
            .get(&format!("/api/documents/{}", encode_component(&doc)))
            .json["clauses"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap_or_default().to_string(),
                    c["text"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let (tourism, _) = clauses(&server)
        .into_iter()
        .find(|(_, t)| t.contains("du lịch cộng đồng"))
        .expect("the tourism task");
    let put = server.put(
        &format!("{}/sectors/du-lich", vankien_tests::clause_path(&tourism)),
        Some(&lan),
    );
    assert_eq!(put.status, 201, "{}", put.text);

    // The task is rewritten from end to end: lan's tag has no clause to follow.
    std::fs::write(
        &file,
        resolution("Xây dựng hạ tầng giao thông kết nối các huyện miền núi với đồng bằng."),
    )
    .unwrap();
    ingest(tmp.path(), &file);
    let orphans = server.get_with("/api/orphans", Some(&admin)).json;
    assert_eq!(orphans["total"], 1, "{orphans}");
    let (roads, _) = clauses(&server)
        .into_iter()
        .find(|(_, t)| t.contains("hạ tầng giao thông"))
        .expect("the rewritten task");

    let browser = Browser::start(&chromium, &chromedriver, tmp.path());
    let shot = target_dir().join("e2e-orphan-failure.png");
    let outcome: Step<()> = browser.run(Duration::from_secs(120), &shot, async |c| {
        as_user(c, &server.base, &admin, "#/admin").await?;
        let item = wait_css(c, r#"[data-testid="orphan-item"]"#).await?;
        let text = item.text().await.ctx("the orphan's text")?;
        check!(
            text.contains("lan") && text.contains("du lịch cộng đồng"),
            "the orphan reads {text:?}"
        );
        let input = item
            .find(fantoccini::Locator::Css("input"))
            .await
            .ctx("the clause id box")?;
        input.send_keys(&roads).await.ctx("type the clause id")?;
        item.find(fantoccini::Locator::Css("button"))
            .await
            .ctx("the re-attach button")?
            .click()
            .await
            .ctx("re-attach")?;
        poll(c, &text_of("#orphans-list"), |v| {
            v.as_str()
                .is_some_and(|t| t.contains("Không có nhãn mồ côi"))
        })
        .await?;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!(
            "orphan browser test failed: {err}\nserver log:\n{}",
            server.log_text()
        );
    }
    // The tag is lan's, on the clause chosen by hand, and no orphan is left.
    let seen = server.get(&vankien_tests::clause_path(&roads)).json;
    let tags: Vec<(String, String)> = seen["tags"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| {
            (
                t["sector"].as_str().unwrap_or_default().to_string(),
                t["user"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(tags, [("du-lich".to_string(), "lan".to_string())], "{seen}");
    assert_eq!(
        server.get_with("/api/orphans", Some(&admin)).json["total"],
        0
    );
}
