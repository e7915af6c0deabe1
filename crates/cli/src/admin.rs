//! Court staff's commands. Every argument is parsed into a domain type before
//! anything is written; a bad one is named in the error and nothing changes.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use chrono::NaiveDate;
use clap::{ArgGroup, Args, Subcommand};
use openecf_app::App;
use openecf_domain::{
    AccountKind, BarId, CourtId, CourtKind, EcfLogin, Email, Event, EventMenu, Password, PasswordContext, PersonName,
    Release, Role, Username,
};
use openecf_store::{NewCourt, NewEcfAccount, NewPacerAccount};

#[derive(Debug, Subcommand)]
pub enum CourtCommand {
    /// Register a court
    Add {
        /// Court id, like gamb or nysd
        id: String,
        #[arg(long)]
        name: String,
        /// district or bankruptcy
        #[arg(long, value_parser = ["district", "bankruptcy"])]
        kind: String,
        /// Where the Link page sits: 1.0 on Utilities, 1.1 on "NextGen Release 1.1 Menu Items"
        #[arg(long, default_value = "1.0", value_parser = ["1.0", "1.1"])]
        nextgen_release: String,
        #[arg(long, default_value = "")]
        location: String,
    },
    /// Set when a court goes live on NextGen; its CM/ECF account holders are emailed (once per
    /// address: the date, a changed date, a reminder 7 days before, and "now live" at the switch)
    #[command(group(ArgGroup::new("when").required(true).args(["now", "on"])))]
    GoLive {
        id: String,
        /// Live from this moment
        #[arg(long)]
        now: bool,
        /// Live from this day (YYYY-MM-DD), at midnight in the court's time zone
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<String>,
    },
    /// Change a court's settings: its time zone (default America/New_York)
    Set {
        /// Court id
        id: String,
        /// An IANA time zone, like America/Chicago or Pacific/Guam: the court's go-live
        /// happens at midnight there
        #[arg(long, value_name = "ZONE")]
        time_zone: Option<String>,
    },
    /// List the courts and their NextGen status
    List,
    /// Add a judge to a court's list (new civil cases are assigned among them)
    Judge {
        /// Court id
        id: String,
        #[arg(long)]
        name: String,
        /// Two to four capital letters, shown after the case number (1:26-cv-00012-ABC)
        #[arg(long)]
        initials: String,
    },
    /// Court staff (the clerk's office): they use the clerk console at /ecf/COURT/admin;
    /// at a district court they also open criminal cases
    #[command(subcommand)]
    Admin(StaffCommand),
    /// A court's linking progress: its active CM/ECF accounts, how many are
    /// linked, the share, and the last 7 days
    Report {
        /// Court id
        id: String,
    },
    /// The court's event catalogue: the built-in events of its kind and those it adds
    #[command(subcommand)]
    Event(EventCommand),
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Add an event to a court's catalogue; filers see it at once
    Add {
        /// Court id
        court: String,
        /// The menu it is filed from: civil or criminal (district), bankruptcy
        #[arg(long)]
        menu: String,
        /// The category the menu groups it under, like "Motions and Related Filings"
        #[arg(long)]
        category: String,
        /// Its name, unique at the court, like "Motion to Compel"
        #[arg(long)]
        name: String,
        /// The docket text it begins with, like "MOTION to Compel"
        #[arg(long)]
        docket_text: String,
        /// Filing it makes the filer an attorney of record for their party
        #[arg(long)]
        appearance: bool,
        /// Who does it (kept in the audit trail)
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Remove an event the court added (built-in events stay); its entries keep their text
    Remove {
        court: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// List a court's catalogue, menu by menu
    List { court: String },
    /// Mark an event (built-in or added) as a written opinion: its entries
    /// make the Written Opinions report (WrtOpRpt.pl) and their documents are free
    Opinion {
        court: String,
        #[arg(long)]
        name: String,
        /// Unmark it instead
        #[arg(long)]
        off: bool,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Grant court-staff rights to an individual PACER account
    Add {
        /// Court id
        court: String,
        pacer_username: String,
        /// Who does it (kept in the audit trail)
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// End a PACER account's court-staff rights
    Remove {
        court: String,
        pacer_username: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// List a court's staff
    List { court: String },
}

#[derive(Debug, Subcommand)]
pub enum PacerCommand {
    /// Create a PACER account; the password is read from standard input
    Add(PacerAdd),
    /// List accounts whose username, name or email contains TEXT
    List {
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
    /// One account's whole state: kind, MFA, links, sessions, lock, firm, disabled
    Show { username: String },
    /// Disable an account: its sessions end and it cannot log in. Audited; the holder is emailed
    Disable {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Enable a disabled account again. Audited; the holder is emailed
    Enable {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Clear an account's failed-password lock. Audited; the holder is emailed
    Unlock {
        username: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Remove every authenticator app and backup code of an account whose
    /// holder lost them all (after checking who they are); the next login
    /// must set MFA up again. Audited; the holder is emailed.
    ResetMfa {
        username: String,
        /// Why (kept in the audit trail)
        #[arg(long)]
        reason: String,
        /// Who does it (kept in the audit trail)
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
}

#[derive(Debug, Args)]
pub struct PacerAdd {
    username: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: String,
    /// A shared firm account: may search, never link or file
    #[arg(long)]
    shared_firm: bool,
    /// When the account was created (YYYY-MM-DD); before 2014-08-11 makes a legacy account
    #[arg(long, value_name = "YYYY-MM-DD")]
    created_on: Option<String>,
    /// Read the password from standard input (required: passwords never go in arguments)
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum EcfCommand {
    /// Create a court's legacy CM/ECF account; the password is read from standard input
    Add(EcfAdd),
    /// List a court's CM/ECF accounts whose login, name, email or bar id contains TEXT
    List {
        court: String,
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
    /// Correct a CM/ECF account's name, email, role or bar id (empty --bar-id clears it).
    /// Audited; the account's address is emailed
    Update {
        court: String,
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        bar_id: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Remove a CM/ECF account that is not linked (a mistaken import, a duplicate). Audited
    Remove {
        court: String,
        login: String,
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// Import a court's legacy CM/ECF accounts from CSV, in one transaction
    ///
    /// Header row: login,name,email,role,bar_id,password_hash (or password).
    /// bar_id may be empty. password_hash is a PHC string of argon2id or
    /// argon2i, bcrypt ($2a$/$2b$/$2y$), scrypt or pbkdf2-sha256, re-hashed to
    /// Argon2id at its first use; password is plaintext, hashed here on all
    /// cores. Importing again updates changed names, emails, roles and bar
    /// ids, and a password only if its cell changed in the file. Any invalid
    /// row imports nothing (every bad line is listed) unless --skip-invalid.
    /// Limits: 1 MiB a row, 5,000,000 rows.
    Import {
        court: String,
        file: PathBuf,
        /// Import the valid rows and list the invalid ones by line
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Debug, Args)]
pub struct EcfAdd {
    court: String,
    login: String,
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: String,
    /// attorney, non-attorney filer, trustee, creditor, ...
    #[arg(long)]
    role: String,
    #[arg(long)]
    bar_id: Option<String>,
    /// Read the password from standard input (required)
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// List a court's links
    List { court: String },
    /// Undo a mistaken link; the CM/ECF account may then be linked again
    Remove {
        court: String,
        login: String,
        /// Why (kept in the audit trail, and sent to the filer)
        #[arg(long)]
        reason: String,
        /// Who does it (kept in the audit trail)
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
}

pub(crate) fn parse_date(raw: &str, what: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| anyhow!("{what}: {raw:?} is not a date like 2027-03-01"))
}

fn read_password_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let pw = line.trim_end_matches(['\n', '\r']).to_owned();
    if pw.is_empty() {
        bail!("no password on standard input: pipe it in, e.g. printf '%s' \"$PW\" | openecf ...");
    }
    Ok(pw)
}

pub(crate) async fn require_court(app: &App, id: &CourtId) -> anyhow::Result<openecf_domain::Court> {
    app.store
        .court(id)
        .await?
        .ok_or_else(|| anyhow!("unknown court {id}: see openecf court list"))
}

pub async fn court(app: &App, cmd: CourtCommand) -> anyhow::Result<()> {
    match cmd {
        CourtCommand::Add {
            id,
            name,
            kind,
            nextgen_release,
            location,
        } => {
            let court = NewCourt {
                id: CourtId::parse(&id)?,
                kind: CourtKind::parse(&kind)?,
                name: PersonName::parse(&name)
                    .map_err(|e| anyhow!("court name: {}", e.reason))?
                    .to_string(),
                location,
                doc_id_prefix: String::new(),
                release: Release::parse(&nextgen_release)?,
            };
            app.store.add_courts(std::slice::from_ref(&court)).await?;
            println!(
                "added court {} ({}), {}, NextGen release {}",
                court.id,
                court.name,
                court.kind.as_str(),
                court.release.as_str()
            );
        }
        CourtCommand::GoLive { id, now, on } => crate::court_ops::go_live(app, &id, now, on).await?,
        CourtCommand::Set { id, time_zone } => crate::court_ops::set(app, &id, time_zone).await?,
        CourtCommand::Judge { id, name, initials } => {
            let id = CourtId::parse(&id)?;
            require_court(app, &id).await?;
            let name = PersonName::parse(&name).map_err(|e| anyhow!("--name: {}", e.reason))?;
            let initials = initials.trim();
            if !(2..=4).contains(&initials.len()) || !initials.bytes().all(|b| b.is_ascii_uppercase()) {
                bail!("--initials: two to four capital letters, like ABC");
            }
            app.store.add_judge(&id, name.as_str(), initials).await?;
            println!("judge {name} ({initials}) is on the list of {id}");
        }
        CourtCommand::Admin(cmd) => staff(app, cmd).await?,
        CourtCommand::Report { id } => crate::report::report(app, &id).await?,
        CourtCommand::Event(cmd) => events(app, cmd).await?,
        CourtCommand::List => {
            let courts = app.store.court_statuses().await?;
            println!(
                "{:<8} {:<11} {:<8} {:<28} {:<20} NAME",
                "ID", "KIND", "RELEASE", "NEXTGEN", "TIME ZONE"
            );
            for openecf_store::CourtStatus { court: c, zone, .. } in courts {
                let status = match c.status {
                    openecf_domain::NextGenStatus::Live { since } => format!("live since {}", since.date_naive()),
                    openecf_domain::NextGenStatus::NotLive { planned: Some(d) } => format!("not live, goes live {d}"),
                    openecf_domain::NextGenStatus::NotLive { planned: None } => "not live".to_owned(),
                };
                let status = match c.kind {
                    CourtKind::Appellate | CourtKind::Special => format!("n/a ({} court)", c.kind.as_str()),
                    _ => status,
                };
                println!(
                    "{:<8} {:<11} {:<8} {:<28} {:<20} {}",
                    c.id.as_str(),
                    c.kind.as_str(),
                    c.release.as_str(),
                    status,
                    zone.name(),
                    c.name
                );
            }
        }
    }
    Ok(())
}

async fn events(app: &App, cmd: EventCommand) -> anyhow::Result<()> {
    use openecf_app::filing::catalogue;
    match cmd {
        EventCommand::Add {
            court,
            menu,
            category,
            name,
            docket_text,
            appearance,
            operator,
        } => {
            let id = CourtId::parse(&court)?;
            let menu = EventMenu::parse(&menu).map_err(|e| anyhow!("--menu: {}", e.reason))?;
            let event = Event {
                category: category.into(),
                name: name.into(),
                docket_text: docket_text.into(),
                appearance,
            };
            catalogue::add_event(app, &id, menu, &event, &operator)
                .await?
                .map_err(|r| match r {
                    catalogue::CatalogueRefusal::Invalid(e) => anyhow!("--{}: {}", e.field.replace(' ', "-"), e.reason),
                    other => anyhow!("{other}"),
                })?;
            println!(
                "{id}: {} event {:?} added to the {} menu",
                event.category,
                event.name,
                menu.code()
            );
        }
        EventCommand::Remove { court, name, operator } => {
            let id = CourtId::parse(&court)?;
            catalogue::remove_event(app, &id, &name, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{id}: event {name:?} removed");
        }
        EventCommand::Opinion {
            court,
            name,
            off,
            operator,
        } => {
            let id = CourtId::parse(&court)?;
            let changed = catalogue::set_opinion(app, &id, &name, !off, &operator)
                .await?
                .map_err(|r| match r {
                    catalogue::CatalogueRefusal::Invalid(e) => anyhow!("--{}: {}", e.field.replace(' ', "-"), e.reason),
                    other => anyhow!("{other}"),
                })?;
            let state = if off {
                "not a written opinion"
            } else {
                "a written opinion"
            };
            if changed {
                println!("{id}: event {name:?} is now {state}");
            } else {
                println!("{id}: event {name:?} was {state} already; nothing changed");
            }
        }
        EventCommand::List { court } => {
            let id = CourtId::parse(&court)?;
            let court = require_court(app, &id).await?;
            let opinions = app.store.opinion_events(&id).await?;
            let list = catalogue::catalogue(app, &court).await?;
            for menu in EventMenu::ALL.into_iter().filter(|m| m.at(court.kind)) {
                for e in list.menu(menu) {
                    let origin = if menu.builtin().contains(e) {
                        "built-in"
                    } else {
                        "added"
                    };
                    let opinion = if opinions.iter().any(|o| *o == e.name) {
                        " (written opinion)"
                    } else {
                        ""
                    };
                    println!(
                        "{:<10} {:<8} {} | {} | {}{opinion}",
                        menu.code(),
                        origin,
                        e.category,
                        e.name,
                        e.docket_text
                    );
                }
            }
        }
    }
    Ok(())
}

pub async fn pacer(app: &App, cmd: PacerCommand) -> anyhow::Result<()> {
    let a = match cmd {
        PacerCommand::Add(a) => a,
        PacerCommand::ResetMfa {
            username,
            reason,
            operator,
        } => return reset_mfa(app, &username, &reason, &operator).await,
        PacerCommand::List { search, limit } => return pacer_list(app, &search, limit).await,
        PacerCommand::Show { username } => return pacer_show(app, &username).await,
        PacerCommand::Disable {
            username,
            reason,
            operator,
        } => {
            let a = openecf_app::operator::set_disabled(app, &username, true, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!(
                "{} is disabled: its sessions ended, it cannot log in, and its holder was emailed",
                a.username
            );
            return Ok(());
        }
        PacerCommand::Enable {
            username,
            reason,
            operator,
        } => {
            let a = openecf_app::operator::set_disabled(app, &username, false, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{} is enabled; its holder was emailed", a.username);
            return Ok(());
        }
        PacerCommand::Unlock {
            username,
            reason,
            operator,
        } => {
            let a = openecf_app::operator::unlock(app, &username, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{}'s failed logins were cleared; its holder was emailed", a.username);
            return Ok(());
        }
    };
    let created_on = match &a.created_on {
        Some(d) => parse_date(d, "--created-on")?,
        None => app.clock.now().date_naive(),
    };
    let legacy = openecf_domain::account::is_legacy(created_on, false);
    let username = if legacy {
        Username::parse_existing(&a.username)?
    } else {
        Username::parse_new(&a.username)?
    };
    let name = PersonName::parse(&a.name)?;
    let email = Email::parse(&a.email)?;
    let raw = read_password_stdin()?;
    let ctx = PasswordContext {
        username: username.as_str(),
        name: name.as_str(),
        email: email.as_str(),
    };
    let password =
        Password::new_checked(&raw, ctx, openecf_app::is_common_password).map_err(|e| anyhow!("password: {e}"))?;
    let account = NewPacerAccount {
        username,
        password_hash: app.hasher.hash(&password).await?,
        name,
        email,
        kind: if a.shared_firm {
            AccountKind::SharedFirm
        } else {
            AccountKind::Individual
        },
        created_on,
    };
    app.store.add_pacer_account(&account, app.clock.now()).await?;
    println!(
        "added PACER account {} ({}, {}{})",
        account.username,
        account.name,
        account.kind.label().to_lowercase(),
        if legacy {
            ", legacy: must upgrade before linking"
        } else {
            ""
        }
    );
    Ok(())
}

pub async fn ecf(app: &App, cmd: EcfCommand) -> anyhow::Result<()> {
    match cmd {
        EcfCommand::Add(a) => {
            let court = CourtId::parse(&a.court)?;
            require_court(app, &court).await?;
            let login = EcfLogin::parse(&a.login)?;
            let name = PersonName::parse(&a.name)?;
            let email = Email::parse(&a.email)?;
            let role = Role::parse(&a.role)?;
            let bar_id = a.bar_id.as_deref().map(BarId::parse).transpose()?;
            let raw = read_password_stdin()?;
            let password = Password::new_legacy(&raw).map_err(|e| anyhow!("password: {e}"))?;
            let account = NewEcfAccount {
                court,
                login,
                password_hash: app.hasher.hash(&password).await?,
                name,
                email,
                role,
                bar_id,
            };
            app.store.add_ecf_account(&account, app.clock.now()).await?;
            println!("added CM/ECF account {} at {}", account.login, account.court);
            Ok(())
        }
        EcfCommand::Import {
            court,
            file,
            skip_invalid,
        } => crate::ecf_import::import(app, &court, &file, skip_invalid).await,
        EcfCommand::List { court, search, limit } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            let list = app.store.search_ecf_accounts(&court.id, &search, limit).await?;
            if list.is_empty() {
                println!("{} has no CM/ECF account matching {:?}", court.id, search.trim());
            }
            for a in list {
                let state = match (&a.pacer_username, a.disabled_at) {
                    (_, Some(_)) => "disabled".to_owned(),
                    (Some(p), None) => format!("linked to {p}"),
                    (None, None) => "not linked".to_owned(),
                };
                println!(
                    "{:<20} {:<22} {:<28} {:<32} {} {}",
                    a.login,
                    a.role,
                    state,
                    a.email,
                    a.name,
                    a.bar_id.map(|b| format!("(bar id {b})")).unwrap_or_default()
                );
            }
            Ok(())
        }
        EcfCommand::Update {
            court,
            login,
            name,
            email,
            role,
            bar_id,
            reason,
            operator,
        } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            let change = openecf_app::operator::EcfCorrection {
                name,
                email,
                role,
                bar_id,
            };
            let changed = openecf_app::operator::correct_ecf(app, &court, &login, &change, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!(
                "{login} at {}: {} corrected; the account's address was emailed",
                court.id,
                changed.join(", ")
            );
            Ok(())
        }
        EcfCommand::Remove {
            court,
            login,
            reason,
            operator,
        } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            openecf_app::operator::remove_ecf(app, &court, &login, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{login} removed from {}", court.id);
            Ok(())
        }
    }
}

pub async fn link(app: &App, cmd: LinkCommand) -> anyhow::Result<()> {
    match cmd {
        LinkCommand::List { court } => {
            let court = CourtId::parse(&court)?;
            require_court(app, &court).await?;
            let links = app.store.links(&court).await?;
            println!("{:<20} {:<20} LINKED AT (UTC)", "CM/ECF LOGIN", "PACER USERNAME");
            for l in &links {
                let at = chrono::DateTime::from_timestamp(l.linked_at, 0)
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default();
                println!("{:<20} {:<20} {at}", l.ecf_login, l.pacer_username);
            }
            println!("{} links at {court}", links.len());
        }
        LinkCommand::Remove {
            court,
            login,
            reason,
            operator,
        } => {
            let court = CourtId::parse(&court)?;
            let court = require_court(app, &court).await?;
            let login = EcfLogin::parse(&login)?;
            if reason.trim().is_empty() {
                bail!("--reason: say why the link is removed");
            }
            let removed = openecf_app::link::remove(app, &court, &login, reason.trim(), &operator).await?;
            println!(
                "removed the link of CM/ECF account {login} at {} to PACER account {}",
                court.id, removed.pacer_username
            );
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// What each PACER account owes for a quarter: its transactions, pages,
    /// total, and the amount due ($30.00 or less a quarter is waived)
    Report {
        /// The quarter, like 2026Q4
        #[arg(long)]
        quarter: String,
    },
    /// A court's CJA exemptions from fees
    #[command(subcommand)]
    Exempt(ExemptCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExemptCommand {
    /// Exempt a CJA panel attorney's account at a court (they turn it on for CJA work)
    Add {
        court: String,
        pacer_username: String,
        /// Why: the CJA appointment (kept with the exemption and in the audit trail)
        #[arg(long)]
        reason: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// End an account's exemption at a court
    Remove {
        court: String,
        pacer_username: String,
        #[arg(long, env = "USER", default_value = "operator")]
        operator: String,
    },
    /// A court's exemptions, and its free transactions in a quarter
    List {
        court: String,
        /// The quarter whose free transactions to list, like 2026Q4
        #[arg(long)]
        quarter: Option<String>,
    },
}

async fn exemptions(app: &App, cmd: ExemptCommand) -> anyhow::Result<()> {
    use openecf_app::paa;
    use openecf_domain::fees::{money, Quarter};
    match cmd {
        ExemptCommand::Add {
            court,
            pacer_username,
            reason,
            operator,
        } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            paa::grant_exemption(app, &court, &pacer_username, &reason, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{pacer_username} has a CJA exemption at {}", court.id);
        }
        ExemptCommand::Remove {
            court,
            pacer_username,
            operator,
        } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            paa::revoke_exemption(app, &court, &pacer_username, &operator)
                .await?
                .map_err(|r| anyhow!("{r}"))?;
            println!("{pacer_username} has no CJA exemption at {} now", court.id);
        }
        ExemptCommand::List { court, quarter } => {
            let court = require_court(app, &CourtId::parse(&court)?).await?;
            let quarter = match quarter {
                Some(q) => Quarter::parse(&q).map_err(|e| anyhow!("--quarter: {}", e.reason))?,
                None => Quarter::of(app.clock.now()),
            };
            let grants = app.store.exemptions(&court.id).await?;
            if grants.is_empty() {
                println!("{} has granted no CJA exemption", court.id);
            }
            for g in grants {
                println!(
                    "exempt  {:<20} since {} by {}: {}",
                    g.username,
                    g.granted_at.date_naive(),
                    g.granted_by,
                    g.reason
                );
            }
            let (from, to) = quarter.range();
            let free = app.store.exempt_transactions(&court.id, from, to).await?;
            println!("{} free transactions at {} in {quarter}", free.len(), court.id);
            for t in free {
                println!(
                    "{}  {:<20} {:<10} {} | {} | {} pages, {} not charged",
                    t.at.format("%Y-%m-%d %H:%M:%S"),
                    t.username,
                    t.exempt,
                    t.description,
                    t.criteria,
                    t.pages,
                    money(t.pages * openecf_domain::fees::PAGE_CENTS)
                );
            }
        }
    }
    Ok(())
}

pub async fn billing(app: &App, cmd: BillingCommand) -> anyhow::Result<()> {
    use openecf_domain::fees::{money, Quarter};
    let quarter = match cmd {
        BillingCommand::Report { quarter } => quarter,
        BillingCommand::Exempt(cmd) => return exemptions(app, cmd).await,
    };
    let quarter = Quarter::parse(&quarter).map_err(|e| anyhow!("--quarter: {}", e.reason))?;
    let rows = openecf_app::fees::quarter_report(app, quarter).await?;
    if rows.is_empty() {
        println!("no PACER transactions in {quarter}");
        return Ok(());
    }
    println!(
        "{:<20} {:>12} {:>8} {:>10} {:>10}  NAME",
        "PACER LOGIN", "TRANSACTIONS", "PAGES", "TOTAL", "DUE"
    );
    let mut due_all = 0;
    for (username, name, n, pages, cents, due) in rows {
        due_all += due;
        println!(
            "{username:<20} {n:>12} {pages:>8} {:>10} {:>10}  {name}",
            money(cents),
            money(due)
        );
    }
    println!("{quarter}: {} due in all", money(due_all));
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Security events, newest first, one a line
    List {
        /// Only events of this PACER username: those written with it (by
        /// whoever held it, or typed for it when nobody did) and those of the
        /// account that holds it now (under any username it had)
        #[arg(long)]
        account: Option<String>,
        /// Only this court's events
        #[arg(long)]
        court: Option<String>,
        /// Only events on or after this day (YYYY-MM-DD, UTC)
        #[arg(long)]
        since: Option<String>,
        /// At most this many
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
}

pub async fn audit(app: &App, cmd: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::List {
        account,
        court,
        since,
        limit,
    } = cmd;
    let account = account
        .as_deref()
        .map(Username::parse_existing)
        .transpose()
        .map_err(|e| anyhow!("--account: {}", e.reason))?;
    let court = court
        .as_deref()
        .map(CourtId::parse)
        .transpose()
        .map_err(|e| anyhow!("--court: {}", e.reason))?;
    let since = since
        .as_deref()
        .map(|d| parse_date(d, "--since"))
        .transpose()?
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc());
    // The operator's view: the name as typed, and the account holding it now.
    let account_id = match &account {
        Some(u) => app.store.pacer_by_username(u).await?.map(|(a, _)| a.id),
        None => None,
    };
    let filter = openecf_store::AuditFilter {
        account: account.map(|a| a.to_string()),
        account_id,
        court: court.map(|c| c.to_string()),
        since,
        limit,
    };
    let rows = openecf_app::audit::list(app, &filter).await?;
    for r in &rows {
        let e = &r.event;
        let mut line = format!(
            "{}  {:<22} {:<34} account={} court={} ecf={} ip={}",
            r.at.format("%Y-%m-%d %H:%M:%S"),
            e.action,
            e.outcome,
            e.pacer_username.as_deref().unwrap_or("-"),
            e.court_id.as_deref().unwrap_or("-"),
            e.ecf_login.as_deref().unwrap_or("-"),
            e.ip.as_deref().unwrap_or("-"),
        );
        if !e.detail.is_empty() {
            line.push_str(&format!("  ({})", e.detail.replace(['\n', '\r'], " ")));
        }
        println!("{line}");
    }
    eprintln!("{} events", rows.len());
    Ok(())
}

async fn pacer_list(app: &App, search: &str, limit: i64) -> anyhow::Result<()> {
    let list = app.store.list_pacer_accounts(search.trim(), limit).await?;
    if list.is_empty() {
        println!("no PACER account matches {:?}", search.trim());
        return Ok(());
    }
    println!(
        "{:<20} {:<12} {:>5} {:<9} {:<32} NAME",
        "USERNAME", "KIND", "LINKS", "STATE", "EMAIL"
    );
    for a in list {
        println!(
            "{:<20} {:<12} {:>5} {:<9} {:<32} {}",
            a.username,
            a.kind,
            a.links,
            if a.disabled { "disabled" } else { "active" },
            a.email,
            a.name
        );
    }
    Ok(())
}

async fn pacer_show(app: &App, username: &str) -> anyhow::Result<()> {
    let account = openecf_app::operator::account(app, username)
        .await?
        .map_err(|r| anyhow!("{r}"))?;
    let now = app.clock.now();
    println!("username:   {}", account.username);
    println!("name:       {}", account.name);
    println!("email:      {}", account.email);
    println!(
        "kind:       {}{}",
        account.kind.label(),
        if account.is_legacy() {
            " (legacy, not upgraded)"
        } else {
            ""
        }
    );
    println!("created:    {}", account.created_on);
    match app.store.pacer_disabled(account.id).await? {
        Some((at, why)) => println!("state:      disabled since {} ({why})", at.format("%Y-%m-%d %H:%M UTC")),
        None => println!("state:      active"),
    }
    let mfa = app.store.mfa_state(account.id).await?;
    println!(
        "MFA:        {} authenticator app(s), {} backup code(s) left{}",
        mfa.authenticators,
        mfa.backup_codes,
        if mfa.is_filer { "; required (a filer)" } else { "" }
    );
    let failures = app
        .store
        .failures(&openecf_domain::throttle::Subject::PacerPassword(Some(
            account.username.clone(),
        )))
        .await?;
    println!(
        "failures:   {}{}",
        failures.count,
        if failures.is_locked(now.timestamp()) {
            " (locked now)"
        } else {
            ""
        }
    );
    println!("sessions:   {} live", app.store.pacer_sessions(account.id).await?.len());
    if let Some(firm) = app.store.firm_of_member(account.id).await? {
        println!("firm:       {} (administrator {})", firm.name, firm.admin_username);
    }
    let links = app.store.links_of_pacer(account.id).await?;
    if links.is_empty() {
        println!("links:      none");
    }
    for (court, login) in links {
        println!("link:       {court} {login}");
    }
    Ok(())
}

async fn reset_mfa(app: &App, username: &str, reason: &str, operator: &str) -> anyhow::Result<()> {
    let username = Username::parse_existing(username).map_err(|e| anyhow!("username: {}", e.reason))?;
    if reason.trim().is_empty() {
        bail!("--reason: say why (for example, how the holder's identity was checked)");
    }
    let (account, _) = app
        .store
        .pacer_by_username(&username)
        .await?
        .ok_or_else(|| anyhow!("no PACER account {username}"))?;
    openecf_app::mfa::operator_reset(app, &account, reason.trim(), operator.trim()).await?;
    println!("removed every authenticator app and backup code of {username}; its sessions are ended and it must set up MFA at its next login");
    Ok(())
}

async fn staff(app: &App, cmd: StaffCommand) -> anyhow::Result<()> {
    let (court, username, operator, add) = match cmd {
        StaffCommand::List { court } => {
            let id = CourtId::parse(&court)?;
            require_court(app, &id).await?;
            let staff = app.store.staff(&id).await?;
            if staff.is_empty() {
                println!("{id} has no court staff");
            }
            for name in staff {
                println!("{name}");
            }
            return Ok(());
        }
        StaffCommand::Add {
            court,
            pacer_username,
            operator,
        } => (court, pacer_username, operator, true),
        StaffCommand::Remove {
            court,
            pacer_username,
            operator,
        } => (court, pacer_username, operator, false),
    };
    let id = CourtId::parse(&court)?;
    let changed = openecf_app::courts::set_staff(app, &id, username.trim(), add, &operator)
        .await?
        .map_err(|r| anyhow!("{r}"))?;
    match (add, changed) {
        (true, true) => println!("{username} is court staff at {id}"),
        (true, false) => println!("{username} was already court staff at {id}: nothing changed"),
        (false, true) => println!("{username} is no longer court staff at {id}"),
        (false, false) => println!("{username} was not court staff at {id}: nothing changed"),
    }
    Ok(())
}
