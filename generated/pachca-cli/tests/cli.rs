//! The `pachca` binary's behaviour around the API calls: exit codes, usage
//! errors, tokens and profiles, `--dry-run`, `--all`, `--force`.

use std::process::{Command, Output, Stdio};

mod support;
use support::{command, pachca, stderr_json, Home};

use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A chat as `GET /chats/{id}` returns it (`data`), timestamps as the API writes them.
fn chat(id: i64) -> Value {
    json!({"id": id, "name": "Ops", "created_at": "2020-06-08T09:32:57.000Z", "owner_id": 12, "member_ids": [12],
        "group_tag_ids": [], "channel": false, "archived": false, "personal": false, "public": true,
        "last_message_at": "2020-06-08T09:32:57.000Z", "meet_room_url": "https://meet.pachca.com/x"})
}

#[test]
fn missing_required_flags_are_listed_with_exit_2() {
    let home = Home::new("missing");
    let out = pachca(&home, &["messages", "create", "--token", "t", "--base-url", "http://127.0.0.1:9"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_json(&out);
    let message = err["error"].as_str().unwrap_or_default();
    assert!(message.contains("--entity-id") && message.contains("--content"), "{err}");
    assert_eq!(err["type"], "PACHCA_USAGE_ERROR");
}

#[test]
fn bad_json_flag_is_a_usage_error() {
    let home = Home::new("badjson");
    let out = pachca(&home, &["chats", "create", "--name", "Ops", "--member-ids=[1,", "--token", "t", "--base-url", "http://127.0.0.1:9"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_json(&out)["error"].as_str().unwrap_or_default().contains("invalid JSON in --member-ids"));
}

#[test]
fn no_token_exits_3() {
    let home = Home::new("notoken");
    let out = pachca(&home, &["users", "list", "--base-url", "http://127.0.0.1:9"], None);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stderr_json(&out)["hint"].as_str().unwrap_or_default().contains("auth login"));
}

#[test]
fn unknown_command_suggests_and_exits_2() {
    // clap's own errors are JSON too when stderr is not a terminal.
    let home = Home::new("unknown");
    let out = pachca(&home, &["chats", "lst"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_json(&out);
    assert_eq!(err["type"], "PACHCA_USAGE_ERROR");
    assert!(err["error"].as_str().unwrap_or_default().contains("lst"), "{err}");
    assert!(err["hint"].as_str().unwrap_or_default().contains("'list'"), "{err}");
}

#[test]
fn bad_enum_value_from_clap_is_json() {
    let home = Home::new("badenum");
    let out = pachca(&home, &["users", "list", "-o", "yaml-ish"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_json(&out);
    assert!(err["error"].as_str().unwrap_or_default().contains("yaml-ish"), "{err}");
    assert_eq!(err["exit_code"], 2);
}

#[test]
fn dry_run_masks_the_token_and_reads_stdin() {
    let home = Home::new("dryrun");
    let out = pachca(&home, &["messages", "create", "--entity-id", "198", "--dry-run", "--token", "supersecret-token"], Some("hello from stdin\n"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("supersecret"), "token leaked: {stdout}");
    let request: Value = serde_json::from_str(&stdout).expect("dry run prints JSON");
    assert_eq!(request["method"], "POST");
    assert_eq!(request["headers"]["Authorization"], "Bearer ••••••••");
    assert_eq!(request["body"], json!({"message": {"entity_id": 198, "content": "hello from stdin"}}));
}

#[test]
fn delete_needs_force_when_not_interactive() {
    let home = Home::new("force");
    let out = pachca(&home, &["messages", "delete", "5", "--token", "t", "--base-url", "http://127.0.0.1:9"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_json(&out)["error"].as_str().unwrap_or_default().contains("--force"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_checks_the_token_writes_a_private_config_and_status_masks_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .and(header("authorization", "Bearer abcdefgh12345678"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": 4827, "token": "abcd...5678", "name": null, "user_id": 12,
            "scopes": ["messages:read", "chats:read"], "created_at": "2025-01-15T10:30:00.000Z",
            "revoked_at": null, "expires_in": null, "last_used_at": null
        }})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token", "error_description": "The access token is invalid"})))
        .mount(&server)
        .await;
    let home = Home::new("login");
    let uri = server.uri();
    // A token the API refuses: exit 3, nothing written.
    let refused = pachca(&home, &["auth", "login", "--token", "wrong", "--base-url", &uri], None);
    assert_eq!(refused.status.code(), Some(3), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(!home.0.join("pachca/config.toml").exists(), "a refused token is not saved");
    let out = pachca(&home, &["auth", "login", "--token", "abcdefgh12345678", "--name", "work", "--base-url", &uri], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let file = home.0.join("pachca/config.toml");
    let saved = std::fs::read_to_string(&file).expect("config written");
    assert!(saved.contains(r#"scopes = ["messages:read", "chats:read"]"#), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("config written").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "config mode {mode:o}");
    }
    let status = pachca(&home, &["auth", "status", "-o", "json"], None);
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(!stdout.contains("abcdefgh12345678") && stdout.contains("work"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_exits_4() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/5"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "r-1").set_body_json(json!({"errors": [{"key": "id", "value": "5", "message": "Not found", "code": "not_found", "payload": null}]})))
        .mount(&server)
        .await;
    let home = Home::new("notfound");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || pachca(&home, &["messages", "get", "5", "--token", "t", "--base-url", &uri], None))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(4));
    let err = stderr_json(&out);
    assert_eq!(err["code"], 404);
    assert_eq!(err["request_id"], "r-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_are_printed_as_one_array() {
    let server = MockServer::start().await;
    for (cursor, ids, next) in [(None, [1, 2], "c2"), (Some("c2"), [3, 4], "c3"), (Some("c3"), [5, 6], "")] {
        let mock = Mock::given(method("GET")).and(path("/messages/7/read_member_ids"));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": ids, "meta": {"paginate": {"next_page": next}}})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let home = Home::new("all");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || pachca(&home, &["read-member", "list-readers", "7", "--all", "-o", "json", "--token", "t", "--base-url", &uri], None))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let items: Value = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(items, json!([1, 2, 3, 4, 5, 6]));
}

/// A server that repeats a cursor: upstream warns, prints what it has and
/// exits 0 (it used to exit 1 with nothing on stdout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_cursor_keeps_what_was_collected() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [3], "meta": {"paginate": {"next_page": "c2"}}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [1, 2], "meta": {"paginate": {"next_page": "c2"}}})))
        .mount(&server)
        .await;
    let home = Home::new("repeat");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || pachca(&home, &["read-member", "list-readers", "7", "--all", "-o", "json", "--token", "t", "--base-url", &uri], None))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let items: Value = serde_json::from_slice(&out.stdout).expect("JSON array");
    assert_eq!(items, json!([1, 2, 3]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: the server returned the cursor \"c2\" twice"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_prints_the_real_request_and_each_attempts_status() {
    let server = MockServer::start().await;
    // The first attempt is rate limited, the retry succeeds.
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/messages/7/read_member_ids"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [1, 2], "meta": {"paginate": {"next_page": ""}}})))
        .mount(&server)
        .await;
    let home = Home::new("verbose");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        let args = ["read-member", "list-readers", "7", "--limit", "2", "-v", "-o", "json", "--token", "t", "--base-url", &uri];
        pachca(&home, &args, None)
    })
        .await
        .expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].starts_with("→ GET http://") && lines[0].ends_with("/messages/7/read_member_ids?limit=2"), "{stderr}");
    assert!(stderr.contains("← 429 GET /messages/7/read_member_ids\n"), "{stderr}");
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(stderr.contains("← 200 GET /messages/7/read_member_ids (attempt 2)"), "{stderr}");
}

/// `--help` of a few commands, reviewed as snapshots (kept with the
/// generator's snapshots, since the text comes from the spec).
#[test]
fn help_snapshots() {
    let home = Home::new("help");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../../generator/tests/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, args) in [
            ("cli_help_root", vec!["--help"]),
            ("cli_help_messages_create", vec!["messages", "create", "--help"]),
            ("cli_help_chats_list", vec!["chats", "list", "--help"]),
            ("cli_help_members_add", vec!["members", "add", "--help"]),
        ] {
            let out = pachca(&home, &args, None);
            assert_eq!(out.status.code(), Some(0));
            insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout));
        }
    });
}

/// An upstream CLI user's config file (an OAuth profile active, a keyring
/// profile without a `token` key, keys this CLI does not know): commands run
/// with the OAuth token, `--token` works with the keyring profile, and, the
/// keyring being off (`PACHCA_SECRET_STORE=file`), the keyring profile alone
/// is an auth error with a hint, exit 3.
#[tokio::test]
async fn an_upstream_config_file_works() {
    let home = Home::new("upstream-config");
    std::fs::create_dir_all(home.0.join("pachca")).expect("config dir");
    std::fs::write(
        home.0.join("pachca/config.toml"),
        "active_profile = \"work\"\n\n[profiles.work]\ntype = \"user\"\ntoken = \"oauth-access-1\"\nauth = \"oauth\"\n\
         refresh_token = \"oauth-refresh-1\"\nexpires_at = \"2099-12-04T10:00:00.000Z\"\nscopes = [\"chats:read\"]\nstorage = \"file\"\n\n\
         [profiles.bot]\ntype = \"bot\"\nauth = \"token\"\nstorage = \"keyring\"\n",
    )
    .expect("write config");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats/198"))
        .and(wiremock::matchers::header("authorization", "Bearer oauth-access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": chat(198)})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chats/198"))
        .and(wiremock::matchers::header("authorization", "Bearer explicit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": chat(198)})))
        .expect(1)
        .mount(&server)
        .await;
    let uri = server.uri();
    let base = ["--base-url", uri.as_str(), "-o", "json"];
    let run = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pachca"));
        command
            .args(base.iter().chain(args))
            .env("PACHCA_HOME", &home.0)
            .env("PACHCA_SECRET_STORE", "file")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("PACHCA_TOKEN")
            .env_remove("PACHCA_PROFILE")
            .env_remove("PACHCA_API_URL")
            .stdin(Stdio::null())
            .output()
            .expect("run pachca")
    };
    let out = run(&["chats", "get", "198"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["-p", "bot", "--token", "explicit", "chats", "get", "198"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["-p", "bot", "chats", "get", "198"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OS keyring"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// JSON output is the server's values: timestamps as sent (`.000Z`), fields
/// this CLI does not know, ids beyond 32 bits. A body the typed model cannot
/// decode is printed as received with a warning, exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_is_what_the_server_sent() {
    let server = MockServer::start().await;
    let mut chat = chat(2_637_266_155);
    chat["added_later"] = json!({"x": 1});
    Mock::given(method("GET"))
        .and(path("/chats/2637266155"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": chat})))
        .mount(&server)
        .await;
    let broken = json!({"id": 5, "name": "no created_at"});
    Mock::given(method("GET"))
        .and(path("/chats/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": broken})))
        .mount(&server)
        .await;
    let home = Home::new("raw-output");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        let first = pachca(&home, &["chats", "get", "2637266155", "-o", "json", "--token", "t", "--base-url", &uri], None);
        let second = pachca(&home, &["chats", "get", "5", "-o", "json", "--token", "t", "--base-url", &uri], None);
        (first, second)
    })
    .await
    .expect("join");
    let (first, second) = out;
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let printed: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert_eq!(printed, chat, "exactly the server's data");
    assert!(String::from_utf8_lossy(&first.stdout).contains("2020-06-08T09:32:57.000Z"));
    assert_eq!(second.status.code(), Some(0), "{}", String::from_utf8_lossy(&second.stderr));
    let printed: Value = serde_json::from_slice(&second.stdout).expect("JSON");
    assert_eq!(printed, broken);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("warning: the response does not match this CLI's model"), "{stderr}");
}

/// Upstream's error contract: 422 is a validation error (exit 2) listing the
/// fields; a missing scope is `PACHCA_SCOPE_ERROR` naming the scope the
/// command needs; `-q` prints errors only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_and_scope_errors_and_quiet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chats"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"errors": [
            {"key": "name", "value": null, "message": "can't be blank", "code": "blank", "payload": null}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chats/7"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "insufficient_scope", "error_description": "The access token does not have the required scope"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {"paginate": {"next_page": "n2"}}})))
        .mount(&server)
        .await;
    let home = Home::new("errors");
    let uri = server.uri();
    let (validation, scope, quiet) = tokio::task::spawn_blocking(move || {
        let base = ["--token", "t", "--base-url", uri.as_str()];
        let run = |args: &[&str]| pachca(&home, &[&base[..], args].concat(), None);
        (run(&["chats", "create", "--name", ""]), run(&["chats", "get", "7"]), run(&["chats", "list", "-q"]))
    })
    .await
    .expect("join");
    assert_eq!(validation.status.code(), Some(2), "{}", String::from_utf8_lossy(&validation.stderr));
    let err = stderr_json(&validation);
    assert_eq!(err["type"], "PACHCA_VALIDATION_ERROR");
    assert_eq!(err["errors"][0]["field"], "name");
    assert_eq!(err["errors"][0]["message"], "can't be blank");
    assert_eq!(scope.status.code(), Some(3));
    let err = stderr_json(&scope);
    assert_eq!((err["type"].as_str(), err["scope"].as_str()), (Some("PACHCA_SCOPE_ERROR"), Some("chats:read")));
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stdout.is_empty(), "-q prints errors only: {}", String::from_utf8_lossy(&quiet.stdout));
    assert!(quiet.stderr.is_empty(), "no hint on a pipe: {}", String::from_utf8_lossy(&quiet.stderr));
}

/// An enum value the API added after this CLI was built is sent as given,
/// with a warning (clap used to reject it); a known one has no warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_enum_values_are_sent_with_a_warning() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats"))
        .and(query_param("sort", "members_count"))
        .and(query_param("order", "desc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {"paginate": {"next_page": null}}})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::new("open-enum");
    let uri = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        pachca(&home, &["chats", "list", "--sort", "members_count", "--order", "desc", "-o", "json", "--token", "t", "--base-url", &uri], None)
    })
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: --sort `members_count` is not a value this CLI knows (id, last_message_at)"), "{stderr}");
    assert!(!stderr.contains("--order"), "{stderr}");
}

/// `version`, and upstream's `autocomplete` name for `completions`, which
/// no longer panics when the reader closes the pipe early (`| head -1`).
#[test]
fn version_and_autocomplete() {
    let home = Home::new("version");
    let out = pachca(&home, &["version", "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let out = pachca(&home, &["autocomplete", "bash"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("_pachca()"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_pachca"))
        .args(["completions", "zsh"])
        .env("XDG_CONFIG_HOME", &home.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pachca");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// `config list|get|set` edit the `defaults` table and keep the rest of the file.
#[test]
fn config_defaults_are_read_and_set() {
    let home = Home::new("config-defaults");
    std::fs::create_dir_all(home.0.join("pachca")).expect("dir");
    std::fs::write(home.0.join("pachca/config.toml"), "[profiles.work]\ntoken = \"t\"\nrefresh_token = \"r\"\n").expect("write");
    let out = pachca(&home, &["config", "set", "output", "yaml", "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = pachca(&home, &["config", "set", "timeout", "45", "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = pachca(&home, &["config", "get", "output", "-o", "json"], None);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON"), json!("yaml"));
    let out = pachca(&home, &["config", "list", "-o", "json"], None);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON"), json!({"output": "yaml", "timeout": 45}));
    for bad in [["timeout", "0"], ["output", "xml"]] {
        let out = pachca(&home, &["config", "set", bad[0], bad[1]], None);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    let saved = std::fs::read_to_string(home.0.join("pachca/config.toml")).expect("read");
    assert!(saved.contains("refresh_token = \"r\""), "{saved}");
}

/// `FORCE_COLOR` colours clap's help even through a pipe; `--no-color` and
/// `NO_COLOR` win over it, as upstream.
#[test]
fn colour_follows_force_color_no_color_and_the_flag() {
    let home = Home::new("colour");
    let help = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pachca"));
        command.args(args).env("XDG_CONFIG_HOME", &home.0).env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().expect("run pachca");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
    };
    assert!(!help(&["--help"], &[]), "piped help has no colour");
    assert!(help(&["--help"], &[("FORCE_COLOR", "1")]), "FORCE_COLOR colours it");
    assert!(!help(&["--no-color", "--help"], &[("FORCE_COLOR", "1")]), "--no-color wins");
    assert!(!help(&["--help"], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
}

/// `POST /uploads` handing out this server's `/storage` as the direct URL.
async fn mock_upload(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "Content-Disposition": "attachment", "acl": "private", "policy": "p", "x-amz-credential": "c",
            "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20250101T000000Z", "x-amz-signature": "s",
            "key": "attaches/files/93/${filename}", "direct_url": format!("{}/storage", server.uri())
        })))
        .mount(server)
        .await;
    Mock::given(method("POST")).and(path("/storage")).respond_with(ResponseTemplate::new(204)).mount(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_sends_the_file_to_storage_and_prints_the_attachment() {
    let server = MockServer::start().await;
    mock_upload(&server).await;
    let home = Home::new("upload");
    let file = home.0.join("отчёт.pdf");
    std::fs::write(&file, b"%PDF-1.7 quarterly").expect("write");
    let uri = server.uri();
    let file_arg = file.to_string_lossy().into_owned();
    let out = pachca(&home, &["upload", &file_arg, "--token", "t", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(printed, json!({"key": "attaches/files/93/отчёт.pdf", "name": "отчёт.pdf", "file_type": "file", "size": 18}));

    let from_stdin = pachca(&home, &["upload", "-", "--name", "notes.txt", "--token", "t", "--base-url", &uri, "-o", "json"], Some("line one\n"));
    assert_eq!(from_stdin.status.code(), Some(0), "{}", String::from_utf8_lossy(&from_stdin.stderr));
    let printed: Value = serde_json::from_slice(&from_stdin.stdout).expect("JSON on stdout");
    assert_eq!(printed, json!({"key": "attaches/files/93/notes.txt", "name": "notes.txt", "file_type": "file", "size": 9}));

    let requests = server.received_requests().await.expect("recorded");
    let storage: Vec<_> = requests.iter().filter(|r| r.url.path() == "/storage").collect();
    assert_eq!(storage.len(), 2);
    for (r, content, mime) in [(storage[0], "%PDF-1.7 quarterly", "application/pdf"), (storage[1], "line one\n", "text/plain")] {
        assert!(r.headers.get("authorization").is_none(), "the token must not reach the storage URL");
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains(content) && body.contains(&format!("Content-Type: {mime}")), "{body}");
    }
}

/// `GET /oauth/token/info` answering with `scopes`.
async fn mock_token_info(server: &MockServer, scopes: &[&str]) {
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "id": 1, "token": "t...t", "name": null, "user_id": 4_294_967_296_i64, "scopes": scopes,
            "created_at": "2025-01-15T10:30:00.000Z", "revoked_at": null, "expires_in": null, "last_used_at": null
        }})))
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_available_lists_what_the_tokens_scopes_allow() {
    let server = MockServer::start().await;
    mock_token_info(&server, &["chats:read", "messages:create"]).await;
    let home = Home::new("available");
    let uri = server.uri();
    let all = pachca(&home, &["commands", "-o", "json"], None);
    let all: Vec<Value> = serde_json::from_slice(&all.stdout).expect("JSON");
    let out = pachca(&home, &["commands", "--available", "--token", "t", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let names: Vec<&str> = listed.iter().filter_map(|c| c["command"].as_str()).collect();
    assert!(names.contains(&"pachca chats list") && names.contains(&"pachca messages create"), "{names:?}");
    assert!(!names.contains(&"pachca chats create") && !names.contains(&"pachca users list"), "{names:?}");
    for c in &listed {
        assert!(c["scope"].is_null() || c["scope"] == "chats:read" || c["scope"] == "messages:create", "{c}");
    }
    assert!(listed.len() < all.len(), "a subset: {} of {}", listed.len(), all.len());
    let unscoped = all.iter().filter(|c| c["scope"].is_null()).count();
    let allowed = all.iter().filter(|c| c["scope"] == "chats:read" || c["scope"] == "messages:create").count();
    assert_eq!(listed.len(), unscoped + allowed, "every allowed command and nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_every_check_and_fails_on_a_refused_token() {
    let server = MockServer::start().await;
    mock_token_info(&server, &["chats:read", "messages:create", "users:read"]).await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token", "error_description": "The access token is invalid"})))
        .mount(&server)
        .await;
    let home = Home::new("doctor");
    let uri = server.uri();
    let good = pachca(&home, &["doctor", "--token", "t", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    let report: Value = serde_json::from_slice(&good.stdout).expect("JSON");
    let status = |report: &Value, name: &str| {
        report["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).map(|c| (c["status"].clone(), c["detail"].clone()))
    };
    assert_eq!(status(&report, "token"), Some((json!("ok"), json!("valid, 3 scopes"))));
    assert_eq!(status(&report, "profile"), Some((json!("ok"), json!("token from --token"))));
    assert_eq!(status(&report, "network").map(|s| s.0), Some(json!("ok")));
    assert_eq!(status(&report, "config").map(|s| s.0), Some(json!("ok")));
    assert_eq!(status(&report, "cli_version").map(|s| s.0), Some(json!("ok")));

    let bad = pachca(&home, &["doctor", "--token", "wrong", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(bad.status.code(), Some(1), "a failed check exits 1");
    let report: Value = serde_json::from_slice(&bad.stdout).expect("JSON");
    assert_eq!(status(&report, "token").map(|s| s.0), Some(json!("error")));

    let unreachable = pachca(&home, &["doctor", "--base-url", "http://127.0.0.1:9", "-o", "json"], None);
    assert_eq!(unreachable.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&unreachable.stdout).expect("JSON");
    assert_eq!(status(&report, "network").map(|s| s.0), Some(json!("error")));
    assert_eq!((status(&report, "profile").map(|s| s.0), status(&report, "token").map(|s| s.0)), (Some(json!("error")), Some(json!("skipped"))));
}

#[test]
fn guide_lists_searches_and_speaks_both_languages() {
    let home = Home::new("guide");
    let all = pachca(&home, &["guide", "-o", "json"], None);
    assert_eq!(all.status.code(), Some(0));
    let all: Vec<Value> = serde_json::from_slice(&all.stdout).expect("JSON");
    assert!(all.len() >= 60, "every scenario of the skills: {}", all.len());
    assert!(all.iter().all(|s| s["skill"].as_str().is_some_and(|k| k.starts_with("pachca-"))));

    // Every word must match: the thread reply scenario, with its commands.
    let found = pachca(&home, &["guide", "thread", "reply", "-o", "json"], None);
    let found: Vec<Value> = serde_json::from_slice(&found.stdout).expect("JSON");
    let reply = found.iter().find(|s| s["id"] == "reply-in-thread").expect("reply-in-thread matches");
    assert_eq!(reply["title"], "Reply in a message's thread");
    assert_eq!(reply["steps"][0]["command"], "pachca threads add <message_id>");
    assert!(found.len() < all.len());

    let text = pachca(&home, &["guide", "удалить", "бота", "-o", "table", "--lang", "ru"], None);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("Сценарий: Найти бота и удалить его  (pachca-bots)\n1. "), "{text}");
    assert!(text.contains("   $ pachca bots delete <bot_id> --force\n"), "{text}");

    let none = pachca(&home, &["guide", "zzz-nothing", "-o", "table"], None);
    assert_eq!(none.status.code(), Some(0), "no match is not an error");
    assert!(none.stdout.is_empty() && String::from_utf8_lossy(&none.stderr).contains("no scenario matches"));
}

/// `pachca` in `home` (`XDG_CONFIG_HOME`) with `env` set and nothing else
/// of ours from the environment (not even `PACHCA_SECRET_STORE`).
fn pachca_env(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(home, args)
        .env_remove("PACHCA_SECRET_STORE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run pachca")
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("file").permissions().mode() & 0o777
}

/// A token-info mock accepting `token`.
async fn token_info(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/oauth/token/info"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"scopes": ["chats:read"]}})))
        .mount(server)
        .await;
}

/// An upstream-style config file: comments, a file profile, an OAuth
/// profile, a keyring profile, a table this CLI does not know.
const COMMENTED_CONFIG: &str = r#"# Pachca CLI configuration, edited by hand and by `pachca`.
active_profile = "work"   # the profile commands use

[defaults]
# A minute for slow exports.
timeout = 60

# My own account, signed in through the browser.
[profiles.work]
type = "user"
user = "Ann Lee"
email = "ann@example.com"
auth = "oauth"
token = "oauth-access-1"
refresh_token = "oauth-refresh-1"
expires_at = "2099-12-04T10:00:00.000Z"
scopes = ["chats:read", "messages:create"]  # granted at login
storage = "file"

# The deploy bot: its token is in the OS keyring.
[profiles.bot]
type = "bot"
user = "Deploy (бот)"
auth = "token"
storage = "keyring"
scopes = ["messages:create"]

# A plain token, as older versions wrote it.
[profiles.legacy]
token = "legacy-token"

[telemetry]
enabled = false # a key this CLI does not know
"#;

/// `config set defaults.output json` and `auth login` of a new profile
/// edit the upstream file in place: every line of it is still there,
/// comments included (the active profile's line changes its value, not its
/// comment), and the file stays private.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_keep_every_line_of_an_upstream_config() {
    let server = MockServer::start().await;
    token_info(&server, "ci-token-1").await;
    let home = Home::new("in-place");
    let file = home.0.join("pachca/config.toml");
    std::fs::create_dir_all(home.0.join("pachca")).expect("dir");
    std::fs::write(&file, COMMENTED_CONFIG).expect("write");
    let uri = server.uri();
    let out = pachca(&home, &["config", "set", "defaults.output", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = pachca(&home, &["auth", "login", "--token", "ci-token-1", "--name", "ci", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON")["storage"], "file");

    let text = std::fs::read_to_string(&file).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    for line in COMMENTED_CONFIG.lines() {
        let line = if line.starts_with("active_profile") { r#"active_profile = "ci"   # the profile commands use"# } else { line };
        assert!(lines.contains(&line), "lost {line:?}:\n{text}");
    }
    assert!(lines.contains(&r#"output = "json""#), "{text}");
    assert!(
        text.contains("[profiles.ci]\ntoken = \"ci-token-1\"\nstorage = \"file\"\nscopes = [\"chats:read\"]\n\n[telemetry]"),
        "{text}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
}

/// With no keyring service (here: a D-Bus session that does not exist),
/// `auth login` keeps the token in the file with one line of warning;
/// `--insecure-storage` does so without asking the keyring, silently.
#[cfg(all(unix, not(target_os = "macos")))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keyring_login_falls_back_to_the_file_with_one_warning() {
    let server = MockServer::start().await;
    token_info(&server, "fallback-token").await;
    let home = Home::new("keyring-fallback");
    let file = home.0.join("pachca/config.toml");
    let uri = server.uri();
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/pachca-test-bus")];
    let out = pachca_env(&home, &["auth", "login", "--token", "fallback-token", "--name", "ci", "--base-url", &uri, "-o", "json"], &no_bus);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("warning: the OS keyring cannot be used ("), "{stderr}");
    assert!(stderr.contains("saved in the config file (mode 0600)"), "{stderr}");
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON")["storage"], "file");
    let saved: toml::Table = toml::from_str(&std::fs::read_to_string(&file).expect("written")).expect("TOML");
    assert_eq!(saved["profiles"]["ci"]["token"].as_str(), Some("fallback-token"));
    assert_eq!(saved["profiles"]["ci"]["storage"].as_str(), Some("file"));
    assert_eq!(mode(&file), 0o600);
    // The saved token works without the keyring.
    let out = pachca_env(&home, &["auth", "status", "-o", "json"], &no_bus);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let out = pachca_env(
        &home,
        &["auth", "login", "--insecure-storage", "--token", "fallback-token", "--name", "other", "--base-url", &uri],
        &no_bus,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let saved: toml::Table = toml::from_str(&std::fs::read_to_string(&file).expect("written")).expect("TOML");
    assert_eq!(saved["profiles"]["other"]["storage"].as_str(), Some("file"));
}

/// An OAuth profile within two minutes of `expires_at` whose tokens are in
/// the file.
fn expiring_oauth_config(expires_at: &str) -> String {
    format!(
        "# Upstream's OAuth login.\nactive_profile = \"work\"\n\n[profiles.work]\ntype = \"user\"\nuser = \"Ann Lee\"\n\
         auth = \"oauth\"\ntoken = \"old-access\"\nrefresh_token = \"old/refresh+1\"\nexpires_at = \"{expires_at}\"\n\
         scopes = [\"chats:read\"]\nstorage = \"file\"  # tokens in this file\n"
    )
}

fn in_a_minute() -> String {
    pachca::chrono::DateTime::<pachca::chrono::Utc>::from(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .to_rfc3339_opts(pachca::chrono::SecondsFormat::Millis, true)
}

/// Upstream's refresh: the OAuth profile's token expires within 120 s, so
/// `POST /oauth/token` is sent first with the refresh grant (this exact
/// form body), the new tokens and expiry are saved in the file (its other
/// lines kept), and the command runs with the new token. A stale
/// `refresh.lock` (over 30 s old) does not stop it and is gone after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_oauth_token_is_refreshed_before_the_command() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "new-access", "refresh_token": "new-refresh", "token_type": "Bearer", "expires_in": 7200
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/chats/198"))
        .and(header("authorization", "Bearer new-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": chat(198)})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::new("oauth-refresh");
    let dir = home.0.join("pachca");
    std::fs::create_dir_all(&dir).expect("dir");
    let original = expiring_oauth_config(&in_a_minute());
    std::fs::write(dir.join("config.toml"), &original).expect("write");
    let lock = std::fs::File::create(dir.join("refresh.lock")).expect("lock");
    lock.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(60)).expect("mtime");
    drop(lock);

    let uri = server.uri();
    let out = pachca(&home, &["chats", "get", "198", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).expect("JSON")["id"], 198);

    let requests = server.received_requests().await.expect("recorded");
    let refresh = &requests[0];
    assert_eq!((refresh.method.as_str(), refresh.url.path()), ("POST", "/oauth/token"));
    assert_eq!(String::from_utf8_lossy(&refresh.body), "grant_type=refresh_token&client_id=pachca_cli&refresh_token=old%2Frefresh%2B1");
    assert_eq!(refresh.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/x-www-form-urlencoded"));
    assert!(refresh.headers.get("authorization").is_none(), "the refresh grant needs no bearer");
    assert_eq!(requests.len(), 2);

    let text = std::fs::read_to_string(dir.join("config.toml")).expect("read");
    let saved: toml::Table = toml::from_str(&text).expect("TOML");
    let work = &saved["profiles"]["work"];
    assert_eq!(work["token"].as_str(), Some("new-access"));
    assert_eq!(work["refresh_token"].as_str(), Some("new-refresh"));
    let expires_at = pachca::chrono::DateTime::parse_from_rfc3339(work["expires_at"].as_str().expect("expires_at")).expect("date");
    let left = expires_at.timestamp() - pachca::chrono::DateTime::<pachca::chrono::Utc>::from(std::time::SystemTime::now()).timestamp();
    assert!((7100..=7200).contains(&left), "expires in {left} s");
    for line in original.lines().filter(|l| !l.starts_with("token") && !l.starts_with("refresh_token") && !l.starts_with("expires_at")) {
        assert!(text.lines().any(|l| l == line), "lost {line:?}:\n{text}");
    }
    assert!(!dir.join("refresh.lock").exists(), "the lock is released");
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("config.toml")), 0o600);
}

/// A refresh the server refuses: exit 3, an auth error whose hint is to log
/// in again; the command is not sent with the old token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_exits_3_with_a_login_hint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant", "error_description": "The refresh token is invalid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::new("oauth-refresh-failed");
    std::fs::create_dir_all(home.0.join("pachca")).expect("dir");
    let original = expiring_oauth_config("2020-01-01T00:00:00.000Z");
    std::fs::write(home.0.join("pachca/config.toml"), &original).expect("write");
    let uri = server.uri();
    let out = pachca(&home, &["chats", "get", "198", "--base-url", &uri], None);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let err = stderr_json(&out);
    assert_eq!(err["type"], "PACHCA_AUTH_ERROR");
    assert!(err["error"].as_str().unwrap_or_default().contains("invalid_grant: The refresh token is invalid"), "{err}");
    assert!(err["hint"].as_str().unwrap_or_default().contains("pachca auth login"), "{err}");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1, "only the refresh");
    assert_eq!(std::fs::read_to_string(home.0.join("pachca/config.toml")).expect("read"), original, "nothing saved");
}

/// Another process holds a fresh `refresh.lock`: this one waits, then uses
/// the token that process saved instead of refreshing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiter_uses_the_token_the_lock_holder_saved() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/oauth/token")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/chats/198"))
        .and(header("authorization", "Bearer refreshed-elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": chat(198)})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::new("oauth-refresh-wait");
    let dir = home.0.join("pachca");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("config.toml"), expiring_oauth_config(&in_a_minute())).expect("write");
    std::fs::write(dir.join("refresh.lock"), "1\n").expect("lock");
    let uri = server.uri();
    let child = command(&home, &["chats", "get", "198", "--base-url", &uri, "-o", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pachca");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // The other process's refresh: a new token, an hour to live; then it lets go.
    let later = pachca::chrono::DateTime::<pachca::chrono::Utc>::from(std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
        .to_rfc3339_opts(pachca::chrono::SecondsFormat::Millis, true);
    let refreshed = expiring_oauth_config(&later).replace("old-access", "refreshed-elsewhere");
    std::fs::write(dir.join("config.toml"), refreshed).expect("write");
    std::fs::remove_file(dir.join("refresh.lock")).expect("unlock");
    let out = child.wait_with_output().expect("pachca output");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pachca_timeout_bounds_a_slow_answer_and_the_flag_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/chats/7"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(3)).set_body_json(json!({"data": chat(7)})))
        .mount(&server)
        .await;
    let home = Home::new("timeout");
    let uri = server.uri();
    let run = |env_timeout: &str, extra: &[&str]| {
        let started = std::time::Instant::now();
        let out = command(&home, &["chats", "get", "7", "--token", "t", "--base-url", &uri, "--no-retry", "-o", "json"])
            .args(extra)
            .env("PACHCA_TIMEOUT", env_timeout)
            .stdin(Stdio::null())
            .output()
            .expect("run pachca");
        (out, started.elapsed())
    };
    let (out, took) = run("1", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stderr_json(&out)["type"], "PACHCA_TIMEOUT_ERROR");
    assert!(took < std::time::Duration::from_millis(2800), "PACHCA_TIMEOUT=1 gave up after {took:?}");
    // --timeout beats the environment.
    let (out, _) = run("1", &["--timeout", "10"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(printed["id"], 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_prints_a_redirect_or_follows_it_when_asked() {
    let server = MockServer::start().await;
    let target = format!("{}/storage/export-9.zip?X-Amz-Signature=s1", server.uri());
    Mock::given(method("GET"))
        .and(path("/chats/exports/9"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/storage/export-9.zip"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"PK\x03\x04 archive bytes".to_vec()))
        .mount(&server)
        .await;
    let home = Home::new("follow");
    let uri = server.uri();
    let shown = pachca(&home, &["api", "GET", "/chats/exports/9", "--token", "t", "--base-url", &uri], None);
    assert_eq!(shown.status.code(), Some(0), "{}", String::from_utf8_lossy(&shown.stderr));
    let printed: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(printed, json!({"status": 302, "location": target}));

    let followed = pachca(&home, &["api", "GET", "/chats/exports/9", "--follow", "--token", "t", "--base-url", &uri], None);
    assert_eq!(followed.status.code(), Some(0), "{}", String::from_utf8_lossy(&followed.stderr));
    assert_eq!(followed.stdout, b"PK\x03\x04 archive bytes");
    let requests = server.received_requests().await.expect("recorded");
    let storage: Vec<_> = requests.iter().filter(|r| r.url.path() == "/storage/export-9.zip").collect();
    assert_eq!(storage.len(), 1, "followed once");
    assert!(storage[0].headers.get("authorization").is_none(), "the token stays with the API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_flag_sends_the_file_from_disk_with_its_name_and_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/profile/avatar"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"image_url": "https://files.example/me.png"}})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::new("avatar");
    let picture = home.0.join("me.png");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&picture, &bytes).expect("write");
    let picture = picture.to_string_lossy().into_owned();
    let uri = server.uri();
    let out = pachca(&home, &["profile", "update-avatar", "--file", &picture, "--token", "t", "--base-url", &uri, "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(printed["image_url"], "https://files.example/me.png");
    let requests = server.received_requests().await.expect("recorded");
    let body = &requests[0].body;
    let head = String::from_utf8_lossy(&body[..body.len().min(400)]);
    assert!(head.contains("filename=\"me.png\"") && head.contains("Content-Type: image/png"), "{head}");
    assert!(body.windows(bytes.len()).any(|w| w == bytes.as_slice()), "the whole file, byte for byte");
}

/// `pachca changelog` prints the generated CHANGELOG.md, whose newest
/// release is this binary's version; `changelog VERSION` only that release.
#[test]
fn changelog_prints_the_releases_newest_first() {
    let home = Home::new("changelog");
    let out = pachca(&home, &["changelog"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.starts_with("# Changelog\n"), "{text}");
    let first = text.find("\n## ").map(|i| &text[i + 4..]).unwrap_or_default();
    assert!(first.starts_with(&format!("{} (", env!("CARGO_PKG_VERSION"))), "the newest release is this version: {text}");
    let out = pachca(&home, &["changelog", "0.1.0"], None);
    assert_eq!(out.status.code(), Some(0));
    let one = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(one.starts_with("## 0.1.0 (") && !one.contains("## 0.2.0"), "{one}");
    let out = pachca(&home, &["changelog", "9.9.9"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no release 9.9.9"));
}
