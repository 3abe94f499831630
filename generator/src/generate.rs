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
    let Lowered { api, warnings } = load_and_lower(spec, options, &mut timings)?;
    let target = target_for(&api, name)?;
    let files = render(&api, &target, &mut timings)?;
    Ok(Generated { api, target, files, warnings, timings })
}

fn target_for(api: &Api, name: Option<&str>) -> Result<Target, RenderError> {
    Target::for_api(api, name).map_err(|message| RenderError { artifact: "crate name".to_owned(), message })
}

/// Stages 1 and 2, timed as `load` and `lower`.
fn load_and_lower(spec: &Path, options: Options, timings: &mut Vec<(&'static str, Duration)>) -> Result<Lowered, SpecError> {
    let t = Instant::now();
    let loaded = crate::load::load_file(spec)?;
    timings.push(("load", t.elapsed()));
    let t = Instant::now();
    let lowered = crate::lower::lower_with(&loaded, options)?;
    timings.push(("lower", t.elapsed()));
    Ok(lowered)
}

/// Runs every renderer on `api`, each on its own thread, appending their
/// timings (wall time of each, measured while the others run).
pub fn render(api: &Api, target: &Target, timings: &mut Vec<(&'static str, Duration)>) -> Result<Files, RenderError> {
    let files = std::thread::scope(|scope| join_renderers(spawn_renderers(scope, api, target, None), timings))?;
    Ok(crate::render::rename_crate(files, target))
}

type RenderJob<'scope> = (&'static str, std::thread::ScopedJoinHandle<'scope, (Result<Files, RenderError>, Duration)>);

/// Starts each of [`RENDERERS`], and of [`LOCALIZED_RENDERERS`] when both
/// languages are given, on a thread of `scope`.
fn spawn_renderers<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    api: &'env Api,
    target: &'env Target,
    localized: Option<Localized<'env>>,
) -> Vec<RenderJob<'scope>> {
    fn job<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        name: &'static str,
        render: impl FnOnce(&mut Files) -> Result<(), RenderError> + Send + 'scope,
    ) -> RenderJob<'scope> {
        let handle = scope.spawn(move || {
            let t = Instant::now();
            let mut files = Files::new();
            let result = render(&mut files).map(|()| files);
            (result, t.elapsed())
        });
        (name, handle)
    }
    let mut jobs: Vec<RenderJob<'scope>> =
        RENDERERS.iter().map(|&(name, renderer)| job(scope, name, move |files| renderer(api, target, files))).collect();
    if let Some(apis) = localized {
        jobs.extend(LOCALIZED_RENDERERS.iter().map(|&(name, renderer)| job(scope, name, move |files| renderer(apis, files))));
    }
    jobs
}

/// Waits for every renderer and merges their files; the first failure in
/// the order they were started wins. A renderer's panic is resumed here.
fn join_renderers(jobs: Vec<RenderJob<'_>>, timings: &mut Vec<(&'static str, Duration)>) -> Result<Files, RenderError> {
    let mut files = Files::new();
    let mut first_error = None;
    for (name, job) in jobs {
        let (result, elapsed) = job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        timings.push((name, elapsed));
        match result {
            Ok(rendered) => files.extend(rendered),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(files),
    }
}

/// Like [`generate`] for `spec`, then the renderers that write both
/// languages ([`LOCALIZED_RENDERERS`]: the agent skills), which also read
/// `other`, the same API described in the other language.
///
/// Both specs are loaded and lowered at once, on two threads; then every
/// renderer runs on a thread of its own.
pub fn generate_localized(spec: (Lang, &Path), other: (Lang, &Path)) -> Result<Generated, GenerateError> {
    if spec.0 == other.0 {
        let message = format!("both specs are in `{}`; the second one must be in the other language", spec.0);
        return Err(RenderError { artifact: "generate".to_owned(), message }.into());
    }
    let mut timings = Vec::new();
    let (main, other_lowered) = std::thread::scope(|scope| {
        let other_job = scope.spawn(|| {
            let t = Instant::now();
            let lowered = load_and_lower(other.1, Options::default(), &mut Vec::new());
            (lowered, t.elapsed())
        });
        let main = load_and_lower(spec.1, Options::default(), &mut timings);
        let other_lowered = other_job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (main, other_lowered)
    });
    let Lowered { api, warnings } = main?;
    let (other_api, other_time) = other_lowered;
    let other_api = other_api?.api;
    // Measured on its own thread, concurrently with the stages above.
    timings.push(("other-lang (parallel)", other_time));
    let target = target_for(&api, None)?;
    // The agent skills are curated for the Pachca API.
    let localized = target.pachca.then_some(match spec.0 {
        Lang::En => Localized { en: &api, ru: &other_api },
        Lang::Ru => Localized { en: &other_api, ru: &api },
    });
    let files = std::thread::scope(|scope| join_renderers(spawn_renderers(scope, &api, &target, localized), &mut timings))?;
    // Only the SDK crate's files (under `pachca/`) move; the skills stay.
    let files = crate::render::rename_crate(files, &target);
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
