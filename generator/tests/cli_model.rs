//! The derived command line against the upstream CLI's 77 commands, and the
//! errors for bad `spec/cli.yaml` data.

use std::collections::BTreeSet;
use std::path::Path;

use generator::cli_model::{self, CliData, FlagKind, FlagSource};
use generator::pin::{self, Lang, SpecSource};

fn api() -> generator::ir::Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, _) = pin::resolve(root, Lang::En, SpecSource::Pinned)
        .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"));
    let loaded = generator::load::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
    generator::lower::lower_with(&loaded, generator::profile::Profile::Pachca.lower_options(false)).map(|l| l.api).unwrap_or_else(|e| panic!("{e}"))
}

struct Row {
    command: String,
    paginated: bool,
    endpoint: String,
    operation_id: String,
    positionals: Vec<String>,
    required: BTreeSet<String>,
    scope: Option<String>,
    plan: Option<String>,
}

fn upstream_table() -> Vec<Row> {
    let text = include_str!("data/upstream_cli_commands.txt");
    let dash = |s: &str| (s != "-").then(|| s.to_owned());
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('|').map(str::trim).collect();
            assert_eq!(c.len(), 8, "malformed row: {l}");
            Row {
                command: c[0].to_owned(),
                paginated: c[1] == "*",
                endpoint: c[2].to_owned(),
                operation_id: c[3].to_owned(),
                positionals: c[4].split_whitespace().filter(|s| *s != "-").map(str::to_owned).collect(),
                required: c[5].split(',').filter(|s| *s != "-").map(str::to_owned).collect(),
                scope: dash(c[6]),
                plan: dash(c[7]),
            }
        })
        .collect()
}

#[test]
fn derived_commands_match_the_upstream_table() {
    let api = api();
    let model = cli_model::derive_bundled(&api).unwrap_or_else(|e| panic!("{e}")).model;
    let table = upstream_table();
    assert_eq!(table.len(), 77);
    assert_eq!(model.commands.len(), 77);
    let mut mismatches = Vec::new();
    for row in &table {
        let Some(c) = model.by_operation(&row.operation_id) else {
            mismatches.push(format!("{}: no command derived", row.operation_id));
            continue;
        };
        let mut check = |what: &str, ours: String, theirs: String| {
            if ours != theirs {
                mismatches.push(format!("{} {what}: derived `{ours}`, upstream `{theirs}`", row.operation_id));
            }
        };
        check("name", c.name(), row.command.clone());
        check("endpoint", format!("{} {}", c.method.as_str(), c.path), row.endpoint.clone());
        check("paginated", c.paginated.to_string(), row.paginated.to_string());
        let positionals: Vec<String> =
            c.positionals.iter().map(|p| if p.required { p.name.clone() } else { format!("[{}]", p.name) }).collect();
        check("positionals", positionals.join(" "), row.positionals.join(" "));
        let required: BTreeSet<String> = c.required_flags().map(|f| f.name.clone()).collect();
        check("required flags", format!("{required:?}"), format!("{:?}", row.required));
        check("scope", format!("{:?}", c.scope), format!("{:?}", row.scope));
        check("plan", format!("{:?}", c.plan), format!("{:?}", row.plan));
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn hidden_aliases_resolve_to_their_commands() {
    let model = cli_model::derive_bundled(&api()).unwrap_or_else(|e| panic!("{e}")).model;
    for (alias, name) in [
        ("common request-export", "chats request-export"),
        ("common get-exports", "chats download-export"),
        ("common uploads", "files uploads"),
        ("common direct-url", "files direct-url"),
        ("common custom-properties", "custom-properties list"),
        ("profile get-info", "oauth token-info"),
        ("link-previews add", "messages unfurl"),
        ("thread add", "threads add"),
    ] {
        let (g, a) = alias.split_once(' ').expect("two words");
        assert_eq!(model.find(g, a).map(|c| c.name()), Some(name.to_owned()), "{alias}");
    }
    let total: usize = model.commands.iter().map(|c| c.hidden_aliases.len()).sum();
    assert_eq!(total, 8);
}

#[test]
fn flag_kinds_follow_the_schema() {
    let model = cli_model::derive_bundled(&api()).unwrap_or_else(|e| panic!("{e}")).model;
    let create = model.find("messages", "create").expect("messages create");
    let kind = |name: &str| create.flag(name).map(|f| f.kind.clone()).unwrap_or_else(|| panic!("--{name}"));
    assert_eq!(kind("entity-type"), FlagKind::Enum { values: vec!["discussion".into(), "thread".into(), "user".into()] });
    assert_eq!(kind("buttons"), FlagKind::Json);
    assert_eq!(kind("link-preview"), FlagKind::Bool);
    assert_eq!(create.flag("display-name").and_then(|f| f.max_length), Some(255));
    let search = model.find("search", "list-users").expect("search list-users");
    assert!(matches!(search.flag("company-roles").map(|f| &f.kind), Some(FlagKind::List { values: Some(_), .. })));
    assert!(search.flag("all").is_some(), "paginated commands take --all");
    assert!(model.find("messages", "delete").and_then(|c| c.flag("force")).is_some());
    let export = model.find("chats", "download-export").expect("chats download-export");
    assert!(export.flag("save").is_some());
    // `--save` keeps an existing file unless `--force`.
    assert_eq!(export.flag("force").map(|f| (&f.source, f.kind.clone())), Some((&FlagSource::Force, FlagKind::Bool)));
    let avatar = model.find("profile", "update-avatar").expect("profile update-avatar");
    assert_eq!(avatar.flag("file").map(|f| f.kind.clone()), Some(FlagKind::File));
}

#[test]
fn arguments_map_to_the_request() {
    let api = api();
    let model = cli_model::derive_bundled(&api).unwrap_or_else(|e| panic!("{e}")).model;
    let create = model.find("messages", "create").expect("messages create");
    let call = create
        .parse_args(r#"--entity-id=<chat_id> --content="Hi there" --buttons='[[{"text":"Go","url":"https://example.com"}]]' --link-preview"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        call.body_json().as_deref(),
        Some(r#"{"message":{"entity_id":<chat_id>,"content":"Hi there","buttons":[[{"text":"Go","url":"https://example.com"}]]},"link_preview":true}"#)
    );
    let list = model.find("messages", "list").expect("messages list");
    let call = list.parse_args("<chat_id> --limit=50 --all").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(call.path(), "/messages");
    assert_eq!(call.query(&api), vec![("chat_id".to_owned(), "<chat_id>".to_owned()), ("limit".to_owned(), "50".to_owned())]);
    let remove = model.find("members", "remove").expect("members remove");
    assert_eq!(remove.parse_args("12 <user_id> --force").map(|c| c.path()), Ok("/chats/12/members/<user_id>".to_owned()));
}

#[test]
fn bad_arguments_are_explained() {
    let model = cli_model::derive_bundled(&api()).unwrap_or_else(|e| panic!("{e}")).model;
    let check = |line: &str| model.check_line(line).map_err(|e| e.0);
    assert_eq!(check("pachca chats create --name=Team --channel"), Ok(()));
    assert_eq!(check("pachca messages list <chat_id> --all -o json"), Ok(()));
    assert_eq!(check("pachca auth status"), Ok(()));
    assert_eq!(check("pachca chats create --help"), Ok(()));
    assert_eq!(check("pachca chats --help"), Ok(()));
    let e = check("pachca chats create --nme=Team").unwrap_err();
    assert!(e.contains("`--nme` is not a flag of `pachca chats create`") && e.contains("--name"), "{e}");
    let e = check("pachca chats create --channel").unwrap_err();
    assert!(e.contains("needs `--name`"), "{e}");
    let e = check("pachca chats get").unwrap_err();
    assert!(e.contains("needs 1 positional argument(s) (<id>)"), "{e}");
    let e = check("pachca members update 1 2 --role=owner").unwrap_err();
    assert!(e.contains("is one of admin, editor, member"), "{e}");
    let e = check("pachca chats create --name=x --member-ids='[1,'").unwrap_err();
    assert!(e.contains("not valid JSON"), "{e}");
    let e = check("pachca thred add 1").unwrap_err();
    assert!(e.contains("not a known `pachca` command"), "{e}");
    let e = check(&format!("pachca chats create --name={}", "x".repeat(256))).unwrap_err();
    assert!(e.contains("at most 255 characters"), "{e}");
}

#[test]
fn placeholders_become_typed_samples() {
    let model = cli_model::derive_bundled(&api()).unwrap_or_else(|e| panic!("{e}")).model;
    let argv = cli_model::args::sample_argv(&model, "pachca members update <chat_id> <user_id> --role=<role>")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(argv, ["pachca", "members", "update", "1", "1", "--role=admin"]);
    let argv = cli_model::args::sample_argv(&model, "pachca members add <chat_id> --member-ids='[<user_id>]'")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(argv, ["pachca", "members", "add", "1", "--member-ids=[1]"]);
}

#[test]
fn cli_data_errors_name_the_file_and_key() {
    let api = api();
    // An unknown operationId is a warning (an older spec), the entry skipped.
    let derived = CliData::parse("overrides:\n  Nope_nothing: chats list\n").and_then(|d| cli_model::derive(&api, &d)).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = derived.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, ["spec/cli.yaml: overrides.Nope_nothing: no operation has operationId `Nope_nothing`; entry skipped"]);
    // A malformed name is an error even for an unknown operation.
    let e = CliData::parse("overrides:\n  Nope_nothing: Chats\n").and_then(|d| cli_model::derive(&api, &d)).unwrap_err();
    assert!(e.to_string().starts_with("spec/cli.yaml: overrides.Nope_nothing: "), "{e}");
    let e = CliData::parse("overrides:\n  ChatOperations_listChats: chats list\n").and_then(|d| cli_model::derive(&api, &d)).unwrap_err();
    assert!(e.to_string().contains("overrides.ChatOperations_listChats: the naming rules already give `chats list`"), "{e}");
    let e = CliData::parse("overrides:\n  ChatOperations_listChats: Chats\n").and_then(|d| cli_model::derive(&api, &d)).unwrap_err();
    assert!(e.to_string().contains("not a command name"), "{e}");
    let e = CliData::parse("hidden_aliases:\n  ChatOperations_listChats: common list\n").unwrap_err();
    assert!(e.to_string().starts_with("spec/cli.yaml: hidden_aliases.ChatOperations_listChats: "), "{e}");
    let e = CliData::parse("overides: {}\n").unwrap_err();
    assert!(e.to_string().contains("unknown field `overides`"), "{e}");
    let e = CliData::parse("overrides:\n  ChatOperations_getChat: chats list\n").and_then(|d| cli_model::derive(&api, &d)).unwrap_err();
    assert!(e.to_string().contains("command name `chats list` is also used by"), "{e}");
}
