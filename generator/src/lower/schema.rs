//! Lowering of schemas: component schemas and inline schemas become named
//! [`TypeDef`]s or structural [`TypeRef`]s.

use std::collections::{BTreeMap, HashSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};

use super::names;
use super::Lowerer;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Constraints, EnumRepr, EnumValue, Field, TypeDef, TypeKind, TypeRef, TypeSource, Union,
    UnionDecoding, UnionVariant,
};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A schema's shape, independent of how `openapiv3` happened to parse it.
enum Shape<'s> {
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

fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<&'static str> {
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
        _ => None,
    }
}

fn format_text<T>(f: &VariantOrUnknownOrEmpty<T>, known: Option<&'static str>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        _ => known.map(str::to_owned),
    }
}

fn shape(kind: &SchemaKind) -> Shape<'_> {
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

fn boxed_as_plain(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b.as_ref()),
    }
}

fn plain_as_ref(s: &ReferenceOr<Schema>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b),
    }
}

/// A named `serde_json::Value`: what `--lenient` makes of a component it
/// cannot lower.
fn opaque(name: String, source: TypeSource) -> TypeDef {
    TypeDef {
        name,
        source,
        description: None,
        example: None,
        is_error: false,
        deprecated: false,
        record_key_example: None,
        kind: TypeKind::Alias { target: TypeRef::Any },
    }
}

/// The annotations of an allOf member that has no type of its own
/// (`{nullable: true}`, `{description: ..}`).
fn annotations_only(member: &ReferenceOr<Schema>) -> Option<&SchemaData> {
    match member {
        ReferenceOr::Item(m) if matches!(shape(&m.schema_kind), Shape::Any) => Some(&m.schema_data),
        _ => None,
    }
}

/// The one member of an allOf that says what the type is, with its index,
/// when the others only annotate it (`[$ref: X, {nullable: true}]`,
/// `[$ref: X, {description: ..}]`): the allOf is then that member.
fn sole_member(members: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut typed = members.iter().enumerate().filter(|(_, m)| annotations_only(m).is_none());
    match (typed.next(), typed.next()) {
        (Some(only), None) => Some(only),
        (None, None) => members.first().map(|m| (0, m)),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The component name a schema `$ref` points at, checked to exist.
    pub(crate) fn schema_ref_target(&self, reference: &str, at: &Pointer) -> Result<&'a str, SpecError> {
        let name = self.local_ref(reference, SCHEMA_PREFIX, at)?;
        let schemas = self.doc.components.as_ref().map(|c| &c.schemas);
        match schemas.and_then(|s| s.get_key_value(name)) {
            Some((key, _)) => Ok(key.as_str()),
            None => Err(self.err(
                at,
                format!("dangling `$ref`: `{reference}` does not exist; expected a schema under #/components/schemas"),
            )),
        }
    }

    /// The component schema with the given (existing) name.
    fn component_schema(&self, name: &str, at: &Pointer) -> Result<&'a Schema, SpecError> {
        let schema = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .ok_or_else(|| self.err(at, format!("schema `{name}` does not exist")))?;
        match schema {
            ReferenceOr::Item(s) => Ok(s),
            ReferenceOr::Reference { reference } => Err(self.err(
                &Pointer::root().push("components").push("schemas").push(name),
                format!("a component schema that is only a `$ref` (`{reference}`) is not supported; expected a schema object"),
            )),
        }
    }

    /// Lowers every component schema into a named type.
    pub(crate) fn lower_components(&mut self) -> Result<(), SpecError> {
        let Some(components) = self.doc.components.as_ref() else {
            return Ok(());
        };
        for key in components.schemas.keys() {
            let name = self.type_names.unique(&names::type_name(key));
            self.component_names.insert(key.clone(), name);
        }
        // Components whose allOf alias chain is known to end in a real type.
        let mut chains_ok = HashSet::new();
        for key in components.schemas.keys() {
            let at = Pointer::root().push("components").push("schemas").push(key);
            let name = self.component_names[key.as_str()].clone();
            let source = TypeSource::Component { name: key.clone() };
            let lowered = self
                .component_schema(key, &at)
                .and_then(|schema| self.check_alias_chain(key, &at, &mut chains_ok).map(|()| schema))
                .and_then(|schema| self.define(name.clone(), source.clone(), &at, schema));
            if let Err(e) = lowered {
                self.demote(e, &format!("the component `{key}` is degraded to `serde_json::Value`"))?;
                self.types.insert(name.clone(), opaque(name, source));
            }
        }
        Ok(())
    }

    /// Rejects `A: allOf[$ref B]`, `B: allOf[$ref A]`: a type that is only
    /// itself cannot be represented. A chain that reaches a component in
    /// `ok` stops there, and every component of a chain that ends well is
    /// added to `ok`, so each chain is walked once, not once per member.
    fn check_alias_chain(&self, start: &'a str, at: &Pointer, ok: &mut HashSet<&'a str>) -> Result<(), SpecError> {
        let mut seen = vec![start];
        let mut current = self.component_schema(start, at)?;
        loop {
            let Shape::AllOf(members) = shape(&current.schema_kind) else {
                ok.extend(seen);
                return Ok(());
            };
            let mut next = None;
            for (i, m) in members.iter().enumerate() {
                if let ReferenceOr::Reference { reference } = m {
                    let target = self.schema_ref_target(reference, &at.push("allOf").push(i))?;
                    if seen.contains(&target) {
                        seen.push(target);
                        return Err(self.err(
                            at,
                            format!(
                                "`$ref` cycle through allOf cannot be represented: {}; expected the chain to end in a schema with its own type",
                                seen.join(" → ")
                            ),
                        ));
                    }
                    next = Some(target);
                }
            }
            match next {
                Some(target) if ok.contains(target) => {
                    ok.extend(seen);
                    return Ok(());
                }
                Some(target) => {
                    seen.push(target);
                    current = self.component_schema(target, at)?;
                }
                None => {
                    ok.extend(seen);
                    return Ok(());
                }
            }
        }
    }

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

    fn map_values(
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

    fn enum_kind(
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

    fn fields(
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

    /// Merges the members of a multi-member `allOf` into one field list.
    /// Members are read in order; a later member's field replaces an earlier
    /// field of the same wire name, and a field is required if any member
    /// requires it.
    fn merged_fields(
        &mut self,
        owner: &str,
        members: &'a [ReferenceOr<Schema>],
        at: &Pointer,
    ) -> Result<Vec<Field>, SpecError> {
        // `merging` holds the components whose fields are being merged,
        // across nested merges too (a member's field can itself be an allOf
        // that reaches the same component); it is restored however this ends.
        let depth = self.merging.len();
        let per_member = self.members_fields(owner, members, at);
        self.merging.truncate(depth);
        let mut merged: Vec<Field> = Vec::new();
        for f in per_member?.into_iter().flatten() {
            match merged.iter_mut().find(|m| m.name == f.name) {
                Some(existing) => {
                    let required = existing.required || f.required;
                    *existing = Field { required, ..f };
                }
                None => merged.push(f),
            }
        }
        let mut taken = names::NameSet::default();
        for f in &mut merged {
            f.rust_name = taken.unique(&names::snake_ident(&f.name));
        }
        Ok(merged)
    }

    /// The fields of each member of an allOf, in order.
    fn members_fields(&mut self, owner: &str, members: &'a [ReferenceOr<Schema>], at: &Pointer) -> Result<Vec<Vec<Field>>, SpecError> {
        let mut all = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            all.push(self.member_fields(owner, plain_as_ref(member), &at.push("allOf").push(i))?);
        }
        Ok(all)
    }

    fn member_fields(&mut self, owner: &str, member: ReferenceOr<&'a Schema>, at: &Pointer) -> Result<Vec<Field>, SpecError> {
        let is_ref = matches!(member, ReferenceOr::Reference { .. });
        let (schema, at) = match member {
            ReferenceOr::Reference { reference } => {
                let key = self.schema_ref_target(&reference, at)?;
                if self.merging.iter().any(|s| s == key) {
                    let mut stack = self.merging.clone();
                    stack.push(key.to_owned());
                    return Err(self.err(
                        at,
                        format!("`$ref` cycle through allOf cannot be represented: {}; expected allOf members that do not include themselves", stack.join(" → ")),
                    ));
                }
                self.merging.push(key.to_owned());
                let at = Pointer::root().push("components").push("schemas").push(key);
                (self.component_schema(key, &at)?, at)
            }
            ReferenceOr::Item(s) => (s, at.clone()),
        };
        let fields = match shape(&schema.schema_kind) {
            Shape::Object { properties, required, .. } => self.fields(owner, properties, required, &at)?,
            Shape::AllOf(members) => self.members_fields(owner, members, &at)?.into_iter().flatten().collect(),
            // `{nullable: true}`, `{description: ..}`: annotations, no fields.
            Shape::Any => Vec::new(),
            _ => {
                return Err(self.err(
                    &at,
                    "an allOf member with several members must be an object; expected `type: object` with properties",
                ))
            }
        };
        if is_ref {
            self.merging.pop();
        }
        Ok(fields)
    }

    fn union(
        &mut self,
        owner: &str,
        members: &'a [ReferenceOr<Schema>],
        data: &SchemaData,
        at: &Pointer,
    ) -> Result<Union, SpecError> {
        let mut variants = Vec::with_capacity(members.len());
        let mut member_names = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let member_at = at.push(i);
            let ty = self.type_ref(plain_as_ref(member), &member_at, &format!("{owner}Variant{}", i + 1))?;
            let schema = match member {
                ReferenceOr::Reference { reference } => {
                    let key = self.schema_ref_target(reference, &member_at)?;
                    self.component_schema(key, &member_at)?
                }
                ReferenceOr::Item(s) => s,
            };
            let (tags, required, properties) = self.member_facts(schema, &member_at)?;
            member_names.push(ty.as_named().unwrap_or("Value").to_owned());
            variants.push(UnionVariant {
                variant: String::new(),
                ty,
                tags,
                required,
                properties,
            });
        }
        for (v, name) in variants.iter_mut().zip(variant_names(&member_names)) {
            v.variant = name;
        }
        if let Some(d) = &data.discriminator {
            // The tag value of each member: its `mapping` key, else (as
            // OpenAPI says) the component's name, unless it has a literal.
            for (v, member) in variants.iter_mut().zip(members) {
                if v.tags.contains_key(&d.property_name) {
                    continue;
                }
                let ReferenceOr::Reference { reference } = member else { continue };
                let value = d
                    .mapping
                    .iter()
                    .find(|(_, target)| *target == reference)
                    .map(|(key, _)| key.clone())
                    .or_else(|| reference.strip_prefix(SCHEMA_PREFIX).map(str::to_owned));
                if let Some(value) = value {
                    v.tags.insert(d.property_name.clone(), value);
                }
            }
        }
        let decoding = match &data.discriminator {
            Some(d) => UnionDecoding::Tagged {
                property: d.property_name.clone(),
                inferred: false,
            },
            None => infer_tag(&variants)
                .map(|property| UnionDecoding::Tagged { property, inferred: true })
                .unwrap_or_else(|| UnionDecoding::Structural {
                    order: structural_order(&variants),
                }),
        };
        Ok(Union { variants, decoding })
    }

    /// Literal tags, required and all property names of a union member.
    #[allow(clippy::type_complexity)]
    fn member_facts(
        &self,
        schema: &'a Schema,
        at: &Pointer,
    ) -> Result<(BTreeMap<String, String>, Vec<String>, Vec<String>), SpecError> {
        let Shape::Object { properties, required, .. } = shape(&schema.schema_kind) else {
            return Ok((BTreeMap::new(), Vec::new(), Vec::new()));
        };
        let mut tags = BTreeMap::new();
        for r in required {
            let Some(prop) = properties.get(r) else { continue };
            let literal = match prop {
                ReferenceOr::Item(s) => single_value(s),
                ReferenceOr::Reference { reference } => {
                    let key = self.schema_ref_target(reference, &at.push("properties").push(r))?;
                    single_value(self.component_schema(key, at)?)
                }
            };
            if let Some(v) = literal {
                tags.insert(r.clone(), v);
            }
        }
        Ok((tags, required.to_vec(), properties.keys().cloned().collect()))
    }
}

fn string_ref(format: Option<&str>) -> TypeRef {
    match format {
        Some("date-time") => TypeRef::DateTime,
        Some("date") => TypeRef::Date,
        Some("time") => TypeRef::Time,
        Some("uri" | "url") => TypeRef::Uri,
        Some("binary") => TypeRef::Binary,
        _ => TypeRef::String,
    }
}

fn single_value(s: &Schema) -> Option<String> {
    match shape(&s.schema_kind) {
        Shape::String { values, .. } | Shape::Integer { values, .. } if values.len() == 1 => {
            values.into_iter().next()
        }
        _ => None,
    }
}

/// The property every variant carries as a literal, with values that tell
/// most variants apart (`type` over `event`); `None` if there is none.
fn infer_tag(variants: &[UnionVariant]) -> Option<String> {
    let first = variants.first()?;
    first
        .tags
        .keys()
        .filter(|k| variants.iter().all(|v| v.tags.contains_key(*k)))
        .max_by_key(|k| {
            let distinct: HashSet<&String> = variants.iter().filter_map(|v| v.tags.get(*k)).collect();
            (distinct.len(), std::cmp::Reverse((*k).clone()))
        })
        .cloned()
        .filter(|k| {
            // Variants sharing every tag value could not be told apart.
            let mut seen = HashSet::new();
            variants.iter().all(|v| seen.insert(&v.tags)) && !k.is_empty()
        })
}

/// Most required properties first, then most properties, then spec order;
/// so an empty object comes last.
fn structural_order(variants: &[UnionVariant]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..variants.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(variants[i].required.len()),
            std::cmp::Reverse(variants[i].properties.len()),
            i,
        )
    });
    order
}

/// Variant names from member type names with the shared prefix or suffix
/// removed (`ViewBlockHeader` → `Header`, `MessageWebhookPayload` → `Message`),
/// when that leaves every name non-empty and distinct.
fn variant_names(members: &[String]) -> Vec<String> {
    let words: Vec<Vec<String>> = members.iter().map(|m| pascal_words(m)).collect();
    let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
    let prefix = (0..shortest)
        .take_while(|&i| words.iter().all(|w| w[i] == words[0][i]))
        .count();
    let suffix = (0..shortest)
        .take_while(|&i| words.iter().all(|w| w[w.len() - 1 - i] == words[0][words[0].len() - 1 - i]))
        .count();
    let stripped: Vec<String> = words
        .iter()
        .map(|w| {
            let end = w.len().saturating_sub(suffix);
            let start = prefix.min(end);
            w[start..end].concat()
        })
        .collect();
    let distinct: HashSet<&String> = stripped.iter().collect();
    if members.len() > 1 && distinct.len() == members.len() && stripped.iter().all(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit())) {
        stripped
    } else {
        let mut taken = names::NameSet::default();
        members.iter().map(|m| taken.unique(m)).collect()
    }
}

fn pascal_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(w) if !c.is_ascii_uppercase() => w.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_strip_shared_words() {
        let names = |v: &[&str]| variant_names(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&["ViewBlockHeader", "ViewBlockPlainText"]), ["Header", "PlainText"]);
        assert_eq!(names(&["MessageWebhookPayload", "LinkSharedWebhookPayload"]), ["Message", "LinkShared"]);
        // Stripping would leave an empty name: keep the full names.
        assert_eq!(names(&["AuditDetails", "AuditDetailsChat"]), ["AuditDetails", "AuditDetailsChat"]);
    }
}
