//! What crates.io shows of each published crate, checked against what is
//! true: a description, the licence (and its texts in the package), a
//! README that exists, the docs.rs page as documentation, and no repository
//! or home page (the project has neither yet; a made-up one would be a
//! broken link on crates.io). The licence texts beside the Python package
//! (which maturin puts in the wheel and the sdist) are checked the same way.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::package::PUBLISHED;

/// The licence every package declares.
pub const LICENSE: &str = "MIT OR Apache-2.0";

/// The licence texts, at the workspace root; each package carries a copy.
pub const LICENSE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// Where the Python package's copies of the licence texts are (maturin
/// ships `LICEN[CS]E*` beside pyproject.toml in the wheel and the sdist).
const PYTHON_DIR: &str = "python";

fn problem(what: &str, message: String) -> Error {
    Error::Command {
        command: format!("metadata of {what}"),
        message,
    }
}

/// Checks the published crates' metadata in `cargo metadata` output and the
/// licence copies under `root`.
pub fn check(metadata: &Value, root: &Path) -> Result<()> {
    let packages = metadata
        .get("packages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for name in PUBLISHED {
        let package = packages
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .ok_or_else(|| problem(name, "not in `cargo metadata`".into()))?;
        let dir = package
            .get("manifest_path")
            .and_then(Value::as_str)
            .and_then(|m| Path::new(m).parent())
            .map(Path::to_path_buf)
            .ok_or_else(|| problem(name, "no manifest_path".into()))?;
        check_package(name, package, &dir).map_err(|m| problem(name, m))?;
        check_license_copies(root, &dir).map_err(|m| problem(name, m))?;
    }
    check_license_copies(root, &root.join(PYTHON_DIR)).map_err(|m| problem("the Python package", m))
}

/// One crate's fields, as `cargo metadata` gives them.
fn check_package(name: &str, package: &Value, dir: &Path) -> std::result::Result<(), String> {
    let field = |key: &str| package.get(key).and_then(Value::as_str);
    match field("description") {
        Some(d) if !d.trim().is_empty() => {}
        _ => return Err("no description".into()),
    }
    if field("license") != Some(LICENSE) {
        return Err(format!(
            "license is {:?}, not {LICENSE:?}",
            field("license")
        ));
    }
    match field("readme") {
        Some(readme) if dir.join(readme).is_file() => {}
        Some(readme) => return Err(format!("its readme {readme} does not exist")),
        None => return Err("no readme".into()),
    }
    let docs = format!("https://docs.rs/{name}");
    if field("documentation") != Some(docs.as_str()) {
        return Err(format!(
            "documentation is {:?}, not {docs}",
            field("documentation")
        ));
    }
    for key in ["repository", "homepage"] {
        if let Some(url) = field(key) {
            return Err(format!(
                "{key} is {url}: the project has none yet, so crates.io would show a broken link"
            ));
        }
    }
    Ok(())
}

/// `dir` holds each licence text, the same as the workspace root's.
fn check_license_copies(root: &Path, dir: &Path) -> std::result::Result<(), String> {
    for file in LICENSE_FILES {
        let original = read(&root.join(file))?;
        let copy: PathBuf = dir.join(file);
        if read(&copy)? != original {
            return Err(format!(
                "{} differs from the workspace's {file}: copy it again",
                copy.display()
            ));
        }
    }
    Ok(())
}

fn read(path: &Path) -> std::result::Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "{}: {e} (each package ships the licence texts)",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cargo_metadata() -> Value {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(crate::workspace_root())
            .output()
            .expect("cargo metadata runs");
        serde_json::from_slice(&out.stdout).expect("metadata is JSON")
    }

    #[test]
    fn the_published_crates_say_only_what_is_true() {
        check(&cargo_metadata(), &crate::workspace_root()).expect("true metadata");
    }

    #[test]
    fn each_missing_or_made_up_field_is_refused() {
        let root = crate::workspace_root();
        let dir = root.join("crates/versori");
        let good = serde_json::json!({
            "name": "versori",
            "description": "The SDK.",
            "license": LICENSE,
            "readme": "README.md",
            "documentation": "https://docs.rs/versori",
        });
        assert_eq!(check_package("versori", &good, &dir), Ok(()));
        let with = |key: &str, value: Value| {
            let mut p = good.clone();
            p[key] = value;
            check_package("versori", &p, &dir)
        };
        assert!(with("description", Value::Null).is_err());
        assert!(with("description", " ".into()).is_err());
        assert!(with("license", "MIT".into()).is_err());
        assert!(with("readme", "MISSING.md".into()).is_err());
        assert!(with("readme", Value::Null).is_err());
        assert!(with("documentation", "https://docs.rs/versori-core".into()).is_err());
        assert!(with("documentation", Value::Null).is_err());
        assert!(with("repository", "https://github.com/versori/sdk".into())
            .is_err_and(|e| e.contains("repository")));
        assert!(with("homepage", "https://versori.com".into()).is_err());
    }

    #[test]
    fn a_missing_or_edited_licence_copy_is_refused() {
        let root = crate::workspace_root();
        let dir = std::env::temp_dir().join(format!("xtask-licences-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        assert!(check_license_copies(&root, &dir).is_err());
        for file in LICENSE_FILES {
            std::fs::copy(root.join(file), dir.join(file)).expect("copy");
        }
        assert_eq!(check_license_copies(&root, &dir), Ok(()));
        std::fs::write(dir.join("LICENSE-MIT"), "edited").expect("write");
        assert!(check_license_copies(&root, &dir).is_err_and(|e| e.contains("LICENSE-MIT")));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
