//! Stage 1: read a spec file, parse YAML, apply overlays, check it is
//! OpenAPI 3.0 or 3.1 (converted to the 3.0 shape, [`v31`]) and
//! deserialise it into `openapiv3` types. Semantic checks (references,
//! parameters, media types) happen in [`crate::lower`], where the JSON
//! pointer of every construct is known.

mod locate;
pub mod overlay;
pub mod v31;
pub mod yaml;

pub use v31::Origin;

use std::path::{Path, PathBuf};

use crate::error::{Location, Pointer, SpecError};

/// A loaded, syntactically valid OpenAPI 3.0 document.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Where the document was read from (used in every error message).
    pub file: PathBuf,
    /// The parsed document.
    pub doc: openapiv3::OpenAPI,
    /// What loading skipped or ignored (overlay actions that selected
    /// nothing, 3.1 constructs without meaning for the generator), reported
    /// with lowering's warnings.
    pub warnings: Vec<SpecError>,
    /// For a 3.1 document, where the parts the conversion moved were:
    /// lowering reports its pointers through it.
    pub origin: Origin,
}

/// Reads and parses the spec at `path`.
pub fn load_file(path: &Path) -> Result<Spec, SpecError> {
    load_file_with(path, &[])
}

/// Reads the spec at `path` and applies the [`overlay`] files in order
/// before checking and deserialising it.
pub fn load_file_with(path: &Path, overlays: &[PathBuf]) -> Result<Spec, SpecError> {
    let text = read_text(path, "spec")?;
    load_str_with(path, &text, overlays)
}

fn read_text(path: &Path, what: &str) -> Result<String, SpecError> {
    std::fs::read_to_string(path).map_err(|e| SpecError {
        file: path.to_path_buf(),
        location: Location::File,
        message: format!("cannot read the {what} file: {e}"),
    })
}

/// Reads and parses a YAML (or JSON) file into a generic document, for
/// tools that work on the document before it is loaded (`spec overlay`).
pub fn read_value(path: &Path) -> Result<yaml::Value, SpecError> {
    parse_yaml(path, &read_text(path, "spec")?)
}

/// Parses spec text; `file` is used only to name the source in errors.
pub fn load_str(file: &Path, text: &str) -> Result<Spec, SpecError> {
    load_str_with(file, text, &[])
}

/// [`load_str`], with the [`overlay`] files applied to the parsed document.
pub fn load_str_with(file: &Path, text: &str, overlays: &[PathBuf]) -> Result<Spec, SpecError> {
    let mut value = parse_yaml(file, text)?;
    let mut warnings = overlay::apply_files(&mut value, file, overlays)?;
    let origin = match check_version(file, &value)? {
        Version::V30 => Origin::default(),
        Version::V31 => {
            let (origin, converted) = v31::convert(file, &mut value);
            warnings.extend(converted);
            origin
        }
    };
    // Deserialising from a borrowed value keeps it for error reporting without a deep copy.
    let doc: openapiv3::OpenAPI = match serde_path_to_error::deserialize(&value) {
        Ok(doc) => doc,
        Err(e) => {
            // serde loses the path inside flattened structs; look deeper.
            let (pointer, message) = match locate::locate(&value) {
                Some(found) => (found.pointer, found.message),
                None => (locate::extend(&Pointer::root(), e.path()), e.inner().to_string()),
            };
            let e = SpecError::at(file, pointer, format!("not a valid OpenAPI 3.0 object: {message}"));
            return Err(origin.restore(e));
        }
    };
    Ok(Spec {
        file: file.to_path_buf(),
        doc,
        warnings,
        origin,
    })
}

/// [`yaml::parse`], a syntax error as a [`SpecError`] at its line and column.
pub(crate) fn parse_yaml(file: &Path, text: &str) -> Result<yaml::Value, SpecError> {
    yaml::parse(text).map_err(|e| SpecError {
        file: file.to_path_buf(),
        location: match e.position {
            Some((line, column)) => Location::Position { line, column },
            None => Location::File,
        },
        message: format!("invalid YAML: {}", e.message),
    })
}

enum Version {
    V30,
    V31,
}

fn check_version(file: &Path, value: &yaml::Value) -> Result<Version, SpecError> {
    let ptr = "#/openapi";
    let Some(map) = value.as_mapping() else {
        return Err(SpecError::at(
            file,
            "#",
            "expected a YAML mapping at the top level (an OpenAPI 3.0 document)",
        ));
    };
    match map.get("openapi") {
        Some(yaml::Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => Ok(Version::V30),
        Some(yaml::Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => Ok(Version::V31),
        Some(yaml::Value::String(v)) => Err(SpecError::at(
            file,
            ptr,
            format!("unsupported OpenAPI version `{v}`; expected 3.0.x or 3.1.x"),
        )),
        Some(_) => Err(SpecError::at(
            file,
            ptr,
            "expected the version as a string such as \"3.0.0\"",
        )),
        None if map.contains_key("swagger") => Err(SpecError::at(
            file,
            "#/swagger",
            "this is a Swagger 2.0 document; expected OpenAPI 3.0.x or 3.1.x (`openapi: 3.0.0`)",
        )),
        None => Err(SpecError::at(
            file,
            ptr,
            "missing `openapi` field; expected an OpenAPI 3.0.x or 3.1.x document",
        )),
    }
}
