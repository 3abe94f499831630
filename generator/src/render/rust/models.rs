//! `src/models.rs` of the SDK crate: one Rust type per named IR type.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attrs, format_file, ident, rust_type, FieldShape, TypeIndex, GENERATED_HEADER};
use crate::ir::{EnumRepr, EnumValue, Field, TypeDef, TypeKind, TypeRef, Union, UnionDecoding};
use crate::render::RenderError;

/// Path of the models file inside `generated/`.
pub const MODELS_FILE: &str = "src/models.rs";

/// Renders every named type of the API.
pub fn render(m: &crate::model::Model<'_>) -> Result<String, RenderError> {
    let (api, index) = (m.api, &m.types);
    let items = api.types.iter().map(|def| render_type(index, def));
    let uses_nullable = api.types.iter().any(|def| match &def.kind {
        TypeKind::Struct { fields } => fields.iter().any(|f| index.field_shape(def, f) == FieldShape::Nullable),
        _ => false,
    });
    let uses_time = api.types.iter().any(|def| match &def.kind {
        TypeKind::Struct { fields } => fields.iter().any(|f| f.ty == TypeRef::Time),
        _ => false,
    });
    let serde_import = api.types.iter().any(|d| !matches!(d.kind, TypeKind::Enum { .. })).then(|| quote!(use serde::{Deserialize, Serialize};));
    let enum_import = api
        .types
        .iter()
        .any(|def| matches!(def.kind, TypeKind::Enum { .. }))
        .then(|| quote!(use crate::runtime::enums::string_enum;));
    // Re-exported so `use <crate>::models::*` brings every field type into scope.
    let nullable_import = uses_nullable.then(|| quote!(pub use crate::runtime::nullable::Nullable;));
    let time_import = uses_time.then(|| quote!(pub use crate::runtime::time_of_day::TimeOfDay;));
    // The builders are a child module, re-exported: `models::ChatBuilder`.
    let builders = super::builders::any(m).then(|| quote!(mod builders; pub use builders::*;));
    let tokens = quote! {
        //! Every schema of the API as a Rust type.
        //!
        //! Generated from the OpenAPI spec; see the crate docs for the rules
        //! (optional and nullable fields, enums, unions).
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments, clippy::doc_lazy_continuation)]

        #serde_import

        #enum_import
        #nullable_import
        #time_import

        #(#items)*

        #builders
    };
    format_file(MODELS_FILE, GENERATED_HEADER, tokens)
}

fn type_docs(def: &TypeDef) -> TokenStream {
    let mut text = def.description.clone().unwrap_or_default();
    if let Some(key) = &def.record_key_example {
        text.push_str(&format!("\n\nExample key: `{key}`."));
    }
    if text.is_empty() {
        text = format!("`{}`.", def.name);
    }
    doc_attrs(&text)
}

fn render_type(index: &TypeIndex, def: &TypeDef) -> TokenStream {
    let docs = type_docs(def);
    let name = ident(&def.name);
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Struct { fields } => render_struct(index, def, fields, docs),
        TypeKind::Enum { repr, values } => render_enum(def, *repr, values, docs),
        TypeKind::Union(u) => render_union(def, u, docs),
        TypeKind::Map { values } => {
            let values = rust_type(values);
            quote! { #docs #deprecated pub type #name = std::collections::BTreeMap<String, #values>; }
        }
        TypeKind::Alias { target } => {
            let target = rust_type(target);
            quote! { #docs #deprecated pub type #name = #target; }
        }
    }
}

fn field_docs(index: &TypeIndex, f: &Field) -> TokenStream {
    // A field without its own description borrows its type's.
    let mut text = f
        .description
        .clone()
        .or_else(|| index.types.get(f.ty.as_named()?)?.description.clone())
        .unwrap_or_else(|| format!("`{}`.", f.name));
    let mut notes = Vec::new();
    if let Some(max) = f.constraints.max_length {
        notes.push(format!("at most {max} characters"));
    }
    if let Some(max) = f.constraints.max_items {
        notes.push(format!("at most {max} items"));
    }
    match (f.constraints.minimum, f.constraints.maximum) {
        (Some(min), Some(max)) => notes.push(format!("from {min} to {max}")),
        (Some(min), None) => notes.push(format!("at least {min}")),
        (None, Some(max)) => notes.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(d) = &f.default {
        notes.push(format!("default `{d}`"));
    }
    if f.read_only {
        notes.push("read-only".to_owned());
    }
    if let Some(key) = &f.record_key_example {
        notes.push(format!("example key `{key}`"));
    }
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let mut note = notes.join("; ");
        if let Some(first) = note.get(..1) {
            note = first.to_uppercase() + &note[1..];
        }
        text.push_str(&note);
        text.push('.');
    }
    doc_attrs(&text)
}

fn render_struct(index: &TypeIndex, def: &TypeDef, fields: &[Field], docs: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let default = index.defaultable.contains(def.name.as_str()).then(|| quote!(Default,));
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let mut field_tokens = Vec::with_capacity(fields.len());
    for f in fields {
        let fname = ident(&f.rust_name);
        let plain_name = f.rust_name.trim_start_matches("r#");
        let rename = (plain_name != f.name).then(|| {
            let wire = &f.name;
            quote!(#[serde(rename = #wire)])
        });
        let ty = field_type(f);
        let binary = matches!(f.ty, TypeRef::Binary).then(|| quote!(#[serde(skip)]));
        let date_time = holds_date_time(index, &f.ty)
            .then(|| quote!(#[serde(serialize_with = "crate::runtime::date_time::serialize")]));
        let (ty, attrs) = match index.field_shape(def, f) {
            FieldShape::Plain => (ty, quote!()),
            FieldShape::Option if f.required => (quote!(Option<#ty>), quote!()),
            FieldShape::Option => (
                quote!(Option<#ty>),
                quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
            ),
            FieldShape::Nullable => (
                quote!(Nullable<#ty>),
                quote!(#[serde(default, skip_serializing_if = "Nullable::is_absent")]),
            ),
        };
        let docs = field_docs(index, f);
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        field_tokens.push(quote! { #docs #deprecated #rename #attrs #date_time #binary pub #fname: #ty, });
    }
    let constructor = index.is_request(def).then(|| constructor(index, def, fields));
    let secret = fields.iter().any(|f| is_secret(&f.name));
    let derive_debug = (!secret).then(|| quote!(Debug,));
    let redacted_debug = secret.then(|| redacted_debug(def, fields));
    quote! {
        #docs
        #deprecated
        #[derive(#derive_debug Clone, PartialEq, #default Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct #name { #(#field_tokens)* }
        #constructor
        #redacted_debug
    }
}

/// Whether a field holds a credential: `token`, `*_token`, `secret`,
/// `*_secret`, `password`. Such fields print as `"***"` in `Debug`.
pub fn is_secret(wire: &str) -> bool {
    let w = wire.to_ascii_lowercase();
    ["token", "secret", "password"].iter().any(|s| w == *s || w.ends_with(&format!("_{s}")))
}

/// `Debug` that prints credentials as `"***"`.
fn redacted_debug(def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let entries = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let label = f.rust_name.trim_start_matches("r#");
        if is_secret(&f.name) {
            quote!(.field(#label, &"***"))
        } else {
            quote!(.field(#label, &self.#fname))
        }
    });
    quote! {
        /// Credentials print as `"***"`; read the field itself for the value.
        impl std::fmt::Debug for #name {
            #[allow(deprecated)]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name) #(#entries)* .finish()
            }
        }
    }
}

/// `Type::builder()` and `TypeBuilder`: a setter per field and a `build()`
/// that lists the required fields left unset. Generated for every struct,
/// so users can make values of response types in their own tests.
/// Whether a value of `ty` holds a date-time (bare, in arrays or maps, or
/// through aliases): such fields are written in the API's format
/// (`runtime::date_time`), not chrono's.
fn holds_date_time(index: &TypeIndex, ty: &TypeRef) -> bool {
    match index.resolve(ty) {
        TypeRef::DateTime => true,
        TypeRef::Array { items } => holds_date_time(index, items),
        TypeRef::Map { values } => holds_date_time(index, values),
        _ => false,
    }
}

/// A field's Rust type before `Option`/`Nullable`: boxed when the field
/// makes its type recursive.
fn field_type(f: &Field) -> TokenStream {
    let ty = rust_type(&f.ty);
    if f.boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// `new(required fields)` for request types, which are `#[non_exhaustive]`
/// and so cannot be built with a struct literal outside the crate.
fn constructor(index: &TypeIndex, def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in fields {
        let fname = ident(&f.rust_name);
        match index.field_shape(def, f) {
            FieldShape::Plain => {
                let ty = rust_type(&f.ty);
                args.push(quote!(#fname: impl Into<#ty>));
                if f.boxed {
                    inits.push(quote!(#fname: Box::new(#fname.into())));
                } else {
                    inits.push(quote!(#fname: #fname.into()));
                }
            }
            FieldShape::Option if f.required => {
                let ty = field_type(f);
                args.push(quote!(#fname: Option<#ty>));
                inits.push(quote!(#fname));
            }
            FieldShape::Option => inits.push(quote!(#fname: None)),
            FieldShape::Nullable => inits.push(quote!(#fname: Nullable::Absent)),
        }
    }
    let doc = format!(" A `{}` with the required fields set and every optional field absent.", def.name);
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

fn render_enum(def: &TypeDef, repr: EnumRepr, values: &[EnumValue], docs: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let variants = values.iter().map(|v| {
        let variant = format_ident!("{}", v.variant);
        let text = match &v.description {
            Some(d) => format!("`{}`: {d}", v.value),
            None => format!("`{}`", v.value),
        };
        let docs = doc_attrs(&text);
        quote! { #docs #variant, }
    });
    let table = values.iter().map(|v| {
        let variant = format_ident!("{}", v.variant);
        let value = Literal::string(&v.value);
        quote! { #variant => #value, }
    });
    let mode = (repr == EnumRepr::Integer).then(|| quote!(integer));
    let (unknown_ty, unknown_doc) = match repr {
        EnumRepr::String => (quote!(String), " A value this version of the crate does not know; kept as sent."),
        EnumRepr::Integer => (quote!(String), " A value this version of the crate does not know; kept as sent (as text)."),
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(#unknown_ty),
        }
        string_enum!(#mode #name { #(#table)* });
    }
}

fn render_union(def: &TypeDef, union: &Union, docs: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let variants = union.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.variant);
        let ty = rust_type(&v.ty);
        let doc = match v.ty.as_named() {
            Some(named) => format!(" A [`{named}`]."),
            None => format!(" A `{}`.", rust_type(&v.ty).to_string().replace(' ', "")),
        };
        quote! { #[doc = #doc] #variant(#ty), }
    });
    let serialize_arms = union.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.variant);
        quote! { #name::#variant(v) => v.serialize(serializer), }
    });
    let (how, decode) = match &union.decoding {
        UnionDecoding::Tagged { property, .. } => tagged_decoder(&name, union, property),
        UnionDecoding::Structural { order } => structural_decoder(&name, union, order),
    };
    let how = doc_attrs(&how);
    quote! {
        #docs
        ///
        #how
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A payload that matches no variant known to this version of the crate, kept as sent.
            Other(serde_json::Value),
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    #name::Other(v) => v.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #decode
            }
        }
    }
}

/// Decoding by the tag property; variants sharing a tag value are told apart
/// by their other literal properties, the most specific first.
fn tagged_decoder(name: &proc_macro2::Ident, union: &Union, property: &str) -> (String, TokenStream) {
    let mut arms: Vec<(usize, TokenStream)> = Vec::new();
    let mut rules = Vec::new();
    for v in &union.variants {
        let Some(tag) = v.tags.get(property) else { continue };
        let variant = format_ident!("{}", v.variant);
        let extra: Vec<(&String, &String)> = v.tags.iter().filter(|(k, _)| k.as_str() != property).collect();
        // Only tags that tell this variant apart from another with the same value count.
        let shared = union.variants.iter().filter(|o| o.tags.get(property) == Some(tag)).count() > 1;
        let conds: Vec<TokenStream> = if shared {
            extra
                .iter()
                .map(|(k, val)| {
                    let k = Literal::string(k);
                    let val = Literal::string(val);
                    quote!(value.get(#k).and_then(serde_json::Value::as_str) == Some(#val))
                })
                .collect()
        } else {
            Vec::new()
        };
        let tag_lit = Literal::string(tag);
        let guard = if conds.is_empty() { quote!() } else { quote!(if #(#conds)&&*) };
        let mut rule = format!("`{property}: {tag}`");
        if shared {
            for (k, val) in &extra {
                rule.push_str(&format!(" and `{k}: {val}`"));
            }
        }
        rules.push(format!("- {rule} → [`{}`]({name}::{})", v.ty.as_named().unwrap_or("value"), v.variant));
        let ty = rust_type(&v.ty);
        let context = format!("{name}: `{property}: {tag}` names {}, but the payload does not fit it", v.variant);
        arms.push((
            conds.len(),
            quote! {
                Some(#tag_lit) #guard => match <#ty as Deserialize>::deserialize(&value) {
                    Ok(v) => Ok(#name::#variant(v)),
                    Err(e) => {
                        let payload: String = value.to_string().chars().take(200).collect();
                        Err(serde::de::Error::custom(format!("{}: {e}; payload starts with {payload}", #context)))
                    }
                },
            },
        ));
    }
    // Guards first: a more specific arm must come before the plain one.
    arms.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let arms = arms.into_iter().map(|(_, a)| a);
    let prop = Literal::string(property);
    let how = format!(
        "Decoded by the value of `{property}`:\n\n{}\n\nAny other value, or no `{property}`, gives [`{name}::Other`] with the payload as sent. A payload whose tag names a variant it does not fit is an error naming the type, the tag, the field that failed and the start of the payload: it is never silently taken for another variant.",
        rules.join("\n")
    );
    let tokens = quote! {
        let tag = value.get(#prop).and_then(serde_json::Value::as_str).map(str::to_owned);
        match tag.as_deref() {
            #(#arms)*
            _ => Ok(#name::Other(value)),
        }
    };
    (how, tokens)
}

/// Decoding without a tag: candidates whose required properties are all
/// present, tried most specific first; a variant without properties matches
/// only `{}`.
fn structural_decoder(name: &proc_macro2::Ident, union: &Union, order: &[usize]) -> (String, TokenStream) {
    let mut steps = Vec::new();
    let mut rules = Vec::new();
    for &i in order {
        let Some(v) = union.variants.get(i) else { continue };
        let variant = format_ident!("{}", v.variant);
        let type_name = v.ty.as_named().unwrap_or("value");
        if v.properties.is_empty() {
            rules.push(format!("- `{{}}` (no properties at all) → [`{type_name}`]({name}::{})", v.variant));
            steps.push(quote! {
                if object.is_empty() {
                    if let Ok(v) = serde_json::from_value(value.clone()) {
                        return Ok(#name::#variant(v));
                    }
                }
            });
            continue;
        }
        let required: Vec<Literal> = v.required.iter().map(|r| Literal::string(r)).collect();
        rules.push(format!(
            "- has {} → [`{type_name}`]({name}::{})",
            v.required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
            v.variant
        ));
        steps.push(quote! {
            if [#(#required),*].iter().all(|k| object.contains_key(*k)) {
                if let Ok(v) = serde_json::from_value(value.clone()) {
                    return Ok(#name::#variant(v));
                }
            }
        });
    }
    let how = format!(
        "There is no tag to decode by. Variants are tried in this order, the one with the most required properties first, and the first whose required properties are all present and that decodes wins:\n\n{}\n\nAnything else gives [`{name}::Other`] with the payload as sent.",
        rules.join("\n")
    );
    let tokens = quote! {
        let Some(object) = value.as_object() else {
            return Ok(#name::Other(value));
        };
        #(#steps)*
        Ok(#name::Other(value))
    };
    (how, tokens)
}
