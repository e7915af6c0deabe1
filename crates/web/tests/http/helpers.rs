use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::testkit::TestDb;
use openecf_store::*;
use openecf_web::{AppState, Config};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Client, StatusCode};

pub const PACER_PW: &str = "Walnut-Harbor-Lantern-42";
pub const ECF_PW: &str = "Cmecf-Legacy-Pass-7";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    /// The server's clock: tests move it instead of sleeping.
    pub clock: Clock,
    pub app: App,
    pub db: Option<TestDb>,
    /// Where this server keeps filed documents (removed with the test).
    _documents: openecf_store::testkit::TempDir,
}

/// A browser: its own cookie jar, redirects followed.
pub struct Browser {
    pub client: Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

pub struct Page {
    pub status: StatusCode,
    pub url: String,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
    #[track_caller]
    pub fn assert_has(&self, text: &str) -> &Self {
        assert!(
            self.has(text),
            "expected {text:?} in {} ({}):\n{}",
            self.url,
            self.status,
            self.body
        );
        self
    }
    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.has(text),
            "did not expect {text:?} in {}:\n{}",
            self.url,
            self.body
        );
        self
    }
    /// The value of a hidden input.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no hidden {name} in {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap();
        unescape(&self.body[start..start + end])
    }
    /// The href of the link with this exact text.
    pub fn link(&self, text: &str) -> String {
        let marker = format!("\">{text}</a>");
        let end = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no link {text:?} in {}", self.body));
        let start = self.body[..end].rfind("href=\"").unwrap() + 6;
        self.body[start..end].replace("&#x2f;", "/").replace("&#x3d;", "=")
    }
}

/// What a browser reads from an HTML attribute value.
pub fn unescape(s: &str) -> String {
    s.replace("&#38;", "&")
        .replace("&#x26;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2f;", "/")
}

impl TestApp {
    /// A server on a fresh database with the fixture below: SQLite, or
    /// PostgreSQL when `OPENECF_TEST_ENGINE=postgres` (CI runs the suite both ways).
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// `spawn`, with the HTTP settings changed first (its `public_url` is the
    /// server's own address unless `configure` sets another).
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on("127.0.0.1:0", configure).await
    }

    pub async fn start(store: Store) -> Self {
        Self::start_with(store, |_| {}).await
    }

    pub async fn start_with(store: Store, configure: impl FnOnce(&mut Config)) -> Self {
        Self::start_on(store, "127.0.0.1:0", configure).await
    }

    /// `spawn_with`, the server listening on `bind` (say `[::]:0`, a
    /// dual-stack socket that sees IPv4 clients as `::ffff:a.b.c.d`); the
    /// tests reach it at 127.0.0.1.
    pub async fn spawn_on(bind: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let db = if std::env::var("OPENECF_TEST_ENGINE").is_ok_and(|e| e == "postgres") {
            TestDb::postgres()
                .await
                .expect("OPENECF_TEST_ENGINE=postgres needs PostgreSQL")
        } else {
            TestDb::sqlite().await.unwrap()
        };
        let mut app = Self::start_on(db.store.clone(), bind, configure).await;
        app.db = Some(db);
        app
    }

    async fn start_on(store: Store, bind: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let hasher = Hasher::with_threads(2).unwrap();
        let clock = Clock::system();
        let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let documents = openecf_store::testkit::TempDir::new().unwrap();
        let settings = Settings {
            public_url: base.clone(),
            documents: openecf_app::filing::docstore::DocumentStore::Local(documents.path().to_path_buf()),
            ..Settings::default()
        };
        let app = App::new(store.clone(), hasher, clock.clone(), settings);
        fixture(&app).await;
        let mut config = Config {
            public_url: base.clone(),
            ..Config::default()
        };
        configure(&mut config);
        let state = AppState::new(app.clone(), config);
        tokio::spawn(openecf_web::serve(listener, state));
        Self {
            base,
            store,
            clock,
            app,
            db: None,
            _documents: documents,
        }
    }

    /// The time as the server sees it.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Moves the server's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn browser(&self) -> Browser {
        Browser::at(&self.base)
    }
}

impl Browser {
    /// A browser of its own, for the server at `base`.
    pub fn at(base: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Browser {
            client,
            jar,
            base: base.to_owned(),
        }
    }
}

impl TestApp {
    /// A client that keeps no cookies, like a browser that refuses them.
    pub fn cookieless(&self) -> Client {
        Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
    }
}

pub async fn page(res: reqwest::Response) -> Page {
    Page {
        status: res.status(),
        url: res.url().to_string(),
        headers: res.headers().clone(),
        body: res.text().await.unwrap(),
    }
}

impl Browser {
    pub async fn get(&self, path: &str) -> Page {
        page(self.client.get(format!("{}{path}", self.base)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        page(
            self.client
                .post(format!("{}{path}", self.base))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// PACER LOGIN, as a person would: open the page, fill it in, submit.
    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.login_to(username, password, "/").await
    }

    pub async fn login_to(&self, username: &str, password: &str, next: &str) -> Page {
        let form = self.get(&format!("/csologin/login?next={next}")).await;
        let csrf = form.hidden("csrf");
        self.post(
            "/csologin/login",
            &[
                ("csrf", &csrf),
                ("next", next),
                ("loginId", username),
                ("password", password),
            ],
        )
        .await
    }

    /// Steps 3–4: open the link form and submit CM/ECF credentials; returns the verify page.
    pub async fn submit_link(&self, court: &str, login: &str, password: &str) -> Page {
        let form = self.get(&format!("/ecf/{court}/link")).await;
        let csrf = form.hidden("csrf");
        self.post(
            &format!("/ecf/{court}/link"),
            &[("csrf", &csrf), ("login", login), ("password", password)],
        )
        .await
    }

    /// Step 5: Submit (or Cancel) on the verify page.
    pub async fn confirm(&self, court: &str, verify: &Page, action: &str) -> Page {
        let csrf = verify.hidden("csrf");
        let pending = verify.hidden("pending");
        self.post(
            &format!("/ecf/{court}/link/confirm"),
            &[("csrf", &csrf), ("pending", &pending), ("action", action)],
        )
        .await
    }

    /// The session token the browser holds, if any.
    pub fn token(&self) -> Option<String> {
        let url = self.base.parse().unwrap();
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|c| c.strip_prefix("NextGenCSO="))
            .map(str::to_owned)
    }
}

async fn add_pacer(
    store: &Store,
    hash: &str,
    username: &str,
    name: &str,
    kind: AccountKind,
    created: NaiveDate,
) -> PacerAccount {
    let username = Username::parse_existing(username).unwrap();
    store
        .add_pacer_account(
            &NewPacerAccount {
                username: username.clone(),
                password_hash: hash.to_owned(),
                name: PersonName::parse(name).unwrap(),
                email: Email::parse(&format!("{username}@example.com")).unwrap(),
                kind,
                created_on: created,
            },
            chrono::DateTime::UNIX_EPOCH,
        )
        .await
        .unwrap();
    store.pacer_by_username(&username).await.unwrap().unwrap().0
}

async fn add_ecf(store: &Store, hash: &str, court: &str, login: &str, name: &str) -> EcfAccount {
    let id = store
        .add_ecf_account(
            &NewEcfAccount {
                court: CourtId::parse(court).unwrap(),
                login: EcfLogin::parse(login).unwrap(),
                password_hash: hash.to_owned(),
                name: PersonName::parse(name).unwrap(),
                email: Email::parse(&format!("{login}.{court}@example.com")).unwrap(),
                role: Role::parse("attorney").unwrap(),
                bar_id: Some(BarId::parse("GA-104233").unwrap()),
            },
            chrono::DateTime::UNIX_EPOCH,
        )
        .await
        .unwrap();
    store.ecf_by_id(id).await.unwrap().unwrap()
}

pub fn planned_day() -> NaiveDate {
    #[allow(clippy::disallowed_methods, reason = "a date far enough ahead of any test's clock")]
    chrono::Utc::now().date_naive().checked_add_days(Days::new(60)).unwrap()
}

/// Courts: gamb (bankruptcy, live, release 1.0), nysd (district, live, 1.1),
/// cand (district, not live, planned), nysb (bankruptcy, not live, no date).
/// PACER: jfiler2026 (individual), jfiler2027 (individual), mlinked2026
/// (linked at gamb as mlinked), smithjonesfirm (shared firm), oldpcr (legacy).
/// CM/ECF: gamb jfiler, gamb mlinked, gamb other1, nysd jfiler, cand jfiler.
async fn fixture(app: &App) {
    let (store, hasher) = (&app.store, &app.hasher);
    let court = |id: &str, kind, release| NewCourt {
        id: CourtId::parse(id).unwrap(),
        kind,
        name: format!("Court {}", id.to_uppercase()),
        location: String::new(),
        doc_id_prefix: String::new(),
        release,
    };
    store
        .add_courts(&[
            court("gamb", CourtKind::Bankruptcy, Release::V1_0),
            court("nysd", CourtKind::District, Release::V1_1),
            court("cand", CourtKind::District, Release::V1_0),
            court("nysb", CourtKind::Bankruptcy, Release::V1_0),
        ])
        .await
        .unwrap();
    for id in ["gamb", "nysd"] {
        openecf_app::courts::schedule_go_live(app, &CourtId::parse(id).unwrap(), GoLive::Now)
            .await
            .unwrap();
    }
    openecf_app::courts::schedule_go_live(app, &CourtId::parse("cand").unwrap(), GoLive::On(planned_day()))
        .await
        .unwrap();
    let pacer_hash = hasher.hash(&Password::attempt(PACER_PW).unwrap()).await.unwrap();
    let ecf_hash = hasher.hash(&Password::attempt(ECF_PW).unwrap()).await.unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    add_pacer(
        store,
        &pacer_hash,
        "jfiler2026",
        "Jordan Filer",
        AccountKind::Individual,
        d(2019, 5, 14),
    )
    .await;
    add_pacer(
        store,
        &pacer_hash,
        "jfiler2027",
        "Jamie Filer",
        AccountKind::Individual,
        d(2020, 1, 1),
    )
    .await;
    let linked = add_pacer(
        store,
        &pacer_hash,
        "mlinked2026",
        "Morgan Linked",
        AccountKind::Individual,
        d(2018, 2, 1),
    )
    .await;
    add_pacer(
        store,
        &pacer_hash,
        "smithjonesfirm",
        "Smith and Jones LLP",
        AccountKind::SharedFirm,
        d(2016, 9, 30),
    )
    .await;
    add_pacer(
        store,
        &pacer_hash,
        "oldpcr",
        "Lee Legacy",
        AccountKind::Individual,
        d(2011, 3, 2),
    )
    .await;
    add_ecf(store, &ecf_hash, "gamb", "jfiler", "Jordan Filer").await;
    let mlinked = add_ecf(store, &ecf_hash, "gamb", "mlinked", "Morgan Linked").await;
    add_ecf(store, &ecf_hash, "gamb", "other1", "Olivia Other").await;
    add_ecf(store, &ecf_hash, "nysd", "jfiler", "Jordan Filer").await;
    add_ecf(store, &ecf_hash, "cand", "jfiler", "Jordan Filer").await;
    let gamb = store.court(&CourtId::parse("gamb").unwrap()).await.unwrap().unwrap();
    let who = openecf_app::link::Linker {
        account: &linked,
        session_hash: "",
        ip: "fixture",
    };
    openecf_app::link::link_verified(app, &gamb, who, &mlinked)
        .await
        .unwrap()
        .unwrap();
}

impl TestApp {
    /// Turns MFA on for an account directly in the store, with the one
    /// backup code `abcd-efgh`; returns the secret.
    pub async fn enrol_mfa(&self, username: &str) -> String {
        let account = self.account(username).await;
        let secret = openecf_app::totp::new_secret();
        let key = &self.app.settings.secret_key;
        let sealed = openecf_app::seal::seal(key, &secret).unwrap();
        let mut tx = self.store.write().await.unwrap();
        tx.insert_authenticator(account.id, "Test app", &sealed, 0, self.now())
            .await
            .unwrap();
        tx.replace_backup_codes(account.id, &[openecf_app::totp::hash_backup_code(key, "abcd-efgh")])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        secret
    }

    pub async fn account(&self, username: &str) -> PacerAccount {
        self.store
            .pacer_by_username(&Username::parse_existing(username).unwrap())
            .await
            .unwrap()
            .unwrap()
            .0
    }

    pub async fn mail_to(&self, to: &str) -> Vec<openecf_store::OutboxRow> {
        self.store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.to_addr == to)
            .collect()
    }
}

impl TestApp {
    /// The passcode of the server's current 30-second step, or `offset` steps from it.
    pub fn passcode(&self, secret: &str, offset: i64) -> String {
        let step = self.now().timestamp() / openecf_app::totp::STEP + offset;
        openecf_app::totp::code_at(secret, step).unwrap()
    }
}

impl Browser {
    /// Fills in and submits a form page's fields (CSRF and hidden fields included).
    pub async fn submit(&self, form: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(String, String)> = vec![("csrf".into(), form.hidden("csrf"))];
        // The hidden fields of the form that posts to `action` (a page may have several).
        let marker = format!("action=\"{action}\"");
        let mut rest = match form.body.find(&marker) {
            Some(at) => {
                let from = &form.body[at..];
                &from[..from.find("</form>").unwrap_or(from.len())]
            }
            None => form.body.as_str(),
        };
        while let Some(i) = rest.find("<input type=\"hidden\" name=\"") {
            rest = &rest[i + 27..];
            let name = &rest[..rest.find('"').unwrap()];
            if name != "csrf" && !fields.iter().any(|(k, _)| *k == name) {
                all.push((name.to_owned(), form.hidden(name)));
            }
        }
        all.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        page(
            self.client
                .post(format!("{}{action}", self.base))
                .form(&all)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

impl TestApp {
    /// The MFA setup code last mailed to an address (for an account's first app).
    pub async fn enrolment_code(&self, to: &str) -> String {
        let mail = self.mail_to(to).await;
        let m = mail
            .iter()
            .find(|m| m.subject.contains("multi-factor authentication setup code"))
            .unwrap_or_else(|| panic!("no setup code mailed to {to}"));
        let at = m.body.find("QR code: ").unwrap() + 9;
        m.body[at..at + 8].to_owned()
    }
}
