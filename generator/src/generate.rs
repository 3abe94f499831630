//! Runs the three stages on one spec file and times each.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::SpecError;
use crate::ir::Api;
use crate::render::{Files, RenderError, RENDERERS};

/// Everything generated from one spec, with stage timings.
#[derive(Debug)]
pub struct Generated {
    pub api: Api,
    pub files: Files,
    /// `(stage, duration)` in the order they ran: `load`, `lower`, then each renderer.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A generation failure.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Loads, lowers and renders the spec at `spec`.
pub fn generate(spec: &Path) -> Result<Generated, GenerateError> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let loaded = crate::load::load_file(spec)?;
    timings.push(("load", t.elapsed()));
    let t = Instant::now();
    let api = crate::lower::lower(&loaded)?;
    timings.push(("lower", t.elapsed()));
    let files = render(&api, &mut timings)?;
    Ok(Generated { api, files, timings })
}

/// Runs every renderer on `api`, appending their timings.
pub fn render(api: &Api, timings: &mut Vec<(&'static str, Duration)>) -> Result<Files, RenderError> {
    let mut files = Files::new();
    for (name, renderer) in RENDERERS {
        let t = Instant::now();
        renderer(api, &mut files)?;
        timings.push((name, t.elapsed()));
    }
    Ok(files)
}
