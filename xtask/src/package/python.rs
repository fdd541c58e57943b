//! The Python half of `cargo xtask package`.
//!
//! - The wheel PyPI gets: `maturin build --release --zig --compatibility
//!   manylinux_2_28` (zig links against glibc 2.28's symbols, whatever the
//!   build machine's glibc), checked by maturin and by `auditwheel show`;
//!   its tags, size and largest members are printed.
//! - That same wheel is installed into fresh virtual environments on CPython
//!   3.9 and 3.13 (the oldest and newest supported), where the pytest suite
//!   runs, `versori.__version__` is checked, and on 3.13 stubtest compares
//!   the shipped stubs with the shipped module (which has no bench server).
//! - The sdist (`maturin sdist`) is installed into a fresh environment by
//!   pip alone, which fetches the build backend itself and compiles the
//!   Rust sources the sdist carries.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::package::version::VERSION;
use crate::test::ffi::{target_dir, text};
use crate::test::{capture, run_in, run_with_env};

/// What builds the wheel and checks it.
const TOOLS: &[&str] = &["maturin>=1.7,<2", "ziglang", "auditwheel>=6"];
/// The manylinux policy the wheel targets.
const POLICY: &str = "manylinux_2_28";
/// The interpreters the wheel is tested on: the oldest supported and the newest.
const PYTHONS: [&str; 2] = ["3.9", "3.13"];

fn fail(what: &str, message: String) -> Error {
    Error::Command {
        command: what.into(),
        message,
    }
}

/// Runs the Python packaging checks; returns a one-line description of
/// the wheel (name, tags, size).
pub fn run(root: &Path) -> Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let work = target_dir(root, &cargo)?.join("package/python");
    std::fs::create_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let tools = venv(root, &python, &work.join("tools"))?;
    pip(root, &tools, TOOLS)?;
    let tools_path = path_with(&tools)?;

    let wheel = build_wheel(root, &work, &tools, &tools_path)?;
    let summary = describe_wheel(root, &tools, &wheel)?;
    for minor in PYTHONS {
        let interpreter = interpreter(root, minor, &tools)?;
        let env = venv(root, text(&interpreter)?, &work.join(format!("py{minor}")))?;
        pip(root, &env, &[text(&wheel)?, "pytest>=7"])?;
        check_installed(root, &env)?;
        run_in(
            root,
            text(&env.python)?,
            &["-m", "pytest", "python/tests", "-q"],
        )?;
        if minor == PYTHONS[PYTHONS.len() - 1] {
            pip(root, &env, &["mypy>=1.10"])?;
            run_in(
                root,
                text(&env.python)?,
                &["-m", "mypy.stubtest", "versori._native", "--concise"],
            )?;
        }
    }
    sdist(root, &work, &python, &tools, &tools_path)?;
    Ok(summary)
}

/// `dir`, emptied of what an earlier run left.
fn empty_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(dir.to_path_buf())
}

/// A virtual environment.
struct Venv {
    python: PathBuf,
    bin: PathBuf,
}

/// A fresh virtual environment at `dir` made by `python`.
fn venv(root: &Path, python: &str, dir: &Path) -> Result<Venv> {
    run_in(root, python, &["-m", "venv", "--clear", text(dir)?])?;
    Ok(Venv {
        python: dir.join("bin/python"),
        bin: dir.join("bin"),
    })
}

fn pip(root: &Path, env: &Venv, what: &[&str]) -> Result<()> {
    let mut args = vec![
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ];
    args.extend_from_slice(what);
    run_in(root, text(&env.python)?, &args)
}

/// PATH with the environment's `bin` first (maturin finds zig through it).
fn path_with(env: &Venv) -> Result<String> {
    let bin = text(&env.bin)?;
    Ok(match std::env::var_os("PATH") {
        Some(p) => format!("{bin}:{}", p.to_string_lossy()),
        None => bin.to_string(),
    })
}

/// Builds the release wheel and returns its path.
fn build_wheel(root: &Path, work: &Path, tools: &Venv, path: &str) -> Result<PathBuf> {
    let out = empty_dir(&work.join("wheels"))?;
    let maturin = tools.bin.join("maturin");
    run_with_env(
        &root.join("python"),
        text(&maturin)?,
        &[
            "build",
            "--release",
            "--zig",
            "--compatibility",
            POLICY,
            "--out",
            text(&out)?,
        ],
        &[("PATH", path)],
    )?;
    let wheels: Vec<PathBuf> = std::fs::read_dir(&out)
        .map_err(|e| Error::io(&out, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    match wheels.as_slice() {
        [one] => Ok(one.clone()),
        other => Err(fail(
            "maturin build",
            format!(
                "expected one wheel in {}, found {}",
                out.display(),
                other.len()
            ),
        )),
    }
}

/// Checks the wheel's name and compliance, and says what is in it.
fn describe_wheel(root: &Path, tools: &Venv, wheel: &Path) -> Result<String> {
    let name = wheel
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| fail("wheel", format!("{} has no name", wheel.display())))?;
    let tags = wheel_tags(name, VERSION)
        .ok_or_else(|| fail("wheel", format!("{name} is not a versori {VERSION} wheel")))?;
    let expected = format!("cp39-abi3-{POLICY}_{}", std::env::consts::ARCH);
    if tags != expected {
        return Err(fail(
            "wheel",
            format!("{name}: tags {tags}, expected {expected}"),
        ));
    }
    let shown = capture(
        root,
        text(&tools.bin.join("auditwheel"))?,
        &["show", text(wheel)?],
        &[],
    )?;
    eprintln!("{}", shown.trim());
    let policy = tags.rsplit('-').next().unwrap_or_default();
    let consistent = consistent_tag(&shown)
        .ok_or_else(|| fail("auditwheel show", format!("no platform tag in: {shown}")))?;
    let consistent = consistent.as_str();
    if !manylinux_at_least(consistent, policy) {
        return Err(fail(
            "auditwheel show",
            format!("{name} is tagged {policy} but auditwheel finds it consistent with {consistent} only"),
        ));
    }
    let size = std::fs::metadata(wheel)
        .map_err(|e| Error::io(wheel, e))?
        .len();
    let listing = capture(
        root,
        text(&tools.python)?,
        &[
            "-c",
            "import sys, zipfile\n\
             for i in zipfile.ZipFile(sys.argv[1]).infolist():\n\
             \x20   print(i.compress_size, i.file_size, i.filename, sep='\\t')\n",
            text(wheel)?,
        ],
        &[],
    )?;
    let mut members: Vec<(u64, u64, &str)> = listing
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?, f.next()?))
        })
        .collect();
    if let Some(stray) = members
        .iter()
        .find(|m| m.2.ends_with(".pyc") || m.2.contains("__pycache__"))
    {
        return Err(fail(
            "wheel",
            format!("{name} holds compiled bytecode ({}): it must not", stray.2),
        ));
    }
    members.sort_by_key(|m| std::cmp::Reverse(m.0));
    let summary = format!(
        "{name} (tags {tags}; {:.2} MB; auditwheel: consistent with {consistent})",
        size as f64 / 1e6
    );
    eprintln!("\nwheel: {summary}\nits largest members (compressed, uncompressed):");
    for (packed, full, member) in members.iter().take(6) {
        eprintln!(
            "  {:6.2} MB {:6.2} MB  {member}",
            *packed as f64 / 1e6,
            *full as f64 / 1e6
        );
    }
    Ok(summary)
}

/// The platform tag `auditwheel show` finds the wheel consistent with (it
/// wraps its sentences, so the words are rejoined first).
fn consistent_tag(shown: &str) -> Option<String> {
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    words
        .split("consistent with the following platform tag:")
        .nth(1)?
        .split('"')
        .nth(1)
        .map(str::to_string)
}

/// `py-tags` of `versori-VERSION-TAGS.whl`.
fn wheel_tags<'a>(name: &'a str, version: &str) -> Option<&'a str> {
    name.strip_prefix(&format!("versori-{version}-"))?
        .strip_suffix(".whl")
}

/// Whether the platform tag `found` (what the wheel is consistent with)
/// covers `claimed`: both manylinux on the same architecture, with
/// `found`'s glibc no newer than `claimed`'s.
fn manylinux_at_least(found: &str, claimed: &str) -> bool {
    let parse = |tag: &str| -> Option<(u32, u32, String)> {
        let rest = tag.strip_prefix("manylinux_")?;
        let mut parts = rest.splitn(3, '_');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some((major, minor, parts.next()?.to_string()))
    };
    match (parse(found), parse(claimed)) {
        (Some((fa, fb, farch)), Some((ca, cb, carch))) => farch == carch && (fa, fb) <= (ca, cb),
        _ => false,
    }
}

/// The installed module is the release one: its version is the project's
/// and it has no benchmark server.
fn check_installed(root: &Path, env: &Venv) -> Result<()> {
    let out = capture(
        root,
        text(&env.python)?,
        &[
            "-c",
            "import sys, versori, versori._native as n\n\
             print(versori.__version__, sys.version_info[0], sys.version_info[1], hasattr(n, 'StaticServer'))",
        ],
        &[],
    )?;
    let words: Vec<&str> = out.split_whitespace().collect();
    match words.as_slice() {
        [version, _, _, "False"] if *version == VERSION => Ok(()),
        _ => Err(fail(
            "the installed wheel",
            format!(
                "expected versori.__version__ {VERSION} and no StaticServer; got `{}`",
                out.trim()
            ),
        )),
    }
}

/// A CPython `minor` (`"3.9"`): `python3.9` on PATH, else the newest pyenv
/// install of it, else one installed by uv (from the tools environment).
fn interpreter(root: &Path, minor: &str, tools: &Venv) -> Result<PathBuf> {
    let works = |candidate: &Path| -> bool {
        text(candidate)
            .ok()
            .and_then(|c| {
                std::process::Command::new(c)
                    .args([
                        "-c",
                        "import sys, venv; print('%d.%d' % sys.version_info[:2])",
                    ])
                    .output()
                    .ok()
            })
            .is_some_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == minor
            })
    };
    let on_path = PathBuf::from(format!("python{minor}"));
    if works(&on_path) {
        return Ok(on_path);
    }
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    if let Some(versions) = pyenv_root.map(|r| r.join("versions")) {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(&versions)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let rest = name.strip_prefix(&format!("{minor}."))?;
                let patch: u32 = rest.parse().ok()?;
                Some((patch, e.path().join(format!("bin/python{minor}"))))
            })
            .filter(|(_, p)| works(p))
            .collect();
        found.sort();
        if let Some((_, newest)) = found.pop() {
            return Ok(newest);
        }
    }
    pip(root, tools, &["uv"])?;
    let uv = tools.bin.join("uv");
    let uv = text(&uv)?;
    if run_in(root, uv, &["python", "install", minor]).is_ok() {
        let found = capture(root, uv, &["python", "find", minor], &[])?;
        let path = PathBuf::from(found.trim());
        if works(&path) {
            return Ok(path);
        }
    }
    Err(fail(
        "finding CPython",
        format!(
            "no CPython {minor}: put python{minor} on PATH (pyenv install {minor}, the \
             distribution's package, or `uv python install {minor}`) and run again"
        ),
    ))
}

/// Builds the sdist and installs it with pip alone into a fresh environment.
fn sdist(root: &Path, work: &Path, python: &str, tools: &Venv, tools_path: &str) -> Result<()> {
    let out = empty_dir(&work.join("sdist"))?;
    let maturin = tools.bin.join("maturin");
    run_with_env(
        &root.join("python"),
        text(&maturin)?,
        &["sdist", "--out", text(&out)?],
        &[("PATH", tools_path)],
    )?;
    let archive = out.join(format!("versori-{VERSION}.tar.gz"));
    if !archive.is_file() {
        return Err(fail(
            "maturin sdist",
            format!("{} was not written", archive.display()),
        ));
    }
    let env = venv(root, python, &work.join("sdist-venv"))?;
    let cargo_target = target_dir(
        root,
        &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
    )?;
    // pip fetches maturin itself (build isolation); the debug profile and the
    // shared target folder only save compiling the dependencies again
    run_with_env(
        root,
        text(&env.python)?,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            text(&archive)?,
        ],
        &[
            ("MATURIN_PEP517_ARGS", "--profile dev"),
            ("CARGO_TARGET_DIR", text(&cargo_target)?),
        ],
    )?;
    check_installed(root, &env)?;
    run_in(
        root,
        text(&env.python)?,
        &[
            "-c",
            "from versori.testing import Emulator\n\
             with Emulator() as emu:\n\
             \x20   user = emu.client().create_end_user(body={'externalId': 'from-the-sdist'})\n\
             \x20   assert user.external_id == 'from-the-sdist', user\n\
             print('the sdist build works')",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditwheel_s_wrapped_verdict_is_read() {
        let shown = "\nversori-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl is consistent with\n\
                     the following platform tag: \"manylinux_2_28_x86_64\".\n\nThe wheel references";
        assert_eq!(
            consistent_tag(shown).as_deref(),
            Some("manylinux_2_28_x86_64")
        );
        assert_eq!(consistent_tag("auditwheel: error: cannot access"), None);
    }

    #[test]
    fn wheel_names_give_their_tags() {
        assert_eq!(
            wheel_tags("versori-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl", "0.1.0"),
            Some("cp39-abi3-manylinux_2_28_x86_64")
        );
        assert_eq!(wheel_tags("versori-0.2.0-cp39-abi3-any.whl", "0.1.0"), None);
        assert_eq!(wheel_tags("other-0.1.0-py3-none-any.whl", "0.1.0"), None);
    }

    #[test]
    fn manylinux_tags_compare_by_glibc_and_architecture() {
        assert!(manylinux_at_least(
            "manylinux_2_17_x86_64",
            "manylinux_2_28_x86_64"
        ));
        assert!(manylinux_at_least(
            "manylinux_2_28_x86_64",
            "manylinux_2_28_x86_64"
        ));
        assert!(!manylinux_at_least(
            "manylinux_2_34_x86_64",
            "manylinux_2_28_x86_64"
        ));
        assert!(!manylinux_at_least(
            "manylinux_2_17_aarch64",
            "manylinux_2_28_x86_64"
        ));
        assert!(!manylinux_at_least("linux_x86_64", "manylinux_2_28_x86_64"));
    }
}
