use super::*;

/// A crate of `lib.rs` plus `(file, text)` pairs under `c/src`.
fn krate(lib: &str, more: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("c/src/lib.rs".to_owned(), lib.to_owned());
    for (name, text) in more {
        files.insert(format!("c/src/{name}"), (*text).to_owned());
    }
    files
}

fn list(lib: &str) -> Listing {
    listing(&krate(lib, &[]), "c/src").expect("lists")
}

fn changes_of(old: &str, new: &str) -> Vec<(Impact, String)> {
    changes(&list(old), &list(new)).into_iter().map(|c| (c.impact, c.text)).collect()
}

#[test]
fn the_listing_has_one_line_per_public_item_with_its_cfg() {
    let lib = r#"
pub mod models;
mod private;
#[cfg(feature = "mock")]
pub mod mock { pub fn server(port: u16) -> String { String::new() } }
pub use models::Chat;
#[cfg(test)]
mod tests { pub fn hidden() {} }
"#;
    let models = r#"
/// Docs are not API.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Chat { pub id: i64, secret: bool }
impl Chat {
    pub fn name(&self, upper: bool) -> Option<&str> { None }
    fn private(&self) {}
}
impl std::fmt::Display for Chat { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }
pub enum Kind { A, B(String), C { x: u8 } }
pub const LIMIT: usize = 50;
pub type Id = i64;
pub trait Api { fn base(&self) -> &str; fn name(&self) -> &str { "x" } }
string_enum!(Kind { A => "a", });
"#;
    let files = krate(lib, &[("models.rs", models), ("private.rs", "impl crate::models::Chat { pub fn extra(self) {} }")]);
    let text = listing(&files, "c/src").expect("lists").to_text();
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        body,
        [
            "const models::LIMIT  usize",
            "enum models::Kind",
            "field models::Chat.id  i64",
            "fn crate::models::Chat::extra  fn extra(self)",
            "fn mock::server  #[cfg(feature = \"mock\")] fn server(port: u16) -> String",
            "fn models::Chat::name  fn name(&self, upper: bool) -> Option<&str>",
            "impl Clone for models::Chat",
            "impl Debug for models::Chat",
            "impl Display for models::Chat",
            "macro models::string_enum!(Kind)  Kind{A => \"a\", }",
            "mod mock  #[cfg(feature = \"mock\")]",
            "mod models",
            "struct models::Chat  #[non_exhaustive]",
            "trait models::Api",
            "trait-fn models::Api::base  fn base(&self) -> &str required",
            "trait-fn models::Api::name  fn name(&self) -> &str provided",
            "type models::Id  = i64",
            "use Chat  models::Chat",
            "variant models::Kind::A",
            "variant models::Kind::B  (String)",
            "variant models::Kind::C  {x: u8}",
        ]
    );
    // The text reads back as the same listing.
    assert_eq!(Listing::parse(&text), listing(&files, "c/src").expect("lists"));
}

#[test]
fn a_field_added_to_an_exhaustive_struct_breaks_and_to_a_non_exhaustive_one_does_not() {
    assert_eq!(
        changes_of("pub struct A { pub x: i64 }", "pub struct A { pub x: i64, pub y: bool }"),
        [(Impact::Breaking, "`A.y` added (the struct is not `#[non_exhaustive]`: struct literals must set it)".to_owned())]
    );
    assert_eq!(
        changes_of("#[non_exhaustive] pub struct A { pub x: i64 }", "#[non_exhaustive] pub struct A { pub x: i64, pub y: bool }"),
        [(Impact::Compatible, "`A.y` added".to_owned())]
    );
    // A new struct's fields come with it.
    assert_eq!(
        changes_of("", "pub struct B { pub x: i64 }"),
        [(Impact::Compatible, "`B.x` added".to_owned()), (Impact::Compatible, "`B` added".to_owned())]
    );
}

#[test]
fn gaining_non_exhaustive_breaks_and_losing_it_does_not() {
    assert_eq!(
        changes_of("pub enum E { A }", "#[non_exhaustive] pub enum E { A }"),
        [(Impact::Breaking, "`E`: `` → `#[non_exhaustive]`".to_owned())]
    );
    assert_eq!(
        changes_of("#[non_exhaustive] pub enum E { A }", "pub enum E { A }"),
        [(Impact::Compatible, "`E`: `#[non_exhaustive]` → ``".to_owned())]
    );
    assert_eq!(
        changes_of("pub enum E { A }", "pub enum E { A, B }"),
        [(Impact::Breaking, "`E::B` added (the enum is not `#[non_exhaustive]`: exhaustive matches miss it)".to_owned())]
    );
    assert_eq!(changes_of("#[non_exhaustive] pub enum E { A }", "#[non_exhaustive] pub enum E { A, B }"), [(Impact::Compatible, "`E::B` added".to_owned())]);
}

#[test]
fn a_method_signature_change_names_both_signatures() {
    let old = "pub struct S; impl S { pub fn list(&self, page: u32) -> Vec<u8> { Vec::new() } }";
    let new = "pub struct S; impl S { pub fn list(&self, page: Option<u32>) -> Vec<u8> { Vec::new() } }";
    assert_eq!(
        changes_of(old, new),
        [(
            Impact::Breaking,
            "`S::list`: `fn list(&self, page: u32) -> Vec<u8>` → `fn list(&self, page: Option<u32>) -> Vec<u8>`".to_owned()
        )]
    );
}

#[test]
fn a_removed_item_or_trait_impl_breaks() {
    assert_eq!(
        changes_of("#[derive(Clone, Copy)] pub struct S; pub fn f() {}", "#[derive(Clone)] pub struct S;"),
        [(Impact::Breaking, "`f` removed".to_owned()), (Impact::Breaking, "`impl Copy for S` removed".to_owned())]
    );
}

#[test]
fn a_cfg_gained_breaks_a_cfg_lost_does_not() {
    assert_eq!(
        changes_of("pub fn f() {}", "#[cfg(feature = \"x\")] pub fn f() {}"),
        [(Impact::Breaking, "`f`: `fn f()` → `#[cfg(feature = \"x\")] fn f()`".to_owned())]
    );
    assert_eq!(
        changes_of("#[cfg(feature = \"x\")] pub fn f() {}", "pub fn f() {}"),
        [(Impact::Compatible, "`f`: `#[cfg(feature = \"x\")] fn f()` → `fn f()`".to_owned())]
    );
    // Gated by its module: the item carries the module's cfg.
    let l = list("#[cfg(feature = \"m\")] pub mod m { #[cfg(feature = \"n\")] pub const X: u8 = 1; }");
    assert!(l.items.contains(&ApiItem { key: "const m::X".to_owned(), detail: "#[cfg(feature = \"m\")] #[cfg(feature = \"n\")] u8".to_owned() }), "{l:?}");
}

#[test]
fn a_required_trait_method_added_breaks_a_provided_one_does_not() {
    assert_eq!(
        changes_of("pub trait T { fn a(&self); }", "pub trait T { fn a(&self); fn b(&self); fn c(&self) {} }"),
        [
            (Impact::Breaking, "`T::b` added (required: every implementation must add it)".to_owned()),
            (Impact::Compatible, "`T::c` added".to_owned())
        ]
    );
    assert_eq!(
        changes_of("pub trait T { fn a(&self); }", "pub trait T { fn a(&self) {} }"),
        [(Impact::Compatible, "`T::a`: `fn a(&self) required` → `fn a(&self) provided`".to_owned())]
    );
}

#[test]
fn a_missing_module_file_or_bad_rust_names_the_file() {
    let err = listing(&krate("pub mod gone;", &[]), "c/src").expect_err("missing");
    assert_eq!(err.to_string(), "c/src/gone/mod.rs: declared as a module but not rendered");
    let err = listing(&krate("pub fn (", &[]), "c/src").expect_err("bad");
    assert!(err.to_string().starts_with("c/src/lib.rs: not valid Rust: "), "{err}");
}
