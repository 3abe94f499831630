//! Keyring profiles through `entry::run`, the whole process, with the
//! `keyring` crate's in-memory mock store in place of the OS one: one test,
//! so the environment and the store it sets are its own.

mod support;

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use pachca::chrono::{DateTime, Utc};
use pachca_cli_runtime::entry;
use pachca_cli_runtime::secrets::SERVICE;
use serde_json::json;
use support::COMMANDS;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn keyring_value(profile: &str) -> Option<String> {
    keyring_core::Entry::new(SERVICE, profile).and_then(|e| e.get_password()).ok()
}

#[test]
fn keyring_profiles_log_in_run_refresh_and_log_out() {
    let home = std::env::temp_dir().join(format!("pachca-cli-runtime-keyring-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join("pachca")).expect("temp dir");
    // Before any other thread exists: this home, no ambient token, and the
    // mock store, so that nothing reaches the real keyring.
    std::env::set_var("PACHCA_HOME", &home);
    for name in ["PACHCA_TOKEN", "PACHCA_PROFILE", "PACHCA_API_URL", "PACHCA_SECRET_STORE"] {
        std::env::remove_var(name);
    }
    keyring_core::set_default_store(keyring_core::mock::Store::new().expect("mock store"));
    let config_path = home.join("pachca/config.toml");

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let server = rt.block_on(MockServer::start());
    let mount = |mock: Mock| rt.block_on(mock.mount(&server));
    mount(
        Mock::given(method("GET"))
            .and(path("/oauth/token/info"))
            .and(header("authorization", "Bearer kr-token-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"scopes": ["ping:read"]}}))),
    );
    mount(
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string("grant_type=refresh_token&client_id=pachca_cli&refresh_token=old-refresh"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "new-access", "refresh_token": "new-refresh", "token_type": "Bearer", "expires_in": 3600}),
            ))
            .expect(1),
    );
    for token in ["kr-token-1", "new-access"] {
        mount(
            Mock::given(method("GET"))
                .and(path("/ping"))
                .and(header("authorization", format!("Bearer {token}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": token }))),
        );
    }
    let uri = server.uri();
    let run = |args: &[&str]| {
        let base = ["--base-url", uri.as_str(), "-o", "json"];
        entry::run(&COMMANDS, std::iter::once("pachca").chain(base).chain(args.iter().copied()))
    };

    // `auth login` puts the token in the keyring, not in the file.
    assert_eq!(run(&["auth", "login", "--token", "kr-token-1", "--name", "kr"]), ExitCode::SUCCESS);
    let text = std::fs::read_to_string(&config_path).expect("config written");
    assert!(text.contains("[profiles.kr]") && text.contains(r#"storage = "keyring""#), "{text}");
    assert!(!text.contains("kr-token-1") && !text.contains("token ="), "{text}");
    assert_eq!(keyring_value("kr").as_deref(), Some(r#"{"token":"kr-token-1"}"#));
    // A command of that profile sends the keyring's token.
    assert_eq!(run(&["-p", "kr", "ping", "get", "--term", "hi"]), ExitCode::SUCCESS);

    // An upstream OAuth keyring profile about to expire: refreshed first,
    // the new tokens back in the keyring, the new expiry in the file.
    let soon = DateTime::<Utc>::from(SystemTime::now() + Duration::from_secs(60)).to_rfc3339();
    let mut text = std::fs::read_to_string(&config_path).expect("config");
    text.push_str(&format!(
        "\n# Signed in through the browser.\n[profiles.oauth-kr]\ntype = \"user\"\nauth = \"oauth\"\nexpires_at = \"{soon}\"\nstorage = \"keyring\"\n"
    ));
    std::fs::write(&config_path, &text).expect("write config");
    keyring_core::Entry::new(SERVICE, "oauth-kr")
        .and_then(|e| e.set_password(r#"{"token":"old-access","refresh_token":"old-refresh"}"#))
        .expect("upstream's secret");
    assert_eq!(run(&["-p", "oauth-kr", "ping", "get", "--term", "hi"]), ExitCode::SUCCESS);
    assert_eq!(keyring_value("oauth-kr").as_deref(), Some(r#"{"token":"new-access","refresh_token":"new-refresh"}"#));
    let text = std::fs::read_to_string(&config_path).expect("config");
    assert!(!text.contains("new-access") && !text.contains("new-refresh"), "{text}");
    assert!(text.contains("# Signed in through the browser.\n[profiles.oauth-kr]"), "{text}");
    let config: toml::Table = toml::from_str(&text).expect("TOML");
    let expires_at = config["profiles"]["oauth-kr"]["expires_at"].as_str().expect("expires_at");
    let expires_at = DateTime::parse_from_rfc3339(expires_at).expect("a date");
    let left = expires_at.with_timezone(&Utc) - DateTime::<Utc>::from(SystemTime::now());
    assert!(left.num_seconds() > 3500 && left.num_seconds() <= 3600, "{left}");
    // Fresh now: the next command does not refresh again (the mock expects one call).
    assert_eq!(run(&["-p", "oauth-kr", "ping", "get", "--term", "hi"]), ExitCode::SUCCESS);

    // `auth logout` deletes the keyring entry too.
    assert_eq!(run(&["auth", "logout", "kr"]), ExitCode::SUCCESS);
    assert_eq!(keyring_value("kr"), None);
    assert!(!std::fs::read_to_string(&config_path).expect("config").contains("[profiles.kr]"));

    let requests = rt.block_on(server.received_requests()).expect("recorded");
    let sent: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.url.path(), r.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("-")))
        .collect();
    assert_eq!(
        sent,
        [
            "GET /oauth/token/info Bearer kr-token-1",
            "GET /ping Bearer kr-token-1",
            "POST /oauth/token -",
            "GET /ping Bearer new-access",
            "GET /ping Bearer new-access",
        ]
    );
    rt.block_on(server.verify());
    let _ = std::fs::remove_dir_all(&home);
}
