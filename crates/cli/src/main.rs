//! The `openecf` binary: serve, migrate, and the court staff's admin commands.

mod admin;
mod case;
mod court_ops;
#[cfg(feature = "server")]
mod demo;
#[cfg(feature = "server")]
mod dev;
mod ecf_import;
mod report;

#[cfg(feature = "server")]
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
#[cfg(feature = "server")]
use clap::Args;
use clap::{Parser, Subcommand};
use openecf_app::{App, Clock, Hasher, Settings};
use openecf_store::{PoolSettings, Store};

#[derive(Parser)]
#[command(
    name = "openecf",
    version,
    about = "openecf: court e-filing with PACER Central Sign-On and NextGen CM/ECF account linking"
)]
pub struct Cli {
    /// Database: sqlite://PATH (created on first use) or postgres://USER@HOST/DB
    #[arg(
        long,
        global = true,
        env = "OPENECF_DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite://openecf-data/openecf.db"
    )]
    database: String,
    /// Database connections this process opens at most (default 8 on SQLite, 16 on
    /// PostgreSQL). On PostgreSQL every node's connections count against the
    /// server's max_connections
    #[arg(long, global = true, env = "OPENECF_DB_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    db_max_connections: Option<u32>,
    /// How long a statement waits for a database connection (on SQLite, a write
    /// also for its turn to write) before its request is answered 503 with
    /// Retry-After, in milliseconds (100 to 600000). Opening a connection must
    /// finish within it too
    #[arg(long, global = true, env = "OPENECF_DB_WAIT_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    db_wait_ms: u64,
    /// Log lines as text (for people) or JSON (one object a line, for a log pipeline)
    #[arg(long, global = true, value_enum, default_value = "text", env = "OPENECF_LOG_FORMAT")]
    log_format: LogFormat,
    /// Where filed documents are kept (content-addressed PDFs); default `documents/`
    /// beside the SQLite database, else openecf-data/documents
    #[arg(long, global = true, env = "OPENECF_DOCUMENTS_DIR")]
    documents_dir: Option<std::path::PathBuf>,
    /// Keep filed documents in an object store instead, which several nodes share:
    /// s3://bucket/prefix (S3 or an S3-compatible service; AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT, AWS_ALLOW_HTTP), or file:///path
    #[arg(long, global = true, env = "OPENECF_DOCUMENTS_URL", conflicts_with = "documents_dir")]
    documents_url: Option<String>,
    /// The server's secret key file (CSRF tokens, TOTP secrets and backup codes at rest;
    /// created with mode 0600 on first use). Default: secret.key beside the SQLite
    /// database, else openecf-data/secret.key. OPENECF_SECRET_KEY (64 hex digits or
    /// base64 of 32 bytes) takes its place.
    #[arg(long, global = true, env = "OPENECF_SECRET_KEY_FILE")]
    secret_key_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrates the database first)
    #[cfg(feature = "server")]
    Serve(ServeArgs),
    /// Bring the database schema up to date
    Migrate,
    /// Courts: add, schedule go-live, set the time zone, list, judges, staff, events, report
    #[command(subcommand)]
    Court(admin::CourtCommand),
    /// PACER accounts
    #[command(subcommand)]
    Pacer(admin::PacerCommand),
    /// A court's legacy CM/ECF accounts
    #[command(subcommand)]
    Ecf(admin::EcfCommand),
    /// Links between CM/ECF and PACER accounts
    #[command(subcommand)]
    Link(admin::LinkCommand),
    /// A case's record: seal an entry, restrict a document, record Referred to, Date Terminated, …
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// The audit trail of security events
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// PACER fees: what each account owes
    #[command(subcommand)]
    Billing(admin::BillingCommand),
    /// Copy the SQLite database to FILE, consistently, while servers run
    /// (`VACUUM INTO`); for PostgreSQL, says how to use pg_dump
    Backup {
        /// Where to write the copy (must not exist yet)
        file: std::path::PathBuf,
    },
    /// Put a backup made by `openecf backup` in place of the SQLite database.
    /// Stop every server using the database first
    Restore {
        /// The backup file
        file: std::path::PathBuf,
        /// Replace the existing database (required when it exists)
        #[arg(long)]
        force: bool,
    },
    /// Developer tools: a generated population for measurements (never on a production database)
    #[cfg(feature = "server")]
    #[command(subcommand)]
    Dev(dev::DevCommand),
    /// Make a new secret key in NEW_KEY_FILE and seal the stored TOTP secrets
    /// under it (backup codes are removed and their owners told); then start
    /// every node with --secret-key-file NEW_KEY_FILE
    RotateSecretKey {
        /// Where to write the new key (must not exist yet)
        #[arg(long)]
        new_key_file: std::path::PathBuf,
    },
}

/// `Debug` shows the database URL without its password.
impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field("database", &redact(&self.database))
            .field("secret_key_file", &self.secret_key_file)
            .field("command", &self.command)
            .finish()
    }
}

#[cfg(feature = "server")]
#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed)
    #[arg(long, default_value = "127.0.0.1:8080", env = "OPENECF_BIND")]
    bind: SocketAddr,
    /// Seed the federal courts and demo accounts into an empty database, and print them
    #[arg(long)]
    demo: bool,
    /// The address users reach the server at; https:// makes cookies Secure
    #[arg(long, env = "OPENECF_PUBLIC_URL")]
    public_url: Option<String>,
    /// Minutes of inactivity after which a session ends
    #[arg(long, default_value_t = 30, env = "OPENECF_IDLE_TIMEOUT_MINUTES", value_parser = clap::value_parser!(u64).range(1..=1440))]
    idle_timeout_minutes: u64,
    /// Hours after which a session ends however busy
    #[arg(long, default_value_t = 12, env = "OPENECF_ABSOLUTE_TIMEOUT_HOURS", value_parser = clap::value_parser!(u64).range(1..=168))]
    absolute_timeout_hours: u64,
    /// Send mail over SMTP: smtp://HOST:PORT (?tls=required for STARTTLS) or smtps://USER:PASSWORD@HOST
    #[arg(long, env = "OPENECF_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Without --smtp-url, mail is written here as .eml files
    #[arg(long, env = "OPENECF_MAIL_DIR", default_value = "openecf-data/mail")]
    mail_dir: std::path::PathBuf,
    /// The sender of every mail
    #[arg(
        long,
        env = "OPENECF_MAIL_FROM",
        default_value = "PACER Service Center <noreply@openecf.invalid>"
    )]
    mail_from: String,
    /// A reverse proxy whose X-Forwarded-For is believed (repeat for several)
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDR",
        env = "OPENECF_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Registrations (POST /account/register) one address may make an hour
    #[arg(long, default_value_t = 10, env = "OPENECF_REGISTER_PER_HOUR", value_parser = clap::value_parser!(u32).range(1..))]
    register_per_hour: u32,
    /// Password-reset requests one address may make an hour
    #[arg(long, default_value_t = 10, env = "OPENECF_RESET_PER_HOUR", value_parser = clap::value_parser!(u32).range(1..))]
    reset_per_hour: u32,
    /// Logins (PACER LOGIN and the API) one address may try a minute
    #[arg(long, default_value_t = 60, env = "OPENECF_LOGIN_PER_MINUTE", value_parser = clap::value_parser!(u32).range(1..))]
    login_per_minute: u32,
    /// Audit events older than this many days are purged (default: kept forever)
    #[arg(long, env = "OPENECF_AUDIT_RETENTION_DAYS", value_parser = clap::value_parser!(u64).range(1..=36_500))]
    audit_retention_days: Option<u64>,
    /// Delivered mail is kept in the outbox this many days (secret-bearing bodies are blanked at delivery)
    #[arg(long, default_value_t = 90, env = "OPENECF_MAIL_RETENTION_DAYS", value_parser = clap::value_parser!(u64).range(1..=36_500))]
    mail_retention_days: u64,
    /// How long (milliseconds) a node keeps sessions, courts and filers'
    /// standing in memory: a logout, revoke, password change, disable or
    /// unlink on another node ends here within it (0: no cache)
    #[arg(long, default_value_t = 2000, env = "OPENECF_CACHE_TTL_MS", value_parser = clap::value_parser!(u64).range(0..=60_000))]
    cache_ttl_ms: u64,
    /// A bearer token that opens /metrics to Prometheus beyond the loopback
    /// interface (without it, /metrics answers loopback clients only)
    #[arg(long, env = "OPENECF_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
}

/// mimalloc rather than the C library's allocator: a page allocates a few
/// hundred small strings, from every worker thread at once, and glibc's
/// malloc spent a fifth of a busy server's time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPENECF_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    // Lines are written to stderr by a thread of their own, so that a
    // request never waits on the terminal, pipe or journal behind it; that
    // thread writes whatever has queued up in one go (it flushes each time
    // the queue is empty). Not lossy: when it falls 128,000 lines behind,
    // loggers wait. The guard flushes what is queued when `main` returns.
    let (writer, _flush_at_exit) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("openecf-log")
        .finish(std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr()));
    // Colour only for a person at a terminal, never into a file or a journal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    #[cfg(feature = "server")]
    {
        // The access log is written by the web layer itself, in the same
        // shape, to the same writer (see `openecf_web::access`).
        let access = writer.clone();
        openecf_web::access::install(openecf_web::access::AccessLog {
            json: matches!(cli.log_format, LogFormat::Json),
            ansi,
            sink: Box::new(move |line| {
                use std::io::Write;
                let _ = tracing_subscriber::fmt::MakeWriter::make_writer(&access).write_all(line);
            }),
        });
    }
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match cli.log_format {
        LogFormat::Json => log.json().init(),
        LogFormat::Text => log.with_ansi(ansi).init(),
    }
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open(url: &str, pool: PoolSettings) -> anyhow::Result<Store> {
    let store = Store::connect_with(url, pool)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.migrate().await.context("cannot migrate the database")?;
    Ok(store)
}

/// `Debug` shows the SMTP URL without its password.
#[cfg(feature = "server")]
impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("bind", &self.bind)
            .field("demo", &self.demo)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact))
            .field("mail_dir", &self.mail_dir)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

/// The server's secret key: `OPENECF_SECRET_KEY`, else the key file (made on first start).
fn secret_key(file: Option<&std::path::Path>, database: &str) -> anyhow::Result<openecf_app::keys::ServerKey> {
    use openecf_app::keys::ServerKey;
    if let Ok(value) = std::env::var("OPENECF_SECRET_KEY") {
        return ServerKey::from_env_value(&value).context("OPENECF_SECRET_KEY");
    }
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => default_key_file(database),
    };
    ServerKey::load_or_create(&path)
}

/// `secret.key` beside the SQLite database, else in `openecf-data/`.
fn default_key_file(database: &str) -> std::path::PathBuf {
    data_dir(database).join("secret.key")
}

/// The SQLite database's folder, else `openecf-data/`.
fn data_dir(database: &str) -> std::path::PathBuf {
    database
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or_default())
        .and_then(|p| std::path::Path::new(p).parent().map(std::path::Path::to_path_buf))
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::PathBuf::from("openecf-data"))
}

/// A database URL fit for messages: no password (`openecf_store::redact_url`).
fn redact(url: &str) -> String {
    openecf_store::redact_url(url)
}

/// Puts a backup in place of the SQLite database: checked to be one of
/// ours, copied beside the database and synced, the old write-ahead log
/// removed, then renamed over it (so a crash leaves the old or the new).
async fn restore(database: &str, file: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let Some(target) = database
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or_default())
    else {
        anyhow::bail!(
            "restore is for SQLite; restore a PostgreSQL database with pg_restore --clean --if-exists --dbname DATABASE_URL FILE"
        );
    };
    let target = std::path::PathBuf::from(target);
    if !file.is_file() {
        anyhow::bail!("{} is not a file", file.display());
    }
    if target.exists() && !force {
        anyhow::bail!(
            "{} exists: stop every server using it, then run again with --force to replace it",
            target.display()
        );
    }
    let mut head = [0u8; 16];
    let is_sqlite =
        std::io::Read::read_exact(&mut std::fs::File::open(file)?, &mut head).is_ok() && &head == b"SQLite format 3\0";
    if !is_sqlite {
        anyhow::bail!("{} is not a SQLite database", file.display());
    }
    // Checked as the copy that will be put in place, never the backup itself.
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(".openecf-restore.tmp");
    std::fs::copy(file, &tmp).with_context(|| format!("cannot copy {}", file.display()))?;
    let copy = Store::connect(&format!("sqlite://{}", tmp.display())).await;
    let applied = match copy {
        Ok(copy) => {
            let n = copy.applied_migrations().await;
            copy.close().await;
            n.ok()
        }
        Err(_) => None,
    };
    let Some(applied) = applied.filter(|n| *n > 0) else {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!(
            "{} is not an openecf backup (it has no applied migrations)",
            file.display()
        );
    };
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", tmp.display()));
        let _ = std::fs::remove_file(side);
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(&tmp, &target)?;
    std::fs::File::open(dir)?.sync_all()?;
    println!(
        "restored {} from {} ({applied} migrations; later ones run at the next start)",
        target.display(),
        file.display()
    );
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Restore { file, force } = &cli.command {
        return restore(&cli.database, file, *force).await;
    }
    let pool = PoolSettings {
        max_connections: cli.db_max_connections,
        wait: Duration::from_millis(cli.db_wait_ms),
    };
    let store = open(&cli.database, pool).await?;
    let key = secret_key(cli.secret_key_file.as_deref(), &cli.database)?;
    let app = |settings: Settings| -> anyhow::Result<App> {
        let settings = Settings {
            secret_key: key.clone(),
            ..settings
        };
        let app = App::new(store.clone(), Hasher::new()?, Clock::system(), settings);
        Ok(app)
    };
    match cli.command {
        Command::Migrate => {
            let (sealed, replaced) = openecf_app::mfa::protect_stored_secrets(&app(Settings::default())?).await?;
            println!("database is up to date");
            if sealed + replaced > 0 {
                println!("sealed {sealed} authenticator secrets; removed the old backup codes of {replaced} accounts");
            }
            Ok(())
        }
        #[cfg(feature = "server")]
        Command::Serve(args) => {
            let listener = tokio::net::TcpListener::bind(args.bind)
                .await
                .with_context(|| format!("cannot listen on {}", args.bind))?;
            let addr = listener.local_addr()?;
            let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
            let documents = match &cli.documents_url {
                Some(url) => openecf_app::filing::docstore::DocumentStore::from_url(url).context("--documents-url")?,
                None => openecf_app::filing::docstore::DocumentStore::Local(
                    cli.documents_dir
                        .clone()
                        .unwrap_or_else(|| data_dir(&cli.database).join("documents")),
                ),
            };
            let settings = Settings {
                idle_timeout: Duration::from_secs(args.idle_timeout_minutes * 60),
                absolute_timeout: Duration::from_secs(args.absolute_timeout_hours * 3600),
                public_url: public_url.clone(),
                documents,
                audit_retention: args.audit_retention_days.map(|d| Duration::from_secs(d * 86_400)),
                mail_retention: Duration::from_secs(args.mail_retention_days * 86_400),
                cache_ttl: Duration::from_millis(args.cache_ttl_ms),
                ..Settings::default()
            };
            serve(app(settings)?, args, listener, public_url).await
        }
        Command::Court(c) => admin::court(&app(Settings::default())?, c).await,
        Command::Pacer(c) => admin::pacer(&app(Settings::default())?, c).await,
        Command::Ecf(c) => admin::ecf(&app(Settings::default())?, c).await,
        Command::Link(c) => admin::link(&app(Settings::default())?, c).await,
        Command::Case(c) => case::run(&app(Settings::default())?, c).await,
        Command::Audit(c) => admin::audit(&app(Settings::default())?, c).await,
        Command::Billing(c) => admin::billing(&app(Settings::default())?, c).await,
        #[cfg(feature = "server")]
        Command::Dev(c) => dev::run(&app(Settings::default())?, c).await,
        Command::Backup { file } => {
            if file.exists() {
                anyhow::bail!("{} exists already: name a new file", file.display());
            }
            // The copy holds password hashes and sealed secrets: readable by
            // its owner only, made so before anything is written into it.
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
            open.open(&file)
                .with_context(|| format!("cannot create {}", file.display()))?;
            store.backup_to(&file).await?;
            println!("backed up to {}", file.display());
            Ok(())
        }
        Command::Restore { .. } => Ok(()),
        Command::RotateSecretKey { new_key_file } => {
            if new_key_file.exists() {
                anyhow::bail!(
                    "--new-key-file: {} exists already; name a new file",
                    new_key_file.display()
                );
            }
            // Written (and synced) before the database changes: should the
            // rotation fail, delete the new file and run it again.
            let new = openecf_app::keys::ServerKey::load_or_create(&new_key_file)?;
            let (sealed, codes, tax_ids) = openecf_app::mfa::rotate_key(&app(Settings::default())?, &new).await?;
            println!(
                "sealed {sealed} authenticator secrets and {tax_ids} debtors' SSNs/ITINs under the new key in {}; removed the backup codes of {codes} accounts (their owners are emailed)",
                new_key_file.display()
            );
            println!(
                "now start every node with --secret-key-file {} (or OPENECF_SECRET_KEY set to it)",
                new_key_file.display()
            );
            Ok(())
        }
    }
}

#[cfg(feature = "server")]
async fn serve(app: App, args: ServeArgs, listener: tokio::net::TcpListener, public_url: String) -> anyhow::Result<()> {
    use openecf_web::{AppState, Config, RateLimits};
    let secret_key = app.settings.secret_key.clone();
    openecf_app::mfa::protect_stored_secrets(&app)
        .await
        .context("cannot seal the stored authenticator secrets")?;
    if args.demo {
        demo::seed(&app).await?;
    }
    let addr = listener.local_addr()?;
    let config = Config {
        public_url,
        secret_key,
        rate_limits: RateLimits {
            register_per_hour: args.register_per_hour,
            reset_per_hour: args.reset_per_hour,
            login_per_minute: args.login_per_minute,
        },
        trusted_proxies: args.trusted_proxies,
        metrics_token: args.metrics_token.filter(|t| !t.is_empty()),
    };
    let transport = openecf_app::mailer::Transport::from_settings(args.smtp_url.as_deref(), args.mail_dir.clone())?;
    let mailer = openecf_app::mailer::Mailer::new(app.store.clone(), transport, &args.mail_from)?;
    match &args.smtp_url {
        Some(_) => println!("mail: sent over SMTP"),
        None => println!("mail: written as .eml files to {}", args.mail_dir.display()),
    }
    // The job queue: mail delivery, go-live switches, the purge of ended sessions.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = openecf_app::jobs::Worker::new(app.clone(), mailer).spawn_stoppable(Duration::from_secs(2), stopped);
    println!("openecf listening on http://{addr}");
    // On SIGTERM or Ctrl-C: no new connections; requests under way finish;
    // then the job pass under way finishes (at most 60 s).
    openecf_web::serve(listener, AppState::new(app, config)).await?;
    let _ = stop.send(true);
    match tokio::time::timeout(Duration::from_secs(60), worker).await {
        Ok(_) => tracing::info!("stopped: requests and jobs under way finished"),
        Err(_) => {
            tracing::warn!("stopped with a job pass still running after 60 s; its jobs run again once their lease ends")
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    #[cfg(feature = "server")]
    fn debug_never_shows_a_password() {
        let cli = Cli::parse_from([
            "openecf",
            "--database",
            "postgres://u:hunter2@h/db",
            "serve",
            "--smtp-url",
            "smtps://me:hunter3@mail.example.org",
        ]);
        let shown = format!("{cli:?}");
        assert!(!shown.contains("hunter") && shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn urls_in_messages_lose_their_password() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:[redacted]@h/db");
        assert_eq!(
            redact("postgres://u@h/db?password=secret"),
            "postgres://u@h/db?password=[redacted]"
        );
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
