//! Scalars: a string's format picks its [`TypeRef`], and a string or
//! integer schema with `enum` values becomes a [`TypeKind::Enum`] with
//! unique variant names and the `x-enum-descriptions` of its values.

use openapiv3::SchemaData;

use crate::error::{Pointer, SpecError};
use crate::ir::{EnumRepr, EnumValue, TypeKind, TypeRef};
use crate::lower::{names, Lowerer};

pub(super) fn string_ref(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("time") => TypeRef::Time,
        Some("uri" | "url") => TypeRef::Uri,
        Some("binary") => TypeRef::Binary,
        _ => TypeRef::String,
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn enum_kind(
        &self,
        repr: EnumRepr,
        values: Vec<String>,
        data: &SchemaData,
        at: &Pointer,
    ) -> Result<TypeKind, SpecError> {
        let descriptions = data.extensions.get("x-enum-descriptions");
        if let Some(d) = descriptions {
            if !d.is_object() {
                return Err(self.err(
                    &at.push("x-enum-descriptions"),
                    "expected a map from enum value to description",
                ));
            }
        }
        let mut taken = names::NameSet::default();
        // `Unknown` is the renderers' fallback variant for values added later.
        taken.insert("Unknown");
        let values = values
            .into_iter()
            .map(|value| EnumValue {
                variant: taken.unique(&names::variant_name(&value)),
                description: descriptions
                    .and_then(|d| d.get(&value))
                    .and_then(|d| d.as_str())
                    .map(str::to_owned),
                value,
            })
            .collect();
        Ok(TypeKind::Enum { repr, values })
    }
}
