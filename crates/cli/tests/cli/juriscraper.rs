//! The compatibility proof: juriscraper, the public library that reads
//! CM/ECF for CourtListener, reads `openecf serve --demo` back to what was
//! filed. This test starts the server, files more into it (a second
//! attorney, an exhibit, a response that refers to a motion, a criminal
//! case), writes what its database holds (every
//! case of the demo: number, title, judge, dates, parties and attorneys,
//! every entry and its documents) as JSON, and runs
//! `tests/juriscraper_check.py`, which queries the server with juriscraper's
//! own `DocketReport`, `CaseQuery`, `PossibleCaseNumberApi` and
//! `PacerRssFeed`, and reads the notices in the mail folder with
//! `NotificationEmail` (its MIME-reading `S3NotificationEmail`). Any field
//! that juriscraper reads differently from what was filed fails the test.
//!
//! Needs Python with juriscraper at the pinned version, in a venv at
//! `target/juriscraper-venv` (`.ci/run` makes it:
//! `python3 -m venv target/juriscraper-venv && target/juriscraper-venv/bin/pip
//! install juriscraper==4.0.1`) or named by `OPENECF_JURISCRAPER_PYTHON`. When
//! it is missing the test is skipped with the reason, unless
//! `OPENECF_REQUIRE_SERVICES=1` (CI), where that is a failure.

use std::path::PathBuf;
use std::process::Command;

use openecf_app::filing::pdf::sample::{pdf, Extra};
use openecf_app::filing::{self, NewCriminalCase, NewFiling, Prompts, Upload};
use openecf_app::link::Linker;
use openecf_app::record::DetailChanges;
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::{civil_event, criminal_event, doc1_number, CaseType, CourtId, CourtZone, EcfLogin, Username};
use openecf_store::testkit::services_required;
use openecf_store::Store;
use serde_json::{json, Value};

use crate::browser::serve_demo_printing;
use crate::Scratch;

/// The juriscraper release the check is pinned to (as `.ci/run` installs it).
const JURISCRAPER: &str = "4.0.1";

/// The Python that has juriscraper at the pinned version, or `None` (with
/// the reason said) when there is none and it is not required.
fn python() -> Option<PathBuf> {
    let path = std::env::var_os("OPENECF_JURISCRAPER_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/juriscraper-venv/bin/python"),
        PathBuf::from,
    );
    let version = Command::new(&path)
        .args(["-c", "import importlib.metadata as m; print(m.version('juriscraper'))"])
        .output();
    let reason = match version {
        Ok(out) if out.status.success() => {
            let found = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if found == JURISCRAPER {
                return Some(path);
            }
            format!(
                "{} has juriscraper {found}, not the pinned {JURISCRAPER}",
                path.display()
            )
        }
        Ok(out) => format!(
            "{} has no juriscraper: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("{} cannot be run ({e})", path.display()),
    };
    let reason = format!(
        "{reason}; make it with `python3 -m venv target/juriscraper-venv && \
         target/juriscraper-venv/bin/pip install juriscraper=={JURISCRAPER}`, or set OPENECF_JURISCRAPER_PYTHON"
    );
    assert!(
        !services_required(),
        "the juriscraper check is required in CI: {reason}"
    );
    openecf_store::testkit::say_skipped(&format!("skipping the juriscraper check: {reason}"));
    None
}

/// The court's day of an instant (its dockets and notices print dates in its time zone).
fn day(zone: &CourtZone, t: chrono::DateTime<chrono::Utc>) -> String {
    zone.today(t).format("%Y-%m-%d").to_string()
}

/// Every case of the demo courts, as its database holds it.
async fn filed(store: &Store) -> Vec<Value> {
    let mut cases = Vec::new();
    for court in ["nysd", "gamb"] {
        let court = CourtId::parse(court).unwrap();
        let judges = store.judges(&court).await.unwrap();
        let prefix = store.doc_id_prefix(&court).await.unwrap();
        let zone = store.court_time_zone(&court).await.unwrap();
        // Case ids are small in the demo; every court's are looked for.
        for id in 1..=50 {
            let Some(case) = store.case(&court, id).await.unwrap() else {
                continue;
            };
            let attorneys = store.attorneys(case.id).await.unwrap();
            let parties: Vec<Value> = store
                .parties(case.id)
                .await
                .unwrap()
                .into_iter()
                .map(|p| {
                    let counsel: Vec<Value> = attorneys
                        .iter()
                        .filter(|a| a.party_id == p.id)
                        .map(|a| {
                            let mut roles = Vec::new();
                            if a.lead != 0 {
                                roles.push("LEAD ATTORNEY");
                            }
                            if a.to_be_noticed != 0 {
                                roles.push("ATTORNEY TO BE NOTICED");
                            }
                            json!({"name": a.name, "email": a.email, "roles": roles})
                        })
                        .collect();
                    json!({
                        "name": p.name,
                        "type": p.role.as_str(),
                        "extra": p.ssn_last4.map(|l| format!("SSN / ITIN: xxx-xx-{l}")).unwrap_or_default(),
                        "attorneys": counsel,
                    })
                })
                .collect();
            let docket = store.docket(case.id).await.unwrap();
            let mut opinions = Vec::new();
            for e in &docket {
                opinions.push(store.entry_is_opinion(e.id).await.unwrap());
            }
            let entries: Vec<Value> = docket
                .into_iter()
                .zip(opinions)
                .map(|(e, opinion)| {
                    // CM/ECF lists an entry's attachments after its text.
                    let mut description = e.docket_text.clone();
                    let attachments: Vec<String> = e
                        .documents
                        .iter()
                        .skip(1)
                        .map(|d| format!("# {} {}", d.attachment, d.description))
                        .collect();
                    if !attachments.is_empty() {
                        description.push_str(&format!(" (Attachments: {})", attachments.join(", ")));
                    }
                    json!({
                        "number": e.number,
                        "date_filed": day(&zone, e.filed_at),
                        "filed_at": e.filed_at.timestamp(),
                        "event": e.event,
                        "docket_text": e.docket_text,
                        "description": description,
                        "doc1": e.documents.first().map(|d| doc1_number(&prefix, d.id)),
                        "opinion": opinion,
                    })
                })
                .collect();
            let lead_title = match case.lead_case_id {
                Some(lead) => store.case(&court, lead).await.unwrap().map(|l| l.title),
                None => None,
            };
            let judge = case
                .number
                .judge
                .as_ref()
                .and_then(|i| judges.iter().find(|(_, ji)| ji == i).map(|(name, _)| name.clone()));
            let claims: Vec<Value> = store
                .claims(
                    case.id,
                    chrono::DateTime::<chrono::Utc>::MIN_UTC,
                    chrono::DateTime::<chrono::Utc>::MAX_UTC,
                )
                .await
                .unwrap()
                .into_iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "number": c.claim_number,
                        "creditor_name": c.creditor_name,
                        "creditor_address": c.creditor_address,
                        "amount": openecf_domain::fees::money(c.amount_cents),
                        "date_filed": day(&zone, c.filed_at),
                        "filed_by": c.filed_by,
                    })
                })
                .collect();
            cases.push(json!({
                "claims": claims,
                "court": court.as_str(),
                "id": case.id,
                "number": case.number.to_string(),
                "judge_initials": case.number.judge,
                "judge": judge,
                "title": case.title,
                "lead_title": lead_title,
                "date_filed": day(&zone, case.date_filed),
                "last_filing": store.last_filing(case.id).await.unwrap().map(|t| day(&zone, t)),
                "referred_to": case.details.referred_to,
                "date_terminated": case.details.date_terminated.map(|d| d.to_string()),
                "date_converted": case.details.date_converted.map(|d| d.to_string()),
                "date_discharged": case.details.date_discharged.map(|d| d.to_string()),
                "cause": case.cause,
                "nature_of_suit": case.nature_of_suit,
                "jurisdiction": case.jurisdiction,
                "jury_demand": case.jury_demand,
                "chapter": case.chapter,
                "parties": parties,
                "entries": entries,
            }));
        }
    }
    cases
}

/// Waits until the demo's notices are in the mail folder (the mailer sends
/// them after the server is up): some, and no more coming for three seconds.
async fn wait_for_notices(dir: &std::path::Path) {
    let count = || {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|f| {
                        std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains("Notice of Electronic Filing"))
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (mut last, mut steady) = (0, 0);
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = count();
        steady = if now > 0 && now == last { steady + 1 } else { 0 };
        if steady == 3 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the notices in {} kept coming for 30 s",
            dir.display()
        );
        last = now;
    }
}

fn upload(name: &str, pages: u32) -> Upload {
    Upload {
        filename: name.to_owned(),
        bytes: pdf(pages, name, Extra::Nothing),
    }
}

/// More of what a court's docket holds than the demo has, filed through the
/// same use cases into the running server's database (its documents folder,
/// its mail queue): at nysd, jfiler2026 links and answers for the defendant
/// (a second attorney), moves to dismiss with an exhibit; the plaintiff's
/// attorney responds to that motion ("re 3"); jfiler2026, as court staff,
/// opens a criminal case and appears in it for the defendant.
async fn file_more(store: &Store, data: &Scratch, base: &str) {
    let app = App::new(
        store.clone(),
        Hasher::with_threads(1).unwrap(),
        Clock::system(),
        Settings {
            public_url: base.to_owned(),
            documents: openecf_app::filing::docstore::DocumentStore::Local(data.dir.path().join("documents")),
            ..Settings::default()
        },
    );
    let nysd = CourtId::parse("nysd").unwrap();
    let court = store.court(&nysd).await.unwrap().unwrap();
    let account = |name: &str| {
        let name = Username::parse_existing(name).unwrap();
        async move { store.pacer_by_username(&name).await.unwrap().unwrap().0 }
    };
    let jfiler = account("jfiler2026").await;
    let token = account("tokenfiler2026").await;
    let (ecf, _) = store
        .ecf_by_login(&nysd, &EcfLogin::parse("jfiler").unwrap())
        .await
        .unwrap()
        .unwrap();
    let who = Linker {
        account: &jfiler,
        session_hash: "",
        ip: "test",
    };
    openecf_app::link::link_verified(&app, &court, who, &ecf)
        .await
        .unwrap()
        .unwrap();
    let civil = store.case(&nysd, 1).await.unwrap().unwrap().number.to_string();
    let file = |who: &openecf_domain::PacerAccount, f: NewFiling| {
        let (app, court, who) = (app.clone(), court.clone(), who.clone());
        async move {
            filing::file_document(&app, &court, &who, &f)
                .await
                .unwrap()
                .unwrap_or_else(|r| panic!("{r}"))
                .entry_number
        }
    };
    let answer = NewFiling {
        case_number: civil.clone(),
        event: civil_event("Answer to Complaint").unwrap(),
        party: "Beta Supply Co.".into(),
        docket_text: String::new(),
        prompts: Prompts::default(),
        main: upload("answer.pdf", 2),
        attachments: vec![],
    };
    file(&jfiler, answer.clone()).await;
    let motion = file(
        &jfiler,
        NewFiling {
            event: civil_event("Motion to Dismiss").unwrap(),
            docket_text: "for Failure to State a Claim".into(),
            main: upload("motion.pdf", 3),
            attachments: vec![("Exhibit A".into(), upload("exhibit-a.pdf", 1))],
            ..answer.clone()
        },
    )
    .await;
    file(
        &token,
        NewFiling {
            event: civil_event("Response in Opposition to Motion").unwrap(),
            party: "Acme Widgets, Inc.".into(),
            prompts: Prompts {
                refers_to: Some(motion),
                ..Prompts::default()
            },
            main: upload("response.pdf", 4),
            ..answer
        },
    )
    .await;
    // A criminal case, opened by the clerk's office.
    let mut tx = store.write().await.unwrap();
    tx.add_staff(&nysd, jfiler.id, app.clock.now()).await.unwrap();
    tx.commit().await.unwrap();
    let criminal = filing::open_criminal_case(
        &app,
        &court,
        &jfiler,
        &NewCriminalCase {
            case_type: CaseType::Criminal,
            defendants: vec!["John Smith".into()],
            cause: "18:1343 Wire Fraud".into(),
            indictment: upload("indictment.pdf", 6),
            attachments: vec![],
        },
    )
    .await
    .unwrap()
    .unwrap_or_else(|r| panic!("{r}"));
    // A written opinion: the court marks an event of its catalogue as one,
    // and it is filed into the civil case.
    let opinion = openecf_domain::Event {
        category: "Orders and Judgments".into(),
        name: "Memorandum Opinion".into(),
        docket_text: "MEMORANDUM OPINION".into(),
        appearance: false,
    };
    openecf_app::filing::catalogue::add_event(&app, &nysd, openecf_domain::EventMenu::Civil, &opinion, "clerk")
        .await
        .unwrap()
        .unwrap();
    openecf_app::filing::catalogue::set_opinion(&app, &nysd, "Memorandum Opinion", true, "clerk")
        .await
        .unwrap()
        .unwrap();
    file(
        &jfiler,
        NewFiling {
            case_number: civil.clone(),
            event: opinion,
            party: "Beta Supply Co.".into(),
            docket_text: "and Order".into(),
            prompts: Prompts::default(),
            main: upload("opinion.pdf", 5),
            attachments: vec![],
        },
    )
    .await;
    // What court staff record: the civil case referred to a magistrate judge
    // and terminated; the chapter 7 case converted, its debtor discharged,
    // closed (each today, at the court).
    let today = store.court_time_zone(&nysd).await.unwrap().today(app.clock.now());
    let details = |court: &str, number: String, changes: DetailChanges| {
        let (app, court) = (app.clone(), CourtId::parse(court).unwrap());
        async move {
            openecf_app::record::set_details(&app, &court, &number, &changes, "order", "clerk")
                .await
                .unwrap()
                .unwrap_or_else(|r| panic!("{r}"));
        }
    };
    details(
        "nysd",
        civil.clone(),
        DetailChanges {
            referred_to: Some("Sarah Netburn".into()),
            date_terminated: Some(Some(today)),
            ..DetailChanges::default()
        },
    )
    .await;
    let year = app.clock.now().format("%y").to_string();
    details(
        "gamb",
        format!("1:{year}-bk-00001"),
        DetailChanges {
            date_converted: Some(Some(today)),
            date_discharged: Some(Some(today)),
            date_terminated: Some(Some(today)),
            ..DetailChanges::default()
        },
    )
    .await;
    // Two proofs of claim in the chapter 7 case, by the filer linked at gamb.
    let gamb = store.court(&CourtId::parse("gamb").unwrap()).await.unwrap().unwrap();
    let creditor = account("mlinked2026").await;
    for (name, amount) in [("Acme Bank", "1234.56"), ("Beta Finance, LLC", "$50")] {
        openecf_app::filing::claims::file_claim(
            &app,
            &gamb,
            &creditor,
            &openecf_app::filing::claims::NewProofOfClaim {
                case_number: format!("1:{year}-bk-00001"),
                creditor_name: name.into(),
                creditor_address: "PO Box 100\nMacon, GA 31201".into(),
                amount: amount.into(),
                claim: upload("claim.pdf", 3),
            },
        )
        .await
        .unwrap()
        .unwrap_or_else(|r| panic!("{r}"));
    }
    file(
        &jfiler,
        NewFiling {
            case_number: criminal.case.number.to_string(),
            event: criminal_event("Notice of Attorney Appearance").unwrap(),
            party: "John Smith".into(),
            docket_text: String::new(),
            prompts: Prompts::default(),
            main: upload("appearance.pdf", 1),
            attachments: vec![],
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn juriscraper_reads_the_demo_courts_back_as_filed() {
    let Some(python) = python() else { return };
    let data = Scratch::new();
    let (_server, base, _) = serve_demo_printing(&data);
    let mail = data.dir.path().join("mail");
    let store = Store::connect(&data.url()).await.unwrap();
    file_more(&store, &data, &base).await;
    wait_for_notices(&mail).await;
    let cases = filed(&store).await;
    let kinds: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["number"].as_str()?.split('-').nth(1))
        .collect();
    for kind in ["cv", "cr", "bk", "ap"] {
        assert!(kinds.contains(&kind), "the demo has no {kind} case to check: {kinds:?}");
    }
    // Document numbers carry the court's CM/ECF prefix (nysd's is 127), as RECAP keys them.
    let nysd_doc = cases
        .iter()
        .find(|c| c["court"] == "nysd")
        .and_then(|c| c["entries"][0]["doc1"].as_str())
        .unwrap_or_default();
    assert!(nysd_doc.starts_with("1271") && nysd_doc.len() == 12, "{nysd_doc}");
    let expected = json!({
        "base": base,
        "username": "jfiler2026",
        "password": "Walnut-Harbor-Lantern-42",
        "mail_dir": mail,
        "cases": cases,
    });
    let path = data.dir.path().join("expected.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&expected).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/juriscraper_check.py");
    let out = Command::new(&python).arg(&script).arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "juriscraper does not read openecf back as filed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("back as filed"), "{stdout}");
    println!("{}", stdout.trim());
}
