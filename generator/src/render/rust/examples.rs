//! `tests/examples.rs` of the SDK crate: every example in the spec, decoded
//! into its generated type and round-tripped.

use proc_macro2::TokenStream;
use quote::quote;

use super::{format_file, rust_type, TypeIndex, GENERATED_HEADER};
use crate::ir::{Api, Json, ParamLocation, TypeKind, TypeRef};
use crate::render::RenderError;

/// Path of the examples test inside `generated/`.
pub const EXAMPLES_FILE: &str = "pachca/tests/examples.rs";

struct Example {
    label: String,
    value: Json,
    ty: TokenStream,
}

fn collect(api: &Api) -> Vec<Example> {
    let index = TypeIndex::new(api);
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
    for op in api.services.iter().flat_map(|s| &s.operations) {
        for p in &op.params {
            let Some(value) = &p.example else { continue };
            // Path parameters are plain text in the URL; the rest are typed.
            if p.location == ParamLocation::Header {
                continue;
            }
            out.push(Example { label: format!("{} {} ({})", op.id, p.name, op.path), value: value.clone(), ty: rust_type(&p.ty) });
        }
    }
    out
}

/// Renders the examples test.
pub fn render(api: &Api) -> Result<String, RenderError> {
    let examples = collect(api);
    let count = examples.len();
    let rows = examples.iter().map(|e| {
        let label = &e.label;
        let json = e.value.to_string();
        let ty = &e.ty;
        quote! { (#label, #json, support::round_trip::<#ty>), }
    });
    let tokens = quote! {
        //! Every `example` in the spec (schemas, fields, parameters) decodes
        //! into its generated type and survives a round trip.
        #![allow(deprecated)]

        mod support;

        #[allow(unused_imports)]
        use pachca::models::*;

        type Check = fn(&str) -> Result<(), String>;

        const EXAMPLES: &[(&str, &str, Check)] = &[ #(#rows)* ];

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
    format_file(EXAMPLES_FILE, GENERATED_HEADER, tokens)
}
