//! `cargo xtask`: code generation and project automation for the Versori SDK.
//!
//! ```text
//! cargo xtask generate                        regenerate every generated file from openapi/versori-platform.yaml
//! cargo xtask generate --check                write nothing; fail with a diff if a generated file is stale
//! cargo xtask generate --spec PATH            regenerate the project's files from another document
//! cargo xtask generate --spec PATH --out DIR  write a standalone client crate for PATH into DIR
//! cargo xtask test                            run every check and test of the project
//! cargo xtask test-ffi                        run only the C ABI's tests (C/C++ programs, valgrind, CMake)
//! cargo xtask test-python                     run only the Python package's step (pytest, mypy --strict, stubtest)
//! cargo xtask package                         check the crates, wheel, sdist and C install as registries and packagers see them
//! cargo xtask install --prefix DIR            build libversori (release) and install it into DIR
//! ```

#![forbid(unsafe_code)]

mod error;
mod generate;
mod install;
mod naming;
mod package;
mod spec;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Versori SDK project automation")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Regenerate the generated sources from the OpenAPI document.
    Generate {
        /// Write nothing; exit non-zero with a diff when a generated file is stale.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document (YAML or JSON, OpenAPI 3.0.x or 3.1.x).
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Write a standalone client crate into DIR instead of the project's files.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Run every check and test: drift check, fmt, clippy, the test suites,
    /// and the upstream-document checks when ../shared is present.
    Test,
    /// Run only the C ABI's step of `test`: `cargo test -p versori-ffi` (the C
    /// and C++ programs included), the programs under valgrind, the CMake example.
    TestFfi,
    /// Run only the Python package's step of `test`: build it into a fresh
    /// virtual environment, pytest, mypy --strict, stubtest, the examples and
    /// the benchmark in quick mode.
    TestPython,
    /// Check what is published: one version everywhere, `cargo package` of
    /// the crates, their rust-version, the manylinux wheel on CPython 3.9 and
    /// 3.13, the sdist, and the C library installed into a prefix.
    Package {
        /// Run only this part.
        #[arg(long, value_enum)]
        only: Option<package::Part>,
    },
    /// Build libversori and install its headers, libraries, pkg-config and
    /// CMake files into a prefix.
    Install {
        /// The install prefix (`DIR/include`, `DIR/lib`, ...).
        #[arg(long, value_name = "DIR")]
        prefix: PathBuf,
        /// Write the files under STAGE/DIR instead, for packaging; they still name DIR.
        #[arg(long, value_name = "STAGE")]
        destdir: Option<PathBuf>,
        /// The cargo profile to build.
        #[arg(long, default_value = "release")]
        profile: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Generate { check, spec, out } => generate::run(check, spec, out),
        Cmd::Test => test::run(),
        Cmd::TestFfi => test::run_ffi(),
        Cmd::TestPython => test::python::run(&workspace_root()),
        Cmd::Package { only } => package::run(only),
        Cmd::Install {
            prefix,
            destdir,
            profile,
        } => {
            let root = workspace_root();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            install::run(
                &root,
                &cargo,
                &install::Options {
                    prefix,
                    destdir,
                    profile,
                },
            )
            .map(|_| ())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
