//! `cargo xtask conformance [--only PATTERN] [--keep DIR] [--report FILE]`:
//! the TypeSpec project's own client conformance suite (npm
//! `@typespec/http-specs`, pinned in `tools/http-specs/`) through the
//! generator, scenario by scenario:
//!
//! 1. **emitted**: each scenario's `main.tsp` compiled to OpenAPI 3.0 with
//!    the pinned compiler and `@typespec/openapi3` (`openapi-versions:
//!    ["3.0.0"]`, given in a config file: the emitter refuses it on the
//!    command line); a versioned scenario emits one file per version, each a
//!    row of its own. A scenario the toolchain cannot emit is a row saying
//!    why ([`NOT_EMITTABLE`] explains the known ones).
//! 2. **generated**: the SDK crate of each file, generic profile, named
//!    after the scenario (`conf-type-array`), or the generator's error.
//! 3. **compiled**: one `cargo check --workspace --keep-going` over a
//!    temporary workspace of every generated crate, with the repository's
//!    lock file and one target directory kept between runs
//!    (`target/conformance-target`), or the first compiler error.
//!
//! The table goes to stdout and, as markdown, to `target/conformance.md`
//! (or `--report FILE`). Running the scenarios against the Spector mock is
//! not part of it yet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::time::Instant;

use generator::generate::{generate, Request};
use generator::profile::Profile;
use heck::ToKebabCase;

use crate::npm_tool::{self, HTTP_SPECS};

/// The suite's scenarios, inside the tool's `node_modules`.
const SPECS_DIR: &str = "node_modules/@typespec/http-specs/specs";
/// The compiler's entry point inside the tool's `node_modules`.
const TSP_JS: &str = "node_modules/@typespec/compiler/cmd/tsp.js";
/// The emitter options: OpenAPI 3.0 only (an array, which only a config file
/// can give), one file per version of a versioned service.
const TSPCONFIG: &str = "emit:\n  - \"@typespec/openapi3\"\noptions:\n  \"@typespec/openapi3\":\n    openapi-versions: [\"3.0.0\"]\n    output-file: \"openapi.{version}.yaml\"\n";
/// Compiles at once (each is one node process of about a second).
const COMPILE_JOBS: usize = 2;
/// Longest cell text in the table; longer messages are cut with `…`.
const CELL: usize = 140;

/// Scenarios the pinned toolchain (compiler, openapi3 1.10.0, libraries
/// 0.80.0) cannot emit as OpenAPI 3.0, and why. They are still compiled
/// on every run, so a toolchain update that emits one shows up.
pub const NOT_EMITTABLE: &[(&str, &str)] = &[
    ("routes", "a query string in a path template: OpenAPI 3.0 cannot express it"),
    ("response/status-code-range", "a status code range: OpenAPI 3.0 cannot express it"),
    ("special-words", "openapi3 1.10 crashes on a query parameter named `constructor`"),
    ("streaming/jsonl", "needs `@typespec/streams`, which the registry lacks for 0.80 (compiles with 1.11.0 + streams 0.81.0)"),
];

/// One row: an emitted OpenAPI file, or a scenario that emitted none.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `type/array`, or `versioning/added@v1` for one version of a versioned scenario.
    pub scenario: String,
    pub emitted: Result<(), String>,
    /// The crate name, or the generator's error.
    pub generated: Option<Result<String, String>>,
    /// `Ok` when `cargo check` passed, else its first error.
    pub compiled: Option<Result<(), String>>,
}

struct Flags {
    only: Option<String>,
    keep: Option<PathBuf>,
    report: Option<PathBuf>,
}

fn parse(args: &[String], usage: &str) -> Result<Flags, String> {
    let mut flags = Flags { only: None, keep: None, report: None };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{usage}"));
        match arg.as_str() {
            "--only" => flags.only = Some(value("--only")?),
            "--keep" => flags.keep = Some(PathBuf::from(value("--keep")?)),
            "--report" => flags.report = Some(PathBuf::from(value("--report")?)),
            other => return Err(format!("unknown argument `{other}`\n{usage}")),
        }
    }
    Ok(flags)
}

/// `cargo xtask conformance`.
pub fn run(root: &Path, args: &[String], usage: &str) -> Result<ExitCode, String> {
    let flags = parse(args, usage)?;
    let total = Instant::now();
    HTTP_SPECS.ensure(root)?;
    npm_tool::check_node()?;
    let tool = HTTP_SPECS.path(root);
    let mut scenarios = scenarios(&tool.join(SPECS_DIR))?;
    if let Some(only) = &flags.only {
        scenarios.retain(|s| s.contains(only.as_str()));
        if scenarios.is_empty() {
            return Err(format!("--only {only}: no scenario of {} matches", tool.join(SPECS_DIR).display()));
        }
    }
    let temp;
    let ws = match &flags.keep {
        Some(dir) => {
            if dir.exists() {
                std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            dir.clone()
        }
        None => {
            temp = tempfile::Builder::new().prefix("pachca-conformance-").tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
            temp.path().to_path_buf()
        }
    };

    let t = Instant::now();
    let emitted = compile_all(&tool, &scenarios, &ws)?;
    let emit_time = t.elapsed();
    let t = Instant::now();
    let mut rows = Vec::new();
    let mut members = BTreeMap::new();
    for (scenario, files) in &emitted {
        match files {
            Err(reason) => rows.push(Row { scenario: scenario.clone(), emitted: Err(reason.clone()), generated: None, compiled: None }),
            Ok(files) => {
                for (version, file) in files {
                    let unit = match version {
                        Some(v) => format!("{scenario}@{v}"),
                        None => scenario.clone(),
                    };
                    let generated = generate_crate(&ws, &unit, file);
                    if let Ok(name) = &generated {
                        members.insert(name.clone(), rows.len());
                    }
                    rows.push(Row { scenario: unit, emitted: Ok(()), generated: Some(generated), compiled: None });
                }
            }
        }
    }
    let generate_time = t.elapsed();
    let t = Instant::now();
    if !members.is_empty() {
        let errors = check_workspace(root, &ws, members.keys())?;
        for (name, &i) in &members {
            rows[i].compiled = Some(match errors.get(name) {
                Some(e) => Err(e.clone()),
                None => Ok(()),
            });
        }
    }
    let check_time = t.elapsed();

    let counts = Counts::of(&rows);
    let timing = format!(
        "{:.1} s in all: compile to OpenAPI {:.1} s, generate {:.1} s, cargo check {:.1} s",
        total.elapsed().as_secs_f64(),
        emit_time.as_secs_f64(),
        generate_time.as_secs_f64(),
        check_time.as_secs_f64()
    );
    let markdown = format!("{}\n{}\n\n{timing}\n", table(&rows), counts.summary());
    let report = flags.report.unwrap_or_else(|| root.join("target/conformance.md"));
    if let Some(parent) = report.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&report, &markdown).map_err(|e| format!("{}: {e}", report.display()))?;
    println!("{markdown}");
    println!("report: {}", report.display());
    if flags.keep.is_some() {
        println!("workspace kept in {}", ws.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Every folder of `specs` with a `main.tsp`, relative and sorted (`type/array`).
fn scenarios(specs: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut stack = vec![specs.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "main.tsp") {
                if let Some(rel) = dir.strip_prefix(specs).ok().and_then(|r| r.to_str()) {
                    found.push(rel.replace('\\', "/"));
                }
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("{}: no scenario (`*/main.tsp`); is @typespec/http-specs installed?", specs.display()));
    }
    Ok(found)
}

/// The emitted OpenAPI files of one scenario, each with its version
/// (`None` for an unversioned service), or why there are none.
type Emitted = Result<Vec<(Option<String>, PathBuf)>, String>;

/// Compiles every scenario into `ws/openapi/<scenario>/`, [`COMPILE_JOBS`] at a time.
fn compile_all(tool: &Path, scenarios: &[String], ws: &Path) -> Result<Vec<(String, Emitted)>, String> {
    let config = ws.join("tspconfig.yaml");
    std::fs::write(&config, TSPCONFIG).map_err(|e| format!("{}: {e}", config.display()))?;
    let next = Mutex::new(0usize);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..COMPILE_JOBS {
            scope.spawn(|| loop {
                let i = {
                    let Ok(mut n) = next.lock() else { return };
                    *n += 1;
                    *n - 1
                };
                let Some(scenario) = scenarios.get(i) else { return };
                let emitted = compile_one(tool, &config, scenario, &ws.join("openapi").join(scenario));
                if let Ok(mut r) = results.lock() {
                    r.push((scenario.clone(), emitted));
                }
            });
        }
    });
    let mut results = results.into_inner().map_err(|_| "a compile thread panicked".to_owned())?;
    results.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(results)
}

fn compile_one(tool: &Path, config: &Path, scenario: &str, out: &Path) -> Emitted {
    let output = Command::new("node")
        .arg(tool.join(TSP_JS))
        .arg("compile")
        .arg(tool.join(SPECS_DIR).join(scenario).join("main.tsp"))
        .arg("--config")
        .arg(config)
        .arg("--output-dir")
        .arg(out)
        .args(["--pretty", "false"])
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let known = NOT_EMITTABLE.iter().find(|(s, _)| *s == scenario).map(|(_, why)| *why);
    if !output.status.success() {
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        let first = first_tsp_error(&text);
        return Err(match known {
            Some(why) => format!("{why} (compiler: {first})"),
            None => first,
        });
    }
    let dir = out.join("@typespec/openapi3");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("the compiler wrote nothing to {}: {e}", dir.display()))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(version) = version_of(&name) {
            files.push((version, entry.path()));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("the compiler reported success but wrote no openapi*.yaml to {}", dir.display()));
    }
    Ok(files)
}

/// `openapi.yaml` → `Some(None)`, `openapi.v1.yaml` → `Some(Some("v1"))`, anything else `None`.
fn version_of(file: &str) -> Option<Option<String>> {
    let middle = file.strip_prefix("openapi")?.strip_suffix(".yaml")?;
    match middle.strip_prefix('.') {
        None if middle.is_empty() => Some(None),
        Some(v) if !v.is_empty() => Some(Some(v.to_owned())),
        _ => None,
    }
}

/// The first diagnostic of a failed compile (`file:line:col - error code: text`
/// without the file), or its last non-empty line (a crash's message).
fn first_tsp_error(text: &str) -> String {
    let line = text
        .lines()
        .find_map(|l| l.split_once(" - error ").map(|(_, rest)| format!("error {rest}")))
        .or_else(|| text.lines().find(|l| l.contains("Error:") || l.contains("Internal compiler error")).map(str::trim).map(str::to_owned))
        .or_else(|| text.lines().rev().find(|l| !l.trim().is_empty()).map(str::trim).map(str::to_owned))
        .unwrap_or_else(|| "no output".to_owned());
    shorten(&line)
}

/// `type/model/inheritance@v1` → `conf-type-model-inheritance-v1`.
fn crate_name(unit: &str) -> String {
    let kebab: Vec<String> = unit.split(['/', '@']).map(|part| part.to_kebab_case()).collect();
    let name = format!("conf-{}", kebab.join("-"));
    name.chars().take(64).collect::<String>().trim_end_matches('-').to_owned()
}

/// Generates the SDK crate of `spec` into `ws/crates/<name>/`; the crate's name, or the error.
fn generate_crate(ws: &Path, unit: &str, spec: &Path) -> Result<String, String> {
    let name = crate_name(unit);
    let req = Request { name: Some(&name), ..Request::new(spec, Profile::Generic) };
    let generated = generate(&req).map_err(|e| generator_message(&first_line(&e.to_string()), spec))?;
    let prefix = format!("{name}/");
    let dir = ws.join("crates");
    for (path, text) in generated.files.iter().filter(|(p, _)| p.starts_with(&prefix)) {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(name)
}

/// `cargo check --workspace --keep-going` over the generated crates: the
/// first error of each crate that has one, by crate name.
fn check_workspace<'n>(root: &Path, ws: &Path, members: impl Iterator<Item = &'n String>) -> Result<BTreeMap<String, String>, String> {
    let list: Vec<String> = members.map(|m| format!("  \"crates/{m}\",")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", list.join("\n"));
    std::fs::write(ws.join("Cargo.toml"), manifest).map_err(|e| format!("{}: {e}", ws.display()))?;
    // The repository's lock: the dependency versions its own crates build with.
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--workspace", "--keep-going", "--message-format", "json"])
        .env("CARGO_TARGET_DIR", root.join("target/conformance-target"))
        .current_dir(ws)
        .output()
        .map_err(|e| format!("cannot run cargo check: {e}"))?;
    let errors = first_errors(&String::from_utf8_lossy(&output.stdout), ws);
    if !output.status.success() && errors.is_empty() {
        return Err(format!("cargo check in {} failed ({}) without a compiler error:\n{}", ws.display(), output.status, String::from_utf8_lossy(&output.stderr)));
    }
    Ok(errors)
}

/// The first error of each package in cargo's JSON messages, keyed by the
/// folder name of its manifest (the crate's name), as `error[E0277]: text (src/api.rs:12)`.
fn first_errors(json_lines: &str, ws: &Path) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    for line in json_lines.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let text = msg["message"]["message"].as_str().unwrap_or_default();
        if text.starts_with("aborting due to") || text.starts_with("could not compile") {
            continue;
        }
        let manifest = Path::new(msg["manifest_path"].as_str().unwrap_or_default());
        let Some(name) = manifest.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str()) else { continue };
        let code = msg["message"]["code"]["code"].as_str().map(|c| format!("[{c}]")).unwrap_or_default();
        let span = &msg["message"]["spans"][0];
        let at = match (span["file_name"].as_str(), span["line_start"].as_u64()) {
            (Some(f), Some(l)) => {
                let f = Path::new(f);
                // Cargo gives paths relative to the workspace.
                let crate_dir = Path::new("crates").join(name);
                let rel = f.strip_prefix(ws.join(&crate_dir)).or_else(|_| f.strip_prefix(&crate_dir)).unwrap_or(f);
                format!(" ({}:{l})", rel.display())
            }
            _ => String::new(),
        };
        errors.entry(name.to_owned()).or_insert_with(|| shorten(&format!("error{code}: {text}{at}")));
    }
    errors
}

/// `SPEC#/pointer: message` → `message (at #/pointer)`, shortened: what went
/// wrong first, as the table's cell is cut at the end.
fn generator_message(error: &str, spec: &Path) -> String {
    let spec = spec.display().to_string();
    let rest = error.strip_prefix(spec.as_str()).unwrap_or(error);
    match rest.strip_prefix('#').and_then(|r| r.split_once(": ")) {
        Some((pointer, message)) => shorten(&format!("{message} (at #{pointer})")),
        None => shorten(rest.trim_start_matches(": ")),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// `text` on one line, at most [`CELL`] characters, `|` escaped for markdown.
fn shorten(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = if one.chars().count() > CELL { one.chars().take(CELL - 1).chain(['…']).collect() } else { one };
    cut.replace('|', "\\|")
}

/// The counts of a run.
#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    pub scenarios: usize,
    pub not_emitted: usize,
    pub files: usize,
    pub rejected: usize,
    pub compiled: usize,
    pub failed: usize,
}

impl Counts {
    fn of(rows: &[Row]) -> Counts {
        let mut c = Counts::default();
        let mut scenarios = std::collections::BTreeSet::new();
        for row in rows {
            scenarios.insert(row.scenario.split('@').next().unwrap_or_default());
            match (&row.emitted, &row.generated, &row.compiled) {
                (Err(_), _, _) => c.not_emitted += 1,
                (Ok(()), Some(Err(_)), _) => {
                    c.files += 1;
                    c.rejected += 1
                }
                (Ok(()), _, Some(Ok(()))) => {
                    c.files += 1;
                    c.compiled += 1
                }
                (Ok(()), _, _) => {
                    c.files += 1;
                    c.failed += 1
                }
            }
        }
        c.scenarios = scenarios.len();
        c
    }

    fn summary(&self) -> String {
        format!(
            "{} scenarios: {} not emitted; {} OpenAPI files: {} generate crates that compile, {} rejected by the generator, {} generate crates that do not compile",
            self.scenarios, self.not_emitted, self.files, self.compiled, self.rejected, self.failed
        )
    }
}

/// The markdown table of `rows`.
fn table(rows: &[Row]) -> String {
    let mut out = String::from("| scenario | emitted | generated | compiled |\n|---|---|---|---|\n");
    for row in rows {
        let emitted = match &row.emitted {
            Ok(()) => "yes".to_owned(),
            Err(e) => format!("no: {e}"),
        };
        let generated = match &row.generated {
            None => String::new(),
            Some(Ok(name)) => format!("`{name}`"),
            Some(Err(e)) => format!("no: {e}"),
        };
        let compiled = match &row.compiled {
            None => String::new(),
            Some(Ok(())) => "yes".to_owned(),
            Some(Err(e)) => format!("no: {e}"),
        };
        out.push_str(&format!("| {} | {emitted} | {generated} | {compiled} |\n", row.scenario));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_emitted_files() {
        assert_eq!(version_of("openapi.yaml"), Some(None));
        assert_eq!(version_of("openapi.v1.yaml"), Some(Some("v1".to_owned())));
        assert_eq!(version_of("openapi.2022-12-01-preview.yaml"), Some(Some("2022-12-01-preview".to_owned())));
        assert_eq!(version_of("openapi..yaml"), None);
        assert_eq!(version_of("other.yaml"), None);
    }

    #[test]
    fn crate_names_follow_the_scenario() {
        assert_eq!(crate_name("type/array"), "conf-type-array");
        assert_eq!(crate_name("versioning/returnTypeChangedFrom@v2"), "conf-versioning-return-type-changed-from-v2");
        assert_eq!(crate_name("type/model/inheritance/single-discriminator"), "conf-type-model-inheritance-single-discriminator");
    }

    #[test]
    fn the_first_compiler_error_of_each_crate() {
        let ws = Path::new("/ws");
        let lines = [
            r#"{"reason":"compiler-message","manifest_path":"/ws/crates/conf-a/Cargo.toml","message":{"level":"warning","message":"unused","code":null,"spans":[]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/ws/crates/conf-a/Cargo.toml","message":{"level":"error","message":"the name `GetParams` is defined multiple times","code":{"code":"E0428"},"spans":[{"file_name":"crates/conf-a/src/params.rs","line_start":12}]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/ws/crates/conf-a/Cargo.toml","message":{"level":"error","message":"second","code":null,"spans":[]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/ws/crates/conf-b/Cargo.toml","message":{"level":"error","message":"aborting due to 2 previous errors","code":null,"spans":[]}}"#,
            "not json",
        ]
        .join("\n");
        let errors = first_errors(&lines, ws);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors["conf-a"], "error[E0428]: the name `GetParams` is defined multiple times (src/params.rs:12)");
    }

    #[test]
    fn compiler_failures_name_the_first_diagnostic() {
        let out = "TypeSpec compiler v1.10.0\n\n/x/main.tsp:3:1 - error import-not-found: Couldn't resolve import \"@typespec/streams\"\n\nFound 1 error.\n";
        assert_eq!(first_tsp_error(out), "error import-not-found: Couldn't resolve import \"@typespec/streams\"");
        assert_eq!(first_tsp_error("\nTypeError: x is not a function\n    at foo\n"), "TypeError: x is not a function");
    }

    #[test]
    fn generator_errors_put_the_message_before_the_pointer() {
        let spec = Path::new("/ws/openapi/a/openapi.yaml");
        let error = "/ws/openapi/a/openapi.yaml#/paths/~1a/post/requestBody/content: unsupported media type `image/png`; expected `application/json`";
        assert_eq!(
            generator_message(error, spec),
            "unsupported media type `image/png`; expected `application/json` (at #/paths/~1a/post/requestBody/content)"
        );
        assert_eq!(generator_message("/ws/openapi/a/openapi.yaml: not OpenAPI", spec), "not OpenAPI");
    }

    #[test]
    fn counts_and_table() {
        let rows = vec![
            Row { scenario: "routes".into(), emitted: Err("no way".into()), generated: None, compiled: None },
            Row { scenario: "a@v1".into(), emitted: Ok(()), generated: Some(Ok("conf-a-v1".into())), compiled: Some(Ok(())) },
            Row { scenario: "a@v2".into(), emitted: Ok(()), generated: Some(Ok("conf-a-v2".into())), compiled: Some(Err("error: x".into())) },
            Row { scenario: "b".into(), emitted: Ok(()), generated: Some(Err("media type | x".into())), compiled: None },
        ];
        let c = Counts::of(&rows);
        assert_eq!(c, Counts { scenarios: 3, not_emitted: 1, files: 3, rejected: 1, compiled: 1, failed: 1 });
        let t = table(&rows);
        assert!(t.contains("| routes | no: no way |  |  |"), "{t}");
        assert!(t.contains("| a@v2 | yes | `conf-a-v2` | no: error: x |"), "{t}");
        assert_eq!(shorten("a |\n  b"), "a \\| b");
        assert_eq!(shorten(&"x".repeat(200)).chars().count(), CELL);
    }
}
