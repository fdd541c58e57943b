//! The C and C++ test programs (`tests/c`, `tests/cpp` at the workspace
//! root), compiled with `-Wall -Wextra -Werror -pedantic` against the
//! libversori (shared and static, through its generated pkg-config files),
//! which the tests build first with `cargo build -p versori-ffi` and run against the emulator, one test per
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
use std::sync::OnceLock;

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

/// The profile folder holding the library the programs link:
/// `VERSORI_FFI_LIB_DIR` when set (a library built elsewhere, used as it
/// is), else this test's own profile folder (it runs from
/// `target/<profile>/deps/`), into which the library is built first.
///
/// The package's library is a cdylib and a staticlib only, which cargo
/// does not build for the package's tests; so without this step the
/// programs would link whatever `libversori.so` an earlier build left, or
/// none.
fn lib_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    if let Some(dir) = std::env::var_os("VERSORI_FFI_LIB_DIR") {
        return PathBuf::from(dir);
    }
    BUILT
        .get_or_init(|| {
            let dir = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
                .unwrap_or_else(|| root().join("target/debug"));
            build_library(&dir);
            dir
        })
        .clone()
}

/// Builds libversori (`cargo build -p versori-ffi`) with the profile whose
/// folder is `dir`; panics with cargo's output when that fails.
fn build_library(dir: &Path) {
    let profile = match dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev".to_owned(),
        Some(other) => other.to_owned(),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let args = ["build", "-p", "versori-ffi", "--profile", profile.as_str()];
    eprintln!("==> {cargo} {}", args.join(" "));
    let output = std::process::Command::new(&cargo)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{cargo} could not be run: {e}"));
    assert!(
        output.status.success(),
        "building libversori failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
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
    let lib_dir = lib_dir();
    // a missing library is a failure, never a skip: it was just built, or
    // VERSORI_FFI_LIB_DIR names a folder that should hold it
    assert!(
        lib_dir.join("libversori.so").is_file(),
        "{} holds no libversori.so",
        lib_dir.display()
    );
    let setup = match Setup::new(&root(), &lib_dir, &out_dir) {
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
