//! The fixture suite: small specs under `spec/fixtures/`, one per OpenAPI
//! construct, generated in the generic profile. Every fixture must generate;
//! what the committed `generated/fixtures` crate does not show (the IR, and
//! the standalone crate's `lib.rs` and `Cargo.toml`) is snapshotted; the
//! per-spec modules are committed there and compiled by `cargo test -p
//! openapi-fixtures`.

use std::path::{Path, PathBuf};

use generator::generate::{generate, Generated, Request};
use generator::profile::Profile;

/// What each fixture's snapshots hold, besides its IR.
const SNAPSHOTTED: &[&str] = &["src/lib.rs", "Cargo.toml"];

fn generate_case(path: &Path, case: &str) -> Result<Generated, generator::generate::GenerateError> {
    generate(&Request { name: Some(case), ..Request::new(path, Profile::Generic) })
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fixtures");
    let paths = generator::generate::fixture_specs(&dir)
        .unwrap_or_else(|e| panic!("the fixture folder {} is needed: {e}", dir.display()));
    assert!(paths.len() >= 24, "expected at least 24 fixtures in {}, found {}", dir.display(), paths.len());
    paths
}

#[test]
fn every_fixture_generates_and_matches_its_snapshots() {
    let mut failures = Vec::new();
    let mut snapshots = 0;
    for path in fixtures() {
        let case = path.file_stem().and_then(|s| s.to_str()).expect("a file name").to_owned();
        let generated = match generate_case(&path, &case) {
            Ok(g) => g,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        for (file, text) in &generated.files {
            // A generic crate never mentions Pachca (the runtime copy included).
            assert!(!text.to_lowercase().contains("pachca"), "{file} mentions Pachca");
            let rest = file.strip_prefix(&format!("{case}/")).unwrap_or(file);
            if file.starts_with("ir/") || SNAPSHOTTED.contains(&rest) {
                insta::assert_snapshot!(file.replace('/', "__"), text);
                snapshots += 1;
            }
        }
        assert!(!generated.files.keys().any(|f| f.contains("-cli/")), "{case}: a generic spec got a CLI");
    }
    assert!(failures.is_empty(), "{} fixtures failed:\n{}", failures.len(), failures.join("\n"));
    println!("{snapshots} fixture snapshots");
}

#[test]
fn fixtures_cover_the_constructs() {
    let generated = |case: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../spec/fixtures/{case}.yaml"));
        generate_case(&path, case).unwrap_or_else(|e| panic!("{e}"))
    };
    // Recursive fields are boxed, and only those.
    let g = generated("recursive");
    let models = &g.files["recursive/src/models.rs"];
    assert!(models.contains("pub parent: Option<Box<Node>>"), "{models}");
    assert!(models.contains("pub left: Box<Expr>"), "{models}");
    assert!(models.contains("pub children: Option<Vec<Node>>"), "{models}");
    // An operation without an operationId gets one from its method and path.
    let g = generated("no_operation_id");
    let ids: Vec<&str> = g.api.operations().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["getUsersByUserIdKeys", "postUsersByUserIdKeys", "getHealth"]);
    // A declared discriminator decodes by its mapping.
    let g = generated("union_discriminator");
    assert!(g.files["union_discriminator/src/models.rs"].contains("Some(\"circle\") =>"));
    // A `default` response is not modelled, and says so.
    let g = generated("default_error");
    let warnings: Vec<String> = g.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("/responses/default: the `default` response is not modelled"), "{warnings:#?}");
    // Operations with equal method names get params structs of their own:
    // prefixed with the service across services, numbered within one.
    let g = generated("operation_collisions");
    let methods: Vec<(&str, &str)> = g.api.operations().map(|o| (o.method_name.as_str(), o.type_stem.as_str())).collect();
    assert_eq!(
        methods,
        [("get", "ChatsGet"), ("get", "UsersGet"), ("get", "DefaultGet"), ("get2", "DefaultGet2"), ("get_2", "Get2")],
    );
    let params = &g.files["operation_collisions/src/params.rs"];
    for s in ["ChatsGetParams", "UsersGetParams", "DefaultGetParams", "DefaultGet2Params", "Get2Params"] {
        assert_eq!(params.matches(&format!("pub struct {s} ")).count(), 1, "{s} in {params}");
    }
    // A tag that is also a model name gets a `Service` suffix.
    let g = generated("enums");
    assert_eq!(g.api.services[0].type_name, "SettingsService");
    // Integer enums are written as JSON numbers.
    assert!(g.files["enums/src/models.rs"].contains("string_enum!(integer Level"));
    // OpenAPI 3.1: the same types as the 3.0 fixtures they rewrite.
    let g = generated("openapi31_nullable");
    let models = &g.files["openapi31_nullable/src/models.rs"];
    for field in [
        "pub address: Address,",             // $ref with a sibling description
        "pub nickname: Option<String>,",     // type: [string, 'null'], required
        "pub billing: Option<Address>,",     // anyOf: [$ref, {type: 'null'}], required
        "pub shipping: Option<Address>,",    // oneOf: [{type: 'null'}, $ref], required
        "pub age: Nullable<i64>,",           // type: [integer, 'null'], optional
        "pub address: Nullable<Address>,",   // anyOf with null, optional
    ] {
        assert!(models.contains(field), "{field} in {models}");
    }
    assert!(g.warnings.is_empty(), "{:#?}", g.warnings);
    let g = generated("openapi31_unions");
    let models = &g.files["openapi31_unions/src/models.rs"];
    // `const` tags: the discriminator's mapping, and a tag inferred from single values.
    assert!(models.contains("Some(\"circle\") =>") && models.contains("Some(\"created\") =>"), "{models}");
    let id = g.api.types.iter().find(|t| t.name == "Id").expect("Id");
    assert!(matches!(id.kind, generator::ir::TypeKind::Union(_)), "type: [integer, string] is a union: {:?}", id.kind);
    let g = generated("openapi31_webhooks");
    let models = &g.files["openapi31_webhooks/src/models.rs"];
    assert!(models.contains("pub struct NodeChangedWebhookPayload"), "{models}");
    assert!(models.contains("pub parent: Nullable<Box<Node>>"), "{models}");
    assert!(models.contains("pub file: crate::runtime::file::FileBody"), "contentMediaType is a file: {models}");
    let warnings: Vec<String> = g.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.ends_with("openapi31_webhooks.yaml#/webhooks/nodeChanged/post: webhooks have no client methods: webhook `nodeChanged` (post) is rendered as its payload type `NodeChangedWebhookPayload` only")),
        "{warnings:#?}"
    );
}
