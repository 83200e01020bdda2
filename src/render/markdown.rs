//! Markdown → HTML for articles and for the Markdown fields of the dataset. pulldown-cmark's
//! event stream is adapted in one pass: headings get ids (or their `{#id}`) and anchor links
//! and feed the table of contents, links with a scheme (`service:s3`) or to another `.md` file
//! are resolved to page URLs, code fences are highlighted, `mermaid` fences become inline
//! SVG and language-less fences stay byte for byte. Every link is recorded with its place so
//! the site can check targets and `#anchors` once all pages exist.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, UnknownId};
use crate::render::escape::escape_html;
use crate::render::highlight::{Highlighted, Highlighter};
use crate::render::html_policy::{self, HtmlPolicy};
use crate::source::SourceFile;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// Resolves scheme links and `.md` paths to site URLs (absolute paths with the base path).
pub(crate) trait LinkResolver: Sync {
    /// `scheme:id` → URL; `Err` carries a did-you-mean hint. `None` for a scheme the site
    /// does not know (then the link is left alone, e.g. `mailto:`).
    fn resolve(&self, scheme: &str, id: &str) -> Option<Result<String, Option<String>>>;
    /// A relative link to a Markdown file, from the folder (relative to `content/`) of the
    /// file that contains it.
    fn resolve_markdown(&self, from_dir: &str, path: &str) -> Option<String>;
    /// The site's base path (`/` or `/docs/`).
    fn base_path(&self) -> &str;
}

/// How positions inside the Markdown map to file positions.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// Markdown that is a slice of a file starting at `base` bytes.
    File {
        /// The file.
        file: &'a SourceFile,
        /// Byte offset of the Markdown in the file.
        base: usize,
        /// Folder of the file relative to `content/`, for relative links.
        dir: &'a str,
    },
    /// Markdown from a YAML value: everything is reported at the value.
    Value(&'a Location),
}

impl Origin<'_> {
    /// Like `location` but without the line's text, for links that are usually fine: there
    /// can be hundreds of thousands of them, and the text is looked up again on error.
    fn link_location(&self, offset: usize) -> Location {
        let mut loc = self.location(offset);
        if matches!(self, Origin::File { .. }) {
            loc.line_text = None;
        }
        loc
    }

    fn location(&self, offset: usize) -> Location {
        match self {
            Origin::File { file, base, .. } => Location::at(file, base + offset),
            Origin::Value(loc) => (*loc).clone(),
        }
    }
}

/// An entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
}

/// An internal link to check once the whole site exists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PendingLink {
    /// Target page path (absolute, with base path), or `None` for the same page.
    pub path: Option<String>,
    /// Target `#anchor` without `#`.
    pub fragment: Option<String>,
    /// Where the link is written.
    pub location: Location,
}

/// Rendered Markdown.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Rendered {
    /// The HTML.
    pub html: String,
    /// H2/H3 headings in order.
    pub toc: Vec<TocEntry>,
    /// Internal links to verify.
    pub links: Vec<PendingLink>,
    /// Problems found while rendering.
    pub diagnostics: Diagnostics,
    /// Number of Mermaid diagrams rendered (for unique ids).
    pub diagrams: usize,
    /// The id of the first `#` heading when it became the page title (the page's `<h1>`
    /// carries it, so links to it still land).
    pub title_id: Option<String>,
}

/// Per-call settings.
pub(crate) struct Settings<'a> {
    /// Shared highlighter (cache included).
    pub highlighter: &'a Highlighter,
    /// Link resolution.
    pub links: &'a dyn LinkResolver,
    /// Skip the first `#` heading (it became the page title).
    pub drop_first_h1: bool,
    /// Render only inline content (no `<p>` around a single paragraph).
    pub inline: bool,
    /// What happens to raw HTML.
    pub html: HtmlPolicy,
}

/// Renders Markdown to HTML.
pub(crate) fn render(markdown: &str, origin: Origin<'_>, settings: &Settings<'_>) -> Rendered {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let mut pass = Pass {
        markdown,
        origin,
        settings,
        out: Rendered::default(),
        events: Vec::new(),
        ids: UniqueIds::default(),
        raw: RawHtml::new(settings.html),
        heading: None,
        code: None,
        first_h1: if settings.drop_first_h1 {
            FirstH1::ToDrop
        } else {
            FirstH1::Kept
        },
    };
    for (event, range) in Parser::new_ext(markdown, opts).into_offset_iter() {
        pass.feed(event, range);
    }
    pass.finish()
}

/// A heading being read: its level, explicit `{#id}`, inner events and plain text.
struct OpenHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    inner: Vec<Event<'a>>,
    text: String,
}

/// A code block being read: its language, text and where it starts.
struct OpenCode {
    lang: String,
    text: String,
    start: usize,
}

/// What happens to the first `#` heading (it may have become the page title).
#[derive(PartialEq, Eq)]
enum FirstH1 {
    ToDrop,
    Dropping,
    Kept,
}

/// One pass over pulldown-cmark's events, adapting them as the module docs say.
struct Pass<'a, 's> {
    markdown: &'a str,
    origin: Origin<'a>,
    settings: &'a Settings<'s>,
    out: Rendered,
    events: Vec<Event<'a>>,
    ids: UniqueIds,
    raw: RawHtml,
    heading: Option<OpenHeading<'a>>,
    code: Option<OpenCode>,
    first_h1: FirstH1,
}

impl<'a> Pass<'a, '_> {
    fn feed(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.end_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => self.start_heading(level, id),
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::CodeBlock(kind)) => self.start_code(kind, range),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link_target(dest_url, range.start);
                self.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let event = self.raw.admit(html);
                self.push(event);
            }
            other => {
                if let (Some(h), Event::Text(t) | Event::Code(t)) = (self.heading.as_mut(), &other)
                {
                    h.text.push_str(t);
                }
                self.push(other);
            }
        }
    }

    /// Adds an event to the open heading, or to the page.
    fn push(&mut self, event: Event<'a>) {
        match self.heading.as_mut() {
            Some(h) => h.inner.push(event),
            None => self.events.push(event),
        }
    }

    fn start_heading(&mut self, level: HeadingLevel, id: Option<CowStr<'a>>) {
        if level == HeadingLevel::H1 && self.first_h1 == FirstH1::ToDrop {
            self.first_h1 = FirstH1::Dropping;
        }
        self.heading = Some(OpenHeading {
            level,
            explicit_id: id.map(|s| s.to_string()),
            inner: Vec::new(),
            text: String::new(),
        });
    }

    /// Writes the heading with its id and anchor link; h2 and h3 go into the contents.
    fn end_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let id = self
            .ids
            .claim(h.explicit_id.unwrap_or_else(|| heading_slug(&h.text)));
        if self.first_h1 == FirstH1::Dropping {
            // The title heading: only its id and its raw anchors (`<a id>`) stay.
            self.first_h1 = FirstH1::Kept;
            self.out.title_id = Some(id);
            let anchors = h.inner.into_iter().filter(|e| matches!(e, Event::Html(_)));
            self.events.extend(anchors);
            return;
        }
        let n = h.level as u8;
        if n == 2 || n == 3 {
            self.out.toc.push(TocEntry {
                level: n,
                id: id.clone(),
                title: h.text.trim().to_string(),
            });
        }
        let mut inner_html = String::new();
        pulldown_cmark::html::push_html(&mut inner_html, h.inner.into_iter());
        self.events.push(Event::Html(
            format!(
                "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
                id = escape_html(&id)
            )
            .into(),
        ));
    }

    fn start_code(&mut self, kind: CodeBlockKind<'a>, range: std::ops::Range<usize>) {
        let lang = match kind {
            CodeBlockKind::Fenced(info) => {
                let block = &self.markdown[range.clone()];
                if !fence_closes(block, range.end == self.markdown.len()) {
                    self.out.diagnostics.push(Diagnostic::warning(
                        self.origin.location(range.start),
                        "this code fence is never closed: the rest of the file is shown as code",
                    ));
                }
                info.split_whitespace().next().unwrap_or("").to_string()
            }
            CodeBlockKind::Indented => String::new(),
        };
        self.code = Some(OpenCode {
            lang,
            text: String::new(),
            start: range.start,
        });
    }

    fn end_code(&mut self) {
        let Some(c) = self.code.take() else { return };
        let html = code_block(
            &c.lang,
            &c.text,
            c.start,
            &self.origin,
            self.settings,
            &mut self.out,
        );
        self.events.push(Event::Html(self.raw.protect(html).into()));
    }

    /// A link's destination as written, rewritten to a site URL, or `#` when its scheme
    /// could run script (with a warning).
    fn link_target(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        if html_policy::is_dangerous_url(&dest) {
            self.out.diagnostics.push(Diagnostic::warning(
                self.origin.location(offset),
                format!(
                    "link to `{}` removed: javascript:, vbscript: and data: links could run \
                     script",
                    html_policy::abbreviate(&dest, 40)
                ),
            ));
            return CowStr::from("#");
        }
        match rewrite_link(&dest, offset, &self.origin, self.settings, &mut self.out) {
            Some(url) => CowStr::from(url),
            None => dest,
        }
    }

    fn finish(mut self) -> Rendered {
        if self.settings.inline {
            strip_single_paragraph(&mut self.events);
        }
        pulldown_cmark::html::push_html(&mut self.out.html, self.events.into_iter());
        self.out.html = self.raw.finish(std::mem::take(&mut self.out.html));
        self.out
    }
}

/// Raw HTML under the page's [`HtmlPolicy`]. Under `sanitize`, a page that has raw HTML is
/// sanitised whole once rendered; the blocks we generate ourselves (highlighted code,
/// diagrams) stand in as markers meanwhile and are put back afterwards, untouched.
struct RawHtml {
    policy: HtmlPolicy,
    seen: bool,
    protected: Vec<String>,
}

/// Marks a protected block: private-use characters around its index.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

impl RawHtml {
    fn new(policy: HtmlPolicy) -> Self {
        RawHtml {
            policy,
            seen: false,
            protected: Vec::new(),
        }
    }

    /// The event that stands for a raw HTML fragment.
    fn admit<'a>(&mut self, html: CowStr<'a>) -> Event<'a> {
        match self.policy {
            HtmlPolicy::Escape => Event::Text(html),
            HtmlPolicy::Allow => Event::Html(html),
            HtmlPolicy::Sanitize => {
                self.seen = true;
                Event::Html(html)
            }
        }
    }

    /// `html` of a generated block, or a marker for it while sanitising is possible.
    fn protect(&mut self, html: String) -> String {
        if self.policy != HtmlPolicy::Sanitize {
            return html;
        }
        // The marker keeps the block's line end, so the writer lays out what follows alike.
        let line_end = if html.ends_with('\n') { "\n" } else { "" };
        self.protected
            .push(html.strip_suffix('\n').unwrap_or(&html).to_string());
        format!(
            "{MARK_OPEN}{}{MARK_CLOSE}{line_end}",
            self.protected.len() - 1
        )
    }

    /// The page's final HTML: sanitised if it had raw HTML, with the generated blocks back.
    fn finish(self, html: String) -> String {
        if self.protected.is_empty() && !self.seen {
            return html;
        }
        let html = if self.seen {
            html_policy::sanitize(&html)
        } else {
            html
        };
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(start) = rest.find(MARK_OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + MARK_OPEN.len_utf8()..];
            let block = after.split_once(MARK_CLOSE).and_then(|(n, tail)| {
                let html = self.protected.get(n.parse::<usize>().ok()?)?;
                Some((html, tail))
            });
            match block {
                Some((html, tail)) => {
                    out.push_str(html);
                    rest = tail;
                }
                None => {
                    out.push(MARK_OPEN);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Whether a fenced code block's source (`block`, opening line included) ends with its
/// closing fence. Only a block that runs to the end of the file (`at_end`) can be unclosed.
fn fence_closes(block: &str, at_end: bool) -> bool {
    if !at_end {
        return true;
    }
    let opening = block.trim_start();
    let fence_char = opening.chars().next().unwrap_or('`');
    let width = opening.chars().take_while(|c| *c == fence_char).count();
    let mut lines = block.trim_end().lines();
    lines.next();
    lines.last().is_some_and(|last| {
        let last = last.trim();
        last.chars().count() >= width && last.chars().all(|c| c == fence_char)
    })
}

fn strip_single_paragraph(events: &mut Vec<Event<'_>>) {
    let paragraphs = events
        .iter()
        .filter(|e| matches!(e, Event::Start(Tag::Paragraph)))
        .count();
    if paragraphs == 1
        && matches!(events.first(), Some(Event::Start(Tag::Paragraph)))
        && matches!(events.last(), Some(Event::End(TagEnd::Paragraph)))
    {
        events.remove(0);
        events.pop();
    }
}

/// Returns the rewritten destination, or `None` to keep it as written.
fn rewrite_link(
    dest: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t, Some(f.to_string())),
        None => (dest, None),
    };
    let with_fragment = |url: String| match &fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    };
    let record = |out: &mut Rendered, path: Option<String>| {
        out.links.push(PendingLink {
            path,
            fragment: fragment.clone(),
            location: origin.link_location(offset),
        });
    };
    if target.is_empty() {
        if fragment.is_some() {
            record(out, None);
        }
        return None;
    }
    if let Some((scheme, id)) = target.split_once(':') {
        // `None`: not a scheme of the site (https:, mailto: … are external).
        return match settings.links.resolve(scheme, id) {
            Some(Ok(url)) => {
                record(out, Some(url.clone()));
                Some(with_fragment(url))
            }
            Some(Err(hint)) => {
                let unknown = UnknownId {
                    what: scheme,
                    id,
                    hint,
                };
                out.diagnostics
                    .push(unknown.link_error(origin.location(offset)));
                None
            }
            None => None,
        };
    }
    if target.starts_with("//") {
        return None;
    }
    if let Some(abs) = target.strip_prefix('/') {
        let url = format!("{}{abs}", settings.links.base_path());
        record(out, Some(url.clone()));
        return Some(with_fragment(url));
    }
    if target.ends_with(".md") || target.contains(".md#") {
        let dir = match origin {
            Origin::File { dir, .. } => *dir,
            Origin::Value(_) => "",
        };
        return match settings.links.resolve_markdown(dir, target) {
            Some(url) => {
                record(out, Some(url.clone()));
                Some(with_fragment(url))
            }
            None => {
                out.diagnostics.push(Diagnostic::error(
                    origin.location(offset),
                    format!("link to `{target}`: no such article"),
                ));
                None
            }
        };
    }
    None
}

fn code_block(
    lang: &str,
    text: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> String {
    if lang.is_empty() {
        return format!(
            "<pre class=\"plain\"><code>{}</code></pre>\n",
            escape_html(text)
        );
    }
    if lang == "mermaid" {
        out.diagrams += 1;
        let id = format!("mermaid-{}", out.diagrams);
        match crate::render::mermaid::render_svg(text, &id) {
            Ok(svg) => return format!("<figure class=\"diagram\">{svg}</figure>\n"),
            Err(msg) => {
                out.diagnostics.push(Diagnostic::warning(
                    origin.location(offset),
                    format!("mermaid diagram could not be rendered ({msg}); shown as source"),
                ));
                return format!(
                    "<pre class=\"plain\"><code class=\"language-mermaid\">{}</code></pre>\n",
                    escape_html(text)
                );
            }
        }
    }
    let lang_attr = escape_html(lang);
    match settings.highlighter.highlight(lang, text) {
        Highlighted::Code(html) => {
            format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{html}</code></pre>\n")
        }
        Highlighted::UnknownLanguage(html) => {
            out.diagnostics.push(Diagnostic::warning(
                origin.location(offset),
                format!("unknown code language `{lang}`: shown as plain text"),
            ));
            format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{html}</code></pre>\n")
        }
    }
}

/// The id a heading gets from its text: lowercase words joined by hyphens.
pub(crate) fn heading_slug(text: &str) -> String {
    let s = crate::content::slugify(text);
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// Heading ids of one page: the first `x` stays `x`, the next ones become `x-1`, `x-2`…
/// Each base id remembers its next suffix, so many equal headings cost linear time.
#[derive(Default)]
struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl UniqueIds {
    fn claim(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        let n = self.next.entry(id.clone()).or_insert(1);
        loop {
            let candidate = format!("{id}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, scheme: &str, id: &str) -> Option<Result<String, Option<String>>> {
            match (scheme, id) {
                ("service", "s3") => Some(Ok("/services/s3/".into())),
                ("service", _) => Some(Err(crate::diagnostics::did_you_mean(id, ["s3"]))),
                _ => None,
            }
        }
        fn resolve_markdown(&self, _dir: &str, path: &str) -> Option<String> {
            (path == "other.md").then(|| "/articles/other/".into())
        }
        fn base_path(&self) -> &str {
            "/"
        }
    }

    fn run(md: &str) -> Rendered {
        run_with(md, HtmlPolicy::Sanitize)
    }

    fn run_with(md: &str, html: HtmlPolicy) -> Rendered {
        let file = SourceFile::new("content/a.md", md);
        let h = Highlighter::new();
        render(
            md,
            Origin::File {
                file: &file,
                base: 0,
                dir: "",
            },
            &Settings {
                highlighter: &h,
                links: &Links,
                drop_first_h1: false,
                inline: false,
                html,
            },
        )
    }

    #[test]
    fn raw_html_is_sanitised_allowed_or_escaped_as_configured() {
        let md = "<details><summary>More</summary>\n\nHidden *text*.\n\n</details>\n\n\
                  <script>alert(1)</script>\n\nA <kbd>Ctrl</kbd><img src=x onerror=alert(2)>\n\n\
                  ```\n<b>code stays</b>\n```\n";
        let clean = run(md).html;
        assert!(
            clean.contains("<details><summary>More</summary>"),
            "{clean}"
        );
        assert!(
            clean.contains("<em>text</em>") && clean.contains("</details>"),
            "{clean}"
        );
        assert!(clean.contains("<kbd>Ctrl</kbd><img src=\"x\">"), "{clean}");
        assert!(
            !clean.contains("script") && !clean.contains("onerror"),
            "{clean}"
        );
        assert!(
            clean.contains(
                "<pre class=\"plain\"><code>&lt;b&gt;code stays&lt;/b&gt;\n</code></pre>"
            ),
            "{clean}"
        );
        let allowed = run_with(md, HtmlPolicy::Allow).html;
        assert!(allowed.contains("<script>alert(1)</script>"), "{allowed}");
        let escaped = run_with(md, HtmlPolicy::Escape).html;
        assert!(
            escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{escaped}"
        );
        assert!(!escaped.contains("<details>"), "{escaped}");
    }

    #[test]
    fn script_links_are_removed_with_a_located_warning() {
        let r = run("ok\n\n[click](JaVaScRiPt:alert(1)) and <javascript:alert(2)>\n");
        assert_eq!(r.html.matches("href=\"#\"").count(), 2, "{}", r.html);
        assert!(
            !r.html.to_ascii_lowercase().contains("href=\"javascript"),
            "{}",
            r.html
        );
        let text = r.diagnostics.render(false);
        assert_eq!(r.diagnostics.counts(), (0, 2), "{text}");
        assert!(
            text.contains("content/a.md:3:1: warning: link to `JaVaScRiPt:alert(1)` removed"),
            "{text}"
        );
    }

    #[test]
    fn an_unclosed_fence_is_a_warning_at_its_line_and_a_closed_one_is_not() {
        let r = run("Intro\n\n```rust\nfn main() {}\n\nThe rest of the article.\n");
        let text = r.diagnostics.render(false);
        assert!(
            text.contains("content/a.md:3:1: warning: this code fence is never closed"),
            "{text}"
        );
        for closed in [
            "```rust\nfn x() {}\n```\n",
            "~~~~\nx\n~~~~~\n",
            "```\nx\n```",
        ] {
            assert!(run(closed).diagnostics.is_empty(), "{closed}");
        }
    }

    #[test]
    fn many_equal_headings_get_distinct_numbered_ids() {
        let md: String = (0..3000).map(|_| "## Same\n\n").collect();
        let r = run(&format!("## Same-1\n\n{md}"));
        let ids: HashSet<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.len(), 3001);
        assert_eq!(r.toc[1].id, "same");
        assert_eq!(
            r.toc[2].id, "same-2",
            "same-1 is taken by the first heading"
        );
        assert_eq!(r.toc[3000].id, "same-3000");
    }

    #[test]
    fn headings_get_ids_toc_and_explicit_ids() {
        let r = run("## Who patches? 🛡️\n\n### Custom {#mine}\n\n```bash\n# not a heading\n```\n");
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].id, "who-patches");
        assert_eq!(r.toc[1].id, "mine");
        assert!(r.html.contains("<h2 id=\"who-patches\">"), "{}", r.html);
    }

    #[test]
    fn scheme_links_resolve_and_unknown_ids_are_located() {
        let r = run("See [S3](service:s3).\n\nAnd [x](service:s4) here.\n");
        assert!(r.html.contains("href=\"/services/s3/\""));
        let e = &r.diagnostics.errors()[0];
        assert_eq!(e.location.line_col, Some((3, 5)));
        assert_eq!(e.help.as_deref(), Some("did you mean `s3`?"));
    }

    #[test]
    fn relative_md_links_are_rewritten_and_broken_ones_reported() {
        let r = run("[a](other.md#part) [b](missing.md)\n");
        assert!(
            r.html.contains("href=\"/articles/other/#part\""),
            "{}",
            r.html
        );
        assert_eq!(r.links[0].fragment.as_deref(), Some("part"));
        assert_eq!(r.diagnostics.errors()[0].location.line_col, Some((1, 20)));
    }

    #[test]
    fn a_heading_that_became_the_title_keeps_its_id_and_raw_anchors() {
        let file = SourceFile::new("content/a.md", "");
        let h = Highlighter::new();
        let r = render(
            "# Lambda role<a id=\"old\"></a>\n\n## Lambda role\n",
            Origin::File {
                file: &file,
                base: 0,
                dir: "",
            },
            &Settings {
                highlighter: &h,
                links: &Links,
                drop_first_h1: true,
                inline: false,
                html: HtmlPolicy::Sanitize,
            },
        );
        assert_eq!(r.title_id.as_deref(), Some("lambda-role"));
        assert!(r.html.starts_with("<a id=\"old\"></a>"), "{}", r.html);
        assert!(!r.html.contains("<h1"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"lambda-role-1\">"), "{}", r.html);
    }

    #[test]
    fn ascii_art_is_kept_verbatim() {
        let art = "┌──┐\n│<>│  x\n└──┘\n";
        let r = run(&format!("```\n{art}```\n"));
        assert!(r.html.contains("┌──┐\n│&lt;&gt;│  x\n└──┘\n"), "{}", r.html);
    }

    #[test]
    fn unknown_language_warns_at_the_fence() {
        let r = run("text\n\n```klingon\nx\n```\n");
        let d = &r.diagnostics.sorted()[0];
        assert_eq!(d.location.line_col, Some((3, 1)));
    }
}
