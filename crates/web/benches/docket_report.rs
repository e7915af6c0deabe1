//! What the public docket report of a big case costs: a civil case with
//! 5,000 entries (each with its document) on SQLite, its report fetched over
//! HTTP from the real server (`DktRpt.pl?{id}`: the queries, the template,
//! the response) 200 times after a warm-up; p50, p99 and the slowest printed.
//! Run: `cargo bench -p openecf-web --bench docket_report` (SQLite, in a temporary folder).

use std::time::{Duration, Instant};

use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::testkit::{TempDir, TestDb};
use openecf_store::*;
use openecf_web::{AppState, Config};

const ENTRIES: i64 = 5_000;
const RUNS: usize = 200;
const PASSWORD: &str = "Walnut-Harbor-Lantern-42";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db = TestDb::sqlite().await?;
    let docs = TempDir::new()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = App::new(
        db.store.clone(),
        Hasher::with_threads(1)?,
        Clock::system(),
        Settings {
            public_url: base.clone(),
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
            name: "District Court, S.D. New York".into(),
            location: "New York".into(),
            doc_id_prefix: "127".into(),
            release: Release::V1_1,
        }])
        .await?;
    openecf_app::courts::schedule_go_live(&app, &court_id, GoLive::Now).await?;
    store.add_judge(&court_id, "Dana E. Foster", "DEF").await?;
    let now = app.clock.now();
    let hash = app
        .hasher
        .hash(&Password::attempt(PASSWORD).ok_or_else(|| anyhow::anyhow!("password"))?)
        .await?;
    let reader = store
        .add_pacer_account(
            &NewPacerAccount {
                username: Username::parse_new("benchreader")?,
                password_hash: hash,
                name: PersonName::parse("Bench Reader")?,
                email: Email::parse("reader@example.com")?,
                kind: AccountKind::Individual,
                created_on: now.date_naive(),
            },
            now,
        )
        .await?;

    // The case and its 5,000 entries, written straight to the store (filing
    // them one by one through the PDF check is the filing bench's subject).
    let started = Instant::now();
    let mut tx = store.write().await?;
    let seq = tx.next_case_seq(&court_id, 1, 26, CaseType::Civil).await?;
    let case_id = tx
        .insert_case(
            &NewCase {
                court: court_id.clone(),
                office: 1,
                year: 26,
                case_type: CaseType::Civil,
                judge_initials: Some("DEF".into()),
                title: "Acme Widgets, Inc. v. Beta Supply Co.".into(),
                nature_of_suit: "190 Contract: Other".into(),
                cause: "28:1332 Diversity-Breach of Contract".into(),
                jurisdiction: "Diversity".into(),
                jury_demand: "Plaintiff".into(),
                chapter: None,
                lead_case_id: None,
            },
            seq,
            now,
        )
        .await?;
    let plaintiff = tx
        .insert_party(case_id, "Acme Widgets, Inc.", PartyRole::Plaintiff)
        .await?;
    tx.insert_party(case_id, "Beta Supply Co.", PartyRole::Defendant)
        .await?;
    tx.insert_attorney(case_id, plaintiff, reader, true).await?;
    for number in 1..=ENTRIES {
        let text = format!("MEMORANDUM OF LAW in Support of the Motion, number {number}, filed by Acme Widgets, Inc.");
        let entry = tx
            .insert_entry(
                &NewEntry {
                    case_id,
                    number,
                    event: "Memorandum of Law",
                    docket_text: &text,
                    refers_to: None,
                    filed_by: reader,
                    entered_by: None,
                },
                now,
            )
            .await?;
        tx.insert_document(
            entry,
            &NewDocument {
                attachment: 0,
                description: "Main Document".into(),
                original_filename: format!("memo-{number}.pdf"),
                sha256: format!("{number:064}"),
                size_bytes: 1000,
                pages: 3,
                stamp: String::new(),
                media_type: "application/pdf".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    println!(
        "a case of {ENTRIES} entries written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let state = AppState::new(
        app.clone(),
        Config {
            public_url: base.clone(),
            ..Config::default()
        },
    );
    tokio::spawn(openecf_web::serve(listener, state));
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{base}/services/cso-auth"))
        .header("content-type", "application/json")
        .body(serde_json::json!({"loginId": "benchreader", "password": PASSWORD}).to_string())
        .send()
        .await?
        .text()
        .await?;
    let token = serde_json::from_str::<serde_json::Value>(&login)?["nextGenCSO"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no session: {login}"))?
        .to_owned();
    // The store's share: the entries and their documents.
    let mut reads = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let entries = store.docket_report(case_id, &DocketFilter::default()).await?;
        anyhow::ensure!(entries.len() as i64 == ENTRIES, "{} entries", entries.len());
        reads.push(started.elapsed());
    }
    reads.sort();
    println!(
        "reading its entries and documents from the store alone: p50 {:.1} ms, p99 {:.1} ms",
        reads[RUNS / 2].as_secs_f64() * 1e3,
        reads[RUNS * 99 / 100].as_secs_f64() * 1e3
    );
    let url = format!("{base}/ecf/nysd/cgi-bin/DktRpt.pl?{case_id}");
    let fetch = || async {
        let res = client.get(&url).header("X-NEXT-GEN-CSO", &token).send().await?;
        anyhow::ensure!(res.status() == 200, "status {}", res.status());
        Ok::<_, anyhow::Error>(res.bytes().await?.len())
    };
    let mut size = 0;
    for _ in 0..20 {
        size = fetch().await?;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        fetch().await?;
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "the docket report of a {ENTRIES}-entry case ({} KB of HTML), {RUNS} runs: p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
        size / 1024,
        ms(at(0.50)),
        ms(at(0.99)),
        ms(times[times.len() - 1])
    );
    db.finish().await;
    Ok(())
}
