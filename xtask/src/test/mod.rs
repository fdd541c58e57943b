//! `cargo xtask test`: the one command that runs every check and test.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};
use crate::workspace_root;

pub mod ffi;
pub mod python;

/// Runs `program args...` in `dir`, echoing the command, and fails if it fails.
pub(crate) fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    run_with_env(dir, program, args, &[])
}

/// [`run_in`] with extra environment variables.
pub(crate) fn run_with_env(
    dir: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<()> {
    let (mut command, shown) = echoed(dir, program, args, env);
    let status = command.status().map_err(|e| Error::Command {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Command {
            command: shown,
            message: format!("exited with {status}"),
        })
    }
}

/// Runs `program args...` in `dir` with extra environment variables, echoing
/// the command, and returns what it printed on stdout; fails (with its
/// stderr) if it fails.
pub(crate) fn capture(
    dir: &Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<String> {
    let (mut command, shown) = echoed(dir, program, args, env);
    let output = command.output().map_err(|e| Error::Command {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    if !output.status.success() {
        return Err(Error::Command {
            command: shown,
            message: format!(
                "exited with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The command, ready to run, and how it is shown (echoed now).
fn echoed(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> (Command, String) {
    let vars: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    let shown = format!("{vars}{program} {}", args.join(" "));
    eprintln!("\n==> {shown}");
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir);
    (command, shown)
}

/// The steps, in order; the first failure stops the run.
pub fn run() -> Result<()> {
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_in(&root, &cargo, &["xtask", "generate", "--check"])?;
    run_in(&root, &cargo, &["fmt", "--all", "--", "--check"])?;
    run_in(
        &root,
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            // every feature: the Python module's `bench` server is linted too
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // versori-ffi's tests run in the C ABI's step below
    run_in(
        &root,
        &cargo,
        &["test", "--workspace", "--exclude", "versori-ffi"],
    )?;
    // the benchmarks in their quick mode: they build, run and check their
    // results (the emulator's also that a last page costs about page 1)
    run_in(&root, &cargo, &["test", "-p", "versori", "--benches"])?;
    run_in(
        &root,
        &cargo,
        &["test", "-p", "versori-emulator", "--benches"],
    )?;
    // the C ABI: C and C++ programs, valgrind, pkg-config and CMake packaging
    crate::test::ffi::run(&root, &cargo)?;
    // the Python package: built into a fresh venv, pytest, mypy --strict, stubtest
    crate::test::python::run(&root)?;
    docs(&root, &cargo)?;
    upstream_checks(&root, &cargo)?;
    eprintln!("\nall checks passed");
    Ok(())
}

/// The C ABI's step alone (`cargo xtask test-ffi`).
pub fn run_ffi() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::test::ffi::run(&workspace_root(), &cargo)
}

/// Builds the documentation with warnings as errors (broken links, missing docs).
fn docs(root: &Path, cargo: &str) -> Result<()> {
    let args = [
        "doc",
        "--no-deps",
        "-p",
        "versori",
        "-p",
        "versori-core",
        "-p",
        "versori-httpmock",
        "-p",
        "versori-emulator",
    ];
    run_with_env(root, cargo, &args, &[("RUSTDOCFLAGS", "-Dwarnings")])
}

/// With the reference material beside the project (`../shared`), regenerate
/// a standalone client from the upstream document and build it, and compare
/// our spec's interface facts with upstream. Without it, say so and skip.
fn upstream_checks(root: &Path, cargo: &str) -> Result<()> {
    let shared = root.join("../shared");
    let upstream = shared.join("reference/versori-platform-api.upstream.yaml");
    if !upstream.is_file() {
        eprintln!(
            "\nskipped: upstream regeneration and spec coverage ({} not present)",
            upstream.display()
        );
        return Ok(());
    }
    let out = root.join("target/upstream-client");
    let (Some(upstream_s), Some(out_s)) = (upstream.to_str(), out.to_str()) else {
        return Err(Error::Command {
            command: "upstream checks".into(),
            message: "paths are not valid UTF-8".into(),
        });
    };
    run_in(
        root,
        cargo,
        &["xtask", "generate", "--spec", upstream_s, "--out", out_s],
    )?;
    let manifest = out.join("Cargo.toml");
    let target = root.join("target");
    run_in(
        root,
        cargo,
        &[
            "build",
            "--manifest-path",
            manifest.to_str().unwrap_or_default(),
            "--target-dir",
            target.to_str().unwrap_or_default(),
        ],
    )?;
    let coverage = shared.join("tools/spec-coverage");
    if coverage.is_file() {
        run_in(
            root,
            "python3",
            &[
                coverage.to_str().unwrap_or_default(),
                crate::generate::DEFAULT_SPEC,
            ],
        )?;
    }
    Ok(())
}
