//! Random tokens (sessions, held verifications, reset links): 256 bits from
//! the OS RNG, hex-encoded; only their SHA-256 is ever stored.

use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A token in decimal digits (256 bits), for links whose readers expect a
/// number: CM/ECF's free-look `magic_num`.
pub fn random_digits_token() -> String {
    let half = || {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        u128::from_be_bytes(bytes)
    };
    format!("{:039}{:039}", half(), half())
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::random_digits_token;

    #[test]
    fn a_digits_token_is_78_decimal_digits_and_never_the_same() {
        let (a, b) = (random_digits_token(), random_digits_token());
        assert_eq!(a.len(), 78);
        assert!(a.bytes().all(|c| c.is_ascii_digit()), "{a}");
        assert_ne!(a, b);
    }
}
