//! Multi-factor authentication through the pages.

use crate::helpers::*;
use reqwest::StatusCode;

fn secret_on(page: &Page) -> String {
    let start = page.body.find(r#"<code id="secret">"#).unwrap() + 18;
    page.body[start..start + page.body[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn enrol_an_app_then_log_in_with_a_passcode_or_a_backup_code() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let add = b.get("/account/mfa/add").await;
    add.assert_has("<svg")
        .assert_has(r#"<label for="otpCode">One-time passcode</label>"#);
    let secret = secret_on(&add);
    let no_password = b
        .submit(
            &add,
            "/account/mfa/add",
            &[
                ("current", "nope"),
                ("name", "Phone"),
                ("otpCode", &app.passcode(&secret, 0)),
            ],
        )
        .await;
    no_password.assert_has("Current password: it is not right.");
    // The first app needs the code mailed to the account's address as well.
    add.assert_has(r#"<label for="emailCode">Code from your email</label>"#);
    let code = app.enrolment_code("jfiler2026@example.com").await;
    let wrong = b
        .submit(
            &add,
            "/account/mfa/add",
            &[
                ("current", PACER_PW),
                ("name", "Phone"),
                ("otpCode", "000000"),
                ("emailCode", &code),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_has("One-time passcode: it does not match.");
    assert_eq!(secret_on(&wrong), secret, "the same setup goes on");
    // Someone with only the password cannot finish it: a wrong mailed code ends the setup.
    let guessed = b
        .submit(
            &add,
            "/account/mfa/add",
            &[
                ("current", PACER_PW),
                ("name", "Phone"),
                ("otpCode", &app.passcode(&secret, 0)),
                ("emailCode", if code == "123456" { "654321" } else { "123456" }),
            ],
        )
        .await;
    guessed.assert_has("Code from your email: it does not match.");
    let secret = secret_on(&guessed);
    let codes = app.mail_to("jfiler2026@example.com").await;
    let setup_mails = codes.iter().filter(|m| m.subject.contains("setup code")).count();
    assert_eq!(setup_mails, 2, "a new code went out with the new setup");
    let code = app.enrolment_code("jfiler2026@example.com").await;
    let codes_page = b
        .submit(
            &guessed,
            "/account/mfa/add",
            &[
                ("current", PACER_PW),
                ("name", "Phone"),
                ("otpCode", &app.passcode(&secret, 0)),
                ("emailCode", &code),
            ],
        )
        .await;
    codes_page.assert_has("These are your backup codes.");
    let codes: Vec<String> = codes_page
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert!(app
        .mail_to("jfiler2026@example.com")
        .await
        .iter()
        .any(|m| m.subject.contains("authenticator app \"Phone\" added")));

    // PACER LOGIN now asks for the passcode.
    let c = app.browser();
    let otp = c.login("jfiler2026", PACER_PW).await;
    otp.assert_has(r#"<label for="otpCode">One-time passcode</label>"#);
    assert!(c.token().is_none(), "no session before the passcode");
    let bad = c.submit(&otp, "/csologin/otp", &[("otpCode", "123456")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    bad.assert_has("Invalid one-time passcode.");
    // The enrolment passcode's step is used up: the next step's passcode works.
    let good = c
        .submit(&otp, "/csologin/otp", &[("otpCode", &app.passcode(&secret, 1))])
        .await;
    good.assert_has("Logged in as");
    assert!(c.token().is_some());

    // A backup code works once.
    let d = app.browser();
    let otp = d.login("jfiler2026", PACER_PW).await;
    d.submit(&otp, "/csologin/otp", &[("otpCode", &codes[0].to_uppercase())])
        .await
        .assert_has("Logged in as");
    let e = app.browser();
    let otp = e.login("jfiler2026", PACER_PW).await;
    let reused = e.submit(&otp, "/csologin/otp", &[("otpCode", &codes[0])]).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn filers_may_put_off_enrolment_at_three_logins_then_must_enrol() {
    let app = TestApp::spawn().await;
    for (round, said) in [
        "you may put this off at 2 more logins",
        "you may put this off at 1 more login)",
        "this is the last login at which you may put it off",
    ]
    .into_iter()
    .enumerate()
    {
        let b = app.browser();
        let prompt = b.login_to("mlinked2026", PACER_PW, "/ecf/gamb/").await;
        assert!(prompt.url.contains("/account/mfa/enrol"), "{}", prompt.url);
        prompt.assert_has(said);
        // Ignoring the prompt is putting it off too: the login counted.
        if round == 1 {
            b.get("/ecf/gamb/").await.assert_has(">Bankruptcy<");
            continue;
        }
        let skipped = b.submit(&prompt, "/account/mfa/skip", &[]).await;
        assert!(skipped.url.ends_with("/ecf/gamb/"), "{}", skipped.url);
        skipped.assert_has(">Bankruptcy<");
    }
    let b = app.browser();
    let prompt = b.login_to("mlinked2026", PACER_PW, "/ecf/gamb/").await;
    prompt
        .assert_has("You have put this off at three logins")
        .assert_lacks("Not now");
    // Before anything else: the court site sends the filer to enrolment.
    let court = b.get("/ecf/gamb/").await;
    assert!(court.url.contains("/account/mfa/add"), "{}", court.url);
    court.assert_has("Filers must use multi-factor authentication.");
    let secret = secret_on(&court);
    let code = app.enrolment_code("mlinked2026@example.com").await;
    b.submit(
        &court,
        "/account/mfa/add",
        &[
            ("current", PACER_PW),
            ("name", "Phone"),
            ("otpCode", &app.passcode(&secret, 0)),
            ("emailCode", &code),
        ],
    )
    .await
    .assert_has("backup codes");
    b.get("/ecf/gamb/").await.assert_has(">Bankruptcy<");
}

#[tokio::test]
async fn at_most_five_authenticator_apps() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        app.enrol_mfa("jfiler2027").await;
    }
    let b = app.browser();
    let otp = b.login("jfiler2027", PACER_PW).await;
    b.submit(&otp, "/csologin/otp", &[("otpCode", "abcd-efgh")])
        .await
        .assert_has("Logged in as");
    let overview = b.get("/account/mfa").await;
    assert_eq!(overview.body.matches("Test app").count(), 5);
    overview.assert_lacks("Add an authenticator app");
    let add = b.get("/account/mfa/add").await;
    let secret = secret_on(&add);
    let refused = b
        .submit(
            &add,
            "/account/mfa/add",
            &[
                ("current", PACER_PW),
                ("name", "Sixth"),
                ("otpCode", &app.passcode(&secret, 0)),
            ],
        )
        .await;
    refused.assert_has("at most 5 authenticator apps");
}

#[tokio::test]
async fn removing_an_app_needs_the_password_and_a_passcode() {
    let app = TestApp::spawn().await;
    app.enrol_mfa("jfiler2027").await;
    let secret = app.enrol_mfa("jfiler2027").await;
    let b = app.browser();
    let otp = b.login("jfiler2027", PACER_PW).await;
    b.submit(&otp, "/csologin/otp", &[("otpCode", "abcd-efgh")])
        .await
        .assert_has("Logged in as");
    let overview = b.get("/account/mfa").await;
    let id = overview.hidden("id");
    let csrf = overview.hidden("csrf");
    let refused = b
        .post(
            "/account/mfa/remove",
            &[("csrf", &csrf), ("id", &id), ("current", "nope")],
        )
        .await;
    refused.assert_has("Nothing was removed.");
    let id_of = app.account("jfiler2027").await.id;
    assert_eq!(app.store.authenticators(id_of).await.unwrap().len(), 2);
    // The password alone (a thief's) removes nothing.
    b.post(
        "/account/mfa/remove",
        &[
            ("csrf", &csrf),
            ("id", &id),
            ("current", PACER_PW),
            ("otpCode", "000000"),
        ],
    )
    .await
    .assert_has("One-time passcode: it does not match. Nothing was removed.");
    assert_eq!(app.store.authenticators(id_of).await.unwrap().len(), 2);
    b.post(
        "/account/mfa/remove",
        &[
            ("csrf", &csrf),
            ("id", &id),
            ("current", PACER_PW),
            ("otpCode", &app.passcode(&secret, 0)),
        ],
    )
    .await;
    assert_eq!(app.store.authenticators(id_of).await.unwrap().len(), 1);
    let notices = app.mail_to("jfiler2027@example.com").await;
    assert!(notices
        .iter()
        .any(|m| m.subject.contains("authenticator app was removed")));
}

#[tokio::test]
async fn the_authenticator_key_is_the_servers() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let add = b.get("/account/mfa/add").await;
    let secret = secret_on(&add);
    // A key of the client's own choosing, posted with the form, is not taken.
    let mine = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let code = app.enrolment_code("jfiler2026@example.com").await;
    let fields = [
        ("current", PACER_PW),
        ("name", "Phone"),
        ("secret", mine),
        ("otpCode", &app.passcode(mine, 0)),
        ("emailCode", &code),
    ];
    b.submit(&add, "/account/mfa/add", &fields)
        .await
        .assert_has("One-time passcode: it does not match.");
    let fields = [
        ("current", PACER_PW),
        ("name", "Phone"),
        ("otpCode", &app.passcode(&secret, 0)),
        ("emailCode", &code),
    ];
    b.submit(&add, "/account/mfa/add", &fields)
        .await
        .assert_has("backup codes");
    let id = app.account("jfiler2026").await.id;
    // Held sealed: the database alone does not give the key up.
    let stored = app.store.authenticators(id).await.unwrap()[0].secret.clone();
    assert!(stored.starts_with("v1:") && !stored.contains(&secret), "{stored}");
    assert_eq!(
        openecf_app::seal::open(&app.app.settings.secret_key, &stored).unwrap(),
        secret
    );
    // The next app gets a key of its own (and, not being the first, no mailed code).
    let again = b.get("/account/mfa/add").await;
    assert_ne!(secret_on(&again), secret);
    again.assert_lacks("Code from your email");
    let fields = [
        ("current", PACER_PW),
        ("name", "Phone again"),
        ("otpCode", &app.passcode(&secret, 1)),
    ];
    b.submit(&again, "/account/mfa/add", &fields)
        .await
        .assert_has("One-time passcode: it does not match.");
    assert_eq!(app.store.authenticators(id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn backup_codes_alone_are_a_second_factor_and_a_new_batch_ends_the_old() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let add = b.get("/account/mfa/add").await;
    add.assert_has("Cannot use an authenticator app?");
    let code = app.enrolment_code("jfiler2026@example.com").await;
    let wrong = b
        .submit(
            &add,
            "/account/mfa/codes-only",
            &[("current", "nope"), ("emailCode", &code)],
        )
        .await;
    wrong.assert_has("Current password: it is not right.");
    let shown = b
        .submit(
            &add,
            "/account/mfa/codes-only",
            &[("current", PACER_PW), ("emailCode", &code)],
        )
        .await;
    shown.assert_has("Multi-factor authentication with backup codes");
    let codes: Vec<String> = shown
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    // PACER LOGIN now asks for the second factor; a backup code answers it.
    let c = app.browser();
    let otp = c.login("jfiler2026", PACER_PW).await;
    otp.assert_has("One-time passcode");
    c.submit(&otp, "/csologin/otp", &[("otpCode", &codes[0])])
        .await
        .assert_has("Logged in as");
    let overview = c.get("/account/mfa").await;
    overview.assert_has("Backup codes left: 9");
    // A new batch (with the password) ends the old one.
    let fresh = c
        .submit(&overview, "/account/mfa/backup-codes", &[("current", PACER_PW)])
        .await;
    fresh.assert_has("New backup codes");
    let d = app.browser();
    let otp = d.login("jfiler2026", PACER_PW).await;
    assert_eq!(
        d.submit(&otp, "/csologin/otp", &[("otpCode", &codes[1])]).await.status,
        StatusCode::UNAUTHORIZED,
        "an old code no longer works"
    );
    let notices = app.mail_to("jfiler2026@example.com").await;
    assert!(notices.iter().any(|m| m.subject.contains("new batch of backup codes")));
}

#[tokio::test]
async fn a_password_thief_can_neither_share_nor_guess_the_owners_setup() {
    let app = TestApp::spawn().await;
    let owner = app.browser();
    owner.login("jfiler2026", PACER_PW).await;
    let thief = app.browser();
    thief.login("jfiler2026", PACER_PW).await;
    // Each session gets a setup (and a secret) of its own; the newest one is
    // the one that may finish.
    let thiefs = thief.get("/account/mfa/add").await;
    let owners = owner.get("/account/mfa/add").await;
    assert_ne!(
        secret_on(&owners),
        secret_on(&thiefs),
        "the thief never sees the owner's key"
    );
    let secret = secret_on(&owners);
    let code = app.enrolment_code("jfiler2026@example.com").await;
    owner
        .submit(
            &owners,
            "/account/mfa/add",
            &[
                ("current", PACER_PW),
                ("name", "Phone"),
                ("otpCode", &app.passcode(&secret, 0)),
                ("emailCode", &code),
            ],
        )
        .await
        .assert_has("backup codes");
    // The first factor ends every session that never passed MFA.
    owner.get("/account").await.assert_has("Logged in as");
    thief.get("/account").await.assert_lacks("Logged in as");
    // The mailed codes are capped at three an hour, so they cannot be guessed.
    let other = app.browser();
    other.login("jfiler2027", PACER_PW).await;
    let mut last = other.get("/account/mfa/add").await;
    for _ in 0..3 {
        last = other
            .submit(
                &last,
                "/account/mfa/codes-only",
                &[("current", PACER_PW), ("emailCode", "00000000")],
            )
            .await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS, "{}", last.body);
    last.assert_has("Too many setup codes were emailed to this account in the last hour.");
    let account = app.account("jfiler2027").await.id;
    assert_eq!(app.store.backup_codes_left(account).await.unwrap(), 0);
}
