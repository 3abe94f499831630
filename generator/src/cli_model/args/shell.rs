//! Splitting a command line like a POSIX shell, and `<placeholders>`.

use super::{err, ArgError};

/// Splits a command line like a POSIX shell (without expansions).
pub fn tokenize(line: &str) -> Result<Vec<String>, ArgError> {
    let mut tokens = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(t) = current.take() {
                    tokens.push(t);
                }
            }
            '\'' => {
                let t = current.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => t.push(c),
                        None => return err(format!("unterminated single quote in `{line}`")),
                    }
                }
            }
            '"' => {
                let t = current.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => t.push(c),
                            Some(c) => {
                                t.push('\\');
                                t.push(c);
                            }
                            None => return err(format!("unterminated double quote in `{line}`")),
                        },
                        Some(c) => t.push(c),
                        None => return err(format!("unterminated double quote in `{line}`")),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    current.get_or_insert_with(String::new).push(c);
                }
            }
            c => current.get_or_insert_with(String::new).push(c),
        }
    }
    tokens.extend(current);
    Ok(tokens)
}

/// Whether `text` is one placeholder, such as `<chat_id>` or `<YYYY-MM-DD>`.
pub fn is_placeholder(text: &str) -> bool {
    text.len() > 2
        && text.starts_with('<')
        && text.ends_with('>')
        && !text[1..text.len() - 1].contains(['<', '>'])
}

/// `text` with every `<placeholder>` replaced by `with`.
pub fn replace_placeholders(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let candidate = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        if is_placeholder(candidate) && !candidate.contains(char::is_whitespace) {
            out.push_str(with);
        } else {
            out.push_str(candidate);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}
