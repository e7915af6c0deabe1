//! Row ids as types of their own, so that a PACER account's id can never be
//! passed where a CM/ECF account's is expected.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A PACER (Central Sign-On) account.
    PacerAccountId
);
id!(
    /// A court's legacy CM/ECF account.
    EcfAccountId
);
id!(
    /// An enrolled authenticator app.
    AuthenticatorId
);
id!(
    /// A queued job.
    JobId
);
