//! Sessions: started at login with a fresh token, ended by timeouts, logout,
//! revocation and credential changes. Only the token's hash is stored.

use openecf_domain::{AuditAction, AuditOutcome, PacerAccount};
use openecf_store::Principal;

pub use crate::cache::SessionView;

use crate::audit::account_event;
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

/// The stored session of a token hash with its PACER account, if it has not
/// timed out; a timed-out one is deleted. A live one is marked as seen (at
/// most once a minute, by one of the requests that share its cache entry;
/// a session found gone when marked opens nothing). Read through the cache
/// ([`crate::cache`]): a session ended on another node opens nothing here
/// once `cache_ttl` has passed.
pub async fn resolve(app: &App, token_hash: &str) -> Result<Option<SessionView>> {
    let Some(view) = app.cached_session(token_hash).await? else {
        return Ok(None);
    };
    let now = app.clock.now();
    let idle = secs(app.settings.idle_timeout);
    let last_seen = view.last_seen();
    if now - last_seen >= idle || now - view.row.created_at >= secs(app.settings.absolute_timeout) {
        end(app, token_hash).await?;
        return Ok(None);
    }
    let touch = chrono::Duration::seconds(TOUCH_EVERY_SECS).min(idle / 2);
    if now - last_seen >= touch && view.claim_touch(last_seen, now) && !app.store.touch_session(token_hash, now).await?
    {
        // Ended elsewhere since it was cached.
        app.caches.forget_session(token_hash).await;
        return Ok(None);
    }
    Ok(Some(view))
}

/// Ends a session (logout). Returns whether there was one.
pub async fn end(app: &App, token_hash: &str) -> Result<bool> {
    let ended = app.store.delete_session(token_hash).await?;
    app.caches.forget_session(token_hash).await;
    Ok(ended)
}

/// Ends one of the account's own sessions (Revoke); another's is left alone. Audited.
pub async fn revoke(app: &App, account: &PacerAccount, token_hash: &str, ip: &str) -> Result<bool> {
    let own = app.store.pacer_sessions(account.id).await?;
    let Some(revoked) = own.iter().find(|s| s.token_hash == token_hash) else {
        return Ok(false);
    };
    let mut tx = app.store.write().await?;
    let n = tx.end_session(token_hash).await?;
    let mut event = account_event(
        AuditAction::SessionRevoke,
        AuditOutcome::Done,
        account.id,
        &account.username,
        ip,
    );
    event.detail = format!(
        "the session started {} from {}",
        revoked.created_at.format("%Y-%m-%d %H:%M UTC"),
        revoked.ip
    );
    tx.insert_audit(&event, app.clock.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// Ends every session of the account but the one asking (Log out all other sessions). Audited.
pub async fn revoke_others(app: &App, account: &PacerAccount, keep: &str, ip: &str) -> Result<u64> {
    let mut tx = app.store.write().await?;
    let n = tx.end_sessions(account.id, Some(keep)).await?;
    let mut event = account_event(
        AuditAction::SessionRevoke,
        AuditOutcome::Done,
        account.id,
        &account.username,
        ip,
    );
    event.detail = format!("all other sessions ({n})");
    tx.insert_audit(&event, app.clock.now()).await?;
    tx.commit().await?;
    Ok(n)
}
