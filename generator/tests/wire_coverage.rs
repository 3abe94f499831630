//! Every operation of the pinned spec has a wire-level test in the SDK's
//! hand-written `runtime/sdk-pachca/tests/wire.rs`: listed in its
//! `OPERATIONS`, and started by exactly one test there (`start("<id>", ...)`).

use std::collections::BTreeSet;
use std::path::Path;

use generator::pin::{self, Lang, SpecSource};

/// The entries of `const OPERATIONS: &[&str] = &[...];` in `source`.
fn listed_operations(source: &str) -> Vec<String> {
    let opening = "const OPERATIONS: &[&str] = &[";
    let start = source.find(opening).expect("wire.rs declares `const OPERATIONS: &[&str] = &[...]`") + opening.len();
    let list = &source[start..];
    let list = &list[..list.find("];").expect("the end of the list")];
    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.trim_matches('"').to_owned()).collect()
}

#[test]
fn every_operation_of_the_pinned_spec_has_a_wire_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec_path, _) = pin::resolve(root, Lang::En, SpecSource::Pinned)
        .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"));
    let spec = generator::load::load_file(&spec_path).unwrap_or_else(|e| panic!("{e}"));
    let api = generator::lower::lower_with(&spec, generator::profile::Profile::Pachca.lower_options(false))
        .unwrap_or_else(|e| panic!("{e}"))
        .api;
    let spec_ops: BTreeSet<&str> = api.operations().map(|o| o.id.as_str()).collect();
    assert_eq!(spec_ops.len(), 77, "the pinned spec's operations");

    let wire_path = root.join("runtime/sdk-pachca/tests/wire.rs");
    let source = std::fs::read_to_string(&wire_path).unwrap_or_else(|e| panic!("{}: {e}", wire_path.display()));
    let listed = listed_operations(&source);
    let listed_set: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let compact: String = source.split_whitespace().collect();

    let missing: Vec<&str> = spec_ops.iter().copied().filter(|op| !listed_set.contains(op)).collect();
    assert!(missing.is_empty(), "operations of the pinned spec not in OPERATIONS of runtime/sdk-pachca/tests/wire.rs: {missing:?}");
    let untested: Vec<&str> =
        spec_ops.iter().copied().filter(|op| compact.matches(&format!("start(\"{op}\",")).count() != 1).collect();
    assert!(untested.is_empty(), "operations without exactly one test (`start(\"<id>\", ...)`) in runtime/sdk-pachca/tests/wire.rs: {untested:?}");
    let unknown: Vec<&str> = listed_set.difference(&spec_ops).copied().collect();
    assert!(unknown.is_empty(), "OPERATIONS of runtime/sdk-pachca/tests/wire.rs names operations the pinned spec does not have: {unknown:?}");
    assert_eq!(listed.len(), listed_set.len(), "OPERATIONS lists an operation twice");
}
