//! The API diff on the real specs: the committed IR reads back as the model
//! of the pinned spec (what `spec pin` and `generate --check` diff against),
//! and the dated upstream specs diff to what changed between them.

use std::path::{Path, PathBuf};

use generator::diff::{diff, Impact};
use generator::ir::Api;
use generator::pin::{self, Lang, SpecSource};
use generator::profile::Profile;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn lower(path: &Path) -> Api {
    let spec = generator::load::load_file(path).unwrap_or_else(|e| panic!("{e}"));
    generator::lower::lower_with(&spec, Profile::Pachca.lower_options(false)).unwrap_or_else(|e| panic!("{e}")).api
}

fn history(date: &str) -> Api {
    let path = root().join(format!("../shared/spec/history/openapi-{date}.yaml"));
    assert!(path.exists(), "{}: the dated upstream specs are needed for this test", path.display());
    lower(&path)
}

fn pinned(lang: Lang) -> Api {
    let (path, _) = pin::resolve(&root(), lang, SpecSource::Pinned).unwrap_or_else(|e| panic!("the pinned spec is needed: {e}"));
    lower(&path)
}

#[test]
fn the_committed_ir_reads_back_as_the_pinned_model() {
    let path = root().join("generated/ir/pachca.ir.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let committed = generator::ir::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    let api = pinned(Lang::En);
    assert!(committed == api, "the committed IR differs from the pinned spec's model: {:#?}", diff(&committed, &api).changes);
}

fn texts(old: &Api, new: &Api, impact: Impact) -> Vec<String> {
    diff(old, new).with(impact).map(|c| c.text.clone()).collect()
}

#[test]
fn june_to_july_names_the_new_bot_methods_and_the_dropped_event() {
    let (old, new) = (history("2026-06-24"), history("2026-07-28"));
    let compatible = texts(&old, &new, Impact::Compatible);
    for expected in [
        "new method `bots().list_bots()` (with `list_bots_stream` and `list_bots_all`): `GET /bots`",
        "new method `bots().delete_bot()`: `DELETE /bots/{id}`",
        "`BotWebhook` gains `who_can_add` (`BotWhoCanAdd`; `BotWebhookBuilder::build` now requires it)",
        "new command `pachca bots list`",
    ] {
        assert!(compatible.iter().any(|t| t == expected), "missing {expected:?} in {compatible:#?}");
    }
    let breaking = texts(&old, &new, Impact::Breaking);
    assert!(breaking.contains(&"`BotEventName` loses `BillCreated` (`bill_created`)".to_owned()), "{breaking:#?}");
    assert!(breaking.contains(&"`User`: `first_name` becomes nullable: `Option<String>` (was `String`)".to_owned()), "{breaking:#?}");
}

#[test]
fn july_to_the_pin_names_the_archived_chats() {
    let (old, new) = (history("2026-07-28"), pinned(Lang::Ru));
    let compatible = texts(&old, &new, Impact::Compatible);
    for expected in ["`chats().list_chats()` gains `archived` (`ListChatsParams::archived`)", "`Chat` gains `archived` (`bool`; `ChatBuilder::build` now requires it)", "`pachca chats list` gains `--archived`"] {
        assert!(compatible.iter().any(|t| t == expected), "missing {expected:?} in {compatible:#?}");
    }
    assert!(texts(&old, &new, Impact::Breaking).contains(&"`AuditDetailsVideoCall` is removed".to_owned()));
}
