//! What the renderers generate for a spec: the crate name, and whether the
//! Pachca extras apply.
//!
//! The generator targets the Pachca spec first, but renders any OpenAPI 3.0
//! document. The *Pachca extras* are the parts written for that API alone:
//! the structured error decoding (`ApiError`, `OAuthError`), the one-call
//! upload helper, webhook verification, the `pachca` CLI with its curated
//! command names, the contract test against Prism, and the crate's examples
//! and benchmarks. They are switched on when the lowered API has every type
//! and operation they use ([`PACHCA_TYPES`], [`PACHCA_OPERATIONS`]), so they
//! can never be emitted into a crate where they would not compile. Any other
//! spec gets the generic SDK crate: models, services, params, and the
//! runtime (client, retries, pagination, errors with the raw JSON body).

use heck::ToKebabCase;

use crate::ir::Api;

/// Types the Pachca extras use.
pub const PACHCA_TYPES: &[&str] = &["ApiError", "ApiErrorItem", "OAuthError", "FileUploadRequest", "WebhookPayloadUnion"];

/// Operations the Pachca extras call.
pub const PACHCA_OPERATIONS: &[&str] = &["UploadOperations_getUploadParams"];

/// The crate name of the Pachca SDK; the CLI crate is `pachca-cli`.
pub const PACHCA_CRATE: &str = "pachca";

/// What is generated for one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The SDK crate's name (kebab-case, a valid crates.io name).
    pub crate_name: String,
    /// Whether the Pachca extras apply (see the module docs).
    pub pachca: bool,
    /// What messages and docs call the API: `Pachca`, or the spec's title.
    pub api_name: String,
    /// [`Api::token_required`]: the client cannot be built without a token;
    /// otherwise the token is optional.
    pub token_required: bool,
}

impl Target {
    /// The target for `api`: `name` when given (checked), otherwise `pachca`
    /// for the Pachca API and the kebab-cased title for any other.
    pub fn for_api(api: &Api, name: Option<&str>) -> Result<Target, String> {
        let pachca = has_pachca_extras(api);
        let crate_name = match name {
            Some(n) => check_crate_name(n)?,
            None if pachca => PACHCA_CRATE.to_owned(),
            None => crate_name_from_title(&api.title),
        };
        let api_name = if pachca { "Pachca".to_owned() } else { api.title.trim().trim_end_matches(" API").to_owned() };
        Ok(Target { crate_name, pachca, api_name, token_required: api.token_required })
    }

    /// The crate's name as a Rust path segment (`pet_store`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

/// Every type and operation of the Pachca extras is in `api`.
pub fn has_pachca_extras(api: &Api) -> bool {
    PACHCA_TYPES.iter().all(|t| api.types.iter().any(|d| d.name == *t))
        && PACHCA_OPERATIONS
            .iter()
            .all(|id| api.operations().any(|o| o.id == *id))
}

/// `Pet Store API` → `pet-store-api`; a title with no usable letters gives `api-client`.
pub fn crate_name_from_title(title: &str) -> String {
    let ascii: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let name = ascii.to_kebab_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        Some(_) => format!("api-{name}"),
        None => "api-client".to_owned(),
    }
}

fn check_crate_name(name: &str) -> Result<String, String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64;
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!("`{name}` is not a crate name; expected ASCII letters, digits, `-` or `_`, starting with a letter"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(crate_name_from_title("Pet Store"), "pet-store");
        assert_eq!(crate_name_from_title("Typed Errors API"), "typed-errors-api");
        assert_eq!(crate_name_from_title("Платформа"), "api-client");
        assert!(crate_name_from_title("3D Models").starts_with("api-3"));
        assert!(check_crate_name("my_sdk").is_ok());
        assert!(check_crate_name("9lives").is_err());
        assert!(check_crate_name("a b").is_err());
    }
}
