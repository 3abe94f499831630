//! `tests/examples.rs` of the SDK crate: every example in the spec, decoded
//! into its generated type and round-tripped.

use proc_macro2::TokenStream;
use quote::quote;

use super::literal::{self, Lit};
use super::{format_file, rust_type, tokens_text, TypeIndex, GENERATED_HEADER};
use crate::ir::{Api, Json, ParamLocation, ResponseBody, TypeKind, TypeRef};
use crate::render::RenderError;

/// Path of the examples test inside `generated/`.
pub const EXAMPLES_FILE: &str = "tests/examples.rs";

struct Example {
    label: String,
    value: Json,
    ty: TokenStream,
}

fn collect(api: &Api, index: &TypeIndex<'_>) -> Vec<Example> {
    let mut out = Vec::new();
    for def in &api.types {
        let named = TypeRef::named(def.name.clone());
        if let Some(value) = &def.example {
            out.push(Example { label: def.name.clone(), value: value.clone(), ty: rust_type(&named) });
        }
        let TypeKind::Struct { fields } = &def.kind else { continue };
        for f in fields {
            let Some(value) = &f.example else { continue };
            if f.ty == TypeRef::Binary {
                continue;
            }
            let ty = rust_type(&f.ty);
            let ty = if f.nullable || index.field_shape(def, f).optional() && value.is_null() {
                quote!(Option<#ty>)
            } else {
                ty
            };
            out.push(Example { label: format!("{}.{}", def.name, f.name), value: value.clone(), ty });
        }
    }
    for op in api.operations() {
        for p in &op.params {
            if p.location == ParamLocation::Header {
                continue;
            }
            for (what, value) in [("parameter", &p.example), ("parameter schema", &p.schema_example)] {
                let Some(value) = value else { continue };
                let label = format!("{} {what} `{}`", op.id, p.name);
                out.push(Example { label, value: value.clone(), ty: rust_type(&p.ty) });
            }
        }
        if let Some(body) = &op.body {
            if let Some(value) = &body.example {
                out.push(Example { label: format!("{} request body", op.id), value: value.clone(), ty: rust_type(&body.ty) });
            }
        }
        if let Some(example) = &op.response.example {
            let label = format!("{} response", op.id);
            // Examples show the whole body; check the parts the SDK decodes.
            match &op.response.body {
                ResponseBody::Data { ty, nullable } => {
                    let inner = rust_type(ty);
                    let ty = if *nullable { quote!(Option<#inner>) } else { inner };
                    out.push(Example { label: format!("{label} `data`"), value: example.get("data").cloned().unwrap_or(Json::Null), ty });
                }
                ResponseBody::List { item, meta } => {
                    let item = rust_type(item);
                    out.push(Example { label: format!("{label} `data`"), value: example.get("data").cloned().unwrap_or(Json::Null), ty: quote!(Vec<#item>) });
                    if let Some(meta) = meta {
                        out.push(Example { label: format!("{label} `meta`"), value: example.get("meta").cloned().unwrap_or(Json::Null), ty: rust_type(meta) });
                    }
                }
                ResponseBody::Json { ty, .. } => out.push(Example { label, value: example.clone(), ty: rust_type(ty) }),
                ResponseBody::Empty | ResponseBody::Redirect { .. } => {}
            }
        }
    }
    out
}

/// Renders the examples test.
pub fn render(m: &crate::model::Model<'_>) -> Result<String, RenderError> {
    let api = m.api;
    let examples = collect(api, &m.types);
    let count = examples.len();
    let rows: Vec<Lit> = examples
        .iter()
        .map(|e| {
            let check = format!("support::round_trip::<{}>", tokens_text(&e.ty));
            Lit::Call(String::new(), vec![Lit::str(&e.label), Lit::Str(e.value.to_string()), Lit::Raw(check)])
        })
        .collect();
    let tokens = quote! {
        //! Every `example` in the spec (schemas, fields, parameters) decodes
        //! into its generated type and survives a round trip.
        #![allow(deprecated)]

        mod support;

        #[allow(unused_imports)]
        use pachca::models::*;

        type Check = fn(&str) -> Result<(), String>;

        #[test]
        fn every_spec_example_decodes_and_round_trips() {
            let failures: Vec<String> = EXAMPLES
                .iter()
                .filter_map(|(label, json, check)| check(json).err().map(|e| format!("{label}: {e}")))
                .collect();
            println!("{} examples checked, {} failed", EXAMPLES.len(), failures.len());
            assert_eq!(EXAMPLES.len(), #count);
            assert!(failures.is_empty(), "examples that do not round-trip:\n{}", failures.join("\n"));
        }
    };
    // The table is data, written as text in its final layout.
    let table = literal::table("/// Each example: where it is, its JSON, and the type it decodes into.\nconst EXAMPLES: &[(&str, &str, Check)] = &", &rows);
    Ok(format!("{}\n{table}", format_file(EXAMPLES_FILE, GENERATED_HEADER, tokens)?))
}
