//! MkDocs' indented blocks: admonitions `!!! note "Title"`, collapsible `??? note` (open
//! with `???+`) and content tabs `=== "Tab"`. Their bodies are indented four spaces, which
//! CommonMark reads as code; here each block's marker line becomes an admonition opening,
//! its body is dedented, and a closing follows its last line. Nested blocks work the same.
//! Every other line goes on to [`super::shortcodes`].

use super::admonition::{close_html, default_title, open_html, title_html, Fold};
use super::inline_syntax::InlineSyntax;
use super::source::{lines, Builder};
use crate::render::escape::escape_html;

/// An open block: the column its body starts at and how it closes.
struct Open {
    body_indent: usize,
    close: &'static str,
}

/// Rewrites `markdown` into `b`; false when nothing needed rewriting.
pub(super) fn rewrite(markdown: &str, b: &mut Builder) -> bool {
    let mut open: Vec<Open> = Vec::new();
    let mut fence: Option<String> = None;
    let mut changed = false;
    let mut shortcodes = super::shortcodes::Shortcodes::default();
    let mut inline = InlineSyntax::default();
    for (start, line) in lines(markdown) {
        let blank = line.trim().is_empty();
        if !blank && fence.is_none() {
            while open.last().is_some_and(|o| indent(line) < o.body_indent) {
                let o = open.pop().expect("an open block");
                b.block(o.close.to_string(), start);
            }
        }
        let removed = dedent_bytes(line, 4 * open.len());
        let body = &line[removed..];
        let trimmed = body.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str())
                && trimmed
                    .trim_end()
                    .chars()
                    .all(|c| c == f.chars().next().unwrap_or('`'))
            {
                fence = None;
            }
        } else if let Some(f) = fence_opening(trimmed) {
            fence = Some(f);
        } else if let Some(ial) = attribute_list(trimmed) {
            // kramdown's `{: #id .class}` on a line of its own: its id becomes an anchor.
            changed = true;
            match ial {
                Some(id) => b.block(format!("<a id=\"{}\"></a>\n", escape_html(id)), start),
                None => b.line("", start, removed),
            }
            continue;
        } else if let Some(block) = BlockStart::parse(trimmed) {
            changed = true;
            b.block(block.open_html(&mut inline, start), start);
            open.push(Open {
                body_indent: indent(line) + 4,
                close: close_html(block.fold),
            });
            continue;
        } else {
            let rewritten = match shortcodes.verbatim() {
                true => None,
                false => inline.rewrite(body, start + removed),
            };
            changed |= rewritten.is_some();
            let body = rewritten.as_deref().unwrap_or(body);
            if shortcodes.rewrite_line(body, start, removed, b) {
                changed = true;
            } else {
                b.line(body, start, removed);
            }
            continue;
        }
        b.line(body, start, removed);
    }
    let end = markdown.len();
    b.notes.extend(inline.finish());
    shortcodes.finish(end, b);
    while let Some(o) = open.pop() {
        b.block(o.close.to_string(), end);
    }
    changed
}

/// The width of a line's leading whitespace, a tab counting four.
fn indent(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4,
            _ => break,
        }
    }
    width
}

/// How many bytes of leading whitespace make up `columns` columns (fewer if the line has
/// less).
fn dedent_bytes(line: &str, columns: usize) -> usize {
    let (mut width, mut bytes) = (0, 0);
    for c in line.chars() {
        if width >= columns {
            break;
        }
        match c {
            ' ' => width += 1,
            '\t' => width += 4,
            _ => break,
        }
        bytes += 1;
    }
    bytes
}

/// A kramdown attribute list on a line of its own (`{: #id .class}`): `Some(id)` when it
/// names an id, `None` when only classes.
fn attribute_list(trimmed: &str) -> Option<Option<&str>> {
    let inner = trimmed.strip_prefix("{:")?.strip_suffix('}')?;
    let id = inner
        .split_whitespace()
        .find_map(|w| w.strip_prefix('#'))
        .filter(|id| !id.is_empty());
    Some(id)
}

/// The fence a line opens (its run of backticks or tildes), if it opens one.
fn fence_opening(trimmed: &str) -> Option<String> {
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run: String = trimmed.chars().take_while(|x| *x == c).collect();
    (run.len() >= 3).then_some(run)
}

/// The first line of a block: `!!! note "Title"`, `???+ tip`, `=== "Tab"`.
struct BlockStart {
    kind: String,
    title: Option<String>,
    fold: Fold,
}

impl BlockStart {
    fn parse(trimmed: &str) -> Option<Self> {
        let (fold, rest, tab) = if let Some(r) = trimmed.strip_prefix("???+") {
            (Fold::Open, r, false)
        } else if let Some(r) = trimmed.strip_prefix("???") {
            (Fold::Closed, r, false)
        } else if let Some(r) = trimmed.strip_prefix("!!!") {
            (Fold::No, r, false)
        } else if let Some(r) = trimmed.strip_prefix("===") {
            (Fold::No, r.strip_prefix('!').unwrap_or(r), true)
        } else {
            return None;
        };
        if !rest.starts_with(' ') {
            return None;
        }
        let rest = rest.trim();
        let (words, title) = match rest.find('"') {
            Some(q) => {
                let title = rest[q + 1..].strip_suffix('"')?;
                (&rest[..q], Some(title.to_string()))
            }
            None => (rest, None),
        };
        let kind = words.split_whitespace().next().map(str::to_lowercase);
        let word_ok = |w: &str| {
            w.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        };
        if !words.split_whitespace().all(word_ok) {
            return None;
        }
        match (tab, kind) {
            (true, _) => Some(BlockStart {
                kind: "tab".into(),
                title: Some(title?),
                fold: Fold::No,
            }),
            (false, Some(kind)) => Some(BlockStart { kind, title, fold }),
            (false, None) => None,
        }
    }

    /// The block's opening; its title's Markdown rendered, theme icons in it removed (and
    /// counted in `inline`).
    fn open_html(&self, inline: &mut InlineSyntax, at: usize) -> String {
        let title = match &self.title {
            Some(t) => title_html(inline.rewrite(t, at).as_deref().unwrap_or(t)),
            None => default_title(&self.kind),
        };
        open_html(&self.kind, &title, self.fold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::source::{marker, prepare};

    #[test]
    fn block_starts_as_mkdocs_writes_them() {
        let p = |s: &str| BlockStart::parse(s).map(|b| (b.kind, b.title, b.fold));
        assert_eq!(p("!!! note"), Some(("note".into(), None, Fold::No)));
        assert_eq!(
            p("!!! warning \"Mind the gap\""),
            Some(("warning".into(), Some("Mind the gap".into()), Fold::No))
        );
        assert_eq!(
            p("??? tip inline end \"T\""),
            Some(("tip".into(), Some("T".into()), Fold::Closed))
        );
        assert_eq!(p("???+ faq"), Some(("faq".into(), None, Fold::Open)));
        assert_eq!(
            p("=== \"Python\""),
            Some(("tab".into(), Some("Python".into()), Fold::No))
        );
        for not in [
            "!!!",
            "!!!note",
            "=== no quotes",
            "??? what is this?",
            "===",
        ] {
            assert_eq!(p(not).map(|x| x.0), None, "{not}");
        }
    }

    #[test]
    fn bodies_are_dedented_and_blocks_closed_where_the_indent_ends() {
        let md = "Intro\n\n!!! note \"Outer\"\n    Outer body.\n\n    ??? tip\n        Inner body.\n\n    Back in outer.\n\nAfter.\n";
        let p = prepare(md);
        let text: Vec<&str> = p.text.lines().filter(|l| !l.is_empty()).collect();
        let shown: Vec<String> = text
            .iter()
            .map(|l| match marker(l) {
                Some(i) => p.blocks[i].lines().next().unwrap_or("").to_string(),
                None => l.to_string(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "Intro",
                "<div class=\"admonition admonition-note kind-note\">",
                "Outer body.",
                "<details class=\"admonition admonition-tip kind-tip\">",
                "Inner body.",
                "</details>",
                "Back in outer.",
                "</div>",
                "After."
            ]
        );
        let inner = p.text.find("Inner body.").unwrap();
        assert_eq!(p.map.source(inner), md.find("Inner body.").unwrap());
    }

    #[test]
    fn kramdown_attribute_lists_become_anchors_or_go() {
        let p = prepare("## 4.3.0\n{: #v4-3-0}\n\nText.\n{: .note .info}\n");
        assert_eq!(p.blocks, ["<a id=\"v4-3-0\"></a>\n"]);
        assert!(!p.text.contains("{:"), "{}", p.text);
    }

    #[test]
    fn markers_inside_code_fences_stay_code() {
        let md = "```\n!!! note\n    x\n```\n";
        assert_eq!(prepare(md).text, md);
    }
}
