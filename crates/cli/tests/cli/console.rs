//! `court report` (the linking progress the clerk console charts) and
//! `link remove` recording the operator and mailing the filer.

use crate::Scratch;
use openecf_domain::{CourtId, EcfLogin, Username};
use openecf_store::Store;

const PACER_PW: &str = "Walnut-Harbor-Lantern-42\n";

/// A live court with three CM/ECF accounts, one of them linked to PACER account jfiler2026.
async fn live_court_with_a_link() -> (Scratch, Store) {
    let s = Scratch::new();
    s.ok(
        &["court", "add", "gamb", "--name", "M.D. Georgia", "--kind", "bankruptcy"],
        "",
    );
    for login in ["alice", "bobby", "carol"] {
        s.ok(
            &[
                "ecf",
                "add",
                "gamb",
                login,
                "--name",
                "A Filer",
                "--email",
                &format!("{login}@example.com"),
                "--role",
                "attorney",
                "--password-stdin",
            ],
            "Legacy-Pass-1\n",
        );
    }
    s.ok(
        &[
            "pacer",
            "add",
            "jfiler2026",
            "--name",
            "Jordan Filer",
            "--email",
            "jordan@example.com",
            "--password-stdin",
        ],
        PACER_PW,
    );
    s.ok(&["court", "go-live", "gamb", "--now"], "");
    let store = Store::connect(&s.url()).await.unwrap();
    let court = CourtId::parse("gamb").unwrap();
    let (ecf, _) = store
        .ecf_by_login(&court, &EcfLogin::parse("alice").unwrap())
        .await
        .unwrap()
        .unwrap();
    let (pacer, _) = store
        .pacer_by_username(&Username::parse_existing("jfiler2026").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = store.write().await.unwrap();
    #[allow(
        clippy::disallowed_methods,
        reason = "the link is made now, as the command's clock sees it"
    )]
    let now = chrono::Utc::now();
    tx.insert_link(&court, ecf.id, pacer.id, now).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    (s, store)
}

#[tokio::test]
async fn court_report_prints_accounts_linked_share_and_the_last_7_days() {
    let (s, _store) = live_court_with_a_link().await;
    let out = s.ok(&["court", "report", "gamb"], "");
    assert!(
        out.contains("gamb (M.D. Georgia): live on NextGen CM/ECF since"),
        "{out}"
    );
    assert!(out.contains("accounts  3 active CM/ECF accounts"), "{out}");
    assert!(out.contains("linked    1\n"), "{out}");
    assert!(out.contains("share     33.3%"), "{out}");
    assert!(out.contains("last 7 days (UTC)"), "{out}");
    #[allow(clippy::disallowed_methods, reason = "the day the command reports")]
    let today = chrono::Utc::now().date_naive().to_string();
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with(&today) && last.split_whitespace().collect::<Vec<_>>()[1..] == ["3", "1", "33.3%"],
        "{out}"
    );
    s.fails(&["court", "report", "zzzz"], "", "unknown court zzzz");
    s.fails(&["court", "report", "Bad Id!"], "", "court id");
}

#[tokio::test]
async fn link_remove_records_the_operator_and_mails_the_filer() {
    let (s, store) = live_court_with_a_link().await;
    s.fails(
        &[
            "link",
            "remove",
            "gamb",
            "alice",
            "--reason",
            "  ",
            "--operator",
            "clerk7",
        ],
        "",
        "--reason: say why the link is removed",
    );
    let out = s.ok(
        &[
            "link",
            "remove",
            "gamb",
            "alice",
            "--reason",
            "linked by mistake",
            "--operator",
            "clerk7",
        ],
        "",
    );
    assert!(
        out.contains("removed the link of CM/ECF account alice at gamb to PACER account jfiler2026"),
        "{out}"
    );
    let audit = s.ok(&["audit", "list", "--court", "gamb"], "");
    assert!(audit.contains("linked by mistake (by clerk7)"), "{audit}");
    let mail = store.outbox().await.unwrap();
    let m = mail
        .iter()
        .find(|m| m.to_addr == "jordan@example.com")
        .expect("the filer is emailed");
    assert!(m.subject.starts_with("CM/ECF link removed"), "{}", m.subject);
    assert!(m.body.contains("Reason: linked by mistake"), "{}", m.body);
    // The report follows.
    let out = s.ok(&["court", "report", "gamb"], "");
    assert!(out.contains("share     0.0%"), "{out}");
}
