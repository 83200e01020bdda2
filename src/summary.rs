//! Warnings summarised for the terminal: an imported tree can raise the same warning
//! thousands of times (an unknown code language in every block, a removed shortcode on
//! every page), which buries the errors. A kind of warning seen more than [`FULL`] times
//! is printed as one line with its count and its first few places; `--verbose` prints every
//! one. Errors are always printed in full.

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use std::collections::HashMap;

/// Warnings of one kind printed in full before they are summarised.
const FULL: usize = 3;

/// Places listed on a summary line.
const PLACES: usize = 3;

/// The kind of a diagnostic: its message with the details that change from one place to the
/// next (paths, URLs, counts in parentheses) masked. Short names in backticks (a language,
/// a key, a shortcode) stay: each is its own kind.
pub(crate) fn kind(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    out.push_str(parts.next().unwrap_or(""));
    for (i, part) in parts.enumerate() {
        if i % 2 == 0 {
            let keep = part.starts_with("{{") || part.starts_with("{%") || is_name(part);
            out.push('`');
            out.push_str(if keep { part } else { "…" });
            out.push('`');
        } else {
            out.push_str(part);
        }
    }
    match out.rfind(" (") {
        Some(i) if out.ends_with(')') => out.truncate(i),
        _ => {}
    }
    out
}

/// A short identifier: a language, a key, a slug word.
fn is_name(text: &str) -> bool {
    text.len() <= 30
        && !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
}

/// The terminal rendering of `diags`: errors and rare warnings in full, then one line per
/// frequent kind of warning.
pub(crate) fn render(diags: &Diagnostics, color: bool) -> String {
    let sorted = diags.sorted();
    let mut per_kind: HashMap<String, Vec<&Diagnostic>> = HashMap::new();
    for d in sorted.iter().filter(|d| d.severity == Severity::Warning) {
        per_kind.entry(kind(&d.message)).or_default().push(d);
    }
    let mut out = String::new();
    for d in &sorted {
        let frequent = d.severity == Severity::Warning && per_kind[&kind(&d.message)].len() > FULL;
        if !frequent {
            out.push_str(&d.render(color));
        }
    }
    let mut frequent: Vec<(&String, &Vec<&Diagnostic>)> = per_kind
        .iter()
        .filter(|(_, list)| list.len() > FULL)
        .collect();
    frequent.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    for (kind, list) in frequent {
        out.push_str(&summary_line(kind, list, color));
    }
    out
}

/// `a.md:1:2: warning: <kind> — <n> times, also at b.md:3:4, c.md:5:6, … (--verbose lists
/// them all)`: the first place leads, as in every diagnostic's headline.
fn summary_line(kind: &str, list: &[&Diagnostic], color: bool) -> String {
    let (on, off) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("", "")
    };
    let also: Vec<String> = list
        .iter()
        .skip(1)
        .take(PLACES)
        .map(|d| d.position())
        .collect();
    format!(
        "{on}{}: warning: {kind} — {} times, also at {}, … (--verbose lists them all){off}\n",
        list[0].position(),
        list.len(),
        also.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    #[test]
    fn kinds_mask_places_and_counts_but_keep_names() {
        assert_eq!(
            kind("unknown code language `apache`: shown as plain text"),
            "unknown code language `apache`: shown as plain text"
        );
        assert_eq!(
            kind("link to `/a/b/#c`: no such anchor on that page"),
            "link to `…`: no such anchor on that page"
        );
        assert_eq!(
            kind("Hugo shortcode `{{< new-in >}}` has no equivalent here: removed (2 times)"),
            "Hugo shortcode `{{< new-in >}}` has no equivalent here: removed"
        );
    }

    #[test]
    fn frequent_warnings_are_one_line_and_errors_stay_in_full() {
        let mut d = Diagnostics::new();
        for i in 1..=5 {
            let at = Location::file(format!("content/p{i}.md"));
            d.push(Diagnostic::warning(
                at.clone(),
                "unknown code language `goat2`: shown as plain text",
            ));
            d.push(Diagnostic::error(
                at,
                format!("link to `/x{i}/`: no such page in the site"),
            ));
        }
        d.push(Diagnostic::warning(
            Location::file("content/z.md"),
            "a rare warning",
        ));
        let text = render(&d, false);
        assert_eq!(text.matches(": error: ").count(), 5, "{text}");
        assert!(
            text.contains("content/z.md: warning: a rare warning"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "content/p1.md: warning: unknown code language `goat2`: shown as plain text — 5 \
                 times, also at content/p2.md, content/p3.md, content/p4.md, … (--verbose lists \
                 them all)\n"
            ),
            "{text}"
        );
    }
}
