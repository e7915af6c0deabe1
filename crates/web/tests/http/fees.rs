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

#[tokio::test]
async fn a_firms_administrator_sees_each_members_usage_once_they_accept() {
    let app = TestApp::spawn().await;
    let admin = app.browser();
    admin.login("jfiler2026", PACER_PW).await;
    admin
        .get("/account")
        .await
        .assert_has(r#"<a href="/account/paa">PACER Administrative Account</a>"#);
    let page = admin.get("/account/paa").await;
    let short = admin
        .submit(&page, "/account/paa", &[("action", "create"), ("name", "x")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    short.assert_has("Firm name: 2 to 120 characters, on one line.");
    let made = admin
        .submit(
            &page,
            "/account/paa",
            &[("action", "create"), ("name", "Filer &amp; Partners LLP")],
        )
        .await;
    made.assert_has("Your firm&#39;s PACER Administrative Account was made")
        .assert_has("usage in");
    // A shared firm login cannot be a member; a real account is invited.
    let shared = admin
        .submit(
            &made,
            "/account/paa",
            &[("action", "invite"), ("username", "smithjonesfirm")],
        )
        .await;
    assert_eq!(shared.status, StatusCode::UNPROCESSABLE_ENTITY);
    shared.assert_has("smithjonesfirm is a shared firm account");
    let invited = admin
        .submit(
            &made,
            "/account/paa",
            &[("action", "invite"), ("username", "jfiler2027")],
        )
        .await;
    invited
        .assert_has("The invitation was sent")
        .assert_has("Jamie Filer (jfiler2027)");
    // The member's usage is not shown until they accept.
    let member = app.browser();
    member.login("jfiler2027", PACER_PW).await;
    let token = member.token().unwrap();
    let account = app.account("jfiler2027").await;
    let court = app
        .store
        .court(&openecf_domain::CourtId::parse("nysd").unwrap())
        .await
        .unwrap()
        .unwrap();
    let charge = |key: &'static str| Charge {
        court: Some(&court),
        description: "Image 1-0",
        criteria: "1:26-cv-00001",
        billable: Billable::Document { pages: 7 },
        opinion: false,
        request_key: key,
    };
    let hash = openecf_app::tokens::hash_token(&token);
    fees::charge(&app.app, &account, &hash, charge("m1")).await.unwrap();
    admin
        .get("/account/paa")
        .await
        .assert_lacks("<th scope=\"row\">jfiler2027</th>");
    let offer = member.get("/account/paa").await;
    offer.assert_has("invites your account to be billed through the firm");
    let joined = member
        .submit(&offer, "/account/paa", &[("action", "accept"), ("firm", "1")])
        .await;
    joined
        .assert_has("You joined the firm")
        .assert_has("billed through <strong>Filer &#38;amp; Partners LLP</strong>");
    let usage = admin.get("/account/paa").await;
    usage.assert_has("<th scope=\"row\">jfiler2027</th><td>Jamie Filer</td><td>member</td><td>1</td><td>7</td><td>$0.70</td><td>$0.00</td>");
    // The member leaves: the administrator no longer sees them.
    let page = member.get("/account/paa").await;
    member
        .submit(&page, "/account/paa", &[("action", "leave")])
        .await
        .assert_has("You left the firm");
    admin
        .get("/account/paa")
        .await
        .assert_lacks("<th scope=\"row\">jfiler2027</th>");
}

#[tokio::test]
async fn a_cja_exemption_makes_the_sessions_transactions_at_its_court_free_and_recorded() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let token = b.token().unwrap();
    let none = b.get("/ecf/nysd/utilities/exemption").await;
    none.assert_has("You have no CJA exemption at this court");
    let refused = b
        .submit(&none, "/ecf/nysd/utilities/exemption", &[("exempt", "on")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let court = app
        .store
        .court(&openecf_domain::CourtId::parse("nysd").unwrap())
        .await
        .unwrap()
        .unwrap();
    openecf_app::paa::grant_exemption(&app.app, &court, "jfiler2026", "CJA appointment 26-mj-14", "clerk")
        .await
        .unwrap()
        .unwrap();
    let page = b.get("/ecf/nysd/utilities/exemption").await;
    page.assert_has("CJA appointment 26-mj-14")
        .assert_has("Exemption for this session: <strong>off</strong>");
    charge_pages(&app, &token, "nysd", 5, "before").await;
    b.submit(&page, "/ecf/nysd/utilities/exemption", &[("exempt", "on")])
        .await
        .assert_has("Exemption for this session: <strong>on</strong>");
    charge_pages(&app, &token, "nysd", 5, "during").await;
    // Another court's transactions are charged as ever.
    charge_pages(&app, &token, "gamb", 5, "elsewhere").await;
    let account = app.account("jfiler2026").await;
    let list = fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    let cost = |k: usize| (list[k].court.as_str(), list[k].cost_cents, list[k].exempt.as_str());
    assert_eq!(
        [cost(0), cost(1), cost(2)],
        [("nysd", 50, ""), ("nysd", 0, "cja"), ("gamb", 50, "")]
    );
    let (from, to) = openecf_domain::fees::Quarter::of(app.now()).range();
    assert_eq!(
        app.store.exempt_transactions(&court.id, from, to).await.unwrap().len(),
        1
    );
    // Revoked, the session is charged again.
    openecf_app::paa::revoke_exemption(&app.app, &court, "jfiler2026", "clerk")
        .await
        .unwrap()
        .unwrap();
    charge_pages(&app, &token, "nysd", 5, "after").await;
    let list = fees::transactions(&app.app, &account, openecf_domain::fees::Quarter::of(app.now()))
        .await
        .unwrap();
    assert_eq!(list.last().unwrap().cost_cents, 50);
}
