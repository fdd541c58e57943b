//! Turning a normalized document into Rust with progenitor.

use std::io::Write;
use std::process::{Command, Stdio};

use proc_macro2::{Delimiter, Group, Punct, Spacing, TokenStream, TokenTree};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::error::{Error, Result};
use crate::spec::Document;

/// The generated sources for one document.
pub struct Generated {
    /// The client: types, `Client`, builders and per-tag extension traits.
    pub client: String,
    /// httpmock helpers mirroring every operation (refers to `crate_path`).
    pub httpmock: String,
    /// The client as syntax, for the generators that read it (the facade's
    /// request builders).
    pub client_syntax: syn::File,
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
            crate::spec::pointer::join(ptr.iter().map(String::as_str))
        };
        doc.error(pointer, format!("unsupported construct: {}", e.inner()))
    })
}

/// Runs progenitor (Builder interface, one extension trait per tag) and
/// formats the output. `crate_path` is how the mock module names the client
/// crate; `hooks` is the path of the client's inner (hook state) type, when
/// the crate supplies one. `table` is the document's operation table: its
/// slash-separated path parameters are rewritten after progenitor (see
/// [`crate::generate::path_segments`]), which needs a `path` module in the client
/// crate (`crates/versori-core/src/path.rs`).
pub fn generate(
    doc: &Document,
    table: &[crate::generate::optable::Operation],
    crate_path: &str,
    hooks: Option<&str>,
) -> Result<Generated> {
    let spec = to_openapi(doc)?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_derive("PartialEq");
    if let Some(path) = hooks {
        let ty: TokenStream = path.parse().map_err(|e| Error::Generate {
            path: doc.path.clone(),
            message: format!("invalid hooks type path {path:?}: {e}"),
        })?;
        settings.with_inner_type(ty);
    }
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
    let segments_error = |e: String| Error::Generate {
        path: doc.path.clone(),
        message: e,
    };
    let mut client = parse_file("the generated client", client_tokens)?;
    crate::generate::open_enums::open_string_enums(&mut client);
    crate::generate::path_segments::rewrite_client(&mut client, table).map_err(segments_error)?;
    let mut mocks = parse_file("the generated httpmock helpers", mock_tokens)?;
    crate::generate::path_segments::rewrite_mocks(&mut mocks, table).map_err(segments_error)?;
    Ok(Generated {
        client: format_file("the generated client", client.clone())?,
        client_syntax: client,
        httpmock: format_file("the generated httpmock helpers", mocks)?,
    })
}

/// Parses generated tokens as a file, one doc attribute per line.
pub fn parse_file(what: &str, tokens: TokenStream) -> Result<syn::File> {
    syn::parse2(split_doc_attributes(tokens)).map_err(|e| Error::Format {
        what: what.into(),
        message: e.to_string(),
    })
}

/// Pretty-prints a file and formats it with rustfmt.
pub fn format_file(what: &str, file: syn::File) -> Result<String> {
    rustfmt(what, &prettyplease::unparse(&file))
}

/// Rewrites every multi-line `#[doc = "..."]` into one attribute per line.
///
/// prettyplease prints a multi-line doc attribute as a `/** */` block, whose
/// lines rustfmt then indents; rustdoc reads that indentation as a code
/// block and tries to compile the prose. One `///` line per line of text
/// keeps the documentation as written.
pub fn split_doc_attributes(tokens: TokenStream) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(hash) if hash.as_char() == '#' => {
                let bang = match iter.peek() {
                    Some(TokenTree::Punct(b)) if b.as_char() == '!' => iter.next(),
                    _ => None,
                };
                let lines = match iter.peek() {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                        doc_lines(g.stream())
                    }
                    _ => None,
                };
                match lines {
                    Some(lines) if lines.len() > 1 => {
                        iter.next();
                        for line in lines {
                            out.push(TokenTree::Punct(Punct::new('#', Spacing::Alone)));
                            if let Some(b) = &bang {
                                out.push(b.clone());
                            }
                            let text = if line.is_empty() {
                                line
                            } else {
                                format!(" {line}")
                            };
                            let attr: TokenStream = quote_doc(&text);
                            out.push(TokenTree::Group(Group::new(Delimiter::Bracket, attr)));
                        }
                    }
                    _ => {
                        out.push(TokenTree::Punct(hash));
                        if let Some(b) = bang {
                            out.push(b);
                        }
                    }
                }
            }
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), split_doc_attributes(g.stream()));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The lines of a `doc = "..."` attribute body, or `None` for any other attribute.
fn doc_lines(attr: TokenStream) -> Option<Vec<String>> {
    let tokens: Vec<TokenTree> = attr.into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Literal(lit)]
            if name == "doc" && eq.as_char() == '=' =>
        {
            let text: syn::LitStr = syn::parse2(TokenTree::Literal(lit.clone()).into()).ok()?;
            Some(
                text.value()
                    .lines()
                    .map(|l| l.trim_end().to_string())
                    .collect(),
            )
        }
        _ => None,
    }
}

/// `doc = "<text>"` as tokens.
fn quote_doc(text: &str) -> TokenStream {
    let lit = proc_macro2::Literal::string(text);
    [
        TokenTree::Ident(proc_macro2::Ident::new(
            "doc",
            proc_macro2::Span::call_site(),
        )),
        TokenTree::Punct(Punct::new('=', Spacing::Alone)),
        TokenTree::Literal(lit),
    ]
    .into_iter()
    .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn multi_line_docs_become_one_line_each() {
        let tokens: TokenStream = syn::parse_str::<syn::File>(
            "#[doc = \"First line\\n\\nSends a `GET`\"] pub struct A; #[doc = \"one\"] pub struct B;",
        )
        .expect("parses")
        .into_token_stream();
        let text =
            prettyplease::unparse(&syn::parse2(split_doc_attributes(tokens)).expect("parses"));
        assert_eq!(
            text,
            "/// First line\n///\n/// Sends a `GET`\npub struct A;\n///one\npub struct B;\n"
        );
    }
}
