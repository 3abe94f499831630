//! The target profile: which conventions lowering applies and which
//! artifacts are generated beyond the SDK, chosen by how the generator is
//! invoked (the pin, or `--profile`), never guessed from the spec.
//!
//! * [`Profile::Pachca`]: the Pachca API. Its `{"data": ...}` envelope is
//!   unwrapped and `x-paginated` operations get pagination helpers; the SDK
//!   gets the Pachca additions (typed error bodies, the upload helper,
//!   webhooks, tests against Prism, examples, the benchmark); the `pachca`
//!   CLI and the agent skills are generated from the curated data under
//!   `spec/`. Data that names what a spec lacks warns and is skipped.
//! * [`Profile::Generic`]: any other OpenAPI 3.0 document. Responses are
//!   taken as declared, and only the SDK crate is generated; it never
//!   mentions Pachca.

use heck::ToKebabCase;

use crate::ir::Api;

/// The crate name of the Pachca SDK.
pub const PACHCA_CRATE: &str = "pachca";

/// Types the Pachca additions to the SDK use.
pub const PACHCA_TYPES: &[&str] = &["ApiError", "ApiErrorItem", "OAuthError", "FileUploadRequest", "WebhookPayloadUnion"];

/// Operations the Pachca additions to the SDK call, with the service
/// (`client.files()`) and method they are called through.
pub const PACHCA_OPERATIONS: &[(&str, &str, &str)] = &[
    ("UploadOperations_getUploadParams", "files", "get_upload_params"),
    ("DirectUploadOperations_uploadFile", "files", "upload_file"),
];

/// Which conventions and artifacts apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The Pachca API (see the module docs).
    Pachca,
    /// Any other spec (see the module docs).
    Generic,
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pachca" => Ok(Profile::Pachca),
            "generic" => Ok(Profile::Generic),
            other => Err(format!("unknown profile `{other}`; expected `pachca` or `generic`")),
        }
    }
}

impl Profile {
    /// Whether this is [`Profile::Pachca`].
    pub fn is_pachca(self) -> bool {
        self == Profile::Pachca
    }

    /// Lowering options for this profile: the envelope convention is Pachca's.
    pub fn lower_options(self, lenient: bool) -> crate::lower::Options {
        crate::lower::Options { lenient, envelope: self.is_pachca(), conventions: self.is_pachca() }
    }

    /// The SDK crate's name: `name` when given (checked), otherwise `pachca`
    /// for the Pachca profile and the kebab-cased title for any other spec.
    pub fn crate_name(self, api: &Api, name: Option<&str>) -> Result<String, String> {
        match name {
            Some(n) => check_crate_name(n),
            None if self.is_pachca() => Ok(PACHCA_CRATE.to_owned()),
            None => Ok(crate_name_from_title(&api.title)),
        }
    }

    /// What of [`PACHCA_TYPES`] and [`PACHCA_OPERATIONS`] `api` lacks: the
    /// SDK additions that use them cannot be generated.
    pub fn missing_for_additions(api: &Api) -> Vec<&'static str> {
        let types = PACHCA_TYPES.iter().filter(|t| !api.types.iter().any(|d| d.name == **t));
        let ops = PACHCA_OPERATIONS
            .iter()
            .filter(|(id, module, method)| {
                !api.services.iter().any(|s| {
                    s.module == *module && s.operations.iter().any(|o| o.id == *id && o.method_name == *method)
                })
            })
            .map(|(id, _, _)| id);
        types.chain(ops).copied().collect()
    }
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

    #[test]
    fn profiles_parse() {
        assert_eq!("pachca".parse::<Profile>(), Ok(Profile::Pachca));
        assert_eq!("generic".parse::<Profile>(), Ok(Profile::Generic));
        assert!("other".parse::<Profile>().is_err());
    }
}
