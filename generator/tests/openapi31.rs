//! OpenAPI 3.1 input on the real spec: the Pachca spec, marked 3.1, goes
//! through the 3.1 conversion and generates the same crates, without a
//! warning. Only the IR may differ, where 3.1 gives `$ref` siblings a
//! meaning 3.0 does not (an `example` beside a parameter schema's `$ref`).

use std::path::Path;

use generator::generate::{generate, Request};
use generator::pin::{self, Lang, SpecSource};
use generator::profile::Profile;

#[test]
fn the_pachca_spec_marked_3_1_generates_the_same_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (en, _) = pin::resolve(&root, Lang::En, SpecSource::Pinned).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&en).unwrap();
    let marked = text.replacen("openapi: 3.0.0\n", "openapi: 3.1.0\n", 1);
    assert_ne!(marked, text, "the pinned spec no longer starts with `openapi: 3.0.0`");
    let path = std::env::temp_dir().join(format!("pachca-openapi31-{}.yaml", std::process::id()));
    std::fs::write(&path, marked).unwrap();
    let from_31 = generate(&Request::new(&path, Profile::Pachca));
    let _ = std::fs::remove_file(&path);
    let from_31 = from_31.unwrap_or_else(|e| panic!("{e}"));
    let from_30 = generate(&Request::new(&en, Profile::Pachca)).unwrap_or_else(|e| panic!("{e}"));
    assert!(from_31.warnings.is_empty(), "{:#?}", from_31.warnings);
    assert_eq!(from_31.files.len(), from_30.files.len());
    for (file, contents) in &from_30.files {
        if file.starts_with("ir/") {
            continue;
        }
        assert!(from_31.files.get(file) == Some(contents), "{file} differs when the spec is marked 3.1");
    }
    assert_eq!(from_31.api.operations().count(), 77);
}
