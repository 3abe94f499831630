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
    // Commands of one word: the action is empty.
    HandWritten {
        group: "upload",
        action: "",
        positionals: &[("file", true)],
        flags: &[("name", true)],
        help: "upload a file (or `-` for stdin) and print the attachment for `messages create --files`",
    },
    HandWritten {
        group: "guide",
        action: "",
        positionals: &[("query", false)],
        flags: &[("lang", true)],
        help: "the step-by-step scenarios of the skills: all titles, or those matching a query",
    },
    HandWritten {
        group: "doctor",
        action: "",
        positionals: &[],
        flags: &[],
        help: "check the config file, the token, the network and the version",
    },
    HandWritten {
        group: "commands",
        action: "",
        positionals: &[],
        flags: &[("available", false)],
        help: "every command; with `--available`, those the token's scopes allow",
    },
];

/// The hand-written command `group action` (`action` empty for a one-word command).
pub fn hand_written(group: &str, action: &str) -> Option<&'static HandWritten> {
    HAND_WRITTEN.iter().find(|h| h.group == group && h.action == action)
}
