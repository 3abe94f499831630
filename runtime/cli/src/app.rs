//! The clap command tree: global flags, one subcommand per group with one
//! subcommand per action (built from the generated table), hidden legacy
//! aliases, and the hand-written commands.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{value_parser, Arg, ArgAction, Command};

use crate::spec::{CommandSpec, GlobalFlag, Kind, Target, Ty, GLOBAL_FLAGS};

/// Global flags, accepted before or after the command: one clap argument
/// per entry of [`GLOBAL_FLAGS`], in its order.
fn global_args() -> Vec<Arg> {
    GLOBAL_FLAGS.iter().map(global_arg).collect()
}

fn global_arg(flag: &'static GlobalFlag) -> Arg {
    const HEADING: &str = "Global options";
    let mut arg = Arg::new(flag.long).long(flag.long).help(flag.help).global(true);
    if let Some(short) = flag.short {
        arg = arg.short(short);
    }
    match (flag.long, flag.value) {
        // clap's own help flag is turned off (`build`); this one is the same,
        // but global, and listed with each command's options.
        ("help", _) => arg.action(ArgAction::Help),
        (_, None) => arg.action(ArgAction::SetTrue).help_heading(HEADING),
        (long, Some(placeholder)) => {
            let arg = arg.value_name(placeholder).help_heading(HEADING);
            match long {
                "output" => arg.value_parser(["json", "yaml", "table", "csv"]),
                "timeout" => arg.value_parser(value_parser!(u64).range(1..)),
                _ => arg,
            }
        }
    }
}

fn value_name(ty: Ty) -> &'static str {
    match ty {
        Ty::String => "TEXT",
        Ty::Integer => "INT",
        Ty::Number => "NUMBER",
        Ty::Date => "YYYY-MM-DD",
        Ty::DateTime => "DATE-TIME",
        Ty::Time => "HH:MM",
        Ty::Uri => "URL",
    }
}

/// The clap command of one generated command, under the name `action`.
pub fn operation_command(spec: &'static CommandSpec, action: &'static str) -> Command {
    let mut about = spec.about.to_owned();
    let mut after = format!("{} {}", spec.method, spec.path);
    if let Some(scope) = spec.scope {
        after.push_str(&format!("  ·  scope {scope}"));
    }
    if let Some(plan) = spec.plan {
        after.push_str(&format!("  ·  plan {plan}"));
    }
    if about.is_empty() {
        about = after.clone();
    }
    let mut cmd = Command::new(action).about(about).after_help(after);
    for p in spec.positionals {
        let mut arg = Arg::new(p.name).value_name(p.name.to_uppercase()).help(p.help).required(p.required);
        if p.ty == Ty::Integer {
            arg = arg.value_parser(value_parser!(i64));
        }
        cmd = cmd.arg(arg);
    }
    for f in spec.flags {
        let help = if f.required { format!("{} [required]", f.help) } else { f.help.to_owned() };
        let arg = Arg::new(f.name).long(f.name).help(help);
        cmd = match &f.kind {
            Kind::Bool => {
                let negated = format!("no-{}", f.name);
                let is_switch = matches!(f.target, Target::All | Target::Force);
                let cmd = cmd.arg(arg.action(ArgAction::SetTrue));
                if is_switch {
                    cmd
                } else {
                    cmd.arg(
                        Arg::new(negated.clone())
                            .long(negated)
                            .help(format!("Send {} as false", f.name))
                            .action(ArgAction::SetTrue)
                            .conflicts_with(f.name),
                    )
                }
            }
            Kind::Scalar(ty) => {
                let arg = arg.value_name(value_name(*ty));
                cmd.arg(match ty {
                    Ty::Integer => arg.value_parser(value_parser!(i64)),
                    Ty::Number => arg.value_parser(value_parser!(f64)),
                    _ => arg,
                })
            }
            Kind::Enum(values) => cmd.arg(arg.value_name("VALUE").value_parser(OpenEnum(values))),
            Kind::Json => cmd.arg(arg.value_name("JSON")),
            Kind::List(ty, _) => cmd.arg(arg.value_name(format!("{},...", value_name(*ty)))),
            Kind::File => cmd.arg(arg.value_name("PATH|-")),
        };
    }
    cmd
}

fn auth_command() -> Command {
    Command::new("auth")
        .about("Save, inspect and switch access tokens")
        .subcommand_required(true)
        .subcommand(
            Command::new("login")
                .about("Save a token in a profile (`--token -` reads it from stdin)")
                .arg(Arg::new("login-profile").long("name").value_name("NAME").help("Profile name [default: the --profile value or \"default\"]"))
                .arg(Arg::new("no-browser").long("no-browser").action(ArgAction::SetTrue).help("Accepted for compatibility; a token is required"))
                .arg(
                    Arg::new("insecure-storage")
                        .long("insecure-storage")
                        .action(ArgAction::SetTrue)
                        .help("Keep the token in the config file instead of the OS keyring (also: PACHCA_SECRET_STORE=file)"),
                ),
        )
        .subcommand(Command::new("status").about("Show the active profile and where the token comes from"))
        .subcommand(Command::new("list").about("List saved profiles"))
        .subcommand(Command::new("switch").about("Make a saved profile the active one").arg(Arg::new("name").required(true)))
        .subcommand(Command::new("logout").about("Forget a profile's token (the active one by default)").arg(Arg::new("name")))
}

fn config_command() -> Command {
    let key = || {
        Arg::new("key")
            .required(true)
            .value_parser(["output", "timeout", "defaults.output", "defaults.timeout"])
            .help("`output` or `timeout` (the `defaults` table; upstream's `defaults.output` too)")
    };
    Command::new("config")
        .about("Read and set the defaults of the config file (`output`, `timeout`)")
        .subcommand_required(true)
        .subcommand(Command::new("list").about("Every default"))
        .subcommand(Command::new("get").about("One default").arg(key()))
        .subcommand(Command::new("set").about("Set one default").arg(key()).arg(Arg::new("value").required(true)))
}

fn api_command() -> Command {
    Command::new("api")
        .about("Send a raw request: `pachca api GET /chats`; `pachca api ls`; `--describe`")
        .arg(Arg::new("method").value_name("METHOD|ls").required(true))
        .arg(Arg::new("path").value_name("PATH"))
        .arg(Arg::new("field").short('f').value_name("KEY=VALUE").action(ArgAction::Append).help("Body field as a string (`chat[name]=Ops`)"))
        .arg(Arg::new("typed").short('F').value_name("KEY=VALUE").action(ArgAction::Append).help("Body field typed: true, false, null, numbers; @file reads a file, @- stdin"))
        .arg(Arg::new("input").long("input").value_name("FILE|-").help("The whole body as a JSON file, or - for stdin"))
        .arg(Arg::new("data").long("data").value_name("JSON").help("The whole body as JSON (one of -f/-F, --input, --data)"))
        .arg(Arg::new("query").long("query").value_name("KEY=VALUE").action(ArgAction::Append).help("Query parameter"))
        .arg(Arg::new("describe").long("describe").action(ArgAction::SetTrue).help("Describe the endpoint instead of calling it"))
        .arg(Arg::new("follow").long("follow").action(ArgAction::SetTrue).help("Follow a redirect: fetch its target (without the token) and write its body to stdout"))
}

/// `pachca skills list|install`: the agent skills the binary carries.
fn skills_command() -> Command {
    let agents: Vec<&str> = crate::skills::Agent::ALL.iter().map(|a| a.name()).collect();
    let variant = || Arg::new("variant").long("variant").value_name("VARIANT").value_parser(["cli", "curl"]);
    let lang = || Arg::new("lang").long("lang").value_name("LANG").value_parser(["en", "ru"]);
    Command::new("skills")
        .about("The agent skills: list them, or install them where an agent reads skills")
        .subcommand_required(true)
        .subcommand(
            Command::new("list")
                .about("The skill sets this binary carries, and which is installed where each agent looks")
                .arg(variant().help("Only the sets of this variant"))
                .arg(lang().help("Only the sets in this language")),
        )
        .subcommand(
            Command::new("install")
                .about("Write one skill set where an agent reads skills (changed files are kept unless --force)")
                .arg(
                    Arg::new("agent")
                        .long("agent")
                        .value_name("AGENT")
                        .value_parser(agents)
                        .help("The agent: its user-level skills folder (~/.claude/skills, ~/.cursor/skills, ~/.agents/skills, ~/.gemini/skills)"),
                )
                .arg(Arg::new("dir").long("dir").value_name("PATH").conflicts_with_all(["agent", "project"]).help("Write the skill folders into PATH instead"))
                .arg(Arg::new("project").long("project").action(ArgAction::SetTrue).help("The agent's project-level folder, under the current directory"))
                .arg(variant().default_value("cli").help("`cli`: commands of this CLI; `curl`: HTTP requests"))
                .arg(lang().help("en or ru [default: ru when the locale (LC_ALL, LC_MESSAGES, LANG) is Russian, else en]"))
                .arg(Arg::new("force").long("force").action(ArgAction::SetTrue).help("Replace files that differ from the set, and remove files it does not have")),
        )
}

/// The whole command tree, with one command per entry of `table`.
pub fn build(table: &'static [CommandSpec]) -> Command {
    let mut root = Command::new("pachca")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Pachca API from the command line: one command per API operation")
        .after_help("Token: --token, PACHCA_TOKEN, or a profile saved with `pachca auth login`.\nMachine-readable: `pachca commands`, `pachca introspect <group> <action>`.")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_flag(true)
        .args(global_args());
    // Groups in order of first appearance; aliases make hidden groups/actions.
    let mut groups: Vec<(&'static str, bool, Vec<Command>)> = Vec::new();
    let mut add = |group: &'static str, cmd: Command, hidden: bool| match groups.iter_mut().find(|(g, _, _)| *g == group) {
        Some((_, all_hidden, cmds)) => {
            *all_hidden &= hidden;
            cmds.push(cmd);
        }
        None => groups.push((group, hidden, vec![cmd])),
    };
    for spec in table {
        add(spec.group, operation_command(spec, spec.action), false);
        for alias in spec.aliases {
            if let Some((group, action)) = alias.split_once(' ') {
                add(group, operation_command(spec, action).hide(true), true);
            }
        }
    }
    for (group, hidden, cmds) in groups {
        let about = format!("`{group}` commands");
        root = root.subcommand(Command::new(group).about(about).subcommand_required(true).hide(hidden).subcommands(cmds));
    }
    root.subcommand(auth_command())
        .subcommand(config_command())
        .subcommand(api_command())
        .subcommand(
            Command::new("commands").about("Every command as JSON (for scripts and agents)").arg(
                Arg::new("available")
                    .long("available")
                    .action(ArgAction::SetTrue)
                    .help("Only the commands the token's scopes allow (asks GET /oauth/token/info)"),
            ),
        )
        .subcommand(
            Command::new("upload")
                .about("Upload a file and print the attachment for `messages create --files`")
                .arg(Arg::new("file").required(true).help("The file, or - for standard input"))
                .arg(Arg::new("name").long("name").help("The file name shown to users (default: the file's own; `stdin` for -)")),
        )
        .subcommand(Command::new("doctor").about("Check the config file, the token, the network and the version"))
        .subcommand(
            Command::new("guide")
                .about("Step-by-step scenarios (the agent skills'): all titles, or those matching a query")
                .arg(Arg::new("query").num_args(0..).help("Words to look for in titles, steps and commands"))
                .arg(Arg::new("lang").long("lang").help("en or ru (default: from LANG)")),
        )
        .subcommand(skills_command())
        .subcommand(
            Command::new("introspect")
                .about("One command's arguments and flags as JSON")
                .arg(Arg::new("words").num_args(1..).required(true)),
        )
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                // Upstream's name for it.
                .alias("autocomplete")
                .arg(Arg::new("shell").required(true).value_parser(value_parser!(clap_complete::Shell))),
        )
        .subcommand(Command::new("version").about("Print the CLI's version"))
        .subcommand(
            Command::new("changelog")
                .about("What changed in each version of this CLI and the SDK")
                .arg(Arg::new("version").help("Only this release (`0.2.0`)")),
        )
}

/// The command of `table` called `group action`, or with that hidden alias.
pub fn find(table: &'static [CommandSpec], group: &str, action: &str) -> Option<&'static CommandSpec> {
    let alias = format!("{group} {action}");
    table
        .iter()
        .find(|c| c.group == group && c.action == action)
        .or_else(|| table.iter().find(|c| c.aliases.contains(&alias.as_str())))
}

/// An enum flag that lists the values the spec knows (help, completions)
/// but accepts any: the API may add values later, as the SDK's enums do;
/// [`crate::input`] warns about an unknown one.
#[derive(Clone)]
struct OpenEnum(&'static [&'static str]);

impl TypedValueParser for OpenEnum {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, _arg: Option<&Arg>, value: &std::ffi::OsStr) -> Result<String, clap::Error> {
        value.to_str().map(str::to_owned).ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|v| PossibleValue::new(*v))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (long, short, takes a value) of every global argument.
    fn globals(cmd: &Command) -> Vec<(String, Option<char>, bool)> {
        cmd.get_arguments()
            .filter(|a| a.is_global_set())
            .map(|a| (a.get_long().unwrap_or_default().to_owned(), a.get_short(), a.get_action().takes_values()))
            .collect()
    }

    #[test]
    fn global_args_are_exactly_the_global_flags_in_order() {
        let mut cmd = build(&[]);
        cmd.build();
        let expected: Vec<(String, Option<char>, bool)> = GLOBAL_FLAGS.iter().map(|f| (f.long.to_owned(), f.short, f.takes_value())).collect();
        assert_eq!(globals(&cmd), expected);
        // And every command has them, hand-written ones included.
        let login = cmd.find_subcommand("auth").and_then(|a| a.find_subcommand("login")).expect("auth login");
        for f in GLOBAL_FLAGS {
            assert!(login.get_arguments().any(|a| a.get_long() == Some(f.long)), "`auth login` lacks --{}", f.long);
        }
    }

    #[test]
    fn global_switches_and_values_parse() {
        let m = build(&[]).try_get_matches_from(["pachca", "commands", "-qo", "yaml", "--timeout", "5", "--base-url", "http://x"]).expect("parses");
        assert!(m.get_flag("quiet"));
        assert_eq!(m.get_one::<String>("output").map(String::as_str), Some("yaml"));
        assert_eq!(m.get_one::<u64>("timeout"), Some(&5));
        assert_eq!(m.get_one::<String>("base-url").map(String::as_str), Some("http://x"));
        assert!(build(&[]).try_get_matches_from(["pachca", "commands", "--timeout", "0"]).is_err());
        assert!(build(&[]).try_get_matches_from(["pachca", "commands", "-o", "xml"]).is_err());
        let help = build(&[]).try_get_matches_from(["pachca", "auth", "status", "-h"]).expect_err("help");
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
    }
}
