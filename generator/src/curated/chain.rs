//! What a scenario's steps send and get back, as far as the spec and the
//! step arguments show it, for the checks of a scenario's chain
//! ([`super::skills_check`]):
//!
//! * [`sent`]: the values a parsed step sends for a goal's field (a path
//!   parameter, a query parameter, a JSON body field set by a flag, or a
//!   form field), so that generation can tell which steps make the goal;
//! * [`fields`]: every field name an operation takes, for the error when a
//!   goal names none of them;
//! * [`files_read`]: the local files a step reads, which the scenario lists
//!   in `files` for the scenario test to create;
//! * [`response_path`]: whether a step's `out` path (`id`, `0.id`,
//!   `thread.chat_id`) is in the operation's response.

use crate::cli_model::args::{Invocation, Value};
use crate::cli_model::{FlagKind, FlagSource, ParamSource, ScalarType};
use crate::ir::{Api, MediaType, Operation, ParamLocation, ResponseBody, TypeKind, TypeRef};

/// The values `call` sends for `field`: a path parameter by name, a query
/// parameter by wire name (`user_ids[]`, once per item), a body field by
/// dotted path or a form field by name. Placeholders stay as written
/// (`<thread_id>`), switches are `true` or `false`. Empty when the step
/// does not set the field through its own flag or argument (a field inside
/// a JSON flag's value is not looked into). The `pachca` CLI sends a
/// date-time as the SDK writes it (`2025-05-01T00:00:00.000Z`), `curl` as
/// typed: `cli` says which.
pub fn sent(api: &Api, call: &Invocation<'_>, field: &str, cli: bool) -> Vec<String> {
    let date_time = |source: &dyn Fn(&FlagSource) -> bool| {
        cli && call.flags.iter().any(|(f, _)| source(&f.source) && f.kind == FlagKind::Scalar { ty: ScalarType::DateTime })
    };
    let mut out = Vec::new();
    for (p, v) in &call.positionals {
        if matches!(&p.source, ParamSource::Path(name) if name == field) {
            out.push(v.clone());
        }
    }
    let query_date = date_time(&|s| matches!(s, FlagSource::Query { name } if name == field));
    out.extend(call.query(api).into_iter().filter(|(k, _)| k == field).map(|(_, v)| if query_date { wire_date_time(&v) } else { v }));
    for (flag, value) in &call.flags {
        if matches!(&flag.source, FlagSource::Body { path } if path.join(".") == field) {
            out.push(match value {
                Value::Text(t) if cli && flag.kind == (FlagKind::Scalar { ty: ScalarType::DateTime }) => wire_date_time(t),
                Value::Text(t) => t.clone(),
                Value::Switch(b) => b.to_string(),
            });
        }
    }
    out.extend(call.multipart().into_iter().filter(|(k, _, _)| k == field).map(|(_, v, _)| v));
    out
}

/// An RFC 3339 date-time as the SDK writes it: milliseconds, `Z` for a zero
/// offset (`2025-05-01T00:00:00Z` → `2025-05-01T00:00:00.000Z`). Anything
/// else (a placeholder) is returned as is.
pub fn wire_date_time(text: &str) -> String {
    let Some((date, time)) = text.split_once('T') else { return text.to_owned() };
    let zone_at = time.find(['Z', 'z', '+']).or_else(|| time.rfind('-')).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    if hms.len() != 8 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return text.to_owned();
    }
    let millis: String = fraction.chars().chain(std::iter::repeat('0')).take(3).collect();
    let zone = match zone {
        "Z" | "z" | "+00:00" | "-00:00" | "" => "Z",
        other => other,
    };
    format!("{date}T{hms}.{millis}{zone}")
}

/// The local files `call` reads (`--file=./report.pdf`; not `-`, standard input).
pub fn files_read(call: &Invocation<'_>) -> Vec<String> {
    call.flags
        .iter()
        .filter_map(|(flag, value)| match value {
            Value::Text(path) if flag.kind == FlagKind::File && path != "-" => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// Every field a goal may name for `op`: path and query parameters (an
/// array sent Rails-style as `name[]`), and the body's fields by dotted path.
pub fn fields(api: &Api, op: &Operation) -> Vec<String> {
    let mut out: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Header)
        .map(|p| if p.brackets && !p.name.ends_with("[]") { format!("{}[]", p.name) } else { p.name.clone() })
        .collect();
    if let Some(body) = &op.body {
        let mut prefix = Vec::new();
        body_fields(api, &body.ty, body.media == MediaType::Json, &mut prefix, &mut out, 0);
    }
    out
}

fn body_fields(api: &Api, ty: &TypeRef, nested: bool, prefix: &mut Vec<String>, out: &mut Vec<String>, depth: usize) {
    let Some(TypeKind::Struct { fields }) = named(api, ty).map(|t| &t.kind) else { return };
    for f in fields.iter().filter(|f| !f.read_only) {
        prefix.push(f.name.clone());
        out.push(prefix.join("."));
        if nested && depth < 3 {
            body_fields(api, &f.ty, nested, prefix, out, depth + 1);
        }
        prefix.pop();
    }
}

fn named<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a crate::ir::TypeDef> {
    let name = ty.as_named()?;
    api.types.iter().find(|t| t.name == name)
}

/// Checks that the dotted `path` names a value in `op`'s response, with the
/// `data` envelope removed: `id`, `thread.chat_id`, `0.id` in a list, `0`
/// for the first item of a list of numbers. Errors say what is there instead.
pub fn response_path(api: &Api, op: &Operation, path: &str) -> Result<(), String> {
    if path.is_empty() || path == "." || path.split('.').any(str::is_empty) {
        return Err(format!("`{path}` is not a path: name the value, such as `id` or `0.id`"));
    }
    let segments: Vec<&str> = path.split('.').collect();
    let root = match &op.response.body {
        ResponseBody::Data { ty, .. } | ResponseBody::Json { ty, .. } => ty.clone(),
        ResponseBody::List { item, .. } => TypeRef::Array { items: Box::new(item.clone()) },
        ResponseBody::Empty => return Err(format!("`{} {}` answers without a body", op.http_method.as_str(), op.path)),
        ResponseBody::Redirect { .. } => return Err(format!("`{} {}` answers with a redirect, not a body", op.http_method.as_str(), op.path)),
    };
    walk(api, &root, &segments, 0).map_err(|at| format!("`{path}` is not in the response of `{} {}`: {at}", op.http_method.as_str(), op.path))
}

fn walk(api: &Api, ty: &TypeRef, segments: &[&str], depth: usize) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else { return Ok(()) };
    if depth > 8 {
        return Err("the path is deeper than the response".to_owned());
    }
    match ty {
        TypeRef::Array { items } if first.parse::<usize>().is_ok() => walk(api, items, rest, depth + 1),
        TypeRef::Array { .. } => Err(format!("`{first}` is taken from a list; name an item by its index (`0.{first}`)")),
        TypeRef::Any | TypeRef::Map { .. } => Ok(()),
        TypeRef::Named { .. } => {
            let Some(def) = named(api, ty) else { return Err(format!("unknown type at `{first}`")) };
            match &def.kind {
                TypeKind::Struct { fields } => match fields.iter().find(|f| f.name == *first) {
                    Some(f) => walk(api, &f.ty, rest, depth + 1),
                    None => Err(format!(
                        "`{first}` is not a field of {} (its fields: {})",
                        def.name,
                        fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                },
                TypeKind::Alias { target } => walk(api, target, segments, depth + 1),
                TypeKind::Map { .. } => Ok(()),
                TypeKind::Union(u) => {
                    let mut last = format!("no member of {} has `{first}`", def.name);
                    for v in &u.variants {
                        match walk(api, &v.ty, segments, depth + 1) {
                            Ok(()) => return Ok(()),
                            Err(e) => last = e,
                        }
                    }
                    Err(last)
                }
                TypeKind::Enum { .. } => Err(format!("`{first}` is taken from a plain value ({})", def.name)),
            }
        }
        _ => Err(format!("`{first}` is taken from a plain value")),
    }
}

#[cfg(test)]
mod tests {
    use super::wire_date_time;

    #[test]
    fn date_times_are_written_with_milliseconds_and_z() {
        assert_eq!(wire_date_time("2025-05-01T00:00:00Z"), "2025-05-01T00:00:00.000Z");
        assert_eq!(wire_date_time("2025-05-01T00:00:00.5+00:00"), "2025-05-01T00:00:00.500Z");
        assert_eq!(wire_date_time("2025-05-01T09:30:00.123456+03:00"), "2025-05-01T09:30:00.123+03:00");
        assert_eq!(wire_date_time("2025-05-01T09:30:00-05:00"), "2025-05-01T09:30:00.000-05:00");
        assert_eq!(wire_date_time("<due_at>"), "<due_at>");
        assert_eq!(wire_date_time("2025-05-01"), "2025-05-01");
    }
}
