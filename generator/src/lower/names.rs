//! Naming rules, applied once while lowering: every renderer uses the names
//! stored in the IR as they are.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do",
    "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in",
    "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "super", "Self"];

/// Type names the generated crates use themselves; a schema with one of
/// these names gets a `Model` suffix so it never shadows them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box", "BTreeMap", "Client", "Error", "Nullable", "Option", "Page", "Result", "Self", "String",
    "Value", "Vec",
];

/// `PascalCase` type name for a schema or inline type.
pub fn type_name(raw: &str) -> String {
    let mut name = raw.to_upper_camel_case();
    if name.is_empty() {
        name = "Type".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// `snake_case` identifier for a field, parameter or method; keywords escaped.
pub fn snake_ident(raw: &str) -> String {
    let mut name = raw.to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    escape_keyword(name)
}

/// `PascalCase` enum variant for a wire value.
pub fn variant_name(raw: &str) -> String {
    let mut name = raw.to_upper_camel_case();
    if name.is_empty() {
        // Values made only of punctuation (`+`, `-`) still need a name.
        name = raw
            .chars()
            .map(|c| format!("U{:X}", c as u32))
            .collect::<String>();
        if name.is_empty() {
            name = "Empty".to_owned();
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

fn escape_keyword(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names unique within one scope: `x`, `x2`, `x3`, ...
#[derive(Debug, Default)]
pub struct NameSet {
    taken: HashSet<String>,
    /// For each base that collided, the suffix to try next; every smaller
    /// suffix is already taken (names are never released), so handing out
    /// the n-th copy of a name costs O(1), not O(n).
    next_suffix: HashMap<String, usize>,
}

impl NameSet {
    /// Marks `name` as taken, returning `false` if it already was.
    pub fn insert(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_owned())
    }

    /// Whether `name` is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes `base` if free, else the first free `base2`, `base3`, ...
    pub fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        // A raw identifier gets its suffix after the keyword: `r#type2` is fine.
        let next = self.next_suffix.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("Content-Disposition"), "content_disposition");
        assert_eq!(snake_ident("x-amz-date"), "x_amz_date");
        assert_eq!(snake_ident("chat_ids[]"), "chat_ids");
        assert_eq!(snake_ident("sort[field]"), "sort_field");
        assert_eq!(snake_ident("2fa"), "n_2fa");
    }

    #[test]
    fn type_names_avoid_reserved_and_digits() {
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(type_name("chat_member"), "ChatMember");
        assert_eq!(type_name("3d"), "T3d");
    }

    #[test]
    fn variants_from_odd_values() {
        assert_eq!(variant_name("chats:read"), "ChatsRead");
        assert_eq!(variant_name("webhooks:events:read"), "WebhooksEventsRead");
        assert_eq!(variant_name("+"), "U2B");
        assert_eq!(variant_name("1"), "V1");
    }

    #[test]
    fn name_set_suffixes() {
        let mut set = NameSet::default();
        assert_eq!(set.unique("a"), "a");
        assert_eq!(set.unique("a"), "a2");
        assert_eq!(set.unique("a"), "a3");
        // A suffixed name taken directly is skipped, as before.
        set.insert("b2");
        assert_eq!(set.unique("b"), "b");
        assert_eq!(set.unique("b"), "b3");
        set.insert("a4");
        assert_eq!(set.unique("a"), "a5");
    }
}
