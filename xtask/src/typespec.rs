//! `--tsp`: TypeSpec source → OpenAPI with the pinned TypeSpec compiler
//! (`tools/typespec`, installed with `npm ci`).
//!
//! The compiler resolves its libraries from a `node_modules` in or above
//! the `.tsp` file's folder, so it runs in a temporary folder holding links
//! to every entry of that folder (in `in/`) and to the tool's
//! `node_modules`; nothing is written next to the user's file. The emitter
//! options are upstream's (`@typespec/openapi3`, `openapi.yaml`,
//! `experimental-parameter-examples: data`), given on the command line so a
//! folder without a `tspconfig.yaml` compiles the same way.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::npm_tool::{self, TYPESPEC};

const EMITTER: &str = "@typespec/openapi3";
/// The compiler's entry point inside the tool's `node_modules`.
const TSP_JS: &str = "node_modules/@typespec/compiler/cmd/tsp.js";
/// Entries of the source folder not linked into the compile folder: the
/// tool's own `node_modules` takes the place of any the user has.
const NOT_LINKED: &[&str] = &["node_modules", "tsp-output"];

/// A successful compile.
pub struct Compiled {
    /// sha256 of the OpenAPI file written.
    pub sha256: String,
    pub elapsed: Duration,
    /// What the compiler reported on success (warnings), with the user's paths.
    pub diagnostics: String,
}

/// Compiles `tsp` (a `.tsp` file) to the OpenAPI YAML file `out`. `out` is
/// written only when the compile succeeded (through a temporary file and a
/// rename), so a failure leaves it as it was.
pub fn compile(root: &Path, tsp: &Path, out: &Path) -> Result<Compiled, String> {
    let source = std::fs::canonicalize(tsp).map_err(|e| format!("{}: cannot read the TypeSpec file: {e}", tsp.display()))?;
    let (Some(dir), Some(file_name)) = (source.parent(), source.file_name()) else {
        return Err(format!("{}: expected a .tsp file", tsp.display()));
    };
    if !source.is_file() {
        return Err(format!("{}: expected a .tsp file, found a folder", tsp.display()));
    }
    TYPESPEC.ensure(root)?;
    npm_tool::check_node()?;
    let tool = TYPESPEC.path(root);
    let work = tempfile::Builder::new().prefix("pachca-tsp-").tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).map_err(|e| format!("{}: {e}", inputs.display()))?;
    link_entries(dir, &inputs)?;
    link(&tool.join("node_modules"), &work.path().join("node_modules"))?;
    let emitted = work.path().join("out");
    let t = Instant::now();
    let output = Command::new("node")
        .arg(tool.join(TSP_JS))
        .arg("compile")
        .arg(Path::new("in").join(file_name))
        .args(["--pretty", "false", "--emit", EMITTER])
        .arg("--option")
        .arg(format!("{EMITTER}.emitter-output-dir={}", emitted.display()))
        .args(["--option", &format!("{EMITTER}.output-file=openapi.yaml")])
        .args(["--option", &format!("{EMITTER}.experimental-parameter-examples=data")])
        .current_dir(work.path())
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let elapsed = t.elapsed();
    let diagnostics = diagnostics(&output.stdout, &output.stderr, dir);
    if !output.status.success() {
        return Err(format!("{}: the TypeSpec compiler failed ({}):\n{diagnostics}", tsp.display(), output.status));
    }
    let produced = emitted_files(&emitted)?;
    let [file] = produced.as_slice() else {
        let list: Vec<String> = produced.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "{}: expected the compiler to emit one OpenAPI file, it emitted {} ({}); set one `openapi-versions` in tspconfig.yaml",
            tsp.display(),
            produced.len(),
            list.join(", ")
        ));
    };
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    write_atomically(out, &bytes)?;
    Ok(Compiled { sha256: generator::pin::sha256_hex(&bytes), elapsed, diagnostics })
}

/// Compiles `tsp` for `generate --tsp` into `target/typespec/<stem>.openapi.yaml`
/// (kept, so errors and warnings can point into it), printing one line.
pub fn compile_for_generate(root: &Path, tsp: &Path) -> Result<PathBuf, String> {
    let stem = tsp.file_stem().and_then(|s| s.to_str()).unwrap_or("typespec");
    let out = root.join("target/typespec").join(format!("{stem}.openapi.yaml"));
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let compiled = compile(root, tsp, &out)?;
    report(root, tsp, &out, &compiled);
    Ok(out)
}

/// `cargo xtask spec compile --tsp PATH --out FILE`.
pub fn spec_compile(root: &Path, tsp: Option<&Path>, out: Option<&Path>, usage: &str) -> Result<ExitCode, String> {
    let (Some(tsp), Some(out)) = (tsp, out) else {
        return Err(format!("spec compile needs --tsp PATH and --out FILE\n{usage}"));
    };
    let compiled = compile(root, tsp, out)?;
    report(root, tsp, out, &compiled);
    Ok(ExitCode::SUCCESS)
}

/// Prints the compiler's warnings and one line: where it went, how long it
/// took, its sha256 and whether that is a pinned spec's.
fn report(root: &Path, tsp: &Path, out: &Path, compiled: &Compiled) {
    if !compiled.diagnostics.is_empty() {
        eprintln!("{}", compiled.diagnostics);
    }
    let pinned = generator::pin::Pin::read(root).ok().and_then(|pin| {
        pin.files.iter().find(|(_, f)| f.sha256 == compiled.sha256).map(|(lang, _)| format!("the pinned `{lang}` spec"))
    });
    println!(
        "compiled {} -> {} in {:.2} s (sha256 {}, {})",
        tsp.display(),
        out.display(),
        compiled.elapsed.as_secs_f64(),
        compiled.sha256,
        pinned.as_deref().unwrap_or("not a pinned spec")
    );
}

/// Links every entry of `dir` (but [`NOT_LINKED`]) into `into`.
fn link_entries(dir: &Path, into: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name();
        if NOT_LINKED.iter().any(|n| name == *n) {
            continue;
        }
        link(&entry.path(), &into.join(&name))?;
    }
    Ok(())
}

fn link(target: &Path, at: &Path) -> Result<(), String> {
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(target, at);
    #[cfg(windows)]
    let made = if target.is_dir() {
        std::os::windows::fs::symlink_dir(target, at)
    } else {
        std::os::windows::fs::symlink_file(target, at)
    };
    made.map_err(|e| format!("cannot link {} at {}: {e}", target.display(), at.display()))
}

/// Every file under `dir`, sorted.
fn emitted_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("the compiler wrote nothing to {}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, out).map_err(|e| format!("{}: {e}", out.display()))
}

/// The compiler's output without its banner and progress lines, with the
/// compile folder's `in/` turned back into the source folder, so every
/// diagnostic names the user's file, line and column.
fn diagnostics(stdout: &[u8], stderr: &[u8], source_dir: &Path) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(stdout), String::from_utf8_lossy(stderr));
    let progress = ["TypeSpec compiler v", "- Compiling", "- Running", "✔", "×", "Compilation completed successfully."];
    text.lines()
        .filter(|line| !progress.iter().any(|p| line.starts_with(p)))
        .map(|line| match line.strip_prefix("in/") {
            Some(rest) => format!("{}", source_dir.join(rest).display()),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        crate::root()
    }

    const UPSTREAM: &str = "../shared/spec/typespec/typespec.tsp";

    /// The upstream TypeSpec source compiles to exactly the pinned Russian
    /// spec, and the artifacts generated from it are those of the YAML.
    #[test]
    fn upstream_typespec_compiles_to_the_pinned_spec_and_generates_the_same_files() {
        use generator::pin::{Lang, SpecSource};
        let root = root();
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("openapi.yaml");
        let compiled = compile(&root, &root.join(UPSTREAM), &out).unwrap_or_else(|e| panic!("{e}"));
        let pin = generator::pin::Pin::read(&root).unwrap();
        assert_eq!(compiled.sha256, pin.files[&Lang::Ru].sha256, "the compiled spec differs from the pinned openapi.yaml");
        eprintln!("typespec compile: {:.2} s", compiled.elapsed.as_secs_f64());

        let (ru, _) = generator::pin::resolve(&root, Lang::Ru, SpecSource::Pinned).unwrap();
        let (en, _) = generator::pin::resolve(&root, Lang::En, SpecSource::Pinned).unwrap();
        let generate = |spec: &Path| {
            let req = generator::generate::Request {
                spec: (Lang::Ru, spec),
                other: Some((Lang::En, &en)),
                ..generator::generate::Request::new(spec, generator::profile::Profile::Pachca)
            };
            generator::generate::generate(&req).unwrap_or_else(|e| panic!("{e}")).files
        };
        let (from_tsp, from_yaml) = (generate(&out), generate(&ru));
        assert!(from_yaml.len() > 100, "{} files", from_yaml.len());
        assert_eq!(from_tsp.len(), from_yaml.len());
        for (path, contents) in &from_yaml {
            assert!(from_tsp.get(path) == Some(contents), "{path} differs when generated from the TypeSpec source");
        }
    }

    #[test]
    fn a_compile_error_names_the_users_file_and_line_and_writes_nothing() {
        let root = root();
        let src = tempfile::tempdir().unwrap();
        let tsp = src.path().join("main.tsp");
        std::fs::write(&tsp, "import \"@typespec/http\";\nusing TypeSpec.Http;\n\nmodel A { x: Strin; }\n@route(\"/a\") op get(): A;\n").unwrap();
        let out = src.path().join("out.yaml");
        let err = compile(&root, &tsp, &out).err().expect("a compile error");
        let dir = std::fs::canonicalize(src.path()).unwrap();
        let at = format!("{}:4:14 - error invalid-ref: Unknown identifier Strin", dir.join("main.tsp").display());
        assert!(err.contains(&at), "{err}");
        assert!(!out.exists());
        // Nothing but the source was written next to it.
        let names: Vec<_> = std::fs::read_dir(src.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["main.tsp"]);
    }

    #[test]
    fn diagnostics_drop_progress_and_restore_the_source_folder() {
        let out = b"TypeSpec compiler v1.10.0\n\n- Compiling...\nin/a.tsp:3:14 - error invalid-ref: Unknown identifier Strin\n\nFound 1 error.\n";
        let text = diagnostics(out, b"", Path::new("/src/api"));
        assert_eq!(text, "/src/api/a.tsp:3:14 - error invalid-ref: Unknown identifier Strin\n\nFound 1 error.");
    }
}
