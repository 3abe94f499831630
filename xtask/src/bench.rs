//! `cargo xtask bench`: how long generation takes, in a release build, on the
//! real spec and on a synthetic spec `--factor` times its size; the wall
//! time of `cargo xtask generate --check`; then the SDK and CLI runtime
//! benchmarks of [`crate::bench_runtime`].
//!
//! `bench` runs in the debug xtask that `cargo xtask` builds. For the
//! generator timings it spawns `cargo run --release -p xtask -- bench-run`, so
//! the generator is measured optimised while the xtask's own debug build stays
//! as light as before (no benchmark framework, no extra dependencies). It then
//! times `cargo xtask generate --check` as a process, after one warm-up run.
//!
//! `bench-run` times what `cargo xtask generate` runs
//! ([`generator::generate::generate`]: both languages' specs
//! loaded and lowered on two threads, then every renderer on a thread of its
//! own beside the bilingual renderers) end to end, and each stage alone,
//! without comparing or writing `generated/`. The spec files are
//! read from the page cache (warm-up runs come first). The synthetic specs
//! are written to the temporary directory, never into the repository.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use generator::load::yaml::{self, Value};
use generator::pin::{self, Lang, SpecSource};

/// Goals from the performance issue.
const GOAL_END_TO_END_MS: f64 = 100.0;
const GOAL_STAGE_MS: f64 = 40.0;
const GOAL_SCALING: f64 = 12.0;
const GOAL_CHECK_MS: f64 = 1000.0;

struct Options {
    runs: usize,
    scaled_runs: usize,
    factor: usize,
    check_runs: usize,
    cli_runs: usize,
    spec: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { runs: 30, scaled_runs: 10, factor: 10, check_runs: 10, cli_runs: 30, spec: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        let count = |name: &str, v: String| match v.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{name} expects a positive number, got `{v}`")),
        };
        match arg.as_str() {
            "--runs" => o.runs = count("--runs", value("--runs")?)?,
            "--scaled-runs" => o.scaled_runs = count("--scaled-runs", value("--scaled-runs")?)?,
            "--factor" => o.factor = count("--factor", value("--factor")?)?,
            "--check-runs" => o.check_runs = count("--check-runs", value("--check-runs")?)?,
            "--cli-runs" => o.cli_runs = count("--cli-runs", value("--cli-runs")?)?,
            "--spec" => o.spec = Some(PathBuf::from(value("--spec")?)),
            other => return Err(format!("unknown argument `{other}`\n{}", super::USAGE)),
        }
    }
    Ok(o)
}

/// `cargo xtask bench-cli [--cli-runs N]`: only the CLI's part of
/// `cargo xtask bench` (release build, start-up, a list call, a 50 MiB
/// `--save`, binary size).
pub fn bench_cli(args: &[String]) -> Result<ExitCode, String> {
    let o = parse(args)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("machine: {} cores; load average at start: {}", cores(), load_average());
    super::bench_runtime::cli(&super::root(), &cargo, o.cli_runs)?;
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench`: the release-build generator benchmark, then the
/// `cargo xtask generate --check` wall time.
pub fn bench(args: &[String]) -> Result<ExitCode, String> {
    let o = parse(args)?;
    let root = super::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("machine: {} cores; load average at start: {}", cores(), load_average());

    println!("==> generator, release build: cargo run --release -p xtask -- bench-run (the first run builds it, about a minute)");
    let mut run_args: Vec<String> = ["run", "--release", "--quiet", "-p", "xtask", "--", "bench-run"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for (flag, n) in [("--runs", o.runs), ("--scaled-runs", o.scaled_runs), ("--factor", o.factor)] {
        run_args.push(flag.to_owned());
        run_args.push(n.to_string());
    }
    if let Some(spec) = &o.spec {
        run_args.push("--spec".to_owned());
        run_args.push(spec.display().to_string());
    }
    let status = Command::new(&cargo)
        .args(&run_args)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the release benchmark (bench-run) failed".to_owned());
    }

    println!();
    println!("==> `cargo xtask generate --check`: wall time, {} runs after a warm-up run", o.check_runs);
    let check = |program: &str, args: &[&str]| -> Result<(Duration, bool), String> {
        let t = Instant::now();
        let status = Command::new(program)
            .args(args)
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        Ok((t.elapsed(), status.success()))
    };
    let cargo_args = ["xtask", "generate", "--check"];
    check(&cargo, &cargo_args)?; // warm-up: builds the debug xtask if anything changed
    let mut walls = Vec::with_capacity(o.check_runs);
    let mut drifted = false;
    for _ in 0..o.check_runs {
        let (d, ok) = check(&cargo, &cargo_args)?;
        drifted |= !ok;
        walls.push(d);
    }
    // The same binary without cargo (this process is it): the rest is cargo's
    // own start-up and freshness check.
    let binary = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let mut bare = Vec::with_capacity(o.check_runs);
    for _ in 0..o.check_runs {
        bare.push(check(&binary.display().to_string(), &["generate", "--check"])?.0);
    }
    println!("| what | median | min | max | command |");
    println!("|---|---|---|---|---|");
    let s = Stats::of(&walls);
    println!("| `generate --check` wall time | {} | `cargo xtask generate --check` |", s.row());
    println!("| the debug xtask binary alone | {} | `target/debug/xtask generate --check` |", Stats::of(&bare).row());
    if drifted {
        println!("note: the drift check reported drift (exit 1); the timing is still valid, but `generated/` is stale");
    }
    println!("goal: ≤ {GOAL_CHECK_MS:.0} ms: {}", verdict(s.median_ms() <= GOAL_CHECK_MS));
    super::bench_runtime::sdk(&root, &cargo)?;
    super::bench_runtime::cli(&root, &cargo, o.cli_runs)?;
    println!("load average at end: {}", load_average());
    Ok(ExitCode::SUCCESS)
}

/// `bench-run` (spawned by `bench` in a release build): times every stage of
/// what `cargo xtask generate` runs (both languages, all artifacts) on the
/// real specs and on the synthetic ones, and prints the scaling ratio.
pub fn bench_run(args: &[String]) -> Result<ExitCode, String> {
    let o = parse(args)?;
    if cfg!(debug_assertions) {
        println!("warning: this is a debug build; run `cargo xtask bench` for release-build figures");
    }
    let root = super::root();
    let lang = super::DEFAULT_LANG;
    let source = match &o.spec {
        Some(p) => SpecSource::Flag(p.clone()),
        None => SpecSource::Pinned,
    };
    let (spec, _) = pin::resolve(&root, lang, source).map_err(|e| e.to_string())?;
    let (other, _) = pin::resolve(&root, lang.other(), SpecSource::Pinned).map_err(|e| e.to_string())?;
    let specs = [(lang, spec), (lang.other(), other)];

    let dir = std::env::temp_dir().join("pachca-bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write_scaled = |(lang, path): &(Lang, PathBuf)| -> Result<(Lang, PathBuf), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let scaled = dir.join(format!("openapi.{lang}.x{}.yaml", o.factor));
        std::fs::write(&scaled, scaled_spec(&text, o.factor)?).map_err(|e| format!("{}: {e}", scaled.display()))?;
        Ok((*lang, scaled))
    };
    let scaled_specs = [write_scaled(&specs[0])?, write_scaled(&specs[1])?];

    if o.runs < 20 {
        println!("note: {} runs of the real specs; the published figures use at least 20 (the default is 30)", o.runs);
    }
    let real = measure(&specs, o.runs)?;
    real.print(&format!("real specs ({})", specs[0].1.display()), None);
    let scaled = measure(&scaled_specs, o.scaled_runs)?;
    println!();
    scaled.print(&format!("synthetic {}× specs ({})", o.factor, scaled_specs[0].1.display()), Some(&real));

    let e2e = real.end_to_end().median_ms();
    let ratio = scaled.end_to_end().median_ms() / e2e;
    println!();
    println!(
        "scaling: the {}× specs ({:.1}× the named types, {:.1}× the operations) take {ratio:.2}× the end-to-end median; goal ≤ {GOAL_SCALING:.0}×: {}",
        o.factor,
        scaled.types as f64 / real.types as f64,
        scaled.operations as f64 / real.operations as f64,
        verdict(ratio <= GOAL_SCALING)
    );
    let stages = &real.stages[..real.stages.len() - 1];
    let worst = stages
        .iter()
        .max_by(|a, b| a.1.median_ms().total_cmp(&b.1.median_ms()))
        .map(|(name, s)| format!("{name} {:.2} ms", s.median_ms()))
        .unwrap_or_default();
    println!("goal: end to end ≤ {GOAL_END_TO_END_MS:.0} ms: {} ({e2e:.2} ms)", verdict(e2e <= GOAL_END_TO_END_MS));
    println!(
        "goal: every stage ≤ {GOAL_STAGE_MS:.0} ms: {} (slowest: {worst})",
        verdict(stages.iter().all(|(_, s)| s.median_ms() <= GOAL_STAGE_MS))
    );
    Ok(ExitCode::SUCCESS)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// Median, min and max of a set of durations.
struct Stats {
    sorted: Vec<Duration>,
}

impl Stats {
    fn of(samples: &[Duration]) -> Stats {
        let mut sorted = samples.to_vec();
        sorted.sort();
        Stats { sorted }
    }

    fn ms(d: Option<&Duration>) -> f64 {
        d.map_or(0.0, |d| d.as_secs_f64() * 1e3)
    }

    /// The median (the mean of the middle two for an even count).
    fn median_ms(&self) -> f64 {
        let n = self.sorted.len();
        if n % 2 == 1 {
            Self::ms(self.sorted.get(n / 2))
        } else {
            (Self::ms(self.sorted.get(n / 2 - 1)) + Self::ms(self.sorted.get(n / 2))) / 2.0
        }
    }

    /// `median | min | max` table cells in milliseconds.
    fn row(&self) -> String {
        format!(
            "{:.2} ms | {:.2} ms | {:.2} ms",
            self.median_ms(),
            Self::ms(self.sorted.first()),
            Self::ms(self.sorted.last())
        )
    }
}

/// Timings of repeated runs on one spec.
struct Measured {
    runs: usize,
    bytes: usize,
    operations: usize,
    types: usize,
    /// Each stage in the order it ran, then `end to end`.
    stages: Vec<(&'static str, Stats)>,
}

impl Measured {
    fn end_to_end(&self) -> &Stats {
        &self.stages[self.stages.len() - 1].1
    }

    fn print(&self, title: &str, baseline: Option<&Measured>) {
        println!(
            "{title}: {} KiB (both languages), {} operations, {} named types; {} runs after 2 warm-up runs",
            self.bytes / 1024,
            self.operations,
            self.types,
            self.runs
        );
        match baseline {
            None => {
                println!("| stage | median | min | max |");
                println!("|---|---|---|---|");
            }
            Some(_) => {
                println!("| stage | median | min | max | × real (median) |");
                println!("|---|---|---|---|---|");
            }
        }
        for (name, s) in &self.stages {
            let ratio = baseline
                .and_then(|b| b.stages.iter().find(|(n, _)| n == name))
                .map(|(_, b)| format!(" {:.2}× |", s.median_ms() / b.median_ms()))
                .unwrap_or_default();
            println!("| {name} | {} |{ratio}", s.row());
        }
    }
}

/// Runs what `cargo xtask generate` runs on `specs` (both languages' specs
/// loaded and lowered at once, then every renderer on a thread of its own)
/// `runs` times, after two unmeasured warm-up runs that also bring the files
/// into the page cache. After each end-to-end run, every stage runs once
/// more on its own, one after another, for the per-stage figures: timed
/// inside the parallel pipeline they would include waiting for a core.
fn measure(specs: &[(Lang, PathBuf); 2], runs: usize) -> Result<Measured, String> {
    let [(lang, spec), (other_lang, other)] = specs;
    let bytes = specs
        .iter()
        .map(|(_, p)| std::fs::metadata(p).map(|m| m.len() as usize))
        .sum::<Result<usize, _>>()
        .map_err(|e| e.to_string())?;
    let mut names: Vec<&'static str> = Vec::new();
    let mut samples: Vec<Vec<Duration>> = Vec::new();
    let mut end_to_end = Vec::with_capacity(runs);
    let (mut operations, mut types) = (0, 0);
    for i in 0..runs + 2 {
        let t = Instant::now();
        let req = generator::generate::Request {
            spec: (*lang, spec),
            other: Some((*other_lang, other)),
            ..generator::generate::Request::new(spec, generator::profile::Profile::Pachca)
        };
        let generated = generator::generate::generate(&req).map_err(|e| e.to_string())?;
        let elapsed = t.elapsed();
        operations = generated.api.operations().count();
        types = generated.api.types.len();
        drop(generated);
        let stages = stages_one_by_one((*lang, spec), other)?;
        if i < 2 {
            continue;
        }
        end_to_end.push(elapsed);
        for (stage, d) in stages {
            match names.iter().position(|n| *n == stage) {
                Some(j) => samples[j].push(d),
                None => {
                    names.push(stage);
                    samples.push(vec![d]);
                }
            }
        }
    }
    let mut stages: Vec<(&'static str, Stats)> =
        names.into_iter().zip(samples.iter().map(|s| Stats::of(s))).collect();
    stages.push(("end to end", Stats::of(&end_to_end)));
    Ok(Measured { runs, bytes, operations, types, stages })
}

/// Each stage of the pipeline alone, on this thread: load and lower of the
/// main spec, load and lower of the other language's spec, the model, then
/// every renderer, then the public API listing of the SDK crate.
fn stages_one_by_one(spec: (Lang, &Path), other: &Path) -> Result<Vec<(&'static str, Duration)>, String> {
    use generator::profile::Profile;
    use generator::render::{Files, RENDERERS};
    let options = Profile::Pachca.lower_options(false);
    let mut timings = Vec::new();
    let mut timed = |name: &'static str, t: Instant| timings.push((name, t.elapsed()));
    let t = Instant::now();
    let loaded = generator::load::load_file(spec.1).map_err(|e| e.to_string())?;
    timed("load", t);
    let t = Instant::now();
    let api = generator::lower::lower_with(&loaded, options).map_err(|e| e.to_string())?.api;
    timed("lower", t);
    let t = Instant::now();
    let other_api = generator::load::load_file(other)
        .and_then(|s| generator::lower::lower_with(&s, options))
        .map_err(|e| e.to_string())?
        .api;
    timed("other-lang load + lower", t);
    let t = Instant::now();
    let model = generator::model::Model::build(&api, spec.0, Some(&other_api), Profile::Pachca, None).map_err(|e| e.to_string())?;
    timed("model", t);
    let mut all = Files::new();
    for (name, renderer) in RENDERERS {
        let t = Instant::now();
        let mut files = Files::new();
        renderer(&model, &mut files).map_err(|e| e.to_string())?;
        timed(name, t);
        all.extend(files);
    }
    let t = Instant::now();
    generator::diff::public_api::listing(&all, &model.sdk_path("src")).map_err(|e| e.to_string())?;
    timed("public-api", t);
    Ok(timings)
}

/// The spec with every path and component `factor - 1` more times under new
/// names. Copy `k` suffixes component names and operationIds with `Copy{k}`
/// (`Chat` → `ChatCopy1`, with its `$ref`s rewritten to match;
/// `ChatOperations_createChat` → `ChatOperations_createChatCopy1`, so
/// methods and inline types get their own names) and moves its paths (see
/// [`renamed_path`], so CLI commands get their own names too). Tags are kept,
/// as the curated agent skills must own every tag: each service gets `factor`
/// times the operations.
fn scaled_spec(text: &str, factor: usize) -> Result<String, String> {
    let mut doc = yaml::parse(text).map_err(|e| format!("cannot parse the spec: {}", e.message))?;
    let root = doc.as_mapping_mut().ok_or("the spec is not a mapping")?;
    if let Some(Value::Mapping(components)) = root.get_mut("components") {
        for (section, entries) in components.iter_mut() {
            if section.as_str() == Some("securitySchemes") {
                continue;
            }
            let Value::Mapping(entries) = entries else { continue };
            let originals: Vec<(Value, Value)> = entries.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for k in 1..factor {
                for (name, item) in &originals {
                    let name = format!("{}Copy{k}", name.as_str().ok_or("a component name is not a string")?);
                    entries.insert(Value::String(name), renamed(item, k));
                }
            }
        }
    }
    if let Some(Value::Mapping(paths)) = root.get_mut("paths") {
        let originals: Vec<(Value, Value)> = paths.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for k in 1..factor {
            for (path, item) in &originals {
                let path = renamed_path(path.as_str().ok_or("a path is not a string")?, k);
                paths.insert(Value::String(path), renamed_path_item(item, k));
            }
        }
    }
    yaml::to_string(&doc).map_err(|e| format!("cannot write the synthetic spec: {}", e.message))
}

/// A deep copy of `value` with its component `$ref`s (and discriminator
/// mappings) pointing at copy `k`.
fn renamed(value: &Value, k: usize) -> Value {
    match value {
        Value::Mapping(m) => Value::Mapping(
            m.iter()
                .map(|(key, v)| {
                    let v = match (key.as_str(), v) {
                        (Some("$ref"), Value::String(r)) => Value::String(renamed_ref(r, k)),
                        (Some("discriminator"), Value::Mapping(d)) => Value::Mapping(
                            d.iter()
                                .map(|(dk, dv)| match (dk.as_str(), dv) {
                                    (Some("mapping"), Value::Mapping(targets)) => (
                                        dk.clone(),
                                        Value::Mapping(
                                            targets
                                                .iter()
                                                .map(|(tag, r)| match r {
                                                    Value::String(r) => (tag.clone(), Value::String(renamed_ref(r, k))),
                                                    other => (tag.clone(), other.clone()),
                                                })
                                                .collect(),
                                        ),
                                    ),
                                    _ => (dk.clone(), dv.clone()),
                                })
                                .collect(),
                        ),
                        _ => renamed(v, k),
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.iter().map(|v| renamed(v, k)).collect()),
        other => other.clone(),
    }
}

/// A path for copy `k`: under `/c{k}`, with every literal segment marked
/// too, keeping its plural `s` (`/chats/{id}/members` →
/// `/c1/chatc1s/{id}/memberc1s`). The CLI names commands after the last
/// literal segment, so each copy's commands get their own names.
fn renamed_path(path: &str, k: usize) -> String {
    let segments = path.split('/').filter(|s| !s.is_empty()).map(|s| {
        if s.starts_with('{') {
            s.to_owned()
        } else {
            match s.strip_suffix('s') {
                Some(stem) if !s.ends_with("ss") && !s.ends_with("us") => format!("{stem}c{k}s"),
                _ => format!("{s}c{k}"),
            }
        }
    });
    std::iter::once(format!("/c{k}")).chain(segments).collect::<Vec<_>>().join("/")
}

/// A path item for copy `k`: references renamed, and each operation's
/// operationId too.
fn renamed_path_item(item: &Value, k: usize) -> Value {
    let mut item = renamed(item, k);
    if let Value::Mapping(methods) = &mut item {
        for (_, op) in methods.iter_mut() {
            if let Some(Value::String(id)) = op.get_mut("operationId") {
                id.push_str(&format!("Copy{k}"));
            }
        }
    }
    item
}

fn renamed_ref(reference: &str, k: usize) -> String {
    match reference.strip_prefix("#/components/") {
        Some(rest) if !rest.starts_with("securitySchemes/") => format!("{reference}Copy{k}"),
        _ => reference.to_owned(),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The 1, 5 and 15 minute load averages, where the system reports them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}
