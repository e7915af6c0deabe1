//! Forms are bound to the browser and its session; cross-site requests are
//! refused; over https every cookie is Secure (and `__Host-` where it can be).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// The browser's pre-session (CSRF) cookie, as a `Cookie` header pair.
fn pre_session_cookie(b: &Browser) -> String {
    use reqwest::cookie::CookieStore;
    let url = b.base.parse().unwrap();
    let cookies = b.jar.cookies(&url).unwrap();
    cookies
        .to_str()
        .unwrap()
        .split("; ")
        .find(|c| c.starts_with("openecf_csrf="))
        .unwrap()
        .to_owned()
}

fn set_cookies(p: &Page) -> Vec<String> {
    p.headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_form_token_of_one_session_is_refused_in_another() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.login("jfiler2026", PACER_PW).await;
    let first = b.get("/account").await.hidden("csrf");
    // Log out and in again as another account, in the same browser: the
    // pre-session cookie is the same, the session is not.
    b.post("/csologin/logout", &[("csrf", &first)]).await;
    b.login("jfiler2027", PACER_PW).await;
    let second = b.get("/account").await.hidden("csrf");
    assert_ne!(first, second);
    let stale = b.post("/csologin/logout", &[("csrf", &first)]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    stale.assert_has("Form expired");
    b.get("/account").await.assert_has("jfiler2027");
    // The token of this session works.
    let out = b.post("/csologin/logout", &[("csrf", &second)]).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(b.token().is_none());
}

#[tokio::test]
async fn a_planted_cookie_and_token_stop_working_once_the_victim_logs_in() {
    let app = TestApp::spawn().await;
    let attacker = app.browser();
    let token = attacker.get("/csologin/login").await.hidden("csrf");
    let planted = pre_session_cookie(&attacker);
    // The attacker plants its pre-session cookie in the victim's browser.
    let victim = app.browser();
    let url = app.base.parse().unwrap();
    victim.jar.add_cookie_str(&format!("{planted}; Path=/"), &url);
    victim.login("jfiler2026", PACER_PW).await;
    assert!(victim.token().is_some());
    // Then has the victim's browser post a form with the attacker's token.
    let forged = victim
        .post("/account/sessions/revoke-others", &[("csrf", &token)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.assert_has("Form expired");
    let forged = victim.post("/csologin/logout", &[("csrf", &token)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    victim.get("/account").await.assert_has("jfiler2026");
}

#[tokio::test]
async fn login_csrf_and_cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    let victim = app.browser();
    let own_token = victim.get("/csologin/login").await.hidden("csrf");
    let attacker_token = app.browser().get("/csologin/login").await.hidden("csrf");
    let form = |csrf: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("next".to_owned(), "/".to_owned()),
            ("loginId".to_owned(), "smithjonesfirm".to_owned()),
            ("password".to_owned(), PACER_PW.to_owned()),
        ]
    };
    // The attacker's token in the victim's browser: refused.
    let p = page(
        victim
            .client
            .post(format!("{}/csologin/login", app.base))
            .form(&form(&attacker_token))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    // A cross-site POST is refused even with the right token, by Fetch Metadata or by Origin.
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://attacker.example"),
        ("origin", "http://127.0.0.1:1"),
    ] {
        let p = page(
            victim
                .client
                .post(format!("{}/csologin/login", app.base))
                .header(header, value)
                .form(&form(&own_token))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{header}: {value}");
        p.assert_has("came from another web site");
        assert!(set_cookies(&p).iter().all(|c| !c.starts_with("NextGenCSO=")));
    }
    assert!(victim.token().is_none());
    // From the site itself (as a browser says it), the login works.
    let p = page(
        victim
            .client
            .post(format!("{}/csologin/login", app.base))
            .header("sec-fetch-site", "same-origin")
            .header("origin", &app.base)
            .form(&form(&own_token))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(victim.token().is_some());
}

#[tokio::test]
async fn the_api_takes_no_form_token_but_refuses_cross_site_requests() {
    let app = TestApp::spawn().await;
    let client = app.cookieless();
    let url = format!("{}/services/cso-auth", app.base);
    let body = json!({"loginId": "jfiler2026", "password": PACER_PW});
    // An API client sends neither Origin nor Sec-Fetch-Site: it works.
    let res = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["loginResult"], "0");
    let token = v["nextGenCSO"].as_str().unwrap().to_owned();
    // The token works as the header, with no CSRF token.
    let res = client
        .get(format!("{}/account", app.base))
        .header("X-NEXT-GEN-CSO", &token)
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("jfiler2026"));
    // A page on another site posting to the API: refused, in the API's JSON.
    let res = client
        .post(&url)
        .header("origin", "https://attacker.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["loginResult"], "2");
    assert!(v.get("nextGenCSO").is_none());
    let res = client
        .post(format!("{}/services/cso-logout", app.base))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"nextGenCSO": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["logoutResult"], "2");
    // cso-logout by the token as a program sends it.
    let res = client
        .post(format!("{}/services/cso-logout", app.base))
        .json(&json!({"nextGenCSO": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn over_https_every_cookie_is_secure_and_pages_send_hsts() {
    let app = TestApp::spawn_with(|c| c.public_url = "https://ecf.example.org".into()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Over plain http reqwest would not send Secure cookies back: send them by hand.
    let res = client.get(format!("{}/csologin/login", app.base)).send().await.unwrap();
    let first = page(res).await;
    assert_eq!(
        first.headers["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let pre = set_cookies(&first)
        .into_iter()
        .find(|c| c.starts_with("__Host-openecf_csrf="))
        .expect("a __Host- pre-session cookie");
    assert!(
        pre.contains("; Path=/;") && pre.contains("; Secure") && pre.contains("HttpOnly"),
        "{pre}"
    );
    assert!(!pre.contains("Domain"), "{pre}");
    let pre = pre.split(';').next().unwrap().to_owned();
    let login = page(
        client
            .post(format!("{}/csologin/login", app.base))
            .header("cookie", &pre)
            .header("origin", "https://ecf.example.org")
            .form(&[
                ("csrf", first.hidden("csrf").as_str()),
                ("next", "/"),
                ("loginId", "jfiler2026"),
                ("password", PACER_PW),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let session = set_cookies(&login)
        .into_iter()
        .find(|c| c.starts_with("NextGenCSO="))
        .unwrap_or_else(|| panic!("no session cookie: {} {}", login.status, login.body));
    assert!(
        session.contains("; Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    // The legacy CM/ECF cookie (Path=/ecf/cand, so no __Host-): Secure too.
    let form = page(
        client
            .get(format!("{}/ecf/cand/login", app.base))
            .header("cookie", &pre)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let legacy = page(
        client
            .post(format!("{}/ecf/cand/login", app.base))
            .header("cookie", &pre)
            .form(&[
                ("csrf", form.hidden("csrf").as_str()),
                ("login", "jfiler"),
                ("password", ECF_PW),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let cookies = set_cookies(&legacy);
    let legacy_cookie = cookies
        .iter()
        .find(|c| c.starts_with("ECFLegacy="))
        .unwrap_or_else(|| panic!("no legacy cookie: {} {}", legacy.status, legacy.body));
    assert!(legacy_cookie.contains("Path=/ecf/cand") && legacy_cookie.contains("; Secure"));
    // Every cookie of every answer so far was Secure.
    for c in set_cookies(&first)
        .into_iter()
        .chain(set_cookies(&login))
        .chain(cookies.clone())
    {
        assert!(c.contains("; Secure"), "{c}");
    }
}

#[tokio::test]
async fn over_http_cookies_are_plain_and_there_is_no_hsts() {
    let app = TestApp::spawn().await;
    let p = app.browser().get("/csologin/login").await;
    assert!(p.headers.get("strict-transport-security").is_none());
    let cookies = set_cookies(&p);
    let pre = cookies.iter().find(|c| c.starts_with("openecf_csrf=")).unwrap();
    assert!(!pre.contains("Secure"));
}
