//! Signing in to the Central Sign-On, shared by PACER LOGIN and its one-time
//! passcode step: the use cases are `openecf_app::signin`; this sets the cookie
//! and sends the user on.

use axum::http::header::SET_COOKIE;
use axum::response::Response;
use openecf_app::signin::{self, Pending, Proof};

use crate::paths::{encode_next, see_other};
use crate::session::{device_cookie, set_cookie, Visitor, PACER_COOKIE};
use crate::{AppError, AppState};

/// Issues a fresh session token (ending the one the browser had) and sends
/// the user on: to the upgrade page, to MFA enrolment, or where they were going.
pub(crate) async fn finish(
    state: &AppState,
    visitor: &Visitor,
    proof: Proof,
    next: &str,
    client_code: &str,
) -> Result<Response, AppError> {
    let account = proof.account().clone();
    let signed_in = signin::start_session(state, proof, &visitor.client(), visitor.sent_pacer_token.as_deref()).await?;
    if !client_code.is_empty() {
        // Checked before the password was: it bills this session's searches.
        openecf_app::fees::set_client_code(state, &crate::session::hash_token(&signed_in.token), client_code)
            .await?
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
    }
    let dest = match signed_in.pending {
        Pending::Upgrade => format!("/account/upgrade?next={}", encode_next(next)),
        Pending::EnrolMfa { .. } => format!("/account/mfa/enrol?next={}", encode_next(next)),
        Pending::Nothing => next.to_owned(),
    };
    let mut res = see_other(&dest);
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(PACER_COOKIE, &signed_in.token, "/", state.config.secure_cookies()),
    );
    if let Some(device) = signin::remember_device(state, &account, visitor.device.as_deref()).await? {
        res.headers_mut()
            .append(SET_COOKIE, device_cookie(&device, state.config.secure_cookies()));
    }
    Ok(res)
}
