//! The hand-written inputs of the agent skills, in `spec/skills/`:
//!
//! * `catalogue.yaml`: shared text (install command, token hint, rate
//!   limits, generic error rows), the router skill, and one entry per skill
//!   (tags and path prefixes it owns, description, use-when and not-for
//!   phrases, bot-only, extra error rows and gotchas);
//! * `scenarios/<skill>.yaml`: step-by-step scenarios; each step names an
//!   operation by operationId and gives only its arguments;
//! * `evals/<skill>.yaml` (and `evals/pachca.yaml` for the router): trigger
//!   evals, requests as people type them, per language: ones the skill
//!   should serve and near misses that belong to a named other skill;
//!   checked by [`super::skills_check`] and shipped with every skill set as
//!   JSON in upstream's eval format.
//!
//! Every piece of prose has an `en` and a `ru` text. The files are compiled
//! in, so a change is picked up by the next build.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::coverage::{UpstreamWorkflows, UPSTREAM_FILE};
use crate::load::yaml;
use crate::pin::Lang;

/// A problem in a curated file: which file, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {message}")]
pub struct CuratedError {
    /// Relative to the workspace root (`spec/skills/catalogue.yaml`).
    pub file: String,
    /// Key path inside the file (`skills[2].not_for[0].skill`).
    pub key: String,
    pub message: String,
}

impl CuratedError {
    pub fn new(file: &str, key: impl Into<String>, message: impl Into<String>) -> Self {
        CuratedError { file: file.to_owned(), key: key.into(), message: message.into() }
    }
}

/// Text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub ru: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

/// `spec/skills/catalogue.yaml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub shared: Shared,
    pub router: Router,
    pub skills: Vec<SkillEntry>,
}

/// Text every skill uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    /// The shell command that installs the `pachca` CLI.
    pub install: String,
    /// Where to get a token.
    pub token_hint: Text,
    /// The default rate-limit line.
    pub rate_limit: Text,
    /// Error rows every skill lists.
    pub errors: Vec<ErrorRow>,
}

/// One row of an error table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRow {
    pub code: u16,
    /// Show the row even when no operation of the skill declares the status (429).
    #[serde(default)]
    pub always: bool,
    pub reason: Text,
    pub action: Text,
}

/// The router skill (`pachca`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Router {
    pub name: String,
    pub title: Text,
    pub description: Text,
}

/// One skill of the catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillEntry {
    /// `pachca-<area>`.
    pub name: String,
    pub title: Text,
    /// Spec tags whose operations belong to this skill.
    pub tags: Vec<String>,
    /// Path prefixes that claim operations regardless of their tag.
    #[serde(default)]
    pub paths: Vec<String>,
    /// What the skill does (the front matter description, before "Use when").
    pub description: Text,
    /// Phrases of requests this skill serves.
    pub use_when: Vec<Text>,
    /// Requests that look similar but belong to another skill.
    #[serde(default)]
    pub not_for: Vec<NotFor>,
    /// Only a bot token works for these endpoints.
    #[serde(default)]
    pub bot_only: bool,
    /// Ship `references/webhook-events.md` (event types, payload, signature) with this skill.
    #[serde(default)]
    pub webhook_reference: bool,
    /// Replaces the shared rate-limit line.
    #[serde(default)]
    pub rate_limit: Option<Text>,
    /// Error rows beyond the shared ones.
    #[serde(default)]
    pub errors: Vec<ErrorRow>,
    /// Pitfalls that the spec does not state.
    #[serde(default)]
    pub gotchas: Vec<Text>,
    /// Limits the spec states only in prose, each with where it says so.
    #[serde(default)]
    pub facts: Vec<Fact>,
}

/// A limit or rule the spec states only in prose (not in a schema keyword),
/// listed in the skill's Limitations with a pointer to that prose, so a spec
/// update that rewrites it shows in review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The fact as the skill states it.
    pub text: Text,
    /// JSON pointer to the spec text it comes from
    /// (`#/components/schemas/Task/properties/priority/description`).
    pub source: String,
    /// Words of the English spec text that state it; when the spec no longer
    /// says them, the fact is stale: a warning, and it is left out.
    pub quote: String,
}

/// A request this skill does not serve, and the skill that does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotFor {
    pub en: String,
    pub ru: String,
    /// The nearest alternative.
    pub skill: String,
}

/// Where a scenario is rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// In the SKILL.md itself.
    #[default]
    Inline,
    /// In `references/<id>.md`, linked from the SKILL.md.
    Reference,
}

/// A step-by-step scenario.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable slug; the reference file is `references/<id>.md`.
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub place: Place,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub note: Option<Text>,
    /// The request that does what the title says, as `METHOD /path
    /// field=value` (a body field by its dotted path, a query or form field
    /// by name, or a path parameter by its name in the template; the value
    /// may be a `<placeholder>`), or `METHOD /path` alone for a request that
    /// takes no parameters (`GET /profile`). Exactly one step of each
    /// variant makes it: generation checks what the step arguments show,
    /// the scenario test checks the requests.
    #[serde(default)]
    pub goal: Option<String>,
    /// Values of the placeholders no earlier step's `out` fills: what the
    /// user brings (a chat id, a date).
    #[serde(default)]
    pub inputs: BTreeMap<String, Scalar>,
    /// Files the steps read from the working directory (`./report.pdf`).
    #[serde(default)]
    pub files: Vec<String>,
}

/// A scenario's goal, parsed from `METHOD /path field=value` (or `METHOD /path`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Goal {
    /// `POST`.
    pub method: String,
    /// The spec's path template (`/messages/{id}/thread`).
    pub path: String,
    /// A body field by dotted path (`message.entity_type`), a query or form
    /// field by name (`user_ids[]`), or a path parameter by name (`id` of
    /// `/messages/{id}/thread`). Empty, as is `value`, when the goal is the
    /// method and path alone: a request with no parameters (`GET /profile`).
    pub field: String,
    /// The value as text; may hold `<placeholders>`.
    pub value: String,
}

impl Goal {
    /// Parses `METHOD /path field=value`, or `METHOD /path`.
    pub fn parse(text: &str) -> Result<Goal, String> {
        let expected = "expected `METHOD /path field=value` (such as `POST /messages message.entity_type=thread`), or `METHOD /path` for a request without parameters";
        let mut parts = text.splitn(3, ' ');
        let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
            return Err(format!("`{text}`: {expected}"));
        };
        let (field, value) = match parts.next() {
            None => ("", ""),
            Some(pair) => match pair.split_once('=') {
                Some((field, value)) if !field.is_empty() && !field.contains(' ') => (field, value),
                _ => return Err(format!("`{text}`: no `field=value`; {expected}")),
            },
        };
        const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        if !METHODS.contains(&method) || !path.starts_with('/') {
            return Err(format!("`{text}`: {expected}"));
        }
        Ok(Goal { method: method.to_owned(), path: path.to_owned(), field: field.to_owned(), value: value.to_owned() })
    }

    /// The goal names a field (not the method and path alone).
    pub fn has_field(&self) -> bool {
        !self.field.is_empty()
    }
}

/// A YAML scalar given as text or as an integer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Integer(i64),
    Text(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Integer(n) => write!(f, "{n}"),
            Scalar::Text(s) => f.write_str(s),
        }
    }
}

/// A step that belongs to one variant only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Only {
    /// Only in the skills written with the `pachca` CLI.
    Cli,
    /// Only in the skills written with `curl`.
    Curl,
}

/// One step: prose, and optionally an operation with its arguments.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: Text,
    /// operationId; the command, method and path are derived from it.
    #[serde(default)]
    pub op: Option<String>,
    /// Arguments of the derived command (positionals and `--flags`).
    #[serde(default)]
    pub args: Option<Args>,
    /// A hand-written command of the CLI instead of an operation: its line
    /// after `pachca` (`upload ./report.pdf`). Only in the `cli` variant.
    #[serde(default)]
    pub run: Option<Args>,
    /// The variant this step belongs to; both when absent.
    #[serde(default)]
    pub only: Option<Only>,
    /// Placeholders this step's response fills for later steps: name →
    /// dotted path in the response's data (`id`, `0.id`, `direct_url`).
    #[serde(default)]
    pub out: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<Text>,
}

impl Step {
    /// Whether the step is in the `variant` skills: a step marked `only` is
    /// in that variant alone, a `run` step (a CLI command) in the `cli` one.
    pub fn in_variant(&self, variant: Only) -> bool {
        match self.only {
            Some(only) => only == variant,
            None => self.run.is_none() || variant == Only::Cli,
        }
    }
}

/// Step arguments: the same in both languages, or per language (when they carry text).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Args {
    Same(String),
    PerLang(Text),
}

impl Args {
    /// The arguments for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Args::Same(s) => s,
            Args::PerLang(t) => t.get(lang),
        }
    }
}

/// `spec/skills/evals/<skill>.yaml`: the trigger evals of one skill (or the router).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evals {
    pub en: EvalSet,
    pub ru: EvalSet,
}

impl Evals {
    /// The evals in `lang`.
    pub fn get(&self, lang: Lang) -> &EvalSet {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }

    /// The evals in `lang`, mutably (tests change them).
    pub fn get_mut(&mut self, lang: Lang) -> &mut EvalSet {
        match lang {
            Lang::En => &mut self.en,
            Lang::Ru => &mut self.ru,
        }
    }
}

/// The eval requests of one skill in one language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSet {
    /// Requests this skill should be picked for.
    pub trigger: Vec<TriggerCase>,
    /// Requests that look like this skill's but belong to another one.
    pub near_miss: Vec<NearMiss>,
}

/// A request the skill should be picked for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerCase {
    /// As a person would type it into an agent.
    pub query: String,
    /// What it exercises (shipped as `core: <note>`).
    pub note: String,
}

/// A request the skill should not be picked for, and the skill that should.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearMiss {
    pub query: String,
    /// The skill it belongs to: another skill of the catalogue, or the router.
    pub skill: String,
    /// Why (shipped as `boundary: <skill>, not <this>: <note>`).
    pub note: String,
}

/// Everything curated, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Curated {
    pub catalogue: Catalogue,
    /// Scenarios by skill name, with the file they came from.
    pub scenarios: BTreeMap<String, (&'static str, Vec<Scenario>)>,
    /// Trigger evals by skill name (the router's too), with the file they came from.
    pub evals: BTreeMap<String, (&'static str, Evals)>,
    /// Upstream's workflows and the scenarios that do their jobs ([`super::coverage::UPSTREAM_FILE`]).
    pub upstream: UpstreamWorkflows,
}

/// The catalogue file.
pub const CATALOGUE_FILE: &str = "spec/skills/catalogue.yaml";

macro_rules! curated_files {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$((concat!("spec/skills/", $dir, "/", $name, ".yaml"), $name, include_str!(concat!("../../../spec/skills/", $dir, "/", $name, ".yaml")))),*]
    };
}

const CATALOGUE: &str = include_str!("../../../spec/skills/catalogue.yaml");

const UPSTREAM: &str = include_str!("../../../spec/skills/upstream-workflows.yaml");

/// `(file, skill, contents)` of every scenario file: one per skill of the
/// catalogue (the check says which is missing; `tests/skills.rs` that every
/// file of `spec/skills/scenarios/` is listed here).
pub const SCENARIO_FILES: &[(&str, &str, &str)] = curated_files!("scenarios":
    "pachca-chats", "pachca-messages", "pachca-bots", "pachca-users", "pachca-tasks",
    "pachca-search", "pachca-profile", "pachca-forms", "pachca-security", "pachca-oauth",
);

/// `(file, skill, contents)` of every eval file, the router's (`pachca`) last.
const EVAL_FILES: &[(&str, &str, &str)] = curated_files!("evals":
    "pachca-chats", "pachca-messages", "pachca-bots", "pachca-users", "pachca-tasks",
    "pachca-search", "pachca-profile", "pachca-forms", "pachca-security", "pachca-oauth",
    "pachca",
);

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, CuratedError> {
    yaml::from_str_keyed(text).map_err(|e| {
        let key = match (e.key.is_empty(), e.error.position) {
            (false, _) => e.key,
            (true, Some((line, column))) => format!("line {line} column {column}"),
            (true, None) => "(top level)".to_owned(),
        };
        CuratedError::new(file, key, e.error.message)
    })
}

/// Parses the bundled curated files (syntax and shape only; see
/// [`super::skills_check`] for the checks against the spec).
pub fn load() -> Result<Curated, CuratedError> {
    let catalogue: Catalogue = parse(CATALOGUE_FILE, CATALOGUE)?;
    let mut scenarios = BTreeMap::new();
    for (file, skill, text) in SCENARIO_FILES {
        let list: Vec<Scenario> = parse(file, text)?;
        scenarios.insert((*skill).to_owned(), (*file, list));
    }
    let mut evals = BTreeMap::new();
    for (file, skill, text) in EVAL_FILES {
        evals.insert((*skill).to_owned(), (*file, parse(file, text)?));
    }
    let upstream = parse(UPSTREAM_FILE, UPSTREAM)?;
    Ok(Curated { catalogue, scenarios, evals, upstream })
}
