//! The seed's steps 1–6 in headless Chromium, driven through WebDriver, as a
//! person would do them: by link texts, labels and buttons, on the demo data of
//! `openecf serve --demo`. A screenshot of each step is saved under
//! `target/screenshots/`.
//!
//! Needs `chromedriver` and `chromium` (Debian: chromium, chromium-driver). When
//! they are missing the test is skipped with the reason, unless
//! `OPENECF_REQUIRE_SERVICES=1` (CI), where that is a failure.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use openecf_store::testkit::services_required;

use crate::Scratch;

pub(crate) struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(program: &str, env: &str) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// Starts a child and waits for a line of its stdout that contains
/// `marker`; returns the child and that line.
fn start_and_wait(cmd: Command, marker: &str) -> (Killed, String) {
    let (child, lines) = start_and_read(cmd, marker);
    (child, lines.last().cloned().unwrap_or_default())
}

/// Starts a child and returns it with every line of its stdout up to and
/// including the first that contains `marker`.
pub(crate) fn start_and_read(mut cmd: Command, marker: &str) -> (Killed, Vec<String>) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let child = Killed(child);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        assert!(std::time::Instant::now() < deadline, "no {marker:?} within a minute");
        match lines.next() {
            Some(Ok(line)) => {
                let done = line.contains(marker);
                seen.push(line);
                if done {
                    // Keep draining so the child never blocks on a full pipe.
                    std::thread::spawn(move || for _ in lines.by_ref() {});
                    return (child, seen);
                }
            }
            Some(Err(_)) => continue,
            None => panic!("the process ended before printing {marker:?}"),
        }
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

/// Waits (up to 10 s, as a person would while a page loads) for an element.
async fn find(client: &Client, locator: Locator<'_>) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(locator)
        .await
        .unwrap()
}

/// The input a `<label>` with this text is for.
fn labelled(text: &str) -> String {
    format!("//input[@id=//label[normalize-space()='{text}']/@for]")
}

async fn fill(client: &Client, label: &str, value: &str) {
    client
        .find(Locator::XPath(&labelled(label)))
        .await
        .unwrap()
        .send_keys(value)
        .await
        .unwrap();
}

async fn click_link(client: &Client, text: &str) {
    client
        .find(Locator::LinkText(text))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn click_button(client: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The page's text once it contains `expected` (pages load after a click).
async fn text_with(client: &Client, expected: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = match client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(expected) {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {expected:?} on the page:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser() -> Option<(Killed, Client, crate::Scratch)> {
    let (Some(driver), Some(chromium)) = (
        find_program("chromedriver", "CHROMEDRIVER"),
        find_program("chromium", "CHROMIUM"),
    ) else {
        let reason = "chromedriver or chromium not found (Debian: apt-get install chromium chromium-driver)";
        assert!(!services_required(), "the browser test is required in CI: {reason}");
        openecf_store::testkit::say_skipped(&format!("skipping the browser tests: {reason}"));
        return None;
    };
    let mut cmd = Command::new(driver);
    cmd.arg("--port=0");
    let (driver, line) = start_and_wait(cmd, "started successfully on port");
    let port: u16 = line.trim_end_matches('.').rsplit(' ').next().unwrap().parse().unwrap();
    let profile = Scratch::new();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--window-size=1100,820",
                format!("--user-data-dir={}", profile.dir.path().display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    Some((driver, client, profile))
}

/// `openecf serve --demo` on the scratch folder's database; its base URL.
fn serve_demo(data: &Scratch) -> (Killed, String) {
    let mut serve = Command::new(env!("CARGO_BIN_EXE_openecf"));
    serve
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", data.url())
        .env("OPENECF_MAIL_DIR", data.dir.path().join("mail"))
        .env("OPENECF_LOG", "warn");
    let (server, line) = start_and_wait(serve, "openecf listening on");
    let base = line.rsplit(' ').next().unwrap_or_default().to_owned();
    (server, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_links_a_cmecf_account_by_the_seeds_six_steps() {
    let Some((_driver, c, _profile)) = browser().await else {
        return;
    };
    let data = Scratch::new();
    let (_server, base) = serve_demo(&data);

    // Step 1: the court's CM/ECF site; Document Filing System.
    c.goto(&format!("{base}/ecf/gamb/")).await.unwrap();
    shot(&c, "step-1-court-site").await;
    click_link(&c, "Document Filing System").await;

    // Step 2: PACER LOGIN with the individual upgraded account.
    let login = text_with(&c, "PACER LOGIN").await;
    assert!(login.contains("Your browser must be set to accept cookies"), "{login}");
    fill(&c, "Username", "jfiler2026").await;
    fill(&c, "Password", "Walnut-Harbor-Lantern-42").await;
    shot(&c, "step-2-pacer-login").await;
    click_button(&c, "Login").await;

    // Step 3: Utilities, then the link.
    let menu = text_with(&c, "Logged in as Jordan Filer (jfiler2026)").await;
    assert!(
        !menu.contains("Bankruptcy\n") && !menu.contains("Adversary"),
        "no filing menus before linking: {menu}"
    );
    click_link(&c, "Utilities").await;
    shot(&c, "step-3-utilities").await;
    click_link(&c, "Link a CM/ECF account to my PACER account").await;

    // Step 4: CM/ECF login and CM/ECF password, Submit.
    fill(&c, "CM/ECF login", "jfiler").await;
    fill(&c, "CM/ECF password", "Cmecf-Legacy-Pass-7").await;
    shot(&c, "step-4-cmecf-credentials").await;
    click_button(&c, "Submit").await;

    // Step 5: verify both accounts, Submit.
    let verify = text_with(
        &c,
        "Verify that the CM/ECF account and PACER account listed are accurate.",
    )
    .await;
    assert!(
        verify.contains("jfiler2026") && verify.contains("jfiler.gamb@example.com"),
        "{verify}"
    );
    shot(&c, "step-5-verify").await;
    click_button(&c, "Submit").await;

    // Step 6: linked; F5 shows the Bankruptcy and Adversary menus.
    let done = text_with(&c, "You have successfully linked your account.").await;
    assert!(done.contains("You will now use only your PACER account"), "{done}");
    c.refresh().await.unwrap();
    find(&c, Locator::LinkText("Bankruptcy")).await;
    find(&c, Locator::LinkText("Adversary")).await;
    shot(&c, "step-6-linked").await;
    click_link(&c, "Bankruptcy").await;
    text_with(&c, "Open a Bankruptcy Case").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_with_mfa_logs_in_with_a_one_time_passcode() {
    let Some((_driver, c, _profile)) = browser().await else {
        return;
    };
    let data = Scratch::new();
    let (_server, base) = serve_demo(&data);

    c.goto(&format!("{base}/ecf/nysd/")).await.unwrap();
    click_link(&c, "Document Filing System").await;
    fill(&c, "Username", "tokenfiler2026").await;
    fill(&c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(&c, "Login").await;
    text_with(&c, "one-time passcode from your authenticator app").await;
    let step = chrono::Utc::now().timestamp() / openecf_web::totp::STEP;
    let code = openecf_web::totp::code_at("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", step).unwrap();
    fill(&c, "One-time passcode", &code).await;
    shot(&c, "mfa-one-time-passcode").await;
    click_button(&c, "Verify").await;
    text_with(&c, "Logged in as Taylor Token (tokenfiler2026)").await;
    find(&c, Locator::LinkText("Civil")).await;
    find(&c, Locator::LinkText("Criminal")).await;
    shot(&c, "mfa-logged-in").await;
    c.close().await.unwrap();
}
