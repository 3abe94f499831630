//! Hand-written commands beyond the API's operations: `upload`, `doctor`,
//! `commands --available` and `guide`, as the upstream CLI has them (and
//! `skills`, in [`crate::skills`]).

use std::time::{Duration, Instant};

use clap::ArgMatches;
use serde_json::{json, Value};

use crate::config::{self, Config, TokenSource};
use crate::errors::CliError;
use crate::run::Globals;
use crate::spec::{Bilingual, CommandSpec, GuideScenario};

/// Where the token's owner, type and scopes are read, as upstream does.
const TOKEN_INFO_PATH: &str = "/oauth/token/info";

/// `pachca upload <file|->`: the upload parameters (`POST /uploads`), then
/// the file streamed to the storage URL they name, without the token;
/// prints the message attachment (`key`, `name`, `file_type`, `size`),
/// ready for `messages create --files`.
///
/// Built on the runtime's generic requests rather than the SDK's upload
/// helper, so it works with every spec version the CLI is generated from.
pub async fn upload(m: &ArgMatches, globals: &Globals, config: &Config) -> Result<(), CliError> {
    use pachca::runtime::client::{Body, Part, Request};
    let source = m.get_one::<String>("file").ok_or_else(|| CliError::usage("missing FILE: pachca upload <file|->"))?;
    let (name, contents) = if source == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
        ("stdin".to_owned(), pachca::FileBody::from(bytes))
    } else {
        let path = std::path::Path::new(source);
        let own = path.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| CliError::usage(format!("{source} has no file name")))?;
        let body = pachca::FileBody::path(path).await.map_err(|e| CliError::usage(format!("cannot read {source}: {e}")))?;
        (own, body)
    };
    let name = m.get_one::<String>("name").cloned().unwrap_or(name);
    let size = contents.len();
    let client = globals.client(&globals.token(config)?)?;
    let (_, params) = client.send_json(pachca::reqwest::Method::POST, UPLOADS_PATH, &[], None).await?;
    let params = params.as_object().ok_or_else(|| CliError::internal(format!("{UPLOADS_PATH} answered {params}, not an object")))?;
    let direct_url = params.get("direct_url").and_then(Value::as_str).ok_or_else(|| CliError::internal(format!("{UPLOADS_PATH} answered no direct_url")))?;
    let mut key = String::new();
    // Every parameter but the URL, in the order given, then the file last.
    let mut parts = Vec::new();
    for (field, value) in params.iter().filter(|(f, _)| f.as_str() != "direct_url") {
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        let text = if field == "key" {
            key = text.replace("${filename}", &name);
            key.clone()
        } else {
            text
        };
        parts.push(Part::text(field.clone(), text));
    }
    parts.push(Part::file("file", name.clone(), None, contents));
    let mut req = Request::for_operation("DirectUploadOperations_uploadFile", pachca::reqwest::Method::POST, String::new());
    req.body = Body::Multipart(parts);
    client.execute_absolute_with(direct_url, req, &pachca::RequestOptions::default()).await?;
    let mime = pachca::runtime::file::mime_type(&name);
    let size = i32::try_from(size).map_err(|_| CliError::usage(format!("{name} is {size} bytes; the API's file size field holds at most {} bytes", i32::MAX)))?;
    let file_type = if mime.starts_with("image/") { "image" } else { "file" };
    globals.print(&json!({ "key": key, "name": name, "file_type": file_type, "size": size }));
    Ok(())
}

/// Where the upload parameters come from.
const UPLOADS_PATH: &str = "/uploads";

/// The scopes of the token in use, from `GET /oauth/token/info`.
pub async fn token_scopes(globals: &Globals, token: &str) -> Result<Vec<String>, CliError> {
    let (_, info) = globals.client(token)?.send_json(pachca::reqwest::Method::GET, TOKEN_INFO_PATH, &[], None).await?;
    Ok(scopes_of(&info))
}

/// The `scopes` of a token-info answer (`{"data": {"scopes": [...]}}`).
fn scopes_of(info: &Value) -> Vec<String> {
    info.pointer("/data/scopes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The commands `scopes` allow: those needing no scope, or one of them.
pub fn available<'t>(table: &'t [CommandSpec], scopes: &[String]) -> Vec<&'t CommandSpec> {
    table.iter().filter(|c| c.scope.is_none_or(|s| scopes.iter().any(|have| have == s))).collect()
}

/// One check of `doctor`.
struct Check {
    name: &'static str,
    status: &'static str,
    detail: String,
}

impl Check {
    fn new(name: &'static str, status: &'static str, detail: impl Into<String>) -> Self {
        Check { name, status, detail: detail.into() }
    }
}

/// `pachca doctor`: the config file, the token's source, the network, the
/// token itself and the CLI's version. Exit 1 when any check is an error.
pub async fn doctor(globals: &Globals, config: &Config) -> Result<(), CliError> {
    let mut checks = vec![config_check(), Check::new("cli_version", "ok", env!("CARGO_PKG_VERSION"))];
    let env_token = std::env::var(config::TOKEN_ENV).ok();
    let env_profile = std::env::var(config::PROFILE_ENV).ok();
    let resolved = config.resolve_token(globals.token.as_deref(), env_token.as_deref(), globals.profile.as_deref(), env_profile.as_deref());
    checks.push(match &resolved {
        Ok((_, TokenSource::Flag)) => Check::new("profile", "ok", "token from --token"),
        Ok((_, TokenSource::Env)) => Check::new("profile", "ok", format!("token from {}", config::TOKEN_ENV)),
        Ok((_, TokenSource::Profile(p))) => Check::new("profile", "ok", format!("profile {p}")),
        Err(e) => Check::new("profile", "error", e.to_string()),
    });
    checks.push(network_check(&globals.base_url()).await);
    checks.push(match &resolved {
        Ok((token, _)) => match token_scopes(globals, token).await {
            Ok(scopes) => Check::new("token", "ok", format!("valid, {} scopes", scopes.len())),
            Err(e) => Check::new("token", "error", e.to_string()),
        },
        Err(_) => Check::new("token", "skipped", "no token"),
    });
    let failed = checks.iter().filter(|c| c.status == "error").count();
    if matches!(globals.format, crate::output::Format::Json) {
        let list: Vec<Value> = checks.iter().map(|c| json!({ "name": c.name, "status": c.status, "detail": c.detail })).collect();
        println!("{}", json!({ "checks": list }));
    } else if !globals.quiet {
        for c in &checks {
            let mark = match c.status {
                "ok" => "✓",
                "warning" => "!",
                "skipped" => "-",
                _ => "✗",
            };
            println!("{mark} {:<12} {}", c.name, c.detail);
        }
    }
    if failed > 0 {
        return Err(CliError::Failed(format!("doctor: {failed} check(s) failed")));
    }
    Ok(())
}

/// The config file: where it is, whether it parses, and that only its owner can read it.
fn config_check() -> Check {
    let path = match Config::path() {
        Ok(p) => p,
        Err(e) => return Check::new("config", "error", e.to_string()),
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        return Check::new("config", "ok", format!("{} (not created yet)", path.display()));
    };
    if let Err(e) = Config::load(&path) {
        return Check::new("config", "error", e.to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Check::new("config", "warning", format!("{} is readable by others (mode {mode:o}); run chmod 600", path.display()));
        }
        Check::new("config", "ok", format!("{} (mode {mode:o})", path.display()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Check::new("config", "ok", path.display().to_string())
    }
}

/// Whether the API answers at all (any HTTP status counts), within 5 s.
async fn network_check(base_url: &str) -> Check {
    let url = format!("{}/profile", base_url.trim_end_matches('/'));
    let client = match pachca::runtime::client::http_client_builder().timeout(Duration::from_secs(5)).build() {
        Ok(c) => c,
        Err(e) => return Check::new("network", "error", e.to_string()),
    };
    let started = Instant::now();
    match client.head(&url).send().await {
        Ok(resp) => Check::new("network", "ok", format!("{} answered HTTP {} in {} ms", base_url, resp.status().as_u16(), started.elapsed().as_millis())),
        Err(e) => Check::new("network", "error", format!("{base_url}: {e}")),
    }
}

/// Whether to speak Russian: `--lang ru|en` when given, else whether the
/// locale (the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set) is
/// Russian; English otherwise.
pub fn russian(lang: Option<&str>) -> Result<bool, CliError> {
    match lang {
        Some("ru") => Ok(true),
        Some("en") => Ok(false),
        Some(other) => Err(CliError::usage(format!("--lang {other}: expected en or ru"))),
        None => Ok(["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty())).is_some_and(|l| l.starts_with("ru"))),
    }
}

/// `pachca guide [query]`: the agent skills' scenarios. Without a query,
/// their titles by skill; with one, every scenario whose titles, steps and
/// commands contain each of its words (in either language,
/// case-insensitively), step by step.
pub fn guide(scenarios: &'static [GuideScenario], m: &ArgMatches, globals: &Globals) -> Result<(), CliError> {
    let russian = russian(m.get_one::<String>("lang").map(String::as_str))?;
    let pick = |text: Bilingual| if russian { text.1 } else { text.0 };
    let query = m.get_many::<String>("query").map(|words| words.cloned().collect::<Vec<_>>().join(" ")).unwrap_or_default();
    let needle = query.to_lowercase();
    let matches: Vec<&GuideScenario> = if needle.is_empty() {
        scenarios.iter().collect()
    } else {
        // Every word somewhere in the scenario: `guide thread reply` finds "Reply in a message's thread".
        let words: Vec<&str> = needle.split_whitespace().collect();
        scenarios
            .iter()
            .filter(|s| {
                let texts: Vec<String> = guide_text(s).map(str::to_lowercase).collect();
                words.iter().all(|w| texts.iter().any(|t| t.contains(w)))
            })
            .collect()
    };
    let json = matches!(globals.format, crate::output::Format::Json);
    if json {
        let list: Vec<Value> = matches
            .iter()
            .map(|s| {
                let steps: Vec<Value> = s
                    .steps
                    .iter()
                    .map(|st| json!({ "description": pick(st.text), "command": st.command.map(pick), "notes": st.note.map(pick) }))
                    .collect();
                json!({ "id": s.id, "title": pick(s.title), "skill": s.skill, "steps": steps, "note": s.note.map(pick) })
            })
            .collect();
        println!("{}", Value::Array(list));
    } else if needle.is_empty() {
        let mut skills: Vec<&str> = matches.iter().map(|s| s.skill).collect();
        skills.dedup();
        for skill in skills {
            let titles: Vec<&str> = matches.iter().filter(|s| s.skill == skill).map(|s| pick(s.title)).collect();
            println!("{skill}  ({} {})", titles.len(), if russian { "сценариев" } else { "scenarios" });
            for title in titles {
                println!("  · {title}");
            }
        }
    } else {
        for (i, s) in matches.iter().enumerate() {
            if i > 0 {
                println!();
            }
            println!("{}: {}  ({})", if russian { "Сценарий" } else { "Scenario" }, pick(s.title), s.skill);
            for (n, step) in s.steps.iter().enumerate() {
                println!("{}. {}", n + 1, pick(step.text));
                if let Some(command) = step.command {
                    println!("   $ {}", pick(command));
                }
                if let Some(note) = step.note {
                    println!("   {}", pick(note));
                }
            }
            if let Some(note) = s.note {
                println!("{}", pick(note));
            }
        }
    }
    if matches.is_empty() && !globals.quiet {
        eprintln!("no scenario matches {query:?}; `pachca guide` lists them all, `pachca commands` every command");
    }
    Ok(())
}

/// `pachca changelog [VERSION]`: the generated crates' `CHANGELOG.md`, or
/// the section of one version. Printed as the Markdown it is, whatever
/// `--output` says: it is a document, not data.
pub fn changelog(text: &str, m: &ArgMatches) -> Result<(), CliError> {
    let out = match m.get_one::<String>("version") {
        None => text.to_owned(),
        Some(wanted) => {
            let sections = changelog_sections(text);
            match sections.iter().find(|(version, _)| version == wanted) {
                Some((_, section)) => (*section).to_owned(),
                None => {
                    let known: Vec<&str> = sections.iter().map(|(v, _)| v.as_str()).collect();
                    return Err(CliError::usage(format!("no release {wanted} in the changelog; releases: {}", known.join(", "))));
                }
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    match std::io::Write::write_all(&mut stdout, out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Io(e)),
        _ => Ok(()),
    }
}

/// `(version, section)` of every `## VERSION (DATE)` heading, in order.
fn changelog_sections(text: &str) -> Vec<(String, &str)> {
    let starts: Vec<usize> = text.match_indices("\n## ").map(|(i, _)| i + 1).collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(text.len());
            let section = &text[start..end];
            let version = section.trim_start_matches("## ").split_whitespace().next().unwrap_or_default().to_owned();
            (version, section)
        })
        .collect()
}

/// Every searchable text of a scenario, in both languages.
fn guide_text(s: &GuideScenario) -> impl Iterator<Item = &'static str> + '_ {
    let both = |t: Bilingual| [t.0, t.1];
    both(s.title)
        .into_iter()
        .chain(s.steps.iter().flat_map(move |st| both(st.text).into_iter().chain(st.command.into_iter().flat_map(both))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_come_from_the_token_info_answer() {
        let info = json!({"data": {"id": 1, "scopes": ["chats:read", "messages:create"], "user_id": 4_294_967_296_i64}});
        assert_eq!(scopes_of(&info), ["chats:read", "messages:create"]);
        assert!(scopes_of(&json!({"data": {}})).is_empty());
    }

    #[test]
    fn changelog_sections_split_at_each_release() {
        let text = "# Changelog\n\nIntro.\n\n## 0.3.0 (2026-08-01)\n\n- a\n\n## 0.2.0 (2026-07-01)\n\n- b\n";
        let sections = changelog_sections(text);
        assert_eq!(
            sections,
            vec![("0.3.0".to_owned(), "## 0.3.0 (2026-08-01)\n\n- a\n\n"), ("0.2.0".to_owned(), "## 0.2.0 (2026-07-01)\n\n- b\n")]
        );
        assert!(changelog_sections("# Changelog\n").is_empty());
    }
}
