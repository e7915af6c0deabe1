//! The compatibility proof: juriscraper, the public library that reads
//! CM/ECF for CourtListener, reads `openecf serve --demo` back to what was
//! filed. This test starts the server, writes what its database holds (every
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

use openecf_domain::{doc1_number, CourtId};
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

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// Every case of the demo courts, as its database holds it.
async fn filed(store: &Store) -> Vec<Value> {
    let mut cases = Vec::new();
    for court in ["nysd", "gamb"] {
        let court = CourtId::parse(court).unwrap();
        let judges = store.judges(&court).await.unwrap();
        let prefix = store.doc_id_prefix(&court).await.unwrap();
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
            let entries: Vec<Value> = store
                .docket(case.id)
                .await
                .unwrap()
                .into_iter()
                .map(|e| {
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
                        "date_filed": day(e.filed_at),
                        "event": e.event,
                        "docket_text": e.docket_text,
                        "description": description,
                        "doc1": e.documents.first().map(|d| doc1_number(&prefix, d.id)),
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
            cases.push(json!({
                "court": court.as_str(),
                "id": case.id,
                "number": case.number.to_string(),
                "judge_initials": case.number.judge,
                "judge": judge,
                "title": case.title,
                "lead_title": lead_title,
                "date_filed": day(case.date_filed),
                "last_filing": store.last_filing(case.id).await.unwrap().map(day),
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
/// them after the server is up): some, and no more coming for a second.
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
    let mut last = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = count();
        if now > 0 && now == last {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notices in {} within 30 s",
            dir.display()
        );
        last = now;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn juriscraper_reads_the_demo_courts_back_as_filed() {
    let Some(python) = python() else { return };
    let data = Scratch::new();
    let (_server, base, _) = serve_demo_printing(&data);
    let mail = data.dir.path().join("mail");
    wait_for_notices(&mail).await;
    let store = Store::connect(&data.url()).await.unwrap();
    let cases = filed(&store).await;
    let kinds: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["number"].as_str()?.split('-').nth(1))
        .collect();
    for kind in ["cv", "bk", "ap"] {
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
}
