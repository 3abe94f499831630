//! `models/builders.rs`: one `model_builder!` invocation per struct,
//! written as text.
//!
//! The builders are the same code for every struct, so the runtime's
//! `model_builder!` macro holds it and this file holds only what differs: the
//! names, and each field's kind and type, one line per field. It is written
//! directly in its final layout (no `prettyplease` pass, which would print a
//! macro body on as few lines as it can). The macro is in
//! `runtime/sdk/src/builder.rs`.

use std::fmt::Write as _;

use super::{rust_type, tokens_text, FieldShape, TypeIndex, GENERATED_HEADER};
use crate::ir::{Field, TypeDef, TypeKind};
use crate::model::Model;

/// Where the builders live, beside `models.rs`.
pub const BUILDERS_FILE: &str = "src/models/builders.rs";

/// Whether the spec has a struct, hence a builder (and a `builders` module).
pub fn any(m: &Model<'_>) -> bool {
    m.api.types.iter().any(|d| matches!(d.kind, TypeKind::Struct { .. }))
}

/// The builders file: every struct of the spec, in spec order.
pub fn render(m: &Model<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(GENERATED_HEADER);
    out.push_str(concat!(
        "\n//! A builder for every struct of [`models`](super), re-exported there:\n",
        "//! `Message::builder()`, one setter per field, then `build()`.\n",
        "\nuse super::*;\n",
        "#[allow(unused_imports)] // required_field: only for types with a required field\nuse crate::runtime::builder::{model_builder, required_field, BuildError};\n",
    ));
    for def in &m.api.types {
        if let TypeKind::Struct { fields } = &def.kind {
            out.push('\n');
            builder(&mut out, &m.types, def, fields);
        }
    }
    out
}

/// The builder's type name: `<Type>Builder`, or `<Type>ModelBuilder` when
/// the spec has a type of that name already.
pub fn builder_name(index: &TypeIndex, def: &TypeDef) -> String {
    let plain = format!("{}Builder", def.name);
    if index.types.contains_key(plain.as_str()) {
        format!("{}ModelBuilder", def.name)
    } else {
        plain
    }
}

fn builder(out: &mut String, index: &TypeIndex, def: &TypeDef, fields: &[Field]) {
    let name = &def.name;
    let finish = if fields.iter().any(|f| f.rust_name == "build") { "finish" } else { "build" };
    let secret = fields.iter().any(|f| super::models::is_secret(&f.name));
    // `write!` into a String cannot fail; the results are ignored.
    let _ = writeln!(out, "model_builder! {{");
    let _ = writeln!(
        out,
        "    /// Builds a [`{name}`] field by field: `{name}::builder()`, one setter per field, then\n    /// [`{finish}`](Self::{finish}), which names the required fields left unset."
    );
    if !secret {
        out.push_str("    #[derive(Debug)]\n");
    }
    let _ = writeln!(out, "    {} builds {name} with {finish} {{", builder_name(index, def));
    for f in fields {
        let plain = f.rust_name.trim_start_matches("r#");
        let ty = tokens_text(&rust_type(&f.ty));
        let (kind, ty) = match (index.field_shape(def, f), f.boxed) {
            (FieldShape::Plain, false) => ("required", ty),
            (FieldShape::Plain, true) => ("required_boxed", ty),
            (FieldShape::Option, false) => ("optional", ty),
            (FieldShape::Option, true) => ("optional_boxed", ty),
            (FieldShape::Nullable, false) => ("nullable", ty),
            (FieldShape::Nullable, true) => ("nullable", format!("Box<{ty}>")),
        };
        let _ = writeln!(out, "        /// Sets [`{name}::{plain}`].");
        let _ = writeln!(out, "        {}: {kind} {ty} = {:?},", f.rust_name, f.name);
    }
    out.push_str("    }\n}\n");
}
