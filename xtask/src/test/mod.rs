//! `cargo xtask test`: the one command that runs every check and test.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    let started = Instant::now();
    let status = command.status().map_err(|e| Error::Command {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    took(&label(program, args), started);
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
    let started = Instant::now();
    let output = command.output().map_err(|e| Error::Command {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    took(&label(program, args), started);
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

/// How long each command run so far took, in the order they ran.
static TIMES: Mutex<Vec<(Duration, String)>> = Mutex::new(Vec::new());

/// A command as the timings name it: the program's file name and its
/// arguments, without the environment it was given.
fn label(program: &str, args: &[&str]) -> String {
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program);
    format!("{name} {}", args.join(" "))
}

/// Prints how long a command took (so a CI log shows where the time goes)
/// and records it for [`print_slowest`].
fn took(shown: &str, started: Instant) {
    let elapsed = started.elapsed();
    eprintln!("<== {} after {}", short(shown), seconds(elapsed));
    if let Ok(mut times) = TIMES.lock() {
        times.push((elapsed, shown.to_string()));
    }
}

/// A command line cut to one readable line (a program given with `-c`
/// spans several).
fn short(shown: &str) -> String {
    const MAX: usize = 100;
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    match shown.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &shown[..at]),
        None => shown,
    }
}

/// `12.3s`, or `2m 05s` from a minute on.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

/// The `n` slowest commands run so far, slowest first.
pub(crate) fn slowest(n: usize) -> Vec<(Duration, String)> {
    let mut times = TIMES.lock().map(|t| t.clone()).unwrap_or_default();
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    times.truncate(n);
    times
}

/// Prints the `n` slowest commands run so far.
pub(crate) fn print_slowest(n: usize) {
    let times = slowest(n);
    if times.is_empty() {
        return;
    }
    eprintln!("the slowest steps:");
    for (elapsed, shown) in times {
        eprintln!("  {:>8}  {}", seconds(elapsed), short(&shown));
    }
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
    print_slowest(8);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_command_lines_print_short() {
        assert_eq!(seconds(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(seconds(Duration::from_secs(125)), "2m 05s");
        assert_eq!(short("cargo build"), "cargo build");
        let long = format!("maturin {}", "x".repeat(200));
        assert_eq!(short(&long).chars().count(), 103);
        assert!(short(&long).ends_with("..."));
        assert_eq!(
            short("python -c import sys\nprint(1)"),
            "python -c import sys print(1)"
        );
        assert_eq!(
            label("/root/.cargo/bin/cargo", &["test", "-p", "xtask"]),
            "cargo test -p xtask"
        );
    }
}
