//! The entry point: `pachca`, the Pachca API from the command line, for a
//! command table.
//!
//! Every API operation is a command (`pachca chats create --name Ops`),
//! generated from the OpenAPI spec into the table and `call` of
//! [`Commands`]; the generated `main` passes them to [`main`].

use std::ffi::OsString;
use std::process::ExitCode;

use clap::ArgMatches;

use crate::app;
use crate::config::{self, Config};
use crate::errors::{self, CliError};
use crate::raw;
use crate::run::{self, Globals};
use crate::spec::{global_flag, global_short};
use crate::tools;
use crate::verbose;

use crate::run::Commands;

/// The `pachca` process: parses `std::env::args`, runs the command, prints
/// the outcome or the error; the exit code says which.
pub fn main(commands: &'static Commands) -> ExitCode {
    run(commands, std::env::args_os())
}

/// [`main`] for the command line `args` (the first is the program name).
pub fn run<I, T>(commands: &'static Commands, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let color = color_choice(&args, |name| std::env::var_os(name));
    let matches = match app::build(commands.table).color(color).try_get_matches_from(&args) {
        Ok(m) => m,
        // `--help` and `--version` print as clap renders them.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // Errors clap finds itself (an unknown command or flag, a bad value)
        // follow the same rule as ours: JSON on stderr unless it is a terminal
        // and `-o json` was not asked for.
        Err(e) if errors::json_errors(raw_output(&args) == Some("json")) => {
            let e = CliError::from(e);
            e.report(true);
            return ExitCode::from(e.exit_code());
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    let config_path = Config::path().ok();
    let config = config_path.as_deref().map(Config::load).transpose();
    let config = match config {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            let e = CliError::from(e);
            e.report(true);
            return ExitCode::from(e.exit_code());
        }
    };
    let globals = Globals::from_matches(&matches, &config);
    if globals.verbose {
        verbose::install();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            CliError::Io(e).report(globals.json_errors);
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(dispatch(commands, &matches, &globals, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report_for(globals.json_errors, command_scope(commands, &matches));
            ExitCode::from(e.exit_code())
        }
    }
}

/// The scope the generated command in `matches` needs, from the spec.
fn command_scope(commands: &'static Commands, matches: &ArgMatches) -> Option<&'static str> {
    let (group, sub) = matches.subcommand()?;
    let (action, _) = sub.subcommand()?;
    app::find(commands.table, group, action)?.scope
}

/// The `--output` value among the raw arguments, read with the global
/// flags' spellings (clap could not parse them, so its matches are not
/// there to ask): `--output json`, `--output=json`, `-o json`, `-ojson`,
/// `-qo json`.
fn raw_output(args: &[OsString]) -> Option<&str> {
    let mut it = args.iter().skip(1).map(|a| a.to_str().unwrap_or_default());
    while let Some(arg) = it.next() {
        if arg == "--" {
            break;
        }
        let (flag, inline) = if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            (global_flag(name), inline)
        } else if let Some(shorts) = arg.strip_prefix('-') {
            // A cluster of switches, perhaps ending in a flag with a value.
            let mut found = (None, None);
            for (i, c) in shorts.char_indices() {
                match global_short(c) {
                    Some(f) if f.takes_value() => {
                        let rest = &shorts[i + c.len_utf8()..];
                        found = (Some(f), (!rest.is_empty()).then_some(rest));
                        break;
                    }
                    Some(_) => {}
                    None => break,
                }
            }
            found
        } else {
            continue;
        };
        let Some(flag) = flag.filter(|f| f.takes_value()) else { continue };
        let value = inline.or_else(|| it.next());
        if flag.long == "output" {
            return value;
        }
    }
    None
}

async fn dispatch(commands: &'static Commands, m: &ArgMatches, globals: &Globals, mut config: Config) -> Result<(), CliError> {
    let Some((group, sub)) = m.subcommand() else {
        return Err(CliError::usage("no command given; see `pachca --help`"));
    };
    // Upstream's init hook: an OAuth token about to expire is refreshed
    // first, except for the commands it exempts and `--dry-run`.
    if !matches!(group, "auth" | "config" | "commands" | "doctor" | "guide" | "skills" | "introspect" | "version" | "completions" | "changelog") && !globals.dry_run {
        crate::oauth::refresh_if_due(globals, &mut config).await?;
    }
    match group {
        "auth" => auth(sub, globals, &mut config).await,
        "config" => config_defaults(sub, globals, &mut config),
        "api" => raw::api(commands.table, sub, globals, &config).await,
        "commands" if sub.get_flag("available") => {
            let scopes = tools::token_scopes(globals, &globals.token(&config)?).await?;
            raw::commands_of(&tools::available(commands.table, &scopes), globals);
            Ok(())
        }
        "commands" => {
            raw::commands(commands.table, globals);
            Ok(())
        }
        "upload" => tools::upload(sub, globals, &config).await,
        "doctor" => tools::doctor(globals, &config).await,
        "guide" => tools::guide(commands.guide, sub, globals),
        "skills" => crate::skills::run(commands.skills, sub, globals),
        "changelog" => tools::changelog(commands.changelog, sub),
        "introspect" => raw::introspect(commands.table, sub, globals),
        "version" => {
            globals.print(&serde_json::json!({ "version": env!("CARGO_PKG_VERSION") }));
            Ok(())
        }
        "completions" => {
            if let Some(shell) = sub.get_one::<clap_complete::Shell>("shell") {
                // Into a buffer first: clap_complete panics on a write error,
                // and a closed pipe (`| head`) is not an error of ours.
                let mut script = Vec::new();
                clap_complete::generate(*shell, &mut app::build(commands.table), "pachca", &mut script);
                match std::io::Write::write_all(&mut std::io::stdout().lock(), &script) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(CliError::Io(e)),
                    _ => {}
                }
            }
            Ok(())
        }
        _ => {
            let (action, args) = sub.subcommand().ok_or_else(|| CliError::usage(format!("`pachca {group}` needs a command; see `pachca {group} --help`")))?;
            let spec = app::find(commands.table, group, action).ok_or_else(|| CliError::usage(format!("unknown command `pachca {group} {action}`")))?;
            run::run_operation(spec, commands.call, args, globals, &config).await
        }
    }
}


async fn auth(m: &ArgMatches, globals: &Globals, config: &mut Config) -> Result<(), CliError> {
    let path = Config::path()?;
    match m.subcommand() {
        Some(("login", sub)) => {
            let token = match globals.token.as_deref() {
                Some("-") => {
                    let mut text = String::new();
                    std::io::stdin().read_line(&mut text)?;
                    text.trim().to_owned()
                }
                Some(t) => t.to_owned(),
                None => return Err(CliError::usage_hint("`auth login` needs a token", "pachca auth login --token <TOKEN> [--name NAME]")),
            };
            if token.is_empty() {
                return Err(CliError::usage("the token is empty"));
            }
            let name = sub
                .get_one::<String>("login-profile")
                .cloned()
                .or_else(|| globals.profile.clone())
                .unwrap_or_else(|| "default".to_owned());
            // A token the API refuses is not saved (exit 3, as any 401).
            let scopes = tools::token_scopes(globals, &token).await?;
            // The OS keyring unless `--insecure-storage` or `PACHCA_SECRET_STORE=file`.
            let wanted = config::Storage::requested(sub.get_flag("insecure-storage"));
            let storage = config.login_in(&name, crate::secrets::Secret::token(token), None, None, wanted);
            if let Some(profile) = config.profiles.get_mut(&name) {
                // Kept under upstream's key, so its CLI reads them too.
                let list = scopes.iter().cloned().map(toml::Value::String).collect();
                profile.extra.insert("scopes".to_owned(), toml::Value::Array(list));
            }
            config.save(&path)?;
            globals.print(&serde_json::json!({ "profile": name, "active": true, "config": path, "storage": storage.as_str(), "scopes": scopes }));
            Ok(())
        }
        Some(("status", _)) => {
            let env_token = std::env::var(config::TOKEN_ENV).ok();
            let env_profile = std::env::var(config::PROFILE_ENV).ok();
            let resolved = config.resolve_token(globals.token.as_deref(), env_token.as_deref(), globals.profile.as_deref(), env_profile.as_deref());
            let source = match &resolved {
                Ok((_, config::TokenSource::Flag)) => "--token".to_owned(),
                Ok((_, config::TokenSource::Env)) => "PACHCA_TOKEN".to_owned(),
                Ok((_, config::TokenSource::Profile(p))) => format!("profile {p}"),
                Err(_) => "none".to_owned(),
            };
            globals.print(&serde_json::json!({
                "active_profile": config.active_profile,
                "token_source": source,
                "token": resolved.as_ref().ok().map(|(t, _)| mask(t)),
                "profiles": config.profiles.keys().collect::<Vec<_>>(),
                "config": path,
            }));
            resolved.map(|_| ()).map_err(CliError::from)
        }
        Some(("list", _)) => {
            let rows: Vec<serde_json::Value> = config
                .profiles
                .iter()
                .map(|(name, p)| serde_json::json!({ "profile": name, "active": config.active_profile.as_deref() == Some(name), "token": mask(&p.token) }))
                .collect();
            globals.print(&serde_json::Value::Array(rows));
            Ok(())
        }
        Some(("switch", sub)) => {
            let name = sub.get_one::<String>("name").cloned().unwrap_or_default();
            config.switch(&name)?;
            config.save(&path)?;
            globals.print(&serde_json::json!({ "active_profile": name }));
            Ok(())
        }
        Some(("logout", sub)) => {
            let removed = config.logout(sub.get_one::<String>("name").map(String::as_str))?;
            config.save(&path)?;
            globals.print(&serde_json::json!({ "removed": removed }));
            Ok(())
        }
        _ => Err(CliError::usage("see `pachca auth --help`")),
    }
}

/// `abcd••••wxyz`: enough to recognise a token, not to use it.
fn mask(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() <= 8 {
        return "••••••••".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}••••{tail}")
}

/// `pachca config list|get|set`: the `defaults` table, the only keys
/// upstream's `config set` accepts.
fn config_defaults(m: &ArgMatches, globals: &Globals, config: &mut Config) -> Result<(), CliError> {
    let defaults = |c: &Config| serde_json::json!({ "output": c.defaults.output, "timeout": c.defaults.timeout });
    match m.subcommand() {
        Some(("list", _)) => globals.print(&defaults(config)),
        Some(("get", sub)) => {
            let key = sub.get_one::<String>("key").map(String::as_str).unwrap_or_default();
            globals.print(&defaults(config)[key.trim_start_matches("defaults.")]);
        }
        Some(("set", sub)) => {
            // `output` or upstream's spelling, `defaults.output`.
            let key = sub.get_one::<String>("key").map(String::as_str).unwrap_or_default().trim_start_matches("defaults.");
            let value = sub.get_one::<String>("value").map(String::as_str).unwrap_or_default();
            match key {
                "output" if ["json", "yaml", "table", "csv"].contains(&value) => config.defaults.output = Some(value.to_owned()),
                "output" => return Err(CliError::usage(format!("`{value}` is not an output format; expected json, yaml, table or csv"))),
                _ => match value.parse::<u64>() {
                    Ok(secs) if secs > 0 => config.defaults.timeout = Some(secs),
                    _ => return Err(CliError::usage(format!("`{value}` is not a timeout; expected whole seconds, at least 1"))),
                },
            }
            config.save(&Config::path()?)?;
            globals.print(&defaults(config));
        }
        _ => return Err(CliError::usage("`pachca config` needs list, get or set")),
    }
    Ok(())
}

/// Colour of clap's help and errors (the only coloured output), as
/// upstream decides it: `--no-color` or `NO_COLOR` (any value) turn it off,
/// `FORCE_COLOR` turns it on even when piped, otherwise only on a terminal.
fn color_choice(args: &[OsString], env: impl Fn(&str) -> Option<OsString>) -> clap::ColorChoice {
    let no_color_flag = args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--no-color");
    if no_color_flag || env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        clap::ColorChoice::Never
    } else if env("FORCE_COLOR").is_some_and(|v| !v.is_empty() && v != "0") {
        clap::ColorChoice::Always
    } else {
        clap::ColorChoice::Auto
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output_of(args: &[&str]) -> Option<String> {
        let args: Vec<OsString> = std::iter::once("pachca").chain(args.iter().copied()).map(OsString::from).collect();
        raw_output(&args).map(str::to_owned)
    }

    #[test]
    fn raw_output_reads_every_spelling() {
        for args in [
            &["x", "--output", "json"][..],
            &["--output=json", "x"],
            &["-o", "json"],
            &["-ojson"],
            &["-qo", "json"],
            &["-q", "--token", "-o", "-o", "json"],
        ] {
            assert_eq!(output_of(args).as_deref(), Some("json"), "{args:?}");
        }
        assert_eq!(output_of(&["-o", "yaml"]).as_deref(), Some("yaml"));
        for args in [&["x"][..], &["--", "-o", "json"], &["-x", "json"], &["--columns", "-o"], &["-o"]] {
            assert_eq!(output_of(args), None, "{args:?}");
        }
    }
}

#[cfg(test)]
mod color_tests {
    use super::color_choice;
    use clap::ColorChoice;
    use std::ffi::OsString;

    fn choice(args: &[&str], env: &[(&str, &str)]) -> ColorChoice {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        color_choice(&args, |name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v)))
    }

    #[test]
    fn flag_and_environment_decide_the_colour() {
        assert_eq!(choice(&["pachca", "users", "list"], &[]), ColorChoice::Auto);
        assert_eq!(choice(&["pachca", "--no-color", "users", "list"], &[]), ColorChoice::Never);
        assert_eq!(choice(&["pachca", "users", "list", "--no-color"], &[("FORCE_COLOR", "1")]), ColorChoice::Never);
        assert_eq!(choice(&["pachca", "users"], &[("NO_COLOR", "1")]), ColorChoice::Never);
        assert_eq!(choice(&["pachca", "users"], &[("NO_COLOR", "")]), ColorChoice::Auto);
        assert_eq!(choice(&["pachca", "users"], &[("FORCE_COLOR", "1")]), ColorChoice::Always);
        assert_eq!(choice(&["pachca", "users"], &[("FORCE_COLOR", "0")]), ColorChoice::Auto);
        // After `--`, `--no-color` is a value, not the flag.
        assert_eq!(choice(&["pachca", "messages", "create", "--", "--no-color"], &[]), ColorChoice::Auto);
    }
}
