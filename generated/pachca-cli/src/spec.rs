//! The runtime model of the command line, shared by the generator and the
//! CLI: the shape of the generated command table (`commands.rs`): what each
//! command is called, what it sends, and which flags it takes; and the
//! global flags every command accepts.
//!
//! One file, two homes: the root of the `cli_spec` crate (the generator's
//! dependency) and, copied byte for byte, the module `spec` of the generated
//! CLI crate. So it names no other module and has no crate attributes.

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

/// A text in the CLI's two languages: (English, Russian).
pub type Bilingual = (&'static str, &'static str);

/// A scenario of `pachca guide`: the agent skills' scenario of the same id.
#[derive(Debug)]
pub struct GuideScenario {
    /// Stable slug (the skills' `references/<id>.md`).
    pub id: &'static str,
    /// The skill it belongs to (`pachca-messages`).
    pub skill: &'static str,
    /// What the scenario does.
    pub title: Bilingual,
    /// Its steps, in order.
    pub steps: &'static [GuideStep],
    /// A closing remark.
    pub note: Option<Bilingual>,
}

/// One step of a [`GuideScenario`].
#[derive(Debug)]
pub struct GuideStep {
    /// What to do.
    pub text: Bilingual,
    /// The `pachca ...` line, when the step calls the API.
    pub command: Option<Bilingual>,
    /// A remark on the step.
    pub note: Option<Bilingual>,
}

/// A flag accepted by every command, before or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalFlag {
    /// Without dashes.
    pub long: &'static str,
    pub short: Option<char>,
    /// `Some(placeholder)` for `--x VALUE`; `None` for a switch.
    pub value: Option<&'static str>,
    /// Help text, as `--help` shows it.
    pub help: &'static str,
}

impl GlobalFlag {
    /// `--x VALUE` rather than a switch.
    pub const fn takes_value(&self) -> bool {
        self.value.is_some()
    }
}

const fn value(long: &'static str, short: Option<char>, placeholder: &'static str, help: &'static str) -> GlobalFlag {
    GlobalFlag { long, short, value: Some(placeholder), help }
}

const fn switch(long: &'static str, short: Option<char>, help: &'static str) -> GlobalFlag {
    GlobalFlag { long, short, value: None, help }
}

/// Global flags, in help order. The CLI builds its global clap arguments
/// from this list; the generator checks command lines (agent skills) with it.
pub const GLOBAL_FLAGS: &[GlobalFlag] = &[
    value("token", None, "TOKEN", "Access token for this call (overrides PACHCA_TOKEN and profiles; never saved)"),
    value("profile", Some('p'), "NAME", "Saved profile to use"),
    value("output", Some('o'), "FORMAT", "Output format"),
    value("columns", Some('c'), "LIST", "Comma-separated columns for table and csv output"),
    value("base-url", None, "URL", "API base URL [env: PACHCA_API_URL]"),
    value("timeout", None, "SECONDS", "Request timeout in seconds"),
    switch("no-header", None, "Omit the header row of table and csv output"),
    switch("no-truncate", None, "Do not cut table cells to the terminal width"),
    switch("plain", None, "Tab-separated output without header"),
    switch("quiet", Some('q'), "Print errors only"),
    switch("verbose", Some('v'), "Print the HTTP method, URL and status on stderr"),
    switch("dry-run", None, "Print the request instead of sending it (token masked)"),
    switch("no-retry", None, "Do not retry on 429, 502, 503 or 504"),
    switch("no-input", None, "Never prompt"),
    switch("no-color", None, "Disable colour"),
    switch("help", Some('h'), "Print help"),
];

/// The global flag called `long`.
pub fn global_flag(long: &str) -> Option<&'static GlobalFlag> {
    GLOBAL_FLAGS.iter().find(|f| f.long == long)
}

/// The global flag with short form `short`.
pub fn global_short(short: char) -> Option<&'static GlobalFlag> {
    GLOBAL_FLAGS.iter().find(|f| f.short == Some(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_flags_are_unique() {
        for (i, f) in GLOBAL_FLAGS.iter().enumerate() {
            assert!(!f.long.starts_with('-') && !f.long.is_empty(), "{f:?}");
            assert_eq!(global_flag(f.long).map(|g| g.long), Some(f.long), "duplicate --{}", f.long);
            if let Some(short) = f.short {
                assert_eq!(global_short(short).map(|g| g.long), Some(f.long), "duplicate -{short}");
            }
            assert!(GLOBAL_FLAGS[..i].iter().all(|g| g.long != f.long));
        }
    }

    #[test]
    fn lookups() {
        assert!(global_flag("base-url").is_some_and(GlobalFlag::takes_value));
        assert!(global_flag("dry-run").is_some_and(|f| !f.takes_value()));
        assert_eq!(global_short('o').map(|f| f.long), Some("output"));
        assert_eq!(global_short('x'), None);
        assert_eq!(global_flag("nope"), None);
    }

    #[test]
    fn names() {
        let spec = CommandSpec {
            operation_id: "ping",
            group: "ping",
            action: "get",
            aliases: &[],
            about: "",
            method: "GET",
            path: "/ping",
            scope: None,
            plan: None,
            auth: true,
            paginated: false,
            status: 200,
            positionals: &[],
            flags: &[],
        };
        assert_eq!(spec.name(), "ping get");
        assert_eq!(Ty::DateTime.name(), "date-time");
    }
}
