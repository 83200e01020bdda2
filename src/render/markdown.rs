//! Markdown → HTML for articles and for the Markdown fields of the dataset. pulldown-cmark's
//! event stream is adapted in one pass: headings get ids (or their `{#id}`) and anchor links
//! and feed the table of contents, links with a scheme (`service:s3`) or to another `.md` file
//! are resolved to page URLs, code fences are highlighted, `mermaid` fences become inline
//! SVG and language-less fences stay byte for byte. Every link is recorded with its place so
//! the site can check targets and `#anchors` once all pages exist.
//!
//! Other tools' syntax is handled by one small module each: before parsing, [`source`]
//! rewrites lines (MkDocs blocks in [`blocks`], shortcodes and Liquid in [`shortcodes`],
//! comments, highlights and icons in [`inline_syntax`]) with a map back to the text as
//! written; while adapting events, [`callouts`] turns `> [!note]` quotes into the
//! [`admonition`] component, [`wikilinks`] resolves `[[Page]]`, [`links`] and [`raw_links`]
//! resolve every link and image, [`fence`] reads code fence attributes.

mod admonition;
mod blocks;
mod callouts;
mod code;
mod fence;
mod headings;
mod inline_syntax;
mod links;
mod pending;
mod raw_html;
mod raw_links;
mod shortcodes;
mod source;
mod wikilinks;

pub(crate) use headings::heading_slug;
pub(crate) use pending::{Links, PageLinks, PendingLink};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::render::escape::escape_html;
use crate::render::highlight::Highlighter;
use crate::render::html_policy::{self, HtmlPolicy};
use crate::source::SourceFile;
use code::{code_block, fence_closes};
use headings::UniqueIds;
use links::{rewrite_image, rewrite_link};
use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use raw_html::RawHtml;

/// Resolves links to site URLs (absolute paths with the base path).
pub(crate) trait LinkResolver: Sync {
    /// `scheme:id` → URL; `Err` carries a did-you-mean hint. `None` for a scheme the site
    /// does not know (then the link is left alone, e.g. `mailto:`).
    fn resolve(&self, scheme: &str, id: &str) -> Option<Result<String, Option<String>>>;
    /// A path relative to a source file (`../x.md`, `img/a.png`, `iam/`, `x` for `x.md`),
    /// from `from_dir`, that file's folder under `content/`: the URL of the article, folder
    /// page or file it names.
    fn resolve_relative(&self, from_dir: &str, path: &str) -> Option<String>;
    /// A wikilink's target (`Page`, `folder/Page`, `image.png`) as Obsidian resolves it,
    /// from a note in `from_dir`: the URL of the article or file.
    fn resolve_wikilink(&self, from_dir: &str, name: &str) -> Option<String>;
    /// A site path (without its leading `/`) of a file under `content/`: its URL.
    fn resolve_file(&self, site_path: &str) -> Option<String>;
    /// The site's base path (`/` or `/docs/`).
    fn base_path(&self) -> &str;
    /// What a link or image that cannot work is (`[links] internal`).
    fn broken_link_severity(&self) -> crate::diagnostics::Severity;
    /// Whether images from other sites are accepted silently (`[links] remote_images`).
    fn remote_images_allowed(&self) -> bool;
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
        /// URL path of its page, without the base path (`aws/iam/roles/`).
        url: &'a str,
    },
    /// Markdown from a YAML value: everything is reported at the value.
    Value(&'a Location),
}

impl<'a> Origin<'a> {
    /// The folder of the file under `content/` (empty for a YAML value).
    fn dir(&self) -> &'a str {
        match self {
            Origin::File { dir, .. } => dir,
            Origin::Value(_) => "",
        }
    }

    /// Like `location` but without the line's text, for links that are usually fine: there
    /// can be hundreds of thousands of them, and the text is looked up again on error.
    fn link_location(&self, offset: usize) -> Location {
        match self {
            Origin::File { file, base, .. } => Location::at_without_text(file, base + offset),
            Origin::Value(loc) => (*loc).clone(),
        }
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

/// Rendered Markdown.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Rendered {
    /// The HTML.
    pub html: String,
    /// H2/H3 headings in order.
    pub toc: Vec<TocEntry>,
    /// Internal links to verify.
    pub links: Links,
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
    opts.insert(Options::ENABLE_WIKILINKS);
    opts.insert(Options::ENABLE_DEFINITION_LIST);
    let prepared = source::prepare(markdown);
    let mut pass = Pass {
        markdown: &prepared.text,
        map: &prepared.map,
        blocks: &prepared.blocks,
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
        quotes: callouts::Quotes::default(),
        in_block_marker: false,
        embed_as_link: false,
    };
    for (offset, message) in &prepared.notes {
        let at = origin.location(*offset);
        pass.out
            .diagnostics
            .push(Diagnostic::warning(at, message.clone()));
    }
    for (event, range) in Parser::new_ext(&prepared.text, opts).into_offset_iter() {
        pass.feed(event, range);
    }
    pass.finish()
}

/// A heading (or a definition list's term, `level` `None`) being read: its level, explicit
/// `{#id}`, inner events and plain text.
struct OpenHeading<'a> {
    level: Option<HeadingLevel>,
    explicit_id: Option<String>,
    inner: Vec<Event<'a>>,
    text: String,
}

/// A code block being read: its info string, text and where it starts.
struct OpenCode {
    info: fence::FenceInfo,
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
    /// The text parsed (see [`source`]), its map back to the text as written, and the HTML
    /// of its block markers.
    markdown: &'a str,
    map: &'a source::LineMap,
    blocks: &'a [String],
    origin: Origin<'a>,
    settings: &'a Settings<'s>,
    out: Rendered,
    events: Vec<Event<'a>>,
    ids: UniqueIds,
    raw: RawHtml,
    heading: Option<OpenHeading<'a>>,
    code: Option<OpenCode>,
    first_h1: FirstH1,
    quotes: callouts::Quotes,
    /// Inside the paragraph of a block marker (dropped with it).
    in_block_marker: bool,
    /// Inside a note embed shown as a link (`![[Note]]`).
    embed_as_link: bool,
}

impl<'a> Pass<'a, '_> {
    fn feed(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        // Where the event is in the text as written (for diagnostics and links).
        let at = self.map.source(range.start);
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.end_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, attrs, ..
            }) => {
                // MkDocs' attribute lists write `{ id="x" }`.
                let id = id.or_else(|| {
                    let (_, v) = attrs.into_iter().find(|(k, _)| k.as_ref() == "id")?;
                    Some(v?.trim_matches(['"', '\'']).to_string().into())
                });
                self.start_heading(Some(level), id);
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            // A definition list's term gets an id, as Hugo gives it.
            Event::Start(Tag::DefinitionListTitle) => self.start_heading(None, None),
            Event::End(TagEnd::DefinitionListTitle) => self.end_heading(),
            Event::Start(Tag::CodeBlock(kind)) => self.start_code(kind, range, at),
            Event::Text(text) if source::marker(&text).is_some() && self.heading.is_none() => {
                self.block_marker(&text);
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.events.push(Event::Start(Tag::BlockQuote(kind)));
                self.quotes.started(self.events.len() - 1);
            }
            Event::End(TagEnd::Paragraph) if self.in_block_marker => self.in_block_marker = false,
            Event::End(TagEnd::Paragraph) => {
                self.push(Event::End(TagEnd::Paragraph));
                self.quotes.paragraph_ended(&mut self.events, &mut self.raw);
            }
            Event::End(TagEnd::BlockQuote(kind)) => match self.quotes.ended() {
                Some(close) => {
                    let html = self.raw.protect(close.to_string());
                    self.events.push(Event::Html(html.into()));
                }
                None => self.events.push(Event::End(TagEnd::BlockQuote(kind))),
            },
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Image) => {
                self.link_or_image(event, at);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = match self.settings.html {
                    HtmlPolicy::Escape => html,
                    _ => raw_links::rewrite(html, at, &self.origin, self.settings, &mut self.out),
                };
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

    /// A link or image: its destination resolved (a wikilink by name), a note embed shown as
    /// a link.
    fn link_or_image(&mut self, event: Event<'a>, at: usize) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_type {
                    LinkType::WikiLink { .. } => self.wikilink_target(dest_url, at),
                    LinkType::Email => dest_url,
                    _ => self.link_target(dest_url, at),
                };
                self.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                title,
                id,
            }) if !wikilinks::embeds_image(&dest_url) => {
                // A note embedded with `![[Note]]`: a link to it.
                self.embed_as_link = true;
                let dest_url = self.wikilink_target(dest_url, at);
                self.push(Event::Start(Tag::Link {
                    link_type: LinkType::WikiLink { has_pothole },
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) if self.embed_as_link => {
                self.embed_as_link = false;
                self.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_type {
                    LinkType::WikiLink { .. } => self.wikilink_target(dest_url, at),
                    _ => self.image_source(dest_url, at),
                };
                self.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => self.push(other),
        }
    }

    /// Adds an event to the open heading, or to the page.
    fn push(&mut self, event: Event<'a>) {
        match self.heading.as_mut() {
            Some(h) => h.inner.push(event),
            None => self.events.push(event),
        }
    }

    fn start_heading(&mut self, level: Option<HeadingLevel>, id: Option<CowStr<'a>>) {
        if level == Some(HeadingLevel::H1) && self.first_h1 == FirstH1::ToDrop {
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
        let mut inner_html = match self.ids.github_alias(&h.text, &id) {
            Some(gh) => format!("<span id=\"{}\"></span>", escape_html(&gh)),
            None => String::new(),
        };
        let Some(level) = h.level else {
            pulldown_cmark::html::push_html(&mut inner_html, h.inner.into_iter());
            let html = format!("<dt id=\"{}\">{inner_html}</dt>\n", escape_html(&id));
            self.events.push(Event::Html(html.into()));
            return;
        };
        if self.first_h1 == FirstH1::Dropping {
            // The title heading: only its id and its raw anchors (`<a id>`) stay.
            self.first_h1 = FirstH1::Kept;
            self.out.title_id = Some(id);
            if !inner_html.is_empty() {
                self.events.push(Event::Html(inner_html.into()));
            }
            let anchors = h.inner.into_iter().filter(|e| matches!(e, Event::Html(_)));
            self.events.extend(anchors);
            return;
        }
        let n = level as u8;
        if n == 2 || n == 3 {
            self.out.toc.push(TocEntry {
                level: n,
                id: id.clone(),
                title: h.text.trim().to_string(),
            });
        }
        pulldown_cmark::html::push_html(&mut inner_html, h.inner.into_iter());
        self.events.push(Event::Html(
            format!(
                "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
                id = escape_html(&id)
            )
            .into(),
        ));
    }

    /// A paragraph that stands for generated block HTML (see [`source::marker`]).
    fn block_marker(&mut self, text: &str) {
        let Some(html) = source::marker(text).and_then(|i| self.blocks.get(i)) else {
            return;
        };
        if matches!(self.events.last(), Some(Event::Start(Tag::Paragraph))) {
            self.events.pop();
            self.in_block_marker = true;
        }
        let html = self.raw.protect(html.clone());
        self.events.push(Event::Html(html.into()));
    }

    /// `range` is where the block is in the parsed text, `at` where it starts as written.
    fn start_code(&mut self, kind: CodeBlockKind<'a>, range: std::ops::Range<usize>, at: usize) {
        let info = match kind {
            CodeBlockKind::Fenced(info) => {
                let block = &self.markdown[range.clone()];
                if !fence_closes(block, range.end == self.markdown.len()) {
                    self.out.diagnostics.push(Diagnostic::warning(
                        self.origin.location(at),
                        "this code fence is never closed: the rest of the file is shown as code",
                    ));
                }
                fence::FenceInfo::parse(&info)
            }
            CodeBlockKind::Indented => fence::FenceInfo::default(),
        };
        self.code = Some(OpenCode {
            info,
            text: String::new(),
            start: at,
        });
    }

    fn end_code(&mut self) {
        let Some(c) = self.code.take() else { return };
        let html = code_block(
            &c.info,
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

    /// A wikilink's target, resolved by name (left as written when nothing has the name).
    fn wikilink_target(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        match wikilinks::target(&dest, offset, &self.origin, self.settings, &mut self.out) {
            Some(url) => CowStr::from(url),
            None => dest,
        }
    }

    /// An image's source as written, rewritten to its URL in the site.
    fn image_source(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        match rewrite_image(&dest, offset, &self.origin, self.settings, &mut self.out) {
            Some(url) => CowStr::from(url),
            None => dest,
        }
    }

    /// Same-page links to a heading's GitHub-style id, pointed at the id it has.
    fn land_github_fragments(&mut self) {
        for event in &mut self.events {
            if let Event::Start(Tag::Link { dest_url, .. }) = event {
                let landing = dest_url.strip_prefix('#').and_then(|f| self.ids.landing(f));
                if let Some(id) = landing {
                    *dest_url = format!("#{id}").into();
                }
            }
        }
        for link in std::sync::Arc::make_mut(&mut self.out.links)
            .iter_mut()
            .filter(|l| l.path.is_none())
        {
            let landing = link.fragment.as_deref().and_then(|f| self.ids.landing(f));
            if let Some(id) = landing {
                link.fragment = Some(id.to_string());
            }
        }
    }

    fn finish(mut self) -> Rendered {
        self.land_github_fragments();
        if self.settings.inline {
            strip_single_paragraph(&mut self.events);
        }
        pulldown_cmark::html::push_html(&mut self.out.html, self.events.into_iter());
        self.out.html = self.raw.finish(std::mem::take(&mut self.out.html));
        self.out
    }
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
        fn resolve_relative(&self, _dir: &str, path: &str) -> Option<String> {
            match path {
                "other.md" => Some("/articles/other/".into()),
                "img/x.png" => Some("/img/x.png".into()),
                _ => None,
            }
        }
        fn resolve_wikilink(&self, _dir: &str, name: &str) -> Option<String> {
            match name {
                "Other" => Some("/articles/other/".into()),
                "x.png" => Some("/img/x.png".into()),
                _ => None,
            }
        }
        fn resolve_file(&self, path: &str) -> Option<String> {
            (path == "img/x.png").then(|| "/img/x.png".into())
        }
        fn base_path(&self) -> &str {
            "/"
        }
        fn broken_link_severity(&self) -> crate::diagnostics::Severity {
            crate::diagnostics::Severity::Error
        }
        fn remote_images_allowed(&self) -> bool {
            false
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
                url: "a/",
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
        let ids: std::collections::HashSet<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
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
                url: "a/",
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
    fn a_github_style_fragment_lands_on_its_heading() {
        let r = run("[go](#purple-teaming--adversary-emulation)\n\n## Purple Teaming & Adversary Emulation\n");
        assert!(
            r.html
                .contains("href=\"#purple-teaming-adversary-emulation\""),
            "{}",
            r.html
        );
        assert_eq!(
            r.links[0].fragment.as_deref(),
            Some("purple-teaming-adversary-emulation")
        );
        let alias = "<h2 id=\"purple-teaming-adversary-emulation\"><span id=\"purple-teaming--adversary-emulation\"></span>";
        assert!(r.html.contains(alias), "{}", r.html);
    }

    #[test]
    fn a_github_id_that_another_heading_has_is_not_claimed_twice() {
        let r = run("## A -- B {#a--b}\n\n## A & B\n");
        assert_eq!(r.html.matches("id=\"a--b\"").count(), 1, "{}", r.html);
    }

    #[test]
    fn relative_images_are_rewritten_and_missing_or_remote_ones_reported() {
        let r = run("![a](img/x.png) ![b](img/missing.png)\n\n![c](https://cdn.example/c.png)\n");
        assert!(r.html.contains("src=\"/img/x.png\""), "{}", r.html);
        let lines: Vec<String> = r
            .diagnostics
            .sorted()
            .iter()
            .map(|d| d.headline())
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(
            lines[0],
            "content/a.md:1:17: error: image `img/missing.png` not found"
        );
        assert!(lines[1].starts_with("content/a.md:3:1: warning: image from another site"));
    }

    #[test]
    fn links_not_to_markdown_are_resolved_or_kept_for_the_site_check() {
        let r = run("[img](img/x.png) [sibling](../b/) [gone](nope.md)\n");
        assert!(r.html.contains("href=\"/img/x.png\""), "{}", r.html);
        assert!(r.html.contains("href=\"/b/\""), "URL-relative: {}", r.html);
        let paths: Vec<Option<&str>> = r.links.iter().map(|l| l.path.as_deref()).collect();
        assert_eq!(paths, [Some("/img/x.png"), Some("/b/")]);
        assert_eq!(
            r.diagnostics.sorted()[0].headline(),
            "content/a.md:1:35: error: link to `nope.md`: no such article"
        );
    }

    #[test]
    fn raw_html_images_and_links_are_resolved_too() {
        let r = run("<img src=\"img/x.png\" alt=\"x\"> <a href=\"other.md#part\">o</a> <img src=\"gone.png\">\n");
        assert!(
            r.html.contains("<img src=\"/img/x.png\" alt=\"x\">"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"/articles/other/#part\""),
            "{}",
            r.html
        );
        let e = &r.diagnostics.errors()[0];
        assert_eq!(
            e.headline(),
            "content/a.md:1:71: error: image `gone.png` not found"
        );
    }

    #[test]
    fn callouts_and_alerts_become_admonitions_and_plain_quotes_stay() {
        let r = run("> [!info] Here's a *callout* title\n> Body text.\n\n> [!WARNING]\n> Careful.\n\n> [!faq]- Folded?\n> > Just a quote.\n\n> Plain quote.\n");
        let html = &r.html;
        assert!(html.contains("<div class=\"admonition admonition-note kind-info\">\n<p class=\"admonition-title\">Here's a <em>callout</em> title</p>\n<p>Body text.</p>\n</div>"), "{html}");
        assert!(html.contains("<div class=\"admonition admonition-warning kind-warning\">\n<p class=\"admonition-title\">Warning</p>\n<p>Careful.</p>\n</div>"), "{html}");
        assert!(html.contains("<details class=\"admonition admonition-warning kind-faq\">\n<summary class=\"admonition-title\">Folded?</summary>\n<blockquote>\n<p>Just a quote.</p>\n</blockquote>\n</details>"), "{html}");
        assert!(
            html.contains("<blockquote>\n<p>Plain quote.</p>\n</blockquote>"),
            "{html}"
        );
        assert!(!html.contains("[!"), "{html}");
    }

    #[test]
    fn mkdocs_admonitions_render_their_bodies_as_markdown() {
        let r = run("!!! note \"Heads up\"\n    Body with [a link](other.md).\n\n    ```bash\n    ls\n    ```\n\nAfter [broken](gone.md).\n");
        let html = &r.html;
        assert!(html.starts_with("<div class=\"admonition admonition-note kind-note\">\n<p class=\"admonition-title\">Heads up</p>\n<p>Body with <a href=\"/articles/other/\">a link</a>.</p>"), "{html}");
        assert!(html.contains("data-lang=\"bash\""), "{html}");
        assert!(html.contains("</div>\n<p>After"), "{html}");
        assert_eq!(r.diagnostics.sorted()[0].location.line_col, Some((8, 7)));
    }

    #[test]
    fn wikilinks_and_embeds_resolve_by_name() {
        let r = run("[[Other]], [[Other|shown]], [[Other#Top#Some Heading]], [[#Local]], ![[x.png]], ![[Other]] and [[Nobody]].\n\n## Local\n");
        let html = &r.html;
        assert!(
            html.contains("<a href=\"/articles/other/\">Other</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/articles/other/\">shown</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/articles/other/#some-heading\">"),
            "{html}"
        );
        assert!(html.contains("<a href=\"#local\">"), "{html}");
        assert!(html.contains("<img src=\"/img/x.png\""), "{html}");
        assert!(html.contains("and <a href=\"Nobody\">Nobody</a>"), "{html}");
        let e = &r.diagnostics.errors()[0];
        assert_eq!(
            e.headline(),
            "content/a.md:1:96: error: wikilink `[[Nobody]]`: no note or file has that name"
        );
        assert_eq!(r.links.iter().filter(|l| l.path.is_some()).count(), 5);
        let table = run("| a |\n|---|\n| [[Other\\|shown]] <me@example.org> |\n");
        assert!(
            table
                .html
                .contains("<a href=\"/articles/other/\">shown</a>"),
            "{}",
            table.html
        );
        assert!(
            table.html.contains("href=\"mailto:me@example.org\""),
            "{}",
            table.html
        );
        assert!(table.diagnostics.is_empty(), "{:?}", table.diagnostics);
    }

    #[test]
    fn definition_lists_render() {
        let r = run("`baseURL`\n: The absolute URL of the site.\n");
        assert!(r.html.contains("<dl>\n<dt id=\"baseurl\"><code>baseURL</code></dt>\n<dd>The absolute URL of the site.</dd>\n</dl>"), "{}", r.html);
        let r = run("### 9.7.0 <small>Nov 2025</small> { id=\"9.7.0\" }\n");
        assert!(r.html.contains("<h3 id=\"9.7.0\">"), "{}", r.html);
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
