//! Forward-compatible enums: a string enum generated from the spec gains an
//! `Other(String)` variant, so a value the platform adds later decodes (and
//! round-trips) instead of failing the whole response.

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;
use syn::{parse_quote, Fields, Item, ItemEnum, ItemImpl};

/// Opens every string enum of the generated file in place and returns the
/// names of the enums it changed.
pub fn open_string_enums(file: &mut syn::File) -> BTreeSet<String> {
    let mut pass = OpenEnums::default();
    pass.visit_file_mut(file);
    let mut fix = DisplayArms {
        names: &pass.opened,
    };
    fix.visit_file_mut(file);
    pass.opened
}

#[derive(Default)]
struct OpenEnums {
    opened: BTreeSet<String>,
}

/// A derive list containing `Deserialize` (the only enums worth opening).
fn derives_deserialize(item: &ItemEnum) -> bool {
    item.attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().contains("Deserialize"))
    })
}

impl VisitMut for OpenEnums {
    fn visit_item_enum_mut(&mut self, item: &mut ItemEnum) {
        let unit_only = !item.variants.is_empty()
            && item
                .variants
                .iter()
                .all(|v| matches!(v.fields, Fields::Unit));
        if !unit_only
            || !derives_deserialize(item)
            || item.variants.iter().any(|v| v.ident == "Other")
        {
            return;
        }
        // `Copy` cannot hold a String.
        for attr in &mut item.attrs {
            if attr.path().is_ident("derive") {
                if let Ok(list) = attr.meta.require_list() {
                    let kept: Vec<String> = list
                        .tokens
                        .to_string()
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty() && s != "Copy")
                        .collect();
                    let tokens: proc_macro2::TokenStream = kept
                        .join(", ")
                        .parse()
                        .unwrap_or_else(|_| list.tokens.clone());
                    *attr = parse_quote!(#[derive(#tokens)]);
                }
            }
        }
        item.variants.push(parse_quote! {
            /// A value this version of the SDK does not know, kept exactly as the server sent it.
            #[serde(untagged)]
            Other(::std::string::String)
        });
        self.opened.insert(item.ident.to_string());
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        syn::visit_mut::visit_item_mut(self, item);
    }
}

struct DisplayArms<'a> {
    names: &'a BTreeSet<String>,
}

impl VisitMut for DisplayArms<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        let is_display = item
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Display");
        let self_name = match &*item.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        if !is_display || !self_name.is_some_and(|n| self.names.contains(&n)) {
            return;
        }
        for impl_item in &mut item.items {
            if let syn::ImplItem::Fn(f) = impl_item {
                for stmt in &mut f.block.stmts {
                    if let syn::Stmt::Expr(syn::Expr::Match(m), _) = stmt {
                        m.arms.push(parse_quote! {
                            Self::Other(ref value) => f.write_str(value),
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn string_enums_gain_an_other_variant_and_display_arm() {
        let mut file: syn::File = syn::parse_str(
            r#"
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum Status { #[serde(rename = "open")] Open }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Open => f.write_str("open") }
                }
            }
            #[derive(::serde::Deserialize)]
            pub enum Shape { Circle(f64) }
            "#,
        )
        .expect("parses");
        let opened = open_string_enums(&mut file);
        assert_eq!(opened.into_iter().collect::<Vec<_>>(), ["Status"]);
        let text = file.into_token_stream().to_string();
        assert!(
            text.contains("Other (:: std :: string :: String)"),
            "{text}"
        );
        assert!(!text.contains("Copy"), "{text}");
        assert!(
            text.contains("Self :: Other (ref value) => f . write_str (value)"),
            "{text}"
        );
        assert!(text.contains("Circle (f64)"), "{text}");
    }
}
