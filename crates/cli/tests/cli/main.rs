//! The `openecf` binary, run as operators and court staff run it, and the
//! seed's six steps in a real browser against `openecf serve --demo`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod case;
mod commands;
mod console;
mod court_ops;
mod crash;
mod ecf_import;
mod generate;
mod juriscraper;
mod ops;
mod pacersdk;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use openecf_store::testkit::TempDir;

pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// A scratch folder with its own SQLite database.
pub struct Scratch {
    pub dir: TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: TempDir::new().unwrap(),
        }
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}/openecf.db", self.dir.path().display())
    }

    /// Runs `openecf ARGS` on this database, with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_openecf"))
            .args(args)
            .env("OPENECF_DATABASE_URL", self.url())
            .env("OPENECF_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        Run {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let r = self.run(args, stdin);
        assert!(r.ok, "openecf {args:?} failed:\n{}\n{}", r.stdout, r.stderr);
        r.stdout
    }

    #[track_caller]
    pub fn fails(&self, args: &[&str], stdin: &str, message: &str) {
        let r = self.run(args, stdin);
        assert!(!r.ok, "openecf {args:?} should fail:\n{}", r.stdout);
        assert!(
            r.stderr.contains(message),
            "expected {message:?} from openecf {args:?}, got:\n{}",
            r.stderr
        );
    }
}

/// An `openecf serve` child process, killed and waited for on drop.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `openecf serve` (with `extra` arguments) on a free port of the
/// loopback interface, its mail, documents and key under `dir`; returns the
/// process and its base URL once it listens.
#[allow(
    clippy::zombie_processes,
    reason = "the child is wrapped in Server, which waits for it on drop"
)]
pub fn serve(url: &str, dir: &std::path::Path, extra: &[&str]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env("OPENECF_DATABASE_URL", url)
        .env("OPENECF_LOG", "error")
        .env("OPENECF_MAIL_DIR", dir.join("mail"))
        .env("OPENECF_DOCUMENTS_DIR", dir.join("documents"))
        .env("OPENECF_SECRET_KEY_FILE", dir.join("secret.key"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the server did not start");
        let line = lines.next().unwrap().unwrap();
        if let Some(addr) = line.strip_prefix("openecf listening on ") {
            std::thread::spawn(move || for _ in lines.by_ref() {});
            return (Server(child), addr.to_owned());
        }
    }
}
