//! What the scenarios cover: upstream's workflows (`spec/skills/upstream-workflows.yaml`:
//! each upstream title names the scenario that does the same job, or says
//! why there is none) and the spec's operations (every one is called by
//! some scenario step).
//!
//! [`check`] runs with the other checks of the curated data: a mapped
//! scenario id must exist. How much is covered is measured by the tests
//! (`tests/skills.rs`) with [`uncovered_operations`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::skills::{Curated, CuratedError};
use crate::ir::Api;

/// The mapping file, relative to the workspace root.
pub const UPSTREAM_FILE: &str = "spec/skills/upstream-workflows.yaml";

/// Upstream's workflows by upstream skill name, in file order within each.
pub type UpstreamWorkflows = BTreeMap<String, Vec<UpstreamWorkflow>>;

/// One upstream workflow and what does its job here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamWorkflow {
    /// Upstream's English title.
    pub title: String,
    /// The id of the scenario (of any skill) that does the same job.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Why no scenario does it.
    #[serde(default)]
    pub none: Option<String>,
}

/// Every entry names a scenario that exists, or gives a reason for none
/// (never both); an upstream skill is a skill of the catalogue; a title
/// appears once.
pub fn check(curated: &Curated) -> Result<(), CuratedError> {
    let at = |key: String, message: String| CuratedError::new(UPSTREAM_FILE, key, message);
    let ids: BTreeSet<&str> = curated.scenarios.values().flat_map(|(_, list)| list.iter().map(|s| s.id.as_str())).collect();
    let mut titles: BTreeMap<&str, String> = BTreeMap::new();
    for (skill, workflows) in &curated.upstream {
        if !curated.catalogue.skills.iter().any(|s| &s.name == skill) {
            return Err(at(skill.clone(), format!("`{skill}` is not a skill of {}", super::skills::CATALOGUE_FILE)));
        }
        for (i, w) in workflows.iter().enumerate() {
            let key = format!("{skill}[{i}]");
            if let Some(other) = titles.insert(&w.title, key.clone()) {
                return Err(at(key, format!("the title \"{}\" is also {other}", w.title)));
            }
            match (&w.scenario, &w.none) {
                (Some(id), None) if ids.contains(id.as_str()) => {}
                (Some(id), None) => {
                    return Err(at(format!("{key}.scenario"), format!("no scenario has the id `{id}` (\"{}\"); the ids are in spec/skills/scenarios/", w.title)));
                }
                (None, Some(reason)) if !reason.trim().is_empty() => {}
                (None, Some(_)) => return Err(at(format!("{key}.none"), "say why no scenario does this job".to_owned())),
                (Some(_), Some(_)) => return Err(at(key, "give either `scenario` or `none`, not both".to_owned())),
                (None, None) => return Err(at(key, format!("\"{}\": name the scenario that does this job (`scenario`), or say why there is none (`none`)", w.title))),
            }
        }
    }
    Ok(())
}

/// The operationIds of `api` that no step of `curated`'s scenarios calls, in spec order.
pub fn uncovered_operations(api: &Api, curated: &Curated) -> Vec<String> {
    let called: BTreeSet<&str> = curated.scenarios.values().flat_map(|(_, list)| list.iter()).flat_map(|s| s.steps.iter()).filter_map(|st| st.op.as_deref()).collect();
    api.operations().filter(|o| !called.contains(o.id.as_str())).map(|o| o.id.clone()).collect()
}
