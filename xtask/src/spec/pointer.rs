//! JSON pointers (RFC 6901) for error messages and transforms.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins reference tokens into a pointer, escaping each one.
pub fn join<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape(token));
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes() {
        assert_eq!(
            join(["paths", "/o/{organisation_id}/projects", "get"]),
            "/paths/~1o~1{organisation_id}~1projects/get"
        );
        assert_eq!(escape("a~b"), "a~0b");
        assert_eq!(join([]), "/");
    }
}
