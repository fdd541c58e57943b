//! The Python package's step of `cargo xtask test`: build `python/` into a
//! fresh virtual environment with pip (maturin as the build backend), then
//! run the pytest suite against the installed package, `mypy --strict` on
//! the package and a typed examples file, `stubtest` on the native module's
//! stubs, the quickstart example and the benchmark in its quick mode.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::test::{run_in, run_with_env};

/// The build tools and test tools the step installs into its environment.
/// mypy stays below 2, the first release that cannot check code for
/// Python 3.9 (`python_version = "3.9"` in pyproject.toml, the oldest the
/// package supports).
const TOOLS: &[&str] = &["maturin>=1.7,<2", "pytest>=7", "mypy>=1.10,<2"];
/// What the benchmark compares against.
const BENCH_PEERS: &[&str] = &["httpx", "requests", "aiohttp", "orjson"];

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

fn utf8(p: &Path) -> Result<&str> {
    p.to_str().ok_or_else(|| Error::Command {
        command: "python tests".into(),
        message: format!("path {} is not valid UTF-8", p.display()),
    })
}

/// Runs the Python checks.
pub fn run(root: &Path) -> Result<()> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let venv = target_dir(root).join("python-venv");
    let venv_s = utf8(&venv)?;
    run_in(root, &python, &["-m", "venv", "--clear", venv_s])?;
    let py = venv.join("bin/python");
    let py = utf8(&py)?;
    // `pip install` (quietly) with extra environment variables
    let pip = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec![
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ];
        all.extend_from_slice(args);
        run_with_env(root, py, &all, env)
    };
    pip(TOOLS, &[])?;
    let bin = venv.join("bin");
    let path = match std::env::var_os("PATH") {
        Some(p) => format!("{}:{}", utf8(&bin)?, p.to_string_lossy()),
        None => utf8(&bin)?.to_string(),
    };
    pip(BENCH_PEERS, &[])?;
    // the debug profile reuses what `cargo test --workspace` compiled; the
    // benchmark's figures come from the release build `pip install ./python`
    // makes by default; `bench` adds the benchmark's loopback server
    pip(
        &["--no-build-isolation", "./python"],
        &[
            ("MATURIN_PEP517_ARGS", "--profile dev --features bench"),
            // the build backend runs the venv's `maturin` executable
            ("PATH", &path),
        ],
    )?;
    run_in(root, py, &["-m", "pytest", "python/tests", "-q"])?;
    // `mypy --strict` with the package's settings on `targets`
    let mypy = |targets: &[&str]| {
        let mut args = vec![
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            "python/pyproject.toml",
        ];
        args.extend_from_slice(targets);
        run_in(root, py, &args)
    };
    mypy(&["-p", "versori"])?;
    mypy(&[
        "python/examples/typed_usage.py",
        "python/examples/quickstart.py",
        "python/bench/run.py",
    ])?;
    run_in(
        root,
        py,
        &[
            "-m",
            "mypy.stubtest",
            "versori._native",
            "--concise",
            "--allowlist",
            "python/stubtest-allowlist.txt",
        ],
    )?;
    run_with_env(
        root,
        py,
        &["python/examples/quickstart.py"],
        &[
            ("VERSORI_API_KEY", ""),
            ("VERSORI_JWT", ""),
            ("VERSORI_SIGNING_KEY", ""),
        ],
    )?;
    run_in(root, py, &["python/bench/run.py", "--quick"])
}
