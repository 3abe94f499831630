//! The generated agent skills: snapshots of every file, every `pachca ...`
//! command resolves against the CLI model, every `METHOD /path` exists in the
//! spec, the evals ship in upstream's format and pass their check, each
//! SKILL.md fits the token budget, and bad curated data gives errors that
//! name the file and key.
//!
//! When the CLI crate (`generated/pachca-cli`) lands, add a test that feeds
//! [`generator::cli_model::args::sample_argv`] of every command line below
//! to its clap definition (`Cli::try_parse_from`).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use generator::cli_model::args::{self, Resolved};
use generator::cli_model::{self, CliModel};
use generator::ir::Api;
use generator::pin::{self, Lang, SpecSource};
use generator::render::skills::{self, curated, scenario_plan};
use generator::render::{Files, Localized};

struct Fixture {
    en: Api,
    ru: Api,
    files: Files,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let lower = |lang| {
            let (spec, _) = pin::resolve(root, lang, SpecSource::Pinned)
                .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"));
            let loaded = generator::load::load_file(&spec).unwrap_or_else(|e| panic!("{e}"));
            generator::lower::lower_with(&loaded, generator::profile::Profile::Pachca.lower_options(false)).map(|l| l.api).unwrap_or_else(|e| panic!("{e}"))
        };
        let (en, ru) = (lower(Lang::En), lower(Lang::Ru));
        let mut files = Files::new();
        skills::render(Localized { en: &en, ru: &ru }, &mut files).unwrap_or_else(|e| panic!("{e}"));
        Fixture { en, ru, files }
    })
}

fn model() -> CliModel {
    cli_model::derive_bundled(&fixture().en).unwrap_or_else(|e| panic!("{e}")).model
}

fn markdown() -> impl Iterator<Item = (&'static String, &'static String)> {
    fixture().files.iter().filter(|(p, _)| p.ends_with(".md"))
}

/// The skill files themselves are committed under `generated/skills/` (the
/// drift test compares them); no second copy is kept as snapshots.
#[test]
fn the_renderer_writes_only_skills_and_their_command_test() {
    let files = &fixture().files;
    // Besides the skills, the CLI crate's tests that run them: their command
    // lines, and their scenarios (the test and its run plan).
    let tests = [generator::render::skills::cli_check::TEST_FILE, scenario_plan::PLAN_FILE, scenario_plan::TEST_FILE.0];
    let others: Vec<&String> = files.keys().filter(|p| !p.starts_with("skills/") && !tests.contains(&p.as_str())).collect();
    assert!(others.is_empty(), "the skills renderer writes only under skills/ and the CLI's tests of them; also: {others:?}");
    assert!(files.len() > 100, "{} files", files.len());
}

#[test]
fn every_set_has_every_skill() {
    let files = &fixture().files;
    let catalogue = curated::load().unwrap_or_else(|e| panic!("{e}")).catalogue;
    for &(variant, lang) in skills::SETS {
        let dir = format!("skills/{}", skills::set_dir(variant, lang));
        for name in catalogue.skills.iter().map(|s| s.name.as_str()).chain([catalogue.router.name.as_str()]) {
            assert!(files.contains_key(&format!("{dir}/{name}/SKILL.md")), "{dir}/{name}/SKILL.md");
        }
        assert!(files.contains_key(&format!("{dir}/pachca-bots/references/webhook-events.md")));
        let index: serde_json::Value = serde_json::from_str(&files[&format!("{dir}/index.json")]).unwrap_or_else(|e| panic!("{e}"));
        let listed = index["skills"].as_array().map_or(0, Vec::len);
        assert_eq!(listed, catalogue.skills.len() + 1, "{dir}/index.json lists every skill and the router");
    }
}

use generator::render::skills::cli_check::command_lines;

#[test]
fn every_cli_command_resolves() {
    let model = model();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut used = BTreeSet::new();
    for (path, text) in markdown() {
        for line in command_lines(text) {
            count += 1;
            let resolved = args::resolve_line(&model, &line);
            if let Ok(Resolved::Generated(call)) = &resolved {
                used.insert(call.command.operation_id.clone());
            }
            // The same line with typed sample values instead of placeholders must resolve too:
            // that is what a real argument parser will see.
            let sampled = resolved.and_then(|_| args::sample_argv(&model, &line)).and_then(|argv| {
                if let Some(left) = argv.iter().find(|a| a.contains('<') && a.contains('>')) {
                    return Err(args::ArgError(format!("placeholder left after sampling: {left}")));
                }
                args::resolve_argv(&model, &argv).map(|_| ())
            });
            if let Err(e) = sampled {
                failures.push(format!("{path}: `{line}`: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} command lines fail:\n{}", failures.len(), failures.join("\n"));
    assert!(count > 300, "only {count} command lines found; is the extraction broken?");
    assert_eq!(used.len(), 77, "every operation's command appears in some skill");
}

/// `(method, path)` mentions: `` `GET /chats` ``, table rows `| GET | `/chats` |`, and curl calls.
fn http_mentions(text: &str, base: &str) -> Vec<(String, String)> {
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        for pair in cells.windows(2) {
            if METHODS.contains(&pair[0]) && pair[1].starts_with("`/") {
                out.push((pair[0].to_owned(), pair[1].trim_matches('`').to_owned()));
            }
        }
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            if let Some((m, p)) = span.split_once(' ') {
                if METHODS.contains(&m) && p.starts_with('/') && !p.contains(' ') {
                    out.push((m.to_owned(), p.to_owned()));
                }
            }
        }
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("curl ") {
            let tokens = args::tokenize(rest.trim_end_matches('\\')).unwrap_or_default();
            let method = tokens.iter().position(|t| t == "-X").and_then(|i| tokens.get(i + 1)).cloned().unwrap_or_else(|| "GET".to_owned());
            let url = tokens.iter().find(|t| t.starts_with("http") || t.starts_with('<')).cloned().unwrap_or_default();
            match url.strip_prefix(base) {
                Some(path) => out.push((method, path.to_owned())),
                None => assert!(args::is_placeholder(&url), "curl to an unexpected URL: {line}"),
            }
        }
    }
    out
}

fn path_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
}

#[test]
fn every_http_mention_exists_in_the_spec() {
    let api = &fixture().en;
    let base = api.servers.first().map(|s| s.url.clone()).unwrap_or_default();
    let ops: Vec<(String, String)> = api
        .services
        .iter()
        .flat_map(|s| s.operations.iter())
        .map(|o| (o.http_method.as_str().to_owned(), o.path.clone()))
        .collect();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, text) in markdown() {
        for (method, p) in http_mentions(text, &base) {
            match ops.iter().find(|(m, t)| *m == method && path_matches(t, &p)) {
                Some(op) => {
                    seen.insert(op.clone());
                }
                None => failures.push(format!("{path}: {method} {p}")),
            }
        }
    }
    assert!(failures.is_empty(), "not in the spec:\n{}", failures.join("\n"));
    assert_eq!(seen.len(), ops.len(), "every operation is mentioned by method and path somewhere");
}

/// The front matter description of a SKILL.md, unfolded.
fn description(text: &str) -> String {
    let front = text.split("\n---\n").next().unwrap_or_default();
    let mut lines = front.lines().skip_while(|l| !l.starts_with("description:")).skip(1);
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if !line.starts_with("  ") {
            break;
        }
        out.push(line.trim());
    }
    out.join(" ")
}

#[test]
fn descriptions_are_short_and_well_formed() {
    for (path, text) in markdown().filter(|(p, _)| p.ends_with("SKILL.md")) {
        let d = description(text);
        assert!(!d.is_empty() && d.chars().count() <= 1024, "{path}: description of {} characters", d.chars().count());
        let is_router = path.contains("/pachca/");
        assert_eq!(d.contains("Use when:"), !is_router, "{path}: {d}");
        assert!(text.contains("\nallowed-tools: "), "{path}: allowed-tools");
    }
}

/// The router's table links every area skill, and nothing else.
#[test]
fn the_router_table_links_every_area_skill() {
    let files = &fixture().files;
    let catalogue = curated::load().unwrap_or_else(|e| panic!("{e}")).catalogue;
    let areas: BTreeSet<&str> = catalogue.skills.iter().map(|s| s.name.as_str()).collect();
    for &(variant, lang) in skills::SETS {
        let dir = skills::set_dir(variant, lang);
        let router = &files[&format!("skills/{dir}/pachca/SKILL.md")];
        // `| task phrases | [`pachca-x`](../pachca-x/SKILL.md) |` → pachca-x.
        let routed: BTreeSet<&str> = router.lines().filter_map(|line| line.split("](../").nth(1)?.split('/').next()).collect();
        assert_eq!(routed, areas, "{dir}: the router's table");
    }
}

/// The trigger eval cases of one skill in one language, as shipped:
/// `(query, should_trigger, note)`.
fn shipped_trigger(set: &str, skill: &str) -> Vec<(String, bool, String)> {
    let path = format!("skills/{set}/evals/trigger/{skill}.json");
    let text = fixture().files.get(&path).unwrap_or_else(|| panic!("{path} is not generated"));
    let cases: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    cases
        .into_iter()
        .map(|c| {
            let keys: Vec<&str> = c.keys().map(String::as_str).collect();
            assert_eq!(keys, ["query", "should_trigger", "note"], "{path}: upstream's format");
            (c["query"].as_str().unwrap_or_default().to_owned(), c["should_trigger"].as_bool().expect("a bool"), c["note"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

/// Every set ships the curated evals of its language in upstream's format:
/// `evals/trigger/<skill>.json` per skill and the router, and
/// `evals/routing/pachca-routing.json` with every request and the skill
/// that should get it; the cli and curl sets of a language ship the same.
#[test]
fn evals_ship_in_every_set_in_upstreams_format() {
    let files = &fixture().files;
    let data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let router = data.catalogue.router.name.as_str();
    let names: Vec<&str> = data.catalogue.skills.iter().map(|s| s.name.as_str()).chain([router]).collect();
    let mut report = Vec::new();
    for &(variant, lang) in skills::SETS {
        let set = skills::set_dir(variant, lang);
        let mut expected_routing = Vec::new();
        for name in &names {
            let evals = data.evals[*name].1.get(lang);
            let shipped = shipped_trigger(&set, name);
            let mut expected = Vec::new();
            for c in &evals.trigger {
                expected.push((c.query.clone(), true, format!("core: {}", c.note)));
                expected_routing.push((c.query.clone(), (*name).to_owned()));
            }
            for c in &evals.near_miss {
                assert!(names.contains(&c.skill.as_str()) && c.skill != *name, "{set}/{name}: {c:?}");
                expected.push((c.query.clone(), false, format!("boundary: {}, not {name}: {}", c.skill, c.note)));
                expected_routing.push((c.query.clone(), c.skill.clone()));
            }
            assert_eq!(shipped, expected, "{set}/{name}");
            let positives = shipped.iter().filter(|c| c.1).count();
            assert!(positives >= 8 && shipped.len() - positives >= 8, "{set}/{name}: {positives} of {}", shipped.len());
            if variant == skills::Variant::Cli {
                report.push(format!("{lang} {name}: {} ({positives} trigger, {} near miss)", shipped.len(), shipped.len() - positives));
            }
        }
        let path = format!("skills/{set}/evals/routing/pachca-routing.json");
        let cases: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&files[&path]).unwrap_or_else(|e| panic!("{path}: {e}"));
        let routing: Vec<(String, String)> = cases
            .iter()
            .map(|c| {
                let keys: Vec<&str> = c.keys().map(String::as_str).collect();
                assert_eq!(keys, ["query", "expected_skill", "note"], "{path}: upstream's format");
                (c["query"].as_str().unwrap_or_default().to_owned(), c["expected_skill"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
        assert_eq!(routing, expected_routing, "{path}");
        let (cli, curl) = (format!("skills/cli-{lang}/"), format!("skills/curl-{lang}/"));
        for (p, text) in files.iter().filter(|(p, _)| p.starts_with(&cli) && p.contains("/evals/")) {
            assert_eq!(Some(text), files.get(&p.replacen(&cli, &curl, 1)), "{p}: the same in both variants");
        }
    }
    report.sort();
    println!("{}", report.join("\n"));
}

fn eval_error(change: impl FnOnce(&mut curated::Curated)) -> String {
    render_with(change)
}

fn evals_of<'a>(data: &'a mut curated::Curated, skill: &str, lang: Lang) -> &'a mut curated::EvalSet {
    data.evals.get_mut(skill).unwrap_or_else(|| panic!("{skill}")).1.get_mut(lang)
}

/// The curated-data check: a request that uses a use_when phrase of any
/// skill (case-insensitively), has fewer than 3 words or repeats another
/// request of its language fails generation, naming the file and key.
#[test]
fn eval_requests_must_be_real_requests() {
    let e = eval_error(|d| evals_of(d, "pachca-chats", Lang::En).trigger[2].query = "Please CREATE A TASK for Olga".into());
    assert_eq!(
        e,
        "rendering skills: spec/skills/evals/pachca-chats.yaml: en.trigger[2].query: \"Please CREATE A TASK for Olga\" contains the use_when phrase \"create a task\" of pachca-tasks (spec/skills/catalogue.yaml: skills[4].use_when[0]); write the request as a person would type it, not in the catalogue's words"
    );
    let e = eval_error(|d| evals_of(d, "pachca-tasks", Lang::Ru).near_miss[1].query = "Нужно  Отправить   сообщение Ивану".into());
    assert!(
        e.starts_with("rendering skills: spec/skills/evals/pachca-tasks.yaml: ru.near_miss[1].query: \"Нужно  Отправить   сообщение Ивану\" contains the use_when phrase \"отправить сообщение\" of pachca-messages (spec/skills/catalogue.yaml: skills[1].use_when[0])"),
        "{e}"
    );
    let e = eval_error(|d| evals_of(d, "pachca-forms", Lang::Ru).trigger[0].query = "открой форму".into());
    assert_eq!(e, "rendering skills: spec/skills/evals/pachca-forms.yaml: ru.trigger[0].query: \"открой форму\" has 2 word(s); a request has at least 3, as a person would type it");
    let e = eval_error(|d| {
        let other = evals_of(d, "pachca-chats", Lang::En).trigger[0].query.to_uppercase();
        evals_of(d, "pachca-users", Lang::En).near_miss[4].query = other;
    });
    assert!(e.starts_with("rendering skills: spec/skills/evals/pachca-users.yaml: en.near_miss[4].query: \"MAKE A NEW PUBLIC CHANNEL"), "{e}");
    assert!(e.ends_with("is also en.trigger[0].query in spec/skills/evals/pachca-chats.yaml; a request appears once per language"), "{e}");
    // The same request in the other language's list is no duplicate.
    let f = fixture();
    let mut data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let en = evals_of(&mut data, "pachca-chats", Lang::En).trigger[0].query.clone();
    evals_of(&mut data, "pachca-chats", Lang::Ru).trigger[0].query = en;
    skills::render_curated(&data, Localized { en: &f.en, ru: &f.ru }, &mut Files::new()).unwrap_or_else(|e| panic!("{e}"));
}

/// Each skill (and the router) has, per language, at least 8 requests it
/// serves and 8 near misses, each naming an existing other skill.
#[test]
fn evals_need_enough_cases_and_real_alternatives() {
    let e = eval_error(|d| {
        evals_of(d, "pachca-oauth", Lang::Ru).near_miss.truncate(7);
    });
    assert_eq!(
        e,
        "rendering skills: spec/skills/evals/pachca-oauth.yaml: ru.near_miss: has 7 requests; each language needs at least 8 near misses: requests that look like `pachca-oauth`'s but belong to the skill named in `skill`"
    );
    let e = eval_error(|d| evals_of(d, "pachca", Lang::En).trigger.truncate(3));
    assert_eq!(e, "rendering skills: spec/skills/evals/pachca.yaml: en.trigger: has 3 requests; each language needs at least 8 that `pachca` should be picked for");
    let e = eval_error(|d| evals_of(d, "pachca-bots", Lang::En).near_miss[0].skill = "pachca-files".into());
    assert!(e.starts_with("rendering skills: spec/skills/evals/pachca-bots.yaml: en.near_miss[0].skill: `pachca-files` is not another skill; expected one of: pachca-chats, pachca-messages, pachca-users,"), "{e}");
    let e = eval_error(|d| evals_of(d, "pachca-bots", Lang::Ru).near_miss[2].skill = "pachca-bots".into());
    assert!(e.starts_with("rendering skills: spec/skills/evals/pachca-bots.yaml: ru.near_miss[2].skill: `pachca-bots` is not another skill"), "{e}");
    let e = eval_error(|d| {
        d.evals.remove("pachca-search");
    });
    assert_eq!(e, "rendering skills: spec/skills/catalogue.yaml: skills[5].name: `pachca-search` has no eval file; add spec/skills/evals/pachca-search.yaml and list it in curated/skills.rs");
}

#[test]
fn every_skill_md_fits_the_token_budget() {
    let mut report = Vec::new();
    for (path, text) in markdown().filter(|(p, _)| p.ends_with("SKILL.md")) {
        let tokens = (text.split_whitespace().count() as f64 * 1.3).round() as usize;
        report.push((tokens, path.clone()));
        assert!(tokens <= 5000, "{path}: about {tokens} tokens (words × 1.3); the budget is 5000");
    }
    report.sort();
    for (tokens, path) in report {
        println!("{tokens:>5} {path}");
    }
}

#[test]
fn scenario_count() {
    let curated = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let total: usize = curated.scenarios.values().map(|(_, s)| s.len()).sum();
    assert!(total >= 40, "{total} scenarios");
}

// ---- bad curated data ----

fn render_with(change: impl FnOnce(&mut curated::Curated)) -> String {
    let f = fixture();
    let mut data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    change(&mut data);
    let mut files = Files::new();
    match skills::render_curated(&data, Localized { en: &f.en, ru: &f.ru }, &mut files) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// Renders with changed curated data that must still render; returns the warnings.
fn warnings_with(change: impl FnOnce(&mut curated::Curated)) -> Vec<String> {
    let f = fixture();
    let mut data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    change(&mut data);
    let mut files = Files::new();
    let warnings = skills::render_curated(&data, Localized { en: &f.en, ru: &f.ru }, &mut files).unwrap_or_else(|e| panic!("{e}"));
    warnings.iter().map(ToString::to_string).collect()
}

fn scenarios<'a>(data: &'a mut curated::Curated, skill: &str) -> &'a mut Vec<curated::Scenario> {
    &mut data.scenarios.get_mut(skill).unwrap_or_else(|| panic!("{skill}")).1
}

#[test]
fn unknown_operation_is_a_warning_with_file_and_key() {
    let w = warnings_with(|d| scenarios(d, "pachca-chats")[0].steps[0].op = Some("ChatOperations_nope".into()));
    assert_eq!(
        w,
        ["spec/skills/scenarios/pachca-chats.yaml: [0] (create-channel-with-members).steps[0].op: no operation has operationId `ChatOperations_nope`; scenario skipped"]
    );
}

#[test]
fn unknown_flag_is_a_warning_with_file_and_key() {
    let w = warnings_with(|d| scenarios(d, "pachca-chats")[1].steps[0].args = Some(curated::Args::Same("<chat_id> --title=x".into())));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("spec/skills/scenarios/pachca-chats.yaml: [1] (rename-chat).steps[0].args: `--title` is not a flag of `pachca chats update`"), "{w:?}");
    assert!(w[0].ends_with("scenario skipped"), "{w:?}");
}

#[test]
fn missing_required_flag_and_force_are_errors() {
    let e = render_with(|d| scenarios(d, "pachca-chats")[0].steps[0].args = Some(curated::Args::Same("--channel".into())));
    assert!(e.contains("needs `--name`"), "{e}");
    let e = render_with(|d| scenarios(d, "pachca-chats")[5].steps[2].args = Some(curated::Args::Same("<chat_id> <user_id>".into())));
    assert!(e.contains("deletes; add `--force`"), "{e}");
}

#[test]
fn flags_in_prose_are_errors() {
    let e = render_with(|d| scenarios(d, "pachca-chats")[0].steps[0].text.en = "Run with --channel".into());
    assert!(e.contains("steps[0].text: the en text names the flag `--channel`"), "{e}");
}

#[test]
fn tag_ownership_is_checked() {
    let e = render_with(|d| d.catalogue.skills[0].tags.push("Users".into()));
    assert!(e.contains("spec/skills/catalogue.yaml: skills[0].tags[2]: tag `Users` is already owned by") || e.contains("is already owned"), "{e}");
    // What the spec has and the catalogue lacks, or the other way round, is a warning.
    let w = warnings_with(|d| d.catalogue.skills[0].tags.retain(|t| t != "Members"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("spec/skills/catalogue.yaml: skills: spec tag `Members` is owned by no skill; its operations are in no skill"), "{w:?}");
    let w = warnings_with(|d| d.catalogue.skills[0].tags.push("Nope".into()));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("spec/skills/catalogue.yaml: skills[0].tags[2]: the spec has no tag `Nope`; entry skipped"), "{w:?}");
}

#[test]
fn alternatives_must_be_skills() {
    let e = render_with(|d| d.catalogue.skills[0].not_for[0].skill = "pachca-nope".into());
    assert!(e.contains("spec/skills/catalogue.yaml: skills[0].not_for[0].skill: `pachca-nope` is not another skill"), "{e}");
}

#[test]
fn long_descriptions_are_errors() {
    let e = render_with(|d| d.catalogue.skills[2].description.ru = "слово ".repeat(200));
    assert!(e.contains("spec/skills/catalogue.yaml: skills[2].description: the composed ru description"), "{e}");
    assert!(e.contains("the limit is 1024"), "{e}");
}

/// curl examples send arrays the way the API (a Rails app) reads them, one
/// `key[]=v` per item, as the SDK and the CLI do; never `key=a,b`.
#[test]
fn curl_arrays_use_rails_brackets() {
    let files = &fixture().files;
    let search = &files["skills/curl-en/pachca-search/SKILL.md"];
    assert!(search.contains("--data-urlencode \"company_roles[]=admin\" \\\n"), "{search}");
    assert!(search.contains("--data-urlencode \"company_roles[]=user\""), "{search}");
    let by_person = &files["skills/curl-en/pachca-search/references/find-messages-by-person.md"];
    assert!(by_person.contains("--data-urlencode \"user_ids[]=<user_id>\""), "{by_person}");
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("skills/curl-")) {
        for name in ["company_roles", "user_ids", "chat_ids"] {
            assert!(!text.contains(&format!("\"{name}=")), "{path}: {name} without []");
        }
    }
}

/// The spec text at a JSON pointer (`#/paths/~1chats/get/description`) of
/// the pinned spec file in `lang`, read as plain YAML (each file once).
fn spec_text_at(lang: Lang, pointer: &str) -> Option<String> {
    static DOCS: OnceLock<[serde_json::Value; 2]> = OnceLock::new();
    let docs = DOCS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        [Lang::En, Lang::Ru].map(|lang| {
            let (spec, _) = pin::resolve(root, lang, SpecSource::Pinned).unwrap_or_else(|e| panic!("{e}"));
            let text = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
            generator::load::yaml::from_str(&text).unwrap_or_else(|e| panic!("{e:?}"))
        })
    });
    let doc = &docs[usize::from(lang == Lang::Ru)];
    doc.pointer(pointer.strip_prefix('#')?)?.as_str().map(str::to_owned)
}

/// Every fact points at spec text that says it (English) and exists in the
/// Russian spec too; each is rendered with its pointer in all four sets.
#[test]
fn facts_point_at_the_spec_text_that_states_them() {
    let data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let files = &fixture().files;
    let mut count = 0;
    for skill in &data.catalogue.skills {
        for fact in &skill.facts {
            count += 1;
            let en = spec_text_at(Lang::En, &fact.source).unwrap_or_else(|| panic!("{}: no spec text at {}", skill.name, fact.source));
            assert!(en.contains(&fact.quote), "{}: the text at {} does not say {:?}:\n{en}", skill.name, fact.source, fact.quote);
            assert!(spec_text_at(Lang::Ru, &fact.source).is_some(), "{}: {} is missing from the Russian spec", skill.name, fact.source);
            for set in ["cli-en", "cli-ru", "curl-en", "curl-ru"] {
                let md = &files[&format!("skills/{set}/{}/SKILL.md", skill.name)];
                let lang = if set.ends_with("en") { Lang::En } else { Lang::Ru };
                let line = format!("- {} <!-- spec: {} -->\n", fact.text.get(lang), fact.source);
                assert!(md.contains(&line), "{set}/{}: missing {line}", skill.name);
            }
        }
    }
    assert!(count >= 6, "{count} facts");
}

/// A fact whose words the spec no longer has is a warning naming the file
/// and key, and it is not rendered.
#[test]
fn a_stale_fact_is_a_warning_and_left_out() {
    let f = fixture();
    let mut data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let i = data.catalogue.skills.iter().position(|s| s.name == "pachca-tasks").expect("pachca-tasks");
    data.catalogue.skills[i].facts[0].quote = "Priority: 1 to 5".to_owned();
    let text = data.catalogue.skills[i].facts[0].text.en.clone();
    let mut files = Files::new();
    let warnings = skills::render_curated(&data, Localized { en: &f.en, ru: &f.ru }, &mut files).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [format!("spec/skills/catalogue.yaml: skills[{i}].facts[0]: the spec no longer says \"Priority: 1 to 5\" (it did at #/components/schemas/TaskCreateRequest/properties/task/properties/priority/description); fact skipped")]
    );
    assert!(!files["skills/cli-en/pachca-tasks/SKILL.md"].contains(&text));
}

/// Each set ships a `skill.json` manifest: the router's name and
/// description, the version of the CLI crate that carries the skills, and
/// the workspace's license.
const INITIAL_VERSION: &str = "0.1.0";

#[test]
fn every_set_has_a_manifest() {
    let f = fixture();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let license = workspace.lines().find_map(|l| l.strip_prefix("license = ")).map(|l| l.trim_matches('"')).expect("a workspace license");
    for set in ["cli-en", "cli-ru", "curl-en", "curl-ru"] {
        let text = &f.files[&format!("skills/{set}/skill.json")];
        let manifest: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let index: serde_json::Value = serde_json::from_str(&f.files[&format!("skills/{set}/index.json")]).expect("JSON");
        let router = index["skills"].as_array().and_then(|s| s.iter().find(|e| e["name"] == "pachca")).expect("the router in index.json");
        assert_eq!(manifest["description"], router["description"], "{set}: the manifest's description is the router's");
        assert_eq!(manifest["name"], "pachca", "{set}");
        assert_eq!(manifest["version"], INITIAL_VERSION, "{set}: rendered without a release log");
        // As generated: the version of the CLI crate that carries the skills.
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join(format!("generated/skills/{set}/skill.json"))).expect("skill.json")).expect("JSON");
        let cli = std::fs::read_to_string(root.join("generated/pachca-cli/Cargo.toml")).expect("the CLI's Cargo.toml");
        let cli_version = cli.lines().find_map(|l| l.strip_prefix("version = ")).map(|v| v.trim_matches('"')).expect("a version");
        assert_eq!(committed["version"], cli_version, "{set}");
        assert_eq!(manifest["license"], license, "{set}");
        assert_eq!(manifest["platforms"], serde_json::json!(["claude-code", "cursor", "codex", "gemini-cli"]), "{set}");
        assert!(manifest.get("repository").is_none(), "{set}: the repository is the publisher's to set");
    }
}

/// HMAC-SHA256 (RFC 2104) as hex: the signature the API sends, computed
/// here independently of the snippets under test.
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    let outer = Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fenced code block of `lang` that follows the line starting with `after`.
fn code_block<'a>(text: &'a str, after: &str, lang: &str) -> &'a str {
    let start = text.find(after).unwrap_or_else(|| panic!("no {after:?} in:\n{text}"));
    let fence = format!("```{lang}\n");
    let body = &text[start..];
    let open = body.find(&fence).unwrap_or_else(|| panic!("no {lang} block after {after:?}")) + fence.len();
    let close = body[open..].find("```").expect("a closing fence");
    &body[open..open + close]
}

/// The curl variant's signature checks run, with the real `openssl` and
/// `python3`, on a signed sample request: they accept it, and reject a
/// changed body, a wrong signature and a stale timestamp.
#[test]
fn curl_webhook_signature_checks_run() {
    let files = &fixture().files;
    let reference = &files["skills/curl-en/pachca-bots/references/webhook-events.md"];
    let shell = code_block(reference, "In a shell, with `openssl`", "bash");
    let python = code_block(reference, "In Python (standard library only)", "python");
    let dir = std::env::temp_dir().join(format!("pachca-webhook-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let secret = "s3cr3t-signing-key";
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let body = format!(r#"{{"type":"message","id":2637266155,"event":"new","content":"Привет","webhook_timestamp":{now}}}"#);
    let signature = hmac_sha256_hex(secret.as_bytes(), body.as_bytes());
    let run_shell = |body: &str, signature: &str| {
        std::fs::write(dir.join("body.json"), body).expect("body.json");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(shell)
            .current_dir(&dir)
            .env("PACHCA_SIGNING_SECRET", secret)
            .env("SIGNATURE", signature)
            .output()
            .unwrap_or_else(|e| panic!("this test needs `sh` and `openssl` on PATH: {e}"));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("not found"), "this test needs `openssl` on PATH: {out:?}");
        out.status.success()
    };
    assert!(run_shell(&body, &signature), "the shell check rejects a good signature");
    assert!(run_shell(&body, &signature.to_uppercase()), "hex case does not matter");
    assert!(!run_shell(&body.replace("Привет", "Пока"), &signature), "a changed body passes");
    assert!(!run_shell(&body, &"0".repeat(64)), "a wrong signature passes");

    let run_python = |body: &str, signature: &str| {
        std::fs::write(dir.join("body.json"), body).expect("body.json");
        let script = format!("{python}\nimport sys\nverify(open('body.json', 'rb').read(), sys.argv[1])\n");
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(signature)
            .current_dir(&dir)
            .env("PACHCA_SIGNING_SECRET", secret)
            .output()
            .unwrap_or_else(|e| panic!("this test needs `python3` on PATH: {e}"));
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(run_python(&body, &signature), (true, String::new()));
    let (ok, err) = run_python(&body.replace("Привет", "Пока"), &signature);
    assert!(!ok && err.contains("bad signature"), "{err}");
    let stale = body.replace(&format!(":{now}}}"), &format!(":{}}}", now - 3600));
    let (ok, err) = run_python(&stale, &hmac_sha256_hex(secret.as_bytes(), stale.as_bytes()));
    assert!(!ok && err.contains("more than a minute away"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- coverage: upstream's workflows and the spec's operations ----

/// Upstream's 71 workflows per skill (the appendix of
/// ../shared/notes/upstream-cli-and-skills.md).
const UPSTREAM_COUNTS: [(&str, usize); 9] = [
    ("pachca-messages", 19),
    ("pachca-bots", 11),
    ("pachca-users", 10),
    ("pachca-chats", 7),
    ("pachca-tasks", 7),
    ("pachca-profile", 7),
    ("pachca-forms", 4),
    ("pachca-search", 3),
    ("pachca-security", 3),
];

#[test]
fn every_upstream_workflow_has_a_scenario_or_a_reason() {
    let data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let counts: Vec<(&str, usize)> = data.upstream.iter().map(|(skill, w)| (skill.as_str(), w.len())).collect();
    let mut expected = UPSTREAM_COUNTS.to_vec();
    expected.sort();
    assert_eq!(counts, expected, "upstream's workflows per skill");
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 71);
    let ids: BTreeSet<&str> = data.scenarios.values().flat_map(|(_, l)| l.iter().map(|s| s.id.as_str())).collect();
    let mut without = Vec::new();
    for (skill, workflows) in &data.upstream {
        for w in workflows {
            match (&w.scenario, &w.none) {
                (Some(id), None) => assert!(ids.contains(id.as_str()), "{skill}: \"{}\" maps to `{id}`, which does not exist", w.title),
                (None, Some(reason)) => {
                    assert!(reason.split_whitespace().count() >= 3, "{skill}: \"{}\": say why there is no scenario", w.title);
                    without.push(format!("{skill}: {}", w.title));
                }
                _ => panic!("{skill}: \"{}\" has neither a scenario nor a reason, or both", w.title),
            }
        }
    }
    println!("{} of 71 upstream workflows have a scenario; without: {without:?}", 71 - without.len());
}

#[test]
fn every_operation_is_called_by_some_scenario() {
    let f = fixture();
    let data = curated::load().unwrap_or_else(|e| panic!("{e}"));
    let checked = skills::check(&data, &f.en).unwrap_or_else(|e| panic!("{e}"));
    assert!(checked.skills.warnings.is_empty(), "scenarios left out against the pinned spec: {:?}", checked.skills.warnings);
    let missing = generator::curated::coverage::uncovered_operations(&f.en, &checked.skills.curated);
    let total = f.en.operations().count();
    assert_eq!(total, 77, "the pinned spec's operations");
    assert!(missing.is_empty(), "{} of {total} operations appear in no scenario step: {}", missing.len(), missing.join(", "));
}

/// A scenario file that is not in `SCENARIO_FILES` would be silently ignored.
#[test]
fn every_scenario_file_is_compiled_in() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let dir = root.join("spec/skills/scenarios");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("spec/skills/scenarios/{n}"))
        .collect();
    let listed: BTreeSet<String> = curated::SCENARIO_FILES.iter().map(|(file, _, _)| (*file).to_owned()).collect();
    assert_eq!(on_disk, listed, "spec/skills/scenarios/ and SCENARIO_FILES (generator/src/curated/skills.rs) differ");
}

#[test]
fn upstream_mapping_names_existing_scenarios() {
    let e = render_with(|d| {
        let list = d.upstream.get_mut("pachca-chats").expect("pachca-chats");
        list[1].scenario = Some("archive-everything".into());
    });
    assert!(e.contains("spec/skills/upstream-workflows.yaml: pachca-chats[1].scenario: no scenario has the id `archive-everything`"), "{e}");
    let e = render_with(|d| d.upstream.get_mut("pachca-chats").expect("pachca-chats")[1].scenario = None);
    assert!(e.contains("pachca-chats[1]: \"Archive and manage chat\": name the scenario"), "{e}");
}

// ---- the chain of a scenario: goal, placeholders, out ----

fn find<'a>(data: &'a mut curated::Curated, skill: &str, id: &str) -> &'a mut curated::Scenario {
    scenarios(data, skill).iter_mut().find(|s| s.id == id).unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn a_goal_must_tell_one_request_apart() {
    // Both steps of complete-task update the same task: the id alone does not tell them apart.
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = Some("PUT /tasks/{id} id=<task_id>".into()));
    assert!(e.contains("[2] (complete-task).goal: steps[0], steps[1] of the cli variant all send `PUT /tasks/{id} id=<task_id>`"), "{e}");
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = Some("PUT /tasks/{id} task.status=closed".into()));
    assert!(e.contains("no step of the cli variant sends `task.status=closed`"), "{e}");
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = Some("PUT /tasks/{id} task.state=done".into()));
    assert!(e.contains("`task.state` is not a field of `PUT /tasks/{id}`; its fields: id, task, task.kind"), "{e}");
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = Some("PUT /tasks/{id}".into()));
    assert!(e.contains("`PUT /tasks/{id}` takes parameters; name the one that tells this request apart"), "{e}");
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = Some("GET /tasks limit=50".into()));
    assert!(e.contains("no step of the cli variant calls `GET /tasks`"), "{e}");
    let e = render_with(|d| find(d, "pachca-tasks", "complete-task").goal = None);
    assert!(e.contains("(complete-task).goal: a scenario with commands declares its goal"), "{e}");
}

#[test]
fn placeholders_and_inputs_must_chain() {
    let e = render_with(|d| {
        find(d, "pachca-messages", "reply-in-thread").steps[0].out.clear();
    });
    assert!(e.contains("(reply-in-thread).steps[1]: `<thread_id>` is filled by no earlier step's `out` and is not one of the scenario's `inputs`"), "{e}");
    let e = render_with(|d| {
        find(d, "pachca-messages", "reply-in-thread").inputs.insert("chat_id".into(), curated::Scalar::Integer(5214782216));
    });
    assert!(e.contains("(reply-in-thread).inputs.chat_id: no step uses this input"), "{e}");
    let e = render_with(|d| {
        find(d, "pachca-messages", "reply-in-thread").steps[0].out.insert("thread_id".into(), "thread.id".into());
    });
    assert!(e.contains("(reply-in-thread).steps[0].out.thread_id: `thread.id` is not in the response of `POST /messages/{id}/thread`: `thread` is not a field of Thread"), "{e}");
    let e = render_with(|d| {
        find(d, "pachca-messages", "send-to-chat-by-name").steps[0].out.insert("chat_id".into(), "id".into());
    });
    assert!(e.contains("`id` is taken from a list; name an item by its index (`0.id`)"), "{e}");
}

#[test]
fn a_run_step_is_a_hand_written_command_and_its_out_what_it_prints() {
    fn sc(d: &mut curated::Curated) -> &mut curated::Scenario {
        find(d, "pachca-messages", "send-message-with-files")
    }
    let e = render_with(|d| {
        sc(d).steps[0].out.insert("key".into(), "url".into());
    });
    assert!(e.contains("`pachca upload ./report.pdf` prints key, name, file_type, size; `url` is not one of them"), "{e}");
    let e = render_with(|d| sc(d).steps[0].run = Some(curated::Args::Same("chats list".into())));
    assert!(e.contains("`pachca chats list` is not a hand-written command; name its operation with `op`"), "{e}");
    let e = render_with(|d| sc(d).steps[0].run = Some(curated::Args::Same("upload".into())));
    assert!(e.contains("`pachca upload` takes 1 positional argument(s); got 0"), "{e}");
    // The upload is the cli variant's; the curl variant keeps its three requests.
    let files = &fixture().files;
    let cli = &files["skills/cli-en/pachca-messages/references/send-message-with-files.md"];
    assert!(cli.contains("pachca upload ./report.pdf") && !cli.contains("uploads get") && !cli.contains("curl "), "{cli}");
    let curl = &files["skills/curl-en/pachca-messages/references/send-message-with-files.md"];
    assert!(curl.contains("/uploads\"") && curl.contains("-F \"file=@./report.pdf\"") && !curl.contains("pachca upload"), "{curl}");
}

#[test]
fn the_files_a_scenario_reads_are_declared() {
    let e = render_with(|d| find(d, "pachca-profile", "change-my-avatar").files.clear());
    assert!(e.contains("(change-my-avatar).files: steps[0] reads `me.png`; list it in `files`"), "{e}");
    let e = render_with(|d| find(d, "pachca-messages", "send-message-with-files").files.push("notes.txt".into()));
    assert!(e.contains("(send-message-with-files).files: no step reads `notes.txt`"), "{e}");
}

#[test]
fn inline_scenarios_are_short() {
    let e = render_with(|d| {
        let sc = find(d, "pachca-users", "onboard-employee");
        sc.place = curated::Place::Inline;
    });
    assert!(e.contains("(onboard-employee).place: an inline scenario has at most 3 steps (this one has 4 in a variant); give it `place: reference`"), "{e}");
}
