//! The parts of the command line that do not come from the spec: global
//! flags, accepted by every command (defined once in `runtime/cli-spec`,
//! which the CLI compiles as its `spec` module and builds its clap arguments
//! from), and the hand-written commands that the generated text (agent
//! skills) relies on. The skills are checked against these lists.

pub use cli_spec::{global_flag, global_short, GlobalFlag, GLOBAL_FLAGS};

/// A command written by hand in the CLI crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandWritten {
    pub group: &'static str,
    pub action: &'static str,
    /// Positional arguments: (name, required).
    pub positionals: &'static [(&'static str, bool)],
    /// Own flags: (name without dashes, takes a value).
    pub flags: &'static [(&'static str, bool)],
    pub help: &'static str,
}

/// Hand-written commands that generated text may use.
pub const HAND_WRITTEN: &[HandWritten] = &[
    HandWritten {
        group: "auth",
        action: "login",
        positionals: &[],
        flags: &[("no-browser", false)],
        help: "save a token in a profile (`--token`, `--token -` for stdin), or sign in through the browser",
    },
    HandWritten {
        group: "auth",
        action: "status",
        positionals: &[],
        flags: &[],
        help: "show the active profile, its token type, user and scopes",
    },
    HandWritten {
        group: "auth",
        action: "logout",
        positionals: &[],
        flags: &[],
        help: "forget the active profile's token",
    },
];

/// The hand-written command `group action`.
pub fn hand_written(group: &str, action: &str) -> Option<&'static HandWritten> {
    HAND_WRITTEN.iter().find(|h| h.group == group && h.action == action)
}
