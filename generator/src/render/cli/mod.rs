//! The `pachca-cli` crate: the generated command table and per-operation
//! calls (`src/commands.rs`), `src/main.rs` that declares the modules and
//! hands the table to the runtime, the end-to-end test of every command, and
//! the hand-written runtime copied verbatim from `runtime/cli/src/` (the
//! library crate `pachca-cli-runtime`) and `runtime/cli-spec/src/lib.rs`
//! (its `spec` module), with the binary's tests from `runtime/cli/tests-bin/`,
//! and the agent skills `pachca skills install` writes ([`bundle`]).

pub mod bundle;
mod commands;
mod e2e;

use minijinja::{context, Environment};

use crate::cli_model::CliModel;
use crate::ir::Api;
use crate::render::{Files, RenderError};

const CARGO_TOML: &str = include_str!("../../../../templates/cli/Cargo.toml.j2");

/// Declares [`RUNTIME_MODULES`] from one list of names, each with the text
/// of `runtime/cli/src/<name>.rs`.
macro_rules! runtime_modules {
    ($($name:literal),* $(,)?) => {
        /// The modules of the hand-written runtime: every file of
        /// `runtime/cli/src/` but `lib.rs`, as (module name, contents).
        pub const RUNTIME_MODULES: &[(&str, &str)] =
            &[$(($name, include_str!(concat!("../../../../runtime/cli/src/", $name, ".rs")))),*];
    };
}

runtime_modules!("app", "config", "entry", "errors", "input", "oauth", "output", "raw", "run", "save", "secrets", "skills", "tools", "verbose");

/// The runtime model (`cli_spec`), the CLI's module `spec`.
const SPEC_MODULE: (&str, &str) = ("spec", include_str!("../../../../runtime/cli-spec/src/lib.rs"));

/// Support files copied as they are: (path inside the CLI crate, contents).
/// `runtime/cli/tests-bin/` holds the tests of the built binary, which need
/// the generated crate (`CARGO_BIN_EXE_pachca`); cargo does not run them in
/// the runtime crate.
const VERBATIM: &[(&str, &str)] = &[
    ("tests/cli.rs", include_str!("../../../../runtime/cli/tests-bin/cli.rs")),
    ("tests/api.rs", include_str!("../../../../runtime/cli/tests-bin/api.rs")),
    ("tests/download.rs", include_str!("../../../../runtime/cli/tests-bin/download.rs")),
    ("tests/skills.rs", include_str!("../../../../runtime/cli/tests-bin/skills.rs")),
    ("tests/support/mod.rs", include_str!("../../../../runtime/cli/tests-bin/support/mod.rs")),
    // One Prism harness for the SDK's and the CLI's tests.
    ("tests/support/prism.rs", include_str!("../../../../runtime/sdk-pachca/tests/support/prism.rs")),
];

/// Every module of the CLI crate, sorted: the runtime's, `spec` and the
/// generated `commands`.
fn module_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = RUNTIME_MODULES.iter().map(|(name, _)| *name).chain([SPEC_MODULE.0, commands::MODULE]).collect();
    names.sort_unstable();
    names
}

/// `src/main.rs`: the modules, and `main` handing the table to the runtime.
fn main_rs() -> String {
    let mut text = format!("{}\n", crate::render::rust::GENERATED_HEADER);
    text.push_str(
        "//! `pachca`: the Pachca API from the command line.\n\
         //!\n\
         //! Every API operation is a command (`pachca chats create --name Ops`),\n\
         //! generated from the OpenAPI spec into `commands.rs`; the other modules\n\
         //! are the hand-written runtime (`runtime/cli` in the generator's\n\
         //! repository); see `pachca --help`.\n\n",
    );
    for name in module_names() {
        if name == SPEC_MODULE.0 {
            // Table types this API's commands do not use (a `Ty` no parameter
            // has) are not dead code: the module is a library's.
            text.push_str("#[allow(dead_code)]\n");
        }
        text.push_str(&format!("mod {name};\n"));
    }
    text.push_str("\nfn main() -> std::process::ExitCode {\n    entry::main(&commands::COMMANDS)\n}\n");
    text
}

/// `Cargo.toml`: the SDK crate `sdk_crate` is the dependency `pachca`.
fn cargo_toml(title: &str, api_version: &str, sdk_crate: &str, version: &str) -> Result<String, RenderError> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    let err = |e: minijinja::Error| RenderError { artifact: "Cargo.toml".to_owned(), message: e.to_string() };
    env.add_template("Cargo.toml", CARGO_TOML).map_err(err)?;
    env.get_template("Cargo.toml")
        .and_then(|t| t.render(context! { title => title, api_version => api_version, sdk_crate => sdk_crate, version => version }))
        .map_err(err)
}

/// The crates' version and the changelog `pachca changelog` prints (its
/// `CHANGELOG.md`, embedded by `commands.rs`).
pub struct Release<'r> {
    pub version: &'r str,
    pub changelog: &'r str,
}

/// Renders the CLI crate of `cli` into the folder `dir` of `files`; it uses
/// the SDK crate `sdk_crate` under the name `pachca`. With `skills`, the
/// binary carries [`bundle::BUNDLE_FILE`], which the skills renderer writes.
#[allow(clippy::too_many_arguments)]
pub fn render(
    api: &Api,
    types: &crate::model::TypeIndex<'_>,
    cli: &CliModel,
    sdk_crate: &str,
    dir: &str,
    guide: &[crate::render::rust::literal::Lit],
    skills: bool,
    release: &Release<'_>,
    files: &mut Files,
) -> Result<(), RenderError> {
    let text = cargo_toml(&api.title, &api.version, sdk_crate, release.version)?;
    files.insert(format!("{dir}/Cargo.toml"), text);
    files.insert(format!("{dir}/{}", commands::CHANGELOG_FILE), release.changelog.to_owned());
    files.insert(format!("{dir}/src/main.rs"), main_rs());
    files.insert(format!("{dir}/{}", commands::COMMANDS_FILE), commands::render(api, types, cli, guide, skills)?);
    files.insert(format!("{dir}/{}", e2e::E2E_FILE), e2e::render(api, cli)?);
    for (name, text) in RUNTIME_MODULES.iter().chain([&SPEC_MODULE]) {
        files.insert(format!("{dir}/src/{name}.rs"), (*text).to_owned());
    }
    for (path, text) in VERBATIM {
        files.insert(format!("{dir}/{path}"), (*text).to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `runtime/cli/<dir>`, and the names of its `.rs` files without the
    /// extension, sorted.
    fn rust_files(dir: &str) -> (std::path::PathBuf, Vec<String>) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/cli").join(dir);
        let mut files: Vec<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .map(|entry| entry.expect("directory entry").file_name().to_string_lossy().into_owned())
            .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
            .collect();
        files.sort();
        (path, files)
    }

    /// The one module list is the runtime crate's files, and its `lib.rs`
    /// declares exactly those modules (and `spec`).
    #[test]
    fn runtime_modules_are_the_runtime_crates_files() {
        let (src, mut files) = rust_files("src");
        files.retain(|name| name != "lib");
        let mut listed: Vec<String> = RUNTIME_MODULES.iter().map(|(name, _)| (*name).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, files, "RUNTIME_MODULES and runtime/cli/src/*.rs differ");

        let lib = std::fs::read_to_string(src.join("lib.rs")).expect("runtime/cli/src/lib.rs");
        let mut declared: Vec<String> = lib
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';')).map(str::to_owned))
            .collect();
        declared.sort();
        let mut expected = files;
        expected.push(SPEC_MODULE.0.to_owned());
        expected.sort();
        assert_eq!(declared, expected, "runtime/cli/src/lib.rs declares other modules");
    }

    /// Every test of the binary in `runtime/cli/tests-bin/` is copied into
    /// the crate (a file left out would never run): by this renderer, or
    /// (the scenario test) by the skills renderer.
    #[test]
    fn every_binary_test_is_copied() {
        let mut files: Vec<String> = rust_files("tests-bin").1.iter().map(|name| format!("tests/{name}.rs")).collect();
        files.push("tests/support/mod.rs".to_owned());
        files.sort();
        let mut copied: Vec<String> = VERBATIM.iter().map(|(path, _)| (*path).to_owned()).filter(|p| p != "tests/support/prism.rs").collect();
        // The scenario test comes with its plan, from the skills renderer.
        let scenarios = crate::render::skills::scenario_plan::TEST_FILE.0;
        copied.push(scenarios.strip_prefix("pachca-cli/").unwrap_or(scenarios).to_owned());
        copied.sort();
        assert_eq!(copied, files, "VERBATIM and runtime/cli/tests-bin differ");
    }

    #[test]
    fn the_sdk_is_always_the_dependency_pachca() {
        let text = cargo_toml("Acme", "1.0", "acme-sdk", "0.1.0").expect("renders");
        assert!(text.contains(r#"pachca = { package = "acme-sdk", path = "../acme-sdk", version = "0.1.0" }"#), "{text}");
        let text = cargo_toml("Pachca", "1.0", "pachca", "0.4.2").expect("renders");
        assert!(text.contains("\nversion = \"0.4.2\"\n"), "{text}");
        assert!(text.contains(r#"pachca = { package = "pachca", path = "../pachca", version = "0.4.2" }"#), "{text}");
    }

    #[test]
    fn main_declares_every_module_once() {
        let main = main_rs();
        for name in module_names() {
            assert_eq!(main.matches(&format!("\nmod {name};\n")).count(), 1, "mod {name}");
        }
        assert!(main.contains("entry::main(&commands::COMMANDS)"));
    }
}
