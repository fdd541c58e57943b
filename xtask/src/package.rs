//! `cargo xtask package`: everything a registry or a packager would check,
//! run the way they run it.
//!
//! 1. One version: the manifests, pyproject.toml, the C header, the
//!    changelog and every crate agree ([`crate::version`]).
//! 2. The published crates: `cargo package` of versori-core,
//!    versori-httpmock, versori and versori-emulator together (cargo
//!    verifies each against the others through a local registry, in
//!    dependency order, as `cargo publish` would upload them).
//! 3. The declared `rust-version`: the published crates are checked with
//!    that toolchain (installed with rustup when missing).
//! 4. Python ([`crate::package_python`]): the manylinux abi3 wheel, its
//!    compliance, size and contents; that wheel installed into fresh
//!    CPython 3.9 and 3.13 environments and tested there; the sdist built
//!    and installed with only pip and Rust.
//! 5. C and C++ ([`crate::package_c`]): `cargo xtask install` into a
//!    prefix outside the tree, and a C program and `examples/cpp` built
//!    against that prefix alone.

use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::test::{capture, run_in};
use crate::version;

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
        report.push(format!("wheel: {}", crate::package_python::run(&root)?));
    }
    if wanted(Part::C) {
        let installed = crate::package_c::run(&root, &cargo)?;
        report.push(format!("C/C++ install: {}", installed.join(", ")));
    }
    eprintln!("\npackaging checks passed in {:.0?}", started.elapsed());
    for line in report {
        eprintln!("  {line}");
    }
    Ok(())
}

/// `cargo package` of the published crates, verified together.
fn crates(root: &Path, cargo: &str) -> Result<()> {
    let mut args = vec!["package", "--locked", "--allow-dirty"];
    for name in PUBLISHED {
        args.extend(["-p", name]);
    }
    run_in(root, cargo, &args)
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
