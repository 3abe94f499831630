//! Running a command: token and client, `--dry-run`, `--force`, the call,
//! and printing the outcome.

use std::future::Future;
use std::pin::Pin;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::ArgMatches;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::errors::CliError;
use crate::input::Input;
use crate::output::{self, Format};
use crate::spec::{CommandSpec, Target};

/// What a command produced.
pub enum Outcome {
    /// A JSON result.
    Value(Value),
    /// One page of a list and the cursor of the next one.
    Page(Vec<Value>, Option<String>),
    /// Every item of a list (`--all`).
    Items(Vec<Value>),
    /// The operation answered without a body.
    Done,
    /// The operation answered with a redirect to this URL.
    Redirect(String),
}

fn to_json<T: Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::internal(format!("cannot encode the result: {e}")))
}

/// A single result.
pub fn value<T: Serialize>(v: &T) -> Result<Outcome, CliError> {
    Ok(Outcome::Value(to_json(v)?))
}

/// A whole list (an operation that is not paginated).
pub fn items<T: Serialize>(list: Vec<T>) -> Result<Outcome, CliError> {
    Ok(Outcome::Items(list.iter().map(to_json).collect::<Result<_, _>>()?))
}

/// One page of a list.
pub fn page<T: Serialize>(p: pachca::Page<T>) -> Result<Outcome, CliError> {
    let items = p.items.iter().map(to_json).collect::<Result<_, _>>()?;
    Ok(Outcome::Page(items, p.next_cursor))
}

/// The most pages `--all` fetches, as upstream: a warning names the cursor
/// to continue from.
pub const MAX_PAGES: usize = 500;

/// Every item of a paginated listing (`--all`): `fetch(cursor)` loads one
/// page, starting at `first`. Stops after the last page, a repeated cursor or
/// [`MAX_PAGES`] pages; the last two keep what was fetched, with a warning on
/// stderr, as upstream does. With `progress`, a count on stderr.
pub async fn collect_pages<T, F, Fut>(first: Option<String>, fetch: F, progress: bool) -> Result<Vec<Value>, CliError>
where
    T: Serialize,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<pachca::Page<T>, pachca::Error>>,
{
    let (items, warning) = gather(first, fetch, progress).await?;
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    Ok(items)
}

/// The items of [`collect_pages`] and why it stopped early, if it did. The
/// walk is the SDK's ([`pachca::pagination::pages`]); the CLI adds the cap.
async fn gather<T, F, Fut>(first: Option<String>, fetch: F, progress: bool) -> Result<(Vec<Value>, Option<String>), CliError>
where
    T: Serialize,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<pachca::Page<T>, pachca::Error>>,
{
    let mut walk = std::pin::pin!(pachca::pagination::pages(first, fetch));
    let mut items = Vec::new();
    let mut pages = 0;
    let warning = loop {
        let page = match walk.next().await {
            None => break None,
            Some(Ok(page)) => page,
            Some(Err(pachca::Error::RepeatedCursor { cursor })) => {
                break Some(format!("the server returned the cursor {cursor:?} twice; stopping with the {} items fetched so far", items.len()));
            }
            Some(Err(e)) => return Err(e.into()),
        };
        pages += 1;
        for item in &page.items {
            items.push(to_json(item)?);
        }
        if progress {
            eprint!("\rfetched {} items ({pages} pages)", items.len());
        }
        match page.next_cursor.filter(|c| !c.is_empty()) {
            // The walk is lazy: stopping here fetches nothing more.
            Some(next) if pages == MAX_PAGES => {
                break Some(format!("stopped after {MAX_PAGES} pages ({} items); continue with --cursor {next}", items.len()));
            }
            _ => {}
        }
    };
    if progress {
        eprintln!();
    }
    Ok((items, warning))
}

/// The future of one call: borrows the client and the input.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, CliError>> + 'a>>;

/// Runs the operation behind a command of the table through the SDK.
pub type CallFn = for<'a, 'm> fn(&'a pachca::Client, &'static CommandSpec, &'a mut Input<'m>) -> CallFuture<'a>;

/// What the runtime needs from the generated code: the command table and
/// the call behind each of its commands.
pub struct Commands {
    /// Every command, in help order.
    pub table: &'static [CommandSpec],
    /// Runs a command of `table`.
    pub call: CallFn,
    /// The scenarios of `pachca guide` (empty without the agent skills' data).
    pub guide: &'static [crate::spec::GuideScenario],
    /// The agent skills of `pachca skills`, as a bundle ([`crate::skills`];
    /// empty without them).
    pub skills: &'static str,
    /// `CHANGELOG.md` of the generated crates, for `pachca changelog`.
    pub changelog: &'static str,
}

/// The environment variable with the request timeout in seconds, as upstream.
pub const TIMEOUT_ENV: &str = "PACHCA_TIMEOUT";

/// `PACHCA_TIMEOUT`'s value: whole seconds, at least 1; anything else is ignored.
fn env_timeout(value: Option<&str>) -> Option<u64> {
    value.and_then(|v| v.trim().parse::<u64>().ok()).filter(|&secs| secs > 0)
}

/// Options shared by every command, from the global flags and environment.
pub struct Globals {
    pub format: Format,
    pub columns: Option<Vec<String>>,
    pub header: bool,
    pub truncate: bool,
    pub plain: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub dry_run: bool,
    pub no_retry: bool,
    pub interactive: bool,
    pub timeout: Option<u64>,
    pub base_url: Option<String>,
    pub token: Option<String>,
    pub profile: Option<String>,
    /// Errors as JSON (stderr is not a terminal, or `-o json`).
    pub json_errors: bool,
}

impl Globals {
    pub fn from_matches(m: &ArgMatches, config: &Config) -> Globals {
        let flag = |id: &str| m.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false);
        let text = |id: &str| m.try_get_one::<String>(id).ok().flatten().cloned();
        let stdout_tty = std::io::stdout().is_terminal();
        let format = text("output")
            .or_else(|| config.defaults.output.clone())
            .and_then(|f| f.parse().ok())
            .unwrap_or_else(|| output::default_format(stdout_tty));
        let no_input = flag("no-input") || std::env::var_os("CI").is_some() || std::env::var_os("PACHCA_PROMPT_DISABLED").is_some();
        Globals {
            json_errors: crate::errors::json_errors(matches!(format, Format::Json)),
            format,
            columns: text("columns").map(|c| c.split(',').map(|s| s.trim().to_owned()).collect()),
            header: !flag("no-header"),
            truncate: !flag("no-truncate") && stdout_tty,
            plain: flag("plain"),
            quiet: flag("quiet"),
            verbose: flag("verbose"),
            dry_run: flag("dry-run"),
            no_retry: flag("no-retry"),
            interactive: !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            // Upstream's order: --timeout, PACHCA_TIMEOUT, defaults.timeout.
            timeout: m
                .try_get_one::<u64>("timeout")
                .ok()
                .flatten()
                .copied()
                .or_else(|| env_timeout(std::env::var(TIMEOUT_ENV).ok().as_deref()))
                .or(config.defaults.timeout),
            base_url: text("base-url").or_else(|| std::env::var("PACHCA_API_URL").ok()),
            token: text("token"),
            profile: text("profile"),
        }
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| pachca::api::DEFAULT_BASE_URL.to_owned())
    }

    /// The token for a call: `--token`, `PACHCA_TOKEN`, then profiles.
    pub fn token(&self, config: &Config) -> Result<String, CliError> {
        let env_token = std::env::var(crate::config::TOKEN_ENV).ok();
        let env_profile = std::env::var(crate::config::PROFILE_ENV).ok();
        let (token, _) = config.resolve_token(self.token.as_deref(), env_token.as_deref(), self.profile.as_deref(), env_profile.as_deref())?;
        Ok(token)
    }

    /// The timeout of one request: `--timeout`, the config's default, else
    /// the SDK's.
    pub fn request_timeout(&self) -> Duration {
        self.timeout.map_or(pachca::runtime::client::DEFAULT_TIMEOUT, Duration::from_secs)
    }

    /// A client for `token` with the timeout and retry flags applied.
    pub fn client(&self, token: &str) -> Result<pachca::Client, CliError> {
        let mut builder = pachca::Client::builder().token(token).base_url(self.base_url());
        if let Some(t) = self.timeout {
            builder = builder.timeout(Duration::from_secs(t));
        }
        builder = builder.retry_policy(if self.no_retry { pachca::RetryPolicy::none() } else { upstream_retry_policy() });
        Ok(builder.build()?)
    }

    /// Prints a JSON value in the chosen format.
    pub fn print(&self, value: &Value) {
        // `-q`: errors only, as upstream.
        if self.quiet {
            return;
        }
        let width = if self.truncate { terminal_width() } else { None };
        let opts = output::Options {
            format: self.format,
            columns: self.columns.clone(),
            header: self.header,
            truncate_to: width,
            plain: self.plain,
        };
        let text = output::render(value, &opts);
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
    }
}

/// The width table cells are cut to: `$COLUMNS` when set, else the width of
/// the terminal on stdout, else 120 (upstream's default, for pipes).
fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    let terminal = || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0));
    Some(width_from(columns, terminal))
}

fn width_from(columns: Option<usize>, terminal: impl FnOnce() -> Option<usize>) -> usize {
    columns.filter(|c| *c > 0).or_else(terminal).unwrap_or(120)
}

/// The URL a command sends to, path parameters filled in (without the query).
fn request_url(spec: &CommandSpec, input: &Input<'_>, globals: &Globals) -> String {
    if spec.flags.iter().any(|f| matches!(f.target, Target::Url)) {
        return input.url().unwrap_or_default();
    }
    let mut path = spec.path.to_owned();
    for p in spec.positionals.iter().filter(|p| p.query.is_none()) {
        let value = input.path::<String>(p.name).unwrap_or_default();
        path = path.replace(&format!("{{{}}}", p.name), &value);
    }
    format!("{}{}", globals.base_url(), path)
}

/// The request a command would send, token masked.
fn describe_request(spec: &CommandSpec, input: &Input<'_>, globals: &Globals) -> Value {
    let url = request_url(spec, input, globals);
    let mut request = json!({ "method": spec.method, "url": url, "query": input.query });
    if spec.auth {
        request["headers"] = json!({ "Authorization": "Bearer ••••••••" });
    }
    if !input.body.is_null() {
        request["body"] = input.body.clone();
    }
    if !input.multipart.is_empty() {
        request["multipart"] = Value::Object(input.multipart.clone());
    }
    request
}

/// Runs the generated command `spec` through `call`.
pub async fn run_operation(spec: &'static CommandSpec, call: CallFn, m: &ArgMatches, globals: &Globals, config: &Config) -> Result<(), CliError> {
    let mut input = Input::new(spec, m, std::io::stderr().is_terminal() && !globals.quiet)?;
    if spec.method == "DELETE" && !input.force() && !globals.dry_run {
        if !globals.interactive {
            return Err(CliError::usage_hint(
                format!("`pachca {}` deletes data; pass --force to confirm in a non-interactive run", spec.name()),
                format!("pachca {} ... --force", spec.name()),
            ));
        }
        eprint!("{} {}: are you sure? [y/N] ", spec.method, spec.path);
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(CliError::usage("cancelled"));
        }
    }
    // `--save`: a taken file name is refused before anything is sent.
    let save = match input.save() {
        Some(path) if !globals.dry_run => Some(crate::save::target(path, input.force())?),
        _ => None,
    };
    if globals.dry_run {
        let request = describe_request(spec, &input, globals);
        println!("{}", serde_json::to_string_pretty(&request).unwrap_or_default());
        return Ok(());
    }
    // The direct upload is sent without a token; the client still needs one to be built.
    let token = match globals.token(config) {
        Ok(t) => t,
        Err(_) if !spec.auth => "unused".to_owned(),
        Err(e) => return Err(e),
    };
    let client = globals.client(&token)?;
    if globals.verbose {
        // The request as it will be sent (path parameters filled in, the
        // query); `verbose` prints each attempt's status as it arrives.
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let query: Vec<String> = input
            .query
            .iter()
            .map(|(k, v)| match v {
                Value::Array(items) => format!("{k}={}", items.iter().map(text).collect::<Vec<_>>().join(",")),
                v => format!("{k}={}", text(v)),
            })
            .collect();
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        eprintln!("→ {} {}{query}", spec.method, request_url(spec, &input, globals));
    }
    let outcome = call(&client, spec, &mut input).await;
    if let (true, Err(CliError::Api(e))) = (globals.verbose, &outcome) {
        if e.status().is_none() {
            eprintln!("← no response: {e}");
        }
    }
    // The typed call checked the body; what is printed is the server's own
    // JSON (timestamps as `...000Z`, unknown fields included). A body the
    // typed model cannot decode is printed as received, with a warning.
    let outcome = match outcome {
        Err(CliError::Api(e @ pachca::Error::Decode { .. })) => match input.raw_data() {
            Some(raw) => {
                eprintln!("warning: the response does not match this CLI's model ({e}); printed as received");
                Ok(Outcome::Value(raw))
            }
            None => Err(CliError::Api(e)),
        },
        Ok(Outcome::Value(typed)) => Ok(Outcome::Value(input.raw_data().unwrap_or(typed))),
        Ok(Outcome::Page(typed, next)) => {
            let items = match input.raw_data() {
                Some(Value::Array(raw)) => raw,
                _ => typed,
            };
            Ok(Outcome::Page(items, next))
        }
        other => other,
    };
    match outcome? {
        Outcome::Value(v) => globals.print(&v),
        Outcome::Items(items) => globals.print(&Value::Array(items)),
        Outcome::Page(items, next) => {
            let empty = items.is_empty();
            globals.print(&Value::Array(items));
            if empty && !globals.quiet && std::io::stderr().is_terminal() {
                eprintln!("No results.");
            }
            // A hint for a person: not when stderr is piped or with -q.
            if let (Some(cursor), false, true) = (next, globals.quiet, std::io::stderr().is_terminal()) {
                eprintln!("next page: --cursor {cursor}  (or --all for every page)");
            }
        }
        Outcome::Done => {
            if matches!(globals.format, Format::Json) {
                println!("{{\"ok\":true}}");
            } else if !globals.quiet {
                println!("{}", if spec.method == "DELETE" { "Deleted." } else { "Done." });
            }
        }
        Outcome::Redirect(url) => match save {
            // Export archives live on storage, not the API: streamed to disk.
            Some(target) => {
                let saved = crate::save::download(&url, &target, input.force(), globals.request_timeout(), globals.verbose).await?;
                globals.print(&json!({ "saved": saved.path.to_string_lossy(), "bytes": saved.bytes }));
            }
            None => globals.print(&json!({ "url": url })),
        },
    }
    Ok(())
}

/// The methods the upstream CLI resends after a 503 or a network error.
const UPSTREAM_TRANSIENT_METHODS: &[pachca::reqwest::Method] =
    &[pachca::reqwest::Method::GET, pachca::reqwest::Method::HEAD, pachca::reqwest::Method::OPTIONS, pachca::reqwest::Method::PUT];

/// The upstream CLI's retry policy, through the SDK's: 429 on any method up
/// to 3 times with `Retry-After` clamped to 0–60 s; 503 and network errors
/// only for GET, HEAD, OPTIONS and PUT (a DELETE or POST is never resent).
pub fn upstream_retry_policy() -> pachca::RetryPolicy {
    pachca::RetryPolicy::default()
        .max_retries(3)
        .max_retry_after(Duration::from_secs(60))
        .clamp_retry_after(true)
        .transient_methods(UPSTREAM_TRANSIENT_METHODS)
        .retry_connect_errors(false)
}

#[cfg(test)]
mod width_tests {
    use super::width_from;

    #[test]
    fn columns_then_the_terminal_then_120() {
        assert_eq!(width_from(Some(80), || Some(200)), 80);
        assert_eq!(width_from(None, || Some(200)), 200);
        assert_eq!(width_from(Some(0), || Some(200)), 200);
        assert_eq!(width_from(None, || None), 120);
    }
}

#[cfg(test)]
mod page_tests {
    use super::{gather, MAX_PAGES};
    use std::cell::RefCell;

    fn page(items: &[u32], next: Option<&str>) -> pachca::Page<u32> {
        pachca::Page { items: items.to_vec(), next_cursor: next.map(str::to_owned) }
    }

    #[tokio::test]
    async fn follows_cursors_to_the_last_page() {
        let asked = RefCell::new(Vec::new());
        let fetch = |cursor: Option<String>| {
            asked.borrow_mut().push(cursor.clone());
            let answer = match cursor.as_deref() {
                None => page(&[1, 2], Some("b")),
                Some("b") => page(&[3], Some("c")),
                _ => page(&[4], None),
            };
            async move { Ok(answer) }
        };
        let (items, warning) = gather(None, fetch, false).await.expect("items");
        assert_eq!(items, vec![1, 2, 3, 4]);
        assert_eq!(warning, None);
        assert_eq!(*asked.borrow(), vec![None, Some("b".to_owned()), Some("c".to_owned())]);
    }

    #[tokio::test]
    async fn a_repeated_cursor_keeps_what_was_fetched() {
        let fetch = |cursor: Option<String>| async move {
            Ok(if cursor.is_none() { page(&[1], Some("x")) } else { page(&[2], Some("x")) })
        };
        let (items, warning) = gather(None, fetch, false).await.expect("items");
        assert_eq!(items, vec![1, 2]);
        assert_eq!(warning.as_deref(), Some("the server returned the cursor \"x\" twice; stopping with the 2 items fetched so far"));
    }

    #[tokio::test]
    async fn stops_at_the_page_cap_naming_the_next_cursor() {
        let calls = RefCell::new(0_usize);
        let fetch = |cursor: Option<String>| {
            *calls.borrow_mut() += 1;
            let n: usize = cursor.as_deref().map_or(0, |c| c.parse().unwrap_or(0));
            async move { Ok(page(&[u32::try_from(n).unwrap_or(0)], Some(&(n + 1).to_string()))) }
        };
        let (items, warning) = gather(None, fetch, false).await.expect("items");
        assert_eq!((items.len(), *calls.borrow()), (MAX_PAGES, MAX_PAGES));
        assert_eq!(warning.as_deref(), Some("stopped after 500 pages (500 items); continue with --cursor 500"));
    }

    #[tokio::test]
    async fn an_error_is_returned() {
        let fetch = |_cursor: Option<String>| async move {
            Err::<pachca::Page<u32>, _>(pachca::Error::Config("boom".to_owned()))
        };
        assert!(gather(None, fetch, false).await.is_err());
    }
}

#[cfg(test)]
mod retry_tests {
    use super::upstream_retry_policy;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> pachca::Client {
        let policy = upstream_retry_policy().base_delay(std::time::Duration::from_millis(1));
        pachca::Client::builder().token("t").base_url(server.uri()).retry_policy(policy).build().expect("client")
    }

    /// Upstream never resends a DELETE after a 503; it does resend a GET.
    #[tokio::test]
    async fn delete_is_not_retried_on_503_but_get_is() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).expect(1).mount(&server).await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("{}")).expect(1).mount(&server).await;
        let client = client(&server);
        let deleted = client.send_json(pachca::reqwest::Method::DELETE, "/messages/1", &[], None).await;
        assert_eq!(deleted.map_err(|e| e.status()).err(), Some(Some(503)));
        let got = client.send_json(pachca::reqwest::Method::GET, "/chats", &[], None).await.expect("retried");
        assert_eq!(got.0, 200);
    }

    /// A `Retry-After` beyond 60 s is clamped to 60 s, not a give-up (checked
    /// on the policy: sleeping a minute has no place in a test).
    #[test]
    fn retry_after_is_clamped_to_a_minute() {
        let policy = upstream_retry_policy();
        assert!(policy.clamp_retry_after);
        assert_eq!(policy.max_retry_after, std::time::Duration::from_secs(60));
        assert_eq!(policy.max_retries, 3);
    }
}
