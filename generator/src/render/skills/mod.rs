//! Agent skills: one `SKILL.md` per API area, a router skill, reference
//! files for longer scenarios, the webhook events reference and an index,
//! for each variant (`cli`: commands of the `pachca` CLI; `curl`: raw HTTP)
//! and language in [`SETS`].
//!
//! Inputs: the IR of both languages (endpoints, summaries, scopes, plans,
//! pagination, enum values with descriptions, limits, examples), the CLI
//! model (command names and flags) and the curated data in `spec/skills/`
//! ([`curated`]), checked by [`validate`]: entries naming what the spec
//! lacks are skipped with a [`CuratedWarning`] ([`check`], [`render_warned`]). All text goes through the
//! minijinja templates in `templates/skills/`.
//!
//! Output, under `skills/<variant>-<lang>/`:
//! `pachca/SKILL.md` (router), `pachca-<area>/SKILL.md`,
//! `pachca-<area>/references/<scenario>.md`,
//! `pachca-bots/references/webhook-events.md`, `index.json`, `skill.json`,
//! and the evals in upstream's format and places: `evals/trigger/<skill>.json`
//! (`[{query, should_trigger, note}]`, one per skill and the router) and
//! `evals/routing/pachca-routing.json` (`[{query, expected_skill, note}]`:
//! every eval request of the language, with the skill that should get it).

pub mod cli_check;
/// The curated data and its check live in [`crate::curated`]; these names
/// keep the skills renderer's paths.
pub use crate::curated::skills as curated;
pub use crate::curated::skills_check as validate;
mod context;
mod limits;
mod request;
pub mod scenario_plan;
mod templates;

use std::collections::BTreeMap;

use minijinja::{context, Environment};
use serde::Serialize;

use self::context::Builder;
pub use self::context::Variant;
use self::curated::{CuratedError, CATALOGUE_FILE};
use super::{Files, Localized, RenderError};
use crate::cli_model::{self, CliError};
use crate::curated::CuratedWarning;
use crate::ir::Api;
use crate::pin::Lang;

/// Where the skills go inside `generated/`.
pub const SKILLS_DIR: &str = "skills";

/// The longest a front matter description may be.
pub const MAX_DESCRIPTION: usize = 1024;

/// The variant × language sets that are generated.
pub const SETS: &[(Variant, Lang)] = &[(Variant::Cli, Lang::En), (Variant::Cli, Lang::Ru), (Variant::Curl, Lang::En), (Variant::Curl, Lang::Ru)];

fn curated_error(e: CuratedError) -> RenderError {
    RenderError { artifact: SKILLS_DIR.to_owned(), message: e.to_string() }
}

fn cli_error(e: CliError) -> RenderError {
    RenderError { artifact: SKILLS_DIR.to_owned(), message: e.to_string() }
}

fn template_error(artifact: &str) -> impl Fn(minijinja::Error) -> RenderError + '_ {
    move |e| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        RenderError { artifact: artifact.to_owned(), message }
    }
}

/// The directory of a set (`cli-en`).
pub fn set_dir(variant: Variant, lang: Lang) -> String {
    format!("{}-{lang}", variant.as_str())
}

/// Renders every skill set into `files` from the bundled curated data,
/// dropping the warnings; see [`render_warned`].
pub fn render(apis: Localized<'_>, files: &mut Files) -> Result<(), RenderError> {
    render_warned(apis, files).map(drop)
}

/// [`render`], returning the curated entries that were skipped because the
/// spec lacks what they name (see [`check`]).
pub fn render_warned(apis: Localized<'_>, files: &mut Files) -> Result<Vec<CuratedWarning>, RenderError> {
    render_curated(&curated::load().map_err(curated_error)?, apis, files)
}

/// The curated data checked against one spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The spec's command line; its `warnings` are about `spec/cli.yaml`.
    pub cli: cli_model::Derived,
    /// The usable skills data, ownership, and warnings about `spec/skills/`.
    pub skills: validate::Validated,
}

impl Checked {
    /// Every warning: `spec/cli.yaml` first, then `spec/skills/`.
    pub fn warnings(&self) -> impl Iterator<Item = &CuratedWarning> {
        self.cli.warnings.iter().chain(&self.skills.warnings)
    }
}

/// Checks curated skills data against `api`: derives its command line
/// (from the bundled `spec/cli.yaml`) and runs [`validate::validate`]. An
/// entry naming an operation, tag, path or flag `api` lacks is left out of
/// the result with a warning; malformed data is an error.
pub fn check(curated: &curated::Curated, api: &Api) -> Result<Checked, RenderError> {
    let cli = cli_model::derive_bundled(api).map_err(cli_error)?;
    let skills = validate::validate(curated, api, &cli.model).map_err(curated_error)?;
    Ok(Checked { cli, skills })
}

/// Renders every skill set from the given curated data (tests use this to
/// check the validation errors); returns the warnings of [`check`] against
/// the English spec (the Russian one has the same structure).
pub fn render_curated(curated: &curated::Curated, apis: Localized<'_>, files: &mut Files) -> Result<Vec<CuratedWarning>, RenderError> {
    let checked = check(curated, apis.en)?;
    let ru = cli_model::derive_bundled(apis.ru).map_err(cli_error)?.model;
    render_checked(apis, Localized2 { en: &checked.cli.model, ru: &ru }, &checked.skills, &crate::release::INITIAL.to_string(), files)?;
    Ok(checked.warnings().cloned().collect())
}

pub use crate::model::LocalizedCli as Localized2;

/// Renders every skill set from curated data already checked against the
/// English spec ([`validate::validate`]), with each language's command line
/// derived once by the caller; `version` is the CLI crate's, which carries them (their `skill.json`).
pub fn render_checked(apis: Localized<'_>, clis: Localized2<'_>, skills: &validate::Validated, version: &str, files: &mut Files) -> Result<(), RenderError> {
    let env = templates::environment()?;
    let curated = &skills.curated;
    // The UI strings, parsed once per language.
    let strings = Strings { en: templates::strings(Lang::En)?, ru: templates::strings(Lang::Ru)? };
    let descriptions = descriptions(&env, curated, &strings)?;
    let mut plans = Vec::new();
    for &(variant, lang) in SETS {
        let builder = builder(apis, clis, skills, variant, lang);
        render_set(&env, &builder, strings.get(lang), &descriptions, version, files)?;
        plans.push(scenario_plan::set_plan(&builder, files)?);
    }
    scenario_plan::render(&plans, files)?;
    cli_check::render(clis.en, files)
}

/// What renders one set: the language's spec and command line, the checked curated data.
fn builder<'a>(apis: Localized<'a>, clis: Localized2<'a>, skills: &'a validate::Validated, variant: Variant, lang: Lang) -> Builder<'a> {
    let api = apis.get(lang);
    Builder {
        api,
        cli: match lang {
            Lang::En => clis.en,
            Lang::Ru => clis.ru,
        },
        curated: &skills.curated,
        ownership: &skills.ownership,
        variant,
        lang,
        base_url: api.servers.first().map(|s| s.url.clone()).unwrap_or_default(),
    }
}

/// `strings.yaml` in each language.
struct Strings {
    en: BTreeMap<String, String>,
    ru: BTreeMap<String, String>,
}

impl Strings {
    fn get(&self, lang: Lang) -> &BTreeMap<String, String> {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

/// The composed description of every skill and the router, by `(name, lang)`;
/// each checked against [`MAX_DESCRIPTION`].
fn descriptions(
    env: &Environment<'_>,
    curated: &curated::Curated,
    strings: &Strings,
) -> Result<BTreeMap<(String, Lang), String>, RenderError> {
    let template = env.get_template("description.j2").map_err(template_error("description.j2"))?;
    let mut out = BTreeMap::new();
    for lang in [Lang::En, Lang::Ru] {
        let t = strings.get(lang);
        for (i, skill) in curated.catalogue.skills.iter().enumerate() {
            let text = template
                .render(context! { t => t, about => context::about(skill, lang) })
                .map_err(template_error("description.j2"))?;
            let text = text.trim().to_owned();
            let len = text.chars().count();
            if len > MAX_DESCRIPTION {
                return Err(curated_error(CuratedError::new(
                    CATALOGUE_FILE,
                    format!("skills[{i}].description"),
                    format!("the composed {lang} description (description, Use when, NOT for) is {len} characters; the limit is {MAX_DESCRIPTION}"),
                )));
            }
            out.insert((skill.name.clone(), lang), text);
        }
        let router = &curated.catalogue.router;
        let text = router.description.get(lang).trim().to_owned();
        if text.chars().count() > MAX_DESCRIPTION {
            return Err(curated_error(CuratedError::new(CATALOGUE_FILE, "router.description", format!("is longer than {MAX_DESCRIPTION} characters in {lang}"))));
        }
        out.insert((router.name.clone(), lang), text);
    }
    Ok(out)
}

/// One entry of `index.json`.
#[derive(Serialize)]
struct IndexEntry {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    url: String,
    digest: String,
}

fn render_set(
    env: &Environment<'_>,
    b: &Builder<'_>,
    t: &BTreeMap<String, String>,
    descriptions: &BTreeMap<(String, Lang), String>,
    version: &str,
    files: &mut Files,
) -> Result<(), RenderError> {
    let dir = format!("{SKILLS_DIR}/{}", set_dir(b.variant, b.lang));
    // Converted to template values once, not once per page.
    let set = minijinja::Value::from_serialize(b.set());
    let t = minijinja::Value::from_serialize(t);
    let render = |name: &str, path: &str, ctx: minijinja::Value| -> Result<String, RenderError> {
        env.get_template(name).and_then(|tpl| tpl.render(ctx)).map_err(template_error(path))
    };
    let mut index = Vec::new();
    let describe = |name: &str| descriptions.get(&(name.to_owned(), b.lang)).cloned().unwrap_or_default();

    let router_name = b.curated.catalogue.router.name.clone();
    let router_path = format!("{dir}/{router_name}/SKILL.md");
    let router = b.router(describe(&router_name));
    // Show `--help` on the first command of the first skill.
    let first = b.curated.catalogue.skills.first().and_then(|s| b.operations(&s.name).first().and_then(|op| b.cli.by_operation(&op.id)));
    let (help_command, help_group) = (first.map(|c| c.name()).unwrap_or_default(), first.map(|c| c.group.clone()).unwrap_or_default());
    let ctx = context! { set => &set, t => &t, router => &router, help_command, help_group, bot_only => false };
    let text = render("router.md.j2", &router_path, ctx)?;
    index.push(index_entry(&router_name, describe(&router_name), &text));
    files.insert(router_path, text);

    for entry in &b.curated.catalogue.skills {
        let skill = b.skill(entry)?;
        let path = format!("{dir}/{}/SKILL.md", skill.name);
        let description = describe(&skill.name);
        let ctx = context! {
            set => &set, t => &t, skill => &skill, description => &description,
            help_command => &skill.help_command, bot_only => skill.bot_only,
        };
        let text = render("SKILL.md.j2", &path, ctx)?;
        index.push(index_entry(&skill.name, description, &text));
        files.insert(path, text);
        for sc in &skill.references {
            let path = format!("{dir}/{}/references/{}.md", skill.name, sc.id);
            let text = render("reference.md.j2", &path, context! { set => &set, t => &t, scenario => sc })?;
            files.insert(path, text);
        }
        if skill.webhook_reference {
            let path = format!("{dir}/{}/references/webhook-events.md", skill.name);
            let webhooks = b.webhooks()?;
            let text = render("webhook-events.md.j2", &path, context! { set => &set, t => &t, webhooks => &webhooks, skill => &skill })?;
            files.insert(path, text);
        }
    }
    let index = serde_json::json!({
        "$schema": "https://schemas.agentskills.io/discovery/0.2.0/schema.json",
        "skills": index,
    });
    let text = serde_json::to_string_pretty(&index).map_err(|e| RenderError { artifact: format!("{dir}/index.json"), message: e.to_string() })?;
    files.insert(format!("{dir}/index.json"), text + "\n");
    for (path, text) in eval_files(b.curated, b.lang) {
        files.insert(format!("{dir}/{path}"), text);
    }
    let manifest = manifest(&router_name, version, &describe(&router_name));
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| RenderError { artifact: format!("{dir}/skill.json"), message: e.to_string() })?;
    files.insert(format!("{dir}/{MANIFEST_FILE}"), text + "\n");
    Ok(())
}

/// Where a set's trigger evals go: `evals/trigger/<skill>.json`.
pub const TRIGGER_EVALS_DIR: &str = "evals/trigger";

/// A set's routing evals, named after the router (`pachca-routing.json`).
pub fn routing_evals_file(router: &str) -> String {
    format!("evals/routing/{router}-routing.json")
}

/// One case of a trigger eval (upstream's format).
#[derive(Serialize)]
struct TriggerEval<'a> {
    query: &'a str,
    should_trigger: bool,
    note: String,
}

/// One case of the routing eval (upstream's format).
#[derive(Serialize)]
struct RoutingEval<'a> {
    query: &'a str,
    expected_skill: &'a str,
    note: String,
}

fn pretty_json(value: &impl Serialize) -> String {
    // Serializing these plain structs cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// The eval files of one language, as `(path inside the set, JSON)`: one
/// trigger file per skill (catalogue order, the router last) and the
/// routing file with every request labelled with the skill that should get it.
fn eval_files(curated: &curated::Curated, lang: Lang) -> Vec<(String, String)> {
    let router = curated.catalogue.router.name.as_str();
    let names = curated.catalogue.skills.iter().map(|s| s.name.as_str()).chain([router]);
    let mut out = Vec::new();
    let mut routing = Vec::new();
    for name in names {
        let Some((_, evals)) = curated.evals.get(name) else { continue };
        let set = evals.get(lang);
        let mut trigger = Vec::new();
        for case in &set.trigger {
            let note = format!("core: {}", case.note);
            routing.push(RoutingEval { query: &case.query, expected_skill: name, note: note.clone() });
            trigger.push(TriggerEval { query: &case.query, should_trigger: true, note });
        }
        for case in &set.near_miss {
            let note = format!("boundary: {}, not {name}: {}", case.skill, case.note);
            routing.push(RoutingEval { query: &case.query, expected_skill: &case.skill, note: note.clone() });
            trigger.push(TriggerEval { query: &case.query, should_trigger: false, note });
        }
        out.push((format!("{TRIGGER_EVALS_DIR}/{name}.json"), pretty_json(&trigger)));
    }
    out.push((routing_evals_file(router), pretty_json(&routing)));
    out
}

/// The manifest of a set of skills, beside `index.json`.
pub const MANIFEST_FILE: &str = "skill.json";

/// The agent tools the skills are laid out for, as upstream lists them.
pub const PLATFORMS: [&str; 4] = ["claude-code", "cursor", "codex", "gemini-cli"];

/// `skill.json` in the fields upstream ships: the router's name and
/// description, the version of the CLI crate that carries the skills
/// (`pachca skills install`), the category and platforms, and the
/// crates' license. `author`, `homepage` and `repository` are the
/// publisher's to add (see the README's placeholders).
fn manifest(name: &str, version: &str, description: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "version": version,
        "description": description,
        "category": "communication",
        "platforms": PLATFORMS,
        "license": "MIT OR Apache-2.0",
    })
}

fn index_entry(name: &str, description: String, skill_md: &str) -> IndexEntry {
    IndexEntry {
        name: name.to_owned(),
        kind: "skill-md",
        description,
        url: format!("{name}/SKILL.md"),
        digest: format!("sha256:{}", crate::pin::sha256_hex(skill_md.as_bytes())),
    }
}

/// The CLI's `pachca guide` data: every scenario of every skill, in both
/// languages, with the same command lines as the skills (index 0 English,
/// 1 Russian), as `GuideScenario` literals of `cli_spec`: `(english, russian)` tuples.
pub fn guide(apis: Localized<'_>, clis: Localized2<'_>, skills: &validate::Validated) -> Result<Vec<crate::render::rust::literal::Lit>, RenderError> {
    use crate::render::rust::literal::Lit;
    let curated = &skills.curated;
    let (en, ru) = (builder(apis, clis, skills, Variant::Cli, Lang::En), builder(apis, clis, skills, Variant::Cli, Lang::Ru));
    let pair = |a: &str, b: &str| Lit::Call(String::new(), vec![Lit::str(a), Lit::str(b)]);
    let opt_pair = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) => Lit::Call("Some".to_owned(), vec![pair(a, b)]),
        _ => Lit::raw("None"),
    };
    let mut out = Vec::new();
    for (skill, (_, scenarios)) in &curated.scenarios {
        for sc in scenarios {
            let (e, r) = (en.scenario(skill, sc)?, ru.scenario(skill, sc)?);
            let steps = e
                .steps
                .iter()
                .zip(&r.steps)
                .map(|(se, sr)| {
                    Lit::Struct(
                        "GuideStep",
                        vec![
                            ("text", pair(&se.text, &sr.text)),
                            ("command", opt_pair(se.cli.as_deref(), sr.cli.as_deref())),
                            ("note", opt_pair(se.note.as_deref(), sr.note.as_deref())),
                        ],
                    )
                })
                .collect();
            out.push(Lit::Struct(
                "GuideScenario",
                vec![
                    ("id", Lit::str(&sc.id)),
                    ("skill", Lit::str(skill)),
                    ("title", pair(&e.title, &r.title)),
                    ("steps", Lit::Slice(steps)),
                    ("note", opt_pair(e.note.as_deref(), r.note.as_deref())),
                ],
            ));
        }
    }
    Ok(out)
}
