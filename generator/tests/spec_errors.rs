//! Bad spec input: every case gets an error naming the file, a JSON pointer
//! (or line/column) and what was expected — never a panic.

use std::path::Path;

use generator::error::{Location, SpecError};

fn lower(yaml: &str) -> Result<generator::ir::Api, SpecError> {
    let spec = generator::load::load_str(Path::new("bad.yaml"), yaml)?;
    generator::lower::lower(&spec)
}

fn err(yaml: &str) -> SpecError {
    match lower(yaml) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(e) => e,
    }
}

/// A minimal valid document with `paths` and `schemas` spliced in.
fn doc(paths: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}\n"
    )
}

const OK_RESPONSES: &str = "      responses:\n        '200':\n          description: ok\n";

#[test]
fn minimal_document_lowers() {
    let api = lower(&doc(&format!("  /a:\n    get:\n      operationId: A_get\n{OK_RESPONSES}"), "    X:\n      type: string")).unwrap();
    assert_eq!(api.services[0].operations[0].method_name, "get");
    assert_eq!(api.types[0].name, "X");
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let e = err("openapi: 3.0.0\ninfo:\n  title: [unclosed\n");
    assert_eq!(e.file, Path::new("bad.yaml"));
    match e.location {
        Location::Position { line, column } => {
            assert!(line >= 3, "line {line}");
            assert!(column >= 1);
        }
        other => panic!("expected a position, got {other:?}"),
    }
    assert!(e.to_string().starts_with("bad.yaml:"), "{e}");
    assert!(e.message.contains("invalid YAML"), "{e}");
}

#[test]
fn swagger_2_is_rejected() {
    let e = err("swagger: '2.0'\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
    assert_eq!(e.pointer(), Some("#/swagger"));
    assert!(e.message.contains("expected OpenAPI 3.0.x"), "{e}");
}

#[test]
fn openapi_3_2_is_rejected() {
    let e = err("openapi: 3.2.0\ninfo:\n  title: T\n  version: '1'\npaths: {}\n");
    assert_eq!(e.pointer(), Some("#/openapi"));
    assert!(e.message.contains("`3.2.0`") && e.message.contains("expected 3.0.x or 3.1.x"), "{e}");
}

/// A 3.1 document is converted to the 3.0 shape before it is read, and
/// errors point into the document as written, not into the conversion.
#[test]
fn openapi_3_1_errors_point_into_the_original_document() {
    let schemas = "    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n          description: gone\n        c:\n          anyOf:\n            - {type: 'null'}\n            - {$ref: '#/components/schemas/Gone'}\n";
    let e = err(&doc("  {}", schemas).replace("openapi: 3.0.0", "openapi: 3.1.0"));
    // The $ref with a sibling became `allOf: [{$ref}]`; the error is at the $ref's object.
    assert_eq!(e.pointer(), Some("#/components/schemas/A/properties/b"), "{e}");
    assert!(e.message.contains("dangling `$ref`") && e.message.contains("Missing"), "{e}");
    let e = err(&doc("  {}", &schemas.replace("Missing", "A")).replace("openapi: 3.0.0", "openapi: 3.1.0"));
    // `anyOf: [null, X]` became `allOf: [X]`: the error names member 1 of the anyOf.
    assert_eq!(e.pointer(), Some("#/components/schemas/A/properties/c/anyOf/1"), "{e}");
    assert!(e.message.contains("Gone"), "{e}");
    // Not valid even after conversion: the pointer is the original one.
    let bad = "    A:\n      type: [string, 'null']\n      examples: [1]\n      minLength: x\n";
    let e = err(&doc("  {}", bad).replace("openapi: 3.0.0", "openapi: 3.1.0"));
    assert!(e.pointer().is_some_and(|p| p.starts_with("#/components/schemas/A")), "{e}");
}

#[test]
fn wrong_shape_names_the_pointer() {
    let e = err("openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      responses: 5\n");
    assert_eq!(e.pointer(), Some("#/paths/~1a/get/responses"), "{e}");
    assert!(e.message.contains("not a valid OpenAPI 3.0 object"), "{e}");
}

#[test]
fn dangling_ref() {
    let e = err(&doc("  {}", "    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'"));
    assert_eq!(e.pointer(), Some("#/components/schemas/A/properties/b"));
    assert!(e.message.contains("dangling `$ref`") && e.message.contains("Missing"), "{e}");
}

#[test]
fn remote_ref_is_unsupported() {
    let e = err(&doc("  {}", "    A:\n      type: object\n      properties:\n        b:\n          $ref: 'other.yaml#/components/schemas/B'"));
    assert_eq!(e.pointer(), Some("#/components/schemas/A/properties/b"));
    assert!(e.message.contains("remote `$ref`") && e.message.contains("unsupported"), "{e}");
}

#[test]
fn allof_cycle_cannot_be_represented() {
    let e = err(&doc(
        "  {}",
        "    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'",
    ));
    assert_eq!(e.pointer(), Some("#/components/schemas/A"));
    assert!(e.message.contains("cycle through allOf") && e.message.contains("A → B → A"), "{e}");
}

#[test]
fn allof_cycle_behind_a_chain_names_the_whole_chain() {
    // The chain enters the cycle from outside it: the error names it all.
    let e = err(&doc(
        "  {}",
        "    P:\n      allOf:\n        - $ref: '#/components/schemas/Q'\n    Q:\n      allOf:\n        - $ref: '#/components/schemas/R'\n    R:\n      allOf:\n        - $ref: '#/components/schemas/Q'",
    ));
    assert_eq!(e.pointer(), Some("#/components/schemas/P"));
    assert!(e.message.contains("P → Q → R → Q"), "{e}");
}

#[test]
fn allof_merge_cycle_cannot_be_represented() {
    let e = err(&doc(
        "  {}",
        "    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n        - type: object\n          properties:\n            x:\n              type: string\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties:\n            y:\n              type: string",
    ));
    assert!(e.message.contains("cycle through allOf"), "{e}");
    assert!(e.pointer().is_some_and(|p| p.starts_with("#/components/schemas/")), "{e}");
}

#[test]
fn recursion_through_properties_is_fine() {
    let api = lower(&doc(
        "  {}",
        "    Node:\n      type: object\n      properties:\n        children:\n          type: array\n          items:\n            $ref: '#/components/schemas/Node'",
    ))
    .unwrap();
    assert_eq!(api.types.len(), 1);
}

#[test]
fn duplicate_operation_id() {
    let e = err(&doc(
        &format!("  /a:\n    get:\n      operationId: Same\n{OK_RESPONSES}  /b:\n    get:\n      operationId: Same\n{OK_RESPONSES}"),
        "    {}",
    ));
    assert_eq!(e.pointer(), Some("#/paths/~1b/get/operationId"));
    assert!(e.message.contains("duplicate operationId `Same`") && e.message.contains("#/paths/~1a/get"), "{e}");
}

#[test]
fn undeclared_path_parameter() {
    let e = err(&doc(&format!("  /chats/{{id}}:\n    get:\n      operationId: C_get\n{OK_RESPONSES}"), "    {}"));
    assert_eq!(e.pointer(), Some("#/paths/~1chats~1{id}/get/parameters"));
    assert!(e.message.contains("path parameter `id`") && e.message.contains("in: path"), "{e}");
}

#[test]
fn unsupported_request_media_type() {
    let e = err(&doc(
        &format!("  /chats:\n    post:\n      operationId: C_post\n      requestBody:\n        content:\n          text/plain:\n            schema:\n              type: string\n{OK_RESPONSES}"),
        "    {}",
    ));
    assert_eq!(e.pointer(), Some("#/paths/~1chats/post/requestBody/content"));
    assert!(e.message.contains("`text/plain`") && e.message.contains("expected `application/json` or `multipart/form-data`"), "{e}");
}

#[test]
fn missing_spec_file() {
    let e = generator::load::load_file(Path::new("/nonexistent/spec.yaml")).unwrap_err();
    assert_eq!(e.location, Location::File);
    assert!(e.to_string().starts_with("/nonexistent/spec.yaml: cannot read"), "{e}");
}

#[test]
fn garbage_never_panics() {
    for text in ["", "null", "[]", "openapi: 3.0.0", "openapi: 3.0.0\ninfo: 5\n", ":\n:\n- -", "openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\npaths:\n  /x: 7\n"] {
        assert!(lower(text).is_err(), "accepted {text:?}");
    }
}

// Found by the fuzzer (`tests/fuzz.rs`): each once got past lowering and
// failed later, in a renderer or with a stack overflow.

#[test]
fn multipart_body_must_be_an_object() {
    let paths = "  /files:\n    post:\n      operationId: upload\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: string\n                \n      responses:\n        '204':\n          description: ok\n";
    let e = err(&doc(paths, "    {}"));
    assert_eq!(e.pointer(), Some("#/paths/~1files/post/requestBody/content/multipart~1form-data/schema"));
    assert!(e.message.contains("multipart body must be an object"), "{e}");
}

#[test]
fn allof_merge_reaching_its_own_component_through_a_field_is_a_cycle() {
    // Merging `best_friend` reads Person's fields, which include `best_friend`.
    let e = err(&doc(
        "  {}",
        "    Person:\n      type: object\n      properties:\n        best_friend:\n          allOf:\n            - $ref: '#/components/schemas/Person'\n            - type: object\n              properties:\n                since:\n                  type: string",
    ));
    assert_eq!(e.pointer(), Some("#/components/schemas/Person/properties/best_friend/allOf/0"));
    assert!(e.message.contains("Person → Person"), "{e}");
}

#[test]
fn allof_members_that_only_annotate_do_not_count() {
    let api = lower(&doc(
        "  {}",
        "    Address:\n      type: object\n      properties:\n        city:\n          type: string\n    Profile:\n      type: object\n      properties:\n        billing:\n          allOf:\n            - $ref: '#/components/schemas/Address'\n            - nullable: true\n              description: Or null.",
    ))
    .unwrap();
    let profile = api.types.iter().find(|t| t.name == "Profile").unwrap();
    let generator::ir::TypeKind::Struct { fields } = &profile.kind else { panic!("{profile:?}") };
    assert_eq!(fields[0].ty, generator::ir::TypeRef::named("Address"));
    assert!(fields[0].nullable);
    assert_eq!(fields[0].description.as_deref(), Some("Or null."));
}
