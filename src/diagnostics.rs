//! Diagnostics: every problem the build finds, with the place it was found. Stages push into
//! a [`Diagnostics`] collection instead of stopping at the first error, so `check` lists every
//! broken link and bad value in one run. Terminal rendering is here too: the headline
//! `path:line:col: error: message`, then the source line and a caret drawn by
//! `annotate-snippets` (so the caret lines up under wide characters and tabs), with a very
//! long line cut to a window around the column. The preview overlay shows the headlines.

use crate::source::SourceFile;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
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

    /// Like [`Location::at`] without the line's text, for places that are rarely reported
    /// (the text is looked up again if one is).
    pub fn at_without_text(file: &SourceFile, offset: usize) -> Self {
        let lc = file.line_col(offset);
        Location {
            path: file.path.clone(),
            line_col: Some((lc.line, lc.col)),
            line_text: None,
        }
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
        format!(
            "{}: {sev}: {}",
            self.position(),
            printable(&shortened(&self.message, MAX_MESSAGE))
        )
    }

    /// Terminal rendering: the headline, then the source line with a caret under the column
    /// and the hint. Colour only when `color` is set.
    pub fn render(&self, color: bool) -> String {
        let (on, off) = match (color, self.severity) {
            (false, _) => ("", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        };
        let mut out = format!("{on}{}{off}\n", self.headline());
        if let Some(snippet) = self.snippet(color) {
            out.push_str(&snippet);
            out.push('\n');
        }
        out
    }

    /// The source line with its caret, then the hint, drawn by `annotate-snippets`; `None`
    /// when the diagnostic has neither.
    fn snippet(&self, color: bool) -> Option<String> {
        let excerpt = match (self.location.line_col, &self.location.line_text) {
            (Some((line, col)), Some(text)) => Some((line, Excerpt::around(text, col))),
            _ => None,
        };
        if excerpt.is_none() && self.help.is_none() {
            return None;
        }
        let mut group = Group::with_level(match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        });
        if let Some((line, excerpt)) = &excerpt {
            let caret = AnnotationKind::Primary.span(excerpt.caret..excerpt.caret);
            let source = Snippet::source(&excerpt.text).line_start(*line);
            group = group.element(source.annotation(caret));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        Some(renderer.term_width(SNIPPET_COLUMNS).render(&[group]))
    }
}

/// The most characters of a source line a snippet shows: a longer line (a 50 MB value on
/// one line, say) is cut to this many around the column, with `...` marking each cut.
const SNIPPET_CHARS: usize = 200;

/// The terminal width given to `annotate-snippets`: wide enough that it never cuts the
/// excerpt again (every character of it at most two columns wide, plus the margins).
const SNIPPET_COLUMNS: usize = 2 * SNIPPET_CHARS + 40;

/// The part of a source line a snippet shows, and where the caret goes in it.
struct Excerpt {
    /// The shown text: the whole line, or a window of it with `...` at each cut end.
    text: String,
    /// Byte offset of the caret in `text` (at most `text.len()`).
    caret: usize,
}

impl Excerpt {
    /// The excerpt of `line` around the 1-based character column `col` (clamped to just
    /// past the line's end).
    fn around(line: &str, col: usize) -> Self {
        let len = line.chars().count();
        let at = col.saturating_sub(1).min(len);
        let start = if len > SNIPPET_CHARS {
            at.saturating_sub(SNIPPET_CHARS / 2)
                .min(len - SNIPPET_CHARS)
        } else {
            0
        };
        let end = len.min(start + SNIPPET_CHARS);
        let from = byte_of_char(line, start);
        let window = &line[from..from + byte_of_char(&line[from..], end - start)];
        let cut_left = if start > 0 { "..." } else { "" };
        let cut_right = if end < len { "..." } else { "" };
        // Control characters (not tabs) become U+FFFD, one character each, so the caret's
        // byte offset stays right and nothing in the line can drive the terminal.
        let window: String = window
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        let window = window.as_str();
        Excerpt {
            text: format!("{cut_left}{window}{cut_right}"),
            caret: cut_left.len() + byte_of_char(window, at - start),
        }
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

/// Byte offset of the `n`th character of `s` (0-based), or `s.len()` past its end.
fn byte_of_char(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// The closest candidate to `wanted` by edit distance (Levenshtein over characters), for
/// did-you-mean hints: at most a third of the longer length (and at least 2) apart, ties
/// broken by the smaller candidate.
pub(crate) fn did_you_mean<'a>(
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
pub(crate) struct UnknownId<'a> {
    /// What the id should name (`service`, `compliance program`, or a link's scheme).
    pub what: &'a str,
    /// The id as written.
    pub id: &'a str,
    /// The did-you-mean hint, if a known id is near.
    pub hint: Option<String>,
}

impl<'a> UnknownId<'a> {
    /// An unknown `id` of `what`, hinting at the nearest of `known`.
    pub(crate) fn among<'k>(
        what: &'a str,
        id: &'a str,
        known: impl IntoIterator<Item = &'k str>,
    ) -> Self {
        let hint = did_you_mean(id, known);
        UnknownId { what, id, hint }
    }

    /// ``unknown {what} `{id}` `` at `location`.
    pub(crate) fn error(self, location: Location) -> Diagnostic {
        let message = format!("unknown {} `{}`", self.what, self.id);
        Diagnostic::error(location, message).with_help(self.hint)
    }

    /// ``link to unknown {what} `{id}` `` at `location`.
    pub(crate) fn link_error(self, location: Location) -> Diagnostic {
        let message = format!("link to unknown {} `{}`", self.what, self.id);
        Diagnostic::error(location, message).with_help(self.hint)
    }
}

/// Longest message shown whole; a longer one (a huge value quoted in it) is cut in the
/// middle.
const MAX_MESSAGE: usize = 400;

/// `text` cut to about `max` characters, keeping its start and end.
fn shortened(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= max {
        return text.into();
    }
    let keep = max / 2;
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(count - keep).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        count - 2 * keep
    )
    .into()
}

/// `text` with control characters (an escape sequence in a value, say) written as
/// `\u{1b}`, so a message cannot drive the terminal.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control()) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cannot_drive_the_terminal_or_flood_it() {
        let d = Diagnostic::error(Location::file("srm-docs.toml"), "base_url `x\u{1b}[31mred`");
        assert_eq!(
            d.headline(),
            "srm-docs.toml: error: base_url `x\\u{1b}[31mred`"
        );
        let huge = format!("value `{}`", "v".repeat(5000));
        let line = Diagnostic::error(Location::file("a.md"), huge).headline();
        assert!(line.len() < 500, "{}", line.len());
        assert!(
            line.contains("characters left out") && line.ends_with("vvv`"),
            "{line}"
        );
    }

    /// The rendering (without colour) of an error at 1-based `col` of a one-line file.
    fn render_at(line: &str, col: usize) -> String {
        let f = SourceFile::new("a.md", line);
        Diagnostic::error(Location::line_col(&f, 1, col), "bad").render(false)
    }

    #[test]
    fn renders_headline_line_and_caret() {
        let f = SourceFile::new("content/a.md", "one\n  bad thing\n");
        let d = Diagnostic::error(Location::at(&f, 6), "broken");
        assert_eq!(
            d.render(false),
            "content/a.md:2:3: error: broken\n  |\n2 |   bad thing\n  |   ^\n"
        );
    }

    #[test]
    fn the_caret_counts_wide_characters_as_two_columns() {
        // `bad` is the 12th character; 日本語 take two columns each.
        assert_eq!(
            render_at("title: 日本語 bad", 12),
            "a.md:1:12: error: bad\n  |\n1 | title: 日本語 bad\n  |               ^\n"
        );
        // 🎉 is two columns too.
        assert_eq!(
            render_at("🎉🎉 x", 4),
            "a.md:1:4: error: bad\n  |\n1 | 🎉🎉 x\n  |      ^\n"
        );
    }

    #[test]
    fn tabs_are_shown_as_spaces_so_the_caret_lines_up() {
        // Each tab becomes four spaces on the source line; the caret moves with it.
        assert_eq!(
            render_at("\tx\tkey: [", 4),
            "a.md:1:4: error: bad\n  |\n1 |     x    key: [\n  |          ^\n"
        );
    }

    #[test]
    fn a_huge_line_is_cut_to_a_window_around_the_column() {
        let line = format!("{}needle{}", "a".repeat(1_000_000), "b".repeat(1_000_000));
        let text = render_at(&line, 1_000_001);
        let shown = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        assert!(shown.len() < SNIPPET_CHARS + 20, "{}", shown.len());
        assert!(
            shown.starts_with("1 | ...aaa") && shown.ends_with("bbb..."),
            "{shown}"
        );
        assert_eq!(&shown[caret.len() - 1..caret.len() + 5], "needle");
        assert!(caret.ends_with(" ^"), "{caret}");
    }

    #[test]
    fn the_window_stays_inside_the_line_at_either_end() {
        let line = "x".repeat(500);
        let start = render_at(&line, 1);
        assert!(
            start.contains("1 | xxx") && start.contains("x...\n  | ^\n"),
            "{start}"
        );
        let end = render_at(&line, 501);
        let caret = end.lines().nth(3).unwrap();
        assert!(end.contains("1 | ...xxx"), "{end}");
        assert_eq!(caret.len(), "  | ...".len() + SNIPPET_CHARS + 1, "{end}");
    }

    #[test]
    fn a_column_past_the_line_end_points_just_after_it() {
        assert_eq!(
            render_at("ab", 9),
            "a.md:1:9: error: bad\n  |\n1 | ab\n  |   ^\n"
        );
        assert_eq!(render_at("", 1), "a.md:1:1: error: bad\n  |\n1 |\n  | ^\n");
    }

    #[test]
    fn help_follows_the_snippet_or_stands_alone() {
        let f = SourceFile::new("a.yaml", "k: gest-os\n");
        let hint = Some("did you mean `guest-os`?".to_string());
        let d = Diagnostic::error(Location::at(&f, 3), "unknown control").with_help(hint.clone());
        assert_eq!(
            d.render(false),
            "a.yaml:1:4: error: unknown control\n  |\n1 | k: gest-os\n  |    ^\n  |\n  = help: did you mean `guest-os`?\n"
        );
        let d = Diagnostic::warning(Location::file("a.yaml"), "odd").with_help(hint);
        assert_eq!(
            d.render(false),
            "a.yaml: warning: odd\n = help: did you mean `guest-os`?\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let f = SourceFile::new("a.md", "x\n");
        let d = Diagnostic::error(Location::at(&f, 0), "bad");
        assert!(!d.render(false).contains('\x1b'));
        let coloured = d.render(true);
        assert!(coloured.starts_with("\x1b[1;31ma.md:1:1: error: bad\x1b[0m\n"));
        assert!(
            coloured.lines().nth(3).unwrap().contains("\x1b["),
            "{coloured:?}"
        );
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
