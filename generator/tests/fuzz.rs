//! Fuzzing the loader, lowering and renderers with mutated specs.
//!
//! Each case takes one seed (a fixture under `spec/fixtures/` or the pinned
//! Pachca spec), applies a few structural mutations to its YAML tree (drop,
//! replace, copy, wrap or rename nodes, with a dictionary of OpenAPI words,
//! Rust keywords and dangling or remote `$ref`s) or to its text, and runs
//! the whole pipeline, strictly or with `--lenient`. A case passes when:
//!
//! - nothing panics;
//! - `--lenient` accepts every spec strict lowering accepts, with the same IR;
//! - a rejected spec gets a [`SpecError`] with a message and, when it has a
//!   JSON pointer, one that starts at the document root `#`;
//! - an accepted spec gets an IR whose every named reference is defined and
//!   whose names are unique where Rust needs them to be, and every renderer
//!   succeeds (a render error after a successful lowering is a generator bug).
//!
//! `cargo test` runs 256 cases; `PROPTEST_CASES=N` runs more, e.g.
//! `PROPTEST_CASES=20000 cargo test --release -p pachca-generator --test fuzz -- --nocapture`.
//! Failing inputs are shrunk and saved under `tests/fuzz.proptest-regressions`,
//! which is replayed first on every run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::error::{Location, SpecError};
use generator::ir::{Api, TypeKind, TypeRef};
use generator::load::yaml::{self, Value};
use generator::pin::{Lang, SpecSource};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

/// Words a mutation writes as a key or a scalar value.
const WORDS: &[&str] = &[
    "object", "array", "string", "integer", "number", "boolean", "null", "type", "self", "Self", "crate", "super",
    "fn", "match", "r#type", "123", "", " ", "a b", "é", "__", "-", "Default", "Result", "Option", "Box", "Vec",
    "String", "Error", "Client", "Unknown", "Other", "x-paginated", "x-error", "discriminator", "propertyName",
    "mapping", "enum", "required", "properties", "additionalProperties", "items", "nullable", "format",
    "date-time", "date", "time", "uuid", "uri", "binary", "int32", "int64", "allOf", "anyOf", "oneOf", "not",
    "$ref", "#/components/schemas/Missing", "http://example.com/x.yaml#/A", "#/components/parameters/Missing",
    "#/components/responses/Missing", "#/paths/~1x", "multipart/form-data", "application/json",
    "application/xml", "text/plain", "{id}", "/a/{id}", "/{", "cookie", "query", "path", "header", "default",
    "200", "201", "204", "302", "404", "5XX", "cursor", "limit", "data", "meta", "callbacks", "deprecated",
    "operationId", "tags", "parameters", "requestBody", "responses", "content", "schema", "in", "name", "3.1.0",
];

/// One mutation: what to do, at which node, with which argument.
#[derive(Debug, Clone)]
struct Mutation {
    kind: u8,
    node: u32,
    arg: u32,
    other: u32,
}

#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    mutations: Vec<Mutation>,
    lenient: bool,
}

struct Seed {
    path: PathBuf,
    doc: Value,
    /// `$ref`s to the seed's own component schemas, for mutations to reuse.
    refs: Vec<String>,
}

static ACCEPTED: AtomicUsize = AtomicUsize::new(0);
static REJECTED: AtomicUsize = AtomicUsize::new(0);
static CLI_REFUSED: AtomicUsize = AtomicUsize::new(0);

fn seeds() -> Vec<Seed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = generator::generate::fixture_specs(&root.join("spec/fixtures"))
        .unwrap_or_else(|e| panic!("the fuzz seeds need spec/fixtures/: {e}"));
    let (pachca, _) = generator::pin::resolve(&root, Lang::En, SpecSource::Pinned)
        .unwrap_or_else(|e| panic!("the fuzz seeds need the pinned Pachca spec (../shared/spec): {e}"));
    paths.push(pachca);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let doc = yaml::parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            let refs = doc
                .get("components")
                .and_then(|c| c.get("schemas"))
                .and_then(Value::as_mapping)
                .map(|m| m.keys().filter_map(Value::as_str).map(|k| format!("#/components/schemas/{k}")).collect())
                .unwrap_or_default();
            Seed { path, doc, refs }
        })
        .collect()
}

fn case_strategy(seeds: usize) -> impl Strategy<Value = Case> {
    let mutation = (0u8..12, any::<u32>(), any::<u32>(), any::<u32>())
        .prop_map(|(kind, node, arg, other)| Mutation { kind, node, arg, other });
    (0..seeds, prop::collection::vec(mutation, 1..5), any::<bool>())
        .prop_map(|(seed, mutations, lenient)| Case { seed, mutations, lenient })
}

/// Number of nodes in a tree (the node itself included), in preorder.
fn count(v: &Value) -> usize {
    1 + match v {
        Value::Mapping(m) => m.values().map(count).sum(),
        Value::Sequence(s) => s.iter().map(count).sum(),
        Value::Tagged(t) => count(&t.value),
        _ => 0,
    }
}

/// The `n`-th node in preorder (`n < count(v)`).
fn nth_mut(v: &mut Value, mut n: usize) -> &mut Value {
    if n == 0 {
        return v;
    }
    n -= 1;
    let children: Vec<&mut Value> = match v {
        Value::Mapping(m) => m.values_mut().collect(),
        Value::Sequence(s) => s.iter_mut().collect(),
        Value::Tagged(t) => vec![&mut t.value],
        _ => Vec::new(),
    };
    for child in children {
        let size = count(child);
        if n < size {
            return nth_mut(child, n);
        }
        n -= size;
    }
    unreachable!("node index within count()")
}

fn word(i: u32) -> &'static str {
    WORDS[i as usize % WORDS.len()]
}

fn scalar(seed: &Seed, i: u32) -> Value {
    match i % 6 {
        0 => Value::Null,
        1 => Value::Bool(i % 12 == 1),
        2 => Value::Number(i64::from(i % 1000).into()),
        3 if !seed.refs.is_empty() => Value::String(seed.refs[(i / 6) as usize % seed.refs.len()].clone()),
        _ => Value::String(word(i / 6).to_owned()),
    }
}

fn mapping(entries: Vec<(&str, Value)>) -> Value {
    Value::Mapping(entries.into_iter().map(|(k, v)| (Value::String(k.to_owned()), v)).collect())
}

/// Preorder indices of the nodes that look like schemas, where most
/// lowering rules apply (mutating anywhere mostly breaks the document's
/// structure, which `openapiv3` rejects before lowering sees it).
fn schema_nodes(v: &Value, next: &mut usize, found: &mut Vec<usize>) {
    const KEYS: &[&str] = &["type", "$ref", "properties", "allOf", "anyOf", "oneOf", "items", "enum"];
    if let Value::Mapping(m) = v {
        if KEYS.iter().any(|k| m.contains_key(*k)) {
            found.push(*next);
        }
    }
    *next += 1;
    match v {
        Value::Mapping(m) => m.values().for_each(|c| schema_nodes(c, next, found)),
        Value::Sequence(s) => s.iter().for_each(|c| schema_nodes(c, next, found)),
        Value::Tagged(t) => schema_nodes(&t.value, next, found),
        _ => {}
    }
}

/// Applies one mutation to the tree.
fn mutate(doc: &mut Value, seed: &Seed, m: &Mutation) {
    let size = count(doc);
    // Half of the mutations hit a schema node.
    let mut schemas = Vec::new();
    if m.node % 2 == 0 {
        schema_nodes(doc, &mut 0, &mut schemas);
    }
    let at = match schemas.len() {
        0 => m.node as usize % size,
        n => schemas[(m.node / 2) as usize % n],
    };
    let copy = nth_mut(doc, m.other as usize % size).clone();
    let node = nth_mut(doc, at);
    match m.kind {
        0 => *node = scalar(seed, m.arg),
        1 => *node = copy,
        2 => *node = mapping(vec![]),
        3 => *node = mapping(vec![("$ref", scalar(seed, m.arg.wrapping_mul(6).wrapping_add(3)))]),
        // Remove an entry.
        4 => match node {
            Value::Mapping(map) if !map.is_empty() => {
                let key = map.keys().nth(m.arg as usize % map.len()).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Sequence(seq) if !seq.is_empty() => {
                seq.remove(m.arg as usize % seq.len());
            }
            _ => *node = Value::Null,
        },
        // Add (or overwrite) an entry.
        5 | 6 => {
            let value = if m.kind == 5 { scalar(seed, m.other) } else { copy };
            match node {
                Value::Mapping(map) => {
                    map.insert(Value::String(word(m.arg).to_owned()), value);
                }
                Value::Sequence(seq) => seq.push(value),
                _ => *node = value,
            }
        }
        // Rename a key, keeping its value.
        7 => {
            if let Value::Mapping(map) = node {
                let key = if map.is_empty() { None } else { map.keys().nth(m.other as usize % map.len()).cloned() };
                if let Some(value) = key.and_then(|k| map.remove(&k)) {
                    map.insert(Value::String(word(m.arg).to_owned()), value);
                }
            }
        }
        // Wrap the node in a composition.
        8 => {
            let inner = std::mem::take(node);
            let key = ["allOf", "anyOf", "oneOf"][m.arg as usize % 3];
            *node = mapping(vec![(key, Value::Sequence(vec![inner, copy]))]);
        }
        9 => {
            let inner = std::mem::take(node);
            *node = mapping(vec![("type", Value::String("array".to_owned())), ("items", inner)]);
        }
        10 => {
            let inner = std::mem::take(node);
            *node = mapping(vec![
                ("type", Value::String("object".to_owned())),
                ("properties", mapping(vec![(word(m.arg), inner)])),
                ("required", Value::Sequence(vec![Value::String(word(m.other).to_owned())])),
            ]);
        }
        // Swap with a sibling-or-not: the copied node goes here, this one is dropped.
        _ => {
            if let Value::Sequence(seq) = node {
                seq.reverse();
            } else if let Value::Mapping(map) = node {
                let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
                entries.reverse();
                map.extend(entries);
            } else {
                *node = copy;
            }
        }
    }
}

/// Every property of an accepted spec's IR that the renderers rely on.
fn check_ir(api: &Api) -> Result<(), String> {
    let mut defined = HashSet::new();
    for t in &api.types {
        if !defined.insert(t.name.as_str()) {
            return Err(format!("type `{}` is defined twice", t.name));
        }
    }
    let check_ref = |r: &TypeRef, whence: &str| -> Result<(), String> {
        let mut stack = vec![r];
        while let Some(r) = stack.pop() {
            match r {
                TypeRef::Named { name } if !defined.contains(name.as_str()) => {
                    return Err(format!("{whence} refers to the undefined type `{name}`"))
                }
                TypeRef::Array { items: inner } | TypeRef::Map { values: inner } => stack.push(inner),
                _ => {}
            }
        }
        Ok(())
    };
    let unique = |names: Vec<&str>, what: &str| -> Result<(), String> {
        let mut seen = HashSet::new();
        match names.into_iter().find(|n| !seen.insert(*n)) {
            Some(dup) => Err(format!("{what}: `{dup}` twice")),
            None => Ok(()),
        }
    };
    for t in &api.types {
        let whence = format!("type `{}`", t.name);
        match &t.kind {
            TypeKind::Struct { fields } => {
                unique(fields.iter().map(|f| f.rust_name.as_str()).collect(), &format!("{whence} fields"))?;
                unique(fields.iter().map(|f| f.name.as_str()).collect(), &format!("{whence} wire names"))?;
                for f in fields {
                    check_ref(&f.ty, &whence)?;
                }
            }
            TypeKind::Enum { values, .. } => {
                unique(values.iter().map(|v| v.variant.as_str()).collect(), &format!("{whence} variants"))?;
            }
            TypeKind::Union(u) => {
                unique(u.variants.iter().map(|v| v.variant.as_str()).collect(), &format!("{whence} variants"))?;
                for v in &u.variants {
                    check_ref(&v.ty, &whence)?;
                }
            }
            TypeKind::Map { values } => check_ref(values, &whence)?,
            TypeKind::Alias { target } => check_ref(target, &whence)?,
        }
    }
    unique(api.services.iter().map(|s| s.module.as_str()).collect(), "service modules")?;
    unique(api.services.iter().map(|s| s.type_name.as_str()).collect(), "service types")?;
    for s in &api.services {
        unique(s.operations.iter().map(|o| o.method_name.as_str()).collect(), &format!("service `{}` methods", s.tag))?;
        for op in &s.operations {
            let whence = format!("operation `{}`", op.id);
            unique(op.params.iter().map(|p| p.rust_name.as_str()).collect(), &format!("{whence} parameters"))?;
            for p in &op.params {
                check_ref(&p.ty, &whence)?;
            }
            if let Some(body) = &op.body {
                check_ref(&body.ty, &whence)?;
            }
            for e in &op.errors {
                for ty in &e.types {
                    check_ref(ty, &whence)?;
                }
            }
        }
    }
    Ok(())
}

fn check_rejection(e: &SpecError) -> Result<(), String> {
    if e.message.trim().is_empty() {
        return Err(format!("an error without a message: {e:?}"));
    }
    if let Location::Pointer(p) = &e.location {
        if !p.starts_with('#') {
            return Err(format!("a pointer that does not start at `#`: {e}"));
        }
    }
    Ok(())
}

fn run_case(seeds: &[Seed], case: &Case) -> Result<(), String> {
    let seed = &seeds[case.seed];
    let mut doc = seed.doc.clone();
    let mut text_cut = None;
    for m in &case.mutations {
        // One mutation in twelve works on the text: a cut at any byte.
        if m.kind == 11 && m.arg % 2 == 0 {
            text_cut = Some(m.other);
        } else {
            mutate(&mut doc, seed, m);
        }
    }
    let mut text = yaml::to_string(&doc).map_err(|e| format!("cannot write the mutated YAML: {e:?}"))?;
    if let Some(cut) = text_cut {
        let mut at = cut as usize % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
    }
    let file = Path::new("fuzz.yaml");
    // The Pachca seed runs in the Pachca profile, the fixtures in the generic one.
    let profile = if seed.path.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fixtures")) {
        generator::profile::Profile::Generic
    } else {
        generator::profile::Profile::Pachca
    };
    let lower = |lenient| {
        generator::load::load_str(file, &text).and_then(|spec| generator::lower::lower_with(&spec, profile.lower_options(lenient)))
    };
    let lowered = lower(case.lenient);
    // --lenient accepts whatever strict lowering accepts, and changes nothing then.
    if case.lenient {
        if let Ok(strict) = lower(false) {
            match &lowered {
                Ok(l) if l.api == strict.api => {}
                Ok(_) => return Err("--lenient lowered a spec that strict lowering accepts differently".to_owned()),
                Err(e) => return Err(format!("--lenient rejected a spec that strict lowering accepts: {e}")),
            }
        }
    }
    let lowered = match lowered {
        Ok(l) => l,
        Err(e) => {
            REJECTED.fetch_add(1, Ordering::Relaxed);
            return check_rejection(&e);
        }
    };
    for w in &lowered.warnings {
        check_rejection(w).map_err(|e| format!("warning: {e}"))?;
    }
    check_ir(&lowered.api)?;
    let model = match generator::model::Model::build(&lowered.api, generator::pin::Lang::En, None, profile, Some("fuzzed")) {
        Ok(m) => m,
        // The Pachca CLI model refuses curated data it cannot apply, naming it.
        Err(e) if profile.is_pachca() && e.0.starts_with("spec/cli.yaml") || e.0.starts_with("operation ") => {
            CLI_REFUSED.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        Err(e) => return Err(format!("no model: {e}")),
    };
    let mut timings = Vec::new();
    match generator::generate::render(&model, &mut timings) {
        Ok(_) => {
            ACCEPTED.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        // The Pachca CLI maps every operation onto flags, with curated
        // names from `spec/cli.yaml`; it may refuse a request shape it
        // cannot map or an operation its curation expects, naming either.
        Err(e) if profile.is_pachca() && e.artifact.starts_with("pachca-cli") && (e.message.starts_with("operation ") || e.message.starts_with("spec/cli.yaml")) => {
            CLI_REFUSED.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(format!("lowering accepted the spec but rendering failed: {e}")),
    }
}

#[test]
fn mutated_specs_never_panic_and_fail_precisely() {
    let seeds = seeds();
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    let config = Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fuzz.proptest-regressions"))),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case_strategy(seeds.len()), |case| {
        run_case(&seeds, &case).map_err(|message| {
            TestCaseError::fail(format!("{} ({}): {message}", seeds[case.seed].path.display(), if case.lenient { "lenient" } else { "strict" }))
        })
    });
    let (accepted, rejected) = (ACCEPTED.load(Ordering::Relaxed), REJECTED.load(Ordering::Relaxed));
    let cli_refused = CLI_REFUSED.load(Ordering::Relaxed);
    println!(
        "fuzz: {cases} cases, {accepted} accepted and rendered, {rejected} rejected with an error, \
         {cli_refused} accepted for the SDK and refused by the Pachca CLI renderer"
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // Mutations that always break the spec, or never do, test too little.
    assert!(accepted * 10 >= cases as usize, "only {accepted} of {cases} mutated specs were accepted");
    assert!(rejected * 10 >= cases as usize, "only {rejected} of {cases} mutated specs were rejected");
}
