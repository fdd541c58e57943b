//! The C/C++ half of `cargo xtask package`: `cargo xtask install` into a
//! prefix outside the source tree, then, using nothing but that prefix:
//! `examples/c/main.c` built through pkg-config (shared and static) and
//! `examples/cpp` through CMake's `find_package(versori)`, each run. The
//! checks: the installed tree is the expected one, the shared library's
//! soname is `libversori.so.MAJOR`, the `.pc` prefix is the install prefix,
//! no installed file, compiler flag or built program names the source tree,
//! and the programs print the project's version.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::install::{self, Installed};
use crate::package::version::VERSION;
use crate::test::ffi::text;
use crate::test::{capture, run_in};

fn fail(what: &str, message: String) -> Error {
    Error::Command {
        command: what.into(),
        message,
    }
}

/// Runs the C/C++ packaging checks; returns the installed files' names.
pub fn run(root: &Path, cargo: &str) -> Result<Vec<String>> {
    let scratch = std::env::temp_dir().join(format!("versori-package-{}", std::process::id()));
    let result = checks(root, cargo, &scratch);
    if scratch.exists() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    result
}

fn checks(root: &Path, cargo: &str, scratch: &Path) -> Result<Vec<String>> {
    let prefix = scratch.join("prefix");
    // the dev profile reuses the library `cargo xtask test` built; the
    // layout is the same for a release install
    let installed = install::run(
        root,
        cargo,
        &install::Options {
            prefix: prefix.clone(),
            destdir: None,
            profile: "dev".into(),
        },
    )?;
    check_tree(&installed)?;
    let prefix = installed.prefix.clone();
    let source_tree = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let source_tree = text(&source_tree)?.to_string();
    check_no_mention(&installed, &source_tree)?;
    let lib = prefix.join("lib");
    let soname = capture(
        root,
        "readelf",
        &["-d", text(&lib.join(format!("libversori.so.{VERSION}")))?],
        &[],
    )?;
    let want = format!("Library soname: [libversori.so.{}]", major());
    if !soname.contains(&want) {
        return Err(fail("readelf -d", format!("no `{want}` in:\n{soname}")));
    }

    let pkg_path = lib.join("pkgconfig");
    let pkg_env = [("PKG_CONFIG_PATH", text(&pkg_path)?)];
    let pc_prefix = capture(
        root,
        "pkg-config",
        &["--variable=prefix", "versori"],
        &pkg_env,
    )?;
    if pc_prefix.trim() != text(&prefix)? {
        return Err(fail(
            "pkg-config --variable=prefix versori",
            format!(
                "says {}, not the install prefix {}",
                pc_prefix.trim(),
                prefix.display()
            ),
        ));
    }
    let out = scratch.join("build");
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let rpath = format!("-Wl,-rpath,{}", text(&lib)?);
    for (package, extra, name, shared) in [
        ("versori", Some(rpath.as_str()), "c_example_shared", true),
        ("versori-static", None, "c_example_static", false),
    ] {
        let flags = capture(
            root,
            "pkg-config",
            &["--cflags", "--libs", package],
            &pkg_env,
        )?;
        if flags.contains(&source_tree) {
            return Err(fail(
                "pkg-config",
                format!("{package} names the source tree: {flags}"),
            ));
        }
        let exe = out.join(name);
        let mut args = vec![
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "examples/c/main.c",
            "-o",
            text(&exe)?,
        ];
        args.extend(flags.split_whitespace());
        args.extend(extra);
        run_in(root, "cc", &args)?;
        check_program(root, &exe, shared, &source_tree)?;
    }

    let cmake_build = out.join("example-cpp");
    crate::test::ffi::configure_cpp_example(root, &cmake_build, &prefix)?;
    let cache = std::fs::read_to_string(cmake_build.join("CMakeCache.txt"))
        .map_err(|e| Error::io(cmake_build.join("CMakeCache.txt"), e))?;
    let config_dir = format!("versori_DIR:PATH={}", text(&lib.join("cmake/versori"))?);
    if !cache.lines().any(|l| l == config_dir) {
        return Err(fail(
            "cmake -S examples/cpp",
            format!("find_package(versori) did not use the installed config (`{config_dir}`)"),
        ));
    }
    run_in(root, "cmake", &["--build", text(&cmake_build)?])?;
    check_program(
        root,
        &cmake_build.join("versori_example"),
        true,
        &source_tree,
    )?;

    Ok(installed
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect())
}

fn major() -> &'static str {
    VERSION.split('.').next().unwrap_or("0")
}

/// The installed tree is exactly the expected one, links included.
fn check_tree(installed: &Installed) -> Result<()> {
    let real = format!("libversori.so.{VERSION}");
    let soname = format!("libversori.so.{}", major());
    let expected: Vec<PathBuf> = [
        "include/versori.h",
        "include/versori.hpp",
        &format!("lib/{real}"),
        &format!("lib/{soname}"),
        "lib/libversori.so",
        "lib/libversori.a",
        "lib/pkgconfig/versori.pc",
        "lib/pkgconfig/versori-static.pc",
        "lib/cmake/versori/versori-config.cmake",
        "lib/cmake/versori/versori-config-version.cmake",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let mut found = Vec::new();
    walk(&installed.root, &installed.root, &mut found)?;
    found.sort();
    let mut want = expected.clone();
    want.sort();
    if found != want {
        return Err(fail(
            "the installed tree",
            format!("expected {want:?}, found {found:?}"),
        ));
    }
    for (link, target) in [
        (soname.as_str(), real.as_str()),
        ("libversori.so", soname.as_str()),
    ] {
        let path = installed.root.join("lib").join(link);
        let points = std::fs::read_link(&path).map_err(|e| Error::io(&path, e))?;
        if points != Path::new(target) {
            return Err(fail(
                "the installed tree",
                format!("lib/{link} points to {}, not {target}", points.display()),
            ));
        }
    }
    Ok(())
}

/// Every file and link under `dir`, relative to `base`.
fn walk(base: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if kind.is_dir() {
            walk(base, &path, found)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            found.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// No installed text file names the source tree.
fn check_no_mention(installed: &Installed, source_tree: &str) -> Result<()> {
    for file in &installed.files {
        let path = installed.root.join(file);
        if let Ok(contents) = std::fs::read_to_string(&path) {
            if contents.contains(source_tree) {
                return Err(fail(
                    "the installed tree",
                    format!("{} names the source tree {source_tree}", file.display()),
                ));
            }
        }
    }
    Ok(())
}

/// A built program loads libversori from the prefix (not the source tree)
/// and prints the project's version.
fn check_program(root: &Path, exe: &Path, shared: bool, source_tree: &str) -> Result<()> {
    let dynamic = capture(root, "readelf", &["-d", text(exe)?], &[])?;
    if dynamic.contains(source_tree) {
        return Err(fail(
            "readelf -d",
            format!("{} names the source tree:\n{dynamic}", exe.display()),
        ));
    }
    let needed = format!("Shared library: [libversori.so.{}]", major());
    if shared != dynamic.contains(&needed) {
        return Err(fail(
            "readelf -d",
            format!(
                "{} should {}need libversori by its soname:\n{dynamic}",
                exe.display(),
                if shared { "" } else { "not " }
            ),
        ));
    }
    let printed = capture(root, text(exe)?, &[], &[])?;
    eprintln!("{}", printed.trim_end());
    let wanted = format!("libversori {VERSION}");
    if !printed.lines().any(|l| l.starts_with(&wanted)) {
        return Err(fail(
            text(exe)?,
            format!("printed no line starting `{wanted}`"),
        ));
    }
    Ok(())
}
