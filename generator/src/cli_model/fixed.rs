//! The parts of the command line that do not come from the spec: global
//! flags, accepted by every command, and the hand-written commands that the
//! generated text (agent skills) relies on. The CLI crate must provide
//! exactly these; the skills are checked against this list.

/// A flag accepted by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalFlag {
    /// Without dashes.
    pub long: &'static str,
    pub short: Option<char>,
    /// `--x VALUE` rather than a switch.
    pub takes_value: bool,
    pub help: &'static str,
}

const fn global(long: &'static str, short: Option<char>, takes_value: bool, help: &'static str) -> GlobalFlag {
    GlobalFlag { long, short, takes_value, help }
}

/// Global flags, in help order.
pub const GLOBAL_FLAGS: &[GlobalFlag] = &[
    global("token", None, true, "access token for this call (overrides PACHCA_TOKEN and profiles; never saved)"),
    global("profile", Some('p'), true, "saved profile to use"),
    global("output", Some('o'), true, "output format: table, json, yaml or csv"),
    global("columns", Some('c'), true, "comma-separated columns for table and csv output"),
    global("no-header", None, false, "omit the header row of table and csv output"),
    global("no-truncate", None, false, "do not cut table cells to the terminal width"),
    global("plain", None, false, "tab-separated output without header or colour"),
    global("quiet", Some('q'), false, "print errors only"),
    global("verbose", Some('v'), false, "print the HTTP request and status on stderr"),
    global("dry-run", None, false, "print the request instead of sending it"),
    global("timeout", None, true, "request timeout in seconds"),
    global("no-retry", None, false, "do not retry on 429 or 503"),
    global("no-input", None, false, "never prompt"),
    global("no-color", None, false, "disable colour"),
    global("help", Some('h'), false, "print help"),
];

/// The global flag called `long`.
pub fn global_flag(long: &str) -> Option<&'static GlobalFlag> {
    GLOBAL_FLAGS.iter().find(|f| f.long == long)
}

/// The global flag with short form `short`.
pub fn global_short(short: char) -> Option<&'static GlobalFlag> {
    GLOBAL_FLAGS.iter().find(|f| f.short == Some(short))
}

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
