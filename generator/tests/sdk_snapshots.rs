//! Rules of the generated SDK files for the pinned Pachca spec (the files
//! themselves are committed under `generated/` and checked by the drift test).

use std::path::Path;

use generator::pin::{self, Lang, SpecSource};

fn files() -> generator::render::Files {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let (spec, _) = pin::resolve(root, Lang::En, SpecSource::Pinned)
        .unwrap_or_else(|e| panic!("the pinned Pachca spec is needed for this test and is missing or changed: {e}"));
    let req = generator::generate::Request::new(&spec, generator::profile::Profile::Pachca);
    let generated = generator::generate::generate(&req).unwrap_or_else(|e| panic!("{e}"));
    generated.files
}

#[test]
fn models_cover_every_type() {
    let files = files();
    let models = &files["pachca/src/models.rs"];
    for name in ["Chat", "Message", "WebhookPayloadUnion", "AuditEventDetailsUnion", "ViewBlockUnion", "ChatMemberRole", "Nullable"] {
        if name == "Nullable" {
            assert!(files["pachca/src/lib.rs"].contains("pub use crate::runtime::nullable::Nullable;"));
            continue;
        }
        assert!(
            models.contains(&format!("pub struct {name} ")) || models.contains(&format!("pub enum {name} ")),
            "{name} missing from models.rs"
        );
    }
    // Keywords become raw identifiers without a rename.
    assert!(models.contains("pub r#type: "), "raw identifier fields");
    assert!(models.contains("#[serde(rename = \"Content-Disposition\")]"), "renamed fields");
}

#[test]
fn credentials_are_redacted_and_every_struct_has_a_builder() {
    let files = files();
    let models = &files["pachca/src/models.rs"];
    // The bot token of `POST /bots` and every other token field print as `***`.
    let bot = models.find("impl std::fmt::Debug for BotCreateResponse").expect("a hand-rolled Debug for BotCreateResponse");
    assert!(models[bot..].contains(".field(\"access_token\", &\"***\")"));
    assert!(!models.contains("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[non_exhaustive]\npub struct BotCreateResponse"));
    let builders = &files["pachca/src/models/builders.rs"];
    let structs: Vec<&str> = models.lines().filter_map(|l| l.strip_prefix("pub struct ")?.strip_suffix(" {")).collect();
    let built: Vec<&str> = builders.lines().filter_map(|l| l.split_once(" builds ")?.1.split_once(" with ").map(|(t, _)| t)).collect();
    assert_eq!(structs, built, "every model struct has a builder, in the same order");
    assert!(models.contains("\nmod builders;\n") && models.contains("\npub use builders::*;\n"), "builders are re-exported from models");
    // A secret-holding struct's builder does not derive Debug (it would print the token).
    let bot = builders.find("BotCreateResponseBuilder builds").expect("the bot response builder");
    let head = &builders[builders[..bot].rfind("model_builder! {").unwrap_or(0)..bot];
    assert!(!head.contains("#[derive(Debug)]"), "{head}");
    assert!(builders.contains("    #[derive(Debug)]\n    ChatBuilder builds Chat with build {"));
}
