//! The SDK crate's scaffolding: `Cargo.toml`, `lib.rs` (minijinja templates)
//! and the hand-written support modules emitted verbatim from `templates/sdk/`.

use minijinja::{context, Environment};

use crate::ir::Api;
use crate::render::{Files, RenderError};

const CARGO_TOML: &str = include_str!("../../../../templates/sdk/Cargo.toml.j2");
const LIB_RS: &str = include_str!("../../../../templates/sdk/src/lib.rs.j2");

/// Support files copied as they are: (path inside `generated/`, contents).
const VERBATIM: &[(&str, &str)] = &[
    ("pachca/src/nullable.rs", include_str!("../../../../templates/sdk/src/nullable.rs")),
    ("pachca/src/enums.rs", include_str!("../../../../templates/sdk/src/enums.rs")),
    ("pachca/src/time_of_day.rs", include_str!("../../../../templates/sdk/src/time_of_day.rs")),
    ("pachca/src/client.rs", include_str!("../../../../templates/sdk/src/client.rs")),
    ("pachca/src/error.rs", include_str!("../../../../templates/sdk/src/error.rs")),
    ("pachca/src/retry.rs", include_str!("../../../../templates/sdk/src/retry.rs")),
    ("pachca/src/pagination.rs", include_str!("../../../../templates/sdk/src/pagination.rs")),
    ("pachca/src/webhook.rs", include_str!("../../../../templates/sdk/src/webhook.rs")),
    ("pachca/src/response.rs", include_str!("../../../../templates/sdk/src/response.rs")),
    ("pachca/src/upload.rs", include_str!("../../../../templates/sdk/src/upload.rs")),
    ("pachca/tests/support/mod.rs", include_str!("../../../../templates/sdk/tests/support/mod.rs")),
    ("pachca/tests/support/prism.rs", include_str!("../../../../templates/sdk/tests/support/prism.rs")),
    ("pachca/tests/forward_compat.rs", include_str!("../../../../templates/sdk/tests/forward_compat.rs")),
    ("pachca/tests/services.rs", include_str!("../../../../templates/sdk/tests/services.rs")),
    ("pachca/examples/send_message.rs", include_str!("../../../../templates/sdk/examples/send_message.rs")),
    ("pachca/examples/list_users.rs", include_str!("../../../../templates/sdk/examples/list_users.rs")),
    ("pachca/benches/pagination.rs", include_str!("../../../../templates/sdk/benches/pagination.rs")),
];

/// Renders the crate scaffolding into `files`.
pub fn render(api: &Api, files: &mut Files) -> Result<(), RenderError> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    let err = |artifact: &str| {
        let artifact = artifact.to_owned();
        move |e: minijinja::Error| RenderError { artifact: artifact.clone(), message: e.to_string() }
    };
    env.add_template("Cargo.toml", CARGO_TOML).map_err(err("pachca/Cargo.toml"))?;
    env.add_template("lib.rs", LIB_RS).map_err(err("pachca/src/lib.rs"))?;
    let operations: usize = api.services.iter().map(|s| s.operations.len()).sum();
    let ctx = context! {
        title => api.title,
        api_version => api.version,
        base_url => api.servers.first().map(|s| s.url.clone()).unwrap_or_default(),
        operations => operations,
        types => api.types.len(),
    };
    for (name, path) in [("Cargo.toml", "pachca/Cargo.toml"), ("lib.rs", "pachca/src/lib.rs")] {
        let text = env
            .get_template(name)
            .and_then(|t| t.render(&ctx))
            .map_err(err(path))?;
        files.insert(path.to_owned(), text);
    }
    for (path, text) in VERBATIM {
        files.insert((*path).to_owned(), (*text).to_owned());
    }
    Ok(())
}
