//! Slash-separated path parameters (`x-versori-path-segments`, the KV key)
//! in the generated code. progenitor escapes every path parameter as one
//! segment, `/` included, so `orders/1042` would travel as `orders%2F1042`;
//! the platform's official client sends `orders/1042` with each segment
//! escaped on its own. This pass rewrites, after progenitor:
//!
//! - each flagged parameter's `encode_path(..)` in the builders' URL into
//!   `crate::path::encode(name, ..)` (versori-core's `path` module; a
//!   value that cannot travel is an `InvalidRequest` naming it);
//! - the httpmock matcher of such a path, whose `[^/]*` for the parameter
//!   becomes `.+` so that multi-segment keys match.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprLit, Lit, LitStr, Macro, Token};

use crate::generate::optable::Operation;

/// One flagged parameter: its position among the path's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flagged {
    name: String,
    position: usize,
}

/// The `{name}` parameters of a path template, in order.
fn template_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// For each operation (by snake-case id), its flagged path parameters.
fn flagged_by_operation(table: &[Operation]) -> BTreeMap<String, Vec<Flagged>> {
    let mut out = BTreeMap::new();
    for op in table {
        let params = template_params(&op.path);
        let flagged: Vec<Flagged> = op
            .parameters
            .iter()
            .filter(|p| p.segments)
            .filter_map(|p| {
                params
                    .iter()
                    .position(|n| *n == p.name)
                    .map(|position| Flagged {
                        name: p.name.clone(),
                        position,
                    })
            })
            .collect();
        if !flagged.is_empty() {
            out.insert(op.snake_id.clone(), flagged);
        }
    }
    out
}

/// Rewrites the builders of the generated client in place; returns the
/// operations it rewrote, or the ones it could not find.
pub fn rewrite_client(file: &mut syn::File, table: &[Operation]) -> Result<Vec<String>, String> {
    let wanted = flagged_by_operation(table);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut pass = ClientPass {
        wanted: &wanted,
        done: Vec::new(),
        failed: None,
    };
    pass.visit_file_mut(file);
    if let Some(e) = pass.failed {
        return Err(e);
    }
    let missing: Vec<&String> = wanted.keys().filter(|k| !pass.done.contains(k)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "no generated builder sends the slash-separated path parameters of {missing:?}"
        ));
    }
    pass.done.sort();
    Ok(pass.done)
}

struct ClientPass<'a> {
    wanted: &'a BTreeMap<String, Vec<Flagged>>,
    done: Vec<String>,
    failed: Option<String>,
}

/// The `operation_id: "..."` of the `OperationInfo` a builder method builds.
fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl syn::visit_mut::VisitMut for Find {
        fn visit_expr_struct_mut(&mut self, s: &mut syn::ExprStruct) {
            if s.path.is_ident("OperationInfo") {
                for f in &s.fields {
                    if let (
                        syn::Member::Named(name),
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(v), ..
                        }),
                    ) = (&f.member, &f.expr)
                    {
                        if name == "operation_id" {
                            self.0 = Some(v.value());
                        }
                    }
                }
            }
            syn::visit_mut::visit_expr_struct_mut(self, s);
        }
    }
    let mut find = Find(None);
    find.visit_block_mut(&mut block.clone());
    find.0
}

impl VisitMut for ClientPass<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        let Some(id) = operation_id(&f.block) else {
            return;
        };
        let Some(flagged) = self.wanted.get(&id) else {
            return;
        };
        let mut url = UrlPass {
            flagged,
            rewritten: 0,
            failed: None,
        };
        url.visit_block_mut(&mut f.block);
        if let Some(e) = url.failed {
            self.failed = Some(format!("{id}: {e}"));
        } else if url.rewritten == flagged.len() {
            self.done.push(id);
        } else {
            self.failed = Some(format!(
                "{id}: rewrote {} of {} slash-separated path parameters",
                url.rewritten,
                flagged.len()
            ));
        }
    }
}

/// Rewrites the `format!` that builds a builder's URL.
struct UrlPass<'a> {
    flagged: &'a [Flagged],
    rewritten: usize,
    failed: Option<String>,
}

impl VisitMut for UrlPass<'_> {
    fn visit_macro_mut(&mut self, m: &mut Macro) {
        if !m.path.is_ident("format") {
            return;
        }
        let Ok(mut args) = m.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        else {
            return;
        };
        let is_url = matches!(args.first(), Some(Expr::Lit(ExprLit { lit: Lit::Str(s), .. }))
            if s.value().starts_with("{}/"));
        if !is_url {
            return;
        }
        for f in self.flagged {
            // argument 0 is the template, 1 the base URL, then one per path parameter
            let Some(arg) = args.iter_mut().nth(f.position + 2) else {
                self.failed = Some(format!("the URL has no argument for `{}`", f.name));
                return;
            };
            let Expr::Call(call) = arg else {
                self.failed = Some(format!("`{}` is not sent through encode_path", f.name));
                return;
            };
            if !matches!(&*call.func, Expr::Path(p) if p.path.is_ident("encode_path"))
                || call.args.len() != 1
            {
                self.failed = Some(format!("`{}` is not sent through encode_path", f.name));
                return;
            }
            let value = &call.args[0];
            let name = LitStr::new(&f.name, proc_macro2::Span::call_site());
            *arg = syn::parse_quote! {
                crate::path::encode(#name, #value).map_err(Error::InvalidRequest)?
            };
            self.rewritten += 1;
        }
        let tokens: TokenStream = quote! { #args };
        m.tokens = tokens;
    }
}

/// The path regex progenitor's httpmock matcher uses for `path`.
fn mock_regex(path: &str) -> String {
    let mut out = String::from("^");
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        out.push_str("[^/]*");
        rest = rest[open..].split_once('}').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out.push('$');
    out
}

/// The same regex with each flagged parameter's `[^/]*` widened to `.+`.
fn widened_regex(path: &str, positions: &[usize]) -> String {
    let mut out = String::from("^");
    let mut rest = path;
    let mut index = 0;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        out.push_str(if positions.contains(&index) {
            ".+"
        } else {
            "[^/]*"
        });
        index += 1;
        rest = rest[open..].split_once('}').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out.push('$');
    out
}

/// Widens the httpmock path matchers of flagged paths in place; returns how
/// many matchers it changed.
pub fn rewrite_mocks(file: &mut syn::File, table: &[Operation]) -> Result<usize, String> {
    let mut replace: BTreeMap<String, String> = BTreeMap::new();
    for op in table {
        let positions: Vec<usize> = flagged_by_operation(std::slice::from_ref(op))
            .into_values()
            .flatten()
            .map(|f| f.position)
            .collect();
        let from = mock_regex(&op.path);
        let to = if positions.is_empty() {
            from.clone()
        } else {
            widened_regex(&op.path, &positions)
        };
        match replace.get(&from) {
            Some(existing) if *existing != to => {
                return Err(format!(
                    "operations on {} disagree on which path parameters are slash-separated",
                    op.path
                ))
            }
            _ => {
                replace.insert(from, to);
            }
        }
    }
    replace.retain(|from, to| from != to);
    let mut pass = MockPass {
        replace: &replace,
        changed: 0,
    };
    pass.visit_file_mut(file);
    Ok(pass.changed)
}

struct MockPass<'a> {
    replace: &'a BTreeMap<String, String>,
    changed: usize,
}

impl VisitMut for MockPass<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
        if let Some(to) = self.replace.get(&lit.value()) {
            *lit = LitStr::new(to, lit.span());
            self.changed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::optable::Parameter;
    use quote::ToTokens;

    fn op(snake: &str, path: &str, flagged: &[&str]) -> Operation {
        Operation {
            id: snake.into(),
            snake_id: snake.into(),
            method: "GET".into(),
            path: path.into(),
            tag: "KV".into(),
            group: "kv".into(),
            group_method: "get".into(),
            summary: String::new(),
            parameters: template_params(path)
                .into_iter()
                .map(|name| Parameter {
                    name: name.into(),
                    location: "path".into(),
                    kind: "string".into(),
                    format: None,
                    required: true,
                    enum_values: Vec::new(),
                    segments: flagged.contains(&name),
                })
                .collect(),
            body: None,
            response: None,
            pagination: crate::generate::optable::Pagination::None,
        }
    }

    #[test]
    fn a_flagged_parameter_is_sent_through_the_path_module() {
        let mut file: syn::File = syn::parse_quote! {
            impl<'a> GetKv<'a> {
                pub async fn send(self) -> Result<(), Error<()>> {
                    let url = format!(
                        "{}/store/{}/kv/{}",
                        client.baseurl,
                        encode_path(&store.to_string()),
                        encode_path(&key.to_string()),
                    );
                    let info = OperationInfo { operation_id: "get_kv" };
                    Ok(())
                }
            }
        };
        let table = [op("get_kv", "/store/{store}/kv/{key}", &["key"])];
        assert_eq!(
            rewrite_client(&mut file, &table).expect("rewrites"),
            ["get_kv"]
        );
        let text = file.into_token_stream().to_string();
        assert!(
            text.contains("encode_path (& store . to_string ())"),
            "{text}"
        );
        assert!(
            text.contains(
                "crate :: path :: encode (\"key\" , & key . to_string ()) . map_err (Error :: InvalidRequest) ?"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_flagged_operation_without_its_builder_is_an_error() {
        let mut file: syn::File = syn::parse_quote! { fn unrelated() {} };
        let table = [op("get_kv", "/store/{store}/kv/{key}", &["key"])];
        assert!(rewrite_client(&mut file, &table).is_err());
        let table = [op("get_thing", "/things/{id}", &[])];
        assert_eq!(rewrite_client(&mut file, &table), Ok(vec![]));
    }

    #[test]
    fn mock_matchers_take_the_rest_of_the_path_for_flagged_parameters() {
        let mut file: syn::File = syn::parse_quote! {
            fn new() {
                a.path_matches(regex::Regex::new("^/store/[^/]*/kv/[^/]*$").unwrap());
                b.path_matches(regex::Regex::new("^/store/[^/]*/kv/batch$").unwrap());
            }
        };
        let table = [
            op("get_kv", "/store/{store}/kv/{key}", &["key"]),
            op("batch", "/store/{store}/kv/batch", &[]),
        ];
        assert_eq!(rewrite_mocks(&mut file, &table), Ok(1));
        let text = file.to_token_stream().to_string();
        assert!(text.contains("\"^/store/[^/]*/kv/.+$\""), "{text}");
        assert!(text.contains("\"^/store/[^/]*/kv/batch$\""), "{text}");
        let split = [
            op("get_kv", "/store/{store}/kv/{key}", &["key"]),
            op("set_kv", "/store/{store}/kv/{key}", &[]),
        ];
        assert!(rewrite_mocks(&mut file, &split).is_err());
    }
}
