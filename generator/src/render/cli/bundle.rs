//! `src/skills.bundle` of the CLI: the agent skills that `pachca skills
//! install` writes, as one plain-text file inside the crate (so the crate
//! stays packageable: `include_str!` cannot reach `generated/skills/`).
//!
//! Written from the same in-memory files as `generated/skills/`. The format
//! (read by `runtime/cli/src/skills.rs`) is the line [`HEADER`], then one
//! record per file, in path order:
//!
//! ```text
//! --- <set>/<path> <byte length>
//! <exactly that many bytes>
//! ```
//!
//! each record's bytes followed by one newline. A set's skill folders (every
//! folder with a `SKILL.md`) and its `skill.json` are carried; `index.json`
//! and `evals/` are for maintainers and stay in `generated/skills/`.

use std::collections::BTreeSet;

use crate::render::skills::{MANIFEST_FILE, SKILLS_DIR};
use crate::render::Files;

/// The bundle's path inside the CLI crate.
pub const BUNDLE_FILE: &str = "src/skills.bundle";

/// The first line of a bundle: its format and version.
pub const HEADER: &str = "pachca-skills-bundle 1";

/// The bundle of every skill set in `files` (paths `skills/<set>/...`).
pub fn render(files: &Files) -> String {
    let prefix = format!("{SKILLS_DIR}/");
    // `skills/<set>/<path>` as (set, path), in path order (a `Files` is sorted).
    let set_files: Vec<(&str, &str, &str)> = files
        .iter()
        .filter_map(|(p, text)| p.strip_prefix(&prefix)?.split_once('/').map(|(set, path)| (set, path, text.as_str())))
        .collect();
    // The skill folders: (set, folder) of every `<folder>/SKILL.md`.
    let skill_dirs: BTreeSet<(&str, &str)> =
        set_files.iter().filter_map(|(set, path, _)| path.strip_suffix("/SKILL.md").filter(|d| !d.contains('/')).map(|dir| (*set, dir))).collect();
    let carried = |set: &str, path: &str| path == MANIFEST_FILE || path.split_once('/').is_some_and(|(dir, _)| skill_dirs.contains(&(set, dir)));
    let mut out = format!("{HEADER}\n");
    for (set, path, text) in set_files.iter().filter(|(set, path, _)| carried(set, path)) {
        out.push_str(&format!("--- {set}/{path} {}\n{text}\n", text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_skill_folders_and_the_manifest_with_exact_lengths() {
        let mut files = Files::new();
        for (path, text) in [
            ("skills/cli-en/pachca/SKILL.md", "router\n"),
            ("skills/cli-en/pachca-chats/SKILL.md", "чаты\n"),
            ("skills/cli-en/pachca-chats/references/export.md", "no trailing newline"),
            ("skills/cli-en/skill.json", "{}\n"),
            ("skills/cli-en/index.json", "{\"skills\": []}\n"),
            ("skills/cli-en/evals/trigger/pachca.json", "[]\n"),
            ("skills/cli-en/notes/README.md", "not a skill folder\n"),
            ("skills/curl-ru/pachca/SKILL.md", "curl\n"),
            ("pachca-cli/src/main.rs", "fn main() {}\n"),
        ] {
            files.insert(path.to_owned(), text.to_owned());
        }
        let expected = "pachca-skills-bundle 1\n\
            --- cli-en/pachca-chats/SKILL.md 9\nчаты\n\n\
            --- cli-en/pachca-chats/references/export.md 19\nno trailing newline\n\
            --- cli-en/pachca/SKILL.md 7\nrouter\n\n\
            --- cli-en/skill.json 3\n{}\n\n\
            --- curl-ru/pachca/SKILL.md 5\ncurl\n\n";
        assert_eq!(render(&files), expected);
    }

    #[test]
    fn no_skills_is_the_header_alone() {
        assert_eq!(render(&Files::new()), "pachca-skills-bundle 1\n");
    }
}
