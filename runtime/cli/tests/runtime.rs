//! The runtime driven by a hand-made table (`support.rs`): the clap tree,
//! arguments into the request, output formats, and runs against a loopback
//! server checking exactly what is sent.

mod support;

use clap::ArgMatches;
use pachca_cli_runtime::config::Config;
use pachca_cli_runtime::errors::CliError;
use pachca_cli_runtime::input::Input;
use pachca_cli_runtime::output::{self, Format, Options};
use pachca_cli_runtime::run::{self, Globals};
use pachca_cli_runtime::{app, raw};
use serde_json::{json, Value};
use support::{COMMANDS, TABLE};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn parse(args: &[&str]) -> Result<ArgMatches, clap::Error> {
    app::build(&TABLE).try_get_matches_from(std::iter::once("pachca").chain(args.iter().copied()))
}

/// The matches of `pachca ping get ...`'s own arguments.
fn ping_args(m: &ArgMatches) -> &ArgMatches {
    let (group, sub) = m.subcommand().expect("a group");
    assert_eq!(group, "ping");
    let (action, args) = sub.subcommand().expect("an action");
    assert_eq!(action, "get");
    args
}

#[test]
fn clap_tree_is_built_from_the_table() {
    let mut cmd = app::build(&TABLE);
    cmd.build();
    let ping = cmd.find_subcommand("ping").expect("group `ping`");
    assert!(!ping.is_hide_set());
    let get = ping.find_subcommand("get").expect("`ping get`");
    assert_eq!(get.get_about().map(ToString::to_string).as_deref(), Some("Ping the API"));
    for flag in ["term", "limit", "name"] {
        assert!(get.get_arguments().any(|a| a.get_long() == Some(flag)), "--{flag}");
    }
    // The legacy name is a hidden group of its own that finds the same command.
    let health = cmd.find_subcommand("health").expect("alias group");
    assert!(health.is_hide_set());
    assert!(health.find_subcommand("check").is_some_and(|c| c.is_hide_set()));
    assert!(std::ptr::eq(app::find(&TABLE, "health", "check").expect("alias"), &TABLE[0]));
    assert!(std::ptr::eq(app::find(&TABLE, "ping", "get").expect("name"), &TABLE[0]));
    assert!(app::find(&TABLE, "ping", "put").is_none());
    // The hand-written commands are there too.
    for name in ["auth", "api", "commands", "introspect", "completions"] {
        assert!(cmd.find_subcommand(name).is_some(), "{name}");
    }
    // clap types the integer flag.
    assert!(parse(&["ping", "get", "--term", "x", "--limit", "many"]).is_err());
}

#[test]
fn arguments_become_the_request() {
    let m = parse(&["ping", "get", "--name", "Ops", "--term", "hi", "--limit", "3"]).expect("parses");
    let input = Input::new(&TABLE[0], ping_args(&m), false).expect("valid input");
    // Query in table order, typed; the body nested at the flag's wire path.
    assert_eq!(Value::Object(input.query.clone()), json!({ "term": "hi", "limit": 3 }));
    assert_eq!(serde_json::to_string(&input.query).expect("json"), r#"{"term":"hi","limit":3}"#);
    assert_eq!(input.body, json!({ "ping": { "name": "Ops" } }));
    assert!(input.multipart.is_empty());
    assert_eq!(input.query_arg::<String>("term").expect("term"), "hi");

    let m = parse(&["ping", "get", "--term", "hi"]).expect("parses");
    let input = Input::new(&TABLE[0], ping_args(&m), false).expect("valid input");
    assert!(input.body.is_null(), "no body flag, no body");
}

#[test]
fn missing_required_flags_and_long_values_are_usage_errors() {
    let m = parse(&["ping", "get", "--name", "Ops"]).expect("clap leaves required flags to the runtime");
    let err = Input::new(&TABLE[0], ping_args(&m), false).err().expect("missing --term");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--term <string>"), "{err}");
    assert_eq!(err.to_json()["hint"], "pachca introspect ping get");

    let m = parse(&["ping", "get", "--term", "x", "--name", "toolong"]).expect("parses");
    let err = Input::new(&TABLE[0], ping_args(&m), false).err().expect("too long");
    assert!(matches!(err, CliError::Usage { .. }));
    assert!(err.to_string().contains("longer than 5"), "{err}");
}

#[test]
fn output_formats_of_a_result() {
    let rows = json!([{ "id": 1, "name": "Ops" }, { "id": 2, "name": "Dev, QA" }]);
    let render = |format: Format| output::render(&rows, &Options::new(format));
    assert_eq!(serde_json::from_str::<Value>(&render(Format::Json)).expect("json"), rows);
    assert_eq!(serde_yaml_ng::from_str::<Value>(&render(Format::Yaml)).expect("yaml"), rows);
    assert_eq!(render(Format::Csv), "id,name\n1,Ops\n2,\"Dev, QA\"\n");
    let table = render(Format::Table);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].contains("ID") || lines[0].contains("id"), "{table}");
    assert!(lines[2].contains("Dev, QA"), "{table}");
    let plain = output::render(&rows, &Options { plain: true, ..Options::new(Format::Table) });
    assert_eq!(plain, "1\tOps\n2\tDev, QA\n");
}

#[test]
fn introspection_describes_the_command() {
    let v = raw::command_json(&TABLE[0], true);
    assert_eq!(v["command"], "pachca ping get");
    assert_eq!((&v["method"], &v["path"], &v["scope"]), (&json!("GET"), &json!("/ping"), &json!("ping:read")));
    assert_eq!(v["success_status"], 200);
    let flags: Vec<&str> = v["flags"].as_array().expect("flags").iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(flags, ["--term", "--limit", "--name"]);
    assert_eq!(v["flags"][0]["required"], true);
    assert_eq!(v["flags"][1]["type"], "integer");
    assert_eq!(v["flags"][2]["max_length"], 5);
    assert_eq!(v["aliases"], json!(["health check"]));
}

/// Runs `pachca <args>` for the one command against `server`.
async fn run(server: &MockServer, args: &[&str]) -> Result<(), CliError> {
    let uri = server.uri();
    let mut all = vec!["--base-url", uri.as_str(), "--token", "secret", "-o", "json", "--no-retry"];
    all.extend_from_slice(args);
    let m = parse(&all).expect("parses");
    let config = Config::default();
    let globals = Globals::from_matches(&m, &config);
    let (_, group) = m.subcommand().expect("group");
    let (_, args) = group.subcommand().expect("action");
    let spec = app::find(COMMANDS.table, "ping", "get").expect("ping get");
    run::run_operation(spec, COMMANDS.call, args, &globals, &config).await
}

#[tokio::test]
async fn a_run_sends_exactly_the_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": { "pong": true } })))
        .mount(&server)
        .await;
    run(&server, &["ping", "get", "--term", "a b", "--limit", "3", "--name", "Ops"]).await.expect("the run succeeds");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), "/ping");
    assert_eq!(r.url.query(), Some("term=a+b&limit=3"));
    assert_eq!(r.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer secret"));
    assert_eq!(serde_json::from_slice::<Value>(&r.body).expect("JSON body"), json!({ "ping": { "name": "Ops" } }));
}

#[tokio::test]
async fn api_errors_and_dry_runs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "errors": [] })))
        .mount(&server)
        .await;
    let err = run(&server, &["ping", "get", "--term", "x"]).await.expect_err("404");
    assert_eq!(err.exit_code(), 4);
    assert_eq!(err.to_json()["type"], "PACHCA_NOT_FOUND_ERROR");
    assert_eq!(err.to_json()["code"], 404);
    // `--dry-run` prints the request and sends nothing.
    run(&server, &["ping", "get", "--term", "y", "--dry-run"]).await.expect("dry run");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}
