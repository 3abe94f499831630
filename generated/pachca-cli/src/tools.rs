//! Hand-written commands beyond the API's operations: `upload`, `doctor`
//! and `commands --available`, as the upstream CLI has them.

use std::time::{Duration, Instant};

use clap::ArgMatches;
use serde_json::{json, Value};

use crate::config::{self, Config, TokenSource};
use crate::errors::CliError;
use crate::run::Globals;
use crate::spec::CommandSpec;

/// Where the token's owner, type and scopes are read, as upstream does.
pub const TOKEN_INFO_PATH: &str = "/oauth/token/info";

/// `pachca upload <file|->`: the upload parameters, then the file streamed to
/// the storage URL without the token; prints the message attachment
/// (`key`, `name`, `file_type`, `size`), ready for `messages create --files`.
pub async fn upload(m: &ArgMatches, globals: &Globals, config: &Config) -> Result<(), CliError> {
    let source = m.get_one::<String>("file").ok_or_else(|| CliError::usage("missing FILE: pachca upload <file|->"))?;
    let client = globals.client(&globals.token(config)?)?;
    let uploaded = if source == "-" {
        let name = m.get_one::<String>("name").cloned().unwrap_or_else(|| "stdin".to_owned());
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
        client.upload_file(&name, bytes).await?
    } else {
        let path = std::path::Path::new(source);
        match m.get_one::<String>("name") {
            Some(name) => client.upload_file(name, pachca::FileBody::path(path).await?).await?,
            None => client.upload_path(path).await?,
        }
    };
    let attachment = uploaded.attachment()?;
    globals.print(&serde_json::to_value(&attachment).map_err(|e| CliError::internal(e.to_string()))?);
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_come_from_the_token_info_answer() {
        let info = json!({"data": {"id": 1, "scopes": ["chats:read", "messages:create"], "user_id": 4_294_967_296_i64}});
        assert_eq!(scopes_of(&info), ["chats:read", "messages:create"]);
        assert!(scopes_of(&json!({"data": {}})).is_empty());
    }
}
