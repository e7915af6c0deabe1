//! Public access in CM/ECF's shapes: the document numbers of `/doc1/` links.
//!
//! CM/ECF names a document by twelve digits: the court's three-digit prefix
//! (`127` for the Southern District of New York), a fourth digit (`1` on
//! links to the document, `0` in the form programs store), then the
//! document's own number. Programs that read CM/ECF (juriscraper, RECAP) keep
//! the twelve digits with the fourth set to `0` and tell courts apart by the
//! prefix, so openecf writes its document ids in that shape: the court's
//! prefix (or `000` when it has none) + `1` + the id in (at least) eight digits.

/// A document's number on a `/doc1/` link: `127100000042` for document 42
/// of a court whose prefix is `127`.
pub fn doc1_number(prefix: &str, document_id: i64) -> String {
    let prefix = if prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_digit()) {
        prefix
    } else {
        "000"
    };
    format!("{prefix}1{document_id:08}")
}

/// The document a `/doc1/` path names: its twelve-digit number (any prefix,
/// fourth digit `0` or `1`; whose court it is, the caller checks), or the
/// plain id older links carry.
pub fn parse_doc1_number(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > 20 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if raw.len() < 12 {
        return raw.parse().ok().filter(|id| *id > 0);
    }
    if !matches!(raw.as_bytes()[3], b'0' | b'1') {
        return None;
    }
    raw[4..].parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_read_back_in_both_of_cmecfs_forms_and_the_plain_one() {
        assert_eq!(doc1_number("127", 42), "127100000042");
        assert_eq!(doc1_number("", 42), "000100000042");
        assert_eq!(doc1_number("12x", 42), "000100000042");
        assert_eq!(parse_doc1_number("127100000042"), Some(42));
        assert_eq!(parse_doc1_number("127000000042"), Some(42));
        assert_eq!(parse_doc1_number("42"), Some(42));
        assert_eq!(
            parse_doc1_number(&doc1_number("052", 123_456_789_012)),
            Some(123_456_789_012)
        );
        for junk in ["", "0", "abc", "127200000042", "-4", "1e3", "127100000000"] {
            assert_eq!(parse_doc1_number(junk), None, "{junk}");
        }
    }
}
