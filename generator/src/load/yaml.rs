//! The one place that parses YAML text.
//!
//! `serde_yaml` is deprecated upstream; everything else in the generator
//! sees only [`Value`] and [`YamlError`], so swapping in a maintained fork
//! (`serde_yaml_ng`, `serde_norway`) means editing this file alone.

/// A parsed YAML document.
pub type Value = serde_yaml::Value;

/// A YAML syntax error with its 1-based position, when the parser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line and column of the problem.
    pub position: Option<(usize, usize)>,
    /// The parser's description of the problem.
    pub message: String,
}

/// Parses YAML text into a generic document.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError {
        position: e.location().map(|l| (l.line(), l.column())),
        // serde_yaml appends " at line X column Y"; the position is reported separately.
        message: strip_position(&e.to_string()),
    })
}

/// Serialises a value as YAML text (used for the spec pin file).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|e| YamlError {
        position: None,
        message: e.to_string(),
    })
}

/// Deserialises a typed value from YAML text.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError {
        position: e.location().map(|l| (l.line(), l.column())),
        message: strip_position(&e.to_string()),
    })
}

/// A typed-deserialisation error that knows where in the document it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedError {
    /// The key path of the offending value (`skills[2].tags[0]`); empty for
    /// syntax errors and problems with the document as a whole.
    pub key: String,
    /// What went wrong; for syntax errors, also the position.
    pub error: YamlError,
}

/// Deserialises a typed value from YAML text like [`from_str`], but a value
/// of the wrong shape is reported with its key path (`skills[2].tags[0]`)
/// rather than a line number, which is what curated data files need.
pub fn from_str_keyed<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, KeyedError> {
    let value = parse(text).map_err(|error| KeyedError { key: String::new(), error })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e.path().to_string();
        KeyedError {
            key: if key == "." { String::new() } else { key },
            error: YamlError { position: None, message: strip_position(&e.into_inner().to_string()) },
        }
    })
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_line_and_column() {
        let err = super::parse("a: 1\nb: [1, 2\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(3));
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn keyed_errors_name_the_key_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Doc {
            #[allow(dead_code)]
            items: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[allow(dead_code)]
            n: u32,
        }
        let err = super::from_str_keyed::<Doc>("items:\n  - n: 1\n  - n: x\n").unwrap_err();
        assert_eq!(err.key, "items[1].n");
        assert!(err.error.message.contains("invalid type"), "{}", err.error.message);
    }
}
