//! Raw HTML written in Markdown, under the page's [`HtmlPolicy`]; the blocks we generate
//! ourselves are protected from the sanitiser.

use crate::render::html_policy::{self, HtmlPolicy};
use pulldown_cmark::{CowStr, Event};

/// Raw HTML under the page's [`HtmlPolicy`]. Under `sanitize`, a page that has raw HTML is
/// sanitised whole once rendered; the blocks we generate ourselves (highlighted code,
/// diagrams) stand in as markers meanwhile and are put back afterwards, untouched.
pub(super) struct RawHtml {
    policy: HtmlPolicy,
    seen: bool,
    protected: Vec<String>,
}

/// Marks a protected block: private-use characters around its index.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

impl RawHtml {
    pub(super) fn new(policy: HtmlPolicy) -> Self {
        RawHtml {
            policy,
            seen: false,
            protected: Vec::new(),
        }
    }

    /// The event that stands for a raw HTML fragment.
    pub(super) fn admit<'a>(&mut self, html: CowStr<'a>) -> Event<'a> {
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
    pub(super) fn protect(&mut self, html: String) -> String {
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
    pub(super) fn finish(self, html: String) -> String {
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
