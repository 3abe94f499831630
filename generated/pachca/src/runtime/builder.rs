//! [`BuildError`]: what a generated model builder's `build()` reports.
//!
//! Every generated struct has a builder (`Message::builder().id(1)...build()`)
//! with one setter per field, so code that uses a generated crate can make
//! its own values (test fixtures, mock responses) although the structs are
//! `#[non_exhaustive]`. A field a later spec adds only adds a setter.

use std::fmt;

/// Required fields left unset when a builder was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    type_name: &'static str,
    missing: Vec<&'static str>,
}

impl BuildError {
    /// The error of building `type_name` with the required fields `missing` unset.
    #[doc(hidden)]
    pub fn new(type_name: &'static str, missing: Vec<&'static str>) -> Self {
        Self { type_name, missing }
    }

    /// The type that was being built.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The required fields (wire names) that were not set, in declaration order.
    #[must_use]
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build {}: required fields not set: {}", self.type_name, self.missing.join(", "))
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_type_and_every_missing_field() {
        let err = BuildError::new("Chat", vec!["id", "name"]);
        assert_eq!((err.type_name(), err.missing()), ("Chat", &["id", "name"][..]));
        assert_eq!(err.to_string(), "cannot build Chat: required fields not set: id, name");
    }
}
