//! The PACER Case Locator's compatibility proof: `pacersdk`'s `PCLClient`
//! (pinned, in the same venv as juriscraper: `.ci/run` installs both)
//! searches `openecf serve --demo` unchanged, through a `config_path` naming
//! openecf's address, and reads back every demo case and party as filed.
//! Skips with the reason locally without the venv; fails in CI.

use std::path::PathBuf;
use std::process::Command;

use openecf_store::testkit::services_required;
use openecf_store::Store;
use serde_json::json;

use crate::browser::serve_demo_printing;
use crate::Scratch;

const PACERSDK: &str = "0.1.1";

fn python() -> Option<PathBuf> {
    let path = std::env::var_os("OPENECF_JURISCRAPER_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/juriscraper-venv/bin/python"),
        PathBuf::from,
    );
    let version = Command::new(&path)
        .args(["-c", "import importlib.metadata as m; print(m.version('pacersdk'))"])
        .output();
    let reason = match version {
        Ok(out) if out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == PACERSDK => {
            return Some(path)
        }
        Ok(out) => format!(
            "{} has no pacersdk {PACERSDK} ({}{})",
            path.display(),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("{} cannot be run ({e})", path.display()),
    };
    let reason = format!("{reason}; install it with `target/juriscraper-venv/bin/pip install pacersdk=={PACERSDK}`");
    assert!(!services_required(), "the pacersdk check is required in CI: {reason}");
    openecf_store::testkit::say_skipped(&format!("skipping the pacersdk check: {reason}"));
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacersdk_searches_the_case_locator_and_reads_back_what_was_filed() {
    let Some(python) = python() else { return };
    let data = Scratch::new();
    let (_server, base, _) = serve_demo_printing(&data);
    // What the demo filed, as the store holds it.
    let store = Store::connect(&data.url()).await.unwrap();
    let mut cases = Vec::new();
    for court in ["nysd", "gamb"] {
        let id = openecf_domain::CourtId::parse(court).unwrap();
        let criteria = openecf_store::LocatorCriteria {
            courts: vec![court.to_owned()],
            ..Default::default()
        };
        let (found, _) = store.locate_cases(&criteria, 0, 100).await.unwrap();
        assert!(!found.is_empty(), "the demo filed no case at {court}");
        for c in found {
            let parties: Vec<String> = store.parties(c.id).await.unwrap().into_iter().map(|p| p.name).collect();
            let _ = &id;
            cases.push(json!({
                "court": court,
                "number": c.number.to_string(),
                "title": c.title,
                "type": c.number.case_type.code(),
                "date_filed": c.date_filed.format("%Y-%m-%d").to_string(),
                "parties": parties,
            }));
        }
    }
    store.close().await;
    let expected = data.dir.path().join("pcl-expected.json");
    std::fs::write(&expected, json!({ "cases": cases }).to_string()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pacersdk_check.py");
    let out = Command::new(python)
        .arg(script)
        .arg(&base)
        .arg(&expected)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pacersdk read openecf differently:\n{said}");
    assert!(said.contains("pacersdk read"), "{said}");
}
