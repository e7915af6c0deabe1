//! Security events are audited (who, when, from where, how it ended) and the
//! account holder sees them in Manage My Account.

use crate::helpers::*;
use openecf_store::AuditFilter;
use reqwest::StatusCode;

async fn events_of(app: &TestApp, username: &str) -> Vec<(String, String, Option<String>, String)> {
    let filter = AuditFilter {
        account: Some(username.to_owned()),
        limit: 100,
        ..AuditFilter::default()
    };
    app.store
        .audit_list(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.event.action, r.event.outcome, r.event.ip, r.event.detail))
        .collect()
}

#[tokio::test]
async fn logins_passcodes_logouts_and_changes_are_audited_and_shown_to_the_holder() {
    let app = TestApp::spawn().await;
    app.enrol_mfa("jfiler2026").await;
    // A wrong password, then the right one with a wrong passcode, then a backup code.
    let b = app.browser();
    assert_eq!(
        b.login("jfiler2026", "Wrong-Password-99").await.status,
        StatusCode::UNAUTHORIZED
    );
    let otp = b.login("jfiler2026", PACER_PW).await;
    assert_eq!(
        b.submit(&otp, "/csologin/otp", &[("otpCode", "000000")]).await.status,
        StatusCode::UNAUTHORIZED
    );
    b.submit(&otp, "/csologin/otp", &[("otpCode", "abcd-efgh")])
        .await
        .assert_has("Logged in as");
    // A second browser, logged out from the first.
    let other = app.browser();
    let otp = other.login("jfiler2026", PACER_PW).await;
    let stored = app
        .store
        .authenticators(app.account("jfiler2026").await.id)
        .await
        .unwrap()[0]
        .secret
        .clone();
    let secret = openecf_app::seal::open(&app.app.settings.secret_key, &stored).unwrap();
    other
        .submit(&otp, "/csologin/otp", &[("otpCode", &app.passcode(&secret, 0))])
        .await
        .assert_has("Logged in as");
    let account = b.get("/account").await;
    b.submit(&account, "/account/sessions/revoke-others", &[]).await;
    // The email address changes (with MFA on, a passcode too).
    let form = b.get("/account/email").await;
    b.submit(
        &form,
        "/account/email",
        &[
            ("current", PACER_PW),
            ("otpCode", &app.passcode(&secret, 1)),
            ("email", "jordan@new.example.com"),
        ],
    )
    .await;
    let events = events_of(&app, "jfiler2026").await;
    let seen: Vec<(&str, &str)> = events.iter().map(|(a, o, _, _)| (a.as_str(), o.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("account.email", "requested"),
            ("login.second_factor", "succeeded"),
            ("session.revoke", "done"),
            ("login.second_factor", "succeeded"),
            ("login", "succeeded"),
            ("login.second_factor", "succeeded"),
            ("login.second_factor", "failed"),
            ("login", "succeeded"),
            ("login", "failed"),
        ],
        "newest first"
    );
    assert!(
        events.iter().all(|(_, _, ip, _)| ip.as_deref() == Some("127.0.0.1")),
        "{events:?}"
    );
    assert!(events[6].3.is_empty());
    assert_eq!(events[5].3, "backup code used; 0 left");
    // The holder sees them.
    let page = b.get("/account").await;
    page.assert_has("Recent security activity")
        .assert_has("Email address changed")
        .assert_has("to jordan@new.example.com")
        .assert_has("Session logged out from Manage My Account")
        .assert_has("backup code used; 0 left")
        .assert_has("<td>failed</td>");
    // Logout is audited too; a locked account's failure says so.
    let out = b.get("/account").await;
    b.submit(&out, "/csologin/logout", &[]).await;
    for _ in 0..openecf_domain::throttle::FREE_FAILURES {
        app.browser().login("jfiler2026", "Wrong-Password-99").await;
    }
    let events = events_of(&app, "jfiler2026").await;
    assert_eq!(
        (events[0].0.as_str(), events[0].1.as_str()),
        ("login", "failed: locked")
    );
    assert!(events.iter().any(|(a, _, _, _)| a == "logout"), "{events:?}");
}

#[tokio::test]
async fn backup_codes_are_long_and_kept_only_as_keyed_hashes() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let add = b.get("/account/mfa/add").await;
    let code = app.enrolment_code("jfiler2026@example.com").await;
    let shown = b
        .submit(
            &add,
            "/account/mfa/codes-only",
            &[("current", PACER_PW), ("emailCode", &code)],
        )
        .await;
    let codes: Vec<String> = shown
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    // 16 characters of 31: more than 64 random bits each.
    assert!(codes.iter().all(|c| c.replace('-', "").len() == 16), "{codes:?}");
    let id = app.account("jfiler2026").await.id;
    let stored: Vec<String> = sqlx_free_backup_hashes(&app, id).await;
    assert_eq!(stored.len(), 10);
    for (code, hash) in codes.iter().zip(&stored) {
        assert!(hash.starts_with("h1:"), "{hash}");
        assert!(!hash.contains(&code.replace('-', "")));
        let plain_sha = sha256_hex(&code.replace('-', ""));
        assert!(
            stored.iter().all(|h| !h.contains(&plain_sha)),
            "not an unkeyed hash of the code"
        );
    }
}

/// The stored backup-code hashes of an account, through the store's own statement.
async fn sqlx_free_backup_hashes(app: &TestApp, id: openecf_domain::PacerAccountId) -> Vec<String> {
    let mut tx = app.store.write().await.unwrap();
    let hashes = tx.backup_code_hashes(id).await.unwrap();
    tx.rollback().await.unwrap();
    hashes
}

fn sha256_hex(s: &str) -> String {
    use std::fmt::Write;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(s.as_bytes());
    digest.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Registers an account through the form.
async fn register(app: &TestApp, username: &str) {
    let b = app.browser();
    let form = b.get("/account/register").await;
    b.submit(
        &form,
        "/account/register",
        &[
            ("username", username),
            ("name", "Robin Newcomer"),
            ("email", &format!("{username}@new.example.com")),
            ("password", PACER_PW),
            ("confirm", PACER_PW),
        ],
    )
    .await
    .assert_has("Account registered");
}

#[tokio::test]
async fn recent_activity_is_the_accounts_own_not_that_of_its_username() {
    use openecf_domain::*;
    let app = TestApp::spawn().await;
    // Someone guesses at a name nobody holds yet.
    for _ in 0..2 {
        app.browser().login("robin2026", "Guess-Guess-Guess-1").await;
    }
    // A legacy account logs in and upgrades to a new username, freeing its old one.
    let hash = app
        .app
        .hasher
        .hash(&Password::attempt(PACER_PW).unwrap())
        .await
        .unwrap();
    app.store
        .add_pacer_account(
            &openecf_store::NewPacerAccount {
                username: Username::parse_existing("oldlegacy1").unwrap(),
                password_hash: hash,
                name: PersonName::parse("Lee Legacy").unwrap(),
                email: Email::parse("lee@example.com").unwrap(),
                kind: AccountKind::Individual,
                created_on: chrono::NaiveDate::from_ymd_opt(2011, 3, 2).unwrap(),
            },
            app.now(),
        )
        .await
        .unwrap();
    let legacy = app.browser();
    let upgrade = legacy.login("oldlegacy1", PACER_PW).await;
    legacy
        .submit(
            &upgrade,
            "/account/upgrade",
            &[
                ("current", PACER_PW),
                ("username", "leelegacy2026"),
                ("name", "Lee Legacy"),
                ("email", "lee@example.com"),
                ("password", "Quartz-Meadow-Falcon-88"),
                ("confirm", "Quartz-Meadow-Falcon-88"),
            ],
        )
        .await;
    // The upgraded holder sees their history, from before the upgrade too.
    legacy
        .get("/account")
        .await
        .assert_has("Account upgraded")
        .assert_has("<td>Login</td><td>succeeded</td>");
    // Newcomers register both names: neither sees anything that was not theirs.
    for name in ["robin2026", "oldlegacy1"] {
        register(&app, name).await;
        let b = app.browser();
        b.login(name, PACER_PW).await.assert_has("Logged in as");
        b.get("/account")
            .await
            .assert_has("Recent security activity")
            .assert_has("<td>Login</td><td>succeeded</td>")
            .assert_lacks("<td>failed</td>")
            .assert_lacks("Account upgraded");
    }
    // The operator's trail still has every event typed for the name.
    let typed: Vec<String> = events_of(&app, "robin2026").await.into_iter().map(|e| e.1).collect();
    assert_eq!(typed, ["succeeded", "failed", "failed"]);
}
