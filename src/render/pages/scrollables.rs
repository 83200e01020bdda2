//! Blocks that may scroll sideways, made usable whatever produced them: every `<pre>`,
//! diagram figure and Markdown table (a bare `<table>`, which the theme shows as its own
//! scroll box) gets `tabindex="0"` (a keyboard can reach and scroll it), and every diagram
//! figure a frame with an id, an "Open full size" link and a "Close" link: the frame then shows over the page
//! with the diagram at its natural size (CSS `:target`, no script), and closing returns to
//! where it was.

use crate::site::links::ids_in;

/// `html` with focusable code blocks and tables and zoomable diagrams.
pub(crate) fn decorate(html: &str) -> String {
    // The page's ids, collected only when a diagram needs one made up.
    let mut ids = None;
    let mut out = String::with_capacity(html.len() + 512);
    let mut at = 0;
    let mut figures = 0;
    while let Some((start, kind)) = next_block(html, at) {
        let Some(end) = html[start..].find('>').map(|p| start + p) else {
            break;
        };
        match kind {
            Block::Focusable => {
                let tag = &html[start..end];
                let end = if tag.ends_with('/') { end - 1 } else { end };
                out.push_str(&html[at..end]);
                if !tag.contains(" tabindex=") {
                    out.push_str(" tabindex=\"0\"");
                }
                at = end;
            }
            Block::Figure => {
                let Some(close) = html[end..].find("</figure>").map(|p| end + p + 9) else {
                    break;
                };
                let ids = ids.get_or_insert_with(|| ids_in(html));
                let id = loop {
                    figures += 1;
                    let id = format!("diagram-{figures}");
                    if !ids.contains(&id) && !ids.contains(&format!("{id}-closed")) {
                        break id;
                    }
                };
                ids.insert(id.clone());
                out.push_str(&html[at..start]);
                out.push_str(&format!(
                    "<span id=\"{id}-closed\"></span><div class=\"diagram-frame\" id=\"{id}\">"
                ));
                // The figure scrolls on narrow screens: a keyboard must reach it.
                out.push_str(&html[start..end]);
                if !html[start..end].contains(" tabindex=") {
                    out.push_str(" tabindex=\"0\"");
                }
                out.push_str(&html[end..close]);
                out.push_str(&format!(
                    "<a class=\"diagram-open\" href=\"#{id}\">Open the diagram full size</a>\
                     <a class=\"diagram-close\" href=\"#{id}-closed\">Close</a></div>"
                ));
                at = close;
            }
        }
    }
    out.push_str(&html[at..]);
    out
}

enum Block {
    /// A tag to make focusable.
    Focusable,
    /// A diagram figure, to put in a frame with its links.
    Figure,
}

/// The next `<pre` tag, bare `<table>` or diagram figure at or after `from`: one pass over
/// the tags from there (searching for each kind separately rescanned the rest of the page
/// for every block found).
fn next_block(html: &str, from: usize) -> Option<(usize, Block)> {
    let bytes = html.as_bytes();
    for p in memchr::memchr_iter(b'<', &bytes[from..]).map(|p| from + p) {
        let tag = &html[p..];
        if tag.starts_with("<pre") && matches!(bytes.get(p + 4), Some(b' ' | b'>')) {
            return Some((p, Block::Focusable));
        }
        if tag.starts_with("<table>") {
            return Some((p, Block::Focusable));
        }
        if tag.starts_with("<figure class=\"diagram") {
            return Some((p, Block::Figure));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_become_focusable_once() {
        let out = decorate(
            "<pre class=\"code\"><code>x</code></pre><pre tabindex=\"-1\">y</pre><prefix>\
             <table><table class=\"t\">",
        );
        assert_eq!(
            out,
            "<pre class=\"code\" tabindex=\"0\"><code>x</code></pre><pre tabindex=\"-1\">y</pre>\
             <prefix><table tabindex=\"0\"><table class=\"t\">"
        );
    }

    #[test]
    fn diagrams_get_an_id_and_open_and_close_links() {
        let html = "<p id=\"diagram-1\"></p><figure class=\"diagram\"><svg></svg></figure>\
                    <figure class=\"diagram stack\" id=\"s\"></figure>";
        let out = decorate(html);
        assert!(out.contains("<span id=\"diagram-2-closed\"></span><div class=\"diagram-frame\" id=\"diagram-2\"><figure class=\"diagram\" tabindex=\"0\"><svg></svg></figure><a class=\"diagram-open\" href=\"#diagram-2\">Open the diagram full size</a><a class=\"diagram-close\" href=\"#diagram-2-closed\">Close</a></div>"), "{out}");
        assert!(out.contains("<div class=\"diagram-frame\" id=\"diagram-3\"><figure class=\"diagram stack\" id=\"s\" tabindex=\"0\"></figure>"));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in ["<pre", "<figure class=\"diagram", "<pre ", "x<pre>"] {
            let _ = decorate(html);
        }
    }
}
