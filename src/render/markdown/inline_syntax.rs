//! Small inline syntax of other tools, outside code: Obsidian comments `%%hidden%%` (also
//! over several lines) are dropped, Obsidian and MkDocs highlights `==text==` become
//! `<mark>`, MkDocs attribute lists after an element (`[Go](x.md){ .md-button }`) are dropped,
//! MkDocs theme icons (`:material-check:`, `:octicons-heart-24:`) are removed with one
//! warning per page, and emoji shortcodes of GitHub and MkDocs (`:rocket:`) become the emoji.

/// What earlier lines left open, and how many icons were removed.
#[derive(Default)]
pub(super) struct InlineSyntax {
    in_comment: bool,
    /// Offset of the first removed icon and how many there were.
    icons: Option<(usize, usize)>,
}

/// Icon sets of MkDocs Material, written `:set-name:`.
const ICON_SETS: &[&str] = &["material-", "octicons-", "fontawesome-", "simple-"];

impl InlineSyntax {
    /// The line rewritten, or `None` when it has none of this syntax. `at` is the line's
    /// offset in the text as written.
    pub(super) fn rewrite(&mut self, line: &str, at: usize) -> Option<String> {
        let may = self.in_comment || ["%%", "==", "{", ":"].iter().any(|m| line.contains(m));
        if !may {
            return None;
        }
        let mut out = String::with_capacity(line.len());
        let mut i = 0;
        let mut changed = false;
        // A heading's `{#id}` is pulldown-cmark's to read.
        let heading = line.trim_start().starts_with('#');
        while i < line.len() {
            let rest = &line[i..];
            if self.in_comment {
                changed = true;
                match rest.find("%%") {
                    Some(end) => {
                        self.in_comment = false;
                        i += end + 2;
                    }
                    None => break,
                }
                continue;
            }
            if let Some(skip) = code_span(rest) {
                out.push_str(&rest[..skip]);
                i += skip;
                continue;
            }
            let step = self.element(rest, at + i, heading, &mut out);
            changed |= step.is_some();
            i += step.unwrap_or_else(|| {
                let c = rest.chars().next().expect("not at the end");
                out.push(c);
                c.len_utf8()
            });
        }
        changed.then_some(out)
    }

    /// Rewrites the element at the start of `rest` into `out`; the bytes it took, or `None`
    /// when none starts there.
    fn element(&mut self, rest: &str, at: usize, heading: bool, out: &mut String) -> Option<usize> {
        if rest.starts_with("%%") {
            self.in_comment = true;
            return Some(2);
        }
        if let Some((inner, len)) = highlight(rest) {
            out.push_str("<mark>");
            out.push_str(inner);
            out.push_str("</mark>");
            return Some(len);
        }
        if let Some(len) = icon(rest) {
            let found = self.icons.get_or_insert((at, 0));
            found.1 += 1;
            return Some(len);
        }
        if let Some((emoji, len)) = emoji_shortcode(rest) {
            out.push_str(emoji);
            return Some(len);
        }
        attribute_list(rest).filter(|_| !heading)
    }

    /// The warning about removed icons, if any: (offset of the first, message).
    pub(super) fn finish(self) -> Option<(usize, String)> {
        let (at, count) = self.icons?;
        let times = if count == 1 {
            String::new()
        } else {
            format!(" ({count} times)")
        };
        Some((
            at,
            format!("MkDocs icon `:…:` has no equivalent here: removed{times}"),
        ))
    }
}

/// The length of an inline code span starting here (backticks to matching backticks).
fn code_span(rest: &str) -> Option<usize> {
    let run = rest.bytes().take_while(|b| *b == b'`').count();
    if run == 0 {
        return None;
    }
    let close = "`".repeat(run);
    Some(rest[run..].find(&close).map_or(run, |j| run + j + run))
}

/// `==text==` → (`text`, its length): text neither starts nor ends with a space.
fn highlight(rest: &str) -> Option<(&str, usize)> {
    let body = rest.strip_prefix("==")?;
    let end = body.find("==")?;
    let inner = &body[..end];
    let ok = !inner.is_empty()
        && !inner.starts_with([' ', '='])
        && !inner.ends_with(' ')
        && !inner.contains('`');
    ok.then_some((inner, end + 4))
}

/// The length of a theme icon `:material-check-all:` starting here.
fn icon(rest: &str) -> Option<usize> {
    let body = rest.strip_prefix(':')?;
    ICON_SETS.iter().find(|s| body.starts_with(**s))?;
    let end = body.find(':')?;
    let name = &body[..end];
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
        .then_some(end + 2)
}

/// A known emoji shortcode `:rocket:` starting here: (the emoji, its length).
fn emoji_shortcode(rest: &str) -> Option<(&'static str, usize)> {
    let body = rest.strip_prefix(':')?;
    let end = body.find(':')?;
    let name = &body[..end];
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_+-".contains(&b));
    if !plain {
        return None;
    }
    emojis::get_by_shortcode(name).map(|e| (e.as_str(), end + 2))
}

/// The length of an attribute list `{ .class #id key=value }` starting here.
fn attribute_list(rest: &str) -> Option<usize> {
    let body = rest.strip_prefix('{')?;
    let end = body.find('}')?;
    let inner = body[..end].trim().trim_start_matches(':').trim();
    // Quoted values (`style="margin: 0"`) may hold spaces: read them as empty.
    let unquoted: String = inner.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
    let looks = inner.starts_with(['.', '#'])
        && unquoted
            .split_whitespace()
            .all(|w| w.starts_with(['.', '#']) || w.contains('='));
    looks.then_some(end + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> (Vec<String>, Option<(usize, String)>) {
        let mut s = InlineSyntax::default();
        let out = lines
            .iter()
            .map(|l| s.rewrite(l, 0).unwrap_or_else(|| l.to_string()))
            .collect();
        (out, s.finish())
    }

    #[test]
    fn comments_highlights_attribute_lists_and_icons() {
        let (out, note) = run(&[
            "Shown %%hidden%% text and ==marked== words, not `==code==` or a == b.",
            "Start %% a comment",
            "still hidden",
            "ends here %% shown.",
            "[Go](x.md){ .md-button .md-button--primary } :material-check: done",
            "Note (1) { .annotate style=\"margin-bottom: 0\" } and {not a list}",
            "Go :rocket: at 10:30:00, not :nope: or `:rocket:`",
        ]);
        assert_eq!(
            out,
            [
                "Shown  text and <mark>marked</mark> words, not `==code==` or a == b.",
                "Start ",
                "",
                " shown.",
                "[Go](x.md)  done",
                "Note (1)  and {not a list}",
                "Go \u{1f680} at 10:30:00, not :nope: or `:rocket:`",
            ]
        );
        assert_eq!(
            note.unwrap().1,
            "MkDocs icon `:…:` has no equivalent here: removed"
        );
    }

    #[test]
    fn ordinary_braces_and_colons_stay() {
        let (out, note) = run(&["A set {a, b} and a time 10:30: fine.", "### Custom {#mine}"]);
        assert_eq!(
            out,
            ["A set {a, b} and a time 10:30: fine.", "### Custom {#mine}"]
        );
        assert!(note.is_none());
    }
}
