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

/// The most parts a body key may have (`a[b][c][d][e]`), as upstream.
const MAX_KEY_DEPTH: usize = 5;

/// The largest array index a key may name (`a[1000]`); the gap before it
/// is filled with `null`, as JSON encodes a sparse JavaScript array.
const MAX_INDEX: usize = 1000;

/// One part of a body key.
#[derive(Debug, PartialEq)]
enum Part {
    /// `name`, `[name]`.
    Key(String),
    /// `[3]`.
    Index(usize),
    /// `[]`: a new element at the end.
    Append,
}

/// Splits `a[b][0][]` into its parts: the name (`a.b` is accepted for
/// `a[b]`, as this CLI always did), then each bracket.
fn parse_key(key: &str) -> Result<Vec<Part>, CliError> {
    let bad = |why: &str| CliError::usage_hint(format!("body key `{key}`: {why}"), "keys look like name, a[b][c], a[] (append) or a[0]");
    let (root, mut rest) = key.split_at(key.find('[').unwrap_or(key.len()));
    let mut parts: Vec<Part> = root.split('.').map(|p| Part::Key(p.to_owned())).collect();
    if parts.iter().any(|p| *p == Part::Key(String::new())) {
        return Err(bad("empty name"));
    }
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(|| bad("text after `]`"))?;
        let close = inner.find(']').ok_or_else(|| bad("`[` without `]`"))?;
        let text = &inner[..close];
        parts.push(match text {
            "" => Part::Append,
            t if t.bytes().all(|b| b.is_ascii_digit()) => {
                let index = t.parse().ok().filter(|i| *i <= MAX_INDEX).ok_or_else(|| bad(&format!("index beyond {MAX_INDEX}")))?;
                Part::Index(index)
            }
            t if t.contains('[') => return Err(bad("`[` inside brackets")),
            t => Part::Key(t.to_owned()),
        });
        rest = &inner[close + 1..];
    }
    if parts.len() > MAX_KEY_DEPTH {
        return Err(bad(&format!("nested deeper than {MAX_KEY_DEPTH} levels")));
    }
    Ok(parts)
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

/// The slot `part` names inside `node`, created (as `null`) when missing.
fn slot<'v>(node: &'v mut Value, part: &Part, key: &str) -> Result<&'v mut Value, CliError> {
    let clash = |node: &Value| CliError::usage(format!("body key `{key}`: {} is {}, not {}", part_text(part), kind_name(node), if matches!(part, Part::Key(_)) { "an object" } else { "a list" }));
    match (node, part) {
        (Value::Object(map), Part::Key(k)) => Ok(map.entry(k.clone()).or_insert(Value::Null)),
        (Value::Array(items), Part::Index(i)) => {
            if items.len() <= *i {
                items.resize(i + 1, Value::Null);
            }
            Ok(&mut items[*i])
        }
        (Value::Array(items), Part::Append) => {
            items.push(Value::Null);
            let last = items.len() - 1;
            Ok(&mut items[last])
        }
        (node, _) => Err(clash(node)),
    }
}

fn part_text(part: &Part) -> String {
    match part {
        Part::Key(k) => format!("the parent of `{k}`"),
        Part::Index(i) => format!("the parent of `[{i}]`"),
        Part::Append => "the parent of `[]`".to_owned(),
    }
}

/// Sets `value` at the bracket key `key` inside `body`: `a[b][c]` nests
/// objects, `a[]` appends to a list, `a[0]` sets an element (as upstream's
/// `setBracketNotation`). A part that meets a value of another kind (`a=1`
/// then `a[b]=2`) is a usage error rather than silently dropped.
fn set_field(body: &mut Value, key: &str, value: Value) -> Result<(), CliError> {
    let parts = parse_key(key)?;
    let mut node = body;
    for (i, part) in parts.iter().enumerate() {
        let child = slot(node, part, key)?;
        match parts.get(i + 1) {
            None => {
                *child = value;
                return Ok(());
            }
            // A missing (or `null`-padded) container is created by the kind
            // of the next part.
            Some(next) if child.is_null() => {
                *child = if matches!(next, Part::Key(_)) { Value::Object(Map::new()) } else { Value::Array(Vec::new()) };
            }
            Some(_) => {}
        }
        node = child;
    }
    Ok(())
}

/// Reads stdin to the end, once per command line.
fn read_stdin(what: &str, used: &mut bool) -> Result<String, CliError> {
    if std::mem::replace(used, true) {
        return Err(CliError::usage(format!("{what}: stdin can be read only once")));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A `-F` value, as upstream's `parseTypedValue`: `true`, `false`, `null`,
/// an integer (`-?[0-9]+`), a decimal (`-?[0-9]+.[0-9]+`), `@file` (the
/// file's text), `@-` (stdin); anything else is the string itself.
fn typed_value(text: &str, stdin_used: &mut bool) -> Result<Value, CliError> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let number = |t: &str| t.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number);
    Ok(match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        "@-" => Value::String(read_stdin("-F @-", stdin_used)?),
        t if t.starts_with('@') => {
            let path = &t[1..];
            let bytes = std::fs::read(path).map_err(|e| CliError::usage(format!("-F {t}: cannot read {path}: {e}")))?;
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }
        // Integers beyond 64 bits become floats, as JavaScript's do.
        t if digits(unsigned) => t.parse::<i64>().map(Value::from).ok().or_else(|| number(t)).unwrap_or_else(|| Value::from(t)),
        t if unsigned.split_once('.').is_some_and(|(a, b)| digits(a) && digits(b)) => number(t).unwrap_or_else(|| Value::from(t)),
        t => Value::from(t),
    })
}

/// The request body of `pachca api`, from exactly one of: fields (`-f`
/// strings and `-F` typed values, in command-line order), `--input FILE|-`
/// or `--data JSON`. `None` when none is given.
fn api_body(m: &ArgMatches) -> Result<Option<Value>, CliError> {
    let mut fields: Vec<(usize, bool, &String)> = Vec::new();
    for (id, typed) in [("field", false), ("typed", true)] {
        if let (Some(values), Some(indices)) = (m.get_many::<String>(id), m.indices_of(id)) {
            fields.extend(indices.zip(values).map(|(i, v)| (i, typed, v)));
        }
    }
    fields.sort_by_key(|(i, _, _)| *i);
    let input = m.get_one::<String>("input");
    let data = m.get_one::<String>("data");
    let given: Vec<&str> = [(!fields.is_empty(), "-f/-F"), (input.is_some(), "--input"), (data.is_some(), "--data")]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
    if given.len() > 1 {
        return Err(CliError::usage_hint(
            format!("{} are mutually exclusive: the body comes from one of -f/-F, --input or --data", given.join(" and ")),
            "pachca api POST /messages -F message[entity_id]=198 -f message[content]=hi",
        ));
    }
    let mut stdin_used = false;
    if let Some(source) = input {
        let (name, text) = if source == "-" {
            ("stdin".to_owned(), read_stdin("--input -", &mut stdin_used)?)
        } else {
            let text = std::fs::read(source).map_err(|e| CliError::usage(format!("--input: cannot read {source}: {e}")))?;
            (source.clone(), String::from_utf8_lossy(&text).into_owned())
        };
        let body = serde_json::from_str(&text).map_err(|e| CliError::usage(format!("invalid JSON in --input {name}: {e}")))?;
        return Ok(Some(body));
    }
    if let Some(text) = data {
        return Ok(Some(serde_json::from_str(text).map_err(|e| CliError::usage(format!("invalid JSON in --data: {e}")))?));
    }
    if fields.is_empty() {
        return Ok(None);
    }
    let mut body = Value::Object(Map::new());
    for (_, typed, kv) in fields {
        let flag = if typed { "-F" } else { "-f" };
        let (k, v) = kv.split_once('=').ok_or_else(|| CliError::usage(format!("{flag} `{kv}`: expected KEY=VALUE")))?;
        let value = if typed { typed_value(v, &mut stdin_used)? } else { Value::from(v) };
        set_field(&mut body, k, value)?;
    }
    Ok(Some(body))
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
    let body = api_body(m)?;
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
    let resp = client.send_raw(method.clone(), &path, &query, body.as_ref()).await?;
    let location = resp.headers.get(pachca::reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
    if let (true, Some(location)) = ((300..400).contains(&resp.status), location) {
        if m.get_flag("follow") {
            return follow(location, globals).await;
        }
        println!("{}", serde_json::to_string_pretty(&json!({ "status": resp.status, "location": location })).unwrap_or_default());
        return Ok(());
    }
    let value: Value = if resp.body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&resp.body).map_err(|e| CliError::internal(format!("{method} {path} answered a body that is not JSON: {e}")))?
    };
    // The raw body, envelope and all: tables would hide `meta`.
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    Ok(())
}

/// `api --follow`: the redirect target fetched without the token (it is a
/// storage URL) and its body streamed to stdout as it arrives.
async fn follow(location: &str, globals: &Globals) -> Result<(), CliError> {
    use std::io::Write;
    let mut fetch = crate::save::Fetch::start(location, globals.request_timeout(), globals.verbose).await?;
    let mut out = std::io::stdout().lock();
    while let Some(chunk) = fetch.chunk().await? {
        out.write_all(&chunk)?;
    }
    out.flush()?;
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
        let mut body = Value::Object(Map::new());
        set_field(&mut body, "chat[name]", Value::from("Ops")).unwrap();
        set_field(&mut body, "chat.channel", Value::from(true)).unwrap();
        set_field(&mut body, "chat[member_ids][]", Value::from(1)).unwrap();
        set_field(&mut body, "chat[member_ids][]", Value::from(2)).unwrap();
        set_field(&mut body, "buttons[0][0][text]", Value::from("Yes")).unwrap();
        set_field(&mut body, "buttons[0][1][text]", Value::from("No")).unwrap();
        set_field(&mut body, "tags[2]", Value::from("c")).unwrap();
        set_field(&mut body, "files[][key]", Value::from("k1")).unwrap();
        set_field(&mut body, "files[][key]", Value::from("k2")).unwrap();
        assert_eq!(
            body,
            json!({
                "chat": {"name": "Ops", "channel": true, "member_ids": [1, 2]},
                "buttons": [[{"text": "Yes"}, {"text": "No"}]],
                "tags": [null, null, "c"],
                "files": [{"key": "k1"}, {"key": "k2"}]
            })
        );
    }

    #[test]
    fn keys_are_at_most_five_parts_and_well_formed() {
        assert_eq!(parse_key("a[b][c][d][e]").map(|p| p.len()).ok(), Some(5));
        assert_eq!(parse_key("a[]").ok(), Some(vec![Part::Key("a".into()), Part::Append]));
        assert_eq!(parse_key("a[07]").ok(), Some(vec![Part::Key("a".into()), Part::Index(7)]));
        for bad in ["a[b][c][d][e][f]", "a.b.c.d.e.f", "", "[a]", "a[b", "a[b]c", "a..b", "a[1001]", "a[[b]]"] {
            let err = parse_key(bad).expect_err(bad);
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn clashing_keys_are_usage_errors() {
        let mut body = Value::Object(Map::new());
        set_field(&mut body, "a", Value::from("1")).unwrap();
        assert_eq!(set_field(&mut body, "a[b]", Value::from(2)).map_err(|e| e.exit_code()), Err(2));
        set_field(&mut body, "list[]", Value::from(1)).unwrap();
        assert_eq!(set_field(&mut body, "list[x]", Value::from(2)).map_err(|e| e.exit_code()), Err(2));
        set_field(&mut body, "obj[x]", Value::from(1)).unwrap();
        assert_eq!(set_field(&mut body, "obj[]", Value::from(2)).map_err(|e| e.exit_code()), Err(2));
        assert_eq!(body, json!({"a": "1", "list": [1], "obj": {"x": 1}}));
    }

    #[test]
    fn typed_values_as_upstream() {
        let mut used = false;
        let t = |text: &str| typed_value(text, &mut false).expect(text);
        assert_eq!(t("true"), json!(true));
        assert_eq!(t("false"), json!(false));
        assert_eq!(t("null"), Value::Null);
        assert_eq!(t("198"), json!(198));
        assert_eq!(t("-5"), json!(-5));
        assert_eq!(t("007"), json!(7));
        assert_eq!(t("1.5"), json!(1.5));
        assert_eq!(t("-0.25"), json!(-0.25));
        assert_eq!(t("99999999999999999999"), json!(1e20));
        for text in ["1e3", "1.", ".5", "+1", "0x10", "[1,2]", "{\"a\":1}", "\"q\"", "True", "", "-"] {
            assert_eq!(t(text), Value::from(text), "{text}");
        }
        let file = std::env::temp_dir().join(format!("pachca-typed-{}.txt", std::process::id()));
        std::fs::write(&file, "line 1\nline 2\n").unwrap();
        assert_eq!(typed_value(&format!("@{}", file.display()), &mut used).unwrap(), json!("line 1\nline 2\n"));
        let _ = std::fs::remove_file(&file);
        assert_eq!(typed_value("@/no/such/file", &mut used).map_err(|e| e.exit_code()), Err(2));
    }
}
