//! Running the server as operations do: JSON logs, and SIGTERM ends it
//! cleanly once the requests and the job pass under way have finished.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Scratch;

#[test]
fn sigterm_stops_the_server_cleanly_and_logs_are_json_when_asked() {
    let s = Scratch::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_openecf"))
        .args(["--log-format", "json", "serve", "--bind", "127.0.0.1:0"])
        .env("OPENECF_DATABASE_URL", s.url())
        .env("OPENECF_LOG", "info")
        .env("OPENECF_MAIL_DIR", s.dir.path().join("mail"))
        .current_dir(s.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = loop {
        assert!(Instant::now() < deadline, "the server never said where it listens");
        let line = out.next().unwrap().unwrap();
        if let Some(a) = line.strip_prefix("openecf listening on http://") {
            break a.to_owned();
        }
    };
    // It serves; then SIGTERM.
    let health = std::net::TcpStream::connect(&addr).map(|mut c| {
        use std::io::{Read, Write};
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut body = String::new();
        c.read_to_string(&mut body).unwrap();
        body
    });
    assert!(health.unwrap().ends_with("ok\n"));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "SIGTERM did not stop the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
        assert!(!line.contains('\u{1b}'), "colour codes in a log line: {line}");
    }
    assert!(err.contains("stopped: requests and jobs under way finished"), "{err}");
}
