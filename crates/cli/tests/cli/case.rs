//! `openecf case …`: court staff seal an entry, restrict a document and
//! record a case's details on the demo's cases; refusals say why and change
//! nothing; each change is in the audit trail.

use crate::Scratch;
use openecf_domain::{CaseQuery, CourtId, CourtZone};
use openecf_store::Store;

#[tokio::test]
async fn court_staff_seal_restrict_and_record_case_details_from_the_command_line() {
    let s = Scratch::new();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openecf"));
    cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .env("OPENECF_LOG", "warn");
    let (server, _) = crate::browser::start_and_read(cmd, "openecf listening on");
    drop(server);
    let now = openecf_app::Clock::system().now();
    let year = now.format("%y").to_string();
    let today = CourtZone::default().today(now).format("%Y-%m-%d").to_string();
    let civil = format!("1:{year}-cv-00001");
    let bk = format!("1:{year}-bk-00001");

    let out = s.ok(
        &[
            "case",
            "seal",
            "nysd",
            &civil,
            "2",
            "--reason",
            "sealed by order",
            "--operator",
            "clerk",
        ],
        "",
    );
    assert!(out.contains("entry 2 of 1:") && out.contains("sealed"), "{out}");
    s.fails(
        &["case", "seal", "nysd", &civil, "2", "--reason", "again"],
        "",
        "is sealed already; nothing changed",
    );
    s.fails(
        &["case", "seal", "nysd", &civil, "2", "--reason", " "],
        "",
        "--reason: say why",
    );
    s.fails(
        &["case", "seal", "nysd", &civil, "9", "--reason", "x"],
        "",
        "has no entry 9",
    );
    s.fails(
        &["case", "seal", "nysd", &format!("{year}-99"), "1", "--reason", "x"],
        "",
        "the court has no case",
    );
    s.ok(
        &["case", "unseal", "nysd", &civil, "2", "--reason", "order vacated"],
        "",
    );
    let out = s.ok(
        &[
            "case",
            "restrict",
            "nysd",
            &civil,
            "2",
            "--attachment",
            "1",
            "--reason",
            "an address",
        ],
        "",
    );
    assert!(out.contains("attachment 1") && out.contains("restricted"), "{out}");
    s.fails(
        &[
            "case",
            "restrict",
            "nysd",
            &civil,
            "2",
            "--attachment",
            "7",
            "--reason",
            "x",
        ],
        "",
        "has no attachment 7",
    );

    s.fails(
        &[
            "case",
            "set",
            "nysd",
            &civil,
            "--terminated",
            "2001-01-01",
            "--reason",
            "x",
        ],
        "",
        "Date Terminated: 2001-01-01 is before the case was filed",
    );
    s.fails(
        &[
            "case",
            "set",
            "nysd",
            &civil,
            "--terminated",
            "2999-01-01",
            "--reason",
            "x",
        ],
        "",
        "is after today at the court",
    );
    s.fails(
        &["case", "set", "nysd", &civil, "--converted", &today, "--reason", "x"],
        "",
        "Date Converted: only a bankruptcy case has one",
    );
    s.fails(
        &[
            "case",
            "set",
            "nysd",
            &civil,
            "--terminated",
            "last week",
            "--reason",
            "x",
        ],
        "",
        "Date Terminated: type the day as YYYY-MM-DD",
    );
    let out = s.ok(
        &[
            "case",
            "set",
            "nysd",
            &civil,
            "--referred-to",
            "Sarah Netburn",
            "--terminated",
            &today,
            "--reason",
            "judgment entered",
        ],
        "",
    );
    assert!(
        out.contains(&format!("Referred to Sarah Netburn; Date Terminated {today}")),
        "{out}"
    );
    s.fails(
        &[
            "case",
            "set",
            "gamb",
            &bk,
            "--referred-to",
            "Sarah Netburn",
            "--reason",
            "x",
        ],
        "",
        "a bankruptcy case is not referred to a magistrate judge",
    );
    s.ok(
        &[
            "case",
            "set",
            "gamb",
            &bk,
            "--discharged",
            &today,
            "--reason",
            "discharge order",
        ],
        "",
    );

    // A hearing, at the court's local time; the past and bad input refused.
    let tomorrow = (CourtZone::default().today(now) + chrono::Days::new(1)).format("%Y-%m-%d");
    let out = s.ok(
        &[
            "case",
            "hearing",
            "nysd",
            &civil,
            "--at",
            &format!("{tomorrow} 09:30"),
            "--description",
            "Motion Hearing",
            "--location",
            "Courtroom 5A",
        ],
        "",
    );
    assert!(out.starts_with("hearing 1 scheduled at nysd in 1:"), "{out}");
    s.fails(
        &[
            "case",
            "hearing",
            "nysd",
            &civil,
            "--at",
            "2020-01-01 09:00",
            "--description",
            "x",
            "--location",
            "y",
        ],
        "",
        "--at: 2020-01-01 09:00 has passed at the court",
    );
    s.fails(
        &[
            "case",
            "hearing",
            "nysd",
            &civil,
            "--at",
            "tomorrow",
            "--description",
            "x",
            "--location",
            "y",
        ],
        "",
        "--at: type the court's local date and time as YYYY-MM-DD HH:MM",
    );
    s.ok(&["case", "cancel-hearing", "nysd", "1", "--reason", "adjourned"], "");
    s.fails(
        &["case", "cancel-hearing", "nysd", "1", "--reason", "again"],
        "",
        "the court has no hearing 1",
    );
    // An event of the catalogue marked as a written opinion.
    let out = s.ok(
        &["court", "event", "opinion", "nysd", "--name", "Answer to Complaint"],
        "",
    );
    assert!(out.contains("is now a written opinion"), "{out}");
    let list = s.ok(&["court", "event", "list", "nysd"], "");
    assert!(
        list.lines()
            .any(|l| l.contains("| Answer to Complaint |") && l.ends_with("(written opinion)")),
        "{list}"
    );
    s.fails(
        &["court", "event", "opinion", "nysd", "--name", "Nothing Like It"],
        "",
        "--name: nysd has no event named",
    );

    let store = Store::connect(&s.url()).await.unwrap();
    let nysd = CourtId::parse("nysd").unwrap();
    let case = &store
        .find_cases(&nysd, &CaseQuery::parse(&civil).unwrap())
        .await
        .unwrap()[0];
    assert_eq!(case.details.referred_to, "Sarah Netburn");
    assert_eq!(case.details.date_terminated.map(|d| d.to_string()), Some(today.clone()));
    let docket = store.docket(case.id).await.unwrap();
    assert!(!docket[1].sealed);
    assert!(docket[1].documents[1].is_restricted());
    store.close().await;
    let audit = s.ok(&["audit", "list", "--court", "nysd"], "");
    assert!(
        audit.contains("case.seal") && audit.contains("by clerk: sealed by order"),
        "{audit}"
    );
    assert!(audit.contains("case.details"), "{audit}");
}
