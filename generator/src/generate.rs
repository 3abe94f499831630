//! Runs the stages on a spec and times each: load → lower → one [`Model`]
//! → every renderer, each on a thread of its own.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::SpecError;
use crate::ir::Api;
use crate::lower::Lowered;
use crate::model::{Model, ModelError};
use crate::pin::Lang;
use crate::profile::Profile;
use crate::render::{Files, RenderError, RENDERERS};

/// What to generate from one spec.
#[derive(Debug, Clone)]
pub struct Request<'p> {
    /// The spec file, and the language of its descriptions.
    pub spec: (Lang, &'p Path),
    /// The same API in the other language (the Pachca skills are written in both).
    pub other: Option<(Lang, &'p Path)>,
    pub profile: Profile,
    /// The SDK crate's name; by default the profile's (`pachca`) or the spec title's.
    pub name: Option<&'p str>,
    /// `--lenient`: degrade what cannot be represented, with a warning.
    pub lenient: bool,
    /// `--overlay`: Overlay documents applied in order to `spec` (not to `other`).
    pub overlays: &'p [std::path::PathBuf],
    /// The release log (`spec/release.yaml`): the crates' version and
    /// `CHANGELOG.md`. Without one the crates are version
    /// [`crate::release::INITIAL`] and no changelog is written.
    pub release: Option<&'p crate::release::ReleaseLog>,
}

impl<'p> Request<'p> {
    /// One spec in English, nothing else set.
    pub fn new(spec: &'p Path, profile: Profile) -> Self {
        Request { spec: (Lang::En, spec), other: None, profile, name: None, lenient: false, overlays: &[], release: None }
    }
}

/// Everything generated from one spec, with stage timings.
#[derive(Debug)]
pub struct Generated {
    pub api: Api,
    pub profile: Profile,
    /// The SDK crate's name.
    pub sdk_crate: String,
    pub files: Files,
    /// What lowering ignored or degraded ([`crate::lower::Lowered::warnings`]).
    pub warnings: Vec<SpecError>,
    /// Curated data or additions that did not match the spec and were skipped.
    pub skipped: Vec<String>,
    /// `(stage, duration)` in the order they ran: `load`, `lower`, `model`, each renderer, `public-api`.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A generation failure.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The SDK crate's public API listing, beside its `Cargo.toml`
/// ([`crate::diff::public_api`]): a change of it is a change for the
/// crate's users, which [`crate::release::ReleaseLog::record_api`] records.
pub const PUBLIC_API_FILE: &str = "public-api.txt";

/// Loads, lowers, models and renders `req`. With a second language, both
/// specs are loaded and lowered at once, on two threads.
pub fn generate(req: &Request<'_>) -> Result<Generated, GenerateError> {
    if let Some((lang, _)) = req.other {
        if lang == req.spec.0 {
            let message = format!("both specs are in `{lang}`; the second one must be in the other language");
            return Err(RenderError { artifact: "generate".to_owned(), message }.into());
        }
    }
    let options = req.profile.lower_options(req.lenient);
    let mut timings = Vec::new();
    let (main, other) = std::thread::scope(|scope| {
        let other_job = req.other.map(|(_, path)| {
            scope.spawn(move || {
                let t = Instant::now();
                let lowered = load_and_lower(path, &[], options, &mut Vec::new());
                (lowered, t.elapsed())
            })
        });
        let main = load_and_lower(req.spec.1, req.overlays, options, &mut timings);
        let other = other_job.map(|job| job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (main, other)
    });
    let Lowered { api, warnings } = main?;
    let other_api = match other {
        Some((lowered, time)) => {
            // Measured on its own thread, concurrently with the stages above.
            timings.push(("other-lang (parallel)", time));
            Some(lowered?.api)
        }
        None => None,
    };
    let t = Instant::now();
    let mut model = Model::build(&api, req.spec.0, other_api.as_ref(), req.profile, req.name)?;
    if let Some(log) = req.release {
        model.version = log.current();
        model.changelog = Some(log.changelog());
    }
    timings.push(("model", t.elapsed()));
    let files = render(&model, &mut timings)?;
    let (profile, sdk_crate, skipped) = (model.profile, model.sdk_crate.clone(), model.warnings.clone());
    drop(model);
    Ok(Generated { api, profile, sdk_crate, files, warnings, skipped, timings })
}

impl Generated {
    /// The SDK crate's public API, added to [`Generated::files`] as its
    /// [`PUBLIC_API_FILE`] (timed as `public-api`). The listing is a pure
    /// function of the crate's `src/` files, so when `previous` (the tree
    /// written before) holds the same `src/` files and a listing, that
    /// listing is reused instead of parsing the crate again.
    pub fn public_api(&mut self, previous: Option<&Files>) -> Result<crate::diff::public_api::Listing, RenderError> {
        let t = Instant::now();
        let src = format!("{}/src/", self.sdk_crate);
        let path = format!("{}/{PUBLIC_API_FILE}", self.sdk_crate);
        let reused = previous.and_then(|prev| {
            let text = prev.get(&path)?;
            same_under(prev, &self.files, &src).then(|| crate::diff::public_api::Listing::parse(text))
        });
        let listing = match reused {
            Some(listing) => listing,
            None => crate::diff::public_api::listing(&self.files, src.trim_end_matches('/'))
                .map_err(|e| RenderError { artifact: "public-api".to_owned(), message: e.to_string() })?,
        };
        self.files.insert(path, listing.to_text());
        self.timings.push(("public-api", t.elapsed()));
        Ok(listing)
    }
}

/// Whether `a` and `b` hold the same files under the folder `dir` (`x/src/`).
fn same_under(a: &Files, b: &Files, dir: &str) -> bool {
    fn under<'f>(f: &'f Files, dir: &'f str) -> impl Iterator<Item = (&'f String, &'f String)> {
        f.range(dir.to_owned()..).take_while(move |(k, _)| k.starts_with(dir))
    }
    under(a, dir).eq(under(b, dir))
}

/// Stages 1 and 2, timed as `load` and `lower`.
fn load_and_lower(
    spec: &Path,
    overlays: &[std::path::PathBuf],
    options: crate::lower::Options,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<Lowered, SpecError> {
    let t = Instant::now();
    let loaded = crate::load::load_file_with(spec, overlays)?;
    timings.push(("load", t.elapsed()));
    let t = Instant::now();
    let lowered = crate::lower::lower_with(&loaded, options)?;
    timings.push(("lower", t.elapsed()));
    Ok(lowered)
}

type RenderJob<'scope> = (&'static str, std::thread::ScopedJoinHandle<'scope, (Result<Files, RenderError>, Duration)>);

/// Runs every renderer on `model`, each on its own thread, appending their
/// timings (wall time of each, measured while the others run). The first
/// failure in start order wins; a renderer's panic is resumed here.
pub fn render(model: &Model<'_>, timings: &mut Vec<(&'static str, Duration)>) -> Result<Files, RenderError> {
    std::thread::scope(|scope| {
        let jobs: Vec<RenderJob<'_>> = RENDERERS
            .iter()
            .map(|&(name, renderer)| {
                let handle = scope.spawn(move || {
                    let t = Instant::now();
                    let mut files = Files::new();
                    let result = renderer(model, &mut files).map(|()| files);
                    (result, t.elapsed())
                });
                (name, handle)
            })
            .collect();
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
    })
}

/// The fixture specs in `dir` (`*.yaml`, by name), each lowered in the
/// generic profile and modelled as an SDK named after its file; the suite
/// crate of [`crate::render::fixture_suite`] renders only their per-spec
/// modules.
pub fn generate_fixture_suite(dir: &Path) -> Result<Files, GenerateError> {
    let specs = fixture_specs(dir)
        .map_err(|e| RenderError { artifact: "fixtures".to_owned(), message: format!("{}: {e}", dir.display()) })?;
    let mut lowered = Vec::with_capacity(specs.len());
    for spec in &specs {
        let name = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture").replace('-', "_");
        let api = load_and_lower(spec, &[], Profile::Generic.lower_options(false), &mut Vec::new())?.api;
        lowered.push((name, api));
    }
    let mut models = Vec::with_capacity(lowered.len());
    for (name, api) in &lowered {
        models.push(Model::build(api, Lang::En, None, Profile::Generic, Some(name))?);
    }
    let mut files = Files::new();
    crate::render::fixture_suite::render(&models, &mut files)?;
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
