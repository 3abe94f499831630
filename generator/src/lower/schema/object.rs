//! Objects: `properties` become [`Field`]s (with their per-use facts and
//! unique Rust names, inline types named after the owner), and an object
//! with only `additionalProperties` becomes a map.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::usage::Usage;
use super::shape::{boxed_as_plain, plain_as_ref};
use crate::error::{Pointer, SpecError};
use crate::ir::{Field, TypeRef};
use crate::lower::{names, Lowerer};

impl<'a> Lowerer<'a> {
    pub(super) fn map_values(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        at: &Pointer,
        hint: &str,
    ) -> Result<TypeRef, SpecError> {
        let values = match additional {
            Some(AdditionalProperties::Schema(s)) => self.type_ref(
                plain_as_ref(s),
                &at.push("additionalProperties"),
                &format!("{hint}Value"),
            )?,
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map { values: Box::new(values) })
    }

    pub(super) fn fields(
        &mut self,
        owner: &str,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &Pointer,
    ) -> Result<Vec<Field>, SpecError> {
        let props_at = at.push("properties");
        for r in required {
            if !properties.contains_key(r) {
                return Err(self.err(
                    &at.push("required"),
                    format!("`{r}` is listed as required but is not a property; expected one of the keys of `properties`"),
                ));
            }
        }
        let mut taken = names::NameSet::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, schema) in properties {
            let field_at = props_at.push(wire);
            let plain = boxed_as_plain(schema);
            let usage = match &plain {
                ReferenceOr::Reference { .. } => Usage::default(),
                ReferenceOr::Item(s) => Usage::from_schema(s),
            };
            let hint = format!("{owner}{}", names::type_name(wire));
            let ty = self.type_ref(plain, &field_at, &hint)?;
            fields.push(Field {
                name: wire.clone(),
                rust_name: taken.unique(&names::snake_ident(wire)),
                ty,
                required: required.iter().any(|r| r == wire),
                nullable: usage.nullable,
                read_only: usage.read_only,
                write_only: usage.write_only,
                deprecated: usage.deprecated,
                description: usage.description,
                format: usage.format,
                default: usage.default,
                example: usage.example,
                constraints: usage.constraints,
                record_key_example: usage.record_key_example,
                boxed: false,
            });
        }
        Ok(fields)
    }
}
