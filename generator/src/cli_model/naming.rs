//! Command names from the tag, the HTTP method and the path.
//!
//! The operationId is not used: names follow the resource, as the upstream
//! CLI (and the docs URLs `/api/<group>/<action>`) do.
//!
//! **Group** is the slug of the operation's first tag: lowercase, spaces to
//! `-`, only `[a-z0-9-]` kept (`Group tags` → `group-tags`).
//!
//! **Action**, where a *static* segment is one that is not a `{param}`:
//!
//! * one static segment: a singular resource without parameters names itself
//!   (`/direct_url` → `direct-url`); otherwise CRUD by method: `GET` → `list`
//!   (collection) or `get` (with a parameter), `POST` → `create`,
//!   `PUT`/`PATCH` → `update`, `DELETE` → `delete`;
//! * several static segments, `sub` being the last one:
//!   * `pin` → `pin` / `unpin`; `archive`, `unarchive`, `leave`, `open` are
//!     verbs and name themselves;
//!   * a parameter after `sub` (`/chats/{id}/members/{user_id}`): `get-sub`,
//!     `update-sub`, `add-sub`, or `remove-<sub singular>`;
//!   * a parameter before `sub` (`/chats/{id}/members`): `list-sub` (or
//!     `get-sub` for a singular `sub`), `add-sub`, `update-sub`, `remove-sub`;
//!   * no parameter: `list-sub` / `get-sub`, `create-sub`, `update-sub`, `delete-sub`;
//! * then a trailing `-<group>` or `-<group singular>` is dropped
//!   (`members list-members` → `members list`), and an action equal to the
//!   group becomes the plain CRUD verb (`GET /profile` → `profile get`).
//!
//! A word is plural when it ends in `s` but not in `ss` or `us` (`status`).

use crate::curated::CLI_FILE;
use crate::ir::HttpMethod;

/// Segments that are verbs: the action is the segment itself.
const VERB_SEGMENTS: &[&str] = &["archive", "unarchive", "leave", "open"];

/// The `(group, action)` the rules give an operation.
pub fn derive_name(tag: &str, method: HttpMethod, path: &str) -> Result<(String, String), String> {
    let group = group_slug(tag);
    if group.is_empty() {
        return Err(format!(
            "tag `{tag}` gives an empty command group (only ASCII letters, digits and spaces are kept); add an override in {CLI_FILE}"
        ));
    }
    let action = action(method, path).ok_or_else(|| format!("path `{path}` has no static segment to name a command after"))?;
    Ok((group.clone(), tidy(&group, action, method)))
}

/// The slug of a tag: lowercase, spaces to `-`, only `[a-z0-9-]` kept.
pub fn group_slug(tag: &str) -> String {
    tag.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_whitespace() || c == '_' { '-' } else { c })
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect()
}

/// Whether a resource word is plural (`chats`), as opposed to `status`.
pub fn is_plural(word: &str) -> bool {
    word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us")
}

/// A plural word without its `s`.
pub fn singular(word: &str) -> &str {
    if is_plural(word) {
        &word[..word.len() - 1]
    } else {
        word
    }
}

fn crud(method: HttpMethod, collection: bool) -> &'static str {
    match method {
        HttpMethod::Get if collection => "list",
        HttpMethod::Get | HttpMethod::Head | HttpMethod::Options => "get",
        HttpMethod::Post => "create",
        HttpMethod::Put | HttpMethod::Patch => "update",
        HttpMethod::Delete => "delete",
    }
}

fn action(method: HttpMethod, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_param = |s: &str| s.starts_with('{');
    let statics: Vec<usize> = (0..segments.len()).filter(|&i| !is_param(segments[i])).collect();
    let &last = statics.last()?;
    let has_param = segments.iter().any(|s| is_param(s));
    let sub = segments[last].replace('_', "-");
    if statics.len() == 1 {
        if !is_plural(&sub) && !has_param {
            return Some(sub);
        }
        return Some(crud(method, !has_param).to_owned());
    }
    if sub == "pin" {
        match method {
            HttpMethod::Post => return Some("pin".to_owned()),
            HttpMethod::Delete => return Some("unpin".to_owned()),
            _ => {}
        }
    }
    if VERB_SEGMENTS.contains(&sub.as_str()) {
        return Some(sub);
    }
    let param_after = segments[last + 1..].iter().any(|s| is_param(s));
    let param_before = segments[..last].iter().any(|s| is_param(s));
    let verb = if param_after {
        match method {
            HttpMethod::Delete => return Some(format!("remove-{}", singular(&sub))),
            HttpMethod::Post => "add",
            HttpMethod::Put | HttpMethod::Patch => "update",
            _ => "get",
        }
    } else if param_before {
        match method {
            HttpMethod::Post => "add",
            HttpMethod::Put | HttpMethod::Patch => "update",
            HttpMethod::Delete => "remove",
            _ if is_plural(&sub) => "list",
            _ => "get",
        }
    } else {
        match method {
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Options if is_plural(&sub) => "list",
            other => crud(other, false),
        }
    };
    Some(format!("{verb}-{sub}"))
}

/// Drops a `-<group>` suffix and turns an action equal to the group into a verb.
fn tidy(group: &str, action: String, method: HttpMethod) -> String {
    if action == group {
        return crud(method, false).to_owned();
    }
    for suffix in [group, singular(group)] {
        if let Some(stem) = action.strip_suffix(suffix).and_then(|s| s.strip_suffix('-')) {
            if !stem.is_empty() {
                return stem.to_owned();
            }
        }
    }
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use HttpMethod::*;

    fn name(tag: &str, m: HttpMethod, path: &str) -> String {
        let (g, a) = derive_name(tag, m, path).unwrap();
        format!("{g} {a}")
    }

    #[test]
    fn crud_on_collections_and_items() {
        assert_eq!(name("Chats", Get, "/chats"), "chats list");
        assert_eq!(name("Chats", Get, "/chats/{id}"), "chats get");
        assert_eq!(name("Chats", Post, "/chats"), "chats create");
        assert_eq!(name("Chats", Delete, "/chats/{id}"), "chats delete");
        assert_eq!(name("Profile", Get, "/profile"), "profile get");
        assert_eq!(name("Files", Post, "/direct_url"), "files direct-url");
    }

    #[test]
    fn sub_resources() {
        assert_eq!(name("Members", Get, "/chats/{id}/members"), "members list");
        assert_eq!(name("Members", Delete, "/chats/{id}/members/{user_id}"), "members remove");
        assert_eq!(name("Members", Delete, "/chats/{id}/group_tags/{tag_id}"), "members remove-group-tag");
        assert_eq!(name("Threads", Post, "/messages/{id}/thread"), "threads add");
        assert_eq!(name("Users", Get, "/users/{user_id}/status"), "users get-status");
        assert_eq!(name("Profile", Get, "/profile/status"), "profile get-status");
        assert_eq!(name("Bots", Get, "/webhooks/events"), "bots list-events");
        assert_eq!(name("Messages", Post, "/messages/{id}/pin"), "messages pin");
        assert_eq!(name("Views", Post, "/views/open"), "views open");
    }

    #[test]
    fn slugs() {
        assert_eq!(group_slug("Group tags"), "group-tags");
        assert_eq!(group_slug("Custom Properties"), "custom-properties");
        assert!(derive_name("Чаты", Get, "/chats").is_err());
    }
}
