//! The Pachca code generator: OpenAPI spec → IR → generated artifacts.
//!
//! Three stages, each in its own module:
//!
//! 1. [`load`]: read and parse the YAML, apply overlays, check it is
//!    OpenAPI 3.0 or 3.1 (converted to the 3.0 shape);
//! 2. [`lower`]: resolve references, validate, name everything, and build
//!    the [`ir`] — plain data, no `openapiv3` types;
//! 3. [`render`]: pure functions from the IR to file contents.
//!
//! [`pin`] knows where the pinned upstream spec lives and checks its hash;
//! [`generate`] runs the stages and reports how long each took.
//! [`cli_model`] derives the `pachca` command line from the IR; the CLI and
//! the agent skills both build on it. [`curated`] holds what the curated
//! data files share: their locations and the warning for an entry that does
//! not match the spec.

pub mod cli_model;
pub mod curated;
pub mod diff;
pub mod error;
pub mod generate;
pub mod ir;
pub mod load;
pub mod lower;
pub mod pin;
pub mod render;
pub mod sample;
pub mod model;
pub mod profile;
pub mod release;

pub use error::SpecError;
