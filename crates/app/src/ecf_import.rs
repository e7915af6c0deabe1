//! `ecf import`: a court's legacy CM/ECF accounts from a CSV file, as a real
//! court exports them, in one transaction.
//!
//! - The header is `login,name,email,role,bar_id,password_hash` (or
//!   `password`, or both columns with one filled a row), in any order. A
//!   wrong header is named once against the expected one.
//! - The file is read as a stream: a row (record) longer than
//!   [`MAX_RECORD_BYTES`] or more than [`MAX_ROWS`] rows refuse the whole
//!   file, so a file that is not CSV, or endless input, costs bounded memory.
//!   Only the valid rows are kept (a few hundred bytes each).
//! - Every row is checked first. Without `skip_invalid` one bad row imports
//!   nothing; with it the valid rows are imported. Either way the bad rows are
//!   listed by line (the first [`LISTED`], then a count).
//! - A login the court has is compared with its row: name, email, role and
//!   bar id are updated when they differ; its password only when the file's
//!   password cell changed since the import that set it. That is told by a
//!   keyed fingerprint of the cell (HMAC-SHA256 under a key derived from the
//!   server key, never the password), so an imported password re-hashed at its
//!   first use, or changed by its holder, is not overwritten by importing the
//!   same file again. An account with no fingerprint of this key (added by
//!   hand, imported by an older version, or before the key was rotated) keeps
//!   its password and takes the file's fingerprint.
//! - Plaintext passwords are hashed (Argon2id) in parallel on the hashing
//!   pool, as wide as the machine's cores; hashes from another system are
//!   stored as they are (see [`crate::legacy_hash`]) and re-hashed to our
//!   Argon2id at their first successful use ([`rehash_if_needed`]).

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use openecf_domain::{BarId, CourtId, EcfAccount, EcfLogin, Email, Password, PersonName, Role};
use openecf_store::{ImportBaseline, ImportedEcf, StoreError};

use crate::keys::hmac_sha256;
use crate::App;

/// The longest row (CSV record) read: no valid row comes near it.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;
/// The most rows one file may have.
pub const MAX_ROWS: u64 = 5_000_000;
/// How many bad lines (or changed rows) are listed before a count.
pub const LISTED: usize = 50;
/// The header, as messages name it.
pub const EXPECTED_HEADER: &str = "login,name,email,role,bar_id,password_hash";

/// How an import runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Import the valid rows and list the others, rather than nothing.
    pub skip_invalid: bool,
    pub max_record_bytes: u64,
    pub max_rows: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            skip_invalid: false,
            max_record_bytes: MAX_RECORD_BYTES,
            max_rows: MAX_ROWS,
        }
    }
}

/// What the caller shows while passwords are hashed (the CLI's progress bar).
pub trait Progress: Send + Sync {
    /// `total` plaintext passwords are about to be hashed.
    fn hashing(&self, _total: u64) {}
    /// One more is hashed.
    fn hashed(&self) {}
    /// Hashing is over (the rows are being written).
    fn writing(&self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

/// Lines to show: the first [`LISTED`], and how many more there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    pub lines: Vec<String>,
    pub more: usize,
}

impl Listed {
    fn push(&mut self, line: String) {
        if self.lines.len() < LISTED {
            self.lines.push(line);
        } else {
            self.more += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len() + self.more
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Existing accounts whose password was set from the file (their cell changed).
    pub passwords_changed: usize,
    /// Plaintext passwords hashed.
    pub hashed: usize,
    /// The updated rows: "line 5: jfiler: email, role".
    pub changes: Listed,
    /// Rows left out (with `skip_invalid`), by line.
    pub skipped: Listed,
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("wrong header: found `{found}`, expected `{EXPECTED_HEADER}` (or `password` for plaintext passwords){why}; nothing was imported")]
    WrongHeader { found: String, why: String },
    #[error("the file is empty: expected a header row `{EXPECTED_HEADER}`")]
    Empty,
    #[error(
        "the row after line {after} is longer than {limit} bytes: not a CSV file of accounts? Nothing was imported"
    )]
    TooLong { after: u64, limit: u64 },
    #[error("more than {0} rows: split the file; nothing was imported")]
    TooManyRows(u64),
    #[error("{bad} of {total} rows have errors; nothing was imported")]
    Invalid { errors: Listed, bad: usize, total: usize },
    #[error("the file has no accounts to import")]
    NoRows,
    #[error("the CM/ECF login {0} was added at the court while the import ran; nothing was imported: run it again")]
    Raced(String),
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    App(#[from] crate::Error),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// The secret of a row: a password to hash, or a hash from another system.
enum Secret {
    Plain(Password),
    Hash(String),
}

/// One valid row.
struct Row {
    line: u64,
    account: ImportedEcf,
    secret: Secret,
}

/// A reader that refuses a record longer than its limit: the count of bytes
/// read since the last [`reset`](Bounded::reset) (the CSV reader's buffer
/// reads ahead at most 8 KiB, so the bound is kept within that).
struct Bounded<R> {
    inner: R,
    since: Arc<AtomicU64>,
    limit: u64,
}

#[derive(Debug)]
struct RecordTooLong;
impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}
impl std::error::Error for RecordTooLong {}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since.load(Ordering::Relaxed) > self.limit {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        self.since.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn too_long(e: &csv::Error) -> bool {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>()),
        _ => false,
    }
}

/// Where each column is.
struct Columns {
    login: usize,
    name: usize,
    email: usize,
    role: usize,
    bar_id: usize,
    password: Option<usize>,
    password_hash: Option<usize>,
    count: usize,
}

/// Text fit to show: no control characters, at most `max` characters.
fn shown(raw: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

fn columns(header: &csv::ByteRecord) -> Result<Columns, ImportError> {
    let found = shown(&header.iter().collect::<Vec<_>>().join(&b","[..]), 200);
    let wrong = |why: String| ImportError::WrongHeader {
        found: found.clone(),
        why,
    };
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| wrong(": it is not UTF-8 text".into()))?
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        if at.insert(name.clone(), i).is_some() {
            return Err(wrong(format!(": `{}` appears twice", shown(name.as_bytes(), 40))));
        }
    }
    let known = ["login", "name", "email", "role", "bar_id", "password", "password_hash"];
    if let Some(extra) = at.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(wrong(format!(": no column `{}`", shown(extra.as_bytes(), 40))));
    }
    let need = |name: &str| {
        at.get(name)
            .copied()
            .ok_or_else(|| wrong(format!(": `{name}` is missing")))
    };
    let columns = Columns {
        login: need("login")?,
        name: need("name")?,
        email: need("email")?,
        role: need("role")?,
        bar_id: need("bar_id")?,
        password: at.get("password").copied(),
        password_hash: at.get("password_hash").copied(),
        count: header.len(),
    };
    if columns.password.is_none() && columns.password_hash.is_none() {
        return Err(wrong(": `password_hash` (or `password`) is missing".into()));
    }
    Ok(columns)
}

/// Checks one row; the reason if it is wrong ("email: …").
fn row(
    record: &csv::ByteRecord,
    c: &Columns,
    line: u64,
    seen: &mut HashMap<String, u64>,
) -> Result<(ImportedEcf, Secret), String> {
    if record.len() != c.count {
        return Err(format!("{} fields, expected {}", record.len(), c.count));
    }
    let field = |i: usize| -> Result<&str, String> {
        std::str::from_utf8(record.get(i).unwrap_or_default()).map_err(|_| "not UTF-8 text".to_owned())
    };
    let optional = |i: Option<usize>| -> Result<Option<&str>, String> {
        Ok(match i {
            Some(i) => Some(field(i)?).filter(|v| !v.is_empty()),
            None => None,
        })
    };
    let login = EcfLogin::parse(field(c.login)?).map_err(|e| e.to_string())?;
    if let Some(first) = seen.get(login.as_str()) {
        return Err(format!(
            "the login {login} appears twice in the file (first on line {first})"
        ));
    }
    let name = PersonName::parse(field(c.name)?).map_err(|e| e.to_string())?;
    let email = Email::parse(field(c.email)?).map_err(|e| e.to_string())?;
    let role = Role::parse(field(c.role)?).map_err(|e| e.to_string())?;
    let bar = field(c.bar_id)?.trim();
    let bar_id = if bar.is_empty() {
        None
    } else {
        Some(BarId::parse(bar).map_err(|e| e.to_string())?)
    };
    let secret = match (optional(c.password)?, optional(c.password_hash)?) {
        (Some(p), None) => Secret::Plain(Password::new_legacy(p).map_err(|e| format!("password: {e}"))?),
        (None, Some(h)) => {
            crate::legacy_hash::check_imported_hash(h).map_err(|e| format!("password_hash: {e}"))?;
            Secret::Hash(h.to_owned())
        }
        (Some(_), Some(_)) => return Err("give password or password_hash, not both".into()),
        (None, None) if c.password_hash.is_some() => return Err("password_hash: missing".into()),
        (None, None) => return Err("password: missing".into()),
    };
    seen.insert(login.to_string(), line);
    let account = ImportedEcf {
        login,
        name,
        email,
        role,
        bar_id,
        password_hash: None,
        fingerprint: String::new(),
    };
    Ok((account, secret))
}

/// Reads and checks the whole file: the valid rows, the bad lines, how many rows.
fn read_rows<R: Read>(input: R, opts: &Options) -> Result<(Vec<Row>, Listed, usize), ImportError> {
    let since = Arc::new(AtomicU64::new(0));
    let bounded = Bounded {
        inner: input,
        since: since.clone(),
        limit: opts.max_record_bytes,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bounded);
    let mut record = csv::ByteRecord::new();
    let read = |reader: &mut csv::Reader<Bounded<R>>, record: &mut csv::ByteRecord, after: u64| {
        reader.read_byte_record(record).map_err(|e| {
            if too_long(&e) {
                ImportError::TooLong {
                    after,
                    limit: opts.max_record_bytes,
                }
            } else {
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => ImportError::Io(io),
                    // Byte records of any length: no other error is expected.
                    other => ImportError::Io(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("not CSV ({other:?})"),
                    )),
                }
            }
        })
    };
    if !read(&mut reader, &mut record, 0)? {
        return Err(ImportError::Empty);
    }
    let c = columns(&record)?;
    since.store(0, Ordering::Relaxed);
    let mut rows = Vec::new();
    let mut bad = Listed::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut total: u64 = 0;
    let mut last_line = 1;
    while read(&mut reader, &mut record, last_line)? {
        since.store(0, Ordering::Relaxed);
        let line = record.position().map_or(last_line + 1, csv::Position::line);
        last_line = line;
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // a blank line
        }
        total += 1;
        if total > opts.max_rows {
            return Err(ImportError::TooManyRows(opts.max_rows));
        }
        match row(&record, &c, line, &mut seen) {
            Ok((account, secret)) => rows.push(Row { line, account, secret }),
            Err(why) => bad.push(format!("line {line}: {why}")),
        }
    }
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    Ok((rows, bad, total))
}

/// The keyed fingerprint of a row's password cell: the key's own id, then
/// HMAC-SHA256 of the court, login and cell under a key derived from the server key.
fn fingerprint(app: &App, court: &CourtId, login: &EcfLogin, secret: &Secret) -> String {
    let key = app.settings.secret_key.derive("ecf-import-fingerprint");
    let (kind, cell) = match secret {
        Secret::Plain(p) => ("password", p.expose()),
        Secret::Hash(h) => ("password_hash", h.as_str()),
    };
    let mac = hmac_sha256(
        &key,
        &[
            court.as_str().as_bytes(),
            login.as_str().as_bytes(),
            kind.as_bytes(),
            cell.as_bytes(),
        ],
    );
    format!("{}:{}", key_id(app), hex::encode(mac))
}

fn key_id(app: &App) -> String {
    hex::encode(&app.settings.secret_key.derive("ecf-import-key-id")[..4])
}

/// What differs between a row and the account the court has.
fn differences(row: &ImportedEcf, had: &ImportBaseline) -> Vec<&'static str> {
    let mut out = Vec::new();
    if row.name.as_str() != had.name {
        out.push("name");
    }
    if row.email.as_str() != had.email {
        out.push("email");
    }
    if row.role.as_str() != had.role {
        out.push("role");
    }
    if row.bar_id.as_ref().map(|b| b.as_str()) != had.bar_id.as_deref() {
        out.push("bar id");
    }
    out
}

/// Imports a court's CM/ECF accounts from CSV `input` (see the module).
pub async fn import<R: Read + Send>(
    app: &App,
    court: &CourtId,
    input: R,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Report, ImportError> {
    let (rows, bad, total) = read_rows(input, opts)?;
    if !bad.is_empty() && !opts.skip_invalid {
        let bad_count = bad.len();
        return Err(ImportError::Invalid {
            errors: bad,
            bad: bad_count,
            total,
        });
    }
    if total == 0 {
        return Err(ImportError::NoRows);
    }
    let mut report = Report {
        skipped: bad,
        ..Report::default()
    };
    let had: HashMap<String, ImportBaseline> = app
        .store
        .ecf_import_baseline(court)
        .await?
        .into_iter()
        .map(|b| (b.login.clone(), b))
        .collect();
    let ours = format!("{}:", key_id(app));
    // Decide each row: new, changed (and whether its password is set), or unchanged.
    let mut new = Vec::new();
    let mut changed = Vec::new();
    let mut to_hash: Vec<(bool, usize, Password)> = Vec::new();
    for Row {
        line,
        mut account,
        secret,
    } in rows
    {
        account.fingerprint = fingerprint(app, court, &account.login, &secret);
        let set_password = match had.get(account.login.as_str()) {
            None => true,
            Some(b) => b
                .import_fingerprint
                .as_deref()
                .is_some_and(|fp| fp.starts_with(&ours) && fp != account.fingerprint),
        };
        if set_password {
            match secret {
                Secret::Hash(h) => account.password_hash = Some(h),
                Secret::Plain(p) => {
                    let index = if had.contains_key(account.login.as_str()) {
                        changed.len()
                    } else {
                        new.len()
                    };
                    to_hash.push((had.contains_key(account.login.as_str()), index, p));
                }
            }
        }
        match had.get(account.login.as_str()) {
            None => new.push(account),
            Some(b) => {
                let mut what = differences(&account, b);
                if set_password {
                    what.push("password");
                    report.passwords_changed += 1;
                }
                if !what.is_empty() {
                    report.updated += 1;
                    report
                        .changes
                        .push(format!("line {line}: {}: {}", account.login, what.join(", ")));
                    changed.push(account);
                } else {
                    report.unchanged += 1;
                    if b.import_fingerprint.as_deref() != Some(account.fingerprint.as_str()) {
                        // The same account, now with this file's fingerprint.
                        changed.push(account);
                    }
                }
            }
        }
    }
    report.new = new.len();
    report.hashed = to_hash.len();
    hash_all(app, to_hash, &mut new, &mut changed, progress).await?;
    progress.writing();
    match app.store.import_ecf(court, &new, &changed, app.clock.now()).await {
        Ok(()) => Ok(report),
        Err(StoreError::EcfLoginTaken { login, .. }) => Err(ImportError::Raced(login.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Hashes the plaintext passwords on the hashing pool, as many at once as
/// it has threads (and a few queued), each into its row.
async fn hash_all(
    app: &App,
    work: Vec<(bool, usize, Password)>,
    new: &mut [ImportedEcf],
    changed: &mut [ImportedEcf],
    progress: &dyn Progress,
) -> Result<(), ImportError> {
    if work.is_empty() {
        return Ok(());
    }
    progress.hashing(work.len() as u64);
    let width = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    let mut running = tokio::task::JoinSet::new();
    let mut work = work.into_iter();
    loop {
        while running.len() < width {
            let Some((existing, index, password)) = work.next() else {
                break;
            };
            let hasher = app.hasher.clone();
            running.spawn(async move { (existing, index, hasher.hash(&password).await) });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (existing, index, hash) =
            done.map_err(|e| crate::Error::from(anyhow::anyhow!("a hashing task failed: {e}")))?;
        let hash = hash.map_err(crate::Error::from)?;
        let rows = if existing { &mut *changed } else { &mut *new };
        if let Some(row) = rows.get_mut(index) {
            row.password_hash = Some(hash);
        }
        progress.hashed();
    }
    Ok(())
}

/// After a successful password check: a hash that is not Argon2id at our
/// parameters (imported from a legacy system, or older) is replaced by our
/// Argon2id of the same password, unless it changed meanwhile. A failure
/// here is logged and does not fail the sign-in.
pub(crate) async fn rehash_if_needed(app: &App, account: &EcfAccount, hash: &str, password: &Password) {
    if !crate::hasher::needs_rehash(hash) {
        return;
    }
    let result = async {
        let fresh = app.hasher.hash(password).await.map_err(|e| anyhow::anyhow!(e))?;
        app.store
            .rehash_ecf_password(account.id, hash, &fresh)
            .await
            .map_err(anyhow::Error::from)
    }
    .await;
    match result {
        Ok(true) => {
            tracing::info!(court = %account.court, login = %account.login, "imported CM/ECF password hash replaced by Argon2id")
        }
        Ok(false) => {}
        Err(e) => {
            tracing::warn!(court = %account.court, login = %account.login, error = %e, "could not re-hash a CM/ECF password")
        }
    }
}
