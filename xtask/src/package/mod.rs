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
        let toolchain = rust_version(&root, &metadata)?;
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
/// local registry under `target/package`), and cargo never re-reads a
/// registry crate's sources once it has built that name and version: its
/// fingerprint is the version alone (`{"Precalculated": "VERSION"}`), so one
/// left by an earlier run makes it link the earlier build. Without its
/// fingerprint a crate is rebuilt. The workspace's own builds of the same
/// crates are path builds, whose fingerprints follow their sources (dep-info,
/// or the newest file's time for rustdoc); they are kept, so the steps after
/// this one do not compile the workspace again.
fn forget_built(target: &Path) -> Result<Vec<PathBuf>> {
    let fingerprints = target.join("debug").join(".fingerprint");
    let mut removed = Vec::new();
    for dir in entries(&fingerprints)? {
        let ours = dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.rsplit_once('-').is_some_and(|(name, hash)| {
                PUBLISHED.contains(&name) && hash.chars().all(|c| c.is_ascii_hexdigit())
            })
        });
        if ours && built_from_registry(&dir)? {
            remove(&dir)?;
            removed.push(dir);
        }
    }
    Ok(removed)
}

/// Whether a fingerprint folder records a build from a registry at this
/// version: one of its unit files (`*.json`) has the local fingerprint
/// `[{"Precalculated": VERSION}]`, the one cargo gives a registry crate.
fn built_from_registry(dir: &Path) -> Result<bool> {
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
fn rust_version(root: &Path, metadata: &Value) -> Result<String> {
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
    // its own target folder: nothing compiled by one toolchain is reused by the other
    let mut args = vec![
        "run",
        toolchain.as_str(),
        "cargo",
        "check",
        "--locked",
        "--target-dir",
        "target/msrv",
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
        let unit = |dir: &Path, file: &str, local: &str| {
            std::fs::create_dir_all(dir).expect("mkdir");
            let json =
                format!(r#"{{"rustc":1,"features":"[]","path":2,"deps":[],"local":{local}}}"#);
            std::fs::write(dir.join(file), json).expect("write");
        };
        let registry = format!(r#"[{{"Precalculated":"{}"}}]"#, version::VERSION);
        let dep_info = r#"[{"CheckDepInfo":{"dep_info":"lib/x.d","checksum":false}}]"#;
        // what `cargo package` verified from its local registry: stale next time
        let core_packaged = fp.join("versori-core-951c138b089ea0f8");
        unit(&core_packaged, "lib-versori_core.json", &registry);
        let facade_packaged = fp.join("versori-0a1b2c3d4e5f6071");
        unit(&facade_packaged, "lib-versori.json", &registry);
        // the workspace's own builds (and docs) of the same crates: kept
        let facade_workspace = fp.join("versori-389a882b8e4fd7b6");
        unit(&facade_workspace, "lib-versori.json", dep_info);
        let core_doc = fp.join("versori-core-be93b9081cf0f492");
        let doc = r#"[{"Precalculated":"1796628917.287550694s (tests/spec_coverage.rs)"}]"#;
        unit(&core_doc, "doc-lib-versori_core.json", doc);
        // another version from a registry, a crate not published, another crate
        let older = fp.join("versori-core-0123456789abcdef");
        unit(
            &older,
            "lib-versori_core.json",
            r#"[{"Precalculated":"0.0.1"}]"#,
        );
        let ffi = fp.join("versori-ffi-c8254bb8f9ce9c9d");
        unit(&ffi, "lib-versori_ffi.json", &registry);
        let theirs = fp.join("serde-c8254bb8f9ce9c9d");
        unit(&theirs, "lib-serde.json", &registry);
        let mut removed = forget_built(&target).expect("clears");
        removed.sort();
        assert_eq!(removed, vec![facade_packaged, core_packaged]);
        for kept in [&facade_workspace, &core_doc, &older, &ffi, &theirs] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
        assert!(forget_built(&target).expect("again").is_empty());
        assert!(forget_built(&target.join("absent"))
            .expect("no target")
            .is_empty());
        std::fs::remove_dir_all(&target).expect("cleanup");
    }
}
