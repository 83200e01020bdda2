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
    line_starts: Vec<usize>,
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
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
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
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
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
        let idx = line.saturating_sub(1);
        let Some(&start) = self.line_starts.get(idx) else {
            return "";
        };
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |&e| e - 1);
        &self.text[start..end.max(start)]
    }
}

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
