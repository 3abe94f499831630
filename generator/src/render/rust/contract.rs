//! `tests/contract.rs` of the SDK crate: every operation called once through
//! the generated client against Prism, a mock server driven by the spec.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::{params_struct, positional, positional_args};
use super::{format_file, ident, rust_type, TypeIndex, GENERATED_HEADER};
use crate::ir::{MediaType, Operation, Param, TypeKind, TypeRef};
use crate::render::RenderError;
use crate::sample::Sampler;

/// Path of the contract test inside `generated/`.
pub const CONTRACT_FILE: &str = "tests/contract.rs";

fn param_value(index: &TypeIndex, sampler: &Sampler, p: &Param) -> TokenStream {
    let value = p.example.clone().unwrap_or_else(|| sampler.value(&p.ty));
    match index.resolve(&p.ty) {
        TypeRef::String | TypeRef::Uri => {
            let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            quote!(#text)
        }
        ty => {
            let ty = rust_type(ty);
            let json = value.to_string();
            quote!(sample::<#ty>(#json))
        }
    }
}

fn call(index: &TypeIndex, sampler: &Sampler, service: &str, op: &Operation) -> Result<TokenStream, RenderError> {
    let service = ident(service);
    let method = ident(&op.method_name);
    let mut args = Vec::new();
    let mut setup = Vec::new();
    if op.external_url.is_some() {
        let path = op.path.as_str();
        args.push(quote!(&format!("{}{}", upload_base, #path)));
    }
    let values = positional(op).into_iter().map(|p| param_value(index, sampler, p)).collect();
    args.extend(positional_args(op, values));
    if params_struct(op).is_some() {
        args.push(quote!(Default::default()));
    }
    if let Some(body) = &op.body {
        let (ty, value) = match &body.wrapper {
            Some(w) => (&w.inner, body.example.as_ref().and_then(|e| e.get(&w.field)).cloned().unwrap_or_else(|| sampler.value(&w.inner))),
            None => (&body.ty, body.example.clone().unwrap_or_else(|| sampler.value(&body.ty))),
        };
        let rust_ty = rust_type(ty);
        let json = value.to_string();
        if body.media == MediaType::Multipart {
            setup.push(quote!(let mut body: #rust_ty = sample(#json);));
            let def = ty.as_named().and_then(|n| index.types.get(n));
            if let Some(TypeKind::Struct { fields }) = def.map(|d| &d.kind) {
                for f in fields.iter().filter(|f| f.ty == TypeRef::Binary) {
                    let field = ident(&f.rust_name);
                    setup.push(quote!(body.#field = pachca::FileBody::from(&b"contract test file"[..]);));
                }
            }
            args.push(quote!(&body));
            args.push(quote!("contract.txt"));
        } else {
            setup.push(quote!(let body: #rust_ty = sample(#json);));
            args.push(quote!(&body));
        }
    }
    let id = &op.id;
    let setup = quote!(#(#setup)*);
    Ok(quote! {
        {
            #setup
            let outcome = client.#service().#method(#(#args),*).await;
            results.push((#id, outcome.map(|_| ()).map_err(|e| e.to_string())));
        }
    })
}

/// Renders the contract test.
pub fn render(m: &crate::model::Model<'_>) -> Result<String, RenderError> {
    let (api, index) = (m.api, &m.types);
    let sampler = Sampler::new(api);
    let mut calls = Vec::new();
    for service in &api.services {
        for op in &service.operations {
            calls.push(call(index, &sampler, &service.module, op)?);
        }
    }
    let total = calls.len();
    let tokens = quote! {
        //! Every operation of the API, called once through the generated client
        //! against Prism (a mock server that validates requests against the
        //! spec and answers with the spec's examples). Prism must be installed
        //! (`npm ci --prefix tools/prism`); without it this test fails.
        #![allow(deprecated)]

        mod support;

        use pachca::models::*;
        #[allow(unused_imports)]
        use pachca::params::*;
        use support::prism::Prism;

        fn sample<T: serde::de::DeserializeOwned>(json: &str) -> T {
            match serde_json::from_str(json) {
                Ok(value) => value,
                Err(e) => panic!("sample {json} does not decode: {e}"),
            }
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn every_operation_succeeds_against_prism() {
            let prism = Prism::start().await;
            // Prism applies the global bearer scheme to the direct upload even though the spec
            // marks it `auth: false`; the SDK sends no token there, so uploads go through a
            // loopback forwarder that adds one for Prism's sake.
            let upload_base = prism.authorizing_forwarder("contract-test-token").await;
            let client = pachca::Client::builder()
                .token("contract-test-token")
                .base_url(prism.base_url())
                .retry_policy(pachca::RetryPolicy::none())
                .build()
                .expect("client");
            let mut results: Vec<(&str, Result<(), String>)> = Vec::new();
            #(#calls)*
            let failures: Vec<String> = results
                .iter()
                .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{id}: {e}")))
                .collect();
            println!("{}/{} operations passed", results.len() - failures.len(), results.len());
            assert_eq!(results.len(), #total);
            assert!(failures.is_empty(), "operations that failed against Prism:\n{}\n\nPrism log:\n{}", failures.join("\n"), prism.log());
        }
    };
    format_file(CONTRACT_FILE, GENERATED_HEADER, tokens)
}
