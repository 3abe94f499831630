//! The `pachca` command line of both models, command by command: what a
//! script calling the CLI sees (names, positionals, flags).

use super::{Impact, Kind, Out, Pairs, Subject};
use crate::cli_model::{self, Command, Flag, FlagKind};
use crate::ir::Api;

/// Compares the command lines derived from `old` and `new`; `pairs` matches
/// their operations (by id, or renamed). Two models whose command lines
/// cannot be derived (generic specs with clashing names) have none to
/// compare; when only one side's can, that is the change.
pub(super) fn commands(old: &Api, new: &Api, pairs: &Pairs, out: &mut Out) {
    let (old_cli, new_cli) = match (cli_model::derive_bundled(old), cli_model::derive_bundled(new)) {
        (Ok(o), Ok(n)) => (o.model, n.model),
        (Err(_), Err(_)) => return,
        // One side has a command line and the other none: say so, never drop it.
        (Ok(_), Err(e)) => {
            let text = format!("the command line cannot be derived from the new spec: {e}");
            out.breaking(&Subject::Api, Kind::DetailsChanged { parts: vec!["cli".to_owned()] }, text, "no `pachca` commands can be generated".to_owned());
            return;
        }
        (Err(e), Ok(_)) => {
            let text = format!("the command line can now be derived (the old spec's failed: {e})");
            out.push(&Subject::Api, Kind::DetailsChanged { parts: vec!["cli".to_owned()] }, Impact::Compatible, text);
            return;
        }
    };
    for n in &new_cli.commands {
        let old_id = pairs.iter().find(|(_, new_id)| *new_id == n.operation_id).map(|(o, _)| o.as_str());
        match old_id.and_then(|id| old_cli.by_operation(id)) {
            Some(o) => command(o, n, out),
            None => {
                let subject = Subject::Command(n.name());
                let text = format!("new command `{} {}`", cli_model::BINARY, n.name());
                out.push(&subject, Kind::CommandAdded, Impact::Compatible, text);
            }
        }
    }
    for o in &old_cli.commands {
        let kept = pairs.iter().any(|(old_id, new_id)| *old_id == o.operation_id && new_cli.by_operation(new_id).is_some());
        if !kept {
            let subject = Subject::Command(o.name());
            out.breaking(
                &subject,
                Kind::CommandRemoved,
                format!("`{} {}` is removed", cli_model::BINARY, o.name()),
                "scripts calling it fail".to_owned(),
            );
        }
    }
}

fn command(o: &Command, n: &Command, out: &mut Out) {
    let subject = Subject::Command(n.name());
    let cmd = format!("`{} {}`", cli_model::BINARY, n.name());
    if o.name() != n.name() {
        let kind = Kind::CommandRenamed { from: o.name(), to: n.name() };
        let text = format!("`{} {}` is now {cmd}", cli_model::BINARY, o.name());
        if n.hidden_aliases.contains(&o.name()) {
            out.push(&subject, kind, Impact::Compatible, format!("{text} (the old name still works)"));
        } else {
            out.breaking(&subject, kind, text, "scripts calling the old name fail".to_owned());
        }
    }
    let names = |c: &Command| c.positionals.iter().map(|p| format!("<{}>", p.name)).collect::<Vec<_>>().join(" ");
    if names(o) != names(n) {
        let kind = Kind::PositionalsChanged { from: names(o), to: names(n) };
        let text = format!("{cmd} takes `{}` (was `{}`)", names(n), names(o));
        out.breaking(&subject, kind, text, "scripts passing the old arguments fail".to_owned());
    }
    for f in &n.flags {
        match o.flag(&f.name) {
            None => {
                let kind = Kind::FlagAdded { flag: f.name.clone(), required: f.required };
                if f.required {
                    out.breaking(&subject, kind, format!("{cmd} requires `--{}`", f.name), "scripts without the flag fail".to_owned());
                } else {
                    out.push(&subject, kind, Impact::Compatible, format!("{cmd} gains `--{}`", f.name));
                }
            }
            Some(old) => flag(old, f, &cmd, &subject, out),
        }
    }
    for f in o.flags.iter().filter(|f| n.flag(&f.name).is_none()) {
        let kind = Kind::FlagRemoved { flag: f.name.clone() };
        out.breaking(&subject, kind, format!("{cmd} loses `--{}`", f.name), "scripts passing the flag fail".to_owned());
    }
}

fn flag(o: &Flag, n: &Flag, cmd: &str, subject: &Subject, out: &mut Out) {
    if o.required != n.required {
        let kind = Kind::FlagRequired { flag: n.name.clone(), required: n.required };
        if n.required {
            out.breaking(subject, kind, format!("{cmd}: `--{}` becomes required", n.name), "scripts without the flag fail".to_owned());
        } else {
            out.push(subject, kind, Impact::Compatible, format!("{cmd}: `--{}` becomes optional", n.name));
        }
    }
    // Enum flags accept any value (an unknown one with a warning), so only
    // the kind of value matters to a script.
    let loose = |k: &FlagKind| match k {
        FlagKind::Enum { .. } => FlagKind::Enum { values: Vec::new() },
        FlagKind::List { item, .. } => FlagKind::List { item: *item, values: None },
        other => other.clone(),
    };
    if loose(&o.kind) != loose(&n.kind) {
        let (from, to) = (kind_text(&o.kind), kind_text(&n.kind));
        let kind = Kind::FlagChanged { flag: n.name.clone(), from: from.clone(), to: to.clone() };
        let text = format!("{cmd}: `--{}` takes {to} (was {from})", n.name);
        out.breaking(subject, kind, text, "scripts passing the old kind of value fail".to_owned());
    } else if o.kind != n.kind {
        let (from, to) = (kind_text(&o.kind), kind_text(&n.kind));
        let (old_values, new_values) = (values(&o.kind), values(&n.kind));
        let added: Vec<&str> = new_values.iter().filter(|v| !old_values.contains(v)).copied().collect();
        let removed: Vec<&str> = old_values.iter().filter(|v| !new_values.contains(v)).copied().collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("lists {}", added.join(", ")));
        }
        if !removed.is_empty() {
            parts.push(format!("no longer lists {} (still accepted, with a warning)", removed.join(", ")));
        }
        let kind = Kind::FlagChanged { flag: n.name.clone(), from, to };
        out.push(subject, kind, Impact::Compatible, format!("{cmd}: `--{}` {}", n.name, parts.join("; ")));
    }
}

/// The values an enum flag lists.
fn values(kind: &FlagKind) -> Vec<&str> {
    match kind {
        FlagKind::Enum { values } | FlagKind::List { values: Some(values), .. } => values.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

fn kind_text(kind: &FlagKind) -> String {
    match kind {
        FlagKind::Scalar { ty } => format!("a {}", ty.name()),
        FlagKind::Enum { values } => format!("one of {}", values.join(", ")),
        FlagKind::Bool => "a switch".to_owned(),
        FlagKind::Json => "JSON".to_owned(),
        FlagKind::List { item, values: None } => format!("a comma-separated list of {}", item.name()),
        FlagKind::List { values: Some(values), .. } => format!("a comma-separated list of {}", values.join(", ")),
        FlagKind::File => "a file".to_owned(),
    }
}
