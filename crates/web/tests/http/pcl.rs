//! The PACER Case Locator over HTTP: its JSON API as pacersdk calls it
//! (token in X-NEXT-GEN-CSO), billed once per request; batch searches; and
//! the /pcl page.

use crate::helpers::*;
use openecf_app::filing::pdf::sample::{pdf, Extra};
use openecf_app::filing::{self, NewCivilCase, Upload};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Two civil cases at nysd, opened by jfiler2026 (linked there); returns the token.
async fn two_cases(app: &TestApp) -> String {
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("nysd", "jfiler", ECF_PW).await;
    b.confirm("nysd", &verify, "submit").await;
    let account = app.account("jfiler2026").await;
    let court = app
        .store
        .court(&openecf_domain::CourtId::parse("nysd").unwrap())
        .await
        .unwrap()
        .unwrap();
    for (plaintiff, defendant) in [
        ("Jordan Filer", "Acme Widgets, Inc."),
        ("Maria Lopez Garcia", "Beta Supply Co."),
    ] {
        let new = NewCivilCase {
            plaintiffs: vec![plaintiff.into()],
            defendants: vec![defendant.into()],
            nature_of_suit: "190 Contract: Other".into(),
            cause: "28:1332 Diversity-Breach of Contract".into(),
            jurisdiction: "Diversity".into(),
            jury_demand: "None".into(),
            complaint: Upload {
                filename: "complaint.pdf".into(),
                bytes: pdf(1, "Complaint", Extra::Nothing),
            },
            attachments: vec![],
        };
        filing::open_civil_case(&app.app, &court, &account, &new)
            .await
            .unwrap()
            .unwrap();
    }
    let res = reqwest::Client::new()
        .post(format!("{}/services/cso-auth", app.base))
        .json(&json!({"loginId": "jfiler2027", "password": PACER_PW, "clientCode": "research-1"}))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["nextGenCSO"].as_str().unwrap().to_owned()
}

async fn api(
    app: &TestApp,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.header("X-NEXT-GEN-CSO", t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_locator_api_finds_cases_and_parties_and_bills_each_page_once() {
    let app = TestApp::spawn().await;
    let token = two_cases(&app).await;
    let post = reqwest::Method::POST;
    // No token, no search; bad criteria are named.
    let (status, body) = api(
        &app,
        None,
        post.clone(),
        "/pcl-public-api/rest/cases/find",
        Some(json!({"caseTitle": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error"].as_str().unwrap().contains("X-NEXT-GEN-CSO"));
    let (status, body) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find",
        Some(json!({"dateFiledFrom": "11/26/2026"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("dateFiledFrom"), "{body}");
    let (status, _) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // By title, at every court.
    let (status, found) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find?page=0",
        Some(json!({"caseTitle": "acme"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let year = app.now().format("%y").to_string();
    let case = &found["content"][0];
    assert_eq!(found["content"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(case["courtId"], "nysd");
    assert_eq!(case["caseTitle"], "Jordan Filer v. Acme Widgets, Inc.");
    assert!(
        case["caseNumberFull"]
            .as_str()
            .unwrap()
            .starts_with(&format!("1:{year}-cv-00001")),
        "{case}"
    );
    assert_eq!(case["caseType"], "cv");
    assert_eq!(case["caseYear"], 2000 + year.parse::<i64>().unwrap());
    assert_eq!(case["dateFiled"], app.now().format("%Y-%m-%d").to_string());
    assert!(case["caseLink"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/ecf/nysd/cgi-bin/iquery.pl?{}", case["caseId"])));
    assert_eq!(found["pageInfo"]["totalElements"], 1);
    let receipt = &found["receipt"];
    assert_eq!(receipt["billablePages"], 1);
    assert_eq!(receipt["fee"], 0.1);
    assert_eq!(receipt["loginId"], "jfiler2027");
    assert_eq!(receipt["clientCode"], "research-1");
    assert_eq!(receipt["description"], "All Court Types Case Search");
    // A retried request is the same transaction; by number, a new one.
    let (_, again) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find?page=0",
        Some(json!({"caseTitle": "acme"})),
    )
    .await;
    assert_eq!(again["receipt"]["transactionId"], receipt["transactionId"]);
    let (_, by_number) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find",
        Some(json!({"caseNumberFull": format!("{year}-2"), "courtId": ["nysd"]})),
    )
    .await;
    assert_eq!(
        by_number["content"][0]["caseTitle"],
        "Maria Lopez Garcia v. Beta Supply Co."
    );
    assert_ne!(by_number["receipt"]["transactionId"], receipt["transactionId"]);
    // A search that finds nothing costs a page; another court's filter finds nothing.
    let (_, none) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/cases/find",
        Some(json!({"caseTitle": "acme", "courtId": ["gamb"]})),
    )
    .await;
    assert_eq!(none["content"].as_array().unwrap().len(), 0);
    assert_eq!(none["receipt"]["billablePages"], 1);
    // Parties, by last name; organisations whole as the last name.
    let (status, parties) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/parties/find",
        Some(json!({"lastName": "garcia"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{parties}");
    let party = &parties["content"][0];
    assert_eq!(parties["content"].as_array().unwrap().len(), 1);
    assert_eq!(
        (party["lastName"].as_str(), party["firstName"].as_str()),
        (Some("Garcia"), Some("Maria"))
    );
    assert_eq!(party["partyRole"], "pla");
    assert_eq!(party["caseTitle"], "Maria Lopez Garcia v. Beta Supply Co.");
    let (_, org) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/parties/find",
        Some(json!({"lastName": "beta supply"})),
    )
    .await;
    assert_eq!(org["content"][0]["lastName"], "Beta Supply Co.");
    assert_eq!(org["content"][0]["partyRole"], "dft");
    let (status, _) = api(
        &app,
        Some(&token),
        post.clone(),
        "/pcl-public-api/rest/parties/find",
        Some(json!({"firstName": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // One Idempotency-Key for two different searches: each is charged.
    let keyed = |from: &str| {
        reqwest::Client::new()
            .post(format!("{}/pcl-public-api/rest/cases/find", app.base))
            .header("X-NEXT-GEN-CSO", &token)
            .header("Idempotency-Key", "same-key")
            .json(&json!({"caseTitle": "v.", "dateFiledFrom": from}))
            .send()
    };
    let first: Value = keyed("2020-01-01").await.unwrap().json().await.unwrap();
    let other: Value = keyed("2021-01-01").await.unwrap().json().await.unwrap();
    let again: Value = keyed("2020-01-01").await.unwrap().json().await.unwrap();
    assert_ne!(first["receipt"]["transactionId"], other["receipt"]["transactionId"]);
    assert_eq!(first["receipt"]["transactionId"], again["receipt"]["transactionId"]);
    // Six searches charged: 10 cents each in the quarter's transactions.
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    assert_eq!(list.len(), 7, "{list:?}");
    assert!(list.iter().all(|t| t.court == "PCL" && t.cost_cents == 10));
}

#[tokio::test]
async fn a_batch_search_runs_is_downloaded_once_billed_and_deleted() {
    let app = TestApp::spawn().await;
    let token = two_cases(&app).await;
    let (status, info) = api(
        &app,
        Some(&token),
        reqwest::Method::POST,
        "/pcl-public-api/rest/cases/download",
        Some(json!({"courtId": ["nysd"], "caseType": ["cv"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["status"], "COMPLETED");
    assert_eq!(info["recordCount"], 2);
    assert_eq!(info["searchType"], "COURT_CASE");
    let id = info["reportId"].as_i64().unwrap();
    let (_, st) = api(
        &app,
        Some(&token),
        reqwest::Method::GET,
        &format!("/pcl-public-api/rest/cases/download/status/{id}"),
        None,
    )
    .await;
    assert_eq!(st["content"][0]["status"], "COMPLETED");
    let (status, got) = api(
        &app,
        Some(&token),
        reqwest::Method::GET,
        &format!("/pcl-public-api/rest/cases/download/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["content"].as_array().unwrap().len(), 2);
    assert_eq!(got["receipt"]["billablePages"], 1);
    let (_, again) = api(
        &app,
        Some(&token),
        reqwest::Method::GET,
        &format!("/pcl-public-api/rest/cases/download/{id}"),
        None,
    )
    .await;
    assert_eq!(
        again["receipt"]["transactionId"], got["receipt"]["transactionId"],
        "downloaded twice, billed once"
    );
    // Another account cannot see it.
    let res = reqwest::Client::new()
        .post(format!("{}/services/cso-auth", app.base))
        .json(&json!({"loginId": "mlinked2026", "password": PACER_PW}))
        .send()
        .await
        .unwrap();
    let other = res.json::<Value>().await.unwrap()["nextGenCSO"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = api(
        &app,
        Some(&other),
        reqwest::Method::GET,
        &format!("/pcl-public-api/rest/cases/download/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(
        &app,
        Some(&token),
        reqwest::Method::DELETE,
        &format!("/pcl-public-api/rest/cases/reports/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api(
        &app,
        Some(&token),
        reqwest::Method::GET,
        &format!("/pcl-public-api/rest/cases/download/status/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pcl_page_finds_a_case_by_party_and_prints_the_receipt() {
    let app = TestApp::spawn().await;
    two_cases(&app).await;
    let b = app.browser();
    let login = b.get("/pcl").await;
    login.assert_has("PACER LOGIN");
    b.login("jfiler2027", PACER_PW).await;
    let form = b.get("/pcl").await;
    form.assert_has(r#"<label for="last_name">Last name (or the organisation"#)
        .assert_lacks("Transaction Receipt");
    let k = form.hidden("k");
    let path = format!("/pcl?court=&last_name=filer&k={k}");
    let found = b.get(&path).await;
    assert_eq!(found.status, StatusCode::OK);
    found
        .assert_has("1 found: page 1")
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has("Jordan Filer (Plaintiff)")
        .assert_has("PACER Service Center<br>Transaction Receipt")
        .assert_has("<th scope=\"row\">PACER Login:</th><td>jfiler2027</td>")
        .assert_has("<th scope=\"row\">Billable Pages:</th><td>1</td><th scope=\"row\">Cost:</th><td>0.10</td>");
    // A reload is not charged again.
    b.get(&path).await;
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    assert_eq!(
        list.iter()
            .filter(|t| t.description == "All Court Types Party Search")
            .count(),
        1
    );
    let bad = b.get(&format!("/pcl?court=not+a+court&case_title=x&k={k}")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("Court: &#34;not a court&#34; is not a court id");
}

#[tokio::test]
async fn a_courts_search_finds_entries_by_keyword_and_bills_them_as_a_search() {
    let app = TestApp::spawn().await;
    two_cases(&app).await;
    let b = app.browser();
    b.login("jfiler2027", PACER_PW).await;
    let form = b.get("/ecf/nysd/search").await;
    form.assert_has(r#"<label for="keyword">Keyword</label>"#)
        .assert_lacks("Transaction Receipt");
    let k = form.hidden("k");
    let found = b.get(&format!("/ecf/nysd/search?keyword=COMPLAINT&k={k}")).await;
    assert_eq!(found.status, StatusCode::OK);
    found
        .assert_has("2 docket entries found")
        .assert_has("Jordan Filer v. Acme Widgets, Inc.")
        .assert_has("Maria Lopez Garcia v. Beta Supply Co.")
        .assert_has("<th scope=\"row\">Description:</th><td>Search</td><th scope=\"row\">Search Criteria:</th><td>Keyword: COMPLAINT</td>")
        .assert_has("<th scope=\"row\">Billable Pages:</th><td>1</td><th scope=\"row\">Cost:</th><td>0.10</td>");
    // A link from elsewhere (a number not issued to this session) runs nothing and charges nothing.
    let forged = b
        .get("/ecf/nysd/search?keyword=COMPLAINT&k=0123456789abcdef.00000000000000000000000000000000")
        .await;
    forged
        .assert_has("Click Search to run this search")
        .assert_lacks("Transaction Receipt")
        .assert_lacks("docket entries found");
    // A reload is not charged again; a search that finds nothing costs a page.
    b.get(&format!("/ecf/nysd/search?keyword=COMPLAINT&k={k}")).await;
    let none = b.get(&format!("/ecf/nysd/search?keyword=xyzzy&k={k}")).await;
    none.assert_has("No docket entry contains “xyzzy”.")
        .assert_has("<td>0.10</td>");
    let account = app.account("jfiler2027").await;
    let list = openecf_app::fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    let searches: Vec<_> = list.iter().filter(|t| t.description == "Search").collect();
    assert_eq!(searches.len(), 2, "{list:?}");
    // Dates narrow it; a bad one is named.
    let later = b
        .get(&format!(
            "/ecf/nysd/search?keyword=complaint&filed_from=2099-01-01&k={k}"
        ))
        .await;
    later.assert_has("No docket entry contains");
    let bad = b
        .get(&format!("/ecf/nysd/search?keyword=complaint&filed_to=yesterday&k={k}"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("Filed to: &#34;yesterday&#34; is not a date");
}
