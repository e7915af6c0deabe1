//! The central account service: registration, upgrade, Manage My Account,
//! password and email changes, password reset, lock notices.

use crate::helpers::*;
use openecf_domain::AccountKind;
use openecf_domain::Subject;
use reqwest::StatusCode;

const NEW_PW: &str = "Copper-Kettle-Morning-77";

#[tokio::test]
async fn registration_checks_every_rule_and_names_the_one_that_failed() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/account/register").await;
    form.assert_has(r#"<label for="username">Username</label>"#);
    let try_register = |user: &'static str, pw: &'static str, confirm: &'static str| {
        let (b, form) = (&b, &form);
        async move {
            b.submit(
                form,
                "/account/register",
                &[
                    ("username", user),
                    ("name", "Avery Quinn"),
                    ("email", "avery@example.com"),
                    ("password", pw),
                    ("confirm", confirm),
                ],
            )
            .await
        }
    };
    let cases = [
        (
            "avery",
            NEW_PW,
            NEW_PW,
            "Username: a username has at least 8 characters",
        ),
        ("avery2026", "Short-1a", "Short-1a", "at least 14 characters"),
        (
            "avery2026",
            "all-lowercase-letters",
            "all-lowercase-letters",
            "at least one uppercase letter",
        ),
        (
            "avery2026",
            "NoSpecialCharacters1",
            "NoSpecialCharacters1",
            "at least one special character",
        ),
        (
            "avery2026",
            "Hello-Avery-Sunshine",
            "Hello-Avery-Sunshine",
            "must not contain your name",
        ),
        (
            "avery2026",
            "Tall-Avery2026-Trees",
            "Tall-Avery2026-Trees",
            "must not contain your username",
        ),
        (
            "avery2026",
            "NICK1234-rem936",
            "NICK1234-rem936",
            "commonly used, breached passwords",
        ),
        (
            "avery2026",
            NEW_PW,
            "Copper-Kettle-Evening-77",
            "The two passwords do not match.",
        ),
        ("jfiler2026", NEW_PW, NEW_PW, "that username is taken"),
    ];
    for (user, pw, confirm, message) in cases {
        let p = try_register(user, pw, confirm).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        p.assert_has(message);
    }
    assert!(app
        .store
        .pacer_by_username(&openecf_domain::Username::parse_new("avery2026").unwrap())
        .await
        .unwrap()
        .is_none());
    let ok = try_register("avery2026", NEW_PW, NEW_PW).await;
    ok.assert_has("Your PACER account avery2026 (individual) has been registered.");
    let account = app.account("avery2026").await;
    assert_eq!(account.kind, AccountKind::Individual);
    assert!(!account.is_legacy());
    assert_eq!(app.mail_to("avery@example.com").await.len(), 1);
    let logged_in = app.browser().login("avery2026", NEW_PW).await;
    logged_in.assert_has("Logged in as");
}

#[tokio::test]
async fn a_shared_firm_account_is_registered_as_such() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[
            ("username", "lawfirm2026"),
            ("name", "Baker Partners"),
            ("email", "office@baker.example.com"),
            ("password", NEW_PW),
            ("confirm", NEW_PW),
            ("shared_firm", "on"),
        ],
    )
    .await
    .assert_has("(shared firm) has been registered");
    assert_eq!(app.account("lawfirm2026").await.kind, AccountKind::SharedFirm);
}

#[tokio::test]
async fn a_legacy_account_is_taken_to_upgrade_and_can_link_afterwards() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let upgrade = b.login("oldpcr", PACER_PW).await;
    assert!(upgrade.url.contains("/account/upgrade"), "{}", upgrade.url);
    upgrade
        .assert_has("Upgrade your PACER account")
        .assert_has(r#"value="oldpcr""#);
    let short = b
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", PACER_PW),
                ("name", "Lee Legacy"),
                ("email", "lee@example.com"),
                ("password", NEW_PW),
                ("confirm", NEW_PW),
            ],
        )
        .await;
    short.assert_has("Username: a username has at least 8 characters");
    let stolen_session = b
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", "not-the-password"),
                ("username", "leelegacy2026"),
                ("password", NEW_PW),
                ("confirm", NEW_PW),
            ],
        )
        .await;
    stolen_session.assert_has("Current password: it is not right.");
    let weak = b
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", PACER_PW),
                ("username", "leelegacy2026"),
                ("name", "Lee Legacy"),
                ("email", "lee@example.com"),
                ("password", "weak"),
                ("confirm", "weak"),
            ],
        )
        .await;
    weak.assert_has("at least 14 characters");
    let taken = b
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", PACER_PW),
                ("username", "jfiler2026"),
                ("name", "Lee Legacy"),
                ("email", "lee@example.com"),
                ("password", NEW_PW),
                ("confirm", NEW_PW),
            ],
        )
        .await;
    taken.assert_has("the PACER username jfiler2026 is taken");
    // A reset link issued before the upgrade dies with it.
    let other = app.browser();
    let reset_form = other.get("/account/reset").await;
    other
        .submit(&reset_form, "/account/reset", &[("username", "oldpcr")])
        .await;
    let reset_mail = app.mail_to("oldpcr@example.com").await;
    let reset_link = reset_mail[0]
        .body
        .lines()
        .find(|l| l.contains("/account/reset/"))
        .unwrap()
        .trim()
        .to_owned();
    let done = b
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", PACER_PW),
                ("username", "leelegacy2026"),
                ("name", "Lee Legacy"),
                ("email", "lee.new@example.com"),
                ("password", NEW_PW),
                ("confirm", NEW_PW),
            ],
        )
        .await;
    done.assert_has("Your PACER account is upgraded. Your username is now leelegacy2026.");
    let account = app.account("leelegacy2026").await;
    assert!(!account.is_legacy());
    assert_eq!(account.email.as_str(), "lee.new@example.com");
    // The same session may now link.
    b.get("/ecf/gamb/link")
        .await
        .assert_has(r#"<label for="login">CM/ECF login</label>"#);
    let verify = b.submit_link("gamb", "other1", ECF_PW).await;
    b.confirm("gamb", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    let audit = app.store.audit_events(None).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "account.upgrade" && e.pacer_username.as_deref() == Some("leelegacy2026")));
    assert!(!app.mail_to("lee.new@example.com").await.is_empty());
    assert!(
        app.mail_to("oldpcr@example.com")
            .await
            .iter()
            .any(|m| m.subject.contains("account upgraded")),
        "the old address is told too"
    );
    let old_link = app.browser().get(reset_link.strip_prefix(&app.base).unwrap()).await;
    assert_eq!(
        old_link.status,
        StatusCode::GONE,
        "the reset link sent before the upgrade is dead"
    );
}

#[tokio::test]
async fn manage_my_account_lists_and_revokes_sessions() {
    let app = TestApp::spawn().await;
    let (laptop, phone) = (app.browser(), app.browser());
    laptop.login("jfiler2026", PACER_PW).await;
    phone.login("jfiler2026", PACER_PW).await;
    let page = laptop.get("/account").await;
    page.assert_has("Manage My Account").assert_has("This session");
    assert_eq!(page.body.matches("<button type=\"submit\">Revoke</button>").count(), 1);
    let revoke = page.body.split("name=\"session\" value=\"").nth(1).unwrap();
    let id = &revoke[..revoke.find('"').unwrap()];
    let csrf = page.hidden("csrf");
    laptop
        .post("/account/sessions/revoke", &[("csrf", &csrf), ("session", id)])
        .await
        .assert_has("The session has been logged out.");
    phone.get("/account").await.assert_has("PACER LOGIN");
    laptop.get("/account").await.assert_has("Manage My Account");
    // Log out all other sessions.
    let tablet = app.browser();
    tablet.login("jfiler2026", PACER_PW).await;
    laptop.post("/account/sessions/revoke-others", &[("csrf", &csrf)]).await;
    tablet.get("/account").await.assert_lacks("Manage My Account");
    laptop.get("/account").await.assert_has("Manage My Account");
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_sends_a_notice() {
    let app = TestApp::spawn().await;
    let (b, other) = (app.browser(), app.browser());
    b.login("jfiler2026", PACER_PW).await;
    other.login("jfiler2026", PACER_PW).await;
    let form = b.get("/account/password").await;
    let wrong = b
        .submit(
            &form,
            "/account/password",
            &[("current", "nope"), ("password", NEW_PW), ("confirm", NEW_PW)],
        )
        .await;
    wrong.assert_has("Current password: it is not right.");
    let weak = b
        .submit(
            &form,
            "/account/password",
            &[
                ("current", PACER_PW),
                ("password", "weakpassword"),
                ("confirm", "weakpassword"),
            ],
        )
        .await;
    weak.assert_has("New password: The password must be at least 14 characters long.");
    let done = b
        .submit(
            &form,
            "/account/password",
            &[("current", PACER_PW), ("password", NEW_PW), ("confirm", NEW_PW)],
        )
        .await;
    done.assert_has("Your password has been changed.");
    other.get("/account").await.assert_lacks("Manage My Account");
    b.get("/account").await.assert_has("Manage My Account");
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert!(mail
        .iter()
        .any(|m| m.subject == "PACER account change: password changed"));
    assert_eq!(
        app.browser().login("jfiler2026", PACER_PW).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.browser()
        .login("jfiler2026", NEW_PW)
        .await
        .assert_has("Logged in as");
}

/// The path of the link in the last mail to `to` whose body has `marker`.
async fn mailed_link(app: &TestApp, to: &str, marker: &str) -> String {
    let mail = app.mail_to(to).await;
    let body = &mail
        .iter()
        .rev()
        .find(|m| m.body.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} link mailed to {to}: {mail:?}"))
        .body;
    let link = body.lines().find(|l| l.contains(marker)).unwrap().trim();
    link.strip_prefix(&app.base).unwrap().to_owned()
}

/// Asks for a change of jfiler2026's address (logged in in `b`).
async fn ask_email_change(b: &Browser, to: &str) -> Page {
    let form = b.get("/account/email").await;
    b.submit(&form, "/account/email", &[("current", PACER_PW), ("email", to)])
        .await
}

#[tokio::test]
async fn an_email_change_needs_the_new_address_and_the_current_one() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let form = b.get("/account/email").await;
    form.assert_lacks("One-time passcode");
    b.submit(
        &form,
        "/account/email",
        &[("current", PACER_PW), ("email", "not an email")],
    )
    .await
    .assert_has("New email: an email address");
    ask_email_change(&b, "jordan@new.example.com").await.assert_has(
        "We have emailed a confirmation link to the new address and an approval link to your current address.",
    );
    // The current address is asked to approve: that mail is its notice too.
    let old = app.mail_to("jfiler2026@example.com").await;
    assert!(
        old.iter()
            .any(|m| m.subject == "Approve the change of your PACER email address to jordan@new.example.com"),
        "{old:?}"
    );
    let confirm = mailed_link(&app, "jordan@new.example.com", "/account/email/confirm/").await;
    let approve = mailed_link(&app, "jfiler2026@example.com", "/account/email/approve/").await;
    // The new address alone (a password thief's mailbox) changes nothing.
    let mailbox = app.browser();
    mailbox
        .get(&confirm)
        .await
        .assert_has("jordan@new.example.com is confirmed")
        .assert_has("approved with the link we emailed to your current address");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jfiler2026@example.com");
    assert_eq!(mailbox.get(&confirm).await.status, StatusCode::GONE, "single use");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jfiler2026@example.com");
    // The current address approves: now it changes.
    let owner = app.browser();
    owner
        .get(&approve)
        .await
        .assert_has("email address is now jordan@new.example.com.");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jordan@new.example.com");
    assert_eq!(owner.get(&approve).await.status, StatusCode::GONE, "single use");
    let old = app.mail_to("jfiler2026@example.com").await;
    assert!(old
        .iter()
        .any(|m| m.subject.contains("email address changed to jordan@new.example.com")));
}

#[tokio::test]
async fn an_email_change_may_be_approved_first_and_does_nothing_once_its_day_is_over() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    ask_email_change(&b, "jordan@new.example.com").await;
    let approve = mailed_link(&app, "jfiler2026@example.com", "/account/email/approve/").await;
    let confirm = mailed_link(&app, "jordan@new.example.com", "/account/email/confirm/").await;
    // An approval link is no confirmation link, and the other way round.
    let swapped = approve.replace("/approve/", "/confirm/");
    assert_eq!(b.get(&swapped).await.status, StatusCode::GONE);
    b.get(&approve)
        .await
        .assert_has("the change to jordan@new.example.com is approved");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jfiler2026@example.com");
    b.get(&confirm)
        .await
        .assert_has("email address is now jordan@new.example.com.");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jordan@new.example.com");
    // A later change: confirmed, but approved only after 24 hours.
    ask_email_change(&b, "jordan@third.example.com").await;
    let confirm = mailed_link(&app, "jordan@third.example.com", "/account/email/confirm/").await;
    let approve = mailed_link(&app, "jordan@new.example.com", "/account/email/approve/").await;
    b.get(&confirm).await.assert_has("is confirmed");
    app.advance(std::time::Duration::from_secs(24 * 3600 + 60));
    let late = app.browser().get(&approve).await;
    assert_eq!(late.status, StatusCode::GONE);
    late.assert_has("This confirmation link has expired or has already been used.");
    assert_eq!(app.account("jfiler2026").await.email.as_str(), "jordan@new.example.com");
}

#[tokio::test]
async fn with_mfa_on_an_email_change_needs_a_passcode_too() {
    let app = TestApp::spawn().await;
    let secret = app.enrol_mfa("jfiler2026").await;
    let b = app.browser();
    let otp = b.login("jfiler2026", PACER_PW).await;
    b.submit(&otp, "/csologin/otp", &[("otpCode", &app.passcode(&secret, 0))])
        .await
        .assert_has("Logged in as");
    let form = b.get("/account/email").await;
    form.assert_has("One-time passcode or backup code");
    // The password alone moves nothing, and mails nothing.
    for code in ["", "000000"] {
        b.submit(
            &form,
            "/account/email",
            &[
                ("current", PACER_PW),
                ("otpCode", code),
                ("email", "thief@evil.example.com"),
            ],
        )
        .await
        .assert_has("One-time passcode: it does not match.");
    }
    assert!(app.mail_to("thief@evil.example.com").await.is_empty());
    b.submit(
        &form,
        "/account/email",
        &[
            ("current", PACER_PW),
            ("otpCode", "abcd-efgh"),
            ("email", "jordan@new.example.com"),
        ],
    )
    .await
    .assert_has("We have emailed a confirmation link to the new address");
    assert_eq!(app.mail_to("jordan@new.example.com").await.len(), 1);
}

#[tokio::test]
async fn a_registration_confirms_its_address_and_links_expire() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[
            ("username", "newfiler2026"),
            ("name", "Nora Newfiler"),
            ("email", "nora@example.com"),
            ("password", "Quartz-Meadow-Falcon-88"),
            ("confirm", "Quartz-Meadow-Falcon-88"),
        ],
    )
    .await
    .assert_has("has been registered");
    let welcome = app.mail_to("nora@example.com").await;
    let link = welcome[0]
        .body
        .lines()
        .find(|l| l.contains("/account/email/confirm/"))
        .unwrap()
        .trim()
        .to_owned();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    // 24 hours, then the link is gone.
    app.advance(std::time::Duration::from_secs(25 * 3600));
    assert_eq!(b.get(&path).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_password_reset_link_works_once_within_30_minutes() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/account/reset").await;
    let answer = b.submit(&form, "/account/reset", &[("username", "jfiler2026")]).await;
    answer.assert_has("If an account with that username exists");
    let unknown = b.submit(&form, "/account/reset", &[("username", "nobody2026")]).await;
    assert_eq!(
        unknown.body.replace("nobody2026", ""),
        answer.body.replace("jfiler2026", ""),
        "the same answer"
    );
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert_eq!(mail.len(), 1);
    let link = mail[0]
        .body
        .lines()
        .find(|l| l.contains("/account/reset/"))
        .unwrap()
        .trim()
        .to_owned();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    let other = app.browser();
    other.login("jfiler2026", PACER_PW).await;
    let reset_form = b.get(&path).await;
    reset_form.assert_has("Choose a new password");
    b.submit(&reset_form, &path, &[("password", "weak"), ("confirm", "weak")])
        .await
        .assert_has("at least 14 characters");
    b.submit(&reset_form, &path, &[("password", NEW_PW), ("confirm", NEW_PW)])
        .await
        .assert_has("Your password has been changed");
    other.get("/account").await.assert_lacks("Manage My Account");
    assert_eq!(b.get(&path).await.status, StatusCode::GONE, "single use");
    app.browser()
        .login("jfiler2026", NEW_PW)
        .await
        .assert_has("Logged in as");
    // A link not used within 30 minutes is refused.
    b.submit(&form, "/account/reset", &[("username", "jfiler2027")]).await;
    let mail = app.mail_to("jfiler2027@example.com").await;
    let link = mail[0]
        .body
        .lines()
        .find(|l| l.contains("/account/reset/"))
        .unwrap()
        .trim();
    let late = link.strip_prefix(&app.base).unwrap();
    app.advance(std::time::Duration::from_secs(29 * 60));
    assert_eq!(b.get(late).await.status, StatusCode::OK, "still good after 29 minutes");
    app.advance(std::time::Duration::from_secs(60));
    assert_eq!(b.get(late).await.status, StatusCode::GONE, "expired after 30");
}

#[tokio::test]
async fn the_owner_of_a_locked_account_is_emailed() {
    let app = TestApp::spawn().await;
    // Nine earlier failures, long enough ago that their lock has passed.
    let earlier = app.now() - chrono::Duration::seconds(600);
    for _ in 0..openecf_domain::throttle::NOTIFY_AT - 1 {
        app.store
            .record_failure(&Subject::pacer("jfiler2026"), earlier, None)
            .await
            .unwrap();
    }
    assert!(app.mail_to("jfiler2026@example.com").await.is_empty());
    app.browser().login("jfiler2026", "wrong-password").await;
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "Your PACER account is temporarily locked");
}

#[tokio::test]
async fn reset_links_are_limited_and_end_with_the_password() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let form = b.get("/account/reset").await;
    for _ in 0..5 {
        b.submit(&form, "/account/reset", &[("username", "jfiler2026")])
            .await
            .assert_has("If an account with that username exists");
    }
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert_eq!(mail.len(), openecf_domain::mfa::MAX_ACTIVE_RESETS as usize, "no flood");
    let paths: Vec<String> = mail
        .iter()
        .map(|m| {
            let link = m.body.lines().find(|l| l.contains("/account/reset/")).unwrap().trim();
            link.strip_prefix(&app.base).unwrap().to_owned()
        })
        .collect();
    let first = b.get(&paths[0]).await;
    b.submit(&first, &paths[0], &[("password", NEW_PW), ("confirm", NEW_PW)])
        .await
        .assert_has("Your password has been changed");
    for other in &paths[1..] {
        assert_eq!(b.get(other).await.status, StatusCode::GONE, "the other links ended too");
    }
}

#[tokio::test]
async fn a_reset_to_the_current_password_counts_as_a_failed_password() {
    let app = TestApp::spawn().await;
    // Nine earlier failures, long enough ago that their lock has passed.
    let earlier = app.now() - chrono::Duration::seconds(600);
    for _ in 0..openecf_domain::throttle::NOTIFY_AT - 1 {
        app.store
            .record_failure(&Subject::pacer("jfiler2026"), earlier, None)
            .await
            .unwrap();
    }
    let b = app.browser();
    let form = b.get("/account/reset").await;
    b.submit(&form, "/account/reset", &[("username", "jfiler2026")]).await;
    let mail = app.mail_to("jfiler2026@example.com").await;
    let link = mail[0]
        .body
        .lines()
        .find(|l| l.contains("/account/reset/"))
        .unwrap()
        .trim();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    // Whoever holds the link tries the current password: the answer stays …
    let reset_form = b.get(&path).await;
    b.submit(&reset_form, &path, &[("password", PACER_PW), ("confirm", PACER_PW)])
        .await
        .assert_has("New password: it must differ from your current password.");
    // … but it was a guess, counted on the account: the tenth failure locks it
    // and tells the owner.
    let mail = app.mail_to("jfiler2026@example.com").await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Your PACER account is temporarily locked"),
        "{mail:?}"
    );
    assert_eq!(
        app.browser().login("jfiler2026", PACER_PW).await.status,
        StatusCode::UNAUTHORIZED,
        "locked"
    );
    // While locked, the link answers nothing about a guess: the reset goes on.
    b.submit(&reset_form, &path, &[("password", PACER_PW), ("confirm", PACER_PW)])
        .await
        .assert_has("Your password has been changed");
    // The owner sees the attempt under Recent security activity.
    let owner = app.browser();
    owner.login("jfiler2026", PACER_PW).await.assert_has("Logged in as");
    owner
        .get("/account")
        .await
        .assert_has("the new password was the current one");
}
