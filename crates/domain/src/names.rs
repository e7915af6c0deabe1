//! Newtypes for outside input. Each parses once, at the door, and cannot hold
//! an invalid value afterwards.

use std::fmt;

/// Why a piece of outside input was refused, in words fit for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// A court id such as `gamb` or `nysd`: 2 to 8 lowercase ASCII letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourtId(String);
string_newtype!(CourtId);

impl CourtId {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let id = raw.trim().to_ascii_lowercase();
        if !(2..=8).contains(&id.len()) {
            return Err(InvalidInput::new(
                "court",
                "a court id has 2 to 8 characters, like gamb or nysd",
            ));
        }
        if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "court",
                "a court id has only letters and digits, like gamb or nysd",
            ));
        }
        Ok(Self(id))
    }
}

fn username_chars_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// A PACER username. New accounts need at least 8 characters; legacy accounts
/// keep their old (often 6-character) usernames until they upgrade.
/// Usernames are compared without regard to case, so they are kept lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);
string_newtype!(Username);

impl Username {
    pub const MIN_NEW: usize = 8;
    pub const MIN_LEGACY: usize = 4;
    pub const MAX: usize = 64;

    /// A username for a new (or upgraded) account: at least 8 characters.
    pub fn parse_new(raw: &str) -> Result<Self, InvalidInput> {
        Self::parse_with_min(raw, Self::MIN_NEW)
    }

    /// A username as it may already exist: legacy accounts may be shorter.
    pub fn parse_existing(raw: &str) -> Result<Self, InvalidInput> {
        Self::parse_with_min(raw, Self::MIN_LEGACY)
    }

    fn parse_with_min(raw: &str, min: usize) -> Result<Self, InvalidInput> {
        let name = raw.trim().to_ascii_lowercase();
        if name.len() < min {
            return Err(InvalidInput::new(
                "username",
                format!("a username has at least {min} characters"),
            ));
        }
        if name.len() > Self::MAX {
            return Err(InvalidInput::new(
                "username",
                format!("a username has at most {} characters", Self::MAX),
            ));
        }
        if !username_chars_ok(&name) {
            return Err(InvalidInput::new(
                "username",
                "a username may hold only letters, digits and . _ - @",
            ));
        }
        Ok(Self(name))
    }
}

/// A court's legacy CM/ECF login. Kept as issued (case-sensitive), 2 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EcfLogin(String);
string_newtype!(EcfLogin);

impl EcfLogin {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let login = raw.trim();
        if !(2..=64).contains(&login.len()) {
            return Err(InvalidInput::new(
                "CM/ECF login",
                "a CM/ECF login has 2 to 64 characters",
            ));
        }
        if !username_chars_ok(login) {
            return Err(InvalidInput::new(
                "CM/ECF login",
                "a CM/ECF login may hold only letters, digits and . _ - @",
            ));
        }
        Ok(Self(login.to_owned()))
    }
}

/// An email address the mailer can deliver to: lettre's rules (its `Address`
/// parser checks the local part and the domain with the `email_address` crate,
/// which this uses too), narrowed to what an SMTP server without SMTPUTF8
/// takes and a court would write: ASCII only (so no bidi or zero-width
/// characters), a dotted domain name (no IP literal such as `[127.0.0.1]`),
/// a local part of at most 64 characters, at most 254 in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub const MAX: usize = 254;
    pub const MAX_LOCAL: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let email = raw.trim();
        let bad = |why: &'static str| InvalidInput::new("email", why);
        let looks = "an email address looks like name@example.com";
        if email.is_empty() {
            return Err(bad(looks));
        }
        if !email.is_ascii() {
            return Err(bad(
                "an email address may hold only ASCII letters, digits and punctuation (no accented, invisible or direction-changing characters); write an international domain in its xn-- form",
            ));
        }
        if email.len() > Self::MAX || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(looks));
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(|| bad(looks))?;
        if local.len() > Self::MAX_LOCAL {
            return Err(bad("the part before the @ may have at most 64 characters"));
        }
        if domain.starts_with('[') || domain.parse::<std::net::IpAddr>().is_ok() {
            return Err(bad(
                "an email address needs a domain name after the @, not an IP address",
            ));
        }
        if !email_address::EmailAddress::is_valid_local_part(local)
            || !email_address::EmailAddress::is_valid_domain(domain)
            || !domain.contains('.')
            || domain.ends_with('.')
        {
            return Err(bad(looks));
        }
        Ok(Self(email.to_owned()))
    }

    /// An address read back from the database, where older rules may have
    /// let it in: one `@`, no spaces. (New addresses go through `parse`.)
    pub fn from_stored(raw: &str) -> Result<Self, InvalidInput> {
        let bad = || InvalidInput::new("email", "an email address looks like name@example.com");
        if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) || !raw.contains('@') {
            return Err(bad());
        }
        Ok(Self(raw.to_owned()))
    }
}

/// A person's (or firm's) name as shown on pages: 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);
string_newtype!(PersonName);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidInput::new("name", "a name is required"));
        }
        if name.chars().count() > 200 {
            return Err(InvalidInput::new("name", "a name has at most 200 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidInput::new("name", "a name may not hold control characters"));
        }
        Ok(Self(name.to_owned()))
    }
}

/// A CM/ECF filer role such as `attorney` or `non-attorney filer`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Role(String);
string_newtype!(Role);

impl Role {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let role = raw.trim();
        if role.is_empty() || role.len() > 64 {
            return Err(InvalidInput::new(
                "role",
                "a role has 1 to 64 characters, like attorney",
            ));
        }
        if !role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/'))
        {
            return Err(InvalidInput::new(
                "role",
                "a role may hold only letters, digits, spaces, - and /",
            ));
        }
        Ok(Self(role.to_ascii_lowercase()))
    }
}

/// A bar id (attorney admission number): 1 to 32 letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BarId(String);
string_newtype!(BarId);

impl BarId {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let id = raw.trim();
        if id.is_empty() || id.len() > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(InvalidInput::new(
                "bar id",
                "a bar id has 1 to 32 letters, digits or dashes",
            ));
        }
        Ok(Self(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn court_ids_are_lowercased_and_checked() {
        assert_eq!(CourtId::parse(" GAMB ").map(|c| c.to_string()), Ok("gamb".into()));
        assert!(CourtId::parse("g").is_err());
        assert!(CourtId::parse("ga/mb").is_err());
        assert!(CourtId::parse("abcdefghi").is_err());
    }

    #[test]
    fn new_usernames_need_eight_characters_legacy_ones_do_not() {
        assert!(Username::parse_new("short6").is_err());
        assert!(Username::parse_existing("short6").is_ok());
        assert_eq!(
            Username::parse_new("Jane.Doe1").map(|u| u.to_string()),
            Ok("jane.doe1".into())
        );
        assert!(Username::parse_new("jane doe1").is_err());
    }

    #[test]
    fn emails_need_a_domain() {
        assert!(Email::parse("a@example.com").is_ok());
        assert!(Email::parse("first.last+tag@sub.example.co.uk").is_ok());
        assert!(Email::parse(&format!("{}@x.io", "a".repeat(64))).is_ok());
        let long_local = format!("{}@x.io", "a".repeat(65));
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@b..com",
            "a b@c.com",
            "a@b.com.",
            "a..b@x.io",
            ".a@x.io",
            "a.@x.io",
            "a;b@x.io",
            "a@[127.0.0.1]",
            "a@127.0.0.1",
            "a@b@x.io",
            long_local.as_str(),
            "a\u{202e}b@x.io",
            "ab\u{200b}@x.io",
            "jos\u{e9}@x.io",
            "a@-x.io",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
