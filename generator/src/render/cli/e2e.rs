//! `tests/every_command.rs` of the CLI: the built binary runs every command
//! once against Prism, with the arguments an agent would type.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::cli_model::{CliModel, Command, FlagKind, FlagSource, ParamSource};
use crate::ir::{Api, HttpMethod, Operation, ParamLocation};
use crate::render::rust::{format_file, GENERATED_HEADER};
use crate::render::RenderError;
use crate::sample::Sampler;

/// Path of the end-to-end test inside `generated/`.
pub const E2E_FILE: &str = "tests/every_command.rs";

/// A value as it is typed on the command line.
fn cli_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The arguments of one command: positionals and required flags with sample values.
fn argv(sampler: &Sampler, op: &Operation, cmd: &Command) -> Vec<TokenStream> {
    let (group, action) = (cmd.group.as_str(), cmd.action.as_str());
    let mut out: Vec<TokenStream> = vec![quote!(#group), quote!(#action)];
    for p in &cmd.positionals {
        let ParamSource::Path(name) = &p.source else { continue };
        let param = op.params.iter().find(|q| q.location == ParamLocation::Path && &q.name == name);
        let value = param.and_then(|q| q.example.clone()).unwrap_or_else(|| Value::from(1));
        let text = cli_text(&value);
        out.push(quote!(#text));
    }
    let body_sample = op.body.as_ref().map(|b| b.example.clone().unwrap_or_else(|| sampler.value(&b.ty)));
    for f in cmd.flags.iter().filter(|f| f.required) {
        let value = match &f.source {
            FlagSource::Query { name } => op.params.iter().find(|q| &q.name == name).and_then(|q| q.example.clone().or_else(|| Some(sampler.value(&q.ty)))),
            FlagSource::Body { path } => {
                let mut node = body_sample.as_ref();
                for key in path {
                    node = node.and_then(|n| n.get(key));
                }
                node.cloned()
            }
            FlagSource::Multipart { name } => body_sample.as_ref().and_then(|b| b.get(name)).cloned(),
            _ => None,
        };
        let flag = format!("--{}", f.name);
        match (&f.kind, &f.source) {
            (FlagKind::File, _) => {
                out.push(quote!(#flag));
                out.push(quote!(file.as_str()));
            }
            (_, FlagSource::ExternalUrl) => {
                out.push(quote!(#flag));
                out.push(quote!(direct_url.as_str()));
            }
            (FlagKind::Bool, _) => {
                let on = value.as_ref().and_then(Value::as_bool).unwrap_or(true);
                let flag = if on { flag } else { format!("--no-{}", f.name) };
                out.push(quote!(#flag));
            }
            (FlagKind::List { .. }, _) => {
                let text = match &value {
                    Some(Value::Array(items)) => items.iter().map(cli_text).collect::<Vec<_>>().join(","),
                    Some(v) => cli_text(v),
                    None => "1".to_owned(),
                };
                let arg = format!("{flag}={text}");
                out.push(quote!(#arg));
            }
            (FlagKind::Json, _) => {
                let text = value.map(|v| v.to_string()).unwrap_or_else(|| "{}".to_owned());
                let arg = format!("{flag}={text}");
                out.push(quote!(#arg));
            }
            _ => {
                let text = value.as_ref().map(cli_text).unwrap_or_else(|| "1".to_owned());
                let arg = format!("{flag}={text}");
                out.push(quote!(#arg));
            }
        }
    }
    if cmd.method == HttpMethod::Delete && cmd.flags.iter().any(|f| matches!(f.source, FlagSource::Force)) {
        out.push(quote!("--force"));
    }
    out
}

/// Renders the end-to-end test.
pub fn render(api: &Api, cli: &CliModel) -> Result<String, RenderError> {
    let sampler = Sampler::new(api);
    let mut runs = Vec::new();
    for op in api.operations() {
        let cmd = cli.by_operation(&op.id).ok_or_else(|| RenderError { artifact: E2E_FILE.to_owned(), message: format!("no command for {}", op.id) })?;
        let args = argv(&sampler, op, cmd);
        let name = cmd.name();
        runs.push(quote! { (#name, vec![#(#args),*]), });
    }
    let total = runs.len();
    let tokens = quote! {
        //! Every generated command, run once by the built `pachca` binary
        //! against Prism (a mock server that validates requests against the
        //! spec): each must exit 0 and print valid JSON. Prism must be
        //! installed (`npm ci --prefix tools/prism`); without it this test fails.

        mod support;

        use std::process::Command;

        use support::prism::Prism;

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn every_command_succeeds_against_prism() {
            let prism = Prism::start().await;
            let base_url = prism.base_url();
            // See the SDK's contract test: Prism wants a token on the direct upload.
            let direct_url = format!("{}/direct_url", prism.authorizing_forwarder("e2e-token").await);
            let dir = std::env::temp_dir().join(format!("pachca-cli-e2e-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join("upload.png");
            std::fs::write(&file, b"not really a png").expect("temp file");
            let file = file.display().to_string();
            let runs: Vec<(&str, Vec<&str>)> = vec![#(#runs)*];
            let mut failures = Vec::new();
            for (name, args) in &runs {
                let output = Command::new(env!("CARGO_BIN_EXE_pachca"))
                    .args(args)
                    .args(["--base-url", &base_url, "--token", "e2e-token", "-o", "json", "--no-input"])
                    .env("XDG_CONFIG_HOME", &dir)
                    .env_remove("PACHCA_TOKEN")
                    .output()
                    .expect("run pachca");
                let stdout = String::from_utf8_lossy(&output.stdout);
                let stderr = String::from_utf8_lossy(&output.stderr);
                if !output.status.success() {
                    failures.push(format!("pachca {}: exit {:?}\n  stderr: {}", args.join(" "), output.status.code(), stderr.trim()));
                } else if let Err(e) = serde_json::from_str::<serde_json::Value>(&stdout) {
                    failures.push(format!("pachca {}: stdout is not JSON ({e}): {}", args.join(" "), stdout.trim()));
                }
                let _ = name;
            }
            let _ = std::fs::remove_dir_all(&dir);
            println!("{}/{} commands passed", runs.len() - failures.len(), runs.len());
            assert_eq!(runs.len(), #total);
            assert!(failures.is_empty(), "commands that failed against Prism:\n{}", failures.join("\n"));
        }
    };
    format_file(E2E_FILE, GENERATED_HEADER, tokens)
}
