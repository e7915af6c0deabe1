//! What registration, upgrade, password change and reset ask of a new
//! password and a new identity: checked field by field, every problem at once.

use openecf_domain::{Email, Password, PasswordContext, PersonName, Username};

pub(crate) use openecf_app::accounts::Identity;
use openecf_app::is_common_password;

pub(crate) const PASSWORD_RULES: &str = "A password has 14 to 45 characters, with at least one lowercase letter, one uppercase letter and one special character; it may not contain your name, username or email address, and may not be a commonly used password.";

/// A new password: both copies equal and the PACER password standard met.
pub(crate) fn new_password(
    raw: &str,
    confirm: &str,
    username: &str,
    name: &str,
    email: &str,
) -> Result<Password, String> {
    if raw != confirm {
        return Err("The two passwords do not match.".into());
    }
    let ctx = PasswordContext { username, name, email };
    Password::new_checked(raw, ctx, is_common_password).map_err(|e| e.to_string())
}

/// What registration and upgrade both ask for, each field checked, every
/// problem reported at once.
pub(crate) fn parse_identity(
    username: &str,
    name: &str,
    email: &str,
    password: &str,
    confirm: &str,
) -> Result<Identity, Vec<String>> {
    let mut errors = Vec::new();
    let u = Username::parse_new(username)
        .map_err(|e| errors.push(format!("Username: {}", e.reason)))
        .ok();
    let n = PersonName::parse(name)
        .map_err(|e| errors.push(format!("Full name: {}", e.reason)))
        .ok();
    let e = Email::parse(email)
        .map_err(|e| errors.push(format!("Email: {}", e.reason)))
        .ok();
    let p = new_password(password, confirm, username, name, email)
        .map_err(|e| errors.push(format!("Password: {e}")))
        .ok();
    match (u, n, e, p) {
        (Some(username), Some(name), Some(email), Some(password)) => Ok(Identity {
            username,
            name,
            email,
            password,
        }),
        _ => Err(errors),
    }
}
