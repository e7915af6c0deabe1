//! The costs behind every login: the breached-password check and the Argon2id
//! hash (the server's physical limit). Run: `cargo bench -p openecf-app --bench auth`.

use std::hint::black_box;
use std::time::Instant;

use openecf_app::{common_password_count, is_common_password, Hasher};
use openecf_domain::Password;

fn main() {
    // Breached-password list: build the index once, then look up.
    let started = Instant::now();
    let n = common_password_count();
    println!(
        "common passwords: {n} entries, index built in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let probes = [
        "password",
        "NICK1234-rem936",
        "Walnut-Harbor-Lantern-42",
        "Correct-Horse-Battery-Staple",
    ];
    let rounds = 200_000;
    let started = Instant::now();
    let mut hits = 0usize;
    for i in 0..rounds {
        hits += usize::from(is_common_password(black_box(probes[i % probes.len()])));
    }
    let per = started.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "common-password check: {:.0} ns per password ({hits} hits in {rounds})",
        per * 1e9
    );

    // Argon2id at OWASP parameters, on the bounded pool.
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return;
        }
    };
    rt.block_on(async {
        let Ok(hasher) = Hasher::new() else { return };
        let Some(pw) = Password::attempt("Walnut-Harbor-Lantern-42") else {
            return;
        };
        let Ok(hash) = hasher.hash(&pw).await else { return };
        let serial = 10;
        let started = Instant::now();
        for _ in 0..serial {
            let _ = hasher.verify(Some(&hash), &pw).await;
        }
        let one = started.elapsed().as_secs_f64() / f64::from(serial);
        println!(
            "argon2id verify (m=19 MiB, t=2, p=1): {:.1} ms each, one at a time",
            one * 1e3
        );
        let parallel = 40;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..parallel {
            let (h, hash, pw) = (hasher.clone(), hash.clone(), pw.clone());
            tasks.push(tokio::spawn(async move { h.verify(Some(&hash), &pw).await }));
        }
        for t in tasks {
            let _ = t.await;
        }
        let rate = f64::from(parallel) / started.elapsed().as_secs_f64();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        println!(
            "argon2id verify throughput on {cores} cores: {rate:.0} logins per second (the ceiling of password logins)"
        );
    });
}
