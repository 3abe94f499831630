//! Positional arguments and flags of a command.
//!
//! * Path parameters become required positionals, in path order, named as in
//!   the path. A paginated command whose only required query parameter ends
//!   in `_id` also takes it as an optional positional (`messages list <chat_id>`).
//! * Query parameters become kebab-case flags (`last_message_at_after` →
//!   `--last-message-at-after`; brackets become dashes). Booleans are switches,
//!   enums list their values, arrays are comma-separated.
//! * A JSON body contributes its *wrapper* object's fields (the IR's wrapper,
//!   else the top-level object field with the most fields: `message` in
//!   `{message: {...}, link_preview}`) and its other top-level fields, as
//!   flags; read-only fields are skipped. Arrays and objects are JSON flags.
//! * A multipart body contributes one flag per field; the binary field is `--file`.
//! * `x-external-url` adds the required URL flag (`--direct-url`); paginated
//!   commands get `--all`, `DELETE` gets `--force`, a redirect gets `--save`.

use heck::ToKebabCase;

use super::{fixed, Flag, FlagKind, FlagSource, ParamSource, Positional, ScalarType};
use crate::ir::{Api, Constraints, Field, HttpMethod, MediaType, Operation, ParamLocation, PathPart, ResponseBody, TypeKind, TypeRef};

/// What a type looks like to the command line.
enum Shape<'a> {
    Scalar(ScalarType),
    Bool,
    Enum(Vec<String>),
    Struct(&'a [Field]),
    Array(&'a TypeRef),
    Json,
    Binary,
}

fn shape<'a>(api: &'a Api, ty: &'a TypeRef) -> Shape<'a> {
    match ty {
        TypeRef::String => Shape::Scalar(ScalarType::String),
        TypeRef::DateTime => Shape::Scalar(ScalarType::DateTime),
        TypeRef::Date => Shape::Scalar(ScalarType::Date),
        TypeRef::Time => Shape::Scalar(ScalarType::Time),
        TypeRef::Uri => Shape::Scalar(ScalarType::Uri),
        TypeRef::Integer { .. } => Shape::Scalar(ScalarType::Integer),
        TypeRef::Number => Shape::Scalar(ScalarType::Number),
        TypeRef::Boolean => Shape::Bool,
        TypeRef::Binary => Shape::Binary,
        TypeRef::Any | TypeRef::Map { .. } => Shape::Json,
        TypeRef::Array { items } => Shape::Array(items),
        TypeRef::Named { name } => match api.types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => Shape::Struct(fields),
            Some(TypeKind::Enum { values, .. }) => Shape::Enum(values.iter().map(|v| v.value.clone()).collect()),
            Some(TypeKind::Alias { target }) => shape(api, target),
            Some(TypeKind::Union(_) | TypeKind::Map { .. }) | None => Shape::Json,
        },
    }
}

/// The flag name of a wire name: kebab-case, brackets as separators.
pub fn flag_name(wire: &str) -> String {
    wire.replace(['[', ']'], "_").to_kebab_case()
}

/// Positionals and flags of `op`.
pub fn derive(api: &Api, op: &Operation) -> Result<(Vec<Positional>, Vec<Flag>), String> {
    let mut positionals = Vec::new();
    for part in &op.path_parts {
        let PathPart::Param(name) = part else { continue };
        let param = op
            .params
            .iter()
            .find(|p| &p.name == name && p.location == ParamLocation::Path)
            .ok_or_else(|| format!("path parameter `{name}` is not declared"))?;
        positionals.push(Positional {
            name: name.clone(),
            ty: scalar_of(api, &param.ty).unwrap_or(ScalarType::String),
            required: true,
            source: ParamSource::Path(name.clone()),
            description: param.description.clone(),
        });
    }
    let mut flags = Vec::new();
    if let Some(name) = &op.external_url {
        flags.push(flag(flag_name(name), FlagKind::Scalar { ty: ScalarType::Uri }, true, FlagSource::ExternalUrl, None, &Constraints::default()));
    }
    for p in op.params.iter().filter(|p| p.location == ParamLocation::Query) {
        let kind = match shape(api, &p.ty) {
            Shape::Scalar(ty) => FlagKind::Scalar { ty },
            Shape::Bool => FlagKind::Bool,
            Shape::Enum(values) => FlagKind::Enum { values },
            Shape::Array(items) => match shape(api, items) {
                Shape::Scalar(item) => FlagKind::List { item, values: None },
                Shape::Enum(values) => FlagKind::List { item: ScalarType::String, values: Some(values) },
                _ => FlagKind::Json,
            },
            Shape::Struct(_) | Shape::Json => FlagKind::Json,
            Shape::Binary => FlagKind::File,
        };
        let source = FlagSource::Query { name: p.name.clone() };
        flags.push(flag(flag_name(&p.name), kind, p.required, source, p.description.clone(), &p.constraints));
    }
    if op.pagination.is_some() {
        let required: Vec<_> = op.params.iter().filter(|p| p.location == ParamLocation::Query && p.required).collect();
        if let [only] = required.as_slice() {
            if only.name.ends_with("_id") {
                positionals.push(Positional {
                    name: only.name.clone(),
                    ty: scalar_of(api, &only.ty).unwrap_or(ScalarType::String),
                    required: false,
                    source: ParamSource::Query(only.name.clone()),
                    description: only.description.clone(),
                });
            }
        }
        flags.push(flag("all".to_owned(), FlagKind::Bool, false, FlagSource::AllPages, None, &Constraints::default()));
    }
    if let Some(body) = &op.body {
        body_flags(api, body.media, &body.ty, body.wrapper.as_ref().map(|w| w.field.as_str()), body.required, &mut flags)?;
    }
    if op.http_method == HttpMethod::Delete {
        flags.push(flag("force".to_owned(), FlagKind::Bool, false, FlagSource::Force, None, &Constraints::default()));
    }
    if matches!(op.response.body, ResponseBody::Redirect { .. }) {
        let kind = FlagKind::Scalar { ty: ScalarType::String };
        flags.push(flag("save".to_owned(), kind, false, FlagSource::Save, None, &Constraints::default()));
        // `--save` refuses to replace an existing file without it.
        let replace = Some("replace an existing file at the --save path".to_owned());
        flags.push(flag("force".to_owned(), FlagKind::Bool, false, FlagSource::Force, replace, &Constraints::default()));
    }
    check_names(&flags)?;
    Ok((positionals, flags))
}

fn scalar_of(api: &Api, ty: &TypeRef) -> Option<ScalarType> {
    match shape(api, ty) {
        Shape::Scalar(t) => Some(t),
        Shape::Enum(_) => Some(ScalarType::String),
        _ => None,
    }
}

fn flag(name: String, kind: FlagKind, required: bool, source: FlagSource, description: Option<String>, c: &Constraints) -> Flag {
    Flag { name, kind, required, source, description, max_length: c.max_length, minimum: c.minimum, maximum: c.maximum }
}

fn body_flags(
    api: &Api,
    media: MediaType,
    ty: &TypeRef,
    wrapper: Option<&str>,
    body_required: bool,
    flags: &mut Vec<Flag>,
) -> Result<(), String> {
    let Shape::Struct(fields) = shape(api, ty) else {
        return Err(format!("request body `{ty:?}` is not an object; a command needs named fields"));
    };
    let fields: Vec<&Field> = fields.iter().filter(|f| !f.read_only).collect();
    if media == MediaType::Multipart {
        for f in fields {
            let (name, kind) = match shape(api, &f.ty) {
                Shape::Binary => ("file".to_owned(), FlagKind::File),
                other => (flag_name(&f.name), body_kind(other)),
            };
            let source = FlagSource::Multipart { name: f.name.clone() };
            flags.push(flag(name, kind, body_required && f.required, source, f.description.clone(), &f.constraints));
        }
        return Ok(());
    }
    let wrapper = wrapper.map(str::to_owned).or_else(|| pick_wrapper(api, &fields));
    for f in fields {
        let required = body_required && f.required;
        match (&wrapper, shape(api, &f.ty)) {
            (Some(w), Shape::Struct(inner)) if *w == f.name => {
                for g in inner.iter().filter(|g| !g.read_only) {
                    let source = FlagSource::Body { path: vec![f.name.clone(), g.name.clone()] };
                    let kind = body_kind(shape(api, &g.ty));
                    flags.push(flag(flag_name(&g.name), kind, required && g.required, source, g.description.clone(), &g.constraints));
                }
            }
            (_, other) => {
                let source = FlagSource::Body { path: vec![f.name.clone()] };
                flags.push(flag(flag_name(&f.name), body_kind(other), required, source, f.description.clone(), &f.constraints));
            }
        }
    }
    Ok(())
}

/// The top-level object field with the most fields, if any.
fn pick_wrapper(api: &Api, fields: &[&Field]) -> Option<String> {
    let mut best: Option<(&str, usize)> = None;
    for f in fields {
        if let Shape::Struct(inner) = shape(api, &f.ty) {
            let better = match best {
                None => !inner.is_empty(),
                Some((_, n)) => inner.len() > n,
            };
            if better {
                best = Some((&f.name, inner.len()));
            }
        }
    }
    best.map(|(name, _)| name.to_owned())
}

fn body_kind(shape: Shape<'_>) -> FlagKind {
    match shape {
        Shape::Scalar(ty) => FlagKind::Scalar { ty },
        Shape::Bool => FlagKind::Bool,
        Shape::Enum(values) => FlagKind::Enum { values },
        Shape::Binary => FlagKind::File,
        Shape::Struct(_) | Shape::Array(_) | Shape::Json => FlagKind::Json,
    }
}

/// Flag names are unique per command and never shadow a global flag.
fn check_names(flags: &[Flag]) -> Result<(), String> {
    for (i, f) in flags.iter().enumerate() {
        if flags[..i].iter().any(|g| g.name == f.name) {
            return Err(format!("two request fields both become the flag `--{}`; the naming rules in cli_model/flags.rs need an exception", f.name));
        }
        if fixed::global_flag(&f.name).is_some() {
            return Err(format!("request field `--{}` collides with the global flag of the same name", f.name));
        }
    }
    Ok(())
}
