//! The SDK crate's scaffolding: `Cargo.toml`, `lib.rs`, `api.rs` (what the
//! runtime needs to know about this API), the runtime itself, and in the
//! Pachca profile the hand-written Pachca additions.
//!
//! The runtime (`runtime/sdk/`) is copied byte for byte into `src/runtime/`;
//! the Pachca additions (`runtime/sdk-pachca/`) are copied as they are. The
//! generated `Cargo.toml` takes its `[features]`, `[dependencies]` and
//! `[dev-dependencies]` from the runtime crate's own manifest, so a generated
//! crate depends on exactly what the runtime is tested with.

use heck::ToUpperCamelCase;
use minijinja::{context, Environment};
use quote::{format_ident, quote};

use super::{format_file, GENERATED_HEADER};
use crate::model::Model;
use crate::render::{Files, RenderError};

/// A file: (path relative to its folder, contents).
type Source = (&'static str, &'static str);

const CARGO_TOML: &str = include_str!("../../../../templates/sdk/Cargo.toml.j2");
const LIB_DOCS_PACHCA: &str = include_str!("../../../../templates/sdk/lib.pachca.j2");
const LIB_DOCS_GENERIC: &str = include_str!("../../../../templates/sdk/lib.generic.j2");

/// The runtime crate's manifest: the source of the generated dependency tables.
pub const RUNTIME_MANIFEST: &str = include_str!("../../../../runtime/sdk/Cargo.toml");

/// The runtime, every file of `runtime/sdk/src/` (a test checks the list is complete).
pub const RUNTIME: &[Source] = &[
    ("mod.rs", include_str!("../../../../runtime/sdk/src/mod.rs")),
    ("builder.rs", include_str!("../../../../runtime/sdk/src/builder.rs")),
    ("client.rs", include_str!("../../../../runtime/sdk/src/client.rs")),
    ("date_time.rs", include_str!("../../../../runtime/sdk/src/date_time.rs")),
    ("enums.rs", include_str!("../../../../runtime/sdk/src/enums.rs")),
    ("error.rs", include_str!("../../../../runtime/sdk/src/error.rs")),
    ("file.rs", include_str!("../../../../runtime/sdk/src/file.rs")),
    ("mock.rs", include_str!("../../../../runtime/sdk/src/mock.rs")),
    ("nullable.rs", include_str!("../../../../runtime/sdk/src/nullable.rs")),
    ("options.rs", include_str!("../../../../runtime/sdk/src/options.rs")),
    ("pagination.rs", include_str!("../../../../runtime/sdk/src/pagination.rs")),
    ("response.rs", include_str!("../../../../runtime/sdk/src/response.rs")),
    ("retry.rs", include_str!("../../../../runtime/sdk/src/retry.rs")),
    ("time_of_day.rs", include_str!("../../../../runtime/sdk/src/time_of_day.rs")),
];

/// The Pachca additions: modules and tests that use Pachca's own types,
/// every file of `runtime/sdk-pachca/` (a test checks the list is complete).
pub const PACHCA_ADDITIONS: &[Source] = &[
    ("src/errors.rs", include_str!("../../../../runtime/sdk-pachca/src/errors.rs")),
    ("src/rate_limit.rs", include_str!("../../../../runtime/sdk-pachca/src/rate_limit.rs")),
    ("src/upload.rs", include_str!("../../../../runtime/sdk-pachca/src/upload.rs")),
    ("src/webhook.rs", include_str!("../../../../runtime/sdk-pachca/src/webhook.rs")),
    ("tests/support/mod.rs", include_str!("../../../../runtime/sdk-pachca/tests/support/mod.rs")),
    ("tests/support/prism.rs", include_str!("../../../../runtime/sdk-pachca/tests/support/prism.rs")),
    ("tests/builders.rs", include_str!("../../../../runtime/sdk-pachca/tests/builders.rs")),
    ("tests/forward_compat.rs", include_str!("../../../../runtime/sdk-pachca/tests/forward_compat.rs")),
    ("tests/services.rs", include_str!("../../../../runtime/sdk-pachca/tests/services.rs")),
    ("tests/mock.rs", include_str!("../../../../runtime/sdk-pachca/tests/mock.rs")),
    ("tests/upload_stream.rs", include_str!("../../../../runtime/sdk-pachca/tests/upload_stream.rs")),
    ("tests/bot_examples.rs", include_str!("../../../../runtime/sdk-pachca/tests/bot_examples.rs")),
    ("tests/wire.rs", include_str!("../../../../runtime/sdk-pachca/tests/wire.rs")),
    ("examples/features.rs", include_str!("../../../../runtime/sdk-pachca/examples/features.rs")),
    ("examples/send_message.rs", include_str!("../../../../runtime/sdk-pachca/examples/send_message.rs")),
    ("examples/list_users.rs", include_str!("../../../../runtime/sdk-pachca/examples/list_users.rs")),
    ("examples/webhook_bot.rs", include_str!("../../../../runtime/sdk-pachca/examples/webhook_bot.rs")),
    ("examples/paging.rs", include_str!("../../../../runtime/sdk-pachca/examples/paging.rs")),
    ("examples/error_handling.rs", include_str!("../../../../runtime/sdk-pachca/examples/error_handling.rs")),
    ("examples/rate_limited.rs", include_str!("../../../../runtime/sdk-pachca/examples/rate_limited.rs")),
    ("benches/pagination.rs", include_str!("../../../../runtime/sdk-pachca/benches/pagination.rs")),
];

/// What the Pachca additions need beyond the runtime's dependencies.
const PACHCA_DEPENDENCIES: &[&str] = &[
    "# `webhook`: the HMAC-SHA256 of `Pachca-Signature`.",
    "hex = { version = \"0.4\", optional = true }",
    "hmac = { version = \"0.12\", optional = true }",
    "sha2 = { version = \"0.10\", optional = true }",
    "# `rate-limit`: GCRA limiters, a keyed one per chat; `std` alone gives the async",
    "# waits on `std::time::Instant`, without dashmap, quanta and rand.",
    "governor = { version = \"0.10\", optional = true, default-features = false, features = [\"std\"] }",
];

/// The Pachca additions' features on by default, added to the runtime's `default`.
const PACHCA_DEFAULT_FEATURES: &[&str] = &["webhook", "upload"];

/// The Pachca additions' features, after the runtime's.
const PACHCA_FEATURES: &[&str] = &[
    "# Verification and typed decoding of Pachca's webhooks (`pachca::webhook`).",
    "webhook = [\"dep:hex\", \"dep:hmac\", \"dep:sha2\"]",
    "# The one-call upload (`Client::upload_file`, `Client::upload_path`).",
    "upload = [\"mime\"]",
    "# Client-side rate limiting at Pachca's documented limits (`pachca::rate_limit`).",
    "rate-limit = [\"dep:governor\"]",
];

/// What the Pachca additions' examples and tests need beyond the runtime's
/// dev-dependencies: the webhook bot example is an axum server.
const PACHCA_DEV_DEPENDENCIES: &[&str] =
    &["axum = { version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }"];

/// The Pachca additions' benchmark target, and the example that needs a feature.
const PACHCA_TARGETS: &str = "[[bench]]\nname = \"pagination\"\nharness = false\n\n\
[[example]]\nname = \"rate_limited\"\nrequired-features = [\"rate-limit\"]\n\n\
[[test]]\nname = \"mock\"\nrequired-features = [\"mock\"]\n";

/// Renders the crate scaffolding into `files`.
pub fn render(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    let pachca = m.profile.is_pachca();
    let api = m.api;
    let env = environment();
    let err = |artifact: &str| {
        let artifact = m.sdk_path(artifact);
        move |e: minijinja::Error| RenderError { artifact, message: format!("{e:#}") }
    };
    let (description, package_extra) = if pachca {
        (
            format!("Async Rust client and typed models for the Pachca messenger API ({} {}), generated from its OpenAPI spec", api.title, api.version),
            // No `repository`: that is the publisher's to set (README, "Placeholders").
            "keywords = [\"pachca\", \"api\", \"sdk\", \"messenger\"]\n",
        )
    } else {
        (
            format!("Async Rust client and typed models for {} {}, generated from its OpenAPI spec", api.title, api.version),
            "keywords = [\"api\", \"sdk\", \"openapi\"]\n",
        )
    };
    let manifest = env
        .render_str(
            CARGO_TOML,
            context! {
                api_name => api_name(m),
                crate_name => m.sdk_crate,
                version => m.version.to_string(),
                lib_name => m.sdk_lib(),
                description => description,
                package_extra => package_extra,
                runtime_tables => runtime_tables(m.sdk_additions, m.pinned_run()),
            },
        )
        .map_err(err("Cargo.toml"))?;
    files.insert(m.sdk_path("Cargo.toml"), manifest);
    let docs = env
        .render_str(
            if pachca { LIB_DOCS_PACHCA } else { LIB_DOCS_GENERIC },
            context! {
                title => api.title,
                api_version => api.version,
                operations => api.operations().count(),
                types => api.types.len(),
                crate_ident => m.sdk_lib(),
                base_url => default_base_url(m).unwrap_or("http://127.0.0.1:8080"),
            },
        )
        .map_err(err("src/lib.rs"))?;
    files.insert(m.sdk_path("src/lib.rs"), format!("{docs}{}", lib_items(m, true)));
    files.insert(m.sdk_path("src/api.rs"), render_api(m)?);
    for (path, text) in RUNTIME {
        files.insert(m.sdk_path(&format!("src/runtime/{path}")), (*text).to_owned());
    }
    if m.sdk_additions {
        for (path, text) in PACHCA_ADDITIONS {
            if path.starts_with("src/") || m.pinned_run() {
                files.insert(m.sdk_path(path), (*text).to_owned());
            }
        }
    }
    Ok(())
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env
}

/// What docs call the API: `Pachca`, or the spec's title.
fn api_name(m: &Model<'_>) -> String {
    if m.profile.is_pachca() {
        "Pachca".to_owned()
    } else {
        m.api.title.trim().trim_end_matches(" API").to_owned()
    }
}

/// The first server URL, when it can be a default: an absolute http(s) URL
/// without variables. Otherwise the user must set one (`ClientBuilder::base_url`).
pub fn default_base_url<'m>(m: &Model<'m>) -> Option<&'m str> {
    m.api
        .servers
        .first()
        .map(|s| s.url.as_str())
        .filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && !u.contains('{'))
}

/// The runtime manifest's tables from `[features]` on, with the Pachca
/// additions' features, dependencies and dev-dependencies appended to their
/// tables when `additions`, and their targets after when `targets`.
pub fn runtime_tables(additions: bool, targets: bool) -> String {
    let tail = RUNTIME_MANIFEST.find("\n[features]").map_or("", |at| &RUNTIME_MANIFEST[at + 1..]);
    let extras = |table: &str| -> &'static [&'static str] {
        match table {
            _ if !additions => &[],
            "[features]" => PACHCA_FEATURES,
            "[dependencies]" => PACHCA_DEPENDENCIES,
            "[dev-dependencies]" => PACHCA_DEV_DEPENDENCIES,
            _ => &[],
        }
    };
    let mut out = String::with_capacity(tail.len() + 512);
    // Closes `table`: its extra lines go after its last non-blank line.
    let close = |out: &mut String, table: &str| {
        let lines = extras(table);
        if lines.is_empty() {
            return;
        }
        let kept = out.trim_end_matches('\n').len();
        out.truncate(kept);
        out.push('\n');
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
    };
    let mut table = String::new();
    for line in tail.lines() {
        if line.starts_with('[') {
            if !extras(&table).is_empty() {
                close(&mut out, &table);
                out.push('\n');
            }
            line.clone_into(&mut table);
        }
        if table == "[dependencies]" && line.is_empty() {
            continue;
        }
        match line.strip_prefix("default = [").and_then(|l| l.strip_suffix(']')) {
            Some(runtime_defaults) if additions && table == "[features]" => {
                out.push_str("default = [");
                out.push_str(runtime_defaults);
                for feature in PACHCA_DEFAULT_FEATURES {
                    out.push_str(&format!(", \"{feature}\""));
                }
                out.push_str("]\n");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    close(&mut out, &table);
    if additions && targets {
        out.push('\n');
        out.push_str(PACHCA_TARGETS);
    }
    out
}

/// The module declarations and re-exports of `lib.rs` (`standalone`) or of
/// a fixture module, whose runtime lives at the suite crate's root.
pub fn lib_items(m: &Model<'_>, standalone: bool) -> String {
    let mut out = String::from("#![forbid(unsafe_code)]\n#![warn(missing_docs)]\n");
    if standalone {
        // docs.rs builds with `--cfg docsrs` on nightly: mark feature-gated items.
        out.push_str("#![cfg_attr(docsrs, feature(doc_cfg))]\n");
    }
    out.push_str("\npub mod api;\n");
    if m.sdk_additions {
        out.push_str("mod errors;\n");
    }
    if standalone {
        out.push_str(&gated("mock", "mock"));
    }
    out.push_str("pub mod models;\npub mod params;\n");
    if m.sdk_additions {
        out.push_str(&gated("rate-limit", "rate_limit"));
    }
    if standalone {
        out.push_str("pub mod runtime;\n");
    }
    out.push_str("pub mod services;\n");
    if m.sdk_additions {
        out.push_str(&gated("upload", "upload"));
        out.push_str(&gated("webhook", "webhook"));
    }
    let marker = marker_name(m);
    out.push_str(&format!(
        "\npub use api::{{Client, ClientBuilder, {marker}}};\n\
         /// The HTTP client crate in use (for [`Client::send_json`]'s method and\n\
         /// [`ClientBuilder::http_client`]).\n\
         pub use reqwest;\n\
         /// The date and time crate of the models (`date-time` is `chrono::DateTime<Utc>`).\n\
         pub use chrono;\n\
         pub use crate::runtime::builder::BuildError;\n\
         pub use crate::runtime::error::{{self, Error}};\n\
         pub use crate::runtime::file::FileBody;\n\
         pub use crate::runtime::nullable::Nullable;\n\
         pub use crate::runtime::options::{{RequestOptions, ResponseCapture, ResponseMeta}};\n\
         pub use crate::runtime::pagination::{{self, Page}};\n\
         pub use crate::runtime::retry::{{self, RetryPolicy}};\n\
         pub use crate::runtime::time_of_day::{{ParseTimeOfDayError, TimeOfDay}};\n"
    ));
    out
}

/// `pub mod module;` compiled with `feature` only, and marked so in docs.rs.
fn gated(feature: &str, module: &str) -> String {
    format!("#[cfg(feature = \"{feature}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{feature}\")))]\npub mod {module};\n")
}

/// The marker type of the API (`PachcaApi`, `PetStoreApi`).
pub fn marker_name(m: &Model<'_>) -> String {
    format!("{}Api", m.sdk_crate.to_upper_camel_case())
}

/// `src/api.rs`: the marker type, its `runtime::client::Api` facts, and the `Client` and
/// `ClientBuilder` of this API.
pub fn render_api(m: &Model<'_>) -> Result<String, RenderError> {
    let marker = format_ident!("{}", marker_name(m));
    let name = api_name(m);
    let marker_doc = format!(
        " The {name} API as a type: [`Client`] is the runtime's client for it, and its [`Api`](crate::runtime::client::Api) implementation holds what the runtime needs to know."
    );
    let user_agent = format!("{}-rust/", m.sdk_crate);
    let token_required = m.api.token_required;
    let (base_url_const, base_url) = match default_base_url(m) {
        Some(url) => {
            let doc = format!(" Base URL of the {name} API, from the spec's first server.");
            (quote! { #[doc = #doc] pub const DEFAULT_BASE_URL: &str = #url; }, quote!(Some(DEFAULT_BASE_URL)))
        }
        None => (quote!(), quote!(None)),
    };
    let client_doc = format!(" A client for the {name} API; see [`runtime::client::Client`](crate::runtime::client::Client) for its methods and [`super::services`] for the operations.");
    let builder_doc = format!(" Configures a [`Client`] of the {name} API: `Client::builder().token(..).build()`.");
    let tokens = quote! {
        //! What the runtime needs to know about this API, and its client types.

        #base_url_const

        #[doc = #marker_doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct #marker;

        impl crate::runtime::client::Api for #marker {
            const DEFAULT_BASE_URL: Option<&'static str> = #base_url;
            const TOKEN_REQUIRED: bool = #token_required;
            const USER_AGENT: &'static str = concat!(#user_agent, env!("CARGO_PKG_VERSION"));
        }

        #[doc = #client_doc]
        pub type Client = crate::runtime::client::Client<#marker>;

        #[doc = #builder_doc]
        pub type ClientBuilder = crate::runtime::client::ClientBuilder<#marker>;
    };
    format_file(&m.sdk_path("src/api.rs"), GENERATED_HEADER, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let path = e.path();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if path.is_dir() {
                names_in(&path, &format!("{name}/"), out);
            } else if name.ends_with(".rs") {
                out.push(name);
            }
        }
    }

    /// Every file of the runtime folders is copied: a new file cannot be forgotten.
    #[test]
    fn copied_file_lists_are_complete() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for (dir, list) in [("runtime/sdk/src", RUNTIME), ("runtime/sdk-pachca", PACHCA_ADDITIONS)] {
            let mut on_disk = Vec::new();
            names_in(&root.join(dir), "", &mut on_disk);
            on_disk.sort();
            let mut listed: Vec<String> = list.iter().map(|(p, _)| (*p).to_owned()).collect();
            listed.sort();
            assert_eq!(on_disk, listed, "{dir}");
        }
        // The runtime is copied into a submodule (`src/runtime/`): it reaches
        // its own modules through `super::`, never `crate::`.
        for (file, text) in RUNTIME {
            assert!(!text.contains("crate::"), "runtime/sdk/src/{file} uses `crate::`");
        }
    }

    #[test]
    fn runtime_tables_add_the_pachca_dependencies() {
        let generic = runtime_tables(false, false);
        assert!(generic.starts_with("[features]\n"), "{generic}");
        assert!(generic.contains("\n[dependencies]\n") && generic.contains("\n[dev-dependencies]\n"));
        for only_pachca in ["hmac", "governor", "rate-limit", "webhook", "upload", "axum", "[[bench]]", "[[example]]", "[[test]]"] {
            assert!(!generic.contains(only_pachca), "{only_pachca} in a generic crate:\n{generic}");
        }
        let pachca = runtime_tables(true, true);
        let table = |name: &str| {
            let start = pachca.find(&format!("{name}\n")).unwrap_or_else(|| panic!("no {name}:\n{pachca}"));
            let end = pachca[start + 1..].find("\n[").map_or(pachca.len(), |e| start + 1 + e);
            &pachca[start..end]
        };
        assert!(generic.contains("\ndefault = [\"rustls\", \"mime\"]\n") && generic.contains("\nmock = [\"dep:wiremock\"]\n"), "{generic}");
        let features = table("[features]");
        assert!(features.contains("\ndefault = [\"rustls\", \"mime\", \"webhook\", \"upload\"]\n"), "{features}");
        assert!(features.contains("\nwebhook = [\"dep:hex\", \"dep:hmac\", \"dep:sha2\"]\n"), "{features}");
        assert!(features.contains("native-tls = [") && features.ends_with("\nrate-limit = [\"dep:governor\"]\n"), "{features}");
        let deps = table("[dependencies]");
        assert!(deps.contains("hmac = { version = \"0.12\", optional = true }") && deps.contains("reqwest"), "{deps}");
        assert!(deps.contains("\ngovernor = { version = \"0.10\", optional = true"), "{deps}");
        assert!(!deps.contains("\n\n"), "{deps}");
        let dev = table("[dev-dependencies]");
        assert!(dev.contains("wiremock") && dev.contains("\naxum = {"), "{dev}");
        assert!(!table("[dependencies]").contains("axum"));
        assert!(pachca.ends_with("[[example]]\nname = \"rate_limited\"\nrequired-features = [\"rate-limit\"]\n\n[[test]]\nname = \"mock\"\nrequired-features = [\"mock\"]\n"));
        assert!(pachca.contains("\n\n[[bench]]\nname = \"pagination\"\nharness = false\n\n[[example]]"), "{pachca}");
        // Without the targets the tables are the same.
        assert_eq!(runtime_tables(true, false), pachca[..pachca.find("\n[[bench]]").unwrap_or(0)]);
    }
}
