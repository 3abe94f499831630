//! Template contexts: plain, serialisable views of one skill (or the router,
//! a reference, the webhook events) in one variant and language. Every
//! sentence comes from the curated data, the spec or the templates; this
//! module only selects and arranges.

use serde::Serialize;

use super::curated::{Curated, Only, Place, Scenario, SkillEntry, Step};
use super::limits::{self, LimitsCtx, ValueNote};
use super::request::{self, FormField, RequestCtx};
use crate::cli_model::CliModel;
use crate::ir::{Api, HttpMethod, Operation, TypeKind};
use crate::pin::Lang;
use crate::render::RenderError;

/// `cli` (commands of the `pachca` CLI) or `curl` (raw HTTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    Cli,
    Curl,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Cli => "cli",
            Variant::Curl => "curl",
        }
    }
}

/// The set-wide values every template sees as `set`.
#[derive(Debug, Clone, Serialize)]
pub struct SetCtx {
    pub variant: Variant,
    pub lang: Lang,
    /// `https://api.pachca.com/api/shared/v1`.
    pub base_url: String,
    /// The shell command installing the CLI.
    pub install: String,
    pub token_hint: String,
    pub binary: &'static str,
    /// The router's name (`pachca`).
    pub router: String,
}

/// One area skill.
#[derive(Debug, Clone, Serialize)]
pub struct SkillCtx {
    pub name: String,
    pub title: String,
    /// The curated parts of the description; the template composes them.
    pub about: AboutCtx,
    pub bot_only: bool,
    pub rate_limit: String,
    pub errors: Vec<ErrorCtx>,
    pub gotchas: Vec<String>,
    /// Prose limits of the spec: the text and its JSON pointer.
    pub facts: Vec<(String, String)>,
    /// Inline scenarios.
    pub scenarios: Vec<ScenarioCtx>,
    /// Reference-placed scenarios.
    pub references: Vec<ScenarioCtx>,
    /// Whether `references/webhook-events.md` belongs to this skill.
    pub webhook_reference: bool,
    pub limits: LimitsCtx,
    pub endpoints: Vec<EndpointCtx>,
    /// The command to show `--help` on: the first `list`, else the first one.
    pub help_command: String,
    /// The request that checks a token (`GET /oauth/token/info`).
    pub token_check: Option<RequestCtx>,
}

/// The curated description parts of a skill.
#[derive(Debug, Clone, Serialize)]
pub struct AboutCtx {
    pub text: String,
    pub use_when: Vec<String>,
    /// `[phrase, skill]`.
    pub not_for: Vec<[String; 2]>,
}

/// One row of the error table.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorCtx {
    pub code: u16,
    pub reason: String,
    pub action: String,
}

/// A scenario in one language and variant.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioCtx {
    pub id: String,
    pub title: String,
    pub steps: Vec<StepCtx>,
    pub note: Option<String>,
    /// The skill it belongs to.
    pub skill: String,
}

/// One step: prose, and the command or request when it names an operation.
#[derive(Debug, Clone, Serialize)]
pub struct StepCtx {
    pub text: String,
    pub note: Option<String>,
    /// The `pachca ...` line.
    pub cli: Option<String>,
    /// The same call as an HTTP request.
    pub http: Option<RequestCtx>,
}

/// One operation of a skill.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointCtx {
    /// `group action`.
    pub command: String,
    /// Required positional names.
    pub positionals: Vec<String>,
    /// Required flag names (without dashes).
    pub required: Vec<String>,
    /// A `DELETE`: the CLI needs `--force` without a terminal.
    pub force: bool,
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub scope: Option<String>,
    pub plan: Option<String>,
    pub auth: bool,
    pub paginated: bool,
    /// The smallest valid JSON body, pretty-printed.
    pub body_example: Option<String>,
    /// Multipart fields.
    pub form: Vec<FormField>,
}

/// The router skill.
#[derive(Debug, Clone, Serialize)]
pub struct RouterCtx {
    pub name: String,
    pub title: String,
    pub description: String,
    pub routes: Vec<RouteCtx>,
}

/// One row of the router's table.
#[derive(Debug, Clone, Serialize)]
pub struct RouteCtx {
    pub skill: String,
    pub title: String,
    /// The first few use-when phrases.
    pub phrases: Vec<String>,
    pub bot_only: bool,
}

/// The webhook events reference.
#[derive(Debug, Clone, Serialize)]
pub struct WebhooksCtx {
    pub events: Vec<EventCtx>,
    /// A full message event, pretty-printed.
    pub example: String,
    /// The Rust enum of payloads (`WebhookPayloadUnion`).
    pub union_name: String,
}

/// One kind of webhook payload.
#[derive(Debug, Clone, Serialize)]
pub struct EventCtx {
    /// The `type` value.
    pub kind: String,
    /// The `event` values.
    pub events: Vec<ValueNote>,
    pub description: Option<String>,
    /// The variant of the payload enum in the SDK.
    pub variant: String,
    /// The payload type's name in the SDK.
    pub type_name: String,
}

/// Inputs shared while building one set.
pub struct Builder<'a> {
    pub api: &'a Api,
    pub cli: &'a CliModel,
    pub curated: &'a Curated,
    pub ownership: &'a super::validate::Ownership,
    pub variant: Variant,
    pub lang: Lang,
    pub base_url: String,
}

/// The operation that checks a token.
const TOKEN_INFO: &str = "OAuthOperations_getTokenInfo";
/// The payload union of webhooks.
const WEBHOOK_UNION: &str = "WebhookPayloadUnion";

impl Builder<'_> {
    fn fail(&self, message: String) -> RenderError {
        RenderError { artifact: format!("skills/{}-{}", self.variant.as_str(), self.lang), message }
    }

    /// The set-wide context.
    pub fn set(&self) -> SetCtx {
        let shared = &self.curated.catalogue.shared;
        SetCtx {
            variant: self.variant,
            lang: self.lang,
            base_url: self.base_url.clone(),
            install: shared.install.clone(),
            token_hint: shared.token_hint.get(self.lang).to_owned(),
            binary: crate::cli_model::BINARY,
            router: self.curated.catalogue.router.name.clone(),
        }
    }

    /// The operations a skill owns: by the order of its tags in the
    /// catalogue (operations claimed by path last), then in spec order.
    pub fn operations(&self, skill: &str) -> Vec<&Operation> {
        let tags = self.curated.catalogue.skills.iter().find(|s| s.name == skill).map(|s| s.tags.as_slice()).unwrap_or_default();
        let mut ops: Vec<&Operation> = self
            .api
            .services
            .iter()
            .flat_map(|s| s.operations.iter())
            .filter(|o| self.ownership.get(&o.id).is_some_and(|s| s == skill))
            .collect();
        ops.sort_by_key(|o| tags.iter().position(|t| *t == o.tag).unwrap_or(tags.len()));
        ops
    }

    /// The context of one area skill.
    pub fn skill(&self, entry: &SkillEntry) -> Result<SkillCtx, RenderError> {
        let lang = self.lang;
        let shared = &self.curated.catalogue.shared;
        let ops = self.operations(&entry.name);
        let declared = |code: u16| ops.iter().any(|o| o.errors.iter().any(|e| e.status == code));
        let mut errors: Vec<ErrorCtx> = shared
            .errors
            .iter()
            .filter(|e| e.always || declared(e.code))
            .chain(entry.errors.iter())
            .map(|e| ErrorCtx { code: e.code, reason: e.reason.get(lang).to_owned(), action: e.action.get(lang).to_owned() })
            .collect();
        errors.sort_by_key(|e| e.code);
        let scenarios = self.curated.scenarios.get(&entry.name).map(|(_, s)| s.as_slice()).unwrap_or_default();
        let mut inline = Vec::new();
        let mut references = Vec::new();
        for sc in scenarios {
            let ctx = self.scenario(&entry.name, sc)?;
            match sc.place {
                Place::Inline => inline.push(ctx),
                Place::Reference => references.push(ctx),
            }
        }
        let endpoints: Vec<EndpointCtx> = ops.iter().filter_map(|op| self.endpoint(op)).collect();
        let token_check = match self.cli.by_operation(TOKEN_INFO) {
            Some(c) => {
                let call = c.parse_args("").map_err(|e| self.fail(e.0))?;
                Some(request::request(self.api, &self.base_url, &call))
            }
            None => None,
        };
        Ok(SkillCtx {
            name: entry.name.clone(),
            title: entry.title.get(lang).to_owned(),
            about: about(entry, lang),
            bot_only: entry.bot_only,
            rate_limit: entry.rate_limit.as_ref().unwrap_or(&shared.rate_limit).get(lang).to_owned(),
            errors,
            gotchas: entry.gotchas.iter().map(|g| g.get(lang).to_owned()).collect(),
            facts: entry.facts.iter().map(|f| (f.text.get(lang).to_owned(), f.source.clone())).collect(),
            scenarios: inline,
            references,
            webhook_reference: entry.webhook_reference,
            limits: limits::collect(self.api, self.cli, &ops),
            help_command: endpoints
                .iter()
                .find(|e| e.command.ends_with(" list"))
                .or(endpoints.first())
                .map(|e| e.command.clone())
                .unwrap_or_default(),
            endpoints,
            token_check,
        })
    }

    fn endpoint(&self, op: &Operation) -> Option<EndpointCtx> {
        let command = self.cli.by_operation(&op.id)?;
        Some(EndpointCtx {
            command: command.name(),
            positionals: command.positionals.iter().filter(|p| p.required).map(|p| p.name.clone()).collect(),
            required: command.required_flags().map(|f| f.name.clone()).collect(),
            // Not a redirect's `--force`: that one replaces a `--save` file.
            force: op.http_method == HttpMethod::Delete && command.flag("force").is_some(),
            method: op.http_method.as_str(),
            path: op.path.clone(),
            summary: op.summary.clone().unwrap_or_default(),
            scope: op.auth.scope.clone(),
            plan: op.auth.plan.clone(),
            auth: op.auth.required,
            paginated: op.pagination.is_some(),
            body_example: request::body_example(self.api, op),
            form: request::form_fields(self.api, op),
        })
    }

    /// A scenario in this set's language and variant.
    pub fn scenario(&self, skill: &str, sc: &Scenario) -> Result<ScenarioCtx, RenderError> {
        let lang = self.lang;
        let mut steps = Vec::new();
        for step in sc.steps.iter().filter(|s| in_variant(s, self.variant)) {
            if let Some(run) = &step.run {
                let cli = Some(format!("{} {}", crate::cli_model::BINARY, run.get(lang).trim()));
                steps.push(StepCtx { text: step.text.get(lang).to_owned(), note: step.note.as_ref().map(|n| n.get(lang).to_owned()), cli, http: None });
                continue;
            }
            let (cli, http) = match &step.op {
                Some(op) => {
                    let command = self.cli.by_operation(op).ok_or_else(|| self.fail(format!("unknown operation `{op}`")))?;
                    let args = step.args.as_ref().map_or("", |a| a.get(lang));
                    let call = command.parse_args(args).map_err(|e| self.fail(format!("scenario `{}`: {e}", sc.id)))?;
                    (Some(request::cli_line(&call, args)), Some(request::request(self.api, &self.base_url, &call)))
                }
                None => (None, None),
            };
            steps.push(StepCtx { text: step.text.get(lang).to_owned(), note: step.note.as_ref().map(|n| n.get(lang).to_owned()), cli, http });
        }
        Ok(ScenarioCtx {
            id: sc.id.clone(),
            title: sc.title.get(lang).to_owned(),
            steps,
            note: sc.note.as_ref().map(|n| n.get(lang).to_owned()),
            skill: skill.to_owned(),
        })
    }

    /// The router's context.
    pub fn router(&self, description: String) -> RouterCtx {
        let cat = &self.curated.catalogue;
        RouterCtx {
            name: cat.router.name.clone(),
            title: cat.router.title.get(self.lang).to_owned(),
            description,
            routes: cat
                .skills
                .iter()
                .map(|s| RouteCtx {
                    skill: s.name.clone(),
                    title: s.title.get(self.lang).to_owned(),
                    phrases: s.use_when.iter().take(4).map(|p| p.get(self.lang).to_owned()).collect(),
                    bot_only: s.bot_only,
                })
                .collect(),
        }
    }

    /// The webhook events reference, from the payload union of the spec.
    pub fn webhooks(&self) -> Result<WebhooksCtx, RenderError> {
        let def = self.api.types.iter().find(|t| t.name == WEBHOOK_UNION).ok_or_else(|| self.fail(format!("the spec has no `{WEBHOOK_UNION}`")))?;
        let TypeKind::Union(union) = &def.kind else { return Err(self.fail(format!("`{WEBHOOK_UNION}` is not a union"))) };
        let mut events = Vec::new();
        for v in &union.variants {
            let Some(name) = v.ty.as_named() else { continue };
            let Some(payload) = self.api.types.iter().find(|t| t.name == name) else { continue };
            let TypeKind::Struct { fields } = &payload.kind else { continue };
            let event_values = fields
                .iter()
                .find(|f| f.name == "event")
                .and_then(|f| f.ty.as_named())
                .and_then(|n| self.api.types.iter().find(|t| t.name == n))
                .map(|t| match &t.kind {
                    TypeKind::Enum { values, .. } => {
                        values.iter().map(|v| ValueNote { value: v.value.clone(), description: v.description.clone() }).collect()
                    }
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            events.push(EventCtx {
                kind: v.tags.get("type").cloned().unwrap_or_default(),
                events: event_values,
                description: payload.description.clone(),
                variant: v.variant.clone(),
                type_name: payload.name.clone(),
            });
        }
        let first = union.variants.first().and_then(|v| v.ty.as_named()).unwrap_or_default();
        let example = request::type_example(self.api, first, true);
        Ok(WebhooksCtx {
            events,
            example: serde_json::to_string_pretty(&example).map_err(|e| self.fail(e.to_string()))?,
            union_name: WEBHOOK_UNION.to_owned(),
        })
    }
}

/// Whether a step belongs to `variant`: `only` says so, and a `run` step
/// (a hand-written CLI command) is the `cli` variant's.
pub fn in_variant(step: &Step, variant: Variant) -> bool {
    step.in_variant(match variant {
        Variant::Cli => Only::Cli,
        Variant::Curl => Only::Curl,
    })
}

/// The curated description parts in `lang`.
pub fn about(entry: &SkillEntry, lang: Lang) -> AboutCtx {
    AboutCtx {
        text: entry.description.get(lang).to_owned(),
        use_when: entry.use_when.iter().map(|p| p.get(lang).to_owned()).collect(),
        not_for: entry.not_for.iter().map(|n| [if lang == Lang::En { n.en.clone() } else { n.ru.clone() }, n.skill.clone()]).collect(),
    }
}
