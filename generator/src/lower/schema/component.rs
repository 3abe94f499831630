//! Component schemas: each one becomes a named type, `$ref`s to them are
//! resolved and checked, allOf alias chains that only name themselves are
//! rejected, and under `--lenient` a component that cannot be lowered
//! becomes an opaque `serde_json::Value`.

use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};

use super::shape::{shape, Shape};
use crate::error::{Pointer, SpecError};
use crate::ir::{TypeDef, TypeKind, TypeRef, TypeSource};
use crate::lower::{names, Lowerer};

/// Where local schema `$ref`s point.
pub(super) const SCHEMA_PREFIX: &str = "#/components/schemas/";

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
    pub(super) fn component_schema(&self, name: &str, at: &Pointer) -> Result<&'a Schema, SpecError> {
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
}
