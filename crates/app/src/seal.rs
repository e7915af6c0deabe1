//! Secrets that must be read back (TOTP secrets) are sealed at rest with
//! XChaCha20-Poly1305 under a key derived from the server key: a copy of the
//! database alone does not give them up. Sealed values read `v1:` followed by
//! the hex of a random 24-byte nonce and the ciphertext.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::keys::ServerKey;

const PREFIX: &str = "v1:";

/// Whether a stored value is sealed (older rows hold plain text).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

fn cipher(key: &ServerKey) -> XChaCha20Poly1305 {
    cipher_for(key, "totp-secrets")
}

fn cipher_for(key: &ServerKey, purpose: &str) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&key.derive(purpose).into())
}

/// Seals a debtor's SSN or ITIN (a key of its own purpose).
pub fn seal_tax_id(key: &ServerKey, plain: &str) -> anyhow::Result<String> {
    seal_with(&cipher_for(key, "tax-ids"), plain)
}

/// Opens a sealed SSN or ITIN.
pub fn open_tax_id(key: &ServerKey, stored: &str) -> anyhow::Result<String> {
    open_with(&cipher_for(key, "tax-ids"), stored)
}

/// Seals a secret for storage.
pub fn seal(key: &ServerKey, plain: &str) -> anyhow::Result<String> {
    seal_with(&cipher(key), plain)
}

fn seal_with(cipher: &XChaCha20Poly1305, plain: &str) -> anyhow::Result<String> {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
        .map_err(|_| anyhow::anyhow!("cannot seal a secret"))?;
    Ok(format!("{PREFIX}{}{}", hex::encode(nonce), hex::encode(sealed)))
}

/// Opens a stored secret: a sealed one with the key (an error if it was
/// sealed under another key or altered), a plain one (written before sealing
/// began) as it is.
pub fn open(key: &ServerKey, stored: &str) -> anyhow::Result<String> {
    open_with(&cipher(key), stored)
}

fn open_with(cipher: &XChaCha20Poly1305, stored: &str) -> anyhow::Result<String> {
    let Some(hexed) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_owned());
    };
    let bytes = hex::decode(hexed).map_err(|_| anyhow::anyhow!("a sealed secret is not hex"))?;
    if bytes.len() < 24 {
        anyhow::bail!("a sealed secret is too short");
    }
    let (nonce, sealed) = bytes.split_at(24);
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), sealed)
        .map_err(|_| anyhow::anyhow!("a sealed secret does not open with this server key (was the key changed?)"))?;
    String::from_utf8(plain).map_err(|_| anyhow::anyhow!("a sealed secret is not text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let key = ServerKey::random();
        let sealed = seal(&key, "JBSWY3DPEHPK3PXP").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            seal(&key, "JBSWY3DPEHPK3PXP").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(open(&key, &sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(
            open(&ServerKey::random(), &sealed).is_err(),
            "another key cannot open it"
        );
        let mut altered = sealed.clone();
        altered.pop();
        altered.push('0');
        assert!(open(&key, &altered).is_err() || altered == sealed);
        assert_eq!(open(&key, "PLAINOLDSECRET").unwrap(), "PLAINOLDSECRET");
    }
}
