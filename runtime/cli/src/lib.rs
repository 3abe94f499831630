//! The hand-written runtime of the `pachca` command line, driven by a
//! command table: the clap tree, input, output formats, config and profiles,
//! errors, `api` / `commands` / `introspect`, and the entry point
//! [`entry::main`].
//!
//! Only this file is the library's own. The generator copies every other
//! file of `src/` byte for byte into the generated CLI crate, whose
//! `main.rs` declares the same modules (they refer to each other as
//! `crate::<module>`, which resolves in both crates), adds the generated
//! `commands` module and calls `entry::main(&commands::COMMANDS)`.

pub mod app;
pub mod config;
pub mod entry;
pub mod errors;
pub mod input;
pub mod oauth;
pub mod output;
pub mod raw;
pub mod run;
pub mod save;
pub mod secrets;
pub mod skills;
/// The command-table types and global flags: the very file of the
/// `pachca-cli-spec` crate, compiled here as a module.
#[path = "../../cli-spec/src/lib.rs"]
pub mod spec;
pub mod tools;
pub mod verbose;
