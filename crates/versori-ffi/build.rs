//! Gives the shared library its soname (`libversori.so.MAJOR`), links that
//! name to the file cargo writes so programs linked in the build tree run,
//! and writes the files that make linking `libversori` one line, next to the
//! built libraries: `<target>/<profile>/pkgconfig/versori.pc` (and
//! `versori-static.pc`) for pkg-config, and
//! `<target>/<profile>/cmake/versori-config.cmake` (with its version file)
//! for CMake's `find_package(versori)`. `cargo xtask install` writes the same
//! files for an install prefix; the names and templates are in
//! `packaging.rs`.

#![forbid(unsafe_code)]

// `cargo xtask install` uses the parts that describe an install prefix.
#[allow(dead_code)]
mod packaging;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=packaging.rs");
    for template in packaging::TEMPLATES {
        println!("cargo:rerun-if-changed={}", template.source);
    }
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let names = packaging::shared_names(&os, &version);
    if let Some(arg) = names
        .soname
        .as_deref()
        .and_then(|s| packaging::soname_link_arg(&os, s))
    {
        println!("cargo:rustc-cdylib-link-arg={arg}");
    }
    if let Err(e) = write_package_files(&os, &version, &names) {
        // packaging files are a convenience: never fail the library's build
        println!("cargo:warning=versori-ffi: could not write the pkg-config/CMake files: {e}");
    }
}

fn write_package_files(
    os: &str,
    version: &str,
    names: &packaging::SharedNames,
) -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    // OUT_DIR is <target>/<profile>/build/versori-ffi-<hash>/out
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .ok_or_else(|| format!("unexpected OUT_DIR layout: {}", out_dir.display()))?;
    let include = manifest.join("../../include");
    let include = include.canonicalize().unwrap_or(include);
    let place = packaging::Place::BuildTree {
        profile_dir,
        include_dir: &include,
    };
    let files = packaging::render(&place, os, version, |source| {
        let path = manifest.join(source);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    })?;
    for (target, text) in files {
        let dest = profile_dir.join(target);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if fs::read_to_string(&dest).ok().as_deref() != Some(text.as_str()) {
            fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
    }
    if let Some(soname) = &names.soname {
        link_soname(profile_dir, soname, names.linker)?;
    }
    Ok(())
}

/// `<profile>/<soname>` → `<linker name>` (relative), so that a program
/// linked against the build tree finds the name it recorded.
#[cfg(unix)]
fn link_soname(profile_dir: &Path, soname: &str, linker: &str) -> Result<(), String> {
    let link = profile_dir.join(soname);
    if fs::read_link(&link).ok().as_deref() == Some(Path::new(linker)) {
        return Ok(());
    }
    if fs::symlink_metadata(&link).is_ok() {
        fs::remove_file(&link).map_err(|e| format!("{}: {e}", link.display()))?;
    }
    std::os::unix::fs::symlink(linker, &link).map_err(|e| format!("{}: {e}", link.display()))
}

#[cfg(not(unix))]
fn link_soname(_profile_dir: &Path, _soname: &str, _linker: &str) -> Result<(), String> {
    Ok(())
}
