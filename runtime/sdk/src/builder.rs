//! [`BuildError`]: what a generated model builder's `build()` reports.
//!
//! Every generated struct has a builder (`Message::builder().id(1)...build()`)
//! with one setter per field, so code that uses a generated crate can make
//! its own values (test fixtures, mock responses) although the structs are
//! `#[non_exhaustive]`. A field a later spec adds only adds a setter.
//!
//! The builders are written by `model_builder!`, so the generated crate
//! holds one line per field (its kind and type) rather than the same setter
//! code a hundred times.

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

/// A builder for a struct: a `Default` struct of optional slots, one setter
/// per field, and a finishing method that returns the value or a
/// [`BuildError`] naming every required field left unset.
///
/// ```text
/// model_builder! {
///     /// Docs of the builder type; more attributes such as `#[derive(Debug)]`.
///     ChatBuilder builds Chat with build {
///         /// Docs of the setter.
///         id: required i64 = "id",
///         parent: optional_boxed Chat = "parent",
///         topic: nullable String = "topic",
///     }
/// }
/// ```
///
/// Each field names its kind, which decides the slot, the setter and what
/// the struct receives:
///
/// | kind | struct field | setter takes | unset |
/// |---|---|---|---|
/// | `required` | `T` | `impl Into<T>` | a [`BuildError`] naming the wire name |
/// | `required_boxed` | `Box<T>` | `impl Into<T>` | a [`BuildError`] |
/// | `optional` | `Option<T>` | `impl Into<T>` | `None` |
/// | `optional_boxed` | `Option<Box<T>>` | `impl Into<T>` | `None` |
/// | `nullable` | `Nullable<T>` | `impl Into<Nullable<T>>` | `Nullable::Absent` |
///
/// The expansion names `BuildError`, `Nullable` and [`required_field`]
/// unqualified: the invoking module imports them.
#[allow(unused_macros)]
macro_rules! model_builder {
    (@slot required $t:ty) => { Option<$t> };
    (@slot required_boxed $t:ty) => { Option<Box<$t>> };
    (@slot optional $t:ty) => { Option<$t> };
    (@slot optional_boxed $t:ty) => { Option<Box<$t>> };
    (@slot nullable $t:ty) => { Nullable<$t> };

    (@setter $(#[$attr:meta])* $field:ident nullable $t:ty) => {
        $(#[$attr])*
        pub fn $field(mut self, value: impl Into<Nullable<$t>>) -> Self {
            self.$field = value.into();
            self
        }
    };
    (@setter $(#[$attr:meta])* $field:ident required_boxed $t:ty) => {
        model_builder!(@setter_boxed $(#[$attr])* $field $t);
    };
    (@setter $(#[$attr:meta])* $field:ident optional_boxed $t:ty) => {
        model_builder!(@setter_boxed $(#[$attr])* $field $t);
    };
    (@setter $(#[$attr:meta])* $field:ident $kind:ident $t:ty) => {
        $(#[$attr])*
        pub fn $field(mut self, value: impl Into<$t>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@setter_boxed $(#[$attr:meta])* $field:ident $t:ty) => {
        $(#[$attr])*
        pub fn $field(mut self, value: impl Into<$t>) -> Self {
            self.$field = Some(Box::new(value.into()));
            self
        }
    };

    (@missing $slot:expr, $missing:ident, required, $wire:literal) => {
        if $slot.is_none() {
            $missing.push($wire);
        }
    };
    (@missing $slot:expr, $missing:ident, required_boxed, $wire:literal) => {
        model_builder!(@missing $slot, $missing, required, $wire)
    };
    (@missing $slot:expr, $missing:ident, $kind:ident, $wire:literal) => {};

    (@take $slot:expr, $type_name:expr, required, $wire:literal) => {
        required_field($slot, $type_name, $wire)?
    };
    (@take $slot:expr, $type_name:expr, required_boxed, $wire:literal) => {
        model_builder!(@take $slot, $type_name, required, $wire)
    };
    (@take $slot:expr, $type_name:expr, $kind:ident, $wire:literal) => {
        $slot
    };

    (
        $(#[$attr:meta])*
        $builder:ident builds $name:ident with $finish:ident {
            $(
                $(#[$field_attr:meta])*
                $field:ident : $kind:ident $t:ty = $wire:literal,
            )*
        }
    ) => {
        #[allow(deprecated)]
        impl $name {
            #[doc = concat!(" A builder of `", stringify!($name), "`: set the fields, then call `", stringify!($finish), "()`.")]
            pub fn builder() -> $builder {
                $builder::default()
            }
        }

        $(#[$attr])*
        #[derive(Clone, Default)]
        #[must_use]
        #[allow(deprecated)]
        pub struct $builder {
            $($field: model_builder!(@slot $kind $t),)*
        }

        #[allow(deprecated)]
        impl $builder {
            $(model_builder!(@setter $(#[$field_attr])* $field $kind $t);)*

            /// The value, or a [`BuildError`] naming every required field left unset.
            pub fn $finish(self) -> Result<$name, BuildError> {
                let type_name = stringify!($name);
                #[allow(unused_mut)] // no required field: nothing is pushed
                let mut missing: Vec<&'static str> = Vec::new();
                $(model_builder!(@missing self.$field, missing, $kind, $wire);)*
                if !missing.is_empty() {
                    return Err(BuildError::new(type_name, missing));
                }
                Ok($name {
                    $($field: model_builder!(@take self.$field, type_name, $kind, $wire),)*
                })
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use model_builder;

/// The value of a required field, or the error naming it. One generic
/// function instead of a closure per field keeps the crate's check time down.
#[doc(hidden)]
pub fn required_field<T>(slot: Option<T>, type_name: &'static str, wire: &'static str) -> Result<T, BuildError> {
    match slot {
        Some(value) => Ok(value),
        None => Err(BuildError::new(type_name, vec![wire])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_type_and_every_missing_field() {
        let err = BuildError::new("Chat", vec!["id", "name"]);
        assert_eq!((err.type_name(), err.missing()), ("Chat", &["id", "name"][..]));
        assert_eq!(err.to_string(), "cannot build Chat: required fields not set: id, name");
    }

    use super::super::nullable::Nullable;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Leaf {
        pub name: String,
    }

    /// One field of every kind, as a generated crate declares them.
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct Node {
        pub id: i64,
        pub parent: Box<Leaf>,
        pub title: Option<String>,
        pub child: Option<Box<Leaf>>,
        pub note: Nullable<String>,
        #[deprecated]
        pub legacy: Option<bool>,
        pub r#type: Option<String>,
    }

    model_builder! {
        /// Builds a [`Node`].
        #[derive(Debug)]
        NodeBuilder builds Node with build {
            /// Sets [`Node::id`].
            id: required i64 = "id",
            parent: required_boxed Leaf = "parent",
            title: optional String = "title",
            child: optional_boxed Leaf = "child",
            note: nullable String = "note",
            legacy: optional bool = "legacy",
            r#type: optional String = "type",
        }
    }

    fn leaf(name: &str) -> Leaf {
        Leaf { name: name.to_owned() }
    }

    #[test]
    #[allow(deprecated)]
    fn every_kind_of_field_reaches_the_struct() {
        let node = Node::builder()
            .id(9_007_199_254_740_993_i64)
            .parent(leaf("root"))
            .title("t")
            .child(leaf("kid"))
            .note(None::<String>)
            .legacy(true)
            .r#type("x")
            .build();
        assert_eq!(
            node,
            Ok(Node {
                id: 9_007_199_254_740_993,
                parent: Box::new(leaf("root")),
                title: Some("t".to_owned()),
                child: Some(Box::new(leaf("kid"))),
                note: Nullable::Null,
                legacy: Some(true),
                r#type: Some("x".to_owned()),
            })
        );
    }

    #[test]
    #[allow(deprecated)]
    fn unset_optional_fields_are_absent() {
        let node = Node::builder().id(1).parent(leaf("p")).build().map(|n| (n.title, n.child, n.note, n.legacy, n.r#type));
        assert_eq!(node, Ok((None, None, Nullable::Absent, None, None)));
    }

    #[test]
    fn every_unset_required_field_is_named_in_declaration_order() {
        let err = Node::builder().title("only optional").build().err();
        assert_eq!(err, Some(BuildError::new("Node", vec!["id", "parent"])));
        let err = Node::builder().parent(leaf("p")).build().err();
        assert_eq!(err.as_ref().map(BuildError::missing), Some(&["id"][..]));
    }
}
