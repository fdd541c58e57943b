//! The platform's ids are ULIDs: 26 characters of Crockford's base32
//! (either case, without `I`, `L`, `O` and `U`), the first at most `7` so
//! that the value fits 128 bits. Every parameter and body member the spec
//! gives `format: ulid` is checked against this rule before a handler sees
//! it, as the platform decodes them into ULIDs: anything else is a 400 that
//! names it, where a lookup would have answered 404 or stored an id no
//! client can use.

use std::collections::HashMap;

use versori_core::operations::{Location, Operation};

use crate::error::ApiError;

/// Whether `s` is a ULID.
pub fn is_ulid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 26
        && matches!(bytes[0], b'0'..=b'7')
        && bytes.iter().all(|b| {
            b.is_ascii_digit()
                || (b.is_ascii_alphabetic()
                    && !matches!(b.to_ascii_uppercase(), b'I' | b'L' | b'O' | b'U'))
        })
}

/// Why `value` is not a ULID, for the message of a 400.
pub fn problem(value: &str) -> String {
    format!("{value:?} is not a ULID (26 characters of Crockford base32, the first 0 to 7)")
}

/// The path and query parameters (`path`, `query`) that `op` declares as
/// ULIDs, checked before the body is read, as the platform binds them: the
/// first that is not one is a 400 naming it.
pub fn check_parameters(
    op: &Operation,
    path: &HashMap<&'static str, String>,
    query: &HashMap<String, String>,
) -> Result<(), ApiError> {
    for p in op.parameters.iter().filter(|p| p.format == Some("ulid")) {
        let value = match p.location {
            // (an organisation the route leaves out is the project's)
            Location::Path => path.get(p.name),
            Location::Query => query.get(p.name).filter(|v| !v.is_empty()),
            Location::Header | Location::Cookie => None,
        };
        if let Some(value) = value.filter(|v| !is_ulid(v)) {
            return Err(ApiError::invalid_field(p.name, problem(value)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platforms_ids_are_ulids_and_nothing_else_is() {
        for ok in [
            "01J8ZQ4N7G3Y5B2K9T6W1X00RG",
            "01j8zq4n7g3y5b2k9t6w1x00rg",
            "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
            "00000000000000000000000000",
        ] {
            assert!(is_ulid(ok), "{ok}");
        }
        for bad in [
            "",
            "p1",
            "01J8ZQ4N7G3Y5B2K9T6W1X00R",
            "01J8ZQ4N7G3Y5B2K9T6W1X00RGX",
            "81J8ZQ4N7G3Y5B2K9T6W1X00RG",
            "01J8ZQ4N7G3Y5B2K9T6W1X0ORG",
            "01J8ZQ4N7G3Y5B2K9T6W1XL1ST",
            "01J8ZQ4N7G3Y5B2K9T6W1X-0RG",
            "01J8ZQ4N7G3Y5B2K9T6W1X0RGé",
        ] {
            assert!(!is_ulid(bad), "{bad}");
        }
    }
}
