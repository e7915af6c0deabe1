//! Utilities → Maintain Your ECF Account over HTTP: a linked filer adds and
//! removes secondary e-mail addresses and switches the delivery method;
//! refusals re-render the form (422) and change nothing; anyone else is refused.

use crate::helpers::*;
use reqwest::StatusCode;

const PAGE: &str = "/ecf/nysd/utilities/maintain-account";

/// jfiler2026, logged in and linked at nysd (a live district court).
async fn linked(app: &TestApp) -> Browser {
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let verify = b.submit_link("nysd", "jfiler", ECF_PW).await;
    b.confirm("nysd", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    b
}

async fn post(b: &Browser, fields: &[(&str, &str)]) -> Page {
    let csrf = b.get(PAGE).await.hidden("csrf");
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(PAGE, &all).await
}

async fn secondary(app: &TestApp) -> Vec<String> {
    let account = app.account("jfiler2026").await;
    let court = openecf_domain::CourtId::parse("nysd").unwrap();
    app.store.notice_prefs(&court, account.id).await.unwrap().secondary
}

#[tokio::test]
async fn a_linked_filer_maintains_secondary_addresses_and_delivery() {
    let app = TestApp::spawn().await;
    let b = linked(&app).await;
    b.get("/ecf/nysd/utilities")
        .await
        .assert_has(&format!(r#"<a href="{PAGE}">Maintain Your ECF Account</a>"#));
    let page = b.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_has("<h1>Maintain Your ECF Account</h1>")
        .assert_has("jfiler2026@example.com")
        .assert_has("You have no secondary e-mail addresses.")
        .assert_has(r#"<label for="email">E-mail address</label>"#)
        .assert_has(r#"<input type="radio" id="delivery-each" name="delivery" value="each" checked>"#)
        .assert_has("Daily summary report");
    // Add five.
    for n in 1..=5 {
        let done = post(
            &b,
            &[("action", "add"), ("email", &format!("para{n}@firm.example.com"))],
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        done.assert_has("The secondary e-mail address was added.")
            .assert_has(&format!("para{n}@firm.example.com"));
    }
    assert_eq!(secondary(&app).await.len(), 5);
    // Refusals: 422, the form again with what was typed, and no change.
    for (typed, says) in [
        ("not an address", "an email address looks like name@example.com"),
        ("JFiler2026@example.com", "is your primary e-mail address"),
        (
            "para2@firm.example.com",
            "is already one of your secondary e-mail addresses",
        ),
        ("sixth@firm.example.com", "at most 5 secondary e-mail addresses"),
    ] {
        let refused = post(&b, &[("action", "add"), ("email", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        refused
            .assert_has(says)
            .assert_has(&format!(r#"value="{typed}" aria-invalid="true""#));
    }
    let not_one = post(&b, &[("action", "remove"), ("email", "nobody@example.com")]).await;
    assert_eq!(not_one.status, StatusCode::UNPROCESSABLE_ENTITY);
    not_one.assert_has("nobody@example.com is not one of your secondary e-mail addresses.");
    assert_eq!(secondary(&app).await.len(), 5, "nothing written");
    // Remove one, with its own button's form.
    let page = b.get(PAGE).await;
    page.assert_has(r#"aria-label="Remove para3@firm.example.com""#);
    let removed = post(&b, &[("action", "remove"), ("email", "para3@firm.example.com")]).await;
    removed
        .assert_has("The secondary e-mail address was removed.")
        .assert_lacks("para3@firm.example.com");
    assert_eq!(secondary(&app).await.len(), 4);
    // Switch to the daily summary, and back.
    let daily = post(&b, &[("action", "delivery"), ("delivery", "daily")]).await;
    daily
        .assert_has("Your delivery method was saved.")
        .assert_has(r#"value="daily" checked>"#);
    let back = post(&b, &[("action", "delivery"), ("delivery", "each")]).await;
    back.assert_has(r#"value="each" checked>"#);
    let weekly = post(&b, &[("action", "delivery"), ("delivery", "weekly")]).await;
    assert_eq!(weekly.status, StatusCode::BAD_REQUEST);
    // Each change is in the audit trail.
    let events = app.store.audit_events(Some("nysd")).await.unwrap();
    let count = |a: &str| events.iter().filter(|e| e.action == a).count();
    assert_eq!(
        (count("ecf.email.add"), count("ecf.email.remove"), count("ecf.delivery")),
        (5, 1, 2)
    );
}

#[tokio::test]
async fn others_are_refused_and_forged_forms_change_nothing() {
    let app = TestApp::spawn().await;
    // A PACER user not linked at nysd: 403, and no menu item.
    let other = app.browser();
    other.login("jfiler2027", PACER_PW).await;
    let page = other.get(PAGE).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_has("Only filers whose CM/ECF account is linked");
    other
        .get("/ecf/nysd/utilities")
        .await
        .assert_lacks("Maintain Your ECF Account");
    let csrf = other.get("/ecf/nysd/utilities").await.hidden("csrf");
    let posted = other
        .post(PAGE, &[("csrf", &csrf), ("action", "add"), ("email", "x@example.com")])
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    // Nobody logged in is sent to log in.
    let anon = app.browser();
    let res = anon.get(PAGE).await;
    assert!(res.url.contains("/csologin/login"), "{}", res.url);
    // A forged form (no CSRF token) is refused.
    let b = linked(&app).await;
    let forged = b.post(PAGE, &[("action", "add"), ("email", "x@example.com")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(secondary(&app).await.is_empty());
}
