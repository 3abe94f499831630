//! Errors for humans: every problem in a spec names the file, a JSON pointer
//! into the document and what was expected there.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem found while loading or lowering a spec.
///
/// `Display` renders it as `file#/json/pointer: message`, or
/// `file:line:column: message` for YAML syntax errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file the problem is in.
    pub file: PathBuf,
    /// Where in the file: a JSON pointer or a line/column position.
    pub location: Location,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Where a [`SpecError`] points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer such as `#/paths/~1chats/post/requestBody`.
    Pointer(String),
    /// A 1-based line and column in the YAML text.
    Position { line: usize, column: usize },
    /// The whole file (it could not be read at all).
    File,
}

impl SpecError {
    /// An error at a JSON pointer.
    pub fn at(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError {
            file: file.to_path_buf(),
            location: Location::Pointer(pointer.into()),
            message: message.into(),
        }
    }

    /// The JSON pointer, if the error has one.
    pub fn pointer(&self) -> Option<&str> {
        match &self.location {
            Location::Pointer(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.location {
            Location::Pointer(p) => write!(f, "{file}{p}: {}", self.message),
            Location::Position { line, column } => {
                write!(f, "{file}:{line}:{column}: {}", self.message)
            }
            Location::File => write!(f, "{file}: {}", self.message),
        }
    }
}

impl std::error::Error for SpecError {}

/// Builds JSON pointers (RFC 6901) one segment at a time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Parses a local `$ref` target such as `#/components/schemas/Chat`.
    pub fn from_ref(r: &str) -> Self {
        Pointer(r.to_owned())
    }

    /// A pointer one segment deeper, escaping `~` and `/`.
    pub fn push(&self, segment: impl fmt::Display) -> Self {
        let seg = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, seg))
    }

    /// For a pointer to an operation (`#/paths/~1x/get`), the path item's pointer.
    pub fn parent_path_item(&self) -> Self {
        match self.0.rfind('/') {
            Some(i) => Pointer(self.0[..i].to_owned()),
            None => self.clone(),
        }
    }

    /// The pointer text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}

impl From<&Pointer> for String {
    fn from(p: &Pointer) -> String {
        p.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let p = Pointer::root().push("paths").push("/chats/{id}").push("a~b");
        assert_eq!(p.as_str(), "#/paths/~1chats~1{id}/a~0b");
    }

    #[test]
    fn display_names_file_and_pointer() {
        let e = SpecError::at(Path::new("api.yaml"), "#/paths", "expected a map");
        assert_eq!(e.to_string(), "api.yaml#/paths: expected a map");
    }
}
