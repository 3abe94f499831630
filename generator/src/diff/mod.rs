//! The API diff: what changed between two lowered models, per operation,
//! type and CLI command, each change classified for the users of the
//! generated Rust crate and the `pachca` CLI.
//!
//! Pure functions of two [`Api`] values. The classification follows what the
//! renderers write (see `diff/surface.rs`):
//!
//! * models are `#[non_exhaustive]` with public fields and a builder, so a
//!   new field is compatible, unless the type is a request type and the
//!   field is required: its `new(..)` gains an argument;
//! * enums and unions are `#[non_exhaustive]` with a fallback variant
//!   (`Unknown`, `Other`), so a new value or variant is compatible;
//! * anything that changes a Rust type, a method's arguments or its return
//!   type, removes an item or a derive (`Default`) is breaking;
//! * a new optional query parameter is compatible when the method already
//!   takes an `<Op>Params` struct (a new field with a setter), breaking when
//!   the struct appears (the method gains an argument);
//! * scope, plan, authentication, deprecation and decoding changes keep the
//!   Rust API: compatible; descriptions and examples are docs-only;
//! * for the CLI: a new command or optional flag is compatible; a removed or
//!   renamed command, a removed flag, a new required flag or positional is
//!   breaking; enum flags accept unknown values (with a warning), so their
//!   values never break a script.

mod cli;
pub mod public_api;
mod surface;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::{Api, Operation, ParamLocation, TypeDef, TypeKind};
use crate::model::TypeIndex;

pub use surface::{OpSurface, TypeSurface};
pub use text::{heading, render_text, summary};

/// How a change affects users of the generated crate and CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Only documentation (descriptions, examples, error lists).
    Docs,
    /// Code and scripts that worked keep compiling and decoding: additions,
    /// behaviour. A required field added to a model is one: a builder that
    /// does not set it then fails at `build()`, which the change's text says.
    Compatible,
    /// Some code or script that worked may stop compiling or running.
    Breaking,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Docs => "docs",
            Impact::Compatible => "compatible",
            Impact::Breaking => "breaking",
        }
    }
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The document itself (servers, title, version).
    Api,
    /// An operation, by operationId (the new one when renamed).
    Operation(String),
    /// A named type.
    Type(String),
    /// A CLI command (`chats list`).
    Command(String),
}

/// What changed, as the spec sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    /// Same method and path, another operationId.
    OperationRenamed { from: String, to: String },
    /// Another tag, so another service.
    OperationMoved { from: String, to: String },
    PathChanged { from: String, to: String },
    ParameterAdded { name: String, required: bool },
    ParameterRemoved { name: String },
    ParameterRequired { name: String, required: bool },
    ParameterTypeChanged { name: String, from: String, to: String },
    /// How a parameter is sent (`explode`, Rails brackets).
    ParameterEncodingChanged { name: String },
    BodyChanged { from: Option<String>, to: Option<String> },
    ResponseChanged { from: String, to: String },
    PaginationAdded,
    PaginationRemoved,
    ScopeChanged { from: Option<String>, to: Option<String> },
    PlanChanged { from: Option<String>, to: Option<String> },
    AuthChanged { required: bool },
    DeprecatedChanged { deprecated: bool },
    /// The method's Rust signature changed for a reason not listed above.
    SignatureChanged { from: String, to: String },
    TypeAdded,
    TypeRemoved,
    TypeKindChanged { from: String, to: String },
    FieldAdded { field: String, required: bool, nullable: bool },
    FieldRemoved { field: String },
    FieldTypeChanged { field: String, from: String, to: String },
    FieldRequired { field: String, required: bool },
    FieldNullable { field: String, nullable: bool },
    FieldReadOnly { field: String, read_only: bool },
    DefaultChanged { derived: bool },
    ConstructorChanged { from: Option<String>, to: Option<String> },
    BuilderRenamed { from: String, to: String },
    EnumValueAdded { value: String },
    EnumValueRemoved { value: String },
    EnumVariantRenamed { value: String, from: String, to: String },
    VariantAdded { variant: String },
    VariantRemoved { variant: String },
    VariantTypeChanged { variant: String, from: String, to: String },
    DecodingChanged,
    AliasChanged { from: String, to: String },
    CommandAdded,
    CommandRemoved,
    CommandRenamed { from: String, to: String },
    FlagAdded { flag: String, required: bool },
    FlagRemoved { flag: String },
    FlagRequired { flag: String, required: bool },
    FlagChanged { flag: String, from: String, to: String },
    PositionalsChanged { from: String, to: String },
    ServersChanged,
    TokenRequiredChanged { required: bool },
    /// Descriptions, examples, defaults or limits of what is listed.
    DocsChanged { parts: Vec<String> },
    /// Anything else in the IR (status codes, decoding details).
    DetailsChanged { parts: Vec<String> },
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub subject: Subject,
    #[serde(flatten)]
    pub kind: Kind,
    pub impact: Impact,
    /// The change in the crate's or the CLI's terms:
    /// "`messages().list_messages()` gains `sort`".
    pub text: String,
    /// Why it is breaking: what stops compiling, or which call fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Every change between two models, in a stable order: the document, then
/// operations in the new spec's order (removed ones after), types by name,
/// then CLI commands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiDiff {
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// The largest impact, `None` when nothing changed.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// How many changes have `impact`.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    /// The changes with `impact`, in order.
    pub fn with(&self, impact: Impact) -> impl Iterator<Item = &Change> + '_ {
        self.changes.iter().filter(move |c| c.impact == impact)
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// What to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Also compare the `pachca` command lines derived from both models
    /// (the Pachca profile; a generic crate has no CLI).
    pub cli: bool,
}

/// The diff of `old` → `new`, the CLI included.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    diff_with(old, new, Options { cli: true })
}

/// The diff of `old` → `new`.
pub fn diff_with(old: &Api, new: &Api, options: Options) -> ApiDiff {
    let sides = Sides { old, new, old_index: TypeIndex::new(old), new_index: TypeIndex::new(new) };
    let mut out = Out::default();
    document(old, new, &mut out);
    let pairs = sides.operations(&mut out);
    sides.types(&mut out);
    if options.cli {
        cli::commands(old, new, &pairs, &mut out);
    }
    ApiDiff { changes: out.changes }
}

#[derive(Default)]
struct Out {
    changes: Vec<Change>,
}

impl Out {
    fn push(&mut self, subject: &Subject, kind: Kind, impact: Impact, text: String) {
        self.changes.push(Change { subject: subject.clone(), kind, impact, text, why: None });
    }

    fn breaking(&mut self, subject: &Subject, kind: Kind, text: String, why: String) {
        self.changes.push(Change { subject: subject.clone(), kind, impact: Impact::Breaking, text, why: Some(why) });
    }

    /// Whether a breaking change about `subject` has been recorded.
    fn has_breaking(&self, subject: &Subject) -> bool {
        self.changes.iter().any(|c| &c.subject == subject && c.impact == Impact::Breaking)
    }
}

fn document(old: &Api, new: &Api, out: &mut Out) {
    let subject = Subject::Api;
    if old.servers.iter().map(|s| &s.url).ne(new.servers.iter().map(|s| &s.url)) {
        let urls = |api: &Api| api.servers.first().map(|s| format!("`{}`", s.url)).unwrap_or_else(|| "none".to_owned());
        out.push(
            &subject,
            Kind::ServersChanged,
            Impact::Compatible,
            format!("the default base URL changes from {} to {}", urls(old), urls(new)),
        );
    }
    if old.token_required != new.token_required {
        let text = if new.token_required { "the client now requires a token" } else { "the client no longer requires a token" };
        let kind = Kind::TokenRequiredChanged { required: new.token_required };
        if new.token_required {
            out.breaking(&subject, kind, text.to_owned(), "`Client::builder().build()` without a token now fails".to_owned());
        } else {
            out.push(&subject, kind, Impact::Compatible, text.to_owned());
        }
    }
    let mut parts = Vec::new();
    if old.title != new.title || old.version != new.version {
        parts.push(format!("spec `{} {}` → `{} {}`", old.title, old.version, new.title, new.version));
    }
    if old.description != new.description {
        parts.push("description".to_owned());
    }
    if old.servers != new.servers && old.servers.iter().map(|s| &s.url).eq(new.servers.iter().map(|s| &s.url)) {
        parts.push("servers".to_owned());
    }
    if !parts.is_empty() {
        out.push(&subject, Kind::DocsChanged { parts: parts.clone() }, Impact::Docs, format!("crate docs: {}", parts.join(", ")));
    }
}

struct Sides<'a> {
    old: &'a Api,
    new: &'a Api,
    old_index: TypeIndex<'a>,
    new_index: TypeIndex<'a>,
}

/// `(old, new)` operationIds of the operations present in both.
type Pairs = Vec<(String, String)>;

fn service_of<'a>(api: &'a Api, op: &Operation) -> &'a str {
    api.services.iter().find(|s| s.operations.iter().any(|o| o.id == op.id)).map(|s| s.module.as_str()).unwrap_or("")
}

fn code(s: &str) -> String {
    format!("`{}`", s.trim_start_matches("r#"))
}

fn signature(s: &OpSurface) -> String {
    let args: Vec<String> = s.args.iter().map(|(n, t)| format!("{}: {t}", n.trim_start_matches("r#"))).collect();
    format!("{}({}) -> {}", s.method.trim_start_matches("r#"), args.join(", "), s.ret)
}

impl<'a> Sides<'a> {
    /// Operations: matched by operationId, then by method and path (a
    /// rename); the rest are added or removed.
    fn operations(&self, out: &mut Out) -> Pairs {
        let old_ops: Vec<&Operation> = self.old.operations().collect();
        let new_ops: Vec<&Operation> = self.new.operations().collect();
        let mut matched_old: BTreeSet<&str> = BTreeSet::new();
        let mut pairs = Vec::new();
        for n in &new_ops {
            let by_id = old_ops.iter().find(|o| o.id == n.id);
            let by_route = || {
                old_ops.iter().find(|o| {
                    o.http_method == n.http_method
                        && o.path == n.path
                        && !new_ops.iter().any(|x| x.id == o.id)
                        && !matched_old.contains(o.id.as_str())
                })
            };
            match by_id.or_else(by_route) {
                Some(o) => {
                    matched_old.insert(o.id.as_str());
                    pairs.push((o.id.clone(), n.id.clone()));
                    self.operation(o, n, out);
                }
                None => {
                    let s = surface::operation(service_of(self.new, n), n);
                    let subject = Subject::Operation(n.id.clone());
                    let streams = if s.streams { format!(" (with `{0}_stream` and `{0}_all`)", s.method.trim_start_matches("r#")) } else { String::new() };
                    let text = format!("new method `{}`{streams}: `{} {}`", s.call(), n.http_method.as_str(), n.path);
                    out.push(&subject, Kind::OperationAdded, Impact::Compatible, text);
                }
            }
        }
        for o in old_ops.iter().filter(|o| !matched_old.contains(o.id.as_str())) {
            let s = surface::operation(service_of(self.old, o), o);
            let subject = Subject::Operation(o.id.clone());
            let text = format!("`{}` is removed (`{} {}`)", s.call(), o.http_method.as_str(), o.path);
            out.breaking(&subject, Kind::OperationRemoved, text, "calls of the method no longer compile".to_owned());
        }
        pairs
    }

    fn operation(&self, o: &Operation, n: &Operation, out: &mut Out) {
        let subject = Subject::Operation(n.id.clone());
        let (os, ns) = (surface::operation(service_of(self.old, o), o), surface::operation(service_of(self.new, n), n));
        let call = format!("`{}`", ns.call());
        if o.id != n.id {
            let kind = Kind::OperationRenamed { from: o.id.clone(), to: n.id.clone() };
            if os.call() != ns.call() {
                let text = format!("`{}` is now {call} (operationId `{}` → `{}`)", os.call(), o.id, n.id);
                out.breaking(&subject, kind, text, format!("calls of `{}` no longer compile", os.call()));
            } else {
                out.push(&subject, kind, Impact::Compatible, format!("{call}: operationId `{}` → `{}` (in errors)", o.id, n.id));
            }
        } else if os.service != ns.service {
            let text = format!("`{}` moves to {call}", os.call());
            let kind = Kind::OperationMoved { from: o.tag.clone(), to: n.tag.clone() };
            out.breaking(&subject, kind, text, format!("calls of `{}` no longer compile", os.call()));
        }
        if o.path != n.path {
            let kind = Kind::PathChanged { from: o.path.clone(), to: n.path.clone() };
            out.push(&subject, kind, Impact::Compatible, format!("{call} is sent to `{}` (was `{}`)", n.path, o.path));
        }
        self.parameters(o, n, &os, &ns, &subject, out);
        self.body_and_response(o, n, &os, &ns, &subject, out);
        access(o, n, &call, &subject, out);
        // The safety net: a signature change no rule above explained.
        if (os.args != ns.args || os.ret != ns.ret) && !out.has_breaking(&subject) {
            let kind = Kind::SignatureChanged { from: signature(&os), to: signature(&ns) };
            let text = format!("{call} changes: `{}` → `{}`", signature(&os), signature(&ns));
            out.breaking(&subject, kind, text, "calls written for the old signature no longer compile".to_owned());
        }
        let parts = operation_docs(o, n);
        if !parts.is_empty() {
            out.push(&subject, Kind::DocsChanged { parts: parts.clone() }, Impact::Docs, format!("{call}: docs of {}", parts.join(", ")));
        }
        let details = operation_details(o, n, os.ret == ns.ret);
        if !details.is_empty() {
            let text = format!("{call}: {} change", details.join(", "));
            out.push(&subject, Kind::DetailsChanged { parts: details }, Impact::Compatible, text);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn parameters(&self, o: &Operation, n: &Operation, os: &OpSurface, ns: &OpSurface, subject: &Subject, out: &mut Out) {
        let call = format!("`{}`", ns.call());
        // The params struct disappears with its last optional parameter.
        let gone = match (&os.params, &ns.params) {
            (Some((name, _)), None) => format!(" (`{name}` is gone)"),
            _ => String::new(),
        };
        let key = |p: &crate::ir::Param| (p.location, p.name.clone());
        let old_params: BTreeMap<_, _> = o.params.iter().map(|p| (key(p), p)).collect();
        for p in &n.params {
            let name = code(&p.rust_name);
            match old_params.get(&key(p)) {
                None => {
                    let kind = Kind::ParameterAdded { name: p.name.clone(), required: p.required };
                    match (p.location, p.required) {
                        (ParamLocation::Header, _) => {
                            let text = format!("{call}: new header parameter `{}` (not sent by the SDK)", p.name);
                            out.push(subject, kind, Impact::Compatible, text);
                        }
                        (_, true) => out.breaking(
                            subject,
                            kind,
                            format!("{call} gains the required argument {name}"),
                            "calls without the new argument no longer compile".to_owned(),
                        ),
                        (_, false) => match (&os.params, &ns.params) {
                            (Some(_), Some((params, _))) => out.push(
                                subject,
                                kind,
                                Impact::Compatible,
                                format!("{call} gains {name} (`{params}::{}`)", p.rust_name.trim_start_matches("r#")),
                            ),
                            (_, params) => {
                                let params = params.as_ref().map(|(n, _)| n.as_str()).unwrap_or("params");
                                out.breaking(
                                    subject,
                                    kind,
                                    format!("{call} gains {name} and with it the argument `params: {params}`"),
                                    "calls without the new argument no longer compile".to_owned(),
                                );
                            }
                        },
                    }
                }
                Some(old) => {
                    if old.required != p.required && p.location != ParamLocation::Header {
                        let (from, to) = if p.required { ("optional", "a required argument") } else { ("required", "optional") };
                        let kind = Kind::ParameterRequired { name: p.name.clone(), required: p.required };
                        let where_to = if p.required { to.to_owned() } else { format!("{to}, in `{}`", ns.params.as_ref().map(|(n, _)| n.as_str()).unwrap_or("params")) };
                        out.breaking(
                            subject,
                            kind,
                            format!("{call}: {name} was {from}, now {where_to}{gone}"),
                            "the argument moves between the method and its params struct".to_owned(),
                        );
                    } else if old.ty != p.ty {
                        let (from, to) = (surface::text(&old.ty), surface::text(&p.ty));
                        let kind = Kind::ParameterTypeChanged { name: p.name.clone(), from: from.clone(), to: to.clone() };
                        if from != to && p.location != ParamLocation::Header {
                            out.breaking(subject, kind, format!("{call}: {name} is `{to}` (was `{from}`)"), "values of the old type no longer compile".to_owned());
                        } else {
                            out.push(subject, kind, Impact::Compatible, format!("{call}: {name} changes its format (`{to}` in Rust as before)"));
                        }
                    }
                    if old.explode != p.explode || old.brackets != p.brackets {
                        let kind = Kind::ParameterEncodingChanged { name: p.name.clone() };
                        out.push(subject, kind, Impact::Compatible, format!("{call}: {name} is sent in another form on the wire"));
                    }
                }
            }
        }
        let new_keys: BTreeSet<_> = n.params.iter().map(key).collect();
        for p in o.params.iter().filter(|p| !new_keys.contains(&key(p))) {
            let kind = Kind::ParameterRemoved { name: p.name.clone() };
            if p.location == ParamLocation::Header {
                out.push(subject, kind, Impact::Compatible, format!("{call}: header parameter `{}` is gone", p.name));
            } else {
                let why = if p.required { "calls passing it no longer compile" } else { "code setting it no longer compiles" };
                out.breaking(subject, kind, format!("{call} loses {}{gone}", code(&p.rust_name)), why.to_owned());
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn body_and_response(&self, o: &Operation, n: &Operation, os: &OpSurface, ns: &OpSurface, subject: &Subject, out: &mut Out) {
        let call = format!("`{}`", ns.call());
        let body_arg = |s: &OpSurface| s.args.iter().find(|(n, _)| n == "body").map(|(_, t)| t.clone());
        let (ob, nb) = (body_arg(os), body_arg(ns));
        if ob != nb || o.body.as_ref().map(|b| b.media) != n.body.as_ref().map(|b| b.media) {
            let text = match (&ob, &nb) {
                (None, Some(t)) => format!("{call} takes a body `{t}`"),
                (Some(_), None) => format!("{call} no longer takes a body"),
                (Some(f), Some(t)) if f != t => format!("{call} takes `{t}` (was `{f}`)"),
                _ => format!("{call}: the body's media type changes"),
            };
            let kind = Kind::BodyChanged { from: ob.clone(), to: nb.clone() };
            if ob != nb || os.args != ns.args {
                out.breaking(subject, kind, text, "calls passing the old body no longer compile".to_owned());
            } else {
                out.push(subject, kind, Impact::Compatible, text);
            }
        }
        match (&o.pagination, &n.pagination) {
            (None, Some(_)) => {
                let plain = ns.method.trim_start_matches("r#");
                let text = format!("{call} is paginated: `{plain}_stream` and `{plain}_all` follow the cursor");
                if os.ret != ns.ret {
                    let text = format!("{text}; it returns `{}` (was `{}`)", ns.ret, os.ret);
                    out.breaking(subject, Kind::PaginationAdded, text, "code using the old return type no longer compiles".to_owned());
                } else {
                    out.push(subject, Kind::PaginationAdded, Impact::Compatible, text);
                }
            }
            (Some(_), None) => {
                let plain = os.method.trim_start_matches("r#");
                let text = format!("{call} is no longer paginated: `{plain}_stream` and `{plain}_all` are removed");
                out.breaking(subject, Kind::PaginationRemoved, text, "calls of the stream methods no longer compile".to_owned());
            }
            _ => {
                if os.ret != ns.ret {
                    let kind = Kind::ResponseChanged { from: os.ret.clone(), to: ns.ret.clone() };
                    let text = format!("{call} returns `{}` (was `{}`)", ns.ret, os.ret);
                    out.breaking(subject, kind, text, "code using the old return type no longer compiles".to_owned());
                }
            }
        }
        if o.external_url != n.external_url && os.args == ns.args {
            let parts = vec!["upload URL".to_owned()];
            out.push(subject, Kind::DetailsChanged { parts }, Impact::Compatible, format!("{call}: the upload URL's field changes"));
        }
    }

    /// Types: by name. A type's surface (fields, derives, constructor)
    /// decides what is breaking.
    fn types(&self, out: &mut Out) {
        let old_types: BTreeMap<&str, &TypeDef> = self.old.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let new_types: BTreeMap<&str, &TypeDef> = self.new.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let names: BTreeSet<&str> = old_types.keys().chain(new_types.keys()).copied().collect();
        for name in names {
            let subject = Subject::Type(name.to_owned());
            match (old_types.get(name), new_types.get(name)) {
                (None, Some(n)) => {
                    out.push(&subject, Kind::TypeAdded, Impact::Compatible, format!("new type `{name}` ({})", kind_name(&n.kind)));
                }
                (Some(_), None) => {
                    out.breaking(&subject, Kind::TypeRemoved, format!("`{name}` is removed"), "code naming the type no longer compiles".to_owned());
                }
                (Some(o), Some(n)) => self.type_def(o, n, &subject, out),
                (None, None) => {}
            }
        }
    }

    fn type_def(&self, o: &TypeDef, n: &TypeDef, subject: &Subject, out: &mut Out) {
        let name = code(&n.name);
        let (os, ns) = (surface::type_def(&self.old_index, o), surface::type_def(&self.new_index, n));
        match (&o.kind, &n.kind) {
            (TypeKind::Struct { fields: of }, TypeKind::Struct { fields: nf }) => self.fields(n, of, nf, &os, &ns, subject, out),
            (TypeKind::Enum { values: ov, .. }, TypeKind::Enum { values: nv, .. }) => {
                for v in nv {
                    match ov.iter().find(|x| x.value == v.value) {
                        None => out.push(
                            subject,
                            Kind::EnumValueAdded { value: v.value.clone() },
                            Impact::Compatible,
                            format!("{name} gains `{}` (`{}`)", v.variant, v.value),
                        ),
                        Some(old) if old.variant != v.variant => out.breaking(
                            subject,
                            Kind::EnumVariantRenamed { value: v.value.clone(), from: old.variant.clone(), to: v.variant.clone() },
                            format!("`{}::{}` is now `{}::{}`", n.name, old.variant, n.name, v.variant),
                            "code naming the old variant no longer compiles".to_owned(),
                        ),
                        Some(_) => {}
                    }
                }
                for v in ov.iter().filter(|v| !nv.iter().any(|x| x.value == v.value)) {
                    out.breaking(
                        subject,
                        Kind::EnumValueRemoved { value: v.value.clone() },
                        format!("{name} loses `{}` (`{}`)", v.variant, v.value),
                        "code naming the variant no longer compiles (the value now decodes as `Unknown`)".to_owned(),
                    );
                }
            }
            (TypeKind::Union(ou), TypeKind::Union(nu)) => {
                let (TypeSurface::Union { variants: ovs }, TypeSurface::Union { variants: nvs }) = (&os, &ns) else { return };
                for (v, ty) in nvs {
                    match ovs.iter().find(|(x, _)| x == v) {
                        None => out.push(
                            subject,
                            Kind::VariantAdded { variant: v.clone() },
                            Impact::Compatible,
                            format!("{name} gains the variant `{v}({ty})`"),
                        ),
                        Some((_, old_ty)) if old_ty != ty => out.breaking(
                            subject,
                            Kind::VariantTypeChanged { variant: v.clone(), from: old_ty.clone(), to: ty.clone() },
                            format!("`{}::{v}` holds `{ty}` (was `{old_ty}`)", n.name),
                            "matches on the variant's value no longer compile".to_owned(),
                        ),
                        Some(_) => {}
                    }
                }
                for (v, _) in ovs.iter().filter(|(v, _)| !nvs.iter().any(|(x, _)| x == v)) {
                    out.breaking(
                        subject,
                        Kind::VariantRemoved { variant: v.clone() },
                        format!("{name} loses the variant `{v}`"),
                        "code naming the variant no longer compiles".to_owned(),
                    );
                }
                let tags = |u: &crate::ir::Union| u.variants.iter().map(|v| (v.tags.clone(), v.required.clone(), v.properties.clone())).collect::<Vec<_>>();
                if ou.decoding != nu.decoding || tags(ou) != tags(nu) {
                    out.push(subject, Kind::DecodingChanged, Impact::Compatible, format!("{name} is decoded by other rules (see its docs)"));
                }
            }
            _ if os != ns => {
                let kind = Kind::TypeKindChanged { from: kind_name(&o.kind).to_owned(), to: kind_name(&n.kind).to_owned() };
                let text = match (&os, &ns) {
                    (TypeSurface::Alias { target: f }, TypeSurface::Alias { target: t }) => {
                        let kind = Kind::AliasChanged { from: f.clone(), to: t.clone() };
                        out.breaking(subject, kind, format!("{name} is `{t}` (was `{f}`)"), "code using the old type no longer compiles".to_owned());
                        return self.type_docs(o, n, subject, out);
                    }
                    _ => format!("{name} is now {} (was {})", kind_name(&n.kind), kind_name(&o.kind)),
                };
                out.breaking(subject, kind, text, "code using the old type no longer compiles".to_owned());
            }
            _ => {}
        }
        if o.deprecated != n.deprecated {
            let text = format!("{name} is {}deprecated", if n.deprecated { "" } else { "no longer " });
            out.push(subject, Kind::DeprecatedChanged { deprecated: n.deprecated }, Impact::Compatible, text);
        }
        self.type_docs(o, n, subject, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn fields(
        &self,
        def: &TypeDef,
        of: &[crate::ir::Field],
        nf: &[crate::ir::Field],
        os: &TypeSurface,
        ns: &TypeSurface,
        subject: &Subject,
        out: &mut Out,
    ) {
        let name = code(&def.name);
        let ctor_text = |s: &TypeSurface| {
            s.constructor().map(|args| {
                let args: Vec<String> = args.iter().map(|(n, t)| format!("{}: {t}", n.trim_start_matches("r#"))).collect();
                format!("new({})", args.join(", "))
            })
        };
        let (oc, nc) = (ctor_text(os), ctor_text(ns));
        let ctor_breaks = oc.is_some() && oc != nc;
        for f in nf {
            let field = code(&f.rust_name);
            let (_, new_ty) = ns.field(&f.name).unwrap_or_default();
            match of.iter().find(|x| x.name == f.name) {
                None => {
                    let kind = Kind::FieldAdded { field: f.name.clone(), required: f.required, nullable: f.nullable };
                    let builder = match ns {
                        TypeSurface::Struct { builder, .. } if !new_ty.starts_with("Option<") && !new_ty.starts_with("Nullable<") => {
                            format!("; `{builder}::build` now requires it")
                        }
                        _ => String::new(),
                    };
                    let text = format!("{name} gains {field} (`{new_ty}`{builder})");
                    let in_ctor = ns.constructor().is_some_and(|args| args.iter().any(|(a, _)| a == &f.rust_name));
                    if ctor_breaks && in_ctor {
                        let why = format!("`{}::new` takes it as a new argument", def.name);
                        out.breaking(subject, kind, text, why);
                    } else {
                        out.push(subject, kind, Impact::Compatible, text);
                    }
                }
                Some(old) => {
                    let (old_name, old_ty) = os.field(&f.name).unwrap_or_default();
                    let kind = if old.ty != f.ty {
                        Kind::FieldTypeChanged { field: f.name.clone(), from: old_ty.to_owned(), to: new_ty.to_owned() }
                    } else if old.required != f.required {
                        Kind::FieldRequired { field: f.name.clone(), required: f.required }
                    } else if old.nullable != f.nullable {
                        Kind::FieldNullable { field: f.name.clone(), nullable: f.nullable }
                    } else if old.read_only != f.read_only {
                        Kind::FieldReadOnly { field: f.name.clone(), read_only: f.read_only }
                    } else if old_ty != new_ty || old_name != f.rust_name {
                        Kind::FieldTypeChanged { field: f.name.clone(), from: old_ty.to_owned(), to: new_ty.to_owned() }
                    } else {
                        if old.deprecated != f.deprecated {
                            let text = format!("{name}: {field} is {}deprecated", if f.deprecated { "" } else { "no longer " });
                            out.push(subject, Kind::DeprecatedChanged { deprecated: f.deprecated }, Impact::Compatible, text);
                        }
                        continue;
                    };
                    let what = match &kind {
                        Kind::FieldRequired { required: true, .. } => "becomes required",
                        Kind::FieldRequired { .. } => "becomes optional",
                        Kind::FieldNullable { nullable: true, .. } => "becomes nullable",
                        Kind::FieldNullable { .. } => "is no longer nullable",
                        Kind::FieldReadOnly { read_only: true, .. } => "becomes read-only",
                        Kind::FieldReadOnly { .. } => "is no longer read-only",
                        _ => "changes type",
                    };
                    if old_ty != new_ty || old_name != f.rust_name {
                        let text = format!("{name}: {field} {what}: `{new_ty}` (was `{old_ty}`)");
                        out.breaking(subject, kind, text, "code reading or setting the field as before no longer compiles".to_owned());
                    } else {
                        let in_ctor = |s: &TypeSurface| s.constructor().is_some_and(|a| a.iter().any(|(a, _)| a == &f.rust_name));
                        let text = format!("{name}: {field} {what} (`{new_ty}` as before)");
                        if ctor_breaks && in_ctor(os) != in_ctor(ns) {
                            out.breaking(subject, kind, text, format!("`{}::new` takes other arguments", def.name));
                        } else {
                            out.push(subject, kind, Impact::Compatible, text);
                        }
                    }
                }
            }
        }
        for f in of.iter().filter(|f| !nf.iter().any(|x| x.name == f.name)) {
            out.breaking(
                subject,
                Kind::FieldRemoved { field: f.name.clone() },
                format!("{name} loses {}", code(&f.rust_name)),
                "code reading or setting the field no longer compiles".to_owned(),
            );
        }
        let (TypeSurface::Struct { default: od, builder: ob, .. }, TypeSurface::Struct { default: nd, builder: nb, .. }) = (os, ns) else {
            return;
        };
        if od != nd {
            let kind = Kind::DefaultChanged { derived: *nd };
            if *nd {
                out.push(subject, kind, Impact::Compatible, format!("{name} implements `Default`"));
            } else {
                out.breaking(subject, kind, format!("{name} no longer implements `Default`"), "`Default::default()` no longer compiles".to_owned());
            }
        }
        if oc != nc && !(ctor_breaks && out.has_breaking(subject)) {
            let kind = Kind::ConstructorChanged { from: oc.clone(), to: nc.clone() };
            match (&oc, &nc) {
                (None, Some(t)) => out.push(subject, kind, Impact::Compatible, format!("{name} gains `{t}`")),
                (Some(_), None) => out.breaking(subject, kind, format!("{name} loses `new`"), "calls of `new` no longer compile".to_owned()),
                (Some(f), Some(t)) => {
                    out.breaking(subject, kind, format!("{name}: `{t}` (was `{f}`)"), "calls of `new` no longer compile".to_owned())
                }
                (None, None) => {}
            }
        }
        if ob != nb {
            let kind = Kind::BuilderRenamed { from: ob.clone(), to: nb.clone() };
            out.breaking(subject, kind, format!("{name}'s builder is `{nb}` (was `{ob}`)"), "code naming the builder type no longer compiles".to_owned());
        }
    }

    fn type_docs(&self, o: &TypeDef, n: &TypeDef, subject: &Subject, out: &mut Out) {
        let mut parts = Vec::new();
        if o.description != n.description || o.example != n.example || o.record_key_example != n.record_key_example {
            parts.push("the type".to_owned());
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Struct { fields: of }, TypeKind::Struct { fields: nf }) => {
                for f in nf {
                    if let Some(old) = of.iter().find(|x| x.name == f.name) {
                        if field_docs(old) != field_docs(f) {
                            parts.push(code(&f.rust_name));
                        }
                    }
                }
            }
            (TypeKind::Enum { values: ov, .. }, TypeKind::Enum { values: nv, .. }) => {
                for v in nv {
                    if ov.iter().any(|x| x.value == v.value && x.description != v.description) {
                        parts.push(format!("`{}`", v.variant));
                    }
                }
            }
            _ => {}
        }
        if !parts.is_empty() {
            let text = format!("`{}`: docs of {}", n.name, parts.join(", "));
            out.push(subject, Kind::DocsChanged { parts }, Impact::Docs, text);
        }
    }
}

type FieldDocs<'f> = (&'f Option<String>, &'f Option<crate::ir::Json>, &'f Option<crate::ir::Json>, &'f crate::ir::Constraints, &'f Option<String>, &'f Option<String>);

fn field_docs(f: &crate::ir::Field) -> FieldDocs<'_> {
    (&f.description, &f.example, &f.default, &f.constraints, &f.format, &f.record_key_example)
}

type ParamDocs<'p> = (&'p Option<String>, &'p Option<crate::ir::Json>, &'p Option<crate::ir::Json>, &'p Option<crate::ir::Json>, &'p crate::ir::Constraints, bool);

fn param_docs(p: &crate::ir::Param) -> ParamDocs<'_> {
    (&p.description, &p.default, &p.example, &p.schema_example, &p.constraints, p.deprecated)
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::Enum { .. } => "an enum",
        TypeKind::Union(_) => "a union",
        TypeKind::Map { .. } => "a map",
        TypeKind::Alias { .. } => "an alias",
    }
}

/// Scope, plan, authentication and deprecation: the Rust API stays.
fn access(o: &Operation, n: &Operation, call: &str, subject: &Subject, out: &mut Out) {
    let show = |s: &Option<String>| s.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "none".to_owned());
    if o.auth.scope != n.auth.scope {
        let kind = Kind::ScopeChanged { from: o.auth.scope.clone(), to: n.auth.scope.clone() };
        let text = format!("{call} needs the scope {} (was {})", show(&n.auth.scope), show(&o.auth.scope));
        out.push(subject, kind, Impact::Compatible, text);
    }
    if o.auth.plan != n.auth.plan {
        let kind = Kind::PlanChanged { from: o.auth.plan.clone(), to: n.auth.plan.clone() };
        out.push(subject, kind, Impact::Compatible, format!("{call} needs the plan {} (was {})", show(&n.auth.plan), show(&o.auth.plan)));
    }
    if o.auth.required != n.auth.required {
        let text = if n.auth.required { format!("{call} now sends the token") } else { format!("{call} no longer sends the token") };
        out.push(subject, Kind::AuthChanged { required: n.auth.required }, Impact::Compatible, text);
    }
    if o.deprecated != n.deprecated {
        let text = format!("{call} is {}deprecated", if n.deprecated { "" } else { "no longer " });
        out.push(subject, Kind::DeprecatedChanged { deprecated: n.deprecated }, Impact::Compatible, text);
    }
}

/// What of an operation's documentation differs.
fn operation_docs(o: &Operation, n: &Operation) -> Vec<String> {
    let mut parts = Vec::new();
    if o.summary != n.summary || o.description != n.description {
        parts.push("the method".to_owned());
    }
    for p in &n.params {
        if let Some(old) = o.params.iter().find(|x| x.location == p.location && x.name == p.name) {
            if param_docs(old) != param_docs(p) {
                parts.push(code(&p.rust_name));
            }
        }
    }
    let body_docs = |op: &Operation| op.body.as_ref().map(|b| (b.description.clone(), b.example.clone()));
    if body_docs(o) != body_docs(n) {
        parts.push("the body".to_owned());
    }
    if o.response.description != n.response.description || o.response.example != n.response.example {
        parts.push("the response".to_owned());
    }
    if o.errors != n.errors {
        parts.push("the errors".to_owned());
    }
    parts
}

/// IR differences of an operation that neither change its Rust surface nor
/// its docs, and that the rules above do not name (status codes, limits).
fn operation_details(o: &Operation, n: &Operation, same_ret: bool) -> Vec<String> {
    let mut parts = Vec::new();
    if same_ret && o.pagination.is_some() == n.pagination.is_some() && o.response.body != n.response.body {
        parts.push("response decoding".to_owned());
    }
    if o.response.status != n.response.status {
        parts.push(format!("success status {} → {}", o.response.status, n.response.status));
    }
    let page = |op: &Operation| op.pagination.as_ref().map(|p| (p.limit_param.clone(), p.limit_max, p.next_cursor.clone(), p.cursor_param.clone()));
    if o.pagination.is_some() && n.pagination.is_some() && page(o) != page(n) {
        parts.push("pagination limits".to_owned());
    }
    parts
}

#[cfg(test)]
mod tests;
