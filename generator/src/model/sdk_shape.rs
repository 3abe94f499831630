//! The SDK's shape of the type set: which types are used in requests, which
//! can derive `Default`, and how each field is wrapped. Computed once per
//! run ([`super::Model::types`]) and read by every Rust renderer.

use std::collections::{BTreeMap, HashSet};

use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef};

/// Facts about the type set that several renderers need.
pub struct TypeIndex<'a> {
    pub types: BTreeMap<&'a str, &'a TypeDef>,
    /// Types reachable from request bodies and parameters.
    pub request: HashSet<&'a str>,
    /// Types that can derive `Default`.
    pub defaultable: HashSet<&'a str>,
}

impl<'a> TypeIndex<'a> {
    pub fn new(api: &'a Api) -> Self {
        let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut request = HashSet::new();
        let roots = api.operations().flat_map(|op| {
            op.body.iter().map(|b| &b.ty).chain(op.params.iter().map(|p| &p.ty))
        });
        let mut stack: Vec<&TypeRef> = roots.collect();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Array { items: inner } | TypeRef::Map { values: inner } => stack.push(inner),
                TypeRef::Named { name } => {
                    if let Some(def) = types.get(name.as_str()) {
                        if request.insert(def.name.as_str()) {
                            stack.extend(referenced(def));
                        }
                    }
                }
                _ => {}
            }
        }
        let mut index = TypeIndex { types, request, defaultable: HashSet::new() };
        let mut visiting = HashSet::new();
        let names: Vec<&'a str> = index.types.keys().copied().collect();
        for name in names {
            if index.compute_default(name, &mut visiting) {
                index.defaultable.insert(name);
            }
        }
        index
    }

    fn compute_default(&self, name: &str, visiting: &mut HashSet<String>) -> bool {
        let Some(def) = self.types.get(name) else { return false };
        if !visiting.insert(name.to_owned()) {
            return false;
        }
        let result = match &def.kind {
            TypeKind::Struct { fields } => fields.iter().all(|f| self.field_shape(def, f).optional() || self.ty_default(&f.ty, visiting)),
            TypeKind::Map { .. } => true,
            TypeKind::Alias { target } => self.ty_default(target, visiting),
            TypeKind::Enum { .. } | TypeKind::Union(_) => false,
        };
        visiting.remove(name);
        result
    }

    fn ty_default(&self, ty: &TypeRef, visiting: &mut HashSet<String>) -> bool {
        match ty {
            TypeRef::Named { name } => self.compute_default(name, visiting),
            TypeRef::Binary => true,
            _ => true,
        }
    }

    /// `ty` with aliases followed to the type they name.
    pub fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut current = ty;
        // Alias chains are acyclic (lowering rejects cycles); the bound is a guard.
        for _ in 0..16 {
            match current.as_named().and_then(|n| self.types.get(n)).map(|d| &d.kind) {
                Some(TypeKind::Alias { target }) => current = target,
                _ => break,
            }
        }
        current
    }

    /// Whether `def` is used in requests.
    pub fn is_request(&self, def: &TypeDef) -> bool {
        self.request.contains(def.name.as_str())
    }

    /// How a field of `owner` is wrapped in Rust.
    pub fn field_shape(&self, owner: &TypeDef, f: &Field) -> FieldShape {
        let request = self.is_request(owner);
        let required = f.required && !(request && f.read_only);
        match (required, f.nullable) {
            (true, false) => FieldShape::Plain,
            (true, true) => FieldShape::Option,
            (false, false) => FieldShape::Option,
            // Absent and `null` differ in both directions: a request can clear a
            // value, and a response can say "not sent" apart from "no value".
            (false, true) => FieldShape::Nullable,
        }
    }
}

/// How a field's type is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// Required and never `null`: `T`.
    Plain,
    /// `Option<T>`: optional, or required but nullable.
    Option,
    /// `Nullable<T>`: optional and nullable.
    Nullable,
}

impl FieldShape {
    pub fn optional(self) -> bool {
        self != FieldShape::Plain
    }
}

fn referenced(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Map { values } => vec![values],
        TypeKind::Alias { target } => vec![target],
        TypeKind::Enum { .. } => Vec::new(),
    }
}

