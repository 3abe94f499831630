//! Helpers shared by the CLI's tests.
#![allow(dead_code)]

pub mod prism;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A scratch config home (and place for test files), removed on drop.
pub struct Home(pub PathBuf);

impl Home {
    /// An empty directory named after the test and this process.
    pub fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("pachca-cli-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Home(dir)
    }

    /// Writes `contents` to `name` in the home and returns its path.
    pub fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The built `pachca` with `args`, `home` as its config home, secrets in
/// the config file, and none of the user's `PACHCA_*` variables.
pub fn command(home: &Home, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pachca"));
    command
        .args(args)
        .env("XDG_CONFIG_HOME", &home.0)
        // Secrets in the config file, never in the keyring of the machine
        // running the tests (as upstream's suite); the keyring tests say otherwise.
        .env("PACHCA_SECRET_STORE", "file")
        .env_remove("PACHCA_TOKEN")
        .env_remove("PACHCA_PROFILE")
        .env_remove("PACHCA_HOME")
        .env_remove("PACHCA_API_URL")
        .env_remove("PACHCA_TIMEOUT");
    command
}

/// Runs [`command`], feeding `stdin` when given.
pub fn pachca(home: &Home, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = command(home, args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pachca");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A command refused before reading stdin may have exited already.
        let _ = pipe.write_all(text.as_bytes());
    }
    child.wait_with_output().expect("pachca output")
}

/// The one JSON object a failing command writes on stderr.
pub fn stderr_json(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stderr);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("stderr is not one JSON object ({e}): {text}"))
}
