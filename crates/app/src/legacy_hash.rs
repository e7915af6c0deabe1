//! Password hashes brought from a legacy system by `ecf import`: which
//! formats are taken, within which cost bounds, and how each is verified.
//! Every format is verified by a RustCrypto crate (`argon2`, `scrypt`,
//! `pbkdf2` through `password-hash`; `bcrypt`); nothing here hashes by hand.
//!
//! A stored hash decides what every password check of its account costs, so
//! its cost is bounded both ways: too weak and the hash protects nothing (it
//! is refused so the court sees which accounts need a new password); too
//! costly and a few guesses at one login would tie up the hashing pool.
//!
//! | format | taken | why the bounds |
//! | --- | --- | --- |
//! | `$argon2id$`, `$argon2i$` | m = 8 MiB … 256 MiB, t = 1 … 10, p = 1 … 16 | below 8 MiB the memory hardness is gone; 256 MiB or 10 passes is seconds of a core and that memory for every guess |
//! | `$2a$`, `$2b$`, `$2y$` (bcrypt) | cost 8 … 14 | cost 8 (256 rounds) is the least any common library ever defaulted to; cost 14 is about a second of a core a check, and each step doubles it |
//! | `$scrypt$` | 8 MiB ≤ 128·r·2^ln ≤ 256 MiB, p ≤ 16, 128·r·2^ln·p ≤ 1 GiB | the same memory bounds as Argon2; p repeats the work |
//! | `$pbkdf2-sha256$` | i = 10,000 … 2,000,000 | 10,000 is the lowest count legacy frameworks used; 2,000,000 is a third of a second of a core |
//!
//! `$argon2d$` (not meant for passwords) and bcrypt's `$2x$` (made by a
//! known-broken implementation) are refused.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::{Argon2, Params};

/// A format a legacy hash is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashFormat {
    Argon2id,
    Argon2i,
    Bcrypt,
    Scrypt,
    Pbkdf2Sha256,
}

/// The bounds, named for messages and the README.
pub const ARGON2_MIN_KIB: u32 = 8 * 1024;
pub const ARGON2_MAX_KIB: u32 = 256 * 1024;
pub const ARGON2_MAX_T: u32 = 10;
pub const ARGON2_MAX_P: u32 = 16;
pub const BCRYPT_COSTS: std::ops::RangeInclusive<u32> = 8..=14;
pub const SCRYPT_MIN_BYTES: u64 = 8 << 20;
pub const SCRYPT_MAX_BYTES: u64 = 256 << 20;
pub const SCRYPT_MAX_WORK: u64 = 1 << 30;
pub const SCRYPT_MAX_P: u32 = 16;
pub const PBKDF2_ITERATIONS: std::ops::RangeInclusive<u32> = 10_000..=2_000_000;

/// Why a hash cannot be imported (a sentence for the line's report).
pub type Refusal = String;

fn is_bcrypt(s: &str) -> bool {
    s.starts_with("$2a$") || s.starts_with("$2b$") || s.starts_with("$2y$") || s.starts_with("$2x$")
}

/// Whether a hash may be imported, and its format. `floor` false checks only
/// the upper bounds (at verify time: a weak hash stored by an older version
/// still verifies; a costly one never costs its price).
fn check(phc: &str, floor: bool) -> Result<HashFormat, Refusal> {
    if is_bcrypt(phc) {
        if phc.starts_with("$2x$") {
            return Err("bcrypt $2x$ hashes were made by a known-broken implementation; use $2a$, $2b$ or $2y$".into());
        }
        let parts: bcrypt::HashParts = phc.parse().map_err(|e| format!("not a bcrypt hash ({e})"))?;
        let cost = parts.get_cost();
        if cost > *BCRYPT_COSTS.end() {
            return Err(format!(
                "bcrypt cost {cost} too costly (at most {}: each step doubles what every login attempt costs)",
                BCRYPT_COSTS.end()
            ));
        }
        if floor && cost < *BCRYPT_COSTS.start() {
            return Err(format!(
                "bcrypt cost {cost} too weak (at least {})",
                BCRYPT_COSTS.start()
            ));
        }
        return Ok(HashFormat::Bcrypt);
    }
    let parsed = PasswordHash::new(phc).map_err(|e| format!("not a PHC password hash ({e})"))?;
    if parsed.hash.is_none() || parsed.salt.is_none() {
        return Err("the hash has no salt or no output".into());
    }
    match parsed.algorithm.as_str() {
        "argon2id" | "argon2i" => {
            let params = Params::try_from(&parsed).map_err(|e| format!("bad Argon2 parameters ({e})"))?;
            let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
            if m > ARGON2_MAX_KIB || t > ARGON2_MAX_T || p > ARGON2_MAX_P {
                return Err(format!(
                    "Argon2 parameters too costly (m={m}, t={t}, p={p}; at most m={ARGON2_MAX_KIB} KiB = 256 MiB, t={ARGON2_MAX_T}, p={ARGON2_MAX_P}: every login attempt at the account would take that memory and time)"
                ));
            }
            if floor && m < ARGON2_MIN_KIB {
                return Err(format!(
                    "Argon2 parameters too weak (m={m} KiB is below 8 MiB, m={ARGON2_MIN_KIB}): such a hash is cheap to crack"
                ));
            }
            Ok(if parsed.algorithm.as_str() == "argon2id" {
                HashFormat::Argon2id
            } else {
                HashFormat::Argon2i
            })
        }
        "scrypt" => {
            let params = scrypt::Params::try_from(&parsed).map_err(|e| format!("bad scrypt parameters ({e})"))?;
            let memory = (128u64 * u64::from(params.r())) << params.log_n();
            let work = memory.saturating_mul(u64::from(params.p()));
            if memory > SCRYPT_MAX_BYTES || params.p() > SCRYPT_MAX_P || work > SCRYPT_MAX_WORK {
                return Err(format!(
                    "scrypt parameters too costly (ln={}, r={}, p={}: {} MiB; at most 256 MiB, p={SCRYPT_MAX_P} and 1 GiB of work)",
                    params.log_n(),
                    params.r(),
                    params.p(),
                    memory >> 20
                ));
            }
            if floor && memory < SCRYPT_MIN_BYTES {
                return Err(format!(
                    "scrypt parameters too weak (ln={}, r={}: {} KiB is below 8 MiB)",
                    params.log_n(),
                    params.r(),
                    memory >> 10
                ));
            }
            Ok(HashFormat::Scrypt)
        }
        "pbkdf2-sha256" => {
            let params = pbkdf2::Params::try_from(&parsed).map_err(|e| format!("bad PBKDF2 parameters ({e})"))?;
            let i = params.rounds;
            if i > *PBKDF2_ITERATIONS.end() {
                return Err(format!(
                    "PBKDF2 iterations too costly (i={i}; at most {})",
                    PBKDF2_ITERATIONS.end()
                ));
            }
            if floor && i < *PBKDF2_ITERATIONS.start() {
                return Err(format!(
                    "PBKDF2 iterations too weak (i={i}; at least {})",
                    PBKDF2_ITERATIONS.start()
                ));
            }
            Ok(HashFormat::Pbkdf2Sha256)
        }
        "argon2d" => Err(
            "argon2d is not a password hash (it leaks through side channels); only argon2id and argon2i are taken"
                .into(),
        ),
        other => Err(format!(
            "{other} hashes cannot be imported (argon2id, argon2i, bcrypt, scrypt or pbkdf2-sha256)"
        )),
    }
}

/// Whether a password hash brought from another system may be stored: one
/// of the formats above, within its cost bounds.
pub fn check_imported_hash(phc: &str) -> Result<HashFormat, Refusal> {
    check(phc, true)
}

/// Checks a password against a stored hash of any format taken. A hash
/// beyond the upper bounds, or not a hash at all, never matches.
#[cfg(test)]
pub(crate) fn verify(hash: &str, password: &str) -> bool {
    verify_in(hash, password, &mut Vec::new())
}

/// Checks a password against a stored hash of any format taken (a hash
/// beyond the upper bounds, or not a hash at all, never matches), with
/// Argon2's memory (19 MiB at our parameters) taken from `memory`, which is
/// grown as needed and kept for the next check: no fresh 19 MiB to
/// allocate, fault in and zero for every check, and a hashing thread holds
/// exactly that much between checks whatever the allocator does.
pub(crate) fn verify_in(hash: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(format) = check(hash, false) else {
        return false;
    };
    let pw = password.as_bytes();
    match format {
        HashFormat::Bcrypt => bcrypt::verify(pw, hash).unwrap_or(false),
        HashFormat::Argon2id | HashFormat::Argon2i | HashFormat::Scrypt | HashFormat::Pbkdf2Sha256 => {
            let Ok(parsed) = PasswordHash::new(hash) else {
                return false;
            };
            match format {
                HashFormat::Scrypt => scrypt::Scrypt.verify_password(pw, &parsed).is_ok(),
                HashFormat::Pbkdf2Sha256 => pbkdf2::Pbkdf2.verify_password(pw, &parsed).is_ok(),
                // Argon2 verifies with the variant and parameters stored in the hash.
                _ => argon2_verify(&parsed, pw, memory),
            }
        }
    }
}

/// Argon2 at the variant, version and parameters a PHC hash names, into
/// the caller's memory; the output compared in constant time.
fn argon2_verify(parsed: &PasswordHash<'_>, pw: &[u8], memory: &mut Vec<argon2::Block>) -> bool {
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; argon2::password_hash::Salt::MAX_LENGTH];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    let hashed = argon.hash_password_into_with_memory(pw, salt, &mut out, &mut memory[..blocks]);
    // An imported hash may ask for up to 256 MiB: that much is not kept.
    if memory.len() > KEPT_BLOCKS {
        memory.truncate(KEPT_BLOCKS);
        memory.shrink_to_fit();
    }
    hashed.is_ok() && bool::from(subtle::ConstantTimeEq::ct_eq(out.as_slice(), expected.as_bytes()))
}

/// The Argon2 memory a hashing thread keeps between checks: what our own
/// parameters use (19 MiB, in 1 KiB blocks).
const KEPT_BLOCKS: usize = 19 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};

    fn argon(alg: argon2::Algorithm, m: u32, t: u32) -> String {
        let params = Params::new(m, t, 1, None).unwrap();
        Argon2::new(alg, argon2::Version::V0x13, params)
            .hash_password(b"Legacy-Pass-1", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string()
    }

    #[test]
    fn argon2_in_kept_memory_agrees_with_the_argon2_crate() {
        let long_output = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            Params::new(8192, 1, 2, Some(64)).unwrap(),
        )
        .hash_password(b"Legacy-Pass-1", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let hashes = [
            argon(argon2::Algorithm::Argon2id, 24 * 1024, 1),
            argon(argon2::Algorithm::Argon2i, 8192, 2),
            argon(argon2::Algorithm::Argon2id, 19 * 1024, 2),
            long_output,
        ];
        // One memory for every check, as a hashing thread keeps it.
        let mut memory = Vec::new();
        for hash in &hashes {
            let parsed = PasswordHash::new(hash).unwrap();
            for pw in ["Legacy-Pass-1", "Legacy-Pass-2", ""] {
                let theirs = Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok();
                assert_eq!(verify_in(hash, pw, &mut memory), theirs, "{hash} with {pw:?}");
                assert_eq!(theirs, pw == "Legacy-Pass-1");
            }
            // More than our own parameters use is not kept.
            assert!(memory.len() <= KEPT_BLOCKS, "{} blocks kept", memory.len());
        }
        assert_eq!(memory.len(), KEPT_BLOCKS);
        // A tampered output never matches.
        let tampered = hashes[2].replace(&hashes[2][hashes[2].len() - 4..], "AAAA");
        assert!(!verify_in(&tampered, "Legacy-Pass-1", &mut memory));
    }

    #[test]
    fn each_format_verifies_the_right_password_only() {
        let salt = SaltString::generate(&mut OsRng);
        let hashes = [
            argon(argon2::Algorithm::Argon2id, 8192, 1),
            argon(argon2::Algorithm::Argon2i, 8192, 3),
            bcrypt::hash("Legacy-Pass-1", 8).unwrap(),
            scrypt::Scrypt
                .hash_password_customized(
                    b"Legacy-Pass-1",
                    None,
                    None,
                    scrypt::Params::new(13, 8, 1, 32).unwrap(),
                    &salt,
                )
                .unwrap()
                .to_string(),
            pbkdf2::Pbkdf2
                .hash_password_customized(
                    b"Legacy-Pass-1",
                    Some(pbkdf2::Algorithm::Pbkdf2Sha256.ident()),
                    None,
                    pbkdf2::Params {
                        rounds: 10_000,
                        output_length: 32,
                    },
                    &salt,
                )
                .unwrap()
                .to_string(),
        ];
        let formats: Vec<_> = hashes.iter().map(|h| check_imported_hash(h).unwrap()).collect();
        assert_eq!(
            formats,
            [
                HashFormat::Argon2id,
                HashFormat::Argon2i,
                HashFormat::Bcrypt,
                HashFormat::Scrypt,
                HashFormat::Pbkdf2Sha256
            ]
        );
        for h in &hashes {
            assert!(verify(h, "Legacy-Pass-1"), "{h}");
            assert!(!verify(h, "Legacy-Pass-2"), "{h}");
        }
        for variant in ["$2a$", "$2y$"] {
            let h = hashes[2].replacen("$2b$", variant, 1);
            assert!(verify(&h, "Legacy-Pass-1"), "{h}");
        }
    }

    #[test]
    fn costs_are_bounded_both_ways_with_the_reason() {
        let weak = argon(argon2::Algorithm::Argon2id, 4096, 2);
        assert!(check_imported_hash(&weak).unwrap_err().contains("too weak"));
        assert!(
            verify(&weak, "Legacy-Pass-1"),
            "a weak hash stored earlier still verifies"
        );
        let good = argon(argon2::Algorithm::Argon2id, 8192, 1);
        let costly = good.replace("m=8192", "m=524288");
        assert!(check_imported_hash(&costly).unwrap_err().contains("too costly"));
        assert!(!verify(&costly, "Legacy-Pass-1"), "a costly hash is never run");
        let passes = good.replace("t=1", "t=11");
        assert!(check_imported_hash(&passes).unwrap_err().contains("too costly"));
        let d = good.replace("$argon2id$", "$argon2d$");
        assert!(check_imported_hash(&d).unwrap_err().contains("argon2d"));
        let b = bcrypt::hash("x", 4).unwrap();
        assert!(check_imported_hash(&b).unwrap_err().contains("too weak"));
        let b15 = b.replacen("$04$", "$15$", 1);
        assert!(check_imported_hash(&b15).unwrap_err().contains("too costly"));
        let x = b.replacen("$2b$", "$2x$", 1);
        assert!(check_imported_hash(&x).unwrap_err().contains("known-broken"));
        assert!(
            check_imported_hash("$scrypt$ln=12,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
                .unwrap_err()
                .contains("too weak")
        );
        assert!(
            check_imported_hash("$scrypt$ln=20,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
                .unwrap_err()
                .contains("too costly")
        );
        assert!(check_imported_hash(
            "$pbkdf2-sha256$i=1000,l=32$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
        )
        .unwrap_err()
        .contains("too weak"));
        assert!(check_imported_hash("$md5$x$y").is_err());
        assert!(check_imported_hash("plain text").is_err());
    }
}
