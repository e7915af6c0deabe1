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

use std::io::Write;
use std::process::{Command, Stdio};

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
