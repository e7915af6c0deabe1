//! The physical limit of password logins: raw Argon2id verifications a
//! second at openecf's parameters (m = 19 MiB, t = 2, p = 1), one thread per
//! core, nothing else: the server's own verification function
//! (`hasher::verify_blocking`, its memory kept between checks as the
//! server's pool keeps it) with no server around it. `bench/load.sh` runs it
//! beside the server's logins.
//!
//! Usage: `argon2_rate [SECONDS] [THREADS] [fresh]` (default 10 seconds,
//! every core). With `fresh`, each verification allocates its 19 MiB anew,
//! as the `argon2` crate's own `verify_password` does: what openecf did
//! before its hashing threads kept their memory.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use openecf_app::hasher::verify_blocking;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10);
    let threads: usize = match args.next() {
        Some(s) => s.parse()?,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let fresh = args.next().as_deref() == Some("fresh");
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None)?);
    let salt = SaltString::encode_b64(b"openecf-bench-salt")?;
    let hash = argon.hash_password(b"Walnut-Harbor-Lantern-42", &salt)?.to_string();
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (hash, done, stop) = (hash.clone(), done.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut memory = Vec::new();
                let parsed = PasswordHash::new(&hash).map_err(|e| e.to_string())?;
                while !stop.load(Ordering::Relaxed) {
                    let ok = if fresh {
                        Argon2::default()
                            .verify_password(b"Walnut-Harbor-Lantern-42", &parsed)
                            .is_ok()
                    } else {
                        verify_blocking(&hash, "Walnut-Harbor-Lantern-42", &mut memory)
                    };
                    if !ok {
                        return Err("the password did not verify".to_owned());
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().map_err(|_| "a worker panicked")??;
    }
    let n = done.load(Ordering::Relaxed);
    let rate = n as f64 / started.elapsed().as_secs_f64();
    let how = if fresh { ", fresh memory each" } else { "" };
    println!("raw Argon2id verifications{how}: {n} in {seconds} s on {threads} threads = {rate:.1}/s");
    Ok(())
}
