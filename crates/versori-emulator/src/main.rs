//! `versori-emulator [--port N] [--host 127.0.0.1] [--api-key KEY]`
//!
//! Prints `listening on http://HOST:PORT` on standard output once ready, then
//! logs to standard error; stops cleanly on SIGINT or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// An in-memory Versori Platform for offline development and tests.
#[derive(Parser)]
#[command(name = "versori-emulator", version)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8901)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Accept only this credential (default: any well-formed one).
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let mut builder = versori_emulator::Emulator::builder()
        .host(&args.host)
        .port(args.port);
    if let Some(key) = args.api_key {
        builder = builder.api_key(key);
    }
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "versori-emulator: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", emulator.base_url());
    let _ = std::io::stdout().flush();
    shutdown_signal().await;
    tracing::info!("stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
