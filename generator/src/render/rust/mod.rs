//! Rust code renderers: token streams built with `quote`, formatted by
//! `prettyplease`. Shared helpers for identifiers, doc comments and types.

pub mod builders;
pub mod client;
pub mod contract;
pub mod crate_files;
pub mod examples;
pub mod literal;
pub mod mock;
pub mod models;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::RenderError;
use crate::ir::TypeRef;

pub use crate::model::{FieldShape, TypeIndex};

/// An identifier from an IR name; `r#type` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` attributes, one per line, from spec text.
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = sanitize_doc(text);
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#[doc]` attributes for text written by the generator itself (may hold
/// intra-doc links), one per line; not sanitised.
pub fn raw_doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// Makes spec prose safe for rustdoc: square brackets and angle brackets
/// outside code spans are escaped (no accidental intra-doc links or HTML
/// tags), and bare URLs are wrapped in `<...>`.
pub fn sanitize_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.trim().split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut rest = part;
        while !rest.is_empty() {
            let url_at = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min();
            let (plain, tail) = match url_at {
                Some(at) => rest.split_at(at),
                None => (rest, ""),
            };
            for c in plain.chars() {
                match c {
                    '[' => out.push_str("\\["),
                    ']' => out.push_str("\\]"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    _ => out.push(c),
                }
            }
            if tail.is_empty() {
                break;
            }
            let end = tail
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '(' | '<' | '>' | '"' | '\'' | ','))
                .unwrap_or(tail.len());
            let url = tail[..end].trim_end_matches(['.', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &tail[url.len()..];
        }
    }
    out
}

/// Pretty-prints a token stream as a Rust file with a header comment.
pub fn format_file(artifact: &str, header: &str, tokens: TokenStream) -> Result<String, RenderError> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| RenderError {
        artifact: artifact.to_owned(),
        message: format!("generated tokens do not parse as Rust: {e}"),
    })?;
    Ok(format!("{header}\n{}", separate_items(&prettyplease::unparse(&file))))
}

/// Puts a blank line between items (top level and inside `impl` blocks),
/// which `prettyplease` runs together.
fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut prev: &str = "";
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let starts_item = !trimmed.is_empty() && !trimmed.starts_with('}') && !trimmed.starts_with(')');
        let prev_indent = prev.len() - prev.trim_start().len();
        let prev_trimmed = prev.trim_start();
        let prev_ends_item = prev_indent == indent && (prev_trimmed == "}" || (indent == 0 && prev_trimmed.ends_with(';')));
        if starts_item && prev_ends_item && indent <= 4 {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = line;
    }
    out
}

/// A type's tokens as Rust text (`Vec<chrono::DateTime<chrono::Utc>>`), for
/// code written as text rather than through `prettyplease`.
pub fn tokens_text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    let mut after_word = false;
    for tree in tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                if after_word {
                    out.push(' ');
                }
                out.push_str(&i.to_string());
                after_word = true;
            }
            proc_macro2::TokenTree::Punct(p) => {
                out.push(p.as_char());
                if p.as_char() == ',' {
                    out.push(' ');
                }
                after_word = false;
            }
            proc_macro2::TokenTree::Literal(l) => {
                out.push_str(&l.to_string());
                after_word = true;
            }
            proc_macro2::TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&tokens_text(&g.stream()));
                out.push_str(close);
                after_word = false;
            }
        }
    }
    out
}

/// The header of every generated Rust file.
pub const GENERATED_HEADER: &str = "// Generated by `cargo xtask generate` from the OpenAPI spec. Do not edit.";

/// The Rust type for a type reference (models are in scope).
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::Uri => quote!(String),
        TypeRef::Time => quote!(TimeOfDay),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::FixedOffset>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Binary => quote!(crate::runtime::file::FileBody),
        TypeRef::Integer { bits: 32 } => quote!(i32),
        TypeRef::Integer { .. } => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Named { name } => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::Array { items } => {
            let items = rust_type(items);
            quote!(Vec<#items>)
        }
        TypeRef::Map { values } => {
            let values = rust_type(values);
            quote!(std::collections::BTreeMap<String, #values>)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_doc;

    #[test]
    fn types_print_as_rust_writes_them() {
        use crate::ir::TypeRef;
        let ty = TypeRef::Map { values: Box::new(TypeRef::Array { items: Box::new(TypeRef::DateTime) }) };
        assert_eq!(
            super::tokens_text(&super::rust_type(&ty)),
            "std::collections::BTreeMap<String, Vec<chrono::DateTime<chrono::FixedOffset>>>"
        );
        assert_eq!(super::tokens_text(&quote::quote!(r#type)), "r#type");
    }

    #[test]
    fn docs_are_rustdoc_safe() {
        assert_eq!(sanitize_doc("see [List](GET /x) and <b>"), "see \\[List\\](GET /x) and &lt;b&gt;");
        assert_eq!(sanitize_doc("`[1, 2]` stays"), "`[1, 2]` stays");
        assert_eq!(sanitize_doc("at https://a.b/c."), "at <https://a.b/c>.");
    }
}
