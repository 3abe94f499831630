//! The intermediate representation: plain data describing the API, built once
//! by [`crate::lower`] and read by every renderer.
//!
//! Nothing here refers to `openapiv3`. Names are computed once, during
//! lowering: type names are unique `PascalCase`, field and method names are
//! `snake_case` with Rust keywords escaped (`r#type`), enum variants are
//! `PascalCase` and unique within their enum. Collections are ordered
//! deterministically (spec order for operations and fields, name order for
//! types) so the serialised IR is a stable, reviewable snapshot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A JSON value from the spec (examples, defaults).
pub type Json = serde_json::Value;

/// The whole API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// One service per tag, in the order the spec declares tags.
    pub services: Vec<Service>,
    /// Every named type: component schemas and extracted inline types, by name.
    pub types: Vec<TypeDef>,
    /// Whether some operation declares a security requirement (its own or
    /// the document's `security`), so that a client needs a token.
    pub token_required: bool,
}

impl Api {
    /// Every operation, service by service.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> + '_ {
        self.services.iter().flat_map(|s| &s.operations)
    }
}

/// A server from `servers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
}

/// Operations grouped by their first tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// The tag as written in the spec (`Group tags`).
    pub tag: String,
    /// `snake_case` accessor name (`group_tags`).
    pub module: String,
    /// `PascalCase` type name (`GroupTags`).
    pub type_name: String,
    pub description: Option<String>,
    pub operations: Vec<Operation>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The spec's `operationId` (`ChatOperations_listChats`).
    pub id: String,
    /// `snake_case` method name (`list_chats`).
    pub method_name: String,
    /// `PascalCase` stem for types derived from this operation (`ListChats`).
    pub type_stem: String,
    pub tag: String,
    pub http_method: HttpMethod,
    /// The path template as written (`/chats/{id}`).
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// First line of the description (the upstream's summary convention) or `summary`.
    pub summary: Option<String>,
    /// The rest of the description.
    pub description: Option<String>,
    /// Path, query and header parameters in spec order.
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: SuccessResponse,
    /// Non-2xx responses with their bodies, by status.
    pub errors: Vec<ErrorResponse>,
    pub pagination: Option<Pagination>,
    pub auth: Auth,
    /// `x-external-url`: the request goes to a caller-supplied URL named by this value.
    pub external_url: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Whether repeating the request is safe (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathPart {
    Literal(String),
    /// A parameter, by its wire name.
    Param(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The wire name (`sort[field]`, `chat_ids[]`).
    pub name: String,
    /// `snake_case` Rust identifier (keywords escaped).
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
    /// The `example` of the parameter's schema, when it has one of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_example: Option<Json>,
    /// For arrays: `true` repeats the name per item, `false` joins with commas.
    pub explode: bool,
    /// For arrays: sent as `name[]=v` per item, whatever `explode` says (the
    /// Pachca API's Rails convention; see `lower::conventions`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub brackets: bool,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// Numeric and length limits from the schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Json,
    Multipart,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub media: MediaType,
    pub required: bool,
    /// The body type (always a named type for JSON and multipart bodies).
    pub ty: TypeRef,
    pub description: Option<String>,
    /// Set when the body is `{"<field>": {...}}` with that one required field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapper: Option<Wrapper>,
    /// The media type's `example`: a whole request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
}

/// The single-field wrapper object around a request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wrapper {
    /// The wrapper's field on the wire (`message`).
    pub field: String,
    /// The wrapped type.
    pub inner: TypeRef,
}

/// The success (2xx/3xx) response of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccessResponse {
    pub status: u16,
    pub description: Option<String>,
    pub body: ResponseBody,
    /// The media type's `example`: a whole response body, envelope included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
}

/// What a success response carries, with the `data` envelope unwrapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ResponseBody {
    /// No body (`204`, `201` without content).
    Empty,
    /// `{"data": T}`: the operation returns `T`.
    Data {
        ty: TypeRef,
        /// The body itself may be JSON `null` (e.g. no status set).
        nullable: bool,
    },
    /// `{"data": [T], "meta": M}`: a page of `T`.
    List { item: TypeRef, meta: Option<TypeRef> },
    /// A JSON body without the envelope.
    Json { ty: TypeRef, nullable: bool },
    /// A redirect; the result is the URL in `Location`.
    Redirect { header: String },
}

/// An error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub status: u16,
    pub description: Option<String>,
    /// The body's possible types (several for `anyOf`), usually types with `x-error: true`.
    pub types: Vec<TypeRef>,
}

/// Cursor pagination (`x-paginated: true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// Query parameter carrying the cursor (wire name).
    pub cursor_param: String,
    /// Query parameter with the page size (wire name), if any.
    pub limit_param: Option<String>,
    /// The largest page size the API accepts.
    pub limit_max: Option<i64>,
    /// The item type of each page.
    pub item: TypeRef,
    /// The `meta` type of the list response.
    pub meta: TypeRef,
    /// Field path inside `meta` to the next cursor (`["paginate", "next_page"]`).
    pub next_cursor: Vec<String>,
}

/// Authentication and access requirements (`x-requirements`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// `false` for `x-requirements.auth: false` (no `Authorization` header).
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TypeRef {
    String,
    /// `format: date-time` (RFC 3339).
    DateTime,
    /// `format: date` (`YYYY-MM-DD`).
    Date,
    /// `format: time` (`hh:mm` / `hh:mm:ss`).
    Time,
    /// `format: uri`/`url`.
    Uri,
    /// `format: binary`: raw bytes (multipart file parts).
    Binary,
    /// `integer`; `bits` is 32 for `int32`, 64 otherwise.
    Integer { bits: u8 },
    /// `number`.
    Number,
    Boolean,
    /// Any JSON value (`{}` or an object with `additionalProperties: {}` only).
    Any,
    /// A named type from [`Api::types`].
    Named { name: String },
    Array { items: Box<TypeRef> },
    /// A string-keyed map (`additionalProperties`).
    Map { values: Box<TypeRef> },
}

impl TypeRef {
    pub fn named(name: impl Into<String>) -> Self {
        TypeRef::Named { name: name.into() }
    }

    /// The named type this refers to, if any.
    pub fn as_named(&self) -> Option<&str> {
        match self {
            TypeRef::Named { name } => Some(name),
            _ => None,
        }
    }
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// Unique `PascalCase` Rust name.
    pub name: String,
    pub source: TypeSource,
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
    /// `x-error: true`: the body of error responses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_error: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// `x-record-key-example`: an example key for map-typed fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_key_example: Option<String>,
    pub kind: TypeKind,
}

/// Where a named type came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum TypeSource {
    /// `#/components/schemas/<name>`.
    Component { name: String },
    /// An inline schema, extracted and named after its parent; the pointer says where.
    Inline { pointer: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TypeKind {
    /// An object with known properties (all `allOf` members merged).
    Struct { fields: Vec<Field> },
    /// A closed set of values, with a forward-compatible fallback in renderers.
    Enum { repr: EnumRepr, values: Vec<EnumValue> },
    /// `anyOf`/`oneOf` over named types.
    Union(Union),
    /// `additionalProperties` without fixed properties.
    Map { values: TypeRef },
    /// Another name for a type (e.g. a named array).
    Alias { target: TypeRef },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    String,
    Integer,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value on the wire, as text.
    pub value: String,
    /// Unique `PascalCase` variant name.
    pub variant: String,
    /// From `x-enum-descriptions`.
    pub description: Option<String>,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// `snake_case` Rust identifier, keywords escaped (`r#type`).
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    pub description: Option<String>,
    /// The original `format`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Json>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// `x-record-key-example`: an example key of a map-typed field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_key_example: Option<String>,
    /// The field's type contains its owner without an array or map in
    /// between (a recursive type): renderers put it behind a pointer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
}

/// `anyOf`/`oneOf` over named types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// How a payload is matched to a variant.
    pub decoding: UnionDecoding,
}

/// One member of a union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnionVariant {
    /// `PascalCase` variant name, unique within the union.
    pub variant: String,
    pub ty: TypeRef,
    /// Single-valued (literal) required properties of the member: tag → value.
    pub tags: BTreeMap<String, String>,
    /// Required property names of the member (for structural matching).
    pub required: Vec<String>,
    /// All property names of the member.
    pub properties: Vec<String>,
}

/// The decoding strategy of a union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "strategy")]
pub enum UnionDecoding {
    /// Decode by the value of `property`. When several variants share a value,
    /// the one whose other tags (e.g. `event`) all match wins, then the one
    /// with no further tags.
    Tagged {
        property: String,
        /// `true` when inferred from literal properties rather than declared.
        inferred: bool,
    },
    /// No tag: try variants in `order` (indices into `variants`), the most
    /// specific (most required properties) first, a variant matching when all
    /// its required properties are present; empty objects last.
    Structural { order: Vec<usize> },
}

/// Reads back an IR written by `cargo xtask generate`
/// (`generated/ir/pachca.ir.yaml`): the model the committed crates were
/// generated from, for diffs against a new spec.
pub fn from_yaml(text: &str) -> Result<Api, crate::load::yaml::YamlError> {
    crate::load::yaml::from_str(text)
}
