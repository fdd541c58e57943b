//! The Python half of `cargo xtask package`.
//!
//! - The wheel PyPI gets: `maturin build --zig --compatibility
//!   manylinux_2_28` in the `wheel` profile pyproject.toml names (zig links
//!   against glibc 2.28's symbols, whatever the build machine's glibc),
//!   checked by maturin and by `auditwheel show --json`; its tags, size and
//!   largest members are printed, and its licence texts checked.
//! - That same wheel is installed into fresh virtual environments on CPython
//!   3.9 and 3.13 (the oldest and newest supported), where the pytest suite
//!   runs, `versori.__version__` is checked, and on 3.13 stubtest compares
//!   the shipped stubs with the shipped module (which has no bench server).
//! - The sdist (`maturin sdist`) is installed into a fresh environment by
//!   pip alone, which fetches the build backend itself and compiles the
//!   Rust sources the sdist carries.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::package::metadata::LICENSE_FILES;
use crate::package::version::VERSION;
use crate::test::ffi::{target_dir, text};
use crate::test::{capture, run_in, run_with_env};

/// What builds the wheel and checks it. zig is pinned to the release the
/// wheel is known to link with (a new zig can change what it links against);
/// auditwheel to the major version whose `show --json` is read here (the
/// option is new in 6.8).
const TOOLS: &[&str] = &["maturin>=1.7,<2", "ziglang==0.17.1", "auditwheel>=6.8,<7"];
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
        let interpreter = interpreter(minor)?;
        let env = venv(root, text(&interpreter)?, &work.join(format!("py{minor}")))?;
        pip(root, &env, &[text(&wheel)?, "pytest>=7"])?;
        check_installed(root, &env)?;
        run_in(
            root,
            text(&env.python)?,
            &["-m", "pytest", "python/tests", "-q"],
        )?;
        if minor == PYTHONS[PYTHONS.len() - 1] {
            // the version `cargo xtask test` uses (see crate::test::python)
            pip(root, &env, &["mypy>=1.10,<2"])?;
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
    dir: PathBuf,
    python: PathBuf,
    bin: PathBuf,
}

/// A fresh virtual environment at `dir` made by `python`.
fn venv(root: &Path, python: &str, dir: &Path) -> Result<Venv> {
    run_in(root, python, &["-m", "venv", "--clear", text(dir)?])?;
    Ok(Venv {
        dir: dir.to_path_buf(),
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
        // the cargo profile is pyproject.toml's (`wheel`: release with fat LTO)
        &[
            "build",
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
        &["show", "--json", text(wheel)?],
        &[],
    )?;
    let policy = tags.rsplit('-').next().unwrap_or_default();
    let consistent = audit_verdict(&shown).map_err(|e| fail("auditwheel show --json", e))?;
    let consistent = consistent.as_str();
    eprintln!("auditwheel: {name} is consistent with {consistent} and needs no library outside it");
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
    for license in LICENSE_FILES {
        let wanted = format!(".dist-info/licenses/{license}");
        if !members.iter().any(|m| m.2.ends_with(&wanted)) {
            return Err(fail(
                "wheel",
                format!("{name} does not carry the licence text {license} (*{wanted})"),
            ));
        }
    }
    members.sort_by_key(|m| std::cmp::Reverse(m.0));
    let mb = |bytes: u64| format!("{:.2} MB", bytes as f64 / 1e6);
    let largest: Vec<String> = members
        .iter()
        .take(3)
        .map(|(packed, full, member)| format!("{member} {} ({} unpacked)", mb(*packed), mb(*full)))
        .collect();
    let summary = format!(
        "{name} (tags {tags}; {}; auditwheel: consistent with {consistent}); largest: {}",
        mb(size),
        largest.join(", ")
    );
    eprintln!(
        "\nwheel: {name}, {}\nits largest members (compressed, uncompressed):",
        mb(size)
    );
    for (packed, full, member) in members.iter().take(6) {
        eprintln!("  {:>8} {:>9}  {member}", mb(*packed), mb(*full));
    }
    Ok(summary)
}

/// The platform tag `auditwheel show --json` finds the wheel consistent
/// with (`overall_tag`), once it has said the wheel is not pure Python,
/// needs no library outside the manylinux set and no unsupported
/// instruction-set extension.
fn audit_verdict(shown: &str) -> std::result::Result<String, String> {
    let report: serde_json::Value =
        serde_json::from_str(shown).map_err(|e| format!("unreadable output ({e}): {shown}"))?;
    let field = |name: &str| report.get(name);
    if let Some(error) = field("error").and_then(|e| e.as_str()) {
        return Err(error.to_string());
    }
    if field("pure").and_then(|p| p.as_bool()) != Some(false) {
        return Err("the wheel holds no native code".into());
    }
    if field("unsupported_isa").and_then(|u| u.as_bool()) == Some(true) {
        return Err("the wheel needs an instruction-set extension manylinux does not allow".into());
    }
    match field("external_libs").and_then(|l| l.as_object()) {
        Some(libs) if libs.is_empty() => {}
        Some(libs) => {
            let names: Vec<&String> = libs.keys().collect();
            return Err(format!(
                "the wheel needs libraries outside the manylinux set: {names:?}"
            ));
        }
        None => return Err(format!("no `external_libs` in: {shown}")),
    }
    field("overall_tag")
        .and_then(|t| t.as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("no `overall_tag` in: {shown}"))
}

/// `py-tags` of `versori-VERSION-TAGS.whl`, where VERSION is the Cargo
/// version as maturin writes it ([`pep440`]).
fn wheel_tags<'a>(name: &'a str, version: &str) -> Option<&'a str> {
    name.strip_prefix(&format!("versori-{}-", pep440(version)?))?
        .strip_suffix(".whl")
}

/// A Cargo (semver) version as maturin names the Python package's version:
/// the pre-release normalized by PEP 440's rules (`0.2.0-alpha.1` is
/// `0.2.0a1`, `-beta` is `b0`, `-rc.2`, `-pre.2` and `-c.2` are `rc2`,
/// `-dev.3` is `.dev3`, `-post.1` is `.post1`), build metadata as a local
/// version (`+build.5`). None for a pre-release PEP 440 cannot read
/// (maturin refuses those).
fn pep440(version: &str) -> Option<String> {
    let (version, local) = match version.split_once('+') {
        Some((v, build)) => (v, Some(build)),
        None => (version, None),
    };
    let (release, pre) = match version.split_once('-') {
        Some((r, p)) => (r, Some(p)),
        None => (version, None),
    };
    let numbers: Vec<&str> = release.split('.').collect();
    if numbers.len() != 3
        || numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut out = release.to_string();
    if let Some(pre) = pre {
        // (label, number) segments: a pre-release kind first, then post, then dev
        let pre = pre.to_ascii_lowercase();
        let mut rest = pre.as_str();
        let mut rank = 0;
        while !rest.is_empty() {
            rest = rest.trim_start_matches(['.', '-', '_']);
            let label_end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let (label, after) = rest.split_at(label_end);
            let after = after.trim_start_matches(['.', '-', '_']);
            let digits_end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            let (digits, after) = after.split_at(digits_end);
            let number: u64 = if digits.is_empty() {
                0
            } else {
                digits.parse().ok()?
            };
            let (kind, segment_rank) = match label {
                "a" | "alpha" => ("a", 1),
                "b" | "beta" => ("b", 1),
                "c" | "rc" | "pre" | "preview" => ("rc", 1),
                "post" | "rev" | "r" => (".post", 2),
                "dev" => (".dev", 3),
                _ => return None,
            };
            if segment_rank <= rank {
                return None;
            }
            rank = segment_rank;
            out.push_str(&format!("{kind}{number}"));
            rest = after;
        }
    }
    if let Some(local) = local {
        out.push('+');
        out.push_str(&local.to_ascii_lowercase().replace(['-', '_'], "."));
    }
    Some(out)
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

/// The installed module is the release one, imported from the environment
/// (never from the source tree): `versori.__file__` lies inside the
/// environment, its version is the project's, and none of the benchmark's
/// names ([`bench_only`]) is in the native module.
fn check_installed(root: &Path, env: &Venv) -> Result<()> {
    let bench = bench_only(root)?;
    let prefix = env.dir.canonicalize().map_err(|e| Error::io(&env.dir, e))?;
    // run outside the source tree, so `python/` cannot shadow the install
    let out = capture(
        &prefix,
        text(&env.python)?,
        &[
            "-c",
            "import os, sys, versori, versori._native as n\n\
             print(versori.__version__)\n\
             print(os.path.realpath(versori.__file__))\n\
             print(' '.join(a for a in sys.argv[1:] if hasattr(n, a)))",
            &bench.join(" "),
        ],
        &[],
    )?;
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let problem = match lines.as_slice() {
        [version, ..] if *version != VERSION => {
            format!("versori.__version__ is {version}, not {VERSION}")
        }
        [_, file, ..] if !Path::new(file).starts_with(&prefix) => format!(
            "versori was imported from {file}, not from the environment {}",
            prefix.display()
        ),
        [_, _, present] if !present.is_empty() => {
            format!("the native module holds the benchmark's {present}")
        }
        [_, _] | [_, _, _] => return Ok(()),
        _ => format!("unexpected output `{}`", out.trim()),
    };
    Err(fail("the installed wheel", problem))
}

/// The native module's names that only the `bench` feature adds, as
/// python/tests/test_package.py lists them (`BENCH_ONLY = {...}`).
fn bench_only(root: &Path) -> Result<Vec<String>> {
    let file = root.join("python/tests/test_package.py");
    let source = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    let names = bench_only_names(&source);
    if names.is_empty() {
        return Err(fail(
            "reading the benchmark's names",
            format!("no `BENCH_ONLY = {{\"...\"}}` line in {}", file.display()),
        ));
    }
    Ok(names)
}

/// The strings of the `BENCH_ONLY = {"A", "B"}` line.
fn bench_only_names(source: &str) -> Vec<String> {
    source
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_ONLY = {"))
        .and_then(|rest| rest.split_once('}'))
        .map(|(inside, _)| {
            inside
                .split(',')
                .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A CPython `minor` (`"3.9"`): `python3.9` on PATH, else the newest pyenv
/// install of it (`$PYENV_ROOT/versions/3.9.N`, `~/.pyenv` by default).
/// Nothing is downloaded: the interpreters must be on the machine.
fn interpreter(minor: &str) -> Result<PathBuf> {
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
    let versions = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))
        .map(|r| r.join("versions"));
    if let Some(versions) = &versions {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(versions)
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
    let pyenv = versions.map_or_else(
        || "$PYENV_ROOT/versions".to_string(),
        |v| v.display().to_string(),
    );
    Err(fail(
        "finding CPython",
        format!(
            "no CPython {minor} with the venv module: expected `python{minor}` on PATH, or a \
             pyenv install {pyenv}/{minor}.N/bin/python{minor} (`pyenv install {minor}`); \
             the wheel is tested on CPython {} and nothing is downloaded",
            PYTHONS.join(" and ")
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
    let archive = out.join(format!(
        "versori-{}.tar.gz",
        pep440(VERSION).unwrap_or_else(|| VERSION.to_string())
    ));
    if !archive.is_file() {
        return Err(fail(
            "maturin sdist",
            format!("{} was not written", archive.display()),
        ));
    }
    let listing = capture(
        root,
        text(&tools.python)?,
        &[
            "-c",
            "import sys, tarfile\nprint('\\n'.join(tarfile.open(sys.argv[1]).getnames()))",
            text(&archive)?,
        ],
        &[],
    )?;
    for license in LICENSE_FILES {
        // the package's own copy, at the top of the sdist (PKG-INFO names it)
        if !listing
            .lines()
            .any(|m| m.split_once('/').is_some_and(|(_, path)| path == license))
        {
            return Err(fail(
                "maturin sdist",
                format!(
                    "{} does not carry the licence text {license}",
                    archive.display()
                ),
            ));
        }
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
    fn auditwheel_s_json_verdict_is_read() {
        // auditwheel 6.8's `show --json` of the wheel, shortened
        let shown = r#"{"version": 1, "wheel": "versori-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl",
            "pure": false, "overall_tag": "manylinux_2_28_x86_64", "sym_tag": "manylinux_2_28_x86_64",
            "pyfpe": false, "ucs2": false, "unsupported_isa": false,
            "versioned_symbols": {"libc.so.6": ["GLIBC_2.28"]}, "external_libs": {},
            "policy_upgrades": {}}"#;
        assert_eq!(audit_verdict(shown).as_deref(), Ok("manylinux_2_28_x86_64"));
        let needs = shown.replace(
            r#""external_libs": {}"#,
            r#""external_libs": {"libssl.so.3": null}"#,
        );
        assert!(audit_verdict(&needs).is_err_and(|e| e.contains("libssl.so.3")));
        let isa = shown.replace(r#""unsupported_isa": false"#, r#""unsupported_isa": true"#);
        assert!(audit_verdict(&isa).is_err());
        let pure = r#"{"version": 1, "wheel": "x-1-py3-none-any.whl", "pure": true}"#;
        assert!(audit_verdict(pure).is_err());
        let error = r#"{"version": 1, "wheel": "x.whl", "error": "cannot access x.whl"}"#;
        assert_eq!(audit_verdict(error), Err("cannot access x.whl".to_string()));
        assert!(audit_verdict("auditwheel: error: unrecognized arguments: --json").is_err());
    }

    #[test]
    fn cargo_versions_read_as_maturin_writes_them() {
        // what maturin 1.16 named wheels of a crate at each version
        for (cargo, python) in [
            ("0.1.0", "0.1.0"),
            ("0.2.0-alpha.1", "0.2.0a1"),
            ("0.2.0-beta.2", "0.2.0b2"),
            ("0.2.0-rc.3", "0.2.0rc3"),
            ("0.2.0-alpha", "0.2.0a0"),
            ("0.2.0-alpha1", "0.2.0a1"),
            ("0.2.0-a.1", "0.2.0a1"),
            ("0.2.0-c.1", "0.2.0rc1"),
            ("1.0.0-pre.1", "1.0.0rc1"),
            ("1.0.0-dev.4", "1.0.0.dev4"),
            ("0.2.0-post.1", "0.2.0.post1"),
            ("1.0.0-alpha.1+build.5", "1.0.0a1+build.5"),
        ] {
            assert_eq!(pep440(cargo).as_deref(), Some(python), "{cargo}");
        }
        // maturin refuses these
        for cargo in [
            "0.2.0-foo.1",
            "0.2.0-alpha.1.2",
            "0.2.0-dev.1.alpha.1",
            "0.2",
        ] {
            assert_eq!(pep440(cargo), None, "{cargo}");
        }
        assert_eq!(
            wheel_tags(
                "versori-0.2.0a1-cp39-abi3-manylinux_2_28_x86_64.whl",
                "0.2.0-alpha.1"
            ),
            Some("cp39-abi3-manylinux_2_28_x86_64")
        );
        assert_eq!(
            wheel_tags("versori-0.2.0-alpha.1-cp39-abi3-any.whl", "0.2.0-alpha.1"),
            None
        );
    }

    #[test]
    fn the_benchmark_s_names_are_read_from_the_tests() {
        assert_eq!(
            bench_only_names("x = 1\nBENCH_ONLY = {\"A\", 'b_c'}\n"),
            ["A", "b_c"]
        );
        assert!(bench_only_names("BENCH = {\"A\"}").is_empty());
        let names = bench_only(&crate::workspace_root()).expect("listed");
        assert!(names.iter().any(|n| n == "StaticServer"), "{names:?}");
        assert!(
            names.iter().any(|n| n == "facade_get_end_user"),
            "{names:?}"
        );
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
