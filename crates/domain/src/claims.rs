//! Proofs of claim (a bankruptcy case's Claims Register): what the filing
//! form takes, checked at the door.

/// At most this many lines of a creditor's address, each this long.
pub const ADDRESS_LINES_MAX: usize = 5;
pub const LINE_CHARS_MAX: usize = 80;
/// The largest amount claimed, in cents ($10 billion).
pub const AMOUNT_CENTS_MAX: i64 = 1_000_000_000_000;

/// A claim's creditor and amount, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimInput {
    pub creditor_name: String,
    pub creditor_address: Vec<String>,
    pub amount_cents: i64,
}

/// Parses the form's creditor name, address (one line per line) and amount
/// claimed (`1234.56`, `$1,234.56`); or says what is wrong, naming the field.
pub fn check_claim(name: &str, address: &str, amount: &str) -> Result<ClaimInput, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > LINE_CHARS_MAX || name.chars().any(char::is_control) {
        return Err(format!(
            "Creditor name: required, on one line, at most {LINE_CHARS_MAX} characters."
        ));
    }
    let lines: Vec<String> = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if lines.is_empty()
        || lines.len() > ADDRESS_LINES_MAX
        || lines
            .iter()
            .any(|l| l.chars().count() > LINE_CHARS_MAX || l.chars().any(char::is_control))
    {
        return Err(format!(
            "Creditor address: 1 to {ADDRESS_LINES_MAX} lines, each at most {LINE_CHARS_MAX} characters."
        ));
    }
    let amount_cents = parse_amount(amount).ok_or_else(|| {
        "Amount claimed: type dollars and cents, like 1234.56 (at most $10,000,000,000.00).".to_owned()
    })?;
    Ok(ClaimInput {
        creditor_name: name.to_owned(),
        creditor_address: lines,
        amount_cents,
    })
}

/// Dollars as typed (`$1,234.56`, `1234.5`, `1234`) in cents; `None` when not an amount.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 12 {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let total = whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)?;
    (total <= AMOUNT_CENTS_MAX).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_typed_as_people_type_dollars() {
        assert_eq!(parse_amount("1234.56"), Some(123_456));
        assert_eq!(parse_amount("$1,234.5"), Some(123_450));
        assert_eq!(parse_amount(" 0 "), Some(0));
        for bad in ["", "$", "12.345", "-5", "1e3", "12,34.x", "99999999999999"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_claim_needs_its_creditor_and_an_address_of_a_few_short_lines() {
        let ok = check_claim(" Acme Bank ", "PO Box 1\n\n Macon, GA 31201 ", "$50.00").unwrap();
        assert_eq!(ok.creditor_address, vec!["PO Box 1", "Macon, GA 31201"]);
        assert_eq!(ok.amount_cents, 5000);
        assert!(check_claim("", "x", "1").unwrap_err().starts_with("Creditor name"));
        assert!(check_claim("A", "", "1").unwrap_err().starts_with("Creditor address"));
        assert!(check_claim("A", "1\n2\n3\n4\n5\n6", "1")
            .unwrap_err()
            .starts_with("Creditor address"));
        assert!(check_claim("A", "x", "lots").unwrap_err().starts_with("Amount claimed"));
    }
}
