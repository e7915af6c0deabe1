//! TOTP (RFC 6238: 6 digits, 30-second steps, SHA-1 as authenticator apps
//! expect), its QR code as inline SVG, and backup codes.

use qrcode::render::svg;
use qrcode::QrCode;
use rand::Rng;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::keys::ServerKey;

pub const STEP: i64 = 30;
pub const ISSUER: &str = "PACER (openecf)";

/// A fresh 160-bit secret, base32.
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(bytes) => hex::encode(bytes),
    }
}

fn totp(secret: &str, username: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP as u64,
        bytes,
        Some(ISSUER.to_owned()),
        username.to_owned(),
    )
    .ok()
}

/// The passcode of a time step.
pub fn code_at(secret: &str, step: i64) -> Option<String> {
    Some(totp(secret, "x")?.generate((step * STEP).max(0) as u64))
}

/// The step (now, or one either side for clock drift) whose passcode this is.
pub fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now / STEP;
    (current - 1..=current + 1).find(|step| {
        code_at(secret, *step).is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(code.as_bytes())))
    })
}

/// The otpauth:// URL an authenticator app scans.
pub fn otpauth_url(secret: &str, username: &str) -> Option<String> {
    Some(totp(secret, username)?.get_url())
}

/// The QR code of a URL, as an SVG element to inline in the page (no external service).
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the element sits inside HTML.
    Some(match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => svg,
    })
}

/// Ten single-use backup codes like `k3mf-9qzt-x7cd-hw2p`: 16 characters
/// from 31 unambiguous ones (79 random bits each).
pub fn backup_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..10)
        .map(|_| {
            let chars: Vec<char> = (0..16)
                .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A backup code's normal form: letters and digits, lower case.
fn normal(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// How a backup code is stored: `h1:` and an HMAC-SHA256 of its normal form
/// under a key derived from the server key, so that a copy of the database
/// alone cannot be searched for the codes.
pub fn hash_backup_code(key: &ServerKey, code: &str) -> String {
    let mac = crate::keys::hmac_sha256(&key.derive("backup-codes"), &[normal(code).as_bytes()]);
    format!("h1:{}", hex::encode(mac))
}

/// Whether a stored backup code was stored the old way (plain SHA-256).
pub fn is_legacy_backup_hash(stored: &str) -> bool {
    !stored.starts_with("h1:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); 6 digits: 287082.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
        assert_eq!(code_at(secret, 59 / STEP).as_deref(), Some("287082"));
        assert_eq!(matching_step(secret, "287082", 59), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 3 * STEP), None, "too old");
        assert_eq!(matching_step(secret, "28708", 59), None);
    }

    #[test]
    fn secrets_make_scannable_codes() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "jfiler2026").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&secret));
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn backup_codes_are_distinct_and_normalised() {
        let codes = backup_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        assert!(
            codes.iter().all(|c| c.len() == 19 && normal(c).len() == 16),
            "{codes:?}"
        );
        let key = ServerKey::random();
        assert_eq!(hash_backup_code(&key, "ABCD-EFGH"), hash_backup_code(&key, "abcdefgh"));
        assert_ne!(
            hash_backup_code(&key, "abcdefgh"),
            hash_backup_code(&ServerKey::random(), "abcdefgh"),
            "keyed: a database copy alone cannot be searched"
        );
    }
}
