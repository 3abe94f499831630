//! Runs the three stages on one spec file and times each.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::SpecError;
use crate::ir::Api;
use crate::lower::{Lowered, Options};
use crate::pin::Lang;
use crate::render::{Files, Localized, RenderError, LOCALIZED_RENDERERS, RENDERERS};
use crate::target::Target;

/// Everything generated from one spec, with stage timings.
#[derive(Debug)]
pub struct Generated {
    pub api: Api,
    /// The crate name and whether the Pachca extras apply.
    pub target: Target,
    pub files: Files,
    /// What lowering ignored or degraded ([`crate::lower::Lowered::warnings`]).
    pub warnings: Vec<SpecError>,
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

/// Loads, lowers and renders the spec at `spec`, naming the crate after the
/// spec ([`Target::for_api`]).
pub fn generate(spec: &Path) -> Result<Generated, GenerateError> {
    generate_named(spec, None)
}

/// Like [`generate`], with the SDK crate called `name` when given.
pub fn generate_named(spec: &Path, name: Option<&str>) -> Result<Generated, GenerateError> {
    generate_with(spec, name, Options::default())
}

/// Like [`generate_named`], lowering with `options` (`--lenient`).
pub fn generate_with(spec: &Path, name: Option<&str>, options: Options) -> Result<Generated, GenerateError> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let loaded = crate::load::load_file(spec)?;
    timings.push(("load", t.elapsed()));
    let t = Instant::now();
    let Lowered { api, warnings } = crate::lower::lower_with(&loaded, options)?;
    timings.push(("lower", t.elapsed()));
    let target = Target::for_api(&api, name).map_err(|message| RenderError { artifact: "crate name".to_owned(), message })?;
    let files = render(&api, &target, &mut timings)?;
    Ok(Generated { api, target, files, warnings, timings })
}

/// Runs every renderer on `api`, appending their timings.
pub fn render(api: &Api, target: &Target, timings: &mut Vec<(&'static str, Duration)>) -> Result<Files, RenderError> {
    let mut files = Files::new();
    for (name, renderer) in RENDERERS {
        let t = Instant::now();
        renderer(api, target, &mut files)?;
        timings.push((name, t.elapsed()));
    }
    Ok(crate::render::rename_crate(files, target))
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
    let Generated { api, target, mut files, warnings, mut timings } = main?;
    let (other_api, other_time) = other_lowered;
    let other_api = other_api?;
    // Measured on its own thread, concurrently with the stages above.
    timings.push(("other-lang (parallel)", other_time));
    let apis = match spec.0 {
        Lang::En => Localized { en: &api, ru: &other_api },
        Lang::Ru => Localized { en: &other_api, ru: &api },
    };
    // The agent skills are curated for the Pachca API.
    if target.pachca {
        for (name, renderer) in LOCALIZED_RENDERERS {
            let t = Instant::now();
            renderer(apis, &mut files)?;
            timings.push((name, t.elapsed()));
        }
    }
    Ok(Generated { api, target, files, warnings, timings })
}

/// The fixture specs in `dir` (`*.yaml`, by name), each generated as an SDK
/// crate named after its file, folded into the one suite crate of
/// [`crate::render::fixture_suite`].
pub fn generate_fixture_suite(dir: &Path) -> Result<Files, GenerateError> {
    let specs = fixture_specs(dir)
        .map_err(|e| RenderError { artifact: "fixtures".to_owned(), message: format!("{}: {e}", dir.display()) })?;
    let mut generated = Vec::with_capacity(specs.len());
    for spec in &specs {
        let name = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").replace('-', "_");
        let g = generate_named(spec, Some(&name))?;
        generated.push((name, g));
    }
    let cases: Vec<crate::render::fixture_suite::Case<'_>> = generated
        .iter()
        .map(|(name, g)| crate::render::fixture_suite::Case { name, api: &g.api, files: &g.files })
        .collect();
    let mut files = Files::new();
    crate::render::fixture_suite::render(&cases, &mut files)?;
    Ok(files)
}

/// The fixture specs in `dir`: its `*.yaml` files, sorted by name.
pub fn fixture_specs(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    Ok(specs)
}
