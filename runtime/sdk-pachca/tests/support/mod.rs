//! Helpers shared by the generated tests: round-trip checks and the Prism
//! mock server. Each test binary uses part of it.
#![allow(dead_code)]

pub mod prism;

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Decodes `json` as `T`, encodes it again, decodes that, and checks that
/// nothing was lost: the two decoded values are equal, and the re-encoded
/// JSON equals the original up to absent-vs-`null` optional fields, number
/// spelling (`1` vs `1.0`) and date-time spelling (same instant).
pub fn round_trip<T>(json: &str) -> Result<(), String>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let original: Value = serde_json::from_str(json).map_err(|e| format!("example is not JSON: {e}"))?;
    let typed: T = serde_json::from_value(original.clone()).map_err(|e| format!("does not decode: {e}"))?;
    let encoded = serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))?;
    let again: T = serde_json::from_value(encoded.clone()).map_err(|e| format!("re-encoded form does not decode: {e}"))?;
    if again != typed {
        return Err(format!("decoded values differ after a round trip:\n{typed:?}\n{again:?}"));
    }
    same_json(&original, &encoded, "$")
}

fn same_json(original: &Value, encoded: &Value, at: &str) -> Result<(), String> {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => same_json(v, w, &format!("{at}.{k}"))?,
                    None if v.is_null() => {}
                    None => return Err(format!("{at}.{k} was lost in the round trip")),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) && !w.is_null() {
                    return Err(format!("{at}.{k} appeared in the round trip: {w}"));
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (v, w))| same_json(v, w, &format!("{at}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (Value::String(a), Value::String(b)) if a == b || same_instant(a, b) => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at}: {a} became {b}")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
