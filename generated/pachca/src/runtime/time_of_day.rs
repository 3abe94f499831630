//! [`TimeOfDay`]: the API's `format: time` values.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time of day, written by the API as `HH:mm` (`HH:mm:ss` is accepted too).
///
/// It prints back the way it was most likely written: `HH:mm` when the
/// seconds are zero, `HH:mm:ss` otherwise, so a round trip keeps `"11:00"`.
///
/// (The unit test `documented_example` shows it in use.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay(pub NaiveTime);

/// Text that is not a time of day in `HH:mm` or `HH:mm:ss` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimeOfDayError(String);

impl fmt::Display for ParseTimeOfDayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a time of day; expected HH:mm or HH:mm:ss", self.0)
    }
}

impl std::error::Error for ParseTimeOfDayError {}

impl FromStr for TimeOfDay {
    type Err = ParseTimeOfDayError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ["%H:%M", "%H:%M:%S", "%H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(s, f).ok())
            .map(TimeOfDay)
            .ok_or_else(|| ParseTimeOfDayError(s.to_owned()))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.second() == 0 && self.0.nanosecond() == 0 {
            write!(f, "{}", self.0.format("%H:%M"))
        } else {
            write!(f, "{}", self.0.format("%H:%M:%S"))
        }
    }
}

impl From<NaiveTime> for TimeOfDay {
    fn from(t: NaiveTime) -> Self {
        TimeOfDay(t)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;


    #[test]
    fn documented_example() {

        let t: TimeOfDay = "11:00".parse().unwrap();
        assert_eq!(t.to_string(), "11:00");
        assert_eq!(t.0, chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap());
        assert!("25:00".parse::<TimeOfDay>().is_err());
    }
}
