//! The filer's link center (`/account/links`): every court live or with a
//! date, the filer's link at each, and the live courts where a CM/ECF
//! account with the filer's email address or bar id is not linked yet.

use crate::helpers::*;
use openecf_domain::*;
use openecf_store::*;
use reqwest::StatusCode;

/// The table row of one court.
fn row(p: &Page, name: &str) -> String {
    let start = p
        .body
        .find(&format!(">{name}</a></th>"))
        .unwrap_or_else(|| panic!("no row of {name} in {}", p.body));
    let rest = &p.body[start..];
    rest[..rest.find("</tr>").unwrap()].to_owned()
}

async fn add_ecf_with(app: &TestApp, court: &str, login: &str, email: &str, bar: Option<&str>) {
    let hash = app.app.hasher.hash(&Password::attempt(ECF_PW).unwrap()).await.unwrap();
    app.store
        .add_ecf_account(
            &NewEcfAccount {
                court: CourtId::parse(court).unwrap(),
                login: EcfLogin::parse(login).unwrap(),
                password_hash: hash,
                name: PersonName::parse("Jamie Filer").unwrap(),
                email: Email::parse(email).unwrap(),
                role: Role::parse("attorney").unwrap(),
                bar_id: bar.map(|b| BarId::parse(b).unwrap()),
            },
            app.now(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_link_center_shows_each_courts_link_status_and_flags_unlinked_accounts() {
    let app = TestApp::spawn().await;
    // jfiler2027 holds, under their PACER address (other capitals), a CM/ECF
    // account at nysd (live) and one at cand (not live yet).
    add_ecf_with(&app, "nysd", "jamie27", "JFILER2027@example.com", Some("NY-5511")).await;
    add_ecf_with(&app, "cand", "jamie27", "jfiler2027@example.com", None).await;
    let b = app.browser();
    let anonymous = b.get("/account/links").await;
    assert!(
        anonymous.url.contains("/csologin/login?next=/account/links"),
        "{}",
        anonymous.url
    );
    b.login("jfiler2027", PACER_PW).await;
    b.get("/account")
        .await
        .assert_has("<a href=\"/account/links\">Your CM/ECF accounts, court by court</a>");
    let p = b.get("/account/links").await;
    assert_eq!(p.status, StatusCode::OK);
    p.assert_has("<h1>Your CM/ECF accounts, court by court</h1>")
        .assert_has("All your CM/ECF accounts must be linked to your upgraded PACER account as each court goes live on NextGen CM/ECF.")
        .assert_has("0 of 3 courts that are live or have a go-live date are linked")
        .assert_has("<th scope=\"col\">Your CM/ECF account</th>")
        // nysb has no date: not listed.
        .assert_lacks("Court NYSB");
    // Live, not linked, with an account under their address: flagged, but
    // its login is shown only once the address is confirmed (anyone may
    // register with someone else's address).
    p.assert_has(
        "<li><a href=\"/ecf/nysd/link\">Court NYSD</a>: CM/ECF login (confirm your email address to see it)</li>",
    )
    .assert_has("a CM/ECF account here has your email address. Confirm your email address to see its login.")
    .assert_lacks("jamie27");
    let account = app.account("jfiler2027").await;
    let mut tx = app.store.write().await.unwrap();
    tx.set_email_verified(account.id, app.now()).await.unwrap();
    tx.commit().await.unwrap();
    let p = b.get("/account/links").await;
    p.assert_has("<h2 id=\"to-link\">Not linked yet</h2>")
        .assert_has("<li><a href=\"/ecf/nysd/link\">Court NYSD</a>: CM/ECF login jamie27</li>");
    let nysd = row(&p, "Court NYSD");
    assert!(nysd.contains("Live on NextGen CM/ECF since"), "{nysd}");
    assert!(
        nysd.contains("Not linked. <a href=\"/ecf/nysd/link\">Link a CM/ECF account to my PACER account</a>"),
        "{nysd}"
    );
    assert!(
        nysd.contains("CM/ECF login jamie27 has your email address or bar id"),
        "{nysd}"
    );
    // Live, not linked, nothing of theirs there: the link form, no flag.
    let gamb = row(&p, "Court GAMB");
    assert!(gamb.contains("href=\"/ecf/gamb/link\""), "{gamb}");
    assert!(!gamb.contains("has your email address"), "{gamb}");
    // Not live yet: the date, no link form.
    let cand = row(&p, "Court CAND");
    let planned = planned_day().format("%A, %B %-d, %Y").to_string();
    assert!(
        cand.contains(&format!("Not live yet: goes live on {planned}.")),
        "{cand}"
    );
    assert!(!cand.contains("/ecf/cand/link"), "{cand}");

    // Linked from the flag: the row shows the login and when; the flag is gone.
    let verify = b.submit_link("nysd", "jamie27", ECF_PW).await;
    b.confirm("nysd", &verify, "submit")
        .await
        .assert_has("You have successfully linked your account.");
    let p = b.get("/account/links").await;
    let nysd = row(&p, "Court NYSD");
    assert!(nysd.contains("Linked: CM/ECF login jamie27, linked "), "{nysd}");
    assert!(!nysd.contains("/ecf/nysd/link"), "{nysd}");
    p.assert_lacks("<h2 id=\"to-link\">")
        .assert_has("1 of 3 courts that are live or have a go-live date are linked");
}

#[tokio::test]
async fn an_unlinked_account_with_the_filers_bar_id_is_flagged() {
    let app = TestApp::spawn().await;
    // mlinked2026 is linked at gamb (bar id GA-104233); nysd's jfiler has that bar id.
    let b = app.browser();
    b.login("mlinked2026", PACER_PW).await;
    let p = b.get("/account/links").await;
    let gamb = row(&p, "Court GAMB");
    assert!(gamb.contains("Linked: CM/ECF login mlinked"), "{gamb}");
    p.assert_has("<li><a href=\"/ecf/nysd/link\">Court NYSD</a>: CM/ECF login jfiler</li>");
    // A PACER account with nothing anywhere: no flag.
    let other = app.browser();
    other.login("jfiler2026", PACER_PW).await;
    let p = other.get("/account/links").await;
    p.assert_lacks("<h2 id=\"to-link\">")
        .assert_has("0 of 3 courts that are live or have a go-live date are linked");
}
