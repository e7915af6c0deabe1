//! What `ecf import` costs: 20,000 CM/ECF accounts with pre-hashed passwords
//! (bcrypt, as a legacy system exports them) into an empty court, in one
//! transaction; then the same file again (nothing changes); then the file
//! with every email changed (20,000 updates). SQLite in a temporary folder,
//! and PostgreSQL too when `OPENECF_TEST_POSTGRES_URL` is set.
//! Run: `cargo bench -p openecf-app --bench import`.

use std::fmt::Write as _;
use std::time::Instant;

use openecf_app::ecf_import::{self, Options, Quiet};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_domain::*;
use openecf_store::testkit::TestDb;
use openecf_store::*;

const ROWS: usize = 20_000;

fn file(hash: &str, email_domain: &str) -> String {
    let mut csv = String::with_capacity(ROWS * 120);
    csv.push_str("login,name,email,role,bar_id,password_hash\n");
    for i in 0..ROWS {
        let _ = writeln!(
            csv,
            "filer{i:05},Filer Number {i},filer{i}@{email_domain},attorney,GA-{i},\"{hash}\""
        );
    }
    csv
}

async fn run(engine: &str, db: TestDb) -> anyhow::Result<()> {
    let app = App::new(
        db.store.clone(),
        Hasher::with_threads(1)?,
        Clock::system(),
        Settings::default(),
    );
    let court = CourtId::parse("gamb")?;
    app.store
        .add_courts(&[NewCourt {
            id: court.clone(),
            kind: CourtKind::Bankruptcy,
            name: "Middle District of Georgia".into(),
            location: String::new(),
            doc_id_prefix: String::new(),
            release: Release::V1_0,
        }])
        .await?;
    // One bcrypt hash for every row: the import checks and stores hashes, it does not run them.
    let hash = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    let first = file(hash, "example.com");
    let changed = file(hash, "example.org");
    for (what, csv) in [
        ("into an empty court", &first),
        ("the same file again", &first),
        ("every email changed", &changed),
    ] {
        let started = Instant::now();
        let report = ecf_import::import(&app, &court, csv.as_bytes(), &Options::default(), &Quiet).await?;
        let took = started.elapsed();
        println!(
            "{engine}: {ROWS} rows {what}: {} new, {} updated, {} unchanged in {:.0} ms = {:.0} rows/s",
            report.new,
            report.updated,
            report.unchanged,
            took.as_secs_f64() * 1000.0,
            ROWS as f64 / took.as_secs_f64()
        );
    }
    db.finish().await;
    Ok(())
}

/// What one password check costs at each format's upper bound (what a
/// stored hash can make every login attempt at its account cost).
async fn upper_bounds() -> anyhow::Result<()> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let pw = "Legacy-Pass-7";
    let salt = SaltString::generate(&mut OsRng);
    let hashes = [
        (
            "Argon2id m=256 MiB, t=10",
            argon2::Argon2::new(
                argon2::Algorithm::Argon2id,
                argon2::Version::V0x13,
                argon2::Params::new(256 * 1024, 10, 1, None).map_err(|e| anyhow::anyhow!("{e}"))?,
            )
            .hash_password(pw.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .to_string(),
        ),
        ("bcrypt cost 14", bcrypt::hash(pw, 14)?),
        (
            "scrypt ln=18, r=8, p=1 (256 MiB)",
            scrypt::Scrypt
                .hash_password_customized(
                    pw.as_bytes(),
                    None,
                    None,
                    scrypt::Params::new(18, 8, 1, 32).map_err(|e| anyhow::anyhow!("{e}"))?,
                    &salt,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .to_string(),
        ),
        (
            "PBKDF2-SHA256 i=2,000,000",
            pbkdf2::Pbkdf2
                .hash_password_customized(
                    pw.as_bytes(),
                    Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()),
                    None,
                    pbkdf2::Params {
                        rounds: 2_000_000,
                        output_length: 32,
                    },
                    &salt,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .to_string(),
        ),
    ];
    let hasher = Hasher::with_threads(1)?;
    let password = Password::attempt(pw).ok_or_else(|| anyhow::anyhow!("password"))?;
    for (what, hash) in &hashes {
        openecf_app::check_imported_hash(hash).map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
        let started = Instant::now();
        let ok = hasher.verify(Some(hash), &password).await?;
        println!(
            "one check at the upper bound, {what}: {:.0} ms ({})",
            started.elapsed().as_secs_f64() * 1000.0,
            if ok { "verified" } else { "FAILED" }
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run("SQLite", TestDb::sqlite().await?).await?;
    if std::env::var_os("OPENECF_TEST_POSTGRES_URL").is_some() {
        if let Some(db) = TestDb::postgres().await {
            run("PostgreSQL", db).await?;
        }
    } else {
        println!("PostgreSQL: skipped (set OPENECF_TEST_POSTGRES_URL)");
    }
    upper_bounds().await
}
