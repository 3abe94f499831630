//! Every scenario of every generated skill set, run step by step as an
//! agent would run it: the `pachca ...` lines with the built binary, the
//! `curl` commands with real `curl`, each through `sh`, in the scenario's
//! own working directory. The plan (`data/skill_scenarios.json`) is written
//! by the generator from the rendered markdown, so what runs is what the
//! skills show.
//!
//! The requests go to a recording proxy on loopback in front of Prism (the
//! spec-driven mock, pinned in `tools/prism/`). The proxy keeps every
//! request, forwards it to Prism, which rejects a request that does not fit
//! the spec, and hands back Prism's answer with every `id` and `*_id` number
//! replaced by a fresh id beyond 32 bits, so a later step can only have the
//! right id if it took it from an earlier step's output. Storage URLs in
//! answers (`direct_url`, a redirect's `Location`) point back at the proxy.
//!
//! A scenario fails when a step's `<placeholder>` is neither an input nor
//! filled by an earlier step's output, when a command exits non-zero or a
//! request is answered with an error, when a step's request is not its
//! operation's, or when not exactly one step makes the scenario's goal
//! request (method, path and one body, query, form or path field with its
//! value; or the method and path alone, for a request without parameters).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod support;
use support::prism::Prism;

const PLAN: &str = include_str!("data/skill_scenarios.json");

#[derive(Debug, Deserialize)]
struct SetPlan {
    set: String,
    variant: String,
    base_url: String,
    scenarios: Vec<ScenarioPlan>,
}

#[derive(Debug, Deserialize)]
struct ScenarioPlan {
    skill: String,
    id: String,
    file: String,
    goal: Goal,
    inputs: BTreeMap<String, String>,
    files: Vec<String>,
    steps: Vec<StepPlan>,
}

#[derive(Debug, Deserialize)]
struct Goal {
    method: String,
    path: String,
    field: String,
    value: String,
}

#[derive(Debug, Deserialize)]
struct StepPlan {
    command: String,
    request: Option<[String; 2]>,
    envelope: Option<String>,
    out: BTreeMap<String, String>,
}

/// One request the proxy saw, and the status it answered.
#[derive(Debug, Clone)]
struct Record {
    method: String,
    path: String,
    query: String,
    content_type: String,
    body: Vec<u8>,
    status: u16,
    answer: String,
}

impl Record {
    fn line(&self) -> String {
        let query = if self.query.is_empty() { String::new() } else { format!("?{}", self.query) };
        format!("{} {}{query} -> {}", self.method, self.path, self.status)
    }
}

// ---------------------------------------------------------------------------
// The recording proxy.

/// The token every command sends.
const TOKEN: &str = "scenario-token";
/// What the proxy serves for a followed redirect.
const FILE_PATH: &str = "/__file";
const FILE_BYTES: &[u8] = b"exported file contents\n";
/// Where `direct_url` points: the spec's storage upload.
const UPLOAD_PATH: &str = "/direct_url";
/// The first fresh id: beyond 32 bits, as the live API's ids go.
const FIRST_ID: i64 = 6_000_000_001;

struct Proxy {
    port: u16,
    prism: u16,
    records: Mutex<Vec<Record>>,
    next_id: Mutex<i64>,
}

impl Proxy {
    async fn start(prism_url: &str) -> Arc<Proxy> {
        let prism = prism_url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("Prism's port");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let proxy = Arc::new(Proxy { port, prism, records: Mutex::new(Vec::new()), next_id: Mutex::new(FIRST_ID) });
        let state = proxy.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = state.serve(stream).await {
                        eprintln!("proxy: {e}");
                    }
                });
            }
        });
        proxy
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests since the last call.
    fn take(&self) -> Vec<Record> {
        std::mem::take(&mut *self.records.lock().expect("records"))
    }

    async fn serve(&self, mut inbound: TcpStream) -> std::io::Result<()> {
        let request = read_request(&mut inbound).await?;
        let (path, query) = request.target.split_once('?').map_or((request.target.clone(), String::new()), |(p, q)| (p.to_owned(), q.to_owned()));
        let (status, headers, body) = if path == FILE_PATH {
            (200, vec![("Content-Type".to_owned(), "application/octet-stream".to_owned())], FILE_BYTES.to_vec())
        } else if path == UPLOAD_PATH && request.header("authorization").is_some() {
            (400, Vec::new(), b"the storage upload carried the API token; it must go without one".to_vec())
        } else if path == UPLOAD_PATH {
            // The spec's security applies to every path, the storage's too:
            // Prism wants a token the real storage never gets.
            let mut authorized = request.clone();
            authorized.headers.push(("Authorization".to_owned(), format!("Bearer {TOKEN}")));
            self.forward(&authorized).await?
        } else {
            self.forward(&request).await?
        };
        let answer = String::from_utf8_lossy(&body).chars().take(600).collect();
        let content_type = request.header("content-type").unwrap_or_default().to_owned();
        self.records.lock().expect("records").push(Record {
            method: request.method.clone(),
            path,
            query,
            content_type,
            body: request.body.clone(),
            status,
            answer,
        });
        let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        inbound.write_all(head.as_bytes()).await?;
        inbound.write_all(&body).await?;
        inbound.shutdown().await
    }

    /// Prism's answer to `request`, with fresh ids and local storage URLs.
    async fn forward(&self, request: &Message) -> std::io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let mut outbound = TcpStream::connect(("127.0.0.1", self.prism)).await?;
        let mut head = format!("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", request.method, request.target, self.prism);
        for (name, value) in &request.headers {
            if !["host", "connection", "content-length", "transfer-encoding", "expect"].contains(&name.to_ascii_lowercase().as_str()) {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", request.body.len()));
        outbound.write_all(head.as_bytes()).await?;
        outbound.write_all(&request.body).await?;
        let mut raw = Vec::new();
        outbound.read_to_end(&mut raw).await?;
        let response = parse_response(&raw)?;
        let mut headers = Vec::new();
        for (name, value) in &response.headers {
            match name.to_ascii_lowercase().as_str() {
                "content-type" => headers.push((name.clone(), value.clone())),
                "location" => headers.push((name.clone(), format!("{}{FILE_PATH}", self.url()))),
                _ => {}
            }
        }
        let body = match serde_json::from_slice::<Value>(&response.body) {
            Ok(mut json) if response.status < 400 => {
                self.refresh(&mut json);
                serde_json::to_vec(&json).map_err(std::io::Error::other)?
            }
            _ => response.body,
        };
        Ok((response.status, headers, body))
    }

    /// Gives every `id` and `*_id` number a fresh value; points
    /// `direct_url` at the proxy (which forwards the upload to Prism).
    fn refresh(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    if (key == "id" || key.ends_with("_id")) && item.is_i64() {
                        let mut next = self.next_id.lock().expect("ids");
                        *item = Value::from(*next);
                        *next += 1;
                    } else if key == "direct_url" && item.is_string() {
                        *item = Value::String(format!("{}{UPLOAD_PATH}", self.url()));
                    } else {
                        self.refresh(item);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.refresh(item)),
            _ => {}
        }
    }
}

/// An HTTP/1.1 message: a request's method and target, or a response's status.
#[derive(Clone)]
struct Message {
    method: String,
    target: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn bad(message: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.into())
}

fn parse_head(head: &str) -> (String, Vec<(String, String)>) {
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    (start, headers)
}

/// Reads one request: the head, then a body by `Content-Length` or chunked.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Message> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(bad("the connection closed inside the request head"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let (start, headers) = parse_head(&String::from_utf8_lossy(&buf[..end]));
    let mut parts = start.split(' ');
    let (method, target) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
    let mut message = Message { method, target, status: 0, headers, body: Vec::new() };
    if message.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let mut rest = buf[end + 4..].to_vec();
    if message.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            if let Some(body) = dechunk(&rest)? {
                message.body = body;
                break;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(bad("the connection closed inside a chunked body"));
            }
            rest.extend_from_slice(&chunk[..n]);
        }
    } else {
        let length: usize = message.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while rest.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(bad("the connection closed inside the body"));
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(length);
        message.body = rest;
    }
    Ok(message)
}

/// A whole chunked body, or `None` while its last chunk has not arrived.
fn dechunk(mut data: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else { return Ok(None) };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or_default().trim(), 16).map_err(|_| bad(format!("bad chunk size {size_text:?}")))?;
        let start = line_end + 2;
        if size == 0 {
            return Ok(Some(body));
        }
        if data.len() < start + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// Parses a whole response read to the end of the connection.
fn parse_response(raw: &[u8]) -> std::io::Result<Message> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| bad("Prism's answer has no head"))?;
    let (start, headers) = parse_head(&String::from_utf8_lossy(&raw[..end]));
    let status = start.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad(format!("bad status line {start:?}")))?;
    let mut message = Message { method: String::new(), target: String::new(), status, headers, body: raw[end + 4..].to_vec() };
    if message.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        message.body = dechunk(&message.body)?.ok_or_else(|| bad("Prism's chunked answer ended early"))?;
    }
    Ok(message)
}

// ---------------------------------------------------------------------------
// Running the scenarios.

/// `text` with each `<name>` replaced by its value, with `shell` quoted for
/// the shell position it is in (inside `'...'`, inside `"..."`, or bare),
/// else as it is (a goal's value); the names that have no value.
fn fill(text: &str, values: &BTreeMap<String, String>, shell: bool) -> (String, Vec<String>) {
    #[derive(PartialEq, Clone, Copy)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut out = String::new();
    let mut missing = Vec::new();
    let mut quote = Quote::None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '<' {
            let rest = &text[i + 1..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
            if !name.is_empty() && rest[name.len()..].starts_with('>') {
                match values.get(&name) {
                    Some(value) if !shell => out.push_str(value),
                    Some(value) => out.push_str(&match quote {
                        Quote::Single => value.replace('\'', "'\\''"),
                        Quote::Double => value.chars().flat_map(|c| if "\\\"$`".contains(c) { vec!['\\', c] } else { vec![c] }).collect(),
                        Quote::None => format!("'{}'", value.replace('\'', "'\\''")),
                    }),
                    None => {
                        out.push_str(&format!("<{name}>"));
                        missing.push(name.clone());
                    }
                }
                for _ in 0..=name.len() {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
        match (quote, c) {
            (Quote::None, '\'') => quote = Quote::Single,
            (Quote::Single, '\'') => quote = Quote::None,
            (Quote::None, '"') => quote = Quote::Double,
            (Quote::Double, '"') => quote = Quote::None,
            (Quote::None | Quote::Double, '\\') => {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            _ => {}
        }
    }
    (out, missing)
}

/// The value at a dotted path (`0.id`, `data.key`) as text.
fn at(value: &Value, path: &str) -> Option<String> {
    let mut current = value;
    for segment in path.split('.') {
        current = match current {
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(segment)?,
            _ => return None,
        };
    }
    Some(match current {
        Value::String(s) => s.clone(),
        Value::Null => return None,
        other => other.to_string(),
    })
}

/// Percent-decodes a query or form component (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a request's path fits a spec path template.
fn path_fits(path: &str, template: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(p, t)| p == t || (t.starts_with('{') && t.ends_with('}') && !p.is_empty()))
}

/// The values a request carries for `field`: as a parameter of the path
/// `template` (`{id}`), in the query string, in the JSON body by dotted
/// path, or in a multipart form.
fn field_values(record: &Record, template: &str, field: &str) -> Vec<String> {
    let placeholder = format!("{{{field}}}");
    let mut out: Vec<String> = template.split('/').zip(record.path.split('/')).filter(|(t, _)| *t == placeholder).map(|(_, p)| decode(p)).collect();
    out.extend(record
        .query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| decode(k) == field)
        .map(|(_, v)| decode(v)));
    if record.content_type.starts_with("application/json") {
        if let Ok(json) = serde_json::from_slice::<Value>(&record.body) {
            out.extend(at(&json, field));
        }
    } else if record.content_type.starts_with("multipart/form-data") {
        let body = String::from_utf8_lossy(&record.body);
        let marker = format!("name=\"{field}\"");
        for part in body.split(&marker).skip(1) {
            if let Some((_, rest)) = part.split_once("\r\n\r\n") {
                out.push(rest.split("\r\n--").next().unwrap_or_default().to_owned());
            }
        }
    }
    out
}

fn require_tool(name: &str, args: &[&str]) {
    let ok = Command::new(name).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    assert!(ok, "this test runs the skills' commands with `{name}`: install it and put it on PATH");
}

/// Runs one scenario; its failures as text.
fn run_scenario(set: &SetPlan, sc: &ScenarioPlan, proxy: &Proxy, bin_dir: &Path) -> Result<usize, String> {
    let dir = std::env::temp_dir().join(format!("pachca-scenario-{}-{}-{}", std::process::id(), set.set, sc.id));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config")).map_err(|e| e.to_string())?;
    for file in &sc.files {
        std::fs::write(dir.join(file), format!("contents of {file}\n")).map_err(|e| e.to_string())?;
    }
    let result = run_steps(set, sc, proxy, bin_dir, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_steps(set: &SetPlan, sc: &ScenarioPlan, proxy: &Proxy, bin_dir: &Path, dir: &Path) -> Result<usize, String> {
    let mut values = sc.inputs.clone();
    let mut made: Vec<Vec<Record>> = Vec::new();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    for (n, step) in sc.steps.iter().enumerate() {
        let n = n + 1;
        let (command, missing) = fill(&step.command, &values, true);
        if !missing.is_empty() {
            return Err(format!("step {n}: <{}> is filled by no earlier step and no input:\n{}", missing.join(">, <"), step.command));
        }
        let command = if set.base_url.is_empty() { command } else { command.replace(&set.base_url, &proxy.url()) };
        proxy.take();
        let out = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(dir)
            .env("PATH", &path)
            .env("PACHCA_TOKEN", TOKEN)
            .env("PACHCA_API_URL", proxy.url())
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("PACHCA_SECRET_STORE", "file")
            .env_remove("PACHCA_PROFILE")
            .env_remove("PACHCA_HOME")
            .env_remove("PACHCA_TIMEOUT")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("step {n}: cannot run sh: {e}"))?;
        let records = proxy.take();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let seen = || records.iter().map(Record::line).collect::<Vec<_>>().join("; ");
        if !out.status.success() {
            return Err(format!("step {n} exited with {:?}: {}\n$ {command}\nrequests: {}", out.status.code(), String::from_utf8_lossy(&out.stderr).trim(), seen()));
        }
        // `doctor` probes the network with `HEAD`, which the spec (and so Prism) does not
        // define; any answer means the API is reachable, as `doctor` itself counts it.
        if let Some(r) = records.iter().find(|r| r.status >= 400 && !(step.request.is_none() && r.method == "HEAD")) {
            return Err(format!("step {n}: {} answered: {}\n$ {command}", r.line(), r.answer));
        }
        if let Some([method, template]) = &step.request {
            // Every request is the operation's, but for the storage the
            // proxy serves a followed redirect from.
            let own = |r: &Record| &r.method == method && path_fits(&r.path, template);
            if records.is_empty() || !records.iter().all(|r| own(r) || r.path == FILE_PATH) {
                return Err(format!("step {n} should call {method} {template} and nothing else; requests: [{}]\n$ {command}", seen()));
            }
        }
        if !step.out.is_empty() {
            let json: Value = serde_json::from_str(stdout.trim()).map_err(|e| format!("step {n}: the output is not JSON ({e}): {stdout}"))?;
            let result = match (set.variant.as_str(), &step.envelope) {
                ("curl", Some(envelope)) => json.get(envelope).cloned().unwrap_or(Value::Null),
                _ => json,
            };
            for (name, field) in &step.out {
                let value = at(&result, field).ok_or_else(|| format!("step {n}: `{field}` (for <{name}>) is not in the output:\n{stdout}"))?;
                values.insert(name.clone(), value);
            }
        }
        made.push(records);
    }
    // The goal compares bare values, not shell words.
    let (goal_value, missing) = fill(&sc.goal.value, &values, false);
    if !missing.is_empty() {
        return Err(format!("the goal's <{}> was never filled", missing.join(">, <")));
    }
    let goal = &sc.goal;
    let hits: Vec<usize> = made
        .iter()
        .enumerate()
        .filter(|(_, records)| {
            // A goal without a field (`GET /profile`) is its method and path alone.
            records.iter().any(|r| {
                r.method == goal.method && path_fits(&r.path, &goal.path) && (goal.field.is_empty() || field_values(r, &goal.path, &goal.field).contains(&goal_value))
            })
        })
        .map(|(i, _)| i + 1)
        .collect();
    let shown = if goal.field.is_empty() { format!("{} {}", goal.method, goal.path) } else { format!("{} {} {}={goal_value}", goal.method, goal.path, goal.field) };
    let requests = || made.iter().enumerate().map(|(i, rs)| format!("  step {}: {}", i + 1, rs.iter().map(Record::line).collect::<Vec<_>>().join("; "))).collect::<Vec<_>>().join("\n");
    match hits.as_slice() {
        [_] => Ok(sc.steps.len()),
        [] => Err(format!("no step made the goal `{shown}`; requests:\n{}", requests())),
        many => Err(format!("steps {many:?} all make the goal `{shown}`: it does not say which step does the job")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_skill_scenario_runs_and_reaches_its_goal() {
    require_tool("sh", &["-c", "true"]);
    require_tool("curl", &["--version"]);
    let plans: Vec<SetPlan> = serde_json::from_str(PLAN).expect("the plan parses");
    // The spec types most ids `int32`, yet thread chat ids pass 2^31 (its
    // own example `2637266155`) and the SDK and CLI send every id as i64:
    // Prism validates against the widened spec, so the fresh 64-bit ids
    // below reach it as the live API would take them.
    let prism = Prism::start_with(&Prism::spec_path(), |spec| *spec = spec.replace("format: int32", "format: int64")).await;
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pachca")).parent().expect("the binary's folder").to_path_buf();
    // The sets run side by side, each through its own proxy, so each
    // proxy's records are one scenario's.
    let mut runs = Vec::new();
    let sets = plans.len();
    for set in plans {
        assert!(!set.scenarios.is_empty(), "the plan of {} has no scenario", set.set);
        let proxy = Proxy::start(&prism.base_url()).await;
        let bin_dir = bin_dir.clone();
        runs.push(tokio::task::spawn_blocking(move || {
            let mut failures = Vec::new();
            let (mut scenarios, mut steps) = (0, 0);
            for sc in &set.scenarios {
                match run_scenario(&set, sc, &proxy, &bin_dir) {
                    Ok(n) => {
                        scenarios += 1;
                        steps += n;
                    }
                    Err(e) => failures.push(format!("{}/{} ({}, {}): {e}", set.set, sc.id, sc.skill, sc.file)),
                }
            }
            (format!("{}: {scenarios}/{} scenarios passed, {steps} steps", set.set, set.scenarios.len()), failures)
        }));
    }
    let mut counts = Vec::new();
    let mut failures = Vec::new();
    for run in runs {
        let (count, failed) = run.await.expect("join");
        counts.push(count);
        failures.extend(failed);
    }
    println!("{}", counts.join("\n"));
    assert_eq!(sets, 4, "the plan has the four sets (cli and curl, en and ru)");
    broken_scenarios_fail(&prism, &bin_dir).await;
    assert!(failures.is_empty(), "{} scenario runs failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// The checks themselves, on scenarios that are wrong the way a written
/// one can be: it stops before its goal, it answers in the chat where it
/// meant the thread it opened, two of its steps make the goal, a step runs
/// another operation than its own, a placeholder nothing fills.
async fn broken_scenarios_fail(prism: &Prism, bin_dir: &Path) {
    let proxy = Proxy::start(&prism.base_url()).await;
    let step = |command: &str, request: Option<[&str; 2]>, out: &[(&str, &str)]| StepPlan {
        command: command.to_owned(),
        request: request.map(|r| r.map(str::to_owned)),
        envelope: Some("data".to_owned()),
        out: out.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    let thread = || step("pachca threads add <message_id>", Some(["POST", "/messages/{id}/thread"]), &[("thread_id", "id")]);
    let reply = |to: &str| step(&format!("pachca messages create --entity-type=thread --entity-id=<{to}> --content=ok"), Some(["POST", "/messages"]), &[]);
    let scenario = |steps: Vec<StepPlan>, field: &str, value: &str| ScenarioPlan {
        skill: "pachca-bots".into(),
        id: "broken".into(),
        file: "test".into(),
        goal: Goal { method: "POST".into(), path: "/messages".into(), field: field.into(), value: value.into() },
        inputs: [("chat_id".to_owned(), "5000000003".to_owned())].into(),
        files: Vec::new(),
        steps,
    };
    let set = SetPlan { set: "cli-en".into(), variant: "cli".into(), base_url: String::new(), scenarios: Vec::new() };
    let post = || step("pachca messages create --entity-id=<chat_id> --content=alert", Some(["POST", "/messages"]), &[("message_id", "id")]);
    let cases = [
        (scenario(vec![post(), thread()], "message.entity_id", "<thread_id>"), "no step made the goal"),
        (scenario(vec![post(), thread(), reply("chat_id")], "message.entity_id", "<thread_id>"), "no step made the goal"),
        (scenario(vec![post(), post()], "message.content", "alert"), "all make the goal"),
        (scenario(vec![step("pachca threads add <chat_id>", Some(["GET", "/threads/{id}"]), &[])], "x", "y"), "should call GET /threads/{id}"),
        (
            scenario(vec![step("pachca threads add 5 && pachca messages create --entity-id=<chat_id> --content=x", Some(["POST", "/messages/{id}/thread"]), &[])], "x", "y"),
            "and nothing else",
        ),
        (scenario(vec![reply("thread_id")], "message.entity_type", "thread"), "<thread_id> is filled by no earlier step"),
    ];
    for (i, (sc, expected)) in cases.iter().enumerate() {
        match run_scenario(&set, sc, &proxy, bin_dir) {
            Ok(_) => panic!("broken scenario {i} passed"),
            Err(e) => assert!(e.contains(expected), "broken scenario {i} failed for another reason than {expected:?}: {e}"),
        }
    }
    // And the sound one passes.
    let sound = scenario(vec![post(), thread(), reply("thread_id")], "message.entity_id", "<thread_id>");
    if let Err(e) = run_scenario(&set, &sound, &proxy, bin_dir) {
        panic!("the sound scenario failed: {e}");
    }
}

#[test]
fn placeholders_are_quoted_for_where_they_stand() {
    let values: BTreeMap<String, String> = [("id", "42"), ("key", "a/${filename}"), ("name", "it's")].map(|(k, v)| (k.to_owned(), v.to_owned())).into();
    assert_eq!(fill("x <id> '<key>' \"<key>\" '<name>'", &values, true).0, "x '42' 'a/${filename}' \"a/\\${filename}\" 'it'\\''s'");
    assert_eq!(fill("<id> <nope> <a b>", &values, true), ("'42' <nope> <a b>".to_owned(), vec!["nope".to_owned()]));
    assert_eq!(fill("Report <id>: <name> <nope> a<b", &values, false), ("Report 42: it's <nope> a<b".to_owned(), vec!["nope".to_owned()]));
}

#[test]
fn a_goal_field_is_found_in_json_query_and_form() {
    let record = |ct: &str, query: &str, body: &str| Record {
        method: "POST".into(),
        path: "/x".into(),
        query: query.into(),
        content_type: ct.into(),
        body: body.as_bytes().to_vec(),
        status: 200,
        answer: String::new(),
    };
    assert_eq!(field_values(&record("application/json", "", r#"{"message":{"entity_id":7,"files":[{"key":"k"}]}}"#), "/x", "message.entity_id"), ["7"]);
    assert_eq!(field_values(&record("application/json", "", r#"{"message":{"files":[{"key":"k"}]}}"#), "/x", "message.files.0.key"), ["k"]);
    assert_eq!(field_values(&record("", "user_ids%5B%5D=1&user_ids%5B%5D=2&q=a+b", ""), "/x", "user_ids[]"), ["1", "2"]);
    assert_eq!(field_values(&record("", "q=a+b%21", ""), "/x", "q"), ["a b!"]);
    let form = "--B\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nup/load\r\n--B--\r\n";
    assert_eq!(field_values(&record("multipart/form-data; boundary=B", "", form), "/x", "key"), ["up/load"]);
    assert_eq!(field_values(&Record { path: "/messages/6000000001/thread".into(), ..record("", "", "") }, "/messages/{id}/thread", "id"), ["6000000001"]);
    assert!(path_fits("/messages/6000000001/thread", "/messages/{id}/thread"));
    assert!(!path_fits("/messages/1", "/messages/{id}/thread"));
}
