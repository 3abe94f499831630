//! The run plan of the scenario test: every scenario of every set, with each
//! step's command exactly as its markdown shows it, what the step's response
//! fills for later steps, the scenario's inputs and its goal. The CLI crate's
//! `tests/skill_scenarios.rs` (from `runtime/cli/tests-bin/`) runs the plan:
//! the `pachca` lines with the built binary, the `curl` blocks with real
//! `curl`, through a recording proxy in front of Prism.
//!
//! The commands are read back from the rendered markdown, not rebuilt, so
//! the test runs what an agent reads.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{in_variant, Builder, Variant};
use super::curated::{Goal, Place};
use super::{set_dir, RenderError, SKILLS_DIR};
use crate::ir::ResponseBody;
use crate::render::Files;

/// The plan's file inside `generated/`.
pub const PLAN_FILE: &str = "pachca-cli/tests/data/skill_scenarios.json";

/// The test that runs it, copied from the runtime.
pub const TEST_FILE: (&str, &str) = ("pachca-cli/tests/skill_scenarios.rs", include_str!("../../../../runtime/cli/tests-bin/skill_scenarios.rs"));

/// The scenarios of one set.
#[derive(Debug, Clone, Serialize)]
pub struct SetPlan {
    /// `cli-en`.
    pub set: String,
    pub variant: Variant,
    /// The API base URL the `curl` commands are written with.
    pub base_url: String,
    pub scenarios: Vec<ScenarioPlan>,
}

/// One scenario, ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioPlan {
    pub skill: String,
    pub id: String,
    /// The markdown file it is in, inside the set.
    pub file: String,
    pub goal: Goal,
    pub inputs: BTreeMap<String, String>,
    pub files: Vec<String>,
    pub steps: Vec<StepPlan>,
}

/// One step that runs something.
#[derive(Debug, Clone, Serialize)]
pub struct StepPlan {
    /// The code block's text: one `pachca ...` line or one `curl` command.
    pub command: String,
    /// The operation's `[method, path template]`; `None` for a hand-written
    /// command, whose requests are its own.
    pub request: Option<[String; 2]>,
    /// `data` when the response wraps the result in `{"data": ...}`: a
    /// `curl` step's output is read inside it.
    pub envelope: Option<&'static str>,
    /// Placeholder → dotted path in the result.
    pub out: BTreeMap<String, String>,
}

/// The plan of the set `b` renders, from its markdown already in `files`.
pub fn set_plan(b: &Builder<'_>, files: &Files) -> Result<SetPlan, RenderError> {
    let set = set_dir(b.variant, b.lang);
    let fail = |message: String| RenderError { artifact: PLAN_FILE.to_owned(), message: format!("{set}: {message}") };
    let mut scenarios = Vec::new();
    for (skill, (_, list)) in &b.curated.scenarios {
        for sc in list {
            let Some(goal) = &sc.goal else { continue };
            let goal = Goal::parse(goal).map_err(|e| fail(format!("scenario `{}`: {e}", sc.id)))?;
            let ctx = b.scenario(skill, sc)?;
            let file = match sc.place {
                Place::Inline => format!("{skill}/SKILL.md"),
                Place::Reference => format!("{skill}/references/{}.md", sc.id),
            };
            let text = files.get(&format!("{SKILLS_DIR}/{set}/{file}")).ok_or_else(|| fail(format!("`{file}` was not rendered")))?;
            let section = match sc.place {
                Place::Inline => section(text, &format!("### {}", ctx.title)).ok_or_else(|| fail(format!("`{file}` has no section `### {}`", ctx.title)))?,
                Place::Reference => text.as_str(),
            };
            let blocks = code_blocks(section);
            let runs: Vec<_> = sc.steps.iter().filter(|s| in_variant(s, b.variant) && (s.op.is_some() || s.run.is_some())).collect();
            if blocks.len() != runs.len() {
                return Err(fail(format!("scenario `{}` in `{file}`: {} code blocks for {} steps with a command", sc.id, blocks.len(), runs.len())));
            }
            let steps = runs
                .iter()
                .zip(blocks)
                .map(|(step, command)| {
                    let op = step.op.as_deref().and_then(|op| super::request::operation(b.api, op));
                    StepPlan {
                        command,
                        request: op.map(|op| [op.http_method.as_str().to_owned(), op.path.clone()]),
                        envelope: op.and_then(|op| match op.response.body {
                            ResponseBody::Data { .. } | ResponseBody::List { .. } => Some("data"),
                            _ => None,
                        }),
                        out: step.out.clone(),
                    }
                })
                .collect();
            scenarios.push(ScenarioPlan {
                skill: skill.clone(),
                id: sc.id.clone(),
                file,
                goal,
                inputs: sc.inputs.iter().map(|(k, v)| (k.clone(), v.to_string())).collect(),
                files: sc.files.clone(),
                steps,
            });
        }
    }
    Ok(SetPlan { set, variant: b.variant, base_url: b.base_url.clone(), scenarios })
}

/// Writes the plan of every set and the test that runs it.
pub fn render(plans: &[SetPlan], files: &mut Files) -> Result<(), RenderError> {
    let text = serde_json::to_string_pretty(plans).map_err(|e| RenderError { artifact: PLAN_FILE.to_owned(), message: e.to_string() })?;
    files.insert(PLAN_FILE.to_owned(), text + "\n");
    files.insert(TEST_FILE.0.to_owned(), TEST_FILE.1.to_owned());
    Ok(())
}

/// The text from the line `heading` to the next heading of its level or above.
fn section<'t>(text: &'t str, heading: &str) -> Option<&'t str> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let is_stop = |line: &str| {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
    };
    let mut begin = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        match begin {
            None if bare == heading => begin = Some(offset),
            Some(start) if is_stop(bare) => return text.get(start..offset),
            _ => {}
        }
        offset += line.len();
    }
    begin.and_then(|start| text.get(start..))
}

/// The `bash` code blocks of a markdown text, dedented.
fn code_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed == "```bash" => current = Some((indent, Vec::new())),
            None => {}
            Some((_, lines)) if trimmed == "```" => {
                out.push(lines.join("\n"));
                current = None;
            }
            Some((indent, lines)) => lines.push(line.get(*indent..).unwrap_or(line.trim_start())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{code_blocks, section};

    const MD: &str = "# Skill\n\n## Scenarios\n\n### One\n\n1. Do:\n\n   ```bash\n   pachca a b\n   ```\n\n### Two\n\n1. Then:\n\n   ```bash\n   curl -X POST \"u\" \\\n     -d '{}'\n   ```\n\n## Limits\n\ntext\n";

    #[test]
    fn a_section_ends_at_the_next_heading_of_its_level() {
        assert_eq!(section(MD, "### One"), Some("### One\n\n1. Do:\n\n   ```bash\n   pachca a b\n   ```\n\n"));
        let two = section(MD, "### Two").expect("section");
        assert!(two.starts_with("### Two") && two.ends_with("```\n\n"), "{two:?}");
        assert_eq!(section(MD, "### Three"), None);
    }

    #[test]
    fn code_blocks_are_dedented_and_kept_whole() {
        assert_eq!(code_blocks(MD), vec!["pachca a b".to_owned(), "curl -X POST \"u\" \\\n  -d '{}'".to_owned()]);
    }
}
