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

use std::fmt;

use super::fixed::{self, GlobalFlag};
use super::{CliModel, Command, Flag, FlagKind, FlagSource, ParamSource, Positional, ScalarType, BINARY};
use crate::ir::Api;

/// Arguments that do not fit a command; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

fn err<T>(message: impl Into<String>) -> Result<T, ArgError> {
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

/// Splits a command line like a POSIX shell (without expansions).
pub fn tokenize(line: &str) -> Result<Vec<String>, ArgError> {
    let mut tokens = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(t) = current.take() {
                    tokens.push(t);
                }
            }
            '\'' => {
                let t = current.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => t.push(c),
                        None => return err(format!("unterminated single quote in `{line}`")),
                    }
                }
            }
            '"' => {
                let t = current.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => t.push(c),
                            Some(c) => {
                                t.push('\\');
                                t.push(c);
                            }
                            None => return err(format!("unterminated double quote in `{line}`")),
                        },
                        Some(c) => t.push(c),
                        None => return err(format!("unterminated double quote in `{line}`")),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    current.get_or_insert_with(String::new).push(c);
                }
            }
            c => current.get_or_insert_with(String::new).push(c),
        }
    }
    tokens.extend(current);
    Ok(tokens)
}

/// Whether `text` is one placeholder, such as `<chat_id>` or `<YYYY-MM-DD>`.
pub fn is_placeholder(text: &str) -> bool {
    text.len() > 2
        && text.starts_with('<')
        && text.ends_with('>')
        && !text[1..text.len() - 1].contains(['<', '>'])
}

/// `text` with every `<placeholder>` replaced by `with`.
pub fn replace_placeholders(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let candidate = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        if is_placeholder(candidate) && !candidate.contains(char::is_whitespace) {
            out.push_str(with);
        } else {
            out.push_str(candidate);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
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
    let value = if global.takes_value {
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
        err(format!("`{what}` of `{command}` takes a {ty}; got `{value}`"))
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

/// How a `pachca ...` line resolves.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'m> {
    /// `pachca --help`, `pachca chats --help`.
    Help,
    /// A hand-written command such as `auth status`.
    HandWritten(&'static fixed::HandWritten),
    /// A generated command with its arguments.
    Generated(Invocation<'m>),
}

/// Resolves a whole command line starting with `pachca`: the command must
/// exist (a generated one, a hidden alias or a hand-written one), the
/// positional count must match, every flag must exist, and required flags
/// must be present (unless `--help` is given).
pub fn resolve_line<'m>(model: &'m CliModel, line: &str) -> Result<Resolved<'m>, ArgError> {
    resolve_argv(model, &tokenize(line)?)
}

/// [`resolve_line`] for an already split command line (`argv`, starting with `pachca`).
pub fn resolve_argv<'m>(model: &'m CliModel, argv: &[String]) -> Result<Resolved<'m>, ArgError> {
    let line = argv.join(" ");
    let Some((first, rest)) = argv.split_first() else { return err("empty command line") };
    if first != BINARY {
        return err(format!("`{line}` does not start with `{BINARY}`"));
    }
    let is_help = |t: &String| t == "--help" || t == "-h";
    let words: Vec<&String> = rest.iter().take_while(|t| !t.starts_with('-')).take(2).collect();
    match words.as_slice() {
        [] if rest.iter().all(|t| is_help(t) || t == "--version") && !rest.is_empty() => return Ok(Resolved::Help),
        [group] if model.has_group(group) && rest.len() == 2 && is_help(&rest[1]) => return Ok(Resolved::Help),
        [group, action] => {
            let args = &rest[2..];
            if let Some(h) = fixed::hand_written(group, action) {
                check_hand_written(h, args)?;
                return Ok(Resolved::HandWritten(h));
            }
            if let Some(command) = model.find(group, action) {
                return parse_tokens(command, args).map(Resolved::Generated);
            }
        }
        _ => {}
    }
    err(format!("`{line}` is not a known `{BINARY}` command"))
}

/// [`resolve_line`], keeping only the verdict.
pub fn check_line(model: &CliModel, line: &str) -> Result<(), ArgError> {
    resolve_line(model, line).map(|_| ())
}

fn check_hand_written(h: &fixed::HandWritten, args: &[String]) -> Result<(), ArgError> {
    let name = format!("{BINARY} {} {}", h.group, h.action);
    let mut positionals = 0;
    let mut it = args.iter();
    while let Some(t) = it.next() {
        if let Some(body) = t.strip_prefix("--") {
            let (flag, inline) = match body.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (body, None),
            };
            let takes_value = match (h.flags.iter().find(|(f, _)| *f == flag), fixed::global_flag(flag)) {
                (Some((_, v)), _) => *v,
                (None, Some(g)) => g.takes_value,
                (None, None) => return err(format!("`--{flag}` is not a flag of `{name}`")),
            };
            if takes_value && inline.is_none() && it.next().is_none() {
                return err(format!("`--{flag}` of `{name}` needs a value"));
            }
        } else if t.len() > 1 && t.starts_with('-') {
            let short = t.chars().nth(1).unwrap_or('-');
            let g = fixed::global_short(short).ok_or_else(|| ArgError(format!("`{t}` is not a flag of `{name}`")))?;
            if g.takes_value && t.len() == 2 && it.next().is_none() {
                return err(format!("`{t}` of `{name}` needs a value"));
            }
        } else {
            positionals += 1;
        }
    }
    let required = h.positionals.iter().filter(|(_, r)| *r).count();
    if positionals < required || positionals > h.positionals.len() {
        return err(format!("`{name}` takes {} positional argument(s); got {positionals}", h.positionals.len()));
    }
    Ok(())
}

/// The argv of a `pachca ...` line with every placeholder replaced by a
/// sample value of the right type, ready for a real argument parser (clap).
pub fn sample_argv(model: &CliModel, line: &str) -> Result<Vec<String>, ArgError> {
    let resolved = resolve_line(model, line)?;
    let tokens = tokenize(line)?;
    let Resolved::Generated(call) = resolved else {
        return Ok(tokens.iter().map(|t| replace_placeholders(t, "text")).collect());
    };
    let mut out = Vec::with_capacity(tokens.len());
    let mut positional = 0;
    let mut pending: Option<&Flag> = None;
    for (i, token) in tokens.iter().enumerate() {
        if i < 3 {
            out.push(token.clone());
            continue;
        }
        if let Some(flag) = pending.take() {
            out.push(sample_for(flag, token));
            continue;
        }
        if let Some(body) = token.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            match (call.command.flag(name), inline) {
                (Some(flag), Some(v)) => out.push(format!("--{name}={}", sample_for(flag, v))),
                (Some(flag), None) if flag.kind != FlagKind::Bool => {
                    pending = Some(flag);
                    out.push(token.clone());
                }
                _ => out.push(token.clone()),
            }
        } else if token.starts_with('-') && token.len() > 1 {
            out.push(token.clone());
        } else {
            let ty = call.command.positionals.get(positional).map_or(ScalarType::String, |p| p.ty);
            positional += 1;
            out.push(if is_placeholder(token) { sample_scalar(ty).to_owned() } else { token.clone() });
        }
    }
    Ok(out)
}

fn sample_for(flag: &Flag, value: &str) -> String {
    if is_placeholder(value) {
        sample_value(&flag.kind).unwrap_or_default()
    } else if flag.kind == FlagKind::Json {
        replace_placeholders(value, "1")
    } else {
        replace_placeholders(value, "x")
    }
}

impl Invocation<'_> {
    /// The request path with positional values in place of path parameters.
    pub fn path(&self) -> String {
        let mut path = self.command.path.clone();
        for (p, v) in &self.positionals {
            if let ParamSource::Path(name) = &p.source {
                path = path.replace(&format!("{{{name}}}"), v);
            }
        }
        path
    }

    /// Query parameters as `(wire name, value)`; lists are split when the
    /// spec says `explode`.
    pub fn query(&self, api: &Api) -> Vec<(String, String)> {
        let explode = |name: &str| {
            api.services
                .iter()
                .flat_map(|s| s.operations.iter())
                .find(|o| o.id == self.command.operation_id)
                .and_then(|o| o.params.iter().find(|p| p.name == name))
                .is_some_and(|p| p.explode)
        };
        let mut out = Vec::new();
        for (p, v) in &self.positionals {
            if let ParamSource::Query(name) = &p.source {
                out.push((name.clone(), v.clone()));
            }
        }
        for (flag, value) in &self.flags {
            let FlagSource::Query { name } = &flag.source else { continue };
            match value {
                Value::Switch(b) => out.push((name.clone(), b.to_string())),
                Value::Text(t) if matches!(flag.kind, FlagKind::List { .. }) && explode(name) => {
                    out.extend(t.split(',').map(|v| (name.clone(), v.trim().to_owned())));
                }
                Value::Text(t) => out.push((name.clone(), t.clone())),
            }
        }
        out
    }

    /// The JSON body built from body flags, or `None` if no body flag was
    /// given. Placeholders of numbers and JSON flags stay bare (`<chat_id>`),
    /// those of strings are quoted.
    pub fn body_json(&self) -> Option<String> {
        let mut root = JsonNode::Object(Vec::new());
        let mut any = false;
        for (flag, value) in &self.flags {
            let FlagSource::Body { path } = &flag.source else { continue };
            any = true;
            root.insert(path, json_literal(&flag.kind, value));
        }
        any.then(|| root.render())
    }

    /// Multipart fields as `(wire name, value, is_file)`.
    pub fn multipart(&self) -> Vec<(String, String, bool)> {
        self.flags
            .iter()
            .filter_map(|(flag, value)| match (&flag.source, value) {
                (FlagSource::Multipart { name }, Value::Text(t)) => Some((name.clone(), t.clone(), flag.kind == FlagKind::File)),
                _ => None,
            })
            .collect()
    }

    /// The value of the flag with the given source.
    pub fn special(&self, source: &FlagSource) -> Option<&Value> {
        self.flags.iter().find(|(f, _)| &f.source == source).map(|(_, v)| v)
    }
}

/// A JSON value under construction: objects keep insertion order.
enum JsonNode {
    Object(Vec<(String, JsonNode)>),
    Literal(String),
}

impl JsonNode {
    fn insert(&mut self, path: &[String], literal: String) {
        let JsonNode::Object(entries) = self else { return };
        let Some((first, rest)) = path.split_first() else { return };
        if rest.is_empty() {
            entries.push((first.clone(), JsonNode::Literal(literal)));
            return;
        }
        if !entries.iter().any(|(k, _)| k == first) {
            entries.push((first.clone(), JsonNode::Object(Vec::new())));
        }
        if let Some((_, child)) = entries.iter_mut().find(|(k, _)| k == first) {
            child.insert(rest, literal);
        }
    }

    fn render(&self) -> String {
        match self {
            JsonNode::Literal(s) => s.clone(),
            JsonNode::Object(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}:{}", serde_json::Value::String(k.clone()), v.render()))
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
        }
    }
}

fn json_literal(kind: &FlagKind, value: &Value) -> String {
    let text = match value {
        Value::Switch(b) => return b.to_string(),
        Value::Text(t) => t,
    };
    let quoted = || serde_json::Value::String(text.clone()).to_string();
    match kind {
        FlagKind::Scalar { ty: ScalarType::Integer | ScalarType::Number } | FlagKind::Json => text.clone(),
        FlagKind::Bool => text.clone(),
        _ => quoted(),
    }
}
