//! `cargo xtask spec overlay`: apply Overlay documents to a spec, write the
//! result, and compare it with another document, parsed, pointer by pointer
//! (how the English spec built from the TypeSpec source and `overlay.en.yaml`
//! differs from the published `openapi.en.yaml`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::load::yaml::{self, key_text, Value};

/// One place where two documents differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// JSON pointer (`#/paths/~1chats/get/description`).
    pub pointer: String,
    /// The value in the overlaid document (`None`: the key is only in the other).
    pub ours: Option<Value>,
    /// The value in the compared document.
    pub theirs: Option<Value>,
}

/// `spec overlay --spec S --overlay O... [--out FILE] [--compare FILE]`.
pub fn run(spec: Option<&Path>, overlays: &[PathBuf], out: Option<&Path>, compare: Option<&Path>, usage: &str) -> Result<ExitCode, String> {
    let spec = spec.ok_or_else(|| format!("spec overlay needs --spec PATH (or --tsp PATH)\n{usage}"))?;
    if overlays.is_empty() {
        return Err(format!("spec overlay needs --overlay FILE\n{usage}"));
    }
    let (doc, warnings) = overlaid(spec, overlays)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    println!("{}: {} overlay actions skipped (their targets select nothing)", spec.display(), warnings.len());
    if let Some(out) = out {
        let text = yaml::to_string(&doc).map_err(|e| e.message)?;
        std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("wrote {}", out.display());
    }
    if let Some(other) = compare {
        let theirs = generator::load::read_value(other).map_err(|e| e.to_string())?;
        print!("{}", summary(&diff(&doc, &theirs), other));
    }
    Ok(ExitCode::SUCCESS)
}

/// The spec with the overlays applied, and the skipped actions.
pub fn overlaid(spec: &Path, overlays: &[PathBuf]) -> Result<(Value, Vec<generator::SpecError>), String> {
    let mut doc = generator::load::read_value(spec).map_err(|e| e.to_string())?;
    let warnings = generator::load::overlay::apply_files(&mut doc, spec, overlays).map_err(|e| e.to_string())?;
    Ok((doc, warnings))
}

/// Every pointer where `ours` and `theirs` differ: a different scalar, a
/// key on one side only, or sequences of different lengths (reported once,
/// at the sequence).
pub fn diff(ours: &Value, theirs: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(ours, theirs, "#".to_owned(), &mut out);
    out
}

fn walk(ours: &Value, theirs: &Value, at: String, out: &mut Vec<Difference>) {
    let child = |key: &str| format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
    match (ours, theirs) {
        (Value::Mapping(a), Value::Mapping(b)) => {
            let by_text = |m: &yaml::Mapping| -> BTreeMap<String, Value> {
                m.iter().filter_map(|(k, v)| Some((key_text(k)?, v.clone()))).collect()
            };
            let (a, b) = (by_text(a), by_text(b));
            for (key, value) in &a {
                match b.get(key) {
                    Some(other) => walk(value, other, child(key), out),
                    None => out.push(Difference { pointer: child(key), ours: Some(value.clone()), theirs: None }),
                }
            }
            for (key, value) in &b {
                if !a.contains_key(key) {
                    out.push(Difference { pointer: child(key), ours: None, theirs: Some(value.clone()) });
                }
            }
        }
        (Value::Sequence(a), Value::Sequence(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(x, y, format!("{at}/{i}"), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference { pointer: at, ours: Some(a.clone()), theirs: Some(b.clone()) }),
    }
}

/// Whether the text has Cyrillic letters.
pub fn is_russian(text: &str) -> bool {
    text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// The comparison as a report: counts by OpenAPI path, component and key,
/// then every distinct Russian string left, with how many places have it.
fn summary(diffs: &[Difference], other: &Path) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut russian: BTreeMap<String, usize> = BTreeMap::new();
    let mut other_kinds = Vec::new();
    for d in diffs {
        let segments: Vec<&str> = d.pointer.split('/').collect();
        // `#/paths/~1chats`, `#/components/schemas/Chat`.
        let depth = if d.pointer.starts_with("#/components/") { 4 } else { 3 };
        let group = segments.get(..depth).map(|s| s.join("/")).unwrap_or_else(|| d.pointer.clone());
        *groups.entry(group).or_default() += 1;
        *keys.entry(last_key(&d.pointer)).or_default() += 1;
        match (&d.ours, &d.theirs) {
            (Some(Value::String(ours)), Some(Value::String(theirs))) if is_russian(ours) && !is_russian(theirs) => {
                *russian.entry(ours.clone()).or_default() += 1;
            }
            _ => other_kinds.push(d),
        }
    }
    let paths = groups.keys().filter(|g| g.starts_with("#/paths/")).count();
    let components = groups.keys().filter(|g| g.starts_with("#/components/")).count();
    let _ = writeln!(text, "compared with {}: {} pointers differ, in {paths} paths and {components} components", other.display(), diffs.len());
    let _ = writeln!(text, "by key: {}", keys.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "));
    let _ = writeln!(
        text,
        "{} pointers keep a Russian string where {} has English ({} distinct strings); {} other differences",
        diffs.len() - other_kinds.len(),
        other.display(),
        russian.len(),
        other_kinds.len()
    );
    let mut by_count: Vec<_> = russian.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (s, n) in by_count {
        let _ = writeln!(text, "  {n:>3}  {}", s.replace('\n', "\\n"));
    }
    for d in other_kinds {
        let _ = writeln!(text, "  other: {} (ours {:?}, theirs {:?})", d.pointer, d.ours.as_ref().map(yaml::to_json), d.theirs.as_ref().map(yaml::to_json));
    }
    text
}

/// The pointer's last segment that names a keyword rather than an index
/// or an example's own field: `example` for `.../example/data/0/name`.
fn last_key(pointer: &str) -> String {
    let segments: Vec<&str> = pointer.split('/').collect();
    if let Some(i) = segments.iter().rposition(|s| *s == "example" || *s == "examples") {
        return segments[i].to_owned();
    }
    segments.last().map(|s| (*s).to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_reports_values_keys_and_lengths_at_their_pointers() {
        let a = yaml::parse("a: {b: 1, c: [1, 2], d: x}\nonly_ours: 1\n'/p': {q: [1]}\n").unwrap();
        let b = yaml::parse("a: {b: 2, c: [1, 2], d: x}\nonly_theirs: 1\n'/p': {q: [1, 2]}\n").unwrap();
        let pointers: Vec<String> = diff(&a, &b).into_iter().map(|d| d.pointer).collect();
        assert_eq!(pointers, ["#/~1p/q", "#/a/b", "#/only_ours", "#/only_theirs"]);
    }

    /// The upstream overlay applied to the Russian spec (what the TypeSpec
    /// source compiles to) gives the published English spec except for
    /// strings it leaves in Russian: no structural difference, and the same
    /// figures as the README.
    #[test]
    fn upstream_overlay_gives_the_english_spec_but_for_strings_left_in_russian() {
        use generator::pin::{Lang, SpecSource};
        let root = crate::root();
        let (ru, _) = generator::pin::resolve(&root, Lang::Ru, SpecSource::Pinned).unwrap();
        let (en, _) = generator::pin::resolve(&root, Lang::En, SpecSource::Pinned).unwrap();
        let overlay = root.join("../shared/spec/typespec/overlay.en.yaml");
        let (doc, skipped) = overlaid(&ru, &[overlay]).unwrap();
        let diffs = diff(&doc, &generator::load::read_value(&en).unwrap());
        let structural: Vec<&Difference> = diffs
            .iter()
            .filter(|d| !matches!((&d.ours, &d.theirs), (Some(Value::String(o)), Some(Value::String(t))) if is_russian(o) && !is_russian(t)))
            .collect();
        assert!(structural.is_empty(), "{structural:#?}");
        assert_eq!((skipped.len(), diffs.len()), (57, 152), "README: skipped actions and differing pointers");
        let paths: std::collections::BTreeSet<&str> =
            diffs.iter().filter_map(|d| d.pointer.strip_prefix("#/paths/")).filter_map(|p| p.split('/').next()).collect();
        assert_eq!(paths.len(), 34, "README: paths with a difference");
    }
}
