//! The skills' proof against the real command line: every `pachca ...`
//! line of the rendered skills becomes a test of the CLI crate
//! (`pachca-cli/tests/skill_commands.rs`) that runs the built binary with
//! the line's arguments (placeholders replaced by sample values): generated
//! commands with `--dry-run`, which parses and validates every flag through
//! clap and the request builder; hand-written ones with `--help`.

use std::collections::BTreeSet;

use quote::quote;

use crate::cli_model::args::{resolve_line, sample_argv, Resolved};
use crate::cli_model::CliModel;
use crate::render::rust::{format_file, GENERATED_HEADER};
use crate::render::{Files, RenderError};

/// Where the test goes inside `generated/`.
pub const TEST_FILE: &str = "pachca-cli/tests/skill_commands.rs";

/// Every `pachca ...` line of a code block and every inline code span starting with `pachca `.
pub fn command_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            if trimmed.starts_with("pachca ") {
                out.push(trimmed.to_owned());
            }
            continue;
        }
        for (i, span) in trimmed.split('`').enumerate() {
            if i % 2 == 1 && span.starts_with("pachca ") {
                out.push(span.to_owned());
            }
        }
    }
    out
}

/// Renders the test from the skill files already in `files`.
pub fn render(cli: &CliModel, files: &mut Files) -> Result<(), RenderError> {
    let error = |message: String| RenderError { artifact: TEST_FILE.to_owned(), message };
    let lines: BTreeSet<String> = files
        .iter()
        .filter(|(path, _)| path.starts_with("skills/cli-") && path.ends_with(".md"))
        .flat_map(|(_, text)| command_lines(text))
        .collect();
    let mut generated = Vec::new();
    let mut other = Vec::new();
    for line in &lines {
        let argv = sample_argv(cli, line).map_err(|e| error(format!("`{line}`: {e}")))?;
        let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
        match resolve_line(cli, line).map_err(|e| error(format!("`{line}`: {e}")))? {
            Resolved::Generated(_) => generated.push(quote!(&[#(#args),*])),
            Resolved::HandWritten(_) | Resolved::Help => other.push(quote!(&[#(#args),*])),
        }
    }
    let total = lines.len();
    let tokens = quote! {
        //! Every `pachca ...` line of the generated agent skills, run by the
        //! built binary: generated commands with `--dry-run` (clap parses
        //! every flag, the request is built, nothing is sent), hand-written
        //! ones with `--help`. Placeholders are replaced by sample values.

        use std::process::Command;

        const GENERATED: &[&[&str]] = &[#(#generated),*];
        const HAND_WRITTEN: &[&[&str]] = &[#(#other),*];

        fn run(args: &[&str], extra: &[&str], home: &std::path::Path) -> Result<(), String> {
            let out = Command::new(env!("CARGO_BIN_EXE_pachca"))
                .args(args)
                .args(extra)
                .env("XDG_CONFIG_HOME", home)
                .env_remove("PACHCA_TOKEN")
                .env_remove("PACHCA_PROFILE")
                .stdin(std::process::Stdio::null())
                .output()
                .map_err(|e| format!("cannot run pachca: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(format!("pachca {}: exit {:?}: {}", args.join(" "), out.status.code(), String::from_utf8_lossy(&out.stderr).trim()))
            }
        }

        #[test]
        fn every_skill_command_line_runs() {
            let home = std::env::temp_dir().join(format!("pachca-skill-commands-{}", std::process::id()));
            let mut failures = Vec::new();
            for args in GENERATED {
                if let Err(e) = run(args, &["--dry-run", "--no-input"], &home) {
                    failures.push(e);
                }
            }
            for args in HAND_WRITTEN {
                if let Err(e) = run(args, &["--help"], &home) {
                    failures.push(e);
                }
            }
            let _ = std::fs::remove_dir_all(&home);
            let total = GENERATED.len() + HAND_WRITTEN.len();
            println!("{}/{} skill command lines run", total - failures.len(), total);
            assert_eq!(total, #total);
            assert!(failures.is_empty(), "skill command lines the CLI rejects:\n{}", failures.join("\n"));
        }
    };
    files.insert(TEST_FILE.to_owned(), format_file(TEST_FILE, GENERATED_HEADER, tokens)?);
    Ok(())
}
