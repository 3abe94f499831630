//! Unions (anyOf/oneOf): one variant per member, named after the member
//! types without their shared words, and how to tell them apart: by the
//! discriminator, by a literal property every member carries (inferred),
//! or structurally (most required properties first).

use std::collections::{BTreeMap, HashSet};

use openapiv3::{ReferenceOr, Schema, SchemaData};

use super::component::SCHEMA_PREFIX;
use super::shape::{plain_as_ref, shape, Shape};
use crate::error::{Pointer, SpecError};
use crate::ir::{Union, UnionDecoding, UnionVariant};
use crate::lower::{names, Lowerer};

impl<'a> Lowerer<'a> {
    pub(super) fn union(
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
