//! `src/services.rs` and `src/params.rs` of the SDK crate: one service per
//! tag, one async method per operation, one params struct per operation with
//! optional query parameters.
//!
//! The rules (documented again in the crate docs):
//! - path parameters and required query parameters are positional arguments;
//! - optional query parameters go in `<Operation>Params` (`Default`, setters);
//! - a body that is a wrapper object (`{"message": {...}}`) is taken as the
//!   inner type and wrapped on the wire; any other body is taken as is;
//! - multipart bodies take the body type plus the file name of its file part;
//! - `x-external-url` operations take the absolute URL first and never send
//!   the token;
//! - `{"data": T}` returns `T`, lists return `Page<T>`, a redirect returns the
//!   `Location` URL, no body returns `()`;
//! - `x-paginated` operations also get `<name>_stream` and `<name>_all`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, format_file, ident, raw_doc_attrs, rust_type, FieldShape, TypeIndex, GENERATED_HEADER};
use crate::ir::{Api, MediaType, Operation, Param, ParamLocation, PathPart, ResponseBody, Service, TypeKind, TypeRef};
use crate::render::RenderError;

/// Path of the services file inside `generated/`.
pub const SERVICES_FILE: &str = "src/services.rs";
/// Path of the params file inside `generated/`.
pub const PARAMS_FILE: &str = "src/params.rs";

/// The name of an operation's params struct, if it has optional query parameters.
pub fn params_struct(op: &Operation) -> Option<String> {
    optional_query(op).next().map(|_| format!("{}Params", op.type_stem))
}

/// Operations with two or more integer path parameters (`DELETE
/// /chats/{id}/members/{user_id}`) take them as one struct with named
/// fields, `<Op>Path { id, user_id }`, so two ids cannot be swapped.
pub fn path_struct(op: &Operation) -> Option<String> {
    let ids = path_params(op).filter(|p| matches!(p.ty, TypeRef::Integer { .. })).count();
    (ids >= 2).then(|| format!("{}Path", op.type_stem))
}

fn path_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.location == ParamLocation::Path)
}

pub(crate) fn optional_query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.location == ParamLocation::Query && !p.required)
}

/// Positional parameters: path parameters in path order, then required query parameters.
pub fn positional(op: &Operation) -> Vec<&Param> {
    let mut out: Vec<&Param> = op
        .path_parts
        .iter()
        .filter_map(|part| match part {
            PathPart::Param(name) => op.params.iter().find(|p| p.location == ParamLocation::Path && &p.name == name),
            PathPart::Literal(_) => None,
        })
        .collect();
    out.extend(op.params.iter().filter(|p| p.location == ParamLocation::Query && p.required));
    out
}

/// The leading arguments of a call of `op`, from one value per
/// [`positional`] parameter (in that order): the values themselves, or the
/// path parameters gathered into the [`path_struct`] by name. The CLI and
/// the contract test call every method through this.
pub fn positional_args(op: &Operation, values: Vec<TokenStream>) -> Vec<TokenStream> {
    let Some(name) = path_struct(op) else { return values };
    let ty = format_ident!("{}", name);
    let mut fields = Vec::new();
    let mut rest = Vec::new();
    for (p, value) in positional(op).into_iter().zip(values) {
        if p.location == ParamLocation::Path {
            let field = ident(&p.rust_name);
            fields.push(quote!(#field: #value));
        } else {
            rest.push(value);
        }
    }
    let mut args = vec![quote!(#ty { #(#fields),* })];
    args.extend(rest);
    args
}

/// The argument type of a positional parameter; `owned` for stream methods.
pub(crate) fn arg_type(ty: &TypeRef, owned: bool) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::Uri if !owned => quote!(&str),
        other => rust_type(other),
    }
}

/// Expression turning a parameter value into query or path text. `value`
/// is a place of type `T` (`by_ref == false`) or an expression of type `&T`.
fn to_text(index: &TypeIndex, ty: &TypeRef, value: TokenStream, by_ref: bool) -> TokenStream {
    let borrowed = if by_ref { value.clone() } else { quote!(&#value) };
    match index.resolve(ty) {
        TypeRef::DateTime => quote!(crate::runtime::date_time::to_text(#borrowed)),
        TypeRef::Array { .. } => quote!(crate::runtime::response::join(#borrowed)),
        _ => quote!(#value.to_string()),
    }
}

fn method_docs(op: &Operation) -> TokenStream {
    // Spec prose is sanitised for rustdoc; the generator's own lines are not.
    let mut spec_text = String::new();
    if let Some(s) = &op.summary {
        spec_text.push_str(s);
        spec_text.push_str("\n\n");
    }
    if let Some(d) = &op.description {
        spec_text.push_str(d);
    }
    let mut text = format!("`{} {}`", op.http_method.as_str(), op.path);
    if let Some(scope) = &op.auth.scope {
        text.push_str(&format!(" · scope `{scope}`"));
    }
    if let Some(plan) = &op.auth.plan {
        text.push_str(&format!(" · plan `{plan}`"));
    }
    if !op.auth.required {
        text.push_str(" · no authentication (the token is not sent)");
    }
    text.push_str(&format!(" · operation `{}`.", op.id));
    if let Some(p) = &op.pagination {
        text.push_str(&format!(
            "\n\nReturns one page{}; [`{1}_stream`](Self::{1}_stream) and [`{1}_all`](Self::{1}_all) follow the cursor for you.",
            p.limit_max.map(|m| format!(" of at most {m} items")).unwrap_or_default(),
            op.method_name.trim_start_matches("r#"),
        ));
    }
    if let Some(body) = &op.body {
        if let Some(w) = &body.wrapper {
            text.push_str(&format!("\n\nThe body is sent wrapped as `{{\"{}\": ...}}`.", w.field));
        }
        if body.media == MediaType::Multipart {
            text.push_str("\n\nSent as `multipart/form-data`: text fields first, the file last.");
        }
    }
    if op.external_url.is_some() {
        text.push_str("\n\n`url` is the absolute upload URL returned by the API (e.g. `direct_url` of the upload parameters).");
    }
    let errors: Vec<String> = op
        .errors
        .iter()
        .map(|e| {
            let kinds: Vec<String> = e.types.iter().filter_map(TypeRef::as_named).map(|k| format!("[`{k}`]")).collect();
            let what = if kinds.is_empty() { String::new() } else { format!(" ({})", kinds.join(" or ")) };
            let description = e.description.as_deref().map(|d| format!(": {}", super::sanitize_doc(d))).unwrap_or_default();
            format!("- `{}`{what}{description}", e.status)
        })
        .collect();
    if !errors.is_empty() {
        text.push_str("\n\n# Errors\n\nAn [`Error`] for any failure; the API documents:\n\n");
        text.push_str(&errors.join("\n"));
    }
    let spec_docs = doc_attrs(&spec_text);
    let separator = (!spec_text.is_empty()).then(|| quote!(#[doc = ""]));
    let own_docs = raw_doc_attrs(&text);
    quote!(#spec_docs #separator #own_docs)
}

/// The success type and the decoding expression of an operation. A list
/// that is not paginated (no cursor) is a `Vec`, not a `Page`.
pub(crate) fn response(op: &Operation) -> Result<(TokenStream, TokenStream), RenderError> {
    Ok(match &op.response.body {
        ResponseBody::Empty => (quote!(()), quote!({
            let _ = resp;
            Ok(())
        })),
        ResponseBody::Data { ty, nullable: false } => {
            let ty = rust_type(ty);
            (ty, quote!(crate::runtime::response::decode_data(&resp)))
        }
        ResponseBody::Data { ty, nullable: true } => {
            let ty = rust_type(ty);
            (quote!(Option<#ty>), quote!(crate::runtime::response::decode_data_or_null(&resp)))
        }
        ResponseBody::List { item, .. } if op.pagination.is_some() => {
            let item = rust_type(item);
            (quote!(Page<#item>), quote!(crate::runtime::response::decode_page(&resp)))
        }
        ResponseBody::List { item, .. } => {
            let item = rust_type(item);
            (quote!(Vec<#item>), quote!(crate::runtime::response::decode_page(&resp).map(|page| page.items)))
        }
        ResponseBody::Json { ty, nullable } => {
            let ty = rust_type(ty);
            let ty = if *nullable { quote!(Option<#ty>) } else { ty };
            (ty, quote!(crate::runtime::client::decode_json(&resp)))
        }
        ResponseBody::Redirect { .. } => (quote!(String), quote!(crate::runtime::response::redirect_location(&resp))),
    })
}

fn render_method(index: &TypeIndex, service: &proc_macro2::Ident, op: &Operation) -> Result<TokenStream, RenderError> {
    let name = ident(&op.method_name);
    let docs = method_docs(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let method = format_ident!("{}", op.http_method.as_str());
    let mut args = Vec::new();
    if op.external_url.is_some() {
        args.push(quote!(url: &str));
    }
    // Path parameters are arguments, or fields of one `<Op>Path` argument.
    let path_ty = path_struct(op).map(|name| format_ident!("{}", name));
    // Path: a literal, or `format!` with each parameter percent-encoded.
    let mut template = String::new();
    let mut path_args = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(l) => template.push_str(l),
            PathPart::Param(p) => {
                let param = op.params.iter().find(|q| q.location == ParamLocation::Path && &q.name == p).ok_or_else(|| RenderError {
                    artifact: SERVICES_FILE.to_owned(),
                    message: format!("{}: path parameter {p} missing from the IR", op.id),
                })?;
                let field = ident(&param.rust_name);
                let arg = if path_ty.is_some() { quote!(path.#field) } else { quote!(#field) };
                let segment = match index.resolve(&param.ty) {
                    TypeRef::String | TypeRef::Uri => quote!(#arg),
                    _ => {
                        let text = to_text(index, &param.ty, quote!(#arg), false);
                        quote!(&#text)
                    }
                };
                if !template.is_empty() {
                    let literal = std::mem::take(&mut template);
                    path_args.push(quote!(#literal));
                }
                path_args.push(quote!(&percent_encode_path_segment(#segment)));
            }
        }
    }
    let mut query = Vec::new();
    if let Some(path_ty) = &path_ty {
        args.push(quote!(path: #path_ty));
    }
    for p in positional(op) {
        if path_ty.is_some() && p.location == ParamLocation::Path {
            continue;
        }
        let arg = ident(&p.rust_name);
        let ty = arg_type(&p.ty, false);
        args.push(quote!(#arg: #ty));
        if p.location == ParamLocation::Query {
            let wire = &p.name;
            query.push(query_push(index, p, wire, quote!(#arg), false));
        }
    }
    if let Some(params_name) = params_struct(op) {
        let params_ty = format_ident!("{}", params_name);
        args.push(quote!(params: #params_ty));
        for p in optional_query(op) {
            let field = ident(&p.rust_name);
            let push = query_push(index, p, &p.name, quote!(value), true);
            query.push(quote! { if let Some(value) = &params.#field { #push } });
        }
    }
    let mut body_stmt = quote!();
    if let Some(body) = &op.body {
        match (body.media, &body.wrapper) {
            (MediaType::Json, Some(w)) => {
                let inner = rust_type(&w.inner);
                let key = &w.field;
                args.push(quote!(body: &#inner));
                body_stmt = quote!(req.body = Body::json(&crate::runtime::response::Wrapped { key: #key, value: body })?;);
            }
            (MediaType::Json, None) => {
                let ty = rust_type(&body.ty);
                args.push(quote!(body: &#ty));
                body_stmt = quote!(req.body = Body::json(body)?;);
            }
            (MediaType::Multipart, _) => {
                let ty = rust_type(&body.ty);
                args.push(quote!(body: &#ty));
                args.push(quote!(file_name: &str));
                let parts = multipart_parts(index, &body.ty)?;
                body_stmt = quote! {
                    #parts
                    req.body = Body::Multipart(parts);
                };
            }
        }
    }
    let (ret, decode) = response(op)?;
    let auth = if op.auth.required { quote!() } else { quote!(req.auth = false;) };
    let send = if op.external_url.is_some() {
        quote!(self.client.execute_absolute_with(url, req, &self.options).await?)
    } else {
        quote!(self.client.execute_with(req, &self.options).await?)
    };
    let path = if op.external_url.is_some() {
        quote!(String::new())
    } else if path_args.is_empty() {
        quote!(#template)
    } else {
        if !template.is_empty() {
            path_args.push(quote!(#template));
        }
        quote!([#(#path_args),*].concat())
    };
    let setup = [&auth, &body_stmt].iter().any(|t| !t.is_empty()) || !query.is_empty();
    let binding = if setup { quote!(let mut req) } else { quote!(let req) };
    let operation_id = &op.id;
    let mut method_tokens = quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<#ret, Error> {
            #binding = Request::for_operation(#operation_id, Method::#method, #path);
            #auth
            #(#query)*
            #body_stmt
            let resp = #send;
            #decode
        }
    };
    if let Some(p) = &op.pagination {
        method_tokens.extend(render_stream_methods(service, op, p.item.clone())?);
    }
    Ok(method_tokens)
}

fn query_push(index: &TypeIndex, p: &Param, wire: &str, value: TokenStream, by_ref: bool) -> TokenStream {
    match (index.resolve(&p.ty), p.explode) {
        (TypeRef::Array { items }, _) if p.brackets => {
            let text = to_text(index, items, quote!(item), true);
            let wire = format!("{wire}[]");
            quote!(for item in #value.iter() { req.query.push((#wire, #text)); })
        }
        (TypeRef::Array { items }, true) => {
            let text = to_text(index, items, quote!(item), true);
            quote!(for item in #value.iter() { req.query.push((#wire, #text)); })
        }
        _ => {
            let text = to_text(index, &p.ty, value, by_ref);
            quote!(req.query.push((#wire, #text));)
        }
    }
}

/// Text fields first (in schema order), file fields last.
fn multipart_parts(index: &TypeIndex, ty: &TypeRef) -> Result<TokenStream, RenderError> {
    let def = ty.as_named().and_then(|n| index.types.get(n)).ok_or_else(|| RenderError {
        artifact: SERVICES_FILE.to_owned(),
        message: format!("multipart body {ty:?} is not a named struct"),
    })?;
    let TypeKind::Struct { fields } = &def.kind else {
        return Err(RenderError { artifact: SERVICES_FILE.to_owned(), message: format!("multipart body {} is not a struct", def.name) });
    };
    let mut required = Vec::new();
    let mut optional_text = Vec::new();
    let mut files = Vec::new();
    for f in fields {
        let field = ident(&f.rust_name);
        let wire = &f.name;
        let shape = index.field_shape(def, f);
        if f.ty == TypeRef::Binary {
            files.push(quote!(Part::file(#wire, file_name.to_owned(), None, body.#field.clone())));
        } else if shape.optional() {
            let value = to_text(index, &f.ty, quote!(value), true);
            // A form has no `null`: a `Nullable` field that is null is left out, like an absent one.
            let get = if shape == FieldShape::Nullable { quote!(as_option) } else { quote!(as_ref) };
            optional_text.push(quote!(if let Some(value) = body.#field.#get() { parts.push(Part::text(#wire, #value)); }));
        } else {
            let value = to_text(index, &f.ty, quote!(body.#field), false);
            required.push(quote!(Part::text(#wire, #value)));
        }
    }
    Ok(if optional_text.is_empty() {
        quote!(let parts = vec![#(#required,)* #(#files,)*];)
    } else {
        quote! {
            let mut parts = vec![#(#required,)*];
            #(#optional_text)*
            #(parts.push(#files);)*
        }
    })
}

fn render_stream_methods(service: &proc_macro2::Ident, op: &Operation, item: TypeRef) -> Result<TokenStream, RenderError> {
    let name = ident(&op.method_name);
    let stream = format_ident!("{}_stream", op.method_name);
    let all = format_ident!("{}_all", op.method_name);
    let item = rust_type(&item);
    let params_name = params_struct(op).ok_or_else(|| RenderError {
        artifact: SERVICES_FILE.to_owned(),
        message: format!("{}: a paginated operation needs a cursor parameter", op.id),
    })?;
    let params_ty = format_ident!("{}", params_name);
    let mut args = Vec::new();
    let mut call_args = Vec::new();
    let mut all_args = Vec::new();
    let mut clones = Vec::new();
    for p in positional(op) {
        let arg = ident(&p.rust_name);
        let owned = arg_type(&p.ty, true);
        args.push(quote!(#arg: #owned));
        all_args.push(quote!(#arg));
        let copy = matches!(
            p.ty,
            TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean | TypeRef::DateTime | TypeRef::Date | TypeRef::Time
        );
        if !copy {
            // Each page's future owns its own copy.
            clones.push(quote!(let #arg = #arg.clone();));
        }
        call_args.push(match p.ty {
            TypeRef::String | TypeRef::Uri => quote!(&#arg),
            _ => quote!(#arg),
        });
    }
    let plain = op.method_name.trim_start_matches("r#");
    let doc_stream = raw_doc_attrs(&format!(
        "Every item of [`{plain}`](Self::{plain}), page after page, fetched lazily as the stream is polled. The stream is `'static` (it holds a clone of the client), so it can be spawned.\n\nStarts at `params.cursor` (or the first page) and stops after the last page; a cursor that repeats ends the stream with [`Error::RepeatedCursor`]. Memory holds one page at a time."
    ));
    let example = stream_example(op, &stream.to_string());
    let doc_all = raw_doc_attrs(&format!(
        "Every item of [`{plain}`](Self::{plain}) collected into a `Vec` (see [`{stream}`](Self::{stream}))."
    ));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    Ok(quote! {
        #doc_stream
        #example
        #deprecated
        pub fn #stream(&self, #(#args,)* params: #params_ty) -> impl Stream<Item = Result<#item, Error>> + Send + 'static {
            // The stream owns a clone of the client (cheap: it is shared), so
            // it can be spawned or kept beyond this service handle.
            let client = self.client.clone();
            let options = self.options.clone();
            let first = params.cursor.clone();
            paginate(first, move |cursor| {
                let mut params = params.clone();
                params.cursor = cursor;
                let (client, options) = (client.clone(), options.clone());
                #(#clones)*
                async move { #service { client: &client, options }.#name(#(#call_args,)* params).await }
            })
        }

        #doc_all
        #deprecated
        pub async fn #all(&self, #(#args,)* params: #params_ty) -> Result<Vec<#item>, Error> {
            self.#stream(#(#all_args,)* params).try_collect().await
        }
    })
}

/// A compiled (not run) usage example for a stream method whose positional
/// parameters are all integers, which is every paginated operation of the API.
fn stream_example(op: &Operation, stream: &str) -> TokenStream {
    let mut args = Vec::new();
    for p in positional(op) {
        match (&p.ty, &p.example) {
            (TypeRef::Integer { .. }, Some(e)) if e.is_i64() => args.push(e.to_string()),
            (TypeRef::Integer { .. }, _) => args.push("1".to_owned()),
            _ => return TokenStream::new(),
        }
    }
    args.push("Default::default()".to_owned());
    let service = match op.tag.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join("_") {
        s if s.is_empty() => return TokenStream::new(),
        s => s,
    };
    // Only paginated operations get this example, and pagination is a Pachca
    // profile convention, whose library is always called `pachca`.
    raw_doc_attrs(&format!(
        "\n```no_run\n# async fn run(client: pachca::Client) -> Result<(), pachca::Error> {{\nuse futures::TryStreamExt;\n\nlet items = client.{service}().{stream}({});\nlet mut items = std::pin::pin!(items);\nwhile let Some(item) = items.try_next().await? {{\n    println!(\"{{item:?}}\");\n}}\n# Ok(())\n# }}\n```",
        args.join(", ")
    ))
}

fn render_service(index: &TypeIndex, service: &Service) -> Result<TokenStream, RenderError> {
    let ty = format_ident!("{}", service.type_name);
    let methods = service.operations.iter().map(|op| render_method(index, &ty, op)).collect::<Result<Vec<_>, _>>()?;
    let doc = format!(" Operations tagged `{}` (`client.{}()`).", service.tag, service.module.trim_start_matches("r#"));
    let extra = service.description.as_deref().map(doc_attrs).unwrap_or_default();
    Ok(quote! {
        #[doc = #doc]
        #extra
        #[derive(Debug, Clone)]
        pub struct #ty<'a> {
            client: &'a Client,
            options: RequestOptions,
        }

        impl<'a> #ty<'a> {
            /// These operations with per-request options (timeout, retry policy,
            /// headers, a [`ResponseCapture`](crate::runtime::options::ResponseCapture)).
            pub fn with_options(mut self, options: RequestOptions) -> Self {
                self.options = options;
                self
            }

            #(#methods)*
        }
    })
}

/// Renders `src/services.rs`.
pub fn render_services(m: &crate::model::Model<'_>) -> Result<String, RenderError> {
    let (api, index) = (m.api, &m.types);
    let services = api.services.iter().map(|s| render_service(index, s)).collect::<Result<Vec<_>, _>>()?;
    let accessors = api.services.iter().map(|s| {
        let module = ident(&s.module);
        let ty = format_ident!("{}", s.type_name);
        let doc = format!(" `{}` operations ({} methods).", s.tag, s.operations.len());
        quote! {
            #[doc = #doc]
            pub fn #module(&self) -> #ty<'_> {
                #ty { client: self, options: RequestOptions::default() }
            }
        }
    });
    // Import only what the operations use, so a small spec's crate has no
    // unused imports.
    let ops = || api.operations();
    let stream_imports = ops().any(|o| o.pagination.is_some()).then(|| quote! {
        use futures::{Stream, TryStreamExt};
        use crate::runtime::pagination::paginate;
    });
    let mut client_items = Vec::new();
    if ops().any(|o| o.path_parts.iter().any(|p| matches!(p, PathPart::Param(_)))) {
        client_items.push(quote!(percent_encode_path_segment));
    }
    if ops().any(|o| o.body.is_some()) {
        client_items.push(quote!(Body));
    }
    if ops().any(|o| o.body.as_ref().is_some_and(|b| b.media == MediaType::Multipart)) {
        client_items.push(quote!(Part));
    }
    client_items.push(quote!(Request));
    let page_import = ops()
        .any(|o| o.pagination.is_some())
        .then(|| quote!(use crate::runtime::pagination::Page;));
    let tokens = quote! {
        //! The API's operations, grouped into one service per tag.
        //!
        //! Reach a service from a [`Client`]: `client.chats().list_chats(params)`.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]

        #stream_imports
        use reqwest::Method;

        use crate::runtime::client::{ #(#client_items),* };
        use crate::runtime::error::Error;
        use crate::runtime::options::RequestOptions;
        use super::api::Client;
        #[allow(unused_imports)]
        use super::models::*;
        #[allow(unused_imports)]
        use super::params::*;
        #page_import

        impl Client {
            #(#accessors)*
        }

        #(#services)*
    };
    format_file(SERVICES_FILE, GENERATED_HEADER, tokens)
}

/// Renders `src/params.rs`.
pub fn render_params(m: &crate::model::Model<'_>) -> Result<String, RenderError> {
    let api = m.api;
    let mut items = Vec::new();
    for op in api.operations() {
        if let Some(name) = path_struct(op) {
            items.push(path_struct_item(api, op, &name));
        }
        let Some(name) = params_struct(op) else { continue };
        let ty = format_ident!("{}", name);
        let mut fields = Vec::new();
        let mut setters = Vec::new();
        for p in optional_query(op) {
            let field = ident(&p.rust_name);
            let field_ty = rust_type(&p.ty);
            let mut text = p.description.clone().unwrap_or_else(|| format!("`{}`.", p.name));
            let mut notes = Vec::new();
            if let Some(d) = &p.default {
                notes.push(format!("server default `{d}`"));
            }
            if let (Some(min), Some(max)) = (p.constraints.minimum, p.constraints.maximum) {
                notes.push(format!("from {min} to {max}"));
            } else if let Some(max) = p.constraints.maximum {
                notes.push(format!("at most {max}"));
            }
            if let TypeRef::Array { .. } = m.types.resolve(&p.ty) {
                notes.push(if p.brackets {
                    format!("sent as `{}[]=v` per item", p.name)
                } else if p.explode {
                    "sent as repeated parameters".to_owned()
                } else {
                    "sent comma-separated".to_owned()
                });
            }
            notes.push(format!("query parameter `{}`", p.name));
            text.push_str(&format!("\n\n{}.", capitalise(&notes.join("; "))));
            let docs = doc_attrs(&text);
            let plain = p.rust_name.trim_start_matches("r#");
            let wire = &p.name;
            let rename = (plain != p.name).then(|| quote!(#[serde(rename = #wire)]));
            fields.push(quote! { #docs #rename pub #field: Option<#field_ty>, });
            let plain = p.rust_name.trim_start_matches("r#");
            let setter_doc = format!(" Sets [`{plain}`](Self::{plain}).");
            setters.push(quote! {
                #[doc = #setter_doc]
                pub fn #field(mut self, value: impl Into<#field_ty>) -> Self {
                    self.#field = Some(value.into());
                    self
                }
            });
        }
        let doc = raw_doc_attrs(&format!(
            "Optional query parameters of [`{0}::{1}`](super::services::{0}::{1}).\n\nStart from `Default::default()` and chain the setters. Serde names are the wire names, so a map of query parameters deserialises into it.",
            type_of_service(api, op),
            op.method_name.trim_start_matches("r#")
        ));
        items.push(quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(default)]
            #[non_exhaustive]
            pub struct #ty { #(#fields)* }

            impl #ty { #(#setters)* }
        });
    }
    let tokens = quote! {
        //! Optional query parameters, one struct per operation that has any, and
        //! the path parameters of operations that take two ids or more.
        #![allow(clippy::doc_lazy_continuation)]

        #[allow(unused_imports)]
        use super::models::*;

        #(#items)*
    };
    format_file(PARAMS_FILE, GENERATED_HEADER, tokens)
}

/// The struct of [`path_struct`]: every path parameter, public, in path order.
fn path_struct_item(api: &Api, op: &Operation, name: &str) -> TokenStream {
    let ty = format_ident!("{}", name);
    let fields = positional(op).into_iter().filter(|p| p.location == ParamLocation::Path).map(|p| {
        let field = ident(&p.rust_name);
        let field_ty = rust_type(&p.ty);
        let docs = doc_attrs(&format!("{}\n\nPath parameter `{}`.", p.description.as_deref().unwrap_or_default(), p.name));
        quote! { #docs pub #field: #field_ty, }
    });
    let doc = raw_doc_attrs(&format!(
        "The path parameters of [`{0}::{1}`](super::services::{0}::{1}), by name, so that ids of different things cannot be swapped: `{2} {{ ... }}`.",
        type_of_service(api, op),
        op.method_name.trim_start_matches("r#"),
        name
    ));
    let copy = path_params(op).all(|p| matches!(p.ty, TypeRef::Integer { .. })).then(|| quote!(Copy,));
    quote! {
        #doc
        #[derive(Debug, Clone, #copy PartialEq, Eq, Hash)]
        pub struct #ty { #(#fields)* }
    }
}

fn type_of_service<'a>(api: &'a Api, op: &Operation) -> &'a str {
    api.services
        .iter()
        .find(|s| s.operations.iter().any(|o| o.id == op.id))
        .map(|s| s.type_name.as_str())
        .unwrap_or("Client")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
