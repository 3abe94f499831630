//! A command's input: the parsed arguments turned into the query parameters,
//! JSON body, multipart fields and file of its request, with the checks that
//! clap cannot do (required flags given by a positional shortcut or stdin,
//! JSON flags, lengths).

use std::io::{IsTerminal, Read};

use clap::ArgMatches;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::CliError;
use crate::spec::{CommandSpec, FlagSpec, Kind, Target, Ty};

/// Body fields filled from stdin when absent and stdin is piped, in order of
/// preference: the first the command has, as upstream.
const STDIN_FIELDS: &[&str] = &["content", "description", "text", "status_text"];

/// What the command line says about one request.
pub struct Input<'a> {
    pub spec: &'static CommandSpec,
    matches: &'a ArgMatches,
    /// Query parameters by wire name, typed as JSON.
    pub query: Map<String, Value>,
    /// The JSON body (an object), or `Null` when no body flag was given.
    pub body: Value,
    /// Multipart text fields by wire name.
    pub multipart: Map<String, Value>,
    /// Whether `--all` progress goes to stderr.
    pub show_progress: bool,
    /// Records the raw body of the response, printed instead of the typed
    /// value re-encoded (the server's own text: timestamps as sent).
    pub capture: pachca::ResponseCapture,
}

fn flag_display(f: &FlagSpec) -> String {
    let kind = match &f.kind {
        Kind::Scalar(ty) => ty.name().to_owned(),
        Kind::Enum(values) => values.join("|"),
        Kind::Bool => return format!("--{}", f.name),
        Kind::Json => "json".to_owned(),
        Kind::List(ty, _) => format!("{},...", ty.name()),
        Kind::File => "path|-".to_owned(),
    };
    format!("--{} <{kind}>", f.name)
}

fn typed(ty: Ty, text: &str, flag: &str) -> Result<Value, CliError> {
    Ok(match ty {
        Ty::Integer => Value::from(text.trim().parse::<i64>().map_err(|_| CliError::usage(format!("--{flag}: `{text}` is not an integer")))?),
        Ty::Number => Value::from(text.trim().parse::<f64>().map_err(|_| CliError::usage(format!("--{flag}: `{text}` is not a number")))?),
        _ => Value::from(text),
    })
}

/// Sets `value` at `path` inside `root`, creating objects on the way.
fn insert_path(root: &mut Value, path: &[&str], value: Value) {
    if !root.is_object() {
        *root = Value::Object(Map::new());
    }
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        let Value::Object(map) = node else { return };
        if i + 1 == path.len() {
            map.insert((*key).to_owned(), value);
            return;
        }
        node = map.entry((*key).to_owned()).or_insert_with(|| Value::Object(Map::new()));
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
    }
}

impl<'a> Input<'a> {
    /// The request options of the call: a capture of the raw response.
    pub fn options(&self) -> pachca::RequestOptions {
        pachca::RequestOptions::new().capture(&self.capture)
    }

    /// The `data` of the captured response body as the server sent it (the
    /// whole body when it has no `data` envelope), if one was captured and
    /// is JSON.
    pub fn raw_data(&self) -> Option<Value> {
        let meta = self.capture.last()?;
        let mut body: Value = serde_json::from_slice(&meta.body).ok()?;
        Some(match body.get_mut("data") {
            Some(data) => data.take(),
            None => body,
        })
    }

    /// Collects and checks the input of `spec` from `matches`.
    pub fn new(spec: &'static CommandSpec, matches: &'a ArgMatches, interactive_stderr: bool) -> Result<Self, CliError> {
        let mut input = Input {
            spec,
            matches,
            query: Map::new(),
            body: Value::Null,
            multipart: Map::new(),
            show_progress: interactive_stderr,
            capture: pachca::ResponseCapture::new(),
        };
        for p in spec.positionals {
            let Some(wire) = p.query else { continue };
            if let Some(v) = matches.try_get_one::<i64>(p.name).ok().flatten() {
                input.query.insert(wire.to_owned(), Value::from(*v));
            } else if let Some(v) = matches.try_get_one::<String>(p.name).ok().flatten() {
                input.query.insert(wire.to_owned(), Value::from(v.as_str()));
            }
        }
        for f in spec.flags {
            let Some(value) = input.flag_value(f)? else { continue };
            if let Some(max) = f.max_length {
                if value.as_str().is_some_and(|s| s.chars().count() > max) {
                    return Err(CliError::usage(format!("--{} is longer than {max} characters", f.name)));
                }
            }
            match &f.target {
                Target::Query(wire) => {
                    input.query.insert((*wire).to_owned(), value);
                }
                Target::Body(path) => insert_path(&mut input.body, path, value),
                Target::Multipart(wire) => {
                    input.multipart.insert((*wire).to_owned(), value);
                }
                Target::Url | Target::All | Target::Force | Target::Save => {}
            }
        }
        input.fill_from_stdin()?;
        input.check_required()?;
        Ok(input)
    }

    /// The typed JSON value of a flag, if given.
    fn flag_value(&self, f: &FlagSpec) -> Result<Option<Value>, CliError> {
        let m = self.matches;
        Ok(match &f.kind {
            Kind::Bool => {
                if m.get_flag(f.name) {
                    Some(Value::Bool(true))
                } else if m.try_get_one::<bool>(&format!("no-{}", f.name)).ok().flatten().copied().unwrap_or(false) {
                    Some(Value::Bool(false))
                } else {
                    None
                }
            }
            Kind::Scalar(Ty::Integer) => m.get_one::<i64>(f.name).map(|v| Value::from(*v)),
            Kind::Scalar(Ty::Number) => m.get_one::<f64>(f.name).map(|v| Value::from(*v)),
            Kind::Enum(values) => m.get_one::<String>(f.name).map(|v| {
                if !values.contains(&v.as_str()) {
                    eprintln!("warning: --{} `{v}` is not a value this CLI knows ({}); sent as given", f.name, values.join(", "));
                }
                Value::from(v.as_str())
            }),
            Kind::Scalar(_) => m.get_one::<String>(f.name).map(|v| Value::from(v.as_str())),
            Kind::Json => match m.get_one::<String>(f.name) {
                Some(text) => Some(serde_json::from_str(text).map_err(|e| {
                    CliError::usage_hint(format!("invalid JSON in --{}: {e}", f.name), format!("example: --{}='[1,2,3]'", f.name))
                })?),
                None => None,
            },
            Kind::List(ty, allowed) => match m.get_one::<String>(f.name) {
                Some(text) => {
                    let mut items = Vec::new();
                    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        if !allowed.is_empty() && !allowed.contains(&item) {
                            return Err(CliError::usage(format!("--{}: `{item}` is not one of {}", f.name, allowed.join(", "))));
                        }
                        items.push(typed(*ty, item, f.name)?);
                    }
                    Some(Value::Array(items))
                }
                None => None,
            },
            Kind::File => None,
        })
    }

    /// A piped stdin supplies the main text field when its flag is absent.
    fn fill_from_stdin(&mut self) -> Result<(), CliError> {
        let Some(flag) = STDIN_FIELDS.iter().find_map(|name| {
            self.spec.flags.iter().find(|f| f.name == *name && matches!(f.target, Target::Body(_)))
        }) else {
            return Ok(());
        };
        if self.matches.try_get_one::<String>(flag.name).ok().flatten().is_some() {
            return Ok(());
        }
        if std::io::stdin().is_terminal() || self.spec.flags.iter().any(|f| matches!(f.kind, Kind::File)) {
            return Ok(());
        }
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            return Ok(());
        }
        if let Target::Body(path) = &flag.target {
            insert_path(&mut self.body, path, Value::from(text));
        }
        Ok(())
    }

    fn is_given(&self, f: &FlagSpec) -> bool {
        match &f.target {
            Target::Query(wire) => self.query.contains_key(*wire),
            Target::Body(path) => {
                let mut node = &self.body;
                for key in path.iter() {
                    match node.get(*key) {
                        Some(next) => node = next,
                        None => return false,
                    }
                }
                true
            }
            Target::Multipart(_) if matches!(f.kind, Kind::File) => self.matches.try_get_one::<String>(f.name).ok().flatten().is_some(),
            Target::Multipart(wire) => self.multipart.contains_key(*wire),
            _ => self.matches.try_get_one::<String>(f.name).ok().flatten().is_some() || self.matches.get_flag_checked(f.name),
        }
    }

    fn check_required(&self) -> Result<(), CliError> {
        let missing: Vec<String> = self.spec.flags.iter().filter(|f| f.required && !self.is_given(f)).map(flag_display).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(CliError::usage_hint(
            format!("missing required flags: {}", missing.join(", ")),
            format!("pachca introspect {} {}", self.spec.group, self.spec.action),
        ))
    }

    /// A path parameter.
    pub fn path<T: std::str::FromStr>(&self, name: &str) -> Result<T, CliError> {
        let text = match self.matches.try_get_one::<i64>(name).ok().flatten() {
            Some(v) => v.to_string(),
            None => self
                .matches
                .try_get_one::<String>(name)
                .ok()
                .flatten()
                .cloned()
                .ok_or_else(|| CliError::usage(format!("missing argument <{}>", name.to_uppercase())))?,
        };
        text.parse().map_err(|_| CliError::usage(format!("<{}>: `{text}` is not valid here", name.to_uppercase())))
    }

    /// A required query parameter (a flag or the positional shortcut).
    pub fn query_arg<T: DeserializeOwned>(&self, wire: &str) -> Result<T, CliError> {
        let value = self.query.get(wire).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| CliError::usage(format!("query parameter `{wire}`: {e}")))
    }

    /// The optional query parameters, as the SDK's params struct.
    pub fn params<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        serde_json::from_value(Value::Object(self.query.clone())).map_err(|e| CliError::usage(format!("invalid query parameters: {e}")))
    }

    /// The whole JSON body.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        let body = if self.body.is_null() { Value::Object(Map::new()) } else { self.body.clone() };
        serde_json::from_value(body).map_err(|e| CliError::usage(format!("invalid request body: {e}")))
    }

    /// The object under `key` of the JSON body (the wrapper's contents).
    pub fn body_at<T: DeserializeOwned>(&self, key: &str) -> Result<T, CliError> {
        let inner = self.body.get(key).cloned().unwrap_or_else(|| Value::Object(Map::new()));
        serde_json::from_value(inner).map_err(|e| CliError::usage(format!("invalid request body: {e}")))
    }

    /// The multipart text fields.
    pub fn multipart<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        serde_json::from_value(Value::Object(self.multipart.clone())).map_err(|e| CliError::usage(format!("invalid form fields: {e}")))
    }

    /// The file of the command's file flag (`--file PATH|-`) and the name
    /// to send it under: a path is streamed from disk when the request is
    /// sent (any size); `-` reads standard input into memory.
    pub async fn file(&self) -> Result<(String, pachca::FileBody), CliError> {
        let flag = self.spec.flags.iter().find(|f| matches!(f.kind, Kind::File)).ok_or_else(|| CliError::internal("no file flag"))?;
        let path = self.matches.get_one::<String>(flag.name).ok_or_else(|| CliError::usage(format!("missing --{} <path|->", flag.name)))?;
        if path == "-" {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            return Ok(("stdin".to_owned(), pachca::FileBody::from(bytes)));
        }
        let body = pachca::FileBody::path(path).await.map_err(|e| CliError::usage(format!("--{}: cannot read {path}: {e}", flag.name)))?;
        let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".to_owned());
        Ok((name, body))
    }

    /// The absolute URL of an `x-external-url` operation.
    pub fn url(&self) -> Result<String, CliError> {
        let flag = self.spec.flags.iter().find(|f| matches!(f.target, Target::Url)).ok_or_else(|| CliError::internal("no URL flag"))?;
        self.matches.get_one::<String>(flag.name).cloned().ok_or_else(|| CliError::usage(format!("missing --{} <url>", flag.name)))
    }

    /// `--all`.
    pub fn all(&self) -> bool {
        self.matches.get_flag_checked("all")
    }

    /// `--force`.
    pub fn force(&self) -> bool {
        self.matches.get_flag_checked("force")
    }

    /// `--save`.
    pub fn save(&self) -> Option<&String> {
        self.matches.try_get_one::<String>("save").ok().flatten()
    }

    /// Whether `--all` prints progress.
    pub fn progress(&self) -> bool {
        self.show_progress
    }
}

/// `get_flag` that is `false` for flags the command does not have.
trait FlagChecked {
    fn get_flag_checked(&self, id: &str) -> bool;
}

impl FlagChecked for ArgMatches {
    fn get_flag_checked(&self, id: &str) -> bool {
        self.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_body_paths() {
        let mut body = Value::Null;
        insert_path(&mut body, &["message", "content"], Value::from("hi"));
        insert_path(&mut body, &["message", "entity_id"], Value::from(5));
        insert_path(&mut body, &["link_preview"], Value::from(true));
        assert_eq!(body, serde_json::json!({"message": {"content": "hi", "entity_id": 5}, "link_preview": true}));
    }
}
