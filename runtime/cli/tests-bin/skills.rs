//! `pachca skills install|list` of the built binary: what it writes is
//! exactly the skill folders of `generated/skills/<set>/`, byte for byte,
//! in the folder each agent reads, and never over a changed file without
//! `--force`.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

mod support;
use support::{command, stderr_json, Home};

use serde_json::{json, Value};

/// `generated/skills/`, beside this crate.
fn generated_skills() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../skills")
}

/// Every file under `dir`, relative with `/`, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The files of `generated/skills/<set>/` an install writes: those of its
/// skill folders (each folder with a `SKILL.md`), not `index.json`,
/// `skill.json` or `evals/`.
fn skill_files(set: &str) -> Vec<String> {
    let root = generated_skills().join(set);
    tree(&root)
        .into_iter()
        .filter(|p| p.split_once('/').is_some_and(|(dir, _)| dir != "evals" && root.join(dir).join("SKILL.md").is_file()))
        .collect()
}

/// Asserts that `dir` holds exactly the skill folders of `set`, byte for byte.
fn assert_installed(set: &str, dir: &Path) {
    let expected = skill_files(set);
    assert!(expected.len() > 20, "{set}: {} files", expected.len());
    let mut with_record = expected.clone();
    with_record.push(".pachca-skills.json".to_owned());
    with_record.sort();
    assert_eq!(tree(dir), with_record, "{}: exactly the skill folders of {set} and the install record", dir.display());
    let record: Value = serde_json::from_slice(&std::fs::read(dir.join(".pachca-skills.json")).expect("record")).expect("the record is JSON");
    assert_eq!(record["set"], set, "{}: the record names the set", dir.display());
    assert_eq!(record["files"].as_object().map(serde_json::Map::len), Some(expected.len()), "{}: the record lists every file", dir.display());
    for path in &expected {
        let want = std::fs::read(generated_skills().join(set).join(path)).expect("generated file");
        let got = std::fs::read(dir.join(path)).expect("installed file");
        assert!(got == want, "{}: {path} differs from generated/skills/{set}/{path}", dir.display());
    }
}

/// `pachca` with `HOME` the scratch home's `user/`, an English locale
/// unless `env` says otherwise, and `cwd` as its current directory.
fn run(home: &Home, args: &[&str], env: &[(&str, &str)], cwd: Option<&Path>) -> Output {
    let mut cmd = command(home, args);
    cmd.env("HOME", home.0.join("user")).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    cmd.envs(env.iter().copied()).stdin(Stdio::null());
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.output().expect("run pachca")
}

fn json_out(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn installing_into_a_folder_writes_the_generated_files_and_again_nothing() {
    let home = Home::new("skills-dir");
    let dir = home.0.join("out");
    let dir_arg = dir.to_string_lossy().into_owned();
    let first = json_out(&run(&home, &["skills", "install", "--dir", &dir_arg, "-o", "json"], &[], None));
    let expected = skill_files("cli-en");
    assert_eq!(first["set"], "cli-en", "default: the cli variant, English for a C locale");
    assert_eq!(first["written"], json!(expected));
    assert_eq!((first["unchanged"].clone(), first["removed"].clone(), first["dry_run"].clone()), (json!(0), json!([]), json!(false)));
    assert_installed("cli-en", &dir);

    let again = json_out(&run(&home, &["skills", "install", "--dir", &dir_arg, "-o", "json"], &[], None));
    assert_eq!((again["written"].clone(), again["unchanged"].clone()), (json!([]), json!(expected.len())), "the same content is a no-op");
    assert_installed("cli-en", &dir);

    let text = run(&home, &["skills", "install", "--dir", &dir_arg, "-o", "table"], &[], None);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with(&format!("cli-en {} is already installed in {dir_arg}: 11 skills, {} files unchanged", env!("CARGO_PKG_VERSION"), expected.len())), "{text}");

    // What a terminal user sees the first time: each file, then a summary.
    let fresh = home.0.join("fresh");
    let fresh_arg = fresh.to_string_lossy().into_owned();
    let text = run(&home, &["skills", "install", "--dir", &fresh_arg, "-o", "table"], &[], None);
    let text = String::from_utf8_lossy(&text.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    assert_eq!(lines[0], format!("wrote {}", fresh.join(&expected[0]).display()));
    assert_eq!(lines[expected.len()], format!("cli-en {} installed in {fresh_arg}: 11 skills, {} files written, 0 unchanged", env!("CARGO_PKG_VERSION"), expected.len()));
}

#[test]
fn each_agent_gets_its_documented_folder_at_user_and_project_level() {
    let home = Home::new("skills-agents");
    let project = home.0.join("project");
    std::fs::create_dir_all(&project).expect("project dir");
    // Every set once: the default, the curl variant, and the language from the locale.
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case<'_>; 4] = [
        ("claude-code", ".claude/skills", &[], &[]),
        ("cursor", ".cursor/skills", &["--variant", "curl"], &[]),
        ("codex", ".agents/skills", &[], &[("LANG", "ru_RU.UTF-8")]),
        ("gemini-cli", ".gemini/skills", &["--variant", "curl", "--lang", "ru"], &[("LANG", "en_US.UTF-8")]),
    ];
    let sets = ["cli-en", "curl-en", "cli-ru", "curl-ru"];
    for ((agent, folder, extra, env), set) in cases.into_iter().zip(sets) {
        let args: Vec<&str> = ["skills", "install", "--agent", agent, "-o", "json"].into_iter().chain(extra.iter().copied()).collect();
        let user = json_out(&run(&home, &args, env, Some(&project)));
        let dir = home.0.join("user").join(folder);
        assert_eq!((user["set"].as_str(), user["dir"].as_str()), (Some(set), dir.to_str()), "{agent}");
        assert_installed(set, &dir);

        let args: Vec<&str> = args.into_iter().chain(["--project"]).collect();
        let local = json_out(&run(&home, &args, env, Some(&project)));
        assert_eq!(local["dir"].as_str(), project.join(folder).to_str(), "{agent} --project");
        assert_installed(set, &project.join(folder));
    }
}

#[test]
fn a_changed_file_is_kept_until_force() {
    let home = Home::new("skills-force");
    let dir = home.0.join("out");
    let dir_arg = dir.to_string_lossy().into_owned();
    json_out(&run(&home, &["skills", "install", "--dir", &dir_arg, "-o", "json"], &[], None));
    let edited = dir.join("pachca-chats/SKILL.md");
    std::fs::write(&edited, "my own notes\n").expect("edit");
    std::fs::write(dir.join("pachca-chats/mine.md"), "mine\n").expect("extra");

    let refused = run(&home, &["skills", "install", "--dir", &dir_arg, "-o", "json"], &[], None);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    let err = stderr_json(&refused);
    let message = err["error"].as_str().unwrap_or_default();
    assert!(message.contains("pachca-chats/SKILL.md differs") && message.contains("pachca-chats/mine.md is not part of the set"), "{err}");
    assert!(message.ends_with("nothing was written"), "{err}");
    assert!(err["hint"].as_str().unwrap_or_default().contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&edited).expect("kept"), "my own notes\n");

    // --dry-run with --force says what would happen, and does nothing.
    let dry = json_out(&run(&home, &["skills", "install", "--dir", &dir_arg, "--force", "--dry-run", "-o", "json"], &[], None));
    assert_eq!((dry["written"].clone(), dry["removed"].clone(), dry["dry_run"].clone()), (json!(["pachca-chats/SKILL.md"]), json!(["pachca-chats/mine.md"]), json!(true)));
    assert_eq!(std::fs::read_to_string(&edited).expect("kept"), "my own notes\n");

    let forced = json_out(&run(&home, &["skills", "install", "--dir", &dir_arg, "--force", "-o", "json"], &[], None));
    assert_eq!((forced["written"].clone(), forced["removed"].clone()), (json!(["pachca-chats/SKILL.md"]), json!(["pachca-chats/mine.md"])));
    assert_installed("cli-en", &dir);
}

#[test]
fn list_shows_every_set_and_what_each_agent_has() {
    let home = Home::new("skills-list");
    let version = json_out(&run(&home, &["version", "-o", "json"], &[], None))["version"].clone();
    let list = json_out(&run(&home, &["skills", "list", "-o", "json"], &[], Some(&home.0)));
    assert_eq!(list["version"], version);
    let sets = list["sets"].as_array().expect("sets");
    let names: Vec<&str> = sets.iter().filter_map(|s| s["set"].as_str()).collect();
    assert_eq!(names, ["cli-en", "cli-ru", "curl-en", "curl-ru"]);
    for set in sets {
        let name = set["set"].as_str().unwrap_or_default();
        assert_eq!(set["version"], version, "{name}: skill.json has the binary's version");
        let manifest: Value = serde_json::from_slice(&std::fs::read(generated_skills().join(name).join("skill.json")).expect("skill.json")).expect("JSON");
        assert_eq!(manifest["version"], version, "generated/skills/{name}/skill.json");
        let mut listed: Vec<&str> = set["skills"].as_array().expect("skills").iter().filter_map(|s| s["name"].as_str()).collect();
        let mut folders: Vec<String> = skill_files(name).iter().filter_map(|p| p.strip_suffix("/SKILL.md").map(str::to_owned)).collect();
        listed.sort_unstable();
        folders.sort();
        assert_eq!(listed, folders, "{name}");
        for skill in set["skills"].as_array().into_iter().flatten() {
            // The description's first part, as its SKILL.md says it.
            let text = skill["description"].as_str().unwrap_or_default();
            let md = std::fs::read_to_string(generated_skills().join(name).join(skill["name"].as_str().unwrap_or_default()).join("SKILL.md")).expect("SKILL.md");
            let unfolded = md.replace("\n  ", " ");
            assert!(text.len() > 20 && !text.contains("Use when") && unfolded.contains(text), "{name}/{}: {text:?}", skill["name"]);
        }
    }
    let agents = list["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), 8, "four agents, user and project");
    let claude = |list: &Value| list["agents"].as_array().and_then(|a| a.iter().find(|a| a["agent"] == "claude-code" && a["scope"] == "user")).cloned().expect("claude-code user");
    let user_dir = home.0.join("user/.claude/skills");
    assert_eq!(claude(&list)["dir"].as_str(), user_dir.to_str());
    assert_eq!(claude(&list)["installed"], Value::Null);
    assert!(claude(&list)["docs"].as_str().unwrap_or_default().starts_with("https://"));

    json_out(&run(&home, &["skills", "install", "--agent", "claude-code", "--lang", "ru", "-o", "json"], &[], None));
    let list = json_out(&run(&home, &["skills", "list", "-o", "json"], &[], Some(&home.0)));
    assert_eq!(claude(&list)["installed"], json!({"set": "cli-ru", "up_to_date": true, "differing": 0}));
    std::fs::write(user_dir.join("pachca/SKILL.md"), "edited\n").expect("edit");
    let list = json_out(&run(&home, &["skills", "list", "-o", "json"], &[], Some(&home.0)));
    assert_eq!(claude(&list)["installed"], json!({"set": "cli-ru", "up_to_date": false, "differing": 1}));

    let text = run(&home, &["skills", "list", "--variant", "curl", "--lang", "en", "-o", "table"], &[], Some(&home.0));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("\ncurl-en  (11 skills)\n") && !text.contains("cli-en  ("), "{text}");
    assert!(text.contains("  pachca-chats  "), "{text}");
    assert!(text.contains(&format!("  claude-code  user     {}  cli-ru, 1 file changed or missing", user_dir.display())), "{text}");
}

#[test]
fn install_needs_an_agent_or_a_folder() {
    let home = Home::new("skills-usage");
    let none = run(&home, &["skills", "install"], &[], None);
    assert_eq!(none.status.code(), Some(2));
    let err = stderr_json(&none);
    assert!(err["hint"].as_str().unwrap_or_default().contains("--agent claude-code (~/.claude/skills), cursor (~/.cursor/skills)"), "{err}");
    for args in [&["skills", "install", "--agent", "codex", "--dir", "x"][..], &["skills", "install", "--agent", "vim"], &["skills", "install", "--dir", "x", "--project"]] {
        let out = run(&home, args, &[], None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr_json(&out)["type"], "PACHCA_USAGE_ERROR", "{args:?}");
    }
    assert!(!home.0.join("x").exists() && !home.0.join("user").exists(), "nothing written");
}
