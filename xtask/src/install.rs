//! `cargo xtask install --prefix DIR`: builds libversori and installs the C
//! library the way a packager lays it out:
//!
//! ```text
//! DIR/include/versori.h, versori.hpp
//! DIR/lib/libversori.so.0.1.0, libversori.so.0 -> it, libversori.so -> libversori.so.0
//! DIR/lib/libversori.a
//! DIR/lib/pkgconfig/versori.pc, versori-static.pc      (prefix=DIR)
//! DIR/lib/cmake/versori/versori-config.cmake, versori-config-version.cmake
//! ```
//!
//! With `--destdir STAGE` the files go under `STAGE/DIR` while what they
//! say still names `DIR` (a packager's staging install).

#[allow(dead_code)] // build.rs uses the build-tree half
#[path = "../../crates/versori-ffi/packaging.rs"]
mod packaging;

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::test::ffi::{target_dir, text};
use crate::test::run_in;

/// The headers, relative to the workspace root.
const HEADERS: [&str; 2] = ["include/versori.h", "include/versori.hpp"];

/// What to install and where.
pub struct Options {
    /// The prefix the installed files name (made absolute).
    pub prefix: PathBuf,
    /// Where the files are written instead of `prefix` (a staging root).
    pub destdir: Option<PathBuf>,
    /// The cargo profile to build (`release` or `dev`).
    pub profile: String,
}

/// The files one install wrote, relative to the prefix, in order.
pub struct Installed {
    /// The (absolute) prefix.
    pub prefix: PathBuf,
    /// Where the files are (the prefix, or under the staging root).
    pub root: PathBuf,
    /// Each file or link written, relative to `root`.
    pub files: Vec<PathBuf>,
}

/// Builds `versori-ffi` and installs it.
pub fn run(root: &Path, cargo: &str, options: &Options) -> Result<Installed> {
    let os = std::env::consts::OS;
    if os == "windows" {
        return Err(Error::Command {
            command: "cargo xtask install".into(),
            message: "installing to a prefix is supported on Linux and macOS only".into(),
        });
    }
    let prefix = absolute(&options.prefix)?;
    let dest = match &options.destdir {
        Some(stage) => staged(&absolute(stage)?, &prefix),
        None => prefix.clone(),
    };
    run_in(
        root,
        cargo,
        &["build", "-p", "versori-ffi", "--profile", &options.profile],
    )?;
    let profile_dir = match options.profile.as_str() {
        "dev" | "test" => "debug",
        "release" | "bench" => "release",
        other => other,
    };
    let built = target_dir(root, cargo)?.join(profile_dir);
    let version = env!("CARGO_PKG_VERSION");
    let names = packaging::shared_names(os, version);
    let mut files = Vec::new();

    for header in HEADERS {
        let to = Path::new("include").join(file_name(header)?);
        copy(&root.join(header), &dest.join(&to))?;
        files.push(to);
    }
    let real = Path::new("lib").join(&names.real);
    copy(&built.join(names.linker), &dest.join(&real))?;
    files.push(real);
    // soname -> real file, linker name -> soname
    let mut chain = vec![names.real.clone()];
    if let Some(soname) = &names.soname {
        chain.push(soname.clone());
    }
    chain.push(names.linker.to_string());
    for pair in chain.windows(2) {
        if pair[0] != pair[1] {
            let link = Path::new("lib").join(&pair[1]);
            symlink(&pair[0], &dest.join(&link))?;
            files.push(link);
        }
    }
    let archive = Path::new("lib").join(packaging::STATIC);
    copy(&built.join(packaging::STATIC), &dest.join(&archive))?;
    files.push(archive);

    let ffi = root.join("crates/versori-ffi");
    let rendered = packaging::render(&packaging::Place::Prefix(&prefix), os, version, |source| {
        let path = ffi.join(source);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    })
    .map_err(|message| Error::Command {
        command: "rendering the pkg-config and CMake files".into(),
        message,
    })?;
    for (to, contents) in rendered {
        write(&dest.join(to), contents.as_bytes())?;
        files.push(PathBuf::from(to));
    }
    eprintln!("\ninstalled libversori {version} into {}:", dest.display());
    for f in &files {
        eprintln!("  {}", f.display());
    }
    Ok(Installed {
        prefix,
        root: dest,
        files,
    })
}

/// `path` made absolute against the current folder, without `.` or `..`.
fn absolute(path: &Path) -> Result<PathBuf> {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().map_err(|e| Error::io(".", e))?
    };
    let mut out = PathBuf::new();
    for part in base.join(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    text(&out)?;
    Ok(out)
}

/// `prefix` re-rooted under the staging folder.
fn staged(stage: &Path, prefix: &Path) -> PathBuf {
    let relative: PathBuf = prefix
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    stage.join(relative)
}

fn file_name(path: &str) -> Result<&str> {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Command {
            command: "cargo xtask install".into(),
            message: format!("{path} has no file name"),
        })
}

fn parent_of(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

/// Clears `path` so it can be written anew (a new file, not one rewritten
/// in place, so a program running the old library keeps its copy).
fn clear(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        fs::remove_file(path).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    if !from.is_file() {
        return Err(Error::Command {
            command: "cargo xtask install".into(),
            message: format!("{} was not built", from.display()),
        });
    }
    parent_of(to)?;
    clear(to)?;
    fs::copy(from, to).map_err(|e| Error::io(to, e))?;
    Ok(())
}

fn write(to: &Path, contents: &[u8]) -> Result<()> {
    parent_of(to)?;
    clear(to)?;
    fs::write(to, contents).map_err(|e| Error::io(to, e))
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) -> Result<()> {
    parent_of(link)?;
    clear(link)?;
    std::os::unix::fs::symlink(target, link).map_err(|e| Error::io(link, e))
}

#[cfg(not(unix))]
fn symlink(target: &str, link: &Path) -> Result<()> {
    Err(Error::Command {
        command: "cargo xtask install".into(),
        message: format!(
            "cannot link {} to {target}: symbolic links need a Unix system",
            link.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_install_keeps_the_prefix_under_the_stage() {
        assert_eq!(
            staged(Path::new("/stage"), Path::new("/usr/local")),
            PathBuf::from("/stage/usr/local")
        );
    }

    #[test]
    fn prefixes_are_made_absolute_and_plain() {
        let p = absolute(Path::new("/opt/./versori/../versori")).expect("absolute");
        assert_eq!(p, PathBuf::from("/opt/versori"));
        assert!(absolute(Path::new("relative/dir"))
            .expect("absolute")
            .is_absolute());
    }

    #[test]
    fn the_installed_files_name_the_prefix_and_every_placeholder_is_filled() {
        let ffi = crate::workspace_root().join("crates/versori-ffi");
        let prefix = Path::new("/opt/versori");
        let files = packaging::render(&packaging::Place::Prefix(prefix), "linux", "1.2.3", |s| {
            fs::read_to_string(ffi.join(s)).map_err(|e| e.to_string())
        })
        .expect("renders");
        let pc = &files
            .iter()
            .find(|(to, _)| *to == "lib/pkgconfig/versori.pc")
            .expect("versori.pc")
            .1;
        assert!(pc.contains("prefix=/opt/versori\n"), "{pc}");
        assert!(pc.contains("libdir=${prefix}/lib\n"), "{pc}");
        assert!(pc.contains("Version: 1.2.3\n"), "{pc}");
        assert!(
            !pc.contains("rpath"),
            "an installed .pc sets no rpath: {pc}"
        );
        let cmake = &files
            .iter()
            .find(|(to, _)| *to == "lib/cmake/versori/versori-config.cmake")
            .expect("config")
            .1;
        assert!(cmake.contains(r#""${CMAKE_CURRENT_LIST_DIR}/../../..""#));
        assert!(cmake.contains(r#"IMPORTED_SONAME "libversori.so.1""#));
        assert!(cmake.contains("libversori.so.1.2.3"));
    }

    #[test]
    fn linux_names_carry_the_major_version_in_the_soname() {
        let n = packaging::shared_names("linux", "0.4.2");
        assert_eq!(n.linker, "libversori.so");
        assert_eq!(n.soname.as_deref(), Some("libversori.so.0"));
        assert_eq!(n.real, "libversori.so.0.4.2");
        assert_eq!(
            packaging::soname_link_arg("linux", "libversori.so.0").as_deref(),
            Some("-Wl,-soname,libversori.so.0")
        );
    }
}
