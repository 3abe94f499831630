//! Stage 3: one [`Model`] per run, built once from the lowered API and the
//! [`Profile`], then read by every renderer. Each derived index (the SDK's
//! type shape, the CLI model) is computed here, once.

mod sdk_shape;

pub use sdk_shape::{FieldShape, TypeIndex};

use crate::cli_model::{self, CliModel};
use crate::ir::Api;
use crate::pin::Lang;
use crate::profile::Profile;

/// Everything the renderers read.
pub struct Model<'a> {
    /// The lowered API, described in [`Model::lang`].
    pub api: &'a Api,
    /// The language of `api`'s descriptions.
    pub lang: Lang,
    /// The same API described in the other language, when both were loaded
    /// (the Pachca profile's skills are written in both).
    pub other: Option<&'a Api>,
    pub profile: Profile,
    /// The SDK crate's name (kebab-case); its folder under the output directory.
    pub sdk_crate: String,
    /// The SDK's view of the type set.
    pub types: TypeIndex<'a>,
    /// The command line, in the Pachca profile.
    pub cli: Option<CliModel>,
    /// The skills' inputs, when both languages were loaded in the Pachca profile.
    pub skills: Option<SkillsInputs>,
    /// Whether the Pachca additions to the SDK (typed errors, uploads,
    /// webhooks, Prism tests, examples) apply: the Pachca profile, and the
    /// spec has every type and operation they use.
    pub sdk_additions: bool,
    /// Curated data or additions that do not match the spec, skipped: `what: why`.
    pub warnings: Vec<String>,
    /// The version of the generated crates (`spec/release.yaml`).
    pub version: crate::release::Version,
    /// `CHANGELOG.md`, when a release log was given.
    pub changelog: Option<String>,
}

/// The API lowered from each language's spec, for renderers that write text
/// in both languages. Both describe the same operations and types.
#[derive(Debug, Clone, Copy)]
pub struct Localized<'a> {
    pub en: &'a Api,
    pub ru: &'a Api,
}

impl<'a> Localized<'a> {
    /// The API described in `lang`.
    pub fn get(&self, lang: Lang) -> &'a Api {
        match lang {
            Lang::En => self.en,
            Lang::Ru => self.ru,
        }
    }
}

/// The command line of each language.
#[derive(Debug, Clone, Copy)]
pub struct LocalizedCli<'a> {
    pub en: &'a CliModel,
    pub ru: &'a CliModel,
}

/// What the agent skills need besides the API: the curated data checked
/// against the spec, and the command line in the other language.
pub struct SkillsInputs {
    pub validated: crate::curated::skills_check::Validated,
    /// [`Model::cli`] derived from [`Model::other`].
    pub other_cli: CliModel,
}

/// Building the model failed: curated data that is malformed (not merely stale).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

impl<'a> Model<'a> {
    /// Builds the model of `api` for `profile`, the SDK crate called `name`
    /// when given.
    pub fn build(api: &'a Api, lang: Lang, other: Option<&'a Api>, profile: Profile, name: Option<&str>) -> Result<Self, ModelError> {
        let sdk_crate = profile.crate_name(api, name).map_err(ModelError)?;
        let mut warnings = Vec::new();
        let mut skills = None;
        let (cli, sdk_additions) = match profile {
            Profile::Generic => (None, false),
            Profile::Pachca => {
                let missing = Profile::missing_for_additions(api);
                if !missing.is_empty() {
                    warnings.push(format!(
                        "Pachca SDK additions (typed errors, uploads, webhooks, tests, examples): skipped, the spec lacks {} (or has them outside `client.files()`)",
                        missing.join(", ")
                    ));
                }
                let derived = cli_model::derive_bundled(api).map_err(|e| ModelError(e.to_string()))?;
                warnings.extend(derived.warnings.iter().map(ToString::to_string));
                // With both languages the agent skills are rendered: their
                // curated data is checked against the English spec, once.
                if let Some(other_api) = other {
                    let other_cli = cli_model::derive_bundled(other_api).map_err(|e| ModelError(e.to_string()))?.model;
                    let (en_api, en_cli) = match lang {
                        Lang::En => (api, &derived.model),
                        Lang::Ru => (other_api, &other_cli),
                    };
                    let curated = crate::curated::skills::load().map_err(|e| ModelError(e.to_string()))?;
                    let validated =
                        crate::curated::skills_check::validate(&curated, en_api, en_cli).map_err(|e| ModelError(e.to_string()))?;
                    warnings.extend(validated.warnings.iter().map(ToString::to_string));
                    skills = Some(SkillsInputs { validated, other_cli });
                }
                (Some(derived.model), missing.is_empty())
            }
        };
        let (version, changelog) = (crate::release::INITIAL, None);
        Ok(Model { api, lang, other, profile, sdk_crate, types: TypeIndex::new(api), cli, skills, sdk_additions, warnings, version, changelog })
    }

    /// The SDK library's name in Rust paths: `pachca` in the Pachca profile
    /// whatever the package is called (its hand-written additions, tests and
    /// the CLI say `pachca::`), otherwise the crate name (`pet_store`).
    pub fn sdk_lib(&self) -> String {
        if self.profile.is_pachca() {
            crate::profile::PACHCA_CRATE.to_owned()
        } else {
            self.sdk_crate.replace('-', "_")
        }
    }

    /// The CLI crate's name: `pachca-cli`, or `<sdk>-cli` for a renamed SDK.
    pub fn cli_crate(&self) -> String {
        format!("{}-cli", self.sdk_crate)
    }

    /// `path` inside the SDK crate's folder (`pachca/src/models.rs`).
    pub fn sdk_path(&self, path: &str) -> String {
        format!("{}/{path}", self.sdk_crate)
    }

    /// Whether this is the run of the pinned spec (both languages, as
    /// `cargo xtask generate` does): the hand-written tests, examples and
    /// benchmark of the Pachca additions are written against that spec, so
    /// only its crate gets them.
    pub fn pinned_run(&self) -> bool {
        self.sdk_additions && self.other.is_some()
    }

    /// Both languages' command lines, when both were loaded.
    pub fn localized_cli(&self) -> Option<LocalizedCli<'_>> {
        let (main, other) = (self.cli.as_ref()?, &self.skills.as_ref()?.other_cli);
        Some(match self.lang {
            Lang::En => LocalizedCli { en: main, ru: other },
            Lang::Ru => LocalizedCli { en: other, ru: main },
        })
    }

    /// Both languages' APIs, when both were loaded.
    pub fn localized(&self) -> Option<Localized<'a>> {
        let other = self.other?;
        Some(match self.lang {
            Lang::En => Localized { en: self.api, ru: other },
            Lang::Ru => Localized { en: other, ru: self.api },
        })
    }
}
