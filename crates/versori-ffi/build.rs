//! Gives the shared library its soname, and writes the files that make
//! linking `libversori` one line, next to the built libraries:
//! `<target>/<profile>/pkgconfig/versori.pc` (and `versori-static.pc`) for
//! pkg-config, and `<target>/<profile>/cmake/versori-config.cmake` (with its
//! version file) for CMake's `find_package(versori)`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

const TEMPLATES: [(&str, &str); 4] = [
    ("pkgconfig/versori.pc.in", "pkgconfig/versori.pc"),
    (
        "pkgconfig/versori-static.pc.in",
        "pkgconfig/versori-static.pc",
    ),
    (
        "cmake/versori-config.cmake.in",
        "cmake/versori-config.cmake",
    ),
    (
        "cmake/versori-config-version.cmake.in",
        "cmake/versori-config-version.cmake",
    ),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for (template, _) in TEMPLATES {
        println!("cargo:rerun-if-changed={template}");
    }
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let (shared, link_arg, system_libs) = match os.as_str() {
        "macos" | "ios" => (
            "libversori.dylib",
            Some("-Wl,-install_name,@rpath/libversori.dylib"),
            "-framework CoreFoundation -framework Security -framework SystemConfiguration -liconv -lc -lm",
        ),
        "windows" => ("versori.dll", None, "ws2_32.lib bcrypt.lib ntdll.lib userenv.lib"),
        _ => (
            "libversori.so",
            Some("-Wl,-soname,libversori.so"),
            "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc",
        ),
    };
    if let Some(arg) = link_arg {
        println!("cargo:rustc-cdylib-link-arg={arg}");
    }
    if let Err(e) = write_package_files(shared, system_libs) {
        // packaging files are a convenience: never fail the library's build
        println!("cargo:warning=versori-ffi: could not write the pkg-config/CMake files: {e}");
    }
}

fn write_package_files(shared: &str, system_libs: &str) -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    // OUT_DIR is <target>/<profile>/build/versori-ffi-<hash>/out
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .ok_or_else(|| format!("unexpected OUT_DIR layout: {}", out_dir.display()))?;
    let include = manifest.join("../../include");
    let include = include.canonicalize().unwrap_or(include);
    let version = env::var("CARGO_PKG_VERSION").map_err(|e| e.to_string())?;
    let cmake_libs: Vec<&str> = system_libs
        .split_whitespace()
        .filter_map(|l| l.strip_prefix("-l"))
        .collect();
    let values = [
        ("@VERSION@", version.as_str()),
        ("@LIBDIR@", &slash(profile_dir)),
        ("@INCLUDEDIR@", &slash(&include)),
        ("@SHARED@", shared),
        ("@STATIC@", "libversori.a"),
        ("@SYSTEM_LIBS@", system_libs),
        ("@CMAKE_SYSTEM_LIBS@", &cmake_libs.join(";")),
    ];
    for (template, target) in TEMPLATES {
        let src = manifest.join(template);
        let mut text = fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        for (key, value) in values {
            text = text.replace(key, value);
        }
        let dest = profile_dir.join(target);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if fs::read_to_string(&dest).ok().as_deref() != Some(text.as_str()) {
            fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
    }
    Ok(())
}

/// A path with forward slashes, as pkg-config and CMake want it.
fn slash(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}
