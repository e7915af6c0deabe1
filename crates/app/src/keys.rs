//! The server's secret key: 32 random bytes from which every keyed use
//! derives its own key (`derive("csrf")`, …), so that one secret, kept in
//! one place, never serves two purposes.
//!
//! It comes from `OPENECF_SECRET_KEY` (64 hex digits or base64 of 32 bytes),
//! or from a key file created on first start (mode 0600 on Unix). Several
//! nodes share one key: give them the same file or variable.

use std::fmt;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey([redacted])")
    }
}

impl ServerKey {
    /// A fresh random key (tests, or a key file's first start).
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The key in `path`, or a new one written there (mode 0600, its folder
    /// created) when the file does not exist. A file that is not 32 bytes
    /// (raw) or 64 hex digits is refused rather than replaced.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => Self::from_file_bytes(&bytes)
                .with_context(|| format!("the secret key file {} is not a key", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let key = Self::random();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                match options.open(path) {
                    Ok(mut file) => {
                        file.write_all(hex::encode(key.0).as_bytes())
                            .and_then(|()| file.sync_all())
                            .with_context(|| format!("cannot write the secret key file {}", path.display()))?;
                        Ok(key)
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load_or_create(path),
                    Err(e) => Err(e).with_context(|| format!("cannot create the secret key file {}", path.display())),
                }
            }
            Err(e) => Err(e).with_context(|| format!("cannot read the secret key file {}", path.display())),
        }
    }

    fn from_file_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
            if !raw.iter().all(u8::is_ascii_hexdigit) {
                return Ok(Self(raw));
            }
        }
        let text = std::str::from_utf8(bytes).context("neither 32 bytes nor text")?;
        Self::from_env_value(text)
    }

    /// The key as `OPENECF_SECRET_KEY` holds it: 64 hex digits, or base64 of 32 bytes.
    pub fn from_env_value(value: &str) -> anyhow::Result<Self> {
        let value = value.trim();
        let bytes = if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(value).context("not hex")?
        } else {
            base64_decode(value).context("a secret key is 64 hex digits or the base64 of 32 bytes")?
        };
        match <[u8; 32]>::try_from(bytes.as_slice()) {
            Ok(raw) => Ok(Self(raw)),
            Err(_) => bail!("a secret key is 32 bytes (64 hex digits, or 44 characters of base64)"),
        }
    }

    /// The key for one purpose: HMAC-SHA256(key, purpose). Distinct purposes
    /// get independent keys; none of them reveals the server key.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256(&self.0, &[purpose.as_bytes()])
    }
}

/// HMAC-SHA256 over the concatenation of `parts`, each preceded by its length
/// (so that no two different lists of parts give the same input).
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    #[allow(clippy::expect_used, reason = "HMAC takes a key of any length")]
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_load_from_hex_and_base64_and_never_print() {
        let hex = "00".repeat(31) + "01";
        let a = ServerKey::from_env_value(&hex).unwrap();
        let b = ServerKey::from_env_value("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=").unwrap();
        assert_eq!(a.derive("csrf"), b.derive("csrf"));
        assert_ne!(a.derive("csrf"), a.derive("totp"));
        assert!(ServerKey::from_env_value("abcd").is_err());
        assert_eq!(format!("{a:?}"), "ServerKey([redacted])");
    }

    #[test]
    fn a_key_file_is_created_once_private() {
        let dir = std::env::temp_dir().join(format!("openecf-key-{}", hex::encode(ServerKey::random().derive("t"))));
        let path = dir.join("secret.key");
        let first = ServerKey::load_or_create(&path).unwrap();
        let again = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(first.derive("x"), again.derive("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "short").unwrap();
        assert!(ServerKey::load_or_create(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
