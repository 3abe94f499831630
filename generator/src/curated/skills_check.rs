//! Checks of the curated data against the spec and the derived CLI; every
//! failure names the curated file and the key path.
//!
//! * skill names are unique and start with `pachca-`;
//! * a tag belongs to at most one skill, a path prefix to one skill;
//! * not-for entries (the nearest alternatives) name other existing skills;
//! * every catalogue skill has a scenario file; scenario ids are unique;
//! * a fact's quote is still in the spec's prose (else a warning, and the
//!   fact is left out);
//! * prose (step texts, notes, gotchas, facts) names fields, not `--flags`: it is
//!   shared by the `cli` and `curl` variants;
//! * a step's arguments parse against the derived command (positional
//!   count, required flags, valid values), and a `DELETE` step passes
//!   `--force` (skills run non-interactively); a `run` step names a
//!   hand-written command of the CLI;
//! * an inline scenario has at most [`MAX_INLINE_STEPS`] steps per variant;
//! * a scenario's chain (`check_chain`): its goal names an operation and
//!   one of its fields, exactly one step per variant and language sends it,
//!   every placeholder is an input or an earlier step's `out`, every input
//!   is used, each `out` path is in the step's response, and the files the
//!   steps read are its `files`;
//! * every scenario named in `spec/skills/upstream-workflows.yaml` exists
//!   ([`super::coverage::check`]);
//! * the trigger evals ([`check_evals`]): every skill and the router has a
//!   file; per language at least [`MIN_TRIGGER`] requests the skill serves
//!   and [`MIN_NEAR_MISS`] near misses, each naming another skill; every
//!   request has at least [`MIN_WORDS`] words, contains no use_when phrase
//!   of any skill (case-insensitively) and appears once per language.
//!
//! What the spec lacks is a [`CuratedWarning`], not an error, so that an
//! older spec still renders: a tag or path prefix of the catalogue that
//! names nothing in the spec is left out; a spec tag owned by no skill puts
//! its operations in no skill; a scenario whose steps name an operation, a
//! flag or a positional argument the spec lacks is left out (its other steps are still checked for
//! what does not depend on the spec, such as flags in prose).

use std::collections::{BTreeMap, BTreeSet};

use super::chain;
use super::skills::{Args, Curated, CuratedError, Goal, Only, Place, Scalar, Scenario, SkillEntry, Step, Text, CATALOGUE_FILE};
use crate::cli_model::{fixed, args, Command, CliModel, FlagKind, FlagSource};
use crate::curated::CuratedWarning;
use crate::ir::{Api, HttpMethod, MediaType, Operation, ParamLocation};
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

/// The curated data that applies to one spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// The curated data without the entries that name what the spec lacks.
    pub curated: Curated,
    /// Which skill owns each operation of the spec.
    pub ownership: Ownership,
    /// One per entry left out (or spec tag owned by no skill), in the order met.
    pub warnings: Vec<CuratedWarning>,
}

/// Runs every check against the spec `api` and its command line `cli`;
/// returns the usable subset of `curated`, the ownership of every
/// operation and the warnings.
pub fn validate(curated: &Curated, api: &Api, cli: &CliModel) -> Result<Validated, CuratedError> {
    let mut usable = curated.clone();
    let mut warnings = Vec::new();
    let warn = |key: String, message: String| CuratedWarning::new(CATALOGUE_FILE, key, message);
    let skills = &curated.catalogue.skills;
    let at = |key: String, message: String| CuratedError::new(CATALOGUE_FILE, key, message);
    let names: BTreeSet<&str> = skills.iter().map(|s| s.name.as_str()).collect();
    let spec_tags: Vec<&str> = api.services.iter().map(|s| s.tag.as_str()).collect();
    let ops: Vec<&Operation> = api.services.iter().flat_map(|s| s.operations.iter()).collect();
    let spec_prose = prose(api);
    let mut tag_owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, skill) in skills.iter().enumerate() {
        if !skill.name.starts_with("pachca-") || skills[..i].iter().any(|s| s.name == skill.name) {
            return Err(at(format!("skills[{i}].name"), format!("`{}` must be unique and start with `pachca-`", skill.name)));
        }
        if skill.name == curated.catalogue.router.name {
            return Err(at(format!("skills[{i}].name"), "the router's name cannot be a skill's name".to_owned()));
        }
        for (j, tag) in skill.tags.iter().enumerate() {
            if let Some(other) = tag_owner.insert(tag, &skill.name) {
                return Err(at(format!("skills[{i}].tags[{j}]"), format!("tag `{tag}` is already owned by `{other}`; a tag belongs to exactly one skill")));
            }
            if !spec_tags.contains(&tag.as_str()) {
                warnings.push(warn(format!("skills[{i}].tags[{j}]"), format!("the spec has no tag `{tag}`; entry skipped (the spec's tags: {})", spec_tags.join(", "))));
                usable.catalogue.skills[i].tags.retain(|t| t != tag);
            }
        }
        for (j, prefix) in skill.paths.iter().enumerate() {
            if skills[..i].iter().any(|s| s.paths.contains(prefix)) {
                return Err(at(format!("skills[{i}].paths[{j}]"), format!("path prefix `{prefix}` is claimed by two skills")));
            }
            if !ops.iter().any(|o| o.path.starts_with(prefix.as_str())) {
                warnings.push(warn(format!("skills[{i}].paths[{j}]"), format!("no operation's path starts with `{prefix}`; entry skipped")));
                usable.catalogue.skills[i].paths.retain(|p| p != prefix);
            }
        }
        for (j, g) in skill.gotchas.iter().enumerate() {
            shared_prose(CATALOGUE_FILE, &format!("skills[{i}].gotchas[{j}]"), g)?;
        }
        for (j, fact) in skill.facts.iter().enumerate() {
            shared_prose(CATALOGUE_FILE, &format!("skills[{i}].facts[{j}].text"), &fact.text)?;
            if !spec_prose.iter().any(|text| text.contains(fact.quote.as_str())) {
                warnings.push(warn(
                    format!("skills[{i}].facts[{j}]"),
                    format!("the spec no longer says \"{}\" (it did at {}); fact skipped", fact.quote, fact.source),
                ));
                usable.catalogue.skills[i].facts.retain(|f| f != fact);
            }
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
    let mut ownership = Ownership::new();
    for op in &ops {
        if let Some(skill) = owner(&usable.catalogue.skills, op) {
            ownership.insert(op.id.clone(), skill.name.clone());
        }
    }
    for tag in &spec_tags {
        if !tag_owner.contains_key(tag) {
            let left_out: Vec<&str> = ops.iter().filter(|o| o.tag == *tag && !ownership.contains_key(&o.id)).map(|o| o.id.as_str()).collect();
            warnings.push(warn(
                "skills".to_owned(),
                format!(
                    "spec tag `{tag}` is owned by no skill; its operations are in no skill ({}); add it to the `tags` of one skill",
                    if left_out.is_empty() { "none left out: path prefixes claim them".to_owned() } else { left_out.join(", ") }
                ),
            ));
        }
    }
    check_scenarios(curated, api, cli, &mut usable, &mut warnings)?;
    super::coverage::check(curated)?;
    check_evals(curated)?;
    Ok(Validated { curated: usable, ownership, warnings })
}

/// What `args` gives that `command` lacks in this spec: a `--flag` that is
/// neither the command's (or its `--no-` form) nor a global flag, or more
/// positional arguments than the command takes. Everything else about the
/// arguments is checked by parsing them.
fn lacks(command: &Command, args: &str) -> Option<String> {
    let tokens = args::tokenize(args).ok()?;
    let mut it = tokens.iter();
    let mut positionals = 0;
    while let Some(token) = it.next() {
        if let Some(body) = token.strip_prefix("--") {
            let (name, inline) = body.split_once('=').map_or((body, false), |(n, _)| (n, true));
            let takes_value = match command.flag(name) {
                Some(flag) => flag.kind != FlagKind::Bool,
                None if name.strip_prefix("no-").and_then(|n| command.flag(n)).is_some_and(|f| f.kind == FlagKind::Bool) => false,
                None => match fixed::global_flag(name) {
                    Some(global) => global.takes_value(),
                    None => return Some(format!("`--{name}` is not a flag of `pachca {}`", command.name())),
                },
            };
            if takes_value && !inline {
                it.next();
            }
        } else if token.len() > 1 && token.starts_with('-') {
            let mut chars = token[1..].chars();
            let takes_value = chars.next().and_then(fixed::global_short).is_some_and(|g| g.takes_value());
            if takes_value && chars.next().is_none() {
                it.next();
            }
        } else {
            positionals += 1;
        }
    }
    (positionals > command.positionals.len()).then(|| {
        format!("`pachca {}` takes {} positional argument(s); the step gives {positionals}", command.name(), command.positionals.len())
    })
}

fn check_scenarios(curated: &Curated, api: &Api, cli: &CliModel, usable: &mut Curated, warnings: &mut Vec<CuratedWarning>) -> Result<(), CuratedError> {
    for (i, skill) in curated.catalogue.skills.iter().enumerate() {
        if !curated.scenarios.contains_key(&skill.name) {
            return Err(CuratedError::new(
                CATALOGUE_FILE,
                format!("skills[{i}].name"),
                format!("`{}` has no scenario file; add spec/skills/scenarios/{}.yaml and list it in SCENARIO_FILES (generator/src/curated/skills.rs)", skill.name, skill.name),
            ));
        }
    }
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    for (skill, (file, scenarios)) in &curated.scenarios {
        if !curated.catalogue.skills.iter().any(|s| &s.name == skill) {
            return Err(CuratedError::new(file, "(file)", format!("`{skill}` is not a skill of {CATALOGUE_FILE}")));
        }
        let mut kept: Vec<Scenario> = Vec::with_capacity(scenarios.len());
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
            // Set once a step names what the spec lacks: the scenario is
            // left out, and the arguments of its steps are not checked.
            let mut skipped = false;
            for (j, step) in sc.steps.iter().enumerate() {
                let step_key = |rest: &str| key(&format!(".steps[{j}]{rest}"));
                shared_prose(file, &step_key(".text"), &step.text)?;
                if let Some(note) = &step.note {
                    shared_prose(file, &step_key(".note"), note)?;
                }
                if let Some(run) = &step.run {
                    check_run(file, &step_key(""), step, run, cli)?;
                    continue;
                }
                let Some(op) = &step.op else {
                    if step.args.is_some() {
                        return Err(CuratedError::new(file, step_key(".args"), "arguments need an `op` to belong to"));
                    }
                    if step.only.is_some() || !step.out.is_empty() {
                        return Err(CuratedError::new(file, step_key(""), "`only` and `out` belong to a step with an `op` or a `run`"));
                    }
                    continue;
                };
                let Some(command) = cli.by_operation(op) else {
                    warnings.push(CuratedWarning::new(file, step_key(".op"), format!("no operation has operationId `{op}`; scenario skipped")));
                    skipped = true;
                    continue;
                };
                let lacking = [Lang::En, Lang::Ru].into_iter().find_map(|lang| lacks(command, step.args.as_ref().map_or("", |a| a.get(lang))));
                if let Some(what) = lacking {
                    warnings.push(CuratedWarning::new(file, step_key(".args"), format!("{what} ({op}) in this spec; scenario skipped")));
                    skipped = true;
                    continue;
                }
                if skipped {
                    continue;
                }
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
            if sc.place == Place::Inline {
                for only in [Only::Cli, Only::Curl] {
                    let steps = sc.steps.iter().filter(|s| s.in_variant(only)).count();
                    if steps > MAX_INLINE_STEPS {
                        return Err(CuratedError::new(
                            file,
                            key(".place"),
                            format!("an inline scenario has at most {MAX_INLINE_STEPS} steps (this one has {steps} in a variant); give it `place: reference`"),
                        ));
                    }
                }
            }
            if !skipped {
                check_chain(file, &key(""), sc, api, cli)?;
                kept.push(sc.clone());
            }
        }
        if let Some((_, list)) = usable.scenarios.get_mut(skill) {
            *list = kept;
        }
    }
    Ok(())
}

/// A `run` step: a hand-written command of the CLI, in the `cli` variant only.
fn check_run(file: &str, key: &str, step: &Step, run: &Args, cli: &CliModel) -> Result<(), CuratedError> {
    if step.op.is_some() || step.args.is_some() {
        return Err(CuratedError::new(file, key, "a step has either `run` (a hand-written command) or `op` with `args`"));
    }
    if step.only == Some(Only::Curl) {
        return Err(CuratedError::new(file, format!("{key}.only"), "`run` is a command of the CLI: it cannot be `only: curl`"));
    }
    for lang in [Lang::En, Lang::Ru] {
        let line = format!("{} {}", crate::cli_model::BINARY, run.get(lang));
        match args::resolve_line(cli, &line) {
            Ok(args::Resolved::HandWritten(_)) => {}
            Ok(_) => {
                return Err(CuratedError::new(file, format!("{key}.run"), format!("`{line}` is not a hand-written command; name its operation with `op`")));
            }
            Err(e) => return Err(CuratedError::new(file, format!("{key}.run"), format!("`{line}`: {e}"))),
        }
    }
    Ok(())
}

/// The scenario test's preconditions, per variant: every `<placeholder>` of
/// a step is an input or the `out` of an earlier step; every input is used;
/// each `out` path is in the step's response; the files the steps read are
/// the scenario's `files`; the goal parses, its field is
/// one the operation takes, its value's placeholder is known, and exactly
/// one step of each variant and language sends it (as far as the arguments
/// show: a hand-written command's own requests count as sending it).
fn check_chain(file: &str, key: &str, sc: &Scenario, api: &Api, cli: &CliModel) -> Result<(), CuratedError> {
    let commands = sc.steps.iter().filter(|s| s.op.is_some() || s.run.is_some()).count();
    let Some(goal_text) = &sc.goal else {
        if commands == 0 {
            return Ok(());
        }
        return Err(CuratedError::new(
            file,
            format!("{key}.goal"),
            "a scenario with commands declares its goal: the request that does what the title says, as `METHOD /path field=value`",
        ));
    };
    let goal = Goal::parse(goal_text).map_err(|e| CuratedError::new(file, format!("{key}.goal"), e))?;
    // JSON readers in JavaScript (Prism among them) round integers beyond 2^53.
    const MAX_SAFE: i64 = (1 << 53) - 1;
    if let Some((name, _)) = sc.inputs.iter().find(|(_, v)| matches!(v, Scalar::Integer(n) if n.unsigned_abs() > MAX_SAFE as u64)) {
        return Err(CuratedError::new(file, format!("{key}.inputs.{name}"), format!("beyond 2^53 - 1 = {MAX_SAFE}: JavaScript JSON readers round it; take an id beyond 32 bits but below that")));
    }
    let goal_op = api.operations().find(|o| o.http_method.as_str() == goal.method && o.path == goal.path);
    match goal_op {
        None => {
            return Err(CuratedError::new(file, format!("{key}.goal"), format!("the spec has no operation `{} {}`", goal.method, goal.path)));
        }
        Some(op) => {
            let known = chain::fields(api, op);
            if goal.has_field() && !known.contains(&goal.field) {
                return Err(CuratedError::new(
                    file,
                    format!("{key}.goal"),
                    format!("`{}` is not a field of `{} {}`; its fields: {}", goal.field, goal.method, goal.path, known.join(", ")),
                ));
            }
            // Only a file (a multipart body) or nothing at all: the method and path are the request.
            let bare = op.params.iter().all(|p| p.location == ParamLocation::Header) && op.body.as_ref().is_none_or(|b| b.media == MediaType::Multipart);
            if !goal.has_field() && !bare {
                return Err(CuratedError::new(
                    file,
                    format!("{key}.goal"),
                    format!("`{} {}` takes parameters; name the one that tells this request apart (`field=value`; its fields: {})", goal.method, goal.path, known.join(", ")),
                ));
            }
        }
    }
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for (j, step) in sc.steps.iter().enumerate() {
        for (name, path) in &step.out {
            let at = format!("{key}.steps[{j}].out.{name}");
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                return Err(CuratedError::new(file, at, "a placeholder name is snake_case, such as `thread_id`"));
            }
            if let Some(run) = &step.run {
                let printed = hand_written_of(run, cli).map_or(&[][..], |h| h.prints);
                if !printed.contains(&path.as_str()) {
                    return Err(CuratedError::new(
                        file,
                        at,
                        format!("`pachca {}` prints {}; `{path}` is not one of them", run.get(Lang::En), if printed.is_empty() { "no fields".to_owned() } else { printed.join(", ") }),
                    ));
                }
            } else if let Some(op) = step.op.as_deref().and_then(|id| api.operations().find(|o| o.id == id)) {
                chain::response_path(api, op, path).map_err(|e| CuratedError::new(file, at, e))?;
            }
        }
    }
    // The files the steps read are the scenario's `files` (the test creates them), and no others.
    let mut read: BTreeMap<String, usize> = BTreeMap::new();
    for (j, step) in sc.steps.iter().enumerate() {
        let paths = match (&step.run, step.op.as_deref().and_then(|op| cli.by_operation(op))) {
            (Some(run), _) if hand_written_of(run, cli).is_some_and(|h| h.group == "upload") => {
                args::tokenize(run.get(Lang::En)).ok().and_then(|t| t.into_iter().skip(1).find(|a| !a.starts_with('-'))).into_iter().collect()
            }
            (None, Some(command)) => command.parse_args(step.args.as_ref().map_or("", |a| a.get(Lang::En))).map(|call| chain::files_read(&call)).unwrap_or_default(),
            _ => Vec::new(),
        };
        for path in paths.into_iter().filter(|p| p != "-") {
            read.entry(path.trim_start_matches("./").to_owned()).or_insert(j);
        }
    }
    let listed: BTreeSet<&str> = sc.files.iter().map(|f| f.trim_start_matches("./")).collect();
    if let Some((path, j)) = read.iter().find(|(p, _)| !listed.contains(p.as_str())) {
        return Err(CuratedError::new(file, format!("{key}.files"), format!("steps[{j}] reads `{path}`; list it in `files` so that the scenario test creates it")));
    }
    if let Some(extra) = listed.iter().find(|f| !read.contains_key(**f)) {
        return Err(CuratedError::new(file, format!("{key}.files"), format!("no step reads `{extra}`")));
    }
    for only in [Only::Cli, Only::Curl] {
        let variant = if only == Only::Cli { "cli" } else { "curl" };
        let mut known: BTreeSet<&str> = sc.inputs.keys().map(String::as_str).collect();
        // Per language: the steps that send the goal, and those that call its method and path.
        let mut sending: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        let mut calling: Vec<usize> = Vec::new();
        for (j, step) in sc.steps.iter().enumerate() {
            if !step.in_variant(only) {
                continue;
            }
            let step_key = format!("{key}.steps[{j}]");
            for lang in [Lang::En, Lang::Ru] {
                let text = step.args.as_ref().or(step.run.as_ref()).map_or("", |a| a.get(lang));
                for name in placeholders(text) {
                    if !known.contains(name) {
                        return Err(CuratedError::new(
                            file,
                            step_key.clone(),
                            format!("`<{name}>` is filled by no earlier step's `out` and is not one of the scenario's `inputs`"),
                        ));
                    }
                    used.insert(name);
                }
            }
            if let Some(command) = step.op.as_deref().and_then(|op| cli.by_operation(op)) {
                if command.method.as_str() == goal.method && command.path == goal.path {
                    calling.push(j);
                    for (l, lang) in [Lang::En, Lang::Ru].into_iter().enumerate() {
                        let args = step.args.as_ref().map_or("", |a| a.get(lang));
                        let sends = !goal.has_field() || command.parse_args(args).is_ok_and(|call| chain::sent(api, &call, &goal.field, only == Only::Cli).contains(&goal.value));
                        if sends {
                            sending[l].push(j);
                        }
                    }
                }
            }
            if let Some(run) = &step.run {
                // A hand-written command's requests are its own (`upload`: `POST /uploads`, then the storage).
                if hand_written_of(run, cli).is_some_and(|h| h.group == "upload") && goal.method == "POST" && (goal.path == "/uploads" || goal.path == "/direct_url") {
                    calling.push(j);
                    sending.iter_mut().for_each(|s| s.push(j));
                }
            }
            known.extend(step.out.keys().map(String::as_str));
        }
        for name in placeholders(&goal.value) {
            if !known.contains(name) {
                return Err(CuratedError::new(file, format!("{key}.goal"), format!("`<{name}>` in the goal is filled by no step and no input")));
            }
            used.insert(name);
        }
        let list = |steps: &[usize]| steps.iter().map(|j| format!("steps[{j}]")).collect::<Vec<_>>().join(", ");
        if calling.is_empty() {
            return Err(CuratedError::new(file, format!("{key}.goal"), format!("no step of the {variant} variant calls `{} {}`", goal.method, goal.path)));
        }
        for (l, lang) in [Lang::En, Lang::Ru].into_iter().enumerate() {
            match sending[l].len() {
                1 => {}
                0 => {
                    let wire = chain::wire_date_time(&goal.value);
                    let hint = if wire != goal.value { format!("; the CLI sends a date-time as `{wire}`: write the goal and the arguments so") } else { String::new() };
                    return Err(CuratedError::new(
                        file,
                        format!("{key}.goal"),
                        format!(
                            "no step of the {variant} variant sends `{}={}` ({lang} arguments); {} call `{} {}` but send another value or none (a field inside a JSON flag's value does not count){hint}",
                            goal.field, goal.value, list(&calling), goal.method, goal.path
                        ),
                    ));
                }
                _ => {
                    return Err(CuratedError::new(
                        file,
                        format!("{key}.goal"),
                        format!("{} of the {variant} variant all send `{goal_text}`; the goal must tell one request apart", list(&sending[l])),
                    ));
                }
            }
        }
    }
    if let Some(unused) = sc.inputs.keys().find(|k| !used.contains(k.as_str())) {
        return Err(CuratedError::new(file, format!("{key}.inputs.{unused}"), "no step uses this input"));
    }
    Ok(())
}

/// The hand-written command a `run` line names.
fn hand_written_of(run: &Args, cli: &CliModel) -> Option<&'static crate::cli_model::fixed::HandWritten> {
    match args::resolve_line(cli, &format!("{} {}", crate::cli_model::BINARY, run.get(Lang::En))) {
        Ok(args::Resolved::HandWritten(h)) => Some(h),
        _ => None,
    }
}

/// The `<name>` placeholders of a text, in order.
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('<').skip(1).filter_map(|rest| {
        let name = rest.split('>').next()?;
        (rest.contains('>') && !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')).then_some(name)
    })
}

/// Every description and summary of the spec, as lowered.
fn prose(api: &Api) -> Vec<&str> {
    let mut out = Vec::new();
    for def in &api.types {
        out.extend(def.description.as_deref());
        if let crate::ir::TypeKind::Struct { fields } = &def.kind {
            out.extend(fields.iter().filter_map(|f| f.description.as_deref()));
        }
    }
    for op in api.operations() {
        out.extend(op.summary.as_deref());
        out.extend(op.description.as_deref());
        out.extend(op.params.iter().filter_map(|p| p.description.as_deref()));
    }
    out
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

/// The most steps an inline scenario (in the SKILL.md itself) has; longer
/// ones go to `references/` (upstream warns likewise).
pub const MAX_INLINE_STEPS: usize = 3;

/// The fewest requests per language a skill should be picked for.
pub const MIN_TRIGGER: usize = 8;
/// The fewest near misses per language (requests of another, named skill).
pub const MIN_NEAR_MISS: usize = 8;
/// The fewest words an eval request has.
pub const MIN_WORDS: usize = 3;

/// Lowercase, with runs of whitespace as one space: the form in which
/// requests and use_when phrases are compared.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Checks the trigger evals (see the module docs). They do not depend on
/// the spec, so every problem is an error naming the eval file and key.
pub fn check_evals(curated: &Curated) -> Result<(), CuratedError> {
    let catalogue = &curated.catalogue;
    let router = catalogue.router.name.as_str();
    for (i, skill) in catalogue.skills.iter().enumerate() {
        if !curated.evals.contains_key(&skill.name) {
            return Err(CuratedError::new(
                CATALOGUE_FILE,
                format!("skills[{i}].name"),
                format!("`{}` has no eval file; add spec/skills/evals/{}.yaml and list it in curated/skills.rs", skill.name, skill.name),
            ));
        }
    }
    if !curated.evals.contains_key(router) {
        return Err(CuratedError::new(CATALOGUE_FILE, "router.name", format!("the router `{router}` has no eval file; add spec/skills/evals/{router}.yaml")));
    }
    let targets: Vec<&str> = catalogue.skills.iter().map(|s| s.name.as_str()).chain([router]).collect();
    for lang in [Lang::En, Lang::Ru] {
        // Every use_when phrase of the catalogue: (phrase, skill, key).
        let phrases: Vec<(String, &str, String)> = catalogue
            .skills
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.use_when.iter().enumerate().map(move |(j, p)| (normalized(p.get(lang)), s.name.as_str(), format!("skills[{i}].use_when[{j}]"))))
            .collect();
        // Every request seen so far in this language: normalized → (file, key).
        let mut seen: BTreeMap<String, (&str, String)> = BTreeMap::new();
        for (skill, (file, evals)) in &curated.evals {
            if !targets.contains(&skill.as_str()) {
                return Err(CuratedError::new(file, "(file)", format!("`{skill}` is neither a skill of {CATALOGUE_FILE} nor the router")));
            }
            let set = evals.get(lang);
            if set.trigger.len() < MIN_TRIGGER {
                return Err(CuratedError::new(
                    file,
                    format!("{lang}.trigger"),
                    format!("has {} requests; each language needs at least {MIN_TRIGGER} that `{skill}` should be picked for", set.trigger.len()),
                ));
            }
            if set.near_miss.len() < MIN_NEAR_MISS {
                return Err(CuratedError::new(
                    file,
                    format!("{lang}.near_miss"),
                    format!("has {} requests; each language needs at least {MIN_NEAR_MISS} near misses: requests that look like `{skill}`'s but belong to the skill named in `skill`", set.near_miss.len()),
                ));
            }
            let queries = set
                .trigger
                .iter()
                .enumerate()
                .map(|(k, c)| (format!("{lang}.trigger[{k}]"), &c.query, &c.note))
                .chain(set.near_miss.iter().enumerate().map(|(k, c)| (format!("{lang}.near_miss[{k}]"), &c.query, &c.note)));
            for (key, query, note) in queries {
                let at = |message: String| CuratedError::new(file, format!("{key}.query"), message);
                let words = query.split_whitespace().count();
                if words < MIN_WORDS {
                    return Err(at(format!("\"{query}\" has {words} word(s); a request has at least {MIN_WORDS}, as a person would type it")));
                }
                let norm = normalized(query);
                if let Some((phrase, owner, phrase_key)) = phrases.iter().find(|(p, _, _)| norm.contains(p.as_str())) {
                    return Err(at(format!(
                        "\"{query}\" contains the use_when phrase \"{phrase}\" of {owner} ({CATALOGUE_FILE}: {phrase_key}); write the request as a person would type it, not in the catalogue's words"
                    )));
                }
                if let Some((other_file, other_key)) = seen.get(&norm) {
                    return Err(at(format!("\"{query}\" is also {other_key}.query in {other_file}; a request appears once per language")));
                }
                seen.insert(norm, (file, key.clone()));
                if note.trim().is_empty() {
                    return Err(CuratedError::new(file, format!("{key}.note"), "say what the request exercises (or, for a near miss, why it belongs to the other skill)"));
                }
            }
            for (k, near) in set.near_miss.iter().enumerate() {
                if near.skill == *skill || !targets.contains(&near.skill.as_str()) {
                    return Err(CuratedError::new(
                        file,
                        format!("{lang}.near_miss[{k}].skill"),
                        format!(
                            "`{}` is not another skill; expected one of: {}",
                            near.skill,
                            targets.iter().filter(|t| **t != skill.as_str()).copied().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
