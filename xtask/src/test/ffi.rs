//! The C ABI's step of `cargo xtask test`: `cargo test -p versori-ffi`
//! (its unit tests, and `tests/c_programs.rs`, which compiles the C and C++
//! test programs with `-Wall -Wextra -Werror` through the generated
//! pkg-config files, shared and static, and runs them against the emulator,
//! the fork test and the C side of the fault-injection suite included; and
//! the C-vs-facade benchmark in its quick mode), then the same programs
//! under valgrind, then the CMake example built through
//! `find_package(versori)` and run. The programs, their flags and their
//! valgrind settings are written once, in
//! `crates/versori-ffi/tests/support/programs.rs`, which this module
//! includes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::test::{run_in, run_with_env};

#[path = "../../../crates/versori-ffi/tests/support/programs.rs"]
mod programs;

use programs::{Invocation, Setup, Valgrind, PROGRAMS};

/// Runs the whole step.
pub fn run(root: &Path, cargo: &str) -> Result<()> {
    run_in(root, cargo, &["build", "-p", "versori-ffi"])?;
    let lib_dir = target_dir(root, cargo)?.join("debug");
    // every program plainly, the unit tests, the benchmark's quick mode
    run_with_env(
        root,
        cargo,
        &["test", "-p", "versori-ffi", "--all-targets"],
        &[("VERSORI_FFI_LIB_DIR", text(&lib_dir)?)],
    )?;

    let setup = Setup::new(root, &lib_dir, &lib_dir.join("ffi-tests")).map_err(|message| {
        Error::Command {
            command: "C ABI tests".into(),
            message,
        }
    })?;
    for program in PROGRAMS.iter().filter(|p| p.valgrind != Valgrind::Skip) {
        // the full suite needs every tool: what is missing is an error here
        if let Some(message) = setup.missing(program) {
            return Err(Error::Command {
                command: format!("C ABI tests ({})", program.name),
                message,
            });
        }
        invoke(root, &setup.compile(program))?;
        if let Some(under_valgrind) = setup.run(program, true) {
            invoke(root, &under_valgrind)?;
        }
    }

    let build = setup.out_dir.join("example-cpp");
    configure_cpp_example(root, &build, &lib_dir)?;
    run_in(root, "cmake", &["--build", text(&build)?])?;
    run_in(root, text(&build.join("versori_example"))?, &[])
}

/// Configures the CMake example `examples/cpp` into `build`, where
/// `find_package(versori)` looks under `prefix` first (a profile folder or
/// an install prefix).
pub(crate) fn configure_cpp_example(root: &Path, build: &Path, prefix: &Path) -> Result<()> {
    run_in(
        root,
        "cmake",
        &[
            "-S",
            "examples/cpp",
            "-B",
            text(build)?,
            &format!("-DCMAKE_PREFIX_PATH={}", text(prefix)?),
        ],
    )
}

/// Runs one of the programs' command lines in `root`, echoed.
fn invoke(root: &Path, invocation: &Invocation) -> Result<()> {
    let args: Vec<&str> = invocation.args.iter().map(String::as_str).collect();
    run_in(root, &invocation.program, &args)
}

/// Cargo's target directory (honours CARGO_TARGET_DIR and config files).
pub(crate) fn target_dir(root: &Path, cargo: &str) -> Result<PathBuf> {
    let shown = "cargo metadata --format-version 1 --no-deps".to_string();
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| Error::Command {
            command: shown.clone(),
            message: e.to_string(),
        })?;
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| Error::Command {
            command: shown.clone(),
            message: format!("unreadable output: {e}"),
        })?;
    meta.get("target_directory")
        .and_then(|t| t.as_str())
        .map(PathBuf::from)
        .ok_or(Error::Command {
            command: shown,
            message: "no target_directory in the output".into(),
        })
}

/// A path as a command-line argument.
pub(crate) fn text(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| Error::Command {
        command: "C ABI tests".into(),
        message: format!("path {} is not valid UTF-8", path.display()),
    })
}
