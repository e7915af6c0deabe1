//! The number a charged search form carries (`k`): issued by the server for
//! one session, so a link from another site cannot run — and charge — a
//! search in a visitor's name, and a reload of the results is recognised as
//! the same request.

use openecf_app::keys::hmac_sha256;

use crate::AppState;

fn mac(state: &AppState, session_hash: &str, nonce: &str) -> String {
    let key = state.config.secret_key.derive("search-form");
    let tag = hmac_sha256(&key, &[session_hash.as_bytes(), nonce.as_bytes()]);
    hex::encode(&tag[..16])
}

/// A fresh `k` for this session's form.
pub(crate) fn issue(state: &AppState, session_hash: &str) -> String {
    let nonce = &openecf_app::tokens::random_token()[..16];
    format!("{nonce}.{}", mac(state, session_hash, nonce))
}

/// Whether `k` was issued for this session.
pub(crate) fn verify(state: &AppState, session_hash: &str, k: &str) -> bool {
    let Some((nonce, tag)) = k.split_once('.') else {
        return false;
    };
    if nonce.len() != 16 || tag.len() != 32 {
        return false;
    }
    let want = mac(state, session_hash, nonce);
    subtle::ConstantTimeEq::ct_eq(want.as_bytes(), tag.as_bytes()).into()
}
