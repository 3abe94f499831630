//! The project's pinned npm tools (`tools/<name>/`: `package.json`,
//! `package-lock.json`, `.npmrc`), installed with `npm ci` by the project
//! itself, never globally or through a bare `npx`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One pinned tool folder.
pub struct NpmTool {
    /// The folder under the workspace root (`tools/prism`).
    pub dir: &'static str,
    /// What needs it, for error messages ("the contract tests").
    pub needed_by: &'static str,
}

/// The Prism mock server of the contract tests.
pub const PRISM: NpmTool = NpmTool { dir: "tools/prism", needed_by: "the contract tests (Prism)" };

/// The TypeSpec compiler behind `--tsp`.
pub const TYPESPEC: NpmTool = NpmTool { dir: "tools/typespec", needed_by: "`--tsp` (the TypeSpec compiler)" };

/// The TypeSpec http-specs conformance suite, with its own compiler and Spector.
pub const HTTP_SPECS: NpmTool = NpmTool { dir: "tools/http-specs", needed_by: "`cargo xtask conformance` (@typespec/http-specs)" };

/// The oldest node the pinned tools run on (TypeSpec 1.10 and Prism 5.14 both support node 20).
const MIN_NODE_MAJOR: u32 = 20;

impl NpmTool {
    /// The tool's folder.
    pub fn path(&self, root: &Path) -> PathBuf {
        root.join(self.dir)
    }

    /// Installs the tool with `npm ci` unless every package its
    /// `package.json` pins is installed at that exact version.
    pub fn ensure(&self, root: &Path) -> Result<(), String> {
        let dir = self.path(root);
        let stale = self.stale_packages(&dir)?;
        if stale.is_empty() {
            return Ok(());
        }
        check_node()?;
        println!("==> {}: npm ci --prefix {} ({})", self.dir, self.dir, stale.join(", "));
        let output = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("cannot run npm ({e}); {} needs node >= {MIN_NODE_MAJOR} with npm", self.needed_by))?;
        if !output.status.success() {
            return Err(format!(
                "`npm ci --prefix {}` failed ({}); {} cannot run without it:\n{}{}",
                self.dir,
                output.status,
                self.needed_by,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let still = self.stale_packages(&dir)?;
        if !still.is_empty() {
            return Err(format!("`npm ci --prefix {}` succeeded but left {} not at the pinned version", self.dir, still.join(", ")));
        }
        Ok(())
    }

    /// The pinned packages that are missing or at another version, as
    /// `name (want V, have W)`.
    fn stale_packages(&self, dir: &Path) -> Result<Vec<String>, String> {
        let manifest = dir.join("package.json");
        let pinned = read_json(&manifest)?;
        let deps = pinned.get("devDependencies").and_then(|d| d.as_object()).ok_or_else(|| {
            format!("{}: expected `devDependencies` with the pinned packages", manifest.display())
        })?;
        let mut stale = Vec::new();
        for (name, want) in deps {
            let want = want.as_str().unwrap_or_default();
            let installed = dir.join("node_modules").join(name).join("package.json");
            let have = read_json(&installed).ok().and_then(|p| p.get("version").and_then(|v| v.as_str()).map(str::to_owned));
            if have.as_deref() != Some(want) {
                stale.push(format!("{name} (want {want}, have {})", have.as_deref().unwrap_or("none")));
            }
        }
        Ok(stale)
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: invalid JSON: {e}", path.display()))
}

/// Checks that `node` runs and is at least [`MIN_NODE_MAJOR`].
pub fn check_node() -> Result<(), String> {
    let hint = format!("install node {MIN_NODE_MAJOR} or later (with npm) and put it on PATH");
    let output = Command::new("node").arg("--version").output().map_err(|e| format!("cannot run `node` ({e}); {hint}"))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if m >= MIN_NODE_MAJOR => Ok(()),
        _ => Err(format!("`node --version` says `{version}`; {hint}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_other_version_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("package.json"), r#"{"devDependencies": {"a": "1.0.0", "@s/b": "2.0.0"}}"#).unwrap();
        let pkg = dir.path().join("node_modules/@s/b");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("package.json"), r#"{"version": "2.0.1"}"#).unwrap();
        let tool = NpmTool { dir: "x", needed_by: "test" };
        assert_eq!(tool.stale_packages(dir.path()).unwrap(), ["a (want 1.0.0, have none)", "@s/b (want 2.0.0, have 2.0.1)"]);
        std::fs::write(pkg.join("package.json"), r#"{"version": "2.0.0"}"#).unwrap();
        let a = dir.path().join("node_modules/a");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::write(a.join("package.json"), r#"{"version": "1.0.0"}"#).unwrap();
        assert!(tool.stale_packages(dir.path()).unwrap().is_empty());
    }
}
