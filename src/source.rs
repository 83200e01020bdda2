//! Source files held in memory, and the byte-offset → `line:col` mapping every diagnostic
//! needs. Text is normalised once on load (BOM stripped, CRLF → LF) so that every later stage
//! can count lines the same way the writer's editor does.

use std::path::PathBuf;

/// One text file of the site, already decoded and normalised.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user (relative to the site root where possible).
    pub path: PathBuf,
    /// Normalised text: no BOM, `\n` line endings.
    pub text: String,
    /// Where each line starts, found the first time a diagnostic needs a line (most files
    /// never do).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and column (column counted in characters, as editors show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column number, in characters.
    pub col: usize,
}

/// Why a file could not become a [`SourceFile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are not UTF-8; `line` and `col` locate the first bad byte.
    NotUtf8 { line: usize, col: usize },
}

impl SourceFile {
    /// Builds a source file from text, normalising BOM and line endings.
    pub fn new(path: impl Into<PathBuf>, text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_string()
        };
        SourceFile {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Byte offsets of the starts of lines.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// True when a place this close to the top is found by counting newlines, without
    /// indexing every line (front matter: every article has some, few need a diagnostic).
    fn near_top(&self, offset: usize) -> bool {
        offset < NEAR_TOP && self.line_starts.get().is_none()
    }

    /// Start and end (before its newline) of the 0-based line `idx`, if the text has it.
    fn line_span(&self, idx: usize) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let start = if idx == 0 {
            0
        } else if idx < NEAR_TOP_LINES && self.line_starts.get().is_none() {
            memchr::memchr_iter(b'\n', bytes).nth(idx - 1)? + 1
        } else {
            *self.line_starts().get(idx)?
        };
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |e| start + e);
        Some((start, end))
    }

    /// Decodes raw bytes as UTF-8 (a file that is not UTF-8 is an error, never a panic).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> Result<Self, DecodeError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(path, text)),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
                Err(DecodeError::NotUtf8 { line, col })
            }
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let before = &self.text.as_bytes()[..offset];
        let (line_idx, start) = if self.near_top(offset) {
            let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
            (memchr::memchr_iter(b'\n', before).count(), start)
        } else {
            let starts = self.line_starts();
            let idx = match starts.binary_search(&offset) {
                Ok(i) => i,
                Err(i) => i - 1,
            };
            (idx, starts[idx])
        };
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        LineCol {
            line: line_idx + 1,
            col,
        }
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        match self.line_span(line.saturating_sub(1)) {
            Some((start, end)) => &self.text[start..end],
            None => "",
        }
    }
}

/// Bytes from the top within which a place is found without the line index.
const NEAR_TOP: usize = 4096;
/// Lines from the top within which a line is found without the line index.
const NEAR_TOP_LINES: usize = 64;

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("a.md", "ab\ncé d\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, col: 1 });
        // 'd' is after "cé " = bytes c(1) é(2) space(1)
        assert_eq!(f.line_col(7), LineCol { line: 2, col: 4 });
    }

    #[test]
    fn places_near_the_top_and_far_down_agree_with_and_without_the_index() {
        let text: String = (0..300).map(|n| format!("line {n} é\n")).collect();
        let fresh = || SourceFile::new("a.md", &text);
        let indexed = fresh();
        let _ = indexed.line_starts();
        for offset in [
            0,
            5,
            9,
            10,
            11,
            200,
            4095,
            4096,
            4097,
            text.len() - 1,
            text.len(),
        ] {
            assert_eq!(
                fresh().line_col(offset),
                indexed.line_col(offset),
                "{offset}"
            );
        }
        for line in [0, 1, 2, 63, 64, 65, 300, 301, 302] {
            assert_eq!(fresh().line_text(line), indexed.line_text(line), "{line}");
        }
        assert_eq!(fresh().line_text(3), "line 2 é");
        assert_eq!(fresh().line_text(301), "");
        let near = fresh();
        let _ = (near.line_col(100), near.line_text(5));
        assert!(near.line_starts.get().is_none(), "the top needs no index");
    }

    #[test]
    fn crlf_and_bom_are_normalised() {
        let f = SourceFile::new("a.md", "\u{feff}a\r\nb\r\n");
        assert_eq!(f.text, "a\nb\n");
        assert_eq!(f.line_text(2), "b");
    }

    #[test]
    fn invalid_utf8_reports_position() {
        let err = SourceFile::from_bytes("x.md", b"ok\nab\xffc").unwrap_err();
        assert_eq!(err, DecodeError::NotUtf8 { line: 2, col: 3 });
    }
}
