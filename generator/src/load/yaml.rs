//! The one place that parses YAML text.
//!
//! `serde_yaml` is deprecated upstream; everything else in the generator
//! sees only [`Value`] and [`YamlError`], so swapping in a maintained fork
//! (`serde_yaml_ng`, `serde_norway`) means editing this file alone.

/// A parsed YAML document.
pub type Value = serde_yaml::Value;

/// A YAML mapping (the keys are [`Value`]s: `200:` is a number).
pub type Mapping = serde_yaml::Mapping;

/// A mapping key as text (`200` for the number 200), as JSON and JSON
/// pointers see it; `None` for a key that is a sequence or mapping.
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".to_owned()),
        Value::Tagged(t) => key_text(&t.value),
        Value::Sequence(_) | Value::Mapping(_) => None,
    }
}

/// The document as JSON (for JSONPath queries): keys as [`key_text`]
/// (others dropped), tags dropped, numbers kept.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(J::Null, J::Number)
            }
        }
        Value::String(s) => J::String(s.clone()),
        Value::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => J::Object(map.iter().filter_map(|(k, v)| Some((key_text(k)?, to_json(v)))).collect()),
        Value::Tagged(t) => to_json(&t.value),
    }
}

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
