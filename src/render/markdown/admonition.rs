//! The one admonition component every tool's notes become: Obsidian callouts and GitHub
//! alerts (`> [!NOTE]`, see [`super::callouts`]), MkDocs admonitions (`!!! note "Title"`,
//! collapsible `??? note`, see [`super::blocks`]) and Hugo's note/warning shortcodes. Its
//! HTML is generated here and protected from the sanitiser; `style.css` colours each family
//! in light and dark.

use crate::render::escape::escape_html;

/// Whether an admonition folds, and how it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fold {
    /// Always open.
    No,
    /// Folded until clicked (`??? note`, `[!faq]-`).
    Closed,
    /// Foldable, open at first (`???+ note`, `[!faq]+`).
    Open,
}

/// The colour family of a kind, from the kinds of Obsidian, GitHub, MkDocs and Hugo.
fn family(kind: &str) -> &'static str {
    match kind {
        "tip" | "hint" | "success" | "check" | "done" => "tip",
        "important" | "example" | "abstract" | "summary" | "tldr" => "important",
        "warning" | "caution" | "attention" | "question" | "help" | "faq" => "warning",
        "danger" | "error" | "failure" | "fail" | "missing" | "bug" => "danger",
        "quote" | "cite" => "quote",
        _ => "note",
    }
}

/// A kind's own title: `note` → `Note`, `see-also` → `See also`.
pub(super) fn default_title(kind: &str) -> String {
    let words = kind.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Note".into(),
    }
}

/// A title written in Markdown (`Use `x`!`) as HTML: emphasis, strong, strikethrough and
/// code kept, links reduced to their text, raw HTML shown as text.
pub(super) fn title_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let events = Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
            Event::Start(Tag::Paragraph | Tag::Link { .. } | Tag::Image { .. })
            | Event::End(TagEnd::Paragraph | TagEnd::Link | TagEnd::Image) => None,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)
            | Event::Text(_)
            | Event::Code(_) => Some(e),
            Event::SoftBreak | Event::HardBreak => Some(Event::Text(" ".into())),
            _ => None,
        });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim().to_string()
}

/// The opening HTML of an admonition of `kind` (lowercase) with its title as HTML.
pub(super) fn open_html(kind: &str, title_html: &str, fold: Fold) -> String {
    let class = format!(
        "admonition admonition-{} kind-{}",
        family(kind),
        escape_html(&kind.replace(|c: char| !c.is_alphanumeric() && c != '-', ""))
    );
    match fold {
        Fold::No => format!(
            "<div class=\"{class}\">\n<p class=\"admonition-title\">{title_html}</p>\n"
        ),
        Fold::Closed => format!(
            "<details class=\"{class}\">\n<summary class=\"admonition-title\">{title_html}</summary>\n"
        ),
        Fold::Open => format!(
            "<details class=\"{class}\" open>\n<summary class=\"admonition-title\">{title_html}</summary>\n"
        ),
    }
}

/// The closing HTML of an admonition opened with `fold`.
pub(super) fn close_html(fold: Fold) -> &'static str {
    match fold {
        Fold::No => "</div>\n",
        Fold::Closed | Fold::Open => "</details>\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_keeps_inline_markup_and_shows_html_as_text() {
        assert_eq!(
            title_html("Use `x.md` *now* [here](javascript:alert(1)) <b onclick=y>"),
            "Use <code>x.md</code> <em>now</em> here &lt;b onclick=y&gt;"
        );
    }

    #[test]
    fn kinds_fall_into_families_and_fold_as_asked() {
        assert_eq!(
            open_html("faq", "Why?", Fold::Closed),
            "<details class=\"admonition admonition-warning kind-faq\">\n\
             <summary class=\"admonition-title\">Why?</summary>\n"
        );
        assert!(open_html("bug", "B", Fold::No)
            .starts_with("<div class=\"admonition admonition-danger kind-bug\">"));
        assert!(open_html("x\"y", "T", Fold::Open).contains("kind-xy\" open>"));
        assert_eq!(default_title("see-also"), "See also");
        assert_eq!(close_html(Fold::Open), "</details>\n");
    }
}
