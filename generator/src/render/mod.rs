//! Stage 3: renderers, pure functions from the IR to file contents.

pub mod cli;
pub mod fixture_suite;
mod ir_dump;
pub mod rust;
pub mod skills;

use std::collections::BTreeMap;

use crate::model::Model;

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

pub use crate::model::Localized;

/// One renderer: a name (for timings) and a pure function of the model.
pub type Renderer = fn(&Model<'_>, &mut Files) -> Result<(), RenderError>;

/// Every renderer, in the order they start. Each decides from the model's
/// profile what it writes: the SDK crate for every spec; its Pachca
/// additions, the CLI crate and the agent skills only in the Pachca profile.
pub const RENDERERS: &[(&str, Renderer)] = &[
    ("ir", render_ir),
    ("sdk-crate", rust::crate_files::render),
    ("models", render_models),
    ("client", render_client),
    ("cli", render_cli),
    ("examples", render_examples),
    ("skills", render_skills),
    ("changelog", render_changelog),
];

/// `CHANGELOG.md` beside the crates, from the release log.
fn render_changelog(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    if let Some(text) = &m.changelog {
        files.insert("CHANGELOG.md".to_owned(), text.clone());
    }
    Ok(())
}

fn render_models(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    files.insert(m.sdk_path(rust::models::MODELS_FILE), rust::models::render(m)?);
    if rust::builders::any(m) {
        files.insert(m.sdk_path(rust::builders::BUILDERS_FILE), rust::builders::render(m));
    }
    Ok(())
}

fn render_client(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    files.insert(m.sdk_path(rust::client::SERVICES_FILE), rust::client::render_services(m)?);
    files.insert(m.sdk_path(rust::client::PARAMS_FILE), rust::client::render_params(m)?);
    files.insert(m.sdk_path(rust::mock::MOCK_FILE), rust::mock::render(m)?);
    if m.pinned_run() {
        files.insert(m.sdk_path(rust::contract::CONTRACT_FILE), rust::contract::render(m)?);
    }
    Ok(())
}

fn render_cli(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    match &m.cli {
        Some(cli) => {
            // `pachca guide` carries the skills' scenarios when they are rendered.
            let guide = match (m.localized(), m.localized_cli(), &m.skills) {
                (Some(apis), Some(clis), Some(inputs)) => skills::guide(apis, clis, &inputs.validated)?,
                _ => Vec::new(),
            };
            let version = m.version.to_string();
            let empty = crate::release::ReleaseLog::default().changelog();
            let release = cli::Release { version: &version, changelog: m.changelog.as_deref().unwrap_or(&empty) };
            cli::render(m.api, &m.types, cli, &m.sdk_crate, &m.cli_crate(), &guide, &release, files)
        }
        None => Ok(()),
    }
}

fn render_examples(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    // The test's support module (`tests/support/`) is a Pachca addition.
    if m.pinned_run() {
        files.insert(m.sdk_path(rust::examples::EXAMPLES_FILE), rust::examples::render(m)?);
    }
    Ok(())
}

fn render_skills(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    match (m.localized(), m.localized_cli(), &m.skills) {
        (Some(apis), Some(clis), Some(inputs)) => skills::render_checked(apis, clis, &inputs.validated, files),
        _ => Ok(()),
    }
}
