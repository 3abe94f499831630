//! The minijinja environment of the skills: the templates in
//! `templates/skills/`, the per-language strings, and a few small filters.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};

use super::curated::Text;
use crate::load::yaml;
use crate::pin::Lang;
use crate::render::RenderError;

/// `(name, source)` of every template.
const TEMPLATES: &[(&str, &str)] = &[
    ("SKILL.md.j2", include_str!("../../../../templates/skills/SKILL.md.j2")),
    ("router.md.j2", include_str!("../../../../templates/skills/router.md.j2")),
    ("reference.md.j2", include_str!("../../../../templates/skills/reference.md.j2")),
    ("webhook-events.md.j2", include_str!("../../../../templates/skills/webhook-events.md.j2")),
    ("description.j2", include_str!("../../../../templates/skills/description.j2")),
    ("macros.j2", include_str!("../../../../templates/skills/macros.j2")),
    ("quick_start.md.j2", include_str!("../../../../templates/skills/quick_start.md.j2")),
];

/// Labels and sentences in both languages: `key: {en, ru}`.
const STRINGS_FILE: &str = "templates/skills/strings.yaml";
const STRINGS: &str = include_str!("../../../../templates/skills/strings.yaml");

fn fail(message: impl Into<String>) -> RenderError {
    RenderError { artifact: "skills".to_owned(), message: message.into() }
}

/// The environment with every template and filter.
pub fn environment() -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| fail(format!("templates/skills/{name}: {e}")))?;
    }
    env.add_filter("fold", fold);
    env.add_filter("shq", shell_single_quoted);
    env.add_filter("dq", shell_double_quoted);
    env.add_filter("cell", table_cell);
    Ok(env)
}

/// The strings of `lang`, by key.
pub fn strings(lang: Lang) -> Result<BTreeMap<String, String>, RenderError> {
    let all: BTreeMap<String, Text> =
        yaml::from_str_keyed(STRINGS).map_err(|e| fail(format!("{STRINGS_FILE}: {}: {}", e.key, e.error.message)))?;
    Ok(all.into_iter().map(|(k, v)| (k, v.get(lang).to_owned())).collect())
}

/// Wraps text into lines of at most `width` characters (words are never
/// split), joined by a newline and `indent` spaces: the body of a YAML
/// folded scalar.
pub fn fold(text: &str, width: Option<usize>, indent: Option<usize>) -> String {
    let (width, pad) = (width.unwrap_or(78), " ".repeat(indent.unwrap_or(2)));
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join(&format!("\n{pad}"))
}

/// Escapes text for use inside a single-quoted shell string.
pub fn shell_single_quoted(text: &str) -> String {
    text.replace('\'', "'\\''")
}

/// Escapes text for use inside a double-quoted shell string.
pub fn shell_double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Makes text safe inside a Markdown table cell.
pub fn table_cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_word_boundaries() {
        assert_eq!(fold("aaa bbb ccc", Some(7), Some(2)), "aaa bbb\n  ccc");
        assert_eq!(fold("one", None, None), "one");
    }

    #[test]
    fn shell_escapes() {
        assert_eq!(shell_single_quoted("it's"), "it'\\''s");
        assert_eq!(shell_double_quoted(r#"say "hi" \o/"#), r#"say \"hi\" \\o/"#);
        assert_eq!(table_cell("a | b\nc"), "a \\| b c");
    }
}
