//! The public Rust surface the SDK renderers give an operation or a type:
//! method signatures, field types, derives and constructors, as text. The
//! diff classifies a change as breaking when this surface changes in a way
//! that can stop a user's code from compiling; it is computed with the
//! renderers' own helpers, so it cannot drift from what they write.

use crate::ir::{MediaType, Operation, ParamLocation, TypeDef, TypeKind, TypeRef};
use crate::model::{FieldShape, TypeIndex};
use crate::render::rust::{builders, client, rust_type, tokens_text};

/// `(name, Rust type)` of an argument or a field.
pub type Typed = (String, String);

/// What a user of `client.<service>().<method>(...)` depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpSurface {
    /// The service accessor (`messages`).
    pub service: String,
    /// The method (`list_messages`).
    pub method: String,
    /// The arguments after `&self`, in order.
    pub args: Vec<Typed>,
    /// The `Ok` type.
    pub ret: String,
    /// `<method>_stream` and `<method>_all` exist.
    pub streams: bool,
    /// The `<Op>Params` struct and its fields (`Option<T>` each), if any.
    pub params: Option<(String, Vec<Typed>)>,
}

impl OpSurface {
    /// `messages().list_messages()`, as a user calls it.
    pub fn call(&self) -> String {
        format!("{}().{}()", self.service.trim_start_matches("r#"), self.method.trim_start_matches("r#"))
    }
}

/// A type's Rust text, as the renderers write it (`Vec<i64>`).
pub(super) fn text(ty: &TypeRef) -> String {
    tokens_text(&rust_type(ty))
}

/// The surface of `op` in the service `service` (a module name).
pub fn operation(service: &str, op: &Operation) -> OpSurface {
    let mut args = Vec::new();
    if op.external_url.is_some() {
        args.push(("url".to_owned(), "&str".to_owned()));
    }
    let path_struct = client::path_struct(op);
    if let Some(name) = &path_struct {
        args.push(("path".to_owned(), name.clone()));
    }
    for p in client::positional(op) {
        if path_struct.is_some() && p.location == ParamLocation::Path {
            continue;
        }
        args.push((p.rust_name.clone(), tokens_text(&client::arg_type(&p.ty, false))));
    }
    let params = client::params_struct(op).map(|name| {
        let fields = client::optional_query(op).map(|p| (p.rust_name.clone(), format!("Option<{}>", text(&p.ty)))).collect();
        (name, fields)
    });
    if let Some((name, _)) = &params {
        args.push(("params".to_owned(), name.clone()));
    }
    if let Some(body) = &op.body {
        match (body.media, &body.wrapper) {
            (MediaType::Json, Some(w)) => args.push(("body".to_owned(), format!("&{}", text(&w.inner)))),
            (MediaType::Json, None) => args.push(("body".to_owned(), format!("&{}", text(&body.ty)))),
            (MediaType::Multipart, _) => {
                args.push(("body".to_owned(), format!("&{}", text(&body.ty))));
                args.push(("file_name".to_owned(), "&str".to_owned()));
            }
        }
    }
    // `response` cannot fail today; a failure would be a renderer bug, and
    // the diff then compares the empty text on both sides.
    let ret = client::response(op).map(|(ty, _)| tokens_text(&ty)).unwrap_or_default();
    OpSurface { service: service.to_owned(), method: op.method_name.clone(), args, ret, streams: op.pagination.is_some(), params }
}

/// What a user of a model type depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeSurface {
    /// A `#[non_exhaustive]` struct with public fields and a builder.
    Struct {
        /// `(wire name, Rust field, Rust type)` of every field.
        fields: Vec<(String, String, String)>,
        /// `#[derive(Default)]`.
        default: bool,
        /// The arguments of `new(..)`, which request types have.
        constructor: Option<Vec<Typed>>,
        /// The builder type (`ChatBuilder`).
        builder: String,
    },
    /// A `#[non_exhaustive]` enum with an `Unknown` fallback: `(wire value, variant)`.
    Enum { variants: Vec<(String, String)> },
    /// A `#[non_exhaustive]` union with an `Other` fallback: `(variant, Rust type)`.
    Union { variants: Vec<Typed> },
    /// `pub type Name = Target;` (named maps and aliases).
    Alias { target: String },
}

impl TypeSurface {
    /// The field of wire name `wire`: `(Rust field, Rust type)`.
    pub fn field(&self, wire: &str) -> Option<(&str, &str)> {
        match self {
            TypeSurface::Struct { fields, .. } => {
                fields.iter().find(|(w, _, _)| w == wire).map(|(_, name, ty)| (name.as_str(), ty.as_str()))
            }
            _ => None,
        }
    }

    /// The constructor's arguments, for a struct that has one.
    pub fn constructor(&self) -> Option<&[Typed]> {
        match self {
            TypeSurface::Struct { constructor, .. } => constructor.as_deref(),
            _ => None,
        }
    }
}

/// A field's Rust type as `models.rs` declares it: boxed when recursive,
/// then wrapped by its shape.
fn field_type(index: &TypeIndex, def: &TypeDef, f: &crate::ir::Field) -> String {
    let ty = if f.boxed { format!("Box<{}>", text(&f.ty)) } else { text(&f.ty) };
    match index.field_shape(def, f) {
        FieldShape::Plain => ty,
        FieldShape::Option => format!("Option<{ty}>"),
        FieldShape::Nullable => format!("Nullable<{ty}>"),
    }
}

/// The surface of the named type `def` (see `render::rust::models`).
pub fn type_def(index: &TypeIndex, def: &TypeDef) -> TypeSurface {
    match &def.kind {
        TypeKind::Struct { fields } => {
            let constructor = index.is_request(def).then(|| {
                fields
                    .iter()
                    .filter_map(|f| match index.field_shape(def, f) {
                        FieldShape::Plain => Some((f.rust_name.clone(), format!("impl Into<{}>", text(&f.ty)))),
                        FieldShape::Option if f.required => Some((f.rust_name.clone(), field_type(index, def, f))),
                        _ => None,
                    })
                    .collect()
            });
            TypeSurface::Struct {
                fields: fields.iter().map(|f| (f.name.clone(), f.rust_name.clone(), field_type(index, def, f))).collect(),
                default: index.defaultable.contains(def.name.as_str()),
                constructor,
                builder: builders::builder_name(index, def),
            }
        }
        TypeKind::Enum { values, .. } => TypeSurface::Enum {
            variants: values.iter().map(|v| (v.value.clone(), v.variant.clone())).collect(),
        },
        TypeKind::Union(u) => TypeSurface::Union { variants: u.variants.iter().map(|v| (v.variant.clone(), text(&v.ty))).collect() },
        TypeKind::Map { values } => TypeSurface::Alias { target: format!("std::collections::BTreeMap<String, {}>", text(values)) },
        TypeKind::Alias { target } => TypeSurface::Alias { target: text(target) },
    }
}
