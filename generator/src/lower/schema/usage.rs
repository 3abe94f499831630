//! [`Usage`]: the per-use facts of a schema (nullable, read/write-only,
//! docs, default, example, format, constraints), as opposed to its type.

use openapiv3::{IntegerFormat, ReferenceOr, Schema, SchemaData, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::compose::annotations_only;
use super::shape::{shape, string_format, Shape};
use crate::ir::Constraints;

fn format_text<T>(f: &VariantOrUnknownOrEmpty<T>, known: Option<&'static str>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        _ => known.map(str::to_owned),
    }
}

fn constraints(kind: &SchemaKind) -> Constraints {
    let mut c = Constraints::default();
    match kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length;
            c.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        SchemaKind::Any(a) => {
            c.minimum = a.minimum;
            c.maximum = a.maximum;
            c.min_length = a.min_length;
            c.max_length = a.max_length;
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        _ => {}
    }
    c
}

fn schema_format(kind: &SchemaKind) -> Option<String> {
    match kind {
        SchemaKind::Type(Type::String(s)) => format_text(&s.format, string_format(&s.format)),
        SchemaKind::Type(Type::Integer(i)) => format_text(
            &i.format,
            match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
                _ => None,
            },
        ),
        SchemaKind::Any(a) => a.format.clone(),
        _ => None,
    }
}

/// Per-use facts of a schema (nullable, docs, example), as opposed to its type.
#[derive(Debug, Default, Clone)]
pub(crate) struct Usage {
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
    pub format: Option<String>,
    pub constraints: Constraints,
    pub record_key_example: Option<String>,
}

impl Usage {
    pub(crate) fn of(schema: &ReferenceOr<Schema>) -> Usage {
        match schema {
            ReferenceOr::Reference { .. } => Usage::default(),
            ReferenceOr::Item(s) => Usage::from_schema(s),
        }
    }

    pub(crate) fn from_schema(s: &Schema) -> Usage {
        let d: &SchemaData = &s.schema_data;
        // `allOf: [$ref: X, {nullable: true}]`: the annotations of the
        // inline members apply to the use.
        let annotations: Vec<&SchemaData> = match shape(&s.schema_kind) {
            Shape::AllOf(members) => members.iter().filter_map(annotations_only).collect(),
            _ => Vec::new(),
        };
        Usage {
            nullable: d.nullable || annotations.iter().any(|a| a.nullable),
            read_only: d.read_only,
            write_only: d.write_only,
            deprecated: d.deprecated || annotations.iter().any(|a| a.deprecated),
            description: d.description.clone().or_else(|| annotations.iter().find_map(|a| a.description.clone())),
            default: d.default.clone(),
            example: d.example.clone(),
            format: schema_format(&s.schema_kind),
            constraints: constraints(&s.schema_kind),
            record_key_example: d
                .extensions
                .get("x-record-key-example")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        }
    }
}
