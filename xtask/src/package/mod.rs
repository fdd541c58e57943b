//! `cargo xtask package`: everything a registry or a packager would check,
//! run the way they run it.
//!
//! 1. One version: the manifests, pyproject.toml, the C header, the
//!    changelog, the version named in the READMEs and every crate agree
//!    ([`crate::package::version`]); the published crates' metadata is true
//!    and each package carries the licence texts
//!    ([`crate::package::metadata`]).
//! 2. The published crates: `cargo package` of versori-core,
//!    versori-httpmock, versori and versori-emulator together (cargo
//!    verifies each against the others through a local registry, in
//!    dependency order, as `cargo publish` would upload them).
//! 3. The declared `rust-version`: the published crates are checked with
//!    that toolchain (installed with rustup when missing).
//! 4. Python ([`crate::package::python`]): the manylinux abi3 wheel, its
//!    compliance, size and contents; that wheel installed into fresh
//!    CPython 3.9 and 3.13 environments and tested there; the sdist built
//!    and installed with only pip and Rust.
//! 5. C and C++ ([`crate::package::c`]): `cargo xtask install` into a
//!    prefix outside the tree, and a C program and `examples/cpp` built
//!    against that prefix alone.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::test::{capture, run_in};

pub mod c;
pub mod metadata;
pub mod python;
pub mod version;

/// The crates published to crates.io, in dependency order.
pub const PUBLISHED: [&str; 4] = [
    "versori-core",
    "versori-httpmock",
    "versori",
    "versori-emulator",
];

/// One part of the step, for `cargo xtask package --only PART`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// `cargo package` of the published crates.
    Crates,
    /// The published crates with their declared rust-version.
    RustVersion,
    /// The wheel, its installs on CPython 3.9 and 3.13, and the sdist.
    Python,
    /// The C library installed into a prefix and used from there.
    C,
}

/// Runs every part (or only `only`); the first failure stops the run. The
/// version checks always run.
pub fn run(only: Option<Part>) -> Result<()> {
    let wanted = |part: Part| only.is_none_or(|o| o == part);
    let started = Instant::now();
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    version::check_sources(&root)?;
    let metadata: Value = serde_json::from_str(&capture(
        &root,
        &cargo,
        &["metadata", "--format-version", "1", "--no-deps"],
        &[],
    )?)
    .map_err(|e| Error::Command {
        command: "cargo metadata".into(),
        message: format!("unreadable output: {e}"),
    })?;
    version::check_metadata(&metadata)?;
    eprintln!("one version: {}", version::VERSION);
    metadata::check(&metadata, &root)?;
    eprintln!("the published crates' metadata and licence texts are in order");

    let mut report = Vec::new();
    if wanted(Part::Crates) {
        crates(&root, &cargo)?;
        report.push(format!(
            "crates: {} (target/package/*.crate)",
            PUBLISHED.join(", ")
        ));
    }
    if wanted(Part::RustVersion) {
        let toolchain = rust_version(&root, &cargo, &metadata)?;
        report.push(format!(
            "rust-version: the published crates build with {toolchain}"
        ));
    }
    if wanted(Part::Python) {
        report.push(format!("wheel: {}", crate::package::python::run(&root)?));
    }
    if wanted(Part::C) {
        let installed = crate::package::c::run(&root, &cargo)?;
        report.push(format!("C/C++ install: {}", installed.join(", ")));
    }
    eprintln!("\npackaging checks passed in {:.0?}", started.elapsed());
    for line in report {
        eprintln!("  {line}");
    }
    crate::test::print_slowest(6);
    Ok(())
}

/// `cargo package` of the published crates, verified together.
fn crates(root: &Path, cargo: &str) -> Result<()> {
    let mut stale = forget_unpacked(&cargo_home())?;
    stale.extend(forget_built(&crate::test::ffi::target_dir(root, cargo)?)?);
    for path in stale {
        eprintln!("removed a stale copy: {}", path.display());
    }
    let mut args = vec!["package", "--locked", "--allow-dirty"];
    for name in PUBLISHED {
        args.extend(["-p", name]);
    }
    run_in(root, cargo, &args)
}

/// Cargo's home: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// Removes every unpacked copy of a published crate at this version from
/// cargo's source cache (`registry/src/*/NAME-VERSION`), and returns what it
/// removed.
///
/// `cargo package` verifies each crate against the others through a local
/// registry under `target/package`, and unpacks those crates into
/// `registry/src/<hash of that path>/`. Cargo reuses an unpacked copy it
/// finds there without comparing it with the new `.crate`, so a second run
/// from the same checkout path (as on a CI machine that keeps `~/.cargo`)
/// verifies against the sources of the first run. None of our crates come
/// from crates.io at this version, so no other registry's copy is lost.
fn forget_unpacked(cargo_home: &Path) -> Result<Vec<PathBuf>> {
    let src = cargo_home.join("registry").join("src");
    let mut removed = Vec::new();
    for registry in entries(&src)? {
        for name in PUBLISHED {
            let unpacked = registry.join(format!("{name}-{}", version::VERSION));
            if unpacked.is_dir() {
                remove(&unpacked)?;
                removed.push(unpacked);
            }
        }
    }
    Ok(removed)
}

/// Removes the build fingerprints a previous `cargo package` left for the
/// published crates at this version, and returns what it removed.
///
/// The verify step builds the packaged crates as registry crates (from the
/// local registry under `target/package`, unpacked into cargo's
/// `registry/src`), and cargo never looks at a registry crate's sources
/// again once it has built that name and version (its dep-info lists no
/// file; rustdoc's fingerprint is the version alone), so a build left by an
/// earlier run would be linked instead of the new sources. Without its
/// fingerprint a crate is rebuilt. The workspace's own builds of the same
/// crates are path builds, whose fingerprints follow their sources; they
/// are kept, so the steps after this one do not compile the workspace again.
fn forget_built(target: &Path) -> Result<Vec<PathBuf>> {
    let debug = target.join("debug");
    let mut removed = Vec::new();
    for dir in entries(&debug.join(".fingerprint"))? {
        let Some(dir_name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let ours = dir_name.rsplit_once('-').and_then(|(name, hash)| {
            (PUBLISHED.contains(&name) && hash.chars().all(|c| c.is_ascii_hexdigit()))
                .then_some((name, hash))
        });
        let Some((name, hash)) = ours else {
            continue;
        };
        if built_from_registry(&debug.join("deps"), name, hash)? || fingerprint_is_version(&dir)? {
            remove(&dir)?;
            removed.push(dir);
        }
    }
    Ok(removed)
}

/// Whether rustc's dep-info of the library `name-hash` (`deps/NAME-HASH.d`,
/// beside the built library) names sources unpacked into cargo's registry
/// (`.../registry/src/<registry>/NAME-VERSION/`) rather than a path in a
/// workspace or a package folder.
fn built_from_registry(deps: &Path, name: &str, hash: &str) -> Result<bool> {
    let file = deps.join(format!("{}-{hash}.d", name.replace('-', "_")));
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(&file, e)),
    };
    let unpacked = format!("/{name}-{}/", version::VERSION);
    Ok(text.lines().next().is_some_and(|rule| {
        rule.split_whitespace()
            .skip(1)
            .any(|source| source.contains("/registry/src/") && source.contains(&unpacked))
    }))
}

/// Whether one of a fingerprint folder's unit files (`*.json`) is the
/// version alone (`"local": [{"Precalculated": VERSION}]`), which is how
/// cargo fingerprints a registry crate's documentation (a path crate's is
/// its newest file's time).
fn fingerprint_is_version(dir: &Path) -> Result<bool> {
    for file in entries(dir)? {
        if file.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(unit) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let precalculated =
            unit.get("local")
                .and_then(Value::as_array)
                .and_then(|l| match l.as_slice() {
                    [only] => only.get("Precalculated").and_then(Value::as_str),
                    _ => None,
                });
        if precalculated == Some(version::VERSION) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The entries of `dir`, none when it does not exist.
fn entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |e: std::io::Error| Error::Command {
        command: "reading a cargo cache".into(),
        message: format!("{}: {e}", dir.display()),
    };
    match std::fs::read_dir(dir) {
        Ok(list) => list.map(|e| e.map(|e| e.path()).map_err(io)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(io(e)),
    }
}

fn remove(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).map_err(|e| Error::Command {
        command: "clearing a stale cargo cache entry".into(),
        message: format!("{}: {e}", dir.display()),
    })
}

/// The published crates build with the toolchain their `rust-version`
/// names; returns that version.
fn rust_version(root: &Path, cargo: &str, metadata: &Value) -> Result<String> {
    let declared: Vec<&str> = metadata
        .get("packages")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| {
                    p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| PUBLISHED.contains(&n))
                })
                .filter_map(|p| p.get("rust_version").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let msrv = match declared.as_slice() {
        [first, rest @ ..]
            if declared.len() == PUBLISHED.len() && rest.iter().all(|v| v == first) =>
        {
            *first
        }
        _ => {
            return Err(Error::Command {
                command: "rust-version check".into(),
                message: format!(
                    "every published crate must declare the same rust-version; found {declared:?}"
                ),
            })
        }
    };
    let toolchain = msrv.to_string();
    let present = capture(root, "rustup", &["toolchain", "list"], &[])?;
    if !present
        .lines()
        .any(|l| l.starts_with(&format!("{toolchain}-")))
    {
        run_in(
            root,
            "rustup",
            &["toolchain", "install", &toolchain, "--profile", "minimal"],
        )?;
    }
    // its own folder in cargo's target folder: nothing compiled by one
    // toolchain is reused by the other
    let msrv_target = crate::test::ffi::target_dir(root, cargo)?.join("msrv");
    let mut args = vec![
        "run",
        toolchain.as_str(),
        "cargo",
        "check",
        "--locked",
        "--target-dir",
        crate::test::ffi::text(&msrv_target)?,
    ];
    for name in PUBLISHED {
        args.extend(["-p", name]);
    }
    run_in(root, "rustup", &args)?;
    Ok(toolchain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_crates_at_this_version_are_forgotten() {
        let home = std::env::temp_dir().join(format!("xtask-cargo-home-{}", std::process::id()));
        let overlay = home.join("registry/src/-153a2c468716a4aa");
        let index = home.join("registry/src/index.crates.io-1949cf8c6b5b557f");
        let ours = overlay.join(format!("versori-core-{}", version::VERSION));
        let older = overlay.join("versori-core-0.0.1");
        let theirs = index.join(format!("serde-{}", version::VERSION));
        for dir in [&ours, &older, &theirs] {
            std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        }
        let removed = forget_unpacked(&home).expect("clears");
        assert_eq!(removed, vec![ours.clone()]);
        assert!(!ours.exists());
        assert!(older.exists() && theirs.exists());
        assert!(forget_unpacked(&home).expect("again").is_empty());
        assert!(forget_unpacked(&home.join("absent"))
            .expect("no home")
            .is_empty());
        std::fs::remove_dir_all(&home).expect("cleanup");
    }

    #[test]
    fn only_registry_builds_of_our_crates_are_forgotten() {
        let target = std::env::temp_dir().join(format!("xtask-target-{}", std::process::id()));
        let fp = target.join("debug/.fingerprint");
        let deps = target.join("debug/deps");
        std::fs::create_dir_all(&deps).expect("mkdir");
        let v = version::VERSION;
        // a fingerprint folder, its unit file, and rustc's dep-info naming `sources`
        let unit = |dir: &str, local: &str, sources: Option<&str>| -> PathBuf {
            let path = fp.join(dir);
            std::fs::create_dir_all(&path).expect("mkdir");
            let json =
                format!(r#"{{"rustc":1,"features":"[]","path":2,"deps":[],"local":{local}}}"#);
            std::fs::write(path.join("lib.json"), json).expect("write");
            if let Some(sources) = sources {
                let (name, hash) = dir.rsplit_once('-').expect("name-hash");
                let d = deps.join(format!("{}-{hash}.d", name.replace('-', "_")));
                std::fs::write(&d, format!("{}: {sources}\n\n{sources}:\n", d.display()))
                    .expect("write");
            }
            path
        };
        let dep_info = r#"[{"CheckDepInfo":{"dep_info":"x","checksum":false}}]"#;
        let registry =
            format!("/home/ci/.cargo/registry/src/-3a544075e77d3496/versori-core-{v}/src/lib.rs");
        // what `cargo package` verified from its local registry: stale next time
        let core_packaged = unit("versori-core-5ed32fc94787496e", dep_info, Some(&registry));
        let facade_registry =
            format!("/home/ci/.cargo/registry/src/-3a544075e77d3496/versori-{v}/src/lib.rs");
        let facade_packaged = unit("versori-0a1b2c3d4e5f6071", dep_info, Some(&facade_registry));
        let documented = unit(
            "versori-httpmock-0b140a7134e9d717",
            &format!(r#"[{{"Precalculated":"{v}"}}]"#),
            None,
        );
        // the workspace's own builds, the packaged folder's, docs: kept
        let workspace = unit(
            "versori-389a882b8e4fd7b6",
            dep_info,
            Some("crates/versori/src/lib.rs crates/versori/src/client.rs"),
        );
        let package_dir = unit(
            "versori-core-58607ba20965000d",
            dep_info,
            Some("src/lib.rs"),
        );
        let doc = r#"[{"Precalculated":"1796628917.287550694s (tests/spec_coverage.rs)"}]"#;
        let core_doc = unit("versori-core-be93b9081cf0f492", doc, None);
        // another version from a registry, a crate not published, another crate
        let older = unit(
            "versori-core-0123456789abcdef",
            dep_info,
            Some("/home/ci/.cargo/registry/src/-3a544075e77d3496/versori-core-0.0.1/src/lib.rs"),
        );
        let ffi = unit(
            "versori-ffi-c8254bb8f9ce9c9d",
            dep_info,
            Some(&format!("/r/registry/src/x/versori-ffi-{v}/src/lib.rs")),
        );
        let theirs = unit(
            "serde-c8254bb8f9ce9c9d",
            dep_info,
            Some(&format!("/r/registry/src/x/serde-{v}/src/lib.rs")),
        );
        let mut removed = forget_built(&target).expect("clears");
        removed.sort();
        assert_eq!(removed, vec![facade_packaged, core_packaged, documented]);
        for kept in [&workspace, &package_dir, &core_doc, &older, &ffi, &theirs] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
        assert!(forget_built(&target).expect("again").is_empty());
        assert!(forget_built(&target.join("absent"))
            .expect("no target")
            .is_empty());
        std::fs::remove_dir_all(&target).expect("cleanup");
    }
}
