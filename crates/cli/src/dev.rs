//! `openecf dev generate`: a generated population for measurements — upgraded
//! individual PACER accounts, CM/ECF accounts spread over the federal courts
//! (some linked), and optionally live sessions. A dev tool: no request path
//! uses it, and it refuses a database with real accounts unless `--force`.
//!
//! Who is who is a function of a number, so a benchmark knows its accounts
//! without asking the database:
//! - person `p` (0 ≤ p < --pacer) is PACER user `genfiler{p:07}`;
//! - CM/ECF account `i` (0 ≤ i < --ecf) belongs to person `p = i mod --pacer`
//!   as their `k = i div --pacer`-th account, at court number `(p + k) mod
//!   --courts` (the courts in the order gamb, nysd, then the registry's), so a
//!   person's accounts are at different courts while k < --courts;
//! - account `i` is linked to its person when `i mod 5 < 3` (and k < --courts):
//!   about 60 % are linked, never twice, never two at one court for a person;
//! - session `j` belongs to person `p = (j div 3) * 5 + j mod 3`, whose first
//!   account (at court `p mod --courts`) is linked.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use openecf_app::App;
use openecf_domain::{CourtKind, Password};
use openecf_store::population::{GeneratedEcf, GeneratedPacer, GENERATED_EMAIL_DOMAIN};
use openecf_store::{Engine, NewCourt};

/// The password of every generated account, PACER and CM/ECF.
pub const GENERATED_PASSWORD: &str = "Generated-Population-2026";

/// Rows a transaction carries (in statements of 50 rows on SQLite, 500 on PostgreSQL).
const ROWS_PER_TRANSACTION: usize = 20_000;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Fill a database with a generated population, to measure at scale.
    ///
    /// Adds the courts (from the federal registry, live on NextGen, no notices),
    /// upgraded individual PACER accounts genfiler0000000, genfiler0000001, …,
    /// CM/ECF accounts spread over the courts (about 60 % linked to their
    /// person's PACER account, obeying every link rule) and, with --sessions,
    /// live sessions whose tokens go to --sessions-file. Every account's
    /// password is Generated-Population-2026, stored as ONE Argon2id hash
    /// (production parameters) computed once and shared by every row:
    /// hashing a million passwords one by one would take hours. Emails end in
    /// @generated.invalid. Refuses a database that already holds generated
    /// accounts, and one with real accounts unless --force. Never on a
    /// production database.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// PACER accounts (people)
    #[arg(long, default_value_t = 1_000)]
    pacer: usize,
    /// CM/ECF accounts, spread over the courts
    #[arg(long, default_value_t = 3_000)]
    ecf: usize,
    /// Courts to use: gamb, nysd, then the federal registry's district and
    /// bankruptcy courts, then the others (at most 204)
    #[arg(long, default_value_t = 204, value_parser = clap::value_parser!(u16).range(1..=204))]
    courts: u16,
    /// Live sessions to create directly (no login), each of a linked filer
    #[arg(long, default_value_t = 0)]
    sessions: usize,
    /// Where to write the sessions' tokens, one `TOKEN COURT USERNAME` a line
    /// (a new file, readable by its owner only); required with --sessions
    #[arg(long)]
    sessions_file: Option<PathBuf>,
    /// Generate even though the database holds real (not generated) accounts
    #[arg(long)]
    force: bool,
}

pub async fn run(app: &App, command: DevCommand) -> anyhow::Result<()> {
    match command {
        DevCommand::Generate(args) => generate(app, args).await,
    }
}

const FIRST: [&str; 24] = [
    "james",
    "mary",
    "robert",
    "patricia",
    "john",
    "jennifer",
    "michael",
    "linda",
    "david",
    "elizabeth",
    "william",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "carlos",
    "karen",
    "daniel",
    "maria",
    "wei",
    "aisha",
];
const LAST: [&str; 30] = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "nguyen",
    "okafor",
];

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Person `p`'s first and last name (lower case).
fn names(p: usize) -> (&'static str, &'static str) {
    (FIRST[p % FIRST.len()], LAST[(p / FIRST.len() + p / 7) % LAST.len()])
}

pub fn username(p: usize) -> String {
    format!("genfiler{p:07}")
}

fn person(p: usize) -> GeneratedPacer {
    let (first, last) = names(p);
    // Opened between 2005 and 2025: those before 11 Aug 2014 were legacy
    // accounts, since upgraded.
    let day = chrono::NaiveDate::from_ymd_opt(2005, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(((p * 7_919) % 7_670) as u64)))
        .unwrap_or_default();
    GeneratedPacer {
        username: username(p),
        name: format!("{} {}", capitalised(first), capitalised(last)),
        email: format!("{first}.{last}.{p}@{GENERATED_EMAIL_DOMAIN}"),
        created_on: day.format("%Y-%m-%d").to_string(),
    }
}

/// Where CM/ECF account `i` is, whose it is, and whether it is linked.
struct Placement {
    person: usize,
    court: usize,
    linked: bool,
}

fn placement(i: usize, pacer: usize, courts: usize) -> Placement {
    let (person, k) = (i % pacer, i / pacer);
    Placement {
        person,
        court: (person + k) % courts,
        linked: i % 5 < 3 && k < courts,
    }
}

fn ecf_account(i: usize, place: &Placement, court: &str) -> GeneratedEcf {
    let p = place.person;
    let (first, last) = names(p);
    let attorney = p % 10 != 9;
    GeneratedEcf {
        court: court.to_owned(),
        login: format!("{}{last}{i}", &first[..1]),
        name: format!("{} {}", capitalised(first), capitalised(last)),
        email: format!("{first}.{last}.{p}@{GENERATED_EMAIL_DOMAIN}"),
        role: if attorney { "attorney" } else { "non-attorney filer" }.to_owned(),
        bar_id: attorney.then(|| format!("GEN-{p}")),
    }
}

/// Session `j`'s person: one whose first CM/ECF account is linked.
fn session_person(j: usize) -> usize {
    (j / 3) * 5 + j % 3
}

/// The courts in use: gamb and nysd first (a bankruptcy and a district
/// court every run has), then the registry's district and bankruptcy courts,
/// then its appellate and special ones.
fn chosen_courts(n: usize) -> anyhow::Result<Vec<NewCourt>> {
    let mut all = crate::demo::federal_courts()?;
    all.sort_by_key(|c| match (c.id.as_str(), &c.kind) {
        ("gamb", _) => 0,
        ("nysd", _) => 1,
        (_, CourtKind::District | CourtKind::Bankruptcy) => 2,
        _ => 3,
    });
    all.truncate(n);
    Ok(all)
}

struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(total: u64) -> Self {
        let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        Self(terminal.then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({per_sec}, {eta} left)") {
                bar.set_style(style);
            }
            bar
        }))
    }
    fn phase(&self, what: &'static str) {
        if let Some(b) = &self.0 {
            b.set_message(what);
        }
    }
    fn inc(&self, n: usize) {
        if let Some(b) = &self.0 {
            b.inc(n as u64);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// A new file readable by its owner only (it holds live session tokens).
fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    open.open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))
}

async fn generate(app: &App, args: GenerateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = &app.store;
    let courts_n = usize::from(args.courts);
    if args.ecf > 0 && args.pacer == 0 {
        bail!("--ecf needs --pacer: every CM/ECF account belongs to a generated person");
    }
    let linked_people = args.pacer.min(args.ecf);
    if args.sessions > 0 {
        let last = session_person(args.sessions - 1);
        if last >= linked_people {
            bail!(
                "--sessions {}: each session is a linked filer's, and --pacer {} --ecf {} make only about {} of them; ask for fewer sessions or more accounts",
                args.sessions,
                args.pacer,
                args.ecf,
                linked_people * 3 / 5
            );
        }
    }
    let mut tokens = match (&args.sessions_file, args.sessions) {
        (Some(path), _) => Some(std::io::BufWriter::new(create_private(path)?)),
        (None, 0) => None,
        (None, _) => bail!("--sessions needs --sessions-file FILE, where the tokens are written"),
    };
    let counts = store.population_counts().await?;
    if counts.generated_pacer + counts.generated_ecf > 0 {
        bail!(
            "this database already holds a generated population ({} PACER and {} CM/ECF accounts): generate into a new, empty database",
            counts.generated_pacer,
            counts.generated_ecf
        );
    }
    if counts.real() > 0 && !args.force {
        bail!(
            "this database holds {} real PACER and {} real CM/ECF accounts: dev generate is for a database of its own (--force to add the generated ones beside them)",
            counts.pacer,
            counts.ecf
        );
    }

    let now = app.clock.now();
    let password = Password::attempt(GENERATED_PASSWORD).ok_or_else(|| anyhow!("the generated password"))?;
    let hash = app.hasher.hash(&password).await?;

    let courts = chosen_courts(courts_n)?;
    let mut tx = store.write().await?;
    let added = tx.add_generated_courts(&courts, now).await?;
    tx.commit().await?;
    let added: Vec<NewCourt> = courts
        .iter()
        .filter(|c| added.iter().any(|a| a == c.id.as_str()))
        .cloned()
        .collect();
    crate::court_ops::set_zones_by_state(app, &added).await?;
    let court_ids: Vec<String> = courts.iter().map(|c| c.id.as_str().to_owned()).collect();

    let bar = Bar::new((args.pacer + args.ecf + args.sessions) as u64);
    bar.phase("PACER accounts");
    let mut pacer_ids: Vec<i64> = Vec::with_capacity(args.pacer);
    for start in (0..args.pacer).step_by(ROWS_PER_TRANSACTION) {
        let end = (start + ROWS_PER_TRANSACTION).min(args.pacer);
        let rows: Vec<GeneratedPacer> = (start..end).map(person).collect();
        let mut tx = store.write().await?;
        let ids = tx.insert_generated_pacer(&rows, &hash, now).await?;
        tx.commit().await?;
        pacer_ids.extend(ids);
        bar.inc(rows.len());
    }

    bar.phase("CM/ECF accounts and links");
    let mut links = 0usize;
    for start in (0..args.ecf).step_by(ROWS_PER_TRANSACTION) {
        let end = (start + ROWS_PER_TRANSACTION).min(args.ecf);
        let places: Vec<Placement> = (start..end).map(|i| placement(i, args.pacer, courts_n)).collect();
        let rows: Vec<GeneratedEcf> = places
            .iter()
            .zip(start..end)
            .map(|(place, i)| ecf_account(i, place, &court_ids[place.court]))
            .collect();
        let mut tx = store.write().await?;
        let ids = tx.insert_generated_ecf(&rows, &hash, now).await?;
        let to_link: Vec<(String, i64, i64)> = places
            .iter()
            .zip(ids)
            .filter(|(place, _)| place.linked)
            .map(|(place, ecf)| (court_ids[place.court].clone(), ecf, pacer_ids[place.person]))
            .collect();
        tx.insert_generated_links(&to_link, now).await?;
        tx.commit().await?;
        links += to_link.len();
        bar.inc(rows.len());
    }

    bar.phase("sessions");
    if let Some(out) = tokens.as_mut() {
        for start in (0..args.sessions).step_by(ROWS_PER_TRANSACTION) {
            let end = (start + ROWS_PER_TRANSACTION).min(args.sessions);
            let mut rows = Vec::with_capacity(end - start);
            for j in start..end {
                let p = session_person(j);
                let token = openecf_app::tokens::random_token();
                writeln!(out, "{token} {} {}", court_ids[p % courts_n], username(p))?;
                rows.push((openecf_app::tokens::hash_token(&token), pacer_ids[p]));
            }
            let mut tx = store.write().await?;
            tx.insert_generated_sessions(&rows, now, "127.0.0.1", "openecf dev generate")
                .await?;
            tx.commit().await?;
            bar.inc(rows.len());
        }
        out.flush()?;
    }
    bar.finish();
    if store.engine() == Engine::Postgres {
        // The planner's statistics, as autovacuum would gather them shortly.
        store.analyze().await?;
    }

    let elapsed = started.elapsed();
    println!(
        "generated {} courts ({} new), {} PACER accounts, {} CM/ECF accounts, {links} links, {} sessions in {:.1} s",
        courts.len(),
        added.len(),
        args.pacer,
        args.ecf,
        args.sessions,
        elapsed.as_secs_f64()
    );
    println!("every account's password: {GENERATED_PASSWORD}");
    if args.pacer > 0 {
        println!("PACER usernames: {} … {}", username(0), username(args.pacer - 1));
    }
    if let Some(path) = &args.sessions_file {
        println!("session tokens: {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_accounts_are_at_different_courts_and_linked_at_most_once_a_court() {
        let (pacer, ecf, courts) = (7, 40, 5);
        let mut linked = std::collections::HashSet::new();
        for i in 0..ecf {
            let place = placement(i, pacer, courts);
            if place.linked {
                assert!(linked.insert((place.person, place.court)), "account {i}");
            }
        }
        assert!(!linked.is_empty());
    }

    #[test]
    fn every_session_belongs_to_a_person_whose_first_account_is_linked() {
        for j in 0..1_000 {
            let p = session_person(j);
            let first = placement(p, 1_000_000, 204);
            assert!(first.linked && first.person == p, "session {j}");
        }
    }

    #[test]
    fn the_first_courts_are_gamb_and_nysd() {
        let courts = chosen_courts(3).unwrap();
        assert_eq!(courts[0].id.as_str(), "gamb");
        assert_eq!(courts[1].id.as_str(), "nysd");
        assert_eq!(courts.len(), 3);
    }
}
