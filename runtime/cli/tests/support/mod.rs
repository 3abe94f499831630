//! A hand-made command table of one command, `ping get` (`GET /ping`), and
//! its call through the SDK's raw `send_json`: enough of a generated
//! `commands.rs` to drive the runtime.

use pachca_cli_runtime::run::{CallFuture, Commands};
use pachca_cli_runtime::errors::CliError;
use pachca_cli_runtime::input::Input;
use pachca_cli_runtime::run::Outcome;
use pachca_cli_runtime::spec::{CommandSpec, FlagSpec, Kind, Target, Ty};
use serde_json::Value;

pub static TABLE: [CommandSpec; 1] = [CommandSpec {
    operation_id: "PingOperations_ping",
    group: "ping",
    action: "get",
    aliases: &["health check"],
    about: "Ping the API",
    method: "GET",
    path: "/ping",
    scope: Some("ping:read"),
    plan: None,
    auth: true,
    paginated: false,
    status: 200,
    positionals: &[],
    flags: &[
        FlagSpec {
            name: "term",
            kind: Kind::Scalar(Ty::String),
            required: true,
            target: Target::Query("term"),
            help: "What to ask",
            max_length: None,
        },
        FlagSpec {
            name: "limit",
            kind: Kind::Scalar(Ty::Integer),
            required: false,
            target: Target::Query("limit"),
            help: "How many",
            max_length: None,
        },
        FlagSpec {
            name: "name",
            kind: Kind::Scalar(Ty::String),
            required: false,
            target: Target::Body(&["ping", "name"]),
            help: "A body field",
            max_length: Some(5),
        },
    ],
}];

pub static COMMANDS: Commands = Commands { table: &TABLE, call, guide: &[], skills: "", changelog: "# Changelog\n\n## 0.2.0 (2026-08-01)\n\n- new\n\n## 0.1.0 (2026-07-01)\n\n- old\n" };

fn call<'a>(client: &'a pachca::Client, spec: &'static CommandSpec, input: &'a mut Input<'_>) -> CallFuture<'a> {
    Box::pin(async move {
        let query: Vec<(String, String)> = input
            .query
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect();
        let method = spec.method.parse().map_err(|_| CliError::internal("bad method"))?;
        let body: Option<&Value> = (!input.body.is_null()).then_some(&input.body);
        let (_, value) = client.send_json(method, spec.path, &query, body).await?;
        Ok(Outcome::Value(value))
    })
}
