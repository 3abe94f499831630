//! The `pachca-cli` crate: the generated command table and per-operation
//! calls (`src/commands.rs`), the end-to-end test of every command, and the
//! hand-written runtime emitted verbatim from `templates/cli/`.

mod commands;
mod e2e;

use minijinja::{context, Environment};

use crate::cli_model::{self, CliModel};
use crate::ir::Api;
use crate::render::{Files, RenderError};

const CARGO_TOML: &str = include_str!("../../../../templates/cli/Cargo.toml.j2");

/// Support files copied as they are: (path inside `generated/`, contents).
const VERBATIM: &[(&str, &str)] = &[
    ("pachca-cli/src/main.rs", include_str!("../../../../templates/cli/src/main.rs")),
    ("pachca-cli/src/spec.rs", include_str!("../../../../templates/cli/src/spec.rs")),
    ("pachca-cli/src/app.rs", include_str!("../../../../templates/cli/src/app.rs")),
    ("pachca-cli/src/input.rs", include_str!("../../../../templates/cli/src/input.rs")),
    ("pachca-cli/src/run.rs", include_str!("../../../../templates/cli/src/run.rs")),
    ("pachca-cli/src/errors.rs", include_str!("../../../../templates/cli/src/errors.rs")),
    ("pachca-cli/src/output.rs", include_str!("../../../../templates/cli/src/output.rs")),
    ("pachca-cli/src/config.rs", include_str!("../../../../templates/cli/src/config.rs")),
    ("pachca-cli/src/raw.rs", include_str!("../../../../templates/cli/src/raw.rs")),
    ("pachca-cli/src/verbose.rs", include_str!("../../../../templates/cli/src/verbose.rs")),
    ("pachca-cli/tests/cli.rs", include_str!("../../../../templates/cli/tests/cli.rs")),
    ("pachca-cli/tests/support/mod.rs", include_str!("../../../../templates/cli/tests/support/mod.rs")),
    // One Prism harness for the SDK's and the CLI's tests.
    ("pachca-cli/tests/support/prism.rs", include_str!("../../../../templates/sdk/tests/support/prism.rs")),
];

fn model(api: &Api) -> Result<CliModel, RenderError> {
    cli_model::derive_bundled(api).map(|d| d.model).map_err(|e| RenderError { artifact: "pachca-cli".to_owned(), message: e.to_string() })
}

/// Renders the CLI crate into `files`.
pub fn render(api: &Api, files: &mut Files) -> Result<(), RenderError> {
    let cli = model(api)?;
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    let err = |e: minijinja::Error| RenderError { artifact: "pachca-cli/Cargo.toml".to_owned(), message: e.to_string() };
    env.add_template("Cargo.toml", CARGO_TOML).map_err(err)?;
    let text = env
        .get_template("Cargo.toml")
        .and_then(|t| t.render(context! { title => api.title, api_version => api.version }))
        .map_err(err)?;
    files.insert("pachca-cli/Cargo.toml".to_owned(), text);
    files.insert(commands::COMMANDS_FILE.to_owned(), commands::render(api, &cli)?);
    files.insert(e2e::E2E_FILE.to_owned(), e2e::render(api, &cli)?);
    for (path, text) in VERBATIM {
        files.insert((*path).to_owned(), (*text).to_owned());
    }
    Ok(())
}
