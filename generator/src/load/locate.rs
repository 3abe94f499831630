//! Finding where a deserialisation error really is.
//!
//! `openapiv3` flattens `x-` extensions into most structs, and serde loses
//! the field path inside flattened structs, so an error deep in an operation
//! is first reported at `#/paths`. This module re-reads the usual suspects
//! (path items, operations, parameters, bodies, responses, component
//! schemas) one at a time to find the innermost part that fails.

use openapiv3::{Operation, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde::de::DeserializeOwned;

use super::yaml::Value;
use crate::error::Pointer;

/// The innermost failing part under a pointer, with serde's message.
pub(crate) struct Located {
    pub pointer: Pointer,
    pub message: String,
}

/// Deserialises `value` as `T`; on failure, the pointer of the error below `at`.
fn attempt<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Option<Located> {
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(_) => None,
        Err(e) => Some(Located {
            pointer: extend(at, e.path()),
            message: e.inner().to_string(),
        }),
    }
}

/// `at` extended with the segments of a serde path.
pub(crate) fn extend(at: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(at.clone(), |p, seg| match seg {
        Segment::Seq { index } => p.push(index),
        Segment::Map { key } => p.push(key),
        Segment::Enum { variant } => p.push(variant),
        Segment::Unknown => p,
    })
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The innermost failing part of the document, if one of the known parts fails.
pub(crate) fn locate(doc: &Value) -> Option<Located> {
    let root = Pointer::root();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let item_at = root.push("paths").push(key_text(path));
            let Some(item) = item.as_mapping() else { continue };
            for (method, op) in item {
                let method = key_text(method);
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                if let Some(found) = locate_operation(op, &item_at.push(&method)) {
                    return Some(found);
                }
            }
        }
    }
    if let Some(schemas) = doc.get("components").and_then(|c| c.get("schemas")).and_then(Value::as_mapping) {
        for (name, schema) in schemas {
            let at = root.push("components").push("schemas").push(key_text(name));
            if let Some(found) = attempt::<ReferenceOr<Schema>>(schema, &at) {
                return Some(found);
            }
        }
    }
    None
}

fn locate_operation(op: &Value, at: &Pointer) -> Option<Located> {
    if let Some(params) = op.get("parameters").and_then(Value::as_sequence) {
        for (i, p) in params.iter().enumerate() {
            if let Some(found) = attempt::<ReferenceOr<Parameter>>(p, &at.push("parameters").push(i)) {
                return Some(found);
            }
        }
    }
    if let Some(body) = op.get("requestBody") {
        if let Some(found) = attempt::<ReferenceOr<RequestBody>>(body, &at.push("requestBody")) {
            return Some(found);
        }
    }
    if let Some(responses) = op.get("responses") {
        let r_at = at.push("responses");
        match responses.as_mapping() {
            Some(map) => {
                for (code, response) in map {
                    if let Some(found) = attempt::<ReferenceOr<Response>>(response, &r_at.push(key_text(code))) {
                        return Some(found);
                    }
                }
            }
            None => {
                return Some(Located {
                    pointer: r_at,
                    message: "expected a map from status code to response".to_owned(),
                })
            }
        }
    }
    attempt::<Operation>(op, at)
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}
