//! Date-times on the wire.
//!
//! A `date-time` of the spec is a [`chrono::DateTime<FixedOffset>`]: a value
//! keeps the offset it was made with (a caller in Moscow sends `+03:00`, not
//! a value converted to UTC), and what the server sends decodes whatever its
//! offset. Values are written as RFC 3339 with milliseconds, the precision
//! the API itself uses (`2020-06-08T09:32:57.000Z`), `Z` for a zero offset;
//! chrono's own `Serialize` would drop a zero fraction and print `+00:00`.
//!
//! Generated fields holding a date-time, bare or inside `Option`,
//! [`Nullable`], `Vec`, maps or `Box`, are serialized through [`serialize`];
//! query parameters through [`to_text`].

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::nullable::Nullable;

/// A date-time as the API writes it: RFC 3339, milliseconds, the value's own
/// offset (`Z` when it is zero).
pub fn to_text<Tz: chrono::TimeZone>(value: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    value.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A value holding date-times, serialized with [`to_text`] for each of them.
#[doc(hidden)]
pub trait WireDateTime {
    /// Serializes `self` with every date-time in the API's format.
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Serializes `value`'s date-times in the API's format (for `serialize_with`).
#[doc(hidden)]
pub fn serialize<T: WireDateTime, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.serialize_wire(serializer)
}

/// Borrows a [`WireDateTime`] as a `Serialize` value, for nesting.
struct Wire<'a, T>(&'a T);

impl<T: WireDateTime> Serialize for Wire<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

impl WireDateTime for DateTime<FixedOffset> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&to_text(self))
    }
}

impl<T: WireDateTime> WireDateTime for Option<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Wire(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: WireDateTime> WireDateTime for Nullable<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(&Wire(value)),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<T: WireDateTime> WireDateTime for Box<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_wire(serializer)
    }
}

impl<T: WireDateTime> WireDateTime for Vec<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self {
            seq.serialize_element(&Wire(value))?;
        }
        seq.end()
    }
}

impl<T: WireDateTime> WireDateTime for BTreeMap<String, T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, &Wire(value))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Task {
        #[serde(serialize_with = "serialize")]
        due_at: DateTime<FixedOffset>,
        #[serde(serialize_with = "serialize", skip_serializing_if = "Option::is_none")]
        reminder: Option<DateTime<FixedOffset>>,
        #[serde(serialize_with = "serialize", skip_serializing_if = "Nullable::is_absent")]
        done_at: Nullable<DateTime<FixedOffset>>,
        #[serde(serialize_with = "serialize")]
        history: Vec<DateTime<FixedOffset>>,
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 literal")
    }

    #[test]
    fn keeps_the_offset_and_writes_milliseconds() {
        let task = Task {
            due_at: at("2026-01-02T03:04:05+03:00"),
            reminder: Some(at("2026-01-02T00:00:00.5Z")),
            done_at: Nullable::Null,
            history: vec![at("2020-06-08T09:32:57.123456-05:30"), at("2020-06-08T09:32:57Z")],
        };
        assert_eq!(
            serde_json::to_string(&task).expect("serializes"),
            r#"{"due_at":"2026-01-02T03:04:05.000+03:00","reminder":"2026-01-02T00:00:00.500Z","done_at":null,"history":["2020-06-08T09:32:57.123-05:30","2020-06-08T09:32:57.000Z"]}"#
        );
    }

    #[test]
    fn absent_and_none_are_left_out() {
        let task = Task { due_at: at("2026-01-02T03:04:05Z"), reminder: None, done_at: Nullable::Absent, history: vec![] };
        assert_eq!(serde_json::to_string(&task).expect("serializes"), r#"{"due_at":"2026-01-02T03:04:05.000Z","history":[]}"#);
    }

    #[test]
    fn query_text_matches_the_body_text() {
        let value = at("2026-01-02T03:04:05.678+03:00");
        assert_eq!(to_text(&value), "2026-01-02T03:04:05.678+03:00");
        assert_eq!(to_text(&value.with_timezone(&chrono::Utc)), "2026-01-02T00:04:05.678Z");
    }
}
