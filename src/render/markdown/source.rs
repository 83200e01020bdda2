//! The Markdown as pulldown-cmark reads it. Other tools' syntax that CommonMark would misread
//! is rewritten line by line before parsing — MkDocs' `!!! note` blocks ([`super::blocks`]),
//! whose indented bodies would be code, and Hugo shortcodes and Liquid tags
//! ([`super::shortcodes`]) — with a [`LineMap`] back to the text as written, so every
//! diagnostic keeps its line (and, outside rewritten lines, its column).

use std::borrow::Cow;

/// Where each line of the rewritten text comes from.
#[derive(Debug, Default)]
pub(super) struct LineMap {
    /// Per rewritten line: its start, the start of its source line, and how many bytes
    /// were removed from the front of the source line (its dedent). Empty: unchanged text.
    lines: Vec<(usize, usize, usize)>,
}

impl LineMap {
    /// The offset in the text as written of an offset in the rewritten text.
    pub(super) fn source(&self, offset: usize) -> usize {
        if self.lines.is_empty() {
            return offset;
        }
        let i = self
            .lines
            .partition_point(|l| l.0 <= offset)
            .saturating_sub(1);
        let (start, source_start, removed) = self.lines[i];
        source_start + removed + (offset - start)
    }
}

/// The text to parse, its map, and what the rewriting generated.
pub(super) struct Prepared<'m> {
    /// The text pulldown-cmark reads.
    pub text: Cow<'m, str>,
    /// Offsets in `text` → offsets in the text as written.
    pub map: LineMap,
    /// The HTML each block marker in `text` stands for (see [`marker`]).
    pub blocks: Vec<String>,
    /// Warnings about what was dropped: (offset in the text as written, message).
    pub notes: Vec<(usize, String)>,
}

/// A rewritten text, built line by line.
#[derive(Default)]
pub(super) struct Builder {
    text: String,
    map: LineMap,
    pub(super) blocks: Vec<String>,
    pub(super) notes: Vec<(usize, String)>,
}

/// Marks a line that stands for generated block HTML: private-use characters around its
/// index (distinct from the raw-HTML markers).
const OPEN: char = '\u{E010}';
const CLOSE: char = '\u{E011}';

impl Builder {
    /// Adds a line (without its line end) from the source line at `source_start`, with
    /// `removed` bytes taken off its front.
    pub(super) fn line(&mut self, text: &str, source_start: usize, removed: usize) {
        self.map
            .lines
            .push((self.text.len(), source_start, removed));
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// Adds a paragraph of its own that stands for `html` (blank lines around it).
    pub(super) fn block(&mut self, html: String, source_start: usize) {
        let marker = format!("{OPEN}{}{CLOSE}", self.blocks.len());
        self.blocks.push(html);
        self.line("", source_start, 0);
        self.line(&marker, source_start, 0);
        self.line("", source_start, 0);
    }

    fn finish(self) -> (String, LineMap, Vec<String>, Vec<(usize, String)>) {
        (self.text, self.map, self.blocks, self.notes)
    }
}

/// The index of the block a paragraph's text stands for, if it is a marker.
pub(super) fn marker(text: &str) -> Option<usize> {
    text.strip_prefix(OPEN)?.strip_suffix(CLOSE)?.parse().ok()
}

/// Whether `markdown` may hold syntax [`prepare`] rewrites (a quick test that keeps the
/// common case a borrow).
fn may_need_rewriting(markdown: &str) -> bool {
    const MARKERS: [&[u8]; 15] = [
        b"!!!",
        b"???",
        b"===",
        b"{{",
        b"{%",
        b"{:",
        b"%%",
        b"==",
        b"{ ",
        b"{.",
        b"{#",
        b":material-",
        b":octicons-",
        b":fontawesome-",
        b":simple-",
    ];
    // One pass over the text, trying the markers only where one could start.
    let bytes = markdown.as_bytes();
    (0..bytes.len())
        .filter(|&i| matches!(bytes[i], b'!' | b'?' | b'=' | b'{' | b'%' | b':'))
        .any(|i| MARKERS.iter().any(|m| bytes[i..].starts_with(m)))
}

/// Prepares `markdown` for parsing (see the module docs).
pub(super) fn prepare(markdown: &str) -> Prepared<'_> {
    if !may_need_rewriting(markdown) {
        return unchanged(markdown);
    }
    let mut b = Builder::default();
    let changed = super::blocks::rewrite(markdown, &mut b);
    if !changed {
        return unchanged(markdown);
    }
    let (text, map, blocks, notes) = b.finish();
    Prepared {
        text: Cow::Owned(text),
        map,
        blocks,
        notes,
    }
}

fn unchanged(markdown: &str) -> Prepared<'_> {
    Prepared {
        text: Cow::Borrowed(markdown),
        map: LineMap::default(),
        blocks: Vec::new(),
        notes: Vec::new(),
    }
}

/// The lines of a text with the offset each starts at (line ends dropped).
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (
            start,
            line.strip_suffix('\n')
                .unwrap_or(line)
                .trim_end_matches('\r'),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_anywhere_and_plain_text_has_none() {
        for marker in ["!!!", "{{", "{%", "==", "{#", ":material-"] {
            for text in [
                marker.to_string(),
                format!("x: a = b {marker}"),
                format!("{marker}\n"),
            ] {
                assert!(may_need_rewriting(&text), "{text:?}");
            }
        }
        for text in [
            "",
            "a = b: c! d? {x} 50% :smile:",
            "!! ?? = {x} : %",
            "ends with {",
        ] {
            assert!(!may_need_rewriting(text), "{text:?}");
        }
    }

    #[test]
    fn the_map_leads_back_to_the_written_text() {
        let mut b = Builder::default();
        b.line("a", 0, 0);
        b.block("<hr>".into(), 2);
        b.line("body", 20, 4);
        let (text, map, blocks, _) = b.finish();
        assert_eq!(blocks, ["<hr>"]);
        let body = text.find("body").unwrap();
        assert_eq!(map.source(body + 2), 26);
        assert_eq!(map.source(0), 0);
        assert_eq!(marker(text.lines().nth(2).unwrap()), Some(0));
    }
}
