//! `pachca api METHOD PATH`: the body from exactly one of `-f`/`-F`,
//! `--input FILE|-` or `--data`, bracket keys, `--query`; the built binary
//! against a wiremock loopback server, asserting the exact request received
//! and what was printed.

use std::process::Output;

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{pachca, stderr_json, Home};

/// What the server answers `POST /messages` with, printed as received.
fn created() -> Value {
    json!({"data": {"id": 1, "content": "hi", "extra_field": [1, 2]}})
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/messages")).respond_with(ResponseTemplate::new(200).set_body_json(created())).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {"paginate": {"next_page": null}}})))
        .mount(&server)
        .await;
    server
}

/// One `pachca api` run per case, one at a time: (arguments, stdin).
type Case = (Vec<String>, Option<&'static str>);

async fn run_all(home: Home, cases: Vec<Case>) -> Vec<Output> {
    tokio::task::spawn_blocking(move || {
        cases
            .iter()
            .map(|(args, stdin)| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                pachca(&home, &args, *stdin)
            })
            .collect()
    })
    .await
    .expect("join")
}

fn args(base: &str, list: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = vec!["api".into()];
    all.extend(list.iter().map(|s| (*s).to_owned()));
    all.extend(["--token", "t", "--base-url", base].map(str::to_owned));
    all
}

/// Each body kind sends exactly the JSON expected, as `application/json`
/// with the token, and stdout is the server's body (envelope, unknown
/// fields and all).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_body_kind_sends_its_exact_json() {
    let server = server().await;
    let home = Home::new("kinds");
    let payload = r#"{"message":{"entity_id":198,"content":"hi"}}"#;
    let input_file = home.file("payload.json", payload);
    let note = home.file("note.txt", "line one\nline two\n");
    let uri = server.uri();
    let message = json!({"message": {"entity_id": 198, "content": "hi"}});
    let cases: Vec<(Case, Value)> = vec![
        // -F typed and -f string, mixed: one kind.
        ((args(&uri, &["POST", "/messages", "-F", "message[entity_id]=198", "-f", "message[content]=hi"]), None), message.clone()),
        ((args(&uri, &["POST", "/messages", "--data", payload]), None), message.clone()),
        ((args(&uri, &["POST", "/messages", "--input", &input_file]), None), message.clone()),
        ((args(&uri, &["POST", "/messages", "--input", "-"]), Some(payload)), message.clone()),
        // -F types as upstream: booleans, null, integers, decimals; the rest
        // (and every -f) stays a string.
        (
            (
                args(&uri, &["POST", "/messages", "-F", "t=true", "-F", "f=false", "-F", "n=null", "-F", "i=-42", "-F", "x=1.5", "-F", "e=1e3", "-F", "j=[1,2]", "-f", "s=true", "-f", "k=12", "-f", "eq=a=b"]),
                None,
            ),
            json!({"t": true, "f": false, "n": null, "i": -42, "x": 1.5, "e": "1e3", "j": "[1,2]", "s": "true", "k": "12", "eq": "a=b"}),
        ),
        // @file: the file's text; @-: stdin.
        (
            (args(&uri, &["POST", "/messages", "-F", "message[entity_id]=198", "-F", &format!("message[content]=@{note}")]), None),
            json!({"message": {"entity_id": 198, "content": "line one\nline two\n"}}),
        ),
        (
            (args(&uri, &["POST", "/messages", "-F", "message[entity_id]=198", "-F", "message[content]=@-"]), Some("from stdin\n")),
            json!({"message": {"entity_id": 198, "content": "from stdin\n"}}),
        ),
        // Bracket keys: nesting, `[]` appends (in command-line order across
        // -f and -F), `[i]` indexes, five parts deep.
        (
            (
                args(
                    &uri,
                    &[
                        "POST", "/messages",
                        "-F", "message[entity_id]=198",
                        "-f", "message[content]=hi",
                        "-F", "message[buttons][0][0][text]=Yes",
                        "-f", "message[buttons][0][1][text]=No",
                        "-F", "message[files][][size]=10",
                        "-f", "message[files][][key]=k2",
                        "-F", "ids[]=1",
                        "-f", "ids[]=two",
                        "-F", "ids[]=3",
                        "-f", "a[b][c][d][e]=deep",
                    ],
                ),
                None,
            ),
            json!({
                "message": {
                    "entity_id": 198,
                    "content": "hi",
                    "buttons": [[{"text": "Yes"}, {"text": "No"}]],
                    "files": [{"size": 10}, {"key": "k2"}]
                },
                "ids": [1, "two", 3],
                "a": {"b": {"c": {"d": {"e": "deep"}}}}
            }),
        ),
    ];
    let expected: Vec<Value> = cases.iter().map(|(_, body)| body.clone()).collect();
    let outputs = run_all(home, cases.into_iter().map(|(case, _)| case).collect()).await;
    let received = server.received_requests().await.expect("recording");
    assert_eq!(received.len(), expected.len());
    for (i, ((out, request), body)) in outputs.iter().zip(&received).zip(&expected).enumerate() {
        assert_eq!(out.status.code(), Some(0), "case {i}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!((request.method.as_str(), request.url.path()), ("POST", "/messages"), "case {i}");
        assert_eq!(request.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer t"), "case {i}");
        assert_eq!(request.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"), "case {i}");
        let sent: Value = serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("case {i}: body is not JSON ({e})"));
        assert_eq!(&sent, body, "case {i}");
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("case {i}: stdout is not JSON ({e})"));
        assert_eq!(printed, created(), "case {i}");
    }
    // Command-line order is kept in the encoded object too.
    assert!(String::from_utf8_lossy(&received[0].body).starts_with(r#"{"message":{"entity_id":198,"content":"hi"}}"#));
}

/// `--query` repeats, every pair sent in order; no body without a body flag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_pairs_repeat_and_no_body_is_sent_without_body_flags() {
    let server = server().await;
    let home = Home::new("query");
    let uri = server.uri();
    let outputs = run_all(home, vec![(args(&uri, &["GET", "/chats", "--query", "limit=5", "--query", "ids[]=1", "--query", "ids[]=2", "--query", "q=a b&c"]), None)]).await;
    assert_eq!(outputs[0].status.code(), Some(0), "{}", String::from_utf8_lossy(&outputs[0].stderr));
    let received = server.received_requests().await.expect("recording");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), Some("limit=5&ids%5B%5D=1&ids%5B%5D=2&q=a+b%26c"));
    assert!(received[0].body.is_empty());
    let printed: Value = serde_json::from_slice(&outputs[0].stdout).expect("JSON");
    assert_eq!(printed, json!({"data": [], "meta": {"paginate": {"next_page": null}}}));
}

/// Two body kinds at once, a key deeper than five parts, a bad key, an
/// unreadable `@file` or `--input`, invalid JSON from stdin: each a usage
/// error (exit 2, `PACHCA_USAGE_ERROR`), and nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixing_body_kinds_and_bad_keys_exit_2_without_a_request() {
    let server = server().await;
    let home = Home::new("mixing");
    let input_file = home.file("payload.json", r#"{"a":1}"#);
    let uri = server.uri();
    let post = |extra: &[&str]| args(&uri, &[&["POST", "/messages"], extra].concat());
    let cases: Vec<(Case, &str)> = vec![
        ((post(&["-f", "a=1", "--data", "{}"]), None), "mutually exclusive"),
        ((post(&["-F", "a=1", "--input", &input_file]), None), "mutually exclusive"),
        ((post(&["--input", &input_file, "--data", "{}"]), None), "mutually exclusive"),
        ((post(&["--input", "-", "-f", "a=1"]), Some("{}")), "mutually exclusive"),
        ((post(&["-f", "a[b][c][d][e][f]=6"]), None), "deeper than 5"),
        ((post(&["-f", "a[b=1"]), None), "without `]`"),
        ((post(&["-f", "a=1", "-f", "a[b]=2"]), None), "is a string"),
        ((post(&["-F", "a=@/no/such/file"]), None), "cannot read"),
        ((post(&["--input", "/no/such/file.json"]), None), "cannot read"),
        ((post(&["--input", "-"]), Some("{not json")), "invalid JSON in --input stdin"),
        ((post(&["--data", "[1,"]), None), "invalid JSON in --data"),
    ];
    let messages: Vec<&str> = cases.iter().map(|(_, m)| *m).collect();
    let outputs = run_all(home, cases.into_iter().map(|(case, _)| case).collect()).await;
    for (i, (out, message)) in outputs.iter().zip(&messages).enumerate() {
        assert_eq!(out.status.code(), Some(2), "case {i}: {}", String::from_utf8_lossy(&out.stderr));
        let err = stderr_json(out);
        assert_eq!(err["type"], "PACHCA_USAGE_ERROR", "case {i}: {err}");
        assert!(err["error"].as_str().unwrap_or_default().contains(message), "case {i}: {err}");
        assert!(out.stdout.is_empty(), "case {i}");
    }
    assert!(server.received_requests().await.expect("recording").is_empty(), "nothing is sent");
}

/// `--dry-run` shows the body built from the fields, token masked, and
/// sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_shows_the_built_body() {
    let server = server().await;
    let home = Home::new("dry");
    let uri = server.uri();
    let outputs = run_all(home, vec![(args(&uri, &["POST", "/messages", "-F", "message[entity_id]=198", "-f", "message[content]=hi", "--dry-run"]), None)]).await;
    assert_eq!(outputs[0].status.code(), Some(0), "{}", String::from_utf8_lossy(&outputs[0].stderr));
    let request: Value = serde_json::from_slice(&outputs[0].stdout).expect("JSON");
    assert_eq!(request["body"], json!({"message": {"entity_id": 198, "content": "hi"}}));
    assert_eq!(request["headers"]["Authorization"], "Bearer ••••••••");
    assert!(server.received_requests().await.expect("recording").is_empty());
}
