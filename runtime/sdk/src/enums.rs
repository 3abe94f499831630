//! Support for the generated enums: each gets `as_str`, `Display`,
//! `FromStr` and serde impls that keep unknown values instead of failing.

/// Implements the conversions of an enum whose last variant is
/// `Unknown(String)`, from a `Variant => "wire value"` table. The value is a
/// JSON string, or with `integer` first a JSON integer (kept as text).
///
/// Part of the runtime even when a spec has no enums, hence the `allow`.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $value:literal,)* }) => {
        string_enum!(@text $name { $($variant => $value,)* });

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                match text.parse() {
                    Ok(value) => Ok(value),
                    Err(never) => match never {},
                }
            }
        }
    };
    (integer $name:ident { $($variant:ident => $value:literal,)* }) => {
        string_enum!(@text $name { $($variant => $value,)* });

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.as_str().parse::<i64>() {
                    Ok(number) => serializer.serialize_i64(number),
                    Err(_) => serializer.serialize_str(self.as_str()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an integer")
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        match v.parse() {
                            Ok(value) => Ok(value),
                            Err(never) => match never {},
                        }
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    };
    (@text $name:ident { $($variant:ident => $value:literal,)* }) => {
        impl $name {
            /// Every value known when this crate was generated.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $value,)*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            /// Never fails: a value this crate does not know becomes `Unknown`.
            fn from_str(s: &str) -> Result<Self, ::std::convert::Infallible> {
                Ok(match s {
                    $($value => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

    };
}

#[allow(unused_imports)]
pub(crate) use string_enum;
