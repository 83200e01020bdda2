//! Hugo shortcodes (`{{< name >}}`, `{{% name %}}`) and Jekyll Liquid (`{% tag %}`,
//! `{{ expression }}`) outside code. Those with an obvious equivalent are translated —
//! `ref`/`relref` and `{% link %}` to the path they name, `figure` to an image, `highlight`
//! and `mermaid` to a code fence, `note`/`warning`/`notice`/`alert`/`details`/`expand` to an
//! admonition, `{{ site.baseurl }}` and `'/x/' | relative_url` to the path — and the rest
//! are removed (their content kept), with one warning per kind on each page and a count.

use super::admonition::{close_html, default_title, open_html, Fold};
use super::source::Builder;
use crate::render::escape::escape_html;
use std::collections::BTreeMap;

/// What the lines so far have left open, and what was removed.
#[derive(Default)]
pub(super) struct Shortcodes {
    /// Inside `{{< highlight >}}`/`{% highlight %}`/`{% raw %}`: lines are kept as written
    /// until this closing tag name.
    verbatim_until: Option<&'static str>,
    /// Admonitions opened by shortcodes, innermost last: (closing tag name, fold).
    open: Vec<(String, Fold)>,
    /// Removed kinds: label → (offset of the first, count).
    removed: BTreeMap<String, (usize, usize)>,
}

/// One part of a line.
enum Piece<'l> {
    Text(&'l str),
    Inline(String),
    Block(String),
    Line(String),
}

/// A tag found in a line: its byte range and what it says.
struct Tag<'l> {
    start: usize,
    end: usize,
    kind: TagKind<'l>,
}

enum TagKind<'l> {
    /// `{{< name args >}}` or `{{% … %}}`; `closing` for `{{< /name >}}`.
    Hugo {
        name: &'l str,
        args: &'l str,
        closing: bool,
    },
    /// `{{</* x */>}}`: a shortcode shown as text.
    HugoEscaped(&'l str),
    /// `{% name args %}`.
    Liquid { name: &'l str, args: &'l str },
    /// `{{ expression }}`.
    Output(&'l str),
}

impl Shortcodes {
    /// Inside a block whose lines are kept as written (`highlight`, `raw`).
    pub(super) fn verbatim(&self) -> bool {
        self.verbatim_until.is_some()
    }

    /// Rewrites a line holding shortcodes or tags into `b`; false when it holds none (the
    /// caller adds it as it is).
    pub(super) fn rewrite_line(
        &mut self,
        line: &str,
        start: usize,
        removed: usize,
        b: &mut Builder,
    ) -> bool {
        if let Some(until) = self.verbatim_until {
            let closes = find_tags(line)
                .iter()
                .any(|t| tag_name(&t.kind) == Some(until));
            if !closes {
                return false;
            }
            self.verbatim_until = None;
            let fence = if until == "endraw" { "" } else { "```" };
            b.line(fence, start, removed);
            return true;
        }
        let tags = find_tags(line);
        if tags.is_empty() {
            return false;
        }
        let mut pieces = Vec::new();
        let mut last = 0;
        for tag in &tags {
            let before = &line[last..tag.start];
            pieces.push(Piece::Text(before));
            // An expression inside a link's destination only the original tool can fill
            // in: the link keeps it (and says so when it is rendered).
            let in_destination = before.ends_with("](") || before.ends_with("=\"");
            pieces.push(match (&tag.kind, in_destination) {
                (TagKind::Output(expr), true) => match output_value(expr) {
                    Some(value) => Piece::Inline(value),
                    None => Piece::Text(&line[tag.start..tag.end]),
                },
                _ => self.translate(&tag.kind, start + removed + tag.start),
            });
            last = tag.end;
        }
        pieces.push(Piece::Text(&line[last..]));
        emit(pieces, start, removed, b);
        true
    }

    /// What one tag becomes.
    fn translate(&mut self, kind: &TagKind<'_>, at: usize) -> Piece<'static> {
        match kind {
            TagKind::HugoEscaped(inner) => Piece::Inline(format!("{{{{<{inner}>}}}}")),
            TagKind::Hugo {
                name,
                args,
                closing,
            } => self.hugo(name, args, *closing, at),
            TagKind::Liquid { name, args } => self.liquid(name, args, at),
            TagKind::Output(expr) => self.output(expr, at),
        }
    }

    fn hugo(&mut self, name: &str, args: &str, closing: bool, at: usize) -> Piece<'static> {
        // `{{< name args />}}` closes itself: nothing follows it.
        let self_closing = args.trim_end().ends_with('/');
        let args = args.trim_end().trim_end_matches('/');
        let (positional, named) = parse_args(args);
        let arg = |key: &str, pos: usize| {
            named
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| positional.get(pos).cloned())
        };
        match (name, closing) {
            ("ref" | "relref", false) => Piece::Inline(arg("path", 0).unwrap_or_default()),
            ("figure" | "img" | "image", false) => {
                let src = arg("src", 0).unwrap_or_default();
                let alt = arg("alt", 9)
                    .or_else(|| arg("caption", 9))
                    .unwrap_or_default();
                Piece::Inline(format!("![{}]({src})", alt.replace(['[', ']'], "")))
            }
            ("highlight" | "code-toggle" | "mermaid", false) if self_closing => {
                self.note(format!("Hugo shortcode `{{{{< {name} />}}}}`"), at);
                Piece::Inline(String::new())
            }
            ("highlight" | "code-toggle", false) => {
                let lang = if name == "highlight" {
                    arg("lang", 0)
                } else {
                    Some("toml".into())
                };
                self.verbatim_until = Some(if name == "highlight" {
                    "highlight"
                } else {
                    "code-toggle"
                });
                Piece::Line(format!("```{}", lang.unwrap_or_default()))
            }
            ("mermaid", false) => {
                self.verbatim_until = Some("mermaid");
                Piece::Line("```mermaid".into())
            }
            ("tabs", _) => Piece::Inline(String::new()),
            (n, false) if !self_closing && admonition_kind(n, &arg("type", 0)).is_some() => {
                let kind = admonition_kind(n, &arg("type", 0)).unwrap_or_default();
                let fold = if matches!(n, "details" | "expand") {
                    Fold::Closed
                } else {
                    Fold::No
                };
                let title = arg("title", if n == "notice" { 1 } else { 0 })
                    .or_else(|| arg("summary", 0))
                    .filter(|t| {
                        !t.is_empty()
                            && (n != "notice"
                                || positional.len() > 1
                                || named.iter().any(|(k, _)| k == "title"))
                    })
                    .unwrap_or_else(|| default_title(&kind));
                self.open.push((n.to_string(), fold));
                Piece::Block(open_html(&kind, &escape_html(&title), fold))
            }
            (n, true) if self.open.last().is_some_and(|(o, _)| o == n) => {
                let (_, fold) = self.open.pop().expect("an open admonition");
                Piece::Block(close_html(fold).to_string())
            }
            (n, _) => {
                self.note(format!("Hugo shortcode `{{{{< {n} >}}}}`"), at);
                Piece::Inline(String::new())
            }
        }
    }

    fn liquid(&mut self, name: &str, args: &str, at: usize) -> Piece<'static> {
        let first = parse_args(args).0.into_iter().next().unwrap_or_default();
        match name {
            "raw" => {
                self.verbatim_until = Some("endraw");
                Piece::Inline(String::new())
            }
            "highlight" => {
                self.verbatim_until = Some("endhighlight");
                Piece::Line(format!("```{first}"))
            }
            "link" => Piece::Inline(format!("/{}", first.trim_start_matches('/'))),
            "post_url" => Piece::Inline(format!("/_posts/{first}.md")),
            _ => {
                self.note(format!("Liquid tag `{{% {name} %}}`"), at);
                Piece::Inline(String::new())
            }
        }
    }

    fn output(&mut self, expr: &str, at: usize) -> Piece<'static> {
        match output_value(expr) {
            Some(value) => Piece::Inline(value),
            None => {
                let value = expr.split('|').next().unwrap_or(expr).trim();
                self.note(format!("Liquid expression `{{{{ {value} }}}}`"), at);
                Piece::Inline(String::new())
            }
        }
    }

    fn note(&mut self, label: String, at: usize) {
        self.removed.entry(label).or_insert((at, 0)).1 += 1;
    }

    /// Closes what is left open at the end of the text and reports what was removed.
    pub(super) fn finish(mut self, end: usize, b: &mut Builder) {
        if self.verbatim_until.take().is_some() {
            b.line("```", end, 0);
        }
        while let Some((_, fold)) = self.open.pop() {
            b.block(close_html(fold).to_string(), end);
        }
        for (label, (at, count)) in self.removed {
            let times = if count == 1 {
                String::new()
            } else {
                format!(" ({count} times)")
            };
            b.notes.push((
                at,
                format!("{label} has no equivalent here: removed{times}"),
            ));
        }
    }
}

/// What a Liquid expression is when it needs no site data: the site's base URL is the
/// empty path, a quoted path through `relative_url`/`absolute_url` is that path.
fn output_value(expr: &str) -> Option<String> {
    let (value, filters) = expr.split_once('|').unwrap_or((expr, ""));
    let value = value.trim();
    let quoted = value.trim_matches(|c| c == '\'' || c == '"');
    let is_literal = quoted.len() + 2 == value.len();
    let url_filter = ["relative_url", "absolute_url"]
        .iter()
        .any(|f| filters.contains(f));
    match value {
        "site.baseurl" | "site.url" => Some(String::new()),
        _ if is_literal && url_filter => Some(quoted.to_string()),
        _ => None,
    }
}

/// The admonition kind a shortcode stands for, if it is one (`notice warning`, `alert`).
fn admonition_kind(name: &str, first: &Option<String>) -> Option<String> {
    match name {
        "note" | "warning" | "tip" | "info" | "caution" | "danger" | "important" | "hint" => {
            Some(name.to_string())
        }
        "notice" | "admonition" | "callout" | "alert" | "hint-box" => Some(
            first
                .clone()
                .filter(|f| !f.contains(' '))
                .unwrap_or_else(|| "note".into())
                .to_lowercase(),
        ),
        "details" | "expand" => Some("note".into()),
        _ => None,
    }
}

/// Adds the pieces of a line: inline ones on the line, blocks and lines of their own.
fn emit(pieces: Vec<Piece<'_>>, start: usize, removed: usize, b: &mut Builder) {
    let mut line = String::new();
    let mut had_text = false;
    for piece in pieces {
        match piece {
            Piece::Text(t) => {
                had_text |= !t.trim().is_empty();
                line.push_str(t);
            }
            Piece::Inline(s) => line.push_str(&s),
            Piece::Block(html) => {
                flush(&mut line, had_text, start, removed, b);
                b.block(html, start);
            }
            Piece::Line(l) => {
                flush(&mut line, had_text, start, removed, b);
                b.line(&l, start, removed);
            }
        }
    }
    if !line.trim().is_empty() || !had_text {
        b.line(line.trim_end(), start, removed);
    }
}

fn flush(line: &mut String, had_text: bool, start: usize, removed: usize, b: &mut Builder) {
    if had_text && !line.trim().is_empty() {
        b.line(line.trim_end(), start, removed);
    }
    line.clear();
}

/// The tags of a line, outside inline code spans.
fn find_tags(line: &str) -> Vec<Tag<'_>> {
    let mut tags = Vec::new();
    let mut i = 0;
    let bytes = line.as_bytes();
    // Only a backtick or a brace can start what matters here.
    while let Some(next) = memchr::memchr2(b'`', b'{', &bytes[i..]) {
        i += next;
        if bytes[i] == b'`' {
            let run = line[i..].chars().take_while(|c| *c == '`').count();
            let close = line[i + run..]
                .find(&"`".repeat(run))
                .map(|j| i + run + j + run);
            i = close.unwrap_or(i + run);
            continue;
        }
        if let Some(tag) = tag_at(line, i) {
            i = tag.end;
            tags.push(tag);
        } else {
            i += 1; // past the brace
        }
    }
    tags
}

/// The tag starting at byte `i` of `line`, if one does.
fn tag_at(line: &str, i: usize) -> Option<Tag<'_>> {
    let rest = &line[i..];
    let (open, close) = if rest.starts_with("{{<") {
        ("{{<", ">}}")
    } else if rest.starts_with("{{%") {
        ("{{%", "%}}")
    } else if rest.starts_with("{%") {
        ("{%", "%}")
    } else if rest.starts_with("{{") {
        ("{{", "}}")
    } else {
        return None;
    };
    let inner_len = rest[open.len()..].find(close)?;
    let inner = &rest[open.len()..open.len() + inner_len];
    let end = i + open.len() + inner_len + close.len();
    let trimmed = inner.trim().trim_matches('-').trim();
    let kind = match open {
        "{{<" | "{{%" if trimmed.starts_with("/*") => TagKind::HugoEscaped(inner),
        "{{<" | "{{%" => {
            let closing = trimmed.starts_with('/');
            let body = trimmed.trim_start_matches('/').trim();
            let (name, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
            TagKind::Hugo {
                name,
                args,
                closing,
            }
        }
        "{%" => {
            let (name, args) = trimmed
                .split_once(char::is_whitespace)
                .unwrap_or((trimmed, ""));
            TagKind::Liquid { name, args }
        }
        _ => TagKind::Output(trimmed),
    };
    Some(Tag {
        start: i,
        end,
        kind,
    })
}

/// The name of a tag, for matching a closing one.
fn tag_name<'l>(kind: &TagKind<'l>) -> Option<&'l str> {
    match kind {
        TagKind::Hugo {
            name,
            closing: true,
            ..
        } => Some(name),
        TagKind::Liquid { name, .. } => Some(name),
        _ => None,
    }
}

/// A tag's arguments: positional ones and `key=value` ones, quotes removed.
fn parse_args(args: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut positional = Vec::new();
    let mut named = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (token, after) = next_token(rest);
        match token.split_once('=') {
            Some((k, v)) if !k.contains(['"', '\'']) => {
                named.push((k.trim().to_string(), unquote(v.trim()).to_string()));
            }
            _ => positional.push(unquote(token).to_string()),
        }
        rest = after.trim_start();
    }
    (positional, named)
}

/// The first whitespace-separated token of `text`, quotes kept together.
fn next_token(text: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match c {
            '"' | '\'' | '`' if quote == Some(c) => quote = None,
            '"' | '\'' | '`' if quote.is_none() => quote = Some(c),
            c if c.is_whitespace() && quote.is_none() => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\'', '`'] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use crate::render::markdown::source::{marker, prepare};

    /// The prepared text with markers shown as the first line of their HTML.
    fn shown(md: &str) -> (String, Vec<String>) {
        let p = prepare(md);
        let text = p
            .text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| match marker(l) {
                Some(i) => p.blocks[i].lines().next().unwrap_or("").to_string(),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        (text, p.notes.into_iter().map(|(_, n)| n).collect())
    }

    #[test]
    fn hugo_shortcodes_with_an_equivalent_are_translated() {
        let (text, notes) = shown(
            "See [roles]({{< relref \"aws/roles.md\" >}}).\n\n{{< figure src=\"img/a.png\" alt=\"A diagram\" >}}\n\n\
             {{% notice warning \"Mind this\" %}}\nCareful.\n{{% /notice %}}\n\n{{< highlight go >}}\n{{ .Title }}\n{{< /highlight >}}\n",
        );
        assert_eq!(
            text,
            "See [roles](aws/roles.md).\n![A diagram](img/a.png)\n\
             <div class=\"admonition admonition-warning kind-warning\">\nCareful.\n</div>\n```go\n{{ .Title }}\n```"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn the_rest_is_removed_with_one_note_per_kind_and_a_count() {
        let (text, notes) = shown(
            "{{< new-in 0.120 >}} Text {{< new-in 0.121 >}}.\n\n{% include nav.html %}\n\n\
             Code `{{< kept >}}` and {{ page.title }} and [x]({{ '/docs/x/' | relative_url }}) [y]({{ site.repo }}/y).\n",
        );
        assert_eq!(
            text,
            " Text .\nCode `{{< kept >}}` and  and [x](/docs/x/) [y]({{ site.repo }}/y)."
        );
        assert_eq!(
            notes,
            [
                "Hugo shortcode `{{< new-in >}}` has no equivalent here: removed (2 times)",
                "Liquid expression `{{ page.title }}` has no equivalent here: removed",
                "Liquid tag `{% include %}` has no equivalent here: removed",
            ]
        );
    }

    #[test]
    fn tags_are_found_after_any_text_and_never_inside_code_spans() {
        let line = "é { ``{{< a >}}`` ü {{< b >}} `{% c %}` {x} {% d %}";
        let found: Vec<&str> = super::find_tags(line)
            .iter()
            .map(|t| &line[t.start..t.end])
            .collect();
        assert_eq!(found, ["{{< b >}}", "{% d %}"]);
        assert!(super::find_tags("no braces, no backticks: ß").is_empty());
    }

    #[test]
    fn liquid_raw_and_highlight_keep_their_content() {
        let (text, notes) = shown("{% raw %}\n{{ kept }}\n{% endraw %}\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n{% link _docs/index.md %}\n");
        assert_eq!(text, "{{ kept }}\n```ruby\nputs 1\n```\n/_docs/index.md");
        assert!(notes.is_empty(), "{notes:?}");
    }
}
