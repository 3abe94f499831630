//! Sample values built from the IR: the smallest valid JSON for a type,
//! preferring the spec's own examples. Used for generated contract tests and
//! for request bodies shown in documentation.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::ir::{Api, EnumRepr, Field, TypeDef, TypeKind, TypeRef};

/// Builds sample values for the types of one API.
pub struct Sampler<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
    /// Whether required `readOnly` fields are filled in (what a response carries).
    read_only: bool,
}

/// Guards against recursive types: past this depth an array is empty and a
/// named type `null` (scalars are still sampled, so a required recursive
/// array such as a tree's `children` ends as `[]`).
const MAX_DEPTH: usize = 8;

impl<'a> Sampler<'a> {
    /// Samples of request values: required `readOnly` fields are left out.
    pub fn new(api: &'a Api) -> Self {
        Sampler { types: api.types.iter().map(|t| (t.name.as_str(), t)).collect(), read_only: false }
    }

    /// Samples of response values: required `readOnly` fields are included.
    pub fn for_responses(api: &'a Api) -> Self {
        Sampler { read_only: true, ..Sampler::new(api) }
    }

    /// A sample of `ty`: the type's example when the spec has one, otherwise
    /// an object with every required field (optional ones left out).
    pub fn value(&self, ty: &TypeRef) -> Value {
        self.at_depth(ty, 0)
    }

    fn at_depth(&self, ty: &TypeRef, depth: usize) -> Value {
        match ty {
            TypeRef::String => json!("example"),
            TypeRef::DateTime => json!("2025-01-01T00:00:00.000Z"),
            TypeRef::Date => json!("2025-01-01"),
            TypeRef::Time => json!("10:00"),
            TypeRef::Uri => json!("https://example.com"),
            TypeRef::Binary => json!(""),
            TypeRef::Integer { .. } => json!(1),
            TypeRef::Number => json!(1.0),
            TypeRef::Boolean => json!(true),
            TypeRef::Any => json!({}),
            TypeRef::Array { .. } if depth >= MAX_DEPTH => json!([]),
            TypeRef::Array { items } => Value::Array(vec![self.at_depth(items, depth + 1)]),
            TypeRef::Map { .. } => json!({}),
            TypeRef::Named { .. } if depth > MAX_DEPTH => Value::Null,
            TypeRef::Named { name } => match self.types.get(name.as_str()) {
                Some(def) => self.named(def, depth),
                None => Value::Null,
            },
        }
    }

    fn named(&self, def: &TypeDef, depth: usize) -> Value {
        if let Some(example) = &def.example {
            return example.clone();
        }
        match &def.kind {
            TypeKind::Struct { fields } => {
                let mut object = Map::new();
                for f in fields.iter().filter(|f| f.required && (self.read_only || !f.read_only)) {
                    object.insert(f.name.clone(), self.field(f, depth));
                }
                Value::Object(object)
            }
            TypeKind::Enum { repr, values } => match (repr, values.first()) {
                (EnumRepr::Integer, Some(v)) => v.value.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
                (EnumRepr::String, Some(v)) => Value::String(v.value.clone()),
                (_, None) => Value::Null,
            },
            TypeKind::Union(u) => u.variants.first().map(|v| self.at_depth(&v.ty, depth + 1)).unwrap_or(Value::Null),
            TypeKind::Map { .. } => json!({}),
            TypeKind::Alias { target } => self.at_depth(target, depth + 1),
        }
    }

    /// A field's example if it has one, else a sample of its type within its limits.
    pub fn field(&self, f: &Field, depth: usize) -> Value {
        if let Some(example) = &f.example {
            if !example.is_null() {
                return example.clone();
            }
        }
        let mut value = self.at_depth(&f.ty, depth + 1);
        if let (Value::String(s), Some(max)) = (&mut value, f.constraints.max_length) {
            s.truncate(max);
        }
        if let (Value::Number(_), Some(min)) = (&value, f.constraints.minimum) {
            value = json!(min as i64);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Constraints, TypeSource};

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: name.into(),
            rust_name: name.into(),
            ty,
            required,
            nullable: false,
            read_only: false,
            write_only: false,
            deprecated: false,
            description: None,
            format: None,
            default: None,
            example: None,
            constraints: Constraints::default(),
            record_key_example: None,
            boxed: false,
        }
    }

    /// An API with one struct `name` of `fields`.
    fn api_of(name: &str, fields: Vec<Field>) -> Api {
        let def = TypeDef {
            name: name.into(),
            source: TypeSource::Component { name: name.into() },
            description: None,
            example: None,
            is_error: false,
            deprecated: false,
            record_key_example: None,
            kind: TypeKind::Struct { fields },
        };
        Api { title: "T".into(), version: "1".into(), description: None, servers: vec![], services: vec![], types: vec![def], token_required: false }
    }

    #[test]
    fn required_fields_only_with_examples_preferred() {
        let mut with_example = field("content", TypeRef::String, true);
        with_example.example = Some(json!("hello"));
        let api = api_of("Msg", vec![with_example, field("chat_id", TypeRef::Integer { bits: 32 }, true), field("note", TypeRef::String, false)]);
        let sampler = Sampler::new(&api);
        assert_eq!(sampler.value(&TypeRef::named("Msg")), json!({"content": "hello", "chat_id": 1}));
    }

    /// A tree whose `children` are required: the sample is finite and every
    /// node has its `id` (no `null` for a required non-nullable field).
    #[test]
    fn a_required_recursive_array_ends_empty() {
        let children = field("children", TypeRef::Array { items: Box::new(TypeRef::named("Node")) }, true);
        let api = api_of("Node", vec![field("id", TypeRef::Integer { bits: 64 }, true), children]);
        let mut node = Sampler::new(&api).value(&TypeRef::named("Node"));
        let mut depth = 0;
        while let Some(next) = node["children"].get(0).cloned() {
            assert_eq!(node["id"], json!(1));
            node = next;
            depth += 1;
        }
        assert_eq!(node, json!({"id": 1, "children": []}), "after {depth} levels");
    }
}
