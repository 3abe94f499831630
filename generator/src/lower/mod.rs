//! Stage 2: lower a loaded [`Spec`] into the [`ir::Api`](crate::ir::Api).
//!
//! This is the only module that reads `openapiv3` types. It resolves local
//! `$ref`s, checks what the renderers rely on (unique operation ids, declared
//! path parameters, supported media types) and names everything once.

mod names;
mod operation;
mod recursion;
mod schema;

pub use names::{snake_ident, type_name, variant_name, NameSet};

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::{Pointer, SpecError};
use crate::ir::{Api, Server, TypeDef};
use crate::load::Spec;

/// Lowers a spec into the IR.
pub fn lower(spec: &Spec) -> Result<Api, SpecError> {
    let mut lowerer = Lowerer {
        file: &spec.file,
        doc: &spec.doc,
        types: BTreeMap::new(),
        type_names: NameSet::default(),
        component_names: HashMap::new(),
    };
    lowerer.lower_components()?;
    let services = lowerer.lower_operations()?;
    recursion::mark_boxed_fields(&mut lowerer.types);
    let info = &spec.doc.info;
    Ok(Api {
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
    })
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    file: &'a Path,
    doc: &'a openapiv3::OpenAPI,
    /// Named types defined so far, by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Every type name handed out (components first, then inline types).
    type_names: NameSet,
    /// Component schema key → Rust type name.
    component_names: HashMap<String, String>,
}

impl<'a> Lowerer<'a> {
    fn err(&self, at: &Pointer, message: impl Into<String>) -> SpecError {
        SpecError::at(self.file, at, message)
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
