//! The "Limitations" facts of a skill, all taken from the spec: enum values
//! with their descriptions, tagged unions, maximum lengths and item counts,
//! numeric ranges, pagination and plan requirements of the skill's operations.
//!
//! Each field is named both ways, as its wire path (`message.entity_type`)
//! and, when it is a flag of the command, as that flag (`--entity-type`);
//! the template picks one per variant.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::cli_model::{CliModel, Command};
use crate::ir::{Api, Constraints, Field, MediaType, Operation, ParamLocation, TypeKind, TypeRef, UnionDecoding};

/// Everything the Limitations section lists.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LimitsCtx {
    pub enums: Vec<EnumNote>,
    pub unions: Vec<UnionNote>,
    pub max_lengths: Vec<Note>,
    pub max_items: Vec<Note>,
    pub ranges: Vec<RangeNote>,
    /// Set when any operation of the skill is paginated.
    pub pagination: Option<PaginationNote>,
    pub plans: Vec<PlanNote>,
}

/// A field, by wire path and (when it is one) by flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldName {
    pub wire: String,
    pub flag: Option<String>,
}

impl FieldName {
    /// The name a reader sees in the `cli` variant (the flag, else the wire
    /// path): two fields with the same key need telling apart.
    fn key(&self) -> String {
        self.flag.clone().unwrap_or_else(|| self.wire.clone())
    }
}

/// Allowed values of a field.
#[derive(Debug, Clone, Serialize)]
pub struct EnumNote {
    pub field: FieldName,
    pub values: Vec<ValueNote>,
    /// Set when another field of the skill has the same name but other
    /// values: the command (`members list`) and endpoint it belongs to.
    pub command: Option<String>,
    pub endpoint: Option<String>,
}

/// One allowed value and what it means.
#[derive(Debug, Clone, Serialize)]
pub struct ValueNote {
    pub value: String,
    pub description: Option<String>,
}

/// The kinds of items a field takes, told apart by a tag property.
#[derive(Debug, Clone, Serialize)]
pub struct UnionNote {
    pub field: FieldName,
    /// The tag property (`type`).
    pub tag: String,
    pub variants: Vec<VariantNote>,
}

/// One kind of item in a [`UnionNote`].
#[derive(Debug, Clone, Serialize)]
pub struct VariantNote {
    pub value: String,
    pub description: Option<String>,
    /// Required properties other than the tag.
    pub required: Vec<String>,
}

/// A field and one limit (`255`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub field: FieldName,
    pub value: String,
    /// Set when a field of the same name has another limit (or none) in
    /// another command of the skill: the command and endpoint this one is of.
    pub command: Option<String>,
    pub endpoint: Option<String>,
}

/// Numeric bounds of a field; several entries when commands differ.
#[derive(Debug, Clone, Serialize)]
pub struct RangeNote {
    pub field: FieldName,
    pub entries: Vec<RangeEntry>,
}

/// Bounds shared by some commands.
#[derive(Debug, Clone, Serialize)]
pub struct RangeEntry {
    pub min: Option<String>,
    pub max: Option<String>,
    /// The commands (`group action`) with these bounds.
    pub commands: Vec<String>,
    /// The same, as `METHOD /path`.
    pub endpoints: Vec<String>,
}

/// Pagination of the skill's lists.
#[derive(Debug, Clone, Serialize)]
pub struct PaginationNote {
    /// The commands (`group action`) that are paginated.
    pub commands: Vec<String>,
    /// Query parameter with the cursor (`cursor`).
    pub cursor_param: String,
    /// Where the next cursor is in a response (`meta.paginate.next_page`).
    pub next_cursor: String,
}

/// Operations that need a paid plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanNote {
    pub plan: String,
    /// `[command, "METHOD /path"]`.
    pub endpoints: Vec<[String; 2]>,
}

const MAX_DEPTH: usize = 3;

/// Collects the limitations of `ops`.
pub fn collect(api: &Api, cli: &CliModel, ops: &[&Operation]) -> LimitsCtx {
    let mut c = Collector { api, limits: LimitsCtx::default(), seen: BTreeSet::new(), lengths: BTreeMap::new() };
    for op in ops {
        let Some(command) = cli.by_operation(&op.id) else { continue };
        let cursor = op.pagination.as_ref().map(|p| p.cursor_param.as_str());
        for p in op.params.iter().filter(|p| p.location == ParamLocation::Query && Some(p.name.as_str()) != cursor) {
            let name = FieldName { wire: p.name.clone(), flag: command.flag_for_query(&p.name).map(|f| format!("--{}", f.name)) };
            c.field(command, name, &p.ty, &p.constraints, 0);
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.media == MediaType::Json) {
            if let Some(fields) = c.struct_fields(&body.ty) {
                c.fields(command, &[], None, fields, 0);
            }
        }
        if let Some(p) = &op.pagination {
            let note = c.limits.pagination.get_or_insert_with(|| PaginationNote {
                commands: Vec::new(),
                cursor_param: p.cursor_param.clone(),
                next_cursor: format!("meta.{}", p.next_cursor.join(".")),
            });
            note.commands.push(command.name());
        }
        if let Some(plan) = &op.auth.plan {
            let endpoint = [command.name(), format!("{} {}", op.http_method.as_str(), op.path)];
            match c.limits.plans.iter_mut().find(|n| &n.plan == plan) {
                Some(note) => note.endpoints.push(endpoint),
                None => c.limits.plans.push(PlanNote { plan: plan.clone(), endpoints: vec![endpoint] }),
            }
        }
    }
    // Name the command only where the same field name has another limit elsewhere.
    for n in &mut c.limits.max_lengths {
        if c.lengths.get(&n.field.key()).map_or(0, BTreeSet::len) < 2 {
            n.command = None;
            n.endpoint = None;
        }
    }
    // Likewise for enums with different values under one name.
    let enums = &mut c.limits.enums;
    let names: Vec<String> = enums.iter().map(|e| e.field.key()).collect();
    for e in enums.iter_mut() {
        if names.iter().filter(|n| **n == e.field.key()).count() < 2 {
            e.command = None;
            e.endpoint = None;
        }
    }
    c.limits
}

struct Collector<'a> {
    api: &'a Api,
    limits: LimitsCtx,
    /// `(kind, wire, detail)` already listed.
    seen: BTreeSet<(&'static str, String, String)>,
    /// Every maximum length seen per wire name (`None`: a field without one).
    lengths: BTreeMap<String, BTreeSet<Option<usize>>>,
}

impl<'a> Collector<'a> {
    fn def(&self, ty: &TypeRef) -> Option<&'a TypeKind> {
        let name = ty.as_named()?;
        self.api.types.iter().find(|t| t.name == name).map(|t| &t.kind)
    }

    fn struct_fields(&self, ty: &TypeRef) -> Option<&'a [Field]> {
        match self.def(ty)? {
            TypeKind::Struct { fields } => Some(fields),
            TypeKind::Alias { target } => self.struct_fields(target),
            _ => None,
        }
    }

    fn first_time(&mut self, kind: &'static str, wire: &str, detail: String) -> bool {
        self.seen.insert((kind, wire.to_owned(), detail))
    }

    /// Fields under `path`; `parent_flag` is the flag holding them as JSON, if any.
    fn fields(&mut self, command: &Command, path: &[String], parent_flag: Option<&str>, fields: &[Field], depth: usize) {
        for f in fields.iter().filter(|f| !f.read_only) {
            let mut wire_path = path.to_vec();
            wire_path.push(f.name.clone());
            let flag = match command.flag_for_body(&wire_path) {
                Some(fl) => Some(format!("--{}", fl.name)),
                None => parent_flag.map(|p| format!("{p}.{}", f.name)),
            };
            let name = FieldName { wire: wire_path.join("."), flag };
            self.field(command, name, &f.ty, &f.constraints, depth);
        }
    }

    fn field(&mut self, command: &Command, name: FieldName, ty: &TypeRef, constraints: &Constraints, depth: usize) {
        self.constraints(command, &name, constraints);
        match ty {
            TypeRef::Array { items } => {
                let inner = FieldName { wire: format!("{}[]", name.wire), flag: name.flag.as_ref().map(|f| format!("{f}[]")) };
                match self.def(items) {
                    Some(TypeKind::Enum { .. } | TypeKind::Union(_)) => self.field(command, name, items, &Constraints::default(), depth),
                    _ => self.field(command, inner, items, &Constraints::default(), depth),
                }
            }
            TypeRef::Named { .. } => match self.def(ty) {
                Some(TypeKind::Enum { values, .. }) => {
                    let detail = values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>().join(",");
                    if self.first_time("enum", &name.wire, detail) {
                        let values = values.iter().map(|v| ValueNote { value: v.value.clone(), description: v.description.clone() }).collect();
                        let endpoint = Some(format!("{} {}", command.method.as_str(), command.path));
                        self.limits.enums.push(EnumNote { field: name, values, command: Some(command.name()), endpoint });
                    }
                }
                Some(TypeKind::Union(u)) => {
                    let UnionDecoding::Tagged { property, .. } = &u.decoding else { return };
                    if !self.first_time("union", &name.wire, String::new()) {
                        return;
                    }
                    let variants = u
                        .variants
                        .iter()
                        .filter_map(|v| {
                            let value = v.tags.get(property)?.clone();
                            let def = v.ty.as_named().and_then(|n| self.api.types.iter().find(|t| t.name == n));
                            Some(VariantNote {
                                value,
                                description: def.and_then(|d| d.description.clone()),
                                required: v.required.iter().filter(|r| *r != property).cloned().collect(),
                            })
                        })
                        .collect();
                    self.limits.unions.push(UnionNote { field: name, tag: property.clone(), variants });
                }
                Some(TypeKind::Alias { target }) => self.field(command, name, target, &Constraints::default(), depth),
                Some(TypeKind::Struct { fields }) if depth < MAX_DEPTH => {
                    let path: Vec<String> = name.wire.split('.').map(str::to_owned).collect();
                    // Inside a JSON flag, name fields after the flag; a wrapper's fields are flags themselves.
                    let parent = name.flag.as_deref().filter(|_| command.flag_for_body(&path).is_some() || name.wire.ends_with("[]"));
                    self.fields(command, &path, parent, fields, depth + 1);
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn constraints(&mut self, command: &Command, name: &FieldName, c: &Constraints) {
        self.lengths.entry(name.key()).or_default().insert(c.max_length);
        let endpoint = Some(format!("{} {}", command.method.as_str(), command.path));
        if let Some(max) = c.max_length {
            if self.first_time("len", &name.wire, max.to_string()) {
                let note = Note { field: name.clone(), value: max.to_string(), command: Some(command.name()), endpoint: endpoint.clone() };
                self.limits.max_lengths.push(note);
            }
        }
        if let Some(max) = c.max_items {
            if self.first_time("items", &name.wire, max.to_string()) {
                self.limits.max_items.push(Note { field: name.clone(), value: max.to_string(), command: None, endpoint: None });
            }
        }
        if c.minimum.is_none() && c.maximum.is_none() {
            return;
        }
        let (min, max) = (c.minimum.map(number), c.maximum.map(number));
        let note = match self.limits.ranges.iter_mut().find(|r| r.field == *name) {
            Some(note) => note,
            None => {
                self.limits.ranges.push(RangeNote { field: name.clone(), entries: Vec::new() });
                let Some(note) = self.limits.ranges.last_mut() else { return };
                note
            }
        };
        let endpoint = format!("{} {}", command.method.as_str(), command.path);
        match note.entries.iter_mut().find(|e| e.min == min && e.max == max) {
            Some(entry) => {
                entry.commands.push(command.name());
                entry.endpoints.push(endpoint);
            }
            None => note.entries.push(RangeEntry { min, max, commands: vec![command.name()], endpoints: vec![endpoint] }),
        }
    }
}

/// A bound without a needless `.0`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
