//! Input the rest of the system can live with: email addresses the mailer can
//! deliver to, passwords that are not guessable, invisible or the old one,
//! and an OpenAPI document that covers every answer.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

const NEW_PW: &str = "Copper-Kettle-Morning-77";

async fn register(b: &Browser, username: &str, email: &str, password: &str) -> Page {
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[
            ("username", username),
            ("name", "Avery Quinn"),
            ("email", email),
            ("password", password),
            ("confirm", password),
        ],
    )
    .await
}

#[tokio::test]
async fn registration_refuses_addresses_the_mailer_cannot_deliver_to() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let long_local = format!("{}@x.io", "a".repeat(65));
    let mails = app.store.outbox().await.unwrap().len();
    for bad in [
        "a..b@x.io",
        "a;b@x.io",
        "a@[127.0.0.1]",
        long_local.as_str(),
        "avery\u{202e}@x.io",
        "ave\u{200b}ry@x.io",
    ] {
        let p = register(&b, "avery2026", bad, NEW_PW).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        p.assert_has("Email: ");
        assert_eq!(app.store.outbox().await.unwrap().len(), mails, "no mail queued");
    }
    register(&b, "avery2026", "avery.quinn+pacer@x.io", NEW_PW)
        .await
        .assert_has("Account registered");
}

#[tokio::test]
async fn an_email_change_to_an_undeliverable_address_is_refused() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    for bad in ["jordan..filer@x.io", "jordan@[10.0.0.1]", "jord\u{200d}an@x.io"] {
        let form = b.get("/account/email").await;
        b.submit(&form, "/account/email", &[("current", PACER_PW), ("email", bad)])
            .await
            .assert_has("New email: ");
    }
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jfiler2026@example.com");
}

#[tokio::test]
async fn guessable_and_invisible_passwords_are_refused_naming_why() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let weak = register(&b, "avery2026", "avery@x.io", "P@ssw0rd1234567").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    weak.assert_has("This password is too easy to guess");
    for invisible in ["Copper-Kettle\u{200b}-Morning-77", "Copper-Kettle-\u{202e}Morning-77"] {
        register(&b, "avery2026", "avery@x.io", invisible)
            .await
            .assert_has("may not contain control characters or invisible formatting characters");
    }
    // The demo password is strong enough.
    register(&b, "avery2026", "avery@x.io", PACER_PW)
        .await
        .assert_has("Account registered");
}

#[tokio::test]
async fn a_new_password_may_not_be_the_current_one() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let form = b.get("/account/password").await;
    b.submit(
        &form,
        "/account/password",
        &[("current", PACER_PW), ("password", PACER_PW), ("confirm", PACER_PW)],
    )
    .await
    .assert_has("New password: it must differ from your current password.");
    // Nor by reset.
    let anon = app.browser();
    let form = anon.get("/account/reset").await;
    anon.submit(&form, "/account/reset", &[("username", "jfiler2026")])
        .await;
    let mail = app.mail_to("jfiler2026@example.com").await;
    let link = mail
        .iter()
        .find_map(|m| m.body.lines().find(|l| l.contains("/account/reset/")))
        .unwrap()
        .trim()
        .to_owned();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    let reset_form = anon.get(&path).await;
    let same = anon
        .submit(&reset_form, &path, &[("password", PACER_PW), ("confirm", PACER_PW)])
        .await;
    same.assert_has("New password: it must differ from your current password.");
    // The link still works for a new one.
    anon.submit(&reset_form, &path, &[("password", NEW_PW), ("confirm", NEW_PW)])
        .await
        .assert_has("Your password has been changed");
}

#[tokio::test]
async fn every_answer_of_cso_logout_has_its_shape_and_is_documented() {
    let app = TestApp::spawn().await;
    let client = app.cookieless();
    let url = format!("{}/services/cso-logout", app.base);
    let not_json = client.post(&url).body("nextGenCSO=x").send().await.unwrap();
    assert_eq!(not_json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let v: Value = not_json.json().await.unwrap();
    assert_eq!(v["logoutResult"], "2");
    assert!(v.get("loginResult").is_none());
    let big = client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!("{{\"nextGenCSO\":\"{}\"}}", "x".repeat(100 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = big.json().await.unwrap();
    assert_eq!(v["logoutResult"], "2");
    let wrong_method = client.get(&url).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let v: Value = wrong_method.json().await.unwrap();
    assert_eq!(v["logoutResult"], "2");
    let doc: Value = client
        .get(format!("{}/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let responses = &doc["paths"]["/services/cso-logout"]["post"]["responses"];
    for status in ["200", "400", "403", "405", "413", "415", "422", "500"] {
        let schema = &responses[status]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema, "#/components/schemas/LogoutResponse", "{status}: {responses}");
    }
    let auth = &doc["paths"]["/services/cso-auth"]["post"]["responses"];
    assert!(auth["429"].is_object() && auth["403"].is_object(), "{auth}");
}
