//! OpenAPI 3.1 documents, converted in place to the OpenAPI 3.0 shape that
//! `openapiv3` reads, before it reads them.
//!
//! Converting the generic document, rather than parsing 3.1 with a crate
//! of its own, keeps one typed model (`openapiv3`) and one lowering for both
//! versions: 3.1 differs from 3.0 in how schemas are written, not in what
//! the generator makes of them. Every conversion is local to one schema,
//! and [`Origin`] records where each moved part was, so every error and
//! warning names the pointer of the original document.
//!
//! What is converted (see the README's table):
//!
//! - `type: [T, "null"]` → `type: T, nullable: true`; several non-null types
//!   → `anyOf` of one branch per type, each with the keywords of its type;
//! - an `anyOf`/`oneOf` member `{type: "null"}` → `nullable: true` (with one
//!   member left, `allOf: [member]`, which lowering reads as that type);
//! - `$ref` with sibling keywords → `allOf: [{$ref}]` plus the siblings;
//! - `const: X` → `enum: [X]` (and the type of `X` when none is given);
//! - `examples: [a, ...]` → `example: a`;
//! - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum`
//!   with the boolean flag;
//! - `contentEncoding: base64` → `format: byte`, `contentMediaType` on a
//!   string → `format: binary`;
//! - `true`/`false` schemas → `{}` / `{not: {}}`;
//! - `webhooks`: a webhook's JSON payload schema becomes a component schema
//!   (`<Name>WebhookPayload`), so it is rendered as a model; the webhook
//!   itself has no client method (a warning says so);
//! - `jsonSchemaDialect`, `info.summary`, `license.identifier`,
//!   `components.pathItems` and the JSON Schema 2020-12 keywords the
//!   generator has no use for (`$defs`, `prefixItems`, `if`, ...) are
//!   removed, each with a warning naming its pointer.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use heck::ToUpperCamelCase;

use super::yaml::{key_text, Mapping, Value};
use crate::error::{Location, Pointer, SpecError};

/// Where the parts of a converted document were in the original one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Converted pointer → original pointer, for each part that moved.
    moved: BTreeMap<String, String>,
}

impl Origin {
    /// The original pointer of a pointer into the converted document.
    pub fn original(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(original) = self.moved.get(prefix) {
                return format!("{original}{}", &pointer[end..]);
            }
            match prefix.rfind('/') {
                Some(i) => end = i,
                None => return pointer.to_owned(),
            }
        }
    }

    /// `e` with its pointer translated to the original document.
    pub fn restore(&self, mut e: SpecError) -> SpecError {
        if let Location::Pointer(p) = &e.location {
            e.location = Location::Pointer(self.original(p));
        }
        e
    }

    fn record(&mut self, converted: &Pointer, original: String) {
        self.moved.insert(converted.as_str().to_owned(), original);
    }
}

/// The dialect a 3.1 document has unless it says otherwise.
const BASE_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// JSON Schema 2020-12 keywords with no meaning for the generator.
const IGNORED_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$vocabulary",
    "$comment",
    "$defs",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "unevaluatedProperties",
    "dependentSchemas",
    "dependentRequired",
    "propertyNames",
    "patternProperties",
    "if",
    "then",
    "else",
    "contentSchema",
];

/// The keywords that apply to one JSON type, for splitting `type: [a, b]`.
fn keywords_of(ty: &str) -> &'static [&'static str] {
    match ty {
        "string" => &["minLength", "maxLength", "pattern", "format"],
        "integer" | "number" => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        _ => &[],
    }
}

/// Converts the 3.1 document `doc` (read from `file`) to the 3.0 shape.
/// Returns where the moved parts were, and a warning for each construct
/// that was dropped.
pub(crate) fn convert(file: &Path, doc: &mut Value) -> (Origin, Vec<SpecError>) {
    let mut c = Converter { file, origin: Origin::default(), warnings: Vec::new() };
    if let Some(root) = doc.as_mapping_mut() {
        c.document(root);
    }
    (c.origin, c.warnings)
}

/// A conversion of one kind of object.
type Convert<'f> = fn(&mut Converter<'f>, &mut Value, &Pointer);

struct Converter<'f> {
    file: &'f Path,
    origin: Origin,
    warnings: Vec<SpecError>,
}

fn ptr(at: &Pointer, key: &str) -> Pointer {
    at.push(key)
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

impl<'f> Converter<'f> {
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        let pointer = self.origin.original(at.as_str());
        self.warnings.push(SpecError::at(self.file, pointer, message));
    }

    /// Removes `key` from `map` with a warning that it is ignored.
    fn drop_key(&mut self, map: &mut Mapping, at: &Pointer, key: &str, why: &str) {
        if map.remove(key).is_some() {
            self.warn(&ptr(at, key), format!("`{key}` {why}; ignored"));
        }
    }

    fn document(&mut self, root: &mut Mapping) {
        let at = Pointer::root();
        root.insert(s("openapi"), s("3.0.3"));
        match root.remove("jsonSchemaDialect") {
            Some(Value::String(d)) if d == BASE_DIALECT => {}
            Some(_) => self.warn(&ptr(&at, "jsonSchemaDialect"), "`jsonSchemaDialect` ignored: schemas are read as OpenAPI 3.1's default dialect"),
            None => {}
        }
        if let Some(Value::Mapping(info)) = root.get_mut("info") {
            let info_at = ptr(&at, "info");
            self.drop_key(info, &info_at, "summary", "(OpenAPI 3.1) is not used in the generated docs");
            if let Some(Value::Mapping(license)) = info.get_mut("license") {
                self.drop_key(license, &ptr(&info_at, "license"), "identifier", "(an SPDX licence id) is not used by the generator");
            }
        }
        if !root.contains_key("paths") {
            root.insert(s("paths"), Value::Mapping(Mapping::new()));
        }
        if let Some(hooks) = root.remove("webhooks") {
            self.webhooks(root, hooks);
        }
        self.each(root, &at, "paths", Self::path_item);
        if let Some(Value::Mapping(components)) = root.get_mut("components") {
            self.components(components, &ptr(&at, "components"));
        }
    }

    /// Moves each webhook's JSON payload schema into `components.schemas`.
    fn webhooks(&mut self, root: &mut Mapping, hooks: Value) {
        let at = ptr(&Pointer::root(), "webhooks");
        let Value::Mapping(hooks) = hooks else {
            self.warn(&at, "expected a map of webhooks; ignored");
            return;
        };
        for (name, item) in hooks {
            let Some(name) = key_text(&name) else { continue };
            let hook_at = ptr(&at, &name);
            let Value::Mapping(mut item) = item else {
                self.warn(&hook_at, "expected a path item; webhook ignored");
                continue;
            };
            let methods: Vec<&str> = METHODS.iter().copied().filter(|m| item.contains_key(*m)).collect();
            if methods.is_empty() {
                self.warn(&hook_at, format!("webhook `{name}` has no operation; ignored"));
            }
            for method in &methods {
                let op_at = ptr(&hook_at, method);
                let payload_at = op_at.push("requestBody").push("content").push("application/json").push("schema");
                let schema = item
                    .get_mut(*method)
                    .and_then(|op| op.get_mut("requestBody"))
                    .and_then(|body| body.get_mut("content"))
                    .and_then(|content| content.get_mut("application/json"))
                    .and_then(|media| media.as_mapping_mut())
                    .and_then(|media| media.remove("schema"));
                match schema {
                    Some(Value::Mapping(schema)) if schema.len() == 1 && schema.contains_key("$ref") => {
                        let model = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).unwrap_or("?").to_owned();
                        self.warn(&op_at, format!("webhooks have no client methods: webhook `{name}` ({method}) sends the model `{model}`"));
                    }
                    Some(schema) => {
                        let suffix = if methods.len() > 1 { method.to_upper_camel_case() } else { String::new() };
                        let stem = format!("{}{suffix}WebhookPayload", name.to_upper_camel_case());
                        let Some(schemas) = component_schemas(root) else {
                            self.warn(&ptr(&Pointer::root(), "components"), "expected a map of components; webhook payloads ignored");
                            return;
                        };
                        let mut type_name = stem.clone();
                        let mut n = 2;
                        while schemas.contains_key(type_name.as_str()) {
                            type_name = format!("{stem}{n}");
                            n += 1;
                        }
                        schemas.insert(s(&type_name), schema);
                        let moved = Pointer::root().push("components").push("schemas").push(&type_name);
                        self.origin.record(&moved, payload_at.as_str().to_owned());
                        self.warn(&op_at, format!("webhooks have no client methods: webhook `{name}` ({method}) is rendered as its payload type `{type_name}` only"));
                    }
                    None => self.warn(&op_at, format!("webhook `{name}` ({method}) has no `application/json` request body schema; ignored")),
                }
            }
        }
    }

    fn components(&mut self, components: &mut Mapping, at: &Pointer) {
        self.drop_key(components, at, "pathItems", "(OpenAPI 3.1 reusable path items) is not supported");
        let sections: [(&str, Convert<'f>); 6] = [
            ("schemas", Self::schema),
            ("parameters", Self::parameter),
            ("requestBodies", Self::request_body),
            ("responses", Self::response),
            ("headers", Self::header),
            ("callbacks", Self::callback),
        ];
        for (section, convert) in sections {
            self.each(components, at, section, convert);
        }
    }

    /// A reference object: 3.1 allows `summary` and `description` beside
    /// `$ref`; the generator uses the referenced object's, so they go, with
    /// a warning. Returns whether `map` is a reference.
    fn reference(&mut self, map: &mut Mapping, at: &Pointer, what: &str) -> bool {
        if !map.contains_key("$ref") {
            return false;
        }
        let siblings: Vec<Value> = map.keys().filter(|k| k.as_str() != Some("$ref")).cloned().collect();
        for key in siblings {
            map.remove(&key);
            let k = key_text(&key).unwrap_or_default();
            self.warn(&ptr(at, &k), format!("`{k}` beside a `$ref` to a {what} is ignored (the referenced {what} is used as it is)"));
        }
        true
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        let Value::Mapping(map) = item else { return };
        if self.reference(map, at, "path item") {
            return;
        }
        self.parameters(map, at);
        for method in METHODS {
            if let Some(op) = map.get_mut(*method) {
                self.operation(op, &ptr(at, method));
            }
        }
    }

    fn parameters(&mut self, map: &mut Mapping, at: &Pointer) {
        if let Some(Value::Sequence(params)) = map.get_mut("parameters") {
            let at = ptr(at, "parameters");
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &at.push(i));
            }
        }
    }

    fn operation(&mut self, op: &mut Value, at: &Pointer) {
        let Value::Mapping(map) = op else { return };
        self.parameters(map, at);
        if let Some(body) = map.get_mut("requestBody") {
            self.request_body(body, &ptr(at, "requestBody"));
        }
        self.each(map, at, "responses", Self::response);
        self.each(map, at, "callbacks", Self::callback);
    }

    fn callback(&mut self, callback: &mut Value, at: &Pointer) {
        let Value::Mapping(map) = callback else { return };
        if self.reference(map, at, "callback") {
            return;
        }
        for (expression, item) in map.iter_mut() {
            if let Some(e) = key_text(expression) {
                self.path_item(item, &ptr(at, &e));
            }
        }
    }

    /// A parameter, header or request body: its `schema` and `content`.
    fn with_schemas(&mut self, value: &mut Value, at: &Pointer, what: &str) {
        let Value::Mapping(map) = value else { return };
        if !self.reference(map, at, what) {
            self.schema_and_content(map, at);
        }
    }

    fn parameter(&mut self, param: &mut Value, at: &Pointer) {
        self.with_schemas(param, at, "parameter");
    }

    fn header(&mut self, header: &mut Value, at: &Pointer) {
        self.with_schemas(header, at, "header");
    }

    fn request_body(&mut self, body: &mut Value, at: &Pointer) {
        self.with_schemas(body, at, "request body");
    }

    /// Converts each value of the map at `map[key]` with `convert`, at `at/key/<name>`.
    fn each(&mut self, map: &mut Mapping, at: &Pointer, key: &str, convert: Convert<'f>) {
        if let Some(Value::Mapping(items)) = map.get_mut(key) {
            let items_at = ptr(at, key);
            for (name, item) in items.iter_mut() {
                if let Some(name) = key_text(name) {
                    convert(self, item, &ptr(&items_at, &name));
                }
            }
        }
    }

    fn response(&mut self, response: &mut Value, at: &Pointer) {
        let Value::Mapping(map) = response else { return };
        if self.reference(map, at, "response") {
            return;
        }
        self.each(map, at, "headers", Self::header);
        self.schema_and_content(map, at);
    }

    /// The `schema` of a parameter or header and the media types of `content`.
    fn schema_and_content(&mut self, map: &mut Mapping, at: &Pointer) {
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, &ptr(at, "schema"));
        }
        if let Some(Value::Mapping(content)) = map.get_mut("content") {
            let c_at = ptr(at, "content");
            for (media, value) in content.iter_mut() {
                if let (Some(media), Some(schema)) = (key_text(media), value.get_mut("schema")) {
                    self.schema(schema, &c_at.push(media).push("schema"));
                }
            }
        }
    }

    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        match schema {
            Value::Bool(true) => *schema = Value::Mapping(Mapping::new()),
            Value::Bool(false) => {
                let mut never = Mapping::new();
                never.insert(s("not"), Value::Mapping(Mapping::new()));
                *schema = Value::Mapping(never);
            }
            Value::Mapping(map) => {
                for keyword in IGNORED_KEYWORDS {
                    self.drop_key(map, at, keyword, "(JSON Schema 2020-12) has no meaning for the generator");
                }
                self.ref_with_siblings(map, at);
                self.type_list(map, at);
                self.null_members(map, at);
                self.const_and_examples(map, at);
                self.bounds(map, at);
                self.content_keywords(map, at);
                self.subschemas(map, at);
            }
            _ => {}
        }
    }

    /// `{$ref: X, description: d}` → `{allOf: [{$ref: X}], description: d}`.
    fn ref_with_siblings(&mut self, map: &mut Mapping, at: &Pointer) {
        if !map.contains_key("$ref") || map.len() == 1 {
            return;
        }
        let Some(reference) = map.remove("$ref") else { return };
        let mut only_ref = Mapping::new();
        only_ref.insert(s("$ref"), reference);
        let mut members = vec![Value::Mapping(only_ref)];
        let all_of = ptr(at, "allOf");
        // Members of an allOf beside the $ref shift by one.
        let mut shifted = Vec::new();
        if let Some(Value::Sequence(existing)) = map.remove("allOf") {
            for (i, member) in existing.into_iter().enumerate() {
                shifted.push((all_of.push(i + 1), self.origin.original(all_of.push(i).as_str())));
                members.push(member);
            }
        }
        let original = self.origin.original(at.as_str());
        self.origin.record(&all_of.push(0), original);
        for (converted, original) in shifted {
            self.origin.record(&converted, original);
        }
        map.insert(s("allOf"), Value::Sequence(members));
    }

    /// `type: [T, "null"]` and `type: [A, B]`.
    fn type_list(&mut self, map: &mut Mapping, at: &Pointer) {
        let Some(Value::Sequence(list)) = map.get("type") else { return };
        let Some(types) = list.iter().map(|t| t.as_str().map(str::to_owned)).collect::<Option<Vec<String>>>() else {
            return; // not strings: openapiv3 reports it at `type`
        };
        map.remove("type");
        if types.iter().any(|t| t == "null") {
            map.insert(s("nullable"), Value::Bool(true));
        }
        let types: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        match types.as_slice() {
            [] => {}
            [one] => {
                map.insert(s("type"), s(one));
            }
            _ if ["anyOf", "oneOf", "allOf"].iter().any(|k| map.contains_key(*k)) => {
                self.warn(&ptr(at, "type"), format!("`type: [{}]` beside a composition (`allOf`, `anyOf` or `oneOf`) is ignored", types.join(", ")));
            }
            _ => {
                let any_of = ptr(at, "anyOf");
                let original = self.origin.original(at.as_str());
                let enumeration = map.remove("enum");
                let mut branches = Vec::with_capacity(types.len());
                for (i, ty) in types.iter().enumerate() {
                    let mut branch = Mapping::new();
                    branch.insert(s("type"), s(ty));
                    for keyword in keywords_of(ty) {
                        if let Some(v) = map.get(*keyword) {
                            branch.insert(s(keyword), v.clone());
                        }
                    }
                    if let Some(Value::Sequence(values)) = &enumeration {
                        let mine: Vec<Value> = values.iter().filter(|v| json_type(v) == Some(ty.as_str()) || (ty == "number" && json_type(v) == Some("integer"))).cloned().collect();
                        if !mine.is_empty() {
                            branch.insert(s("enum"), Value::Sequence(mine));
                        }
                    }
                    self.origin.record(&any_of.push(i), original.clone());
                    branches.push(Value::Mapping(branch));
                }
                for ty in &types {
                    for keyword in keywords_of(ty) {
                        map.remove(*keyword);
                    }
                }
                map.insert(s("anyOf"), Value::Sequence(branches));
            }
        }
    }

    /// `anyOf: [X, {type: "null"}]` → `allOf: [X], nullable: true`.
    fn null_members(&mut self, map: &mut Mapping, at: &Pointer) {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Sequence(members)) = map.get(key) else { continue };
            let keep: Vec<usize> = (0..members.len()).filter(|i| !is_null_schema(&members[*i])).collect();
            if keep.len() == members.len() || keep.is_empty() {
                continue;
            }
            let list_at = ptr(at, key);
            let originals: Vec<String> = keep.iter().map(|i| self.origin.original(list_at.push(i).as_str())).collect();
            let Some(Value::Sequence(members)) = map.remove(key) else { continue };
            let kept: Vec<Value> = members.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, m)| m).collect();
            map.insert(s("nullable"), Value::Bool(true));
            if kept.len() == 1 && !map.contains_key("allOf") && !map.contains_key("discriminator") {
                self.origin.record(&ptr(at, "allOf").push(0), originals[0].clone());
                map.insert(s("allOf"), Value::Sequence(kept));
            } else {
                for (j, original) in originals.into_iter().enumerate() {
                    self.origin.record(&list_at.push(j), original);
                }
                map.insert(s(key), Value::Sequence(kept));
            }
        }
    }

    /// `const` → `enum`, `examples` → `example`.
    fn const_and_examples(&mut self, map: &mut Mapping, at: &Pointer) {
        if let Some(value) = map.remove("const") {
            if value.is_null() {
                map.insert(s("nullable"), Value::Bool(true));
            } else if !map.contains_key("type") && !map.contains_key("$ref") && !map.contains_key("allOf") {
                if let Some(ty) = json_type(&value) {
                    map.insert(s("type"), s(ty));
                }
            }
            let original = self.origin.original(ptr(at, "const").as_str());
            self.origin.record(&ptr(at, "enum"), original);
            map.insert(s("enum"), Value::Sequence(vec![value]));
        }
        match map.remove("examples") {
            Some(Value::Sequence(examples)) if !map.contains_key("example") => {
                if examples.len() > 1 {
                    self.warn(&ptr(at, "examples"), format!("only the first of {} examples is used", examples.len()));
                }
                if let Some(first) = examples.into_iter().next() {
                    let original = self.origin.original(ptr(at, "examples").push(0).as_str());
                    self.origin.record(&ptr(at, "example"), original);
                    map.insert(s("example"), first);
                }
            }
            Some(_) => self.warn(&ptr(at, "examples"), "`examples` ignored: expected a list, and `example` is not already given"),
            None => {}
        }
    }

    /// Numeric `exclusiveMinimum`/`exclusiveMaximum` → bound plus flag.
    fn bounds(&mut self, map: &mut Mapping, at: &Pointer) {
        for (exclusive, bound, stricter) in [("exclusiveMinimum", "minimum", Ordering::Greater), ("exclusiveMaximum", "maximum", Ordering::Less)] {
            let Some(Value::Number(limit)) = map.get(exclusive).cloned() else { continue };
            let inclusive = map.get(bound).and_then(Value::as_f64);
            let keeps_bound = match (inclusive, limit.as_f64()) {
                (Some(b), Some(x)) => b.partial_cmp(&x) == Some(stricter),
                _ => false,
            };
            if keeps_bound {
                // The inclusive bound is already stricter.
                map.remove(exclusive);
            } else {
                let original = self.origin.original(ptr(at, exclusive).as_str());
                self.origin.record(&ptr(at, bound), original);
                map.insert(s(bound), Value::Number(limit));
                map.insert(s(exclusive), Value::Bool(true));
            }
        }
    }

    /// `contentEncoding` and `contentMediaType` → a string `format`.
    fn content_keywords(&mut self, map: &mut Mapping, at: &Pointer) {
        let string = map.get("type").and_then(Value::as_str) == Some("string");
        let has_format = map.contains_key("format");
        match map.remove("contentEncoding") {
            Some(Value::String(e)) if e.eq_ignore_ascii_case("base64") => {
                if !has_format {
                    map.insert(s("format"), s("byte"));
                }
                map.remove("contentMediaType");
                return;
            }
            Some(_) => self.warn(&ptr(at, "contentEncoding"), "only `contentEncoding: base64` (`format: byte`) is supported; ignored"),
            None => {}
        }
        if map.remove("contentMediaType").is_some() && string && !has_format {
            map.insert(s("format"), s("binary"));
        }
    }

    fn subschemas(&mut self, map: &mut Mapping, at: &Pointer) {
        self.each(map, at, "properties", Self::schema);
        for key in ["items", "not"] {
            if let Some(schema) = map.get_mut(key) {
                self.schema(schema, &ptr(at, key));
            }
        }
        if let Some(schema @ Value::Mapping(_)) = map.get_mut("additionalProperties") {
            self.schema(schema, &ptr(at, "additionalProperties"));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Sequence(members)) = map.get_mut(key) {
                let list_at = ptr(at, key);
                for (i, member) in members.iter_mut().enumerate() {
                    self.schema(member, &list_at.push(i));
                }
            }
        }
    }
}

/// `components.schemas`, created when missing; `None` when `components` is not a map.
fn component_schemas(root: &mut Mapping) -> Option<&mut Mapping> {
    let components = root.entry(s("components")).or_insert_with(|| Value::Mapping(Mapping::new())).as_mapping_mut()?;
    components.entry(s("schemas")).or_insert_with(|| Value::Mapping(Mapping::new())).as_mapping_mut()
}

/// `{type: "null"}` (with only annotations beside it), `{const: null}` or `{enum: [null]}`.
fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_mapping() else { return false };
    let annotations = ["description", "title"];
    let only = |key: &str| map.keys().all(|k| k.as_str() == Some(key) || annotations.iter().any(|a| k.as_str() == Some(a)));
    match (map.get("type"), map.get("const"), map.get("enum")) {
        (Some(Value::String(t)), None, None) => t == "null" && only("type"),
        (None, Some(Value::Null), None) => only("const"),
        (None, None, Some(Value::Sequence(values))) => values.len() == 1 && values[0].is_null() && only("enum"),
        _ => false,
    }
}

/// The JSON Schema type of a value.
fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Sequence(_) => Some("array"),
        Value::Mapping(_) => Some("object"),
        Value::Null | Value::Tagged(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;

    fn converted(text: &str) -> (serde_json::Value, Origin, Vec<String>) {
        let mut doc = yaml::parse(text).unwrap();
        let (origin, warnings) = convert(Path::new("api.yaml"), &mut doc);
        (yaml::to_json(&doc), origin, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn schemas_take_the_3_0_shape_and_remember_where_they_were() {
        let (doc, origin, warnings) = converted(
            r##"
openapi: 3.1.0
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
info: {title: T, version: '1'}
components:
  schemas:
    A:
      type: object
      properties:
        name: {type: [string, 'null'], examples: [Ann]}
        owner: {$ref: '#/components/schemas/B', description: The owner.}
        parent: {anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}
        kind: {const: a}
        size: {type: integer, exclusiveMinimum: 0, maximum: 10, exclusiveMaximum: 12}
        id: {type: [string, integer], minLength: 1, minimum: 0, enum: [x, 1]}
        blob: {type: string, contentMediaType: application/octet-stream}
        raw: {type: string, contentEncoding: base64}
    B: true
"##,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("jsonSchemaDialect").is_none());
        let p = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(p["name"], serde_json::json!({"type": "string", "nullable": true, "example": "Ann"}));
        assert_eq!(p["owner"], serde_json::json!({"description": "The owner.", "allOf": [{"$ref": "#/components/schemas/B"}]}));
        assert_eq!(p["parent"], serde_json::json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/B"}]}));
        assert_eq!(p["kind"], serde_json::json!({"type": "string", "enum": ["a"]}));
        assert_eq!(p["size"], serde_json::json!({"type": "integer", "maximum": 10, "minimum": 0, "exclusiveMinimum": true}));
        assert_eq!(
            p["id"],
            serde_json::json!({"anyOf": [{"type": "string", "minLength": 1, "enum": ["x"]}, {"type": "integer", "minimum": 0, "enum": [1]}]})
        );
        assert_eq!(p["blob"], serde_json::json!({"type": "string", "format": "binary"}));
        assert_eq!(p["raw"], serde_json::json!({"type": "string", "format": "byte"}));
        assert_eq!(doc["components"]["schemas"]["B"], serde_json::json!({}));
        // Pointers into moved parts lead back to the original document.
        let a = "#/components/schemas/A/properties";
        assert_eq!(origin.original(&format!("{a}/owner/allOf/0/$ref")), format!("{a}/owner/$ref"));
        assert_eq!(origin.original(&format!("{a}/parent/allOf/0")), format!("{a}/parent/anyOf/0"));
        assert_eq!(origin.original(&format!("{a}/kind/enum")), format!("{a}/kind/const"));
        assert_eq!(origin.original(&format!("{a}/name/example")), format!("{a}/name/examples/0"));
        assert_eq!(origin.original(&format!("{a}/size/minimum")), format!("{a}/size/exclusiveMinimum"));
        assert_eq!(origin.original(&format!("{a}/id/anyOf/1/minimum")), format!("{a}/id/minimum"));
        assert_eq!(origin.original(&format!("{a}/name")), format!("{a}/name"));
    }

    #[test]
    fn nested_moves_compose() {
        // A $ref with siblings inside a null-union member inside a type-list branch.
        let (_, origin, _) = converted(
            r##"
openapi: 3.1.0
components:
  schemas:
    A:
      type: [array, 'null', object]
      items:
        anyOf:
          - {type: 'null'}
          - {$ref: '#/components/schemas/B', description: d}
"##,
        );
        let converted = "#/components/schemas/A/anyOf/0/items/allOf/0/allOf/0/$ref";
        assert_eq!(origin.original(converted), "#/components/schemas/A/items/anyOf/1/$ref");
    }

    #[test]
    fn constructs_without_meaning_are_warnings_naming_their_pointer() {
        let (doc, _, warnings) = converted(
            r##"
openapi: 3.1.0
jsonSchemaDialect: https://json-schema.org/draft/2020-12/schema
info: {title: T, version: '1', summary: S, license: {name: MIT, identifier: MIT}}
paths:
  /a:
    get:
      parameters:
        - {$ref: '#/components/parameters/P', description: other}
      responses:
        '200': {description: ok}
components:
  pathItems:
    X: {}
  parameters:
    P: {name: p, in: query, schema: {type: string}}
  schemas:
    A:
      $comment: internal
      prefixItems: [{type: string}]
      examples: [1, 2]
webhooks:
  newPet:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
  petGone:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/A'}
  ping:
    post: {}
"##,
        );
        assert_eq!(
            warnings,
            [
                "api.yaml#/jsonSchemaDialect: `jsonSchemaDialect` ignored: schemas are read as OpenAPI 3.1's default dialect",
                "api.yaml#/info/summary: `summary` (OpenAPI 3.1) is not used in the generated docs; ignored",
                "api.yaml#/info/license/identifier: `identifier` (an SPDX licence id) is not used by the generator; ignored",
                "api.yaml#/webhooks/newPet/post: webhooks have no client methods: webhook `newPet` (post) is rendered as its payload type `NewPetWebhookPayload` only",
                "api.yaml#/webhooks/petGone/post: webhooks have no client methods: webhook `petGone` (post) sends the model `A`",
                "api.yaml#/webhooks/ping/post: webhook `ping` (post) has no `application/json` request body schema; ignored",
                "api.yaml#/paths/~1a/get/parameters/0/description: `description` beside a `$ref` to a parameter is ignored (the referenced parameter is used as it is)",
                "api.yaml#/components/pathItems: `pathItems` (OpenAPI 3.1 reusable path items) is not supported; ignored",
                "api.yaml#/components/schemas/A/$comment: `$comment` (JSON Schema 2020-12) has no meaning for the generator; ignored",
                "api.yaml#/components/schemas/A/prefixItems: `prefixItems` (JSON Schema 2020-12) has no meaning for the generator; ignored",
                "api.yaml#/components/schemas/A/examples: only the first of 2 examples is used",
            ]
        );
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0], serde_json::json!({"$ref": "#/components/parameters/P"}));
        assert_eq!(doc["components"]["schemas"]["NewPetWebhookPayload"]["properties"]["name"]["type"], "string");
    }
}
