//! Passwords and the PACER password standard.

use std::fmt;

/// A password as typed. Never printed: `Debug` shows only its length.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Password(<{} characters>)", self.0.chars().count())
    }
}

/// What the password must not contain: the account's own name, username and email.
#[derive(Debug, Clone, Copy)]
pub struct PasswordContext<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("Enter a password.")]
    Empty,
    #[error("The password must be at least {min} characters long.", min = Password::MIN)]
    TooShort,
    #[error("The password must be at most {max} characters long.", max = Password::MAX)]
    TooLong,
    #[error("The password must contain at least one lowercase letter.")]
    NoLowercase,
    #[error("The password must contain at least one uppercase letter.")]
    NoUppercase,
    #[error("The password must contain at least one special character (a character that is not a letter or digit).")]
    NoSpecial,
    #[error("The password must not contain your {part}.")]
    ContainsPersonalInfo { part: &'static str },
    #[error("This password is on the list of commonly used, breached passwords. Choose another.")]
    Common,
    #[error("The password may not contain control characters or invisible formatting characters (such as zero-width spaces or direction marks).")]
    InvisibleCharacters,
    #[error("This password is too easy to guess{}. Add another word or two, or use a passphrase of unrelated words.", warning.as_deref().map(|w| format!(": {}", w.trim_end_matches('.'))).unwrap_or_default())]
    Guessable { warning: Option<String> },
}

/// Whether a character is a control or an invisible formatting character
/// (zero-width, bidirectional controls, soft hyphen, BOM …): it cannot be
/// typed reliably again, and can make two passwords look alike.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// The least zxcvbn score a new password needs: 3, "safely unguessable"
/// (about 10^10 guesses), as OWASP and NIST advise for online accounts.
pub const MIN_STRENGTH: u8 = 3;

impl Password {
    pub const MIN: usize = 14;
    pub const MAX: usize = 45;
    /// The most a login attempt may send; longer input is refused unhashed.
    pub const MAX_ATTEMPT: usize = 1024;

    /// A password offered at login: checked only for size, never against the standard
    /// (old passwords predate it).
    pub fn attempt(raw: &str) -> Option<Self> {
        (!raw.is_empty() && raw.len() <= Self::MAX_ATTEMPT).then(|| Self(raw.to_owned()))
    }

    /// A new password: it must meet the PACER password standard. `is_common`
    /// answers whether a password is on the breached-password list.
    pub fn new_checked(
        raw: &str,
        ctx: PasswordContext<'_>,
        is_common: impl Fn(&str) -> bool,
    ) -> Result<Self, PasswordRefusal> {
        let len = raw.chars().count();
        if len == 0 {
            return Err(PasswordRefusal::Empty);
        }
        if len < Self::MIN {
            return Err(PasswordRefusal::TooShort);
        }
        if len > Self::MAX {
            return Err(PasswordRefusal::TooLong);
        }
        if !raw.chars().any(char::is_lowercase) {
            return Err(PasswordRefusal::NoLowercase);
        }
        if !raw.chars().any(char::is_uppercase) {
            return Err(PasswordRefusal::NoUppercase);
        }
        if raw.chars().all(char::is_alphanumeric) {
            return Err(PasswordRefusal::NoSpecial);
        }
        if let Some(part) = personal_part(raw, ctx) {
            return Err(PasswordRefusal::ContainsPersonalInfo { part });
        }
        if raw.chars().any(is_invisible) {
            return Err(PasswordRefusal::InvisibleCharacters);
        }
        if is_common(raw) {
            return Err(PasswordRefusal::Common);
        }
        let inputs: Vec<&str> = [ctx.username, ctx.name, ctx.email]
            .into_iter()
            .chain(ctx.name.split_whitespace())
            .chain(ctx.email.split('@').next())
            .filter(|s| !s.is_empty())
            .collect();
        let estimate = zxcvbn::zxcvbn(raw, &inputs);
        if u8::from(estimate.score()) < MIN_STRENGTH {
            return Err(PasswordRefusal::Guessable {
                warning: estimate.feedback().and_then(|f| f.warning()).map(|w| w.to_string()),
            });
        }
        Ok(Self(raw.to_owned()))
    }

    /// A CM/ECF legacy password set by an administrator: 8 to 1024 characters.
    pub fn new_legacy(raw: &str) -> Result<Self, PasswordRefusal> {
        match raw.chars().count() {
            0 => Err(PasswordRefusal::Empty),
            n if n < 8 => Err(PasswordRefusal::TooShort),
            _ if raw.len() > Self::MAX_ATTEMPT => Err(PasswordRefusal::TooLong),
            _ => Ok(Self(raw.to_owned())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Which part of the user's identity the password contains, if any. Parts
/// shorter than 3 characters are ignored (they would forbid too much).
fn personal_part(raw: &str, ctx: PasswordContext<'_>) -> Option<&'static str> {
    let pw = raw.to_lowercase();
    let contains = |part: &str| {
        let part = part.trim().to_lowercase();
        part.chars().count() >= 3 && pw.contains(&part)
    };
    if contains(ctx.username) {
        return Some("username");
    }
    if ctx.name.split(|c: char| !c.is_alphanumeric()).any(contains) {
        return Some("name");
    }
    let local = ctx.email.split('@').next().unwrap_or_default();
    if contains(local) || local.split(|c: char| !c.is_alphanumeric()).any(contains) {
        return Some("email address");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: PasswordContext<'static> = PasswordContext {
        username: "jdoe2026",
        name: "Jane Q. Doe",
        email: "jane.doe@example.com",
    };

    fn check(pw: &str) -> Result<Password, PasswordRefusal> {
        Password::new_checked(pw, CTX, |p| p == "Password12345!!")
    }

    #[test]
    fn each_rule_has_its_own_refusal() {
        assert_eq!(check(""), Err(PasswordRefusal::Empty));
        assert_eq!(check("Sh0rt!"), Err(PasswordRefusal::TooShort));
        assert_eq!(check(&format!("Aa!{}", "x".repeat(43))), Err(PasswordRefusal::TooLong));
        assert_eq!(check("NOLOWERCASE-AT-ALL"), Err(PasswordRefusal::NoLowercase));
        assert_eq!(check("nouppercase-at-all"), Err(PasswordRefusal::NoUppercase));
        assert_eq!(check("NoSpecialCharacters1"), Err(PasswordRefusal::NoSpecial));
        assert_eq!(
            check("Tall-jdoe2026-Trees"),
            Err(PasswordRefusal::ContainsPersonalInfo { part: "username" })
        );
        assert_eq!(
            check("Blue-Jane-Rivers!"),
            Err(PasswordRefusal::ContainsPersonalInfo { part: "name" })
        );
        assert_eq!(check("Password12345!!"), Err(PasswordRefusal::Common));
        assert!(check("Correct-Horse-Battery").is_ok());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let pw = Password::attempt("Secret-Stuff-123").unwrap();
        assert!(!format!("{pw:?}").contains("Secret"));
    }
}

#[cfg(test)]
mod strength_tests {
    use super::*;

    const CTX: PasswordContext<'static> = PasswordContext {
        username: "jfiler2026",
        name: "Jordan Filer",
        email: "jf@example.com",
    };

    #[test]
    fn guessable_and_invisible_passwords_are_refused_and_the_demo_one_is_not() {
        let never = |_: &str| false;
        assert!(Password::new_checked("Walnut-Harbor-Lantern-42", CTX, never).is_ok());
        let weak = Password::new_checked("P@ssw0rd1234567", CTX, never).unwrap_err();
        assert!(matches!(weak, PasswordRefusal::Guessable { .. }), "{weak:?}");
        assert!(
            weak.to_string().starts_with("This password is too easy to guess"),
            "{weak}"
        );
        for invisible in [
            "Walnut-Harbor\u{200b}-Lantern-42",
            "Walnut-Harbor-\u{202e}Lantern-42",
            "Walnut-Harbor-Lantern-42\u{7}",
        ] {
            assert_eq!(
                Password::new_checked(invisible, CTX, never),
                Err(PasswordRefusal::InvisibleCharacters)
            );
        }
        // A legacy CM/ECF password is not held to the standard.
        assert!(Password::new_legacy("Cmecf-Legacy-Pass-7").is_ok());
    }
}
