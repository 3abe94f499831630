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
            // `pachca guide` and `pachca skills` carry the skills when they are rendered.
            let inputs = skills_inputs(m);
            let guide = match inputs {
                Some((apis, clis, inputs)) => skills::guide(apis, clis, &inputs.validated)?,
                None => Vec::new(),
            };
            let version = m.version.to_string();
            let empty = crate::release::ReleaseLog::default().changelog();
            let release = cli::Release { version: &version, changelog: m.changelog.as_deref().unwrap_or(&empty) };
            cli::render(m.api, &m.types, cli, &m.sdk_crate, &m.cli_crate(), &guide, inputs.is_some(), &release, files)
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

/// What the agent skills are rendered from: both languages' APIs and
/// command lines, and the checked curated data (the Pachca profile with
/// both specs loaded), else `None`.
fn skills_inputs<'m>(m: &'m Model<'_>) -> Option<(Localized<'m>, crate::model::LocalizedCli<'m>, &'m crate::model::SkillsInputs)> {
    Some((m.localized()?, m.localized_cli()?, m.skills.as_ref()?))
}

fn render_skills(m: &Model<'_>, files: &mut Files) -> Result<(), RenderError> {
    let Some((apis, clis, inputs)) = skills_inputs(m) else { return Ok(()) };
    skills::render_checked(apis, clis, &inputs.validated, &m.version.to_string(), files)?;
    // The same files, carried by the CLI binary for `pachca skills install`.
    if m.cli.is_some() {
        files.insert(format!("{}/{}", m.cli_crate(), cli::bundle::BUNDLE_FILE), cli::bundle::render(files));
    }
    Ok(())
}
