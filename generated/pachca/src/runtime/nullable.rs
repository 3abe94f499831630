//! [`Nullable`]: a field that can be absent, explicitly `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field that can also be sent as an explicit `null`.
///
/// Update endpoints distinguish "leave this field alone" (the key is absent)
/// from "clear this field" (the key is `null`). `Option<T>` cannot say both,
/// so request types use `Nullable<T>` for fields that are optional *and*
/// nullable:
///
/// | value | JSON |
/// |---|---|
/// | `Nullable::Absent` (the default) | key omitted |
/// | `Nullable::Null` | `"key": null` |
/// | `Nullable::Value(v)` | `"key": v` |
///
/// Fields of this type carry `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`,
/// which is what makes `Absent` omit the key.
///
/// (The unit test `documented_example` shows it in use.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The key is not sent (or was not received).
    #[default]
    Absent,
    /// The key is sent as `null`.
    Null,
    /// The key is sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the key is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the key is present with `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes an explicit `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // `Absent` is skipped by the field attribute; if it is serialised
            // anyway (e.g. inside a collection) `null` is the closest meaning.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing key never reaches here: `#[serde(default)]` yields `Absent`.
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        title: Nullable<String>,
    }

    #[test]
    fn three_states_round_trip() {
        for (value, json) in [
            (Nullable::Absent, "{}"),
            (Nullable::Null, r#"{"title":null}"#),
            (Nullable::Value("x".to_owned()), r#"{"title":"x"}"#),
        ] {
            let patch = Patch { title: value };
            let text = serde_json::to_string(&patch).expect("serialise");
            assert_eq!(text, json);
            assert_eq!(serde_json::from_str::<Patch>(&text).expect("deserialise"), patch);
        }
    }

    #[test]
    fn documented_example() {

        let keep: Nullable<String> = Nullable::Absent;
        let clear: Nullable<String> = Nullable::Null;
        let set: Nullable<String> = "Engineering".to_owned().into();
        assert!(keep.is_absent());
        assert_eq!(clear.as_option(), None);
        assert_eq!(set.as_option().map(String::as_str), Some("Engineering"));
    }
}
