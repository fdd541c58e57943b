//! The C ABI's step of `cargo xtask test`: build libversori, compile the C
//! and C++ test programs with `-Wall -Wextra -Werror` (linking through the
//! generated pkg-config files, shared and static), run them against the
//! emulator plainly and under valgrind, run the fork test and the C side of
//! the fault-injection suite (against `python/tests/fault_server.py`, started
//! by the test with `$PYTHON` or `python3`) plainly and under valgrind, build
//! the CMake example through `find_package(versori)` and run it, and run the
//! C-vs-facade benchmark in its quick mode.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::test::{capture, run_in, run_with_env};

/// Valgrind's settings: any leak or memory error fails the run.
const VALGRIND: [&str; 5] = [
    "--leak-check=full",
    "--error-exitcode=1",
    "--num-callers=500",
    "--quiet",
    "--suppressions=tests/c/valgrind.supp",
];

/// The hostile loopback server the fault-injection tests run against.
const FAULT_SERVER: &str = "python/tests/fault_server.py";

/// Runs the whole step.
pub fn run(root: &Path, cargo: &str) -> Result<()> {
    run_in(root, cargo, &["build", "-p", "versori-ffi"])?;
    let lib_dir = target_dir(root, cargo)?.join("debug");
    let out = lib_dir.join("ffi-tests");
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let pkg_path = lib_dir.join("pkgconfig");
    let pkg_path = text(&pkg_path)?;
    let shared = pkg_config(root, pkg_path, "versori")?;
    let static_ = pkg_config(root, pkg_path, "versori-static")?;

    let test_c = out.join("test_ffi");
    let test_c_static = out.join("test_ffi_static");
    let test_kv_keys = out.join("test_kv_keys");
    let test_cpp = out.join("test_wrapper");
    let c_flags = [
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-pthread",
    ];
    let cpp_flags = [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-pthread",
    ];
    compile(root, "cc", &c_flags, "tests/c/test_ffi.c", &test_c, &shared)?;
    compile(
        root,
        "cc",
        &c_flags,
        "tests/c/test_ffi.c",
        &test_c_static,
        &static_,
    )?;
    compile(
        root,
        "cc",
        &c_flags,
        "tests/c/test_kv_keys.c",
        &test_kv_keys,
        &shared,
    )?;
    compile(
        root,
        "c++",
        &cpp_flags,
        "tests/cpp/test_wrapper.cpp",
        &test_cpp,
        &shared,
    )?;

    let test_fork = out.join("test_fork");
    let test_faults = out.join("test_faults");
    compile(
        root,
        "cc",
        &c_flags,
        "tests/c/test_fork.c",
        &test_fork,
        &shared,
    )?;
    compile(
        root,
        "cc",
        &c_flags,
        "tests/c/test_faults.c",
        &test_faults,
        &shared,
    )?;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let faults_args = [python.as_str(), FAULT_SERVER];

    for program in [
        &test_c,
        &test_c_static,
        &test_kv_keys,
        &test_cpp,
        &test_fork,
    ] {
        run_in(root, text(program)?, &[])?;
    }
    run_in(root, text(&test_faults)?, &faults_args)?;
    for program in [&test_c, &test_kv_keys, &test_cpp] {
        let mut args: Vec<&str> = VALGRIND.to_vec();
        args.push(text(program)?);
        run_in(root, "valgrind", &args)?;
    }
    let mut args: Vec<&str> = VALGRIND.to_vec();
    args.push(text(&test_faults)?);
    args.extend(faults_args);
    run_in(root, "valgrind", &args)?;
    // a forked child inherits memory owned by threads it does not have, which
    // a leak check in the child would report as lost: memory errors only here
    // (the leak checks of the runs above cover the library)
    let mut args: Vec<&str> = VALGRIND
        .iter()
        .copied()
        .filter(|a| !a.starts_with("--leak-check"))
        .collect();
    args.push("--leak-check=no");
    args.push(text(&test_fork)?);
    run_in(root, "valgrind", &args)?;

    let build = out.join("example-cpp");
    run_in(
        root,
        "cmake",
        &[
            "-S",
            "examples/cpp",
            "-B",
            text(&build)?,
            &format!("-DCMAKE_PREFIX_PATH={}", text(&lib_dir)?),
        ],
    )?;
    run_in(root, "cmake", &["--build", text(&build)?])?;
    run_in(root, text(&build.join("versori_example"))?, &[])?;

    // the benchmark in its quick mode: it builds, runs and checks its results
    run_with_env(
        root,
        cargo,
        &["test", "-p", "versori-ffi", "--benches"],
        &[("VERSORI_FFI_LIB_DIR", text(&lib_dir)?)],
    )
}

/// Compiles one test program.
fn compile(
    root: &Path,
    compiler: &str,
    flags: &[&str],
    source: &str,
    output: &Path,
    link: &[String],
) -> Result<()> {
    let mut args: Vec<&str> = flags.to_vec();
    args.extend([source, "-o", text(output)?]);
    args.extend(link.iter().map(String::as_str));
    run_in(root, compiler, &args)
}

/// `pkg-config --cflags --libs NAME` against the generated .pc files.
fn pkg_config(root: &Path, pkg_path: &str, name: &str) -> Result<Vec<String>> {
    let flags = capture(
        root,
        "pkg-config",
        &["--cflags", "--libs", name],
        &[("PKG_CONFIG_PATH", pkg_path)],
    )?;
    eprintln!("{}", flags.trim());
    Ok(flags.split_whitespace().map(String::from).collect())
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
