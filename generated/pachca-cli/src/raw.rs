//! The self-describing commands: `pachca api` (raw requests, `ls`,
//! `--describe`), `pachca commands` and `pachca introspect`.

use clap::ArgMatches;
use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::errors::CliError;
use crate::run::Globals;
use crate::spec::{CommandSpec, Kind, Target};

fn kind_json(kind: &Kind) -> Value {
    match kind {
        Kind::Scalar(ty) => json!({ "type": ty.name() }),
        Kind::Enum(values) => json!({ "type": "enum", "values": values }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Json => json!({ "type": "json" }),
        Kind::List(ty, []) => json!({ "type": "list", "items": ty.name() }),
        Kind::List(ty, values) => json!({ "type": "list", "items": ty.name(), "values": values }),
        Kind::File => json!({ "type": "file" }),
    }
}

/// One command as JSON: name, endpoint, requirements; with `detail`, its
/// arguments and flags too.
pub fn command_json(spec: &CommandSpec, detail: bool) -> Value {
    let mut v = json!({
        "command": format!("pachca {}", spec.name()),
        "summary": spec.about,
        "method": spec.method,
        "path": spec.path,
        "scope": spec.scope,
        "plan": spec.plan,
    });
    if detail {
        v["success_status"] = json!(spec.status);
        v["args"] = spec
            .positionals
            .iter()
            .map(|p| json!({ "name": p.name, "type": p.ty.name(), "required": p.required, "description": p.help }))
            .collect();
        v["flags"] = spec
            .flags
            .iter()
            .map(|f| {
                let mut flag = json!({ "name": format!("--{}", f.name), "required": f.required, "description": f.help });
                if let (Value::Object(kind), Some(obj)) = (kind_json(&f.kind), flag.as_object_mut()) {
                    obj.extend(kind);
                }
                if let Some(max) = f.max_length {
                    flag["max_length"] = json!(max);
                }
                flag
            })
            .collect();
        v["paginated"] = json!(spec.paginated);
        v["aliases"] = json!(spec.aliases);
    }
    v
}

/// `pachca commands`.
pub fn commands(table: &'static [CommandSpec], globals: &Globals) {
    commands_of(&table.iter().collect::<Vec<_>>(), globals);
}

/// `pachca commands` for a subset of the table (`--available`).
pub fn commands_of(list: &[&CommandSpec], globals: &Globals) {
    let list: Vec<Value> = list.iter().map(|c| command_json(c, false)).collect();
    globals.print(&Value::Array(list));
}

/// `pachca introspect <group> <action>`.
pub fn introspect(table: &'static [CommandSpec], m: &ArgMatches, globals: &Globals) -> Result<(), CliError> {
    let words: Vec<&String> = m.get_many::<String>("words").map(|w| w.collect()).unwrap_or_default();
    let words: Vec<&str> = words.iter().map(|w| w.as_str()).filter(|w| *w != "pachca").collect();
    let spec = match words.as_slice() {
        [group, action] => crate::app::find(table, group, action),
        _ => None,
    }
    .ok_or_else(|| CliError::usage_hint(format!("unknown command `{}`", words.join(" ")), "pachca commands"))?;
    println!("{}", serde_json::to_string_pretty(&command_json(spec, true)).unwrap_or_default());
    let _ = globals;
    Ok(())
}

/// Whether a concrete path (`/chats/5`) matches a template (`/chats/{id}`).
fn path_matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| (a.starts_with('{') && a.ends_with('}')) || a == b)
}

fn describe(spec: &CommandSpec) -> String {
    let mut out = format!("# {} {} — {}\n\n", spec.method, spec.path, spec.about);
    out.push_str(&format!("Authentication: {}", if spec.auth { "bearer token" } else { "none (the token is not sent)" }));
    if let Some(scope) = spec.scope {
        out.push_str(&format!(" · scope `{scope}`"));
    }
    if let Some(plan) = spec.plan {
        out.push_str(&format!(" · plan `{plan}`"));
    }
    if spec.paginated {
        out.push_str(" · paginated (`limit`, `cursor`; the command has `--all`)");
    }
    out.push_str("\n\n## Parameters\n\n");
    for p in spec.positionals {
        out.push_str(&format!("- `{}` ({}, path{}): {}\n", p.name, p.ty.name(), if p.required { ", required" } else { "" }, p.help));
    }
    for f in spec.flags {
        let (place, wire) = match &f.target {
            Target::Query(w) => ("query", (*w).to_owned()),
            Target::Body(path) => ("body", path.join(".")),
            Target::Multipart(w) => ("form", (*w).to_owned()),
            _ => continue,
        };
        out.push_str(&format!("- `{wire}` ({place}, {}{}): {}\n", kind_json(&f.kind)["type"].as_str().unwrap_or("value"), if f.required { ", required" } else { "" }, f.help));
    }
    let mut example = format!("pachca {}", spec.name());
    for p in spec.positionals.iter().filter(|p| p.required) {
        example.push_str(&format!(" <{}>", p.name));
    }
    for f in spec.flags.iter().filter(|f| f.required) {
        example.push_str(&format!(" --{}=<{}>", f.name, f.name));
    }
    out.push_str(&format!("\n## Equivalent command\n\n    {example}\n"));
    out
}

/// Parses `a[b][c]=v` / `a.b=v` keys into nested objects.
fn set_field(body: &mut Map<String, Value>, key: &str, value: Value) -> Result<(), CliError> {
    let parts: Vec<String> = key
        .replace(']', "")
        .split(['[', '.'])
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let Some((last, parents)) = parts.split_last() else {
        return Err(CliError::usage(format!("empty field name in `{key}`")));
    };
    let mut node = body;
    for p in parents {
        let entry = node.entry(p.clone()).or_insert_with(|| Value::Object(Map::new()));
        node = entry.as_object_mut().ok_or_else(|| CliError::usage(format!("`{key}`: `{p}` is not an object")))?;
    }
    node.insert(last.clone(), value);
    Ok(())
}

fn typed_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::from(text))
}

/// `pachca api ...`.
pub async fn api(table: &'static [CommandSpec], m: &ArgMatches, globals: &Globals, config: &Config) -> Result<(), CliError> {
    let method = m.get_one::<String>("method").map(|s| s.to_uppercase()).unwrap_or_default();
    if method == "LS" {
        let list: Vec<Value> = table
            .iter()
            .map(|c| json!({ "method": c.method, "path": c.path, "summary": c.about, "scope": c.scope }))
            .collect();
        globals.print(&Value::Array(list));
        return Ok(());
    }
    let path = m.get_one::<String>("path").ok_or_else(|| CliError::usage("missing PATH: pachca api METHOD PATH"))?;
    let path = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
    let spec = table.iter().find(|c| c.method == method && path_matches(c.path, &path));
    if m.get_flag("describe") {
        let spec = spec.ok_or_else(|| CliError::usage_hint(format!("no endpoint {method} {path}"), "pachca api ls"))?;
        print!("{}", describe(spec));
        return Ok(());
    }
    let mut body = Map::new();
    for kv in m.get_many::<String>("field").into_iter().flatten() {
        let (k, v) = kv.split_once('=').ok_or_else(|| CliError::usage(format!("-f `{kv}`: expected KEY=VALUE")))?;
        set_field(&mut body, k, Value::from(v))?;
    }
    for kv in m.get_many::<String>("typed").into_iter().flatten() {
        let (k, v) = kv.split_once('=').ok_or_else(|| CliError::usage(format!("-F `{kv}`: expected KEY=VALUE")))?;
        set_field(&mut body, k, typed_value(v))?;
    }
    let body = match m.get_one::<String>("data") {
        Some(_) if !body.is_empty() => return Err(CliError::usage("use either --data or -f/-F, not both")),
        Some(text) => Some(serde_json::from_str(text).map_err(|e| CliError::usage(format!("invalid JSON in --data: {e}")))?),
        None if body.is_empty() => None,
        None => Some(Value::Object(body)),
    };
    let mut query = Vec::new();
    for kv in m.get_many::<String>("query").into_iter().flatten() {
        let (k, v) = kv.split_once('=').ok_or_else(|| CliError::usage(format!("--query `{kv}`: expected KEY=VALUE")))?;
        query.push((k.to_owned(), v.to_owned()));
    }
    let method: pachca::reqwest::Method = method.parse().map_err(|_| CliError::usage(format!("`{method}` is not an HTTP method")))?;
    if globals.dry_run {
        let request = json!({ "method": method.as_str(), "url": format!("{}{}", globals.base_url(), path), "query": query, "headers": { "Authorization": "Bearer ••••••••" }, "body": body });
        println!("{}", serde_json::to_string_pretty(&request).unwrap_or_default());
        return Ok(());
    }
    let client = globals.client(&globals.token(config)?)?;
    if globals.verbose {
        eprintln!("→ {method} {}{path}", globals.base_url());
    }
    let (_, value) = client.send_json(method, &path, &query, body.as_ref()).await?;
    // The raw body, envelope and all: tables would hide `meta`.
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_concrete_paths() {
        assert!(path_matches("/chats/{id}", "/chats/5"));
        assert!(path_matches("/chats/{id}/members/{user_id}", "/chats/5/members/7?x=1"));
        assert!(!path_matches("/chats/{id}", "/chats/5/members"));
    }

    #[test]
    fn bracket_keys_nest() {
        let mut body = Map::new();
        set_field(&mut body, "chat[name]", Value::from("Ops")).unwrap();
        set_field(&mut body, "chat.channel", Value::from(true)).unwrap();
        assert_eq!(Value::Object(body), json!({"chat": {"name": "Ops", "channel": true}}));
    }
}
