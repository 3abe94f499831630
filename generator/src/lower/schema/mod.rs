//! Lowering of schemas: component schemas and inline schemas become named
//! [`TypeDef`]s or structural [`TypeRef`]s.
//!
//! This module dispatches on a schema's [`Shape`](shape::Shape): [`Lowerer::type_ref`]
//! lowers a use of a schema (a field, a parameter, a body) and
//! [`Lowerer::define`] a named one; each kind of schema is handled by one
//! submodule:
//!
//! * [`shape`]: what a schema is, independent of how `openapiv3` parsed it;
//! * [`usage`]: per-use facts (nullable, docs, example, format, limits);
//! * [`component`]: component schemas, `$ref` resolution, allOf alias chains;
//! * [`scalar`]: strings, numbers and enums;
//! * [`object`]: properties as fields, `additionalProperties` as maps;
//! * [`compose`]: allOf, as the one typed member or as merged fields;
//! * [`union`]: anyOf/oneOf, their variants and how to decode them.

mod component;
mod compose;
mod object;
mod scalar;
mod shape;
mod union;
mod usage;

pub(crate) use usage::Usage;

use openapiv3::{ReferenceOr, Schema};

use self::component::SCHEMA_PREFIX;
use self::compose::sole_member;
use self::scalar::string_ref;
use self::shape::{boxed_as_plain, plain_as_ref, shape, Shape};
use super::names;
use super::Lowerer;
use crate::error::{Pointer, SpecError};
use crate::ir::{EnumRepr, TypeDef, TypeKind, TypeRef, TypeSource};

impl<'a> Lowerer<'a> {
    /// Lowers a schema used somewhere (a field, a parameter, a body) into a
    /// reference, defining a named type for inline objects, enums and unions.
    pub(crate) fn type_ref(
        &mut self,
        schema: ReferenceOr<&'a Schema>,
        at: &Pointer,
        hint: &str,
    ) -> Result<TypeRef, SpecError> {
        let schema = match schema {
            ReferenceOr::Reference { reference } if !reference.starts_with('#') => {
                return self.degrade(
                    at,
                    &format!("remote `$ref` `{reference}` is unsupported; expected a local reference starting with `{SCHEMA_PREFIX}` (bundle the document first)"),
                );
            }
            ReferenceOr::Reference { reference } => {
                let key = self.schema_ref_target(&reference, at)?;
                return Ok(TypeRef::named(self.component_names[key].clone()));
            }
            ReferenceOr::Item(s) => s,
        };
        match shape(&schema.schema_kind) {
            Shape::String { format, values } if values.is_empty() => Ok(string_ref(format)),
            Shape::Integer { format, values } if values.is_empty() => Ok(TypeRef::Integer {
                bits: if format == Some("int32") { 32 } else { 64 },
            }),
            Shape::Number => Ok(TypeRef::Number),
            Shape::Boolean => Ok(TypeRef::Boolean),
            Shape::Any => Ok(TypeRef::Any),
            Shape::Not => self.degrade(at, "`not` schemas are unsupported; expected a type, `$ref`, allOf, anyOf or oneOf"),
            Shape::Array { items } => {
                let items = match items {
                    Some(i) => self.type_ref(boxed_as_plain(i), &at.push("items"), &format!("{hint}Item"))?,
                    None => TypeRef::Any,
                };
                Ok(TypeRef::Array { items: Box::new(items) })
            }
            Shape::Object { properties, additional, .. } if properties.is_empty() => {
                self.map_values(additional, at, hint)
            }
            Shape::AllOf(members) => match sole_member(members) {
                Some((i, member)) => self.type_ref(plain_as_ref(member), &at.push("allOf").push(i), hint),
                None => self.inline_type(schema, at, hint),
            },
            _ => self.inline_type(schema, at, hint),
        }
    }

    /// Defines an inline schema as a named type, named after `hint`.
    fn inline_type(&mut self, schema: &'a Schema, at: &Pointer, hint: &str) -> Result<TypeRef, SpecError> {
        let name = self.type_names.unique(&names::type_name(hint));
        self.define(name.clone(), TypeSource::Inline { pointer: at.to_string() }, at, schema)?;
        Ok(TypeRef::named(name))
    }

    /// Defines the named type `name` from `schema`.
    fn define(
        &mut self,
        name: String,
        source: TypeSource,
        at: &Pointer,
        schema: &'a Schema,
    ) -> Result<(), SpecError> {
        let data = &schema.schema_data;
        let kind = match shape(&schema.schema_kind) {
            Shape::String { values, .. } if !values.is_empty() => {
                self.enum_kind(EnumRepr::String, values, data, at)?
            }
            Shape::Integer { values, .. } if !values.is_empty() => {
                self.enum_kind(EnumRepr::Integer, values, data, at)?
            }
            Shape::Object { properties, required, additional } => {
                if properties.is_empty() {
                    match self.map_values(additional, at, &name)? {
                        TypeRef::Map { values } => TypeKind::Map { values: *values },
                        other => TypeKind::Alias { target: other },
                    }
                } else {
                    TypeKind::Struct {
                        fields: self.fields(&name, properties, required, at)?,
                    }
                }
            }
            Shape::AllOf(members) => match sole_member(members) {
                Some((i, member)) => TypeKind::Alias {
                    target: self.type_ref(plain_as_ref(member), &at.push("allOf").push(i), &name)?,
                },
                None => TypeKind::Struct { fields: self.merged_fields(&name, members, at)? },
            },
            Shape::AnyOf(members) => TypeKind::Union(self.union(&name, members, data, &at.push("anyOf"))?),
            Shape::OneOf(members) => TypeKind::Union(self.union(&name, members, data, &at.push("oneOf"))?),
            _ => TypeKind::Alias {
                target: self.type_ref(ReferenceOr::Item(schema), at, &format!("{name}Inner"))?,
            },
        };
        let record_key_example = data
            .extensions
            .get("x-record-key-example")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let def = TypeDef {
            name: name.clone(),
            source,
            description: data.description.clone(),
            example: data.example.clone(),
            is_error: data.extensions.get("x-error").and_then(|v| v.as_bool()).unwrap_or(false),
            deprecated: data.deprecated,
            record_key_example,
            kind,
        };
        self.types.insert(name, def);
        Ok(())
    }
}
