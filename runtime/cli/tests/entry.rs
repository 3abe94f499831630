//! `entry::run`, the whole process for a command line, with the hand-made
//! table (`support.rs`): one test, so the environment it sets is its own.

mod support;

use std::process::ExitCode;

use pachca_cli_runtime::entry;
use serde_json::json;
use support::COMMANDS;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn entry_runs_command_lines() {
    let home = std::env::temp_dir().join(format!("pachca-cli-runtime-entry-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("temp dir");
    // Before any other thread exists: no saved profiles, no ambient token.
    std::env::set_var("PACHCA_HOME", &home);
    std::env::remove_var("PACHCA_TOKEN");
    std::env::remove_var("PACHCA_PROFILE");
    std::env::remove_var("PACHCA_API_URL");

    // The server lives on its own runtime; `entry::run` builds one per call.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/ping"))
            .and(query_param("term", "hi"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": "pong" })))
            .mount(&server),
    );
    let uri = server.uri();
    let run = |args: &[&str]| entry::run(&COMMANDS, std::iter::once("pachca").chain(args.iter().copied()));

    let base = ["--base-url", uri.as_str(), "-o", "json"];
    assert_eq!(run(&[&base[..], &["--token", "t", "ping", "get", "--term", "hi"]].concat()), ExitCode::SUCCESS);
    // The hidden legacy name runs the same command.
    assert_eq!(run(&[&base[..], &["health", "check", "--term", "hi", "--token", "t"]].concat()), ExitCode::SUCCESS);
    // No token anywhere: exit 3, nothing sent.
    assert_eq!(run(&[&base[..], &["ping", "get", "--term", "hi"]].concat()), ExitCode::from(3));
    // Usage errors, ours and clap's: exit 2.
    assert_eq!(run(&[&base[..], &["--token", "t", "ping", "get"]].concat()), ExitCode::from(2));
    assert_eq!(run(&["ping", "get", "--bogus"]), ExitCode::from(2));
    assert_eq!(run(&["nope"]), ExitCode::from(2));
    // Help and the self-describing commands need no server.
    assert_eq!(run(&["ping", "get", "--help"]), ExitCode::SUCCESS);
    assert_eq!(run(&["introspect", "ping", "get"]), ExitCode::SUCCESS);
    assert_eq!(run(&["api", "--describe", "GET", "/ping"]), ExitCode::SUCCESS);

    let requests = rt.block_on(server.received_requests()).expect("recorded");
    let sent: Vec<String> = requests.iter().map(|r| format!("{} {}?{}", r.method, r.url.path(), r.url.query().unwrap_or_default())).collect();
    assert_eq!(sent, ["GET /ping?term=hi", "GET /ping?term=hi"]);
    let _ = std::fs::remove_dir_all(&home);
}
