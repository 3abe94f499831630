//! Parsing arguments against a [`Command`], the way the CLI will.
//!
//! Arguments are split like a POSIX shell does (single quotes literal,
//! double quotes with `\` escapes). Positionals are matched in order, flags
//! are `--name=value` or `--name value`, switches are `--name` / `--no-name`,
//! and global flags are accepted anywhere. A *placeholder* such as
//! `<chat_id>` stands for any valid value; inside a JSON flag it stands for
//! a JSON value (`'[<user_id>]'`).
//!
//! The result, an [`Invocation`], knows where each value goes in the HTTP
//! request, so the same arguments render as a `pachca` command or as a
//! `curl` call with a JSON body.
//!
//! * `shell`: shell-like splitting and placeholders;
//! * `line`: whole `pachca ...` lines, and sample argv for a real parser;
//! * `request`: where an invocation's values go in the HTTP request.

mod line;
mod request;
mod shell;

pub use line::{check_line, resolve_argv, resolve_line, sample_argv, Resolved};
pub use shell::{is_placeholder, replace_placeholders, tokenize};

use std::fmt;

use super::fixed::{self, GlobalFlag};
use super::{Command, Flag, FlagKind, FlagSource, ParamSource, Positional, ScalarType, BINARY};

/// Arguments that do not fit a command; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

pub(crate) fn err<T>(message: impl Into<String>) -> Result<T, ArgError> {
    Err(ArgError(message.into()))
}

/// A value given to a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text as typed (after shell unquoting).
    Text(String),
    /// `--x` (true) or `--no-x` (false).
    Switch(bool),
}

/// A command with parsed arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation<'c> {
    pub command: &'c Command,
    /// Positional values, in order.
    pub positionals: Vec<(&'c Positional, String)>,
    /// Command flags, in the order given.
    pub flags: Vec<(&'c Flag, Value)>,
    /// Global flags and their values.
    pub globals: Vec<(&'static GlobalFlag, Option<String>)>,
    /// `--help` was given: nothing else is required.
    pub help: bool,
}

/// Parses an argument string for `command`.
pub fn parse<'c>(command: &'c Command, args: &str) -> Result<Invocation<'c>, ArgError> {
    parse_tokens(command, &tokenize(args)?)
}

/// Parses already split arguments for `command`.
pub fn parse_tokens<'c>(command: &'c Command, tokens: &[String]) -> Result<Invocation<'c>, ArgError> {
    let name = format!("{BINARY} {}", command.name());
    let mut call = Invocation { command, positionals: Vec::new(), flags: Vec::new(), globals: Vec::new(), help: false };
    let mut given_positionals = Vec::new();
    let mut it = tokens.iter();
    while let Some(token) = it.next() {
        if let Some(body) = token.strip_prefix("--") {
            let (flag_name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (body, None),
            };
            if call.flags.iter().any(|(f, _)| f.name == flag_name) {
                return err(format!("`--{flag_name}` is given twice to `{name}`"));
            }
            if let Some(flag) = command.flag(flag_name) {
                let value = if flag.kind == FlagKind::Bool {
                    match inline.as_deref() {
                        None | Some("true") => Value::Switch(true),
                        Some("false") => Value::Switch(false),
                        Some(v) => return err(format!("`--{flag_name}` of `{name}` is a switch; `{v}` is not true or false")),
                    }
                } else {
                    let v = match inline {
                        Some(v) => v,
                        None => it.next().cloned().ok_or_else(|| ArgError(format!("`--{flag_name}` of `{name}` needs a value")))?,
                    };
                    check_value(&name, flag, &v)?;
                    Value::Text(v)
                };
                call.flags.push((flag, value));
            } else if let Some(flag) = flag_name.strip_prefix("no-").and_then(|n| command.flag(n)).filter(|f| f.kind == FlagKind::Bool) {
                if inline.is_some() {
                    return err(format!("`--{flag_name}` of `{name}` takes no value"));
                }
                call.flags.push((flag, Value::Switch(false)));
            } else if let Some(global) = fixed::global_flag(flag_name) {
                take_global(&mut call, global, inline, &mut it, &name)?;
            } else {
                let known: Vec<String> = command.flags.iter().map(|f| format!("--{}", f.name)).collect();
                return err(format!(
                    "`--{flag_name}` is not a flag of `{name}`; expected one of: {}",
                    if known.is_empty() { "(no flags)".to_owned() } else { known.join(", ") }
                ));
            }
        } else if token.len() > 1 && token.starts_with('-') && !token.starts_with("--") {
            let mut chars = token[1..].chars();
            let short = chars.next().unwrap_or('-');
            let rest: String = chars.collect();
            let global = fixed::global_short(short).ok_or_else(|| ArgError(format!("`-{short}` is not a flag of `{name}`")))?;
            let inline = (!rest.is_empty()).then(|| rest.trim_start_matches('=').to_owned());
            take_global(&mut call, global, inline, &mut it, &name)?;
        } else {
            given_positionals.push(token.clone());
        }
    }
    if given_positionals.len() > command.positionals.len() {
        return err(format!(
            "`{name}` takes {} positional argument(s) ({}); got {}: {}",
            command.positionals.len(),
            usage_positionals(command),
            given_positionals.len(),
            given_positionals.join(" ")
        ));
    }
    for (p, v) in command.positionals.iter().zip(given_positionals) {
        if !is_placeholder(&v) {
            check_scalar(&name, &format!("<{}>", p.name), p.ty, &v)?;
        }
        call.positionals.push((p, v));
    }
    if call.help {
        return Ok(call);
    }
    let required_positionals = command.positionals.iter().filter(|p| p.required).count();
    if call.positionals.len() < required_positionals {
        return err(format!(
            "`{name}` needs {required_positionals} positional argument(s) ({}); got {}",
            usage_positionals(command),
            call.positionals.len()
        ));
    }
    for flag in command.required_flags() {
        let given = call.flags.iter().any(|(f, _)| f.name == flag.name);
        let by_shortcut = call.positionals.iter().any(|(p, _)| {
            matches!((&p.source, &flag.source), (ParamSource::Query(q), FlagSource::Query { name }) if q == name)
        });
        if !given && !by_shortcut {
            return err(format!("`{name}` needs `--{}`", flag.name));
        }
    }
    Ok(call)
}

fn take_global(
    call: &mut Invocation<'_>,
    global: &'static GlobalFlag,
    inline: Option<String>,
    it: &mut std::slice::Iter<'_, String>,
    name: &str,
) -> Result<(), ArgError> {
    if global.long == "help" {
        call.help = true;
    }
    let value = if global.takes_value() {
        Some(match inline {
            Some(v) => v,
            None => it.next().cloned().ok_or_else(|| ArgError(format!("`--{}` needs a value", global.long)))?,
        })
    } else if inline.is_some() {
        return err(format!("`--{}` of `{name}` takes no value", global.long));
    } else {
        None
    };
    call.globals.push((global, value));
    Ok(())
}

fn usage_positionals(command: &Command) -> String {
    let names: Vec<String> = command
        .positionals
        .iter()
        .map(|p| if p.required { format!("<{}>", p.name) } else { format!("[{}]", p.name) })
        .collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(" ")
    }
}

/// Checks a flag value against the flag's kind and limits.
fn check_value(command: &str, flag: &Flag, value: &str) -> Result<(), ArgError> {
    let what = format!("--{}", flag.name);
    if is_placeholder(value) {
        return Ok(());
    }
    match &flag.kind {
        FlagKind::Scalar { ty } => check_scalar(command, &what, *ty, value)?,
        FlagKind::Enum { values } => check_enum(command, &what, values, value)?,
        FlagKind::Json => {
            let sample = replace_placeholders(value, "1");
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&sample) {
                return err(format!("`{what}` of `{command}` takes JSON; `{value}` is not valid JSON: {e}"));
            }
        }
        FlagKind::List { item, values } => {
            for v in value.split(',').map(str::trim).filter(|v| !is_placeholder(v)) {
                match values {
                    Some(values) => check_enum(command, &what, values, v)?,
                    None => check_scalar(command, &what, *item, v)?,
                }
            }
        }
        FlagKind::Bool | FlagKind::File => {}
    }
    if let Some(max) = flag.max_length {
        if value.chars().count() > max && !value.contains('<') {
            return err(format!("`{what}` of `{command}` allows at most {max} characters; got {}", value.chars().count()));
        }
    }
    if let Ok(n) = value.parse::<f64>() {
        if flag.maximum.is_some_and(|m| n > m) || flag.minimum.is_some_and(|m| n < m) {
            return err(format!(
                "`{what}` of `{command}` must be between {} and {}; got {value}",
                flag.minimum.map_or("-∞".to_owned(), |m| m.to_string()),
                flag.maximum.map_or("∞".to_owned(), |m| m.to_string())
            ));
        }
    }
    Ok(())
}

fn check_enum(command: &str, what: &str, values: &[String], value: &str) -> Result<(), ArgError> {
    if values.iter().any(|v| v == value) {
        Ok(())
    } else {
        err(format!("`{what}` of `{command}` is one of {}; got `{value}`", values.join(", ")))
    }
}

fn check_scalar(command: &str, what: &str, ty: ScalarType, value: &str) -> Result<(), ArgError> {
    if value.contains('<') || value.starts_with('$') {
        return Ok(());
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let is_date = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 3 && parts.iter().all(|p| digits(p)) && s.len() == 10
    };
    let ok = match ty {
        ScalarType::Integer => value.parse::<i64>().is_ok(),
        ScalarType::Number => value.parse::<f64>().is_ok(),
        ScalarType::Date => is_date(value),
        ScalarType::DateTime => value.split_once('T').is_some_and(|(d, _)| is_date(d)),
        ScalarType::Time => value.split(':').count() >= 2 && value.split(':').all(digits),
        ScalarType::Uri | ScalarType::String => true,
    };
    if ok {
        Ok(())
    } else {
        err(format!("`{what}` of `{command}` takes a {}; got `{value}`", ty.name()))
    }
}

/// A valid sample value for a flag kind (`None` for switches), for turning
/// placeholders into something a real argument parser accepts.
pub fn sample_value(kind: &FlagKind) -> Option<String> {
    Some(match kind {
        FlagKind::Scalar { ty } => sample_scalar(*ty).to_owned(),
        FlagKind::Enum { values } => values.first().cloned().unwrap_or_default(),
        FlagKind::Bool => return None,
        FlagKind::Json => "[]".to_owned(),
        FlagKind::List { item, values } => match values {
            Some(v) => v.first().cloned().unwrap_or_default(),
            None => sample_scalar(*item).to_owned(),
        },
        FlagKind::File => "./file.bin".to_owned(),
    })
}

/// A valid sample value of a scalar type.
pub fn sample_scalar(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::String => "text",
        ScalarType::Integer => "1",
        ScalarType::Number => "1.5",
        ScalarType::Date => "2025-01-31",
        ScalarType::DateTime => "2025-01-31T09:00:00Z",
        ScalarType::Time => "09:00",
        ScalarType::Uri => "https://example.com/hook",
    }
}
