//! Diagnostics: every problem the build finds, with the place it was found. Stages push into
//! a [`Diagnostics`] collection instead of stopping at the first error, so `check` lists every
//! broken link and bad value in one run. Rendering is here too: rustc-style text for the
//! terminal (`path:line:col: error: message`, the line, a caret) and an HTML list for the
//! preview overlay.

use crate::source::SourceFile;
use std::fmt::Write as _;
use std::path::PathBuf;

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Something was guessed or ignored; the build still succeeds.
    Warning,
    /// The content is wrong; the build fails and writes nothing.
    Error,
}

/// Where a diagnostic points: a file and, when known, a line and column plus the line text.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    /// The file, as shown to the user.
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a position.
    pub line_col: Option<(usize, usize)>,
    /// The text of that line, for the caret display.
    pub line_text: Option<String>,
}

impl Location {
    /// A location with a known position inside a source file (byte offset).
    pub fn at(file: &SourceFile, offset: usize) -> Self {
        let lc = file.line_col(offset);
        Self::line_col(file, lc.line, lc.col)
    }

    /// A location at an explicit 1-based line and column of a source file.
    pub fn line_col(file: &SourceFile, line: usize, col: usize) -> Self {
        Location {
            path: file.path.clone(),
            line_col: Some((line, col)),
            line_text: Some(file.line_text(line).to_string()),
        }
    }

    /// A location that names only a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line_col: None,
            line_text: None,
        }
    }
}

/// One problem found in the site's input.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Diagnostic {
    /// Where it is.
    pub location: Location,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Optional hint, e.g. a did-you-mean.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            severity: Severity::Error,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at a location.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(location, message)
        }
    }

    /// Adds a hint line.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// `path:line:col` (or just `path`).
    pub fn position(&self) -> String {
        let path = self.location.path.display();
        match self.location.line_col {
            Some((l, c)) => format!("{path}:{l}:{c}"),
            None => path.to_string(),
        }
    }

    /// The one-line form `path:line:col: error: message`.
    pub fn headline(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{}: {sev}: {}", self.position(), self.message)
    }

    /// Terminal rendering: the headline, the source line and a caret, then the hint.
    pub fn render(&self, color: bool) -> String {
        let (on, off) = match (color, self.severity) {
            (false, _) => ("", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        };
        let mut out = format!("{on}{}{off}\n", self.headline());
        if let (Some((line, col)), Some(text)) = (self.location.line_col, &self.location.line_text)
        {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let caret_pad: String = text
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                "{pad} |\n{num} | {text}\n{pad} | {caret_pad}{on}^{off}"
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }
}

/// All diagnostics of one build, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, self.items.len() - errors)
    }

    /// The diagnostics sorted by file, position and message, duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort();
        v.dedup();
        v
    }

    /// Only the errors, sorted.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Terminal rendering of everything, with a summary line.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render(color));
        }
        out
    }
}

/// The closest candidate to `wanted` by edit distance (Levenshtein over characters), for
/// did-you-mean hints: at most a third of the longer length (and at least 2) apart, ties
/// broken by the smaller candidate.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(wanted, c);
        let limit = (wanted.len().max(c.len()) / 3).max(2);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// A reference to an id that nothing defines, with the nearest id that exists: the one
/// wording shared by dataset references, article front matter and scheme links.
pub struct UnknownId<'a> {
    /// What the id should name (`service`, `compliance program`, or a link's scheme).
    pub what: &'a str,
    /// The id as written.
    pub id: &'a str,
    /// The did-you-mean hint, if a known id is near.
    pub hint: Option<String>,
}

impl<'a> UnknownId<'a> {
    /// An unknown `id` of `what`, hinting at the nearest of `known`.
    pub fn among<'k>(what: &'a str, id: &'a str, known: impl IntoIterator<Item = &'k str>) -> Self {
        let hint = did_you_mean(id, known);
        UnknownId { what, id, hint }
    }

    /// ``unknown {what} `{id}` `` at `location`.
    pub fn error(self, location: Location) -> Diagnostic {
        let message = format!("unknown {} `{}`", self.what, self.id);
        Diagnostic::error(location, message).with_help(self.hint)
    }

    /// ``link to unknown {what} `{id}` `` at `location`.
    pub fn link_error(self, location: Location) -> Diagnostic {
        let message = format!("link to unknown {} `{}`", self.what, self.id);
        Diagnostic::error(location, message).with_help(self.hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_headline_line_and_caret() {
        let f = SourceFile::new("content/a.md", "one\n  bad thing\n");
        let d = Diagnostic::error(Location::at(&f, 6), "broken");
        let text = d.render(false);
        assert!(text.starts_with("content/a.md:2:3: error: broken\n"));
        assert!(text.contains("2 |   bad thing\n  |   ^"), "{text}");
    }

    #[test]
    fn suggests_near_ids_only() {
        let ids = ["guest-os", "host-os", "hypervisor"];
        assert_eq!(
            did_you_mean("gest-os", ids).as_deref(),
            Some("did you mean `guest-os`?")
        );
        assert_eq!(did_you_mean("database", ids), None);
    }

    #[test]
    fn ties_go_to_the_smaller_candidate_and_characters_count_not_bytes() {
        assert_eq!(
            did_you_mean("ec3", ["ec4", "ec2"]).as_deref(),
            Some("did you mean `ec2`?")
        );
        assert_eq!(
            did_you_mean("sérvice", ["service"]).as_deref(),
            Some("did you mean `service`?")
        );
    }
}
