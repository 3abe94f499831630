//! Lowering rules on small specs: allOf, inline naming, enums, unions.

use std::path::Path;

use generator::ir::{Api, Field, TypeKind, TypeRef, UnionDecoding};

fn lower(schemas: &str) -> Api {
    let yaml = format!("openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}\n");
    let spec = generator::load::load_str(Path::new("t.yaml"), &yaml).unwrap_or_else(|e| panic!("{e}"));
    generator::lower::lower(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}")).kind
}

fn fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    match kind(api, name) {
        TypeKind::Struct { fields } => fields,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

#[test]
fn single_ref_allof_with_siblings_is_that_type() {
    let api = lower(
        "    Inner:\n      type: object\n      properties:\n        a:\n          type: string\n    Outer:\n      type: object\n      properties:\n        inner:\n          type: object\n          allOf:\n            - $ref: '#/components/schemas/Inner'\n          nullable: true\n          description: maybe",
    );
    let f = &fields(&api, "Outer")[0];
    assert_eq!(f.ty, TypeRef::named("Inner"));
    assert!(f.nullable);
    assert_eq!(f.description.as_deref(), Some("maybe"));
}

#[test]
fn alias_chains_sharing_a_tail_lower_to_aliases() {
    let api = lower(
        "    Top:\n      allOf:\n        - $ref: '#/components/schemas/Mid'\n    Mid:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n    Other:\n      allOf:\n        - $ref: '#/components/schemas/Mid'\n    Base:\n      type: object\n      properties:\n        a:\n          type: string",
    );
    for (name, target) in [("Top", "Mid"), ("Mid", "Base"), ("Other", "Mid")] {
        assert!(matches!(kind(&api, name), TypeKind::Alias { target: t } if *t == TypeRef::named(target)), "{name}");
    }
}

#[test]
fn multi_member_allof_merges_later_wins_required_unions() {
    let api = lower(
        "    A:\n      type: object\n      required: [x]\n      properties:\n        x:\n          type: string\n        y:\n          type: string\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          required: [y]\n          properties:\n            x:\n              type: integer\n            y:\n              type: string",
    );
    let f = fields(&api, "B");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].name, "x");
    assert_eq!(f[0].ty, TypeRef::Integer { bits: 64 }, "the later member's type wins");
    assert!(f[0].required && f[1].required, "required if any member requires it");
}

#[test]
fn inline_objects_are_named_after_their_parent() {
    let api = lower(
        "    Message:\n      type: object\n      properties:\n        thread:\n          type: object\n          properties:\n            id:\n              type: integer\n              format: int32\n        files:\n          type: array\n          items:\n            type: object\n            properties:\n              key:\n                type: string",
    );
    assert!(matches!(kind(&api, "MessageThread"), TypeKind::Struct { .. }));
    assert!(matches!(kind(&api, "MessageFilesItem"), TypeKind::Struct { .. }));
    assert_eq!(fields(&api, "MessageThread")[0].ty, TypeRef::Integer { bits: 32 });
}

#[test]
fn inline_name_collisions_get_a_suffix() {
    let api = lower(
        "    MessageThread:\n      type: string\n    Message:\n      type: object\n      properties:\n        thread:\n          type: object\n          properties:\n            id:\n              type: string",
    );
    assert!(matches!(kind(&api, "MessageThread2"), TypeKind::Struct { .. }));
}

#[test]
fn enum_values_get_unique_variants_and_unknown_is_reserved() {
    let api = lower("    E:\n      type: string\n      enum: [unknown, a-b, a_b, 'chats:read']\n      x-enum-descriptions:\n        a-b: first");
    let TypeKind::Enum { values, .. } = kind(&api, "E") else { panic!("not an enum") };
    let variants: Vec<&str> = values.iter().map(|v| v.variant.as_str()).collect();
    assert_eq!(variants, ["Unknown2", "AB", "AB2", "ChatsRead"]);
    assert_eq!(values[1].description.as_deref(), Some("first"));
}

#[test]
fn union_without_shared_literal_is_structural() {
    let api = lower(
        "    Empty:\n      type: object\n      properties: {}\n    One:\n      type: object\n      required: [a]\n      properties:\n        a:\n          type: string\n    Two:\n      type: object\n      required: [a, b]\n      properties:\n        a:\n          type: string\n        b:\n          type: string\n    U:\n      anyOf:\n        - $ref: '#/components/schemas/Empty'\n        - $ref: '#/components/schemas/One'\n        - $ref: '#/components/schemas/Two'",
    );
    let TypeKind::Union(u) = kind(&api, "U") else { panic!("not a union") };
    assert_eq!(u.decoding, UnionDecoding::Structural { order: vec![2, 1, 0] });
}

#[test]
fn keyword_fields_are_raw_identifiers() {
    let api = lower("    T:\n      type: object\n      properties:\n        type:\n          type: string\n        self:\n          type: string");
    let f = fields(&api, "T");
    assert_eq!(f[0].rust_name, "r#type");
    assert_eq!(f[1].rust_name, "self_");
}

#[test]
fn a_token_is_required_only_where_security_is_declared() {
    let lower_doc = |head: &str, op_security: &str| {
        let yaml = format!(
            "openapi: 3.0.0\ninfo:\n  title: T\n  version: '1'\n{head}paths:\n  /a:\n    get:\n      operationId: getA\n{op_security}      responses:\n        '204':\n          description: ok\ncomponents:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\n"
        );
        let spec = generator::load::load_str(Path::new("t.yaml"), &yaml).unwrap_or_else(|e| panic!("{e}"));
        let api = generator::lower::lower(&spec).unwrap_or_else(|e| panic!("{e}"));
        (api.token_required, api.services[0].operations[0].auth.required)
    };
    // (token required by the client, token sent by the operation)
    assert_eq!(lower_doc("security:\n  - bearer: []\n", ""), (true, true));
    assert_eq!(lower_doc("", "      security:\n        - bearer: []\n"), (true, true));
    // An explicitly empty requirement turns the token off for that operation.
    assert_eq!(lower_doc("security:\n  - bearer: []\n", "      security: []\n"), (false, false));
    // `{}` makes it optional: sent when configured, not required.
    assert_eq!(lower_doc("security:\n  - {}\n", ""), (false, true));
    // Nothing declared: a configured token is still sent (many specs leave security out).
    assert_eq!(lower_doc("", ""), (false, true));
}
