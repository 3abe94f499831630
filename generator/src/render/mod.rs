//! Stage 3: renderers, pure functions from the IR to file contents.

mod ir_dump;

use std::collections::BTreeMap;

use crate::ir::Api;

pub use ir_dump::render_ir;

/// Rendered files: path relative to `generated/` (with `/`) → contents.
pub type Files = BTreeMap<String, String>;

/// A renderer failed (a bug in a template or the IR, never in the spec).
#[derive(Debug, thiserror::Error)]
#[error("rendering {artifact}: {message}")]
pub struct RenderError {
    /// Which artifact was being rendered.
    pub artifact: String,
    pub message: String,
}

/// One renderer: a name (for timings) and the function.
pub type Renderer = fn(&Api, &mut Files) -> Result<(), RenderError>;

/// Every renderer, in the order they run.
pub const RENDERERS: &[(&str, Renderer)] = &[("ir", render_ir)];
