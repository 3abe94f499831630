//! The generator's own changes to the SDK crate's public API, for
//! `cargo xtask generate`: the listing it writes
//! (`generated/pachca/public-api.txt`) compared with the one in the last
//! commit, recorded in `spec/release.yaml` by
//! [`generator::release::ReleaseLog::record_api`].

use std::collections::BTreeMap;
use std::path::Path;

use generator::diff::public_api::{self, ApiChange, Listing};
use generator::diff::Impact;
use generator::release::{ApiRecord, ReleaseLog, RELEASE_FILE};

/// The listing's path under `generated/`.
pub fn listing_path(sdk_crate: &str) -> String {
    format!("{sdk_crate}/{}", generator::generate::PUBLIC_API_FILE)
}

/// What the last commit holds: its release log and the crate's listing.
/// Without git the working tree stands in for it (nothing is pending, and
/// the listing on disk is the committed one).
pub struct Committed {
    pub log: ReleaseLog,
    pub listing: Option<Listing>,
}

/// The release log of the last commit; without git (or with a HEAD log
/// that does not parse: a warning), `current`: nothing is pending.
pub fn committed_log(root: &Path, current: &ReleaseLog) -> Result<ReleaseLog, String> {
    let text = crate::git::show(root, "HEAD", RELEASE_FILE)?;
    Ok(match text {
        Some(text) => ReleaseLog::parse(Path::new(RELEASE_FILE), &text).unwrap_or_else(|e| {
            eprintln!("warning: {e} (at HEAD): every release counts as committed");
            current.clone()
        }),
        None => ReleaseLog::default(),
    })
}

impl Committed {
    pub fn read(root: &Path, current: &ReleaseLog, on_disk: &BTreeMap<String, String>, sdk_crate: &str) -> Committed {
        let path = listing_path(sdk_crate);
        let disk_listing = || on_disk.get(&path).map(|t| Listing::parse(t));
        match committed_log(root, current) {
            Ok(log) => {
                let listing = match crate::git::show(root, "HEAD", &format!("generated/{path}")) {
                    Ok(Some(text)) => Some(Listing::parse(&text)),
                    _ => disk_listing(),
                };
                Committed { log, listing }
            }
            Err(why) => {
                eprintln!("warning: {why}: the working tree's {RELEASE_FILE} and generated/{path} stand in for the last commit");
                Committed { log: current.clone(), listing: disk_listing() }
            }
        }
    }
}

/// Records `new` in `log` (see [`ReleaseLog::record_api`]); returns what to
/// tell the user, or `None` when nothing changed.
pub fn record(
    log: &mut ReleaseLog,
    committed: &Committed,
    new: &Listing,
    note: Option<&str>,
    date: &str,
) -> Result<Option<String>, String> {
    let changes = committed.listing.as_ref().map(|old| public_api::changes(old, new));
    let before = log.current();
    let outcome = log.record_api(&committed.log, changes.as_deref(), &new.sha256(), note, date)?;
    let counts = changes.as_deref().map(count).unwrap_or_default();
    Ok(match outcome {
        ApiRecord::Unchanged => {
            if note.is_some() {
                eprintln!("warning: --note: the crate's public API did not change and release {before} is committed; the note is not recorded");
            }
            None
        }
        ApiRecord::Adopted => Some(format!("release {}: records the crate's public API ({RELEASE_FILE})", log.current())),
        ApiRecord::Amended(v) => Some(format!("release {v} (not committed yet) updated: the generator changed the crate's public API ({counts})")),
        ApiRecord::Recorded(v) => Some(format!(
            "release {v} (was {before}, a {} release) recorded in {RELEASE_FILE}: the generator changed the crate's public API ({counts}); review generated/CHANGELOG.md",
            before.level(v)
        )),
        ApiRecord::Withdrawn => Some(format!(
            "the crate's public API is the committed one again: the pending generator release is removed, the version is {}",
            log.current()
        )),
    })
}

/// `3 breaking, 5 compatible`.
fn count(changes: &[ApiChange]) -> String {
    let n = |i: Impact| changes.iter().filter(|c| c.impact == i).count();
    format!("{} breaking, {} compatible", n(Impact::Breaking), n(Impact::Compatible))
}

/// How many API changes `generate --check` names.
const SHOWN: usize = 5;

/// For `generate --check`: the crate's public API changes from the listing
/// in `generated/` to `new`, the first few, or `None` when it is the same.
pub fn drift_summary(on_disk: &BTreeMap<String, String>, sdk_crate: &str, new: &Listing) -> Option<String> {
    let path = listing_path(sdk_crate);
    let old = Listing::parse(on_disk.get(&path)?);
    let changes = public_api::changes(&old, new);
    if changes.is_empty() {
        return None;
    }
    let mut out = format!("the crate's public API changed ({}):", count(&changes));
    for c in changes.iter().take(SHOWN) {
        out.push_str(&format!("\n  - {}: {}", c.impact.as_str(), c.text));
    }
    if changes.len() > SHOWN {
        out.push_str(&format!("\n  - and {} more (run `cargo xtask generate`, then `git diff generated/{path}`)", changes.len() - SHOWN));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::release::Release;

    /// The crate generated from the semver fixture spec, and the same crate
    /// as an older generator would have written it: `edit` applied to its
    /// `models.rs`.
    fn listings(find: &str, replace: &str) -> (Listing, Listing) {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/data/semver/base.yaml");
        let req = generator::generate::Request::new(&spec, generator::profile::Profile::Pachca);
        let mut generated = generator::generate::generate(&req).expect("generates");
        let new = generated.public_api(None).expect("lists the new crate");
        let mut old = generated.files.clone();
        let models = old.get_mut("pachca/src/models.rs").expect("models.rs");
        assert!(models.contains(find), "the fixture's models.rs has `{find}`");
        *models = models.replacen(find, replace, 1);
        let old = public_api::listing(&old, "pachca/src").expect("lists the old crate");
        (old, new)
    }

    fn committed(old: &Listing) -> Committed {
        let mut release = Release::new("0.2.0".parse().expect("version"), "2026-12-01", "Semver Fixture 1.0.0");
        release.sha256 = Some("aaa".to_owned());
        release.api_sha256 = Some(old.sha256());
        Committed { log: ReleaseLog { releases: vec![release] }, listing: Some(old.clone()) }
    }

    /// The older generator wrote `id: i32`: the new crate's `i64` breaks
    /// code that stores an id in an `i32`, so the release is breaking and
    /// needs a note; with one it is 0.3.0 and the changelog says why.
    #[test]
    fn a_generator_change_of_a_field_type_is_a_breaking_release_with_its_note() {
        let (old, new) = listings("    pub id: i64,\n", "    pub id: i32,\n");
        let committed = committed(&old);
        let mut log = committed.log.clone();
        let err = record(&mut log, &committed, &new, None, "2026-12-04").expect_err("a note is needed");
        assert!(err.contains("in 1 breaking ways") && err.contains("- `models::Chat.id`: `i32` → `i64`"), "{err}");
        assert_eq!(log, committed.log);
        let message = record(&mut log, &committed, &new, Some("Chat ids are `i64`."), "2026-12-04").expect("recorded");
        assert_eq!(
            message.as_deref(),
            Some("release 0.3.0 (was 0.2.0, a breaking release) recorded in spec/release.yaml: the generator changed the crate's public API (1 breaking, 0 compatible); review generated/CHANGELOG.md")
        );
        let top = &log.releases[0];
        assert_eq!(top.generator.breaking, ["`models::Chat.id`: `i32` → `i64`"]);
        assert_eq!((top.sha256.as_deref(), top.api_sha256.as_deref()), (Some("aaa"), Some(new.sha256().as_str())));
        assert!(log.changelog().contains("### Notes\n\n- Chat ids are `i64`.\n\n### Breaking: made by the generator\n\n- `models::Chat.id`: `i32` → `i64`\n"));
    }

    /// The older generator had no `topic` field: a field added to a
    /// `#[non_exhaustive]` struct is compatible, a patch release before 1.0.
    #[test]
    fn a_generator_addition_is_a_compatible_release() {
        let (old, new) = listings("    /// `topic`.\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub topic: Option<String>,\n", "");
        let committed = committed(&old);
        let mut log = committed.log.clone();
        let message = record(&mut log, &committed, &new, None, "2026-12-04").expect("recorded").expect("a message");
        assert!(message.starts_with("release 0.2.1 (was 0.2.0, a compatible release)"), "{message}");
        assert_eq!(log.releases[0].generator.compatible, ["`models::Chat.topic` added"]);
        assert!(log.releases[0].generator.breaking.is_empty());
        let summary = {
            let mut on_disk = BTreeMap::new();
            on_disk.insert(listing_path("pachca"), old.to_text());
            drift_summary(&on_disk, "pachca", &new).expect("a change")
        };
        assert_eq!(summary, "the crate's public API changed (0 breaking, 1 compatible):\n  - compatible: `models::Chat.topic` added");
    }

    /// The listing is a function of `src/`: with the same `src/` as the tree
    /// written before, that tree's listing is taken as is; with one file
    /// changed, the crate is listed again.
    #[test]
    fn the_listing_is_reused_only_for_the_same_src_files() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/data/semver/base.yaml");
        let req = generator::generate::Request::new(&spec, generator::profile::Profile::Pachca);
        let fresh = generator::generate::generate(&req).expect("generates");
        let mut previous = fresh.files.clone();
        previous.insert(listing_path("pachca"), "fn marker  fn marker()\n".to_owned());
        let mut same = generator::generate::generate(&req).expect("generates");
        assert_eq!(same.public_api(Some(&previous)).expect("lists").to_text().lines().last(), Some("fn marker  fn marker()"));
        let models = previous.get_mut("pachca/src/models.rs").expect("models.rs");
        models.push_str("\npub fn added() {}\n");
        let mut changed = generator::generate::generate(&req).expect("generates");
        let listing = changed.public_api(Some(&previous)).expect("lists");
        assert!(listing.items.iter().any(|i| i.key == "struct models::Chat"), "listed again");
        assert!(!listing.items.iter().any(|i| i.key == "fn marker"));
    }
}
