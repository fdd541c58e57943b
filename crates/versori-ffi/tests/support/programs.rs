//! The C and C++ test programs of the C ABI, written down once: which there
//! are, how each is compiled (`-Wall -Wextra -Werror -pedantic`, as C11 or
//! C++17, linked through the generated pkg-config files) and how each is
//! run, plainly or under valgrind.
//!
//! Two places use it: `tests/c_programs.rs` (`cargo test -p versori-ffi`
//! compiles and runs every program) and `cargo xtask test`, which includes
//! this file (`#[path]`) to run the same programs under valgrind. It needs
//! nothing beyond the standard library.

// each user takes the parts it needs
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The flags every C program is compiled with.
pub const C_FLAGS: [&str; 6] = [
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-pthread",
];

/// The flags every C++ program is compiled with.
pub const CPP_FLAGS: [&str; 6] = [
    "-std=c++17",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-pedantic",
    "-pthread",
];

/// Valgrind's settings, relative to the workspace root: any leak or memory
/// error fails the run.
pub const VALGRIND: [&str; 5] = [
    "--leak-check=full",
    "--error-exitcode=1",
    "--num-callers=500",
    "--quiet",
    "--suppressions=tests/c/valgrind.supp",
];

/// The hostile loopback server the fault-injection program runs against,
/// relative to the workspace root; started by the program with the Python
/// interpreter given as its first argument.
pub const FAULT_SERVER: &str = "python/tests/fault_server.py";

/// The language of a program, which picks its compiler and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// C11, compiled with `$CC` (default `cc`).
    C,
    /// C++17, compiled with `$CXX` (default `c++`).
    Cpp,
}

/// Which libversori a program links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `libversori.so`, through `versori.pc`.
    Shared,
    /// `libversori.a`, through `versori-static.pc`.
    Static,
}

/// How a program runs under valgrind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valgrind {
    /// Memory errors and leaks.
    Full,
    /// Memory errors only: a forked child inherits memory owned by threads
    /// it does not have, which a leak check in the child reports as lost
    /// (the leak checks of the other programs cover the library).
    NoLeakCheck,
    /// Not run under valgrind (the same source is, linked the other way).
    Skip,
}

/// One test program.
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// The executable's name, unique among [`PROGRAMS`].
    pub name: &'static str,
    /// Its source, relative to the workspace root.
    pub source: &'static str,
    /// Its language.
    pub lang: Lang,
    /// The library it links.
    pub link: Link,
    /// Whether it runs against [`FAULT_SERVER`] (and so needs Python).
    pub fault_server: bool,
    /// How it runs under valgrind.
    pub valgrind: Valgrind,
}

/// Every test program.
pub const PROGRAMS: [Program; 6] = [
    Program {
        name: "test_ffi",
        source: "tests/c/test_ffi.c",
        lang: Lang::C,
        link: Link::Shared,
        fault_server: false,
        valgrind: Valgrind::Full,
    },
    Program {
        name: "test_ffi_static",
        source: "tests/c/test_ffi.c",
        lang: Lang::C,
        link: Link::Static,
        fault_server: false,
        valgrind: Valgrind::Skip,
    },
    Program {
        name: "test_kv_keys",
        source: "tests/c/test_kv_keys.c",
        lang: Lang::C,
        link: Link::Shared,
        fault_server: false,
        valgrind: Valgrind::Full,
    },
    Program {
        name: "test_wrapper",
        source: "tests/cpp/test_wrapper.cpp",
        lang: Lang::Cpp,
        link: Link::Shared,
        fault_server: false,
        valgrind: Valgrind::Full,
    },
    Program {
        name: "test_fork",
        source: "tests/c/test_fork.c",
        lang: Lang::C,
        link: Link::Shared,
        fault_server: false,
        valgrind: Valgrind::NoLeakCheck,
    },
    Program {
        name: "test_faults",
        source: "tests/c/test_faults.c",
        lang: Lang::C,
        link: Link::Shared,
        fault_server: true,
        valgrind: Valgrind::Full,
    },
];

/// The program called `name`.
pub fn program(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}

/// A command line: a program and its arguments, to echo and run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The program.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
}

impl Invocation {
    /// The command, to run in `dir`.
    pub fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(dir);
        command
    }

    /// The command line as text.
    pub fn shown(&self) -> String {
        format!("{} {}", self.program, self.args.join(" "))
    }
}

/// The compilers, the link flags and the folders to build the programs
/// against one built libversori.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The workspace root (where the sources and the valgrind suppressions are).
    pub root: PathBuf,
    /// Where the executables go.
    pub out_dir: PathBuf,
    /// The C compiler.
    pub cc: String,
    /// The C++ compiler.
    pub cxx: String,
    /// The Python interpreter for [`FAULT_SERVER`].
    pub python: String,
    shared: Vec<String>,
    static_: Vec<String>,
}

impl Setup {
    /// The setup for the library built into `lib_dir` (a profile folder
    /// such as `target/debug`, holding `libversori.so`, `libversori.a` and
    /// the generated `pkgconfig/`), writing executables to `out_dir`.
    /// Compilers come from `$CC`/`$CXX` (default `cc`/`c++`), the
    /// interpreter from `$PYTHON` (default `python3`).
    ///
    /// Fails, saying what is missing, when `pkg-config` cannot be run or the
    /// library is not built; [`Setup::missing`] tells whether a program's
    /// own tools are there.
    pub fn new(root: &Path, lib_dir: &Path, out_dir: &Path) -> Result<Setup, String> {
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        if !runs("pkg-config") {
            return Err("`pkg-config --version` could not be run".into());
        }
        let shared_lib = lib_dir.join("libversori.so");
        if !shared_lib.is_file() {
            return Err(format!(
                "{} is missing: build it with `cargo build -p versori-ffi`",
                shared_lib.display()
            ));
        }
        std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
        let pkg_path = lib_dir.join("pkgconfig");
        Ok(Setup {
            root: root.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            shared: pkg_config(&pkg_path, "versori")?,
            static_: pkg_config(&pkg_path, "versori-static")?,
            cc,
            cxx,
            python,
        })
    }

    /// What `program` needs and this machine lacks: its compiler, or the
    /// Python interpreter for [`FAULT_SERVER`]; None when it can be built
    /// and run.
    pub fn missing(&self, program: &Program) -> Option<String> {
        let compiler = match program.lang {
            Lang::C => &self.cc,
            Lang::Cpp => &self.cxx,
        };
        if !runs(compiler) {
            return Some(format!(
                "`{compiler} --version` could not be run (set ${})",
                if program.lang == Lang::C { "CC" } else { "CXX" }
            ));
        }
        if program.fault_server && !runs(&self.python) {
            return Some(format!(
                "`{} --version` could not be run; the fault server needs Python (set $PYTHON)",
                self.python
            ));
        }
        None
    }

    /// Where `program`'s executable goes.
    pub fn exe(&self, program: &Program) -> PathBuf {
        self.out_dir.join(program.name)
    }

    /// The compiler's command line for `program`.
    pub fn compile(&self, program: &Program) -> Invocation {
        let (compiler, flags) = match program.lang {
            Lang::C => (&self.cc, C_FLAGS),
            Lang::Cpp => (&self.cxx, CPP_FLAGS),
        };
        let link = match program.link {
            Link::Shared => &self.shared,
            Link::Static => &self.static_,
        };
        let mut args: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        args.push(self.root.join(program.source).display().to_string());
        args.push("-o".into());
        args.push(self.exe(program).display().to_string());
        args.extend(link.iter().cloned());
        Invocation {
            program: compiler.clone(),
            args,
        }
    }

    /// The command line that runs `program`'s executable (in the workspace
    /// root), under valgrind when `valgrind` is true; None when the program
    /// is not run under valgrind.
    pub fn run(&self, program: &Program, valgrind: bool) -> Option<Invocation> {
        let exe = self.exe(program).display().to_string();
        let mut args: Vec<String> = Vec::new();
        if program.fault_server {
            args.push(self.python.clone());
            args.push(FAULT_SERVER.into());
        }
        if !valgrind {
            return Some(Invocation { program: exe, args });
        }
        let mut checks: Vec<String> = VALGRIND.iter().map(|a| a.to_string()).collect();
        match program.valgrind {
            Valgrind::Full => {}
            Valgrind::NoLeakCheck => {
                for a in &mut checks {
                    if a.starts_with("--leak-check") {
                        *a = "--leak-check=no".into();
                    }
                }
            }
            Valgrind::Skip => return None,
        }
        checks.push(exe);
        checks.extend(args);
        Some(Invocation {
            program: "valgrind".into(),
            args: checks,
        })
    }
}

/// Whether `tool --version` runs and succeeds.
fn runs(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `pkg-config --cflags --libs NAME` against the generated .pc files in
/// `pkg_path`.
fn pkg_config(pkg_path: &Path, name: &str) -> Result<Vec<String>, String> {
    let output = Command::new("pkg-config")
        .args(["--cflags", "--libs", name])
        .env("PKG_CONFIG_PATH", pkg_path)
        .output()
        .map_err(|e| format!("pkg-config: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pkg-config --cflags --libs {name} (PKG_CONFIG_PATH={}) failed: {}",
            pkg_path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(String::from)
        .collect())
}
