//! Crash safety: the server is killed with SIGKILL at a random moment during
//! a storm of link confirmations and filings, restarted, and the database is
//! checked — every link and entry a client saw succeed is there, nothing is
//! half-done (no entry without its notice, no link without its audit event),
//! and the uniqueness rules hold. On SQLite and on PostgreSQL, round after round.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openecf_app::filing::{self, NewCivilCase, Upload};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::testkit::TestDb;
use openecf_store::{GoLive, NewCourt, NewEcfAccount, NewPacerAccount, Store};

const PACER_PW: &str = "Walnut-Harbor-Lantern-42";
const ECF_PW: &str = "Cmecf-Legacy-Pass-7";
const ROUNDS: usize = 3;
const LINKERS: usize = 6;
const FILERS: usize = 3;

fn hidden(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &body[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// A browser: cookies kept, each step a GET of the form then its POST.
struct Browser {
    c: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(base: &str) -> Self {
        Self {
            c: reqwest::Client::builder()
                .cookie_store(true)
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            base: base.to_owned(),
        }
    }

    async fn get(&self, path: &str) -> Option<String> {
        self.c
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Option<String> {
        self.c
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()
    }

    async fn login(&self, user: &str) -> Option<()> {
        let form = self.get("/csologin/login").await?;
        let csrf = hidden(&form, "csrf")?;
        let page = self
            .post(
                "/csologin/login",
                &[
                    ("csrf", &csrf),
                    ("next", "/"),
                    ("loginId", user),
                    ("password", PACER_PW),
                ],
            )
            .await?;
        page.contains(&format!("({user})")).then_some(())
    }

    /// Links the account's CM/ECF login: true only if the success page came back.
    async fn link(&self, login: &str) -> Option<bool> {
        let form = self.get("/ecf/nysd/link").await?;
        let csrf = hidden(&form, "csrf")?;
        let verify = self
            .post(
                "/ecf/nysd/link",
                &[("csrf", &csrf), ("login", login), ("password", ECF_PW)],
            )
            .await?;
        let pending = hidden(&verify, "pending")?;
        let done = self
            .post(
                "/ecf/nysd/link/confirm",
                &[("csrf", &csrf), ("pending", &pending), ("action", "submit")],
            )
            .await?;
        Some(done.contains("You have successfully linked your account."))
    }

    /// Files a memorandum into the case: the entry number on the receipt, if it came back.
    async fn file(&self, case: &str, party: &str, n: usize) -> Option<i64> {
        let notice = self.get("/ecf/nysd/civil/file").await?;
        let csrf = hidden(&notice, "csrf")?;
        if notice.contains("name=\"understand\"") {
            self.post(
                "/ecf/nysd/redaction",
                &[("csrf", &csrf), ("understand", "yes"), ("next", "/ecf/nysd/civil/file")],
            )
            .await?;
        }
        let pdf = openecf_app::filing::pdf::sample::pdf(
            1,
            &format!("memo {n}"),
            openecf_app::filing::pdf::sample::Extra::Nothing,
        );
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("case_number", case.to_owned())
            .text("event", "Memorandum of Law")
            .text("party", party.to_owned())
            .text("docket_text", format!("crash test {n}"))
            .part(
                "main",
                reqwest::multipart::Part::bytes(pdf)
                    .file_name("memo.pdf")
                    .mime_str("application/pdf")
                    .ok()?,
            );
        let review = self
            .c
            .post(format!("{}/ecf/nysd/civil/file", self.base))
            .multipart(form)
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let token = hidden(&review, "token")?;
        let receipt = self
            .post(
                "/ecf/nysd/civil/file/submit",
                &[("csrf", &csrf), ("token", &token), ("action", "submit")],
            )
            .await?;
        // "<strong>Document Number:</strong></td><td><a href=\"…\">7</a>"
        let at = receipt.find("Document Number:")?;
        let link = &receipt[at..];
        let text = &link[link.find("\">")? + 2..];
        text[..text.find('<')?].trim().parse().ok()
    }
}

async fn seed(store: &Store) -> Vec<(String, String)> {
    let app = App::new(
        store.clone(),
        Hasher::with_threads(2).unwrap(),
        Clock::system(),
        Settings::default(),
    );
    let now = app.clock.now();
    let nysd = CourtId::parse("nysd").unwrap();
    store
        .add_courts(&[NewCourt {
            id: nysd.clone(),
            name: "S.D. New York".into(),
            kind: CourtKind::District,
            release: Release::V1_0,
            location: String::new(),
            doc_id_prefix: "127".into(),
        }])
        .await
        .unwrap();
    openecf_app::courts::schedule_go_live(&app, &nysd, GoLive::Now)
        .await
        .unwrap();
    store.add_judge(&nysd, "Ann B. Clerk", "ABC").await.unwrap();
    let pacer_hash = app.hasher.hash(&Password::attempt(PACER_PW).unwrap()).await.unwrap();
    let ecf_hash = app.hasher.hash(&Password::attempt(ECF_PW).unwrap()).await.unwrap();
    let pacer = |user: String| NewPacerAccount {
        username: Username::parse_new(&user).unwrap(),
        password_hash: pacer_hash.clone(),
        name: PersonName::parse("Casey Crash").unwrap(),
        email: Email::parse(&format!("{user}@example.com")).unwrap(),
        kind: AccountKind::Individual,
        created_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    };
    let ecf = |login: String| NewEcfAccount {
        court: nysd.clone(),
        login: EcfLogin::parse(&login).unwrap(),
        password_hash: ecf_hash.clone(),
        name: PersonName::parse("Casey Crash").unwrap(),
        email: Email::parse(&format!("{login}@example.com")).unwrap(),
        role: Role::parse("attorney").unwrap(),
        bar_id: None,
    };
    for r in 0..ROUNDS {
        for i in 0..LINKERS {
            store
                .add_pacer_account(&pacer(format!("crashlink{r}x{i}")), now)
                .await
                .unwrap();
            store.add_ecf_account(&ecf(format!("clink{r}x{i}")), now).await.unwrap();
        }
    }
    // Filers, linked, each with a case of their own.
    let court = store.court(&nysd).await.unwrap().unwrap();
    let mut cases = Vec::new();
    for i in 0..FILERS {
        let user = format!("crashfiler{i}");
        let pid = store.add_pacer_account(&pacer(user.clone()), now).await.unwrap();
        let eid = store.add_ecf_account(&ecf(format!("cfiler{i}")), now).await.unwrap();
        let mut tx = store.write().await.unwrap();
        tx.insert_link(&nysd, eid, pid, now).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let account = store.pacer_by_id(pid).await.unwrap().unwrap();
        let party = format!("Plaintiff Number{i}");
        let new = NewCivilCase {
            plaintiffs: vec![party.clone()],
            defendants: vec!["Crash Defendant Inc.".into()],
            nature_of_suit: "190 Contract: Other".into(),
            cause: "28:1332 Diversity".into(),
            jurisdiction: "Diversity".into(),
            jury_demand: "None".into(),
            complaint: Upload {
                filename: "complaint.pdf".into(),
                bytes: openecf_app::filing::pdf::sample::pdf(
                    1,
                    "Complaint",
                    openecf_app::filing::pdf::sample::Extra::Nothing,
                ),
            },
            attachments: vec![],
        };
        let receipt = filing::open_civil_case(&app, &court, &account, &new)
            .await
            .unwrap()
            .unwrap();
        cases.push((receipt.case.number.to_string(), party));
    }
    cases
}

/// What clients saw succeed.
#[derive(Default)]
struct Seen {
    links: Vec<String>,
    entries: Vec<(String, i64)>,
}

async fn storm(base: String, round: usize, cases: Vec<(String, String)>, seen: Arc<Mutex<Seen>>) {
    let mut tasks = Vec::new();
    for i in 0..LINKERS {
        let (base, seen) = (base.clone(), seen.clone());
        tasks.push(tokio::spawn(async move {
            let b = Browser::new(&base);
            if b.login(&format!("crashlink{round}x{i}")).await.is_none() {
                return;
            }
            let login = format!("clink{round}x{i}");
            if b.link(&login).await == Some(true) {
                seen.lock().unwrap().links.push(login);
            }
        }));
    }
    for (i, (case, party)) in cases.iter().enumerate() {
        let (base, seen, case, party) = (base.clone(), seen.clone(), case.clone(), party.clone());
        tasks.push(tokio::spawn(async move {
            let b = Browser::new(&base);
            if b.login(&format!("crashfiler{i}")).await.is_none() {
                eprintln!("crash test: crashfiler{i} could not log in in round {round}");
                return;
            }
            for n in 0..20 {
                match b.file(&case, &party, round * 100 + n).await {
                    Some(number) => seen.lock().unwrap().entries.push((case.clone(), number)),
                    None => return,
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn check(store: &Store, seen: &Seen) {
    let nysd = CourtId::parse("nysd").unwrap();
    let links = store.links(&nysd).await.unwrap();
    let audit = store.audit_events(Some("nysd")).await.unwrap();
    for login in &seen.links {
        assert!(
            links.iter().any(|l| l.ecf_login == *login),
            "the client saw {login} linked, but no link is stored"
        );
    }
    for l in &links {
        if l.ecf_login.starts_with("cfiler") {
            continue; // linked by the seed, not through the link form
        }
        assert!(
            audit.iter().any(|e| e.action == "link"
                && e.outcome == "linked"
                && e.ecf_login.as_deref() == Some(l.ecf_login.as_str())),
            "link {} has no audit event",
            l.ecf_login
        );
    }
    // One link per CM/ECF account, one per PACER account at the court.
    let mut logins: Vec<_> = links.iter().map(|l| l.ecf_login.clone()).collect();
    let mut users: Vec<_> = links.iter().map(|l| l.pacer_username.clone()).collect();
    let n = links.len();
    logins.sort();
    logins.dedup();
    users.sort();
    users.dedup();
    assert_eq!((logins.len(), users.len()), (n, n));
    // Entries: every one the client saw, numbered 1..n without gaps, each with its notice.
    let outbox = store.outbox().await.unwrap();
    let court = store.court(&nysd).await.unwrap().unwrap();
    let mut case_numbers: Vec<_> = seen.entries.iter().map(|(c, _)| c.clone()).collect();
    case_numbers.sort();
    case_numbers.dedup();
    for typed in case_numbers {
        let case = filing::find_case(
            &App::new(
                store.clone(),
                Hasher::with_threads(1).unwrap(),
                Clock::system(),
                Settings::default(),
            ),
            &court,
            &typed,
        )
        .await
        .unwrap()
        .unwrap();
        let docket = store.docket(case.id).await.unwrap();
        let numbers: Vec<i64> = docket.iter().map(|e| e.number).collect();
        let expected: Vec<i64> = (1..=i64::try_from(docket.len()).unwrap()).collect();
        assert_eq!(numbers, expected, "entries of {typed} have a gap");
        for (c, n) in seen.entries.iter().filter(|(c, _)| *c == typed) {
            assert!(
                numbers.contains(n),
                "the client saw entry {n} of {c}, but it is not on the docket"
            );
        }
        // Each entry notices its one attorney of record, in the entry's own
        // transaction: as many notices as entries (bodies are blanked once sent).
        let notices = outbox
            .iter()
            .filter(|m| m.subject.starts_with(&format!("Activity in Case {} ", case.number)))
            .count();
        assert_eq!(notices, docket.len(), "the entries and the notices of {typed} differ");
    }
}

async fn crash_rounds(db: TestDb) {
    let cases = seed(&db.store).await;
    let dir = openecf_store::testkit::TempDir::new().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut rng_state = u64::from(std::process::id()) ^ 0x9e37_79b9_7f4a_7c15;
    for round in 0..ROUNDS {
        let (server, base) = crate::serve(&db.url, dir.path(), &["--login-per-minute", "10000"]);
        let storm_task = tokio::spawn(storm(base.clone(), round, cases.clone(), seen.clone()));
        // A random moment, 300 to 1,500 ms into the storm.
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        let after = 300 + rng_state % 1_200;
        tokio::time::sleep(Duration::from_millis(after)).await;
        let pid = server.0.id().to_string();
        assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
        drop(server);
        let _ = storm_task.await;
        // Restarted, it serves; what was seen is there and whole.
        let (restarted, base) = crate::serve(&db.url, dir.path(), &["--login-per-minute", "10000"]);
        assert!(Browser::new(&base)
            .get("/readyz")
            .await
            .is_some_and(|b| b.contains("ready")));
        drop(restarted);
        let snapshot = {
            let now = seen.lock().unwrap();
            Seen {
                links: now.links.clone(),
                entries: now.entries.clone(),
            }
        };
        check(&db.store, &snapshot).await;
    }
    let (links, entries) = {
        let seen = seen.lock().unwrap();
        (seen.links.len(), seen.entries.len())
    };
    eprintln!("crash test: {links} links and {entries} entries seen through {ROUNDS} SIGKILLs, all kept");
    assert!(links + entries > 0, "the storm did nothing: the test proved nothing");
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_seen_is_lost_and_nothing_is_half_done_after_sigkill_on_sqlite() {
    crash_rounds(TestDb::sqlite().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_seen_is_lost_and_nothing_is_half_done_after_sigkill_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    crash_rounds(db).await;
}
