//! The diff as text for people: a summary line, then the changes grouped
//! by impact, each in the crate's or the CLI's terms.

use std::fmt::Write as _;

use super::{ApiDiff, Impact};

/// At most this many docs-only changes are listed one by one; the rest are counted.
const DOCS_SHOWN: usize = 10;

/// `old` → `new` (labels such as file names), the counts, and every change.
pub fn render_text(diff: &ApiDiff, old: &str, new: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "API diff {old} → {new}");
    let _ = writeln!(out, "{}", summary(diff));
    for impact in [Impact::Breaking, Impact::Compatible, Impact::Docs] {
        let changes: Vec<_> = diff.with(impact).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", heading(impact), changes.len());
        let shown = if impact == Impact::Docs { DOCS_SHOWN } else { usize::MAX };
        for c in changes.iter().take(shown) {
            match &c.why {
                Some(why) => {
                    let _ = writeln!(out, "  - {}: {why}", c.text);
                }
                None => {
                    let _ = writeln!(out, "  - {}", c.text);
                }
            }
        }
        if changes.len() > shown {
            let _ = writeln!(out, "  - and {} more", changes.len() - shown);
        }
    }
    out
}

/// `3 breaking, 12 compatible, 40 docs-only changes`, or `no changes`.
pub fn summary(diff: &ApiDiff) -> String {
    if diff.is_empty() {
        return "no changes".to_owned();
    }
    format!(
        "{} breaking, {} compatible, {} docs-only changes",
        diff.count(Impact::Breaking),
        diff.count(Impact::Compatible),
        diff.count(Impact::Docs)
    )
}

/// The section title of an impact.
pub fn heading(impact: Impact) -> &'static str {
    match impact {
        Impact::Breaking => "Breaking",
        Impact::Compatible => "Compatible",
        Impact::Docs => "Docs only",
    }
}
