//! The project's one version: `[workspace.package] version` in the
//! top-level Cargo.toml. Every crate inherits it, the internal dependency
//! requirements name it, the Python package takes it from its crate
//! (`dynamic = ["version"]`), `versori.__version__` and `versori_version()`
//! are compiled from it, and CHANGELOG.md's first entry is for it. This
//! module checks the files that must agree; `cargo xtask package` also
//! checks the built wheel, the installed module and the C library.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

/// The crates whose manifests hold the version, and what they must say.
const CRATE_DIRS: [&str; 7] = [
    "crates/versori-core",
    "crates/versori-httpmock",
    "crates/versori",
    "crates/versori-emulator",
    "crates/versori-python",
    "crates/versori-ffi",
    "xtask",
];

/// The version every file must agree on (this crate's own, which is the
/// workspace's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

fn problem(file: &str, message: String) -> Error {
    Error::Command {
        command: format!("version check of {file}"),
        message,
    }
}

fn read(root: &Path, file: &str) -> Result<String> {
    let path = root.join(file);
    std::fs::read_to_string(&path).map_err(|e| Error::io(path, e))
}

/// Checks the manifests, pyproject.toml, the C header and the changelog
/// against the workspace version (the source files only: no build).
pub fn check_sources(root: &Path) -> Result<()> {
    let workspace = read(root, "Cargo.toml")?;
    let declared = workspace_version(&workspace)
        .ok_or_else(|| problem("Cargo.toml", "no [workspace.package] version".into()))?;
    if declared != VERSION {
        return Err(problem(
            "Cargo.toml",
            format!("the workspace version is {declared}, but xtask was built as {VERSION}"),
        ));
    }
    for dir in CRATE_DIRS {
        let file = format!("{dir}/Cargo.toml");
        let text = read(root, &file)?;
        if !text.lines().any(|l| l.trim() == "version.workspace = true") {
            return Err(problem(
                &file,
                "the package must take its version from the workspace (`version.workspace = true`)"
                    .into(),
            ));
        }
    }
    for (line, requirement) in internal_requirements(&workspace) {
        if requirement != VERSION {
            return Err(problem(
                "Cargo.toml",
                format!("[workspace.dependencies] {line}: the requirement must be \"{VERSION}\""),
            ));
        }
    }
    let pyproject = read(root, "python/pyproject.toml")?;
    if !pyproject
        .lines()
        .any(|l| l.trim() == r#"dynamic = ["version"]"#)
        || pyproject.lines().any(|l| {
            l.trim_start().starts_with("version ") || l.trim_start().starts_with("version=")
        })
    {
        return Err(problem(
            "python/pyproject.toml",
            "the version must come from the crate: `dynamic = [\"version\"]` and no `version =`"
                .into(),
        ));
    }
    let header = read(root, "include/versori.h")?;
    let define = format!("#define VERSORI_VERSION_STRING \"{VERSION}\"");
    if !header.contains(&define) {
        return Err(problem(
            "include/versori.h",
            format!("no `{define}`: run `cargo xtask generate`"),
        ));
    }
    let changelog = read(root, "CHANGELOG.md")?;
    let first = changelog
        .lines()
        .find(|l| l.starts_with("## "))
        .ok_or_else(|| problem("CHANGELOG.md", "no `## VERSION` entry".into()))?;
    if first.trim_start_matches("## ").split_whitespace().next() != Some(VERSION) {
        return Err(problem(
            "CHANGELOG.md",
            format!("the first entry is `{first}`, not one for {VERSION}"),
        ));
    }
    let example = read(root, "examples/cpp/CMakeLists.txt")?;
    if let Some(wanted) = example
        .lines()
        .find_map(|l| l.trim().strip_prefix("find_package(versori "))
        .and_then(|rest| rest.split_whitespace().next())
    {
        if !compatible(wanted, VERSION) {
            return Err(problem(
                "examples/cpp/CMakeLists.txt",
                format!("find_package(versori {wanted}) does not accept {VERSION}"),
            ));
        }
    }
    for file in PROSE {
        let mut text = read(root, file)?;
        if file.ends_with(".rs") {
            // the module's documentation, not its tests' made-up versions
            text = text
                .lines()
                .filter(|l| l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join("\n");
        }
        if let Some(wrong) = stale_mention(&text, VERSION) {
            return Err(problem(file, wrong));
        }
    }
    Ok(())
}

/// The documents whose prose names the version: the shared library's file
/// names (`libversori.so.0.1.0`, soname `libversori.so.0`) and the
/// dependency lines users copy (`versori = "0.1"`); of a Rust file, its
/// module documentation (`//!`).
const PROSE: [&str; 7] = [
    "README.md",
    "crates/versori-ffi/README.md",
    "crates/versori/README.md",
    "crates/versori-core/README.md",
    "crates/versori-httpmock/README.md",
    "crates/versori-emulator/README.md",
    "xtask/src/install.rs",
];

/// The first mention in `text` that does not fit `version`: a
/// `libversori.so.X.Y.Z` other than this version, a `libversori.so.X`
/// other than its major, or a `versori... = "REQ"` dependency line whose
/// requirement does not accept it.
fn stale_mention(text: &str, version: &str) -> Option<String> {
    let major = version.split('.').next().unwrap_or(version);
    for (at, _) in text.match_indices("libversori.so.") {
        let rest = &text[at + "libversori.so.".len()..];
        let named: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let named = named.trim_end_matches('.');
        let fits = match named.split('.').count() {
            3 => named == version,
            1 => named == major,
            _ => false,
        };
        if !named.is_empty() && !fits {
            return Some(format!(
                "names libversori.so.{named}; the library is libversori.so.{version} \
                 (soname libversori.so.{major})"
            ));
        }
    }
    for line in text.lines() {
        let Some((name, requirement)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let ours = crate::package::PUBLISHED.contains(&name);
        let requirement = requirement.trim();
        let wanted = requirement
            .strip_prefix('"')
            .or_else(|| {
                requirement
                    .strip_prefix('{')
                    .and_then(|r| r.split("version = \"").nth(1))
            })
            .and_then(|r| r.split('"').next());
        if let (true, Some(wanted)) = (ours, wanted) {
            let plain = wanted.trim_start_matches(['^', '=', '~']);
            if !compatible(plain, version) {
                return Some(format!(
                    "`{}` does not accept this version, {version}",
                    line.trim()
                ));
            }
        }
    }
    None
}

/// Every workspace member's version in `cargo metadata` output agrees.
pub fn check_metadata(metadata: &Value) -> Result<()> {
    let members: Vec<&str> = metadata
        .get("workspace_members")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let packages = metadata
        .get("packages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut seen = 0;
    for p in packages {
        let id = p.get("id").and_then(Value::as_str).unwrap_or_default();
        if !members.contains(&id) {
            continue;
        }
        seen += 1;
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let version = p.get("version").and_then(Value::as_str).unwrap_or("?");
        if version != VERSION {
            return Err(problem(
                "cargo metadata",
                format!("{name} is {version}, not {VERSION}"),
            ));
        }
    }
    if seen != CRATE_DIRS.len() {
        return Err(problem(
            "cargo metadata",
            format!(
                "{seen} workspace members, but {} crates are checked",
                CRATE_DIRS.len()
            ),
        ));
    }
    Ok(())
}

/// Whether a CMake `find_package` version request accepts `version` under
/// the rule of cmake/versori-config-version.cmake.in (same major; before
/// 1.0, same minor).
pub fn compatible(wanted: &str, version: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let (w, v) = (parse(wanted), parse(version));
    let get = |xs: &[u64], i: usize| xs.get(i).copied().unwrap_or(0);
    if w > v {
        return false;
    }
    if get(&v, 0) == 0 {
        get(&w, 0) == 0 && get(&w, 1) == get(&v, 1)
    } else {
        get(&w, 0) == get(&v, 0)
    }
}

/// `version = "..."` under `[workspace.package]`.
fn workspace_version(manifest: &str) -> Option<&str> {
    section(manifest, "[workspace.package]")
        .find_map(|l| l.trim().strip_prefix("version = "))
        .map(|v| v.trim_matches('"'))
}

/// The `version = "..."` of each path dependency in `[workspace.dependencies]`.
fn internal_requirements(manifest: &str) -> Vec<(&str, &str)> {
    section(manifest, "[workspace.dependencies]")
        .filter(|l| l.contains("path = "))
        .filter_map(|l| {
            let after = l.split("version = \"").nth(1)?;
            Some((l.trim(), after.split('"').next()?))
        })
        .collect()
}

/// The lines of one `[section]` of a TOML file.
fn section<'a>(manifest: &'a str, header: &'a str) -> impl Iterator<Item = &'a str> {
    manifest
        .lines()
        .skip_while(move |l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sources_agree_on_one_version() {
        check_sources(&crate::workspace_root()).expect("one version");
    }

    #[test]
    fn the_workspace_members_agree_on_one_version() {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(crate::workspace_root())
            .output()
            .expect("cargo metadata runs");
        let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
        check_metadata(&meta).expect("one version");
    }

    #[test]
    fn the_manifest_readers_find_what_they_look_for() {
        let toml = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"2.3.4\"\n\
                    edition = \"2021\"\n\n[workspace.dependencies]\n\
                    a = { path = \"crates/a\", version = \"2.3.4\" }\n\
                    serde = \"1\"\nb = { path = \"crates/b\", version = \"2.3.3\" }\n";
        assert_eq!(workspace_version(toml), Some("2.3.4"));
        let reqs: Vec<&str> = internal_requirements(toml).iter().map(|r| r.1).collect();
        assert_eq!(reqs, ["2.3.4", "2.3.3"]);
    }

    #[test]
    fn stale_version_mentions_are_found() {
        let ok = "lib/libversori.so.0.1.0 (soname libversori.so.0), libversori.so -> it\n\
                  ```toml\nversori = \"0.1\"\ntokio = \"1\"\n\
                  versori-emulator = { version = \"0.1.0\", features = [] }\n```\n";
        assert_eq!(stale_mention(ok, "0.1.0"), None);
        assert!(stale_mention(ok, "0.2.0").is_some_and(|m| m.contains("libversori.so.0.1.0")));
        assert!(stale_mention("soname libversori.so.1.", "0.1.0").is_some());
        assert!(stale_mention("versori = \"0.1\"", "0.2.0").is_some_and(|m| m.contains("0.1")));
        assert!(stale_mention("versori-emulator = { version = \"0.1\" }", "0.2.0").is_some());
        assert_eq!(stale_mention("serde = \"0.1\"", "0.2.0"), None);
        assert_eq!(stale_mention("versori = \"0.2\"", "0.2.3"), None);
    }

    #[test]
    fn cmake_compatibility_follows_the_version_file() {
        assert!(compatible("0.1", "0.1.0"));
        assert!(compatible("0.1.0", "0.1.7"));
        assert!(!compatible("0.2", "0.1.0"));
        assert!(!compatible("0.1", "0.2.0"));
        assert!(compatible("1.0", "1.4.0"));
        assert!(!compatible("1.5", "1.4.0"));
        assert!(!compatible("1.0", "2.0.0"));
    }
}
