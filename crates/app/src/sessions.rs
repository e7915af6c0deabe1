//! Sessions: started at login with a fresh token, ended by timeouts, logout,
//! revocation and credential changes. Only the token's hash is stored.

use openecf_domain::PacerAccountId;
use openecf_store::{Principal, SessionRow};

use crate::tokens::{hash_token, random_token};
use crate::{secs, App, Result};

/// Touch `last_seen_at` at most this often (seconds): saves a write per request.
const TOUCH_EVERY_SECS: i64 = 60;

/// Where a request came from: its address and browser.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

/// Starts a session with a fresh token; returns the token.
pub async fn start(app: &App, who: Principal, client: &Client) -> Result<String> {
    let token = random_token();
    app.store
        .create_session(
            &hash_token(&token),
            who,
            app.clock.now(),
            &client.ip,
            &client.user_agent,
        )
        .await?;
    Ok(token)
}

/// The stored session of a token hash, if it has not timed out; a timed-out
/// one is deleted. A live one is marked as seen (at most once a minute).
pub async fn resolve(app: &App, token_hash: &str) -> Result<Option<SessionRow>> {
    let Some(row) = app.store.session(token_hash).await? else {
        return Ok(None);
    };
    let now = app.clock.now();
    let idle = secs(app.settings.idle_timeout);
    if now - row.last_seen_at >= idle || now - row.created_at >= secs(app.settings.absolute_timeout) {
        app.store.delete_session(token_hash).await?;
        return Ok(None);
    }
    let touch = chrono::Duration::seconds(TOUCH_EVERY_SECS).min(idle / 2);
    if now - row.last_seen_at >= touch {
        app.store.touch_session(token_hash, now).await?;
    }
    Ok(Some(row))
}

/// Ends a session (logout). Returns whether there was one.
pub async fn end(app: &App, token_hash: &str) -> Result<bool> {
    Ok(app.store.delete_session(token_hash).await?)
}

/// Ends one of the account's own sessions (Revoke); another's is left alone.
pub async fn revoke(app: &App, account: PacerAccountId, token_hash: &str) -> Result<bool> {
    let own = app.store.pacer_sessions(account).await?;
    if own.iter().any(|s| s.token_hash == token_hash) {
        return Ok(app.store.delete_session(token_hash).await?);
    }
    Ok(false)
}

/// Ends every session of the account but the one asking (Log out all other sessions).
pub async fn revoke_others(app: &App, account: PacerAccountId, keep: &str) -> Result<u64> {
    Ok(app.store.delete_pacer_sessions(account, Some(keep)).await?)
}
