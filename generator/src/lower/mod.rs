//! Stage 2: lower a loaded [`Spec`] into the [`ir::Api`](crate::ir::Api).
//!
//! This is the only module that reads `openapiv3` types. It resolves local
//! `$ref`s, checks what the renderers rely on (unique operation ids, declared
//! path parameters, supported media types) and names everything once.

mod conventions;
mod names;
mod operation;
mod recursion;
mod schema;

pub use names::{snake_ident, type_name, variant_name, NameSet};

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::{Pointer, SpecError};
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityScheme};

use crate::ir::{Api, Server, TypeDef, TypeRef};
use crate::load::Spec;

/// How lowering treats constructs the IR cannot represent faithfully.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Degrade instead of failing: an unsupported schema (`not`, a remote
    /// `$ref`) becomes `serde_json::Value`, a cookie parameter is dropped and
    /// an operation that still cannot be lowered is skipped, each with a
    /// warning. Off by default: every such construct is an error.
    pub lenient: bool,
    /// The Pachca response conventions ([`crate::profile::Profile::Pachca`]):
    /// a `{"data": T}` body is lowered as `T`, `{"data": [T], "meta": M}` as a
    /// page, and `x-paginated` operations get pagination. Off for any other
    /// spec: responses are taken as declared and `x-paginated` is ignored
    /// with a warning.
    pub envelope: bool,
    /// The Pachca identifier and query-array conventions
    /// (`lower/conventions.rs`): ids are `i64`, array query parameters `key[]=v`.
    pub conventions: bool,
}

/// A lowered API, with what lowering left out or approximated.
#[derive(Debug, Clone)]
pub struct Lowered {
    pub api: Api,
    /// Constructs that were ignored or degraded, each at its JSON pointer,
    /// in the order they were met.
    pub warnings: Vec<SpecError>,
}

/// Lowers a spec into the IR with the default (strict) [`Options`],
/// dropping the warnings; see [`lower_with`] to get them.
pub fn lower(spec: &Spec) -> Result<Api, SpecError> {
    lower_with(spec, Options::default()).map(|l| l.api)
}

/// Lowers a spec into the IR. Pointers in errors and in lowering's
/// warnings are into the original document ([`crate::load::Origin`]).
pub fn lower_with(spec: &Spec, options: Options) -> Result<Lowered, SpecError> {
    let loaded = spec.warnings.len();
    let mut lowered = lower_converted(spec, options).map_err(|e| spec.origin.restore(e))?;
    for w in &mut lowered.warnings[loaded..] {
        *w = spec.origin.restore(w.clone());
    }
    Ok(lowered)
}

fn lower_converted(spec: &Spec, options: Options) -> Result<Lowered, SpecError> {
    let mut lowerer = Lowerer {
        file: &spec.file,
        doc: &spec.doc,
        options,
        warnings: spec.warnings.clone(),
        types: BTreeMap::new(),
        type_names: NameSet::default(),
        component_names: HashMap::new(),
        merging: Vec::new(),
        token_required: false,
    };
    lowerer.warn_unsupported_security();
    lowerer.lower_components()?;
    let services = lowerer.lower_operations()?;
    let mut services = services;
    if lowerer.options.conventions {
        conventions::widen_ids(&mut lowerer.types, &mut services);
        conventions::bracket_arrays(&lowerer.types, &mut services);
    }
    recursion::mark_boxed_fields(&mut lowerer.types);
    let info = &spec.doc.info;
    let api = Api {
        title: info.title.clone(),
        version: info.version.clone(),
        description: info.description.clone(),
        servers: spec
            .doc
            .servers
            .iter()
            .map(|s| Server {
                url: s.url.clone(),
                description: s.description.clone(),
            })
            .collect(),
        services,
        types: lowerer.types.into_values().collect(),
        token_required: lowerer.token_required,
    };
    Ok(Lowered { api, warnings: lowerer.warnings })
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    file: &'a Path,
    doc: &'a openapiv3::OpenAPI,
    options: Options,
    /// Collected by [`Lowerer::warn`].
    warnings: Vec<SpecError>,
    /// Named types defined so far, by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Every type name handed out (components first, then inline types).
    type_names: NameSet,
    /// Component schema key → Rust type name.
    component_names: HashMap<String, String>,
    /// Components whose fields an allOf merge is reading, outermost first.
    merging: Vec<String>,
    /// Set by an operation that declares a security requirement.
    token_required: bool,
}

impl<'a> Lowerer<'a> {
    fn err(&self, at: &Pointer, message: impl Into<String>) -> SpecError {
        SpecError::at(self.file, at, message)
    }

    /// Records a construct that is ignored or approximated.
    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        let warning = self.err(at, message);
        self.warnings.push(warning);
    }

    /// A construct strict lowering rejects (`message` says why and what was
    /// expected): with [`Options::lenient`], a warning saying what is done
    /// `instead`; otherwise an error that offers `--lenient`.
    fn lenient(&mut self, at: &Pointer, message: &str, instead: &str) -> Result<(), SpecError> {
        if self.options.lenient {
            self.warn(at, format!("{message}; {instead} (--lenient)"));
            Ok(())
        } else {
            Err(self.err(at, format!("{message} (or pass --lenient: {instead})")))
        }
    }

    /// Like [`Lowerer::lenient`] for an error already raised while lowering
    /// a whole component or operation: kept as a warning under `--lenient`.
    fn demote(&mut self, e: SpecError, instead: &str) -> Result<(), SpecError> {
        if !self.options.lenient {
            return Err(e);
        }
        let message = format!("{}; {instead} (--lenient)", e.message);
        self.warnings.push(SpecError { message, ..e });
        Ok(())
    }

    /// A schema the IR cannot represent: an error, or with `--lenient`
    /// `serde_json::Value` and a warning.
    fn degrade(&mut self, at: &Pointer, message: &str) -> Result<TypeRef, SpecError> {
        self.lenient(at, message, "it is degraded to `serde_json::Value`").map(|()| TypeRef::Any)
    }

    /// The generated client sends `Authorization: Bearer <token>`; any other
    /// security scheme is left to the caller.
    fn warn_unsupported_security(&mut self) {
        // A copy of the `&'a` reference, so that `self` stays free for `warn`.
        let doc = self.doc;
        let Some(components) = doc.components.as_ref() else { return };
        for (name, scheme) in &components.security_schemes {
            let at = Pointer::root().push("components").push("securitySchemes").push(name);
            let what = match scheme {
                ReferenceOr::Reference { .. } => "a `$ref`".to_owned(),
                ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => continue,
                ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) => format!("HTTP `{scheme}` authentication"),
                ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. }) => {
                    let location = match location {
                        APIKeyLocation::Query => "query parameter",
                        APIKeyLocation::Header => "header",
                        APIKeyLocation::Cookie => "cookie",
                    };
                    format!("an API key in the {location} `{name}`")
                }
                // Their access tokens are bearer tokens: what the client sends.
                ReferenceOr::Item(SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. }) => continue,
            };
            self.warn(
                &at,
                format!("security scheme `{name}` ({what}) is not generated: the client sends `Authorization: Bearer <token>`; for other credentials pass a `reqwest::Client` with default headers to `ClientBuilder::http_client`"),
            );
        }
    }

    /// The name part of a local `$ref` under `prefix`; remote refs are rejected.
    fn local_ref<'r>(&self, reference: &'r str, prefix: &str, at: &Pointer) -> Result<&'r str, SpecError> {
        if !reference.starts_with('#') {
            return Err(self.err(
                at,
                format!("remote `$ref` `{reference}` is unsupported; expected a local reference starting with `{prefix}`"),
            ));
        }
        reference.strip_prefix(prefix).ok_or_else(|| {
            self.err(
                at,
                format!("unsupported `$ref` `{reference}`; expected a reference starting with `{prefix}`"),
            )
        })
    }
}
