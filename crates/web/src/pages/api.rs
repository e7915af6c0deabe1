//! The PACER Authentication API, as existing PACER clients call it, and its
//! OpenAPI document. Every answer is JSON, errors included.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::session::{hash_token, Client};
use crate::{AppError, AppState};
use openecf_app::signin::{self, Pending};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/cso-auth", post(cso_auth).fallback(wrong_method))
        .route("/services/cso-logout", post(cso_logout).fallback(wrong_logout_method))
        .route("/openapi.json", get(openapi))
}

/// `loginResult` values.
pub const OK: &str = "0";
pub const WRONG_CREDENTIALS: &str = "1";
pub const BAD_REQUEST: &str = "2";
pub const OTP_REQUIRED: &str = "3";
pub const SERVICE_ERROR: &str = "9";

/// `Debug` leaves the password out.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthRequest {
    /// The PACER username.
    pub login_id: String,
    pub password: String,
    /// Optional client code for billing: at most 32 characters, no spaces or commas.
    #[serde(default)]
    pub client_code: Option<String>,
    /// "1" to acknowledge the redaction rules (filers).
    #[serde(default)]
    pub redact_flag: Option<String>,
    /// The one-time passcode, for accounts with multi-factor authentication.
    #[serde(default)]
    pub otp_code: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    /// "0" success; "1" wrong credentials; "2" malformed request; "3" one-time passcode required or wrong; "9" service error.
    pub login_result: String,
    /// The session token: send it as the NextGenCSO cookie or the X-NEXT-GEN-CSO header.
    #[serde(rename = "nextGenCSO", skip_serializing_if = "Option::is_none")]
    pub next_gen_cso: Option<String>,
    /// Why the login failed, or (with "0") an action the account must take.
    pub error_description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    #[serde(rename = "nextGenCSO")]
    pub next_gen_cso: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogoutResponse {
    /// "0" once the token is ended (also when it had already ended).
    pub logout_result: String,
    pub error_description: String,
}

impl std::fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthRequest")
            .field("login_id", &self.login_id)
            .field("password", &"[redacted]")
            .field("client_code", &self.client_code)
            .field("otp_code", &self.otp_code.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl std::fmt::Debug for LogoutRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogoutRequest { next_gen_cso: [redacted] }")
    }
}

impl std::fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthResponse")
            .field("login_result", &self.login_result)
            .field("next_gen_cso", &self.next_gen_cso.as_ref().map(|_| "[redacted]"))
            .field("error_description", &self.error_description)
            .finish()
    }
}

fn answer(status: StatusCode, result: &str, token: Option<String>, description: impl Into<String>) -> Response {
    (
        status,
        Json(AuthResponse {
            login_result: result.to_owned(),
            next_gen_cso: token,
            error_description: description.into(),
        }),
    )
        .into_response()
}

fn logout_answer(status: StatusCode, result: &str, description: impl Into<String>) -> Response {
    (
        status,
        Json(LogoutResponse {
            logout_result: result.to_owned(),
            error_description: description.into(),
        }),
    )
        .into_response()
}

/// A refusal made before the handler (cross-site, rate limit) in the JSON
/// shape of the API path it answers; `None` for the other paths.
pub(crate) fn refusal(path: &str, status: StatusCode, why: &str) -> Option<Response> {
    let result = if status == StatusCode::TOO_MANY_REQUESTS {
        WRONG_CREDENTIALS
    } else {
        BAD_REQUEST
    };
    match path {
        "/services/cso-auth" => Some(answer(status, result, None, why)),
        "/services/cso-logout" => Some(logout_answer(status, result, why)),
        _ => None,
    }
}

/// JSON in, with a JSON error (never a 500) for malformed JSON, wrong types,
/// a missing content type or an oversized body: `cso-auth`'s shape
/// (`loginResult`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state)
            .await
            .map(Self)
            .map_err(|(status, why)| answer(status, BAD_REQUEST, None, why))
    }
}

/// The same for `cso-logout`, whose every answer has its shape (`logoutResult`).
pub struct LogoutJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for LogoutJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_json(req, state)
            .await
            .map(Self)
            .map_err(|(status, why)| logout_answer(status, BAD_REQUEST, why))
    }
}

async fn read_json<S: Send + Sync, T: DeserializeOwned>(req: Request, state: &S) -> Result<T, (StatusCode, String)> {
    match Json::<T>::from_request(req, state).await {
        Ok(Json(v)) => Ok(v),
        Err(rejection) => {
            let status = rejection.status();
            let why = match &rejection {
                JsonRejection::JsonSyntaxError(_) => "The request body is not valid JSON.".to_owned(),
                JsonRejection::JsonDataError(e) => {
                    format!("The request does not have the expected fields: {}", e.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => {
                    "Send the request with Content-Type: application/json.".to_owned()
                }
                _ => format!("The request could not be read: {}", rejection.body_text()),
            };
            Err((status, why))
        }
    }
}

/// Log in and get a NextGenCSO token.
#[utoipa::path(
    post,
    path = "/services/cso-auth",
    request_body = AuthRequest,
    responses(
        (status = 200, description = "loginResult \"0\" with a token, or a non-zero loginResult with errorDescription", body = AuthResponse),
        (status = 400, description = "malformed JSON", body = AuthResponse),
        (status = 413, description = "body too large", body = AuthResponse),
        (status = 403, description = "a cross-site request (loginResult \"2\")", body = AuthResponse),
        (status = 405, description = "not POST", body = AuthResponse),
        (status = 415, description = "not JSON", body = AuthResponse),
        (status = 422, description = "missing fields or wrong types", body = AuthResponse),
        (status = 429, description = "too many logins from this address (loginResult \"1\"); Retry-After says when to try again", body = AuthResponse),
        (status = 500, description = "service error (loginResult \"9\")", body = AuthResponse),
    )
)]
pub(crate) async fn cso_auth(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<AuthRequest>,
) -> Response {
    json_errors(auth(state, client, req).await)
}

/// Anything but POST on the API's paths: a JSON 405.
pub(crate) async fn wrong_method() -> Response {
    answer(
        StatusCode::METHOD_NOT_ALLOWED,
        BAD_REQUEST,
        None,
        "Use POST with a JSON body.",
    )
}

/// Anything but POST on `cso-logout`: a JSON 405 in its own shape.
pub(crate) async fn wrong_logout_method() -> Response {
    logout_answer(
        StatusCode::METHOD_NOT_ALLOWED,
        BAD_REQUEST,
        "Use POST with a JSON body.",
    )
}

/// `json_errors` for `cso-logout`: `logoutResult` "9".
fn logout_errors(result: Result<Response, AppError>) -> Response {
    match result {
        Ok(r) => r,
        Err(AppError::Busy(why)) => {
            let mut res = logout_answer(
                StatusCode::SERVICE_UNAVAILABLE,
                SERVICE_ERROR,
                format!("{} (Retry-After)", why.message()),
            );
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, crate::error::BUSY_RETRY_SECS.into());
            res
        }
        Err(e) => {
            let op = crate::error::operation_id_now();
            tracing::error!(error = format!("{e:#}"), op = %op, "API request failed");
            logout_answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                SERVICE_ERROR,
                format!("Something went wrong on our side; try again. Operation id: {op}"),
            )
        }
    }
}

/// An unexpected failure is logged and answered in JSON too (`loginResult` "9").
fn json_errors(result: Result<Response, AppError>) -> Response {
    match result {
        Ok(r) => r,
        Err(AppError::Busy(why)) => {
            let mut res = answer(
                StatusCode::SERVICE_UNAVAILABLE,
                SERVICE_ERROR,
                None,
                format!("{} (Retry-After)", why.message()),
            );
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, crate::error::BUSY_RETRY_SECS.into());
            res
        }
        Err(e) => {
            let op = crate::error::operation_id_now();
            tracing::error!(error = format!("{e:#}"), op = %op, "API request failed");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                SERVICE_ERROR,
                None,
                format!("Something went wrong on our side; try again. Operation id: {op}"),
            )
        }
    }
}

async fn auth(state: AppState, client: Client, req: AuthRequest) -> Result<Response, AppError> {
    if let Some(code) = &req.client_code {
        if openecf_domain::fees::check_client_code(code).is_err() {
            return Ok(answer(
                StatusCode::OK,
                BAD_REQUEST,
                None,
                "clientCode: at most 32 characters, with no spaces or commas.",
            ));
        }
    }
    if req.redact_flag.as_deref().is_some_and(|f| f != "1" && f != "0") {
        return Ok(answer(
            StatusCode::OK,
            BAD_REQUEST,
            None,
            "redactFlag: use \"1\" or \"0\".",
        ));
    }
    let verified = match signin::pacer_password(&state, &req.login_id, &req.password, &client.ip, None).await? {
        signin::LoginCheck::Passed(v) => v,
        signin::LoginCheck::Wrong => {
            return Ok(answer(
                StatusCode::OK,
                WRONG_CREDENTIALS,
                None,
                "Invalid username or password.",
            ))
        }
        signin::LoginCheck::Disabled => {
            return Ok(answer(
                StatusCode::OK,
                WRONG_CREDENTIALS,
                None,
                signin::DISABLED_MESSAGE,
            ));
        }
    };
    let proof = if verified.mfa().is_on() {
        let account = verified.settle().await?;
        match req.otp_code.as_deref().filter(|c| !c.trim().is_empty()) {
            None => {
                return Ok(answer(
                    StatusCode::OK,
                    OTP_REQUIRED,
                    None,
                    "A one-time passcode is required: send it as otpCode.",
                ))
            }
            Some(code) => {
                if !signin::second_factor(&state, &account, code, &client.ip).await? {
                    return Ok(answer(StatusCode::OK, OTP_REQUIRED, None, "Invalid one-time passcode."));
                }
            }
        }
        signin::Proof::SecondFactor(account)
    } else {
        signin::Proof::Password(verified)
    };
    // Like a browser session, one whose MFA enrolment is overdue may do
    // nothing but enrol.
    let signed_in = signin::start_session(&state, proof, &client.to_app(), None).await?;
    let token = signed_in.token;
    if let Some(code) = req.client_code.as_deref().filter(|c| !c.trim().is_empty()) {
        // Checked above: the session's searches and documents bill to it.
        openecf_app::fees::set_client_code(&state, &crate::session::hash_token(&token), code)
            .await?
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
    }
    let pending = match signed_in.pending {
        Pending::Nothing => String::new(),
        Pending::Upgrade => "This PACER account was created before August 2014 and must be upgraded before it can link or file: log in at PACER and upgrade it.".into(),
        Pending::EnrolMfa { forced, skips_left } => {
            if forced {
                "Multi-factor authentication enrolment is due: log in at PACER and set up an authenticator app before filing.".into()
            } else {
                format!("Multi-factor authentication is required for filers: set up an authenticator app at PACER ({skips_left} postponements left).")
            }
        }
    };
    Ok(answer(StatusCode::OK, OK, Some(token), pending))
}

/// End a NextGenCSO token.
#[utoipa::path(
    post,
    path = "/services/cso-logout",
    request_body = LogoutRequest,
    responses(
        (status = 200, description = "logoutResult \"0\": the token is ended", body = LogoutResponse),
        (status = 400, description = "malformed JSON (logoutResult \"2\")", body = LogoutResponse),
        (status = 403, description = "a cross-site request (logoutResult \"2\")", body = LogoutResponse),
        (status = 405, description = "not POST (logoutResult \"2\")", body = LogoutResponse),
        (status = 413, description = "body too large (logoutResult \"2\")", body = LogoutResponse),
        (status = 415, description = "not JSON (logoutResult \"2\")", body = LogoutResponse),
        (status = 422, description = "missing fields or wrong types (logoutResult \"2\")", body = LogoutResponse),
        (status = 500, description = "service error (logoutResult \"9\")", body = LogoutResponse),
    )
)]
pub(crate) async fn cso_logout(
    State(state): State<AppState>,
    client: Client,
    LogoutJson(req): LogoutJson<LogoutRequest>,
) -> Response {
    logout_errors(
        async {
            signin::logout(&state, &hash_token(&req.next_gen_cso), &client.ip).await?;
            Ok(Json(LogoutResponse {
                logout_result: OK.into(),
                error_description: String::new(),
            })
            .into_response())
        }
        .await,
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "openecf PACER Authentication API",
        description = "Central Sign-On for programs: one token works at every court."
    ),
    paths(cso_auth, cso_logout),
    components(schemas(AuthRequest, AuthResponse, LogoutRequest, LogoutResponse))
)]
pub struct ApiDoc;

pub(crate) async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
