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
    /// Empty for a one-word command (`pachca upload FILE`).
    pub action: &'static str,
    /// Positional arguments: (name, required).
    pub positionals: &'static [(&'static str, bool)],
    /// The last positional takes any number of words (`pachca guide send a file`).
    pub rest: bool,
    /// Own flags: (name without dashes, takes a value).
    pub flags: &'static [(&'static str, bool)],
    /// The fields of the JSON object it prints, which a scenario step may
    /// take for later steps (`upload`: the message attachment).
    pub prints: &'static [&'static str],
    pub help: &'static str,
}

impl HandWritten {
    /// `auth login`, `upload`.
    pub fn name(&self) -> String {
        if self.action.is_empty() {
            self.group.to_owned()
        } else {
            format!("{} {}", self.group, self.action)
        }
    }
}

/// Hand-written commands that generated text may use.
pub const HAND_WRITTEN: &[HandWritten] = &[
    HandWritten {
        group: "auth",
        action: "login",
        positionals: &[],
        rest: false,
        flags: &[("no-browser", false)],
        prints: &[],
        help: "save a token in a profile (`--token`, `--token -` for stdin), or sign in through the browser",
    },
    HandWritten {
        group: "auth",
        action: "status",
        positionals: &[],
        rest: false,
        flags: &[],
        prints: &[],
        help: "show the active profile, its token type, user and scopes",
    },
    HandWritten {
        group: "auth",
        action: "logout",
        positionals: &[],
        rest: false,
        flags: &[],
        prints: &[],
        help: "forget the active profile's token",
    },
    // Commands of one word: the action is empty.
    HandWritten {
        group: "upload",
        action: "",
        positionals: &[("file", true)],
        rest: false,
        flags: &[("name", true)],
        prints: &["key", "name", "file_type", "size"],
        help: "upload a file (`-` for stdin) and print the attachment for `messages create --files`",
    },
    HandWritten {
        group: "doctor",
        action: "",
        positionals: &[],
        rest: false,
        flags: &[],
        prints: &[],
        help: "check the config file, the token, the network and the version",
    },
    HandWritten {
        group: "guide",
        action: "",
        positionals: &[("query", false)],
        rest: true,
        flags: &[("lang", true)],
        prints: &[],
        help: "the skills' scenarios: their titles, or those matching the words given",
    },
    HandWritten {
        group: "commands",
        action: "",
        positionals: &[],
        rest: false,
        flags: &[("available", false)],
        prints: &[],
        help: "every command as JSON; `--available`: those the token's scopes allow",
    },
    HandWritten {
        group: "introspect",
        action: "",
        positionals: &[("words", true)],
        rest: true,
        flags: &[],
        prints: &[],
        help: "one command's arguments and flags as JSON",
    },
    HandWritten {
        group: "version",
        action: "",
        positionals: &[],
        rest: false,
        flags: &[],
        prints: &[],
        help: "print the CLI's version",
    },
];

/// The hand-written command `group action` (`action` empty for a one-word command).
pub fn hand_written(group: &str, action: &str) -> Option<&'static HandWritten> {
    HAND_WRITTEN.iter().find(|h| h.group == group && h.action == action)
}
