//! What a filing costs: a 10 MB PDF filed into a case (the PDF check, the
//! SHA-256, the synced write, the transaction with its notice), and 50
//! filings into one case at once (nothing lost, numbers consecutive).
//! Run: `cargo bench -p openecf-app --bench filing` (SQLite, in a temporary folder).

use std::time::{Duration, Instant};

use openecf_app::filing::pdf::sample::{pdf, pdf_of_size, Extra};
use openecf_app::filing::{self, NewCivilCase, NewFiling, Upload};
use openecf_app::link::Linker;
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::testkit::{TempDir, TestDb};
use openecf_store::*;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db = TestDb::sqlite().await?;
    let docs = TempDir::new()?;
    let app = App::new(
        db.store.clone(),
        Hasher::with_threads(1)?,
        Clock::system(),
        Settings {
            documents: openecf_app::filing::docstore::DocumentStore::Local(docs.path().to_path_buf()),
            ..Settings::default()
        },
    );
    let store = &app.store;
    let court_id = CourtId::parse("nysd")?;
    store
        .add_courts(&[NewCourt {
            id: court_id.clone(),
            kind: CourtKind::District,
            name: "Southern District of New York".into(),
            location: String::new(),
            doc_id_prefix: String::new(),
            release: Release::V1_1,
        }])
        .await?;
    openecf_app::courts::schedule_go_live(&app, &court_id, GoLive::Now).await?;
    let court = store.court(&court_id).await?.ok_or_else(|| anyhow::anyhow!("court"))?;
    let now = app.clock.now();
    let pacer_id = store
        .add_pacer_account(
            &NewPacerAccount {
                username: Username::parse_new("benchfiler")?,
                password_hash: "x".into(),
                name: PersonName::parse("Bench Filer")?,
                email: Email::parse("bench@example.com")?,
                kind: AccountKind::Individual,
                created_on: now.date_naive(),
            },
            now,
        )
        .await?;
    let filer = store
        .pacer_by_id(pacer_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("filer"))?;
    let ecf_id = store
        .add_ecf_account(
            &NewEcfAccount {
                court: court_id.clone(),
                login: EcfLogin::parse("bench")?,
                password_hash: "x".into(),
                name: PersonName::parse("Bench Filer")?,
                email: Email::parse("bench@example.com")?,
                role: Role::parse("attorney")?,
                bar_id: None,
            },
            now,
        )
        .await?;
    let ecf = store.ecf_by_id(ecf_id).await?.ok_or_else(|| anyhow::anyhow!("ecf"))?;
    let who = Linker {
        account: &filer,
        session_hash: "",
        ip: "bench",
    };
    openecf_app::link::link_verified(&app, &court, who, &ecf)
        .await?
        .map_err(|r| anyhow::anyhow!("{r}"))?;
    let upload = |name: &str, bytes: Vec<u8>| Upload {
        filename: name.to_owned(),
        bytes,
    };
    let case = filing::open_civil_case(
        &app,
        &court,
        &filer,
        &NewCivilCase {
            plaintiffs: vec!["Bench Plaintiff".into()],
            defendants: vec!["Bench Defendant".into()],
            nature_of_suit: "190 Contract: Other".into(),
            cause: "Breach".into(),
            jurisdiction: "Diversity".into(),
            jury_demand: "None".into(),
            complaint: upload("complaint.pdf", pdf(3, "Complaint", Extra::Nothing)),
            attachments: vec![],
        },
    )
    .await?
    .map_err(|r| anyhow::anyhow!("{r}"))?;
    let number = case.case.number.to_string();
    let filing_of = |bytes: Vec<u8>, n: usize| NewFiling {
        case_number: number.clone(),
        event: civil_event("Memorandum of Law").unwrap_or(COMPLAINT),
        party: "Bench Plaintiff".into(),
        docket_text: format!("number {n}"),
        prompts: Default::default(),
        main: upload("memo.pdf", bytes),
        attachments: vec![],
    };

    // A 10 MB PDF, ten times (each a different file: random padding).
    let mut times = Vec::new();
    for n in 0..10 {
        let big = pdf_of_size(10 * 1024 * 1024);
        let started = Instant::now();
        filing::file_document(&app, &court, &filer, &filing_of(big, n))
            .await?
            .map_err(|r| anyhow::anyhow!("{r}"))?;
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "a filing with a 10 MB PDF (check, SHA-256, synced write, transaction, notice): median {:.0} ms, slowest {:.0} ms of 10",
        ms(times[4]),
        ms(times[9])
    );

    // 50 filings into one case at once.
    let before = store.docket(case.case.id).await?.len();
    let started = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let (app, court, filer) = (app.clone(), court.clone(), filer.clone());
            let f = filing_of(pdf(1, &format!("Memo {n}"), Extra::Nothing), n);
            tokio::spawn(async move { filing::file_document(&app, &court, &filer, &f).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        if matches!(t.await?, Ok(Ok(_))) {
            ok += 1;
        }
    }
    let elapsed = started.elapsed();
    let docket = store.docket(case.case.id).await?;
    let numbers: Vec<i64> = docket.iter().map(|e| e.number).collect();
    let consecutive = numbers
        .iter()
        .enumerate()
        .all(|(i, n)| *n == i64::try_from(i).unwrap_or(-1) + 1);
    let mut stored = 0;
    for e in &docket[before..] {
        for d in &e.documents {
            if app.settings.documents.get(&d.sha256).await.is_ok() {
                stored += 1;
            }
        }
    }
    println!(
        "50 filings into one case at once: {ok} succeeded in {:.0} ms; docket {} entries, numbers consecutive: {consecutive}; {stored} of 50 documents stored",
        ms(elapsed),
        docket.len()
    );
    db.finish().await;
    Ok(())
}
