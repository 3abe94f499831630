//! Reading files of a git revision.

use std::path::Path;
use std::process::Command;

/// `git show REV:PATH` in `root`: `Ok(None)` when the revision exists but
/// has no such file, `Err` when git cannot answer (no git, not a checkout,
/// no such revision).
pub fn show(root: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
    let git = |args: &[&str]| {
        Command::new("git").arg("-C").arg(root).args(args).output().map_err(|e| format!("cannot run git: {e}"))
    };
    let output = git(&["show", &format!("{rev}:{path}")])?;
    if output.status.success() {
        return Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()));
    }
    // Either the file is not in the revision or there is no such revision: tell them apart.
    let revision = git(&["rev-parse", "--verify", "-q", &format!("{rev}^{{commit}}")])?;
    if revision.status.success() {
        Ok(None)
    } else {
        Err(format!("{}: no git revision `{rev}` ({})", root.display(), String::from_utf8_lossy(&output.stderr).trim()))
    }
}
