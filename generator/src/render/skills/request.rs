//! HTTP requests for the `curl` variant: a parsed CLI invocation turned into
//! method, URL, query and body, and example bodies built from the spec.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cli_model::args::{Invocation, Value as ArgValue};
use crate::cli_model::{FlagSource, BINARY};
use crate::ir::{Api, EnumRepr, Field, MediaType, Operation, TypeKind, TypeRef};

/// What a template needs to write one request as `curl`.
#[derive(Debug, Clone, Serialize)]
pub struct RequestCtx {
    pub method: &'static str,
    /// The full URL: base URL and path, or the caller-supplied external URL.
    pub url: String,
    /// Whether to send the `Authorization` header.
    pub auth: bool,
    /// Query parameters as `[name, value]`.
    pub query: Vec<[String; 2]>,
    /// The JSON body, compact.
    pub json: Option<String>,
    /// Multipart fields.
    pub form: Vec<FormField>,
    /// The CLI call had `--all`: the template explains the cursor loop.
    pub all_pages: bool,
    /// Query parameter carrying the cursor, for paginated operations.
    pub cursor_param: Option<String>,
    /// Where the next cursor is in the response (`meta.paginate.next_page`).
    pub next_cursor: Option<String>,
    /// `--save PATH`: follow the redirect and write the file.
    pub save: Option<String>,
}

/// One multipart field.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: String,
    pub value: String,
    /// The value is a local file path (`-F name=@path`).
    pub file: bool,
}

/// The operation of an invocation.
pub fn operation<'a>(api: &'a Api, id: &str) -> Option<&'a Operation> {
    api.services.iter().flat_map(|s| s.operations.iter()).find(|o| o.id == id)
}

/// The request an invocation sends.
pub fn request(api: &Api, base_url: &str, call: &Invocation<'_>) -> RequestCtx {
    let command = call.command;
    let op = operation(api, &command.operation_id);
    let external = match call.special(&FlagSource::ExternalUrl) {
        Some(ArgValue::Text(url)) => Some(url.clone()),
        _ => None,
    };
    let pagination = op.and_then(|o| o.pagination.as_ref());
    RequestCtx {
        method: command.method.as_str(),
        url: external.clone().unwrap_or_else(|| format!("{}{}", base_url.trim_end_matches('/'), call.path())),
        auth: command.auth && external.is_none(),
        query: call.query(api).into_iter().map(|(k, v)| [k, v]).collect(),
        json: call.body_json(),
        form: call.multipart().into_iter().map(|(name, value, file)| FormField { name, value, file }).collect(),
        all_pages: matches!(call.special(&FlagSource::AllPages), Some(ArgValue::Switch(true))),
        cursor_param: pagination.map(|p| p.cursor_param.clone()),
        next_cursor: pagination.map(|p| format!("meta.{}", p.next_cursor.join("."))),
        save: match call.special(&FlagSource::Save) {
            Some(ArgValue::Text(path)) => Some(path.clone()),
            _ => None,
        },
    }
}

/// The `pachca ...` line of an invocation with the arguments as written.
pub fn cli_line(call: &Invocation<'_>, args: &str) -> String {
    let args = args.trim();
    if args.is_empty() {
        format!("{BINARY} {}", call.command.name())
    } else {
        format!("{BINARY} {} {args}", call.command.name())
    }
}

/// The smallest valid JSON body of `op`: its required fields with the
/// spec's example values, pretty-printed. `None` without a JSON body.
pub fn body_example(api: &Api, op: &Operation) -> Option<String> {
    let body = op.body.as_ref().filter(|b| b.media == MediaType::Json)?;
    let value = example(api, &body.ty, false, 0);
    serde_json::to_string_pretty(&value).ok()
}

/// The multipart field names of `op`, binary fields marked with `@`.
pub fn form_fields(api: &Api, op: &Operation) -> Vec<FormField> {
    let Some(body) = op.body.as_ref().filter(|b| b.media == MediaType::Multipart) else { return Vec::new() };
    struct_fields(api, &body.ty)
        .iter()
        .map(|f| FormField { name: f.name.clone(), value: format!("<{}>", f.name.to_lowercase().replace('-', "_")), file: f.ty == TypeRef::Binary })
        .collect()
}

/// An example of a named type: every field when `all_fields`, else only
/// the required ones.
pub fn type_example(api: &Api, name: &str, all_fields: bool) -> Value {
    example(api, &TypeRef::named(name), all_fields, 0)
}

fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> &'a [Field] {
    match ty.as_named().and_then(|n| api.types.iter().find(|t| t.name == n)).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields }) => fields,
        _ => &[],
    }
}

const MAX_DEPTH: usize = 4;

fn example(api: &Api, ty: &TypeRef, all_fields: bool, depth: usize) -> Value {
    match ty {
        TypeRef::String | TypeRef::Uri => Value::String("text".to_owned()),
        TypeRef::DateTime => Value::String("2025-01-31T09:00:00.000Z".to_owned()),
        TypeRef::Date => Value::String("2025-01-31".to_owned()),
        TypeRef::Time => Value::String("09:00".to_owned()),
        TypeRef::Binary => Value::String("@file".to_owned()),
        TypeRef::Integer { .. } => Value::from(1),
        TypeRef::Number => Value::from(1.5),
        TypeRef::Boolean => Value::Bool(false),
        TypeRef::Any | TypeRef::Map { .. } => Value::Object(Map::new()),
        TypeRef::Array { items } if depth < MAX_DEPTH => Value::Array(vec![example(api, items, all_fields, depth + 1)]),
        TypeRef::Array { .. } => Value::Array(Vec::new()),
        TypeRef::Named { name } => {
            let Some(def) = api.types.iter().find(|t| &t.name == name) else { return Value::Null };
            if let Some(example) = &def.example {
                return example.clone();
            }
            match &def.kind {
                TypeKind::Struct { fields } if depth < MAX_DEPTH => {
                    let mut map = Map::new();
                    for f in fields.iter().filter(|f| (all_fields || f.required) && !f.read_only) {
                        let value = match &f.example {
                            Some(v) => v.clone(),
                            None => example(api, &f.ty, all_fields, depth + 1),
                        };
                        map.insert(f.name.clone(), value);
                    }
                    Value::Object(map)
                }
                TypeKind::Struct { .. } | TypeKind::Map { .. } => Value::Object(Map::new()),
                TypeKind::Enum { values, repr } => match (values.first(), repr) {
                    (None, _) => Value::Null,
                    (Some(v), EnumRepr::Integer) => v.value.parse::<i64>().map_or(Value::Null, Value::from),
                    (Some(v), EnumRepr::String) => Value::String(v.value.clone()),
                },
                TypeKind::Union(u) => u.variants.first().map_or(Value::Null, |v| example(api, &v.ty, all_fields, depth + 1)),
                TypeKind::Alias { target } => example(api, target, all_fields, depth + 1),
            }
        }
    }
}
