//! PACER fees over HTTP: the client code from PACER LOGIN, the API and
//! Change Client Code; the transactions at a court; Review Billing History by
//! quarter, with its CSV.

use crate::helpers::*;
use openecf_app::fees::{self, Charge};
use openecf_domain::fees::Billable;
use reqwest::StatusCode;

async fn charge_pages(app: &TestApp, token: &str, court: &str, pages: i64, key: &str) {
    let account = app.account("jfiler2026").await;
    let court = app
        .store
        .court(&openecf_domain::CourtId::parse(court).unwrap())
        .await
        .unwrap()
        .unwrap();
    let charge = Charge {
        court: Some(&court),
        description: "Image 1-0",
        criteria: "1:26-cv-00001",
        billable: Billable::Document { pages },
        opinion: false,
        request_key: key,
    };
    fees::charge(&app.app, &account, &openecf_app::tokens::hash_token(token), charge)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_client_code_from_login_bills_each_transaction_and_can_be_changed() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    // A bad client code is refused before the password is checked.
    let form = b.get("/csologin/login").await;
    form.assert_has(r#"<label for="clientCode">Client code (optional)</label>"#);
    let bad = b
        .submit(
            &form,
            "/csologin/login",
            &[
                ("loginId", "jfiler2026"),
                ("password", "wrong"),
                ("clientCode", "two words"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("Client code: at most 32 characters, with no spaces or commas.");
    let failures = app
        .store
        .failures(&openecf_domain::throttle::Subject::pacer("jfiler2026"))
        .await
        .unwrap();
    assert_eq!(failures.count, 0, "no password attempt was spent");
    let form = b.get("/csologin/login").await;
    b.submit(
        &form,
        "/csologin/login",
        &[
            ("loginId", "jfiler2026"),
            ("password", PACER_PW),
            ("clientCode", "matter-42"),
        ],
    )
    .await;
    let token = b.token().unwrap();
    charge_pages(&app, &token, "nysd", 4, "a").await;
    // Utilities → View Your Transactions: this court's, with the client code.
    let utilities = b.get("/ecf/nysd/utilities").await;
    utilities
        .assert_has(r#"<a href="/ecf/nysd/utilities/client-code">Change Client Code</a>"#)
        .assert_has(r#"<a href="/ecf/nysd/utilities/transactions">View Your Transactions</a>"#)
        .assert_has(r#"<a href="/account/billing">Review Billing History</a>"#);
    b.get("/ecf/nysd/utilities/transactions")
        .await
        .assert_has("<td>matter-42</td><td>Image 1-0</td><td>1:26-cv-00001</td><td>4</td><td>$0.40</td>");
    b.get("/ecf/gamb/utilities/transactions")
        .await
        .assert_has("No transactions.");
    // Change Client Code: a bad one is refused and changes nothing.
    let page = b.get("/ecf/nysd/utilities/client-code").await;
    page.assert_has("Current client code: <strong>matter-42</strong>");
    let refused = b
        .submit(&page, "/ecf/nysd/utilities/client-code", &[("clientCode", "a,b")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_has("Current client code: <strong>matter-42</strong>");
    b.submit(&page, "/ecf/nysd/utilities/client-code", &[("clientCode", "matter-7")])
        .await
        .assert_has("Your client code was changed.")
        .assert_has("Current client code: <strong>matter-7</strong>");
    charge_pages(&app, &token, "nysd", 2, "b").await;
    b.get("/ecf/nysd/utilities/transactions")
        .await
        .assert_has("<td>matter-7</td><td>Image 1-0</td>");
}

#[tokio::test]
async fn review_billing_history_shows_each_quarter_its_waiver_and_a_csv() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let token = b.token().unwrap();
    b.get("/account")
        .await
        .assert_has(r#"<a href="/account/billing">Review Billing History</a>"#);
    let quarter = openecf_domain::fees::Quarter::of(app.now()).to_string();
    let empty = b.get("/account/billing").await;
    empty.assert_has(&format!(
        "<th scope=\"row\">{quarter}</th><td>0</td><td>0</td><td>$0.00</td><td>$0.00</td>"
    ));
    // $0.40 and a retried request: charged once; under $30, waived.
    charge_pages(&app, &token, "nysd", 4, "a").await;
    charge_pages(&app, &token, "nysd", 4, "a").await;
    let small = b.get("/account/billing").await;
    small.assert_has(&format!(
        "<th scope=\"row\">{quarter}</th><td>1</td><td>4</td><td>$0.40</td><td>$0.00 (waived: $30.00 or less)</td>"
    ));
    // Past $30 the whole quarter is due.
    for n in 0..10 {
        charge_pages(&app, &token, "gamb", 31, &format!("big{n}")).await;
    }
    let big = b.get("/account/billing").await;
    big.assert_has(&format!(
        "<th scope=\"row\">{quarter}</th><td>11</td><td>304</td><td>$30.40</td><td>$30.40</td>"
    ));
    let res = b
        .client
        .get(format!("{}/account/billing.csv?quarter={quarter}", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 12, "{csv}");
    assert!(
        csv.contains(",gamb,jfiler2026,,Image 1-0,1:26-cv-00001,30,3.00,"),
        "{csv}"
    );
    assert_eq!(
        b.get("/account/billing?quarter=2026Q9").await.status,
        StatusCode::BAD_REQUEST
    );
    // Another account sees only its own.
    let other = app.browser();
    other.login("jfiler2027", PACER_PW).await;
    other
        .get("/account/billing")
        .await
        .assert_has(&format!("<th scope=\"row\">{quarter}</th><td>0</td>"));
}

#[tokio::test]
async fn the_apis_client_code_bills_the_tokens_transactions() {
    let app = TestApp::spawn().await;
    let res = reqwest::Client::new()
        .post(format!("{}/services/cso-auth", app.base))
        .json(&serde_json::json!({"loginId": "jfiler2026", "password": PACER_PW, "clientCode": "matter-42"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    let token = body["nextGenCSO"].as_str().unwrap().to_owned();
    assert_eq!(
        app.store
            .session_client_code(&openecf_app::tokens::hash_token(&token))
            .await
            .unwrap(),
        "matter-42"
    );
}
