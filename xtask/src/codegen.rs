//! Turning a normalized document into Rust with progenitor.

use std::io::Write;
use std::process::{Command, Stdio};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::error::{Error, Result};
use crate::spec::Document;

/// The generated sources for one document.
pub struct Generated {
    /// The client: types, `Client`, builders and per-tag extension traits.
    pub client: String,
    /// httpmock helpers mirroring every operation (refers to `crate_path`).
    pub httpmock: String,
}

/// Converts the (validated, normalized) document into openapiv3's model,
/// reporting where a construct does not fit.
pub fn to_openapi(doc: &Document) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(doc.value.clone()).map_err(|e| {
        let ptr = e
            .path()
            .iter()
            .map(|seg| seg.to_string())
            .filter(|s| s != "?")
            .collect::<Vec<_>>();
        let pointer = if ptr.is_empty() {
            "/".to_string()
        } else {
            crate::pointer::join(ptr.iter().map(String::as_str))
        };
        doc.error(pointer, format!("unsupported construct: {}", e.inner()))
    })
}

/// Runs progenitor (Builder interface, one extension trait per tag) and
/// formats the output. `crate_path` is how the mock module names the client
/// crate.
pub fn generate(doc: &Document, crate_path: &str) -> Result<Generated> {
    let spec = to_openapi(doc)?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_derive("PartialEq");
    let fail = |e: progenitor::Error| Error::Generate {
        path: doc.path.clone(),
        message: e.to_string(),
    };
    let client_tokens = Generator::new(&settings)
        .generate_tokens(&spec)
        .map_err(fail)?;
    let mock_tokens = Generator::new(&settings)
        .httpmock(&spec, crate_path)
        .map_err(fail)?;
    Ok(Generated {
        client: format_tokens("the generated client", client_tokens)?,
        httpmock: format_tokens("the generated httpmock helpers", mock_tokens)?,
    })
}

/// Pretty-prints a token stream, then passes it through rustfmt so that the
/// committed file is exactly what `cargo fmt` would leave.
pub fn format_tokens(what: &str, tokens: proc_macro2::TokenStream) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format {
        what: what.into(),
        message: e.to_string(),
    })?;
    rustfmt(what, &prettyplease::unparse(&file))
}

/// Formats Rust source with the toolchain's rustfmt (edition 2021).
pub fn rustfmt(what: &str, source: &str) -> Result<String> {
    let command = "rustfmt --edition 2021 --emit stdout";
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Command {
            command: command.into(),
            message: format!("{e} (install it with `rustup component add rustfmt`)"),
        })?;
    let mut stdin = child.stdin.take().ok_or_else(|| Error::Command {
        command: command.into(),
        message: "could not open rustfmt's standard input".into(),
    })?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| Error::Command {
        command: command.into(),
        message: e.to_string(),
    })?;
    let written = writer.join().map_err(|_| Error::Command {
        command: command.into(),
        message: "the thread feeding rustfmt panicked".into(),
    })?;
    written.map_err(|e| Error::Command {
        command: command.into(),
        message: format!("writing to rustfmt: {e}"),
    })?;
    if !out.status.success() {
        return Err(Error::Format {
            what: what.into(),
            message: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    String::from_utf8(out.stdout).map_err(|e| Error::Format {
        what: what.into(),
        message: e.to_string(),
    })
}
