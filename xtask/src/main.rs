//! `cargo xtask`: the project's own commands.
//!
//! ```text
//! cargo xtask generate [--check] [--spec PATH] [--lang ru|en]
//! cargo xtask generate --spec PATH --out DIR [--name NAME] [--lenient]
//! cargo xtask generate --tsp PATH [...]
//! cargo xtask spec pin --from PATH [--lang ru|en]
//! cargo xtask spec compile --tsp PATH --out FILE
//! cargo xtask spec overlay --spec PATH|--tsp PATH --overlay FILE [--out FILE] [--compare FILE]
//! cargo xtask diff OLD NEW [--json] [--lang ru|en] [--profile pachca|generic]
//! cargo xtask semver-proof [--install] [--keep]
//! cargo xtask conformance [--only PATTERN] [--keep DIR] [--report FILE]
//! cargo xtask ci
//! cargo xtask bench [--runs N] [--scaled-runs N] [--factor N] [--check-runs N] [--cli-runs N] [--spec PATH]
//! cargo xtask bench-cli [--cli-runs N]
//! cargo xtask skills eval --agent CMD [--set cli-en|cli-ru|curl-en|curl-ru] [--dir DIR]
//! ```

mod api_release;
mod bench;
mod bench_runtime;
mod conformance;
mod diff;
mod semver_proof;
mod fsx;
mod git;
mod npm_tool;
mod overlay_report;
mod skills_eval;
mod typespec;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The generator allocates many small, short-lived values (token trees,
/// strings) on several threads at once; mimalloc serves them faster than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use generator::pin::{self, Lang, SpecSource};

/// The language whose spec supplies descriptions unless `--lang` says otherwise.
const DEFAULT_LANG: Lang = Lang::En;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("spec") if args.get(1).map(String::as_str) == Some("pin") => spec_pin(&args[2..]),
        Some("spec") if args.get(1).map(String::as_str) == Some("compile") => spec_compile(&args[2..]),
        Some("spec") if args.get(1).map(String::as_str) == Some("overlay") => spec_overlay(&args[2..]),
        Some("diff") => diff::command(&root(), &args[1..]),
        Some("semver-proof") => semver_proof::run(&root(), &args[1..]),
        Some("conformance") => conformance::run(&root(), &args[1..], USAGE),
        Some("ci") => ci(),
        Some("bench") => bench::bench(&args[1..]),
        Some("bench-run") => bench::bench_run(&args[1..]),
        Some("bench-cli") => bench::bench_cli(&args[1..]),
        Some("skills") if args.get(1).map(String::as_str) == Some("eval") => skills_eval::eval(&args[2..], &root(), USAGE),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask generate [--check] [--spec PATH] [--lang ru|en]
      regenerate generated/ (or, with --check, fail if it has drifted)
  cargo xtask generate --spec PATH --out DIR [--profile generic|pachca] [--name NAME] [--lenient]
      generate the artifacts of any OpenAPI 3.0 spec into DIR (replaced) as standalone
      crates; the crate is named NAME, or after the spec's title (`pachca` in the pachca
      profile); --profile pachca (for an older or edited Pachca spec) adds the Pachca
      conventions, SDK additions and CLI, warning about curated data the spec does not
      match; --lenient degrades what cannot be represented (to serde_json::Value, or
      skips it) with a warning
  cargo xtask generate --tsp PATH/main.tsp [...]
      with either form above: compile the TypeSpec source with the pinned compiler
      (tools/typespec, installed with npm ci; node >= 20) and use the result as --spec
  cargo xtask generate ... --overlay FILE
      with either form above: apply an OpenAPI Overlay 1.0 document (repeatable, in
      order) to the --lang spec before lowering; actions that select nothing are warnings
  cargo xtask spec compile --tsp PATH --out FILE
      compile TypeSpec to OpenAPI YAML (FILE is written only on success)
  cargo xtask spec overlay --spec PATH|--tsp PATH --overlay FILE [--out FILE] [--compare FILE]
      apply overlays and write the result to FILE; --compare reports, pointer by pointer,
      how the result differs from another document
  cargo xtask spec pin --from PATH [--lang ru|en] [--date YYYY-MM-DD]
      record PATH and its sha256 in spec/pin.yaml; for the English spec (the crates'
      docs) also add a release to spec/release.yaml: the API diff from the model the
      crates were generated from (the pinned file, else generated/ir/pachca.ir.yaml)
      and the version it bumps to; then `cargo xtask generate`, review CHANGELOG.md
  cargo xtask diff OLD NEW [--json] [--lang ru|en] [--profile pachca|generic]
      the API changes from OLD to NEW, each classified for users of the generated crate
      and CLI (breaking, compatible, docs-only); OLD and NEW are spec files, IRs written
      by generate (`generated/ir/pachca.ir.yaml`), `pin` (the pinned spec) or a git revision (`HEAD~1`, `main`): the spec its spec/pin.yaml pins,
      found by its sha256 among ../shared/spec/ and ../shared/spec/history/
  cargo xtask semver-proof [--install] [--keep]
      check the version bump our diff chooses against cargo-semver-checks (pinned, in
      tools/semver-checks; --install installs it): the SDK generated from each pair of
      ../shared/spec/history/ specs plus the pin, and each synthetic pair of
      generator/tests/data/semver/cases.yaml; fails when the checker finds a breaking
      change our diff classified compatible, or rejects the version written to Cargo.toml
  cargo xtask conformance [--only PATTERN] [--keep DIR] [--report FILE]
      the TypeSpec http-specs suite (tools/http-specs, installed with npm ci): every scenario
      (or those whose path contains PATTERN) compiled to OpenAPI 3.0, generated (generic
      profile) into one workspace (a temporary one, or DIR, kept) and `cargo check`ed; prints
      the table and writes it as markdown to FILE (default target/conformance.md)
  cargo xtask ci
      install Prism and the TypeSpec compiler if needed, then drift check, tests, clippy and rustdoc: what CI runs
  cargo xtask bench [--runs N] [--scaled-runs N] [--factor N] [--check-runs N] [--cli-runs N] [--spec PATH]
      time generation in a release build (real spec, N runs, default 30; a synthetic
      spec --factor times its size, default 10) and `cargo xtask generate --check`
  cargo xtask bench-cli [--cli-runs N]
      only the CLI's part of bench: release build, --help, a list call, a 50 MiB
      `chats download-export --save` (time and peak memory), binary size
  cargo xtask skills eval --agent CMD [--set cli-en|cli-ru|curl-en|curl-ru] [--dir DIR]
      run the evals shipped with the generated skills (every set, or --set; from
      generated/skills, or DIR) against an agent: each distinct request once, CMD run
      by `sh -c` with the request on stdin and PACHCA_SKILLS_DIR set to the set's
      folder, printing one line: the skill it picks, or `none`; reports TP, FP, FN,
      TN, precision and recall per skill and the router's accuracy (exit status 0
      whatever the scores; non-zero only when the runner cannot run)";

/// The workspace root (the parent of this crate's manifest directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

struct Flags {
    check: bool,
    spec: Option<PathBuf>,
    tsp: Option<PathBuf>,
    overlays: Vec<PathBuf>,
    compare: Option<PathBuf>,
    from: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    lenient: bool,
    lang: Lang,
    profile: Option<generator::profile::Profile>,
    /// `spec pin --date YYYY-MM-DD`: the release's date (default: today, UTC).
    date: Option<String>,
    /// `generate --note TEXT`: the migration note of a breaking generator change.
    note: Option<String>,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut flags =
        Flags { check: false, spec: None, tsp: None, overlays: Vec::new(), compare: None, from: None, out: None, name: None, lenient: false, lang: DEFAULT_LANG, profile: None, date: None, note: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--check" => flags.check = true,
            "--lenient" => flags.lenient = true,
            "--spec" => flags.spec = Some(PathBuf::from(value("--spec")?)),
            "--tsp" => flags.tsp = Some(PathBuf::from(value("--tsp")?)),
            "--overlay" => flags.overlays.push(PathBuf::from(value("--overlay")?)),
            "--compare" => flags.compare = Some(PathBuf::from(value("--compare")?)),
            "--from" => flags.from = Some(PathBuf::from(value("--from")?)),
            "--out" => flags.out = Some(PathBuf::from(value("--out")?)),
            "--name" => flags.name = Some(value("--name")?),
            "--lang" => flags.lang = value("--lang")?.parse()?,
            "--profile" => flags.profile = Some(value("--profile")?.parse()?),
            "--date" => flags.date = Some(value("--date")?),
            "--note" => flags.note = Some(value("--note")?),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(flags)
}

/// Parses the flags; `--tsp PATH` is compiled and becomes `--spec`.
fn parse_spec_flags(args: &[String]) -> Result<Flags, String> {
    let mut flags = parse_flags(args)?;
    if let Some(tsp) = flags.tsp.take() {
        if flags.spec.is_some() {
            return Err(format!("--spec and --tsp both name the spec; give one\n{USAGE}"));
        }
        flags.spec = Some(typespec::compile_for_generate(&root(), &tsp)?);
    }
    Ok(flags)
}

fn generate(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_spec_flags(args)?;
    if let Some(out) = &flags.out {
        return generate_out(&flags, out);
    }
    if flags.name.is_some() || flags.lenient || flags.profile.is_some() {
        return Err(format!(
            "--name, --profile and --lenient go with --out (generated/ always holds the `pachca` crates of the pinned spec)\n{USAGE}"
        ));
    }
    // The release records the pinned file's sha256: an overlaid pin would
    // ship another API under that version. Compare (`--check`) or write
    // elsewhere (`--out`).
    if !flags.overlays.is_empty() && flags.spec.is_none() && flags.tsp.is_none() && !flags.check {
        return Err(format!("--overlay on the pinned spec goes with --check or --out: generated/ holds the API its release in spec/release.yaml records\n{USAGE}"));
    }
    let root = root();
    let source = match (flags.spec, std::env::var_os("PACHCA_SPEC")) {
        (Some(p), _) => SpecSource::Flag(p),
        (None, Some(p)) => SpecSource::Env(PathBuf::from(p)),
        (None, None) => SpecSource::Pinned,
    };
    let pinned_spec = !matches!(source, SpecSource::Flag(_));
    // generated/ of the pinned English spec is what the releases record.
    let records_release = pinned_spec && flags.lang == DEFAULT_LANG;
    let (spec_path, sha) = pin::resolve(&root, flags.lang, source).map_err(|e| e.to_string())?;
    let mut release = generator::release::ReleaseLog::read(&root).map_err(|e| e.to_string())?;
    // Each update of the pin records a release; generating without one would
    // ship a changed API under the old version.
    if records_release {
        let recorded = release.releases.first().and_then(|r| r.sha256.as_deref());
        if recorded != Some(sha.as_str()) {
            return Err(format!(
                "{}: the newest release is for sha256 {}, but the pinned spec is {sha}; record the update with `cargo xtask spec pin --from {}` (it adds the release)",
                generator::release::RELEASE_FILE,
                recorded.unwrap_or("(none)"),
                spec_path.display()
            ));
        }
    }
    if flags.note.is_some() && flags.check {
        return Err(format!("--note records a migration note in {}; it does not go with --check", generator::release::RELEASE_FILE));
    }
    // The agent skills are written in both languages: the other one comes from the pin.
    let (other_path, _) = pin::resolve(&root, flags.lang.other(), SpecSource::Pinned).map_err(|e| e.to_string())?;
    let total = Instant::now();
    // The fixture suite is independent of the Pachca spec: it runs on its
    // own thread, beside the main generation.
    let fixtures_dir = root.join("spec/fixtures");
    let out_dir = root.join("generated");
    let request = |release| generator::generate::Request {
        spec: (flags.lang, &spec_path),
        other: Some((flags.lang.other(), &other_path)),
        overlays: &flags.overlays,
        release: Some(release),
        ..generator::generate::Request::new(&spec_path, generator::profile::Profile::Pachca)
    };
    // generated/ as it is on disk is read beside the generation, which
    // needs no file from it.
    let read_log = release.clone();
    let (generated, suite, on_disk) = std::thread::scope(|scope| {
        let disk_job = scope.spawn(|| fsx::read_tree(&out_dir));
        let suite_job = scope.spawn(|| {
            let t = Instant::now();
            (generator::generate::generate_fixture_suite(&fixtures_dir), t.elapsed())
        });
        let generated = generator::generate::generate(&request(&read_log));
        let suite = suite_job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let on_disk = disk_job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (generated, suite, on_disk)
    });
    let mut generated = generated.map_err(|e| e.to_string())?;
    print_warnings(&generated.warnings);
    // generated/ is the pinned spec's snapshot: curated data must match it.
    if !generated.skipped.is_empty() {
        for s in &generated.skipped {
            eprintln!("error: {s}");
        }
        return Err(format!(
            "{} curated entries do not match the pinned spec; fix spec/ (they are only warnings with --spec S --out D)",
            generated.skipped.len()
        ));
    }
    let (suite, suite_time) = suite;
    let suite = suite.map_err(|e| e.to_string())?;
    let on_disk = on_disk.map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let public_api = generated.public_api(Some(&on_disk)).map_err(|e| e.to_string())?;
    let api_sha256 = public_api.sha256();
    let recorded_api = release.releases.first().and_then(|r| r.api_sha256.clone());
    if flags.check {
        generated.files.extend(suite);
        let changes = fsx::diff_tree(&on_disk, &generated.files);
        let release_stale = records_release && recorded_api.as_deref() != Some(api_sha256.as_str());
        if changes.is_empty() && !release_stale {
            println!("generated/ is up to date ({} files)", generated.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(summary) = diff::drift_summary(&on_disk, &generated.api) {
            eprintln!("{summary}");
        }
        if let Some(summary) = api_release::drift_summary(&on_disk, &generated.sdk_crate, &public_api) {
            eprintln!("{summary}");
        }
        if release_stale {
            eprintln!(
                "{}: the newest release records the crate's public API as sha256 {}, but it is {api_sha256}",
                generator::release::RELEASE_FILE,
                recorded_api.as_deref().unwrap_or("(none)")
            );
        }
        if !changes.is_empty() {
            eprintln!("generated/ has drifted from the spec and generator ({} files):", changes.len());
            for change in &changes {
                eprintln!("{}", change.describe(true));
            }
        }
        eprintln!("run `cargo xtask generate` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    // The crate's public API is recorded in the release log: a change the
    // generator made is a release too. The version and the changelog come
    // from the log, so a changed log is generated again.
    let mut api_message = None;
    if records_release {
        let committed = api_release::Committed::read(&root, &release, &on_disk, &generated.sdk_crate);
        let date = match &flags.date {
            Some(d) => diff::check_date(d)?,
            None => diff::today(),
        };
        let before = release.clone();
        api_message = api_release::record(&mut release, &committed, &public_api, flags.note.as_deref(), &date)?;
        if release != before {
            // The version and changelog change; the crate's src/ does not.
            let mut timings = std::mem::take(&mut generated.timings);
            let listed = std::mem::take(&mut generated.files);
            generated = generator::generate::generate(&request(&release)).map_err(|e| e.to_string())?;
            generated.public_api(Some(&listed)).map_err(|e| e.to_string())?;
            timings.push(("again (release)", generated.timings.iter().map(|(_, d)| *d).sum()));
            generated.timings = timings;
            release.write(&root).map_err(|e| e.to_string())?;
        }
    } else if flags.note.is_some() {
        return Err("--note goes with the pinned English spec: it is recorded in its release".to_owned());
    }
    generated.files.extend(suite);
    generated.timings.push(("fixtures (parallel)", suite_time));
    let changes = fsx::diff_tree(&on_disk, &generated.files);
    fsx::write_tree_atomically(&out_dir, &generated.files).map_err(|e| e.to_string())?;
    for (stage, d) in &generated.timings {
        println!("  {stage:<8} {:>8.2} ms", d.as_secs_f64() * 1e3);
    }
    println!("  {:<8} {:>8.2} ms (including writing)", "total", total.elapsed().as_secs_f64() * 1e3);
    if changes.is_empty() {
        println!("generated/: no changes ({} files)", generated.files.len());
    } else {
        for change in &changes {
            println!("{}", change.describe(false));
        }
    }
    if let Some(message) = api_message {
        println!("{message}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `generate --spec PATH --out DIR`: one spec's artifacts as standalone crates.
fn generate_out(flags: &Flags, out: &Path) -> Result<ExitCode, String> {
    let spec = flags.spec.as_ref().ok_or_else(|| format!("--out needs --spec PATH\n{USAGE}"))?;
    if flags.check {
        return Err("--check compares generated/; it does not go with --out".to_owned());
    }
    let total = Instant::now();
    let profile = flags.profile.unwrap_or(generator::profile::Profile::Generic);
    let req = generator::generate::Request {
        spec: (flags.lang, spec),
        name: flags.name.as_deref(),
        lenient: flags.lenient,
        overlays: &flags.overlays,
        ..generator::generate::Request::new(spec, profile)
    };
    let mut generated = generator::generate::generate(&req).map_err(|e| e.to_string())?;
    generated.public_api(None).map_err(|e| e.to_string())?;
    print_warnings(&generated.warnings);
    for s in &generated.skipped {
        eprintln!("warning: {s}");
    }
    fsx::write_tree_atomically(out, &generated.files).map_err(|e| e.to_string())?;
    let operations: usize = generated.api.operations().count();
    println!(
        "{}: crate `{}` ({} operations, {} types{}) in {} ({} files, {:.1} ms)",
        spec.display(),
        generated.sdk_crate,
        operations,
        generated.api.types.len(),
        if profile.is_pachca() { ", Pachca profile" } else { "" },
        out.display(),
        generated.files.len(),
        total.elapsed().as_secs_f64() * 1e3
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints what lowering ignored or degraded, one `warning:` line each.
fn print_warnings(warnings: &[generator::error::SpecError]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn spec_pin(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_flags(args)?;
    let from = flags.from.ok_or_else(|| format!("spec pin needs --from PATH\n{USAGE}"))?;
    let root = root();
    let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
    // Check it is a spec we can generate from before pinning it.
    let new = diff::lower(&from, generator::profile::Profile::Pachca)?;
    let sha256 = pin::sha256_hex(&bytes);
    // The generated crates' docs and API come from the default language's
    // spec: its update is a release (the other language only feeds the skills).
    let release = if flags.lang == DEFAULT_LANG { Some(diff::record_release(&root, &new, &sha256, flags.date.as_deref())?) } else { None };
    let mut pin = pin::Pin::read(&root).map_err(|e| e.to_string())?;
    let path = pathdiff(&root, &from);
    println!("pinned {} ({}) = {sha256}", path.display(), flags.lang);
    pin.files.insert(flags.lang, pin::PinnedFile { path, sha256 });
    pin.write(&root).map_err(|e| e.to_string())?;
    if let Some(message) = release {
        println!("{message}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `target` relative to `base` when it is below `base`'s parent, else absolute.
fn pathdiff(base: &Path, target: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    if let Ok(rel) = abs.strip_prefix(&base) {
        return rel.to_path_buf();
    }
    match base.parent().and_then(|p| abs.strip_prefix(p).ok()) {
        Some(rel) => Path::new("..").join(rel),
        None => abs,
    }
}

fn spec_compile(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_flags(args)?;
    typespec::spec_compile(&root(), flags.tsp.as_deref(), flags.out.as_deref(), USAGE)
}

fn spec_overlay(args: &[String]) -> Result<ExitCode, String> {
    let flags = parse_spec_flags(args)?;
    overlay_report::run(flags.spec.as_deref(), &flags.overlays, flags.out.as_deref(), flags.compare.as_deref(), USAGE)
}

fn ci() -> Result<ExitCode, String> {
    let root = root();
    npm_tool::PRISM.ensure(&root)?;
    npm_tool::TYPESPEC.ensure(&root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    type Step<'s> = (&'s str, Vec<&'s str>, Vec<(&'s str, &'s str)>);
    let steps: Vec<Step> = vec![
        ("drift check", vec!["run", "--quiet", "--package", "xtask", "--", "generate", "--check"], vec![]),
        ("tests", vec!["test", "--workspace"], vec![("INSTA_UPDATE", "no")]),
        ("clippy", vec!["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], vec![]),
        // The SDK's optional features: `rate-limit` (its module, unit tests and
        // the `rate_limited` example, run by `bot_examples`) and `mock` (the
        // runtime's unit tests and the typed helpers' test); then the crate
        // with every default feature off.
        (
            "feature tests",
            vec!["test", "-p", "pachca", "--features", "rate-limit,mock", "--lib", "--test", "bot_examples", "--test", "mock"],
            vec![("INSTA_UPDATE", "no")],
        ),
        ("runtime mock tests", vec!["test", "-p", "sdk-runtime", "--features", "mock", "--lib"], vec![]),
        (
            "feature clippy",
            vec!["clippy", "-p", "pachca", "--features", "rate-limit,mock", "--all-targets", "--", "-D", "warnings"],
            vec![],
        ),
        (
            "minimal features",
            vec!["clippy", "-p", "pachca", "--no-default-features", "--features", "rustls", "--", "-D", "warnings"],
            vec![],
        ),
        ("rustdoc", vec!["doc", "--workspace", "--no-deps"], vec![("RUSTDOCFLAGS", "-D warnings")]),
        (
            "feature rustdoc",
            vec!["doc", "-p", "pachca", "--no-deps", "--features", "rate-limit,mock"],
            vec![("RUSTDOCFLAGS", "-D warnings")],
        ),
        // The SDK and the CLI stay publishable (the build above verified they compile).
        ("package", vec!["package", "-p", "pachca", "-p", "pachca-cli", "--no-verify"], vec![]),
    ];
    for (name, args, env) in steps {
        println!("==> {name}: cargo {}", args.join(" "));
        let t = Instant::now();
        let status = Command::new(&cargo)
            .args(&args)
            .envs(env)
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        println!("==> {name}: {} in {:.1} s", if status.success() { "ok" } else { "FAILED" }, t.elapsed().as_secs_f64());
        if !status.success() {
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
