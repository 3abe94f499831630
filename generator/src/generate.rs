//! Runs the three stages on one spec file and times each.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::SpecError;
use crate::ir::Api;
use crate::pin::Lang;
use crate::render::{Files, Localized, RenderError, LOCALIZED_RENDERERS, RENDERERS};

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

/// Like [`generate`] for `spec`, then the renderers that write both
/// languages ([`LOCALIZED_RENDERERS`]: the agent skills), which also read
/// `other`, the same API described in the other language.
pub fn generate_localized(spec: (Lang, &Path), other: (Lang, &Path)) -> Result<Generated, GenerateError> {
    if spec.0 == other.0 {
        let message = format!("both specs are in `{}`; the second one must be in the other language", spec.0);
        return Err(RenderError { artifact: "generate".to_owned(), message }.into());
    }
    // The other language's spec is loaded and lowered on a second thread
    // while the main one goes through every renderer.
    let (main, other_lowered) = std::thread::scope(|scope| {
        let other_job = scope.spawn(|| {
            let t = Instant::now();
            let lowered = crate::load::load_file(other.1).map_err(GenerateError::from).and_then(|s| Ok(crate::lower::lower(&s)?));
            (lowered, t.elapsed())
        });
        let main = generate(spec.1);
        let other_lowered = other_job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (main, other_lowered)
    });
    let Generated { api, mut files, mut timings } = main?;
    let (other_api, other_time) = other_lowered;
    let other_api = other_api?;
    // Measured on its own thread, concurrently with the stages above.
    timings.push(("other-lang (parallel)", other_time));
    let apis = match spec.0 {
        Lang::En => Localized { en: &api, ru: &other_api },
        Lang::Ru => Localized { en: &other_api, ru: &api },
    };
    for (name, renderer) in LOCALIZED_RENDERERS {
        let t = Instant::now();
        renderer(apis, &mut files)?;
        timings.push((name, t.elapsed()));
    }
    Ok(Generated { api, files, timings })
}
