//! The Pachca API's conventions, applied to the lowered API in the Pachca
//! profile only ([`super::Options`]); generic specs keep exactly what they
//! declare.
//!
//! * **Identifiers are 64-bit.** The spec declares most ids `int32`, yet its
//!   own examples hold larger ones (a thread's `chat_id` of `2637266155`) and
//!   thread ids are `int64`. Every integer named `id` or `*_id`, and the items
//!   of every integer array named `ids` or `*_ids`, in models and
//!   parameters, is `i64` whatever its `format`, and so are the items of a
//!   list response of bare integers (`GET /messages/{id}/read_member_ids`
//!   lists user ids); other integers keep theirs.
//! * **Arrays in the query are Rails arrays.** The API reads an array only as
//!   `key[]=a&key[]=b`, whatever the spec's `explode` says (upstream SDKs and
//!   CLI send that too), so every array query parameter is marked
//!   [`Param::brackets`].

use std::collections::BTreeMap;

use crate::ir::{ParamLocation, ResponseBody, Service, TypeDef, TypeKind, TypeRef};

/// `id` or `*_id`.
fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// `ids` or `*_ids`.
fn is_ids(name: &str) -> bool {
    name == "ids" || name.ends_with("_ids")
}

/// `ty` with 32-bit integers widened, when `name` is an id (or, for
/// arrays, a list of ids).
fn widen(name: &str, ty: &mut TypeRef) {
    match ty {
        TypeRef::Integer { bits } if is_id(name) => *bits = 64,
        TypeRef::Array { items } if is_ids(name) => {
            if let TypeRef::Integer { bits } = items.as_mut() {
                *bits = 64;
            }
        }
        _ => {}
    }
}

/// Applies the id rule to every struct field and every parameter.
pub(crate) fn widen_ids(types: &mut BTreeMap<String, TypeDef>, services: &mut [Service]) {
    for def in types.values_mut() {
        if let TypeKind::Struct { fields } = &mut def.kind {
            for f in fields {
                widen(&f.name, &mut f.ty);
            }
        }
    }
    for op in services.iter_mut().flat_map(|s| s.operations.iter_mut()) {
        for p in &mut op.params {
            widen(&p.name, &mut p.ty);
        }
        if let ResponseBody::List { item, .. } = &mut op.response.body {
            widen("id", item);
        }
        if let Some(p) = &mut op.pagination {
            widen("id", &mut p.item);
        }
    }
}

/// Marks every array query parameter as sent `key[]=v` per item, including
/// one whose type is a named array (`names` of `GET /group_tags` is a
/// `TagNamesFilter`).
pub(crate) fn bracket_arrays(types: &BTreeMap<String, TypeDef>, services: &mut [Service]) {
    for op in services.iter_mut().flat_map(|s| s.operations.iter_mut()) {
        for p in &mut op.params {
            if p.location == ParamLocation::Query && is_array(types, &p.ty) {
                p.brackets = true;
            }
        }
    }
}

/// `ty` is an array, itself or through named aliases.
fn is_array(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> bool {
    let mut current = ty;
    // Alias chains are acyclic (lowering rejects cycles); the bound is a guard.
    for _ in 0..16 {
        match current {
            TypeRef::Array { .. } => return true,
            TypeRef::Named { name } => match types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Alias { target }) => current = target,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_widen() {
        let int = || TypeRef::Integer { bits: 32 };
        let ints = || TypeRef::Array { items: Box::new(int()) };
        for (name, mut ty, wide) in [
            ("id", int(), TypeRef::Integer { bits: 64 }),
            ("chat_id", int(), TypeRef::Integer { bits: 64 }),
            ("member_ids", ints(), TypeRef::Array { items: Box::new(TypeRef::Integer { bits: 64 }) }),
            ("limit", int(), int()),
            ("idle", int(), int()),
            ("ids_count", int(), int()),
            ("chat_id", TypeRef::String, TypeRef::String),
        ] {
            widen(name, &mut ty);
            assert_eq!(ty, wide, "{name}");
        }
    }

    #[test]
    fn named_arrays_are_arrays() {
        let alias = |name: &str, target: TypeRef| TypeDef {
            name: name.to_owned(),
            source: crate::ir::TypeSource::Component { name: name.to_owned() },
            description: None,
            example: None,
            is_error: false,
            deprecated: false,
            record_key_example: None,
            kind: TypeKind::Alias { target },
        };
        let strings = TypeRef::Array { items: Box::new(TypeRef::String) };
        let types = BTreeMap::from([
            ("TagNamesFilter".to_owned(), alias("TagNamesFilter", strings.clone())),
            ("Names".to_owned(), alias("Names", TypeRef::named("TagNamesFilter"))),
            ("Name".to_owned(), alias("Name", TypeRef::String)),
        ]);
        assert!(is_array(&types, &strings));
        assert!(is_array(&types, &TypeRef::named("TagNamesFilter")));
        assert!(is_array(&types, &TypeRef::named("Names")), "an alias of an alias of an array");
        assert!(!is_array(&types, &TypeRef::named("Name")));
        assert!(!is_array(&types, &TypeRef::named("Missing")));
        assert!(!is_array(&types, &TypeRef::String));
    }
}
