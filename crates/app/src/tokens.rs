//! Random tokens (sessions, held verifications, reset links): 256 bits from
//! the OS RNG, hex-encoded; only their SHA-256 is ever stored.

use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// Lower-case hex of `bytes`, by table into one allocation (`hex::encode`
/// builds it a `char` at a time: a page request hashes and encodes tokens
/// several times).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
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
    to_hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::{hash_token, random_digits_token, to_hex};

    #[test]
    fn hex_is_lower_case_two_digits_a_byte_as_hex_encode_gives() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(to_hex(&bytes), hex::encode(&bytes));
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_digits_token_is_78_decimal_digits_and_never_the_same() {
        let (a, b) = (random_digits_token(), random_digits_token());
        assert_eq!(a.len(), 78);
        assert!(a.bytes().all(|c| c.is_ascii_digit()), "{a}");
        assert_ne!(a, b);
    }
}
