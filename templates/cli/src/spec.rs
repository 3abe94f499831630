//! The shape of the generated command table (`commands.rs`): what each
//! command is called, what it sends, and which flags it takes.

/// One generated command: an API operation.
#[derive(Debug)]
pub struct CommandSpec {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// First word (`chats`).
    pub group: &'static str,
    /// Second word (`create`).
    pub action: &'static str,
    /// Old `group action` names that still work, hidden from help.
    pub aliases: &'static [&'static str],
    /// One-line summary.
    pub about: &'static str,
    pub method: &'static str,
    /// Path template (`/chats/{id}`).
    pub path: &'static str,
    pub scope: Option<&'static str>,
    pub plan: Option<&'static str>,
    /// `false`: sent without a token (direct upload).
    pub auth: bool,
    pub paginated: bool,
    /// The status a success answers with.
    pub status: u16,
    pub positionals: &'static [PositionalSpec],
    pub flags: &'static [FlagSpec],
}

/// A positional argument.
#[derive(Debug)]
pub struct PositionalSpec {
    /// As in the path (`id`).
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// `Some(wire)` when it is a shortcut for a required query parameter.
    pub query: Option<&'static str>,
    pub help: &'static str,
}

/// A `--flag`.
#[derive(Debug)]
pub struct FlagSpec {
    /// Kebab-case, without dashes.
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub target: Target,
    pub help: &'static str,
    pub max_length: Option<usize>,
}

/// Scalar value types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // The table uses the types the spec needs, not necessarily all.
pub enum Ty {
    String,
    Integer,
    Number,
    Date,
    DateTime,
    Time,
    Uri,
}

impl Ty {
    /// The name shown in help and errors.
    pub fn name(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::Date => "date",
            Ty::DateTime => "date-time",
            Ty::Time => "time",
            Ty::Uri => "uri",
        }
    }
}

/// What a flag accepts.
#[derive(Debug)]
pub enum Kind {
    Scalar(Ty),
    Enum(&'static [&'static str]),
    /// `--x` / `--no-x`.
    Bool,
    /// JSON text.
    Json,
    /// Comma-separated values.
    List(Ty, &'static [&'static str]),
    /// A path or `-` for stdin.
    File,
}

/// Where a flag's value goes.
#[derive(Debug)]
pub enum Target {
    Query(&'static str),
    /// A JSON body field, by wire path.
    Body(&'static [&'static str]),
    Multipart(&'static str),
    /// The absolute URL of an `x-external-url` operation.
    Url,
    /// `--all`.
    All,
    /// `--force`.
    Force,
    /// `--save`.
    Save,
}

impl CommandSpec {
    /// `group action`.
    pub fn name(&self) -> String {
        format!("{} {}", self.group, self.action)
    }
}
