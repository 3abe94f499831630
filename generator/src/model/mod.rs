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
    /// Whether the Pachca additions to the SDK (typed errors, uploads,
    /// webhooks, Prism tests, examples) apply: the Pachca profile, and the
    /// spec has every type and operation they use.
    pub sdk_additions: bool,
    /// Curated data or additions that do not match the spec, skipped: `what: why`.
    pub warnings: Vec<String>,
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
                // curated data must match the spec too.
                if other.is_some() {
                    let en = if lang == Lang::En { api } else { other.unwrap_or(api) };
                    let curated = crate::render::skills::curated::load().map_err(|e| ModelError(e.to_string()))?;
                    let en_cli = if lang == Lang::En {
                        None
                    } else {
                        Some(cli_model::derive_bundled(en).map_err(|e| ModelError(e.to_string()))?.model)
                    };
                    let validated = crate::render::skills::validate::validate(&curated, en, en_cli.as_ref().unwrap_or(&derived.model))
                        .map_err(|e| ModelError(e.to_string()))?;
                    warnings.extend(validated.warnings.iter().map(ToString::to_string));
                }
                (Some(derived.model), missing.is_empty())
            }
        };
        Ok(Model { api, lang, other, profile, sdk_crate, types: TypeIndex::new(api), cli, sdk_additions, warnings })
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

    /// `path` inside the CLI crate's folder.
    pub fn cli_path(&self, path: &str) -> String {
        format!("{}/{path}", self.cli_crate())
    }

    /// Whether this is the run of the pinned spec (both languages, as
    /// `cargo xtask generate` does): the hand-written tests, examples and
    /// benchmark of the Pachca additions are written against that spec, so
    /// only its crate gets them.
    pub fn pinned_run(&self) -> bool {
        self.sdk_additions && self.other.is_some()
    }

    /// Both languages' APIs, when both were loaded.
    pub fn localized(&self) -> Option<crate::render::Localized<'a>> {
        let other = self.other?;
        Some(match self.lang {
            Lang::En => crate::render::Localized { en: self.api, ru: other },
            Lang::Ru => crate::render::Localized { en: other, ru: self.api },
        })
    }
}
