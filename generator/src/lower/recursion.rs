//! Recursive types: a struct that contains itself, directly or through other
//! types, without an array or a map in between, has no finite size in Rust.
//! Such fields are marked [`Field::boxed`](crate::ir::Field::boxed).
//!
//! The "direct containment" graph has an edge from a type to every named type
//! it holds inline: struct fields, union variants and alias targets (arrays
//! and maps are already indirections). A struct field is boxed when its type
//! is in the same strongly connected component as its owner, which is
//! exactly when the field closes a cycle. Tarjan's algorithm finds the
//! components in one linear pass.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Sets `boxed` on every struct field that closes a containment cycle.
pub(crate) fn mark_boxed_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|def| direct_targets(def).filter_map(|t| index.get(t).copied()).collect())
        .collect();
    let component = strongly_connected(&edges);
    let boxed: Vec<(String, usize)> = types
        .values()
        .enumerate()
        .flat_map(|(owner, def)| {
            let TypeKind::Struct { fields } = &def.kind else { return Vec::new() };
            fields
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.ty.as_named().and_then(|t| index.get(t)).is_some_and(|&t| component[t] == component[owner])
                })
                .map(|(i, _)| (def.name.clone(), i))
                .collect()
        })
        .collect();
    for (name, i) in boxed {
        if let Some(TypeKind::Struct { fields }) = types.get_mut(&name).map(|d| &mut d.kind) {
            fields[i].boxed = true;
        }
    }
}

/// Named types held inline by `def`.
fn direct_targets(def: &TypeDef) -> Box<dyn Iterator<Item = &str> + '_> {
    match &def.kind {
        TypeKind::Struct { fields } => Box::new(fields.iter().filter_map(|f| f.ty.as_named())),
        TypeKind::Union(u) => Box::new(u.variants.iter().filter_map(|v| v.ty.as_named())),
        TypeKind::Alias { target: TypeRef::Named { name } } => Box::new(std::iter::once(name.as_str())),
        _ => Box::new(std::iter::empty()),
    }
}

/// The strongly connected component of every node (Tarjan, iterative).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack, mut next, mut components) = (vec![false; n], Vec::new(), 0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut work = vec![(root, 0)];
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if *e == 0 && order[v] == UNSEEN {
                order[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if order[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_of_cycles_and_chains() {
        // 0 → 1 → 2 → 0 is a cycle, 3 → 0 hangs off it, 4 loops on itself.
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![0], vec![4]]);
        assert_eq!((c[0], c[1]), (c[2], c[2]));
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[3]);
    }
}
