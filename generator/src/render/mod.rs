//! Stage 3: renderers, pure functions from the IR to file contents.

mod ir_dump;
pub mod rust;

use std::collections::BTreeMap;

use crate::ir::Api;

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
pub type Renderer = fn(&Api, &mut Files) -> Result<(), RenderError>;

/// Every renderer, in the order they run.
pub const RENDERERS: &[(&str, Renderer)] = &[
    ("ir", render_ir),
    ("sdk-crate", rust::crate_files::render),
    ("models", render_models),
    ("client", render_client),
    ("examples", render_examples),
];

fn render_models(api: &Api, files: &mut Files) -> Result<(), RenderError> {
    files.insert(rust::models::MODELS_FILE.to_owned(), rust::models::render(api)?);
    Ok(())
}

fn render_client(api: &Api, files: &mut Files) -> Result<(), RenderError> {
    files.insert(rust::client::SERVICES_FILE.to_owned(), rust::client::render_services(api)?);
    files.insert(rust::client::PARAMS_FILE.to_owned(), rust::client::render_params(api)?);
    files.insert(rust::contract::CONTRACT_FILE.to_owned(), rust::contract::render(api)?);
    Ok(())
}

fn render_examples(api: &Api, files: &mut Files) -> Result<(), RenderError> {
    files.insert(rust::examples::EXAMPLES_FILE.to_owned(), rust::examples::render(api)?);
    Ok(())
}
