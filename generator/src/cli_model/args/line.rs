//! Whole `pachca ...` lines: which command they name and whether their
//! arguments fit it; and the same lines with placeholders replaced by typed
//! sample values, for checking against a real argument parser.

use super::{err, parse_tokens, sample_scalar, sample_value, tokenize, ArgError, Invocation};
use super::shell::{is_placeholder, replace_placeholders};
use crate::cli_model::{fixed, CliModel, Flag, FlagKind, ScalarType, BINARY};

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
    if let Some(h) = words.first().and_then(|w| fixed::hand_written(w, "")) {
        check_hand_written(h, &rest[1..])?;
        return Ok(Resolved::HandWritten(h));
    }
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
    let name = format!("{BINARY} {} {}", h.group, h.action).trim_end().to_owned();
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
                (None, Some(g)) => g.takes_value(),
                (None, None) => return err(format!("`--{flag}` is not a flag of `{name}`")),
            };
            if takes_value && inline.is_none() && it.next().is_none() {
                return err(format!("`--{flag}` of `{name}` needs a value"));
            }
        } else if t.len() > 1 && t.starts_with('-') {
            let short = t.chars().nth(1).unwrap_or('-');
            let g = fixed::global_short(short).ok_or_else(|| ArgError(format!("`{t}` is not a flag of `{name}`")))?;
            if g.takes_value() && t.len() == 2 && it.next().is_none() {
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
