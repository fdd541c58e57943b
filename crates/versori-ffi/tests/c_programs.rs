//! The C and C++ test programs (`tests/c`, `tests/cpp` at the workspace
//! root), compiled with `-Wall -Wextra -Werror -pedantic` against the
//! libversori this package just built (shared and static, through its
//! generated pkg-config files) and run against the emulator, one test per
//! program. The programs and their flags are in `support/programs.rs`,
//! which `cargo xtask test` also uses to run them under valgrind.
//!
//! A test whose tools are missing says so and passes without running: the
//! C compiler (`$CC`, default `cc`) for the C programs, the C++ compiler
//! (`$CXX`, default `c++`) for the C++ one, `pkg-config` for all, and Python
//! (`$PYTHON`, default `python3`) for the fault-injection program.

#![forbid(unsafe_code)]

#[path = "support/programs.rs"]
mod programs;

use std::io::Write;
use std::path::{Path, PathBuf};

use programs::{Invocation, Setup};

/// Says why a test did not run, on the real stderr: the test harness keeps
/// what `eprintln!` prints from a passing test to itself.
fn skipped(name: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {name}: {why}");
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The profile folder the library was built into: this test runs from
/// `target/<profile>/deps/`, and cargo builds the package's library before
/// its tests. `VERSORI_FFI_LIB_DIR` overrides it.
fn lib_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VERSORI_FFI_LIB_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| root().join("target/debug"))
}

/// Runs `invocation` in the workspace root; panics with its output when it
/// fails.
fn run(invocation: &Invocation) {
    eprintln!("==> {}", invocation.shown());
    let output = invocation
        .command(&root())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", invocation.shown()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "`{}` exited with {}:\n{stdout}{stderr}",
        invocation.shown(),
        output.status
    );
}

/// Compiles and runs the program called `name`, or says why it cannot.
fn check(name: &str) {
    let program = programs::program(name).unwrap_or_else(|| panic!("no program {name}"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ffi-tests");
    let setup = match Setup::new(&root(), &lib_dir(), &out_dir) {
        Ok(setup) => setup,
        Err(missing) => {
            skipped(name, &format!("cannot build C programs here: {missing}"));
            return;
        }
    };
    if let Some(missing) = setup.missing(program) {
        skipped(name, &missing);
        return;
    }
    run(&setup.compile(program));
    if let Some(invocation) = setup.run(program, false) {
        run(&invocation);
    }
}

#[test]
fn test_ffi() {
    check("test_ffi");
}

#[test]
fn test_ffi_static() {
    check("test_ffi_static");
}

#[test]
fn test_kv_keys() {
    check("test_kv_keys");
}

#[test]
fn test_wrapper() {
    check("test_wrapper");
}

#[test]
fn test_fork() {
    check("test_fork");
}

#[test]
fn test_faults() {
    check("test_faults");
}

#[test]
fn every_program_has_a_test_here() {
    let source = include_str!("c_programs.rs");
    for program in &programs::PROGRAMS {
        let call = format!("check(\"{}\")", program.name);
        assert!(source.contains(&call), "{} has no test", program.name);
    }
}
