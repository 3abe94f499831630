//! Stage 3: renderers, pure functions from the IR to file contents.

pub mod cli;
pub mod fixture_suite;
mod ir_dump;
pub mod rust;
pub mod skills;

use std::collections::BTreeMap;

use crate::ir::Api;
use crate::target::Target;

pub use ir_dump::render_ir;

/// Rendered files: path relative to `generated/` (with `/`) → contents.
pub type Files = BTreeMap<String, String>;

/// A renderer failed (a bug in a template or the IR, never in the spec).
#[derive(Debug, thiserror::Error)]
#[error("rendering {artifact}: {message}")]
pub struct RenderError {
    /// Which artifact was being rendered.
    pub artifact: String,
    pub message: String,
}

/// One renderer: a name (for timings) and the function.
pub type Renderer = fn(&Api, &Target, &mut Files) -> Result<(), RenderError>;

/// The API lowered from each language's spec, for renderers that write text
/// in both languages. Both describe the same operations and types.
#[derive(Debug, Clone, Copy)]
pub struct Localized<'a> {
    pub en: &'a Api,
    pub ru: &'a Api,
}

impl<'a> Localized<'a> {
    /// The API described in `lang`.
    pub fn get(&self, lang: crate::pin::Lang) -> &'a Api {
        match lang {
            crate::pin::Lang::En => self.en,
            crate::pin::Lang::Ru => self.ru,
        }
    }
}

/// A renderer that needs both languages.
pub type LocalizedRenderer = fn(Localized<'_>, &mut Files) -> Result<(), RenderError>;

/// Renderers that need both languages, run after [`RENDERERS`] when both
/// specs are given ([`crate::generate::generate_localized`]).
pub const LOCALIZED_RENDERERS: &[(&str, LocalizedRenderer)] = &[("skills", skills::render)];

/// Every renderer, in the order they run.
///
/// Every renderer writes the SDK crate under `pachca/`; for another crate
/// name [`rename_crate`] moves the files afterwards. The CLI and the Prism
/// contract and examples tests are Pachca extras ([`Target::pachca`]).
pub const RENDERERS: &[(&str, Renderer)] = &[
    ("ir", render_ir),
    ("sdk-crate", rust::crate_files::render),
    ("models", render_models),
    ("client", render_client),
    ("cli", render_cli),
    ("examples", render_examples),
];

fn render_models(api: &Api, _: &Target, files: &mut Files) -> Result<(), RenderError> {
    files.insert(rust::models::MODELS_FILE.to_owned(), rust::models::render(api)?);
    Ok(())
}

fn render_client(api: &Api, target: &Target, files: &mut Files) -> Result<(), RenderError> {
    files.insert(rust::client::SERVICES_FILE.to_owned(), rust::client::render_services(api)?);
    files.insert(rust::client::PARAMS_FILE.to_owned(), rust::client::render_params(api)?);
    if target.pachca {
        files.insert(rust::contract::CONTRACT_FILE.to_owned(), rust::contract::render(api)?);
    }
    Ok(())
}

fn render_cli(api: &Api, target: &Target, files: &mut Files) -> Result<(), RenderError> {
    if target.pachca {
        cli::render(api, "pachca", files)?;
    }
    Ok(())
}

fn render_examples(api: &Api, target: &Target, files: &mut Files) -> Result<(), RenderError> {
    // The test's support module (`tests/support/`) is a Pachca extra.
    if target.pachca {
        files.insert(rust::examples::EXAMPLES_FILE.to_owned(), rust::examples::render(api)?);
    }
    Ok(())
}

/// Moves the SDK crate's files from `pachca/` to `<crate_name>/` and renames
/// the crate in its Rust paths (`pachca::Client` in docs and tests), for a
/// target whose crate is not called `pachca`.
pub fn rename_crate(files: Files, target: &Target) -> Files {
    const PREFIX: &str = "pachca/";
    if target.crate_name == crate::target::PACHCA_CRATE {
        return files;
    }
    let ident = format!("{}::", target.crate_ident());
    files
        .into_iter()
        .map(|(path, text)| match path.strip_prefix(PREFIX) {
            Some(rest) => {
                let text = if rest.ends_with(".rs") { text.replace("pachca::", &ident) } else { text };
                (format!("{}/{rest}", target.crate_name), text)
            }
            None => (path, text),
        })
        .collect()
}
