//! The number a charged form carries (`k`): issued by the server for one
//! session and good for an hour, so a link from another site cannot run —
//! and charge — a search in a visitor's name, and a reload or a second click
//! of the same page is recognised as the same request (not charged again).

use openecf_app::keys::hmac_sha256;

use crate::AppState;

/// How long a form's number is good for, in minutes.
const GOOD_FOR_MINUTES: i64 = 60;

fn mac(state: &AppState, session_hash: &str, nonce: &str) -> String {
    let tag = hmac_sha256(&state.search_key[..], &[session_hash.as_bytes(), nonce.as_bytes()]);
    hex::encode(&tag[..16])
}

fn minute(state: &AppState) -> i64 {
    state.clock.now().timestamp() / 60
}

/// A fresh `k` for this session's form: the minute it was issued, a random
/// part, and their MAC.
pub(crate) fn issue(state: &AppState, session_hash: &str) -> String {
    let nonce = format!(
        "{:08x}{}",
        minute(state) & 0xffff_ffff,
        &openecf_app::tokens::random_token()[..8]
    );
    format!("{nonce}.{}", mac(state, session_hash, &nonce))
}

/// Whether `k` was issued for this session within the hour.
pub(crate) fn verify(state: &AppState, session_hash: &str, k: &str) -> bool {
    let Some((nonce, tag)) = k.split_once('.') else {
        return false;
    };
    if nonce.len() != 16 || tag.len() != 32 {
        return false;
    }
    let Ok(issued) = i64::from_str_radix(&nonce[..8], 16) else {
        return false;
    };
    let age = (minute(state) & 0xffff_ffff) - issued;
    if !(0..=GOOD_FOR_MINUTES).contains(&age) {
        return false;
    }
    let want = mac(state, session_hash, nonce);
    subtle::ConstantTimeEq::ct_eq(want.as_bytes(), tag.as_bytes()).into()
}
