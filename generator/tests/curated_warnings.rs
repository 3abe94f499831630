//! Curated data (`spec/cli.yaml`, `spec/skills/`) against a spec that lacks
//! some of what it names: every such entry is a warning naming the file, the
//! key and what is missing, the entry is skipped and the rest applies. The
//! pinned spec gives no warnings; each older spec in
//! `../shared/spec/history/` still derives its command line and skills.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generator::cli_model;
use generator::curated::CuratedWarning;
use generator::ir::Api;
use generator::load::Spec;
use generator::pin::{self, Lang, SpecSource};
use generator::render::skills::{self, curated};
use generator::render::{Files, Localized};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root")
}

fn pinned(lang: Lang) -> Spec {
    let (spec, _) = pin::resolve(root(), lang, SpecSource::Pinned)
        .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"));
    generator::load::load_file(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn lower(spec: &Spec) -> Api {
    generator::lower::lower_with(spec, generator::profile::Profile::Pachca.lower_options(false)).map(|l| l.api).unwrap_or_else(|e| panic!("{e}"))
}

/// Removes the operation `id` from the document (and its path, when that
/// was the path's only operation).
fn remove_operation(spec: &mut Spec, id: &str) {
    let mut found = false;
    spec.doc.paths.paths.retain(|_, item| {
        let openapiv3::ReferenceOr::Item(item) = item else { return true };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ] {
            if op.as_ref().is_some_and(|o| o.operation_id.as_deref() == Some(id)) {
                *op = None;
                found = true;
            }
        }
        item.iter().next().is_some()
    });
    assert!(found, "the spec has no operation `{id}`");
}

fn texts(warnings: &[CuratedWarning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

/// The curated skills checked against `api`, which must succeed.
fn check(api: &Api) -> skills::Checked {
    let data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    skills::check(&data, api).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_pinned_spec_gives_no_warnings() {
    for lang in [Lang::En, Lang::Ru] {
        let api = lower(&pinned(lang));
        let derived = cli_model::derive_bundled(&api).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(texts(&derived.warnings), Vec::<String>::new(), "{lang}");
        let checked = check(&api);
        // Facts quote the English spec (generation checks them against it
        // alone); every other entry must fit both languages.
        let english_quote = |w: &&CuratedWarning| lang == Lang::Ru && w.key.contains(".facts[");
        let warnings: Vec<_> = checked.warnings().filter(|w| !english_quote(w)).collect();
        assert_eq!(warnings.len(), 0, "{lang}: {warnings:?}");
        if lang == Lang::En {
            assert_eq!(checked.skills.curated, curated::load().unwrap_or_else(|e| panic!("{e}")), "{lang}: nothing is left out");
        }
    }
    let (en, ru) = (lower(&pinned(Lang::En)), lower(&pinned(Lang::Ru)));
    let warnings = skills::render_warned(Localized { en: &en, ru: &ru }, &mut Files::new()).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// Named by an override in `spec/cli.yaml` and by a step of the
/// `pachca-bots` scenario `rotate-bot-token`.
const REMOVED: &str = "BotOperations_recreateBotToken";

#[test]
fn an_operation_the_spec_lacks_is_skipped_with_a_warning() {
    let full = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let (_, bot_scenarios) = &full.scenarios["pachca-bots"];
    let index = bot_scenarios
        .iter()
        .position(|sc| sc.steps.iter().any(|s| s.op.as_deref() == Some(REMOVED)))
        .unwrap_or_else(|| panic!("a pachca-bots scenario names {REMOVED}"));
    let removed_id = bot_scenarios[index].id.clone();

    let apis = [Lang::En, Lang::Ru].map(|lang| {
        let mut spec = pinned(lang);
        remove_operation(&mut spec, REMOVED);
        lower(&spec)
    });
    let [en, ru] = &apis;
    assert!(en.operations().all(|o| o.id != REMOVED));

    // The command line: the override is skipped, the others still apply.
    let derived = cli_model::derive_bundled(en).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        texts(&derived.warnings),
        [format!("spec/cli.yaml: overrides.{REMOVED}: no operation has operationId `{REMOVED}`; entry skipped")]
    );
    let name = |id: &str| derived.model.by_operation(id).map(|c| c.name()).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(name("BotOperations_selfRecreateBotToken"), "bots recreate-token-self");
    assert_eq!(name("ReadMemberOperations_listReadMembers"), "read-member list-readers");
    assert!(derived.model.find("common", "uploads").is_some(), "hidden aliases still apply");
    assert_eq!(derived.model.commands.len(), 76);

    // The skills: the scenario naming it is skipped, every other one is kept.
    let checked = check(en);
    let skill_warnings = texts(&checked.skills.warnings);
    assert_eq!(
        skill_warnings,
        [format!(
            "spec/skills/scenarios/pachca-bots.yaml: [{index}] ({removed_id}).steps[0].op: no operation has operationId `{REMOVED}`; scenario skipped"
        )]
    );
    let all: Vec<String> = checked.warnings().map(ToString::to_string).collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().all(|w| w.contains(&format!("`{REMOVED}`"))), "{all:?}");
    for (skill, (_, list)) in &checked.skills.curated.scenarios {
        let (_, before) = &full.scenarios[skill];
        let kept: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
        let expected: Vec<&str> = before.iter().map(|s| s.id.as_str()).filter(|id| skill != "pachca-bots" || *id != removed_id).collect();
        assert_eq!(kept, expected, "{skill}");
    }
    assert_eq!(checked.skills.curated.catalogue, full.catalogue, "the catalogue is untouched");
    assert!(!checked.skills.ownership.contains_key(REMOVED));
    assert_eq!(checked.skills.ownership.len(), 76);

    // Rendering succeeds without the scenario, and with the rest.
    let mut files = Files::new();
    let warnings = skills::render_curated(&full, Localized { en, ru }, &mut files).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(texts(&warnings), all);
    let bots = &files["skills/cli-en/pachca-bots/SKILL.md"];
    assert!(bots.contains("recreate-token-self"), "the other override still renders");
    assert!(!bots.contains(&format!("/{removed_id}.md")) && !files.keys().any(|p| p.ends_with(&format!("/{removed_id}.md"))));
    assert!(!files.values().any(|text| text.contains("pachca bots recreate-token ")));
    let before = {
        let (en, ru) = (lower(&pinned(Lang::En)), lower(&pinned(Lang::Ru)));
        let mut files = Files::new();
        skills::render(Localized { en: &en, ru: &ru }, &mut files).unwrap_or_else(|e| panic!("{e}"));
        files
    };
    assert_eq!(files.len(), before.len() - usize::from(bot_scenarios[index].place == curated::Place::Reference) * 4, "one reference file fewer per set, if any");
    assert_eq!(files["skills/cli-en/pachca-chats/SKILL.md"], before["skills/cli-en/pachca-chats/SKILL.md"], "other skills are unchanged");
}

fn history() -> Vec<PathBuf> {
    let dir = root().join("../shared/spec/history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("openapi-") && n.ends_with(".yaml")))
        .collect();
    files.sort();
    files
}

/// The text between `prefix` (ending in a backtick) and the next backtick, when `message` starts with `prefix`.
fn between<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// The operation of a hidden alias that is its own command's name.
fn own_name_alias(warning: &CuratedWarning) -> Option<&str> {
    let id = warning.key.strip_prefix("hidden_aliases.")?.split('[').next()?;
    (warning.file == "spec/cli.yaml" && warning.message.ends_with("is the name of this operation's command in this spec; alias skipped")).then_some(id)
}

#[test]
fn older_specs_generate_with_warnings_for_what_they_lack() {
    let files = history();
    assert_eq!(files.len(), 5, "{files:?}");
    let pinned_api = lower(&pinned(Lang::En));
    let pinned_ops: BTreeSet<&str> = pinned_api.operations().map(|o| o.id.as_str()).collect();
    let pinned_tags: BTreeSet<&str> = pinned_api.services.iter().map(|s| s.tag.as_str()).collect();
    for file in &files {
        let spec = generator::load::load_file(file).unwrap_or_else(|e| panic!("{e}"));
        let api = lower(&spec);
        let ops: BTreeSet<&str> = api.operations().map(|o| o.id.as_str()).collect();
        let derived = cli_model::derive_bundled(&api).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(derived.model.commands.len(), ops.len());
        let checked = check(&api);
        let mut rendered = Files::new();
        let warnings = skills::render_curated(&curated::load().unwrap_or_else(|e| panic!("{e}")), Localized { en: &api, ru: &api }, &mut rendered)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(warnings, checked.warnings().cloned().collect::<Vec<_>>());
        let tags: BTreeSet<&str> = api.services.iter().map(|s| s.tag.as_str()).collect();
        for w in checked.warnings() {
            println!("{}: {w}", file.display());
            // In an older spec a legacy name can still be the command's name.
            if let Some(id) = own_name_alias(w) {
                let command = derived.model.by_operation(id).unwrap_or_else(|| panic!("{}: {w}", file.display()));
                assert!(w.message.starts_with(&format!("`{}` is the name", command.name())), "{}: {w}", file.display());
                assert!(command.hidden_aliases.iter().all(|a| *a != command.name()));
                continue;
            }
            // A tag renamed since: the catalogue's tag is missing, the old one is unowned.
            if let Some(tag) = between(&w.message, "the spec has no tag `") {
                assert!(!tags.contains(tag) && pinned_tags.contains(tag), "{}: {w}", file.display());
                continue;
            }
            if let Some(tag) = between(&w.message, "spec tag `") {
                assert!(tags.contains(tag) && !pinned_tags.contains(tag), "{}: {w}", file.display());
                continue;
            }
            // Prose limits that an older spec did not state yet.
            if w.key.contains(".facts[") {
                assert!(w.message.starts_with("the spec no longer says ") && w.message.ends_with("; fact skipped"), "{}: {w}", file.display());
                continue;
            }
            let id = between(&w.message, "no operation has operationId `")
                .or_else(|| w.message.rsplit_once(" in this spec; scenario skipped").and_then(|(m, _)| m.rsplit_once(" (")).and_then(|(_, id)| id.strip_suffix(')')))
                .unwrap_or_else(|| panic!("{}: a warning that names no operation: {w}", file.display()));
            if w.message.ends_with("in this spec; scenario skipped") {
                // A flag or argument the older operation lacks.
                assert!(ops.contains(id), "{}: {w}", file.display());
            } else {
                assert!(!ops.contains(id), "{}: {w}: the spec has it", file.display());
            }
            assert!(pinned_ops.contains(id), "{}: {w}: not an operation of the pinned spec either", file.display());
        }
        // Every curated entry about an operation the spec has still applies.
        for (id, name) in &cli_model::CliData::bundled().unwrap_or_else(|e| panic!("{e}")).overrides {
            if ops.contains(id.as_str()) {
                assert_eq!(derived.model.by_operation(id).map(|c| c.name()).as_deref(), Some(name.as_str()), "{}", file.display());
            }
        }
    }
}
