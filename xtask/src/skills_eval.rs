//! `cargo xtask skills eval --agent CMD [--set SET] [--dir DIR]`: runs the
//! evals shipped with the generated skills against an agent.
//!
//! For every request of a set's `evals/trigger/*.json` and
//! `evals/routing/*.json` (each distinct request once), `CMD` runs through
//! `sh -c` with the request on stdin and `PACHCA_SKILLS_DIR` set to the
//! set's folder; it prints the name of the skill it would load, or `none`,
//! as one line on stdout. The report gives, per skill, the true and false
//! positives and negatives of its trigger evals with precision and recall,
//! and the router's accuracy on the routing evals. Low scores are not an
//! error: the exit status is non-zero only when the runner cannot run (an
//! eval file is missing or malformed, `CMD` fails or prints no single line).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use generator::render::skills::{self, TRIGGER_EVALS_DIR};
use serde::Deserialize;

/// The answer for "no skill".
pub const NONE: &str = "none";

/// One case of `evals/trigger/<skill>.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriggerCase {
    query: String,
    should_trigger: bool,
    #[allow(dead_code)]
    note: String,
}

/// One case of `evals/routing/<router>-routing.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingCase {
    query: String,
    expected_skill: String,
    #[allow(dead_code)]
    note: String,
}

/// The trigger eval score of one skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub skill: String,
    /// Should trigger, and the agent picked the skill.
    pub tp: usize,
    /// Should not trigger (a near miss), and the agent picked the skill.
    pub fp: usize,
    /// Should trigger, and the agent picked another skill or none.
    pub fn_: usize,
    /// Should not trigger, and the agent did not pick the skill.
    pub tn: usize,
}

impl Score {
    /// `tp / (tp + fp)`; `None` when the skill was never picked.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`; `None` when nothing should trigger it.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The result of one set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetReport {
    pub set: String,
    /// Distinct requests, each run once.
    pub requests: usize,
    /// Per trigger eval file, by skill name.
    pub scores: Vec<Score>,
    /// Routing cases the agent sent to the expected skill, and all of them.
    pub routed: (usize, usize),
    /// Answers that name no skill of the set (counted as wrong), with how often.
    pub unknown: BTreeMap<String, usize>,
}

impl SetReport {
    /// Every skill's counts summed.
    pub fn total(&self) -> Score {
        let mut all = Score { skill: "all".to_owned(), tp: 0, fp: 0, fn_: 0, tn: 0 };
        for s in &self.scores {
            all.tp += s.tp;
            all.fp += s.fp;
            all.fn_ += s.fn_;
            all.tn += s.tn;
        }
        all
    }

    /// The report as printed.
    pub fn render(&self) -> String {
        let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
        let width = self.scores.iter().map(|s| s.skill.len()).max().unwrap_or(0).max(5);
        let mut out = format!("{}: {} requests\n", self.set, self.requests);
        out.push_str(&format!("{:<width$} {:>4} {:>4} {:>4} {:>4} {:>9} {:>6}\n", "skill", "TP", "FP", "FN", "TN", "precision", "recall"));
        for s in self.scores.iter().chain([&self.total()]) {
            out.push_str(&format!(
                "{:<width$} {:>4} {:>4} {:>4} {:>4} {:>9} {:>6}\n",
                s.skill,
                s.tp,
                s.fp,
                s.fn_,
                s.tn,
                fmt(s.precision()),
                fmt(s.recall())
            ));
        }
        let (ok, all) = self.routed;
        out.push_str(&format!("router accuracy: {ok}/{all} = {}\n", fmt(ratio(ok, all))));
        if !self.unknown.is_empty() {
            let list: Vec<String> = self.unknown.iter().map(|(name, n)| format!("`{name}` ({n})")).collect();
            out.push_str(&format!("answers naming no skill of the set (counted as wrong): {}\n", list.join(", ")));
        }
        out
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `.json` files of `dir`, by name.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e} (run `cargo xtask generate` first?)", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no eval files", dir.display()));
    }
    Ok(files)
}

/// Runs `agent` on `query` and returns the line it printed.
fn ask(agent: &str, set_dir: &Path, query: &str) -> Result<String, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(agent)
        .env("PACHCA_SKILLS_DIR", set_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `sh -c {agent}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // An agent that does not read its stdin closes the pipe early: not an error.
        match stdin.write_all(format!("{query}\n").as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(format!("writing to the agent: {e}")),
            _ => {}
        }
    }
    let out = child.wait_with_output().map_err(|e| format!("waiting for the agent: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let said = if stderr.trim().is_empty() { String::new() } else { format!(": {}", stderr.trim()) };
        return Err(format!("the agent failed ({}) on {query:?}{said}", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines[..] {
        [name] => Ok(name.to_owned()),
        [] => Err(format!("the agent printed nothing on {query:?}; it prints one skill name, or `{NONE}`")),
        _ => Err(format!("the agent printed {} lines on {query:?}; it prints one skill name, or `{NONE}`: {stdout:?}", lines.len())),
    }
}

/// Runs every eval of the set in `set_dir` (named `set`) against `agent`;
/// `progress` is told each request as it is answered (`done`, `total`,
/// request, answer).
pub fn run_set(set: &str, set_dir: &Path, agent: &str, progress: &mut dyn FnMut(usize, usize, &str, &str)) -> Result<SetReport, String> {
    let set_dir = std::fs::canonicalize(set_dir).map_err(|e| format!("{}: {e}", set_dir.display()))?;
    let skills: Vec<String> = std::fs::read_dir(&set_dir)
        .map_err(|e| format!("{}: {e}", set_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("SKILL.md").is_file())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let mut trigger: Vec<(String, Vec<TriggerCase>)> = Vec::new();
    for path in json_files(&set_dir.join(TRIGGER_EVALS_DIR))? {
        let skill = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if !skills.contains(&skill) {
            return Err(format!("{}: there is no skill `{skill}` in {}", path.display(), set_dir.display()));
        }
        trigger.push((skill, read_json(&path)?));
    }
    let mut routing: Vec<RoutingCase> = Vec::new();
    for path in json_files(&set_dir.join("evals/routing"))? {
        routing.extend(read_json::<Vec<RoutingCase>>(&path)?);
    }
    // Each distinct request once, in the order met.
    let mut queries: Vec<&str> = Vec::new();
    for q in trigger.iter().flat_map(|(_, cases)| cases.iter().map(|c| c.query.as_str())).chain(routing.iter().map(|c| c.query.as_str())) {
        if !queries.contains(&q) {
            queries.push(q);
        }
    }
    let mut answers: BTreeMap<&str, String> = BTreeMap::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    for (i, q) in queries.iter().enumerate() {
        let answer = ask(agent, &set_dir, q)?;
        progress(i + 1, queries.len(), q, &answer);
        if answer != NONE && !skills.contains(&answer) {
            *unknown.entry(answer.clone()).or_default() += 1;
        }
        answers.insert(q, answer);
    }
    let scores = trigger
        .iter()
        .map(|(skill, cases)| {
            let mut s = Score { skill: skill.clone(), tp: 0, fp: 0, fn_: 0, tn: 0 };
            for c in cases {
                let picked = answers[c.query.as_str()] == *skill;
                match (c.should_trigger, picked) {
                    (true, true) => s.tp += 1,
                    (true, false) => s.fn_ += 1,
                    (false, true) => s.fp += 1,
                    (false, false) => s.tn += 1,
                }
            }
            s
        })
        .collect();
    let routed = routing.iter().filter(|c| answers[c.query.as_str()] == c.expected_skill).count();
    Ok(SetReport { set: set.to_owned(), requests: queries.len(), scores, routed: (routed, routing.len()), unknown })
}

/// The command line of `skills eval` (after `skills eval`).
pub fn eval(args: &[String], root: &Path, usage: &str) -> Result<ExitCode, String> {
    let sets: Vec<String> = skills::SETS.iter().map(|&(variant, lang)| skills::set_dir(variant, lang)).collect();
    let (mut agent, mut set, mut dir) = (None, None, root.join("generated").join(skills::SKILLS_DIR));
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{usage}"));
        match arg.as_str() {
            "--agent" => agent = Some(value("--agent")?),
            "--set" => {
                let name = value("--set")?;
                if !sets.contains(&name) {
                    return Err(format!("unknown set `{name}`; expected one of: {}", sets.join(", ")));
                }
                set = Some(name);
            }
            "--dir" => dir = PathBuf::from(value("--dir")?),
            other => return Err(format!("unknown argument `{other}`\n{usage}")),
        }
    }
    let agent = agent.ok_or_else(|| format!("skills eval needs --agent CMD\n{usage}"))?;
    let chosen: Vec<String> = set.map_or(sets, |s| vec![s]);
    for name in chosen {
        let set_dir = dir.join(&name);
        eprintln!("==> {name}: {}", set_dir.display());
        let mut progress = |done: usize, total: usize, q: &str, answer: &str| eprintln!("  [{done}/{total}] {answer:<16} {q}");
        let report = run_set(&name, &set_dir, &agent, &mut progress)?;
        println!("{}", report.render());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set with three skills and hand-written evals, in a fresh temp dir.
    fn fixture(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-skills-eval-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let set = root.join("cli-en");
        for skill in ["pachca", "pachca-chats", "pachca-tasks", "pachca-messages"] {
            std::fs::create_dir_all(set.join(skill)).expect("dir");
            std::fs::write(set.join(skill).join("SKILL.md"), format!("---\nname: {skill}\n---\n")).expect("SKILL.md");
        }
        std::fs::create_dir_all(set.join("evals/trigger")).expect("dir");
        std::fs::create_dir_all(set.join("evals/routing")).expect("dir");
        let trigger = |cases: &[(&str, bool)]| {
            let list: Vec<serde_json::Value> =
                cases.iter().map(|(q, t)| serde_json::json!({"query": q, "should_trigger": t, "note": "n"})).collect();
            serde_json::to_string_pretty(&list).expect("json")
        };
        let chats: &[(&str, bool)] = &[
            ("create a channel for sales", true),
            ("rename chat 5 to ops", true),
            ("archive the old chat", true),
            ("post hello in the chat", false),
            ("delete the chat message 12", false),
            ("make a task for Olga", false),
        ];
        let tasks: &[(&str, bool)] = &[
            ("add a task for Pavel", true),
            ("remind me at 10", true),
            ("close task 88123", true),
            ("what tasks are due today", true),
            ("post the task list in chat", false),
            ("send hi to Olga", false),
        ];
        std::fs::write(set.join("evals/trigger/pachca-chats.json"), trigger(chats)).expect("write");
        std::fs::write(set.join("evals/trigger/pachca-tasks.json"), trigger(tasks)).expect("write");
        let routing = serde_json::json!([
            {"query": "create a channel for sales", "expected_skill": "pachca-chats", "note": "n"},
            {"query": "rename chat 5 to ops", "expected_skill": "pachca-chats", "note": "n"},
            {"query": "archive the old chat", "expected_skill": "pachca-chats", "note": "n"},
            {"query": "post hello in the chat", "expected_skill": "pachca-messages", "note": "n"},
            {"query": "delete the chat message 12", "expected_skill": "pachca-messages", "note": "n"},
            {"query": "make a task for Olga", "expected_skill": "pachca-tasks", "note": "n"},
            {"query": "add a task for Pavel", "expected_skill": "pachca-tasks", "note": "n"},
            {"query": "remind me at 10", "expected_skill": "pachca-tasks", "note": "n"},
            {"query": "close task 88123", "expected_skill": "pachca-tasks", "note": "n"},
            {"query": "what tasks are due today", "expected_skill": "pachca-tasks", "note": "n"},
            {"query": "post the task list in chat", "expected_skill": "pachca-messages", "note": "n"},
            {"query": "send hi to Olga", "expected_skill": "pachca-messages", "note": "n"},
            {"query": "install the pachca cli", "expected_skill": "pachca", "note": "n"}
        ]);
        std::fs::write(set.join("evals/routing/pachca-routing.json"), routing.to_string()).expect("write");
        // The fake agent: a keyword rule, checks it sees the set, logs each call.
        let agent = r#"read -r q
test -f "$PACHCA_SKILLS_DIR/pachca-chats/SKILL.md" || { echo "no skills dir" >&2; exit 3; }
echo "$q" >> "$PACHCA_SKILLS_DIR/../calls.log"
case "$q" in
  *task*) echo pachca-tasks ;;
  *chat*) echo "  pachca-chats  " ;;
  *remind*) echo pachca-robots ;;
  *pachca*) echo pachca ;;
  *) echo none ;;
esac
"#;
        std::fs::write(root.join("agent.sh"), agent).expect("agent");
        root
    }

    fn agent(root: &Path) -> String {
        format!("sh '{}'", root.join("agent.sh").display())
    }

    /// With the keyword agent the numbers are known exactly:
    /// chats: TP 2 ("rename chat…", "archive the old chat"), FN 1 ("create a
    /// channel…" → none), FP 2 ("post hello in the chat", "delete the chat
    /// message 12"), TN 1 ("make a task…" → tasks);
    /// tasks: TP 3, FN 1 ("remind me at 10" → an unknown name), FP 1 ("post
    /// the task list in chat": *task* wins), TN 1 ("send hi…" → none);
    /// routing: 7 of 13 (the 5 true positives, "make a task for Olga" and
    /// "install the pachca cli").
    #[test]
    fn the_keyword_agent_scores_exactly() {
        let root = fixture("scores");
        let mut seen = Vec::new();
        let report = run_set("cli-en", &root.join("cli-en"), &agent(&root), &mut |done, total, q, a| seen.push(format!("{done}/{total} {a} {q}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let score = |skill: &str, tp, fp, fn_, tn| Score { skill: skill.to_owned(), tp, fp, fn_, tn };
        assert_eq!(report.scores, [score("pachca-chats", 2, 2, 1, 1), score("pachca-tasks", 3, 1, 1, 1)]);
        assert_eq!(report.total(), score("all", 5, 3, 2, 2));
        assert_eq!(report.scores[0].precision(), Some(0.5));
        assert_eq!(report.scores[0].recall(), Some(2.0 / 3.0));
        assert_eq!(report.scores[1].precision(), Some(0.75));
        assert_eq!(report.scores[1].recall(), Some(0.75));
        assert_eq!(report.routed, (7, 13));
        assert_eq!(report.requests, 13);
        assert_eq!(report.unknown, BTreeMap::from([("pachca-robots".to_owned(), 1)]));
        // Each distinct request ran once, though most are in two files.
        let calls = std::fs::read_to_string(root.join("calls.log")).expect("calls.log");
        assert_eq!(calls.lines().count(), 13, "{calls}");
        assert_eq!(seen.first().map(String::as_str), Some("1/13 none create a channel for sales"));
        assert_eq!(seen.last().map(String::as_str), Some("13/13 pachca install the pachca cli"));
        assert_eq!(
            report.render(),
            "cli-en: 13 requests
skill          TP   FP   FN   TN precision recall
pachca-chats    2    2    1    1     0.500  0.667
pachca-tasks    3    1    1    1     0.750  0.750
all             5    3    2    2     0.625  0.714
router accuracy: 7/13 = 0.538
answers naming no skill of the set (counted as wrong): `pachca-robots` (1)
"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A failing agent, one that prints more or less than one line, and a
    /// set without evals are runner errors; a skill never picked has no
    /// precision ("-").
    #[test]
    fn runner_errors_and_empty_scores() {
        let root = fixture("errors");
        let set = root.join("cli-en");
        let run = |agent: &str| run_set("cli-en", &set, agent, &mut |_, _, _, _| {});
        let e = run("cat >/dev/null; echo boom >&2; exit 4").expect_err("a failing agent");
        assert_eq!(e, "the agent failed (exit status: 4) on \"create a channel for sales\": boom");
        let e = run("echo pachca-chats; echo pachca-tasks").expect_err("two lines");
        assert!(e.contains("the agent printed 2 lines on \"create a channel for sales\""), "{e}");
        let e = run("true").expect_err("nothing");
        assert!(e.contains("the agent printed nothing"), "{e}");
        // `cat` is not read by this agent: the closed pipe is not an error.
        let report = run("echo none").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.scores[0], Score { skill: "pachca-chats".into(), tp: 0, fp: 0, fn_: 3, tn: 3 });
        assert!(report.render().contains("pachca-chats    0    0    3    3         -  0.000\n"), "{}", report.render());
        std::fs::remove_dir_all(set.join("evals/routing")).expect("rm");
        let e = run("echo none").expect_err("no routing evals");
        assert!(e.contains("evals/routing") && e.contains("run `cargo xtask generate` first?"), "{e}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_command_line_is_checked() {
        let root = Path::new("/nonexistent");
        let e = eval(&["--set".into(), "cli-fr".into()], root, "USAGE").expect_err("a bad set");
        assert_eq!(e, "unknown set `cli-fr`; expected one of: cli-en, cli-ru, curl-en, curl-ru");
        let e = eval(&[], root, "USAGE").expect_err("no agent");
        assert_eq!(e, "skills eval needs --agent CMD\nUSAGE");
    }
}
