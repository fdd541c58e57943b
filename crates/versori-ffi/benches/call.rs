//! `versori_call` from C against the Rust facade, sequentially on a loopback
//! server, for a small GET (GetEndUser) and a 10,000-item listing
//! (ListEndUsers).
//!
//! `cargo build -p versori-ffi --release && cargo bench -p versori-ffi`
//! compiles `tests/c/bench_call.c` against the built `libversori`, runs it as
//! a child process, and interleaves rounds of its calls with rounds of the
//! facade's (typed, and its generic `call`), printing the median time per
//! call of each and the ratio C / typed facade (target: at most 1.10; C
//! hands back the checked body, the typed facade decodes it into structs).
//! `cargo test --benches` runs a quick version that only checks everything
//! works.

#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use versori_emulator::FixedResponseServer;

const ORG: &str = "01J8ZQ4N7G3Y5B2K9T6W1X00RG";
const TARGET: f64 = 1.10;

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
    fn start(exe: &Path, base_url: &str, operation: &str, args: &str) -> Fallible<CSide> {
        let mut child = Command::new(exe)
            .args([base_url, operation, args])
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

/// One case: a body served, the C call and the facade's typed and generic
/// calls of the same operation.
struct Case<'a> {
    title: &'a str,
    body: String,
    operation: &'a str,
    args: serde_json::Value,
    rounds: usize,
    iters: u32,
}

fn run_case(
    case: &Case<'_>,
    exe: &Path,
    rt: &tokio::runtime::Runtime,
    typed: &dyn Fn(&versori::Client) -> futures::future::LocalBoxFuture<'_, Fallible<()>>,
    quick: bool,
) -> Fallible<()> {
    let server = FixedResponseServer::start(case.body.clone())?;
    let url = server.base_url().to_string();
    let mut c_side = CSide::start(exe, &url, case.operation, &case.args.to_string())?;
    let client = versori::Client::builder()
        .base_url(&url)
        .organisation(ORG)
        .api_key("vk_bench")
        .build()?;
    let facade = |n: u32| -> Fallible<Duration> {
        rt.block_on(async {
            let t0 = Instant::now();
            for _ in 0..n {
                typed(&client).await?;
            }
            Ok(t0.elapsed() / n)
        })
    };
    let generic = |n: u32| -> Fallible<Duration> {
        rt.block_on(async {
            let t0 = Instant::now();
            for _ in 0..n {
                let value = client.call(case.operation, case.args.clone()).await?;
                std::hint::black_box(value);
            }
            Ok(t0.elapsed() / n)
        })
    };
    let iters = case.iters;
    // warm-up: connections, allocators
    c_side.run(iters.min(50))?;
    facade(iters.min(50))?;
    generic(iters.min(50))?;
    let mut samples: [Vec<Duration>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..case.rounds {
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
        "{}, sequential, median of {} rounds of {iters} calls{}",
        case.title,
        case.rounds,
        if quick { " (quick mode)" } else { "" }
    );
    println!(
        "  facade (typed) {:>9.1} µs   facade call() {:>9.1} µs   C versori_call {:>9.1} µs   C / facade {ratio:.3} ({:.3} vs call())   {}",
        facade_t.as_secs_f64() * 1e6,
        generic_t.as_secs_f64() * 1e6,
        c_t.as_secs_f64() * 1e6,
        c_t.as_secs_f64() / generic_t.as_secs_f64(),
        if ratio <= TARGET { "within 1.10x" } else { "ABOVE 1.10x" }
    );
    Ok(())
}

fn end_user(i: usize) -> serde_json::Value {
    json!({
        "id": format!("01J8ZQ4N7G3Y5B2K9T6W{i:06}"), "externalId": format!("customer-{i}"),
        "displayName": format!("Customer {i}"), "organisationId": ORG,
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
    })
}

fn main() -> Fallible<()> {
    // `cargo test --benches` runs this without --bench: keep it quick then
    let quick = !std::env::args().any(|a| a == "--bench");
    let scale = |full: usize, small: usize| if quick { small } else { full };
    let exe = compile_c(&lib_dir()?)?;
    // the facade as a Rust program uses it: a multi-thread runtime, awaiting each call
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let small = Case {
        title: "loopback small GET (GetEndUser)",
        body: end_user(1).to_string(),
        operation: "GetEndUser",
        args: json!({"user_id": "customer-1"}),
        rounds: scale(15, 3),
        iters: scale(2000, 20) as u32,
    };
    run_case(
        &small,
        &exe,
        &rt,
        &|client| {
            Box::pin(async move {
                let user = client.users().get("customer-1").send().await?;
                std::hint::black_box(user);
                Ok(())
            })
        },
        quick,
    )?;
    let items = scale(10_000, 100);
    let listing = Case {
        title: &format!("loopback {items}-item listing (ListEndUsers)"),
        body: json!({"totalCount": items, "users": (0..items).map(end_user).collect::<Vec<_>>()})
            .to_string(),
        operation: "ListEndUsers",
        args: json!({}),
        rounds: scale(9, 3),
        iters: scale(30, 3) as u32,
    };
    run_case(
        &listing,
        &exe,
        &rt,
        &|client| {
            Box::pin(async move {
                let page = client.users().list().send().await?;
                std::hint::black_box(page);
                Ok(())
            })
        },
        quick,
    )
}
