//! No secret outside its place: what `Debug` shows of types that hold tokens,
//! passwords and keys (they could reach a log line through `?value`).

use openecf_app::keys::ServerKey;
use openecf_app::signin::{Pending, SignedIn};
use openecf_domain::*;
use openecf_store::{Authenticator, NewPacerAccount};
use openecf_web::Config;

#[test]
fn debug_output_never_shows_a_secret() {
    let key = ServerKey::from_env_value(&"ab".repeat(32)).unwrap();
    let shown = [
        format!(
            "{:?}",
            SignedIn {
                token: "tok-secret-1".into(),
                pending: Pending::Nothing
            }
        ),
        format!("{key:?}"),
        format!(
            "{:?}",
            Config {
                secret_key: key.clone(),
                ..Config::default()
            }
        ),
        format!(
            "{:?}",
            NewPacerAccount {
                username: Username::parse_existing("jfiler2026").unwrap(),
                password_hash: "$argon2id$hash-secret".into(),
                name: PersonName::parse("Jordan Filer").unwrap(),
                email: Email::parse("jf@example.com").unwrap(),
                kind: AccountKind::Individual,
                created_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            }
        ),
        format!(
            "{:?}",
            Authenticator {
                id: 1,
                name: "phone".into(),
                secret: "TOTPSECRETBASE32".into(),
                created_at: 0,
                last_step: 0
            }
        ),
        format!("{:?}", Password::attempt("Walnut-Harbor-Lantern-42").unwrap()),
    ];
    for s in &shown {
        for secret in ["tok-secret-1", "abababab", "hash-secret", "TOTPSECRETBASE32", "Walnut"] {
            assert!(!s.contains(secret), "{secret} in {s}");
        }
    }
    assert!(shown[0].contains("[redacted]") && shown[1].contains("[redacted]"));
}
