//! The generator survives the Pachca spec as it really changes: every dated
//! upstream version in `../shared/spec/history/`, plus variants of the pinned
//! spec with operations deleted and renamed, generated in the **Pachca
//! profile** with `--name`, must give an SDK and a CLI crate that compile,
//! and curated data the spec no longer matches must be reported (naming the
//! operation) and skipped, never abort generation.
//!
//! The crates are written into one temporary workspace (with the repository's
//! `Cargo.lock`, so the same dependency versions) and checked with one
//! `cargo check --workspace` in a target directory of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::generate::{generate, Generated, Request};
use generator::pin::{self, Lang, SpecSource};
use generator::profile::Profile;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn history_specs() -> Vec<PathBuf> {
    let dir = root().join("../shared/spec/history");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; the dated upstream specs are needed for this test", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("openapi-") && n.ends_with(".yaml")))
        .collect();
    specs.sort();
    assert!(specs.len() >= 5, "expected the five dated specs in {}, found {specs:?}", dir.display());
    specs
}

fn pinned() -> PathBuf {
    match pin::resolve(&root(), Lang::En, SpecSource::Pinned) {
        Ok((path, _)) => path,
        Err(e) => panic!("the pinned Pachca spec is needed for this test: {e}"),
    }
}

/// The operationIds a spec file declares.
fn operation_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("operationId:"))
        .map(|id| id.trim().trim_matches(['\'', '"']).to_owned())
        .collect()
}

/// The operationIds `spec/cli.yaml` names.
fn curated_ids() -> BTreeSet<String> {
    let data = generator::cli_model::CliData::bundled().unwrap_or_else(|e| panic!("{e}"));
    data.overrides.keys().chain(data.hidden_aliases.keys()).cloned().collect()
}

/// The pinned spec with one path's operations deleted and one operationId
/// renamed: what an upstream update that drops and renames operations does.
fn edited_variant(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(pinned()).expect("pinned spec");
    let renamed = text.replace("operationId: BotOperations_recreateBotToken", "operationId: BotOperations_renewBotToken");
    assert_ne!(renamed, text, "the pinned spec no longer has BotOperations_recreateBotToken; pick another operation");
    // Delete the export download path (its operation is curated in spec/cli.yaml).
    let mut out = String::with_capacity(renamed.len());
    let mut skipping = false;
    for line in renamed.lines() {
        if line.starts_with("  /") {
            skipping = line.trim_end().ends_with("/chats/exports/{id}:");
        } else if !line.starts_with("    ") && !line.is_empty() {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.contains("ExportOperations_downloadExport"), "the export download path was not deleted");
    let path = dir.join("openapi-edited.yaml");
    std::fs::write(&path, out).expect("write the edited spec");
    path
}

fn write_files(dir: &Path, generated: &Generated) {
    for (path, text) in &generated.files {
        if path.starts_with("ir/") {
            continue;
        }
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, text).expect("write");
    }
}

#[test]
fn every_published_and_edited_spec_generates_crates_that_compile() {
    let dir = std::env::temp_dir().join(format!("pachca-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let curated = curated_ids();
    assert!(curated.contains("BotOperations_recreateBotToken"), "{curated:?}");
    let mut specs = history_specs();
    specs.push(edited_variant(&dir));
    let mut members = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().and_then(|s| s.to_str()).expect("stem").replace("openapi-", "");
        let name = format!("pachca-{stem}");
        let req = Request { name: Some(&name), ..Request::new(spec, Profile::Pachca) };
        let generated = generate(&req).unwrap_or_else(|e| panic!("{}: generation failed: {e}", spec.display()));
        assert_eq!(generated.sdk_crate, name);
        // Every curated operation the spec lacks is reported by name, and
        // nothing else is.
        let ids = operation_ids(&std::fs::read_to_string(spec).expect("spec"));
        let missing: Vec<&String> = curated.iter().filter(|id| !ids.contains(*id)).collect();
        for id in &missing {
            assert!(
                generated.skipped.iter().any(|w| w.contains(id.as_str())),
                "{}: no warning names the missing operation {id}; warnings: {:#?}",
                spec.display(),
                generated.skipped
            );
        }
        // Any other warning is about curated data too (an alias that is the
        // older spec's own command name), and names its file.
        for w in &generated.skipped {
            // The SDK additions are skipped where the upload operations live
            // in another service (the 2026-03 spec's `Common`).
            assert!(w.starts_with("spec/cli.yaml: ") || w.starts_with("Pachca SDK additions"), "{}: unexpected warning {w}", spec.display());
        }
        if spec.ends_with("openapi-edited.yaml") {
            assert!(missing.len() >= 2, "the edited spec should miss two curated operations: {missing:?}");
        }
        assert!(generated.files.contains_key(&format!("{name}/src/lib.rs")), "{}: no SDK", spec.display());
        assert!(generated.files.contains_key(&format!("{name}-cli/src/main.rs")), "{}: no CLI", spec.display());
        write_files(&dir, &generated);
        members.push(name.clone());
        members.push(format!("{name}-cli"));
        println!("{}: {} files, {} curated entries skipped", spec.display(), generated.files.len(), generated.skipped.len());
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("workspace manifest");
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--workspace", "--all-targets", "--quiet"])
        .current_dir(&dir)
        // A target directory of its own: the one running this test is locked.
        .env("CARGO_TARGET_DIR", root().join("target/history"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the generated crates do not compile:\n{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
    println!("{} specs: {} crates compile", specs.len(), members.len());
}
