//! The PACER Authentication API over real HTTP.

use crate::helpers::*;
use openecf_domain::Subject;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn auth(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let res = app
        .cookieless()
        .post(format!("{}/services/cso-auth", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_token_from_the_api_works_at_every_court_until_logout() {
    let app = TestApp::spawn().await;
    let (status, body) = auth(
        &app,
        json!({"loginId": "jfiler2026", "password": PACER_PW, "clientCode": "matter-42", "redactFlag": "1"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["loginResult"], "0");
    assert_eq!(body["errorDescription"], "");
    let token = body["nextGenCSO"].as_str().unwrap().to_owned();
    for court in ["gamb", "nysd"] {
        let page = page(
            app.cookieless()
                .get(format!("{}/ecf/{court}/", app.base))
                .header("X-NEXT-GEN-CSO", &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        page.assert_has("Logged in as <strong>Jordan Filer (jfiler2026)</strong>");
        let by_cookie = page_with_cookie(&app, &format!("/ecf/{court}/"), &token).await;
        by_cookie.assert_has("Logged in as");
    }
    let res = app
        .cookieless()
        .post(format!("{}/services/cso-logout", app.base))
        .json(&json!({"nextGenCSO": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["logoutResult"], "0");
    page_with_cookie(&app, "/ecf/gamb/", &token)
        .await
        .assert_lacks("Logged in as");
}

async fn page_with_cookie(app: &TestApp, path: &str, token: &str) -> Page {
    page(
        app.cookieless()
            .get(format!("{}{path}", app.base))
            .header("Cookie", format!("NextGenCSO={token}"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn wrong_credentials_get_a_non_zero_result_and_no_token() {
    let app = TestApp::spawn().await;
    for (user, pw) in [("jfiler2026", "wrong-password"), ("nobody2026", PACER_PW)] {
        let (status, body) = auth(&app, json!({"loginId": user, "password": pw})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["loginResult"], "1");
        assert_eq!(body["errorDescription"], "Invalid username or password.");
        assert!(body.get("nextGenCSO").is_none());
    }
    assert_eq!(
        app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count,
        1,
        "counted like the login page"
    );
}

#[tokio::test]
async fn client_codes_are_checked() {
    let app = TestApp::spawn().await;
    for code in ["has space", "has,comma", &"x".repeat(33)] {
        let (_, body) = auth(
            &app,
            json!({"loginId": "jfiler2026", "password": PACER_PW, "clientCode": code}),
        )
        .await;
        assert_eq!(body["loginResult"], "2", "{code}");
        assert!(body["errorDescription"].as_str().unwrap().contains("clientCode"));
        assert!(body.get("nextGenCSO").is_none());
    }
}

#[tokio::test]
async fn malformed_requests_get_a_json_4xx_never_a_500() {
    let app = TestApp::spawn().await;
    let url = format!("{}/services/cso-auth", app.base);
    let client = app.cookieless();
    let cases = [
        (
            client
                .post(&url)
                .header("Content-Type", "application/json")
                .body("{not json"),
            StatusCode::BAD_REQUEST,
        ),
        (
            client.post(&url).json(&json!({"loginId": 5, "password": "x"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            client.post(&url).json(&json!({"loginId": "jfiler2026"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (client.post(&url).body("loginId=x"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            client
                .post(&url)
                .header("Content-Type", "application/json")
                .body(format!("{{\"loginId\": \"{}\"}}", "a".repeat(200_000))),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (req, expected) in cases {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), expected);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["loginResult"], "2");
        assert!(!body["errorDescription"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn pending_actions_come_with_a_successful_login() {
    let app = TestApp::spawn().await;
    let (_, legacy) = auth(&app, json!({"loginId": "oldpcr", "password": PACER_PW})).await;
    assert_eq!(legacy["loginResult"], "0");
    assert!(legacy["errorDescription"]
        .as_str()
        .unwrap()
        .contains("must be upgraded"));
    let (_, filer) = auth(&app, json!({"loginId": "mlinked2026", "password": PACER_PW})).await;
    assert_eq!(filer["loginResult"], "0");
    assert!(filer["nextGenCSO"].is_string());
    assert!(filer["errorDescription"]
        .as_str()
        .unwrap()
        .contains("Multi-factor authentication is required for filers"));
}

#[tokio::test]
async fn an_mfa_account_needs_its_passcode_and_each_works_once() {
    let app = TestApp::spawn().await;
    let secret = app.enrol_mfa("jfiler2026").await;
    let (_, none) = auth(&app, json!({"loginId": "jfiler2026", "password": PACER_PW})).await;
    assert_eq!(none["loginResult"], "3");
    assert!(none.get("nextGenCSO").is_none());
    let (_, wrong) = auth(
        &app,
        json!({"loginId": "jfiler2026", "password": PACER_PW, "otpCode": "000000"}),
    )
    .await;
    assert_eq!(wrong["loginResult"], "3");
    let code = app.passcode(&secret, 0);
    let (_, ok) = auth(
        &app,
        json!({"loginId": "jfiler2026", "password": PACER_PW, "otpCode": code}),
    )
    .await;
    assert_eq!(ok["loginResult"], "0", "{ok}");
    assert!(ok["nextGenCSO"].is_string());
    let (_, replay) = auth(
        &app,
        json!({"loginId": "jfiler2026", "password": PACER_PW, "otpCode": code}),
    )
    .await;
    assert_eq!(replay["loginResult"], "3", "a passcode is never accepted twice");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .cookieless()
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/services/cso-auth"]["post"].is_object());
    assert!(doc["paths"]["/services/cso-logout"]["post"].is_object());
    let props = &doc["components"]["schemas"]["AuthRequest"]["properties"];
    for field in ["loginId", "password", "clientCode", "redactFlag", "otpCode"] {
        assert!(props[field].is_object(), "{field}");
    }
}

#[tokio::test]
async fn passcode_guesses_lock_even_when_the_password_is_right() {
    let app = TestApp::spawn().await;
    let secret = app.enrol_mfa("jfiler2026").await;
    for guess in ["000001", "000002", "000003", "000004", "000005", "000006"] {
        let (_, body) = auth(
            &app,
            json!({"loginId": "jfiler2026", "password": PACER_PW, "otpCode": guess}),
        )
        .await;
        assert_eq!(body["loginResult"], "3");
    }
    let id = app.account("jfiler2026").await.id;
    let subject = Subject::SecondFactor(id);
    let failures = app.store.failures(&subject).await.unwrap();
    assert!(
        failures.count >= openecf_domain::throttle::FREE_FAILURES,
        "a right password did not reset it"
    );
    assert_eq!(
        app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count,
        0
    );
    // While locked, even the right passcode is refused.
    for _ in 0..5 {
        app.store.record_failure(&subject, app.now(), None).await.unwrap();
    }
    let (_, right) = auth(
        &app,
        json!({"loginId": "jfiler2026", "password": PACER_PW, "otpCode": app.passcode(&secret, 0)}),
    )
    .await;
    assert_eq!(right["loginResult"], "3");
}

#[tokio::test]
async fn api_logins_use_up_the_filers_mfa_postponements_too() {
    let app = TestApp::spawn().await;
    // Each API login of a filer without an authenticator app counts.
    for left in [2, 1, 0] {
        let (_, body) = auth(&app, json!({"loginId": "mlinked2026", "password": PACER_PW})).await;
        assert_eq!(body["loginResult"], "0");
        let said = body["errorDescription"].as_str().unwrap();
        assert!(said.contains(&format!("({left} postponements left)")), "{said}");
    }
    let (_, body) = auth(&app, json!({"loginId": "mlinked2026", "password": PACER_PW})).await;
    assert_eq!(body["loginResult"], "0");
    assert!(
        body["errorDescription"].as_str().unwrap().contains("enrolment is due"),
        "{body}"
    );
    let token = body["nextGenCSO"].as_str().unwrap();
    // The token opens no court page, filing menu or link form: only enrolment.
    for path in [
        "/ecf/gamb/",
        "/ecf/gamb/bankruptcy",
        "/ecf/nysd/link",
        "/ecf/gamb/utilities",
    ] {
        let p = page(
            app.cookieless()
                .get(format!("{}{path}", app.base))
                .header("X-NEXT-GEN-CSO", token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(p.url.contains("/account/mfa/add"), "{path} → {}", p.url);
    }
    // Nor does a browser login afterwards.
    let b = app.browser();
    let prompt = b.login_to("mlinked2026", PACER_PW, "/ecf/gamb/").await;
    prompt.assert_lacks("Not now");
    assert!(b.get("/ecf/gamb/bankruptcy").await.url.contains("/account/mfa/add"));
}

#[tokio::test]
async fn junk_login_ids_get_the_generic_json_answer() {
    let app = TestApp::spawn().await;
    for id in ["jfiler\u{0}2026".to_owned(), "é".repeat(3000)] {
        let (status, body) = auth(&app, json!({"loginId": id, "password": PACER_PW})).await;
        assert_eq!((status, body["loginResult"].as_str()), (StatusCode::OK, Some("1")));
    }
}

#[tokio::test]
async fn other_methods_get_json_too() {
    let app = TestApp::spawn().await;
    let res = app
        .cookieless()
        .get(format!("{}/services/cso-auth", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["loginResult"], "2");
}

#[tokio::test]
async fn many_right_logins_at_once_all_succeed() {
    let app = TestApp::spawn().await;
    let logins = (0..10).map(|_| {
        let (client, url) = (app.cookieless(), format!("{}/services/cso-auth", app.base));
        tokio::spawn(async move {
            let body = json!({"loginId": "jfiler2026", "password": PACER_PW});
            let res = client.post(url).json(&body).send().await.unwrap();
            res.json::<Value>().await.unwrap()
        })
    });
    for login in logins.collect::<Vec<_>>() {
        assert_eq!(
            login.await.unwrap()["loginResult"],
            "0",
            "a right password is never taken for a guess"
        );
    }
    assert_eq!(
        app.store.failures(&Subject::pacer("jfiler2026")).await.unwrap().count,
        0
    );
}
