//! Unit tests of the diff: every synthetic spec pair of
//! `generator/tests/data/semver/cases.yaml` (one per kind of change), and
//! the exact wording of the changes a user reads.

use serde::Deserialize;

use super::*;
use crate::release::{Release, ReleaseLog, Version};

const BASE: &str = include_str!("../../tests/data/semver/base.yaml");
const CASES: &str = include_str!("../../tests/data/semver/cases.yaml");

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    kind: String,
    impact: Impact,
    version: String,
    edits: Vec<Edit>,
}

#[derive(Debug, Deserialize)]
struct Edit {
    find: String,
    replace: String,
}

impl<'de> Deserialize<'de> for Impact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "breaking" => Ok(Impact::Breaking),
            "compatible" => Ok(Impact::Compatible),
            "docs" => Ok(Impact::Docs),
            other => Err(serde::de::Error::custom(format!("unknown impact `{other}`"))),
        }
    }
}

fn cases() -> Vec<Case> {
    crate::load::yaml::from_str(CASES).expect("cases.yaml parses")
}

fn lower(text: &str) -> Api {
    let spec = crate::load::load_str(std::path::Path::new("case.yaml"), text).expect("loads");
    crate::lower::lower_with(&spec, crate::profile::Profile::Pachca.lower_options(false)).expect("lowers").api
}

fn edited(case: &Case) -> String {
    let mut text = BASE.to_owned();
    for e in &case.edits {
        assert_eq!(text.matches(&e.find).count(), 1, "{}: `{}` must occur once in base.yaml", case.name, e.find);
        text = text.replace(&e.find, &e.replace);
    }
    text
}

fn case_diff(name: &str) -> ApiDiff {
    let case = cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case {name}"));
    diff(&lower(BASE), &lower(&edited(&case)))
}

fn kind_name(c: &Change) -> String {
    serde_json::to_value(c).expect("serialises")["kind"].as_str().expect("kind").to_owned()
}

fn texts(d: &ApiDiff, impact: Impact) -> Vec<String> {
    d.with(impact).map(|c| c.text.clone()).collect()
}

#[test]
fn identical_models_have_no_changes() {
    let api = lower(BASE);
    assert!(diff(&api, &api).is_empty());
}

#[test]
fn every_case_reports_its_kind_with_its_impact_and_bumps_as_expected() {
    let base = lower(BASE);
    let cases = cases();
    assert!(cases.len() >= 19, "{} cases", cases.len());
    for case in &cases {
        let d = diff(&base, &lower(&edited(case)));
        let hit = d.changes.iter().find(|c| kind_name(c) == case.kind);
        let hit = hit.unwrap_or_else(|| panic!("{}: no `{}` change in {:#?}", case.name, case.kind, d.changes));
        assert_eq!(hit.impact, case.impact, "{}: {hit:?}", case.name);
        assert_eq!(d.impact(), Some(case.impact), "{}: the largest impact; {:#?}", case.name, d.changes);
        // The version a release of this diff gets, after 1.0.0 and after 0.3.0.
        for (from, expected) in [("1.0.0", case.version.clone()), ("0.3.0", if case.impact == Impact::Breaking { "0.4.0".into() } else { "0.3.1".into() })] {
            let mut log = ReleaseLog { releases: vec![release(from)] };
            let version = log.record(&d, "2026-08-01", "Semver Fixture 1.0.0", "0").expect("a release");
            assert_eq!(version.to_string(), expected, "{} after {from}", case.name);
            assert_eq!(log.check(), Ok(()), "{}", case.name);
        }
    }
}

fn release(version: &str) -> Release {
    Release::new(version.parse::<Version>().expect("version"), "2026-07-01", "Semver Fixture 1.0.0")
}

#[test]
fn changes_read_in_the_crates_and_the_clis_names() {
    let d = case_diff("optional-parameter-added");
    assert_eq!(
        texts(&d, Impact::Compatible),
        ["`chats().list_chats()` gains `sort` (`ListChatsParams::sort`)", "`pachca chats list` gains `--sort`"]
    );
    let d = case_diff("first-optional-parameter");
    assert_eq!(texts(&d, Impact::Breaking), ["`chats().get_chat()` gains `fields` and with it the argument `params: GetChatParams`"]);
    assert_eq!(texts(&d, Impact::Compatible), ["`pachca chats get` gains `--fields`"]);
    let d = case_diff("operation-renamed");
    assert_eq!(
        texts(&d, Impact::Breaking),
        ["`chats().get_chat()` is now `chats().fetch_chat()` (operationId `ChatOperations_getChat` → `ChatOperations_fetchChat`)"]
    );
    // The command's name comes from the path, so a script is unaffected.
    assert!(d.changes.iter().all(|c| !matches!(c.subject, Subject::Command(_))), "{:#?}", d.changes);
    let d = case_diff("response-field-added");
    assert_eq!(texts(&d, Impact::Compatible), ["`Chat` gains `archived` (`bool`; `ChatBuilder::build` now requires it)"]);
    let d = case_diff("enum-value-removed");
    assert_eq!(texts(&d, Impact::Breaking), ["`ChatKind` loses `Channel` (`channel`)"]);
    assert_eq!(d.changes.len(), 1, "a response-only enum: no CLI change; {:#?}", d.changes);
}

#[test]
fn a_required_request_field_breaks_the_constructor_and_the_cli() {
    let d = case_diff("required-request-field-added");
    let breaking: Vec<(&str, Option<&str>)> = d.with(Impact::Breaking).map(|c| (c.text.as_str(), c.why.as_deref())).collect();
    assert_eq!(
        breaking,
        [
            ("`ChatCreateRequestChat` gains `owner_id` (`i64`; `ChatCreateRequestChatBuilder::build` now requires it)", Some("`ChatCreateRequestChat::new` takes it as a new argument")),
            ("`pachca chats create` requires `--owner-id`", Some("scripts without the flag fail")),
        ]
    );
    // An optional one is an added setter and an added flag.
    let d = case_diff("request-field-added");
    assert_eq!(texts(&d, Impact::Compatible), ["`ChatCreateRequestChat` gains `public` (`Option<bool>`)", "`pachca chats create` gains `--public`"]);
}

#[test]
fn pagination_changes_the_return_type() {
    let d = case_diff("pagination-added");
    let c = d.with(Impact::Breaking).next().expect("a breaking change");
    assert_eq!(
        c.text,
        "`messages().list_messages()` is paginated: `list_messages_stream` and `list_messages_all` follow the cursor; it returns `Page<Message>` (was `Vec<Message>`)"
    );
    assert_eq!(texts(&d, Impact::Compatible), ["`pachca messages list` gains `--all`"], "{:#?}", d.changes);
}

#[test]
fn nullable_and_type_changes_name_both_rust_types() {
    let d = case_diff("field-made-nullable");
    assert_eq!(texts(&d, Impact::Breaking), ["`Message`: `content` becomes nullable: `Option<String>` (was `String`)"]);
    let d = case_diff("field-type-changed");
    assert_eq!(texts(&d, Impact::Breaking), ["`Message`: `content` changes type: `i64` (was `String`)"]);
}

#[test]
fn the_json_form_names_subject_kind_and_impact() {
    let d = case_diff("scope-changed");
    let json = serde_json::to_value(&d).expect("serialises");
    let first = &json["changes"][0];
    assert_eq!(first["subject"], serde_json::json!({"operation": "ChatOperations_createChat"}));
    assert_eq!(first["kind"], "scope_changed");
    assert_eq!(first["from"], "chats:create");
    assert_eq!(first["to"], "chats:write");
    assert_eq!(first["impact"], "compatible");
}

#[test]
fn the_text_form_groups_by_impact() {
    let d = case_diff("operation-removed");
    let text = render_text(&d, "old.yaml", "new.yaml");
    assert!(text.starts_with("API diff old.yaml → new.yaml\n2 breaking, 0 compatible, 0 docs-only changes\n\nBreaking (2):\n"), "{text}");
    assert!(text.contains("  - `chats().get_chat()` is removed (`GET /chats/{id}`): calls of the method no longer compile\n"), "{text}");
    assert!(text.contains("  - `pachca chats get` is removed: scripts calling it fail\n"), "{text}");
}
