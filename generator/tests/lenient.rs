//! Warnings for what lowering ignores, and `--lenient`: what strict
//! lowering rejects is degraded or skipped instead, each with a warning at
//! its JSON pointer.

use std::path::Path;

use generator::error::SpecError;
use generator::ir::{TypeKind, TypeRef};
use generator::lower::{Lowered, Options};

fn lower(yaml: &str, lenient: bool) -> Result<Lowered, SpecError> {
    let spec = generator::load::load_str(Path::new("api.yaml"), yaml)?;
    generator::lower::lower_with(&spec, Options { lenient, envelope: true, conventions: true })
}

fn lenient(yaml: &str) -> Lowered {
    lower(yaml, true).unwrap_or_else(|e| panic!("--lenient must accept it: {e}"))
}

fn warning<'w>(lowered: &'w Lowered, pointer: &str) -> &'w SpecError {
    lowered
        .warnings
        .iter()
        .find(|w| w.pointer() == Some(pointer))
        .unwrap_or_else(|| panic!("no warning at {pointer}; got {:#?}", lowered.warnings))
}

const HEAD: &str = "openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\n";
const OK: &str = "      responses:\n        '200':\n          description: ok\n";

#[test]
fn not_schema_is_an_error_and_lenient_makes_it_a_value() {
    let yaml = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          not:\n            type: string\n");
    let e = lower(&yaml, false).map(|_| ()).unwrap_err();
    assert_eq!(e.pointer(), Some("#/components/schemas/A/properties/b"));
    assert!(e.message.contains("`not` schemas are unsupported") && e.message.contains("--lenient"), "{e}");
    let lowered = lenient(&yaml);
    let a = &lowered.api.types[0];
    let TypeKind::Struct { fields } = &a.kind else { panic!("{a:?}") };
    assert_eq!(fields[0].ty, TypeRef::Any);
    assert!(warning(&lowered, "#/components/schemas/A/properties/b").message.contains("degraded to `serde_json::Value`"));
}

#[test]
fn remote_ref_degrades_to_a_value() {
    let yaml = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: 'other.yaml#/B'\n");
    let lowered = lenient(&yaml);
    assert!(warning(&lowered, "#/components/schemas/A/properties/b").message.contains("remote `$ref`"));
}

#[test]
fn a_component_that_cannot_be_lowered_becomes_an_opaque_value() {
    // A cycle through allOf fails the component as a whole.
    let yaml = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n    C:\n      type: object\n      properties:\n        a:\n          $ref: '#/components/schemas/A'\n"
    );
    assert!(lower(&yaml, false).is_err());
    let lowered = lenient(&yaml);
    let a = lowered.api.types.iter().find(|t| t.name == "A").expect("A is still defined, for C to use");
    assert_eq!(a.kind, TypeKind::Alias { target: TypeRef::Any });
    assert!(warning(&lowered, "#/components/schemas/A").message.contains("the component `A` is degraded"));
}

#[test]
fn an_operation_that_cannot_be_lowered_is_skipped() {
    let yaml = format!(
        "{HEAD}paths:\n  /xml:\n    post:\n      operationId: postXml\n      requestBody:\n        content:\n          application/xml:\n            schema:\n              type: string\n{OK}  /ok:\n    get:\n      operationId: getOk\n{OK}"
    );
    let e = lower(&yaml, false).map(|_| ()).unwrap_err();
    assert!(e.message.contains("unsupported media type `application/xml`"), "{e}");
    let lowered = lenient(&yaml);
    let ids: Vec<&str> = lowered.api.operations().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["getOk"]);
    let w = warning(&lowered, "#/paths/~1xml/post/requestBody/content");
    assert!(w.message.contains("the operation `postXml` is skipped"), "{w}");
}

#[test]
fn cookie_parameters_are_dropped() {
    let yaml = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - name: session\n          in: cookie\n          schema:\n            type: string\n        - name: q\n          in: query\n          schema:\n            type: string\n{OK}"
    );
    let e = lower(&yaml, false).map(|_| ()).unwrap_err();
    assert_eq!(e.pointer(), Some("#/paths/~1a/get/parameters/0/in"));
    let lowered = lenient(&yaml);
    let params: Vec<&str> = lowered.api.services[0].operations[0].params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["q"]);
    assert!(warning(&lowered, "#/paths/~1a/get/parameters/0/in").message.contains("dropped"));
}

#[test]
fn path_item_refs_are_skipped() {
    let yaml = format!("{HEAD}paths:\n  /a:\n    $ref: 'paths.yaml#/a'\n  /ok:\n    get:\n      operationId: getOk\n{OK}");
    let e = lower(&yaml, false).map(|_| ()).unwrap_err();
    assert_eq!(e.pointer(), Some("#/paths/~1a"));
    let lowered = lenient(&yaml);
    assert_eq!(lowered.api.services[0].operations.len(), 1);
    assert!(warning(&lowered, "#/paths/~1a").message.contains("skipped"));
}

#[test]
fn ignored_constructs_warn_even_when_strict() {
    let yaml = format!(
        "{HEAD}paths:\n  /a:\n    post:\n      operationId: postA\n      callbacks:\n        done:\n          '{{$request.body#/url}}':\n            post:\n              responses:\n                '200':\n                  description: ok\n      responses:\n        '200':\n          description: ok\n        '201':\n          description: created\n        default:\n          description: error\ncomponents:\n  securitySchemes:\n    key:\n      type: apiKey\n      in: header\n      name: X-Api-Key\n    bearer:\n      type: http\n      scheme: bearer\n"
    );
    let lowered = lower(&yaml, false).unwrap_or_else(|e| panic!("{e}"));
    assert!(warning(&lowered, "#/paths/~1a/post/callbacks/done").message.contains("callbacks are not generated"));
    assert!(warning(&lowered, "#/paths/~1a/post/responses/default").message.contains("`default` response is not modelled"));
    assert!(warning(&lowered, "#/paths/~1a/post/responses/201").message.contains("only the first success response (200)"));
    let key = warning(&lowered, "#/components/securitySchemes/key");
    assert!(key.message.contains("an API key in the header `X-Api-Key`"), "{key}");
    assert_eq!(lowered.warnings.len(), 4, "bearer needs no warning: {:#?}", lowered.warnings);
}

#[test]
fn the_pachca_spec_lowers_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for lang in [generator::pin::Lang::En, generator::pin::Lang::Ru] {
        let (path, _) = generator::pin::resolve(&root, lang, generator::pin::SpecSource::Pinned)
            .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed (../shared/spec): {e}"));
        let spec = generator::load::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let strict = generator::lower::lower_with(&spec, Options { lenient: false, envelope: true, conventions: true }).unwrap_or_else(|e| panic!("{e}"));
        assert!(strict.warnings.is_empty(), "{lang}: {:#?}", strict.warnings);
        // With nothing to degrade, --lenient changes nothing.
        let lenient = generator::lower::lower_with(&spec, Options { lenient: true, envelope: true, conventions: true }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lenient.api, strict.api);
    }
}
