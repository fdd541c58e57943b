//! `versori_call` from C against the Rust facade, for the same small GET
//! (GetEndUser) on a loopback server, sequentially.
//!
//! `cargo build -p versori-ffi --release && cargo bench -p versori-ffi`
//! compiles `tests/c/bench_call.c` against the built `libversori`, runs it as
//! a child process, and interleaves rounds of its calls with rounds of the
//! facade's, printing the median time per call of each and their ratio
//! (target: C within 1.20× of the facade). `cargo test --benches` runs a
//! quick version that only checks everything works.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use versori_emulator::FixedResponseServer;

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X0ORG";
const TARGET: f64 = 1.20;

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// The folder holding libversori: `VERSORI_FFI_LIB_DIR`, or the profile
/// folder this bench was built into (`target/<profile>/deps/..`).
fn lib_dir() -> Fallible<PathBuf> {
    if let Some(dir) = std::env::var_os("VERSORI_FFI_LIB_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe()?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("cannot find the profile folder of {}", exe.display()).into())
}

/// Compiles the C side against the library in `lib`.
fn compile_c(lib: &Path) -> Fallible<PathBuf> {
    let shared = lib.join("libversori.so");
    if !shared.is_file() {
        return Err(format!(
            "{} is missing: run `cargo build -p versori-ffi --release` (or without --release for the quick mode) first",
            shared.display()
        )
        .into());
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out_dir = lib.join("ffi-bench");
    std::fs::create_dir_all(&out_dir)?;
    let exe = out_dir.join("bench_call");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"])
        .arg(root.join("tests/c/bench_call.c"))
        .arg("-I")
        .arg(root.join("include"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lversori")
        .status()?;
    if !status.success() {
        return Err(format!("{cc} failed to compile tests/c/bench_call.c ({status})").into());
    }
    Ok(exe)
}

/// The C program, driven over its stdin/stdout.
struct CSide {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl CSide {
    fn start(exe: &Path, base_url: &str) -> Fallible<CSide> {
        let mut child = Command::new(exe)
            .arg(base_url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(CSide {
            child,
            stdin,
            stdout,
        })
    }

    /// Makes `n` calls; returns the time per call.
    fn run(&mut self, n: u32) -> Fallible<Duration> {
        writeln!(self.stdin, "{n}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let nanos: u64 = line
            .trim()
            .parse()
            .map_err(|e| format!("the C side answered {line:?}: {e}"))?;
        Ok(Duration::from_nanos(nanos) / n)
    }

    fn finish(mut self) -> Fallible<()> {
        writeln!(self.stdin, "0")?;
        drop(self.stdin);
        let status = self.child.wait()?;
        if !status.success() {
            return Err(format!("the C side failed: {status}").into());
        }
        Ok(())
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> Fallible<()> {
    // `cargo test --benches` runs this without --bench: keep it quick then
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, iters) = if quick { (3, 20) } else { (15, 2000) };

    let user = json!({
        "id": "01J8ZQ4N7G3Y5B2K9T6W000001", "externalId": "customer-1",
        "displayName": "Customer 1", "organisationId": ORG,
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    });
    let server = FixedResponseServer::start(user.to_string())?;
    let url = server.base_url().to_string();
    let exe = compile_c(&lib_dir()?)?;
    let mut c_side = CSide::start(&exe, &url)?;

    // the facade as a Rust program uses it: a multi-thread runtime, awaiting each call
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let client = versori::Client::builder()
        .base_url(&url)
        .organisation(ORG)
        .api_key("vk_bench")
        .build()?;
    let facade = |n: u32| -> Fallible<Duration> {
        rt.block_on(async {
            let t0 = Instant::now();
            for _ in 0..n {
                let user = client.users().get("customer-1").send().await?;
                std::hint::black_box(user);
            }
            Ok(t0.elapsed() / n)
        })
    };
    let generic = |n: u32| -> Fallible<Duration> {
        rt.block_on(async {
            let t0 = Instant::now();
            for _ in 0..n {
                let user = client
                    .call("GetEndUser", json!({"user_id": "customer-1"}))
                    .await?;
                std::hint::black_box(user);
            }
            Ok(t0.elapsed() / n)
        })
    };

    // warm-up: connections, allocators
    c_side.run(iters.min(50))?;
    facade(iters.min(50))?;
    generic(iters.min(50))?;
    let mut samples: [Vec<Duration>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..rounds {
        // rotate which side goes first, so position effects even out
        for k in 0..3 {
            let which = (round + k) % 3;
            let t = match which {
                0 => facade(iters)?,
                1 => generic(iters)?,
                _ => c_side.run(iters)?,
            };
            samples[which].push(t);
        }
    }
    c_side.finish()?;
    let [facade_t, generic_t, c_t] = samples.map(median);
    let ratio = c_t.as_secs_f64() / facade_t.as_secs_f64();
    println!(
        "loopback small GET (GetEndUser), sequential, median of {rounds} rounds of {iters} calls{}",
        if quick { " (quick mode)" } else { "" }
    );
    println!(
        "facade (typed) {:>8.1} µs   facade call() {:>8.1} µs   C versori_call {:>8.1} µs   C / facade {ratio:.3} ({:.3} vs call())   {}",
        facade_t.as_secs_f64() * 1e6,
        generic_t.as_secs_f64() * 1e6,
        c_t.as_secs_f64() * 1e6,
        c_t.as_secs_f64() / generic_t.as_secs_f64(),
        if ratio <= TARGET { "within 1.20x" } else { "ABOVE 1.20x" }
    );
    Ok(())
}
