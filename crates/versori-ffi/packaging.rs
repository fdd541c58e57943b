//! How libversori is named and described to pkg-config and CMake, in one
//! place for both of its users: `build.rs` (the files beside the built
//! libraries, for linking from the build tree) and `cargo xtask install`
//! (an install prefix), which includes this file by path. It uses only std.

use std::path::Path;

/// The static library's file name.
pub const STATIC: &str = "libversori.a";

/// The templates (under `crates/versori-ffi/`), each with where its output
/// goes in the build tree (relative to `<target>/<profile>`) and under an
/// install prefix.
pub const TEMPLATES: [Template; 4] = [
    Template {
        source: "pkgconfig/versori.pc.in",
        build_tree: "pkgconfig/versori.pc",
        installed: "lib/pkgconfig/versori.pc",
    },
    Template {
        source: "pkgconfig/versori-static.pc.in",
        build_tree: "pkgconfig/versori-static.pc",
        installed: "lib/pkgconfig/versori-static.pc",
    },
    Template {
        source: "cmake/versori-config.cmake.in",
        build_tree: "cmake/versori-config.cmake",
        installed: "lib/cmake/versori/versori-config.cmake",
    },
    Template {
        source: "cmake/versori-config-version.cmake.in",
        build_tree: "cmake/versori-config-version.cmake",
        installed: "lib/cmake/versori/versori-config-version.cmake",
    },
];

/// One template and its two destinations.
#[derive(Clone, Copy)]
pub struct Template {
    /// Relative to `crates/versori-ffi/`.
    pub source: &'static str,
    /// Relative to `<target>/<profile>`.
    pub build_tree: &'static str,
    /// Relative to the install prefix.
    pub installed: &'static str,
}

/// The shared library's names on one target OS.
pub struct SharedNames {
    /// What the linker's `-lversori` finds (and what cargo writes).
    pub linker: &'static str,
    /// The name programs record and load (the soname on ELF, the install
    /// name on Mach-O); `None` where the platform has no such name.
    pub soname: Option<String>,
    /// The installed file's name, carrying the full version.
    pub real: String,
}

/// The shared library's names for `target_os` and `version` (`"0.1.0"`):
/// on Linux `libversori.so`, soname `libversori.so.0` (the major version),
/// file `libversori.so.0.1.0`.
pub fn shared_names(target_os: &str, version: &str) -> SharedNames {
    let major = version.split('.').next().unwrap_or("0");
    match target_os {
        "macos" | "ios" => SharedNames {
            linker: "libversori.dylib",
            soname: Some(format!("libversori.{major}.dylib")),
            real: format!("libversori.{version}.dylib"),
        },
        "windows" => SharedNames {
            linker: "versori.dll",
            soname: None,
            real: "versori.dll".into(),
        },
        _ => SharedNames {
            linker: "libversori.so",
            soname: Some(format!("libversori.so.{major}")),
            real: format!("libversori.so.{version}"),
        },
    }
}

/// The link argument that gives the shared library its soname (install
/// name), if the platform has one.
pub fn soname_link_arg(target_os: &str, soname: &str) -> Option<String> {
    match target_os {
        "macos" | "ios" => Some(format!("-Wl,-install_name,@rpath/{soname}")),
        "windows" => None,
        _ => Some(format!("-Wl,-soname,{soname}")),
    }
}

/// The system libraries a static link of libversori needs.
pub fn system_libs(target_os: &str) -> &'static str {
    match target_os {
        "macos" | "ios" => "-framework CoreFoundation -framework Security -framework SystemConfiguration -liconv -lc -lm",
        "windows" => "ws2_32.lib bcrypt.lib ntdll.lib userenv.lib",
        _ => "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc",
    }
}

/// Where the files being described live.
pub enum Place<'a> {
    /// `<target>/<profile>` as cargo left it, with the headers in the
    /// source tree's `include/`.
    BuildTree {
        /// `<target>/<profile>`.
        profile_dir: &'a Path,
        /// The source tree's `include/`.
        include_dir: &'a Path,
    },
    /// An install prefix: `include/`, `lib/`, `lib/pkgconfig/`,
    /// `lib/cmake/versori/`.
    Prefix(&'a Path),
}

/// Each template filled in for `place`, with its destination (relative to
/// `<target>/<profile>` or to the prefix). `read` reads a template by its
/// path relative to `crates/versori-ffi/`.
pub fn render(
    place: &Place<'_>,
    target_os: &str,
    version: &str,
    read: impl Fn(&str) -> Result<String, String>,
) -> Result<Vec<(&'static str, String)>, String> {
    let names = shared_names(target_os, version);
    let system = system_libs(target_os);
    let cmake_libs: Vec<&str> = system
        .split_whitespace()
        .filter_map(|l| l.strip_prefix("-l"))
        .collect();
    let (prefix, libdir, includedir, rpath, to_prefix, cmake_libdir, cmake_includedir, shared) =
        match place {
            Place::BuildTree {
                profile_dir,
                include_dir,
            } => (
                slash(profile_dir),
                "${prefix}".to_string(),
                slash(include_dir),
                "-Wl,-rpath,${libdir} ",
                "..",
                "${_versori_prefix}".to_string(),
                slash(include_dir),
                names.linker.to_string(),
            ),
            Place::Prefix(prefix) => (
                slash(prefix),
                "${prefix}/lib".to_string(),
                "${prefix}/include".to_string(),
                "",
                "../../..",
                "${_versori_prefix}/lib".to_string(),
                "${_versori_prefix}/include".to_string(),
                names.real.clone(),
            ),
        };
    let soname = names.soname.clone().unwrap_or_else(|| names.linker.into());
    let values = [
        ("@VERSION@", version.to_string()),
        ("@PREFIX@", prefix),
        ("@LIBDIR@", libdir),
        ("@INCLUDEDIR@", includedir),
        ("@RPATH@", rpath.to_string()),
        ("@STATIC@", STATIC.to_string()),
        ("@SYSTEM_LIBS@", system.to_string()),
        ("@CMAKE_TO_PREFIX@", to_prefix.to_string()),
        ("@CMAKE_LIBDIR@", cmake_libdir),
        ("@CMAKE_INCLUDEDIR@", cmake_includedir),
        ("@CMAKE_SYSTEM_LIBS@", cmake_libs.join(";")),
        ("@SHARED_FILE@", shared),
        ("@SONAME@", soname),
    ];
    TEMPLATES
        .iter()
        .map(|t| {
            let mut text = read(t.source)?;
            for (key, value) in &values {
                text = text.replace(key, value);
            }
            if let Some(key) = unfilled(&text) {
                return Err(format!("{}: @{key}@ has no value", t.source));
            }
            let dest = match place {
                Place::BuildTree { .. } => t.build_tree,
                Place::Prefix(_) => t.installed,
            };
            Ok((dest, text))
        })
        .collect()
}

/// The first `@KEY@` placeholder left in `text`, if any.
fn unfilled(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(start) = rest.find('@') {
        let after = &rest[start + 1..];
        let end = after.find('@')?;
        let key = &after[..end];
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
            return Some(key);
        }
        rest = after;
    }
    None
}

/// A path with forward slashes, as pkg-config and CMake want it.
fn slash(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}
