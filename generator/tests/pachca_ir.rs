//! The whole IR of the pinned Pachca spec as a reviewable snapshot.

use std::path::{Path, PathBuf};

use generator::ir::{TypeKind, TypeSource, UnionDecoding};
use generator::pin::{self, Lang, SpecSource};

fn pinned_spec(lang: Lang) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    match pin::resolve(root, lang, SpecSource::Pinned) {
        Ok((path, _)) => path,
        Err(e) => panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"),
    }
}

fn lower(lang: Lang) -> generator::ir::Api {
    let spec = generator::load::load_file(&pinned_spec(lang)).unwrap_or_else(|e| panic!("{e}"));
    generator::lower::lower_with(&spec, generator::profile::Profile::Pachca.lower_options(false)).map(|l| l.api).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn ir_snapshot() {
    let api = lower(Lang::En);
    let operations: usize = api.operations().count();
    assert_eq!(operations, 77);
    let components = api.types.iter().filter(|t| matches!(t.source, TypeSource::Component { .. })).count();
    assert_eq!(components, 135);
    insta::assert_yaml_snapshot!("pachca_ir_en", api);
}

#[test]
fn both_languages_lower_to_the_same_shape() {
    let (en, ru) = (lower(Lang::En), lower(Lang::Ru));
    let names = |api: &generator::ir::Api| api.types.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&en), names(&ru));
    let ops = |api: &generator::ir::Api| {
        api.services.iter().flat_map(|s| s.operations.iter().map(|o| (o.id.clone(), o.method_name.clone()))).collect::<Vec<_>>()
    };
    assert_eq!(ops(&en), ops(&ru));
}

#[test]
fn unions_decode_by_tag_or_structure() {
    let api = lower(Lang::En);
    let union = |name: &str| match &api.types.iter().find(|t| t.name == name).expect(name).kind {
        TypeKind::Union(u) => u.clone(),
        other => panic!("{name} is {other:?}"),
    };
    let webhook = union("WebhookPayloadUnion");
    assert_eq!(webhook.decoding, UnionDecoding::Tagged { property: "type".into(), inferred: true });
    let link = webhook.variants.iter().find(|v| v.variant == "LinkShared").expect("LinkShared variant");
    assert_eq!(link.tags.get("event").map(String::as_str), Some("link_shared"));
    assert!(matches!(union("ViewBlockUnion").decoding, UnionDecoding::Tagged { .. }));
    let audit = union("AuditEventDetailsUnion");
    let UnionDecoding::Structural { order } = &audit.decoding else { panic!("audit details should be structural") };
    assert_eq!(audit.variants.len(), 23);
    assert_eq!(audit.variants[*order.last().expect("non-empty")].variant, "Empty");
}
