//! allOf: when one member says what the type is and the others only
//! annotate it, the allOf is that member; otherwise the members' fields are
//! merged into one struct, with `$ref` cycles through the merge rejected.

use openapiv3::{ReferenceOr, Schema, SchemaData};

use super::shape::{plain_as_ref, shape, Shape};
use crate::error::{Pointer, SpecError};
use crate::ir::Field;
use crate::lower::{names, Lowerer};

/// The annotations of an allOf member that has no type of its own
/// (`{nullable: true}`, `{description: ..}`).
pub(super) fn annotations_only(member: &ReferenceOr<Schema>) -> Option<&SchemaData> {
    match member {
        ReferenceOr::Item(m) if matches!(shape(&m.schema_kind), Shape::Any) => Some(&m.schema_data),
        _ => None,
    }
}

/// The one member of an allOf that says what the type is, with its index,
/// when the others only annotate it (`[$ref: X, {nullable: true}]`,
/// `[$ref: X, {description: ..}]`): the allOf is then that member.
pub(super) fn sole_member(members: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut typed = members.iter().enumerate().filter(|(_, m)| annotations_only(m).is_none());
    match (typed.next(), typed.next()) {
        (Some(only), None) => Some(only),
        (None, None) => members.first().map(|m| (0, m)),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// Merges the members of a multi-member `allOf` into one field list.
    /// Members are read in order; a later member's field replaces an earlier
    /// field of the same wire name, and a field is required if any member
    /// requires it.
    pub(super) fn merged_fields(
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
}
