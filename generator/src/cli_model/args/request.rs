//! Where the values of an [`Invocation`] go in the HTTP request: path,
//! query, JSON body (placeholders kept readable) and multipart fields.

use super::{Invocation, Value};
use crate::cli_model::{FlagKind, FlagSource, ParamSource, ScalarType};
use crate::ir::Api;

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

    /// Query parameters as `(wire name, value)`, encoded as the SDK sends
    /// them: a list is one `name[]=v` per item when the profile says
    /// brackets (Pachca, a Rails app), one `name=v` per item when the spec
    /// says `explode`, and one comma-joined value otherwise.
    pub fn query(&self, api: &Api) -> Vec<(String, String)> {
        let param = |name: &str| {
            api.services
                .iter()
                .flat_map(|s| s.operations.iter())
                .find(|o| o.id == self.command.operation_id)
                .and_then(|o| o.params.iter().find(|p| p.name == name))
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
                Value::Text(t) if matches!(flag.kind, FlagKind::List { .. }) => {
                    let items = t.split(',').map(|v| v.trim().to_owned());
                    match param(name) {
                        Some(p) if p.brackets => out.extend(items.map(|v| (format!("{name}[]"), v))),
                        Some(p) if p.explode => out.extend(items.map(|v| (name.clone(), v))),
                        _ => out.push((name.clone(), t.clone())),
                    }
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
