//! Rust data literals (struct, tuple and slice expressions) written
//! straight to text in the layout `prettyplease` gives them: a value that
//! fits in the line stays on it; one that does not puts each field or
//! element on a line of its own, four spaces deeper.
//!
//! Large generated tables (the CLI's command table, the spec's examples)
//! are pure data; writing them directly skips the parse and print of a
//! token stream, which was most of the generator's time.

/// The width `prettyplease` wraps at.
const WIDTH: usize = 100;

/// A data expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// Text written as it is: a path, a number, `None`, `Kind::Bool`.
    Raw(String),
    /// A string literal.
    Str(String),
    /// `Name { field: value, .. }`.
    Struct(&'static str, Vec<(&'static str, Lit)>),
    /// `Name(a, b)`: a tuple variant or a call; with an empty name, a tuple.
    Call(String, Vec<Lit>),
    /// `&[a, b]`.
    Slice(Vec<Lit>),
}

impl Lit {
    /// A raw text literal.
    pub fn raw(text: impl Into<String>) -> Self {
        Lit::Raw(text.into())
    }

    /// A string literal.
    pub fn str(text: impl Into<String>) -> Self {
        Lit::Str(text.into())
    }

    /// `Some("text")` or `None`.
    pub fn opt_str(text: Option<&str>) -> Self {
        match text {
            Some(t) => Lit::Call("Some".to_owned(), vec![Lit::str(t)]),
            None => Lit::raw("None"),
        }
    }

    /// `&["a", "b"]`.
    pub fn str_slice<S: AsRef<str>>(items: &[S]) -> Self {
        Lit::Slice(items.iter().map(|s| Lit::str(s.as_ref())).collect())
    }

    /// The value on one line.
    fn flat(&self, out: &mut String) {
        match self {
            Lit::Raw(text) => out.push_str(text),
            Lit::Str(text) => out.push_str(&proc_macro2::Literal::string(text).to_string()),
            Lit::Struct(name, fields) => {
                out.push_str(name);
                if fields.is_empty() {
                    out.push_str(" {}");
                    return;
                }
                out.push_str(" { ");
                for (i, (field, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(field);
                    out.push_str(": ");
                    value.flat(out);
                }
                out.push_str(" }");
            }
            Lit::Call(name, items) => {
                out.push_str(name);
                out.push('(');
                flat_list(items, out);
                out.push(')');
            }
            Lit::Slice(items) => {
                out.push_str("&[");
                flat_list(items, out);
                out.push(']');
            }
        }
    }

    /// Writes the value, which starts `column` characters into a line
    /// indented by `indent`, and is followed by `after` characters (a
    /// comma, a semicolon) on its last line.
    pub fn write(&self, out: &mut String, indent: usize, column: usize, after: usize) {
        let mut flat = String::new();
        self.flat(&mut flat);
        if column + flat.chars().count() + after <= WIDTH || !self.breaks() {
            out.push_str(&flat);
            return;
        }
        let inner = indent + 4;
        let pad = " ".repeat(inner);
        match self {
            Lit::Struct(name, fields) => {
                out.push_str(name);
                out.push_str(" {\n");
                for (field, value) in fields {
                    out.push_str(&pad);
                    out.push_str(field);
                    out.push_str(": ");
                    value.write(out, inner, inner + field.len() + 2, 1);
                    out.push_str(",\n");
                }
            }
            Lit::Call(name, items) => {
                out.push_str(name);
                out.push_str("(\n");
                lines(items, out, inner);
            }
            Lit::Slice(items) => {
                out.push_str("&[\n");
                lines(items, out, inner);
            }
            Lit::Raw(_) | Lit::Str(_) => {}
        }
        out.push_str(&" ".repeat(indent));
        out.push(match self {
            Lit::Struct(..) => '}',
            Lit::Call(..) => ')',
            _ => ']',
        });
    }

    /// Whether the value can spread over several lines.
    fn breaks(&self) -> bool {
        match self {
            Lit::Raw(_) | Lit::Str(_) => false,
            Lit::Struct(_, fields) => !fields.is_empty(),
            Lit::Call(_, items) | Lit::Slice(items) => !items.is_empty(),
        }
    }
}

fn flat_list(items: &[Lit], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.flat(out);
    }
}

fn lines(items: &[Lit], out: &mut String, indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        out.push_str(&pad);
        item.write(out, indent, indent, 1);
        out.push_str(",\n");
    }
}

/// `<prefix>[\n    item,\n    ...\n];`: a table with one item per line
/// (or more when an item does not fit), as a static or const item.
pub fn table(prefix: &str, items: &[Lit]) -> String {
    let mut out = String::with_capacity(items.len() * 256);
    out.push_str(prefix);
    out.push_str("[\n");
    lines(items, &mut out, 4);
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(lit: &Lit, indent: usize) -> String {
        let mut out = String::new();
        lit.write(&mut out, indent, indent, 1);
        out
    }

    #[test]
    fn short_values_stay_on_one_line() {
        let lit = Lit::Struct("Flag", vec![("name", Lit::str("a \"b\"")), ("kind", Lit::raw("Kind::Bool")), ("values", Lit::str_slice(&["x"]))]);
        assert_eq!(written(&lit, 4), r#"Flag { name: "a \"b\"", kind: Kind::Bool, values: &["x"] }"#);
        assert_eq!(written(&Lit::Slice(vec![]), 0), "&[]");
        assert_eq!(written(&Lit::opt_str(None), 0), "None");
    }

    #[test]
    fn long_values_break_one_field_per_line() {
        let long = "x".repeat(90);
        let lit = Lit::Struct("Flag", vec![("help", Lit::str(&long)), ("kind", Lit::Call("Kind::Enum".to_owned(), vec![Lit::str_slice(&["a"])]))]);
        assert_eq!(
            written(&lit, 4),
            format!("Flag {{\n        help: \"{long}\",\n        kind: Kind::Enum(&[\"a\"]),\n    }}")
        );
        let rows = table("static T: [u8; 2] = ", &[Lit::raw("1"), Lit::raw("2")]);
        assert_eq!(rows, "static T: [u8; 2] = [\n    1,\n    2,\n];\n");
    }
}
