//! The seed's steps 1–6 in headless Chromium, driven through WebDriver, as a
//! person would do them: by link texts, labels and buttons, on the demo data of
//! `openecf serve --demo`. A screenshot of each step is saved under
//! `target/screenshots/`. A linked filer then files an answer at nysd, with a
//! real PDF uploaded, and finds it on the docket.
//!
//! Every page visited is checked with axe-core for WCAG 2.1 A and AA
//! violations, which fail the test with the list; a few pages are also checked
//! for reflow at 320 CSS pixels (no sideways scrolling of the page itself).
//!
//! Needs `chromedriver` and `chromium` (Debian: chromium, chromium-driver), and
//! axe-core's `axe.min.js` (`npm ci` at the workspace root puts it in
//! `node_modules/axe-core/`; `OPENECF_AXE_JS` names another path). When
//! they are missing the test (or the axe check) is skipped with the reason,
//! unless `OPENECF_REQUIRE_SERVICES=1` (CI), where that is a failure.

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

/// axe-core's source, or `None` (with the reason said) when it is missing and not required.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("OPENECF_AXE_JS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let reason = format!(
                "{} cannot be read ({e}): run `npm ci` at the workspace root, or set OPENECF_AXE_JS",
                path.display()
            );
            assert!(
                !services_required(),
                "the accessibility check is required in CI: {reason}"
            );
            openecf_store::testkit::say_skipped(&format!("skipping the axe-core accessibility checks: {reason}"));
            None
        }
    }
}

/// The browser and, when it is there, axe-core to check each page with.
struct Session {
    c: Client,
    axe: Option<String>,
}

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\n/g, ' '))
  }))))
  .catch(e => done([{ id: 'axe-error', impact: 'error', help: String(e), url: '', nodes: [] }]));
"#;

impl Session {
    /// Runs axe-core on the page shown; fails with every WCAG 2.1 AA violation.
    async fn check(&self, page: &str) {
        let Some(axe) = &self.axe else { return };
        let url = self.c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        self.c.execute(axe, vec![]).await.unwrap();
        let found = self.c.execute_async(AXE_RUN, vec![]).await.unwrap();
        let violations = found.as_array().cloned().unwrap_or_default();
        if violations.is_empty() {
            return;
        }
        let mut report = format!("{} WCAG 2.1 AA violation(s) on {page} ({url}):\n", violations.len());
        for v in &violations {
            report.push_str(&format!(
                "- {} ({}): {} {}\n",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                v["url"].as_str().unwrap_or_default()
            ));
            for n in v["nodes"].as_array().into_iter().flatten() {
                report.push_str(&format!("    {}\n", n.as_str().unwrap_or_default()));
            }
        }
        panic!("{report}");
    }

    /// At 320 CSS pixels wide the page does not scroll sideways (WCAG 1.4.10):
    /// wide tables scroll inside their own region.
    async fn check_reflow(&self, page: &str) {
        let (w, h) = self.c.get_window_size().await.unwrap();
        self.c.set_window_size(320, 700).await.unwrap();
        let widths = self
            .c
            .execute(
                "const w = document.documentElement.clientWidth; \
                 const wide = [...document.querySelectorAll('body *')] \
                   .filter(e => e.getBoundingClientRect().right > w + 1) \
                   .filter(e => !(e.parentElement && e.parentElement.closest('.table-wrap'))) \
                   .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')); \
                 return [window.innerWidth, w, document.documentElement.scrollWidth, wide.slice(0, 8).join(', ')];",
                vec![],
            )
            .await
            .unwrap();
        self.c.set_window_size(w as u32, h as u32).await.unwrap();
        let inner = widths[0].as_u64().unwrap_or_default();
        let client = widths[1].as_u64().unwrap_or_default();
        let scroll = widths[2].as_u64().unwrap_or_default();
        if inner > 400 {
            openecf_store::testkit::say_skipped(&format!(
                "the browser would not be made 320 px wide (it is {inner}); reflow not checked"
            ));
            return;
        }
        assert!(
            scroll <= client,
            "{page} scrolls sideways at {inner} px: it is {scroll} px wide for {client}; too wide: {}",
            widths[3].as_str().unwrap_or_default()
        );
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

async fn browser() -> Option<(Killed, Session, crate::Scratch)> {
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
    let session = Session {
        c: client,
        axe: axe_source(),
    };
    Some((driver, session, profile))
}

/// `openecf serve --demo` on the scratch folder's database; its base URL.
fn serve_demo(data: &Scratch) -> (Killed, String) {
    let (server, base, _) = serve_demo_printing(data);
    (server, base)
}

/// `openecf serve --demo`, its base URL, and what it printed up to then.
pub(crate) fn serve_demo_printing(data: &Scratch) -> (Killed, String, Vec<String>) {
    let mut serve = Command::new(env!("CARGO_BIN_EXE_openecf"));
    serve
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", data.url())
        .env("OPENECF_MAIL_DIR", data.dir.path().join("mail"))
        .env("OPENECF_DOCUMENTS_DIR", data.dir.path().join("documents"))
        .env("OPENECF_LOG", "warn");
    let (server, printed) = start_and_read(serve, "openecf listening on");
    let base = printed
        .last()
        .and_then(|line| line.rsplit(' ').next())
        .unwrap_or_default()
        .to_owned();
    (server, base, printed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_links_a_cmecf_account_by_the_seeds_six_steps() {
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let (_server, base) = serve_demo(&data);

    // Pages on the way: the portal, registration, and the error page.
    c.goto(&format!("{base}/")).await.unwrap();
    text_with(c, "NextGen CM/ECF status of the courts").await;
    s.check("the PACER portal").await;
    s.check_reflow("the PACER portal").await;
    // The courts' NextGen status, filtered with the plain GET form.
    click_link(c, "Find a court by kind, state and status").await;
    text_with(c, "Courts and their NextGen CM/ECF status").await;
    s.check("the courts' NextGen status").await;
    s.check_reflow("the courts' NextGen status").await;
    find(c, Locator::Id("kind"))
        .await
        .select_by_value("district")
        .await
        .unwrap();
    find(c, Locator::Id("status"))
        .await
        .select_by_value("planned")
        .await
        .unwrap();
    click_button(c, "Filter").await;
    let planned = text_with(c, "1 court shown.").await;
    assert!(
        planned.contains("United States District Court, N.D. California"),
        "{planned}"
    );
    s.check("the courts, filtered").await;
    c.goto(&format!("{base}/courts?state=New+York")).await.unwrap();
    text_with(c, "United States Court of Appeals for the Second Circuit").await;
    shot(c, "courts").await;
    c.goto(&format!("{base}/")).await.unwrap();
    click_link(c, "Register for a PACER account").await;
    text_with(c, "Confirm password").await;
    s.check("Register for a PACER account").await;
    c.goto(&format!("{base}/ecf/nosuchct/")).await.unwrap();
    text_with(c, "Operation id").await;
    s.check("the error page").await;

    // Step 1: the court's CM/ECF site; Document Filing System.
    c.goto(&format!("{base}/ecf/gamb/")).await.unwrap();
    shot(c, "step-1-court-site").await;
    s.check("step 1, the court's site").await;
    click_link(c, "Document Filing System").await;

    // Step 2: PACER LOGIN with the individual upgraded account.
    let login = text_with(c, "PACER LOGIN").await;
    assert!(login.contains("Your browser must be set to accept cookies"), "{login}");
    s.check("step 2, PACER LOGIN").await;
    fill(c, "Username", "jfiler2026").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    shot(c, "step-2-pacer-login").await;
    click_button(c, "Login").await;

    // Step 3: Utilities, then the link.
    let menu = text_with(c, "Logged in as Jordan Filer (jfiler2026)").await;
    assert!(
        !menu.contains("Bankruptcy\n") && !menu.contains("Adversary"),
        "no filing menus before linking: {menu}"
    );
    s.check("step 3, the main menu").await;
    click_link(c, "Utilities").await;
    text_with(c, "Link a CM/ECF account to my PACER account").await;
    shot(c, "step-3-utilities").await;
    s.check("step 3, Utilities").await;
    click_link(c, "Link a CM/ECF account to my PACER account").await;

    // Step 4: CM/ECF login and CM/ECF password, Submit.
    text_with(c, "CM/ECF password").await;
    s.check("step 4, the link form").await;
    fill(c, "CM/ECF login", "jfiler").await;
    fill(c, "CM/ECF password", "Cmecf-Legacy-Pass-7").await;
    shot(c, "step-4-cmecf-credentials").await;
    click_button(c, "Submit").await;

    // Step 5: verify both accounts, Submit.
    let verify = text_with(
        c,
        "Verify that the CM/ECF account and PACER account listed are accurate.",
    )
    .await;
    assert!(
        verify.contains("jfiler2026") && verify.contains("jfiler.gamb@example.com"),
        "{verify}"
    );
    shot(c, "step-5-verify").await;
    s.check("step 5, verify").await;
    s.check_reflow("step 5, verify").await;
    click_button(c, "Submit").await;

    // Step 6: linked; F5 shows the Bankruptcy and Adversary menus.
    let done = text_with(c, "You have successfully linked your account.").await;
    assert!(done.contains("You will now use only your PACER account"), "{done}");
    s.check("step 6, linked").await;
    c.refresh().await.unwrap();
    find(c, Locator::LinkText("Bankruptcy")).await;
    find(c, Locator::LinkText("Adversary")).await;
    shot(c, "step-6-linked").await;
    click_link(c, "Bankruptcy").await;
    text_with(c, "Open a Bankruptcy Case").await;
    s.check("the Bankruptcy menu").await;

    // Manage My Account, from the banner, and its MFA page.
    click_link(c, "Manage My Account").await;
    text_with(c, "Sessions").await;
    s.check("Manage My Account").await;
    s.check_reflow("Manage My Account").await;
    // The link center: gamb linked just now; nysd live, not linked; cand not live yet.
    click_link(c, "Your CM/ECF accounts, court by court").await;
    let center = text_with(c, "Courts live on NextGen CM/ECF or with a go-live date").await;
    assert!(center.contains("Linked: CM/ECF login jfiler"), "{center}");
    assert!(
        center.contains("Not linked. Link a CM/ECF account to my PACER account"),
        "{center}"
    );
    assert!(center.contains("Not live yet: goes live on"), "{center}");
    shot(c, "link-center").await;
    s.check("the link center").await;
    s.check_reflow("the link center").await;
    click_link(c, "Manage My Account").await;
    text_with(c, "Sessions").await;
    click_link(c, "Review Billing History").await;
    text_with(c, "Usage by quarter").await;
    s.check("Review Billing History").await;
    c.back().await.unwrap();
    click_link(c, "Multi-factor authentication").await;
    text_with(c, "Add an authenticator app").await;
    s.check("Multi-factor authentication").await;
    click_link(c, "Add an authenticator app").await;
    text_with(c, "Secret key").await;
    s.check("Add an authenticator app").await;
    s.check_reflow("Add an authenticator app").await;
    click_button(c, "Logout").await;
    text_with(c, "PACER LOGIN").await;
    s.c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filer_with_mfa_logs_in_with_a_one_time_passcode() {
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let (_server, base) = serve_demo(&data);

    c.goto(&format!("{base}/ecf/nysd/")).await.unwrap();
    click_link(c, "Document Filing System").await;
    fill(c, "Username", "tokenfiler2026").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(c, "Login").await;
    text_with(c, "one-time passcode from your authenticator app").await;
    s.check("the one-time passcode step").await;
    // The server runs on the system clock.
    let step = openecf_app::Clock::system().now().timestamp() / openecf_app::totp::STEP;
    let code = openecf_app::totp::code_at("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", step).unwrap();
    fill(c, "One-time passcode", &code).await;
    shot(c, "mfa-one-time-passcode").await;
    click_button(c, "Verify").await;
    text_with(c, "Logged in as Taylor Token (tokenfiler2026)").await;
    find(c, Locator::LinkText("Civil")).await;
    find(c, Locator::LinkText("Criminal")).await;
    shot(c, "mfa-logged-in").await;
    s.check("the district court's main menu").await;
    s.c.close().await.unwrap();
}

/// Waits for a page that contains `expected`; if PACER LOGIN asks first to
/// set up multi-factor authentication, puts it off ("Not now").
async fn past_mfa_prompt(s: &Session, expected: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = match s.c.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(expected) {
            return text;
        }
        if text.contains("Set up multi-factor authentication") && text.contains("Not now") {
            s.check("the MFA set-up prompt").await;
            click_button(&s.c, "Not now").await;
            return text_with(&s.c, expected).await;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {expected:?} on the page:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_filer_files_an_answer_and_finds_it_on_the_docket() {
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let (_server, base, printed) = serve_demo_printing(&data);
    // "demo case at nysd: 1:26-cv-00001-ABC (…)": typed loosely, as `26-1`.
    let case_number = printed
        .iter()
        .find_map(|l| l.split("demo case at nysd: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no demo case printed: {printed:?}"))
        .to_owned();
    let year = case_number
        .strip_prefix("1:")
        .and_then(|n| n.split('-').next())
        .unwrap_or_else(|| panic!("not a civil case number: {case_number}"));
    let typed = format!("{year}-1");
    // The PDF to upload, as a file on disk: WebDriver uploads by path.
    let pdf = data.dir.path().join("answer.pdf");
    std::fs::write(
        &pdf,
        openecf_app::filing::pdf::sample::pdf(2, "Answer", openecf_app::filing::pdf::sample::Extra::Nothing),
    )
    .unwrap();

    // Log in at nysd and link CM/ECF login jfiler (a release 1.1 court).
    c.goto(&format!("{base}/ecf/nysd/")).await.unwrap();
    click_link(c, "Document Filing System").await;
    text_with(c, "PACER LOGIN").await;
    fill(c, "Username", "jfiler2026").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(c, "Login").await;
    past_mfa_prompt(&s, "Logged in as Jordan Filer (jfiler2026)").await;
    click_link(c, "Utilities").await;
    text_with(c, "NextGen Release 1.1 Menu Items").await;
    s.check("Utilities at a release 1.1 court").await;
    click_link(c, "NextGen Release 1.1 Menu Items").await;
    text_with(c, "Link a CM/ECF account to my PACER account").await;
    s.check("NextGen Release 1.1 Menu Items").await;
    click_link(c, "Link a CM/ECF account to my PACER account").await;
    text_with(c, "CM/ECF password").await;
    fill(c, "CM/ECF login", "jfiler").await;
    fill(c, "CM/ECF password", "Cmecf-Legacy-Pass-7").await;
    click_button(c, "Submit").await;
    text_with(
        c,
        "Verify that the CM/ECF account and PACER account listed are accurate.",
    )
    .await;
    click_button(c, "Submit").await;
    text_with(c, "You have successfully linked your account.").await;
    c.refresh().await.unwrap();

    // Utilities → Change Client Code.
    c.goto(&format!("{base}/ecf/nysd/utilities/client-code")).await.unwrap();
    fill(
        c,
        "Client code (at most 32 characters, no spaces or commas; empty for none)",
        "matter-42",
    )
    .await;
    click_button(c, "Change Client Code").await;
    text_with(c, "Your client code was changed.").await;
    s.check("Change Client Code").await;

    // Maintain Your ECF Account → Filing Agents: name one.
    c.goto(&format!("{base}/ecf/nysd/utilities/maintain-account"))
        .await
        .unwrap();
    text_with(c, "Secondary e-mail addresses").await;
    s.check("Maintain Your ECF Account").await;
    click_link(c, "Filing Agents").await;
    text_with(c, "Add a filing agent").await;
    fill(c, "PACER username of the agent", "mlinked2026").await;
    click_button(c, "Add filing agent").await;
    text_with(c, "The filing agent was named.").await;
    s.check("Filing Agents").await;
    c.goto(&format!("{base}/ecf/nysd/")).await.unwrap();

    // Civil → Answers to Complaints; the redaction notice comes first.
    find(c, Locator::LinkText("Civil")).await;
    click_link(c, "Civil").await;
    text_with(c, "Answers to Complaints").await;
    s.check("the Civil menu").await;
    click_link(c, "Answers to Complaints").await;
    text_with(c, "Notice of Redaction Responsibility").await;
    s.check("the redaction notice").await;
    find(
        c,
        Locator::XPath(&labelled(
            "I understand that, if I file, I must comply with the redaction rules. I have read this notice.",
        )),
    )
    .await
    .click()
    .await
    .unwrap();
    click_button(c, "Continue").await;

    // Civil Events: the case, the event, the party, the PDF.
    text_with(c, "File into an existing case.").await;
    s.check("Civil Events").await;
    fill(c, "Case number", &typed).await;
    find(c, Locator::Id("event"))
        .await
        .select_by_value("Answer to Complaint")
        .await
        .unwrap();
    fill(
        c,
        "Filer (the party you file for, as named in the case)",
        "Beta Supply Co.",
    )
    .await;
    fill(c, "Main document (PDF)", pdf.to_str().unwrap()).await;
    click_button(c, "Submit").await;

    // The review page: the final docket text and the document; nothing is filed before Submit.
    let review = text_with(c, "Docket Text: Final Text").await;
    assert!(
        review.contains("ANSWER to Complaint filed by Beta Supply Co."),
        "{review}"
    );
    assert!(review.contains("answer.pdf"), "the original filename: {review}");
    s.check("Docket Text: Final Text").await;
    click_button(c, "Submit").await;

    // The receipt: the Notice of Electronic Filing.
    let nef = text_with(c, "Filed: document number").await;
    assert!(nef.contains("Notice of Electronic Filing"), "{nef}");
    assert!(nef.contains("ANSWER to Complaint filed by Beta Supply Co."), "{nef}");
    assert!(nef.contains(&case_number), "{nef}");
    assert!(nef.contains("answer.pdf"), "the original filename: {nef}");
    shot(c, "filing-nef").await;
    s.check("the Notice of Electronic Filing").await;
    s.check_reflow("the Notice of Electronic Filing").await;

    // The case number links to the docket, which has the entry.
    let link = find(
        c,
        Locator::XPath(&format!("//p[@role='status']/a[normalize-space()='{case_number}']")),
    )
    .await;
    let number = nef
        .split("Filed: document number ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    link.click().await.unwrap();
    let docket = text_with(c, &format!("CIVIL DOCKET FOR CASE #: {case_number}")).await;
    let entry = docket
        .lines()
        .find(|l| l.contains("ANSWER to Complaint filed by Beta Supply Co."))
        .unwrap_or_else(|| panic!("no answer on the docket:\n{docket}"));
    assert!(
        entry.split_whitespace().any(|w| w == number),
        "entry {number} is not numbered so: {entry}"
    );
    find(c, Locator::LinkText(&number)).await;
    shot(c, "filing-docket").await;
    s.check("the docket").await;
    s.check_reflow("the docket").await;

    // The plaintiff's attorney's notice, as mailed: its free look opens the
    // answer without a login, from the free-look page's View Document.
    let link = free_look_link(
        &data.dir.path().join("mail"),
        "tokenfiler2026@example.com",
        "Answer to Complaint",
    );
    click_button(c, "Logout").await;
    text_with(c, "PACER LOGIN").await;
    c.goto(&link).await.unwrap();
    text_with(c, "View Document").await;
    s.check("the free-look page").await;
    s.check_reflow("the free-look page").await;
    s.c.close().await.unwrap();
}

/// The free-look link (`…/doc1/ID?magic_num=…`) of the notice mailed to `to`
/// about `event`, once the job has delivered it to the mail folder.
fn free_look_link(mail: &std::path::Path, to: &str, event: &str) -> String {
    for _ in 0..100 {
        for entry in std::fs::read_dir(mail).into_iter().flatten().flatten() {
            let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
            // Quoted-printable, should the mailer have chosen it: soft breaks and `=3D`.
            let text = raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
            if !text.contains(&format!("To: {to}")) || !text.contains(event) {
                continue;
            }
            if let Some(href) = text.split('"').find(|part| part.contains("magic_num=")) {
                return href.to_owned();
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "no notice to {to} about {event} with a free-look link in {}",
        mail.display()
    );
}

/// The clerk console, as a court's staff member uses it: search, an
/// account's page (disable, enable), the linking progress chart; and the
/// filer's E-File Registration and "Forgot your CM/ECF password?" pages.
/// Each page is checked with axe-core; the console and the chart are
/// screenshotted for the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn court_staff_use_the_clerk_console() {
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let (_server, base) = serve_demo(&data);
    let granted = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["court", "admin", "add", "gamb", "mlinked2026"])
        .env("OPENECF_DATABASE_URL", data.url())
        .output()
        .unwrap();
    assert!(granted.status.success(), "{granted:?}");

    // The console is behind PACER LOGIN, and back.
    c.goto(&format!("{base}/ecf/gamb/admin")).await.unwrap();
    text_with(c, "PACER LOGIN").await;
    fill(c, "Username", "mlinked2026").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(c, "Login").await;
    let home = past_mfa_prompt(&s, "Search the court's CM/ECF accounts").await;
    assert!(home.contains("active CM/ECF accounts linked"), "{home}");
    s.check("the clerk console").await;
    s.check_reflow("the clerk console").await;

    fill(c, "Login, name, email or bar id", "filer").await;
    click_button(c, "Search").await;
    text_with(c, "CM/ECF accounts matching").await;
    shot(c, "console").await;
    s.check("the console's search results").await;
    s.check_reflow("the console's search results").await;

    click_link(c, "jfiler").await;
    let account = text_with(c, "CM/ECF account jfiler").await;
    assert!(account.contains("Not linked"), "{account}");
    s.check("a CM/ECF account in the console").await;
    fill(c, "Reason (required)", "duplicate account, checking").await;
    click_button(c, "Disable").await;
    text_with(c, "The CM/ECF account is disabled").await;
    s.check("a disabled CM/ECF account").await;
    fill(c, "Reason (required)", "not a duplicate after all").await;
    click_button(c, "Enable").await;
    text_with(c, "enabled again").await;
    shot(c, "console-account").await;

    click_link(c, "Add a CM/ECF account").await;
    text_with(c, "The account gets no password anyone knows").await;
    s.check("Add a CM/ECF account").await;

    click_link(c, "Linking progress").await;
    let progress = text_with(c, "Linking progress by day").await;
    assert!(progress.contains("active CM/ECF accounts linked"), "{progress}");
    find(c, Locator::Css("svg[role='img']")).await;
    s.check("the linking progress chart").await;
    s.check_reflow("the linking progress chart").await;

    // The filer's side: E-File Registration and the CM/ECF password reset.
    c.goto(&format!("{base}/account")).await.unwrap();
    click_link(c, "E-File Registration").await;
    text_with(c, "Ask the court for filing privileges").await;
    s.check("E-File Registration").await;
    s.check_reflow("E-File Registration").await;
    c.goto(&format!("{base}/ecf/nysd/link")).await.unwrap();
    click_link(c, "Forgot your CM/ECF password?").await;
    text_with(c, "We will email a link to choose a new CM/ECF password").await;
    s.check("Forgot your CM/ECF password?").await;
    s.c.close().await.unwrap();
}

/// A court three weeks after its go-live, its accounts linking day by day:
/// the clerk console's progress chart and table (axe-checked), and the
/// screenshot of it for the README.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_chart_shows_weeks_of_linking() {
    use openecf_domain::*;
    use openecf_store::{GoLive, NewCourt, NewEcfAccount, NewPacerAccount, Store};
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let store = Store::connect(&data.url()).await.unwrap();
    store.migrate().await.unwrap();
    #[allow(clippy::disallowed_methods, reason = "the history ends today, as the server sees it")]
    let today = chrono::Utc::now();
    let start = today - chrono::Duration::days(21);
    let app = openecf_app::App::new(
        store.clone(),
        openecf_app::Hasher::with_threads(1).unwrap(),
        openecf_app::Clock::stopped(start),
        openecf_app::Settings::default(),
    );
    let gamb = CourtId::parse("gamb").unwrap();
    store
        .add_courts(&[NewCourt {
            id: gamb.clone(),
            kind: CourtKind::Bankruptcy,
            name: "United States Bankruptcy Court, M.D. Georgia".into(),
            location: "Georgia".into(),
            doc_id_prefix: String::new(),
            release: Release::V1_0,
        }])
        .await
        .unwrap();
    openecf_app::courts::schedule_go_live(&app, &gamb, GoLive::Now)
        .await
        .unwrap();
    let hash = app
        .hasher
        .hash(&Password::attempt("Walnut-Harbor-Lantern-42").unwrap())
        .await
        .unwrap();
    let pacer = |username: &str| NewPacerAccount {
        username: Username::parse_existing(username).unwrap(),
        password_hash: hash.clone(),
        name: PersonName::parse("Pat Filer").unwrap(),
        email: Email::parse(&format!("{username}@example.com")).unwrap(),
        kind: AccountKind::Individual,
        created_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    };
    store.add_pacer_account(&pacer("deputyclerk"), start).await.unwrap();
    openecf_app::courts::set_staff(&app, &gamb, "deputyclerk", true, "test")
        .await
        .unwrap()
        .unwrap();
    // 60 accounts; each day a few more link (fewer as the weeks go by).
    let accounts: Vec<NewEcfAccount> = (0..60)
        .map(|i| NewEcfAccount {
            court: gamb.clone(),
            login: EcfLogin::parse(&format!("filer{i:02}")).unwrap(),
            password_hash: hash.clone(),
            name: PersonName::parse("Pat Filer").unwrap(),
            email: Email::parse(&format!("filer{i:02}@example.com")).unwrap(),
            role: Role::parse("attorney").unwrap(),
            bar_id: None,
        })
        .collect();
    let ids = store.import_ecf_accounts(&accounts, start).await.unwrap();
    let mut tx = store.write().await.unwrap();
    let mut n = 0usize;
    for day in 0..21i64 {
        let links = [6, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1][day as usize];
        for _ in 0..links {
            let username = format!("pacerfiler{n:02}");
            let id = tx.insert_pacer(&pacer(&username), start).await.unwrap();
            let at = start + chrono::Duration::days(day) + chrono::Duration::hours(3);
            tx.insert_link(&gamb, ids[n], id, at).await.unwrap().unwrap();
            n += 1;
        }
    }
    tx.commit().await.unwrap();
    store.close().await;

    let mut serve = Command::new(env!("CARGO_BIN_EXE_openecf"));
    serve
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", data.url())
        .env("OPENECF_MAIL_DIR", data.dir.path().join("mail"))
        .env("OPENECF_DOCUMENTS_DIR", data.dir.path().join("documents"))
        .env("OPENECF_LOG", "warn");
    let (_server, printed) = start_and_read(serve, "openecf listening on");
    let base = printed
        .last()
        .and_then(|line| line.rsplit(' ').next())
        .unwrap_or_default()
        .to_owned();

    c.goto(&format!("{base}/ecf/gamb/admin/progress")).await.unwrap();
    text_with(c, "PACER LOGIN").await;
    fill(c, "Username", "deputyclerk").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(c, "Login").await;
    let page = past_mfa_prompt(&s, "Linking progress by day").await;
    assert!(
        page.contains(&format!(
            "On {}: {n} of 60 active CM/ECF accounts linked",
            today.date_naive()
        )),
        "{page}"
    );
    find(c, Locator::Css("svg[role='img'] polyline, svg[role='img'] path")).await;
    shot(c, "console-progress").await;
    s.check("the linking progress chart, three weeks on").await;
    // The Case record page: sealing, restricting, details, hearings.
    click_link(c, "Case record").await;
    text_with(c, "Seal or unseal a docket entry").await;
    s.check("the console's Case record page").await;
    s.c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_of_the_public_queries_a_case_and_reads_its_docket_report() {
    let Some((_driver, s, _profile)) = browser().await else {
        return;
    };
    let c = &s.c;
    let data = Scratch::new();
    let (_server, base, printed) = serve_demo_printing(&data);
    let case_number = printed
        .iter()
        .find_map(|l| l.split("demo case at nysd: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no demo case printed: {printed:?}"))
        .to_owned();
    let year = case_number
        .strip_prefix("1:")
        .and_then(|n| n.split('-').next())
        .unwrap_or_else(|| panic!("not a civil case number: {case_number}"));

    // jfiler2026 has no part in the demo case: public access, by PACER login.
    c.goto(&format!("{base}/ecf/nysd/")).await.unwrap();
    click_link(c, "Document Filing System").await;
    text_with(c, "PACER LOGIN").await;
    fill(c, "Username", "jfiler2026").await;
    fill(c, "Password", "Walnut-Harbor-Lantern-42").await;
    click_button(c, "Login").await;
    past_mfa_prompt(&s, "Logged in as Jordan Filer (jfiler2026)").await;

    // Query, by the case number typed loosely.
    click_link(c, "Query").await;
    text_with(c, "Run Query").await;
    s.check("Query").await;
    s.check_reflow("Query").await;
    fill(c, "Case number", &format!("{year}-1")).await;
    click_button(c, "Run Query").await;
    let summary = text_with(c, "Date of last filing:").await;
    assert!(summary.contains("Acme Widgets, Inc. v. Beta Supply Co."), "{summary}");
    s.check("the case's query page").await;
    shot(c, "public-case-query").await;

    // Its docket report.
    click_link(c, "Docket Report").await;
    let report = text_with(c, &format!("CIVIL DOCKET FOR CASE #: {case_number}")).await;
    assert!(report.contains("represented by"), "{report}");
    assert!(report.contains("LEAD ATTORNEY"), "{report}");
    assert!(report.contains("COMPLAINT against Beta Supply Co."), "{report}");
    s.check("the docket report").await;
    s.check_reflow("the docket report").await;
    shot(c, "public-docket-report").await;

    // By a party's name, from the Docket Report form, with a document range.
    c.goto(&format!("{base}/ecf/nysd/cgi-bin/DktRpt.pl")).await.unwrap();
    text_with(c, "Run Report").await;
    s.check("the Docket Report form").await;
    fill(c, "Last name", "Beta").await;
    click_button(c, "Run Report").await;
    text_with(c, "Cases found").await;
    s.check("the Docket Report form's cases found").await;
    click_link(c, &case_number).await;
    text_with(c, &format!("CIVIL DOCKET FOR CASE #: {case_number}")).await;

    // A document: the attachment menu, then View Document.
    click_link(c, "1").await;
    text_with(c, "Document Selection Menu").await;
    s.check("the attachment menu").await;
    click_link(c, "Main Document").await;
    text_with(c, "To accept charges shown below").await;
    s.check("View Document").await;

    // The Reports menu: Written Opinions and Calendar Events, form then report.
    click_link(c, "Reports").await;
    text_with(c, "Written Opinions").await;
    s.check("Reports").await;
    click_link(c, "Written Opinions").await;
    text_with(c, "Written Opinions Report").await;
    s.check("the Written Opinions form").await;
    click_button(c, "Run Report").await;
    text_with(c, "Total number of opinions reported").await;
    s.check("the Written Opinions report").await;
    c.goto(&format!("{base}/ecf/nysd/cgi-bin/CalEvents.pl")).await.unwrap();
    text_with(c, "Calendar Events").await;
    s.check("the Calendar Events form").await;
    click_button(c, "Run Report").await;
    text_with(c, "Transaction Receipt").await;
    s.check("the Calendar Events report").await;
    // A bankruptcy court's Claims Register: form, then the demo case's register.
    c.goto(&format!("{base}/ecf/gamb/cgi-bin/SearchClaims.pl"))
        .await
        .unwrap();
    text_with(c, "Claims Register").await;
    s.check("the Claims Register form").await;
    fill(c, "Case number", &format!("{year}-1")).await;
    click_button(c, "Run Report").await;
    text_with(c, "Claims Register Summary").await;
    s.check("the Claims Register").await;
    s.c.close().await.unwrap();
}
