//! `src/mock.rs` of a standalone SDK crate: the typed mock of every
//! operation (feature `mock`).
//!
//! The runtime's `mock` module holds the server and the answering logic;
//! this file adds only what differs per spec: one accessor per service on
//! `MockServer` (`mock.messages()`) and one method per operation naming its
//! method, path template, success status, envelope and response type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{format_file, ident, rust_type, GENERATED_HEADER};
use crate::ir::{Operation, ResponseBody, Service};
use crate::model::Model;
use crate::render::RenderError;

/// Path of the mock file inside the SDK crate.
pub const MOCK_FILE: &str = "src/mock.rs";

/// Methods of the runtime's `MockServer`: a service accessor by one of these
/// names gets a `_mock` suffix instead.
const SERVER_METHODS: &[&str] = &["start", "uri", "client", "client_builder", "received", "inner", "operation", "fmt"];

/// Renders `src/mock.rs`.
pub fn render(m: &Model<'_>) -> Result<String, RenderError> {
    let services: Vec<&Service> = m.api.services.iter().collect();
    let marker = format_ident!("{}", super::crate_files::marker_name(m));
    let accessors = services.iter().map(|s| {
        let name = accessor(s);
        let ty = format_ident!("{}Mock", s.type_name);
        let doc = format!(" Mocks of the `{}` operations (`client.{}()`).", s.tag, s.module.trim_start_matches("r#"));
        quote! {
            #[doc = #doc]
            pub fn #name(&self) -> #ty<'_> {
                #ty { server: self }
            }
        }
    });
    let structs = services.iter().map(|s| render_service(s));
    let page_import = m.api.operations().any(|o| o.pagination.is_some()).then(|| quote!(use crate::runtime::pagination::Page;));
    let tokens = quote! {
        //! Typed mocks of every operation, for testing code that uses this
        //! crate without the network (feature `mock`).
        //!
        //! Each service of [`Client`](crate::Client) has a mock of the same
        //! name on [`MockServer`], and each operation a method answering with
        //! its own response type, e.g.
        //! `mock.messages().create_message().respond(message).await`.
        //! See [`crate::runtime::mock`] for matching and expectations.

        pub use crate::runtime::mock::MockOperation;
        use crate::runtime::mock::{Envelope, OperationShape};

        /// A mock of the API on loopback; [`MockServer::client`] is a client of it.
        pub type MockServer = crate::runtime::mock::MockServer<crate::api::#marker>;
        #[allow(unused_imports)]
        use super::models::*;
        #page_import

        impl MockServer {
            #(#accessors)*
        }

        #(#structs)*
    };
    format_file(MOCK_FILE, GENERATED_HEADER, tokens)
}

/// The accessor of `s` on `MockServer`.
fn accessor(s: &Service) -> proc_macro2::Ident {
    let plain = s.module.trim_start_matches("r#");
    if SERVER_METHODS.contains(&plain) {
        format_ident!("{}_mock", plain)
    } else {
        ident(&s.module)
    }
}

fn render_service(s: &Service) -> TokenStream {
    let ty = format_ident!("{}Mock", s.type_name);
    let doc = format!(" Mocks of the operations tagged `{}`.", s.tag);
    let methods = s.operations.iter().map(|op| render_operation(s, op));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'s> {
            server: &'s MockServer,
        }

        impl<'s> #ty<'s> {
            #(#methods)*
        }
    }
}

fn render_operation(s: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let (answer, envelope) = answer(op);
    let id = &op.id;
    let method = op.http_method.as_str();
    let status = op.response.status;
    let service = format_ident!("{}", s.type_name);
    let target = format!("[`{}::{}`](crate::services::{}::{})", s.type_name, op.method_name.trim_start_matches("r#"), service, op.method_name.trim_start_matches("r#"));
    let how = match (&op.response.body, op.pagination.is_some()) {
        (ResponseBody::List { .. }, true) => "answer with `respond_page(items, next_cursor)`",
        (ResponseBody::Empty, _) => "answer with `respond(())`",
        (ResponseBody::Redirect { .. }, _) => "answer with `respond(location)`",
        _ => "answer with `respond(value)`",
    };
    if op.external_url.is_some() {
        let doc = format!(
            " `{method}` to the absolute URL the API hands out, answered by {target}: give this server's path of that URL (the one you put in the mocked answer that hands it out); {how}, status {status}."
        );
        return quote! {
            #[doc = #doc]
            pub fn #name(&self, path: impl Into<String>) -> MockOperation<'s, #answer> {
                self.server
                    .operation(OperationShape { id: #id, method: #method, path: "", status: #status, envelope: #envelope })
                    .path(path)
            }
        };
    }
    let template = &op.path;
    let doc = format!(" `{method} {template}`, answered by {target}: {how}, status {status}.");
    quote! {
        #[doc = #doc]
        pub fn #name(&self) -> MockOperation<'s, #answer> {
            self.server.operation(OperationShape { id: #id, method: #method, path: #template, status: #status, envelope: #envelope })
        }
    }
}

/// The type a mock answers with, and how it is wrapped, as the service
/// method decodes it.
fn answer(op: &Operation) -> (TokenStream, TokenStream) {
    match &op.response.body {
        ResponseBody::Empty => (quote!(()), quote!(Envelope::Empty)),
        ResponseBody::Data { ty, nullable } => {
            let ty = rust_type(ty);
            let ty = if *nullable { quote!(Option<#ty>) } else { ty };
            (ty, quote!(Envelope::Data))
        }
        ResponseBody::List { item, .. } => {
            let item = rust_type(item);
            if op.pagination.is_some() {
                (quote!(Page<#item>), quote!(Envelope::Page))
            } else {
                (quote!(Vec<#item>), quote!(Envelope::Page))
            }
        }
        ResponseBody::Json { ty, nullable } => {
            let ty = rust_type(ty);
            let ty = if *nullable { quote!(Option<#ty>) } else { ty };
            (ty, quote!(Envelope::None))
        }
        ResponseBody::Redirect { .. } => (quote!(String), quote!(Envelope::Redirect)),
    }
}
