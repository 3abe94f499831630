//! The `pachca` command line, derived from the IR: for every operation its
//! command name (`chats create`), hidden legacy aliases, positional
//! arguments and flags.
//!
//! This is a pure model, shared by everything that talks about the CLI: the
//! agent skills validate and render their commands with it, and the CLI crate
//! builds its clap definitions from it.
//!
//! * [`naming`]: `(group, action)` from the tag, method and path;
//! * [`flags`]: positionals and flags from path, query and body;
//! * [`data`]: the few exceptions, read from `spec/cli.yaml` (an entry naming
//!   an operation the spec lacks is skipped with a [`CuratedWarning`]);
//! * [`fixed`]: global flags and the hand-written commands (`auth login`);
//! * [`args`]: parses an argument string against a command.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("root")?;
//! # let (spec, _) = generator::pin::resolve(root, generator::pin::Lang::En, generator::pin::SpecSource::Pinned)?;
//! # let api = generator::lower::lower(&generator::load::load_file(&spec)?)?;
//! let cli = generator::cli_model::derive_bundled(&api)?.model;
//! let create = cli.by_operation("ChatOperations_createChat").ok_or("missing")?;
//! assert_eq!(create.name(), "chats create");
//! let call = create.parse_args(r#"--name="Team" --channel"#)?;
//! assert_eq!(call.body_json().as_deref(), Some(r#"{"chat":{"name":"Team","channel":true}}"#));
//! # Ok(()) }
//! ```

pub mod args;
pub mod data;
pub mod fixed;
pub mod flags;
pub mod naming;


use serde::Serialize;

use crate::curated::CuratedWarning;
use crate::ir::{Api, HttpMethod, Operation};

pub use args::{ArgError, Invocation};
pub use data::CliData;

/// The executable's name.
pub const BINARY: &str = "pachca";

/// Every generated command, in spec order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CliModel {
    pub commands: Vec<Command>,
}

/// The command of one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Command {
    pub operation_id: String,
    /// The first word (`chats`, `read-member`).
    pub group: String,
    /// The second word (`create`, `list-readers`).
    pub action: String,
    /// Old names that still work but are not listed (`common uploads`).
    pub hidden_aliases: Vec<String>,
    pub method: HttpMethod,
    /// The path template (`/chats/{id}`).
    pub path: String,
    pub summary: Option<String>,
    /// `x-requirements.scope` and `plan`.
    pub scope: Option<String>,
    pub plan: Option<String>,
    /// `false` when the request is sent without a token (`files direct-url`).
    pub auth: bool,
    /// `x-paginated`: `--limit`, `--cursor` and `--all` apply.
    pub paginated: bool,
    pub positionals: Vec<Positional>,
    pub flags: Vec<Flag>,
}

/// A positional argument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Positional {
    /// As in the path (`id`, `user_id`).
    pub name: String,
    #[serde(serialize_with = "scalar_name")]
    pub ty: ScalarType,
    pub required: bool,
    pub source: ParamSource,
    pub description: Option<String>,
}

/// Where a positional argument's value goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "in", content = "name")]
pub enum ParamSource {
    /// A path parameter, by wire name.
    Path(String),
    /// A shortcut for a required query parameter (`messages list <chat_id>`).
    Query(String),
}

/// A `--flag`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Kebab-case, without the dashes (`entity-id`).
    pub name: String,
    pub kind: FlagKind,
    pub required: bool,
    pub source: FlagSource,
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
}

/// What a flag accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FlagKind {
    /// One value of a scalar type.
    Scalar {
        #[serde(serialize_with = "scalar_name")]
        ty: ScalarType,
    },
    /// One of fixed values.
    Enum { values: Vec<String> },
    /// A switch: `--x` sets true, `--no-x` false.
    Bool,
    /// A JSON text (arrays and objects in bodies): `--member-ids='[1,2]'`.
    Json,
    /// Comma-separated values (query arrays): `--chat-ids=1,2`.
    List {
        #[serde(serialize_with = "scalar_name")]
        item: ScalarType,
        values: Option<Vec<String>>,
    },
    /// A local file path, or `-` for stdin.
    File,
}

/// The scalar types a value can have: the CLI's own type (`cli_spec::Ty`,
/// one definition for the generator and the CLI).
pub use cli_spec::Ty as ScalarType;

/// Serialises a [`ScalarType`] by its name (`date-time`).
fn scalar_name<S: serde::Serializer>(ty: &ScalarType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(ty.name())
}

/// Where a flag's value goes in the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "in")]
pub enum FlagSource {
    /// A query parameter, by wire name.
    Query { name: String },
    /// A JSON body field, by wire path (`["message", "content"]`).
    Body { path: Vec<String> },
    /// A multipart form field, by wire name.
    Multipart { name: String },
    /// `x-external-url`: the URL the request is sent to.
    ExternalUrl,
    /// `--all`: follow the cursor through every page.
    AllPages,
    /// `--force`: skip the confirmation of a DELETE; on a redirect
    /// (`--save`), replace an existing file.
    Force,
    /// `--save`: write a redirect's target to a file.
    Save,
}

impl Command {
    /// `group action`.
    pub fn name(&self) -> String {
        format!("{} {}", self.group, self.action)
    }

    /// The flag called `name` (without dashes).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The flags that must be given (unless a shortcut positional supplies them).
    pub fn required_flags(&self) -> impl Iterator<Item = &Flag> {
        self.flags.iter().filter(|f| f.required)
    }

    /// The flag bound to a wire body path, if any.
    pub fn flag_for_body(&self, path: &[String]) -> Option<&Flag> {
        self.flags.iter().find(|f| matches!(&f.source, FlagSource::Body { path: p } if p == path))
    }

    /// The flag bound to a query parameter, if any.
    pub fn flag_for_query(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| matches!(&f.source, FlagSource::Query { name: n } if n == name))
    }

    /// Parses an argument string (everything after `pachca group action`).
    pub fn parse_args(&self, args: &str) -> Result<Invocation<'_>, ArgError> {
        args::parse(self, args)
    }
}

impl CliModel {
    /// The command of an operation.
    pub fn by_operation(&self, operation_id: &str) -> Option<&Command> {
        self.commands.iter().find(|c| c.operation_id == operation_id)
    }

    /// The command called `group action`, or with that hidden alias.
    pub fn find(&self, group: &str, action: &str) -> Option<&Command> {
        let alias = format!("{group} {action}");
        self.commands
            .iter()
            .find(|c| c.group == group && c.action == action)
            .or_else(|| self.commands.iter().find(|c| c.hidden_aliases.contains(&alias)))
    }

    /// Whether `group` is the first word of any command.
    pub fn has_group(&self, group: &str) -> bool {
        self.commands.iter().any(|c| c.group == group) || fixed::HAND_WRITTEN.iter().any(|h| h.group == group)
    }

    /// Checks a whole command line (`pachca chats get 12 --json`): see [`args::check_line`].
    pub fn check_line(&self, line: &str) -> Result<(), ArgError> {
        args::check_line(self, line)
    }
}

/// A problem with the CLI data or with deriving a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct CliError {
    /// Where: `spec/cli.yaml: overrides.Foo`, or the operation (`operation ChatOperations_createChat`).
    pub at: String,
    pub message: String,
}

/// A derived command line, with the curated entries that were skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub model: CliModel,
    /// Entries of `spec/cli.yaml` that do not match the spec, each left out:
    /// those naming an operation the spec lacks (overrides, then hidden
    /// aliases, in file order), then hidden aliases that are their own
    /// command's name (in an older spec, the legacy name is still the name).
    pub warnings: Vec<CuratedWarning>,
}

/// Derives the command of every operation, applying the exceptions in `data`
/// that name an operation of `api` (see [`CliData::check_against`]).
pub fn derive(api: &Api, data: &CliData) -> Result<Derived, CliError> {
    let (data, mut warnings) = data.check_against(api)?;
    let mut commands = Vec::new();
    for op in api.operations() {
        let mut c = command(api, &data, op)?;
        // A legacy name that is still the command's name (an older spec):
        // nothing to keep working.
        let name = c.name();
        if let Some(i) = c.hidden_aliases.iter().position(|a| *a == name) {
            warnings.push(CuratedWarning::new(
                crate::curated::CLI_FILE,
                format!("hidden_aliases.{}[{i}]", op.id),
                format!("`{name}` is the name of this operation's command in this spec; alias skipped"),
            ));
            c.hidden_aliases.retain(|a| *a != name);
        }
        commands.push(c);
    }
    check_unique(&commands)?;
    Ok(Derived { model: CliModel { commands }, warnings })
}

/// [`derive()`] with the exceptions bundled from `spec/cli.yaml`.
pub fn derive_bundled(api: &Api) -> Result<Derived, CliError> {
    derive(api, &CliData::bundled()?)
}

fn command(api: &Api, data: &CliData, op: &Operation) -> Result<Command, CliError> {
    let (group, action) = match data.overrides.get(&op.id) {
        Some(name) => data::split_name(name).map_err(|message| CliError { at: data::at(&format!("overrides.{}", op.id)), message })?,
        None => naming::derive_name(&op.tag, op.http_method, &op.path)
            .map_err(|message| CliError { at: format!("operation {}", op.id), message })?,
    };
    let (positionals, flags) = flags::derive(api, op).map_err(|message| CliError { at: format!("operation {}", op.id), message })?;
    Ok(Command {
        operation_id: op.id.clone(),
        group,
        action,
        hidden_aliases: data.hidden_aliases.get(&op.id).cloned().unwrap_or_default(),
        method: op.http_method,
        path: op.path.clone(),
        summary: op.summary.clone(),
        scope: op.auth.scope.clone(),
        plan: op.auth.plan.clone(),
        auth: op.auth.required,
        paginated: op.pagination.is_some(),
        positionals,
        flags,
    })
}

/// Two operations must never share a name, and an alias must not shadow a name.
fn check_unique(commands: &[Command]) -> Result<(), CliError> {
    let mut seen = std::collections::BTreeMap::new();
    for c in commands {
        for name in std::iter::once(c.name()).chain(c.hidden_aliases.iter().cloned()) {
            if let Some(other) = seen.insert(name.clone(), c.operation_id.clone()) {
                return Err(CliError {
                    at: format!("operation {}", c.operation_id),
                    message: format!(
                        "command name `{name}` is also used by {other}; add an override for one of them in {}",
                        crate::curated::CLI_FILE
                    ),
                });
            }
        }
    }
    Ok(())
}

