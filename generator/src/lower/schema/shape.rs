//! A schema's [`Shape`]: what kind of schema it is (string, object, allOf,
//! ...), read the same way whether `openapiv3` parsed it as a typed schema
//! or as `SchemaKind::Any`; and borrowed views of schema references.

use openapiv3::{AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// A schema's shape, independent of how `openapiv3` happened to parse it.
pub(super) enum Shape<'s> {
    String {
        format: Option<&'s str>,
        values: Vec<String>,
    },
    Integer {
        format: Option<&'s str>,
        values: Vec<String>,
    },
    Number,
    Boolean,
    Object {
        properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
    },
    Array {
        items: Option<&'s ReferenceOr<Box<Schema>>>,
    },
    AllOf(&'s [ReferenceOr<Schema>]),
    AnyOf(&'s [ReferenceOr<Schema>]),
    OneOf(&'s [ReferenceOr<Schema>]),
    Any,
    Not,
}

pub(super) fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<&'static str> {
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
        _ => None,
    }
}

pub(super) fn shape(kind: &SchemaKind) -> Shape<'_> {
    match kind {
        SchemaKind::Type(Type::String(s)) => Shape::String {
            format: match &s.format {
                VariantOrUnknownOrEmpty::Unknown(u) => Some(u.as_str()),
                other => string_format(other),
            },
            values: s.enumeration.iter().flatten().cloned().collect(),
        },
        SchemaKind::Type(Type::Integer(i)) => Shape::Integer {
            format: match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                VariantOrUnknownOrEmpty::Unknown(u) => Some(u.as_str()),
                VariantOrUnknownOrEmpty::Empty => None,
            },
            values: i.enumeration.iter().flatten().map(i64::to_string).collect(),
        },
        SchemaKind::Type(Type::Number(_)) => Shape::Number,
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::Type(Type::Object(o)) => Shape::Object {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => Shape::Array {
            items: a.items.as_ref(),
        },
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
        SchemaKind::AnyOf { any_of } => Shape::AnyOf(any_of),
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of),
        SchemaKind::Not { .. } => Shape::Not,
        SchemaKind::Any(a) => {
            if !a.all_of.is_empty() {
                Shape::AllOf(&a.all_of)
            } else if !a.any_of.is_empty() {
                Shape::AnyOf(&a.any_of)
            } else if !a.one_of.is_empty() {
                Shape::OneOf(&a.one_of)
            } else if a.not.is_some() {
                Shape::Not
            } else if a.typ.as_deref() == Some("object") || !a.properties.is_empty() {
                Shape::Object {
                    properties: &a.properties,
                    required: &a.required,
                    additional: a.additional_properties.as_ref(),
                }
            } else if a.typ.as_deref() == Some("array") || a.items.is_some() {
                Shape::Array {
                    items: a.items.as_ref(),
                }
            } else {
                match a.typ.as_deref() {
                    Some("string") => Shape::String {
                        format: a.format.as_deref(),
                        values: enum_texts(&a.enumeration),
                    },
                    Some("integer") => Shape::Integer {
                        format: a.format.as_deref(),
                        values: enum_texts(&a.enumeration),
                    },
                    Some("number") => Shape::Number,
                    Some("boolean") => Shape::Boolean,
                    _ => Shape::Any,
                }
            }
        }
    }
}

fn enum_texts(values: &[serde_json::Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// A property's or item's schema (boxed in `openapiv3`) as a plain reference.
pub(super) fn boxed_as_plain(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b.as_ref()),
    }
}

/// A schema (or `$ref`) as a borrowed one.
pub(super) fn plain_as_ref(s: &ReferenceOr<Schema>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b),
    }
}
