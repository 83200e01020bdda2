//! Blocks that may scroll sideways, made usable whatever produced them: every `<pre>` gets
//! `tabindex="0"` (a keyboard can reach and scroll it), and every diagram figure an id, an
//! "Open full size" link and a "Close" link: the figure then shows over the page at its
//! natural size (CSS `:target`, no script), and closing returns to where it was.

use crate::site::links::ids_in;

/// `html` with focusable code blocks and zoomable diagrams.
pub(crate) fn decorate(html: &str) -> String {
    let mut ids = ids_in(html);
    let mut out = String::with_capacity(html.len() + 512);
    let mut at = 0;
    let mut figures = 0;
    while let Some((start, kind)) = next_block(html, at) {
        let Some(end) = html[start..].find('>').map(|p| start + p) else {
            break;
        };
        let tag = &html[start..end];
        match kind {
            Block::Pre => {
                out.push_str(&html[at..start + 4]);
                if !tag.contains(" tabindex=") {
                    out.push_str(" tabindex=\"0\"");
                }
                out.push_str(&html[start + 4..=end]);
            }
            Block::Figure if !tag.contains(" id=") => {
                let id = loop {
                    figures += 1;
                    let id = format!("diagram-{figures}");
                    if !ids.contains(&id) && !ids.contains(&format!("{id}-closed")) {
                        break id;
                    }
                };
                ids.insert(id.clone());
                out.push_str(&html[at..start]);
                out.push_str(&format!("<span id=\"{id}-closed\"></span>"));
                out.push_str(&html[start..start + 7]);
                out.push_str(&format!(" id=\"{id}\""));
                out.push_str(&html[start + 7..=end]);
                out.push_str(&format!(
                    "<a class=\"diagram-open\" href=\"#{id}\">Open full size</a>\
                     <a class=\"diagram-close\" href=\"#{id}-closed\">Close</a>"
                ));
            }
            Block::Figure => out.push_str(&html[at..=end]),
        }
        at = end + 1;
    }
    out.push_str(&html[at..]);
    out
}

enum Block {
    Pre,
    Figure,
}

/// The next `<pre` tag or diagram figure at or after `from`.
fn next_block(html: &str, from: usize) -> Option<(usize, Block)> {
    let pre = find_tag(html, from, "<pre");
    let figure = html[from..]
        .find("<figure class=\"diagram")
        .map(|p| from + p);
    match (pre, figure) {
        (Some(p), Some(f)) if f < p => Some((f, Block::Figure)),
        (Some(p), _) => Some((p, Block::Pre)),
        (None, Some(f)) => Some((f, Block::Figure)),
        (None, None) => None,
    }
}

/// The offset of an opening tag `name` (followed by a space or `>`).
fn find_tag(html: &str, mut from: usize, name: &str) -> Option<usize> {
    while let Some(p) = html[from..].find(name).map(|p| from + p) {
        if matches!(html.as_bytes().get(p + name.len()), Some(b' ' | b'>')) {
            return Some(p);
        }
        from = p + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_become_focusable_once() {
        let out = decorate(
            "<pre class=\"code\"><code>x</code></pre><pre tabindex=\"-1\">y</pre><prefix>",
        );
        assert_eq!(
            out,
            "<pre tabindex=\"0\" class=\"code\"><code>x</code></pre><pre tabindex=\"-1\">y</pre><prefix>"
        );
    }

    #[test]
    fn diagrams_get_an_id_and_open_and_close_links() {
        let html = "<p id=\"diagram-1\"></p><figure class=\"diagram\"><svg></svg></figure>\
                    <figure class=\"diagram stack\" id=\"s\"></figure>";
        let out = decorate(html);
        assert!(out.contains("<span id=\"diagram-2-closed\"></span><figure id=\"diagram-2\" class=\"diagram\"><a class=\"diagram-open\" href=\"#diagram-2\">Open full size</a><a class=\"diagram-close\" href=\"#diagram-2-closed\">Close</a><svg>"), "{out}");
        assert!(out.ends_with("<figure class=\"diagram stack\" id=\"s\"></figure>"));
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in ["<pre", "<figure class=\"diagram", "<pre ", "x<pre>"] {
            let _ = decorate(html);
        }
    }
}
