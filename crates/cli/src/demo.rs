//! `serve --demo`: the 204 federal courts and demo accounts covering every case
//! of the seed, seeded only into an empty database.

use anyhow::{anyhow, Context};
use chrono::{Days, NaiveDate};
use openecf_app::App;
use openecf_domain::{
    AccountKind, BarId, CourtId, CourtKind, EcfLogin, Email, Password, PersonName, Release, Role, Username,
};
use openecf_store::{GoLive, NewCourt, NewEcfAccount, NewPacerAccount};

/// The project's copy of the federal court registry.
pub const FEDERAL_COURTS_CSV: &str = include_str!("../../../data/federal-courts.csv");

/// Courts live on NextGen in the demo, with the release each runs.
const LIVE: [(&str, Release); 4] = [
    ("gamb", Release::V1_0),
    ("nysd", Release::V1_1),
    ("txsb", Release::V1_1),
    ("ilnd", Release::V1_0),
];
/// One court of each kind not yet live, with a planned go-live date.
const PLANNED: [(&str, u64); 2] = [("cand", 90), ("nysb", 120)];

pub const PACER_PASSWORD: &str = "Walnut-Harbor-Lantern-42";
pub const ECF_PASSWORD: &str = "Cmecf-Legacy-Pass-7";

#[derive(Debug, serde::Deserialize)]
struct CourtRecord {
    court_id: String,
    kind: String,
    name: String,
    location: String,
    doc_id_prefix: String,
}

/// Parses the registry; every row must be valid.
pub fn federal_courts() -> anyhow::Result<Vec<NewCourt>> {
    let mut reader = csv::Reader::from_reader(FEDERAL_COURTS_CSV.as_bytes());
    let mut courts = Vec::new();
    for (i, row) in reader.deserialize::<CourtRecord>().enumerate() {
        let row = row.with_context(|| format!("federal-courts.csv line {}", i + 2))?;
        let id = CourtId::parse(&row.court_id).with_context(|| format!("federal-courts.csv line {}", i + 2))?;
        let release = LIVE
            .iter()
            .find(|(c, _)| *c == id.as_str())
            .map(|(_, r)| *r)
            .unwrap_or(Release::V1_0);
        courts.push(NewCourt {
            kind: CourtKind::parse(&row.kind)?,
            name: row.name,
            location: row.location,
            doc_id_prefix: row.doc_id_prefix,
            release,
            id,
        });
    }
    Ok(courts)
}

struct DemoPacer {
    username: &'static str,
    name: &'static str,
    kind: AccountKind,
    created_on: (i32, u32, u32),
    what: &'static str,
}

/// The TOTP secret of the demo account with multi-factor authentication: add
/// it to any authenticator app (or compute passcodes from it) to log in.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

const PACER_ACCOUNTS: [DemoPacer; 5] = [
    DemoPacer {
        username: "jfiler2026",
        name: "Jordan Filer",
        kind: AccountKind::Individual,
        created_on: (2019, 5, 14),
        what: "individual, upgraded; CM/ECF accounts not yet linked at gamb, nysd and cand",
    },
    DemoPacer {
        username: "mlinked2026",
        name: "Morgan Linked",
        kind: AccountKind::Individual,
        created_on: (2018, 2, 1),
        what: "individual, upgraded; already linked to CM/ECF account mlinked at gamb",
    },
    DemoPacer {
        username: "smithjonesfirm",
        name: "Smith and Jones LLP",
        kind: AccountKind::SharedFirm,
        created_on: (2016, 9, 30),
        what: "shared firm account: may search, never link",
    },
    DemoPacer {
        username: "tokenfiler2026",
        name: "Taylor Token",
        kind: AccountKind::Individual,
        created_on: (2017, 6, 12),
        what: "individual, upgraded, multi-factor authentication on (TOTP secret below); linked to ttoken at nysd",
    },
    DemoPacer {
        username: "oldpcr",
        name: "Lee Legacy",
        kind: AccountKind::Individual,
        created_on: (2011, 3, 2),
        what: "legacy (created 2011, not upgraded): must upgrade before linking",
    },
];

struct DemoEcf {
    court: &'static str,
    login: &'static str,
    name: &'static str,
    role: &'static str,
    bar_id: Option<&'static str>,
    linked_to: Option<&'static str>,
}

const ECF_ACCOUNTS: [DemoEcf; 7] = [
    DemoEcf {
        court: "gamb",
        login: "mlinked",
        name: "Morgan Linked",
        role: "attorney",
        bar_id: Some("GA-220871"),
        linked_to: Some("mlinked2026"),
    },
    DemoEcf {
        court: "gamb",
        login: "jfiler",
        name: "Jordan Filer",
        role: "attorney",
        bar_id: Some("GA-104233"),
        linked_to: None,
    },
    DemoEcf {
        court: "gamb",
        login: "llegacy",
        name: "Lee Legacy",
        role: "non-attorney filer",
        bar_id: None,
        linked_to: None,
    },
    DemoEcf {
        court: "nysd",
        login: "jfiler",
        name: "Jordan Filer",
        role: "attorney",
        bar_id: Some("NY-5531902"),
        linked_to: None,
    },
    DemoEcf {
        court: "nysd",
        login: "ttoken",
        name: "Taylor Token",
        role: "attorney",
        bar_id: Some("NY-4410087"),
        linked_to: Some("tokenfiler2026"),
    },
    DemoEcf {
        court: "cand",
        login: "jfiler",
        name: "Jordan Filer",
        role: "attorney",
        bar_id: Some("CA-301188"),
        linked_to: None,
    },
    DemoEcf {
        court: "nysb",
        login: "jfiler",
        name: "Jordan Filer",
        role: "attorney",
        bar_id: Some("NY-5531902"),
        linked_to: None,
    },
];

fn date((y, m, d): (i32, u32, u32)) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow!("bad demo date"))
}

/// Seeds the demo into an empty database and prints what it created. A
/// database that already has courts is left as it is.
pub async fn seed(app: &App) -> anyhow::Result<()> {
    let store = &app.store;
    if store.count_courts().await? > 0 {
        println!("demo: the database already has courts; nothing seeded");
        return Ok(());
    }
    if store.count_pacer_accounts().await? > 0 {
        anyhow::bail!(
            "--demo seeds only an empty database, and this one has PACER accounts but no courts: \
             use a fresh one (--database sqlite://demo.db)"
        );
    }
    let now = app.clock.now();
    let courts = federal_courts()?;
    store.add_courts(&courts).await?;
    crate::court_ops::set_zones_by_state(app, &courts).await?;
    for (id, _) in LIVE {
        openecf_app::courts::schedule_go_live(app, &CourtId::parse(id)?, GoLive::Now).await?;
    }
    for (id, days) in PLANNED {
        let day = now
            .date_naive()
            .checked_add_days(Days::new(days))
            .ok_or_else(|| anyhow!("date overflow"))?;
        openecf_app::courts::schedule_go_live(app, &CourtId::parse(id)?, GoLive::On(day)).await?;
    }
    let pacer_pw = Password::attempt(PACER_PASSWORD).ok_or_else(|| anyhow!("demo password"))?;
    let pacer_hash = app.hasher.hash(&pacer_pw).await?;
    let mut pacer_ids = Vec::new();
    for p in &PACER_ACCOUNTS {
        let account = NewPacerAccount {
            username: Username::parse_existing(p.username)?,
            password_hash: pacer_hash.clone(),
            name: PersonName::parse(p.name)?,
            email: Email::parse(&format!("{}@example.com", p.username))?,
            kind: p.kind,
            created_on: date(p.created_on)?,
        };
        pacer_ids.push((p.username, store.add_pacer_account(&account, now).await?));
    }
    let ecf_pw = Password::attempt(ECF_PASSWORD).ok_or_else(|| anyhow!("demo password"))?;
    let ecf_hash = app.hasher.hash(&ecf_pw).await?;
    for DemoEcf {
        court,
        login,
        name,
        role,
        bar_id: bar,
        linked_to,
    } in ECF_ACCOUNTS
    {
        let court_id = CourtId::parse(court)?;
        let account = NewEcfAccount {
            court: court_id.clone(),
            login: EcfLogin::parse(login)?,
            password_hash: ecf_hash.clone(),
            name: PersonName::parse(name)?,
            email: Email::parse(&format!("{login}.{court}@example.com"))?,
            role: Role::parse(role)?,
            bar_id: bar.map(BarId::parse).transpose()?,
        };
        let ecf_id = store.add_ecf_account(&account, now).await?;
        if let Some(username) = linked_to {
            let pacer_id = pacer_ids
                .iter()
                .find(|(u, _)| *u == username)
                .map(|(_, id)| *id)
                .ok_or_else(|| anyhow!("demo link to unknown account"))?;
            let court = store.court(&court_id).await?.ok_or_else(|| anyhow!("demo court"))?;
            let pacer = store
                .pacer_by_id(pacer_id)
                .await?
                .ok_or_else(|| anyhow!("demo account"))?;
            let ecf = store.ecf_by_id(ecf_id).await?.ok_or_else(|| anyhow!("demo account"))?;
            let who = openecf_app::link::Linker {
                account: &pacer,
                session_hash: "",
                ip: "demo",
            };
            openecf_app::link::link_verified(app, &court, who, &ecf)
                .await?
                .map_err(|r| anyhow!("demo link refused: {r}"))?;
        }
    }
    let (_, token_id) = pacer_ids
        .iter()
        .find(|(u, _)| *u == "tokenfiler2026")
        .copied()
        .ok_or_else(|| anyhow!("demo MFA account"))?;
    let token = store
        .pacer_by_id(token_id)
        .await?
        .ok_or_else(|| anyhow!("demo MFA account"))?;
    openecf_app::mfa::add_authenticator(app, &token, "Demo authenticator", DEMO_TOTP_SECRET, 0, "demo", None).await?;
    let case = seed_civil_case(app, &token).await?;
    let (_, mlinked_id) = pacer_ids
        .iter()
        .find(|(u, _)| *u == "mlinked2026")
        .copied()
        .ok_or_else(|| anyhow!("demo linked account"))?;
    let mlinked = store
        .pacer_by_id(mlinked_id)
        .await?
        .ok_or_else(|| anyhow!("demo linked account"))?;
    let bankruptcy = seed_bankruptcy_case(app, &mlinked).await?;
    println!("demo: seeded {} federal courts", courts.len());
    println!("  live on NextGen CM/ECF: gamb (release 1.0), nysd (1.1), txsb (1.1), ilnd (1.0)");
    println!("  not live yet, with a go-live date: cand (district), nysb (bankruptcy); all others not live");
    println!("demo PACER accounts (password for all: {PACER_PASSWORD}):");
    for p in &PACER_ACCOUNTS {
        println!("  {:<16} {}", p.username, p.what);
    }
    println!("  tokenfiler2026's TOTP secret (add it to an authenticator app): {DEMO_TOTP_SECRET}");
    println!("demo case at nysd: {case} (tokenfiler2026 for the plaintiff; file for the defendant after linking jfiler at nysd)");
    println!("demo case at gamb: {bankruptcy}, chapter 7, mlinked2026 for the debtor");
    println!("demo CM/ECF accounts (password for all: {ECF_PASSWORD}):");
    for DemoEcf {
        court,
        login,
        name,
        role,
        linked_to,
        ..
    } in ECF_ACCOUNTS
    {
        let state = linked_to
            .map(|u| format!("linked to {u}"))
            .unwrap_or_else(|| "not linked".into());
        println!("  {court:<5} {login:<10} {name} ({role}), {state}");
    }
    Ok(())
}

/// A civil case at nysd with a few entries and PDF documents, opened through
/// the same use cases a filer's Submit calls (so its notices are in the mail
/// folder): judges first, then the case, then a memorandum.
async fn seed_civil_case(app: &App, filer: &openecf_domain::PacerAccount) -> anyhow::Result<String> {
    use openecf_app::filing::pdf::sample::{pdf, Extra};
    use openecf_app::filing::{self, NewCivilCase, NewFiling, Upload};
    let nysd = app
        .store
        .court(&CourtId::parse("nysd")?)
        .await?
        .ok_or_else(|| anyhow!("demo court nysd"))?;
    for (name, initials) in [("Ann B. Clerk", "ABC"), ("Dana E. Foster", "DEF")] {
        app.store.add_judge(&nysd.id, name, initials).await?;
    }
    let upload = |name: &str, pages: u32, text: &str| Upload {
        filename: name.to_owned(),
        bytes: pdf(pages, text, Extra::Nothing),
    };
    let new = NewCivilCase {
        plaintiffs: vec!["Acme Widgets, Inc.".into()],
        defendants: vec!["Beta Supply Co.".into()],
        nature_of_suit: "190 Contract: Other".into(),
        cause: "28:1332 Diversity-Breach of Contract".into(),
        jurisdiction: "Diversity".into(),
        jury_demand: "Plaintiff".into(),
        complaint: upload("complaint.pdf", 6, "Complaint of Acme Widgets, Inc."),
        attachments: vec![(
            "Civil Cover Sheet".into(),
            upload("civil-cover-sheet.pdf", 1, "Civil Cover Sheet"),
        )],
    };
    let receipt = filing::open_civil_case(app, &nysd, filer, &new)
        .await?
        .map_err(|r| anyhow!("demo case refused: {r}"))?;
    let number = receipt.case.number.to_string();
    let memo = NewFiling {
        case_number: number.clone(),
        event: openecf_domain::civil_event("Memorandum of Law").ok_or_else(|| anyhow!("demo event"))?,
        party: "Acme Widgets, Inc.".into(),
        docket_text: "in Support of the Complaint".into(),
        prompts: Default::default(),
        main: upload("memorandum.pdf", 3, "Memorandum of Law"),
        attachments: vec![(
            "Exhibit A".into(),
            upload("exhibit-a.pdf", 2, "Exhibit A: the contract"),
        )],
    };
    filing::file_document(app, &nysd, filer, &memo)
        .await?
        .map_err(|r| anyhow!("demo filing refused: {r}"))?;
    Ok(number)
}

/// A chapter 7 case at gamb, by voluntary petition with its schedules, an
/// objection to a claim, and an adversary proceeding in it, through the same
/// use cases as the forms.
async fn seed_bankruptcy_case(app: &App, filer: &openecf_domain::PacerAccount) -> anyhow::Result<String> {
    use openecf_app::filing::pdf::sample::{pdf, Extra};
    use openecf_app::filing::{self, NewAdversary, NewFiling, NewPetition, Upload};
    let gamb = app
        .store
        .court(&CourtId::parse("gamb")?)
        .await?
        .ok_or_else(|| anyhow!("demo court gamb"))?;
    let upload = |name: &str, pages: u32, text: &str| Upload {
        filename: name.to_owned(),
        bytes: pdf(pages, text, Extra::Nothing),
    };
    let new = NewPetition {
        chapter: 7,
        debtors: vec![("Casey Q. Debtor".into(), "123-45-6789".into())],
        petition: upload("voluntary-petition.pdf", 12, "Voluntary Petition"),
        attachments: vec![("Schedules A-J".into(), upload("schedules.pdf", 20, "Schedules A-J"))],
    };
    let receipt = filing::open_bankruptcy_case(app, &gamb, filer, &new)
        .await?
        .map_err(|r| anyhow!("demo petition refused: {r}"))?;
    let number = receipt.case.number.to_string();
    let objection = NewFiling {
        case_number: number.clone(),
        event: openecf_domain::bankruptcy_event("Objection to Claim").ok_or_else(|| anyhow!("demo event"))?,
        party: "Casey Q. Debtor".into(),
        docket_text: "of Quick Loans LLC (Claim No. 3)".into(),
        prompts: Default::default(),
        main: upload("objection.pdf", 4, "Objection to Claim No. 3"),
        attachments: vec![(
            "Exhibit A".into(),
            upload("exhibit-a.pdf", 2, "Exhibit A: the loan ledger"),
        )],
    };
    filing::file_document(app, &gamb, filer, &objection)
        .await?
        .map_err(|r| anyhow!("demo filing refused: {r}"))?;
    let adversary = NewAdversary {
        lead_case_number: number.clone(),
        plaintiffs: vec!["Casey Q. Debtor".into()],
        defendants: vec!["Quick Loans LLC".into()],
        nature_of_suit: "72 Injunctive relief - other".into(),
        complaint: upload(
            "adversary-complaint.pdf",
            7,
            "Complaint for violation of the automatic stay",
        ),
        attachments: vec![],
    };
    let proceeding = filing::open_adversary(app, &gamb, filer, &adversary)
        .await?
        .map_err(|r| anyhow!("demo adversary proceeding refused: {r}"))?;
    Ok(format!("{number} (adversary proceeding {})", proceeding.case.number))
}
