//! The breached-password list: the 100,000 most common passwords, shipped as
//! data and compiled into the binary, checked by binary search over a sorted
//! index built once (no per-password allocation, a few hundred KiB in all).

use std::sync::OnceLock;

static LIST: &str = include_str!("../data/common-passwords.txt");

fn sorted() -> &'static [&'static str] {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<&'static str> = LIST.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// How many passwords the list holds.
pub fn common_password_count() -> usize {
    sorted().len()
}

/// Whether a password is on the list, ignoring case (a breached password with
/// its first letter capitalised is no better).
pub fn is_common_password(candidate: &str) -> bool {
    let list = sorted();
    let lower = candidate.to_lowercase();
    list.binary_search(&candidate).is_ok() || list.binary_search(&lower.as_str()).is_ok()
}
