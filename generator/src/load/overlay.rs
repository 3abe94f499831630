//! OpenAPI Overlay 1.0 documents (`--overlay FILE`): ordered actions, each
//! a JSONPath `target` with an `update` to merge into every node it selects
//! or `remove: true`, applied to the parsed document before it is checked
//! and lowered.
//!
//! Two departures from a plain RFC 9535 evaluation, both what upstream's
//! overlay (`overlay.en.yaml`) relies on:
//!
//! - **`$ref`s are followed while navigating**: a segment applied to a
//!   `{$ref: '#/...'}` node applies to the node it refers to, and a filter
//!   (`[?(@.name=='limit')]`) sees each child through its `$ref`. An
//!   `update` of a node reached that way changes the referenced node (the
//!   shared component); `remove` removes the reference itself.
//! - **Member names after a dot may contain `-`** (`.x-amz-date`,
//!   `.Content-Disposition`), as in most JSONPath implementations.
//!
//! The target is split into segments here; a name or index segment is a
//! plain lookup, any other (wildcards, filters, unions, slices) is evaluated
//! by `serde_json_path` (RFC 9535) on the node's children, and a descendant
//! segment (`..x`) on the node as it is, without following `$ref`s (a
//! recursive schema would never end).
//!
//! An action whose target selects nothing is skipped with a warning naming
//! it (the Overlay specification's "succeeds without changing the
//! document"); a malformed overlay is an error naming the file and pointer.
//! Merging follows the specification: objects key by key, recursively;
//! arrays concatenated; an update of an array appends it (its items, if it
//! is an array); anything else is replaced. `extends` is not read: the
//! overlay applies to the document it is given.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde_json_path::{JsonPath, PathElement};

use super::yaml::{self, key_text, Mapping, Value};
use crate::error::{Pointer, SpecError};

/// A parsed overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Where it was read from (named in its errors and warnings).
    pub file: PathBuf,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    /// `#/actions/N`.
    at: Pointer,
    target: String,
    steps: Vec<Step>,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

/// One segment of a target.
#[derive(Debug, Clone)]
enum Step {
    /// `.name`, `['name']`.
    Key(String),
    /// `[3]`, `[-1]`.
    Index(i64),
    /// Any other child segment, evaluated on the node's children (through their `$ref`s).
    Children(JsonPath),
    /// `..x`, evaluated on the node as it is.
    Descendants(JsonPath),
}

/// One step from a node to a child: the mapping key as written, or an index.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(Value),
    Index(usize),
}

/// Where a node is: the steps from the root.
type Loc = Vec<Seg>;

/// `$ref` chains longer than this are taken as cycles and not followed.
const MAX_REF_HOPS: usize = 64;

impl Overlay {
    /// Reads and checks an overlay file.
    pub fn read(path: &Path) -> Result<Overlay, SpecError> {
        Overlay::parse(path, &super::read_text(path, "overlay")?)
    }

    /// Parses overlay text; `file` names it in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Overlay, SpecError> {
        let value = super::parse_yaml(file, text)?;
        let err = |at: &Pointer, message: String| SpecError::at(file, at, message);
        let root = Pointer::root();
        let map = value.as_mapping().ok_or_else(|| err(&root, "expected an Overlay document (a mapping)".to_owned()))?;
        match map.get("overlay") {
            Some(Value::String(v)) if v.starts_with("1.0.") || v == "1.0" => {}
            Some(other) => {
                let found = yaml::to_string(other).unwrap_or_default();
                return Err(err(&root.push("overlay"), format!("unsupported overlay version `{}`; expected 1.0.x", found.trim())));
            }
            None => return Err(err(&root.push("overlay"), "missing `overlay: 1.0.0`; expected an OpenAPI Overlay 1.0 document".to_owned())),
        }
        let at = root.push("actions");
        let items = match map.get("actions") {
            Some(Value::Sequence(items)) if !items.is_empty() => items,
            _ => return Err(err(&at, "expected a non-empty list of actions".to_owned())),
        };
        let mut actions = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = at.push(i);
            let Some(action) = item.as_mapping() else {
                return Err(err(&at, "expected an action (a mapping with `target`)".to_owned()));
            };
            let target = match action.get("target") {
                Some(Value::String(t)) => t.clone(),
                _ => return Err(err(&at.push("target"), "expected a JSONPath string such as `$.paths['/chats']`".to_owned())),
            };
            let steps = parse_target(&target).map_err(|m| err(&at.push("target"), format!("`{target}`: {m}")))?;
            let remove = match action.get("remove") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(err(&at.push("remove"), "expected `true` or `false`".to_owned())),
            };
            let change = match (action.get("update"), remove) {
                (Some(_), true) => return Err(err(&at, "an action has `update` or `remove: true`, not both".to_owned())),
                (Some(update), false) => Change::Update(update.clone()),
                (None, true) => Change::Remove,
                (None, false) => return Err(err(&at, "expected `update` or `remove: true`".to_owned())),
            };
            actions.push(Action { at, target, steps, change });
        }
        Ok(Overlay { file: file.to_path_buf(), actions })
    }

    /// Applies every action in order to `doc` (read from `doc_file`). Returns
    /// a warning for each action whose target selected nothing.
    pub fn apply(&self, doc: &mut Value, doc_file: &Path) -> Result<Vec<SpecError>, SpecError> {
        let mut warnings = Vec::new();
        for action in &self.actions {
            let found = select(doc, &action.steps);
            if found.is_empty() {
                warnings.push(SpecError::at(
                    &self.file,
                    action.at.push("target"),
                    format!("`{}` selects nothing in {}; action skipped", action.target, doc_file.display()),
                ));
                continue;
            }
            match &action.change {
                Change::Update(update) => {
                    let mut targets: Vec<Loc> = Vec::with_capacity(found.len());
                    for loc in found {
                        let loc = resolve(doc, loc);
                        if !targets.contains(&loc) {
                            targets.push(loc);
                        }
                    }
                    for loc in &targets {
                        if let Some(node) = get_mut(doc, loc) {
                            merge(node, update);
                        }
                    }
                }
                Change::Remove => {
                    if found.iter().any(Vec::is_empty) {
                        return Err(SpecError::at(&self.file, action.at.push("target"), "cannot remove the document root"));
                    }
                    let mut found = found;
                    // Later siblings first, so earlier indexes stay valid.
                    found.sort_by(|a, b| compare_locs(b, a));
                    found.dedup();
                    for loc in &found {
                        remove(doc, loc);
                    }
                }
            }
        }
        Ok(warnings)
    }

    /// How many actions the overlay has.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether it has no actions (never true for a parsed overlay).
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// Reads each overlay file and applies it to `doc` in order; the warnings of all.
pub fn apply_files(doc: &mut Value, doc_file: &Path, overlays: &[PathBuf]) -> Result<Vec<SpecError>, SpecError> {
    let mut warnings = Vec::new();
    for path in overlays {
        warnings.extend(Overlay::read(path)?.apply(doc, doc_file)?);
    }
    Ok(warnings)
}

/// Splits a target into [`Step`]s.
fn parse_target(target: &str) -> Result<Vec<Step>, String> {
    let rest = target.strip_prefix('$').ok_or("a target starts with `$`")?;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("..") {
            i += 2;
            let query = if after.starts_with('[') {
                let (inner, len) = bracket(after)?;
                i += len;
                format!("$..[{inner}]")
            } else {
                let name = dotted_name(after);
                if name.is_empty() {
                    return Err(format!("expected a name after `..` at position {}", i + 1));
                }
                i += name.len();
                if name == "*" {
                    "$..*".to_owned()
                } else {
                    format!("$..[{}]", quote(name))
                }
            };
            steps.push(Step::Descendants(compile(&query)?));
        } else if let Some(after) = tail.strip_prefix('.') {
            let name = dotted_name(after);
            if name.is_empty() {
                return Err(format!("expected a name after `.` at position {}", i + 1));
            }
            i += 1 + name.len();
            steps.push(if name == "*" { Step::Children(compile("$.*")?) } else { Step::Key(name.to_owned()) });
        } else if tail.starts_with('[') {
            let (inner, len) = bracket(tail)?;
            i += len;
            steps.push(match simple_selector(inner) {
                Some(step) => step,
                None => Step::Children(compile(&format!("$[{inner}]"))?),
            });
        } else {
            let c = tail.chars().next().unwrap_or(' ');
            return Err(format!("unexpected `{c}` at position {}; expected `.name`, `[...]` or `..`", i + 1));
        }
    }
    Ok(steps)
}

fn compile(query: &str) -> Result<JsonPath, String> {
    JsonPath::parse(query).map_err(|e| format!("invalid JSONPath segment `{query}`: {e}"))
}

/// The member name after a `.`: everything up to the next `.` or `[`.
fn dotted_name(s: &str) -> &str {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    &s[..end]
}

/// For text starting with `[`, the text inside the matching `]` and the
/// length of the whole bracket. Quotes and nested brackets and parentheses
/// (inside filters) are skipped.
fn bracket(s: &str) -> Result<(&str, usize), String> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && c == ']' {
                    return Ok((&s[1..i], i + 1));
                }
            }
            _ => {}
        }
    }
    Err("a `[` without its `]`".to_owned())
}

/// `'name'`, `"name"` or an integer: a plain lookup.
fn simple_selector(inner: &str) -> Option<Step> {
    let inner = inner.trim();
    if let Ok(i) = inner.parse::<i64>() {
        return Some(Step::Index(i));
    }
    let q = inner.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = inner.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e @ ('\\' | '\'' | '"' | '/') => out.push(e),
                _ => return None, // other escapes: leave them to the full parser
            },
            _ if c == q => return None, // `'a','b'`: a union
            _ => out.push(c),
        }
    }
    Some(Step::Key(out))
}

fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The locations `steps` select, in document order per step.
fn select(doc: &Value, steps: &[Step]) -> Vec<Loc> {
    let mut nodes: Vec<Loc> = vec![Vec::new()];
    for step in steps {
        let mut next = Vec::new();
        for loc in nodes {
            let loc = resolve(doc, loc);
            let Some(node) = get(doc, &loc) else { continue };
            let child = |seg: Seg| {
                let mut l = loc.clone();
                l.push(seg);
                l
            };
            match step {
                Step::Key(name) => {
                    if let Some(key) = node.as_mapping().and_then(|m| find_key(m, name)) {
                        next.push(child(Seg::Key(key.clone())));
                    }
                }
                Step::Index(i) => {
                    if let Some(items) = node.as_sequence() {
                        let len = items.len() as i64;
                        let at = if *i < 0 { len + i } else { *i };
                        if (0..len).contains(&at) {
                            next.push(child(Seg::Index(at as usize)));
                        }
                    }
                }
                Step::Children(path) => {
                    let view = children_view(doc, node);
                    for found in path.query_located(&view).iter() {
                        if let Some(seg) = found.location().first().and_then(|e| seg_of(node, e)) {
                            next.push(child(seg));
                        }
                    }
                }
                Step::Descendants(path) => {
                    let view = yaml::to_json(node);
                    for found in path.query_located(&view).iter() {
                        let mut l = loc.clone();
                        let mut at = node;
                        let mut ok = true;
                        for element in found.location().iter() {
                            match seg_of(at, element).and_then(|seg| Some((step_into(at, &seg)?, seg))) {
                                Some((inner, seg)) => {
                                    at = inner;
                                    l.push(seg);
                                }
                                None => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        if ok {
                            next.push(l);
                        }
                    }
                }
            }
        }
        nodes = next;
    }
    nodes
}

/// The node's children as JSON, each seen through its `$ref`.
fn children_view(doc: &Value, node: &Value) -> serde_json::Value {
    let through = |v: &Value| match ref_target(v).and_then(|r| pointer_loc(doc, r)) {
        Some(loc) => get(doc, &resolve(doc, loc)).map_or(serde_json::Value::Null, yaml::to_json),
        None => yaml::to_json(v),
    };
    match node {
        Value::Mapping(map) => {
            serde_json::Value::Object(map.iter().filter_map(|(k, v)| Some((key_text(k)?, through(v)))).collect())
        }
        Value::Sequence(items) => serde_json::Value::Array(items.iter().map(through).collect()),
        other => yaml::to_json(other),
    }
}

/// A JSONPath result element as a step into `node`.
fn seg_of(node: &Value, element: &PathElement<'_>) -> Option<Seg> {
    match element {
        PathElement::Name(name) => node.as_mapping().and_then(|m| find_key(m, name)).map(|k| Seg::Key(k.clone())),
        PathElement::Index(i) => Some(Seg::Index(*i)),
    }
}

fn find_key<'v>(map: &'v Mapping, name: &str) -> Option<&'v Value> {
    map.keys().find(|k| key_text(k).as_deref() == Some(name))
}

/// A local `$ref` string of a reference object.
fn ref_target(node: &Value) -> Option<&str> {
    match node.as_mapping()?.get("$ref")? {
        Value::String(r) if r.starts_with('#') => Some(r),
        _ => None,
    }
}

/// The location a local `$ref` (`#/components/schemas/Chat`) names, if it exists.
fn pointer_loc(doc: &Value, reference: &str) -> Option<Loc> {
    let path = reference.strip_prefix('#')?;
    let mut loc = Vec::new();
    let mut at = doc;
    if path.is_empty() {
        return Some(loc);
    }
    for raw in path.strip_prefix('/')?.split('/') {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let seg = match at {
            Value::Mapping(map) => Seg::Key(find_key(map, &segment)?.clone()),
            Value::Sequence(_) => Seg::Index(segment.parse().ok()?),
            _ => return None,
        };
        at = step_into(at, &seg)?;
        loc.push(seg);
    }
    Some(loc)
}

/// Follows the `$ref` chain of the node at `loc` to the node it stands for.
fn resolve(doc: &Value, mut loc: Loc) -> Loc {
    for _ in 0..MAX_REF_HOPS {
        match get(doc, &loc).and_then(ref_target).and_then(|r| pointer_loc(doc, r)) {
            Some(target) if target != loc => loc = target,
            _ => break,
        }
    }
    loc
}

fn step_into<'v>(node: &'v Value, seg: &Seg) -> Option<&'v Value> {
    match (node, seg) {
        (Value::Mapping(map), Seg::Key(k)) => map.get(k),
        (Value::Sequence(items), Seg::Index(i)) => items.get(*i),
        _ => None,
    }
}

fn get<'v>(doc: &'v Value, loc: &[Seg]) -> Option<&'v Value> {
    loc.iter().try_fold(doc, step_into)
}

fn get_mut<'v>(doc: &'v mut Value, loc: &[Seg]) -> Option<&'v mut Value> {
    loc.iter().try_fold(doc, |node, seg| match (node, seg) {
        (Value::Mapping(map), Seg::Key(k)) => map.get_mut(k),
        (Value::Sequence(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

fn remove(doc: &mut Value, loc: &[Seg]) {
    let Some((last, parent)) = loc.split_last() else { return };
    match (get_mut(doc, parent), last) {
        (Some(Value::Mapping(map)), Seg::Key(k)) => {
            map.shift_remove(k);
        }
        (Some(Value::Sequence(items)), Seg::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

fn compare_locs(a: &[Seg], b: &[Seg]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Seg::Index(i), Seg::Index(j)) => i.cmp(j),
            (Seg::Key(k), Seg::Key(l)) => key_text(k).cmp(&key_text(l)),
            (Seg::Index(_), Seg::Key(_)) => Ordering::Less,
            (Seg::Key(_), Seg::Index(_)) => Ordering::Greater,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Merges `update` into `target` (the Overlay merging rules).
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Mapping(t), Value::Mapping(u)) => {
            for (key, value) in u {
                let existing = key_text(key).and_then(|name| find_key(t, &name).cloned());
                match existing.and_then(|k| t.get_mut(&k)) {
                    Some(slot) => merge(slot, value),
                    None => {
                        t.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Sequence(t), Value::Sequence(u)) => t.extend(u.iter().cloned()),
        (Value::Sequence(t), other) => t.push(other.clone()),
        (slot, other) => *slot = other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.0.3
paths:
  /chats:
    get:
      description: Список чатов
      parameters:
        - $ref: '#/components/parameters/Limit'
        - name: cursor
          in: query
          description: Курсор
      responses:
        200:
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Chat'
components:
  parameters:
    Limit:
      name: limit
      in: query
      description: Количество
  schemas:
    Chat:
      properties:
        x-amz-date: {type: string, description: Дата}
        tags: {type: array, items: {type: string}, example: [a]}
"##;

    /// Applies an overlay with these actions (YAML list items) to [`DOC`].
    fn run(actions: &str) -> (Value, Vec<String>) {
        let mut doc = yaml::parse(DOC).unwrap();
        let text = format!("overlay: 1.0.0\ninfo: {{title: t, version: \"1\"}}\nactions:{actions}");
        let overlay = Overlay::parse(Path::new("o.yaml"), &text).unwrap();
        let warnings = overlay.apply(&mut doc, Path::new("api.yaml")).unwrap();
        (doc, warnings.iter().map(ToString::to_string).collect())
    }

    fn at<'v>(doc: &'v Value, pointer: &str) -> &'v Value {
        let loc = pointer_loc(doc, pointer).unwrap_or_else(|| panic!("{pointer} not in the document"));
        get(doc, &loc).unwrap()
    }

    #[test]
    fn update_merges_into_every_selected_node_through_refs_and_dashed_names() {
        let (doc, warnings) = run(r#"
  - target: $.paths['/chats'].get
    update: {description: List chats, x-new: 1}
  - target: $.paths['/chats'].get.parameters[?(@.name=='limit')]
    update: {description: Number of chats}
  - target: $.paths['/chats'].get.parameters[?(@.name == "cursor")]
    update: {description: Cursor}
  - target: $.paths['/chats'].get.responses['200'].content['application/json'].schema.properties.x-amz-date
    update: {description: Date}
  - target: $.components.schemas.Chat.properties.tags.example
    update: [b]
"#);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(at(&doc, "#/paths/~1chats/get/description").as_str(), Some("List chats"));
        assert_eq!(at(&doc, "#/paths/~1chats/get/x-new").as_i64(), Some(1));
        // Through the parameter's $ref: the shared component changed, the reference stayed.
        assert_eq!(at(&doc, "#/components/parameters/Limit/description").as_str(), Some("Number of chats"));
        assert_eq!(yaml::to_json(at(&doc, "#/paths/~1chats/get/parameters/0")), serde_json::json!({"$ref": "#/components/parameters/Limit"}));
        assert_eq!(at(&doc, "#/paths/~1chats/get/parameters/1/description").as_str(), Some("Cursor"));
        // Through the response schema's $ref, with a dashed name after a dot and a numeric YAML key.
        assert_eq!(at(&doc, "#/components/schemas/Chat/properties/x-amz-date/description").as_str(), Some("Date"));
        // Arrays are concatenated.
        assert_eq!(yaml::to_json(at(&doc, "#/components/schemas/Chat/properties/tags/example")), serde_json::json!(["a", "b"]));
    }

    #[test]
    fn a_target_that_selects_nothing_is_skipped_with_a_warning() {
        let (doc, warnings) = run(r#"
  - target: $.paths['/nope'].get
    update: {description: x}
  - target: $.paths['/chats'].get.parameters[?(@.name=='missing')]
    update: {description: x}
  - target: $.paths['/chats'].get
    update: {summary: applied}
"#);
        assert_eq!(
            warnings,
            [
                "o.yaml#/actions/0/target: `$.paths['/nope'].get` selects nothing in api.yaml; action skipped",
                "o.yaml#/actions/1/target: `$.paths['/chats'].get.parameters[?(@.name=='missing')]` selects nothing in api.yaml; action skipped",
            ]
        );
        assert_eq!(at(&doc, "#/paths/~1chats/get/summary").as_str(), Some("applied"));
    }

    #[test]
    fn remove_deletes_the_selected_nodes_wildcards_and_descendants_work() {
        let (doc, warnings) = run(r#"
  - target: $.paths.*.get.parameters[*]
    remove: true
  - target: $..description
    remove: true
"#);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(at(&doc, "#/paths/~1chats/get/parameters").as_sequence().map(Vec::len), Some(0));
        // The referenced component stays: remove removes the reference.
        assert!(pointer_loc(&doc, "#/components/parameters/Limit").is_some());
        let json = yaml::to_json(&doc).to_string();
        assert!(!json.contains("\"description\""), "{json}");
    }

    #[test]
    fn malformed_overlays_are_errors_with_pointers() {
        let cases = [
            ("overlay: 2.0.0\nactions: [{target: $, update: {}}]", "o.yaml#/overlay: unsupported overlay version `2.0.0`; expected 1.0.x"),
            ("overlay: 1.0.0\nactions: []", "o.yaml#/actions: expected a non-empty list of actions"),
            ("overlay: 1.0.0\nactions: [{target: paths, update: {}}]", "o.yaml#/actions/0/target: `paths`: a target starts with `$`"),
            ("overlay: 1.0.0\nactions: [{target: \"$.a[?(@.b==\", update: {}}]", "o.yaml#/actions/0/target: `$.a[?(@.b==`: a `[` without its `]`"),
            ("overlay: 1.0.0\nactions: [{target: $.a, update: {}, remove: true}]", "o.yaml#/actions/0: an action has `update` or `remove: true`, not both"),
            ("overlay: 1.0.0\nactions: [{target: $.a}]", "o.yaml#/actions/0: expected `update` or `remove: true`"),
        ];
        for (text, want) in cases {
            let err = Overlay::parse(Path::new("o.yaml"), text).err().unwrap_or_else(|| panic!("{text} parsed"));
            assert_eq!(err.to_string(), want);
        }
        let err = Overlay::parse(Path::new("o.yaml"), "overlay: 1.0.0\nactions: [{target: \"$.a[?@.b ==]\", update: {}}]").unwrap_err();
        assert!(err.to_string().starts_with("o.yaml#/actions/0/target: `$.a[?@.b ==]`: invalid JSONPath segment `$[?@.b ==]`"), "{err}");
    }

    #[test]
    fn a_ref_cycle_is_not_followed_forever() {
        let mut doc = yaml::parse("a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n").unwrap();
        let overlay = Overlay::parse(Path::new("o.yaml"), "overlay: 1.0.0\nactions: [{target: $.a.x, update: {}}]").unwrap();
        let warnings = overlay.apply(&mut doc, Path::new("api.yaml")).unwrap();
        assert_eq!(warnings.len(), 1);
    }
}
