//! The SDK crate's scaffolding: `Cargo.toml`, `lib.rs` and the hand-written
//! runtime modules from `templates/sdk/`.
//!
//! Every runtime file goes through minijinja, with the [`Target`]'s
//! `api_name`, `crate_name`, `base_url` and the `pachca` switch in its
//! context: the Pachca-only parts (structured error decoding, uploads,
//! webhooks, the crate's tests, examples and benchmark) are emitted only
//! when the Pachca extras apply.

use minijinja::{context, Environment};

use crate::ir::Api;
use crate::render::{Files, RenderError};
use crate::target::Target;

/// A template: (path inside `generated/`, contents).
type Template = (&'static str, &'static str);

const CARGO_TOML: Template = ("pachca/Cargo.toml", include_str!("../../../../templates/sdk/Cargo.toml.j2"));
const LIB_RS: Template = ("pachca/src/lib.rs", include_str!("../../../../templates/sdk/src/lib.rs.j2"));
const LIB_RS_GENERIC: Template =
    ("pachca/src/lib.rs", include_str!("../../../../templates/sdk/src/lib.generic.rs.j2"));

/// The runtime every SDK crate has.
const RUNTIME: &[Template] = &[
    ("pachca/src/nullable.rs", include_str!("../../../../templates/sdk/src/nullable.rs")),
    ("pachca/src/enums.rs", include_str!("../../../../templates/sdk/src/enums.rs")),
    ("pachca/src/time_of_day.rs", include_str!("../../../../templates/sdk/src/time_of_day.rs")),
    ("pachca/src/client.rs", include_str!("../../../../templates/sdk/src/client.rs")),
    ("pachca/src/error.rs", include_str!("../../../../templates/sdk/src/error.rs")),
    ("pachca/src/retry.rs", include_str!("../../../../templates/sdk/src/retry.rs")),
    ("pachca/src/pagination.rs", include_str!("../../../../templates/sdk/src/pagination.rs")),
    ("pachca/src/response.rs", include_str!("../../../../templates/sdk/src/response.rs")),
];

/// The Pachca extras: modules and tests that use Pachca's own types,
/// emitted as they are (not templates).
const PACHCA_ONLY: &[Template] = &[
    ("pachca/src/webhook.rs", include_str!("../../../../templates/sdk/src/webhook.rs")),
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
pub fn render(api: &Api, target: &Target, files: &mut Files) -> Result<(), RenderError> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // A line holding only a `{% if %}` tag disappears from the output.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let operations: usize = api.operations().count();
    let ctx = context! {
        title => api.title,
        api_version => api.version,
        api_name => target.api_name,
        crate_name => target.crate_name,
        crate_ident => target.crate_ident(),
        pachca => target.pachca,
        token_required => target.token_required,
        // Only an absolute http(s) URL without variables can be a default;
        // otherwise the user must set one (`ClientBuilder::base_url`).
        base_url => api
            .servers
            .first()
            .map(|s| s.url.as_str())
            .filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && !u.contains('{'))
            .unwrap_or_default(),
        operations => operations,
        types => api.types.len(),
    };
    let lib = if target.pachca { LIB_RS } else { LIB_RS_GENERIC };
    for (path, source) in [CARGO_TOML, lib].iter().chain(RUNTIME) {
        let text = env
            .render_str(source, &ctx)
            .map_err(|e| RenderError { artifact: (*path).to_owned(), message: format!("{e:#}") })?;
        files.insert((*path).to_owned(), text);
    }
    if target.pachca {
        for (path, text) in PACHCA_ONLY {
            files.insert((*path).to_owned(), (*text).to_owned());
        }
    }
    Ok(())
}
