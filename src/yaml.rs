//! Strict YAML reading shared by front matter and the dataset: serde-saphyr with duplicate
//! keys rejected and aliases refused, and every error or [`Spanned`] value turned into a
//! [`Location`] in the *file* (front matter starts a few lines into its file).

use crate::diagnostics::{Diagnostic, Location};
use crate::source::SourceFile;
use serde::de::DeserializeOwned;
use serde_saphyr::{DuplicateKeyPolicy, Options, Spanned};

/// A YAML text embedded in a file, starting at `first_line` (1-based) of that file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Embedded<'a> {
    /// The file the YAML lives in.
    pub file: &'a SourceFile,
    /// The YAML text.
    pub yaml: &'a str,
    /// File line of the YAML's first line.
    pub first_line: usize,
}

impl<'a> Embedded<'a> {
    /// A whole file of YAML.
    pub(crate) fn whole(file: &'a SourceFile) -> Self {
        Embedded {
            file,
            yaml: &file.text,
            first_line: 1,
        }
    }

    /// Deserialises strictly; a failure becomes one diagnostic at the file position.
    pub(crate) fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        self.parse_with(strict_options())
    }

    /// Like [`Embedded::parse`], for values whose type the YAML decides (front matter read
    /// as it is): only `true`/`false` are booleans and numbers keep leading zeros and
    /// underscores as text, so a tag `y`, `no` or `007` stays text (YAML 1.2's rules).
    pub(crate) fn parse_untyped<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        let mut options = strict_options();
        options.strict_booleans = true;
        options.leading_zero_numbers_as_strings = true;
        options.underscored_numbers_as_strings = true;
        self.parse_with(options)
    }

    fn parse_with<T: DeserializeOwned>(&self, options: Options) -> Result<T, Diagnostic> {
        serde_saphyr::from_str_with_options(self.yaml, options).map_err(|e| {
            let loc = match e.location() {
                Some(l) if l.line() > 0 => self.location(l.line() as usize, l.column() as usize),
                _ => Location::file(&self.file.path),
            };
            Diagnostic::error(loc, clean_message(&e))
        })
    }

    /// File location of a YAML line/column.
    pub(crate) fn location(&self, line: usize, col: usize) -> Location {
        Location::line_col(self.file, line + self.first_line - 1, col.max(1))
    }

    /// File location of a spanned value.
    pub(crate) fn span<T>(&self, value: &Spanned<T>) -> Location {
        self.location(
            value.referenced.line() as usize,
            value.referenced.column() as usize,
        )
    }
}

/// Duplicate keys are errors and aliases are refused.
fn strict_options() -> Options {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.alias_limits.max_alias_expansions_per_anchor = 0;
    options.alias_limits.max_total_replayed_events = 0;
    options
}

/// The error text without serde-saphyr's own position prefix, snippet or API advice (we
/// print our own position, in file coordinates): its user-facing message.
fn clean_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::MessageFormatter as _;
    if is_alias_refusal(e) {
        "YAML anchors and aliases are not allowed: write the value out".to_string()
    } else {
        serde_saphyr::UserMessageFormatter
            .format_message(e)
            .trim()
            .to_string()
    }
}

/// Whether the parser stopped at an alias (we allow none). Decided by the error's kind: an
/// unknown key that merely contains the word (`aliases`) is not one.
fn is_alias_refusal(e: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    match e.without_snippet() {
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => true,
        E::AliasError { error, .. } => is_alias_refusal(error),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        #[serde(default)]
        list: Vec<Spanned<String>>,
    }

    fn parse(text: &str, first_line: usize) -> Result<Doc, Diagnostic> {
        let file = SourceFile::new("x.yaml", text);
        Embedded {
            file: &file,
            yaml: &file.text,
            first_line,
        }
        .parse()
    }

    #[test]
    fn unknown_key_points_at_the_key_in_the_file() {
        let err = parse("name: a\ncolour: red\n", 3).unwrap_err();
        assert_eq!(err.location.line_col, Some((4, 1)), "{}", err.message);
        assert!(err.message.contains("colour"), "{}", err.message);
        // Only our own (file) position is printed: not the block-relative one of the parser.
        assert!(!err.message.contains("line "), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("name: a\nname: b\n", 1).unwrap_err();
        assert_eq!(
            err.location.line_col.map(|l| l.0),
            Some(2),
            "{}",
            err.message
        );
        assert!(
            err.message.to_lowercase().contains("duplicate"),
            "{}",
            err.message
        );
    }

    #[test]
    fn aliases_are_refused() {
        let err = parse("name: &n a\nlist: [*n]\n", 1).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
    }

    #[test]
    fn an_unknown_key_named_like_aliases_is_reported_as_unknown() {
        let err = parse("name: a\naliases: [x]\n", 1).unwrap_err();
        assert!(
            err.message.contains("unknown field `aliases`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn spanned_values_know_their_place() {
        let file = SourceFile::new("x.md", "---\nname: a\nlist: [one, two]\n");
        let emb = Embedded {
            file: &file,
            yaml: "name: a\nlist: [one, two]\n",
            first_line: 2,
        };
        let doc: Doc = emb.parse().unwrap();
        assert_eq!(emb.span(&doc.list[1]).line_col, Some((3, 13)));
    }
}
