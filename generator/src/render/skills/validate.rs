//! Checks of the curated data against the spec and the derived CLI; every
//! failure names the curated file and the key path.
//!
//! * skill names are unique and start with `pachca-`;
//! * every tag a skill lists exists, and every spec tag is owned by exactly
//!   one skill; every path prefix claims at least one operation;
//! * not-for entries (the nearest alternatives) name other existing skills;
//! * every catalogue skill has a scenario file; scenario ids are unique;
//! * prose (step texts, notes, gotchas) names fields, not `--flags`: it is
//!   shared by the `cli` and `curl` variants;
//! * a step's operation exists, its arguments parse against the derived
//!   command (positional count, real flags, required flags, valid values),
//!   and a `DELETE` step passes `--force` (skills run non-interactively).

use std::collections::{BTreeMap, BTreeSet};

use super::curated::{Curated, CuratedError, SkillEntry, Text, CATALOGUE_FILE};
use crate::cli_model::{CliModel, FlagSource};
use crate::ir::{Api, HttpMethod, Operation};
use crate::pin::Lang;

/// Which skill owns each operation (by operationId).
pub type Ownership = BTreeMap<String, String>;

/// The skill owning `op`: the longest matching path prefix, else the tag.
pub fn owner<'s>(skills: &'s [SkillEntry], op: &Operation) -> Option<&'s SkillEntry> {
    skills
        .iter()
        .flat_map(|s| s.paths.iter().map(move |p| (s, p)))
        .filter(|(_, p)| op.path.starts_with(p.as_str()))
        .max_by_key(|(_, p)| p.len())
        .map(|(s, _)| s)
        .or_else(|| skills.iter().find(|s| s.tags.contains(&op.tag)))
}

/// Runs every check; returns the ownership of every operation.
pub fn validate(curated: &Curated, api: &Api, cli: &CliModel) -> Result<Ownership, CuratedError> {
    let skills = &curated.catalogue.skills;
    let at = |key: String, message: String| CuratedError::new(CATALOGUE_FILE, key, message);
    let names: BTreeSet<&str> = skills.iter().map(|s| s.name.as_str()).collect();
    let spec_tags: Vec<&str> = api.services.iter().map(|s| s.tag.as_str()).collect();
    let ops: Vec<&Operation> = api.services.iter().flat_map(|s| s.operations.iter()).collect();
    let mut tag_owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, skill) in skills.iter().enumerate() {
        if !skill.name.starts_with("pachca-") || skills[..i].iter().any(|s| s.name == skill.name) {
            return Err(at(format!("skills[{i}].name"), format!("`{}` must be unique and start with `pachca-`", skill.name)));
        }
        if skill.name == curated.catalogue.router.name {
            return Err(at(format!("skills[{i}].name"), "the router's name cannot be a skill's name".to_owned()));
        }
        for (j, tag) in skill.tags.iter().enumerate() {
            if !spec_tags.contains(&tag.as_str()) {
                return Err(at(format!("skills[{i}].tags[{j}]"), format!("the spec has no tag `{tag}`; expected one of: {}", spec_tags.join(", "))));
            }
            if let Some(other) = tag_owner.insert(tag, &skill.name) {
                return Err(at(format!("skills[{i}].tags[{j}]"), format!("tag `{tag}` is already owned by `{other}`; a tag belongs to exactly one skill")));
            }
        }
        for (j, prefix) in skill.paths.iter().enumerate() {
            if !ops.iter().any(|o| o.path.starts_with(prefix.as_str())) {
                return Err(at(format!("skills[{i}].paths[{j}]"), format!("no operation's path starts with `{prefix}`")));
            }
            if skills[..i].iter().any(|s| s.paths.contains(prefix)) {
                return Err(at(format!("skills[{i}].paths[{j}]"), format!("path prefix `{prefix}` is claimed by two skills")));
            }
        }
        for (j, g) in skill.gotchas.iter().enumerate() {
            shared_prose(CATALOGUE_FILE, &format!("skills[{i}].gotchas[{j}]"), g)?;
        }
        if skill.use_when.is_empty() {
            return Err(at(format!("skills[{i}].use_when"), "list at least one request this skill serves".to_owned()));
        }
        for (j, alt) in skill.not_for.iter().enumerate() {
            if alt.skill == skill.name || !names.contains(alt.skill.as_str()) {
                return Err(at(
                    format!("skills[{i}].not_for[{j}].skill"),
                    format!("`{}` is not another skill of the catalogue; expected one of: {}", alt.skill, names.iter().copied().collect::<Vec<_>>().join(", ")),
                ));
            }
        }
    }
    for tag in &spec_tags {
        if !tag_owner.contains_key(tag) {
            return Err(at("skills".to_owned(), format!("spec tag `{tag}` is owned by no skill; add it to the `tags` of one skill")));
        }
    }
    let mut ownership = Ownership::new();
    for op in &ops {
        if let Some(skill) = owner(skills, op) {
            ownership.insert(op.id.clone(), skill.name.clone());
        }
    }
    check_scenarios(curated, cli)?;
    Ok(ownership)
}

fn check_scenarios(curated: &Curated, cli: &CliModel) -> Result<(), CuratedError> {
    for (i, skill) in curated.catalogue.skills.iter().enumerate() {
        if !curated.scenarios.contains_key(&skill.name) {
            return Err(CuratedError::new(
                CATALOGUE_FILE,
                format!("skills[{i}].name"),
                format!("`{}` has no scenario file; add spec/skills/scenarios/{}.yaml and list it in render/skills/curated.rs", skill.name, skill.name),
            ));
        }
    }
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    for (skill, (file, scenarios)) in &curated.scenarios {
        if !curated.catalogue.skills.iter().any(|s| &s.name == skill) {
            return Err(CuratedError::new(file, "(file)", format!("`{skill}` is not a skill of {CATALOGUE_FILE}")));
        }
        for (i, sc) in scenarios.iter().enumerate() {
            let key = |rest: &str| format!("[{i}] ({}){rest}", sc.id);
            if sc.id.is_empty() || !sc.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(CuratedError::new(file, key(".id"), "an id is a kebab-case slug such as `export-chat-history`"));
            }
            if let Some(other) = ids.insert(&sc.id, file) {
                return Err(CuratedError::new(file, key(".id"), format!("id `{}` is also used in {other}", sc.id)));
            }
            if sc.steps.is_empty() {
                return Err(CuratedError::new(file, key(".steps"), "a scenario needs at least one step"));
            }
            if let Some(note) = &sc.note {
                shared_prose(file, &key(".note"), note)?;
            }
            for (j, step) in sc.steps.iter().enumerate() {
                let step_key = |rest: &str| key(&format!(".steps[{j}]{rest}"));
                shared_prose(file, &step_key(".text"), &step.text)?;
                if let Some(note) = &step.note {
                    shared_prose(file, &step_key(".note"), note)?;
                }
                let Some(op) = &step.op else {
                    if step.args.is_some() {
                        return Err(CuratedError::new(file, step_key(".args"), "arguments need an `op` to belong to"));
                    }
                    continue;
                };
                let command = cli.by_operation(op).ok_or_else(|| {
                    CuratedError::new(file, step_key(".op"), format!("no operation has operationId `{op}`; expected one from the spec"))
                })?;
                for lang in [Lang::En, Lang::Ru] {
                    let args = step.args.as_ref().map_or("", |a| a.get(lang));
                    let call = command
                        .parse_args(args)
                        .map_err(|e| CuratedError::new(file, step_key(".args"), format!("{e} (in the {lang} arguments)")))?;
                    if command.method == HttpMethod::Delete && call.special(&FlagSource::Force).is_none() {
                        return Err(CuratedError::new(
                            file,
                            step_key(".args"),
                            format!("`pachca {}` deletes; add `--force`, since skills run without a terminal to confirm in", command.name()),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Prose is shared by the `cli` and `curl` variants, so it must not name CLI flags.
fn shared_prose(file: &str, key: &str, text: &Text) -> Result<(), CuratedError> {
    for (lang, t) in [(Lang::En, &text.en), (Lang::Ru, &text.ru)] {
        if let Some(at) = t.find("--").filter(|&i| t[i + 2..].starts_with(|c: char| c.is_ascii_lowercase())) {
            let flag: String = t[at..].chars().take_while(|c| !c.is_whitespace() && *c != '`').collect();
            return Err(CuratedError::new(
                file,
                key,
                format!("the {lang} text names the flag `{flag}`; prose is shared by the cli and curl variants, so name the field (`{}`)", flag.trim_start_matches('-').split('=').next().unwrap_or_default().replace('-', "_")),
            ));
        }
    }
    Ok(())
}
